"""Model speed and memory against Mesa's own Boltzmann wealth example, same agent counts.

Usage::

    .venv/bin/python benchmarks/bench_model.py                 # 1,000 / 10,000 / 100,000
    .venv/bin/python benchmarks/bench_model.py --sizes 1000 10000 --repeats 5
    .venv/bin/python benchmarks/bench_model.py --county        # + 800,000 residents, 150 communities

Every measurement runs in a fresh child process (so peak memory is that run's alone) and
reports the best of ``--repeats`` runs of: building the model plus 120 monthly steps for
cogov-sim (``simulate`` on the baseline preset, one agent per resident, no spin-up,
outcomes recorded every month: the speed targets are stated for this), and
building plus 120 steps of ``mesa.examples.BoltzmannWealth`` (one agent per grid cell, as
shipped, with its data collection). Agent-steps per second = residents × months / seconds.
Prints a Markdown table; ``--plot FILE`` also draws the scaling curve.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time

CHILD = r"""
import json, math, resource, sys, time, gc
kind, scenario = sys.argv[1], sys.argv[5]
n, months, communities, sample, spinup = (int(a) for a in sys.argv[2:5] + sys.argv[6:8])
if kind == "cogov":
    from cogov_sim.presets import load_preset
    from cogov_sim.runner import simulate
    params = load_preset(scenario, n_residents=n * sample, n_communities=communities, months=months,
                         residents_per_agent=sample, spinup_months=spinup)
    gc.collect()
    t = time.perf_counter()
    simulate(params, 1)
    dt = time.perf_counter() - t
else:
    from mesa.examples.basic.boltzmann_wealth_model.model import BoltzmannWealth, BoltzmannScenario
    side = max(1, int(math.ceil(math.sqrt(n))))
    gc.collect()
    t = time.perf_counter()
    model = BoltzmannWealth(scenario=BoltzmannScenario(n=n, width=side, height=side, rng=1))
    for _ in range(months):
        model.step()
    dt = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # MiB on Linux
print(json.dumps({"seconds": dt, "peak_mib": peak}))
"""


def measure(kind: str, n: int, months: int, communities: int, scenario: str, repeats: int,
            sample: int = 1, spinup: int = 0) -> dict:
    """Best of ``repeats``: ``n`` resident agents (standing for ``n * sample`` residents)."""
    best = None
    for _ in range(repeats):
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        out = subprocess.run([sys.executable, "-c", CHILD, kind, str(n), str(months), str(communities),
                              scenario, str(sample), str(spinup)],
                             capture_output=True, text=True, check=True, env=env)
        row = json.loads(out.stdout.strip().splitlines()[-1])
        if best is None or row["seconds"] < best["seconds"]:
            best = row
    assert best is not None
    best["agent_steps_per_s"] = n * months / best["seconds"]
    return best


def communities_for(n: int) -> int:
    """Township-like community counts: 2 at 1,000, 20 at 10,000, 40 at 100,000, 150 at 800,000."""
    if n <= 10_000:
        return max(1, min(20, n // 500))
    return max(1, min(150, n // 2_500)) if n < 800_000 else 150


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    ap.add_argument("--months", type=int, default=120)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--scenario", default="baseline")
    ap.add_argument("--no-mesa", action="store_true", help="skip the Boltzmann comparison")
    ap.add_argument("--county", action="store_true", help="add a Taicang-scale run (800,000 residents)")
    ap.add_argument("--plot", default=None, help="write the scaling curve to this PNG")
    ap.add_argument("--default-run", action="store_true",
                    help="also time the package's default run: 100,000 residents in 20 communities "
                         "at one agent per 10 residents, 120-month spin-up + 120 months")
    args = ap.parse_args()
    sizes = list(args.sizes) + ([800_000] if args.county else [])
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{time.strftime('%Y-%m-%d')}; scenario {args.scenario}, {args.months} months, "
          f"best of {args.repeats}")
    print("\n| residents | communities | cogov-sim s | agent-steps/s | peak MiB | Boltzmann s | "
          "Boltzmann agent-steps/s | ratio |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    rows = []
    for n in sizes:
        c = communities_for(n)
        ours = measure("cogov", n, args.months, c, args.scenario, 1 if n >= 800_000 else args.repeats)
        theirs = None
        if not args.no_mesa and n < 800_000:
            theirs = measure("mesa", n, args.months, c, args.scenario, 1 if n >= 100_000 else args.repeats)
        ratio = f"{ours['agent_steps_per_s'] / theirs['agent_steps_per_s']:.1f}×" if theirs else "–"
        print(f"| {n:,} | {c} | {ours['seconds']:.3f} | {ours['agent_steps_per_s']:,.0f} | "
              f"{ours['peak_mib']:.0f} | {theirs['seconds'] if theirs else float('nan'):.2f} | "
              f"{theirs['agent_steps_per_s'] if theirs else float('nan'):,.0f} | {ratio} |", flush=True)
        rows.append((n, ours["seconds"]))
    if args.default_run:
        for scenario in ("baseline", "taicang_3_0"):
            run = measure("cogov", 10_000, args.months, 20, scenario, args.repeats, sample=10, spinup=120)
            print(f"\ndefault run ({scenario}): 100,000 residents as 10,000 agents, 120 + 120 months: "
                  f"{run['seconds']:.2f} s, peak {run['peak_mib']:.0f} MiB", flush=True)
    if args.plot:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(5, 3.5), constrained_layout=True)
        xs, ys = zip(*rows, strict=True)
        ax.loglog(xs, ys, "o-", label="cogov-sim, 120 months")
        i = min(range(len(xs)), key=lambda j: abs(xs[j] - 10_000))  # anchor at the default size
        ax.loglog(xs, [ys[i] * x / xs[i] for x in xs], ":", color="grey",
                  label="linear in residents (through 10,000)")
        ax.set_xlabel("residents")
        ax.set_ylabel("wall time (s)")
        ax.legend()
        fig.savefig(args.plot, dpi=120)


if __name__ == "__main__":
    main()
