"""Markdown reports and figures of validation and calibration folders."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..experiment.runner import RunReport
from ..viz.numbers import decimals, number
from .api import EVIDENCE
from .patterns import BY_ID
from .spec import CalibrationSpec, ValidationSpec


def _fmt(x: float) -> str:
    if x is None or np.isnan(x):
        return "–"
    return f"{x:,.4g}" if np.isfinite(x) else ("∞" if x > 0 else "−∞")


def _estimate(mean: float, low: float, high: float) -> str:
    """``mean (low to high)`` rounded by the tables' one rule (from the interval's width)."""
    if mean is None or not np.isfinite(mean):
        return "–"
    places = decimals((high - low) / 2, mean)
    return f"{number(mean, places)} ({number(low, places)} to {number(high, places)})"


def validation_markdown(spec: ValidationSpec, verdicts: pd.DataFrame, robust: pd.DataFrame,
                        figures: bool = True) -> str:
    passed = int(verdicts["passes"].sum())
    counted = verdicts.loc[verdicts["counted"], "pattern"].tolist() \
        if "counted" in verdicts else []
    size = spec.size.label()
    lines = [f"# Validation: {spec.name}", "",
             spec.description, "",
             f"{passed} of {len(verdicts)} patterns pass; {len(counted)} count as evidence "
             f"({', '.join(counted) or 'none'}): held out, inside their band, and outside it "
             "under their falsifier. One set of parameter values for "
             f"every pattern: the presets" + (f" with {_context(spec.context)}"
                                              if spec.context else "") + ". ",
             f"Main runs: {size}, {spec.replications} seeds per scenario (root seed "
             f"{spec.root_seed}, common random numbers); static presets read on their last "
             "two reported years, the `taicang_history` timeline on calendar years.", "",
             "A pattern passes when the mean over seeds lies inside its band; the 95 % "
             "t-interval and the share of seeds inside the band show how firm the verdict "
             "is. **Role**: *calibration* rows were used to choose parameter values (see "
             "`cogov-sim calibrate`), so passing them is no test; *held out* rows were not. "
             "**Status** is from docs/ODD.md §1: a *calibrated*, *imposed* or *identity* "
             "pattern is not a test either, whatever its role here. **Falsifier**: context "
             "parameters inside their documented ranges under which the pattern should fail, "
             "run on the same seeds; a pattern that passes there too could not have failed "
             "and is not counted, nor is one with no falsifier.", "",
             "| pattern | claim | source | model statistic | band | model mean (95 % CI) "
             "| seeds in band | verdict | role | status | falsifier: value there | evidence |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in verdicts.itertuples():
        band = r.band + (f" ({r.band_note})" if r.band_note else "")
        falsifier = getattr(r, "falsifier", "") or "—"
        if falsifier != "—" and pd.notna(getattr(r, "falsifier_mean", np.nan)):
            falsifier += (f": {_estimate(r.falsifier_mean, r.falsifier_ci_low, r.falsifier_ci_high)}"
                          f", {'passes' if r.falsifier_passes else 'fails'}")
        if getattr(r, "falsifier_note", ""):
            falsifier += f" ({r.falsifier_note})"
        lines.append(f"| {r.pattern} | {r.claim} | {r.source} | {r.statistic} | {band} | "
                     f"{_estimate(r.mean, r.ci_low, r.ci_high)} | "
                     f"{r.share_in_band:.0%} | {'pass' if r.passes else '**FAIL**'} | "
                     f"{r.role} | {r.status} | {falsifier} | "
                     f"{EVIDENCE.get(getattr(r, 'evidence', ''), '—')} |")
    if figures:
        lines += ["", "![validation](figures/validation.png)"]
    lines += ["", "## Robustness", ""]
    if robust["variant"].nunique() < 2:
        lines.append("No robustness sizes in the spec (`[robustness]`): only the main runs.")
    else:
        lines += ["Share of seeds whose statistic lies inside the band, and the verdict on "
                  "the mean, for each size and sample rate (variant 0 is the main run).", ""]
        table = robust.assign(
            cell=[f"{s:.0%} {'pass' if p else 'FAIL'}"
                  for s, p in zip(robust["share_in_band"], robust["passes"], strict=True)],
            size=[f"{int(v)}: {r:,} in {c}, 1:{k}, {n} seeds" for v, r, c, k, n in zip(
                robust["variant"], robust["residents"], robust["communities"],
                robust["residents_per_agent"], robust["seeds"], strict=True)])
        wide = table.pivot(index="pattern", columns="size", values="cell")
        wide = wide.loc[list(spec.patterns)]
        lines.append("| pattern | " + " | ".join(wide.columns) + " |")
        lines.append("|---|" + "---|" * len(wide.columns))
        for pid, row in wide.iterrows():
            lines.append(f"| {pid} | " + " | ".join(row.tolist()) + " |")
        flips = [pid for pid, g in robust.groupby("pattern") if g["passes"].nunique() > 1]
        lines += ["", "Verdicts that change with size or sample rate: "
                  + (", ".join(sorted(flips)) if flips else "none") + "."]
    return "\n".join(lines) + "\n"


def _context(context: dict[str, float | int]) -> str:
    return ", ".join(f"`{k}` = {v:g}" for k, v in context.items())


def validation_figure(verdicts: pd.DataFrame, per_rep: pd.DataFrame, path: Path) -> None:
    """One small panel per pattern: the band, every seed's value, the mean with its CI."""
    n = len(verdicts)
    cols = 4
    rows = int(np.ceil(n / cols))
    fig = Figure(figsize=(3.2 * cols, 2.0 * rows), layout="constrained")
    for i, r in enumerate(verdicts.itertuples()):
        ax = fig.add_subplot(rows, cols, i + 1)
        x = per_rep[r.pattern].dropna().to_numpy(float)
        finite = [v for v in (r.low, r.high) if np.isfinite(v)]
        span = [*finite, *x] if len(x) else finite
        lo, hi = min(span), max(span)
        pad = (hi - lo) * 0.25 or abs(hi) * 0.1 or 1.0
        left = r.low if np.isfinite(r.low) else lo - pad
        right = r.high if np.isfinite(r.high) else hi + pad
        ax.axvspan(left, right, color="tab:green" if r.passes else "tab:red", alpha=0.15)
        ax.scatter(x, np.zeros_like(x) + 0.1 * np.sin(np.arange(len(x))), s=10, color="0.4")
        ax.errorbar([r.mean], [0], xerr=[[r.mean - r.ci_low], [r.ci_high - r.mean]],
                    fmt="o", color="black", capsize=3)
        ax.set_xlim(lo - pad, hi + pad)
        ax.set_yticks([])
        ax.set_ylim(-0.5, 0.5)
        ax.set_title(f"{r.pattern} ({r.role}): {'pass' if r.passes else 'FAIL'}", fontsize=9)
        ax.tick_params(labelsize=7)
    fig.suptitle("Model (dots: seeds; black: mean, 95 % CI) against each pattern's band",
                 fontsize=10)
    fig.savefig(path, dpi=110)


def calibration_markdown(spec: CalibrationSpec, samples: pd.DataFrame,
                         posterior: pd.DataFrame, corr: pd.DataFrame,
                         report: RunReport | None, figures: bool = True) -> str:
    acc = samples[samples["accepted"]]
    lines = [f"# Calibration: {spec.name}", "", spec.description, "",
             "Method: pattern-oriented rejection filtering (Grimm et al. 2005; Hartig et al. "
             "2011): prior samples from a Latin hypercube over the parameters, each run "
             f"{spec.replications} time(s) on seeds from root seed {spec.root_seed}; a sample "
             "is accepted when the mean over seeds of every target statistic lies inside "
             "the target's band.", "",
             f"Runs: {spec.size.label()}; {spec.n} prior samples.", "",
             "## Targets (calibration subset)", "",
             "| pattern | claim | source | statistic | band |", "|---|---|---|---|---|"]
    for pid in spec.targets:
        p = BY_ID[pid]
        low, high = spec.band(pid)
        given = " (from the spec's [bands])" if pid in spec.bands else ""
        lines.append(f"| {pid} | {p.claim} | {p.source} | {p.statistic} | {low:.4g} to "
                     f"{high:.4g}{given} |")
    lines += ["", "## Posterior", "",
              f"{len(acc)} of {len(samples)} samples accepted.", "",
              "| parameter | prior | accepted range | 5 % | median | 95 % | share of prior "
              "range |", "|---|---|---|---|---|---|---|"]
    for r in posterior.itertuples():
        lines.append(f"| `{r.parameter}` | {r.prior_low:g}–{r.prior_high:g} | "
                     f"{_fmt(r.accepted_min)}–{_fmt(r.accepted_max)} | {_fmt(r.q05)} | "
                     f"{_fmt(r.median)} | {_fmt(r.q95)} | {_fmt(r.share_of_prior_range)} |")
    names = list(spec.parameters)
    if len(names) > 1:
        lines += ["", "Correlations of the accepted samples:", "",
                  "| | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
        for r in corr.itertuples(index=False):
            lines.append(f"| `{r[0]}` | " + " | ".join(_fmt(v) for v in r[1:]) + " |")
    if report is not None:
        lines += ["", f"This call: {len(report.done)} run(s) done, {len(report.skipped)} "
                  f"already done, {len(report.failed)} failed, {report.seconds:.0f} s."]
    if figures:
        lines += ["", "![posterior](figures/posterior.png)"]
    return "\n".join(lines) + "\n"


def calibration_figure(samples: pd.DataFrame, spec: CalibrationSpec, path: Path) -> None:
    """Every pair of parameters: prior samples in grey, accepted ones in colour; and each
    target statistic against the first parameter with its band."""
    names = list(spec.parameters)
    acc = samples["accepted"].to_numpy(bool)
    pairs = [(a, b) for i, a in enumerate(names) for b in names[i + 1:]]
    panels = len(pairs) + len(spec.targets)
    fig = Figure(figsize=(3.6 * panels, 3.2), layout="constrained")
    for i, (a, b) in enumerate(pairs):
        ax = fig.add_subplot(1, panels, i + 1)
        ax.scatter(samples[a], samples[b], s=8, color="0.75", label="rejected")
        ax.scatter(samples.loc[acc, a], samples.loc[acc, b], s=12, color="tab:blue",
                   label="accepted")
        ax.set_xlabel(a)
        ax.set_ylabel(b)
        ax.legend(fontsize=7)
    for j, pid in enumerate(spec.targets):
        ax = fig.add_subplot(1, panels, len(pairs) + j + 1)
        low, high = spec.band(pid)
        ax.axhspan(low, high, color="tab:green", alpha=0.15)
        ax.scatter(samples[names[0]], samples[pid], s=8,
                   c=np.where(acc, "tab:blue", "0.6"))
        ax.set_xlabel(names[0])
        ax.set_ylabel(f"{pid}: {BY_ID[pid].statistic}", fontsize=7)
    fig.suptitle(f"Calibration {spec.name}: {int(acc.sum())} of {len(samples)} samples "
                 "accepted", fontsize=10)
    fig.savefig(path, dpi=110)
