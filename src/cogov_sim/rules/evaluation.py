"""Two-way evaluation (双向评估) and resident evaluation of committees, on the annual cycle.

At year end (seed 000, 003):

* the government scores each committee on what it observes: assisted tasks done on time
  and their paperwork (ledgers, files, inspections). Committees that answer only to the
  government polish that paperwork (:mod:`.allocation`), so under one-way assessment the
  formal score runs at 98+ out of 100 whatever residents think (seed 001, pattern P4);
  when residents assess, committees move hours from paperwork to residents, the formal
  score falls and the residents' score rises: the two re-couple;
* residents rate their committee (trust in it and the service they get);
* each committee rates the government from its own experience of the year: the share of
  the payments owed for tasks it did that actually arrived, the share of its government
  work that was off-list work pushed on it without consent, and the professional support
  (social-worker hours per resident) that actually reached it.

The committee's overall assessment mixes the government's and the residents' scores by
``resident_eval_weight``. The government's response to its own rating is weighted by
``two_way_eval_weight``: with weight 0 (one-way) the rating changes nothing; with weight 1
a poor rating restores the lists and payments it had let slide. Without that feedback the
departments drift back to pushing tasks (burden rebound, 减负悖论; research note §2.2).
Evaluation as the principal's learning follows mechanisms M7 and M14.
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


def government_score(completion: FloatArray, paperwork: FloatArray) -> FloatArray:
    """Government's 0–100 score of each committee from what inspections see: tasks done on
    time and their paperwork (each a yearly mean share, 0–1)."""
    return 100.0 * (SCORE_TIMELY * np.clip(completion, 0.0, 1.0)
                    + (1.0 - SCORE_TIMELY) * np.clip(paperwork, 0.0, 1.0))


def resident_score(trust_committee: FloatArray, service_satisfaction: FloatArray) -> FloatArray:
    """Residents' 0–100 rating of their committee (per community means)."""
    return 100.0 * (0.5 * trust_committee + 0.5 * service_satisfaction)


def committee_rating_of_government(paid_share: FloatArray, imposed_share: FloatArray,
                                   support_hours_pc: FloatArray) -> FloatArray:
    """Committees' 0–100 rating of government from their year: share of payments owed that
    arrived, share of their government work imposed off-list, and social-worker hours per
    resident received."""
    support = np.asarray(support_hours_pc) / (np.asarray(support_hours_pc) + SUPPORT_HALF)
    return 100.0 * (0.2 + 0.3 * np.clip(paid_share, 0, 1) + 0.3 * (1.0 - np.clip(imposed_share, 0, 1))
                    + 0.2 * support)


def assessment(gov_score: FloatArray, res_score: FloatArray, resident_weight: float) -> FloatArray:
    """The committee's overall assessment (0–100)."""
    return (1.0 - resident_weight) * gov_score + resident_weight * res_score


def adapt_policy(effective: float, nominal: float, erosion: float, two_way_weight: float,
                 rating: float) -> float:
    """One year of drift and correction of an implemented lever (strictness, funding).

    Departments let the effective value erode; a poor rating from committees (0–100)
    pulls it back toward the nominal policy in proportion to the two-way weight.

    >>> adapt_policy(0.8, 0.8, 0.1, 0.0, 50.0)  # one-way: erosion only
    0.72
    >>> round(adapt_policy(0.72, 0.8, 0.0, 1.0, 0.0), 3)  # full feedback, worst rating
    0.8
    """
    eroded = effective * (1.0 - erosion)
    urgency = 0.5 + 0.5 * (1.0 - rating / 100.0)
    correction = two_way_weight * urgency * max(0.0, nominal - eroded)
    return float(clip01(np.array([eroded + correction]))[0])


LEARNING_RATE = 0.5
"""Share of the gap between perceived and actual resident weight closed each year."""


def learn_resident_weight(perceived: FloatArray, actual: float,
                          rate: float = LEARNING_RATE) -> FloatArray:
    """Committees learn, year by year, how much residents' views count in their assessment."""
    return perceived + rate * (actual - perceived)
