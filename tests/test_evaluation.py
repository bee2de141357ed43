"""Evaluation as information (issue 18): every score is a noisy observation of what the
evaluated party did in that unit and year, differs across the units it scores, ranks them
by their conduct, is not a function of the levers alone, and has consequences: cutting
it (:mod:`cogov_sim.mechanisms`) moves a headline outcome beyond noise.

Statistical claims use paired runs on common random numbers (the same seed for the cut
and the intact run) and assert on the paired 95 % t-interval, never on signs per seed.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from scipy import stats

from cogov_sim.model import CoGovModel
from cogov_sim.presets import load_preset
from cogov_sim.runner import simulate

SIZE = {"n_residents": 20000, "n_communities": 8, "months": 72, "spinup_months": 60}
SEEDS = tuple(range(201, 209))


def one_run(scenario: str, seed: int, **over: float) -> CoGovModel:
    m = CoGovModel(load_preset(scenario, **{**SIZE, **over}), seed=seed)
    m.run()
    return m


def test_scores_differ_across_committees_and_rank_them_by_fulfilment() -> None:
    """Within a run the government's scores differ across 24 committees and rank them by
    what they did. Committees learn to aim at the score, which narrows their differences
    in conduct, so one township's rank correlation varies (0.4–0.9 seen); its mean over
    five townships is the claim."""
    for scenario in ("taicang_1_0", "taicang_3_0"):
        rho = []
        for seed in range(7, 12):
            com = one_run(scenario, seed, n_residents=60000, n_communities=24).committees
            assert com.gov_score.std() > 1.0, (scenario, seed)
            rho.append(stats.spearmanr(com.gov_score, com.fulfilment).statistic)
        assert np.mean(rho) > 0.5, (scenario, rho)


def test_ratings_differ_across_departments_and_committees_and_follow_conduct() -> None:
    """Each committee's rating of each department differs across committees and across
    departments and follows that department's conduct toward it; one questionnaire is
    noisy (5 points against conduct that differs by about 3.5), so one cell ranks conduct
    moderately (rank correlation 0.36–0.64 seen), while a department's mean over 24
    committees, which is what decides its correction, follows its mean conduct (pooled
    correlation over 20 department-years 0.77–0.9 seen; asserted above 0.5 and significant
    at 1 %). Five townships, pooled."""
    cell, dept_rating, dept_conduct = [], [], []
    for seed in range(7, 12):
        com = one_run("taicang_1_0", seed, n_residents=60000, n_communities=24).committees
        r = com.rating_of_government
        assert r.std(axis=0).min() > 1.0  # across committees, for every department
        assert r.std(axis=1).mean() > 1.0  # across departments, within a committee
        cell.append(stats.spearmanr(r.ravel(), com.conduct_of_departments.ravel()).statistic)
        dept_rating.extend(r.mean(axis=0) - r.mean())
        dept_conduct.extend(com.conduct_of_departments.mean(axis=0) - com.conduct_of_departments.mean())
    assert np.mean(cell) > 0.35, cell
    r = stats.pearsonr(dept_rating, dept_conduct)
    assert r.statistic > 0.5 and r.pvalue < 0.01, r


def test_scores_are_not_a_function_of_the_levers_alone() -> None:
    """Same levers, other township (seed): the scores and ratings change."""
    a, b = (one_run("taicang_1_0", s).committees for s in (1, 2))
    assert not np.allclose(a.gov_score.mean(), b.gov_score.mean(), atol=0.05)
    assert not np.allclose(a.rating_of_departments, b.rating_of_departments, atol=0.5)


def test_committees_focus_follows_the_scores_they_receive() -> None:
    """Resident weight acts through scores: committees judged by residents learn to focus
    on them; with the residents' appraisal frozen (it no longer observes them) the
    response to the weight is not the same."""
    low = one_run("taicang_3_0", 5, resident_eval_weight=0.0).committees.focus
    high = one_run("taicang_3_0", 5, resident_eval_weight=1.0).committees.focus
    assert high.mean() > low.mean() + 0.3


@cache
def headline(scenario: str, seed: int, cuts: tuple[str, ...] = ()) -> dict[str, float]:
    params = load_preset(scenario, **SIZE).cut(*cuts)
    return simulate(params, seed).tail(24).mean().to_dict()


def paired_interval(scenario: str, mechanism: str, outcome: str) -> tuple[float, float]:
    """95 % paired t-interval of (cut − intact) over :data:`SEEDS`."""
    d = np.array([headline(scenario, s, (mechanism,))[outcome] - headline(scenario, s)[outcome]
                  for s in SEEDS])
    half = stats.t.ppf(0.975, d.size - 1) * d.std(ddof=1) / np.sqrt(d.size)
    return d.mean() - half, d.mean() + half


HEADLINE = ("happiness_index", "participation_rate", "admin_burden", "resolution_rate",
            "trust_committee")


@pytest.mark.parametrize("mechanism", ["gov_score", "committee_rating", "resident_score",
                                       "resident_evaluation"])
def test_cutting_each_score_moves_a_headline_outcome(mechanism: str) -> None:
    """Each score carries consequences: in at least one reform preset, freezing it (it no
    longer observes conduct) moves at least one headline outcome with a paired 95 %
    interval that excludes zero. Eight paired replications: the effects found are
    several paired standard errors wide (benchmarks/ablation.md)."""
    moved = []
    for scenario in ("taicang_1_0", "taicang_3_0"):
        for outcome in HEADLINE:
            low, high = paired_interval(scenario, mechanism, outcome)
            if low > 0 or high < 0:
                moved.append((scenario, outcome, round(low, 4), round(high, 4)))
    assert moved, f"cutting {mechanism} moved no headline outcome"


def test_scores_carry_the_stated_observation_error() -> None:
    """The scores are observations, not the conduct itself: the government's score differs
    from what the committee did by inspection error (two findings, each with standard
    deviation INSPECTION_NOISE, weighted 0.6 / 0.4), and each rating of a department from
    its conduct by RATING_NOISE. Zeroing either constant fails this test."""
    from cogov_sim.rules import evaluation

    com = one_run("taicang_3_0", 7, n_residents=60000, n_communities=24).committees
    gov_error = com.gov_score - com.fulfilment
    expected = evaluation.INSPECTION_NOISE * np.hypot(evaluation.SCORE_TIMELY, 1 - evaluation.SCORE_TIMELY)
    assert 0.5 * expected < gov_error.std() < 1.6 * expected
    rating_error = (com.rating_of_government - com.conduct_of_departments).ravel()
    assert 0.8 * evaluation.RATING_NOISE < rating_error.std() < 1.2 * evaluation.RATING_NOISE
