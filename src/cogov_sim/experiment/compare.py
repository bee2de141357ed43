"""Paired comparisons of scenarios run on common random numbers.

With common random numbers (:mod:`cogov_sim.experiment.seeds`) replication *r* of every
scenario starts from the same seed, so the natural comparison of scenarios A and B is
the *paired* difference ``d_r = A_r - B_r`` per replication, not two separate means: the
township-to-township noise shared by A_r and B_r cancels. For each outcome this module
reports

* the mean difference with a Student-t confidence interval,
  ``mean(d) ± t_{n-1, 1-α/2} · sd(d) / √n`` (the paired-t interval; Law, *Simulation
  Modeling and Analysis*, 5th ed., 2015, section 10.2.1);
* the probability that A's value is higher than B's in a replication, estimated as the
  share of pairs with ``d_r > 0`` (ties count one half), with the Clopper–Pearson
  interval (Clopper & Pearson 1934, doi:10.1093/biomet/26.4.404), written with beta
  quantiles so that half-counts from ties are allowed.

Each run is first reduced to one number per outcome: its **end value** (the mean of the
last 12 months, which smooths month-to-month noise) or its **time average** (the mean
over all months).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields

import numpy as np
import pandas as pd
from scipy import stats

from ..outcomes import outcome

MEASURES = {"end": "mean of the last 12 months", "mean": "mean over all months"}


@dataclass(frozen=True, slots=True)
class PairedStats:
    """Paired comparison of A and B over ``n`` replications (``difference`` = A - B)."""

    n: int
    mean_a: float
    mean_b: float
    difference: float
    sd: float
    ci_low: float
    ci_high: float
    p_higher: float
    p_higher_low: float
    p_higher_high: float


COMPARE_COLUMNS = ("scenario", "reference", "outcome", *(f.name for f in fields(PairedStats)))


def paired_stats(a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray,
                 level: float = 0.95) -> PairedStats:
    """Paired difference of ``a`` and ``b`` (same replication at the same index).

    Pairs with a missing (NaN) value on either side are dropped. With one pair the
    interval is undefined (NaN); with zero spread it collapses onto the mean.

    Examples
    --------
    >>> s = paired_stats([2.0, 3.0, 4.0, 5.0, 6.0], [1.0, 1.0, 1.0, 1.0, 1.0])
    >>> round(s.difference, 6), round(s.ci_low, 4), round(s.ci_high, 4), s.p_higher
    (3.0, 1.0368, 4.9632, 1.0)
    """
    a_arr, b_arr = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a_arr.shape != b_arr.shape:
        raise ValueError("a and b must have the same length (one value per replication)")
    keep = np.isfinite(a_arr) & np.isfinite(b_arr)
    a_arr, b_arr = a_arr[keep], b_arr[keep]
    d = a_arr - b_arr
    n = int(d.size)
    if n == 0:
        nan = float("nan")
        return PairedStats(0, nan, nan, nan, nan, nan, nan, nan, nan, nan)
    mean = float(d.mean())
    sd = float(d.std(ddof=1)) if n > 1 else float("nan")
    if n > 1:
        half = float(stats.t.ppf(0.5 + level / 2, n - 1) * sd / np.sqrt(n))
        low, high = mean - half, mean + half
    else:
        low = high = float("nan")
    wins = float((d > 0).sum() + 0.5 * (d == 0).sum())
    p_low, p_high = clopper_pearson(wins, n, level)
    return PairedStats(n, float(a_arr.mean()), float(b_arr.mean()), mean, sd, low, high,
                       wins / n, p_low, p_high)


def clopper_pearson(k: float, n: int, level: float = 0.95) -> tuple[float, float]:
    """Exact (Clopper–Pearson) interval for a proportion of ``k`` successes in ``n``.

    >>> [round(x, 4) for x in clopper_pearson(0, 10)]
    [0.0, 0.3085]
    """
    if n <= 0:
        return float("nan"), float("nan")
    alpha = 1.0 - level
    low = 0.0 if k <= 0 else float(stats.beta.ppf(alpha / 2, k, n - k + 1))
    high = 1.0 if k >= n else float(stats.beta.ppf(1 - alpha / 2, k + 1, n - k))
    return low, high


# -- from runs to per-run values --------------------------------------------------------------

def per_run(data: pd.DataFrame, outcomes: Sequence[str], measure: str = "end",
            group: str = "scenario", last_months: int = 12) -> pd.DataFrame:
    """One row per run: ``group``, ``replication`` and one value per outcome.

    ``measure`` is ``"end"`` (mean of the last ``last_months`` months, or of all months
    in shorter runs) or ``"mean"`` (mean over all months).
    """
    if measure not in MEASURES:
        raise ValueError(f"measure '{measure}'; allowed: {', '.join(MEASURES)}")
    keys = ["run_id", group, "replication"]
    cols = list(outcomes)
    if measure == "end":
        data = data.sort_values(["run_id", "month"], kind="stable")
        data = data.groupby("run_id", sort=False).tail(last_months)
    return (data.groupby(keys, sort=True, observed=True)[cols].mean().reset_index()
            .drop(columns="run_id"))


def compare(values: pd.DataFrame, outcomes: Sequence[str], reference: str | None = None,
            group: str = "scenario", level: float = 0.95,
            order: Sequence[str] | None = None) -> pd.DataFrame:
    """Every group against ``reference`` (default: the first group), paired on
    replication, for each outcome.

    ``values`` comes from :func:`per_run`. Columns of the result: ``scenario``,
    ``reference``, ``outcome``, then the fields of :class:`PairedStats` — also when there
    is nothing to compare (a single group gives an empty frame with these columns).
    """
    groups = list(order) if order is not None else list(dict.fromkeys(values[group]))
    reference = groups[0] if reference is None else reference
    if reference not in groups:
        raise ValueError(f"reference '{reference}' is not among {groups}")
    wide = values.pivot(index="replication", columns=group, values=list(outcomes))
    rows = []
    for g in groups:
        if g == reference:
            continue
        for name in outcomes:
            a = wide[(name, g)] if (name, g) in wide else pd.Series(dtype=float)
            b = wide[(name, reference)] if (name, reference) in wide else pd.Series(dtype=float)
            a, b = a.align(b)
            rows.append({"scenario": g, "reference": reference, "outcome": name,
                         **asdict(paired_stats(a.to_numpy(), b.to_numpy(), level))})
    return pd.DataFrame(rows, columns=COMPARE_COLUMNS)


def group_means(values: pd.DataFrame, outcomes: Sequence[str], group: str = "scenario",
                level: float = 0.95, order: Sequence[str] | None = None) -> pd.DataFrame:
    """Per group and outcome: n, mean, sd, t-interval of the mean and the middle
    ``level`` share of replications (2.5th-97.5th percentiles for 0.95)."""
    groups = list(order) if order is not None else list(dict.fromkeys(values[group]))
    rows = []
    q = (0.5 - level / 2, 0.5 + level / 2)
    for g in groups:
        sub = values[values[group] == g]
        for name in outcomes:
            x = sub[name].to_numpy(dtype=float)
            x = x[np.isfinite(x)]
            n = x.size
            mean = float(x.mean()) if n else float("nan")
            sd = float(x.std(ddof=1)) if n > 1 else float("nan")
            half = (float(stats.t.ppf(0.5 + level / 2, n - 1) * sd / np.sqrt(n)) if n > 1
                    else float("nan"))
            lo, hi = (np.quantile(x, q) if n else (float("nan"), float("nan")))
            rows.append({"scenario": g, "outcome": name, "n": n, "mean": mean, "sd": sd,
                         "ci_low": mean - half, "ci_high": mean + half,
                         "range_low": float(lo), "range_high": float(hi)})
    return pd.DataFrame(rows)


def summary_table(data: pd.DataFrame, outcomes: Sequence[str], group: str = "scenario",
                  reference: str | None = None, order: Sequence[str] | None = None,
                  level: float = 0.95) -> pd.DataFrame:
    """Paired comparisons against the reference for both measures (``end``, ``mean``)."""
    parts = []
    for measure in MEASURES:
        values = per_run(data, outcomes, measure, group)
        table = compare(values, outcomes, reference, group, level, order)
        table.insert(0, "measure", measure)
        parts.append(table)
    return pd.concat(parts, ignore_index=True)


# -- text -----------------------------------------------------------------------------------

def _fmt(x: float, digits: int = 3) -> str:
    return f"{x:+.{digits}f}" if np.isfinite(x) else "n/a"


def _digits(values: pd.Series) -> int:
    """Digits that show differences of this size without wasting space."""
    finite = np.abs(values.to_numpy(dtype=float))
    finite = finite[np.isfinite(finite)]
    scale = float(finite.max()) if finite.size else 1.0
    return 1 if scale >= 100 else 2 if scale >= 10 else 3


def _cell(value: object) -> str:
    """Text safe inside a Markdown table cell: ``|`` (as in design point names such as
    ``taicang_1_0 | list_strictness=0.5``) escaped, line breaks as spaces."""
    return " ".join(str(value).split("\n")).replace("\\", "\\\\").replace("|", "\\|")


def markdown_summary(table: pd.DataFrame, outcomes: Sequence[str], lang: str = "en",
                     measure: str = "end", labels: Mapping[str, str] | None = None) -> str:
    """The summary as a Markdown table (one row per scenario and outcome)."""
    zh = lang == "zh"
    head = (["情景", "对照", "指标", "情景均值", "对照均值", "差值 [95% 置信区间]", "P(更高)"]
            if zh else ["Scenario", "vs", "Outcome", "Scenario mean", "Reference mean",
                        "Difference [95% CI]", "P(higher)"])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    sub = table[(table["measure"] == measure) & table["outcome"].isin(outcomes)]
    for name in outcomes:
        rows = sub[sub["outcome"] == name]
        digits = _digits(rows[["mean_a", "mean_b"]].stack()) if len(rows) else 3
        label = (labels or {}).get(name) or getattr(outcome(name), lang)
        for _, r in rows.iterrows():
            diff = (f"{_fmt(r.difference, digits)} [{_fmt(r.ci_low, digits)}, "
                    f"{_fmt(r.ci_high, digits)}]")
            lines.append(f"| {_cell(r.scenario)} | {_cell(r.reference)} | {_cell(label)} | "
                         f"{r.mean_a:.{digits}f} | "
                         f"{r.mean_b:.{digits}f} | {diff} | {r.p_higher:.2f} |")
    return "\n".join(lines) + "\n"


def text_summary(table: pd.DataFrame, outcomes: Sequence[str], measure: str = "end") -> str:
    """A short plain-text summary for the terminal: per scenario, difference from the
    reference with its interval and P(higher), for ``outcomes``."""
    sub = table[(table["measure"] == measure) & table["outcome"].isin(outcomes)]
    if sub.empty:
        return "(no complete pairs of runs to compare)"
    labels = {n: outcome(n).en for n in outcomes}
    width = max(len(v) for v in labels.values()) + 2
    lines = [f"Difference from '{sub['reference'].iloc[0]}' ({MEASURES[measure]}; "
             "mean [95% CI], P(higher), n pairs):"]
    for scenario, rows in sub.groupby("scenario", sort=False):
        lines.append(f"  {scenario}")
        for _, r in rows.iterrows():
            d = _digits(pd.Series([r.mean_a, r.mean_b]))
            lines.append(f"    {labels[r.outcome].ljust(width)}{_fmt(r.difference, d):>9} "
                         f"[{_fmt(r.ci_low, d)}, {_fmt(r.ci_high, d)}]  "
                         f"P={r.p_higher:.2f}  n={r.n}")
    return "\n".join(lines)


__all__ = ["MEASURES", "PairedStats", "clopper_pearson", "compare", "group_means",
           "markdown_summary", "paired_stats", "per_run", "summary_table", "text_summary"]
