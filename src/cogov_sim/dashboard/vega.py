"""A Vega-Lite chart in the browser whose data change in place (the dashboard's charts).

Solara's ``FigureAltair`` (which Mesa's Altair plot component renders) sends the whole
chart at every step and the browser compiles and draws it anew: about 0.3 s of the
server's time and 0.5 s of the browser's for the dashboard's seven charts, a step. Here
the chart (an Altair spec over named data sets) is sent once; a step sends the recorded
columns, and the browser swaps the data of the view it already has.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import ipyvuetify as v
import solara
import traitlets


class VegaChart(v.VuetifyTemplate):
    """The widget: ``spec`` (JSON text of a Vega-Lite spec over named data sets), ``datasets`` (JSON text of
    data set name → its columns: column name → equal-length list), ``fixed`` (more data
    sets as JSON, which change seldom: a trait is sent only when its value changes, so
    these are not sent again at each step) and ``signals`` (parameter → value). While
    ``stream`` stays the same, a data set with the column ``grows`` only grows: the
    browser inserts the rows past the largest value of that column it has, and keeps the
    rest (the server says so by keeping ``stream``: one key per run and language).

    Spec and data travel as JSON text, not as dictionaries and lists: Reacton walks every
    list and dictionary in an element's arguments looking for child elements, at every
    redraw, and a run's columns (thousands of numbers a chart) made a step cost more
    than a second of the server's time by month 120."""

    template_file = str(Path(__file__).with_name("vega_chart.vue"))
    spec = traitlets.Unicode("{}").tag(sync=True)
    datasets = traitlets.Unicode("{}").tag(sync=True)
    fixed = traitlets.Unicode("{}").tag(sync=True)
    grows = traitlets.Unicode("").tag(sync=True)
    stream = traitlets.Unicode("").tag(sync=True)
    signals = traitlets.Dict().tag(sync=True)
    cdn = traitlets.Unicode(None, allow_none=True).tag(sync=True)

    @traitlets.default("cdn")
    def _cdn(self) -> str | None:
        return None if solara.settings.assets.proxy else str(solara.settings.assets.cdn)


def VegaView(spec: dict[str, Any],  # noqa: N802 - a component
             datasets: dict[str, dict[str, list[Any]]],
             signals: dict[str, Any] | None = None,
             fixed: dict[str, dict[str, list[Any]]] | None = None,
             grows: str = "", stream: str = "") -> Any:
    """The chart as a Solara element; a new ``spec`` draws it anew, new ``datasets``,
    ``fixed`` or ``signals`` only change its data."""
    return VegaChart.element(spec=spec_json(spec), datasets=as_json(datasets),
                             fixed=as_json(fixed or {}), grows=grows, stream=stream,
                             signals=signals or {})


def spec_json(spec: dict[str, Any]) -> str:
    """A spec as JSON text, made once per spec (specs are cached and not changed)."""
    key = id(spec)
    if key not in _SPECS or _SPECS[key][0] is not spec:
        _SPECS[key] = (spec, json.dumps(spec, separators=(",", ":")))
    return _SPECS[key][1]


_SPECS: dict[int, tuple[dict[str, Any], str]] = {}


def as_json(datasets: dict[str, dict[str, list[Any]]]) -> str:
    """Data sets as compact JSON text (NaN, which JSON lacks, as null: a gap)."""
    return json.dumps(datasets, separators=(",", ":"), allow_nan=True).replace("NaN", "null")
