"""How much memory a run or a sweep needs, estimated before it starts; refused if the
machine has less (issue 22, item 9).

The constants are measured by ``benchmarks/bench_memory.py`` (figures and method in
``benchmarks/memory.md``) and rounded up:

- a run's model state grows by :data:`BYTES_PER_AGENT` per resident agent and
  :data:`BYTES_PER_COMMUNITY` per community (the peak while it runs, NumPy arrays and
  Python objects);
- a worker that starts runs from shared spin-ups keeps up to
  :data:`~cogov_sim.experiment.runner.CACHED_SPINUPS` snapshots of
  :data:`SNAPSHOT_BYTES_PER_AGENT` per agent;
- every local process (the command itself and each worker) costs :data:`PROCESS_BYTES`
  once it has imported the package;
- after a sweep, the analysis reads every run's recorded outcomes back:
  :data:`BYTES_PER_OUTCOME_ROW` per run and reported month.

The available memory is ``MemAvailable`` of ``/proc/meminfo`` (Linux) or psutil's, if
psutil is installed; elsewhere the check is skipped. ``--force`` on the command line (or
:func:`unchecked` in Python) runs anyway.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from .params import Params

# Measured by benchmarks/bench_memory.py (benchmarks/memory.md), rounded up.
BYTES_PER_AGENT = 800
"""Peak model state per resident agent (measured: 757 bytes traced, 721 bytes of RSS)."""
BYTES_PER_COMMUNITY = 1_000
"""Peak model state per community beyond its residents (measured: under 100 bytes)."""
SNAPSHOT_BYTES_PER_AGENT = 360
"""A shared spin-up snapshot per agent (measured: 345 bytes)."""
BYTES_PER_OUTCOME_ROW = 800
"""Recorded outcomes read back after a sweep, per run and reported month (71 columns;
measured: 756 bytes)."""
PROCESS_BYTES = 170 * 2**20
"""A process that imported the package and ran a model (measured: 158 MiB resident)."""
MEMINFO = Path("/proc/meminfo")

_FORCE: ContextVar[bool] = ContextVar("cogov_sim_memory_force", default=False)


class MemoryEstimateError(ValueError):
    """A run or sweep needs more memory than is available (one line: the estimate, the
    available memory and ``--force``)."""


@dataclass(frozen=True)
class Estimate:
    """Bytes a run or sweep needs, and the largest run's agents (for the message)."""

    bytes: int
    agents: int
    processes: int
    runs: int


def run_bytes(params: Params) -> int:
    """Peak memory of one run's model and its recorded outcomes (not the process)."""
    months = params.months + params.spinup_months
    return (BYTES_PER_AGENT * params.n_agents + BYTES_PER_COMMUNITY * params.n_communities
            + BYTES_PER_OUTCOME_ROW * months)


def estimate_run(params: Params) -> Estimate:
    """One run in this process (``cogov-sim run``)."""
    return Estimate(PROCESS_BYTES + run_bytes(params), params.n_agents, 1, 1)


def estimate_sweep(points: Iterable[Params], runs: int, workers: int, *,
                   local_workers: bool = True, snapshots: int = 0) -> Estimate:
    """A sweep of ``runs`` runs over design points ``points`` on ``workers`` workers.

    Each worker may hold the largest point's run at once, plus ``snapshots`` shared
    spin-ups; the command's own process then reads every run's outcomes back.
    ``local_workers=False`` (a Dask scheduler elsewhere): only this process counts.
    ``workers == 1``: the runs happen in this process."""
    points = list(points)
    if not points:
        return Estimate(PROCESS_BYTES, 0, 1, runs)
    largest = max(points, key=run_bytes)
    per_worker = run_bytes(largest) + snapshots * SNAPSHOT_BYTES_PER_AGENT * largest.n_agents
    outcomes = BYTES_PER_OUTCOME_ROW * runs * max(p.months for p in points)
    if not local_workers:
        return Estimate(PROCESS_BYTES + outcomes, largest.n_agents, 1, runs)
    processes = 1 if workers <= 1 else workers + 1
    total = PROCESS_BYTES * processes + per_worker * max(1, workers) + outcomes
    return Estimate(total, largest.n_agents, processes, runs)


def available_bytes() -> int | None:
    """Memory available to start new work: ``MemAvailable`` (Linux), else psutil's if
    installed, else None (unknown: no check)."""
    try:
        for line in MEMINFO.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        import psutil  # type: ignore[import-untyped]
    except ImportError:
        return None
    return int(psutil.virtual_memory().available)


def gib(n: float) -> str:
    return f"{n / 2**30:.1f} GiB" if n >= 2**30 else f"{n / 2**20:.0f} MiB"


def check(estimate: Estimate, what: str = "this run") -> None:
    """Refuse (:class:`MemoryEstimateError`) if ``estimate`` exceeds the available memory,
    unless forced (:func:`unchecked`, ``--force``) or the available memory is unknown."""
    if _FORCE.get():
        return
    free = available_bytes()
    if free is None or estimate.bytes <= free:
        return
    parts = [f"{estimate.agents:,} agents a run"]
    if estimate.processes > 1:
        parts.append(f"{estimate.processes} processes")
    if estimate.runs > 1:
        parts.append(f"{estimate.runs:,} runs' outcomes")
    raise MemoryEstimateError(
        f"{what} needs about {gib(estimate.bytes)} of memory ({', '.join(parts)}; "
        f"benchmarks/memory.md) but {gib(free)} is available; use fewer residents, a larger "
        f"residents_per_agent or fewer workers, or --force to run anyway")


@contextmanager
def unchecked(force: bool = True) -> Iterator[None]:
    """Skip the memory check inside this block (``--force``)."""
    token = _FORCE.set(force)
    try:
        yield
    finally:
        _FORCE.reset(token)


__all__ = ["BYTES_PER_AGENT", "BYTES_PER_COMMUNITY", "BYTES_PER_OUTCOME_ROW", "Estimate",
           "MemoryEstimateError", "PROCESS_BYTES", "SNAPSHOT_BYTES_PER_AGENT",
           "available_bytes", "check", "estimate_run", "estimate_sweep", "unchecked"]
