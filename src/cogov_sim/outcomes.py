"""What every run measures, month by month — the only place that decides it.

:data:`OUTCOMES` lists each outcome with its unit, its meaning in English and Chinese and
which direction is better, if any (labels, units and "better" markers of tables, figures
and the dashboard come from here). A run's outcomes form a
*wide* table: one row per month (``month`` 1…M and ``year``), one column per outcome.
:func:`to_long` turns it into the tidy long form (``month, year, outcome, value``).

Rates "over 12 months" count residents who did the thing at least once in the last
twelve months (how surveys ask); "this month" rates count the month only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .rules.access import TaskFlow
from .rules.common import group_sum, safe_div
from .rules.delegation import ITEMS
from .rules.participation import AGE_GROUPS
from .rules.requests import DIMENSIONS

if TYPE_CHECKING:
    import pandas as pd

    from .model import CoGovModel


@dataclass(frozen=True, slots=True)
class OutcomeSpec:
    name: str
    unit: str
    en: str
    zh: str
    group: str
    better: str | None = None
    """Which direction is better: ``"higher"``, ``"lower"``, or None where neither is
    (costs, task counts, implementation levels: they are read beside other outcomes). The
    one place tables and figures take "better" and P(better) from."""


BETTER = ("higher", "lower")


def _o(name: str, unit: str, en: str, zh: str, group: str,
       better: str | None = None) -> OutcomeSpec:
    if better is not None and better not in BETTER:
        raise ValueError(f"outcome {name}: better = {better!r}; allowed: {BETTER} or None")
    return OutcomeSpec(name, unit, en, zh, group, better)


_DIM_ZH = {"belonging": "归属感", "service": "服务获得感", "harmony": "邻里和谐感",
           "convenience": "生活便利感", "safety": "安全感", "environment": "环境舒适感"}
_SPEND = {
    "task_payments": ("task_payments", "payments for assisted tasks", "协助事项经费"),
    "access": ("access", "access procedure and purchased entry of off-list tasks", "准入审核"),
    "social_workers": ("social_workers", "social workers", "社工"),
    "incubation": ("incubation", "incubation grants", "孵化"),
    "purchase": ("purchase", "purchase of services", "购买服务"),
    "outsourcing": ("outsourcing", "fees for outsourced cases", "外包个案费用"),
    "consultations": ("consultations", "consultations", "协商"),
    "evaluation": ("evaluation", "two-way and resident evaluation", "双向评估与居民评议"),
    "platform": ("platform", "street-level platform", "街道共治平台"),
    "volunteer_points": ("volunteer_points", "volunteer points redeemed", "志愿积分兑换"),
    "direct_services": ("direct", "government's direct services", "政府直接服务"),
}
_AGE_ZH = {"young": "青年(18-39)", "middle": "中年(40-59)", "elderly": "老年(60+)"}

OUTCOMES: tuple[OutcomeSpec, ...] = (
    _o("participation_rate", "share", "Took part in any community affair (12 months)",
       "参与社区事务比例(12个月)", "participation", better="higher"),
    *(_o(f"participation_{a}", "share", f"Participation over 12 months, {a}",
         f"参与率(12个月), {_AGE_ZH[a]}", "participation", better="higher") for a in AGE_GROUPS),
    _o("participation_month", "share", "Took part in any community affair this month",
       "本月参与比例", "participation", better="higher"),
    _o("consultation_rate", "share", "Attended a consultation (12 months)",
       "参加协商比例(12个月)", "participation", better="higher"),
    _o("consultation_success", "share",
       "Consultations whose decision was carried out (12 months; 1 when none were held)",
       "协商决定得到落实的比例(12个月)", "participation", better="higher"),
    _o("volunteer_rate", "share", "Volunteered this month", "本月志愿参与比例", "participation",
       better="higher"),
    _o("happiness_index", "0-100", "Happiness index (mean of the six dimensions)",
       "幸福指数(六维均值)", "satisfaction", better="higher"),
    *(_o(f"sat_{d}", "0-100", f"Satisfaction: {d}", f"满意度: {_DIM_ZH[d]}", "satisfaction", better="higher")
      for d in DIMENSIONS),
    _o("happiness_gini", "0-1", "Inequality of happiness across residents (Gini)",
       "幸福感不平等(基尼系数)", "satisfaction", better="lower"),
    _o("elderly_young_gap", "points", "Happiness of the elderly minus that of the young",
       "老年与青年幸福指数之差", "satisfaction"),
    _o("admin_burden", "share", "Share of committee hours on government tasks",
       "居委会用于政府事务的时间比例", "committee", better="lower"),
    _o("resident_hours_per_resident", "hours per month",
       "Committee and social-worker case hours for residents, per resident",
       "每位居民获得的居委会与社工服务时数", "committee", better="higher"),
    _o("tasks_pushed", "tasks per committee per month", "Administrative tasks pushed to a committee",
       "下派到每个居委会的行政事项", "committee", better="lower"),
    _o("committee_payment", "yuan per committee per month", "Payments received for assisted tasks",
       "协助事项经费(费随事转)", "committee"),
    _o("visits_per_1000", "per 1,000 residents per month", "Grid home visits",
       "网格走访户次(每千人)", "committee", better="higher"),
    _o("outreach_share", "share", "Share of committee hours out with residents (home visits, "
       "consultations) rather than at counters or on paperwork", "居委会走访与协商时间比例",
       "committee", better="higher"),
    _o("paperwork_effort", "0-1", "Committees' effort on presentation paperwork for inspections "
       "(share of its maximum)", "居委会台账留痕投入(占最大值比例)", "committee", better="lower"),
    _o("tasks_negotiated", "tasks per committee per month",
       "Off-list tasks entering by negotiation with the committee's consent", "经协商准入的清单外事项",
       "committee"),
    _o("tasks_purchased", "tasks per committee per month",
       "Off-list tasks entering as purchased service", "以购买服务方式准入的清单外事项", "committee"),
    _o("tasks_blocked", "tasks per committee per month", "Off-list tasks kept out by the access system",
       "被准入制挡在社区外的事项", "committee"),
    _o("requests_new", "per 1,000 residents per month", "New problems met by residents",
       "新增居民诉求(每千人)", "requests", better="lower"),
    _o("resolution_rate", "share", "Open reported requests resolved this month",
       "本月诉求解决比例", "requests", better="higher"),
    _o("resolution_months", "months", "Mean time to resolution of requests resolved this month",
       "诉求平均解决周期", "requests", better="lower"),
    _o("escalations", "per 1,000 residents per month", "Requests escalated above the committee",
       "越级上报诉求(每千人)", "requests", better="lower"),
    _o("open_requests", "per 1,000 residents", "Problems still open at month end",
       "未解决诉求(每千人)", "requests", better="lower"),
    _o("referral_acceptance", "share", "Referrals to social organizations that residents accept",
       "居民接受转介社会组织的比例", "requests", better="higher"),
    _o("mediation_success", "share",
       "Disputes referred to mediation organizations that are resolved rather than escalated "
       "(12 months; 1 when there were none)",
       "调解组织受理纠纷的调解成功率", "requests", better="higher"),
    _o("trust_committee", "0-1", "Trust in the residents' committee", "对居委会的信任", "trust",
       better="higher"),
    _o("trust_government", "0-1", "Trust in the government", "对政府的信任", "trust", better="higher"),
    _o("trust_so", "0-1", "Trust in social organizations", "对社会组织的信任", "trust", better="higher"),
    _o("so_count", "organizations", "Living social organizations", "社会组织数量", "organizations",
       better="higher"),
    _o("so_per_10k", "per 10,000 residents", "Social organizations per 10,000 residents",
       "每万人社会组织数", "organizations", better="higher"),
    _o("so_contracts", "organizations", "Organizations holding a purchase contract",
       "承接购买服务的社会组织数", "organizations"),
    _o("so_births", "organizations per month", "Organizations founded", "新成立社会组织",
       "organizations"),
    _o("so_deaths", "organizations per month", "Organizations dissolved", "注销社会组织",
       "organizations", better="lower"),
    _o("so_survival", "share", "Share of all organizations founded that are alive",
       "社会组织存活率", "organizations", better="higher"),
    _o("spend_total", "yuan per month", "Government community spending (what the policies cost)",
       "政府社区支出(政策成本)", "spending"),
    *(_o(f"spend_{_SPEND[i][0]}", "yuan per month", f"Spending: {_SPEND[i][1]}",
         f"支出: {_SPEND[i][2]}", "spending") for i in ITEMS),
    _o("spend_per_resident", "yuan per resident per year", "Government community spending per resident",
       "人均政府社区支出", "spending"),
    _o("budget_scale", "share", "Share of committed spending the budget could pay (1 = all)",
       "预算可支付的承诺支出比例", "spending", better="higher"),
    _o("eval_gov_to_committee", "0-100", "Government's score of committees (latest year)",
       "政府对居委会评分", "evaluation"),
    _o("eval_committee_to_gov", "0-100",
       "Committees' rating of government departments (latest year, mean over departments)",
       "居委会对政府部门评分", "evaluation"),
    _o("eval_gov_spread", "0-100", "Spread (standard deviation) of the government's scores "
       "across committees (latest year)", "政府对各居委会评分的离散程度", "evaluation"),
    _o("committee_focus", "0-1", "Committees' focus on residents rather than government work, "
       "learned from the scores they receive", "居委会面向居民的工作重心", "evaluation", better="higher"),
    _o("payments_withheld", "share", "Share of committees' task payments withheld for breach "
       "of the agreement", "因违约扣减的协助经费比例", "evaluation", better="lower"),
    _o("eval_residents_to_committee", "0-100", "Residents' rating of committees (latest year)",
       "居民对居委会评分", "evaluation", better="higher"),
    _o("eval_assessment", "0-100",
       "Committees' overall assessment: government and resident scores by resident weight",
       "居委会综合考核得分", "evaluation"),
    _o("effective_strictness", "share", "List strictness as implemented", "清单执行严格度",
       "evaluation"),
    _o("effective_funding", "share", "Funds-follow-tasks as implemented", "费随事转执行度",
       "evaluation"),
)
OUTCOME_NAMES: tuple[str, ...] = tuple(o.name for o in OUTCOMES)
SUMMARY_OUTCOMES: tuple[str, ...] = ("participation_rate", "happiness_index", "admin_burden",
                                     "trust_committee", "resolution_rate", "so_per_10k")
"""The key outcomes of one run's printed summary and figure."""


_BY_NAME = {o.name: o for o in OUTCOMES}


def outcome(name: str) -> OutcomeSpec:
    """The metadata of outcome ``name`` (:class:`KeyError` naming it if unknown)."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown outcome '{name}'") from None


def gini(x: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0 = equal)."""
    x = np.sort(np.asarray(x, dtype=float))
    n, total = x.size, x.sum()
    if n == 0 or total == 0:
        return 0.0
    return float(np.sum((2.0 * np.arange(1, n + 1) - n - 1) * x) / (n * total))


def gini_binned(x: np.ndarray, high: float = 100.0, bins: int = 10_000) -> float:
    """Gini of values in ``[0, high]`` rounded to ``bins`` steps: O(n), no sort.

    Exact for the rounded values; differs from :func:`gini` by under 1e-4 on the 0–100
    happiness scale (tested).
    """
    x = np.asarray(x, dtype=float)
    if x.size == 0:
        return 0.0
    step = high / bins
    counts = np.bincount(np.clip(np.rint(x / step), 0, bins).astype(np.int64), minlength=bins + 1)
    values = np.arange(bins + 1) * step
    total = float(np.sum(counts * values))  # not `@`: BLAS threads cost ms here
    if total == 0:
        return 0.0
    # sum_i (2 r_i - n - 1) x_i over sorted values, with tied values sharing their ranks
    before = np.cumsum(counts) - counts
    rank_sum = counts * (2 * before + counts + 1)  # sum of 2 r over the tie block
    return float(np.sum((rank_sum - (x.size + 1) * counts) * values) / (x.size * total))


EXACT_GINI_MAX = 4_000
"""Up to this many residents the Gini is computed exactly (a sort is cheaper than binning)."""


def _ratio(a: float, b: float, default: float = 0.0) -> float:
    return float(a) / float(b) if b else default


WINDOW_COUNTS = ("mediation_resolved", "mediation_escalated", "consultations",
                 "consultations_succeeded")
"""Rare events whose rates are measured over the last twelve recorded months."""


def measure(m: CoGovModel, window: dict[str, float] | None = None) -> dict[str, float]:
    """This month's value of every outcome; ``window`` holds twelve-month sums of
    :data:`WINDOW_COUNTS` (this month's counts when not given)."""
    p, pop, com, gov, now = m.params, m.population, m.committees, m.government, m.now
    s = now.counts.get
    w = (window or now.counts).get
    per_k = 1000.0 / p.n_residents
    n = pop.n
    recent = pop.recent
    happy = pop.satisfaction.sum(axis=0)
    happy *= 100.0 / len(DIMENSIONS)
    dims = pop.satisfaction.sum(axis=1) * (100.0 / n)
    happy_mean = float(dims.mean())
    by_age = pop.age_counts
    by_age_happy = np.bincount(pop.age, weights=happy, minlength=3)
    alive = m.orgs.view("alive")
    spend = gov.budget
    per_res_year = 12.0 * spend.total / p.n_residents
    flow: TaskFlow = now.flow
    hours = com.hours.sum()
    row = {
        "participation_rate": np.count_nonzero(recent) / n,
        **{f"participation_{a}": v for a, v in
           zip(AGE_GROUPS, safe_div(group_sum(pop.age, recent.astype(float), 3), by_age),
               strict=True)},
        "participation_month": np.count_nonzero(pop.participated) / n,
        "consultation_rate": np.count_nonzero((m.month - pop.last_consultation) < 12) / n,
        "consultation_success": _ratio(w("consultations_succeeded", 0.0), w("consultations", 0.0),
                                       default=1.0),
        "volunteer_rate": np.count_nonzero(pop.volunteered) / n,
        "happiness_index": happy_mean,
        **{f"sat_{d}": v for d, v in zip(DIMENSIONS, dims, strict=True)},
        "happiness_gini": gini(happy) if n <= EXACT_GINI_MAX else gini_binned(happy),
        "elderly_young_gap": _ratio(by_age_happy[2], by_age[2]) - _ratio(by_age_happy[0], by_age[0]),
        "admin_burden": float(com.gov_hours.sum() / hours),
        "resident_hours_per_resident": float(now.case_hours.sum() / p.n_residents),
        "tasks_pushed": float(flow.pushed.mean()),
        "committee_payment": float(com.payment.mean()),
        "visits_per_1000": s("visits", 0.0) * per_k,
        "outreach_share": float((com.visit_hours.sum() + com.meeting_hours.sum()) / hours),
        "paperwork_effort": float(com.paperwork.mean()),
        "tasks_negotiated": float(flow.negotiated.mean()),
        "tasks_purchased": float(flow.purchased.mean()),
        "tasks_blocked": float(flow.blocked.mean()),
        "requests_new": s("requests_new", 0.0) * per_k,
        "resolution_rate": _ratio(s("resolved", 0.0), s("open_reported", 0.0)),
        "resolution_months": _ratio(s("resolved_age", 0.0), s("resolved", 0.0)),
        "escalations": s("escalations", 0.0) * per_k,
        "open_requests": np.count_nonzero(pop.issue_dim >= 0) * per_k * pop.k,
        "referral_acceptance": _ratio(s("referrals_accepted", 0.0), s("referrals_offered", 0.0)),
        "mediation_success": _ratio(w("mediation_resolved", 0.0),
                                    w("mediation_resolved", 0.0) + w("mediation_escalated", 0.0),
                                    default=1.0),
        "trust_committee": pop.trust_committee.mean(),
        "trust_government": pop.trust_government.mean(),
        "trust_so": pop.trust_so.mean(),
        "so_count": float(alive.sum()),
        "so_per_10k": 1e4 * alive.sum() / p.n_residents,
        "so_contracts": float(((m.orgs.view("contract") > 0) & alive).sum()),
        "so_births": s("so_births", 0.0),
        "so_deaths": s("so_deaths", 0.0),
        "so_survival": _ratio(alive.sum(), alive.size, default=1.0),
        "spend_total": spend.total,
        **{f"spend_{_SPEND[i][0]}": v for i, v in spend.items().items()},
        "spend_per_resident": per_res_year,
        "budget_scale": spend.scale,
        "eval_gov_to_committee": float(com.gov_score.mean()),
        "eval_committee_to_gov": float(com.rating_of_government.mean()),
        "eval_gov_spread": float(com.gov_score.std()),
        "committee_focus": float(com.focus.mean()),
        "payments_withheld": float(com.withheld.mean()),
        "eval_residents_to_committee": float(com.resident_score.mean()),
        "eval_assessment": float(com.assessment.mean()),
        "effective_strictness": gov.mean_strictness,
        "effective_funding": gov.mean_funding,
    }
    return {k: float(v) for k, v in row.items()}


class Recorder:
    """Collects :func:`measure` each month into preallocated arrays."""

    def __init__(self, m: CoGovModel, months: int | None = None) -> None:
        self.capacity = months or m.params.months
        self.values = np.zeros((self.capacity, len(OUTCOMES)))
        self.n = 0
        self.recent_counts = np.zeros((12, len(WINDOW_COUNTS)))
        """The last twelve months' :data:`WINDOW_COUNTS` (a ring buffer)."""

    def record(self, m: CoGovModel) -> None:
        if self.n == self.capacity:
            self.values = np.vstack([self.values, np.zeros_like(self.values)])
            self.capacity *= 2
        self.recent_counts[self.n % 12] = [m.now.counts.get(k, 0.0) for k in WINDOW_COUNTS]
        row = measure(m, dict(zip(WINDOW_COUNTS, self.recent_counts.sum(axis=0), strict=True)))
        self.values[self.n] = [row[name] for name in OUTCOME_NAMES]
        self.n += 1

    def frame(self) -> pd.DataFrame:
        import pandas as pd

        df = pd.DataFrame(self.values[: self.n], columns=list(OUTCOME_NAMES))
        month = np.arange(1, self.n + 1)
        df.insert(0, "year", (month - 1) // 12 + 1)
        df.insert(0, "month", month)
        return df


def to_long(wide: pd.DataFrame, id_cols: tuple[str, ...] = ("month", "year")) -> pd.DataFrame:
    """Tidy long form: one row per (month, outcome)."""
    return wide.melt(id_vars=list(id_cols), var_name="outcome", value_name="value")
