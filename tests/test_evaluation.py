"""Evaluation as information (issue 18): every score is a noisy observation of what the
evaluated party did in that unit and year, differs across the units it scores, ranks them
by their conduct, is not a function of the levers alone, and has consequences: cutting
it (:mod:`cogov_sim.mechanisms`) moves a headline outcome beyond noise.

Statistical claims use paired runs on common random numbers (the same seed for the cut
and the intact run) and assert on a 95 % t-interval over townships (seeds), never on signs
per seed. Their seeds shift with ``--seed-base`` (``tests/_paired.py``): ``.ci/run`` runs
them again on seeds no earlier commit used.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import numpy as np
import pytest
from _paired import assert_above, assert_decreases, assert_increases, level, paired_effect, seeds
from scipy import stats

from cogov_sim.model import CoGovModel
from cogov_sim.presets import load_preset
from cogov_sim.runner import simulate

SIZE = {"n_residents": 20000, "n_communities": 8, "months": 72, "spinup_months": 60}
TOWNSHIPS = 5
"""Townships (seeds) of 24 committees for the within-run claims."""


def one_run(scenario: str, seed: int, **over: float) -> CoGovModel:
    m = CoGovModel(load_preset(scenario, **{**SIZE, **over}), seed=seed)
    m.run()
    return m


@cache
def township(scenario: str, seed: int) -> CoGovModel:
    """A township of 24 committees (60,000 residents), default spin-up and horizon."""
    return one_run(scenario, seed, n_residents=60000, n_communities=24)


@pytest.mark.statistical
@pytest.mark.parametrize("scenario", ["taicang_1_0", "taicang_3_0"])
def test_scores_differ_across_committees_and_rank_them_by_fulfilment(scenario: str) -> None:
    """Within a run the government's scores differ across 24 committees (standard
    deviation above one point in every township) and rank them by what they did.
    Committees learn to aim at the score, which narrows their differences in conduct, so
    one township's rank correlation varies (0.4–0.9 seen); the claim is on its mean over
    five townships: the 95 % interval lies above 0.2."""
    towns = seeds(TOWNSHIPS, offset=7)
    for seed in towns:
        assert township(scenario, seed).committees.gov_score.std() > 1.0, (scenario, seed)

    def rho(seed: int) -> float:
        com = township(scenario, seed).committees
        return float(stats.spearmanr(com.gov_score, com.fulfilment).statistic)

    assert_above(level(rho, None, towns, label=f"rank correlation of score and fulfilment, {scenario}"),
                 0.2)


@pytest.mark.statistical
def test_ratings_differ_across_departments_and_committees_and_follow_conduct() -> None:
    """Each committee's rating of each department differs across committees and across
    departments and follows that department's conduct toward it; one questionnaire is
    noisy (5 points against conduct that differs by about 3.5), so one cell ranks conduct
    moderately (rank correlation 0.36–0.64 seen; the 95 % interval of its mean over five
    townships lies above 0.2), while a department's mean over 24 committees, which is what
    decides its correction, follows its mean conduct (pooled correlation over 20
    department-years 0.77–0.9 seen; asserted above 0.5 and significant at 1 %)."""
    cell, dept_rating, dept_conduct = [], [], []
    towns = seeds(TOWNSHIPS, offset=7)
    for seed in towns:
        com = township("taicang_1_0", seed).committees
        r = com.rating_of_government
        assert r.std(axis=0).min() > 1.0  # across committees, for every department
        assert r.std(axis=1).mean() > 1.0  # across departments, within a committee
        cell.append(stats.spearmanr(r.ravel(), com.conduct_of_departments.ravel()).statistic)
        dept_rating.extend(r.mean(axis=0) - r.mean())
        dept_conduct.extend(com.conduct_of_departments.mean(axis=0) - com.conduct_of_departments.mean())
    assert_above(level(lambda i: cell[i], None, range(len(cell)),
                       label=f"rank correlation of rating and conduct, seeds {list(towns)}"), 0.2)
    r = stats.pearsonr(dept_rating, dept_conduct)
    assert r.statistic > 0.5 and r.pvalue < 0.01, r


def test_scores_are_not_a_function_of_the_levers_alone() -> None:
    """Same levers, other township (seed): the committees' scores and the departments'
    ratings change. Compared committee by committee, not as township means: two
    townships' mean scores can agree by chance (seeds 1 and 2 give 91.22 and 91.20 on the
    model of 2026-12-08) while every committee's score differs by points."""
    a, b = (one_run("taicang_1_0", s).committees for s in seeds(2, offset=1))
    assert not np.allclose(a.gov_score, b.gov_score, atol=0.5)
    assert not np.allclose(a.rating_of_departments, b.rating_of_departments, atol=0.5)


@pytest.mark.statistical
def test_committees_focus_follows_the_scores_they_receive() -> None:
    """Resident weight acts through scores: committees judged by residents learn to focus
    on them (mean focus higher by more than 0.3 with the residents' full weight than with
    none: paired 95 % interval over four townships)."""
    def focus(weight: float) -> Callable[[int], float]:
        return lambda seed: float(one_run("taicang_3_0", seed, resident_eval_weight=weight)
                                  .committees.focus.mean())

    assert_increases(paired_effect(focus(0.0), focus(1.0), None, seeds(4, offset=5),
                                   label="committees' focus on residents: weight 0 -> 1"), 0.3)


@cache
def headline(scenario: str, seed: int, cuts: tuple[str, ...] = ()) -> dict[str, float]:
    params = load_preset(scenario, **SIZE).cut(*cuts)
    return simulate(params, seed).tail(24).mean().to_dict()


CUT_CLAIMS = {
    # mechanism: (preset, headline outcome, direction of the cut's effect, paired replications)
    "gov_score": ("taicang_1_0", "admin_burden", -1, 16),
    "committee_rating": ("taicang_3_0", "admin_burden", -1, 8),
    "resident_score": ("taicang_3_0", "admin_burden", -1, 8),
    "resident_evaluation": ("taicang_3_0", "admin_burden", +1, 8),
}
"""Where each score's cut acts on a headline outcome, and how many paired replications the
claim needs to hold on any seeds (``_paired.replications`` with beta = 1e-4, from pilots of
24-48 paired seeds at this size). The government's score: pilots of 24 paired seeds on
bases 70000 and 9000 under the calibrated defaults (issue 19) gave effect / paired sd of
-2.8 and -2.0 on committee time in Taicang 1.0 (-1.1 pp, sd 0.4-0.5 pp; 8-10 replications
needed, 16 used); before the calibration it acted on resolution instead (-0.8, 60
replications), which it no longer moves under the calibrated defaults. The others,
from pilots on bases 500455, 7000 and 9000: -4.1 for the committees' ratings, -3.7 for the
residents' appraisal and +8 for the residents' share, each on committee time in Taicang
3.0."""


@pytest.mark.statistical
@pytest.mark.parametrize("mechanism", list(CUT_CLAIMS))
def test_cutting_each_score_moves_a_headline_outcome(mechanism: str) -> None:
    """Each score carries consequences: freezing it (it no longer observes conduct) moves
    the headline outcome named in ``CUT_CLAIMS`` in the stated direction, with a paired
    95 % interval over the stated number of seeds that excludes zero. One pre-registered
    outcome per score, not the best of ten (which would pass by chance about 40 % of the
    time for a cut that did nothing)."""
    scenario, outcome, direction, n = CUT_CLAIMS[mechanism]
    effect = paired_effect(lambda s: headline(scenario, s), lambda s: headline(scenario, s, (mechanism,)),
                           outcome, seeds(n, offset=201),
                           label=f"cutting {mechanism}: {outcome} in {scenario}")
    (assert_increases if direction > 0 else assert_decreases)(effect)


@pytest.mark.statistical
def test_scores_carry_the_stated_observation_error() -> None:
    """The scores are observations, not the conduct itself: the government's score differs
    from what the committee did by inspection error (two findings, each with standard
    deviation INSPECTION_NOISE, weighted 0.6 / 0.4), and each rating of a department from
    its conduct by RATING_NOISE. Zeroing either constant fails this test. Three townships
    of 24 committees, pooled."""
    from cogov_sim.rules import evaluation

    towns = [township("taicang_3_0", s).committees for s in seeds(3, offset=7)]
    gov_error = np.concatenate([com.gov_score - com.fulfilment for com in towns])
    expected = evaluation.INSPECTION_NOISE * np.hypot(evaluation.SCORE_TIMELY, 1 - evaluation.SCORE_TIMELY)
    assert 0.5 * expected < gov_error.std() < 1.6 * expected
    rating_error = np.concatenate([(com.rating_of_government - com.conduct_of_departments).ravel()
                                   for com in towns])
    assert 0.8 * evaluation.RATING_NOISE < rating_error.std() < 1.2 * evaluation.RATING_NOISE
