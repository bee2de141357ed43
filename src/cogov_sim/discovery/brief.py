"""The one-file brief of a discovery folder: ``brief.html`` and ``brief.zh.html``.

On the page every brief shares (:mod:`cogov_sim.viz.brief`): the goal as the question,
the scenario the policies start from and the presets placed beside them, the tables of
:func:`cogov_sim.discovery.summary.tables` (regions, levers, trade-offs, presets,
robustness) with their captions, the figures, the caveats and the provenance.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..viz import brief as page
from .prim import Box
from .spec import DiscoverySpec
from .summary import CAPTIONS, method, tables, title

WORDS = {
    "en": {"question": "Which policies reach the goal: {goal}? At what cost, and how robustly "
                       "across seeds?",
           "ran": "Scenario and presets", "start": "starting point", "placed": "placed beside "
           "the sampled policies",
           "regions": "The regions and scores describe the sampled policies: a policy inside "
                      "a region is likely, not certain, to meet the goal.",
           "runs": "{n} policies and {p} presets, {r} seed(s) each"},
    "zh": {"question": "哪些政策能达到目标: {goal}? 代价多大, 在不同随机种子下是否稳健?",
           "ran": "情景与预设情景", "start": "起点", "placed": "与抽样政策并列比较",
           "regions": "区域与得分描述的是抽样政策: 落在区域内的政策很可能(而非必然)达到目标。",
           "runs": "{n}项政策与{p}个预设情景, 各{r}个随机种子"},
}


def build(spec: DiscoverySpec, folder: Path, manifest: Mapping[str, Any],
          policies: pd.DataFrame, presets: pd.DataFrame, boxes: Sequence[Box],
          features: pd.DataFrame, conditions: pd.DataFrame, notes: Sequence[str],
          lang: str = "en") -> page.Page:
    """The discovery's parts of its brief."""
    w = WORDS[lang]
    start = page.scenario_items([spec.scenario], lang)
    placed = page.scenario_items([p for p in spec.presets if p != spec.scenario], lang)
    params = spec.base_params()
    shown = tables(spec, policies, presets, boxes, features, conditions, lang)
    return page.Page(
        title=title(spec, lang), description=spec.description if lang == "en" else "",
        question=w["question"].format(goal=spec.goal.text(lang)), ran_title=w["ran"],
        ran=[page.Item(i.name, i.text, w["start"]) for i in start]
        + [page.Item(i.name, i.text, w["placed"]) for i in placed],
        ran_note=method(spec, lang), tables=list(shown.values()),
        figures=page.figures(folder, CAPTIONS[lang], lang),
        caveats=[*notes, w["regions"],
                 page.sample_caveat(params.residents_per_agent, lang, params.n_residents,
                                    params.n_communities),
                 page.model_caveat(lang)],
        provenance=page.provenance(manifest, lang, spec.root_seed, w["runs"].format(
            n=spec.n, p=len(spec.presets), r=spec.replications)))


__all__ = ["WORDS", "build"]
