"""Figures of an experiment: outcomes over time by scenario with uncertainty bands, and
paired differences from the reference scenario; and of an ablation
(:mod:`cogov_sim.ablation`): the paired effect of cutting each mechanism.

Reads the frame of :func:`cogov_sim.experiment.load_outcomes` (one row per run and month)
and the summary of :mod:`cogov_sim.experiment.compare`; never runs the model. Labels come
from :mod:`cogov_sim.viz.labels` in English or Chinese.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from pathlib import Path

from . import file_backend

file_backend()
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from ..rules.requests import DIMENSIONS  # noqa: E402
from .labels import (  # noqa: E402
    check_language,
    difference_axis_label,
    language_style,
    level_axis_label,
    mechanism_label,
    outcome_label,
    scenario_label,
    tidy_zh,
)
from .numbers import display, shown  # noqa: E402

KEY_OUTCOMES = ("participation_rate", "happiness_index", "admin_burden", "trust_committee",
                "trust_government", "trust_so", "so_per_10k", "resolution_rate")
HAPPINESS = ("happiness_index", *(f"sat_{d}" for d in DIMENSIONS))
FIGURE_SETS = {"outcomes": KEY_OUTCOMES, "happiness": HAPPINESS}

_TEXT = {
    "en": {"year": "year", "band": "lines: mean of {n} replications; bands: middle {pct} of "
           "replications", "diff": "difference from {ref} ({window}), "
           "mean and 95 % CI over {n} paired replications",
           "last": "mean of the last 12 months",
           "thin": "where no band shows, it is narrower than the line",
           "narrow": "where no interval shows beside a marker, it is narrower than the marker "
                     "(the caps mark its ends)",
           "cut": "effect of cutting each mechanism: cut - intact (mean of the last {m} months), "
                  "mean and 95 % CI over {n} paired replications; filled: the interval "
                  "excludes zero"},
    "zh": {"year": "年", "band": "线: {n} 次重复的均值; 带: 中间 {pct} 的重复",
           "diff": "与{ref}的差值({window}), 均值及{n}对配对重复的95%置信区间",
           "last": "最后12个月均值",
           "thin": "看不到带的地方, 带比线更窄",
           "narrow": "标记旁看不到区间之处, 区间比标记更窄(短竖线标出其两端)",
           "cut": "切除各机制的效应: 切除 - 完整(最后{m}个月均值), 均值及{n}对配对重复的"
                  "95%置信区间; 实心: 区间不含零"},
}
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
MARKER_SIZE = 4.0
"""Size (points) of the markers of paired differences."""
CAP_SIZE = 4.0
"""Half-length (points) of the caps at an interval's ends: longer than half the marker, so
the caps stick out of it even where the interval is narrower than the marker."""
THIN = 0.01
"""A band narrower than this share of its panel's height is hidden by the line (1.5 pt on
a panel about 150 pt high); the caption then says so."""


def _colours(n: int) -> list[tuple[float, ...]]:
    cmap = plt.get_cmap("tab10" if n <= 10 else "viridis")
    return [cmap(i if n <= 10 else i / max(n - 1, 1)) for i in range(n)]


def _short_labels(groups: Sequence[object]) -> tuple[list[str], str | None]:
    """Design-point names without the scenario they all share (``"s | x=1"`` → ``"x=1"``),
    and that scenario (for the title), or the names unchanged."""
    names = [str(g) for g in groups]
    heads = {n.split(" | ", 1)[0] for n in names}
    if len(heads) == 1 and all(" | " in n for n in names):
        return [n.split(" | ", 1)[1] for n in names], heads.pop()
    return names, None


def _wrap(text: str, width: int) -> str:
    """Wrap long titles (Chinese text has no spaces and is short enough as it is)."""
    return textwrap.fill(text, width) if " " in text else text


def _heading(title: str | None, caption: str, lang: str) -> str:
    """A figure's title over its caption; Chinese without stray spaces."""
    text = f"{title}\n{caption}" if title else caption
    return tidy_zh(text) if lang == "zh" else text


def _join_titles(*parts: str | None) -> str | None:
    """Non-empty parts joined by `` · `` (a part equal to an earlier one left out)."""
    return " · ".join(dict.fromkeys(p for p in parts if p)) or None


def _legend_columns(labels: Sequence[str], width_inches: float) -> int:
    longest = max((len(label) for label in labels), default=1)
    return max(1, min(len(labels), 6, int(width_inches * 11 // (longest + 5))))


def bands(data: pd.DataFrame, outcomes: Sequence[str], group: str = "scenario",
          level: float = 0.95) -> pd.DataFrame:
    """Per group, month and outcome: ``mean`` across replications, and ``low``/``high``,
    the quantiles holding the middle ``level`` share of replications (long form)."""
    q_low, q_high = 0.5 - level / 2, 0.5 + level / 2
    grouped = data.groupby([group, "month"], sort=False, observed=True)[list(outcomes)]
    parts = {"mean": grouped.mean(), "low": grouped.quantile(q_low),
             "high": grouped.quantile(q_high), "n": grouped.count()}
    long = [frame.stack().rename(name) for name, frame in parts.items()]
    out = pd.concat(long, axis=1).reset_index()
    out.columns = [group, "month", "outcome", *parts]
    return out


def _bands_thin(rows: pd.DataFrame, ax: plt.Axes) -> bool:
    """True if most of a panel's bands are narrower than :data:`THIN` of its height."""
    low, high = ax.get_ylim()
    width = (rows["high"] - rows["low"]).to_numpy()
    return bool(len(width)) and float(np.mean(width < THIN * (high - low))) > 0.5


def outcomes_over_time(data: pd.DataFrame, path: Path, outcomes: Sequence[str] = KEY_OUTCOMES,
                       group: str = "scenario", order: Sequence[str] | None = None,
                       lang: str = "en", title: str | None = None, level: float = 0.95) -> None:
    """One panel per outcome; per group a line (mean across replications) and a band
    (middle ``level`` of replications). Saved as PNG at ``path``."""
    check_language(lang)
    outcomes = [o for o in outcomes if o in data.columns]
    groups = list(order) if order is not None else list(dict.fromkeys(data[group]))
    table = bands(data, outcomes, group, level)
    n_rep = int(data.groupby(group, observed=True)["replication"].nunique().max())
    ncols = 4 if len(outcomes) > 6 else 3
    nrows = int(np.ceil(len(outcomes) / ncols))
    text = _TEXT[lang]
    labels, shared = _short_labels(groups)
    labels = [scenario_label(label, lang) for label in labels]
    shared = scenario_label(shared, lang) if shared else None
    title = _join_titles(title, shared)
    alpha = 0.15 if len(groups) <= 6 else 0.07
    thin = False
    with plt.rc_context(language_style(lang)):
        fig, axes = plt.subplots(nrows, ncols, figsize=(3.4 * ncols, 2.9 * nrows + 0.9),
                                 constrained_layout=True, squeeze=False)
        for ax, name in zip(axes.flat, outcomes, strict=False):
            for g, label, colour in zip(groups, labels, _colours(len(groups)), strict=True):
                sub = table[(table[group] == g) & (table["outcome"] == name)]
                years = sub["month"].to_numpy() / 12.0
                scale = display(name).scale  # shares in per cent
                # a thin outline keeps narrow bands visible beside the line
                ax.fill_between(years, scale * sub["low"], scale * sub["high"], color=colour,
                                alpha=alpha, lw=0.4, edgecolor=colour)
                ax.plot(years, scale * sub["mean"], color=colour, lw=1.5, label=label)
            ax.set_title(_wrap(outcome_label(name, lang), 40), fontsize=9.5)
            ax.set_xlabel(text["year"], fontsize=8.5)
            ax.set_ylabel(level_axis_label(name, lang), fontsize=8.5)
            rows = table[table["outcome"] == name]
            thin = thin or _bands_thin(rows[["low", "high"]] * display(name).scale, ax)
            ax.tick_params(labelsize=8)
            ax.grid(alpha=0.3)
        for ax in list(axes.flat)[len(outcomes):]:
            ax.axis("off")
        handles, names = axes.flat[0].get_legend_handles_labels()
        fig.legend(handles, names, loc="outside lower center", fontsize=8.5, frameon=False,
                   ncols=_legend_columns(names, 3.4 * ncols))
        caption = text["band"].format(n=n_rep, pct=f"{level:.0%}")
        if thin:
            caption += ("; " if lang == "en" else "; ") + text["thin"]
        caption = _wrap(caption, int(11 * 3.4 * ncols))
        fig.suptitle(_heading(title, caption, lang), fontsize=10)
        fig.savefig(path, dpi=120)
        plt.close(fig)


def _interval(ax: plt.Axes, value: float, low: float, high: float, y: float,
              colour: tuple[float, ...], marker: str = "o", filled: bool = True) -> None:
    """One paired difference at height ``y``: a marker at ``value`` and its interval
    ``[low, high]`` as error bars whose caps stick out of the marker (hollow marker if
    not ``filled``)."""
    ax.errorbar(value, y, xerr=[[value - low], [high - value]], fmt=marker, ms=MARKER_SIZE,
                color=colour, mfc=colour if filled else "white", capsize=CAP_SIZE)


def narrower_than_marker(ax: plt.Axes, low: float, high: float) -> bool:
    """True if the interval ``[low, high]`` (data units) is drawn narrower than a marker
    (as laid out at the last draw)."""
    (x0, _), (x1, _) = ax.transData.transform([(low, 0.0), (high, 0.0)])
    return bool(abs(x1 - x0) < MARKER_SIZE * ax.figure.dpi / 72.0)


def _difference_panel(ax: plt.Axes, name: str, lang: str) -> None:
    """What every panel of paired differences shows besides the intervals: the zero line,
    the outcome as title, the unit of its differences on the x axis, a grid."""
    ax.axvline(0.0, color="0.4", lw=0.8)
    ax.set_title(_wrap(outcome_label(name, lang), 40), fontsize=9.5)
    ax.set_xlabel(difference_axis_label(name, lang), fontsize=8)
    ax.tick_params(axis="x", labelsize=8)
    ax.grid(axis="x", alpha=0.3)


def differences(table: pd.DataFrame, path: Path, outcomes: Sequence[str] = KEY_OUTCOMES,
                order: Sequence[str] | None = None, lang: str = "en",
                title: str | None = None, window: str | None = None) -> None:
    """:func:`differences_figure`, saved as PNG at ``path``."""
    with plt.rc_context(language_style(lang)):
        fig = differences_figure(table, outcomes, order, lang, title, window)
        fig.savefig(path, dpi=120)
        plt.close(fig)


def differences_figure(table: pd.DataFrame, outcomes: Sequence[str] = KEY_OUTCOMES,
                       order: Sequence[str] | None = None, lang: str = "en",
                       title: str | None = None, window: str | None = None) -> plt.Figure:
    """Paired differences from the reference (``compare.summary_table``, measure
    ``end``): per outcome a panel with each scenario's mean difference, labelled with
    its value (the tables' rounding), and 95 % CI, in the outcome's display unit
    (percentage points for shares). Caps at the intervals' ends stick out of the
    markers; where an interval is narrower than its marker, the caption says so.
    ``window`` says what the values average (default: the last 12 months).

    ``order`` lists every group, reference included, so that colours match
    :func:`outcomes_over_time`."""
    check_language(lang)
    sub = table[(table["measure"] == "end") & table["outcome"].isin(outcomes)]
    outcomes = [o for o in outcomes if o in set(sub["outcome"])]
    if not outcomes:
        raise ValueError("no paired differences to plot")
    everyone = list(order) if order is not None else [sub["reference"].iloc[0],
                                                       *dict.fromkeys(sub["scenario"])]
    colours = dict(zip(everyone, _colours(len(everyone)), strict=True))  # as over time
    groups = [g for g in everyone if g in set(sub["scenario"])]
    short, shared = _short_labels(everyone)
    label_of = {g: scenario_label(s, lang).replace(", ", ",\n")
                for g, s in zip(everyone, short, strict=True)}
    shared = scenario_label(shared, lang) if shared else None
    lines = max((label_of[g].count("\n") + 1 for g in groups), default=1)
    title = _join_titles(title, shared)
    ncols = 4 if len(outcomes) > 6 else 3
    nrows = int(np.ceil(len(outcomes) / ncols))
    drawn: list[tuple[plt.Axes, float, float]] = []
    with plt.rc_context(language_style(lang)):
        fig, axes = plt.subplots(
            nrows, ncols, figsize=(3.4 * ncols, (0.3 * len(groups) * (lines + 0.2) + 1.4) * nrows
                                   + 0.8), constrained_layout=True, squeeze=False)
        for i, (ax, name) in enumerate(zip(axes.flat, outcomes, strict=False)):
            rows = sub[sub["outcome"] == name].set_index("scenario").reindex(groups)
            scale = display(name).scale
            y = np.arange(len(groups))[::-1]
            for yi, g in zip(y, groups, strict=True):
                r = rows.loc[g]
                low, high = scale * r["ci_low"], scale * r["ci_high"]
                _interval(ax, scale * r["difference"], low, high, yi, colours[g])
                ax.annotate(shown(name, r["difference"], r["ci_low"], r["ci_high"]).difference,
                            (scale * r["difference"], yi), xytext=(0, 4.5),
                            textcoords="offset points", ha="center", va="bottom", fontsize=6.5,
                            color="0.25")
                drawn.append((ax, low, high))
            ax.set_yticks(y, [label_of[g] if i % ncols == 0 else "" for g in groups],
                          fontsize=8)
            ax.set_ylim(-0.6, len(groups) - 0.2)  # room for the value labels
            _difference_panel(ax, name, lang)
        for ax in list(axes.flat)[len(outcomes):]:
            ax.axis("off")
        n = int(sub["n"].max())
        reference = str(sub["reference"].iloc[0])
        if shared:
            reference = reference.split(" | ", 1)[-1]
        reference = scenario_label(reference, lang)
        text = _TEXT[lang]
        caption = text["diff"].format(ref=reference, n=n, window=window or text["last"])
        fig.canvas.draw()  # lay out, so that interval widths are known in points
        if any(narrower_than_marker(ax, low, high) for ax, low, high in drawn
               if np.isfinite(low) and np.isfinite(high)):
            caption += "; " + text["narrow"]
        fig.suptitle(_heading(title, _wrap(caption, int(11 * 3.4 * ncols)), lang), fontsize=10)
    return fig


def _without_cjk(text: str) -> str:
    """English text without Chinese terms quoted in it (``... inspections (留痕)``): the
    English figures' font has no Chinese glyphs."""
    return re.sub(r"\s*[(（][^()（）]*[\u2e80-\u9fff][^()（）]*[)）]", "", text).strip()


def ablation_effects(table: pd.DataFrame, path: Path, outcomes: Sequence[str],
                     mechanisms: Sequence[str], scenarios: Sequence[str], lang: str = "en",
                     title: str | None = None, last_months: int = 24) -> None:
    """Effects of cutting each mechanism, from :func:`cogov_sim.ablation.effects` (columns
    ``mechanism``, ``scenario``, ``outcome``, ``n``, ``effect``, ``ci_low``, ``ci_high``,
    ``moves``): a panel per outcome, the mechanisms (described by the registry) down the
    y axis, one colour and marker per scenario; a marker is filled where the interval
    excludes zero."""
    check_language(lang)
    sub = table[table["outcome"].isin(outcomes) & table["mechanism"].isin(mechanisms)
                & table["scenario"].isin(scenarios)]
    outcomes = [o for o in outcomes if o in set(sub["outcome"])]
    if not outcomes:
        raise ValueError("no effects to plot")
    labels = [_wrap(_without_cjk(mechanism_label(m, lang)) if lang == "en"
                    else mechanism_label(m, lang), 34) for m in mechanisms]
    lines = max(label.count("\n") + 1 for label in labels)
    colours = _colours(len(scenarios))
    step = 0.6 / max(len(scenarios), 1)  # scenarios side by side within a mechanism's row
    ncols = min(len(outcomes), 5 if len(outcomes) > 6 else 3)
    nrows = int(np.ceil(len(outcomes) / ncols))
    row_height = 0.17 * max(lines, 0.45 * len(scenarios) + 0.6)
    with plt.rc_context(language_style(lang)):
        fig, axes = plt.subplots(nrows, ncols, figsize=(2.6 * ncols + 2.2,
                                                        (row_height * len(mechanisms) + 1.3) * nrows
                                                        + 1.0),
                                 constrained_layout=True, squeeze=False)
        y = np.arange(len(mechanisms))[::-1].astype(float)
        for i, (ax, name) in enumerate(zip(axes.flat, outcomes, strict=False)):
            rows = sub[sub["outcome"] == name].set_index(["scenario", "mechanism"])
            for j, (scenario, colour) in enumerate(zip(scenarios, colours, strict=True)):
                shift = step * ((len(scenarios) - 1) / 2 - j)
                for yi, m in zip(y, mechanisms, strict=True):
                    if (scenario, m) in rows.index:
                        r = rows.loc[(scenario, m)]
                        scale = display(name).scale
                        _interval(ax, scale * r["effect"], scale * r["ci_low"],
                                  scale * r["ci_high"], yi + shift, colour,
                                  MARKERS[j % len(MARKERS)], bool(r["moves"]))
            ax.set_yticks(y, labels if i % ncols == 0 else [""] * len(labels), fontsize=7.5)
            ax.set_ylim(-0.6, len(mechanisms) - 0.4)
            ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
            _difference_panel(ax, name, lang)
        for ax in list(axes.flat)[len(outcomes):]:
            ax.axis("off")
        handles = [Line2D([], [], color=c, marker=MARKERS[j % len(MARKERS)], ms=5, ls="")
                   for j, c in enumerate(colours)]
        names = [scenario_label(s, lang) for s in scenarios]
        fig.legend(handles, names, loc="outside lower center", fontsize=8.5, frameon=False,
                   ncols=_legend_columns(names, 2.6 * ncols + 2.2))
        n = int(sub["n"].max()) if len(sub) else 0
        caption = _wrap(_TEXT[lang]["cut"].format(m=last_months, n=n), int(11 * (2.6 * ncols + 2.2)))
        fig.suptitle(_heading(title, caption, lang), fontsize=10)
        fig.savefig(path, dpi=120)
        plt.close(fig)


__all__ = ["FIGURE_SETS", "HAPPINESS", "KEY_OUTCOMES", "ablation_effects", "bands",
           "differences", "differences_figure", "narrower_than_marker", "outcomes_over_time"]
