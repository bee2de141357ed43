"""Two-way evaluation (双向评估) and residents' appraisal of committees, as measurements.

Seed 003 says what each side assesses at year end: the government (its departments)
assesses how each committee fulfilled the agreement (履约评估), committees assess the
departments' guidance, professional services, payments kept and administrative
interference; the agreement fixes both sides' breach liability (违约责任). Seed 000
returns the assessment of committee cadres to residents. Here every score is a *noisy
observation of what the evaluated party did in that unit and year*:

* the government's score of a committee observes that committee's year: assisted tasks
  done on time and the paperwork inspections see (ledgers, photographs: 留痕), with
  inspection noise ``INSPECTION_NOISE``;
* a committee's rating of a department observes that department's conduct toward that
  committee: the share of the task money it owed that it actually paid, the share of its
  tasks pushed down off-list without consent, and the professional support (social-worker
  hours) that reached the community; with noise ``RATING_NOISE``;
* residents' appraisal of a committee polls ``APPRAISAL_SAMPLE`` residents about their
  trust in it and the service they get; its noise is the sampling error of that poll.

Scores have consequences through the channels the seeds name:

* **breach liability (费随事转, 违约责任)**: part of next year's task payments rides on the
  government's score (:func:`breach`): the money follows the tasks the inspection found
  fulfilled, and the inspection finds fulfilment in the files (留痕; seed 003 keeps the
  agreement's ledgers among the few that remain);
* **correction of departments**: under two-way evaluation each department corrects the
  erosion of its own lists and payments in proportion to how badly *its* committees
  rated it (:func:`adapt_policy`);
* **the committee's own hours**: a committee moves effort toward whichever side cost it
  more assessment points last year, and toward the government when money was withheld
  (:func:`adjust_focus`). Its ``focus`` on residents decides its paperwork (:mod:`.allocation`)
  and whether consultation decisions are carried out (:mod:`.consultation`). Resident
  evaluation therefore acts through the scores committees actually receive: with
  ``resident_eval_weight`` high but residents' scores uninformative, nothing changes.

Evaluation as the principal's learning follows mechanisms M7 and M14 (research note);
multitask effort allocation follows Holmström & Milgrom (1991).
"""

from __future__ import annotations

import numpy as np

from .common import FloatArray, clip01

APPRAISAL_HOURS = 60.0
"""Committee staff hours a year of residents' appraisal (meetings, survey) at full weight."""
FUNDING_EROSION_RATIO = 0.5
"""Payments erode at this fraction of the lists' erosion rate (contracts are written down)."""
SCORE_TIMELY = 0.6
"""Weight of timely task completion in the government's score (the rest: paperwork)."""
SUPPORT_HALF = 0.5
"""Social-worker hours per resident per year at which committees rate support half-way."""
INSPECTION_NOISE = 1.5
"""Standard deviation (points) of the government's year-end inspection of a committee
(assumed: the year's files are checked in full, site visits are sampled)."""
RATING_NOISE = 5.0
"""Standard deviation (points) of a committee's rating of a department beyond what the
department did (assumed: one questionnaire filled in by the committee's leadership)."""
APPRAISAL_SAMPLE = 100.0
"""Residents polled per community in the yearly appraisal of the committee (assumed;
Taicang's happiness index is survey-based, seed 000)."""
BREACH_SHARE = 0.5
"""Share of a committee's task payments that rides on the government's score of it: at a
score of s it forfeits ``BREACH_SHARE × (1 − s/100)`` of next year's payments (breach
liability written into the agreement, seed 003; assumed share)."""
FOCUS_RATE = 0.5
"""How far a committee moves its focus in a year per 100 assessment points at stake."""


def observe(rng: np.random.Generator, truth: FloatArray, noise: FloatArray | float) -> FloatArray:
    """A 0–100 score: ``truth`` observed with normal error of standard deviation ``noise``."""
    truth = np.asarray(truth, dtype=float)
    return np.clip(truth + np.asarray(noise) * rng.standard_normal(truth.shape), 0.0, 100.0)


def inspect(rng: np.random.Generator, truth: FloatArray) -> FloatArray:
    """The government's year-end inspection of one finding (0–100), with
    ``INSPECTION_NOISE``."""
    return observe(rng, truth, INSPECTION_NOISE)


def rate(rng: np.random.Generator, truth: FloatArray) -> FloatArray:
    """Committees' rating of departments (0–100), with ``RATING_NOISE``."""
    return observe(rng, truth, RATING_NOISE)


def appraisal_hours(resident_weight: float) -> float:
    """Committee staff hours a month that residents' appraisal at ``resident_weight`` takes."""
    return resident_weight * APPRAISAL_HOURS / 12.0


def funding_erosion(list_erosion: FloatArray) -> FloatArray:
    """Yearly erosion rate of payments, from that of the lists (``FUNDING_EROSION_RATIO``)."""
    return list_erosion * FUNDING_EROSION_RATIO


def government_score(timeliness: FloatArray, paperwork: FloatArray) -> FloatArray:
    """The government's 0–100 score of each committee from its inspection's two findings,
    each on 0–100: tasks done on time and their paperwork."""
    return SCORE_TIMELY * np.asarray(timeliness) + (1.0 - SCORE_TIMELY) * np.asarray(paperwork)


def appraisal(trust_committee: FloatArray, service_satisfaction: FloatArray) -> FloatArray:
    """One resident's 0–100 appraisal of her committee: trust in it and the service she gets."""
    return 100.0 * (0.5 * np.asarray(trust_committee) + 0.5 * np.asarray(service_satisfaction))


def poll_noise(spread: FloatArray, residents: FloatArray) -> FloatArray:
    """Sampling error (points) of a poll of ``APPRAISAL_SAMPLE`` residents (at most all of
    them) drawn from residents whose appraisals have standard deviation ``spread``."""
    n = np.minimum(APPRAISAL_SAMPLE, np.asarray(residents, dtype=float))
    return np.asarray(spread) * np.sqrt(np.maximum(0.0, 1.0 - n / np.asarray(residents)) / n)


def rating_of_departments(paid_share: FloatArray, imposed_share: FloatArray,
                          support_hours_pc: FloatArray) -> FloatArray:
    """What committees' ratings of departments would be without error (communities x
    departments, 0–100): share of owed task money paid, share of the department's tasks
    imposed off-list, and social-worker hours per resident received (per community)."""
    support = np.asarray(support_hours_pc) / (np.asarray(support_hours_pc) + SUPPORT_HALF)
    support = support[:, None] if np.ndim(support) == 1 and np.ndim(paid_share) == 2 else support
    return 100.0 * (0.2 + 0.3 * np.clip(paid_share, 0, 1) + 0.3 * (1.0 - np.clip(imposed_share, 0, 1))
                    + 0.2 * support)


def assessment(gov_score: FloatArray, res_score: FloatArray, resident_weight: float) -> FloatArray:
    """The committee's overall assessment (0–100)."""
    return (1.0 - resident_weight) * np.asarray(gov_score) + resident_weight * np.asarray(res_score)


def breach(gov_score: FloatArray) -> FloatArray:
    """Share of next year's task payments withheld for the part of the agreement the
    government found unfulfilled: ``BREACH_SHARE`` of the money rides on the score."""
    return BREACH_SHARE * (1.0 - np.clip(np.asarray(gov_score), 0.0, 100.0) / 100.0)


def adjust_focus(focus: FloatArray, resident_weight: float, gov_score: FloatArray,
                 res_score: FloatArray, withheld: FloatArray,
                 motivation: FloatArray | float = 0.0) -> FloatArray:
    """Next year's focus on residents (0–1) from the scores a committee received.

    A committee moves effort toward the side that cost it more assessment points
    (``(1 − w)·(100 − government score)`` against ``w·(100 − residents' score)``), toward
    government work when payments were withheld for breach, and by its cadres' own
    ``motivation`` to serve residents (:mod:`.departments`).

    >>> float(adjust_focus(np.array([0.5]), 0.0, np.array([80.0]), np.array([40.0]),
    ...                    np.array([0.0]))[0])
    0.4
    """
    w = resident_weight
    stake = (w * (100.0 - np.asarray(res_score)) - (1.0 - w) * (100.0 - np.asarray(gov_score))
             - 100.0 * np.asarray(withheld))
    return clip01(np.asarray(focus, dtype=float) + FOCUS_RATE * stake / 100.0
                  + np.asarray(motivation))


def adapt_policy(effective: FloatArray, nominal: float, floor: float, erosion: FloatArray,
                 two_way_weight: float, rating: FloatArray) -> FloatArray:
    """One year of drift and correction of an implemented lever, per department.

    Departments drift back toward the pre-reform practice ``floor`` (the baseline's value
    of the lever: old habits, not nothing) at rate ``erosion``; under two-way evaluation a
    department corrects toward the ``nominal`` policy in proportion to the two-way weight
    and to how badly its committees rated it (0–100).

    >>> float(adapt_policy(np.array([0.8]), 0.8, 0.0, np.array([0.1]), 0.0, np.array([50.0]))[0])
    0.72
    >>> round(float(adapt_policy(np.array([0.72]), 0.8, 0.0, np.array([0.0]), 1.0,
    ...                          np.array([0.0]))[0]), 3)
    0.8
    """
    eff = np.asarray(effective, dtype=float)
    eroded = floor + (eff - floor) * (1.0 - np.asarray(erosion))
    urgency = 0.5 + 0.5 * (1.0 - np.asarray(rating) / 100.0)
    correction = two_way_weight * urgency * np.maximum(0.0, nominal - eroded)
    return clip01(eroded + correction)
