"""Analytic test functions with known Sobol' indices: oracles for the pipeline.

Each :class:`TestFunction` carries a vectorised function ``f(X)`` (rows = points, columns
in ``names`` order), its input bounds and its exact first-order (S1) and total (ST)
indices, so the error of an estimate can be measured, not guessed. They serve the
convergence benchmark (``benchmarks/bench_convergence.py``) and the test suite.

References
----------
Ishigami, T., Homma, T. (1990). An importance quantification technique in uncertainty
analysis for computer models. Proc. ISUMA '90, 398-403.
https://doi.org/10.1109/ISUMA.1990.151285

Sobol', I. M. (1993). Sensitivity estimates for nonlinear mathematical models.
Mathematical Modelling and Computational Experiments 1, 407-414.

Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M., Tarantola, S. (2010).
Variance based sensitivity analysis of model output. Computer Physics Communications 181,
259-270 (the G function's indices, section 4). https://doi.org/10.1016/j.cpc.2009.09.018
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class TestFunction:
    """A vectorised function with its bounds and exact S1 and ST (in ``names`` order)."""

    __test__ = False  # not a pytest test class

    name: str
    func: Callable[[np.ndarray], np.ndarray]
    names: tuple[str, ...]
    bounds: tuple[tuple[float, float], ...]
    s1: tuple[float, ...]
    st: tuple[float, ...]
    s2: dict[tuple[str, str], float] | None = None

    def bounds_dict(self) -> dict[str, tuple[float, float]]:
        return dict(zip(self.names, self.bounds, strict=True))

    def __call__(self, X: np.ndarray) -> np.ndarray:  # noqa: N803
        return self.func(np.asarray(X, dtype=float))

    def true_error(self, s1: Sequence[float], st: Sequence[float]) -> float:
        """Largest absolute error of estimated S1 and ST against the exact values."""
        return float(max(np.max(np.abs(np.asarray(s1) - self.s1)),
                         np.max(np.abs(np.asarray(st) - self.st))))


def ishigami(a: float = 7.0, b: float = 0.1) -> TestFunction:
    """``sin x1 + a sin^2 x2 + b x3^4 sin x1`` on ``[-pi, pi]^3`` (Ishigami & Homma 1990)."""
    v1 = 0.5 * (1 + b * math.pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * math.pi**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13

    def f(X: np.ndarray) -> np.ndarray:  # noqa: N803
        return (np.sin(X[:, 0]) + a * np.sin(X[:, 1]) ** 2
                + b * X[:, 2] ** 4 * np.sin(X[:, 0]))

    pi = (-math.pi, math.pi)
    return TestFunction(f"ishigami(a={a:g}, b={b:g})", f, ("x1", "x2", "x3"), (pi, pi, pi),
                        (v1 / v, v2 / v, 0.0), ((v1 + v13) / v, v2 / v, v13 / v),
                        {("x1", "x2"): 0.0, ("x1", "x3"): v13 / v, ("x2", "x3"): 0.0})


def sobol_g(a: Sequence[float]) -> TestFunction:
    """``prod (|4 x_i - 2| + a_i) / (1 + a_i)`` on ``[0, 1]^d`` (Sobol' 1993).

    Partial variances ``V_i = 1 / (3 (1 + a_i)^2)``; ``V = prod(1 + V_i) - 1``;
    ``S_i = V_i / V``; ``ST_i = V_i prod_{j != i} (1 + V_j) / V``;
    ``S_ij = V_i V_j / V``.
    """
    coef = np.asarray(a, dtype=float)
    vi = 1.0 / (3.0 * (1.0 + coef) ** 2)
    v = float(np.prod(1.0 + vi) - 1.0)
    st = [float(vi[i] * np.prod(np.delete(1.0 + vi, i)) / v) for i in range(len(coef))]
    names = tuple(f"x{i + 1}" for i in range(len(coef)))
    s2 = {(names[i], names[j]): float(vi[i] * vi[j] / v)
          for i in range(len(coef)) for j in range(i + 1, len(coef))}

    def f(X: np.ndarray) -> np.ndarray:  # noqa: N803
        return np.prod((np.abs(4.0 * X - 2.0) + coef) / (1.0 + coef), axis=1)

    label = ", ".join(f"{x:g}" for x in coef)
    return TestFunction(f"sobol_g(a=[{label}])", f, names, ((0.0, 1.0),) * len(coef),
                        tuple(float(x) for x in vi / v), tuple(st), s2)


def linear(coefficients: Sequence[float]) -> TestFunction:
    """``sum c_i x_i`` on ``[0, 1]^d``: ``S_i = ST_i = c_i^2 / sum c_j^2``, no interactions."""
    c = np.asarray(coefficients, dtype=float)
    share = c**2 / float(np.sum(c**2))
    names = tuple(f"x{i + 1}" for i in range(len(c)))

    def f(X: np.ndarray) -> np.ndarray:  # noqa: N803
        return X @ c

    label = ", ".join(f"{x:g}" for x in c)
    return TestFunction(f"linear(c=[{label}])", f, names, ((0.0, 1.0),) * len(c),
                        tuple(map(float, share)), tuple(map(float, share)),
                        {(names[i], names[j]): 0.0 for i in range(len(c))
                         for j in range(i + 1, len(c))})


def benchmark_functions() -> list[TestFunction]:
    """The functions of the convergence benchmark (``docs/sensitivity.md``)."""
    return [ishigami(), sobol_g([0, 1, 4.5, 9, 99, 99, 99, 99]),
            sobol_g([0, 0.5, 3, 9, 99, 99]), sobol_g([0, 0, 0, 0]),
            linear([1, 2, 3, 0.5, 0])]


__all__ = ["TestFunction", "benchmark_functions", "ishigami", "linear", "sobol_g"]
