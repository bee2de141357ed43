"""Figures of reforms over time: a timeline run with its stage changes marked, and the
event-study figure of a staggered rollout (estimates beside the true effect)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from ..outcomes import SUMMARY_OUTCOMES  # noqa: E402
from .labels import language_style, outcome_label  # noqa: E402

if TYPE_CHECKING:
    from ..params import Params


def timeline_figure(frame: pd.DataFrame, path: Path, params: Params,
                    outcomes: Sequence[str] = SUMMARY_OUTCOMES, lang: str = "en",
                    title: str | None = None) -> None:
    """Key outcomes of one timeline run by calendar time (or reported year), each stage
    change a dashed line labelled with what was adopted."""
    from ..timeline import describe

    info = describe(params)
    start_year = info.get("start_year")
    offset = (start_year - 1) if start_year is not None else 0.0
    x = offset + frame["month"] / 12.0
    with plt.rc_context(language_style(lang)):
        fig, axes = plt.subplots(2, 3, figsize=(12, 6.5), constrained_layout=True)
        for ax, name in zip(axes.flat, outcomes, strict=False):
            ax.plot(x, frame[name], color="#2a6f97", lw=1.6)
            for change in info.get("changes", []):
                at = offset + (change["month"] - 1) / 12.0
                ax.axvline(at, color="#9b2226", ls="--", lw=0.9)
                ax.text(at, 0.98, f" {change['label']}", transform=ax.get_xaxis_transform(),
                        rotation=90, va="top", ha="left", fontsize=7, color="#9b2226")
            ax.set_title(outcome_label(name, lang), fontsize=10)
            ax.set_xlabel(("年份" if lang == "zh" else "calendar year") if start_year
                          else ("年" if lang == "zh" else "year"))
            ax.grid(alpha=0.3)
        if title:
            fig.suptitle(title)
        fig.savefig(path, dpi=110)
        plt.close(fig)
