"""Run many simulations into one folder, resumably: :func:`run_tasks` and :func:`load_outcomes`.

This is the layer every sweep goes through — experiments, the sensitivity analysis,
cluster runs. A :class:`Task` is one run: parameters, the seed derived for it in the
parent process (:func:`derive_seed`) and labels describing it. :func:`run_tasks`

1. writes ``manifest.json`` with the provenance ``cogov-sim run`` records, the caller's
   fields (e.g. the spec) and every scheduled run with its seed — before any run starts;
2. runs what the folder's ledger does not list as done, on any
   :class:`~cogov_sim.experiment.executors.Executor`, in replication-major order (all
   design points of replication 0, then of 1, ...), so a sweep stopped early still holds
   complete, balanced sets of paired runs; a spin-up several runs share (the same seed and
   the same parameters the spin-up reads, :mod:`cogov_sim.spinup`) is simulated once,
   kept in ``spinups/`` and every such run starts from it, with the same results;
3. appends each finished run's outcomes to Parquet shards as runs finish (memory stays
   bounded whatever the sweep size) and marks it done in the ledger; a run that raises is
   marked failed with its traceback and the sweep goes on;
4. after Ctrl-C keeps every finished run; after SIGKILL loses at most the runs of the
   last couple of seconds. Calling it again with the same tasks runs only what is
   missing (failed runs are retried) and the data equal an uninterrupted sweep's.

A folder holding results of other tasks, other caller fields, another package version or
other model code is refused (:class:`~cogov_sim.experiment.store.FolderMismatchError`),
never mixed in.
"""

from __future__ import annotations

import hashlib
import os
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm.auto import tqdm

from .. import memory
from .. import spinup as spinups
from ..params import Params
from ..progress import _progress_log, progress_lines
from ..provenance import command_line, environment, now
from ..runner import simulate
from ..spinup import SpinUp, SpinUpError
from ..timeline import describe
from . import store
from .executors import Executor, make_executor
from .seeds import derive_seed

ID_COLUMNS = ("run_id", "point_id", "replication")
RESERVED = ("package", "version", "git", "python", "platform", "libraries", "model_code",
            "created", "command", "identity", "points", "runs", "status", "failures",
            "sessions", "outputs")
# The parts of the package that decide what a run computes; everything else (experiment
# machinery, analyses, figures, the CLI, the store) may change without invalidating results.
MODEL_CODE = ("params.py", "mechanisms.py", "presets", "timeline.py", "rules", "agents", "phases.py",
              "model.py", "outcomes.py", "runner.py", "spinup.py")


@dataclass(frozen=True)
class Task:
    """One run to do.

    Attributes
    ----------
    run_id
        Unique within the sweep; results are ordered by it.
    point_id
        The design point; tasks with the same ``point_id`` must share ``labels`` and, unless
        they run under different posterior particles, ``params`` (they are replications
        of one point).
    replication
        Replication number, from 0.
    params
        The run's parameters.
    seed
        The run's seed (from :func:`derive_seed`), recorded in the manifest.
    labels
        Scalars describing the point (e.g. ``{"scenario": "taicang_3_0"}``); they become
        columns of :func:`load_outcomes`.
    particle
        The posterior particle whose values ``params`` carry (:mod:`cogov_sim.posterior`),
        recorded with the run in the manifest; None without a posterior. Tasks of one point
        and one particle share ``params``.
    """

    run_id: str
    point_id: int
    replication: int
    params: Params
    seed: int
    labels: dict[str, Any] = field(default_factory=dict)
    particle: int | None = None

    @property
    def params_key(self) -> int | tuple[int, int]:
        """Which parameter set the run reads: its point's, or with a particle its point's
        under that particle."""
        return self.point_id if self.particle is None else (self.point_id, self.particle)


@dataclass(frozen=True)
class RunReport:
    """What one call of :func:`run_tasks` did.

    ``done``: runs finished in this call; ``failed``: run id → traceback text of runs
    that raised in this call; ``skipped``: runs already done before this call.
    """

    folder: Path
    done: tuple[str, ...]
    failed: dict[str, str]
    skipped: tuple[str, ...]
    seconds: float

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def total(self) -> int:
        return len(self.done) + len(self.failed) + len(self.skipped)


@dataclass(frozen=True)
class _Context:
    """What every worker receives once: how to run, and every design point's params."""

    run_fn: Callable[[Params, int], pd.DataFrame]
    reduce_fn: Callable[[pd.DataFrame], pd.DataFrame] | None
    params: dict[Any, Params]
    """Each parameter set by :attr:`Task.params_key`."""
    folder: str | None = None
    """The results folder (absolute), whose ``spinups/`` keep the shared spin-ups."""
    cache: dict[str, SpinUp] = field(default_factory=dict, compare=False)
    """The worker's last few shared spin-ups (each worker has its own copy of the context)."""


CACHED_SPINUPS = 4
"""Shared spin-ups a worker keeps in memory (runs come replication by replication, so
consecutive runs mostly share one)."""


def _execute(context: _Context,
             item: tuple[str, Any, int, str | None]) -> tuple[str, Any, str | None, float]:
    """Run one item in a worker: ``(run_id, frame or None, error text or None, seconds)``.

    An item with a spin-up key starts from that shared spin-up (:func:`_shared_spinup`)."""
    run_id, params_key, seed, key = item
    t0 = time.perf_counter()
    try:
        params = context.params[params_key]
        shared = None if key is None else _shared_spinup(context, key, params, seed)
        frame = (context.run_fn(params, seed) if shared is None
                 else context.run_fn(params, seed, spinup=shared))  # type: ignore[call-arg]
        if context.reduce_fn is not None:
            frame = context.reduce_fn(frame)
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"the run returned {type(frame).__name__}, expected a DataFrame")
        clash = [c for c in ID_COLUMNS if c in frame.columns]
        if clash:
            raise ValueError(f"the run's frame has reserved column(s) {clash}")
    except Exception:  # noqa: BLE001 - recorded in the ledger; the sweep goes on
        return run_id, None, traceback.format_exc(), time.perf_counter() - t0
    return run_id, frame, None, time.perf_counter() - t0


def _shared_spinup(context: _Context, key: str, params: Params, seed: int) -> SpinUp | None:
    """The shared spin-up of key ``key`` for a run of ``params`` and ``seed``: from the
    worker's memory, else from the store, else simulated here (a cluster worker that does
    not see the results folder) and kept in memory. None if this worker derives another
    key for the run (other library versions than the driver's): the run then simulates
    its own spin-up."""
    if spinups.spinup_key(params, seed) != key:
        return None
    found = context.cache.get(key)
    if found is None:
        data = store.read_spinup(Path(context.folder), key) if context.folder else None
        try:
            found = None if data is None else SpinUp.from_bytes(data, key)
        except SpinUpError:
            found = None
        if found is None:
            found = spinups.spin_up(params, seed)
        try:  # oldest first out (a Dask worker's threads share the cache)
            while len(context.cache) >= CACHED_SPINUPS:
                context.cache.pop(next(iter(context.cache)), None)
        except (RuntimeError, StopIteration):
            pass
        context.cache[key] = found
    return found


def _spin_up_item(context: _Context, item: tuple[str, Any, int]) -> bytes:
    """Simulate one shared spin-up in a worker; its stored form goes back to the driver."""
    key, params_key, seed = item
    found = spinups.spin_up(context.params[params_key], seed)
    if found.key != key:
        raise SpinUpError(f"this worker derives spin-up key {found.key[:12]}, the driver "
                          f"{key[:12]} (other library versions?)")
    return found.to_bytes()


def _spinup_plan(tasks: Sequence[Task], todo: Sequence[Task]) -> dict[str, str]:
    """Run id → spin-up key of the runs to do that share their spin-up with another run of
    the sweep (done or not): same seed and the same parameters the spin-up reads."""
    key_of: dict[tuple[Any, int], str | None] = {}
    count: dict[str, int] = {}
    for t in tasks:
        if (t.params_key, t.seed) not in key_of:
            key_of[t.params_key, t.seed] = (spinups.spinup_key(t.params, t.seed)
                                           if spinups.shares_spinup(t.params) else None)
        key = key_of[t.params_key, t.seed]
        if key is not None:
            count[key] = count.get(key, 0) + 1
    return {t.run_id: key for t in todo
            if (key := key_of[t.params_key, t.seed]) is not None and count[key] > 1}


def _prepare_spinups(plan: dict[str, str], todo: Sequence[Task], folder: Path,
                     context: _Context, runner: Executor,
                     progress: bool | None) -> dict[str, int]:
    """Make sure the store keeps every spin-up ``plan`` names: those kept already are
    checked (a damaged one is redone), the others simulated on ``runner``, one per key, and
    written by this process (atomically). A spin-up that fails is dropped from ``plan``:
    its runs simulate their own (and fail on their own if the model does). Returns the
    counts for the session record."""
    first: dict[str, tuple[Any, int]] = {}
    for t in todo:
        if t.run_id in plan:
            first.setdefault(plan[t.run_id], (t.params_key, t.seed))
    store.clean_spinups(folder)
    kept = set()
    for key in first:
        data = store.read_spinup(folder, key)
        try:
            if data is not None:
                SpinUp.from_bytes(data, key)
                kept.add(key)
        except SpinUpError:
            pass
    missing = [(key, pid, seed) for key, (pid, seed) in first.items() if key not in kept]
    failed: set[str] = set()
    if missing:
        bar = tqdm(total=len(missing), disable=None if progress is None else not progress,
                   unit="spin-up", desc=f"{folder.name} spin-ups", dynamic_ncols=True)
        log = _progress_log(progress, f"{folder.name} spin-ups", len(missing), runner.workers,
                            "spin-ups")
        results = runner.map_unordered(_spin_up_item, missing, context)
        try:
            for item, result in results:
                try:
                    if isinstance(result, BaseException):
                        raise result
                    SpinUp.from_bytes(result, item[0])  # whole, and of the key asked for
                    store.write_spinup(folder, item[0], result)
                except Exception:  # noqa: BLE001 - its runs simulate their own spin-up
                    failed.add(item[0])
                bar.update(1)
                if log is not None:
                    log.update(bar.n - len(failed), len(failed))
        finally:
            getattr(results, "close", lambda: None)()
            bar.close()
    for run_id in [r for r, key in plan.items() if key in failed]:
        del plan[run_id]
    return {"keys": len(first), "kept": len(kept), "computed": len(missing) - len(failed),
            "failed": len(failed)}


# -- the public entry points ---------------------------------------------------------------

def run_tasks(tasks: Sequence[Task], folder: Path, *, workers: int = 1,
              manifest: dict[str, Any] | None = None, progress: bool | None = None,
              run_fn: Callable[[Params, int], pd.DataFrame] = simulate,
              reduce_fn: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
              executor: Executor | None = None, batch_seconds: float = 2.0,
              info: dict[str, Any] | None = None, shared_spinup: bool = True) -> RunReport:
    """Run ``tasks`` into ``folder`` (created, or resumed if it holds the same tasks).

    Parameters
    ----------
    tasks
        The runs; ``run_id`` unique. The order does not matter.
    folder
        Results folder. If it exists with a manifest, it must hold the same tasks,
        caller fields, package version and model code; missing runs are then done.
    workers
        Local processes (1 = in this process, 0 = one per core). Ignored if
        ``executor`` is given. Results are identical for any number.
    manifest
        The caller's fields for ``manifest.json`` (e.g. ``{"kind": "experiment",
        "spec": {...}}``). They are compared on resume, so put only what defines the
        runs there, nothing that changes between calls.
    progress
        Progress bar with ETA on stderr: ``None`` shows it only on a terminal. Inside
        :func:`progress_lines` (the command line, when its output is not a terminal) plain
        progress lines are written too, the first with the time left estimated from the
        first runs; ``False`` turns both off.
    run_fn
        ``(params, seed) -> frame``; module-level (picklable) when ``workers > 1``.
    reduce_fn
        Applied to each run's frame in the worker; only its result is stored.
    executor
        Where to run (e.g. a :class:`~cogov_sim.experiment.executors.DaskExecutor`).
    batch_seconds
        Finished runs are gathered for at most this long before being written together;
        0 writes each run as it finishes.
    info
        Fields recorded in ``manifest.json`` but not compared on resume (e.g. a name or
        description); a resumed folder records the latest values.
    shared_spinup
        Simulate each spin-up once for all runs that share it (same seed, same parameters
        the spin-up reads, :mod:`cogov_sim.spinup`), keep it in ``<folder>/spinups/`` and
        start those runs from it; results are bit for bit those of runs that simulate
        their own. Only with the default ``run_fn``. ``False`` simulates every run's own.

    Returns
    -------
    RunReport
    """
    tasks = list(tasks)
    folder = Path(folder)
    caller = dict(manifest or {})
    extra = dict(info or {})
    points = _check_tasks(tasks, caller, extra)
    shared_spinup = shared_spinup and run_fn is simulate
    _check_memory(tasks, points, workers, executor, shared_spinup)  # before anything is written
    full = _manifest(tasks, points, caller)
    current = store.open_folder(folder, {**full, **extra}, identity=full["identity"])
    current.update(extra)
    try:
        return _run_locked(tasks, folder, current, full, workers=workers, progress=progress,
                           run_fn=run_fn, reduce_fn=reduce_fn, executor=executor,
                           batch_seconds=batch_seconds, shared_spinup=shared_spinup)
    finally:
        store.release_folder(folder)


def _run_locked(tasks: list[Task], folder: Path, current: dict[str, Any],
                full: dict[str, Any], *, workers: int, progress: bool | None,
                run_fn: Callable[[Params, int], pd.DataFrame],
                reduce_fn: Callable[[pd.DataFrame], pd.DataFrame] | None,
                executor: Executor | None, batch_seconds: float,
                shared_spinup: bool) -> RunReport:
    """:func:`run_tasks` once the folder is open and locked."""
    ledger = store.read_ledger(folder)
    done_before = store.reconcile(folder, ledger)  # rows lost or damaged: redo, don't trust
    todo = sorted((t for t in tasks if t.run_id not in done_before),
                  key=lambda t: (t.replication, t.point_id, t.run_id))
    runner = executor or make_executor(workers)
    session = {"started": now(), "finished": None, "command": command_line(),
               "git": full["git"], "workers": runner.workers, "scheduled": len(todo),
               "done": 0, "failed": 0, "interrupted": False, "shared_spinup": shared_spinup}
    current.setdefault("sessions", []).append(session)
    store.update_manifest(folder, current)

    context = _Context(run_fn, reduce_fn, {t.params_key: t.params for t in todo},
                       folder=str(folder.resolve()))
    plan = _spinup_plan(tasks, todo) if shared_spinup else {}
    by_id = {t.run_id: t for t in todo}
    writer = _ShardWriter(folder, batch_seconds, store.next_shard_number(folder, ledger))
    failed: dict[str, str] = {}
    done: list[str] = []
    t0 = time.perf_counter()
    bar: Any = None
    results: Any = iter(())
    try:
        with runner:
            if plan:
                session["spinups"] = _prepare_spinups(plan, todo, folder, context, runner,
                                                      progress)
            items = [(t.run_id, t.params_key, t.seed, plan.get(t.run_id)) for t in todo]
            bar = tqdm(total=len(todo), disable=None if progress is None else not progress,
                       unit="run", desc=folder.name, dynamic_ncols=True, smoothing=0.05)
            log = _progress_log(progress, folder.name, len(todo), runner.workers)
            results = runner.map_unordered(_execute, items, context) if items else iter(())
            for item, result in results:
                task = by_id[item[0]]
                run_id, frame, error, seconds = _unpack(item, result)
                if error is None:
                    writer.add(task, frame, seconds)
                    done.append(run_id)
                else:
                    writer.fail(task, error, seconds)
                    failed[run_id] = error
                bar.update(1)
                if failed:
                    bar.set_postfix(failed=len(failed), refresh=False)
                if log is not None:
                    log.update(len(done), len(failed))
    except BaseException:
        session["interrupted"] = True
        raise
    finally:
        getattr(results, "close", lambda: None)()  # stops the workers if we leave early
        if bar is not None:
            bar.close()
        # leaving on an error, a full disk must not replace it: what cannot be written
        # now is simply not done, and the next call redoes it
        for step in (writer.flush, lambda: _finish(folder, current, session, tasks,
                                                    [t.run_id for t in todo], len(failed))):
            try:
                step()
            except store.DiskFullError:
                if not session["interrupted"]:
                    raise
    return RunReport(folder=folder, done=tuple(sorted(done)), failed=dict(sorted(failed.items())),
                     skipped=tuple(sorted(done_before & {t.run_id for t in tasks})),
                     seconds=time.perf_counter() - t0)


def load_outcomes(folder: Path, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Every finished run's outcomes, ordered by ``run_id``.

    Columns: ``run_id``, ``point_id``, ``replication``, the tasks' label columns, then
    the stored frame's columns (for :func:`~cogov_sim.runner.simulate`: ``month``,
    ``year`` and the outcomes). ``columns`` limits the stored columns read.
    """
    folder = Path(folder)
    manifest = store.read_manifest(folder)
    ledger = store.read_ledger(folder)
    wanted = None if columns is None else list(dict.fromkeys([*ID_COLUMNS, *columns]))
    frames = store.read_shards(folder, ledger, wanted)
    labels = _label_frame(manifest)
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c != "run_id" else object)
                             for c in (*ID_COLUMNS, *labels.columns.drop("point_id"))})
    data = pd.concat(frames, ignore_index=True)
    data = data.sort_values("run_id", kind="stable").reset_index(drop=True)
    rest = [c for c in data.columns if c not in ID_COLUMNS]
    label_cols = [c for c in labels.columns if c != "point_id"]
    data = data.merge(labels, on="point_id", how="left", validate="many_to_one")
    return data[[*ID_COLUMNS, *label_cols, *[c for c in rest if c not in label_cols]]]


def load_status(folder: Path) -> pd.DataFrame:
    """One row per scheduled run: ``run_id``, ``point_id``, ``replication``, ``seed``,
    ``status`` (``done`` | ``failed`` | ``pending``), ``seconds`` and ``error``."""
    manifest = store.read_manifest(folder)
    ledger = store.read_ledger(folder)
    rows = []
    for run in manifest["runs"]:
        entry = ledger.get(run["run_id"], {})
        rows.append({**run, "status": entry.get("status", "pending"),
                     "seconds": entry.get("seconds"), "error": entry.get("error")})
    return pd.DataFrame(rows)


# -- helpers --------------------------------------------------------------------------------

def _check_tasks(tasks: Sequence[Task], caller: dict[str, Any],
                 info: dict[str, Any]) -> dict[int, Task]:
    clash = sorted((set(caller) | set(info)) & set(RESERVED))
    if clash:
        raise ValueError(f"manifest fields {clash} are reserved by run_tasks")
    both = sorted(set(caller) & set(info))
    if both:
        raise ValueError(f"fields {both} are given both as manifest and as info")
    seen: set[str] = set()
    points: dict[int, Task] = {}
    sets: dict[Any, Params] = {}
    for t in tasks:
        if t.run_id in seen:
            raise ValueError(f"run id '{t.run_id}' appears twice")
        seen.add(t.run_id)
        first = points.setdefault(t.point_id, t)
        if sets.setdefault(t.params_key, t.params) != t.params or first.labels != t.labels:
            raise ValueError(f"tasks of design point {t.point_id} differ in params or labels")
        clash_labels = set(t.labels) & set(ID_COLUMNS)
        if clash_labels:
            raise ValueError(f"label(s) {sorted(clash_labels)} are reserved column names")
    return points


def _check_memory(tasks: Sequence[Task], points: dict[int, Task], workers: int,
                  executor: Executor | None, shared_spinup: bool) -> None:
    """Refuse a sweep that needs more memory than this machine has
    (:func:`cogov_sim.memory.check`; constants measured by ``benchmarks/bench_memory.py``)."""
    if executor is not None:
        count, local = executor.workers, executor.on_this_machine
    else:
        count, local = (workers or os.cpu_count() or 1), True
    if not all(isinstance(t.params, Params) for t in points.values()):
        return  # a run function of its own: nothing known about its memory
    seeds = {t.seed for t in tasks if shared_spinup and spinups.shares_spinup(t.params)}
    estimate = memory.estimate_sweep((t.params for t in points.values()), len(tasks), count,
                                     local_workers=local,
                                     snapshots=min(CACHED_SPINUPS, len(seeds)))
    memory.check(estimate, "this sweep")


def _manifest(tasks: Sequence[Task], points: dict[int, Task],
              caller: dict[str, Any]) -> dict[str, Any]:
    return {
        **environment(), "model_code": model_fingerprint(), "created": now(),
        "command": command_line(), **caller,
        "identity": [*caller, "points", "runs"],
        "points": {str(pid): {"labels": t.labels, "params": t.params.to_dict(),
                              **_communities(t.params), **describe(t.params),
                              **({} if t.particle is None else {"particle": t.particle,
                                 "constants": dict(t.params.constants)})}
                   for pid, t in sorted(points.items())},
        "runs": [{"run_id": t.run_id, "point_id": t.point_id, "replication": t.replication,
                  "seed": t.seed, **({} if t.particle is None else {"particle": t.particle})}
                 for t in sorted(tasks, key=lambda t: t.run_id)],
        "outputs": {"ledger.jsonl": "one JSON line per finished or failed run",
                    "runs/": "Parquet shards of outcomes; read with "
                             "cogov_sim.experiment.load_outcomes(folder)"},
        "sessions": [],
    }


def _communities(params: Params) -> dict[str, Any]:
    """A point's community table by its content (hash and size), if it has one: part of
    what a resumed folder must match."""
    table = params.communities
    return {} if table is None else {"communities": table.identity()}


def _unpack(item: tuple[str, int, int, str | None], result: Any) -> tuple[str, Any, str | None, float]:
    if isinstance(result, BaseException):  # the executor could not run it
        text = "".join(traceback.format_exception(result))
        return item[0], None, text, 0.0
    return tuple(result)


def _finish(folder: Path, manifest: dict[str, Any], session: dict[str, Any],
            tasks: Sequence[Task], scheduled: Sequence[str], n_failed: int) -> None:
    """Close the session in the manifest. Its count of done runs is read from the ledger
    (a run scheduled this session is done there only if this session did it), so that a
    signal between a run's ledger line and the loop's own count cannot make them
    disagree."""
    ledger = store.read_ledger(folder)
    status = {t.run_id: ledger.get(t.run_id, {}).get("status", "pending")
              for t in sorted(tasks, key=lambda t: t.run_id)}
    n_done = sum(status.get(r) == "done" for r in scheduled)
    session.update(finished=now(), done=n_done, failed=n_failed)
    manifest["status"] = status
    manifest["failures"] = {rid: _last_line(ledger[rid].get("error"))
                            for rid, s in status.items() if s == "failed"}
    store.update_manifest(folder, manifest)


def _last_line(text: Any) -> str:
    lines = str(text or "").strip().splitlines()
    return lines[-1] if lines else ""


def _label_frame(manifest: dict[str, Any]) -> pd.DataFrame:
    rows = [{"point_id": int(pid), **p["labels"]} for pid, p in manifest["points"].items()]
    return pd.DataFrame(rows) if rows else pd.DataFrame({"point_id": pd.Series(dtype="int64")})


class _ShardWriter:
    """Gathers finished runs briefly, then writes them as one shard plus ledger lines.

    A run is written as soon as it is added if ``seconds`` have passed since the last
    write or if the run itself took ``seconds`` or more: a slow run is never held in
    memory waiting for the next one to finish.
    """

    def __init__(self, folder: Path, seconds: float, first_shard: int, max_runs: int = 500,
                 max_rows: int = 500_000) -> None:
        self.folder, self.seconds = folder, seconds
        self.max_runs, self.max_rows = max_runs, max_rows
        self.number = first_shard
        self.frames: list[pd.DataFrame] = []
        self.entries: list[dict[str, Any]] = []
        self.rows = 0
        self.last_write = time.monotonic()

    def add(self, task: Task, frame: pd.DataFrame, seconds: float) -> None:
        frame = frame.copy()
        frame.insert(0, "replication", pd.Series(task.replication, index=frame.index,
                                                 dtype="int64"))
        frame.insert(0, "point_id", pd.Series(task.point_id, index=frame.index, dtype="int64"))
        frame.insert(0, "run_id", task.run_id)
        self.frames.append(frame)
        self.rows += len(frame)
        self.entries.append({"run_id": task.run_id, "status": "done", "seed": task.seed,
                             "rows": len(frame), "seconds": round(seconds, 4),
                             "finished": now()})
        # a batch older than ``seconds`` since the last write, or a run that alone took that
        # long, is written now rather than kept in memory until the next run finishes
        if (time.monotonic() - self.last_write >= self.seconds or seconds >= self.seconds
                or len(self.frames) >= self.max_runs or self.rows >= self.max_rows):
            self.flush()

    def fail(self, task: Task, error: str, seconds: float) -> None:
        store.append_ledger(self.folder, [{"run_id": task.run_id, "status": "failed",
                                           "seed": task.seed, "seconds": round(seconds, 4),
                                           "finished": now(), "error": error}])

    def flush(self) -> None:
        if not self.frames:
            return
        shard = store.write_shard(self.folder, self.number,
                                  pd.concat(self.frames, ignore_index=True))
        self.number += 1
        store.append_ledger(self.folder, [{**e, "shard": shard} for e in self.entries])
        self.frames, self.entries, self.rows = [], [], 0
        self.last_write = time.monotonic()


@cache
def model_fingerprint() -> str:
    """SHA-256 of the source files that decide what a run computes (model, rules, agents,
    parameters, the mechanisms a run may cut, presets, outcomes); recorded in the manifest
    and compared on resume."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if (path.suffix not in (".py", ".toml") or not path.is_file()
                or rel.parts[0] not in MODEL_CODE or "__pycache__" in rel.parts):
            continue
        digest.update(rel.as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


__all__ = ["RunReport", "Task", "derive_seed", "load_outcomes", "load_status",
           "model_fingerprint", "progress_lines", "run_tasks"]
