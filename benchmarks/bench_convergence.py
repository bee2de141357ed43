"""Is the convergence verdict honest? Analytic functions, many seeds, true errors.

Usage::

    .venv/bin/python benchmarks/bench_convergence.py                 # the table in the docs
    .venv/bin/python benchmarks/bench_convergence.py --tolerances 0.05 --seeds 3   # quick

For every analytic function of :func:`cogov_sim.sensitivity.testfunctions.benchmark_functions`
(Ishigami, Sobol' G with three coefficient sets, a linear model), every tolerance and
every seed, runs the public ``analyze_function(..., tolerance=t, max_runs=...)`` as a
user would, then measures the true error: the largest absolute difference of any S1 or ST
from its analytic value. Prints a Markdown table: how often the verdict said
"converged", in how many of those the true error was within the tolerance (the promise:
at least 9 of 10), the largest true error, the median reported error bound and the
median number of evaluations. Deterministic (every seed is given).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time

from cogov_sim.sensitivity import analyze_function
from cogov_sim.sensitivity.testfunctions import TestFunction, benchmark_functions


def measure(tf: TestFunction, tolerance: float, seeds: range, max_runs: int,
            scramblings: int | None = None) -> dict[str, object]:
    """One row of the table: verdicts and true errors of ``tf`` over ``seeds``."""
    rows = []
    for seed in seeds:
        r = analyze_function(tf, tf.bounds_dict(), tolerance=tolerance, max_runs=max_runs,
                             seed=seed, vectorized=True, scramblings=scramblings)
        err = tf.true_error(r.value("S1").to_numpy(), r.value("ST").to_numpy())
        rows.append((r.verdict, err, r.error_bound, r.runs))
    converged = [x for x in rows if x[0] == "converged"]
    return {"function": tf.name, "tolerance": tolerance, "seeds": len(rows),
            "converged": len(converged),
            "within": sum(x[1] <= tolerance for x in converged),
            "max_error": max(x[1] for x in rows),
            "median_bound": statistics.median(x[2] for x in rows if x[2] is not None),
            "median_runs": int(statistics.median(x[3] for x in rows))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tolerances", type=float, nargs="+", default=[0.05, 0.02, 0.01])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--max-runs", type=int, default=4_000_000)
    parser.add_argument("--scramblings", type=int, default=None)
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    print("| function | tolerance | converged | true error within tolerance (of converged) "
          "| largest true error | median reported bound | median evaluations |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    worst = 1.0
    for tolerance in args.tolerances:
        for tf in benchmark_functions():
            row = measure(tf, tolerance, range(args.seeds), args.max_runs, args.scramblings)
            if row["converged"]:
                worst = min(worst, row["within"] / row["converged"])  # type: ignore[operator]
            print(f"| {row['function']} | {tolerance:g} | {row['converged']}/{row['seeds']} | "
                  f"{row['within']}/{row['converged']} | {row['max_error']:.4f} | "
                  f"{row['median_bound']:.4f} | {row['median_runs']:,} |", flush=True)
    print(f"\nworst share within tolerance: {worst:.0%}; {time.perf_counter() - t0:.0f} s on "
          f"{platform.machine()}, Python {platform.python_version()}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
