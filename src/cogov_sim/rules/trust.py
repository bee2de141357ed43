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
UNRESOLVED_LOSS = 0.015
ESCALATION_LOSS = 0.10
CONTACT_GAIN = 0.03
EXPERIENCE_RATE = 0.25
SOCIAL_RATE = 0.02
RELAX_RATE = 0.02
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


def relax(trust: FloatArray, anchor: FloatArray | float, rate: float = RELAX_RATE) -> FloatArray:
    """Drift a share ``rate`` of the way back to ``anchor``."""
    return clip01(trust + rate * (np.asarray(anchor) - trust))
