"""A Vega-Lite chart in the browser whose data change in place (the dashboard's charts).

Solara's ``FigureAltair`` (which Mesa's Altair plot component renders) sends the whole
chart at every step and the browser compiles and draws it anew: about 0.3 s of the
server's time and 0.5 s of the browser's for the dashboard's seven charts, a step. Here
the chart (an Altair spec over the named data set ``table``) is sent once; a step sends
the recorded columns, and the browser swaps the data of the view it already has.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipyvuetify as v
import solara
import traitlets

DATASET = "table"


class VegaChart(v.VuetifyTemplate):
    """The widget: ``spec`` (Vega-Lite, data named :data:`DATASET`), ``columns`` (name →
    equal-length list; the rows of the data set) and ``signals`` (parameter → value)."""

    template_file = str(Path(__file__).with_name("vega_chart.vue"))
    spec = traitlets.Dict().tag(sync=True)
    columns = traitlets.Dict().tag(sync=True)
    signals = traitlets.Dict().tag(sync=True)
    dataset = traitlets.Unicode(DATASET).tag(sync=True)
    cdn = traitlets.Unicode(None, allow_none=True).tag(sync=True)

    @traitlets.default("cdn")
    def _cdn(self) -> str | None:
        return None if solara.settings.assets.proxy else str(solara.settings.assets.cdn)


def VegaView(spec: dict[str, Any], columns: dict[str, list[Any]],  # noqa: N802 - a component
             signals: dict[str, Any] | None = None) -> Any:
    """The chart as a Solara element; a new ``spec`` draws it anew, new ``columns`` or
    ``signals`` only change its data."""
    return VegaChart.element(spec=spec, columns=columns, signals=signals or {})
