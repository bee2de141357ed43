"""Pattern-oriented checks: the presets reproduce the direction of the seeds' patterns."""

from __future__ import annotations

from functools import cache

import numpy as np

from cogov_sim.presets import load_preset
from cogov_sim.runner import simulate

SEEDS = (1, 2, 3)
SIZE = {"n_residents": 3000, "n_communities": 6, "months": 72}


@cache
def last_years(scenario: str, name: str) -> np.ndarray:
    """Per-seed mean of the last two years."""
    return np.array([simulate(load_preset(scenario, **SIZE), s)[name].tail(24).mean()
                     for s in SEEDS])


def test_p1_burden_falls_sharply_with_the_lists() -> None:
    """P1: administrative burden falls by roughly 60-80 % from baseline to Taicang 1.0."""
    base, one = last_years("baseline", "admin_burden"), last_years("taicang_1_0", "admin_burden")
    cut = 1.0 - one / base
    assert (base > 0.7).all()
    assert ((cut > 0.5) & (cut < 0.85)).all(), cut


def test_p3_participation_rises_mainly_with_consultations() -> None:
    """P3: participation stays low through 1.0 and 2.0 and rises mainly with 3.0."""
    p = {s: last_years(s, "participation_rate").mean()
         for s in ("baseline", "taicang_1_0", "taicang_2_0", "taicang_3_0")}
    assert abs(p["taicang_1_0"] - p["baseline"]) < 0.03
    rise_2 = p["taicang_2_0"] - p["taicang_1_0"]
    rise_3 = p["taicang_3_0"] - p["taicang_2_0"]
    assert rise_3 > rise_2 and rise_3 > 0.05, p


def test_p5_organizations_grow_with_purchase_and_incubation() -> None:
    """P5: organizations per 10,000 grow from the national level (3.5) with stage 2.0."""
    base, two = last_years("baseline", "so_per_10k"), last_years("taicang_2_0", "so_per_10k")
    assert base.mean() < 8 and two.mean() > 2 * base.mean() and two.mean() > 9


def test_p6_the_elderly_dominate_participation() -> None:
    old, young = last_years("taicang_2_0", "participation_elderly"), last_years(
        "taicang_2_0", "participation_young")
    assert (old > 2 * young).all()
