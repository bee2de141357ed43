"""The registry of named mechanisms, each with a documented way to cut it.

A mechanism exists only if something downstream changes when it is cut. Each entry names
one mechanism of the model and says how :class:`~cogov_sim.model.CoGovModel` cuts it when
its name is in ``Params.cuts``: a score stops observing (each unit keeps the score it had
when the reported months began), a coupling is set to zero, or a state is frozen. Cuts
act from the first reported month on, so the spin-up (and everything before the reform)
is the same in the cut and the intact run, and paired runs on one seed compare like with
like. ``cogov-sim ablate`` (:mod:`cogov_sim.ablation`) runs the comparisons.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Mechanism:
    name: str
    en: str
    zh: str
    cut: str
    """How the cut is made."""
    cut_zh: str
    source: str
    lever: str | None = None
    """A lever the cut sets to zero (the cut of a policy instrument), if any."""


MECHANISMS: tuple[Mechanism, ...] = (
    Mechanism("gov_score", "Government's score of committees (fulfilment of the agreement)",
              "政府对村(居)履约评估", "frozen: each committee keeps its score from before the reform",
              "冻结: 各居委会保持改革前得分", "seed 003"),
    Mechanism("committee_rating", "Committees' ratings of departments (two-way evaluation)",
              "村(居)对政府部门的评估", "frozen: each rating stays what it was before the reform",
              "冻结: 评分保持改革前水平", "seed 003"),
    Mechanism("resident_score", "Residents' appraisal of their committee",
              "居民对居委会的评议", "frozen: each committee keeps its appraisal from before the reform",
              "冻结: 居民评议保持改革前水平", "seed 000"),
    Mechanism("resident_evaluation", "Residents' share in the committee's assessment",
              "居民评议在考核中的权重", "coupling zero: the assessment and the committee's focus ignore it",
              "权重为零: 考核与居委会工作重心不受其影响", "seed 000"),
    Mechanism("breach", "Breach liability: task payments ride on the government's score",
              "违约责任: 经费与履约评估挂钩", "coupling zero: nothing is withheld", "取消: 不扣减经费",
              "seed 003"),
    Mechanism("paperwork", "Presentation paperwork for inspections (留痕)", "台账留痕",
              "coupling zero: no hours on presentation", "取消: 不做展示性台账", "seed 003"),
    Mechanism("trust_so", "Trust in social organizations", "对社会组织的信任",
              "state frozen at its level before the reform", "冻结在改革前水平", "seed 001"),
    Mechanism("trust_government", "Trust in the government", "对政府的信任",
              "state frozen at its level before the reform", "冻结在改革前水平", "M2"),
    Mechanism("neighbour_influence", "Neighbours' participation in one's own propensity",
              "邻里参与的带动", "coupling zero", "权重为零", "M3"),
    Mechanism("habit", "Habit: having taken part last month", "参与习惯", "coupling zero", "权重为零",
              "M5"),
    Mechanism("salience", "Salience of one's own open problem in one's propensity", "自身问题的紧迫性",
              "coupling zero", "权重为零", "M1"),
    Mechanism("grid_visits", "Grid home visits", "网格走访", "no visits are made", "不走访", "seed 000",
              lever="grid_visits"),
    Mechanism("incubation", "Incubation of social organizations", "社会组织孵化",
              "no organization is incubated", "不孵化", "seed 000",
              lever="incubation_rate"),
    Mechanism("purchase", "Government purchase of services", "政府购买服务",
              "no purchase contracts", "不购买服务", "seed 000",
              lever="purchase_share"),
)
NAMES: tuple[str, ...] = tuple(m.name for m in MECHANISMS)


def mechanism(name: str) -> Mechanism:
    """The registered mechanism ``name`` (a one-line error for unknown names)."""
    for m in MECHANISMS:
        if m.name == name:
            return m
    from difflib import get_close_matches

    close = get_close_matches(name, NAMES, n=1, cutoff=0.5)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    raise ValueError(f"unknown mechanism '{name}'{hint}; allowed: {', '.join(NAMES)}")
