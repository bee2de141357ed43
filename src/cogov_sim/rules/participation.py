"""Residents' participation decisions and efficacy (参与).

Each month every resident has a propensity to take part in community affairs; it decides
who comes forward for consultations, who attends, who joins agreed actions and who
volunteers or joins an organization's activity (reporting a problem has its own rule in
:mod:`cogov_sim.rules.requests`, with the same age gradient). It is a logistic function of:

* **circumstances, not age itself** — free time (not in paid work: most of the elderly are
  retired) and attachment to the place (years lived there); working-age residents with
  jobs and short tenure stay in the "self-sufficient loop" (自我型循环; seeds 000, 001;
  pattern P6). The age gradient of participation is the result of who is retired and
  settled; the two weights are calibrated to the Shanghai gradient, 13.8 % of 18–29-year-
  olds vs 77.7 % of 70–79-year-olds voting in committee elections (research note §2.3),
  so P6 is a calibrated, not a validated, pattern;
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
EMPLOYMENT = np.array([0.80, 0.72, 0.08])
"""Share in paid work by age group (retirement at 50–60; order of magnitude of China's
labour-force participation by age [memory: census tables])."""
TENURE_YEARS = np.array([6.0, 14.0, 25.0])
"""Mean years lived in the community by age group (exponential; migrants are young,
research note §2.3: locals vs migrants in Suzhou)."""
ATTACHMENT_YEARS = 10.0
"""Years of residence at which attachment to the place reaches 1 − 1/e."""
FREE_TIME_WEIGHT = 0.6
"""Log-odds shift of participation for residents not in paid work (calibrated, P6)."""
ATTACHMENT_WEIGHT = 3.75
"""Log-odds shift per unit of attachment to the place (calibrated, P6)."""
POINTS_EFFECT = 0.4
"""Log-odds shift per unit of volunteer-point value for residents not in paid work."""
POINTS_EFFECT_EMPLOYED = 1.2
"""Further shift for residents in paid work, whose time points compensate (Chengdu, seed 004)."""
INTERCEPT = -6.2
"""Log-odds of taking part in a month for a resident with nothing that raises it (sets the
overall level; assumed)."""
EFFICACY_WEIGHT = 2.0
"""Log-odds shift per unit of political efficacy (assumed)."""
TRUST_WEIGHT = 1.0
"""Log-odds shift per unit of trust in the committee (assumed)."""
NEIGHBOUR_WEIGHT = 2.0
"""Log-odds shift per unit share of network neighbours who took part last month
(thresholds and contagion, Granovetter 1978; size assumed)."""
HABIT_WEIGHT = 0.8
"""Log-odds shift for having taken part last month (habit; assumed)."""
SALIENCE_WEIGHT = 0.8
"""Log-odds shift per unit of the salience of one's own open problem (0 if none)."""
VOLUNTEER_BASE = 0.12
"""Chance per month a willing resident finds something to do with no organizations around."""
VOLUNTEER_SO = 0.08
"""Further chance when organizations are dense (30 per 10,000 residents or more), for a
resident who fully trusts them (joining an organization's activity needs trust in it)."""
RESOLVED_EFFICACY = 0.10
"""Share of the distance to full efficacy gained when one's request is resolved
(assumed)."""
IGNORED_EFFICACY = 0.01
"""Share of efficacy lost each month one's request stays unanswered (assumed)."""
EFFICACY_FADE = 0.02
"""Monthly share of the gap to one's settled efficacy that experience loses (bounded
memory; without it efficacy only accumulates and the baseline never settles)."""


def circumstances(rng: np.random.Generator, age: np.ndarray) -> tuple[np.ndarray, FloatArray]:
    """Whether each resident is in paid work, and the years she has lived in the community."""
    employed = rng.random(age.size) < EMPLOYMENT[age]
    tenure = rng.exponential(TENURE_YEARS[age])
    return employed, tenure


def attachment(tenure: FloatArray) -> FloatArray:
    """Attachment to the place (0–1) from years of residence."""
    return 1.0 - np.exp(-np.asarray(tenure) / ATTACHMENT_YEARS)


def circumstance_logit(employed: np.ndarray, tenure: FloatArray) -> FloatArray:
    """Log-odds contribution of free time and attachment (the source of the age gradient)."""
    return FREE_TIME_WEIGHT * (~employed) + ATTACHMENT_WEIGHT * attachment(tenure)


def propensity(circumstance: FloatArray, employed: np.ndarray, efficacy: FloatArray,
               trust: FloatArray, neighbour_share: FloatArray, habit: np.ndarray, points: float,
               salience: FloatArray | float = 0.0) -> FloatArray:
    """Probability-scale inclination to take part in community affairs this month.

    ``circumstance`` is :func:`circumstance_logit`; ``salience`` that of the resident's own
    open problem (0 without one).
    """
    z = (INTERCEPT + circumstance + EFFICACY_WEIGHT * efficacy + TRUST_WEIGHT * trust
         + NEIGHBOUR_WEIGHT * neighbour_share + HABIT_WEIGHT * habit
         + (POINTS_EFFECT + POINTS_EFFECT_EMPLOYED * employed) * points
         + SALIENCE_WEIGHT * np.asarray(salience))
    return sigmoid(z)


def neighbour_share(adjacency: sparse.csr_matrix, degree: FloatArray,
                    participated: np.ndarray) -> FloatArray:
    """Share of each resident's network neighbours who took part last month."""
    return safe_div(adjacency @ participated.astype(float), degree)


def volunteer_opportunity(so_per_10k: FloatArray, trust_so: FloatArray) -> FloatArray:
    """Chance that a willing resident finds an activity this month: informal ones anywhere,
    organizations' ones where they are dense and she trusts them (``so_per_10k`` per
    resident, i.e. her community's density)."""
    return VOLUNTEER_BASE + VOLUNTEER_SO * np.minimum(so_per_10k / 30.0, 1.0) * trust_so


def volunteers(rng: np.random.Generator, prop: FloatArray, opportunity: FloatArray) -> np.ndarray:
    return rng.random(prop.size) < prop * opportunity


def efficacy_after_requests(efficacy: FloatArray, resolved: np.ndarray,
                            ignored: np.ndarray) -> FloatArray:
    """Efficacy after this month's request outcomes (resolved: up; still ignored: down)."""
    e = efficacy + RESOLVED_EFFICACY * resolved * (1.0 - efficacy)
    e = e - IGNORED_EFFICACY * ignored * e
    return clip01(e)


def fade(efficacy: FloatArray, anchor: FloatArray) -> FloatArray:
    """Efficacy drifts back toward each resident's settled level (``EFFICACY_FADE``)."""
    return efficacy + EFFICACY_FADE * (anchor - efficacy)
