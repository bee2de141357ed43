"""The patterns a calibrated model must reproduce, each with its source and its band.

A pattern is a *statistic* computed from one replication's runs (one run per scenario it
needs, all on the same seed under common random numbers) and a *band* of accepted values
taken from its source. The statistic is computed per replication; the verdict compares
the mean over replications with the band, and the report gives the 95 % t-interval and
the share of replications inside the band beside it.

Bands are the sources' figures read as ranges, not point targets (the research note,
§2: "treat single-site figures as ranges"); where a band is wider than the source's
figure the ``band_note`` says why. Directional patterns (P2-P5, P8) have one-sided
bands. Each pattern also carries its status from docs/ODD.md §1 (emerges, partly
emergent, calibrated, imposed), so that the report can say which rows are tests.

A pattern counts as evidence only if it could fail. Each held-out pattern names a
**falsifier**: context parameters inside their documented ranges (``cogov-sim params
--kind context``) under which, measured, the pattern fails; ``validate`` runs the
pattern's scenarios there on the same seeds and reports the value. A pattern whose
falsifier also passes, or that has none, is shown and not counted (issue 19). The
``falsifier_note`` says what world the setting describes and what was measured when it
was chosen (12,000 residents in 12 communities, one agent per 10, three seeds).

Every run is reduced in its worker to yearly means (:class:`YearlyMeans`); static
presets are read on their last two reported years, the ``taicang_history`` timeline on
calendar years.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pandas as pd

TIMELINE = "taicang_history"
Data = Mapping[str, pd.DataFrame]  # scenario -> yearly means of one replication
INF = math.inf


@dataclass(frozen=True)
class YearlyMeans:
    """A ``reduce_fn``: one row per reported year, each outcome's mean over that year."""

    def __call__(self, frame: pd.DataFrame) -> pd.DataFrame:
        keys = ["year", *(["calendar_year"] if "calendar_year" in frame.columns else [])]
        values = frame.drop(columns=[c for c in ("month", "date") if c in frame.columns])
        return values.groupby(keys, as_index=False).mean(numeric_only=True)


def end(data: Data, scenario: str, column: str) -> float:
    """Mean of ``column`` over the last two reported years of a static scenario."""
    f = data[scenario]
    return float(f.loc[f["year"] >= f["year"].max() - 1, column].mean())


def years(data: Data, column: str, first: int, last: int) -> float:
    """Mean of ``column`` in the timeline over calendar years ``first``-``last``."""
    f = data[TIMELINE]
    return float(f.loc[f["calendar_year"].between(first, last), column].mean())


@dataclass(frozen=True)
class Pattern:
    """One pattern: what is claimed, by whom, how the model's value is computed, the band."""

    id: str
    claim: str
    source: str
    statistic: str
    scenarios: tuple[str, ...]
    fn: Callable[[Data], float]
    low: float
    high: float
    status: str
    band_note: str = ""
    falsifier: Mapping[str, float] = field(default_factory=dict)
    """Context parameters (every scenario of the pattern) under which it fails."""
    falsifier_note: str = ""

    def holds(self, value: float) -> bool:
        return bool(self.low <= value <= self.high)

    def falsifier_text(self, falsifier: Mapping[str, float] | None = None) -> str:
        """``on_list_share = 0.6`` (several joined by ``, ``), or empty."""
        f = self.falsifier if falsifier is None else falsifier
        return ", ".join(f"{k} = {v:g}" for k, v in f.items())

    def band_text(self) -> str:
        if self.high == INF:
            return f"≥ {self.low:g}"
        if self.low == -INF:
            return f"≤ {self.high:g}"
        return f"{self.low:g} to {self.high:g}"


def ratio(a: float, b: float) -> float:
    """``a / b``; infinite when only ``b`` is 0 (e.g. no organizations at all before),
    undefined (NaN, left out of the mean) when both are."""
    if b == 0:
        return math.inf if a > 0 else math.nan
    return a / b


def _p1(column: str) -> Callable[[Data], float]:
    return lambda d: 1.0 - ratio(end(d, "taicang_1_0", column), end(d, "baseline", column))


def _p3(d: Data) -> float:
    p0, p2, p3 = (end(d, s, "participation_rate") for s in ("baseline", "taicang_2_0",
                                                               "taicang_3_0"))
    return (p3 - p2) - (p2 - p0)


def _p3_history(d: Data) -> float:
    before = years(d, "participation_rate", 2005, 2007)
    mid = years(d, "participation_rate", 2014, 2016)
    after = years(d, "participation_rate", 2018, 2020)
    return (after - mid) - (mid - before)


def _p4_gap(scenario: str) -> Callable[[Data], float]:
    return lambda d: (end(d, scenario, "eval_gov_to_committee")
                      - end(d, scenario, "eval_residents_to_committee"))


PATTERNS: tuple[Pattern, ...] = (
    Pattern("C1", "A committee receives about 1,850 tasks a year before the reform",
            "research note §2.2 (task logs of two Hubei communities, 1,852 and 1,886 a year)",
            "12 × tasks_pushed, baseline", ("baseline",),
            lambda d: 12 * end(d, "baseline", "tasks_pushed"), 1500, 2200,
            "identity (12 × admin_task_load, which is set from these logs)",
            "±20 % around the two logs: two communities only"),
    Pattern("C2", "Committees spend 70–95 % of their time on government work before the lists",
            "research note §2.2 (implied by the task logs; MODEL_BRIEF P1)",
            "admin_burden, baseline", ("baseline",),
            lambda d: end(d, "baseline", "admin_burden"), 0.70, 0.95,
            "context (admin_task_load, staff_per_committee)"),
    Pattern("P1", "The lists and the access system cut the burden by 60–80 %",
            "seed 002 (seal items −80 %, creation projects −70 %), seed 003 (−60 to −70 %)",
            "1 − admin_burden(taicang_1_0) / admin_burden(baseline)",
            ("baseline", "taicang_1_0"), _p1("admin_burden"), 0.60, 0.80,
            "calibrated (access valuations and consent, ABC-SMC, issue 19)",
            "the seeds' band (it was widened to 0.45–0.85 before issue 19); the seeds count "
            "items, the model hours: P1t is the like-for-like count",
            {"on_list_share": 0.6}, "if 60 % of what departments push were the committee's "
            "listed work (default 25 %), the lists could cut little: measured 0.42"),
    Pattern("P1t", "... and what government pushes into communities by 60–80 %",
            "seeds 002, 003 (as P1)", "1 − tasks_pushed(taicang_1_0) / tasks_pushed(baseline)",
            ("baseline", "taicang_1_0"), _p1("tasks_pushed"), 0.60, 0.80,
            "calibrated (access valuations and consent, ABC-SMC, issue 19)",
            "the seeds' band (it was widened to 0.45–0.85 before issue 19)",
            {"on_list_share": 0.6}, "as P1: measured 0.33"),
    Pattern("P2", "Freed staff move from counters to residents (visits, request work)",
            "seed 000 (ten windows become two generalist windows, home visits rise)",
            "outreach_share(taicang_2_0) / outreach_share(baseline)",
            ("baseline", "taicang_2_0"),
            lambda d: ratio(end(d, "taicang_2_0", "outreach_share"),
                            end(d, "baseline", "outreach_share")),
            2.0, INF, "imposed (the presets' staffing and visits)",
            "direction only: at least doubles; imposed: 2.0's staff per resident and two "
            "visits a month set the outreach hours (issue 19's review)"),
    Pattern("P3", "Participation stays low through 1.0 and 2.0 and rises mainly with 3.0",
            "seeds 000, 001", "rise 2.0→3.0 minus rise baseline→2.0 in participation_rate",
            ("baseline", "taicang_2_0", "taicang_3_0"), _p3, 0.0, INF,
            "emerges (in direction)", "direction only",
            {"consultation_seats": 5}, "consultations of 5 seats (the parameter's lower "
            "bound) activate too few residents for 3.0 to lift participation: measured −0.003"),
    Pattern("P3h", "In Taicang's history participation rises mainly after 2017",
            "seed 000 (3.0 from ~2017); timeline taicang_history",
            "rise 2014–16→2018–20 minus rise 2005–07→2014–16, taicang_history",
            (TIMELINE,), _p3_history, 0.0, INF, "emerges (in direction)", "direction only",
            {"consultation_seats": 5}, "as P3: measured −0.014"),
    Pattern("P4", "Under one-way evaluation committees score 98+/100 from government",
            "seed 001", "eval_gov_to_committee, baseline", ("baseline",),
            lambda d: end(d, "baseline", "eval_gov_to_committee"), 95, 100,
            "calibrated (staffing and paperwork, ABC-SMC, issue 19)",
            "98+ read as 95 or more",
            {"staff_per_committee": 4}, "committees of 4 staff cannot do what the agreement "
            "asks: measured 40"),
    Pattern("P4r", "... while residents do not feel served; resident evaluation re-couples the two",
            "seed 001", "gap(gov − residents) in baseline minus gap in taicang_3_0",
            ("baseline", "taicang_3_0"),
            lambda d: _p4_gap("baseline")(d) - _p4_gap("taicang_3_0")(d), 15, INF, "emerges",
            "direction: the gap narrows by 15 points or more",
            {"staff_per_committee": 4}, "with 4 staff a committee cannot answer its residents "
            "however they assess it: the gap widens, measured −23"),
    Pattern("P5", "Organizations multiply with purchase and incubation (Suzhou 9 vs national 3.5)",
            "seeds 000, 001", "so_per_10k(taicang_2_0) / so_per_10k(baseline)",
            ("baseline", "taicang_2_0"),
            lambda d: ratio(end(d, "taicang_2_0", "so_per_10k"), end(d, "baseline", "so_per_10k")),
            1.8, INF, "emerges (in direction)", "direction: 1.8 times or more",
            {}, "none found among the context parameters: budget_per_resident = 10 (the "
            "lower bound) gives 1.6 at 120 months but empties the baseline of organizations "
            "in shorter runs (an infinite ratio); issue_rate 0.05 and 0.2, initial_trust_so "
            "0.05, initial_so_per_10k 20 and direct_services_per_resident 0 keep it at 4.5–6.5"),
    Pattern("P5n", "About 3.5 social organizations per 10,000 residents before the reform",
            "seed 001 / research note §2.7 (national, 2013)", "so_per_10k, baseline",
            ("baseline",), lambda d: end(d, "baseline", "so_per_10k"), 1.75, 5.25,
            "emerges (level not calibrated)", "3.5 ± 50 %: a national mean, not Taicang's",
            {}, "none found among the context parameters: the baseline settles near 3 "
            "whatever it starts from (initial_so_per_10k 10 gives 3.1) and under issue_rate "
            "0.2 and 6, initial_trust_so 0.05 and 0.8, share_elderly 0.6, admin_task_load 0, "
            "staff_per_committee 40, initial_trust 0.1 and network_degree 40 (2.3–3.9)"),
    Pattern("P5h", "About 11 per 10,000 in Jiangsu around 2018",
            "research note §2.7 (>90,000 organizations, ~80 m residents)",
            "so_per_10k 2018–2020, taicang_history", (TIMELINE,),
            lambda d: years(d, "so_per_10k", 2018, 2020), 7.5, 15,
            "emerges (level not calibrated)", "11 read as 7.5–15: a province, not a town",
            {"budget_per_resident": 200}, "a third of the default budget: measured 6.9"),
    Pattern("P6", "Participation is dominated by the elderly (Shanghai turnout 77.7 % vs 13.8 %)",
            "seeds 000, 001; research note §2.3", "participation_elderly / participation_young, "
            "taicang_2_0", ("taicang_2_0",),
            lambda d: ratio(end(d, "taicang_2_0", "participation_elderly"),
                            end(d, "taicang_2_0", "participation_young")), 2.0, 8.0,
            "calibrated (rule weights, ODD §1)", "5.6 : 1 in Shanghai, read as 2–8"),
    Pattern("P7", "Professional mediation resolves ~99 % of disputes", "seed 002",
            "mediation_success, taicang_2_0", ("taicang_2_0",),
            lambda d: end(d, "taicang_2_0", "mediation_success"), 0.85, 1.0,
            "imposed (quality ceiling)", "99 % read as 85 % or more"),
    Pattern("P8", "Residents start distrusting organizations; trust grows with their services",
            "seed 001", "trust_so(chengdu) − trust_so(baseline)", ("baseline", "chengdu"),
            lambda d: end(d, "chengdu", "trust_so") - end(d, "baseline", "trust_so"),
            0.015, INF, "emerges (in direction)", "direction: rises by 0.015 or more",
            {"initial_trust_so": 0.8}, "where residents already trust organizations (0.8), "
            "Chengdu's services lower it toward what they deliver: measured −0.054"),
    Pattern("E1", "Consultation attendance of the order of 20 % once consultations are routine",
            "research note §2.3 (England's civic consultation 21 %)",
            "consultation_rate, taicang_3_0", ("taicang_3_0",),
            lambda d: end(d, "taicang_3_0", "consultation_rate"), 0.10, 0.30,
            "calibrated (consultation size, ABC-SMC, issue 19)", "20 % read as 10–30 %",
            {"consultation_seats": 5}, "meetings of 5 seats: measured 0.009"),
)
BY_ID = {p.id: p for p in PATTERNS}
PATTERN_IDS = tuple(BY_ID)


def scenarios_for(ids: tuple[str, ...]) -> tuple[str, ...]:
    """The scenarios the named patterns need, in a stable order."""
    return tuple(dict.fromkeys(s for i in ids for s in BY_ID[i].scenarios))
