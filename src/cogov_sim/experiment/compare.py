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

Against spending (``spend_per_resident``) each outcome also gets its **marginal cost**: the
mean paired difference in spending divided by the mean paired improvement, in yuan per
resident a year per unit of the outcome (an incremental cost-effectiveness ratio against
the reference, never a level over total spend), with Fieller's interval for a ratio of
means of paired data (Fieller 1954, *J. R. Stat. Soc. B* 16:175–185; for
cost-effectiveness ratios: Willan & O'Brien 1996, *Health Economics* 5:297–305).
Where the improvement's interval includes zero the ratio has no bounded interval and is
not reported; a scenario better and cheaper than the reference is *dominant*, one worse
and no cheaper is *dominated*.

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


COST = "spend_per_resident"
"""The cost that marginal cost-effectiveness divides by: government community spending
in yuan per resident per year (every lever's money items, ``delegation.allocate_budget``)."""

COST_VERDICTS = ("cost", "dominant", "dominated", "saving", "unclear")
"""``cost``: better at an extra cost (``marginal_cost`` yuan per unit gained, may include
zero when the extra cost is unclear); ``dominant``: better and cheaper; ``dominated``:
worse and not cheaper; ``saving``: worse and cheaper (``marginal_cost`` yuan saved per unit
lost); ``unclear``: the outcome's difference includes zero (no bounded ratio)."""

MARGINAL_COLUMNS = ("cost_difference", "cost_low", "cost_high", "marginal_cost",
                    "marginal_cost_low", "marginal_cost_high", "cost_verdict")
"""Columns :func:`summary_table` adds: the paired difference in :data:`COST` with its
t-interval, the marginal cost per unit of improvement (display units of the outcome's
difference, e.g. per percentage point) with its Fieller interval, and the
:data:`COST_VERDICTS` verdict."""


def fieller(cost: Sequence[float] | np.ndarray, gain: Sequence[float] | np.ndarray,
            level: float = 0.95) -> tuple[float, float, float]:
    """``mean(cost) / mean(gain)`` of paired per-replication differences and Fieller's
    interval for it: the ratios R for which ``mean(cost) - R mean(gain)`` is not
    significantly different from zero at ``level`` (a paired t-test). The interval is
    bounded only where ``mean(gain)`` differs from zero at ``level``; otherwise it is
    ``(-inf, inf)`` (an honest "no bounded interval", not a huge number). Pairs with a
    missing value are dropped; fewer than two pairs give NaN bounds.

    With a cost difference that does not vary, the interval is the cost over the gain's
    t-interval:

    >>> r, lo, hi = fieller([2.0, 2.0, 2.0, 2.0], [0.9, 1.1, 1.0, 1.0])
    >>> round(r, 6), round(lo, 4), round(hi, 4)
    (2.0, 1.77, 2.2986)
    """
    c, g = np.asarray(cost, dtype=float), np.asarray(gain, dtype=float)
    keep = np.isfinite(c) & np.isfinite(g)
    c, g = c[keep], g[keep]
    n = c.size
    if n == 0:
        return float("nan"), float("nan"), float("nan")
    a, b = float(c.mean()), float(g.mean())
    ratio = a / b if b != 0 else float("nan")
    if n < 2:
        return ratio, float("nan"), float("nan")
    v = np.cov(c, g, ddof=1) / n
    t2 = float(stats.t.ppf(0.5 + level / 2, n - 1)) ** 2
    qa = b * b - t2 * v[1, 1]
    qb = a * b - t2 * v[0, 1]
    qc = a * a - t2 * v[0, 0]
    if qa <= 0:
        return ratio, float("-inf"), float("inf")
    root = float(np.sqrt(max(qb * qb - qa * qc, 0.0)))
    return ratio, float((qb - root) / qa), float((qb + root) / qa)


def marginal_cost(name: str, cost: np.ndarray, difference: np.ndarray,
                  level: float = 0.95) -> dict[str, float | str | None]:
    """The :data:`MARGINAL_COLUMNS` of outcome ``name`` from paired per-replication
    differences (scenario − reference) in :data:`COST` and in the outcome. The improvement
    is the difference in the outcome's better direction, in display units (the ratio is
    yuan per resident a year per percentage point, index point, ...); outcomes without a
    direction, and the cost itself, get no ratio."""
    c = paired_stats(cost, np.zeros_like(cost), level)
    out: dict[str, float | str | None] = {
        "cost_difference": c.difference, "cost_low": c.ci_low, "cost_high": c.ci_high,
        "marginal_cost": float("nan"), "marginal_cost_low": float("nan"),
        "marginal_cost_high": float("nan"), "cost_verdict": None}
    better = better_of(name)
    if better is None or name == COST or c.n < 2:
        return out
    sign = 1.0 if better == "higher" else -1.0
    gain = sign * np.asarray(difference, dtype=float) * display(name).scale
    g = paired_stats(gain, np.zeros_like(gain), level)
    cheaper = c.ci_high < 0
    if not (g.ci_low > 0 or g.ci_high < 0):
        out["cost_verdict"] = "unclear"
        return out
    if g.ci_low > 0:
        out["cost_verdict"] = "dominant" if cheaper else "cost"
    else:
        out["cost_verdict"] = "saving" if cheaper else "dominated"
    if out["cost_verdict"] in ("cost", "saving"):
        ratio, low, high = fieller(cost, gain, level)
        out.update(marginal_cost=ratio, marginal_cost_low=low, marginal_cost_high=high)
    return out


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


def marginal_costs(values: pd.DataFrame, outcomes: Sequence[str], reference: str | None = None,
                   group: str = "scenario", level: float = 0.95,
                   order: Sequence[str] | None = None) -> pd.DataFrame:
    """Per group (but the reference) and outcome, :func:`marginal_cost` against
    ``reference`` (default: the first group), paired on replication; ``values`` from
    :func:`per_run` with a :data:`COST` column. Columns: ``scenario``, ``outcome`` and
    :data:`MARGINAL_COLUMNS`."""
    groups = list(order) if order is not None else list(dict.fromkeys(values[group]))
    reference = groups[0] if reference is None else reference
    wide = values.pivot(index="replication", columns=group, values=list(dict.fromkeys([*outcomes, COST])))
    def column(name: str, g: str) -> pd.Series:  # NaN where a group has no finished run
        return wide[(name, g)] if (name, g) in wide else pd.Series(np.nan, index=wide.index)

    rows = []
    for g in groups:
        if g == reference:
            continue
        cost = (column(COST, g) - column(COST, reference)).to_numpy()
        for name in outcomes:
            diff = (column(name, g) - column(name, reference)).to_numpy()
            rows.append({"scenario": g, "outcome": name,
                         **marginal_cost(name, cost, diff, level)})
    return pd.DataFrame(rows, columns=["scenario", "outcome", *MARGINAL_COLUMNS])


def summary_table(data: pd.DataFrame, outcomes: Sequence[str], group: str = "scenario",
                  reference: str | None = None, order: Sequence[str] | None = None,
                  level: float = 0.95) -> pd.DataFrame:
    """Paired comparisons against the reference for both measures (``end``, ``mean``),
    with the :data:`MARGINAL_COLUMNS` where the data have :data:`COST` (empty otherwise)."""
    parts = []
    costed = COST in data.columns
    for measure in MEASURES:
        values = per_run(data, list(dict.fromkeys([*outcomes, COST])) if costed else outcomes,
                         measure, group)
        table = compare(values, outcomes, reference, group, level, order)
        if costed and not table.empty:
            table = table.merge(marginal_costs(values, outcomes, table["reference"].iloc[0],
                                               group, level, order),
                                on=["scenario", "outcome"], how="left", sort=False)
        else:
            for column in MARGINAL_COLUMNS:
                table[column] = None if column == "cost_verdict" else float("nan")
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


_COST_WORDS = {
    "en": {"title": "Marginal cost against {ref}",
           "caption": "{window}; {n} paired replications. Extra spending: the scenario's "
                      "government community spending minus {ref}'s, in yuan per resident a "
                      "year, with its {pct} t-interval. Cost per unit: that extra spending "
                      "divided by the improvement in the outcome (paired, common random "
                      "numbers), with its {pct} Fieller interval; not a level divided by "
                      "total spending.",
           "head": ("Scenario", "Extra spending (yuan per resident a year) [{pct} CI]",
                    "Outcome", "Cost per unit of improvement [{pct} CI]"),
           "cost": "{value} {interval} yuan per {unit}",
           "saving": "worse; saves {value} {interval} yuan per {unit} lost",
           "dominant": "better and cheaper (dominant)",
           "dominated": "worse and not cheaper (dominated)",
           "unclear": "— (difference unclear)",
           "spending": "Extra spending {value} {interval} yuan per resident a year"},
    "zh": {"title": "相对{ref}的边际成本",
           "caption": "{window}; {n}对配对重复。追加支出: 情景的政府社区支出减去{ref}的支出, "
                      "单位为元/人/年, 附{pct} t置信区间。单位改善成本: 追加支出除以该指标的改善"
                      "(配对, 共同随机数), 附{pct} Fieller置信区间; 不是水平值除以总支出。",
           "head": ("情景", "追加支出(元/人/年)[{pct}置信区间]", "指标",
                    "单位改善成本[{pct}置信区间]"),
           "cost": "每{unit} {value} {interval}元",
           "saving": "更差; 每损失{unit}节省 {value} {interval}元",
           "dominant": "更好且更省(占优)",
           "dominated": "更差且不更省(劣势)",
           "unclear": "—(差值不明确)",
           "spending": "追加支出 {value} {interval}元/人/年"},
}


_PER_UNIT = {
    "pp": (1.0, "percentage point", "个百分点"),
    "index points": (1.0, "index point", "指数点"),
    "points on the 0-1 scale": (0.01, "0.01 on the 0-1 scale", "0.01分(0-1标度)"),
}
"""Units of improvement that a marginal cost is per, by the display unit of differences:
``(step, English, Chinese)``; a step of 0.01 on a 0-1 scale reads better than a whole
scale. Other units are per one of themselves."""


def per_unit(name: str, lang: str = "en") -> tuple[float, str]:
    """``(step, label)``: outcome ``name``'s marginal cost is shown per ``step`` display
    units of improvement, named ``label`` in ``lang``."""
    unit = display(name).difference
    if unit in _PER_UNIT:
        step, en, zh = _PER_UNIT[unit]
        return step, zh if lang == "zh" else en
    return 1.0, f"1{unit_label(unit, lang)}" if lang == "zh" else f"1 {unit}"


def _places(value: float, low: float, high: float) -> int:
    """Decimals by the one rule; a half-width below 1e-9 of the value (rounding error of
    an interval with no spread) counts as none."""
    half = (high - low) / 2
    return decimals(half if half > 1e-9 * abs(value) else 0.0, value)


def _ratio_text(value: float, low: float, high: float) -> tuple[str, str]:
    """A ratio and its interval rounded by the one rule (two significant digits of the
    half-width)."""
    places = _places(value, low, high)
    return number(value, places), f"[{number(low, places)}, {number(high, places)}]"


def cost_cell(name: str, verdict_: str | None, ratio: float, low: float, high: float,
              lang: str = "en") -> str:
    """The cost-per-unit cell of outcome ``name`` for one scenario (see
    :data:`COST_VERDICTS`)."""
    words = _COST_WORDS[lang]
    if verdict_ in ("cost", "saving"):
        step, unit = per_unit(name, lang)
        value, interval = _ratio_text(ratio * step, low * step, high * step)
        return words[verdict_].format(value=value, interval=interval, unit=unit)
    return words.get(verdict_ or "unclear", "—")


def spending_text(cost: float, low: float, high: float, lang: str = "en",
                  bare: bool = False) -> str:
    """The extra spending with its interval (``bare``: without words)."""
    places = _places(cost, low, high)
    value = number(cost, places, True)
    interval = f"[{number(low, places, True)}, {number(high, places, True)}]"
    return f"{value} {interval}" if bare else _COST_WORDS[lang]["spending"].format(
        value=value, interval=interval)


def marginal_rows(table: pd.DataFrame, outcomes: Sequence[str], lang: str = "en",
                  measure: str = "end", window: Window | None = None,
                  labels: Mapping[str, str] | None = None) -> tuple[list[str], list[list[str]]]:
    """The marginal-cost table's header and rows (one per scenario and outcome with a
    better direction, the cost itself left out); no rows without cost columns."""
    words = _COST_WORDS[lang]
    level = window.level if window else 0.95
    head = [h.format(pct=_pct(level)) for h in words["head"]]
    if lang == "zh":
        head = [tidy_zh(h) for h in head]
    rows: list[list[str]] = []
    if "cost_verdict" not in table.columns:
        return head, rows
    sub = table[(table["measure"] == measure) & table["outcome"].isin(outcomes)
                & table["cost_difference"].notna()]
    order = {o: i for i, o in enumerate(outcomes)}
    sub = sub.assign(_o=sub["outcome"].map(order)).sort_values(["_o"], kind="stable")
    scenarios = list(dict.fromkeys(sub["scenario"]))
    sub = sub.assign(_s=sub["scenario"].map({s_: i for i, s_ in enumerate(scenarios)}))
    sub = sub.sort_values(["_s", "_o"], kind="stable")
    seen: set[str] = set()
    for r in sub.itertuples():
        if better_of(r.outcome) is None or r.outcome == COST:
            continue
        label = (labels or {}).get(r.outcome) or outcome_label(r.outcome, lang)
        cell = cost_cell(r.outcome, r.cost_verdict, r.marginal_cost, r.marginal_cost_low,
                         r.marginal_cost_high, lang)
        first = str(r.scenario) not in seen
        seen.add(str(r.scenario))
        rows.append([scenario_label(str(r.scenario), lang) if first else "",
                     spending_text(r.cost_difference, r.cost_low, r.cost_high, lang, bare=True)
                     if first else "",
                     label, tidy_zh(cell) if lang == "zh" else cell])
    return head, rows


def marginal_caption(table: pd.DataFrame, outcomes: Sequence[str], lang: str = "en",
                     measure: str = "end", window: Window | None = None) -> tuple[str, str]:
    """The marginal-cost table's title and caption: reference, window, paired
    replications, what the columns divide, the interval methods."""
    sub = table[(table["measure"] == measure) & table["outcome"].isin(outcomes)]
    words = _COST_WORDS[lang]
    level = window.level if window else 0.95
    ref = scenario_label(str(sub["reference"].iloc[0]), lang) if len(sub) else "—"
    what = window.text(measure, lang) if window else MEASURES[measure]
    text = words["caption"].format(window=what, n=_n_text(sub["n"]) if len(sub) else 0,
                                   ref=ref, pct=_pct(level))
    text = text[0].upper() + text[1:]
    title = words["title"].format(ref=ref)
    return (tidy_zh(title), tidy_zh(text)) if lang == "zh" else (title, text)


def marginal_markdown(table: pd.DataFrame, outcomes: Sequence[str], lang: str = "en",
                      measure: str = "end", window: Window | None = None,
                      labels: Mapping[str, str] | None = None) -> str:
    """The marginal-cost section of the summary (empty text without cost columns)."""
    head, rows = marginal_rows(table, outcomes, lang, measure, window, labels)
    if not rows:
        return ""
    title, text = marginal_caption(table, outcomes, lang, measure, window)
    lines = [f"## {title}", "", text, "",
             "| " + " | ".join(_cell(h) for h in head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(_cell(c) for c in cells) + " |" for cells in rows]
    return "\n".join(lines) + "\n"


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
    costs = marginal_markdown(table, outcomes, lang, measure, window, labels)
    if costs:
        lines += ["", costs.rstrip("\n")]
    return "\n".join(lines) + "\n"


def text_summary(table: pd.DataFrame, outcomes: Sequence[str], measure: str = "end",
                 window: Window | None = None, horizon: pd.DataFrame | None = None,
                 lang: str = "en") -> str:
    """A short plain-text summary for the terminal: per scenario (display names), the
    difference from the reference in display units with its interval, P(better) and the
    better/worse marker, rounded as in the tables; † where still changing at the horizon.
    In English or Chinese (``lang``)."""
    zh = lang == "zh"
    sub = table[(table["measure"] == measure) & table["outcome"].isin(outcomes)]
    if sub.empty:
        return "(没有可比较的完整配对运行)" if zh else "(no complete pairs of runs to compare)"
    labels = {n: with_unit(outcome_label(n, lang), unit_label(display(n).difference, lang), lang)
              for n in outcomes}
    width = max(_text_width(v) for v in labels.values()) + 2
    level = window.level if window else 0.95
    what = window.text(measure, lang) if window else MEASURES[measure]
    ref = scenario_label(str(sub["reference"].iloc[0]), lang)
    lines = [f"与{ref}的差值({what}; {_n_text(sub['n'])}对配对重复; 差值[{_pct(level)}置信区间], "
             f"P(更好)):" if zh else
             f"Difference from {ref} ({what}; {_n_text(sub['n'])} paired replications; "
             f"difference [{_pct(level)} CI], P(better)):"]
    flagged = _flagged(horizon) if measure == "end" else set()
    costed = "cost_verdict" in sub.columns and sub["cost_difference"].notna().any()
    for scenario, rows in sub.groupby("scenario", sort=False):
        lines.append(f"  {scenario_label(str(scenario), lang)}")
        if costed:
            first = rows.iloc[0]
            lines.append("    " + spending_text(first["cost_difference"], first["cost_low"],
                                               first["cost_high"], lang))
        for r in rows.itertuples():
            s = shown(r.outcome, r.difference, r.ci_low, r.ci_high)
            pb = p_better(r.outcome, r.p_higher, r.p_higher_low, r.p_higher_high)[0]
            p_text = (f"P({'更好' if zh else 'better'})={pb:.2f}" if np.isfinite(pb) else "")
            mark = _WORDS[lang]["verdict"][verdict(r.outcome, r.ci_low, r.ci_high)]
            dagger = "  †" if (str(scenario), r.outcome) in flagged else ""
            per_unit = ""
            if costed and better_of(r.outcome) is not None and r.outcome != COST:
                per_unit = "  " + cost_cell(r.outcome, r.cost_verdict, r.marginal_cost,
                                            r.marginal_cost_low, r.marginal_cost_high, lang)
            label = labels[r.outcome] + " " * (width - _text_width(labels[r.outcome]))
            lines.append(f"    {label}{s.difference:>9} {s.interval}  "
                         f"{p_text:<15}{mark}{dagger}{per_unit}")
    if flagged & {(str(s), o) for s, o in zip(sub["scenario"], sub["outcome"], strict=True)}:
        see = "(见 tables/summary.zh.md)" if zh else "(see tables/summary.md)"
        lines.append(f"† {_WORDS[lang]['changing']} {see}")
    return "\n".join(lines)


def _text_width(text: str) -> int:
    """Columns ``text`` takes in a terminal (CJK characters take two)."""
    return sum(2 if "\u2e80" <= ch <= "\uffef" else 1 for ch in text)


__all__ = ["ANNOTATIONS", "COST", "COST_VERDICTS", "MARGINAL_COLUMNS", "MEASURES", "VERDICTS",
           "PairedStats", "Window", "annotate", "caption", "clopper_pearson", "compare",
           "cost_cell", "fieller", "group_means", "horizon_lines", "marginal_caption", "marginal_cost",
           "marginal_costs", "marginal_markdown", "marginal_rows", "markdown_summary",
           "p_better", "paired_stats", "per_run", "spending_text", "summary_notes",
           "summary_rows", "summary_table", "text_summary", "verdict"]
