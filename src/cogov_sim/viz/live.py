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
    "spending": ("Government community spending per resident", "人均政府社区支出"),
}
SERIES = {
    "participation_young": ("young (18-39)", "青年(18-39)"),
    "participation_middle": ("middle-aged (40-59)", "中年(40-59)"),
    "participation_elderly": ("elderly (60+)", "老年(60+)"),
    "sat_belonging": ("belonging", "归属感"), "sat_service": ("service", "服务获得感"),
    "sat_harmony": ("harmony", "邻里和谐感"), "sat_convenience": ("convenience", "生活便利感"),
    "sat_safety": ("safety", "安全感"), "sat_environment": ("environment", "环境舒适感"),
    "admin_burden": ("government tasks", "政府事务"),
    "outreach_share": ("out with residents", "走访与协商"),
    "trust_committee": ("in the committee", "居委会"),
    "trust_government": ("in the government", "政府"),
    "trust_so": ("in social organizations", "社会组织"),
}
"""Short legend entries of the live charts (the chart's title says the rest): the full
labels of the metadata do not fit a legend beside a small chart."""
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


# -- the same charts drawn in the browser (Vega-Lite through Altair), for the dashboard ----

CHART_HEIGHT = 120
"""Height in pixels of a browser chart's plot area (title, axes and legend come on top):
small enough that two rows of charts fit a 1280×800 window under the dashboard's header."""
EMPTY = ("press Step or Play", "请点击 Step 或 Play")
EMBED = {"actions": False, "renderer": "svg"}
"""vega-embed's options, read from the spec's ``usermeta``: no export menu (its entries
are English and a class does not need them); SVG, so that the charts' words are text on
the page (found by the browser's search, a screen reader and the tests)."""


def _short(name: str, lang: str) -> str:
    return _text(SERIES[name], lang) if name in SERIES else outcome_label(name, lang)


def altair_chart(frame: pd.DataFrame, chart: str, lang: str = "en",
                 height: int = CHART_HEIGHT):  # noqa: ANN201 - altair is imported lazily
    """One live chart (a key of :data:`CHARTS`) as an Altair chart drawn in the browser.

    ``frame`` is long, one row per month and outcome, as Mesa's Altair plot component
    hands it to its ``post_process``: columns ``Step`` (0 for the first reported month),
    ``Measure`` (the outcome's name) and ``Value``. Months on the x axis start at 1 and
    the axis grows with the run (at least a year wide); short legend entries below the
    plot, in as many columns as fit; the title, axis titles with units, legend and
    tooltips in ``lang``. Before the first month: the title and a hint to press Step.
    """
    import altair as alt
    import pandas as pd

    names = CHARTS[chart]
    unit = outcome(names[0]).unit
    title = alt.TitleParams(_text(TITLES[chart], lang), anchor="start", fontSize=12,
                            fontWeight="bold", offset=4)
    if len(frame) == 0:
        hint = pd.DataFrame({"hint": [_text(EMPTY, lang)]})
        return (alt.Chart(hint).mark_text(fontSize=12, color="gray").encode(text="hint:N")
                .properties(title=title, width="container", height=height,
                            usermeta={"embedOptions": EMBED})
                .configure_view(strokeWidth=0))
    data = pd.DataFrame({"month": frame["Step"].to_numpy() + 1,
                         "series": [_short(m, lang) for m in frame["Measure"]],
                         "value": frame["Value"].to_numpy()})
    months = int(data["month"].max())
    share = unit == "share"
    month_title = (f"{word('month', lang)} ({_month_note(lang)})" if lang == "en"
                   else f"{word('month', lang)}({_month_note(lang)})")
    value_title = unit_label(unit, lang)
    x = alt.X("month:Q", title=month_title,
              scale=alt.Scale(domain=[1, max(12, months)], nice=False),
              axis=alt.Axis(format="d", tickMinStep=1, labelFontSize=10, titleFontSize=10))
    y = alt.Y("value:Q", title=value_title, scale=alt.Scale(zero=False),
              axis=alt.Axis(format=".0%" if share else "~g", labelFontSize=10,
                            titleFontSize=10, tickCount=4))
    tooltip = [alt.Tooltip("month:Q", title=word("month", lang)),
               alt.Tooltip("series:N", title=word("outcome", lang)),
               alt.Tooltip("value:Q", title=value_title, format=".1%" if share else ".3~f")]
    order = [_short(n, lang) for n in names]
    if len(names) > 1:
        color = alt.Color("series:N", sort=order, scale=alt.Scale(domain=order),
                          legend=alt.Legend(title=None, orient="bottom", direction="horizontal",
                                            columns=3, labelFontSize=10, labelLimit=130,
                                            symbolSize=60, columnPadding=8, padding=0,
                                            offset=4))
    else:
        color = alt.value("#4c78a8")
    return (alt.Chart(data).mark_line(point=months <= 12, strokeWidth=1.6)
            .encode(x=x, y=y, color=color, tooltip=tooltip)
            .properties(title=title, width="container", height=height,
                        usermeta={"embedOptions": EMBED})
            .configure_view(strokeWidth=0))


def community_chart(values: Sequence[float] | np.ndarray, measure: str, lang: str = "en",
                    height: int = CHART_HEIGHT + 40):  # noqa: ANN201 - altair is lazy
    """The communities as tiles coloured by ``values`` (as :func:`community_figure`), as
    an Altair chart drawn in the browser; each tile shows its number and value."""
    import altair as alt
    import pandas as pd

    values = np.asarray(values, dtype=float)
    n = values.size
    cols = int(np.ceil(np.sqrt(n * 3)))
    title_en, title_zh, unit = MEASURES[measure]
    low, high = (0.0, 100.0) if unit == "0-100" else (0.0, 1.0)
    text = [f"{v:.0f}" if unit == "0-100" else f"{v:.0%}" for v in values]
    data = pd.DataFrame({"community": np.arange(1, n + 1), "row": np.arange(n) // cols,
                         "col": np.arange(n) % cols, "value": values, "text": text,
                         "dark": values < low + 0.6 * (high - low)})
    name = word("community", lang)
    base = alt.Chart(data).encode(x=alt.X("col:O", axis=None), y=alt.Y("row:O", axis=None))
    tiles = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color("value:Q", scale=alt.Scale(scheme="viridis", domain=[low, high]),
                        legend=alt.Legend(title=unit_label(unit, lang), format=(
                            "~s" if unit == "0-100" else ".0%"), gradientLength=height - 30,
                            titleFontSize=10, labelFontSize=10)),
        tooltip=[alt.Tooltip("community:Q", title=name),
                 alt.Tooltip("value:Q", title=unit_label(unit, lang),
                             format=".1f" if unit == "0-100" else ".1%")])
    labels = base.mark_text(fontSize=10).encode(
        text="text:N",
        color=alt.condition("datum.dark", alt.value("white"), alt.value("black")))
    title = alt.TitleParams(title_en if lang == "en" else title_zh, anchor="start",
                            fontSize=12, fontWeight="bold", offset=4)
    return ((tiles + labels)
            .properties(title=title, width="container", height=height,
                        usermeta={"embedOptions": EMBED})
            .configure_view(strokeWidth=0))
