"""Figures of one model while it runs: the dashboard's charts, usable from a notebook too.

Each function takes the model's outcome frame (``model.dataframe()``) or the model itself
and returns a matplotlib ``Figure``; titles, axis labels with units and legends come from
:mod:`cogov_sim.viz.labels` in English or Chinese. No model logic: what is plotted is
what the model recorded, or a per-community average of its residents' state.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..outcomes import outcome
from ..rules.common import group_sum, safe_div
from ..rules.participation import AGE_GROUPS
from ..rules.requests import DIMENSIONS
from .labels import language_style, outcome_label, unit_label, word

if TYPE_CHECKING:
    import pandas as pd

    from ..model import CoGovModel

CHARTS: dict[str, tuple[str, ...]] = {
    "participation": tuple(f"participation_{a}" for a in AGE_GROUPS),
    "satisfaction": tuple(f"sat_{d}" for d in DIMENSIONS),
    "burden": ("admin_burden", "outreach_share"),
    "trust": ("trust_committee", "trust_government", "trust_so"),
    "organizations": ("so_per_10k",),
    "spending": ("spend_per_resident",),
}
"""The dashboard's live charts: outcomes drawn together (they share a unit)."""

TITLES = {
    "participation": ("Participation by age group (12 months)", "分年龄组参与率(12个月)"),
    "satisfaction": ("Satisfaction on the six happiness dimensions", "六个幸福维度的满意度"),
    "burden": ("Committee time: government tasks and outreach", "居委会时间: 政府事务与走访协商"),
    "trust": ("Trust", "信任"),
    "organizations": ("Social organizations", "社会组织"),
    "spending": ("Government community spending", "政府社区支出"),
}
MEASURES = {
    "satisfaction": ("Happiness index by community", "各社区幸福指数", "0-100"),
    "participation": ("Participation by community (12 months)", "各社区参与率(12个月)", "share"),
}
"""What the picture of the communities can be coloured by: title en, zh, unit."""


def _text(pair: tuple[str, ...], lang: str) -> str:
    return pair[0] if lang == "en" else pair[1]


def chart_figure(frame: pd.DataFrame, chart: str, lang: str = "en",
                 size: tuple[float, float] = (5.2, 3.2)) -> Figure:
    """One live chart (a key of :data:`CHARTS`) over the months recorded so far."""
    names = CHARTS[chart]
    with _style(lang):
        fig = Figure(figsize=size, layout="constrained")
        ax = fig.add_subplot()
        for name in names:
            x = frame["month"].to_numpy() if len(frame) else np.array([])
            y = frame[name].to_numpy() if len(frame) else np.array([])
            ax.plot(x, y, lw=1.5, label=outcome_label(name, lang) if len(names) > 1 else None)
        ax.set_title(_text(TITLES[chart], lang), fontsize=10)
        ax.set_xlabel(f"{word('month', lang)} ({_month_note(lang)})", fontsize=8.5)
        ax.set_ylabel(unit_label(outcome(names[0]).unit, lang), fontsize=8.5)
        if len(frame) == 0:
            ax.set_xlim(0, 12)
            ax.text(0.5, 0.5, _text(("press Step or Play", "请点击 Step 或 Play"), lang),
                    ha="center", va="center", transform=ax.transAxes, color="0.4")
        elif len(names) > 1:
            ax.legend(fontsize=7, frameon=False)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.3)
    return fig


def _month_note(lang: str) -> str:
    return "after the spin-up" if lang == "en" else "预热期后"


def community_values(model: CoGovModel, measure: str) -> np.ndarray:
    """Per community: mean happiness index (0–100) or the share of residents who took part
    in a community affair in the last 12 months."""
    pop, n = model.population, model.params.n_communities
    counts = group_sum(pop.community, None, n)
    if measure == "satisfaction":
        happy = pop.satisfaction.mean(axis=0) * 100.0
        return safe_div(group_sum(pop.community, happy, n), counts)
    if measure == "participation":
        return safe_div(group_sum(pop.community, pop.recent.astype(float), n), counts)
    raise ValueError(f"measure '{measure}': allowed: {', '.join(MEASURES)}")


def community_figure(values: Sequence[float] | np.ndarray, measure: str, lang: str = "en",
                     size: tuple[float, float] = (5.2, 3.6)) -> Figure:
    """The communities as a grid of tiles coloured by ``values``, each tile labelled."""
    values = np.asarray(values, dtype=float)
    n = values.size
    cols = int(np.ceil(np.sqrt(n * 1.5)))
    rows = int(np.ceil(n / cols))
    grid = np.full((rows, cols), np.nan)
    grid.flat[:n] = values
    title_en, title_zh, unit = MEASURES[measure]
    low, high = (0.0, 100.0) if unit == "0-100" else (0.0, 1.0)
    with _style(lang):
        fig = Figure(figsize=size, layout="constrained")
        ax = fig.add_subplot()
        image = ax.imshow(grid, cmap="viridis", vmin=low, vmax=high)
        for i, v in enumerate(values):
            r, c = divmod(i, cols)
            ax.text(c, r, f"{i + 1}\n{v:.0f}" if unit == "0-100" else f"{i + 1}\n{v:.2f}",
                    ha="center", va="center", fontsize=7,
                    color="white" if v < low + 0.6 * (high - low) else "black")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(title_en if lang == "en" else title_zh, fontsize=10)
        bar = fig.colorbar(image, ax=ax, shrink=0.85)
        bar.set_label(unit_label(unit, lang), fontsize=8.5)
    return fig


def _style(lang: str):  # noqa: ANN202 - a context manager
    """rc settings for ``lang`` while a figure is built (fonts are fixed at creation)."""
    import matplotlib

    return matplotlib.rc_context(language_style(lang))
