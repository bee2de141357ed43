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

from ..outcomes import OUTCOME_NAMES, outcome
from ..viz.labels import (
    outcome_label,
    scenario_label,
    tidy_zh,
    unit_label,
    units_text,
    with_unit,
)
from ..viz.numbers import decimals, display, number, shown

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


# -- direction: P(better) and the "better" marker -------------------------------------------

VERDICTS = ("better", "worse", "unclear")


def better_of(name: str) -> str | None:
    """Outcome ``name``'s better direction from its metadata (None for unknown names)."""
    return outcome(name).better if name in OUTCOME_NAMES else None


def p_better(name: str, p: float, low: float, high: float) -> tuple[float, float, float]:
    """P(better) and its interval from P(higher) and its interval: the same where higher
    is better, ``1 - p`` (interval flipped) where lower is; NaN without a direction."""
    better = better_of(name)
    if better == "higher":
        return p, low, high
    if better == "lower":
        return 1 - p, 1 - high, 1 - low
    return float("nan"), float("nan"), float("nan")


def verdict(name: str, low: float, high: float) -> str | None:
    """``better`` or ``worse`` where the interval ``[low, high]`` of the difference lies
    on that side of zero, ``unclear`` where it includes zero; None without a direction."""
    better = better_of(name)
    if better is None:
        return None
    if not (low > 0 or high < 0):
        return "unclear"
    return "better" if (low > 0) == (better == "higher") else "worse"


ANNOTATIONS = ("better", "p_better", "p_better_low", "p_better_high", "verdict",
               "display_unit", "display_scale", "decimals")
"""Columns :func:`annotate` adds to a summary: the direction and the display of each row
(``decimals``: the places the tables show, in display units, from one rule)."""


def annotate(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` (from :func:`summary_table`) with the columns of :data:`ANNOTATIONS`
    for the outcomes the metadata knows (others get empty values)."""
    out = table.copy()
    rows = []
    for r in table.itertuples():
        known = r.outcome in OUTCOME_NAMES
        shown_ = shown(r.outcome, r.difference, r.ci_low, r.ci_high, r.mean_a, r.mean_b) \
            if known else None
        pb = p_better(r.outcome, r.p_higher, r.p_higher_low, r.p_higher_high)
        rows.append({"better": better_of(r.outcome), "p_better": pb[0], "p_better_low": pb[1],
                     "p_better_high": pb[2], "verdict": verdict(r.outcome, r.ci_low, r.ci_high),
                     "display_unit": display(r.outcome).difference if known else None,
                     "display_scale": display(r.outcome).scale if known else float("nan"),
                     "decimals": shown_.places if shown_ else pd.NA})
    extra = pd.DataFrame(rows, index=table.index, columns=list(ANNOTATIONS))
    for column in ANNOTATIONS:
        out[column] = extra[column]
    return out


# -- text -----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Window:
    """What the summarised values average (for captions): ``months`` reported months per
    run, end values over the last ``last``, after ``spinup`` unreported months, compared
    with intervals at ``level``."""

    months: int
    last: int = 12
    spinup: int | None = None
    level: float = 0.95

    def text(self, measure: str = "end", lang: str = "en") -> str:
        """``mean of months 109–120 of 120 reported`` (and the spin-up), in ``lang``."""
        m, zh = self.months, lang == "zh"
        if measure == "end":
            first = max(m - self.last + 1, 1)
            text = (f"报告的{m}个月中第{first}–{m}个月的均值" if zh
                    else f"mean of months {first}–{m} of {m} reported")
        else:
            text = f"全部{m}个报告月份的均值" if zh else f"mean of all {m} reported months"
        if self.spinup:
            text += (f"(此前在改革前基线下预热{self.spinup}个月)" if zh
                     else f", after a {self.spinup}-month spin-up under the pre-reform baseline")
        return text


def _cell(value: object) -> str:
    """Text safe inside a Markdown table cell: ``|`` (as in design point names such as
    ``taicang_1_0 | list_strictness=0.5``) escaped, line breaks as spaces."""
    return " ".join(str(value).split("\n")).replace("\\", "\\\\").replace("|", "\\|")


_WORDS = {
    "en": {"head": ("Outcome", "Unit", "Scenario", "Scenario mean", "{ref} mean",
                    "Difference [{pct} CI]", "P(better)", "Better?"),
           "verdict": {"better": "better", "worse": "worse", "unclear": "unclear", None: "—"},
           "caption": "{window}; {n} paired replications (common random numbers); each scenario "
                      "compared with {ref}, the reference; differences with {pct} t-intervals.",
           "notes": "P(better): the share of paired replications in which the scenario does "
                    "better than the reference (ties count one half). Better?: *better* or "
                    "*worse* where the {pct} interval lies on that side of zero, *unclear* "
                    "where it includes zero, — where the outcome has no better direction. "
                    "Shares are shown in per cent (%), their differences in percentage "
                    "points (pp).",
           "horizon": "† Still changing at the horizon: consider more months. Over the last "
                      "{years} reported years these differences still move by more than "
                      "{tol} of themselves per year:",
           "moves": "{slope} {unit} per year (difference {effect})",
           "changing": "still changing at the horizon: consider more months"},
    "zh": {"head": ("指标", "单位", "情景", "情景均值", "{ref}均值", "差值[{pct}置信区间]",
                    "P(更好)", "是否更好"),
           "verdict": {"better": "更好", "worse": "更差", "unclear": "不明确", None: "—"},
           "caption": "{window}; {n}对配对重复(共同随机数); 各情景与参照情景{ref}比较; "
                      "差值附{pct} t置信区间。",
           "notes": "P(更好): 情景优于参照情景的配对重复所占比例(持平计一半)。是否更好: "
                    "{pct}置信区间完全位于零的较好一侧为“更好”, 较差一侧为“更差”, 含零为"
                    "“不明确”; “—”表示该指标没有好坏方向。比例以百分比(%)表示, 其差值以"
                    "百分点表示。",
           "horizon": "† 在模拟期末仍在变化: 考虑延长月数。最后{years}个报告年份中, 以下差值"
                      "每年的变化仍超过其自身的{tol}:",
           "moves": "每年{slope}{unit}(差值{effect})",
           "changing": "在模拟期末仍在变化: 考虑延长月数"},
}


def _pct(level: float) -> str:
    return f"{level:.0%}"


def _n_text(n: pd.Series) -> str:
    low, high = int(n.min()), int(n.max())
    return str(high) if low == high else f"{low}–{high}"


def _flagged(horizon: pd.DataFrame | None) -> set[tuple[str, str]]:
    if horizon is None or horizon.empty:
        return set()
    rows = horizon[horizon["still_changing"]]
    return set(zip(rows["scenario"].astype(str), rows["outcome"], strict=True))


def caption(table: pd.DataFrame, lang: str = "en", measure: str = "end",
            window: Window | None = None) -> str:
    """What the summary's numbers are: the window, the number of paired replications, the
    reference scenario (its display name) and the interval level."""
    words = _WORDS[lang]
    level = window.level if window else 0.95
    what = (window.text(measure, lang) if window
            else (f"最后{12}个月的均值" if lang == "zh" else MEASURES[measure]))
    ref = scenario_label(str(table["reference"].iloc[0]), lang) if len(table) else "—"
    text = words["caption"].format(window=what, n=_n_text(table["n"]) if len(table) else 0,
                                   ref=ref, pct=_pct(level))
    text = text[0].upper() + text[1:]
    return tidy_zh(text) if lang == "zh" else text


def horizon_lines(horizon: pd.DataFrame | None, outcomes: Sequence[str],
                  lang: str = "en") -> list[str]:
    """The horizon warning and one line per reported difference still changing (empty
    if none is)."""
    from .horizon import TOLERANCE, YEARS

    if horizon is None or horizon.empty:
        return []
    rows = horizon[horizon["still_changing"] & horizon["outcome"].isin(list(outcomes))]
    if rows.empty:
        return []
    words = _WORDS[lang]
    lines = [words["horizon"].format(years=YEARS, tol=_pct(TOLERANCE))]
    for r in rows.itertuples():
        scale = display(r.outcome).scale
        s = shown(r.outcome, r.slope_per_year, r.slope_low, r.slope_high)
        e = number(r.effect * scale, decimals(float("nan"), r.effect * scale), signed=True)
        unit = unit_label(display(r.outcome).difference, lang)
        moves = words["moves"].format(slope=s.difference, unit=unit, effect=e)
        lines.append(f"- {scenario_label(str(r.scenario), lang)}, "
                     f"{outcome_label(r.outcome, lang)}: {moves}")
    return [tidy_zh(line) if lang == "zh" else line for line in lines]


def summary_rows(table: pd.DataFrame, outcomes: Sequence[str], lang: str = "en",
                 measure: str = "end", labels: Mapping[str, str] | None = None,
                 window: Window | None = None,
                 horizon: pd.DataFrame | None = None) -> tuple[list[str], list[list[str]]]:
    """The summary's header and rows as text cells (one row per outcome and scenario):
    outcome, units, scenario (display name), both means, the difference with its interval
    (display units, the one rounding rule; † where still changing at the horizon),
    P(better) and the better/worse marker. The Markdown table and the brief show these."""
    words = _WORDS[lang]
    sub = table[(table["measure"] == measure) & table["outcome"].isin(outcomes)]
    level = window.level if window else 0.95
    ref = scenario_label(str(sub["reference"].iloc[0]), lang) if len(sub) else "—"
    head = [h.format(ref=ref, pct=_pct(level)) for h in words["head"]]
    if lang == "zh":
        head = [tidy_zh(h) for h in head]
    flagged = _flagged(horizon) if measure == "end" else set()
    rows = []
    for name in outcomes:
        label = (labels or {}).get(name) or outcome_label(name, lang)
        for r in sub[sub["outcome"] == name].itertuples():
            s = shown(name, r.difference, r.ci_low, r.ci_high, r.mean_a, r.mean_b)
            pb = p_better(name, r.p_higher, r.p_higher_low, r.p_higher_high)[0]
            mark = " †" if (str(r.scenario), name) in flagged else ""
            rows.append([label, units_text(name, lang), scenario_label(str(r.scenario), lang),
                         s.mean_a, s.mean_b, s.difference_with_interval + mark,
                         f"{pb:.2f}" if np.isfinite(pb) else "—",
                         words["verdict"][verdict(name, r.ci_low, r.ci_high)]])
    return head, rows


def summary_notes(lang: str = "en", window: Window | None = None) -> str:
    """What P(better), the marker and the units mean (below the summary table)."""
    notes = _WORDS[lang]["notes"].format(pct=_pct(window.level if window else 0.95))
    return tidy_zh(notes) if lang == "zh" else notes


def markdown_summary(table: pd.DataFrame, outcomes: Sequence[str], lang: str = "en",
                     measure: str = "end", labels: Mapping[str, str] | None = None,
                     window: Window | None = None,
                     horizon: pd.DataFrame | None = None) -> str:
    """The summary as a Markdown table that explains itself: a caption (window, paired
    replications, reference, interval level), the rows of :func:`summary_rows`, notes,
    and the horizon check's warnings (``horizon`` from
    :func:`cogov_sim.experiment.horizon.check`; rows still changing are marked †)."""
    sub = table[(table["measure"] == measure) & table["outcome"].isin(outcomes)]
    head, rows = summary_rows(table, outcomes, lang, measure, labels, window, horizon)
    lines = [caption(sub, lang, measure, window), "",
             "| " + " | ".join(_cell(h) for h in head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(_cell(c) for c in cells) + " |" for cells in rows]
    lines += ["", summary_notes(lang, window)]
    warning = horizon_lines(horizon, outcomes, lang) if measure == "end" else []
    if warning:
        lines += ["", *warning]
    return "\n".join(lines) + "\n"


def text_summary(table: pd.DataFrame, outcomes: Sequence[str], measure: str = "end",
                 window: Window | None = None, horizon: pd.DataFrame | None = None) -> str:
    """A short plain-text summary for the terminal: per scenario (display names), the
    difference from the reference in display units with its interval, P(better) and the
    better/worse marker, rounded as in the tables; † where still changing at the horizon."""
    sub = table[(table["measure"] == measure) & table["outcome"].isin(outcomes)]
    if sub.empty:
        return "(no complete pairs of runs to compare)"
    labels = {n: with_unit(outcome_label(n), unit_label(display(n).difference))
              for n in outcomes}
    width = max(len(v) for v in labels.values()) + 2
    level = window.level if window else 0.95
    what = window.text(measure) if window else MEASURES[measure]
    ref = scenario_label(str(sub["reference"].iloc[0]))
    lines = [f"Difference from {ref} ({what}; {_n_text(sub['n'])} paired replications; "
             f"difference [{_pct(level)} CI], P(better)):"]
    flagged = _flagged(horizon) if measure == "end" else set()
    for scenario, rows in sub.groupby("scenario", sort=False):
        lines.append(f"  {scenario_label(str(scenario))}")
        for r in rows.itertuples():
            s = shown(r.outcome, r.difference, r.ci_low, r.ci_high)
            pb = p_better(r.outcome, r.p_higher, r.p_higher_low, r.p_higher_high)[0]
            p_text = f"P(better)={pb:.2f}" if np.isfinite(pb) else ""
            mark = _WORDS["en"]["verdict"][verdict(r.outcome, r.ci_low, r.ci_high)]
            dagger = "  †" if (str(scenario), r.outcome) in flagged else ""
            lines.append(f"    {labels[r.outcome].ljust(width)}{s.difference:>9} {s.interval}  "
                         f"{p_text:<15}{mark}{dagger}")
    if flagged & {(str(s), o) for s, o in zip(sub["scenario"], sub["outcome"], strict=True)}:
        lines.append(f"† {_WORDS['en']['changing']} (see tables/summary.md)")
    return "\n".join(lines)


__all__ = ["ANNOTATIONS", "MEASURES", "VERDICTS", "PairedStats", "Window", "annotate",
           "caption", "clopper_pearson", "compare", "group_means", "horizon_lines",
           "markdown_summary", "p_better", "paired_stats", "per_run", "summary_notes",
           "summary_rows", "summary_table", "text_summary", "verdict"]
