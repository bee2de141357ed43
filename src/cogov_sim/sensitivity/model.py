"""Sensitivity analysis of the model: the pipeline with an evaluator that runs the model.

:class:`ModelEvaluator` turns each block of design rows into :class:`Task` objects (the
preset's parameters with the row's lever values, a seed from the experiment seed tree)
and runs them with :func:`cogov_sim.experiment.runner.run_tasks` into one folder per
stage (``runs/n000064-s0/``, ...). Each stage folder is an ordinary experiment folder:
manifest first, Parquet shards as runs finish, a ledger; calling again runs only what is
missing. Each run is reduced in its worker to one row of the selected outputs
(:class:`~cogov_sim.sensitivity.outcomes.OutcomeSelection`).

:func:`run_sa` is the whole analysis of a spec: plan and validate, open (or resume) the
results folder (:func:`prepare_sa`), run the pipeline, write tables, figures and the
manifest (:func:`run_prepared`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..experiment.executors import Executor
from ..experiment.runner import Task, load_outcomes, run_tasks
from ..experiment.seeds import derive_seed
from ..params import Params
from ..store import default_folder as results_folder
from .analysis import STRIDE, Plan, SAResult, run_pipeline
from .outcomes import OutcomeSelection
from .problem import Problem
from .spec import SASpec


class RunsFailedError(RuntimeError):
    """Model runs of a stage failed; the finished ones are kept in ``folder``.

    Not a user error: the command exits 1 and lists the failures (like ``experiment``).

    Attributes
    ----------
    failed : dict
        Run id -> traceback text of each failed run.
    total : int
        Runs in the stage.
    stage : str
        The stage (``n000064-s0``, ...).
    folder : Path
        The stage folder (ledger with tracebacks, shards of finished runs).
    """

    def __init__(self, failed: dict[str, str], total: int, stage: str, folder: Path) -> None:
        self.failed, self.total, self.stage, self.folder = dict(failed), total, stage, folder
        super().__init__(f"{len(failed):,} of {total:,} model runs failed in stage {stage}; "
                         f"finished runs are kept in {folder} — rerun the same command to "
                         "retry the failed ones")


class ModelEvaluator:
    """Evaluate design rows by running the model (see the module docstring).

    Parameters
    ----------
    problem
        The varied parameters (design columns).
    base
        Parameters of every run before the row's values are applied.
    selection
        Outputs kept from each run.
    folder
        Where stage folders go (``folder/runs/<stage>/``).
    root_seed, common_random_numbers
        Seed tree of the runs (:func:`~cogov_sim.experiment.seeds.derive_seed`).
    workers, progress, executor, shared_spinup
        Passed to :func:`~cogov_sim.experiment.runner.run_tasks` (``executor``, e.g. a
        :class:`~cogov_sim.experiment.executors.DaskExecutor`, replaces ``workers``;
        ``shared_spinup`` simulates each seed's spin-up once for all design rows).
    """

    stochastic = True

    def __init__(self, problem: Problem, base: Params, selection: OutcomeSelection,
                 folder: Path, *, root_seed: int, common_random_numbers: bool = True,
                 workers: int = 1, progress: bool | None = None,
                 manifest: dict[str, Any] | None = None,
                 executor: Executor | None = None, shared_spinup: bool = True) -> None:
        self.problem, self.base, self.selection = problem, base, selection
        self.shared_spinup = shared_spinup
        self.folder = Path(folder)
        self.root_seed, self.crn = int(root_seed), common_random_numbers
        self.workers, self.progress, self.executor = workers, progress, executor
        self.caller = dict(manifest or {})
        self.outputs = selection.columns
        self.time_outputs = selection.time_columns()
        self.seconds = 0.0

    def params_for(self, row: np.ndarray) -> Params:
        """The parameters of one design row (whole-number parameters rounded)."""
        values: dict[str, float | int] = {}
        for name, value in zip(self.problem.names, row, strict=True):
            values[name] = int(round(float(value))) if name in self.problem.integer \
                else float(value)
        return self.base.replace(**values)

    def tasks(self, X: np.ndarray, point_ids: np.ndarray,  # noqa: N803
              replications: int) -> list[Task]:
        out = []
        for row, pid in zip(X, point_ids, strict=True):
            params = self.params_for(row)
            pid = int(pid)
            labels = {"scrambling": pid // STRIDE, "row": pid % STRIDE}
            for rep in range(replications):
                out.append(Task(run_id=f"p{pid:013d}-r{rep:04d}", point_id=pid, replication=rep,
                                params=params, labels=labels,
                                seed=derive_seed(self.root_seed, pid, rep, self.crn)))
        return out

    def __call__(self, X: np.ndarray, point_ids: np.ndarray, replications: int,  # noqa: N803
                 stage: str) -> pd.DataFrame:
        folder = self.folder / "runs" / stage
        tasks = self.tasks(X, point_ids, replications)
        t0 = time.perf_counter()
        report = run_tasks(tasks, folder, workers=self.workers, progress=self.progress,
                           reduce_fn=self.selection, executor=self.executor,
                           shared_spinup=self.shared_spinup,
                           manifest={"kind": "sensitivity-stage", "stage": stage, **self.caller})
        self.seconds += time.perf_counter() - t0
        if report.failed:
            raise RunsFailedError(report.failed, len(tasks), stage, folder)
        frame = load_outcomes(folder, columns=[*self.outputs, *self._time_columns()])
        return frame[["point_id", "replication", *self.outputs, *self._time_columns()]]

    def _time_columns(self) -> list[str]:
        return [c for cols in self.time_outputs.values() for _, c in cols]


def default_folder(spec: SASpec) -> Path:
    """``results/<name>/<fingerprint>``: the same spec always resumes in the same place."""
    return results_folder(spec.name, spec.fingerprint())


@dataclass
class PreparedSA:
    """A planned analysis whose results folder is open (see :func:`prepare_sa`)."""

    spec: SASpec
    plan: Plan
    folder: Path


def prepare_sa(spec: SASpec, out: Path | None = None) -> PreparedSA:
    """Plan ``spec`` and open (or resume) its results folder; nothing runs yet.

    Raises
    ------
    OutputError, FolderMismatchError
        The folder cannot be written or holds another analysis (nothing is written).
    """
    from . import store

    plan = spec.plan()
    folder = Path(out) if out is not None else default_folder(spec)
    store.open_results(folder, spec, plan)
    return PreparedSA(spec, plan, folder)


def run_prepared(prepared: PreparedSA, *, workers: int = 1, progress: bool | None = None,
                 lang: str = "en", on_stage: Callable[[str], None] | None = None,
                 executor: Executor | None = None, shared_spinup: bool = True) -> SAResult:
    """Run a prepared analysis and write its tables, figures and manifest.

    ``executor`` (e.g. a :class:`~cogov_sim.experiment.executors.DaskExecutor`) replaces
    the ``workers`` local processes; the results are the same. ``shared_spinup=False``
    simulates every run's spin-up itself (:mod:`cogov_sim.spinup`; the same results).

    Raises
    ------
    RunsFailedError
        Model runs failed; finished runs are kept and a rerun retries the failed ones.
    """
    from . import store

    spec, plan, folder = prepared.spec, prepared.plan, prepared.folder
    evaluator = ModelEvaluator(plan.problem, spec.base_params(), spec.selection(), folder,
                               root_seed=spec.root_seed,
                               common_random_numbers=spec.common_random_numbers,
                               workers=workers, progress=progress,
                               manifest={"sensitivity": spec.fingerprint()},
                               executor=executor, shared_spinup=shared_spinup)
    from ..experiment.store import release_folder

    try:
        t0 = time.perf_counter()
        result = run_pipeline(plan, evaluator, seed=spec.root_seed, progress=on_stage)
        seconds = time.perf_counter() - t0
        store.write_results(folder, spec, result, seconds=seconds,
                            run_seconds=evaluator.seconds, workers=workers, lang=lang,
                            executor=executor.describe() if executor is not None else None)
    finally:
        release_folder(folder)  # the lock taken by prepare_sa: others may use the folder now
    return result


def run_sa(spec: SASpec, out: Path | None = None, *, workers: int = 1,
           progress: bool | None = None, lang: str = "en",
           on_stage: Callable[[str], None] | None = None,
           executor: Executor | None = None,
           shared_spinup: bool = True) -> tuple[SAResult, Path]:
    """Run the sensitivity analysis ``spec`` and write its results folder.

    Resumable: calling again with the same spec and folder runs only the model runs
    that are missing and recomputes the same indices.

    Returns
    -------
    (SAResult, Path)
        The results and the folder holding them.
    """
    prepared = prepare_sa(spec, out)
    result = run_prepared(prepared, workers=workers, progress=progress, lang=lang,
                          on_stage=on_stage, executor=executor, shared_spinup=shared_spinup)
    return result, prepared.folder


__all__ = ["ModelEvaluator", "PreparedSA", "RunsFailedError", "default_folder", "prepare_sa",
           "run_prepared", "run_sa"]
