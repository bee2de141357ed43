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
