"""Resident requests (诉求): arrival by category, reporting, handling, referral, escalation.

Each resident meets problems at a yearly rate; a problem belongs to one of the six
happiness dimensions of Taicang's happy-community index (seed 000). A resident holds at
most one open problem at a time. A problem is *reported* with a probability that rises
with the resident's efficacy, trust in the committee and the problem's salience
(efficacy → participation: Oser et al. 2022); unreported problems can still be found by
grid visits (``outreach``).

Reported problems are handled by the committee with the hours it has for residents or
referred to a social organization of the matching field where one exists — a share
``o + 0.3 (1 − o)`` of them for outsourcing share ``o``, so all of them under full
outsourcing as in Chengdu (seed 004) — or, when they drag on, escalated over the
committee's head. Escalation follows Epstein's (2002) grievance-legitimacy rule
(mechanism M1): act when ``H·(1−L) − R > T`` with grievance H (salience), legitimacy L
(trust in the committee) and net cost R. A street-level platform (Shanghai, seed 001)
resolves escalated problems more often. Professional mediation resolves ~99 % of disputes
(seed 002, pattern P7).
"""

from __future__ import annotations

import numpy as np
from scipy import special

from .common import FloatArray, safe_div, sigmoid

DIMENSIONS = ("belonging", "service", "harmony", "convenience", "safety", "environment")
"""The six happiness dimensions: 归属感, 服务获得感, 邻里和谐感, 生活便利感, 安全感, 环境舒适感."""
FIELDS = ("culture", "elder_care", "mediation", "family_services", "legal_aid", "environment")
"""Social-organization field serving each dimension (same order as ``DIMENSIONS``)."""
CATEGORY_WEIGHTS = np.array([0.10, 0.25, 0.15, 0.20, 0.10, 0.20])
"""Share of problems by dimension (services and convenience dominate requests)."""
FIELD_QUALITY_CEILING = np.array([0.85, 0.85, 0.99, 0.85, 0.9, 0.85])
"""Best success rate an organization of each field reaches (mediation ~99 %: seed 002)."""
SALIENCE_MIN = 0.2
"""Least salience a problem can have."""
REPORT_INTERCEPT = -4.0
"""Log-odds of reporting for a resident with no efficacy, trust or salience."""
LAPSE = 0.10
"""Monthly chance an unreported problem lapses (goes away or is solved privately)."""
LAPSE_EMPLOYED = 0.25
"""The same for residents in paid work, who buy private solutions (自我型循环: seed 000)."""
REPORT_ATTACHMENT = 1.0
"""Log-odds shift of reporting per unit of attachment to the place (knowing the committee)."""
ACCEPT_MIN = 0.2
"""Chance a resident with no trust in organizations accepts a referral to one (the rest
stay with the committee); acceptance rises linearly to 1 with trust (seed 001, P8)."""
ESCALATE_GOV_MIN = 0.1
"""Chance a resident with no trust in the government takes a problem over the committee's
head when the Epstein rule says act; it rises linearly to 1 with trust in government."""
HOURS_PER_CASE = 4.0
"""Committee hours to resolve one request."""
COMMITTEE_SUCCESS = 0.8
"""Chance the committee resolves a request it gets to in a month."""
ESCALATE_AFTER = 3
"""Months a reported request stays open before escalation is considered."""
ESCALATION_THRESHOLD = 0.3
"""Epstein threshold T on ``salience·(1 − trust) − cost``."""
ESCALATION_COST = 0.1
"""Net perceived cost R of going over the committee's head."""
REFERRAL_BASE = 0.3
"""Share of requests referred to an organization of the matching field without outsourcing."""
STREET_RESOLUTION_GAIN = 0.6
"""Added monthly chance of resolving an escalated request at full street-platform strength."""
GOV_BASE_SUCCESS = 0.25
"""Monthly chance an escalated request is resolved by the township without a platform."""


def arrivals(rng: np.random.Generator, has_issue: np.ndarray, rate_per_year: float) -> np.ndarray:
    """Residents (without an open problem) who meet a new problem this month."""
    p = 1.0 - np.exp(-rate_per_year / 12.0)
    return (~has_issue) & (rng.random(has_issue.size) < p)


def draw_salience(rng: np.random.Generator, n: int) -> FloatArray:
    """How pressing each of ``n`` new problems is, uniform on [SALIENCE_MIN, 1]."""
    return SALIENCE_MIN + (1.0 - SALIENCE_MIN) * rng.random(n)


_CATEGORY_CDF = CATEGORY_WEIGHTS.cumsum() / CATEGORY_WEIGHTS.sum()


def draw_categories(rng: np.random.Generator, n: int) -> np.ndarray:
    """Dimension index of ``n`` new problems, by inverting the cumulative weights (the same
    draws as ``rng.choice(6, n, p=CATEGORY_WEIGHTS)``, without its per-call checks)."""
    return _CATEGORY_CDF.searchsorted(rng.random(n), side="right").astype(np.int8)


def report_probability(attachment: FloatArray, efficacy: FloatArray, trust_committee: FloatArray,
                       salience: FloatArray) -> FloatArray:
    """Monthly chance a resident reports an open problem to the committee.

    ``attachment`` (0–1, from years lived there) stands for knowing the committee and
    where to go; efficacy, trust in the committee and the problem's salience raise it.
    """
    return sigmoid(REPORT_INTERCEPT + REPORT_ATTACHMENT * attachment + 2.5 * efficacy
                   + 1.5 * trust_committee + 1.5 * salience)


def lapses(rng: np.random.Generator, employed: np.ndarray) -> np.ndarray:
    """Unreported problems that go away or are solved privately this month (more often by
    residents in paid work: the self-sufficient loop)."""
    return rng.random(employed.size) < np.where(employed, LAPSE_EMPLOYED, LAPSE)


def acceptance(trust_so: FloatArray) -> FloatArray:
    """Chance a resident offered an organization's help accepts it (trust in organizations)."""
    return ACCEPT_MIN + (1.0 - ACCEPT_MIN) * np.asarray(trust_so)


def accepts_referral(rng: np.random.Generator, trust_so: FloatArray) -> np.ndarray:
    """Residents offered an organization's help who accept it (``acceptance``)."""
    return rng.random(np.size(trust_so)) < acceptance(trust_so)


def escalates(rng: np.random.Generator, age: np.ndarray, salience: FloatArray,
              trust_committee: FloatArray, trust_government: FloatArray) -> np.ndarray:
    """Epstein-type escalation decision for open reported requests: grievance times lost
    legitimacy of the committee against the cost; and only if one expects the government
    to act (trust in government)."""
    net = salience * (1.0 - trust_committee) - ESCALATION_COST
    willing = rng.random(age.size) < ESCALATE_GOV_MIN + (1 - ESCALATE_GOV_MIN) * trust_government
    return (age >= ESCALATE_AFTER) & (net > ESCALATION_THRESHOLD) & willing


def referral_share(outsourcing: float, so_capacity: FloatArray,
                   room: FloatArray | float = 1.0) -> FloatArray:
    """Share of requests per (community, field) sent to social organizations: the
    outsourced share, which the government has contracted, whatever the organizations'
    load; and of the rest ``REFERRAL_BASE`` times ``room``, the chance the field's
    organizations can take one more case this month (``coverage`` of the cases waiting
    with them by their capacity). A committee that sees an organization swamped keeps its
    cases (assumption; seed 001: organizations are small and weak in capacity). Without
    ``room`` a field with any organization was offered the whole base share, and cases
    piled up at organizations of a few cases a month in large communities (issue 19,
    ``benchmarks/cost_ranking.md``)."""
    present = (so_capacity > 0).astype(float)
    return present * (outsourcing + (1.0 - outsourcing) * REFERRAL_BASE * np.asarray(room))


def coverage(capacity: FloatArray, cases: FloatArray, hidden: FloatArray | float = 0.0) -> FloatArray:
    """Chance that capacity reaches a given open case this month: the expectation of
    min(1, capacity / N) over the real caseload N that holds it.

    ``capacity`` is in cases a month and ``cases`` counts the open cases of the sample's
    resident agents, each agent one real resident. At one agent per resident the caseload
    is ``cases`` and the chance is min(1, capacity / cases) (1 with no cases): the
    deterministic congestion rule. At one agent per k residents the other k − 1 residents
    each agent stands for are not seen, and their open cases are Poisson with mean
    ``hidden`` (carried month by month like the sample's: ``phases.UnseenCases``), so
    N = cases + Poisson(hidden), over whose probabilities the chance is averaged.

    Why not count each agent's case k times: that caseload is right on average but moves
    in lumps of k, with k times the real caseload's variance, and min(1, capacity / N) is
    concave where capacity binds, so the lumps lower mean success the more the larger k
    (Jensen's inequality; issue 18). With N as here, the caseload has the real one's
    mean, variance and tail, and since every real case is equally likely to be one of the
    sample's, k × cases × this chance is unbiased for the real number of cases capacity
    reaches. (Shrinking the lumped count toward its expectation by 1/√k would match the
    variance but keep the lumps' skew: one agent's case where 3 are expected would still
    read as 9.7 cases at 1:50, enough to congest an organization of 6.)

    The chance of one of the unseen cases is ``coverage(capacity, cases + 1, hidden)``: a
    Poisson number P of them is more often large when the caseload is, and
    E[P min(1, c / (n + P))] = hidden × E[min(1, c / (n + 1 + P))].
    """
    cap = np.asarray(capacity, dtype=float)
    n = np.asarray(cases, dtype=float)
    shape = np.broadcast_shapes(cap.shape, n.shape, np.shape(hidden))
    cap, n = np.broadcast_to(cap, shape).ravel(), np.broadcast_to(n, shape).ravel()
    lam_all = np.broadcast_to(np.asarray(hidden, dtype=float), shape).ravel()
    out = np.where(n > 0, np.minimum(1.0, safe_div(cap, n)), 1.0)
    rows = np.flatnonzero(lam_all > 0)
    if rows.size:  # sum over the Poisson's mass within ten standard deviations of its mean
        lam = lam_all[rows]
        sd = np.sqrt(lam)
        low = np.floor(np.maximum(0.0, lam - 10.0 * sd))
        width = int(np.ceil(20.0 * sd.max())) + 20
        covered = cap[rows] >= n[rows] + low + (width - 1)  # every caseload reached: 1
        out[rows[covered]] = 1.0
        rows, lam, low = rows[~covered], lam[~covered], low[~covered]
        j = low[:, None] + np.arange(width)
        pmf = np.exp(j * np.log(lam)[:, None] - lam[:, None] - special.gammaln(j + 1.0))
        total = n[rows, None] + j
        share = np.where(total > 0, np.minimum(1.0, cap[rows, None] / np.maximum(total, 1.0)), 1.0)
        out[rows] = (pmf * share).sum(axis=1) / pmf.sum(axis=1)
    return np.clip(out, 0.0, 1.0).reshape(shape)


def committee_success(case_hours: FloatArray, cases: FloatArray,
                      hidden: FloatArray | float = 0.0) -> FloatArray:
    """Per-community monthly chance that a committee-handled request is resolved:
    ``COMMITTEE_SUCCESS`` times the ``coverage`` of its caseload (the sample's ``cases``
    and the unseen residents' ``hidden`` expected ones) by the hours for cases."""
    return COMMITTEE_SUCCESS * coverage(case_hours / HOURS_PER_CASE, cases, hidden)


def so_success(capacity: FloatArray, cases: FloatArray, quality: FloatArray,
               hidden: FloatArray | float = 0.0) -> FloatArray:
    """Per (community, field) monthly chance an organization resolves a referred request:
    its quality times the ``coverage`` of the field's caseload (the sample's ``cases`` and
    the unseen residents' ``hidden`` expected ones) by the organizations' capacity."""
    return quality * coverage(capacity, cases, hidden)


def government_success(street_platform: float) -> float:
    """Monthly chance an escalated request is resolved above the committee."""
    return GOV_BASE_SUCCESS + STREET_RESOLUTION_GAIN * street_platform
