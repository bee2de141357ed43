"""Is an effect still changing when the run ends? The horizon check of the summary tables.

The summary reports each effect as the paired difference of the mean of the last 12
months (:mod:`cogov_sim.experiment.compare`). If that difference is still moving at the
end of the run, the number depends on the chosen horizon. For every scenario and outcome
this module fits, per replication, a least-squares line to the paired difference
``scenario - reference`` month by month over the last :data:`YEARS` reported years, and
averages the slopes (per year) across replications, with a t-interval (replications are
independent, so the interval holds whatever the autocorrelation within a run).

An effect is **still changing** when the slope's interval excludes zero and the slope
exceeds :data:`TOLERANCE` of the effect per year: extending the run by a year would move
the reported effect by more than that share. The tolerance was chosen with
``benchmarks/horizon.py`` (``benchmarks/horizon.md`` states the figures and why).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

YEARS = 2
"""Years at the end of the run over which the slope is fitted (all months if fewer)."""
TOLERANCE = 0.1
"""An effect moving by more than this share of itself per year is still changing. Chosen by
``benchmarks/horizon.py`` against what runs twice as long report: 0.1 sorts effects that
moved materially from the stable ones about as well as 0.05 (balanced accuracy 0.81 vs
0.82) with a quarter of the false alarms (17 vs 61 of 489 stable effects)."""
MIN_MONTHS = 6
"""Fewer reported months than this: no slope is fitted."""

HORIZON_COLUMNS = ("scenario", "reference", "outcome", "n", "months", "slope_per_year",
                   "slope_low", "slope_high")


def slopes(data: pd.DataFrame, outcomes: Sequence[str], reference: str,
           group: str = "scenario", years: int = YEARS, level: float = 0.95) -> pd.DataFrame:
    """Per scenario (other than ``reference``) and outcome: the mean over replications of
    the least-squares slope per year of the paired difference over the last ``years``
    reported years, with its t-interval (``slope_low``, ``slope_high``), from ``n``
    complete pairs over ``months`` months. ``data`` has one row per run and month
    (``group``, ``replication``, ``month`` and the outcome columns)."""
    last = int(data["month"].max()) if len(data) else 0
    window = data[data["month"] > last - 12 * years]
    months = int(window["month"].nunique())
    cols = list(outcomes)
    indexed = window.set_index([group, "replication", "month"])[cols]
    rows = []
    groups = [g for g in dict.fromkeys(data[group]) if g != reference]
    for g in groups:
        if reference not in indexed.index.get_level_values(0) or months < MIN_MONTHS:
            continue
        diff = (indexed.xs(g, level=group) - indexed.xs(reference, level=group))
        diff = diff.dropna(how="any").sort_index()
        # whole replications only: the same months in every fitted line
        counts = diff.groupby(level="replication").size()
        diff = diff[diff.index.get_level_values("replication").isin(counts[counts == months].index)]
        if diff.empty:
            continue
        t = diff.index.get_level_values("month").to_numpy(dtype=float) / 12.0
        t_c = t - t.reshape(-1, months).mean(axis=1).repeat(months)
        reps = diff.index.get_level_values("replication")
        num = (diff.mul(t_c, axis=0)).groupby(reps).sum()
        den = pd.Series(t_c**2, index=diff.index).groupby(reps).sum()
        per_rep = num.div(den, axis=0)  # replications x outcomes, per year
        n = len(per_rep)
        mean = per_rep.mean()
        half = (stats.t.ppf(0.5 + level / 2, n - 1) * per_rep.std(ddof=1) / np.sqrt(n)
                if n > 1 else pd.Series(np.nan, index=cols))
        for name in cols:
            rows.append({"scenario": g, "reference": reference, "outcome": name, "n": n,
                         "months": months, "slope_per_year": float(mean[name]),
                         "slope_low": float(mean[name] - half[name]),
                         "slope_high": float(mean[name] + half[name])})
    return pd.DataFrame(rows, columns=HORIZON_COLUMNS)


def still_changing(slope: pd.Series, low: pd.Series, high: pd.Series, effect: pd.Series,
                   tolerance: float = TOLERANCE) -> pd.Series:
    """True where the slope's interval excludes zero and ``|slope|`` exceeds
    ``tolerance * |effect|`` (all per year; NaN slopes are not flagged)."""
    clear = (low > 0) | (high < 0)
    return (clear & (slope.abs() > tolerance * effect.abs())).fillna(False).astype(bool)


def check(summary: pd.DataFrame, fitted: pd.DataFrame,
          tolerance: float = TOLERANCE) -> pd.DataFrame:
    """``fitted`` (from :func:`slopes`) with the end-value ``effect`` of ``summary`` (from
    :func:`~cogov_sim.experiment.compare.summary_table`), ``share_per_year`` =
    ``|slope| / |effect|`` and ``still_changing``."""
    end = summary[summary["measure"] == "end"][["scenario", "outcome", "difference"]]
    out = fitted.merge(end.rename(columns={"difference": "effect"}), on=["scenario", "outcome"],
                       how="left")
    with np.errstate(divide="ignore", invalid="ignore"):
        out["share_per_year"] = out["slope_per_year"].abs() / out["effect"].abs()
    out["still_changing"] = still_changing(out["slope_per_year"], out["slope_low"],
                                           out["slope_high"], out["effect"], tolerance)
    return out


def manifest_record(checked: pd.DataFrame, outcomes: Sequence[str],
                    tolerance: float = TOLERANCE, years: int = YEARS) -> dict[str, object]:
    """What the manifest records of the check: the rule, and every reported outcome
    still changing (scenario, outcome, slope per year, effect)."""
    flagged = checked[checked["still_changing"] & checked["outcome"].isin(list(outcomes))]
    return {"rule": f"slope of the paired difference over the last {years} reported years, "
                    f"least squares per replication; flagged where its 95 % interval excludes "
                    f"zero and it exceeds {tolerance:g} of the effect per year",
            "years": years, "tolerance_per_year": tolerance,
            "still_changing": [{"scenario": str(r.scenario), "outcome": str(r.outcome),
                                "slope_per_year": float(r.slope_per_year),
                                "effect": float(r.effect)} for r in flagged.itertuples()]}


__all__ = ["HORIZON_COLUMNS", "TOLERANCE", "YEARS", "check", "manifest_record", "slopes",
           "still_changing"]
