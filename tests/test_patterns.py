"""Pattern-oriented checks: the presets reproduce the direction of the seeds' patterns
P1-P8 at realistic community sizes (500, 2,000 and 5,000 residents a community), on
several seeds, with one set of parameter values. docs/ODD.md says for each pattern
whether it emerges, is calibrated or is imposed.

The ``statistical`` tests assert on 95 % t-intervals over ``N`` seeds that ``--seed-base``
shifts (tests/_paired.py); comparisons between presets are paired (the same seeds for
every preset). P4, about the government's score, still uses the three fixed ``SEEDS``
while the evaluation rules are being revised.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import numpy as np
import pandas as pd
import pytest
from _paired import (
    assert_above,
    assert_below,
    assert_between,
    assert_increases,
    assert_overlaps,
    level,
    paired_effect,
    seeds,
)

from cogov_sim.presets import load_preset
from cogov_sim.runner import simulate

SEEDS = (1, 2, 3)
PER_COMMUNITY = (500, 2000, 5000)
STAGES = ("baseline", "taicang_1_0", "taicang_2_0", "taicang_3_0")


def size(per_community: int) -> dict[str, int]:
    """Twelve communities of ``per_community`` residents (enough organizations to count),
    about 100 agents each."""
    return {"n_residents": 12 * per_community, "n_communities": 12,
            "residents_per_agent": max(1, per_community // 100), "months": 72,
            "spinup_months": 60}


@cache
def last_years(scenario: str, per_community: int) -> dict[str, np.ndarray]:
    """Per-seed means of the last two years, every outcome."""
    frames = [simulate(load_preset(scenario, **size(per_community)), s).tail(24).mean()
              for s in SEEDS]
    return {k: np.array([f[k] for f in frames]) for k in frames[0].index}


N = 12
"""Seeds of the statistical tests here unless a test says otherwise. Pooled over five seed
bases (0, 1000, 7919, 31337, 99991; 12 seeds each) the rule of tests/_paired.py (false-failure
rate 1e-4) asked for at most 9 seeds for every claim but P7's and P5's ratio, which have
their own counts (P5_SEEDS: the ratio's spread grew with the calibration)."""


@cache
def _last_two_years(scenario: str, per_community: int, seed: int) -> pd.Series:
    return simulate(load_preset(scenario, **size(per_community)), seed).tail(24).mean()


def arm(scenario: str, per_community: int) -> Callable[[int], pd.Series]:
    """Seed -> means of the last two years of ``scenario`` at ``per_community`` (cached)."""
    return lambda seed: _last_two_years(scenario, per_community, seed)


def ratio(a: str, b: str, name: str, per: int, n: int = N):  # noqa: ANN201
    """Per-seed ratio of ``name`` in preset ``b`` to preset ``a`` (paired, ``n`` seeds)."""
    return paired_effect(arm(a, per), arm(b, per), name, seeds(n), contrast=lambda x, y: y / x,
                         label=f"{name}: {b} / {a}, {per} a community")


sizes = pytest.mark.parametrize("per", PER_COMMUNITY)


@pytest.mark.statistical
@sizes
def test_p1_burden_falls_sharply_with_the_lists(per: int) -> None:
    """P1: burden 70-95 % before the lists falls by 60-80 % with them (the seeds' bands;
    partly emergent: departments' reactions to the access routes and prices). 95 %
    intervals over N seeds: the paired relative cut inside [0.60, 0.80] and tasks pushed
    under 1.0 below 70 % of the baseline's. The baseline burden is C2, a calibration
    target the calibration (issue 19) fitted at its lower edge (0.72-0.74 at these sizes,
    seed-to-seed sd 0.04-0.05; keeping its interval inside the band on any seeds would take
    over 100 seeds): its interval must reach into the band, i.e. the fit holds here."""
    assert_overlaps(level(arm("baseline", per), "admin_burden", seeds(N)), 0.7, 0.95)
    cut = paired_effect(arm("baseline", per), arm("taicang_1_0", per), "admin_burden", seeds(N),
                        contrast=lambda base, one: 1.0 - one / base,
                        label=f"admin_burden: relative cut baseline -> taicang_1_0, {per} a community")
    assert_between(cut, 0.60, 0.80)
    assert_below(ratio("baseline", "taicang_1_0", "tasks_pushed", per), 0.7)


@pytest.mark.statistical
@sizes
def test_p2_freed_staff_move_toward_residents(per: int) -> None:
    """P2: with the lists and generalist windows, more staff time goes out to residents:
    under 2.0 the outreach share and case hours per resident are more than twice the
    baseline's (95 % intervals of the paired ratios, N seeds)."""
    assert_above(ratio("baseline", "taicang_2_0", "outreach_share", per), 2)
    assert_above(ratio("baseline", "taicang_2_0", "resident_hours_per_resident", per), 2)


@pytest.mark.statistical
@sizes
def test_p3_participation_rises_mainly_with_consultations(per: int) -> None:
    """P3: participation stays low through 1.0 and 2.0 and rises mainly with 3.0. 95 %
    intervals over N seeds, the stages paired: the rise 2.0 -> 3.0 exceeds the rise
    1.0 -> 2.0 and 0.02, and the rise baseline -> 2.0 exceeds it by less than 0.03."""
    def stages(seed: int) -> dict[str, float]:
        return {s: arm(s, per)(seed)["participation_rate"] for s in STAGES}

    def rise_3(p: dict[str, float]) -> float:
        return p["taicang_3_0"] - p["taicang_2_0"]

    def rise_3_over_rise_2(p: dict[str, float]) -> float:
        return rise_3(p) - (p["taicang_2_0"] - p["taicang_1_0"])

    def rise_to_2_over_rise_3(p: dict[str, float]) -> float:
        return p["taicang_2_0"] - p["baseline"] - rise_3(p)

    assert_above(level(stages, rise_3_over_rise_2, seeds(N)), 0)
    assert_above(level(stages, rise_3, seeds(N)), 0.02)
    assert_below(level(stages, rise_to_2_over_rise_3, seeds(N)), 0.03)


@sizes
def test_p4_formal_score_decouples_from_residents_under_one_way_assessment(per: int) -> None:
    """P4: far apart under one-way assessment, the government's score and the residents'
    come closer when residents assess (3.0). (The level, 95+ in the baseline, is missed
    since revision 3: about half the baseline committees sit at the cap on government
    hours and cannot polish their files; ODD section 9.)"""
    base, three = last_years("baseline", per), last_years("taicang_3_0", per)
    gap = base["eval_gov_to_committee"] - base["eval_residents_to_committee"]
    assert (gap > 30).all()
    gap3 = three["eval_gov_to_committee"] - three["eval_residents_to_committee"]
    assert gap3.mean() < gap.mean() - 5


@pytest.mark.statistical
@sizes
def test_p5_organizations_grow_with_purchase_and_incubation(per: int) -> None:
    """P5: organizations per 10,000 grow from the national level (3.5) with stage 2.0.
    95 % intervals over N seeds: baseline density below 8, under 2.0 above 7; and more
    than 1.8 times the baseline's (paired ratio) over P5_SEEDS[per] seeds."""
    assert_below(level(arm("baseline", per), "so_per_10k", seeds(N)), 8)
    assert_above(level(arm("taicang_2_0", per), "so_per_10k", seeds(N)), 7)
    assert_above(ratio("baseline", "taicang_2_0", "so_per_10k", per, P5_SEEDS[per]), 1.8)


P5_SEEDS = {500: 32, 2000: 32, 5000: 12}
"""Seeds of P5's ratio by community size. Pilots of 48 seeds on the model of 2026-12-08
(the unseen cases kept by age; bases 1000-3000): at 500 a community mean 2.91, sd 0.99;
at 2,000 means 2.10 and 2.09, sds 0.23 and 0.27; at 5,000 mean 2.18, sd 0.18; the rule of
tests/_paired.py asks for 26, 19-28 and 7 seeds. Twelve failed at 2,000 on seed base
470431 (mean 2.05, interval 1.80-2.31); on the model before, 2,000 needed 54 (mean 2.04,
sd 0.31)."""


@pytest.mark.statistical
@sizes
def test_p6_the_elderly_dominate_participation(per: int) -> None:
    """P6 (calibrated): participation rises with age through retirement and attachment.
    Under 2.0, 95 % intervals over N seeds: the elderly participate more than twice as
    often as the young, the middle-aged more than the young."""
    r = arm("taicang_2_0", per)
    assert_above(level(r, lambda x: x["participation_elderly"] / x["participation_young"], seeds(N),
                       label="participation elderly / young"), 2)
    assert_above(level(r, lambda x: x["participation_middle"] - x["participation_young"], seeds(N),
                       label="participation middle - young"), 0)


@pytest.mark.statistical
@pytest.mark.parametrize("per, n", [(500, 24), (2000, 24), (5000, 100)])
def test_p7_mediation_resolves_most_disputes(per: int, n: int) -> None:
    """P7 (imposed quality ceiling, measured outcome): where mediation organizations take
    disputes, nearly all are resolved rather than escalated (95 % interval of the share
    above 0.85, n seeds). At 5,000 residents a community the share is 0.90 with a
    seed-to-seed sd of 0.075 (pooled over five seed bases, 80 seeds each), so the rule of
    tests/_paired.py asks for 80 seeds: the three-seed check it replaces failed on about
    one seed set in seven. At 2,000 it asks for 17; at 500 for 7, but there most seeds
    give exactly 1 and a rare seed far less (heavy tail), hence 24."""
    assert_above(level(arm("taicang_2_0", per), "mediation_success", seeds(n)), 0.85)


@pytest.mark.statistical
@sizes
def test_p8_trust_in_organizations_grows_with_experience(per: int) -> None:
    """P8: residents start distrusting organizations; trust grows where they serve more.
    95 % intervals over N seeds: baseline trust below 0.3; chengdu's more than 0.015 higher
    (paired)."""
    assert_below(level(arm("baseline", per), "trust_so", seeds(N)), 0.3)
    assert_increases(paired_effect(arm("baseline", per), arm("chengdu", per), "trust_so", seeds(N),
                                   label=f"trust_so: baseline -> chengdu, {per} a community"), 0.015)
