"""A Vega-Lite chart in the browser whose data change in place (the dashboard's charts).

Solara's ``FigureAltair`` (which Mesa's Altair plot component renders) sends the whole
chart at every step and the browser compiles and draws it anew: about 0.3 s of the
server's time and 0.5 s of the browser's for the dashboard's seven charts, a step. Here
the chart (an Altair spec over named data sets) is sent once; a step sends the recorded
columns, and the browser swaps the data of the view it already has.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipyvuetify as v
import solara
import traitlets


class VegaChart(v.VuetifyTemplate):
    """The widget: ``spec`` (Vega-Lite over named data sets), ``datasets`` (data set name
    → its columns: column name → equal-length list), ``fixed`` (more data sets, which
    change seldom: a trait is sent only when its value changes, so these are not sent
    again at each step) and ``signals`` (parameter → value)."""

    template_file = str(Path(__file__).with_name("vega_chart.vue"))
    spec = traitlets.Dict().tag(sync=True)
    datasets = traitlets.Dict().tag(sync=True)
    fixed = traitlets.Dict().tag(sync=True)
    signals = traitlets.Dict().tag(sync=True)
    cdn = traitlets.Unicode(None, allow_none=True).tag(sync=True)

    @traitlets.default("cdn")
    def _cdn(self) -> str | None:
        return None if solara.settings.assets.proxy else str(solara.settings.assets.cdn)


def VegaView(spec: dict[str, Any],  # noqa: N802 - a component
             datasets: dict[str, dict[str, list[Any]]],
             signals: dict[str, Any] | None = None,
             fixed: dict[str, dict[str, list[Any]]] | None = None) -> Any:
    """The chart as a Solara element; a new ``spec`` draws it anew, new ``datasets``,
    ``fixed`` or ``signals`` only change its data."""
    return VegaChart.element(spec=spec, datasets=datasets, fixed=fixed or {},
                             signals=signals or {})
