"""Where runs execute: one interface, several back ends.

An executor maps a function over work items and yields ``(item, result)`` pairs as they
complete, in any order. The caller (:func:`cogov_sim.experiment.runner.run_tasks`) does
not care which back end runs them, because every item carries its own seed and results
are put in order by run id afterwards.

``shared`` data (the run function and the parameters of every design point) are sent to
each worker **once**, when the worker starts, and items are small (run id, design point,
seed). Pickling a whole experiment per task is what makes AgentPy's parallel runs 25x
slower than serial ones (``research/sa_tools.md``, section 2).

Back ends
---------
:class:`SerialExecutor`
    In the calling process; for debugging and small sweeps.
:class:`ProcessExecutor`
    Local processes (:mod:`concurrent.futures`, ``forkserver`` where available, else
    ``spawn``; never ``fork``, which can copy locks held by other threads). Each worker
    runs numeric libraries single-threaded, ignores Ctrl-C (the parent handles it), and
    exits if its parent dies.
:class:`DaskExecutor`
    A ``dask.distributed`` cluster, if the optional ``cluster`` extra is installed: a
    running scheduler (``tcp://HOST:PORT``) or a local cluster of worker processes it
    starts on 127.0.0.1. Workers only compute; every result travels back to the driver,
    which writes it, so the results folder, its ledger and resuming are those of a local
    sweep. A worker lost mid-sweep costs nothing: the scheduler gives its runs to another
    worker, and each run's result reaches the driver once.

:func:`open_executor` turns the command-line choice (``--executor``, ``--workers``,
``--scheduler``) into one of these, checking it first (:class:`ExecutorError`). A new
back end implements :meth:`Executor.map_unordered`; nothing else changes.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import logging
import multiprocessing as mp
import os
import pickle
import re
import signal
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import wait
from typing import Any

THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                    "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")

WorkFn = Callable[[Any, Any], Any]
PRELOAD = ("cogov_sim.experiment.runner",)
#: Values of ``--executor``.
EXECUTORS = ("local", "dask", "dask-local")
#: How to install the optional Dask back end.
CLUSTER_INSTALL = 'pip install "cogov-sim[cluster]"'
_ADDRESS = re.compile(r"^(tcp|tls)://(\[[0-9a-fA-F:]+\]|[A-Za-z0-9_.-]+):(\d{1,5})$")
#: Seconds to wait for a scheduler before giving up.
CONNECT_TIMEOUT = 10


class ExecutorError(ValueError):
    """An executor that cannot be used: a bad option, a missing extra, an unreachable
    scheduler (one-line message; the command exits with status 2, nothing written)."""


class ClusterLostError(RuntimeError):
    """The Dask scheduler, or every worker, went away mid-sweep (one-line message naming
    which and what to do). Runs that finished are written before it propagates; the
    command exits with status 1 and rerunning it resumes."""


class Executor(ABC):
    """Runs ``fn(shared, item)`` for every item; yields ``(item, result)`` as each ends.

    If ``fn`` raises an exception, the pair carries the exception instead of a result,
    and the remaining items still run. ``KeyboardInterrupt`` stops everything.
    """

    workers: int = 1
    on_this_machine: bool = True
    """Whether the workers run on this machine (their memory is this machine's)."""

    @abstractmethod
    def map_unordered(self, fn: WorkFn, items: Iterable[Any],
                      shared: Any = None) -> Iterator[tuple[Any, Any]]:
        """Yield ``(item, fn(shared, item))`` — or ``(item, exception)`` — as runs end."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def close(self) -> None:  # noqa: B027 - a no-op unless the back end started something
        """Release what the executor started (clusters, connections); idempotent."""

    def describe(self) -> str:
        """A short description for manifests and messages."""
        return "serial" if self.workers == 1 else f"local processes ({self.workers})"


class SerialExecutor(Executor):
    """Runs every item in the calling process, in the order given."""

    def map_unordered(self, fn: WorkFn, items: Iterable[Any],
                      shared: Any = None) -> Iterator[tuple[Any, Any]]:
        for item in items:
            try:
                result = fn(shared, item)
            except Exception as exc:  # noqa: BLE001 - reported to the caller, not swallowed
                result = exc
            yield item, result


# -- local processes ----------------------------------------------------------------------

_SHARED: Any = None


def _init_worker(shared_bytes: bytes) -> None:
    """Worker start-up: one thread per numeric library, ignore Ctrl-C, load shared data."""
    global _SHARED
    for name in THREAD_VARIABLES:
        os.environ[name] = "1"
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = mp.parent_process()
    if parent is not None:
        threading.Thread(target=_watch_parent, args=(parent.sentinel,), daemon=True).start()
    _SHARED = pickle.loads(shared_bytes)


def _watch_parent(sentinel: Any) -> None:
    """Exit when the main process is gone (e.g. killed with SIGKILL), so no worker is
    left behind.

    ``sentinel`` is :func:`multiprocessing.parent_process`'s: a pipe end the main process
    holds open on Unix (with spawn and with the fork server alike), a process handle on
    Windows; it becomes ready when the main process ends. Waiting on it is portable and
    needs no polling, unlike ``os.kill(pid, 0)``, which on Windows would send the parent
    CTRL_C_EVENT instead of testing it.
    """
    wait([sentinel])
    os._exit(1)


def _call(fn: WorkFn, item: Any) -> Any:
    return fn(_SHARED, item)


def _start_method() -> str:
    return "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"


class ProcessExecutor(Executor):
    """Runs items in ``workers`` local processes.

    Parameters
    ----------
    workers
        Number of processes (at least 1).
    start_method
        ``"forkserver"`` (default where available) or ``"spawn"``.
    in_flight
        Items submitted ahead per worker; bounds the memory held by pending results.
    """

    def __init__(self, workers: int, start_method: str | None = None, in_flight: int = 4) -> None:
        if workers < 1:
            raise ValueError(f"workers = {workers}: expected at least 1")
        self.workers = workers
        self.start_method = start_method or _start_method()
        if self.start_method == "fork":
            raise ValueError("start_method 'fork' is not supported; use forkserver or spawn")
        self.in_flight = max(1, in_flight)

    def map_unordered(self, fn: WorkFn, items: Iterable[Any],
                      shared: Any = None) -> Iterator[tuple[Any, Any]]:
        pool = self._pool(shared)
        pending: dict[cf.Future[Any], Any] = {}
        queue = iter(items)
        try:
            self._top_up(pool, fn, queue, pending)
            while pending:
                done, _ = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
                for future in done:
                    item = pending.pop(future)
                    exc = future.exception()
                    yield item, (exc if exc is not None else future.result())
                self._top_up(pool, fn, queue, pending)
        except BaseException:
            _stop(pool)
            raise
        pool.shutdown(wait=True)

    def _pool(self, shared: Any) -> cf.ProcessPoolExecutor:
        context = mp.get_context(self.start_method)
        if self.start_method == "forkserver":
            # import the model once in the fork server (if it is not running yet), so
            # each worker starts as a cheap fork instead of importing everything again
            context.set_forkserver_preload(["__main__", *PRELOAD])
        saved = {name: os.environ.get(name) for name in THREAD_VARIABLES}
        os.environ.update({name: "1" for name in THREAD_VARIABLES})  # inherited at start
        try:
            pool = cf.ProcessPoolExecutor(
                max_workers=self.workers, mp_context=context, initializer=_init_worker,
                initargs=(pickle.dumps(shared, protocol=pickle.HIGHEST_PROTOCOL),))
            # start every worker now, while the environment says one thread each
            for future in [pool.submit(os.getpid) for _ in range(self.workers)]:
                future.result()
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
        return pool

    def _top_up(self, pool: cf.ProcessPoolExecutor, fn: WorkFn, queue: Iterator[Any],
                pending: dict[cf.Future[Any], Any]) -> None:
        while len(pending) < self.workers * self.in_flight:
            item = next(queue, _END)
            if item is _END:
                return
            try:
                pending[pool.submit(_call, fn, item)] = item
            except cf.process.BrokenProcessPool as exc:
                failed: cf.Future[Any] = cf.Future()
                failed.set_exception(exc)
                pending[failed] = item


_END = object()


def _stop(pool: cf.ProcessPoolExecutor) -> None:
    """Cancel what has not started and end the workers now (after Ctrl-C or an error)."""
    processes = list(getattr(pool, "_processes", {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)


# -- dask ---------------------------------------------------------------------------------

def _dask_call(fn: WorkFn, shared: Any, item: Any) -> Any:
    return fn(shared, item)


class DaskExecutor(Executor):
    """Runs items on a ``dask.distributed`` cluster (optional ``cluster`` extra).

    Parameters
    ----------
    client
        A ``distributed.Client``, or a scheduler address such as
        ``"tcp://10.0.0.5:8786"``.
    in_flight
        Items submitted ahead per worker thread.

    Notes
    -----
    The shared data are scattered to every worker once (``broadcast=True``). Dask's
    nanny starts workers with ``OMP_NUM_THREADS=1`` and friends by default
    (``distributed.nanny.pre-spawn-environ``).
    """

    def __init__(self, client: Any, in_flight: int = 4, cluster: Any = None) -> None:
        try:
            from distributed import Client
        except ImportError as exc:
            raise ExecutorError(f"the Dask executor needs dask.distributed: "
                                f"{CLUSTER_INSTALL}") from exc
        self.owns_client = not isinstance(client, Client)
        self.client = client if isinstance(client, Client) else Client(
            client, timeout=CONNECT_TIMEOUT)
        self.cluster = cluster
        threads = self.client.nthreads()
        self.workers = max(1, sum(threads.values()))
        self.in_flight = max(1, in_flight)

    @classmethod
    def local(cls, workers: int, in_flight: int = 4) -> DaskExecutor:
        """Start a Dask cluster of ``workers`` single-threaded processes on 127.0.0.1
        (no dashboard, random ports); :meth:`close` ends it."""
        try:
            from distributed import LocalCluster
        except ImportError as exc:
            raise ExecutorError(f"--executor dask-local needs Dask: {CLUSTER_INSTALL}") from exc
        # every server on the loopback interface, on ports the system picks (the
        # scheduler's HTTP server would otherwise take port 8787)
        # the worker processes ignore Ctrl-C, as local ones do: a terminal sends it to the
        # whole process group, and the driver (which handles it) ends the cluster
        with _children_ignore_ctrl_c():
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   host="127.0.0.1", dashboard_address="127.0.0.1:0",
                                   worker_dashboard_address="127.0.0.1:0",
                                   silence_logs=logging.CRITICAL)
        try:
            return cls(cluster.scheduler_address, in_flight=in_flight, cluster=cluster)
        except BaseException:
            cluster.close()
            raise

    def close(self) -> None:
        # a scheduler that is gone makes closing fail or log; there is nothing left to end
        if self.owns_client:
            self.owns_client = False
            with contextlib.suppress(Exception):
                self.client.close(timeout=CONNECT_TIMEOUT)
        if self.cluster is not None:
            cluster, self.cluster = self.cluster, None
            with contextlib.suppress(Exception):
                cluster.close(timeout=CONNECT_TIMEOUT)

    @property
    def on_this_machine(self) -> bool:  # type: ignore[override]
        return self.cluster is not None

    def describe(self) -> str:
        where = "local Dask cluster" if self.cluster is not None else "Dask scheduler"
        return f"{where} {self.client.scheduler.address} ({self.workers} worker threads)"

    def map_unordered(self, fn: WorkFn, items: Iterable[Any],
                      shared: Any = None) -> Iterator[tuple[Any, Any]]:
        from distributed import as_completed

        shared_future = self.client.scatter(shared, broadcast=True, hash=False)
        queue = iter(items)
        pending: dict[Any, Any] = {}
        flow = as_completed()
        try:
            self._top_up(fn, shared_future, queue, pending, flow)
            for future in flow:
                item = pending.pop(future)
                try:
                    exc = future.exception()
                    result = exc if exc is not None else future.result()
                except (OSError, TimeoutError, cf.CancelledError) as error:
                    # the run did not fail: the cluster lost it (scheduler or workers gone)
                    raise self._lost(error) from None
                yield item, result
                future.release()
                self._top_up(fn, shared_future, queue, pending, flow)
        except BaseException:
            with contextlib.suppress(Exception):  # nothing to cancel on a lost scheduler
                if self.client.status == "running":
                    self.client.cancel(list(pending))
            raise

    def _lost(self, error: BaseException) -> ClusterLostError:
        """What went away, in one line with what to do."""
        address = self.client.scheduler.address if self.client.scheduler else "?"
        reason = type(error).__name__
        try:
            workers = self.client.nthreads() if self.client.status == "running" else None
        except Exception:  # noqa: BLE001 - the scheduler did not answer
            workers = None
        resume = "finished runs are kept; run the same command again to resume"
        if workers is None:
            if self.cluster is not None:
                return ClusterLostError(f"the local Dask cluster's scheduler stopped mid-sweep "
                                        f"({reason}); {resume}")
            return ClusterLostError(f"the Dask scheduler at {address} went away mid-sweep "
                                    f"({reason}); {resume} once `dask scheduler` and its "
                                    "workers are running again")
        if not workers:
            what = ("every worker of the local Dask cluster" if self.cluster is not None
                    else f"every Dask worker of {address}")
            return ClusterLostError(f"{what} was lost mid-sweep (killed, or out of memory?), "
                                    f"and with them the runs' shared data ({reason}); "
                                    f"{resume}")
        return ClusterLostError(f"the Dask cluster at {address} lost this sweep's runs "
                                f"({reason}); {resume}")

    def _top_up(self, fn: WorkFn, shared_future: Any, queue: Iterator[Any],
                pending: dict[Any, Any], flow: Any) -> None:
        while len(pending) < self.workers * self.in_flight:
            item = next(queue, _END)
            if item is _END:
                return
            future = self.client.submit(_dask_call, fn, shared_future, item, pure=False)
            pending[future] = item
            flow.add(future)


@contextlib.contextmanager
def _children_ignore_ctrl_c() -> Iterator[None]:
    """Processes started inside inherit SIGINT ignored (Python then installs no
    KeyboardInterrupt handler in them). Main thread only; the handler is put back."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def quiet_dask_logs() -> None:
    """Only critical messages from ``distributed`` in this process: the command line
    reports a lost scheduler or workers itself, in one line (:class:`ClusterLostError`)."""
    names = [n for n in logging.root.manager.loggerDict
             if n == "distributed" or n.startswith("distributed.")]
    for name in ["distributed", *names]:  # Dask's configuration sets some levels of its own
        logging.getLogger(name).setLevel(logging.CRITICAL)


def open_executor(kind: str = "local", *, workers: int | None = None,
                  scheduler: str | None = None) -> Executor:
    """The executor chosen on the command line, checked before anything starts.

    ``local``: this process (``workers`` 1, the default) or local processes (0 = one per
    core). ``dask``: the running Dask scheduler at ``scheduler`` (``tcp://HOST:PORT``);
    its workers are whatever ``dask worker`` processes joined it. ``dask-local``: a Dask
    cluster of ``workers`` processes (default: one per core) started on 127.0.0.1 and
    ended by :meth:`Executor.close`.

    Raises
    ------
    ExecutorError
        An unknown kind, options that do not go together, a malformed or unreachable
        scheduler address, or Dask not installed (naming ``cogov-sim[cluster]``).
    """
    if kind not in EXECUTORS:
        raise ExecutorError(f"--executor {kind}: unknown; allowed: {', '.join(EXECUTORS)}")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int)
                                or workers < 0):
        raise ExecutorError(f"--workers {workers}: expected 0 (one per core) or more")
    if kind != "dask" and scheduler is not None:
        raise ExecutorError(f"--scheduler {scheduler}: only applies to --executor dask "
                            f"(this is --executor {kind})")
    if kind == "local":
        return make_executor(1 if workers is None else workers)
    if kind == "dask-local":
        return DaskExecutor.local(workers or os.cpu_count() or 1)
    if workers is not None:
        raise ExecutorError(f"--workers {workers}: does not apply to --executor dask (the "
                            "cluster's workers are the `dask worker` processes that joined "
                            "the scheduler)")
    if scheduler is None:
        raise ExecutorError("--executor dask needs --scheduler tcp://HOST:PORT (the address "
                            "`dask scheduler` prints)")
    match = _ADDRESS.match(scheduler)
    if match is None or not 0 < int(match.group(3)) < 65536:
        raise ExecutorError(f"--scheduler {scheduler}: expected tcp://HOST:PORT, e.g. "
                            "tcp://10.0.0.5:8786")
    try:
        import distributed  # noqa: F401
    except ImportError as exc:
        raise ExecutorError(f"--executor dask needs Dask: {CLUSTER_INSTALL}") from exc
    try:
        return DaskExecutor(scheduler)
    except (OSError, TimeoutError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ExecutorError(f"--scheduler {scheduler}: cannot reach a Dask scheduler there "
                            f"({reason}); is `dask scheduler` running at that address?") \
            from None


def make_executor(workers: int) -> Executor:
    """A serial executor for 1 worker, local processes for more (0 = every core)."""
    if workers < 0:
        raise ValueError(f"workers = {workers}: expected 0 (all cores) or more")
    if workers == 0:
        workers = os.cpu_count() or 1
    return SerialExecutor() if workers == 1 else ProcessExecutor(workers)


__all__ = ["CLUSTER_INSTALL", "ClusterLostError", "DaskExecutor", "EXECUTORS", "Executor",
           "ExecutorError", "ProcessExecutor", "SerialExecutor", "make_executor", "open_executor",
           "quiet_dask_logs"]
