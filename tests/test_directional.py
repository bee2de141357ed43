"""Directional tests: each lever's primary effect, on paired seeds (common random numbers)."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from cogov_sim.params import Params
from cogov_sim.presets import load_preset
from cogov_sim.runner import simulate

SEEDS = (11, 12, 13)
SIZE = {"n_residents": 2000, "n_communities": 5, "months": 48}


@cache
def _run(scenario: str, overrides: tuple[tuple[str, float], ...], seed: int):  # noqa: ANN202
    return simulate(load_preset(scenario, **SIZE, **dict(overrides)), seed)


def outcome(name: str, scenario: str = "baseline", window: int = 24, **overrides: float) -> np.ndarray:
    """Per-seed mean of ``name`` over the last ``window`` months."""
    key = tuple(sorted(overrides.items()))
    return np.array([_run(scenario, key, s)[name].tail(window).mean() for s in SEEDS])


@pytest.mark.parametrize("scenario", ["baseline", "taicang_3_0"])
def test_stricter_lists_never_raise_burden(scenario: str) -> None:
    levels = [0.0, 0.25, 0.5, 0.75, 1.0]
    burden = [outcome("admin_burden", scenario, list_strictness=s).mean() for s in levels]
    assert all(b2 <= b1 + 1e-9 for b1, b2 in zip(burden, burden[1:], strict=False)), burden
    assert burden[0] - burden[-1] > 0.2


def test_funds_following_tasks_raise_committee_resources() -> None:
    unpaid = outcome("resident_hours_per_resident", list_strictness=0.8, delegation_funding=0.0)
    paid = outcome("resident_hours_per_resident", list_strictness=0.8, delegation_funding=1.0)
    assert (paid > unpaid).all()
    assert (outcome("committee_payment", delegation_funding=1.0)
            > outcome("committee_payment", delegation_funding=0.0)).all()


def test_consultations_raise_participation() -> None:
    none = outcome("participation_rate", consultations_per_year=0.0)
    many = outcome("participation_rate", consultations_per_year=8.0)
    assert (many > none + 0.03).all()
    assert (outcome("consultation_rate", consultations_per_year=8.0) > 0.05).all()


def test_random_seats_bring_in_more_residents() -> None:
    activists = outcome("consultation_rate", consultations_per_year=6.0, random_seat_share=0.0)
    drawn = outcome("consultation_rate", consultations_per_year=6.0, random_seat_share=1.0)
    assert (drawn > activists).all()


def test_purchase_budget_raises_organization_density() -> None:
    low = outcome("so_per_10k", purchase_share=0.0)
    high = outcome("so_per_10k", purchase_share=0.3)
    assert (high > low + 5).all()


def test_incubation_raises_foundings() -> None:
    assert outcome("so_births", incubation_rate=2.0).mean() > outcome("so_births").mean()


def test_resident_evaluation_frees_committee_time() -> None:
    gov_only = outcome("admin_burden", resident_eval_weight=0.0)
    residents = outcome("admin_burden", resident_eval_weight=1.0)
    assert (residents < gov_only - 0.1).all()


def test_two_way_evaluation_resists_burden_rebound() -> None:
    one_way = outcome("effective_strictness", list_strictness=0.9, two_way_eval_weight=0.0)
    two_way = outcome("effective_strictness", list_strictness=0.9, two_way_eval_weight=1.0)
    assert (two_way > one_way + 0.1).all()
    assert (outcome("admin_burden", list_strictness=0.9, two_way_eval_weight=1.0)
            < outcome("admin_burden", list_strictness=0.9, two_way_eval_weight=0.0)).all()


def test_social_workers_add_case_hours() -> None:
    assert (outcome("resident_hours_per_resident", social_workers_per_1000=2.0)
            > outcome("resident_hours_per_resident")).all()


def test_grid_visits_raise_trust_in_committee() -> None:
    assert (outcome("trust_committee", grid_visits=20.0) > outcome("trust_committee")).all()


def test_street_platform_raises_trust_in_government() -> None:
    assert (outcome("trust_government", street_platform=1.0)
            > outcome("trust_government") + 0.05).all()


def test_volunteer_points_draw_in_the_young() -> None:
    assert (outcome("participation_young", volunteer_points=1.0)
            > outcome("participation_young") + 0.03).all()


def test_default_params_equal_an_all_zero_lever_world() -> None:
    """The parameter defaults are 'no reform instrument at all'."""
    assert all(v == 0.0 for v in Params().levers().values())
