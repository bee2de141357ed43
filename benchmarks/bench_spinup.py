"""Shared spin-up (issue 20): runs per second of a what-if sweep with and without it.

Usage::

    PYTHONPATH=src .venv/bin/python benchmarks/bench_spinup.py              # 1 worker
    PYTHONPATH=src .venv/bin/python benchmarks/bench_spinup.py --workers 2 --seeds 4

A what-if sweep: the ``taicang_3_0`` preset with ``--points`` lever settings (a grid over
consultations, random seats, grid visits and list strictness) × ``--seeds`` seeds (common
random numbers: every setting of replication *r* shares its seed, so its spin-up), at
1,000 resident agents (1,000 residents, 2 communities) and at 10,000 (the package's default
township: 100,000 residents at one agent per 10, 20 communities), each with a 120-month
spin-up and 120 reported months. Both ways go through ``run_tasks`` (manifest, ledger,
Parquet shards) into fresh folders; the shared sweep's time includes simulating and
storing its spin-ups. The outcomes of the two sweeps are checked to be equal bit for bit.
Also printed: a snapshot's size and the time to start a run from it.
"""

from __future__ import annotations

import argparse
import itertools
import os
import pickle
import tempfile
import time
from pathlib import Path

for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import pandas as pd  # noqa: E402

from cogov_sim.experiment.runner import Task, load_outcomes, run_tasks  # noqa: E402
from cogov_sim.experiment.seeds import derive_seed  # noqa: E402
from cogov_sim.presets import load_preset  # noqa: E402
from cogov_sim.spinup import spin_up  # noqa: E402

SIZES = {
    "1,000 agents": {"n_residents": 1_000, "residents_per_agent": 1, "n_communities": 2},
    "10,000 agents": {"n_residents": 100_000, "residents_per_agent": 10, "n_communities": 20},
}
MONTHS = {"months": 120, "spinup_months": 120}
GRID = {"consultations_per_year": [0.0, 4.0], "random_seat_share": [0.0, 0.5],
        "grid_visits": [0.0, 20.0], "list_strictness": [0.4, 0.9]}


def tasks(size: dict[str, int], points: int, seeds: int) -> list[Task]:
    base = load_preset("taicang_3_0", **size, **MONTHS)
    settings = [dict(zip(GRID, values, strict=True))
                for values in itertools.product(*GRID.values())][:points]
    return [Task(run_id=f"p{i:03d}-r{r:03d}", point_id=i, replication=r,
                 params=base.replace(**levers), seed=derive_seed(2026, i, r))
            for i, levers in enumerate(settings) for r in range(seeds)]


def sweep(todo: list[Task], folder: Path, workers: int, shared: bool) -> tuple[float, pd.DataFrame]:
    t = time.perf_counter()
    report = run_tasks(todo, folder, workers=workers, progress=False, shared_spinup=shared)
    seconds = time.perf_counter() - t
    assert not report.failed, report.failed
    return seconds, load_outcomes(folder)


def snapshot_costs(size: dict[str, int]) -> dict[str, float]:
    params = load_preset("taicang_3_0", **size, **MONTHS)
    t = time.perf_counter()
    snapshot = spin_up(params, 1)
    made = time.perf_counter() - t
    t = time.perf_counter()
    for _ in range(5):
        snapshot.start(params, 1)
    start = (time.perf_counter() - t) / 5
    return {"spin-up s": made, "snapshot MiB": len(pickle.dumps(snapshot)) / 2**20,
            "start from snapshot ms": 1e3 * start}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--points", type=int, default=16, help="lever settings (at most 16)")
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--sizes", nargs="*", default=list(SIZES), choices=list(SIZES))
    args = parser.parse_args()
    print(f"what-if sweep: {args.points} lever settings x {args.seeds} seeds, "
          f"{MONTHS['spinup_months']} + {MONTHS['months']} months, {args.workers} worker(s)")
    print("| size | runs | own spin-up runs/s | shared spin-up runs/s | speed-up | spin-up s "
          "| snapshot MiB | start ms |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name in args.sizes:
        todo = tasks(SIZES[name], args.points, args.seeds)
        with tempfile.TemporaryDirectory() as tmp:
            own, own_frame = sweep(todo, Path(tmp) / "own", args.workers, shared=False)
            shared, shared_frame = sweep(todo, Path(tmp) / "shared", args.workers, shared=True)
        pd.testing.assert_frame_equal(own_frame, shared_frame, check_exact=True)
        costs = snapshot_costs(SIZES[name])
        print(f"| {name} | {len(todo)} | {len(todo) / own:.2f} | {len(todo) / shared:.2f} | "
              f"{own / shared:.2f}x | {costs['spin-up s']:.2f} | {costs['snapshot MiB']:.1f} | "
              f"{costs['start from snapshot ms']:.1f} |", flush=True)


if __name__ == "__main__":
    main()
