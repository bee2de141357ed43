"""Matplotlib figures of outcomes over time."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from . import file_backend

file_backend()
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from ..outcomes import SUMMARY_OUTCOMES  # noqa: E402
from .labels import language_style, outcome_axis_label, outcome_label, word  # noqa: E402

KEY_OUTCOMES = SUMMARY_OUTCOMES


def summary_figure(frame: pd.DataFrame, path: Path, outcomes: Sequence[str] = KEY_OUTCOMES,
                   lang: str = "en", title: str | None = None) -> None:
    """Key outcomes of one run over time, one panel each, saved as PNG."""
    with plt.rc_context(language_style(lang)):
        fig, axes = plt.subplots(2, 3, figsize=(12, 6.5), constrained_layout=True)
        years = frame["month"] / 12.0
        for ax, name in zip(axes.flat, outcomes, strict=False):
            ax.plot(years, frame[name], color="#2a6f97", lw=1.6)
            ax.set_title(outcome_label(name, lang), fontsize=10)
            ax.set_xlabel(word("year", lang))
            ax.set_ylabel(outcome_axis_label(name, lang))
            ax.grid(alpha=0.3)
        if title:
            fig.suptitle(title)
        fig.savefig(path, dpi=110)
        plt.close(fig)
