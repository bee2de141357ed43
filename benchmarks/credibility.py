"""Re-measure the model-credibility review (issue 8): which mechanisms have consequences.

Runs paired one-at-a-time ablations on common seeds and prints a Markdown table:

* resident evaluation weight 0 vs 1 (taicang_3_0): outcomes other than the assessment
  that change; participation and happiness difference;
* the government's score of committees in every preset;
* initial trust in social organizations 0.05 vs 0.9: outcomes that change;
* pattern P3 (participation rise 2.0 -> 3.0 vs 1.0 -> 2.0) at several community sizes;
* baseline drift: participation and organization density, years 3-10 vs years 18-20;
* government spending per resident per year across presets.

    .venv/bin/python benchmarks/credibility.py [--seeds 3] [--sample K]

Works on any revision of the model (used for the before/after figures in docs/ODD.md).
"""

from __future__ import annotations

import argparse
import dataclasses

import numpy as np

from cogov_sim.params import Params
from cogov_sim.presets import load_preset
from cogov_sim.runner import simulate

FIELDS = {f.name for f in dataclasses.fields(Params)}


def size(per_community: int, communities: int, months: int, sample: int) -> dict:
    kw = {"n_residents": per_community * communities, "n_communities": communities, "months": months}
    if "residents_per_agent" in FIELDS:
        kw["residents_per_agent"] = sample
    return kw


def run(scenario: str, seed: int, kw: dict, **over):
    return simulate(load_preset(scenario, **kw, **over), seed)


def changed(a, b, skip=()) -> list[str]:
    cols = [c for c in a.columns if c not in ("month", "year", *skip)]
    return [c for c in cols if not np.allclose(a[c].to_numpy(), b[c].to_numpy(), rtol=1e-12, atol=0)]


def tail(df, col, years=2):
    return float(df[col].tail(12 * years).mean())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--sample", type=int, default=10)
    args = ap.parse_args()
    seeds = range(1, args.seeds + 1)
    kw = size(4000, 10, 120, args.sample)
    print(f"sizes: {kw}\n")

    print("| check | result |\n|---|---|")
    for sc in ("taicang_2_0", "taicang_3_0"):
        n, dp, dh = [], [], []
        for s in seeds:
            a, b = run(sc, s, kw, resident_eval_weight=0.0), run(sc, s, kw, resident_eval_weight=1.0)
            n.append(len(changed(a, b, skip=("eval_assessment",))))
            dp.append(tail(b, "participation_rate") - tail(a, "participation_rate"))
            dh.append(tail(b, "happiness_index") - tail(a, "happiness_index"))
        print(f"| resident_eval_weight 0 vs 1 ({sc}) | outcomes changed besides assessment: "
              f"{np.mean(n):.0f}; participation {np.mean(dp):+.3f}, happiness {np.mean(dh):+.2f} |")
    n = []
    for s in seeds:
        a = run("taicang_2_0", s, kw, initial_trust_so=0.05)
        b = run("taicang_2_0", s, kw, initial_trust_so=0.9)
        n.append(len(changed(a, b, skip=("trust_so",))))
    print("| initial_trust_so 0.05 vs 0.9 (taicang_2_0) | outcomes changed besides trust_so: "
          f"{np.mean(n):.0f} |")
    for sc in ("baseline", "taicang_1_0", "taicang_2_0", "taicang_3_0", "shanghai", "chengdu"):
        d = [run(sc, s, kw) for s in seeds]
        g = np.mean([tail(x, "eval_gov_to_committee") for x in d])
        r = np.mean([tail(x, "eval_residents_to_committee") for x in d])
        spend = np.mean([tail(x, "spend_total") for x in d]) * 12 / kw["n_residents"]
        print(f"| {sc} | gov score of committees {g:.1f}, residents' score {r:.1f}, "
              f"spending {spend:.0f} yuan/resident/yr, "
              f"burden {np.mean([tail(x, 'admin_burden') for x in d]):.3f}, "
              f"participation {np.mean([tail(x, 'participation_rate') for x in d]):.3f}, "
              f"so/10k {np.mean([tail(x, 'so_per_10k') for x in d]):.1f} |")
    for per in (500, 2000, 5000):
        k = size(per, 6, 120, min(args.sample, max(1, per // 100)))
        p = {sc: np.mean([tail(run(sc, s, k), "participation_rate") for s in seeds])
             for sc in ("taicang_1_0", "taicang_2_0", "taicang_3_0")}
        print(f"| P3 at {per} residents a community | 1.0->2.0 {p['taicang_2_0'] - p['taicang_1_0']:+.3f}, "
              f"2.0->3.0 {p['taicang_3_0'] - p['taicang_2_0']:+.3f} |")
    k = size(4000, 10, 240, args.sample)
    d = [run("baseline", s, k) for s in seeds]
    for col in ("participation_rate", "so_per_10k", "happiness_index", "trust_committee"):
        early = np.mean([x[col].iloc[24:120].mean() for x in d])
        late = np.mean([x[col].iloc[-36:].mean() for x in d])
        print(f"| baseline drift {col} | years 3-10 {early:.3f} -> years 18-20 {late:.3f} |")


if __name__ == "__main__":
    main()
