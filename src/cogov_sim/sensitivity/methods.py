"""Sensitivity methods: a sampler and an estimator from SALib for each, with seeds.

Each method is a small object with the same four operations, so the pipeline
(:mod:`cogov_sim.sensitivity.analysis`) does not care which one it runs:

``runs(n, d)``
    design points a sample of size ``n`` over ``d`` inputs has;
``sample(problem, n, seed)``
    the design matrix (rows = design points, columns = ``problem.names``);
``analyze(problem, X, Y, seed)``
    indices of one output ``Y`` as a tidy frame ``parameter, index, value, conf``;
``primary``
    the index shown in bar charts and heat maps.

Methods
-------
``sobol``
    Saltelli's design on a scrambled Sobol' sequence (``SALib.sample.sobol``; never the
    deprecated ``saltelli`` sampler) and the Saltelli et al. (2010) / Jansen estimators of
    first-order (S1) and total (ST) indices (``SALib.analyze.sobol``). The design extends
    by doubling: the first ``n`` blocks of a ``2n`` design with the same seed are the
    ``n`` design, so earlier evaluations are reused (checked in the tests).
``morris``
    Elementary effects on ``n`` trajectories (Morris 1991; Campolongo et al. 2007): mu*,
    mu and sigma (``SALib.sample.morris`` / ``SALib.analyze.morris``).
``efast``
    Extended Fourier amplitude sensitivity test (Saltelli et al. 1999): S1 and ST from
    ``n`` samples per input.
``pawn``
    Moment-independent PAWN index on a Latin hypercube (Pianosi & Wagener 2015, 2018):
    median (and max) Kolmogorov-Smirnov distance between conditional and unconditional
    output distributions.

References
----------
Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M., Tarantola, S. (2010).
Variance based sensitivity analysis of model output. Computer Physics Communications
181, 259-270. https://doi.org/10.1016/j.cpc.2009.09.018

Morris, M. D. (1991). Factorial sampling plans for preliminary computational experiments.
Technometrics 33, 161-174. https://doi.org/10.1080/00401706.1991.10484804

Saltelli, A., Tarantola, S., Chan, K. P.-S. (1999). A quantitative model-independent
method for global sensitivity analysis of model output. Technometrics 41, 39-56.
https://doi.org/10.1080/00401706.1999.10485594

Pianosi, F., Wagener, T. (2015). A simple and efficient method for global sensitivity
analysis based on cumulative distribution functions. Environmental Modelling & Software
67, 1-11. https://doi.org/10.1016/j.envsoft.2015.01.004
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from SALib.analyze import fast as fast_analyze
from SALib.analyze import morris as morris_analyze
from SALib.analyze import pawn as pawn_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import fast_sampler, latin
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from .problem import Problem, SensitivityError, check_sample_size

RESAMPLES = 100
CONF_LEVEL = 0.95
#: Seed given to SALib in place of 0. SALib's estimators skip seeding when the seed is
#: falsy (then draw from the unseeded global stream). Seeds are reduced modulo 2**32
#: (``np.random.seed``'s range) first.
ZERO_SEED = 2**31


def salib_seed(seed: int) -> int:
    """``seed`` as SALib needs it: never 0 (0 means "unseeded" there), below 2**32."""
    seed = int(seed) % 2**32
    return seed if seed else ZERO_SEED


@contextmanager
def global_rng_kept() -> Iterator[None]:
    """Save and restore NumPy's global random state around a SALib call.

    ``SALib.analyze.fast`` and ``SALib.analyze.pawn`` call ``np.random.seed`` and draw from
    the global stream (``sobol`` does when unseeded); this keeps callers' state untouched.
    """
    state = np.random.get_state()  # noqa: NPY002 - saved to be restored
    try:
        yield
    finally:
        np.random.set_state(state)  # noqa: NPY002 - restoring the caller's state


def _frame(problem: Problem, columns: dict[str, tuple[Any, Any]]) -> pd.DataFrame:
    rows = []
    for index, (values, confs) in columns.items():
        values = np.asarray(values, dtype=float)
        confs = np.full_like(values, np.nan) if confs is None else np.asarray(confs, dtype=float)
        for name, v, c in zip(problem.names, values, confs, strict=True):
            rows.append({"parameter": name, "index": index, "value": float(v), "conf": float(c)})
    return pd.DataFrame(rows, columns=["parameter", "index", "value", "conf"])


@dataclass(frozen=True)
class Method:
    """Base class: one SALib sampler/estimator pair (see the module docstring)."""

    name: ClassVar[str] = ""
    primary: ClassVar[str] = ""
    indices: ClassVar[tuple[str, ...]] = ()
    #: Indices drawn in the bar chart of the results folder.
    shown: ClassVar[tuple[str, ...]] = ()
    extendable: ClassVar[bool] = False
    default_n: ClassVar[int] = 0

    def check(self, n: int, problem: Problem) -> None:
        check_sample_size(self.name, n, problem.num_vars, **self.options())

    def options(self) -> dict[str, Any]:
        return {}

    def runs(self, n: int, d: int) -> int:  # pragma: no cover - abstract
        raise NotImplementedError

    def sample(self, problem: Problem, n: int, seed: int) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def analyze(self, problem: Problem, X: np.ndarray, Y: np.ndarray,  # noqa: N803
                seed: int) -> pd.DataFrame:  # pragma: no cover
        raise NotImplementedError


@dataclass(frozen=True)
class Sobol(Method):
    """Sobol' indices on a scrambled Sobol' design (see the module docstring).

    Parameters
    ----------
    second_order : bool
        Also estimate S2 (costs ``n * d`` more runs). Default False.
    """

    second_order: bool = False
    name: ClassVar[str] = "sobol"
    primary: ClassVar[str] = "ST"
    indices: ClassVar[tuple[str, ...]] = ("S1", "ST")
    shown: ClassVar[tuple[str, ...]] = ("S1", "ST")
    extendable: ClassVar[bool] = True
    default_n: ClassVar[int] = 512

    def options(self) -> dict[str, Any]:
        return {"second_order": self.second_order}

    def block(self, d: int) -> int:
        """Rows per base point in Saltelli's scheme."""
        return 2 * d + 2 if self.second_order else d + 2

    def runs(self, n: int, d: int) -> int:
        return n * self.block(d)

    def sample(self, problem: Problem, n: int, seed: int) -> np.ndarray:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # scipy: balance at powers of 2 only
            return sobol_sample.sample(problem.salib(), n, calc_second_order=self.second_order,
                                       scramble=True, seed=int(seed))

    def analyze(self, problem: Problem, X: np.ndarray, Y: np.ndarray,  # noqa: N803
                seed: int) -> pd.DataFrame:
        with warnings.catch_warnings(), global_rng_kept():
            warnings.simplefilter("ignore")
            si = sobol_analyze.analyze(problem.salib(), np.asarray(Y, dtype=float),
                                       calc_second_order=self.second_order,
                                       num_resamples=RESAMPLES, conf_level=CONF_LEVEL,
                                       seed=salib_seed(seed))
        frame = _frame(problem, {"S1": (si["S1"], si["S1_conf"]),
                                 "ST": (si["ST"], si["ST_conf"])})
        if self.second_order:
            rows = []
            for j, a in enumerate(problem.names):
                for k in range(j + 1, problem.num_vars):
                    rows.append({"parameter": f"{a}*{problem.names[k]}", "index": "S2",
                                 "value": float(si["S2"][j, k]),
                                 "conf": float(si["S2_conf"][j, k])})
            frame = pd.concat([frame, pd.DataFrame(rows)], ignore_index=True)
        return frame


@dataclass(frozen=True)
class Morris(Method):
    """Morris elementary effects: ``n`` trajectories on a ``num_levels`` grid."""

    num_levels: int = 4
    name: ClassVar[str] = "morris"
    primary: ClassVar[str] = "mu_star"
    indices: ClassVar[tuple[str, ...]] = ("mu_star", "mu", "sigma")
    shown: ClassVar[tuple[str, ...]] = ("mu_star",)
    default_n: ClassVar[int] = 20

    def options(self) -> dict[str, Any]:
        return {"num_levels": self.num_levels}

    def runs(self, n: int, d: int) -> int:
        return n * (d + 1)

    def sample(self, problem: Problem, n: int, seed: int) -> np.ndarray:
        return morris_sample.sample(problem.salib(), n, num_levels=self.num_levels,
                                    seed=int(seed))

    def analyze(self, problem: Problem, X: np.ndarray, Y: np.ndarray,  # noqa: N803
                seed: int) -> pd.DataFrame:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            si = morris_analyze.analyze(problem.salib(), np.asarray(X, dtype=float),
                                        np.asarray(Y, dtype=float), num_resamples=RESAMPLES,
                                        conf_level=CONF_LEVEL, num_levels=self.num_levels,
                                        seed=int(seed))
        return _frame(problem, {"mu_star": (si["mu_star"], si["mu_star_conf"]),
                                "mu": (si["mu"], None), "sigma": (si["sigma"], None)})


@dataclass(frozen=True)
class EFast(Method):
    """eFAST: ``n`` samples per input, interference factor ``M``."""

    M: int = 4  # noqa: N815 - the literature's name
    name: ClassVar[str] = "efast"
    primary: ClassVar[str] = "ST"
    indices: ClassVar[tuple[str, ...]] = ("S1", "ST")
    shown: ClassVar[tuple[str, ...]] = ("S1", "ST")
    default_n: ClassVar[int] = 257

    def options(self) -> dict[str, Any]:
        return {"M": self.M}

    def runs(self, n: int, d: int) -> int:
        return n * d

    def sample(self, problem: Problem, n: int, seed: int) -> np.ndarray:
        return fast_sampler.sample(problem.salib(), n, M=self.M, seed=int(seed))

    def analyze(self, problem: Problem, X: np.ndarray, Y: np.ndarray,  # noqa: N803
                seed: int) -> pd.DataFrame:
        with warnings.catch_warnings(), global_rng_kept():
            warnings.simplefilter("ignore")
            si = fast_analyze.analyze(problem.salib(), np.asarray(Y, dtype=float), M=self.M,
                                      num_resamples=RESAMPLES, conf_level=CONF_LEVEL,
                                      seed=salib_seed(seed))
        return _frame(problem, {"S1": (si["S1"], si["S1_conf"]), "ST": (si["ST"], si["ST_conf"])})


@dataclass(frozen=True)
class Pawn(Method):
    """PAWN on a Latin hypercube of ``n`` points, ``slices`` conditioning intervals."""

    slices: int = 10
    name: ClassVar[str] = "pawn"
    primary: ClassVar[str] = "median"
    indices: ClassVar[tuple[str, ...]] = ("median", "maximum")
    shown: ClassVar[tuple[str, ...]] = ("median", "maximum")
    default_n: ClassVar[int] = 1000

    def options(self) -> dict[str, Any]:
        return {"slices": self.slices}

    def runs(self, n: int, d: int) -> int:
        return n

    def sample(self, problem: Problem, n: int, seed: int) -> np.ndarray:
        return latin.sample(problem.salib(), n, seed=int(seed))

    def analyze(self, problem: Problem, X: np.ndarray, Y: np.ndarray,  # noqa: N803
                seed: int) -> pd.DataFrame:
        with warnings.catch_warnings(), global_rng_kept():
            warnings.simplefilter("ignore")
            si = pawn_analyze.analyze(problem.salib(), np.asarray(X, dtype=float),
                                      np.asarray(Y, dtype=float), S=self.slices,
                                      seed=salib_seed(seed))
        return _frame(problem, {"median": (si["median"], None),
                                "maximum": (si["maximum"], None)})


METHODS: dict[str, type[Method]] = {m.name: m for m in (Sobol, Morris, EFast, Pawn)}
_OPTIONS = {"sobol": ("second_order",), "morris": ("num_levels",), "efast": ("M",),
            "pawn": ("slices",)}


def make_method(name: str, **options: Any) -> Method:
    """The method called ``name`` with its options (one-line errors for anything else)."""
    from ..params import suggest

    if name not in METHODS:
        raise SensitivityError(f"method = {name!r}: unknown; allowed: {', '.join(METHODS)}"
                               f"{suggest(str(name), METHODS)}")
    allowed = _OPTIONS[name]
    for key in options:
        if key not in allowed:
            raise SensitivityError(f"option {key!r} does not apply to {name}; allowed: "
                                   f"{', '.join(allowed) or 'none'}{suggest(key, allowed)}")
    for key, value in options.items():
        if key == "second_order" and not isinstance(value, bool):
            raise SensitivityError(f"second_order = {value!r}: expected true or false")
        if key != "second_order" and (isinstance(value, bool) or not isinstance(value, int)
                                      or value < 1):
            raise SensitivityError(f"{key} = {value!r}: expected a positive whole number")
    return METHODS[name](**options)


__all__ = ["METHODS", "EFast", "Method", "Morris", "Pawn", "Sobol", "make_method"]
