"""Figures of reforms over time: a timeline run with its stage changes marked, and the
event-study figure of a staggered rollout (estimates beside the true effect)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import file_backend

file_backend()
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import FormatStrFormatter, MaxNLocator  # noqa: E402

from ..outcomes import SUMMARY_OUTCOMES  # noqa: E402
from .labels import (  # noqa: E402
    difference_axis_label,
    language_style,
    outcome_axis_label,
    outcome_label,
    scenario_label,
)
from .numbers import display  # noqa: E402

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..params import Params


def month_position(month: int | float, start_year: int | None) -> float:
    """Where reported month ``month`` (1-based) starts on the time axis: its calendar date
    as a decimal year for a dated run (January 2005 = 2005.0), else years since the start."""
    return (float(start_year) if start_year is not None else 0.0) + (month - 1) / 12.0


def timeline_figure(frame: pd.DataFrame, path: Path, params: Params,
                    outcomes: Sequence[str] = SUMMARY_OUTCOMES, lang: str = "en",
                    title: str | None = None) -> None:
    """Key outcomes of one timeline run by calendar time (or reported year), each stage
    change a dashed line labelled with what was adopted (its display name), each panel's
    values in the outcome's unit on the y axis; saved as PNG."""
    with plt.rc_context(language_style(lang)):
        fig = draw_timeline(frame, params, outcomes, lang, title)
        fig.savefig(path, dpi=110)
        plt.close(fig)


def draw_timeline(frame: pd.DataFrame, params: Params,
                  outcomes: Sequence[str] = SUMMARY_OUTCOMES, lang: str = "en",
                  title: str | None = None) -> Figure:
    """The figure of :func:`timeline_figure`, not saved (the caller closes it)."""
    from ..timeline import describe

    info = describe(params)
    start_year = info.get("start_year")
    # month m (1-based) of a dated run starts at start_year + (m - 1) / 12: January of the
    # first year sits on the tick of that year; undated runs show years since the start
    x = month_position(frame["month"], start_year)
    fig, axes = plt.subplots(2, 3, figsize=(12, 6.5), constrained_layout=True)
    for ax, name in zip(axes.flat, outcomes, strict=False):
        ax.plot(x, frame[name], color="#2a6f97", lw=1.6)
        for change in info.get("changes", []):
            at = month_position(change["month"], start_year)
            ax.axvline(at, color="#9b2226", ls="--", lw=0.9)
            ax.text(at, 0.98, f" {scenario_label(change['label'], lang)}",
                    transform=ax.get_xaxis_transform(), rotation=90, va="top", ha="left",
                    fontsize=7, color="#9b2226")
        ax.set_title(outcome_label(name, lang), fontsize=10)
        ax.set_ylabel(outcome_axis_label(name, lang))
        ax.set_xlabel(("年份" if lang == "zh" else "calendar year") if start_year
                      else ("年" if lang == "zh" else "year"))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.xaxis.set_major_formatter(FormatStrFormatter("%d"))
        ax.grid(alpha=0.3)
    if title:
        fig.suptitle(title)
    return fig


ESTIMATOR_STYLE = {"twfe": "#bc6c25", "did2s": "#2a6f97", "cs": "#6a994e"}
"""Each estimator's colour in the event-study figure."""
ESTIMATOR_NAMES = {
    "en": {"twfe": "two-way fixed effects", "did2s": "did2s (Gardner; = imputation)",
           "cs": "Callaway-Sant'Anna (not yet treated)"},
    "zh": {"twfe": "双向固定效应", "did2s": "did2s(Gardner两阶段, 即插补估计)",
           "cs": "Callaway-Sant'Anna(以尚未推行的镇为对照)"},
}
"""The estimators' display names (figure legend, tables, brief)."""


def event_study_figure(by_event: pd.DataFrame, path: Path, lang: str = "en",
                       title: str | None = None) -> None:
    """Per outcome: the true effect by years since adoption (black line) and each
    estimator's estimate with its 95 % interval, side by side; saved as PNG."""
    with plt.rc_context(language_style(lang)):
        fig = draw_event_study(by_event, lang, title)
        fig.savefig(path, dpi=110)
        plt.close(fig)


def draw_event_study(by_event: pd.DataFrame, lang: str = "en", title: str | None = None) -> Figure:
    """The figure of :func:`event_study_figure`, not saved (the caller closes it; for
    Chinese, draw it under ``plt.rc_context(language_style("zh"))``), in display units."""
    outcomes = list(dict.fromkeys(by_event.outcome))
    fig, axes = plt.subplots(1, len(outcomes), figsize=(4.6 * len(outcomes), 3.8),
                             constrained_layout=True, squeeze=False)
    for ax, name in zip(axes.flat, outcomes, strict=True):
        sub = by_event[by_event.outcome == name]
        truth = sub[sub.estimator == "truth"]
        scale = display(name).scale  # drawn in display units (pp, index points ...)
        ax.plot(truth.event_time, truth.estimate * scale, color="black", lw=1.8,
                marker="o", ms=3,
                label="true effect (paired)" if lang == "en" else "真实效应(配对)")
        for k, (est, color) in enumerate(ESTIMATOR_STYLE.items()):
            e = sub[sub.estimator == est]
            x = e.event_time + (k - (len(ESTIMATOR_STYLE) - 1) / 2) * 0.22
            ax.errorbar(x, e.estimate * scale, yerr=[(e.estimate - e.ci_low) * scale,
                                                     (e.ci_high - e.estimate) * scale],
                        fmt="o", ms=3.5, color=color, capsize=2, lw=1,
                        label=ESTIMATOR_NAMES[lang][est])
        ax.axhline(0, color="grey", lw=0.6)
        ax.axvline(-0.5, color="grey", ls=":", lw=0.8)
        ax.set_title(outcome_label(name, lang), fontsize=10)
        ax.set_ylabel(difference_axis_label(name, lang))
        ax.set_xlabel("years since adoption" if lang == "en" else "推行后年数")
        ax.grid(alpha=0.3)
    axes.flat[0].legend(fontsize=7, loc="best")
    if title:
        fig.suptitle(title)
    return fig
