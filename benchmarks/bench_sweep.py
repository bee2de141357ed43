"""Sweep throughput and per-run overhead at 1,000 residents × 60 months.

Usage::

    .venv/bin/python benchmarks/bench_sweep.py            # 200 runs on 2 workers
    .venv/bin/python benchmarks/bench_sweep.py --runs 400 --workers 2

Two measurements:

1. **Throughput** — ``run_tasks`` (the runner every sweep uses: manifest, ledger, Parquet
   shards) runs ``--runs`` runs of the ``taicang_3_0`` preset at 1,000 residents × 60
   months on ``--workers`` local processes; prints runs per second, and the same on one
   worker for the speed-up.
2. **Overhead** — in one process, the share of a run spent outside the model's own
   monthly dynamics: building the model and network, recording outcomes each month,
   turning them into a frame, and writing a Parquet file. Median over 30 runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

from cogov_sim.experiment.runner import Task, run_tasks  # noqa: E402
from cogov_sim.experiment.seeds import derive_seed  # noqa: E402
from cogov_sim.model import CoGovModel  # noqa: E402
from cogov_sim.presets import load_preset  # noqa: E402

SIZE = {"n_residents": 1000, "n_communities": 2, "months": 60}


def tasks(n: int) -> list[Task]:
    params = load_preset("taicang_3_0", **SIZE)
    return [Task(run_id=f"r{i:05d}", point_id=0, replication=i, params=params,
                 seed=derive_seed(2026, 0, i), labels={"scenario": "taicang_3_0"}) for i in range(n)]


def throughput(n: int, workers: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        report = run_tasks(tasks(n), Path(tmp) / "sweep", workers=workers, progress=False)
        dt = time.perf_counter() - t
        assert not report.failed
    return n / dt


def overhead(repeats: int = 30) -> dict[str, float]:
    params = load_preset("taicang_3_0", **SIZE)
    parts: dict[str, list[float]] = {"build": [], "dynamics": [], "record": [], "frame": [], "write": []}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(repeats):
            t0 = time.perf_counter()
            model = CoGovModel(params, seed=i)
            t1 = time.perf_counter()
            recorded = 0.0
            original = model.recorder.record

            def timed(m: CoGovModel, _orig=original) -> None:
                nonlocal recorded
                s = time.perf_counter()
                _orig(m)
                recorded += time.perf_counter() - s

            model.recorder.record = timed  # type: ignore[method-assign]
            model.run()
            t2 = time.perf_counter()
            frame = model.dataframe()
            t3 = time.perf_counter()
            frame.to_parquet(Path(tmp) / f"{i}.parquet", index=False)
            t4 = time.perf_counter()
            parts["build"].append(t1 - t0)
            parts["record"].append(recorded)
            parts["dynamics"].append(t2 - t1 - recorded)
            parts["frame"].append(t3 - t2)
            parts["write"].append(t4 - t3)
    return {k: statistics.median(v) for k, v in parts.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    part = overhead()
    total = sum(part.values())
    print(f"one run, 1,000 residents × 60 months (median of 30, one process): {total * 1000:.1f} ms")
    for k, v in part.items():
        print(f"  {k:<12}{v * 1000:8.1f} ms  {100 * v / total:5.1f} %")
    alone = total - part["dynamics"]
    print(f"  outside the model's own dynamics, a run written alone: {100 * alone / total:.1f} %")
    swept = total - part["write"]
    print(f"  same, in a sweep (run_tasks batches writes; the Parquet file is not per run): "
          f"{100 * (swept - part['dynamics']) / swept:.1f} %")
    one = throughput(max(20, args.runs // 4), 1)
    many = throughput(args.runs, args.workers)
    print(f"\nrun_tasks throughput: {one:.1f} runs/s on 1 worker, {many:.1f} runs/s on "
          f"{args.workers} workers ({many / one:.2f}× speed-up), {args.runs} runs")


if __name__ == "__main__":
    main()
