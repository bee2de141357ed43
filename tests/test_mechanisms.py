"""Every mechanism has consequences: cut it (or push it to an extreme) and the behaviour it
exists for changes, on several seeds. Also: the sample rate does not change per-capita
results, the pre-reform baseline is stationary after the spin-up, and the accounts add up.

These are the ablation tests asked for by the model-credibility review (issue 8); each
names the downstream quantity the mechanism is for, not only its own state variable.

The ``statistical`` tests assert on the 95 % paired t-interval over ``N`` seeds that
``--seed-base`` shifts (tests/_paired.py: helper and power calculation); both arms of a
comparison run on the same seeds. The sample-rate test still uses the three fixed ``SEEDS``
(it is being rewritten with the sample-rate fix).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import pandas as pd
import pytest
from _paired import (
    assert_above,
    assert_below,
    assert_decreases,
    assert_increases,
    assert_within,
    level,
    paired_effect,
    seeds,
)

from cogov_sim.model import CoGovModel
from cogov_sim.presets import load_preset
from cogov_sim.rules import delegation, requests
from cogov_sim.runner import simulate

SEEDS = (11, 12, 13)
# three communities of 2,000 residents, one agent per 10: quick but realistic per capita
SIZE = {"n_residents": 6000, "n_communities": 3, "residents_per_agent": 10, "months": 48,
        "spinup_months": 36}


@cache
def run(scenario: str, seed: int, **over: float) -> dict[str, float]:
    """Means of the last two years of one run."""
    frame = simulate(load_preset(scenario, **SIZE, **over), seed)
    return frame.tail(24).mean().to_dict()


N = 12
"""Replications of the statistical tests here unless a test says otherwise. Pooled over five
seed bases (0, 1000, 7919, 31337, 99991; 10 seeds each) the rule of tests/_paired.py
(false-failure rate 1e-4) asks for at most 8 seeds (volunteering under initial trust in
organizations) for every claim that does not set its own number."""


def effect(scenario: str, name: str, low: dict, high: dict, n: int = N):  # noqa: ANN201
    """Paired effect on ``name`` of going from the ``low`` to the ``high`` setting, n seeds."""
    return paired_effect(lambda s: run(scenario, s, **low), lambda s: run(scenario, s, **high), name,
                         seeds(n), label=f"{name}: {scenario} {low} -> {high}")


# -- resident evaluation --------------------------------------------------------------------
@pytest.mark.statistical
def test_resident_assessment_moves_committee_effort_under_the_lists() -> None:
    """Under the lists (taicang_3_0) the cap on government work no longer binds, yet
    residents' assessment, acting through the scores committees receive, moves their focus
    and hours from paperwork to residents (paired 95 % intervals, N seeds)."""
    low, high = {"resident_eval_weight": 0.0}, {"resident_eval_weight": 1.0}
    assert_increases(effect("taicang_3_0", "committee_focus", low, high), 0.3)
    assert_decreases(effect("taicang_3_0", "paperwork_effort", low, high), 0.3)
    assert_increases(effect("taicang_3_0", "resident_hours_per_resident", low, high))
    assert_decreases(effect("taicang_3_0", "admin_burden", low, high), 0.03)


@pytest.mark.statistical
def test_one_way_formal_score_decouples_and_resident_assessment_recouples() -> None:
    """P4 from what each evaluator observes: under one-way assessment the government's score
    of committees is high while residents rate them low; with residents assessing, the
    formal score falls (less paperwork) and the gap narrows (95 % intervals, N seeds)."""
    def gap(weight: float):  # noqa: ANN202
        return lambda s: (run("taicang_1_0", s, resident_eval_weight=weight)["eval_gov_to_committee"]
                          - run("taicang_1_0", s, resident_eval_weight=weight)[
                              "eval_residents_to_committee"])

    assert_above(level(lambda s: run("taicang_1_0", s, resident_eval_weight=0.0), "eval_gov_to_committee",
                       seeds(N), label="government's score, taicang_1_0, one-way"), 95)
    assert_above(level(gap(0.0), None, seeds(N), label="score gap, one-way"), 35)
    assert_decreases(paired_effect(gap(0.0), gap(1.0), None, seeds(N),
                                   label="score gap: resident weight 0 -> 1"), 10)


@pytest.mark.statistical
def test_government_score_follows_what_committees_do() -> None:
    """The government's score is a measurement of committees' conduct: when residents'
    weight makes committees drop presentation paperwork, it falls by more than 10 points
    (95 % interval, N seeds)."""
    assert_decreases(effect("taicang_3_0", "eval_gov_to_committee", {"resident_eval_weight": 0.0},
                            {"resident_eval_weight": 1.0}), 10)


# -- two-way evaluation ---------------------------------------------------------------------
@pytest.mark.statistical
def test_committees_rating_moves_government_policy_when_two_way_weight_is_positive() -> None:
    """With two-way weight the implemented lists erode less and burden is lower."""
    low, high = {"two_way_eval_weight": 0.0}, {"two_way_eval_weight": 1.0}
    assert_increases(effect("taicang_1_0", "effective_strictness", low, high), 0.05)
    assert_decreases(effect("taicang_1_0", "admin_burden", low, high))


@pytest.mark.statistical
def test_committees_rate_government_from_their_experience() -> None:
    """Unpaid assisted work lowers the committees' rating of the departments by more than
    5 points (95 % interval, N seeds); and with two-way weight the worse-rated departments
    restore more of their eroded lists."""
    unpaid = {"delegation_funding": 0.0}
    assert_decreases(effect("taicang_1_0", "eval_committee_to_gov", {}, unpaid), 5)

    def strictness_after_two_years(seed: int, **over: float) -> float:
        m = CoGovModel(load_preset("taicang_1_0", **SIZE, **over), seed)
        m.run(24)
        return m.government.mean_strictness

    assert_increases(paired_effect(strictness_after_two_years,
                                   lambda s: strictness_after_two_years(s, **unpaid), None, seeds(N),
                                   label="implemented strictness: paid -> unpaid (worse rated)"))


# -- trust ----------------------------------------------------------------------------------
@pytest.mark.statistical
def test_trust_in_organizations_decides_referrals_and_volunteering() -> None:
    """Initial trust in organizations 0.05 -> 0.9 raises referral acceptance by more than
    0.2 and the volunteer rate (paired 95 % intervals, N seeds)."""
    low, high = {"initial_trust_so": 0.05}, {"initial_trust_so": 0.9}
    assert_increases(effect("taicang_2_0", "referral_acceptance", low, high), 0.2)
    assert_increases(effect("taicang_2_0", "volunteer_rate", low, high))


def _escalations(trust_gov: float, seed: int) -> float:
    """Escalations over a year with trust in government held at ``trust_gov``."""
    m = CoGovModel(load_preset("baseline", **{**SIZE, "spinup_months": 0}), seed)
    m.population.trust_government[:] = trust_gov
    for _ in range(12):
        m.step()
        m.population.trust_government[:] = trust_gov
    return float(m.dataframe()["escalations"].sum())


@pytest.mark.statistical
def test_trust_in_government_decides_escalation() -> None:
    """Residents who do not expect the government to act do not go over the committee's
    head: at trust 0.02 they escalate less than half as often as at 0.95 (paired 95 %
    interval of ``low - 0.5 high`` below 0, 30 seeds: pooled over five seed bases the
    contrast is 1.4 sd below 0, for which the rule of tests/_paired.py asks for 18)."""
    assert_below(paired_effect(lambda s: _escalations(0.95, s), lambda s: _escalations(0.02, s), None,
                               seeds(30), contrast=lambda high, low: low - 0.5 * high,
                               label="escalations at trust 0.02 minus half those at 0.95"), 0)


# -- funds follow tasks, access routes, costs -----------------------------------------------
@pytest.mark.statistical
def test_funds_follow_tasks_do_what_they_are_for() -> None:
    """Paying for assisted tasks makes departments send fewer of them (by more than one a
    month) and buys committees part-time hours for residents (seed 001: 权随责走、费随事转).
    Paired 95 % intervals, N seeds."""
    low, high = {"delegation_funding": 0.0}, {"delegation_funding": 1.0}
    assert_decreases(effect("taicang_1_0", "tasks_pushed", low, high), 1)
    assert_increases(effect("taicang_1_0", "resident_hours_per_resident", low, high))
    assert_increases(effect("taicang_1_0", "spend_task_payments", low, high))


@pytest.mark.statistical
def test_access_system_has_three_routes() -> None:
    """Under the lists every route is used (95 % intervals of the monthly counts above 0,
    N seeds); without lists none is (exactly, on every seed)."""
    for route in ("tasks_negotiated", "tasks_purchased", "tasks_blocked"):
        assert_above(level(lambda s: run("taicang_1_0", s), route, seeds(N)), 0)
        assert all(run("baseline", s)[route] == 0 for s in seeds(N)), route


@pytest.mark.statistical
@pytest.mark.parametrize("lever, value, item", [
    ("consultations_per_year", 12.0, "spend_consultations"),
    ("street_platform", 1.0, "spend_platform"),
    ("volunteer_points", 1.0, "spend_volunteer_points"),
    ("two_way_eval_weight", 1.0, "spend_evaluation"),
    ("social_workers_per_1000", 2.0, "spend_social_workers"),
    ("outsourcing_share", 1.0, "spend_outsourcing"),
    ("list_strictness", 1.0, "spend_access"),
    ("incubation_rate", 5.0, "spend_incubation"),
    ("purchase_share", 0.3, "spend_purchase"),
])
def test_every_lever_has_a_price(lever: str, value: float, item: str) -> None:
    """Each lever raises its own spending item and the total (paired 95 % intervals, N seeds)."""
    for name in (item, "spend_total"):
        assert_increases(effect("baseline", name, {}, {lever: value}))


@pytest.mark.statistical
def test_staff_time_levers_cost_committee_hours() -> None:
    """Visits and consultations are paid in staff time: the share of hours spent on
    outreach rises (paired 95 % intervals, N seeds)."""
    for lever, value in (("grid_visits", 30.0), ("consultations_per_year", 12.0)):
        assert_increases(effect("taicang_1_0", "outreach_share", {}, {lever: value}))


def _happiness_per_10k_yuan(seed: int) -> dict[str, float]:
    """Happiness gained per 10,000 yuan of extra spending a resident and year, per lever."""
    base = run("taicang_1_0", seed)
    out = {}
    for lever, value in (("social_workers_per_1000", 2.0), ("purchase_share", 0.3),
                         ("street_platform", 1.0)):
        more = run("taicang_1_0", seed, **{lever: value})
        extra = (more["spend_total"] - base["spend_total"]) * 12 / SIZE["n_residents"]
        out[lever] = (more["happiness_index"] - base["happiness_index"]) / extra * 1e4
    return out


@pytest.mark.statistical
def test_cost_effectiveness_differs_across_levers() -> None:
    """Happiness gained per 10,000 yuan of extra spending is not the same for every lever:
    social workers buy less than 80 % of what the street platform buys (95 % interval of
    the paired contrast ``0.8 platform - social workers`` above 0, 24 seeds; in pilots
    social workers bought about half, the contrast was 1.7 sd above 0, and the rule of
    tests/_paired.py asked for 13 seeds)."""
    def contrast(r: dict[str, float]) -> float:
        return 0.8 * r["street_platform"] - r["social_workers_per_1000"]

    assert_above(level(_happiness_per_10k_yuan, contrast, seeds(24),
                       label="0.8 x platform - social workers, happiness per 10k yuan"), 0)


def test_accounts_add_up_and_respect_the_cap() -> None:
    """Spending is the sum of the items, never above the budget; over-commitment scales
    every item by one factor."""
    for params in (load_preset("taicang_3_0", **SIZE),
                   load_preset("chengdu", **SIZE, budget_per_resident=150.0)):
        m = CoGovModel(params, SEEDS[0])
        scales = []
        for _ in range(12):
            m.step()
            b = m.government.budget
            assert b.total == pytest.approx(sum(b.items().values()))
            assert b.total <= b.cap * (1 + 1e-12)
            scales.append(b.scale)
        if params.budget_per_resident == 150.0:
            assert min(scales) < 1.0  # the cap binds
            assert b.total == pytest.approx(b.cap)
        else:
            assert min(scales) == 1.0 and m.government.budget.total < m.government.budget.cap


def test_budget_rule_scales_every_item_by_one_factor() -> None:
    b = delegation.allocate_budget(100.0, {"purchase": 150.0, "social_workers": 50.0})
    assert b.scale == pytest.approx(0.5)
    assert (b.purchase, b.social_workers) == pytest.approx((75.0, 25.0))


@pytest.mark.statistical
def test_referrals_that_look_at_room_raise_resolution(monkeypatch: pytest.MonkeyPatch) -> None:
    """Committees keep cases from swamped organizations (``requests.referral_share``'s
    ``room``): in Taicang 3.0 with communities of 5,000, where one organization of a few
    cases a month was offered 30-44 % of its field's requests, resolution is higher than
    under the rule that ignored room (paired 95 % interval over 16 seeds above zero;
    pilots of 8 seeds on bases 900 and 5000: +0.067 and +0.078, sd 0.044 and 0.028, 16
    needed)."""
    size = {"n_residents": 60000, "n_communities": 12, "residents_per_agent": 50, "months": 72,
            "spinup_months": 60}
    real = requests.referral_share

    def run(ignore_room: bool) -> Callable[[int], pd.Series]:
        def one(seed: int) -> pd.Series:
            with monkeypatch.context() as patch:
                if ignore_room:
                    patch.setattr(requests, "referral_share", lambda out, cap, room=1.0: real(out, cap))
                return simulate(load_preset("taicang_3_0", **size), seed).tail(24).mean()
        return one

    assert_increases(paired_effect(run(True), run(False), "resolution_rate", seeds(16, offset=300),
                                   label="resolution: room-blind -> room-aware referrals, taicang_3_0"))


# -- sizes, sample rate, stationarity -------------------------------------------------------
SAMPLE_RATE_TOLERANCE = {"participation_rate": 0.04, "admin_burden": 0.03, "resolution_rate": 0.08,
                         "happiness_index": 2.0, "consultation_rate": 0.02}
"""How far 1:10 may be from 1:1 on a small township (three communities of 2,000): about a
tenth of each rate's level in Taicang 3.0 (participation 0.35, burden 0.23, resolution 0.78,
consultation 0.14; happiness 2 points of 50), wide enough that sixteen paired replications
resolve it (tests/_paired.py's rule: a pilot of 16 seeds on base 80000 under the calibrated
defaults gave paired sds of 0.021, 0.003, 0.031, 0.61 and 0.008 with means within a fifth of
a sd of zero, so at most 10 replications are needed, participation's; on base 0 the
consultation sd was 0.010 with a mean of 0.003, which asks for 13). A coarse guard against a gross break at
small size (the lumped caseload moves resolution here by only 0.04): tests/test_sample_rate.py
checks the lumps, benchmarks/sample_rate.md holds the fine comparison at 30,000 residents.
Consultation's tolerance was 0.01 while attendance was 0.04; the calibration (issue 19)
tripled attendance and its seed-to-seed spread with it."""


@pytest.mark.statistical
@pytest.mark.parametrize("scenario", ["baseline", "taicang_3_0"])
def test_sample_rate_does_not_change_per_capita_results(scenario: str) -> None:
    """One agent per resident and one per ten agree on the key rates: the paired 95 %
    interval of (1:10 − 1:1) over sixteen seeds lies within :data:`SAMPLE_RATE_TOLERANCE`."""
    size = {"n_residents": 6000, "n_communities": 3, "months": 36, "spinup_months": 36}

    def at(k: int) -> Callable[[int], pd.Series]:
        return lambda seed: simulate(load_preset(scenario, **size, residents_per_agent=k),
                                     seed).tail(12).mean()

    one, ten = cache(at(1)), cache(at(10))
    for key, tolerance in SAMPLE_RATE_TOLERANCE.items():
        assert_within(paired_effect(one, ten, key, seeds(16, offset=40),
                                    label=f"{key}: {scenario} 1:10 - 1:1"), tolerance)


@cache
def _baseline_20_years(seed: int) -> pd.DataFrame:
    """The pre-reform baseline, 20 years after the default spin-up (120 months)."""
    return simulate(load_preset("baseline", n_residents=40000, n_communities=4, residents_per_agent=20,
                                months=240), seed)


N_STATIONARY = 40
"""Pooled over five seed bases (32 seeds each) the relative drift of participation is -2.6 %
with a seed-to-seed sd of 3.2 %, so tests/_paired.py's rule (1e-4 false failures) asks for
30 seeds against a 6 % tolerance; every other outcome needs 8 or fewer."""

_SPIN_UP_TOO_SHORT = pytest.mark.xfail(
    strict=False, raises=AssertionError,
    reason="issue 27: the default 120-month spin-up is too short for the organization population: "
           "so_per_10k still falls by about 6 % (seed-to-seed sd 8.5 %) from the first to the last five "
           "years after it, exactly the tolerance, and settles only 25-30 years into a run (-1.6 % "
           "after a 300-month spin-up). A claim at its own boundary fails or passes by chance at any "
           "affordable number of seeds, so the xfail is not strict (an XPASS is chance, ~2 % of runs)")


@pytest.mark.statistical
@pytest.mark.parametrize("key", [
    "participation_rate", "happiness_index", "trust_committee", "trust_so", "admin_burden",
    pytest.param("so_per_10k", marks=_SPIN_UP_TOO_SHORT), "eval_residents_to_committee"])
def test_baseline_is_stationary_after_the_spin_up(key: str) -> None:
    """The pre-reform baseline run for 20 years after the spin-up is flat: the relative
    change of ``key`` from the first to the last five years has its 95 % paired interval
    inside ±6 % (N_STATIONARY seeds)."""
    def first(seed: int) -> float:
        return _baseline_20_years(seed)[key].iloc[:60].mean()

    def last(seed: int) -> float:
        return _baseline_20_years(seed)[key].iloc[-60:].mean()

    assert_within(paired_effect(first, last, None, seeds(N_STATIONARY), contrast=lambda a, b: (b - a) / a,
                                label=f"{key}: (years 16-20 - years 1-5) / years 1-5, baseline"), 0.06)


def test_spin_up_precedes_the_reported_months() -> None:
    """The reported months start after the spin-up, under the scenario's levers."""
    params = load_preset("taicang_1_0", **SIZE)
    m = CoGovModel(params, 1)
    assert m.month == SIZE["spinup_months"] and m.params is params
    assert (m.government.strictness == params.list_strictness).all()
    assert len(m.dataframe()) == 0
    m.run()
    assert len(m.dataframe()) == SIZE["months"]


def _trust_so_last_year(seed: int, renewal: float | None = None) -> float:
    """Trust in organizations over the last reported year of ``chengdu``, optionally with
    ``trust.SO_RENEWAL`` set to ``renewal``."""
    from cogov_sim.rules import trust

    with pytest.MonkeyPatch.context() as mp:
        if renewal is not None:
            mp.setattr(trust, "SO_RENEWAL", renewal)
        return float(simulate(load_preset("chengdu", **SIZE), seed)["trust_so"].tail(12).mean())


@pytest.mark.statistical
def test_slow_renewal_lets_experience_build_trust_in_organizations() -> None:
    """P8's growth of trust in organizations needs the slow pull back to the prior
    (population renewal, trust.SO_RENEWAL): at the fast memory decay used for trust in the
    committee, experience builds less trust (paired 95 % interval below 0, 24 seeds: pooled
    over five seed bases the effect is 1.6 paired sd, for which the rule of tests/_paired.py
    asks for 15)."""
    from cogov_sim.rules import trust

    fast = trust.RELAX_RATE
    assert_decreases(paired_effect(_trust_so_last_year, lambda s: _trust_so_last_year(s, fast), None,
                                   seeds(24), label="trust_so: chengdu, SO_RENEWAL -> RELAX_RATE"))
