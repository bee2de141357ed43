"""Pattern-oriented checks: the presets reproduce the direction of the seeds' patterns
P1-P8 at realistic community sizes (500, 2,000 and 5,000 residents a community), on
several seeds, with one set of parameter values. docs/ODD.md says for each pattern
whether it emerges, is calibrated or is imposed.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

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


sizes = pytest.mark.parametrize("per", PER_COMMUNITY)


@sizes
def test_p1_burden_falls_sharply_with_the_lists(per: int) -> None:
    """P1: burden 70-95 % before the lists falls by roughly 60-80 % with them (partly
    emergent: departments' reactions to the access routes and prices)."""
    base, one = last_years("baseline", per), last_years("taicang_1_0", per)
    assert ((base["admin_burden"] > 0.7) & (base["admin_burden"] < 0.95)).all()
    cut = 1.0 - one["admin_burden"] / base["admin_burden"]
    assert ((cut > 0.45) & (cut < 0.85)).all(), cut
    assert (one["tasks_pushed"] < 0.7 * base["tasks_pushed"]).all()


@sizes
def test_p2_freed_staff_move_toward_residents(per: int) -> None:
    """P2: with the lists and generalist windows, more staff time goes out to residents."""
    base, two = last_years("baseline", per), last_years("taicang_2_0", per)
    assert (two["outreach_share"] > 2 * base["outreach_share"]).all()
    assert (two["resident_hours_per_resident"] > 2 * base["resident_hours_per_resident"]).all()


@sizes
def test_p3_participation_rises_mainly_with_consultations(per: int) -> None:
    """P3: participation stays low through 1.0 and 2.0 and rises mainly with 3.0."""
    p = {s: last_years(s, per)["participation_rate"].mean() for s in STAGES}
    rise_2 = p["taicang_2_0"] - p["taicang_1_0"]
    rise_3 = p["taicang_3_0"] - p["taicang_2_0"]
    assert rise_3 > rise_2 and rise_3 > 0.02, p
    assert p["taicang_2_0"] - p["baseline"] < rise_3 + 0.03, p


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


@sizes
def test_p5_organizations_grow_with_purchase_and_incubation(per: int) -> None:
    """P5: organizations per 10,000 grow from the national level (3.5) with stage 2.0."""
    base, two = last_years("baseline", per)["so_per_10k"], last_years("taicang_2_0", per)["so_per_10k"]
    assert base.mean() < 8 and two.mean() > 1.8 * base.mean() and two.mean() > 7


@sizes
def test_p6_the_elderly_dominate_participation(per: int) -> None:
    """P6 (calibrated): participation rises with age through retirement and attachment."""
    r = last_years("taicang_2_0", per)
    assert (r["participation_elderly"] > 2 * r["participation_young"]).all()
    assert (r["participation_middle"] > r["participation_young"]).all()


@sizes
def test_p7_mediation_resolves_most_disputes(per: int) -> None:
    """P7 (imposed quality ceiling, measured outcome): where mediation organizations take
    disputes, nearly all are resolved rather than escalated."""
    r = last_years("taicang_2_0", per)["mediation_success"]
    assert r.mean() > 0.85 and (r > 0.5).all(), r


@sizes
def test_p8_trust_in_organizations_grows_with_experience(per: int) -> None:
    """P8: residents start distrusting organizations; trust grows where they serve more."""
    base, two = last_years("baseline", per), last_years("chengdu", per)
    assert (base["trust_so"] < 0.3).all()
    assert (two["trust_so"] > base["trust_so"]).all()
    assert (two["trust_so"] - base["trust_so"]).mean() > 0.015
