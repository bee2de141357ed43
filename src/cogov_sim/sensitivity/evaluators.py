"""Evaluators: what turns design rows into outputs for the pipeline.

An evaluator is called with a block of design rows, their point ids and the number of
replications, and returns one row per run (``point_id``, ``replication`` and one column per
output). :class:`FunctionEvaluator` calls any Python callable in-process;
:class:`cogov_sim.sensitivity.model.ModelEvaluator` schedules model runs through the
experiment runner. The pipeline (:mod:`cogov_sim.sensitivity.analysis`) is the same for
both.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

import numpy as np
import pandas as pd

from ..experiment.seeds import derive_seed
from .problem import SensitivityError


class Evaluator(Protocol):
    """Turns design rows into one row of outputs per run."""

    #: Primary scalar outputs (known after the first call at the latest).
    outputs: tuple[str, ...]
    #: Time-resolved outputs: base output name -> [(year, column), ...].
    time_outputs: dict[str, list[tuple[int, str]]]
    #: Whether outputs depend on a seed (then replications separate noise).
    stochastic: bool

    def __call__(self, X: np.ndarray, point_ids: np.ndarray, replications: int,  # noqa: N803
                 stage: str) -> pd.DataFrame: ...


class FunctionEvaluator:
    """Evaluate a Python callable on design rows, in this process.

    Parameters
    ----------
    func
        ``func(**inputs)`` returning a number, a mapping ``{output: number}`` or a sequence
        of numbers (named ``y0, y1, ...``). With ``vectorized=True``, ``func(X)`` gets the
        whole block (columns in ``names`` order) and returns an array of shape ``(n,)`` or
        ``(n, k)`` or a mapping of such arrays. If ``func`` accepts a ``seed`` keyword it is
        given each run's seed (an array of seeds when vectorized), derived from
        ``(root_seed, point_id, replication)``
        (:func:`cogov_sim.experiment.seeds.derive_seed`, independent seeds per point), so
        it does not depend on evaluation order or batching.
    names
        Input names in design-column order.
    outputs
        Keep only these outputs (default: all that ``func`` returns).
    """

    def __init__(self, func: Callable[..., Any], names: Sequence[str], *,
                 outputs: Sequence[str] | None = None, vectorized: bool = False,
                 root_seed: int = 0) -> None:
        if not callable(func):
            raise SensitivityError(f"func = {func!r}: expected a callable")
        self.func = func
        self.names = tuple(names)
        self.vectorized = vectorized
        self.root_seed = int(root_seed)
        self.wanted = tuple(outputs) if outputs is not None else None
        self.outputs: tuple[str, ...] = self.wanted or ()
        self.time_outputs: dict[str, list[tuple[int, str]]] = {}
        try:
            self.takes_seed = "seed" in inspect.signature(func).parameters
        except (TypeError, ValueError):  # builtins without a signature
            self.takes_seed = False
        self.stochastic = self.takes_seed

    def __call__(self, X: np.ndarray, point_ids: np.ndarray, replications: int,  # noqa: N803
                 stage: str = "") -> pd.DataFrame:
        frames = []
        for rep in range(replications):
            seeds = np.array([derive_seed(self.root_seed, int(p), rep,
                                          common_random_numbers=False) for p in point_ids],
                             dtype=np.int64) if self.takes_seed else None
            values = self._block(X, seeds)
            values.insert(0, "replication", rep)
            values.insert(0, "point_id", np.asarray(point_ids, dtype=np.int64))
            frames.append(values)
        return pd.concat(frames, ignore_index=True)

    def _block(self, X: np.ndarray, seeds: np.ndarray | None) -> pd.DataFrame:  # noqa: N803
        if self.vectorized:
            vkw: dict[str, Any] = {"seed": seeds} if seeds is not None else {}
            out = self._columns(self.func(np.asarray(X, dtype=float), **vkw), len(X))
        else:
            rows = []
            for i, x in enumerate(np.asarray(X, dtype=float)):
                kw: dict[str, Any] = dict(zip(self.names, (float(v) for v in x), strict=True))
                if seeds is not None:
                    kw["seed"] = int(seeds[i])
                rows.append(self._row(self.func(**kw)))
            out = pd.DataFrame(rows)
        if self.wanted is not None:
            missing = [o for o in self.wanted if o not in out.columns]
            if missing:
                raise SensitivityError(f"outputs: {missing[0]!r} is not returned by the function; "
                                       f"it returns {', '.join(map(str, out.columns))}")
            out = out[list(self.wanted)]
        self.outputs = tuple(str(c) for c in out.columns)
        return out.astype(float)

    @staticmethod
    def _row(value: Any) -> dict[str, float]:
        if isinstance(value, Mapping):
            return {str(k): float(v) for k, v in value.items()}
        arr = np.asarray(value, dtype=float)
        if arr.ndim == 0:
            return {"y": float(arr)}
        return {f"y{i}": float(v) for i, v in enumerate(arr.ravel())}

    @staticmethod
    def _columns(value: Any, n: int) -> pd.DataFrame:
        if isinstance(value, Mapping):
            return pd.DataFrame({str(k): np.asarray(v, dtype=float).reshape(n)
                                 for k, v in value.items()})
        arr = np.asarray(value, dtype=float)
        if arr.ndim == 1 and arr.shape[0] == n:
            return pd.DataFrame({"y": arr})
        if arr.ndim == 2 and arr.shape[0] == n:
            return pd.DataFrame(arr, columns=[f"y{i}" for i in range(arr.shape[1])])
        raise SensitivityError(f"vectorized function returned shape {arr.shape}; expected "
                               f"({n},) or ({n}, k)")


__all__ = ["Evaluator", "FunctionEvaluator"]
