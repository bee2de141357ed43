"""Throughput of the full Sobol analysis over every policy lever (issue 4's target).

Usage::

    .venv/bin/python benchmarks/bench_sa.py                  # the shipped spec, 2 workers
    .venv/bin/python benchmarks/bench_sa.py --n 16           # a quick check of the script
    .venv/bin/python benchmarks/bench_sa.py --workers 1 --keep results/bench-sa

Runs the shipped spec ``sa_sobol_levers`` (13 levers over their full bounds, 1,000
residents x 60 months; see the spec for n and replications) through the same code path as
``cogov-sim sa`` into a fresh folder (a temporary one unless ``--keep``), and prints the
wall time (design, every model run, analysis, tables and figures), the number of model
runs, runs per second, the time inside model runs and the convergence verdict. The target
is under 15 minutes on this 2-core machine. CPU heavy: run it alone.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

from cogov_sim.sensitivity.model import run_sa
from cogov_sim.sensitivity.spec import load_spec

ROOT = Path(__file__).resolve().parents[1]
TARGET_MINUTES = 15.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, default=ROOT / "experiments" / "sa_sobol_levers.toml")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--n", type=int, default=None, help="override the base sample size")
    parser.add_argument("--keep", type=Path, default=None,
                        help="write the results here (must not exist) instead of a temp folder")
    args = parser.parse_args(argv)

    spec = load_spec(args.spec).with_overrides(n=args.n)
    plan = spec.plan()
    tmp = None
    if args.keep is None:
        tmp = Path(tempfile.mkdtemp(prefix="bench-sa-"))
        out = tmp / "out"
    else:
        out = args.keep
    try:
        t0 = time.perf_counter()
        result, folder = run_sa(spec, out, workers=args.workers, progress=False)
        wall = time.perf_counter() - t0
        timing = json.loads((folder / "manifest.json").read_text())["timing"]
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    lines = [
        f"spec: {args.spec.name}  method: {result.method}  parameters: {plan.problem.num_vars}  "
        f"n: {result.n}  replications: {result.replications}",
        f"size: {spec.residents:,} residents x {spec.months} months, {spec.communities} "
        f"communities; workers: {args.workers}; machine: {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}",
        f"model runs: {result.runs:,}",
        f"wall time: {wall:.1f} s ({wall / 60:.2f} min; target < {TARGET_MINUTES:g} min: "
        f"{'met' if wall < TARGET_MINUTES * 60 else 'NOT met'})",
        f"runs/s: {result.runs / wall:.2f}",
        f"time in model-run stages: {timing['model_run_seconds']:.1f} s; analysis, tables and "
        f"figures: {wall - timing['model_run_seconds']:.1f} s",
        f"verdict: {result.verdict_text}",
    ]
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
