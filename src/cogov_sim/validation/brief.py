"""The one-file brief of a validation folder: ``brief.html`` and ``brief.zh.html``.

On the page every brief shares (:mod:`cogov_sim.viz.brief`): whether one set of
parameter values reproduces the reported patterns, the scenarios run, the verdict table of
:func:`cogov_sim.validation.report.verdict_table` with its caption (the columns a reader
needs; ``report.md`` has them all), the figure, the caveats and the provenance.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from ..params import Params
from ..viz import brief as page
from .patterns import scenarios_for
from .report import WORDS as REPORT
from .report import _context, verdict_table
from .spec import ValidationSpec

WORDS = {
    "en": {"title": "Validation against the reported patterns",
           "question": "Does the model, with one set of parameter values, reproduce each "
                       "pattern its sources report, and fail where it should (under the "
                       "pattern's falsifier)?",
           "verdicts": "Verdicts",
           "falsified": "{f} of the patterns were also run under their falsifier, on the same "
                        "seeds.",
           "evidence": "Only rows counted as evidence test the model: calibration targets and "
                       "calibrated, imposed or identity patterns are not tests, nor is a pattern "
                       "that also passes under its falsifier or has none.",
           "runs": "{r} seeds per scenario"},
    "zh": {"title": "对照已报告模式的模型检验",
           "question": "模型用同一组参数值能否再现来源报告的各个模式, 并在应当失败之处(该模式的"
                       "证伪条件下)失败?",
           "verdicts": "判定",
           "falsified": "其中{f}个模式还在其证伪条件下用相同的随机种子运行。",
           "evidence": "只有计为证据的行才检验了模型: 校准目标以及状态为已校准、设定或恒等式的"
                       "模式都不是检验, 在证伪条件下也通过或没有证伪条件的模式也不是。",
           "runs": "每个情景{r}个随机种子"},
}
KEEP = (0, 1, 4, 5, 6, 7, 8, 11)
"""The verdict table's columns the brief shows: pattern, claim, band, model mean, seeds in
band, verdict, role, evidence."""


def build(spec: ValidationSpec, folder: Path, manifest: Mapping[str, Any],
          verdicts: pd.DataFrame, robust: pd.DataFrame, lang: str = "en") -> page.Page:
    """The validation's parts of its brief."""
    w, r = WORDS[lang], REPORT[lang]
    full = verdict_table(spec, verdicts, lang, markdown=False)
    table = replace(full, title=w["verdicts"], head=[full.head[i] for i in KEEP],
                    rows=[[row[i] for i in KEEP] for row in full.rows],
                    numeric=frozenset({3, 4}), quoted=frozenset({1, 2}))
    counted = verdicts.loc[verdicts["counted"], "pattern"].tolist()
    context = r["context"].format(c=_context(spec.context).replace("`", "")) \
        if spec.context else ""
    tally = r["tally"].format(passed=int(verdicts["passes"].sum()), n=len(verdicts),
                              k=len(counted), ids=", ".join(counted) or r["none"],
                              context=context)
    falsified = int((verdicts["falsifier"] != "").sum())
    flips = sorted(pid for pid, g in robust.groupby("pattern") if g["passes"].nunique() > 1)
    p = Params().replace(**{k: v for k, v in spec.size.params().items() if k != "months"})
    return page.Page(
        title=w["title"], description=tally, question=w["question"],
        ran_title=page.WORDS[lang]["scenarios"],
        ran=page.scenario_items(list(scenarios_for(spec.patterns)), lang),
        ran_note=w["falsified"].format(f=falsified) if falsified else "",
        tables=[table], figures=page.figures(folder, {"validation": r["figure"]}, lang),
        caveats=[w["evidence"],
                 *([r["flips"].format(p=", ".join(flips))] if flips else []),
                 page.sample_caveat(p.residents_per_agent, lang, p.n_residents,
                                    p.n_communities),
                 page.model_caveat(lang)],
        provenance=page.provenance(manifest, lang, spec.root_seed,
                                   w["runs"].format(r=spec.replications)))


__all__ = ["KEEP", "WORDS", "build"]
