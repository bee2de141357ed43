"""Satisfaction on the six happiness dimensions by expectation–disconfirmation.

Taicang measures a "developmental happy community" by a happiness index of six
dimensions and 30 indicators (seed 000). Residents judge each dimension by the
expectancy–disconfirmation model, the best-supported account of citizen satisfaction
(Van Ryzin 2004, 2006; meta-analysis Zhang et al. 2022; mechanism M12): satisfaction rises
with experienced performance and with performance above expectation, and expectations
adapt to experience.

Performance of a dimension in a community comes from the committee's hours for residents,
the government's own direct services (strong under a street platform, seed 001), the
capacity of social organizations of the matching field, and shared problems solved in
consultations; a resident's own open problem in a dimension lowers it for her, and taking
part (belonging) or living among active neighbours (harmony) raises it (social capital,
Growiec et al. 2020; mechanism M17).
"""

from __future__ import annotations

import numpy as np

from .common import FloatArray, clip01

BASE = 0.30
"""Performance every community has without any service."""
COMMITTEE_WEIGHT = np.array([0.15, 0.15, 0.10, 0.15, 0.05, 0.05])
"""Weight of the committee's resident hours per dimension (order of ``DIMENSIONS``)."""
GOVERNMENT_WEIGHT = np.array([0.00, 0.10, 0.00, 0.10, 0.20, 0.20])
SO_WEIGHT = np.array([0.20, 0.20, 0.25, 0.15, 0.15, 0.15])
COMMITTEE_HALF = 0.2
"""Committee case hours per resident per month at which its contribution is half its
maximum (a committee at the staffing standard of about 18 workers per 10,000 residents
with a third of its time free for residents gives about this)."""
GOVERNMENT_HALF = 20.0
"""Yuan of direct services per resident per month at half contribution."""
SO_HALF = 3.0
"""Organization cases per month per 1,000 residents at half contribution."""
OPEN_PROBLEM = 0.35
"""Performance lost on a dimension while one's own problem in it is open."""
PARTICIPATION_BELONGING = 0.10
"""Performance added to belonging for a resident who took part recently (assumed)."""
NEIGHBOUR_HARMONY = 0.15
"""Performance added to neighbourhood harmony per unit share of neighbours taking part
(assumed)."""
PERFORMANCE_WEIGHT = 0.6
"""Weight of experienced performance in satisfaction (expectation–disconfirmation,
Van Ryzin 2004; assumed)."""
DISCONFIRMATION_WEIGHT = 1.0
"""Weight of performance against expectation in satisfaction (Van Ryzin 2004;
assumed)."""
EXPECTATION_RATE = 0.05
"""Monthly adaptation of expectations to experienced performance."""
SHARED_DECAY = 0.05
"""Monthly decay of gains from consultation-solved shared problems."""


def fade_shared(shared: FloatArray) -> FloatArray:
    """Gains from consultation-solved shared problems fade by ``SHARED_DECAY`` a month
    (in place; returns the array)."""
    shared *= 1.0 - SHARED_DECAY
    return shared


def saturating(x: FloatArray | float, half: float) -> FloatArray:
    """``x / (x + half)`` for non-negative ``x``: half the maximum at ``half``."""
    v = np.maximum(np.asarray(x, dtype=float), 0.0)
    return np.asarray(v / (v + half))


def community_performance(committee_hours_pc: FloatArray, direct_pc: FloatArray | float,
                          so_capacity_pk: FloatArray, so_quality: FloatArray,
                          shared: FloatArray) -> FloatArray:
    """Performance (communities × 6) from service inputs per capita.

    ``so_capacity_pk`` is cases per month per 1,000 residents by field; ``shared`` the
    remaining gains from consultations.
    """
    committee = saturating(committee_hours_pc, COMMITTEE_HALF)
    government = np.broadcast_to(saturating(direct_pc, GOVERNMENT_HALF), committee.shape)
    perf = (BASE
            + COMMITTEE_WEIGHT * committee[:, None]
            + GOVERNMENT_WEIGHT * government[:, None]
            + SO_WEIGHT * saturating(so_capacity_pk, SO_HALF) * so_quality
            + shared)
    return np.clip(perf, 0.0, 1.0)


def personal_performance(community_perf: FloatArray, community: np.ndarray, open_dim: np.ndarray,
                         participated_recently: np.ndarray, neighbour_share: FloatArray) -> FloatArray:
    """Performance (6 × residents): one's community's level adjusted for one's own situation.

    ``community_perf`` is communities × 6 (as from :func:`community_performance`).
    """
    # np.take on a C-ordered copy: the result is C-ordered (6 rows of residents), which
    # keeps every later 6 x N operation contiguous (fancy indexing here gives F order)
    perf = np.take(np.ascontiguousarray(community_perf.T), community, axis=1)
    who = np.flatnonzero(open_dim >= 0)
    perf[open_dim[who], who] -= OPEN_PROBLEM
    perf[0] += PARTICIPATION_BELONGING * participated_recently
    perf[2] += NEIGHBOUR_HARMONY * neighbour_share
    return clip01(perf)


def satisfaction(performance: FloatArray, expectation: FloatArray) -> FloatArray:
    """Expectation–disconfirmation satisfaction in [0, 1]."""
    # 0.5 + a (P - 0.5) + b (P - E), with as few temporaries as possible
    s = performance * (PERFORMANCE_WEIGHT + DISCONFIRMATION_WEIGHT)
    s -= DISCONFIRMATION_WEIGHT * expectation
    s += 0.5 * (1.0 - PERFORMANCE_WEIGHT)
    return clip01(s)


def update_expectation(expectation: FloatArray, performance: FloatArray) -> FloatArray:
    """Adaptive expectations: a step ``EXPECTATION_RATE`` of the way to performance."""
    e = expectation * (1.0 - EXPECTATION_RATE)
    e += EXPECTATION_RATE * performance
    return e
