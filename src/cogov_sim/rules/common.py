"""Small numeric helpers shared by the rules."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[Any]
"""Arrays of floats (numpy's dtype typing is too strict to help here)."""


def sigmoid(z: FloatArray | float) -> FloatArray:
    """Logistic function, the link used for every binary resident decision."""
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def clip01(x: FloatArray) -> FloatArray:
    """Clip to the unit interval in place and return the array."""
    return np.clip(x, 0.0, 1.0, out=x)


def toward(x: FloatArray, target: FloatArray | float, rate: FloatArray | float) -> FloatArray:
    """Move ``x`` a fraction ``rate`` of the way to ``target`` (adaptive expectations)."""
    return x + np.asarray(rate) * (np.asarray(target) - x)


def group_sum(groups: NDArray[np.intp], values: FloatArray | None, n: int) -> FloatArray:
    """Sum of ``values`` per group id in ``0..n-1`` (counts when ``values`` is None)."""
    return np.bincount(groups, weights=values, minlength=n).astype(float)


def safe_div(a: FloatArray | float, b: FloatArray | float, default: float = 0.0) -> FloatArray:
    """Elementwise ``a / b`` with ``default`` where ``b`` is zero."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    out = np.full(np.broadcast(a, b).shape, default, dtype=float)
    np.divide(a, b, out=out, where=b != 0)
    return out


SAMPLE_MEMORY = 12.0
"""Months over which the township's expected counts per resident are averaged (the time
constant of their exponential mean; ``phases.ExpectedCounts``). The expectations stand
for what a sample at one agent per ``k`` residents does not see (``unseen``), so they
matter only at ``k > 1``: at one agent per resident nothing depends on this constant."""


def unseen(expected: FloatArray | float, k: int) -> FloatArray:
    """Expected count of an event among the residents a sample does not see.

    At one agent per ``k`` residents each agent is one real resident, and the other
    ``k − 1`` residents it stands for are not observed: of a count expected to be
    ``expected`` among all residents, the unseen hold ``expected × (1 − 1/k)`` on average,
    and (residents' events being independent) their number is Poisson. The real count is
    then the sample's own count plus that Poisson number: its mean and variance are the
    real count's (Poisson(expected) exactly when the sample's count is Poisson), where
    counting each agent ``k`` times has the right mean but ``k`` times the variance, in
    lumps of ``k``. Zero at ``k = 1``. Why it matters: where a count meets a capacity, a
    threshold or a maximum, the lumps' variance shifts the mean outcome (Jensen's
    inequality), more the larger ``k`` (issue 18).
    """
    return np.asarray(expected, dtype=float) * (1.0 - 1.0 / k)


def real_count(rng: np.random.Generator, sampled: FloatArray, hidden: FloatArray) -> FloatArray:
    """A draw of the real residents' count of an event: the sample's own count ``sampled``
    (agents, each one real resident) plus a Poisson draw with mean ``hidden`` for the
    residents the sample does not see (``unseen``). No draw where nothing is hidden (at
    one agent per resident)."""
    sampled = np.asarray(sampled, dtype=float)
    hidden = np.broadcast_to(np.asarray(hidden, dtype=float), sampled.shape)
    if not (hidden > 0).any():
        return sampled
    return sampled + rng.poisson(hidden)
