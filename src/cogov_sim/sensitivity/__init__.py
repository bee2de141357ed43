"""Global sensitivity analysis of the model or of any Python callable.

Public API (imported lazily, so ``import cogov_sim.sensitivity`` stays cheap):

``analyze_function(func, bounds, method="sobol", n=..., replications=1, seed=0,
tolerance=None, max_runs=None, scramblings=1, ...) -> SAResult``
    any callable with declared bounds (:mod:`.analysis`);
``run_sa(spec, out=None, workers=1) -> (SAResult, Path)``
    the model, from a spec (:mod:`.model`); ``load_spec(path)`` / ``parse_spec(data)``
    read one (:mod:`.spec`);
``model_problem(levers)`` / ``function_problem(bounds)``
    the input space (:mod:`.problem`); ``SensitivityError`` for every bad input.

Methods: Sobol (with convergence by doubling), Morris, eFAST, PAWN (:mod:`.methods`).
See ``docs/sensitivity.md``.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from .problem import Problem, SensitivityError, function_problem, model_problem

_LAZY = {"SAResult": "analysis", "analyze_function": "analysis", "run_pipeline": "analysis",
         "run_sa": "model", "ModelEvaluator": "model", "load_spec": "spec",
         "parse_spec": "spec", "SASpec": "spec"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["ModelEvaluator", "Problem", "SASpec", "SAResult", "SensitivityError",
           "analyze_function", "function_problem", "load_spec", "model_problem", "parse_spec",
           "run_pipeline", "run_sa"]
