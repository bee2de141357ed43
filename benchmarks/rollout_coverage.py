"""Coverage of the rollout's estimators over many simulated panels (issue 19, rollout).

For each of ``--panels`` panels (each its own root seed: its own township draws, adoption
order and simulation seeds) the script simulates every township of the shipped
``jiangsu_rollout`` design once without adoption and, branching from that run at
January of each adoption year it needs, with adoption (bit for bit the run
``cogov-sim rollout`` makes: checked on the first panel and written in the report).
From the same runs it assembles one panel per **design**:

``shipped``
    the shipped spec: adoption order random (parallel trends hold by design);
``loaded_first``
    heterogeneous effects by township type, timed on it: the townships with the heaviest
    task load adopt first (``adoption_order = "admin_task_load descending"``); the
    effect on happiness grows with task load (the report measures by how much), so the
    early adopters are the ones with the largest effects. (Timing by size was tried: the
    effect hardly varies with size, correlation -0.08 over 2 pilot panels, so it behaves
    like the shipped design.)
``dip_first``
    adoption timed on pre-trends: the townships whose happiness fell most from 2010 to
    2011 (in their own no-adoption run) adopt first, an Ashenfelter dip that breaks
    parallel trends (selection on a transitory shock that then reverts).

Every design uses the shipped adoption shares (10 % by 2012 ... 90 % by 2017) and is
estimated by TWFE, did2s (pyfixest) and, when ``moderndid`` is installed, Callaway and
Sant'Anna's estimator (not-yet-treated controls, simple aggregation). Each estimate is
held against the panel's own true effect (mean over treated township-years of the
paired difference adopt - never) and against the design's expected effect (mean of the
true effects over the panels). Writes ``rollout_coverage.csv`` (one row per panel,
design, outcome and estimator; resumable: done panels are skipped),
``rollout_coverage_het.csv`` (each adopter's own effect beside its parameters),
``rollout_coverage_meta.json`` (what the run measured about itself) and
``rollout_coverage.md`` (the table; ``--report`` writes it again from those files).

Run:  PYTHONPATH=src python benchmarks/rollout_coverage.py --panels 100 --townships 16
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import json
import logging
import platform
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from cogov_sim.experiment.seeds import derive_seed
from cogov_sim.model import CoGovModel
from cogov_sim.panel.rollout import _params, load_rollout, townships
from cogov_sim.runner import simulate
from cogov_sim.specs import spec_path
from cogov_sim.timeline import schedule_of

HERE = Path(__file__).parent
OUTCOMES = ("happiness_index", "participation_rate")
DESIGNS = ("shipped", "loaded_first", "dip_first")
Z = 1.959963984540054


def design_spec(panel: int, args: argparse.Namespace):  # noqa: ANN201
    spec = load_rollout(spec_path("jiangsu_rollout"))
    return dataclasses.replace(spec, root_seed=args.root + panel, townships=args.townships,
                               residents_per_agent=args.residents_per_agent,
                               spinup_months=args.spinup, outcomes=OUTCOMES)


def annual(model: CoGovModel) -> pd.DataFrame:
    return model.dataframe().groupby("calendar_year")[list(OUTCOMES)].mean()


def simulate_panel(panel: int, args: argparse.Namespace, check: bool = False):  # noqa: ANN201
    """Annual outcomes of every township: ``never`` and adoption in each year any design
    gives it; the designs' adoption years."""
    spec = design_spec(panel, args)
    frame = townships(spec, validate=panel == 0)
    by_load = townships(dataclasses.replace(spec, adoption_order="admin_task_load descending"),
                        validate=False).adoption_year.to_numpy()
    months_to = {y: (y - spec.start_year) * 12 for y, _ in spec.adoption}
    models, pre = {}, {}
    for i in range(spec.townships):  # stage 1: the no-adoption runs to the end of 2011
        row = frame.iloc[i]
        m = CoGovModel(_params(spec, row, None), seed=derive_seed(spec.root_seed, i, 0,
                                                                  common_random_numbers=False))
        m.run(months_to[spec.adoption[0][0]])
        y = annual(m)["happiness_index"]
        models[i], pre[i] = m, float(y.iloc[-1] - y.iloc[0])
    dip = np.full(spec.townships, np.nan)  # same years as shipped, largest fall first
    years = np.sort(frame.adoption_year.to_numpy())  # adopters' years ascending, NaN last
    for rank, i in enumerate(sorted(pre, key=pre.get)):
        dip[i] = years[rank]
    designs = {"shipped": frame.adoption_year.to_numpy(), "loaded_first": by_load,
               "dip_first": dip}
    runs: dict[tuple[int, float | None], pd.DataFrame] = {}
    for i in range(spec.townships):  # stage 2: branch at each adoption year needed
        row, m = frame.iloc[i], models.pop(i)
        needed = sorted({float(d[i]) for d in designs.values() if not np.isnan(d[i])})
        for year in needed:
            m.run(months_to[int(year)] - m.recorder.n)
            branch = copy.deepcopy(m)
            params = _params(spec, row, year)
            branch.policy, branch.schedule = params, schedule_of(params)
            branch.run(params.months - branch.recorder.n)
            runs[i, year] = annual(branch)
        m.run(m.policy.months - m.recorder.n)
        runs[i, None] = annual(m)
    verified = None
    if check:  # the branched runs are the runs `cogov-sim rollout` makes, bit for bit
        verified = []
        for i, year in [(k, y) for (k, y) in runs if y is not None][:2] + [(0, None)]:
            row = frame.iloc[i]
            direct = simulate(_params(spec, row, year),
                              derive_seed(spec.root_seed, i, 0, common_random_numbers=False))
            direct = direct.groupby("calendar_year")[list(OUTCOMES)].mean()
            verified.append(bool(np.array_equal(direct.to_numpy(), runs[i, year].to_numpy())))
    return spec, frame, designs, runs, verified


def n_runs(runs: dict) -> int:
    """Runs simulated: a branch counts as a run (it is one, from its adoption date on)."""
    return len(runs)


def assemble(spec, frame: pd.DataFrame, adoption: np.ndarray,  # noqa: ANN001
             runs: dict) -> pd.DataFrame:
    rows = []
    for i in range(spec.townships):
        g = adoption[i]
        never = runs[i, None]
        seen = never if np.isnan(g) else runs[i, float(g)]
        for year in never.index:
            r = {"unit": i, "township": i, "calendar_year": int(year),
                 "adoption_year": g, "n_residents": int(frame.n_residents.iloc[i])}
            for y in OUTCOMES:
                r[y] = float(seen.loc[year, y])
                r[f"true_{y}"] = float(seen.loc[year, y] - never.loc[year, y])
            rows.append(r)
    data = pd.DataFrame(rows)
    data["treat"] = (data.calendar_year >= data.adoption_year).astype(int)
    data["g"] = data.adoption_year.fillna(0).astype(int)
    return data


def estimate(data: pd.DataFrame, y: str) -> dict[str, tuple[float, float, float]]:
    """Pooled effect and 95 % interval of each estimator, errors clustered on townships."""
    import pyfixest as pf

    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = pf.feols(f"{y} ~ treat | unit + calendar_year", data, vcov={"CRV1": "township"}).tidy()
        out["twfe"] = (t.loc["treat", "Estimate"], t.loc["treat", "2.5%"], t.loc["treat", "97.5%"])
        d = pf.did2s(data.copy(), yname=y, first_stage="~ 0 | unit + calendar_year",
                     second_stage="~ treat", treatment="treat", cluster="township").tidy()
        out["did2s"] = (d.loc["treat", "Estimate"], d.loc["treat", "2.5%"], d.loc["treat", "97.5%"])
        try:
            import moderndid
        except ImportError:
            return out
        mp = moderndid.att_gt(data, yname=y, tname="calendar_year", idname="unit", gname="g",
                              control_group="notyettreated", est_method="reg", boot=False,
                              cband=False)
        agg = moderndid.aggte(mp, type="simple")
        att, se = float(agg.overall_att), float(agg.overall_se)
        out["cs"] = (att, att - Z * se, att + Z * se)
    return out


def panel_rows(panel: int, args: argparse.Namespace, check: bool = False):  # noqa: ANN201
    spec, frame, designs, runs, verified = simulate_panel(panel, args, check)
    rows, het = [], []
    for design, adoption in designs.items():
        data = assemble(spec, frame, adoption, runs)
        for y in OUTCOMES:
            treated = data[data.treat == 1]
            truth = float(treated[f"true_{y}"].mean())
            for est, (e, lo, hi) in estimate(data, y).items():
                rows.append({"panel": panel, "design": design, "outcome": y, "estimator": est,
                             "estimate": e, "ci_low": lo, "ci_high": hi, "truth": truth})
            if design == "shipped":  # each adopter's mean effect beside its parameters
                per = treated.groupby("township")[f"true_{y}"].mean()
                for i, effect in per.items():
                    het.append({"panel": panel, "outcome": y, "effect": effect,
                                **{k: float(frame[k].iloc[i]) for k in spec.ranges}})
    return rows, het, verified, n_runs(runs)


def summarise(res: pd.DataFrame) -> pd.DataFrame:
    res = res.copy()
    truths = res.drop_duplicates(["design", "outcome", "panel"]).groupby(
        ["design", "outcome"]).truth.mean()
    expected = pd.Series([truths[d, o] for d, o in zip(res.design, res.outcome, strict=True)],
                         index=res.index)
    res["error"] = res.estimate - res.truth
    res["covers"] = (res.ci_low <= res.truth) & (res.truth <= res.ci_high)
    res["covers_expected"] = (res.ci_low <= expected) & (expected <= res.ci_high)
    res["width"] = res.ci_high - res.ci_low
    res["expected"] = expected
    g = res.groupby(["design", "outcome", "estimator"], sort=False)
    out = g.agg(panels=("panel", "nunique"), truth=("expected", "first"),
                bias=("error", "mean"), rmse=("error", lambda e: float(np.sqrt(np.mean(e ** 2)))),
                sd_error=("error", "std"), coverage=("covers", "mean"),
                coverage_expected=("covers_expected", "mean"), width=("width", "mean"))
    out["width_over_rmse"] = out.width / out.rmse
    return out.reset_index()


def report(res: pd.DataFrame, het: pd.DataFrame, meta: dict) -> str:
    s = summarise(res)
    n = int(s.panels.min())
    mcse = float(np.sqrt(0.95 * 0.05 / n))
    lines = [
        "# Rollout estimators: bias, RMSE, coverage and interval width (issue 19)",
        "",
        "Written by `benchmarks/rollout_coverage.py` (its docstring says what it does); do not",
        "edit by hand. Command: `" + meta["command"] + "`.",
        "",
        f"- Panels: {n} per design, each its own root seed (own township draws, adoption order",
        f"  and simulation seeds); {meta['townships']} townships of the shipped `jiangsu_rollout`",
        "  ranges and adoption shares (10 % by 2012 ... 90 % by 2017), 2010-2018, one agent per",
        f"  {meta['residents_per_agent']} residents, {meta['spinup']}-month spin-up, one replication.",
        "  The shipped spec has 40 townships at one agent per 20 and a 60-month spin-up: the",
        "  panel was made smaller so that the benchmark runs in about 40 minutes on one core",
        "  (pilot before the run: 29 s a panel at 20 townships and a 24-month spin-up, at load",
        f"  ~3.5; in the run, panel 0 with its check took {meta['panel_seconds']:.1f} s at load ~5,",
        "  later panels 12-30 s).",
        f"- Runtime: {meta['seconds'] / 60:.1f} min in one process on {meta['machine']}"
        f" (2 cores shared with other work); {meta['runs']:,} simulated runs, branched from the",
        "  no-adoption run at the adoption date (bit-identical to the runs `cogov-sim rollout`",
        f"  makes: checked on panel 0, {meta['verified']}).",
        "- Truth: each panel's own true effect, the mean over treated township-years of the",
        "  paired difference adopt - never on the same seed (what `cogov-sim rollout` reports).",
        "  *Coverage* is the share of panels whose 95 % interval contains it; *coverage of E*",
        "  the share that contains the design's expected effect (the mean of the panels' true",
        "  effects, column *truth*). Monte Carlo standard error of a coverage near 0.95:",
        f"  {mcse:.3f}. Errors clustered on townships; Callaway-Sant'Anna (`cs`, moderndid",
        "  0.4.1, not-yet-treated controls, outcome regression, analytic errors clustered on",
        "  the township) is the simple aggregation of its group-time effects.",
        "- *width/RMSE*: mean interval width over the root mean squared error. An interval",
        "  that is as wide as it needs to be for 95 % coverage of the panel's own effect has",
        f"  about 2 x {Z:.2f} = 3.9.",
        "",
        "| design | outcome | estimator | truth | bias | RMSE | coverage | coverage of E "
        "| mean CI width | width/RMSE |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in s.itertuples():
        lines.append(f"| {r.design} | {r.outcome} | {r.estimator} | {r.truth:.4f} | {r.bias:+.4f} "
                     f"| {r.rmse:.4f} | {r.coverage:.2f} | {r.coverage_expected:.2f} "
                     f"| {r.width:.4f} | {r.width_over_rmse:.1f} |")
    lines += ["", "## Heterogeneity of the true effect by township type (shipped design)", "",
              "Correlation, over adopting townships of all panels, of a township's mean true",
              "effect with its parameters (its own effect, not estimated):", "",
              "| outcome | " + " | ".join(c for c in het.columns
                                            if c not in ("panel", "outcome", "effect")) + " |",
              "|---|" + "---|" * (len(het.columns) - 3)]
    for y, g in het.groupby("outcome", sort=False):
        cors = [g.effect.corr(g[c]) for c in g.columns if c not in ("panel", "outcome", "effect")]
        lines.append(f"| {y} | " + " | ".join(f"{c:+.2f}" for c in cors) + " |")
    sd = het.groupby("outcome", sort=False).effect.agg(["mean", "std"])
    lines += ["", "Across adopting townships the mean true effect is " + "; ".join(
        f"{y} {r['mean']:.4f} (sd {r['std']:.4f})" for y, r in sd.iterrows()) + "."]
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--panels", type=int, default=100)
    ap.add_argument("--townships", type=int, default=16)
    ap.add_argument("--residents-per-agent", type=int, default=100)
    ap.add_argument("--spinup", type=int, default=12)
    ap.add_argument("--root", type=int, default=20_151_001)
    ap.add_argument("--out", type=Path, default=HERE / "rollout_coverage")
    ap.add_argument("--report", action="store_true",
                    help="only write the .md again from the .csv files and the meta .json")
    args = ap.parse_args()
    meta_json = args.out.with_name(args.out.name + "_meta.json")
    if args.report:
        meta = json.loads(meta_json.read_text("utf-8"))
        args.out.with_suffix(".md").write_text(
            report(pd.read_csv(args.out.with_suffix(".csv")),
                   pd.read_csv(args.out.with_name(args.out.name + "_het.csv")), meta), "utf-8")
        return
    logging.getLogger("MESA").setLevel(logging.WARNING)  # moderndid's import turns INFO on
    csv, het_csv = args.out.with_suffix(".csv"), args.out.with_name(args.out.name + "_het.csv")
    done = pd.read_csv(csv) if csv.exists() else pd.DataFrame()
    het = pd.read_csv(het_csv) if het_csv.exists() else pd.DataFrame()
    start = time.perf_counter()
    verified, panel_seconds, total_runs = "not checked (resumed)", float("nan"), 0
    for p in range(args.panels):
        if len(done) and p in set(done.panel):
            continue
        t0 = time.perf_counter()
        rows, h, ok, k = panel_rows(p, args, check=p == 0)
        total_runs += k
        if ok is not None:
            verified = f"{sum(ok)} of {len(ok)} runs identical"
        if p == 0:
            panel_seconds = time.perf_counter() - t0
        done = pd.concat([done, pd.DataFrame(rows)], ignore_index=True)
        het = pd.concat([het, pd.DataFrame(h)], ignore_index=True)
        done.to_csv(csv, index=False)
        het.to_csv(het_csv, index=False)
        print(f"panel {p}: {time.perf_counter() - t0:.1f} s", flush=True)
    seconds = time.perf_counter() - start
    meta = {"command": "PYTHONPATH=src python benchmarks/rollout_coverage.py "
                       f"--panels {args.panels} --townships {args.townships} "
                       f"--residents-per-agent {args.residents_per_agent} --spinup {args.spinup}",
            "townships": args.townships, "residents_per_agent": args.residents_per_agent,
            "spinup": args.spinup, "panel_seconds": panel_seconds, "seconds": seconds,
            "machine": f"{platform.machine()}, Python {platform.python_version()}",
            "runs": total_runs, "verified": verified}
    meta_json.write_text(json.dumps(meta, indent=1) + "\n", "utf-8")
    args.out.with_suffix(".md").write_text(report(done, het, meta), "utf-8")


if __name__ == "__main__":
    main()
