"""Residents' participation decisions and efficacy (参与).

Each month every resident has a propensity to take part in community affairs; it decides
who comes forward for consultations, who attends, who joins agreed actions and who
volunteers or joins an organization's activity (reporting a problem has its own rule in
:mod:`cogov_sim.rules.requests`, with the same age gradient). It is a logistic function of:

* **age group** — the elderly are by far the most active (retiree dance and culture teams)
  while working-age residents stay in the "self-sufficient loop" (自我型循环; seeds 000,
  001; pattern P6); the gradient is set near the Shanghai one, 13.8 % of 18–29-year-olds vs
  77.7 % of 70–79-year-olds voting in committee elections (research note §2.3);
* **efficacy** and **trust in the committee** (Oser et al. 2022; Boulianne et al. 2023);
* **neighbours' participation** last month, a threshold-like social influence on the
  network (Granovetter 1978; Centola & Macy 2007; mechanism M3);
* **issue salience**: a resident with a pressing open problem is readier to act (the
  grievance term of Epstein 2002; mechanism M1);
* **habit**: having taken part last month (aspiration-based reinforcement, Bendor,
  Diermeier & Ting 2003; mechanism M5);
* **volunteer points** exchangeable for goods, which lower the cost of taking part most
  for working-age residents (Chengdu, seed 004).

Volunteering needs opportunities, which social organizations' activities provide.
Efficacy rises when a reported problem is resolved and erodes while it is ignored.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from .common import FloatArray, clip01, safe_div, sigmoid

AGE_GROUPS = ("young", "middle", "elderly")
"""18–39, 40–59, 60 and over."""
AGE_EFFECT = np.array([-1.7, -0.9, 0.0])
"""Log-odds shift of participation by age group."""
POINTS_EFFECT = np.array([1.4, 1.1, 0.4])
"""Log-odds shift per unit of volunteer-point value, by age group."""
INTERCEPT = -3.0
EFFICACY_WEIGHT = 2.0
TRUST_WEIGHT = 1.0
NEIGHBOUR_WEIGHT = 2.0
HABIT_WEIGHT = 0.8
SALIENCE_WEIGHT = 0.8
"""Log-odds shift per unit of the salience of one's own open problem (0 if none)."""
VOLUNTEER_BASE = 0.12
"""Chance per month a willing resident finds something to do with no organizations around."""
VOLUNTEER_SO = 0.08
"""Further chance when organizations are dense (30 per 10,000 residents or more)."""
RESOLVED_EFFICACY = 0.10
IGNORED_EFFICACY = 0.01


def propensity(age: np.ndarray, efficacy: FloatArray, trust: FloatArray,
               neighbour_share: FloatArray, habit: np.ndarray, points: float,
               salience: FloatArray | float = 0.0) -> FloatArray:
    """Probability-scale inclination to take part in community affairs this month.

    ``salience`` is that of the resident's own open problem (0 without one).
    """
    z = (INTERCEPT + AGE_EFFECT[age] + EFFICACY_WEIGHT * efficacy + TRUST_WEIGHT * trust
         + NEIGHBOUR_WEIGHT * neighbour_share + HABIT_WEIGHT * habit
         + POINTS_EFFECT[age] * points + SALIENCE_WEIGHT * np.asarray(salience))
    return sigmoid(z)


def neighbour_share(adjacency: sparse.csr_matrix, degree: FloatArray,
                    participated: np.ndarray) -> FloatArray:
    """Share of each resident's network neighbours who took part last month."""
    return safe_div(adjacency @ participated.astype(float), degree)


def volunteer_opportunity(so_per_10k: FloatArray) -> FloatArray:
    """Per-community chance that a willing resident finds an activity this month."""
    return VOLUNTEER_BASE + VOLUNTEER_SO * np.minimum(so_per_10k / 30.0, 1.0)


def volunteers(rng: np.random.Generator, prop: FloatArray, opportunity: FloatArray) -> np.ndarray:
    return rng.random(prop.size) < prop * opportunity


def efficacy_after_requests(efficacy: FloatArray, resolved: np.ndarray,
                            ignored: np.ndarray) -> FloatArray:
    """Efficacy after this month's request outcomes (resolved: up; still ignored: down)."""
    e = efficacy + RESOLVED_EFFICACY * resolved * (1.0 - efficacy)
    e = e - IGNORED_EFFICACY * ignored * e
    return clip01(e)
