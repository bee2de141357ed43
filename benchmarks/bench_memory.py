"""Memory of a run and of a sweep (issue 22, item 9): the constants of ``cogov_sim.memory``.

Usage::

    PYTHONPATH=src .venv/bin/python benchmarks/bench_memory.py            # about 2 minutes
    PYTHONPATH=src .venv/bin/python benchmarks/bench_memory.py --quick    # smaller sizes

Each measurement runs in a fresh child process (one BLAS thread), so one does not inherit
another's heap:

1. **Model state.** Build the model and run 12 months (no spin-up) at several numbers of
   resident agents (one per resident, 20 equal communities), and at one size with 20 and
   with 400 communities. Measured: the peak of memory traced by ``tracemalloc`` (NumPy's
   arrays and Python objects) and the peak resident set size (``ru_maxrss``) above the
   child's resident set after its imports. A line is fitted to each peak against agents
   (bytes per agent, intercept); the community runs give bytes per community.
2. **Spin-up snapshot.** The stored size of a shared spin-up (``SpinUp.to_bytes``, 12
   months) per agent: a worker keeps up to ``CACHED_SPINUPS`` of them in memory.
3. **Recorded outcomes.** ``load_outcomes`` of a folder of R finished runs of 12 months
   each, for several R: the traced peak per month-row (one row per run and month) — what
   the analysis after a sweep holds.
4. **A worker process.** The resident set of a fresh process that imported the package
   and ran a small model: the fixed cost of each local worker.

Prints a Markdown report (the figures in ``memory.md``); the fitted constants go into
``cogov_sim.memory`` by hand, rounded up.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import textwrap

import numpy as np

for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

CHILD_PRELUDE = """
import json, resource, sys, tracemalloc
def rss():  # current resident set, bytes (Linux)
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) * 1024
"""

STATE = CHILD_PRELUDE + """
from cogov_sim.presets import load_preset
from cogov_sim.model import CoGovModel
agents, communities = int(sys.argv[1]), int(sys.argv[2])
warm = load_preset('taicang_3_0', n_residents=600, residents_per_agent=1, n_communities=2,
                   months=2, spinup_months=0)
CoGovModel(warm, seed=1).run()  # imports and caches paid before measuring
params = load_preset('taicang_3_0', n_residents=agents, residents_per_agent=1,
                     n_communities=communities, months=12, spinup_months=0)
base = rss()
tracemalloc.start()
model = CoGovModel(params, seed=1)
model.run()
frame = model.dataframe()
traced = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({'agents': agents, 'communities': communities, 'traced': traced,
                  'rss': peak - base}))
"""

SNAPSHOT = CHILD_PRELUDE + """
from cogov_sim.presets import load_preset
from cogov_sim.spinup import spin_up
agents = int(sys.argv[1])
params = load_preset('taicang_3_0', n_residents=agents, residents_per_agent=1,
                     n_communities=20, months=12, spinup_months=12)
print(json.dumps({'agents': agents, 'bytes': len(spin_up(params, 1).to_bytes())}))
"""

OUTCOMES = CHILD_PRELUDE + """
import tempfile
from pathlib import Path
from cogov_sim.experiment.runner import Task, load_outcomes, run_tasks
from cogov_sim.presets import load_preset
runs = int(sys.argv[1])
params = load_preset('baseline', n_residents=200, residents_per_agent=1, n_communities=2,
                     months=12, spinup_months=0)
tasks = [Task(f'r{i:05d}', 0, i, params, i) for i in range(runs)]
with tempfile.TemporaryDirectory() as tmp:
    run_tasks(tasks, Path(tmp) / 'f', progress=False)
    load_outcomes(Path(tmp) / 'f')  # warm: imports, caches
    tracemalloc.start()
    data = load_outcomes(Path(tmp) / 'f')
    traced = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
print(json.dumps({'runs': runs, 'rows': len(data), 'columns': data.shape[1],
                  'traced': traced, 'frame': int(data.memory_usage(deep=True).sum())}))
"""

WORKER = CHILD_PRELUDE + """
from cogov_sim.presets import load_preset
from cogov_sim.runner import simulate
simulate(load_preset('baseline', n_residents=600, residents_per_agent=1, n_communities=2,
                     months=12, spinup_months=0), 1)
print(json.dumps({'rss': rss()}))
"""


def child(code: str, *args: object) -> dict:
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code), *map(str, args)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def fit(x: list[float], y: list[float]) -> tuple[float, float]:
    """Least-squares slope and intercept."""
    slope, intercept = np.polyfit(np.asarray(x, float), np.asarray(y, float), 1)
    return float(slope), float(intercept)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    args = parser.parse_args()
    sizes = [25_000, 50_000, 100_000] if args.quick else [50_000, 100_000, 200_000, 400_000]
    mib = 2**20

    print("## Model state (build + 12 months, taicang_3_0, 20 communities)\n")
    print("| resident agents | communities | traced peak MiB | RSS peak above imports MiB |")
    print("|---:|---:|---:|---:|")
    state = [child(STATE, n, 20) for n in sizes]
    for r in state:
        print(f"| {r['agents']:,} | 20 | {r['traced'] / mib:.1f} | {r['rss'] / mib:.1f} |")
    mid = sizes[len(sizes) // 2]
    many = child(STATE, mid, 400)
    print(f"| {mid:,} | 400 | {many['traced'] / mib:.1f} | {many['rss'] / mib:.1f} |")
    t_slope, t_icpt = fit([r["agents"] for r in state], [r["traced"] for r in state])
    r_slope, r_icpt = fit([r["agents"] for r in state], [r["rss"] for r in state])
    same = next(r for r in state if r["agents"] == mid)
    per_community = (many["traced"] - same["traced"]) / 380
    print(f"\ntraced: {t_slope:.0f} bytes per agent + {t_icpt / mib:.1f} MiB; "
          f"RSS: {r_slope:.0f} bytes per agent + {r_icpt / mib:.1f} MiB; "
          f"{per_community:,.0f} traced bytes per extra community\n")

    print("## Spin-up snapshot (12 months)\n")
    snaps = [child(SNAPSHOT, n) for n in sizes[:3]]
    for r in snaps:
        print(f"- {r['agents']:,} agents: {r['bytes'] / mib:.1f} MiB")
    s_slope, s_icpt = fit([r["agents"] for r in snaps], [r["bytes"] for r in snaps])
    print(f"\n{s_slope:.0f} bytes per agent + {s_icpt / 1024:.0f} KiB\n")

    print("## Recorded outcomes read back (load_outcomes, 12 months a run)\n")
    print("| runs | rows | columns | traced peak MiB | frame MiB |")
    print("|---:|---:|---:|---:|---:|")
    counts = [100, 200, 400] if args.quick else [200, 400, 800]
    outs = [child(OUTCOMES, n) for n in counts]
    for r in outs:
        print(f"| {r['runs']} | {r['rows']:,} | {r['columns']} | {r['traced'] / mib:.2f} | "
              f"{r['frame'] / mib:.2f} |")
    o_slope, o_icpt = fit([r["rows"] for r in outs], [r["traced"] for r in outs])
    print(f"\n{o_slope:.0f} bytes per month-row + {o_icpt / mib:.1f} MiB\n")

    print("## A worker process (imports + a small run)\n")
    worker = child(WORKER)
    print(f"{worker['rss'] / mib:.0f} MiB resident\n")
    print("```json")
    print(json.dumps({"state_bytes_per_agent": round(r_slope), "state_traced_per_agent":
                      round(t_slope), "bytes_per_community": round(per_community),
                      "snapshot_bytes_per_agent": round(s_slope),
                      "outcome_bytes_per_row": round(o_slope),
                      "worker_bytes": worker["rss"]}, indent=1))
    print("```")


if __name__ == "__main__":
    main()
