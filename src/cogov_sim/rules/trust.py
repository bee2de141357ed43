"""Trust in the committee, the government and social organizations.

Legitimacy is endogenous: it falls with unresolved grievances and rises with
responsiveness (Lemos, Coelho & Lopes 2017 extending Epstein 2002; mechanism M2). Contact
through home visits raises trust in the committee (seed 000, grid visits; M18). Residents
start out distrusting grassroots organizations, and trust grows with experience of their
services (seed 001, pattern P8; experience learning as in Hassani-Mahmooei & Parris 2014,
M15); everyone also moves toward neighbours' trust in them (word of mouth). Requests left
unresolved cost trust in whoever holds them: the committee, or the government once
escalated. Trust drifts slowly back toward its
initial level when nothing happens.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from .common import FloatArray, clip01, safe_div

RESOLVED_GAIN = 0.10
"""Share of the distance to full trust gained in whoever resolved one's request (the
committee or the government; assumed)."""
UNRESOLVED_LOSS = 0.015
"""Share of trust lost each month one's request stays unresolved with whoever holds it
(assumed)."""
ESCALATION_LOSS = 0.10
"""Share of trust in the committee lost when one's request is escalated past it (assumed)."""
CONTACT_GAIN = 0.03
"""Share of the distance to full trust in the committee gained by a home visit (seed 000,
grid visits; size assumed)."""
EXPERIENCE_RATE = 0.25
"""Share of the way trust in organizations moves toward 1 (helped) or 0 (not) after one
service (experience learning; size assumed)."""
SOCIAL_RATE = 0.02
"""Monthly share of the way trust moves toward the network neighbours' mean (word of
mouth; assumed)."""
RELAX_RATE = 0.02
"""Monthly share of the way trust in the committee and in government drifts back to its
settled level when nothing happens (assumed)."""
SO_RENEWAL = 0.005
"""Monthly pull of trust in organizations back to the prior: residents move out and
newcomers arrive with the common distrust (about one in 200 a month, mean tenure ~17
years); slower than ``RELAX_RATE`` so that experience can change it (P8)."""
STREET_TRUST_LIFT = 0.3
"""Share of the distance to full trust in government that a full street platform adds to
the level trust settles at (strong, visible government services; seed 001)."""


def gain(trust: FloatArray, mask: np.ndarray, amount: float) -> FloatArray:
    """Raise trust where ``mask`` by ``amount`` of the distance to 1."""
    return trust + amount * mask * (1.0 - trust)


def loss(trust: FloatArray, mask: np.ndarray, amount: float) -> FloatArray:
    """Lower trust where ``mask`` by ``amount`` of its level."""
    return trust - amount * mask * trust


def resolved(trust: FloatArray, mask: np.ndarray) -> FloatArray:
    """Trust in whoever resolved one's request (where ``mask``) rises by
    :data:`RESOLVED_GAIN` of the distance to full trust."""
    return gain(trust, mask, RESOLVED_GAIN)


def unresolved(trust: FloatArray, mask: np.ndarray) -> FloatArray:
    """Trust in whoever holds one's overdue request (where ``mask``) falls by
    :data:`UNRESOLVED_LOSS` of its level this month."""
    return loss(trust, mask, UNRESOLVED_LOSS)


def escalated(trust: FloatArray, mask: np.ndarray) -> FloatArray:
    """Trust in the committee of residents who took their request over its head (where
    ``mask``) falls by :data:`ESCALATION_LOSS` of its level."""
    return loss(trust, mask, ESCALATION_LOSS)


def visited(trust: FloatArray, mask: np.ndarray) -> FloatArray:
    """Trust in the committee after a home visit (where ``mask``): :data:`CONTACT_GAIN` of
    the distance to full trust."""
    return gain(trust, mask, CONTACT_GAIN)


def renew_organizations(trust_so: FloatArray, prior: FloatArray | float) -> FloatArray:
    """Trust in organizations pulled back toward the newcomers' ``prior`` by residents'
    turnover (:data:`SO_RENEWAL` a month)."""
    return relax(trust_so, prior, SO_RENEWAL)


def experience(trust: FloatArray, served: np.ndarray, success: np.ndarray) -> FloatArray:
    """Trust in organizations after being served: toward 1 if helped, toward 0 if not."""
    target = success.astype(float)
    return np.where(served, trust + EXPERIENCE_RATE * (target - trust), trust)


def social_learning(trust: FloatArray, adjacency: sparse.csr_matrix, degree: FloatArray) -> FloatArray:
    """Move toward the neighbours' mean trust."""
    mean = safe_div(adjacency @ trust, degree, default=0.0)
    return np.where(degree > 0, trust + SOCIAL_RATE * (mean - trust), trust)


def government_anchor(initial: float, street_platform: float) -> float:
    """Level trust in government settles at, raised by a street-level platform."""
    return initial + STREET_TRUST_LIFT * street_platform * (1.0 - initial)


def relax(trust: FloatArray, anchor: FloatArray | float, rate: float | None = None) -> FloatArray:
    """Drift a share ``rate`` (default :data:`RELAX_RATE`, read when called, so a run that
    sets the constant otherwise reaches it) of the way back to ``anchor``."""
    rate = RELAX_RATE if rate is None else rate
    return clip01(trust + rate * (np.asarray(anchor) - trust))
