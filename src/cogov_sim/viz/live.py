"""Figures of one model while it runs: the dashboard's charts, usable from a notebook too.

Each function takes the model's outcome frame (``model.dataframe()``) or the model itself
and returns a matplotlib ``Figure``; titles, axis labels with units and legends come from
:mod:`cogov_sim.viz.labels` in English or Chinese. No model logic: what is plotted is
what the model recorded, or a per-community average of its residents' state.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..outcomes import outcome
from ..rules.common import group_sum, safe_div
from ..rules.participation import AGE_GROUPS
from ..rules.requests import DIMENSIONS
from .labels import language_style, outcome_label, pick, unit_label, word

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
        ax.set_title(pick(TITLES[chart], lang), fontsize=10)
        ax.set_xlabel(f"{word('month', lang)} ({_month_note(lang)})", fontsize=8.5)
        ax.set_ylabel(unit_label(outcome(names[0]).unit, lang), fontsize=8.5)
        if len(frame) == 0:
            ax.set_xlim(0, 12)
            ax.text(0.5, 0.5, pick(("press Step or Play", "请点击 Step 或 Play"), lang),
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
    unit = MEASURES[measure][2]
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
        ax.set_title(measure_title(measure, lang), fontsize=10)
        bar = fig.colorbar(image, ax=ax, shrink=0.85)
        bar.set_label(unit_label(unit, lang), fontsize=8.5)
    return fig


def _style(lang: str):  # noqa: ANN202 - a context manager
    """rc settings for ``lang`` while a figure is built (fonts are fixed at creation)."""
    import matplotlib

    return matplotlib.rc_context(language_style(lang))


# -- the same charts drawn in the browser (Vega-Lite specs from Altair), for the dashboard --

CHART_HEIGHT = 120
"""Height in pixels of a browser chart's plot area (title, axes and legend come on top):
small enough that two rows of charts fit a 1280×800 window under the dashboard's header."""
DATASET = "table"
"""The name of a browser chart's data set: the spec is sent once, the rows at each step."""
AUTOSIZE = {"type": "fit-x", "contains": "padding", "resize": True}
"""The chart fills its cell's width and lays itself out again when new data widen the
axis labels (otherwise they were cut off at the left)."""
MIN_MONTHS = 12
"""The month axis is at least a year wide, then grows with the run: it doubles when the
run reaches its end (12, 24, 48, ... months, at most the horizon), so that most steps
only add a point to each line and the browser need not place every point anew."""


def series_label(name: str, lang: str = "en") -> str:
    """An outcome's short legend entry on its live chart (:data:`SERIES`, else its label)."""
    return pick(SERIES[name], lang) if name in SERIES else outcome_label(name, lang)


def chart_title(chart: str, lang: str = "en") -> str:
    return pick(TITLES[chart], lang)


def measure_title(measure: str, lang: str = "en") -> str:
    """The title of the picture of the communities coloured by ``measure``."""
    return pick(MEASURES[measure][:2], lang)


def measure_unit(measure: str, lang: str = "en") -> str:
    return unit_label(MEASURES[measure][2], lang)


def _title(text: str):  # noqa: ANN202 - altair is imported lazily
    import altair as alt

    return alt.TitleParams(text, anchor="start", fontSize=12, fontWeight="bold", offset=4)


RUNS = ("run", "reference")
"""The ``run`` column of a live chart's rows: this run (solid lines) or the reference run
on the same seed (dashed lines)."""
BAND = "band"
"""The name of a live chart's second data set: the band of an ensemble of seeds."""
LEGEND_ROW_CHARACTERS = 40
"""A legend row of three entries fits a chart 300 pixels wide when the three labels have
at most this many characters together; longer ones go two to a row."""


@cache
def chart_spec(chart: str, lang: str = "en", height: int = CHART_HEIGHT) -> dict[str, Any]:
    """One live chart (a key of :data:`CHARTS`) as a Vega-Lite spec drawn in the browser.

    Its data are the named data set :data:`DATASET`, rows of ``month`` (1 = the first
    reported month), ``series`` (the short legend entry), ``value``, ``run`` (a key of
    :data:`RUNS`) and ``scenario`` (the run's display name), as :func:`chart_columns`
    gives them, and the data set :data:`BAND`, rows of ``month``, ``series``, ``low`` and
    ``high`` (an ensemble's band, shaded in the series' colour); the parameters ``xmax``
    (the end of the month axis) and ``latest`` (the latest month) come from
    :func:`chart_signals`. This run's lines are solid with a
    dot at the latest month, the reference's dashed; short legend entries below the plot;
    the title, axis titles with units, legend and tooltips in ``lang``.
    """
    import altair as alt

    names = CHARTS[chart]
    unit = outcome(names[0]).unit
    share = unit == "share"
    note = _month_note(lang)
    month_title = f"{word('month', lang)} ({note})" if lang == "en" else f"{word('month', lang)}({note})"
    value_title = unit_label(unit, lang)
    xmax = alt.param(name="xmax", value=MIN_MONTHS)
    latest_month = alt.param(name="latest", value=0)
    x = alt.X("month:Q", title=month_title,
              scale=alt.Scale(domainMin=1, domainMax=alt.ExprRef("xmax"), nice=False),
              axis=alt.Axis(format="d", tickMinStep=1, labelFontSize=10, titleFontSize=10))
    y_scale = alt.Scale(zero=False)
    y_axis = alt.Axis(format=".0%" if share else ".4~r", labelFontSize=10, titleFontSize=10,
                      tickCount=4)
    y = alt.Y("value:Q", title=value_title, scale=y_scale, axis=y_axis)
    number = ".1%" if share else ".3~f"
    tooltip = [alt.Tooltip("scenario:N", title=word("scenario", lang)),
               alt.Tooltip("month:Q", title=word("month", lang)),
               alt.Tooltip("series:N", title=word("outcome", lang)),
               alt.Tooltip("value:Q", title=value_title, format=number)]
    order = [series_label(n, lang) for n in names]
    if len(names) > 1:
        columns = 3 if sum(map(len, order)) <= LEGEND_ROW_CHARACTERS else 2
        color: Any = alt.Color("series:N", sort=order, scale=alt.Scale(domain=order),
                               legend=alt.Legend(title=None, orient="bottom", columns=columns,
                                                 symbolOpacity=1, symbolType="circle",
                                                 direction="horizontal", labelFontSize=10,
                                                 labelLimit=130, symbolSize=60,
                                                 columnPadding=8, padding=0, offset=4))
    else:
        color = alt.value("#4c78a8")
    dash = alt.StrokeDash("run:N", scale=alt.Scale(domain=list(RUNS), range=[[1, 0], [5, 3]]),
                          legend=None)
    band = (alt.Chart(alt.Data(name=BAND)).mark_area(opacity=0.2, interpolate="linear")
            .encode(x=x, y=alt.Y("low:Q", title=value_title, scale=y_scale, axis=y_axis),
                    y2="high:Q", color=color))
    base = alt.Chart().encode(x=x, y=y, color=color, tooltip=tooltip)
    lines = base.mark_line(strokeWidth=1.6).encode(strokeDash=dash, detail="run:N")
    latest = (base.mark_point(filled=True, size=28, opacity=1)
              .transform_filter(f"datum.run == '{RUNS[0]}'")
              .transform_filter("datum.month == latest"))
    chart_ = (alt.layer(band, alt.layer(lines, latest, data=alt.Data(name=DATASET)))
              .add_params(xmax, latest_month)
              .properties(title=_title(chart_title(chart, lang)), width="container",
                          height=height, autosize=AUTOSIZE)
              .configure_view(strokeWidth=0))
    return chart_.to_dict()


def chart_columns(model: CoGovModel, chart: str, lang: str = "en",
                  reference: CoGovModel | None = None) -> dict[str, list[Any]]:
    """The rows of :func:`chart_spec`'s data set for the months ``model`` (and the
    ``reference`` run, if given) have recorded, as columns (``month``, ``series``,
    ``value``, ``run``, ``scenario``; one row per run, month and outcome)."""
    from ..outcomes import OUTCOME_NAMES
    from .labels import scenario_label

    out: dict[str, list[Any]] = {"month": [], "series": [], "value": [], "run": [],
                                 "scenario": []}
    for run, m in zip(RUNS, (model, reference), strict=True):
        if m is None:
            continue
        rec = m.recorder
        n = rec.n
        months = list(range(1, n + 1))
        name_ = scenario_label(m.preset or "", lang)
        for name in CHARTS[chart]:
            out["month"] += months
            out["series"] += [series_label(name, lang)] * n
            out["value"] += rec.values[:n, OUTCOME_NAMES.index(name)].tolist()
            out["run"] += [run] * n
            out["scenario"] += [name_] * n
    return out


def chart_signals(months: int, horizon: int | None = None) -> dict[str, int]:
    """The parameters of :func:`chart_spec` when the run has recorded ``months`` months:
    the axis's end (:data:`MIN_MONTHS` doubled until it holds them, at most ``horizon``
    if that is larger than ``months``) and the latest month.

    >>> [chart_signals(m, 240)["xmax"] for m in (0, 12, 13, 100, 200, 240)]
    [12, 12, 24, 192, 240, 240]
    """
    end = MIN_MONTHS
    while end < months:
        end *= 2
    if horizon is not None and horizon >= months:
        end = min(end, horizon)
    return {"xmax": end, "latest": months}


@cache
def community_spec(measure: str, lang: str = "en",
                   height: int = CHART_HEIGHT + 40) -> dict[str, Any]:
    """The communities as tiles coloured by a measure (as :func:`community_figure`), as a
    Vega-Lite spec over the named data set :data:`DATASET` (:func:`community_columns`):
    each tile shows its number and value."""
    import altair as alt

    unit = MEASURES[measure][2]
    low, high = (0.0, 100.0) if unit == "0-100" else (0.0, 1.0)
    name = word("community", lang)
    base = alt.Chart().encode(x=alt.X("col:O", axis=None), y=alt.Y("row:O", axis=None))
    tiles = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color("value:Q", scale=alt.Scale(scheme="viridis", domain=[low, high]),
                        legend=alt.Legend(title=unit_label(unit, lang),
                                          format="d" if unit == "0-100" else ".0%",
                                          gradientLength=height - 30, titleFontSize=10,
                                          labelFontSize=10)),
        tooltip=[alt.Tooltip("community:Q", title=name),
                 alt.Tooltip("value:Q", title=unit_label(unit, lang),
                             format=".1f" if unit == "0-100" else ".1%")])
    labels = base.mark_text(fontSize=10).encode(
        text="text:N",
        color=alt.condition("datum.dark", alt.value("white"), alt.value("black")))
    return (alt.layer(tiles, labels, data=alt.Data(name=DATASET))
            .properties(title=_title(measure_title(measure, lang)),
                        width="container", height=height, autosize=AUTOSIZE)
            .configure_view(strokeWidth=0)).to_dict()


def community_columns(values: Sequence[float] | np.ndarray, measure: str) -> dict[str, list[Any]]:
    """The rows of :func:`community_spec`'s data set: per community its number, place in
    the grid of tiles, value, the value's text and whether the tile is dark."""
    values = np.asarray(values, dtype=float)
    n = values.size
    cols = int(np.ceil(np.sqrt(n * 3)))
    unit = MEASURES[measure][2]
    low, high = (0.0, 100.0) if unit == "0-100" else (0.0, 1.0)
    return {"community": list(range(1, n + 1)), "row": [i // cols for i in range(n)],
            "col": [i % cols for i in range(n)], "value": values.tolist(),
            "text": [f"{v:.0f}" if unit == "0-100" else f"{v:.0%}" for v in values],
            "dark": (values < low + 0.6 * (high - low)).tolist()}
