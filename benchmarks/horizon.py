"""Choosing the horizon check's tolerance (issue 26): how fast may an effect still move at
the end of a run before the summary should say "still changing at the horizon"?

Every preset of the main job (the shipped spec ``reform_stages``: the taicang_township table,
100,000 residents simulated one agent per 10, a 120-month spin-up) runs for 240 reported
months on ``--replications`` paired seeds (one seed per replication, shared by all
scenarios). For two horizons H (60 and 120 months) the script computes, as the summary
does, every scenario's effect versus ``baseline`` (paired difference of the mean of the
last 12 months) and the horizon check's slope (:mod:`cogov_sim.experiment.horizon`, last
2 years before H). The truth it is scored against is what a longer run reports: the
effect at 2H. An effect **moved materially** when the paired change ``effect(2H) -
effect(H)`` has a 95 % interval excluding zero and exceeds ``--material`` (default 20 %)
of ``|effect(H)|``. Only effects whose interval at H excludes zero are scored (a zero
effect has no relative change).

For each candidate tolerance (share of the effect per year) the table gives how many
effects the check flags, how many of the materially moving ones it catches (sensitivity),
how many of the stable ones it leaves alone (specificity) and how many of its warnings are
right (precision). The recommended tolerance is the largest whose balanced accuracy is
within :data:`NEAR` of the best: among rules that sort effects about equally well, the one
with the fewest false alarms, because a warning that is often wrong gets ignored. Writes
``benchmarks/horizon.md``.

    PYTHONPATH=src .venv/bin/python benchmarks/horizon.py [--replications 12]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from cogov_sim.experiment import horizon
from cogov_sim.experiment.compare import summary_table
from cogov_sim.outcomes import OUTCOME_NAMES
from cogov_sim.presets import load_preset
from cogov_sim.runner import simulate

SCENARIOS = ("baseline", "taicang_1_0", "taicang_2_0", "taicang_3_0", "shanghai", "chengdu")
CANDIDATES = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5)
NEAR = 0.02
"""Balanced accuracies this close to the best count as equally good."""


def run_all(replications: int, months: int, residents: int) -> pd.DataFrame:
    frames = []
    for rep in range(replications):
        for scenario in SCENARIOS:
            params = load_preset(scenario, n_residents=residents, residents_per_agent=10,
                                 communities="taicang_township", months=months,
                                 spinup_months=120)
            f = simulate(params, 20_260_000 + rep)
            f.insert(0, "replication", rep)
            f.insert(0, "scenario", scenario)
            f.insert(0, "run_id", f"{scenario}-{rep}")
            frames.append(f)
    return pd.concat(frames, ignore_index=True)


def end_values(data: pd.DataFrame, h: int) -> pd.DataFrame:
    """Per scenario and replication: the mean of months h-11..h of every outcome."""
    sub = data[(data["month"] > h - 12) & (data["month"] <= h)]
    return sub.groupby(["scenario", "replication"])[list(OUTCOME_NAMES)].mean()


def score(data: pd.DataFrame, h: int, material: float) -> pd.DataFrame:
    upto = data[data["month"] <= h]
    summary = summary_table(upto, OUTCOME_NAMES, reference="baseline", order=SCENARIOS)
    fitted = horizon.slopes(upto, OUTCOME_NAMES, reference="baseline")
    checked = horizon.check(summary, fitted)
    end = summary[summary["measure"] == "end"].set_index(["scenario", "outcome"])
    now, later = end_values(data, h), end_values(data, 2 * h)
    rows = []
    for r in checked.itertuples():
        e = end.loc[(r.scenario, r.outcome)]
        if not (e.ci_low > 0 or e.ci_high < 0):
            continue
        d_now = now.loc[r.scenario, r.outcome] - now.loc["baseline", r.outcome]
        d_later = later.loc[r.scenario, r.outcome] - later.loc["baseline", r.outcome]
        change = (d_later - d_now).dropna()
        n = change.size
        half = stats.t.ppf(0.975, n - 1) * change.std(ddof=1) / np.sqrt(n)
        mean = float(change.mean())
        moved = abs(mean) > half and abs(mean) > material * abs(e.difference)
        rows.append({"horizon": h, "scenario": r.scenario, "outcome": r.outcome,
                     "effect": e.difference, "slope_per_year": r.slope_per_year,
                     "slope_low": r.slope_low, "slope_high": r.slope_high,
                     "change": mean, "moved": moved})
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replications", type=int, default=12)
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--material", type=float, default=0.2)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("horizon.md"))
    args = parser.parse_args()
    t0 = time.perf_counter()
    data = run_all(args.replications, 240, args.residents)
    seconds = time.perf_counter() - t0
    scored = pd.concat([score(data, h, args.material) for h in (60, 120)], ignore_index=True)
    lines = [
        "# Horizon check: choosing the tolerance", "",
        f"`PYTHONPATH=src .venv/bin/python benchmarks/horizon.py --replications "
        f"{args.replications}` ({len(data['run_id'].unique())} runs of 240 reported months "
        f"after a 120-month spin-up, {args.residents:,} residents at one agent per 10 in "
        f"the taicang_township table; {seconds:.0f} s).", "",
        f"Scored: {len(scored)} effects (scenario x outcome x horizon H = 60 or 120 months) "
        f"whose 95 % interval at H excludes zero; {int(scored['moved'].sum())} of them moved "
        f"materially by 2H (the paired change has an interval excluding zero and exceeds "
        f"{args.material:.0%} of the effect at H).", "",
        "| tolerance (share of the effect per year) | flagged | caught (of moved) | "
        "sensitivity | false alarms (of stable) | specificity | precision | balanced accuracy |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    moved = scored["moved"].to_numpy()
    scores = {}
    for tol in CANDIDATES:
        flag = horizon.still_changing(scored["slope_per_year"], scored["slope_low"],
                                      scored["slope_high"], scored["effect"], tol).to_numpy()
        tp, fp = int((flag & moved).sum()), int((flag & ~moved).sum())
        sens = tp / max(moved.sum(), 1)
        spec = 1 - fp / max((~moved).sum(), 1)
        balanced = (sens + spec) / 2
        precision = tp / max(tp + fp, 1)
        scores[tol] = balanced
        lines.append(f"| {tol:g} | {int(flag.sum())} | {tp} of {int(moved.sum())} | {sens:.2f} | "
                     f"{fp} of {int((~moved).sum())} | {spec:.2f} | {precision:.2f} | "
                     f"{balanced:.2f} |")
    top = max(scores.values())
    chosen = max(t for t, b in scores.items() if b >= top - NEAR)
    lines += ["", f"Highest balanced accuracy {top:.2f}; the largest tolerance within {NEAR} of "
              f"it: **{chosen:g} per year** (the package uses {horizon.TOLERANCE:g}: "
              f"`cogov_sim.experiment.horizon.TOLERANCE`).", "",
              "Effects that moved materially between H and 2H, with the check's slope at H:", "",
              "| H | scenario | outcome | effect at H | slope per year at H [95 % CI] | "
              "change H to 2H |", "|---:|---|---|---:|---:|---:|"]
    for r in scored[scored["moved"]].itertuples():
        lines.append(f"| {r.horizon} | {r.scenario} | {r.outcome} | {r.effect:+.4g} | "
                     f"{r.slope_per_year:+.3g} [{r.slope_low:+.3g}, {r.slope_high:+.3g}] | "
                     f"{r.change:+.3g} |")
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines[:20]))


if __name__ == "__main__":
    main()
