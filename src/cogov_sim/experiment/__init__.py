"""Experiments: declarative specs, seed trees, parallel resumable sweeps, paired comparisons.

The pieces, in the order data flows through them:

:mod:`~cogov_sim.experiment.spec`
    TOML file → validated :class:`ExperimentSpec` (:func:`load_spec`, :class:`SpecError`).
:mod:`~cogov_sim.experiment.design`
    spec → design points (scenario × grid / rows / Latin hypercube) → :class:`Task` s.
:mod:`~cogov_sim.experiment.seeds`
    one ``SeedSequence`` tree; :func:`derive_seed` (common random numbers by default).
:mod:`~cogov_sim.experiment.executors`
    serial, local processes, Dask — one interface.
:mod:`~cogov_sim.experiment.runner`
    :func:`run_tasks` (manifest, Parquet shards, ledger, resume) and :func:`load_outcomes`.
:mod:`~cogov_sim.experiment.compare`
    paired differences, confidence intervals, P(higher).
:mod:`~cogov_sim.experiment.api`
    :func:`run_experiment`: all of the above, then tables and figures.

Names are imported lazily, so that worker processes importing
:mod:`cogov_sim.experiment.executors` do not pull in numpy before they have limited its
threads.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "ExperimentSpec": "spec", "Scenario": "spec", "Design": "spec", "SpecError": "spec",
    "load_spec": "spec", "parse_spec": "spec",
    "DesignPoint": "design", "design_points": "design", "make_tasks": "design",
    "derive_seed": "seeds",
    "Executor": "executors", "SerialExecutor": "executors", "ProcessExecutor": "executors",
    "DaskExecutor": "executors",
    "Task": "runner", "RunReport": "runner", "run_tasks": "runner",
    "load_outcomes": "runner", "load_status": "runner",
    "FolderMismatchError": "store",
    "paired_stats": "compare", "PairedStats": "compare",
    "ExperimentResult": "api", "run_experiment": "api", "analyse": "api",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
