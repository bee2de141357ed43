"""A one-file brief per experiment: ``brief.html`` and ``brief.zh.html`` beside the tables.

The page (:mod:`cogov_sim.viz.brief`) holds the study's title, its question, the scenarios
with their one-line descriptions, the headline table of
:func:`cogov_sim.experiment.compare.summary_rows` with its caption and notes, the marginal
cost table of :func:`cogov_sim.experiment.compare.marginal_rows`, the figures, the caveats
(horizon check, sample rate, what the numbers are not) and the provenance (version,
commit, spec, seeds).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..viz import brief as page
from ..viz.labels import scenario_label, study_title
from . import compare

WORDS = {
    "en": {"question": "How do the scenarios below compare with {ref}, the reference, on the "
                       "outcomes of the table?",
           "results": "Results",
           "stationary": "Horizon check: no reported difference is still changing by more "
                         "than {tol} of itself per year over the last {years} reported years.",
           "runs": "{replications} replications per scenario"},
    "zh": {"question": "下列情景在表中各指标上与参照情景{ref}相比如何?", "results": "结果",
           "stationary": "期末检查: 最后{years}个报告年份中, 没有差值每年的变化超过其自身的{tol}。",
           "runs": "每个情景{replications}次重复"},
}
FIGURES = {"en": {"differences": "Differences from the reference with their 95% intervals",
                  "outcomes": "Key outcomes over time: mean and middle 95% of replications"},
           "zh": {"differences": "各情景与参照情景的差值及其95%置信区间",
                  "outcomes": "主要指标随时间的变化: 重复的均值与中间95%"}}
"""The figures a brief embeds (stem → caption), in its languages."""


def build(folder: Path, manifest: Mapping[str, Any], summary: pd.DataFrame,
          outcomes: Sequence[str], order: Sequence[str], window: compare.Window,
          horizon: pd.DataFrame | None, lang: str = "en") -> page.Page:
    """The experiment's parts of its brief."""
    from .horizon import TOLERANCE, YEARS

    w = WORDS[lang]
    sub = summary[(summary["measure"] == "end") & summary["outcome"].isin(outcomes)]
    head, rows = compare.summary_rows(summary, outcomes, lang, window=window, horizon=horizon)
    tables = [page.Table(w["results"], head, rows, compare.caption(sub, lang, "end", window),
                         compare.summary_notes(lang, window), frozenset(range(3, len(head))))]
    cost_head, cost_rows = compare.marginal_rows(summary, outcomes, lang, window=window)
    if cost_rows:
        title, caption = compare.marginal_caption(summary, outcomes, lang, window=window)
        tables.append(page.Table(title, cost_head, cost_rows, caption, numeric=frozenset({1, 3})))
    warning = compare.horizon_lines(horizon, outcomes, lang)
    first = next(iter(manifest.get("points", {}).values()), {}).get("params", {})
    caveats = [warning[0] + " " + "; ".join(line.removeprefix("- ") for line in warning[1:])
               if warning
               else w["stationary"].format(tol=f"{TOLERANCE:.0%}", years=YEARS),
               page.sample_caveat(first.get("residents_per_agent", "?"), lang,
                                  first.get("n_residents"), first.get("n_communities", "?")),
               page.model_caveat(lang)]
    spec = manifest.get("spec", {})
    return page.Page(
        title=study_title(order, lang, manifest.get("title", ""), manifest.get("title_zh", "")),
        description=manifest.get("description", "") if lang == "en" else "",
        question=w["question"].format(ref=scenario_label(order[0], lang)),
        ran_title=page.WORDS[lang]["scenarios"],
        ran=page.scenario_items(order, lang, reference=order[0]),
        tables=tables, figures=page.figures(folder, FIGURES[lang], lang), caveats=caveats,
        provenance=page.provenance(manifest, lang, spec.get("root_seed", "?"),
                                   w["runs"].format(replications=spec.get("replications", "?"))))


__all__ = ["FIGURES", "WORDS", "build"]
