"""The worked example of docs/sensitivity.md's cluster section, timed: one sensitivity
analysis run locally and on Dask, with identical results.

Usage::

    .venv/bin/python benchmarks/bench_dask.py              # n = 8: 240 model runs
    .venv/bin/python benchmarks/bench_dask.py --n 32       # 960 model runs

Runs the shipped spec ``sa_sobol_levers`` (13 levers, 2 replications) at a small ``n`` and
a small size (1,000 residents simulated one to one, 20 communities, 60 months, no spin-up;
options change these) four ways, each into a fresh temporary folder, through the
same code path as ``cogov-sim sa``:

1. ``--executor local --workers 1`` (this process);
2. ``--executor local --workers 2`` (two local processes);
3. ``--executor dask-local --workers 2`` (a Dask cluster of two processes started here);
4. ``--executor dask --scheduler tcp://127.0.0.1:PORT`` with a ``dask scheduler`` and two
   ``dask worker`` processes started as separate programs (the layout of a real cluster,
   on this machine's loopback interface).

Prints the wall time of each and checks that the index tables are identical. CPU heavy:
run it alone.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from cogov_sim.experiment.executors import open_executor
from cogov_sim.sensitivity.model import run_sa
from cogov_sim.sensitivity.spec import load_spec

ROOT = Path(__file__).resolve().parents[1]
DASK = Path(sys.executable).with_name("dask")


def start_cluster(folder: Path, workers: int) -> tuple[str, list[subprocess.Popen[bytes]]]:
    """``dask scheduler`` and ``workers`` single-threaded ``dask worker`` processes."""
    file = folder / "scheduler.json"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    log = (folder / "dask.log").open("wb")
    procs = [subprocess.Popen([str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0",
                               "--no-dashboard", "--dashboard-address", "127.0.0.1:0",
                               "--scheduler-file", str(file)], stdout=log, stderr=log, env=env)]
    while not (file.is_file() and file.stat().st_size):
        time.sleep(0.1)
    for _ in range(workers):
        procs.append(subprocess.Popen([str(DASK), "worker", "--scheduler-file", str(file),
                                       "--host", "127.0.0.1", "--nthreads", "1",
                                       "--no-dashboard", "--dashboard-address", "127.0.0.1:0"],
                                      stdout=log, stderr=log, env=env))
    return json.loads(file.read_text())["address"], procs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, default=ROOT / "experiments" / "sa_sobol_levers.toml")
    parser.add_argument("--n", type=int, default=8)
    parser.add_argument("--residents", type=int, default=1000)
    parser.add_argument("--communities", type=int, default=20)
    parser.add_argument("--months", type=int, default=60)
    args = parser.parse_args(argv)
    spec = load_spec(args.spec).with_overrides(
        n=args.n, residents=args.residents, communities=args.communities, months=args.months,
        residents_per_agent=1, spinup_months=0)
    tmp = Path(tempfile.mkdtemp(prefix="bench-dask-"))
    address, procs = start_cluster(tmp, 2)
    modes = [("local, 1 worker", "local", 1, None), ("local, 2 workers", "local", 2, None),
             ("dask-local, 2 workers", "dask-local", 2, None),
             ("dask scheduler + 2 dask workers", "dask", None, address)]
    tables = {}
    try:
        print(f"{spec.name}: n = {args.n}, {spec.plan().total_runs(args.n):,} model runs, "
              f"{spec.residents:,} residents x {spec.months} months; load average "
              f"{os.getloadavg()[0]:.1f}; {platform.machine()}, "
              f"{os.cpu_count()} cores, Python {platform.python_version()}")
        print("| executor | wall time (s) | runs/s |\n|---|---:|---:|")
        for label, kind, workers, scheduler in modes:
            t0 = time.perf_counter()
            executor = open_executor(kind, workers=workers, scheduler=scheduler)
            try:
                result, folder = run_sa(spec, tmp / kind / str(workers), progress=False,
                                        workers=executor.workers, executor=executor)
            finally:
                executor.close()
            wall = time.perf_counter() - t0
            tables[label] = result.indices
            print(f"| {label} | {wall:.1f} | {result.runs / wall:.1f} |", flush=True)
    finally:
        for p in reversed(procs):
            os.kill(p.pid, signal.SIGTERM)
            p.wait(timeout=30)
    first = next(iter(tables.values()))
    for label, table in tables.items():
        pd.testing.assert_frame_equal(first, table, check_exact=True, obj=label)
    print("indices identical for every executor")
    return 0


if __name__ == "__main__":
    sys.exit(main())
