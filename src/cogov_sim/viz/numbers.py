"""How a number is shown: its display unit and the one rounding rule.

Values are stored in the units of the outcome metadata (:data:`cogov_sim.outcomes.OUTCOMES`;
a share as 0-1). Tables, the terminal and figures show them in *display units*: shares
as per cent and their differences in percentage points, differences of a 0-100 index in
index points; other units as they are. :func:`decimals` is the one rounding rule used by
the terminal, the Markdown tables, the ``decimals`` column of the CSV tables and the
figures' value labels: two significant digits of an interval's half-width (so that
``+0.459 [+0.356, +0.562]`` reads ``+0.46 [+0.36, +0.56]``), or, with no interval, three
significant digits of the value (``51.751`` reads ``51.8``).

Imports no plotting library: the terminal uses it too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..outcomes import outcome


@dataclass(frozen=True, slots=True)
class Display:
    """How an outcome is shown: ``shown = stored * scale``, in ``level`` units for a level
    and ``difference`` units for a difference (keys of :data:`~cogov_sim.viz.labels.UNITS_ZH`)."""

    scale: float
    level: str
    difference: str


_BY_UNIT = {
    "share": Display(100.0, "%", "pp"),
    "0-100": Display(1.0, "index 0-100", "index points"),
    "0-1": Display(1.0, "index 0-1", "points on the 0-1 scale"),
    "points": Display(1.0, "index points", "index points"),
}
"""Units shown differently from how they are stored; every other unit is shown as is."""


def display(name: str) -> Display:
    """The display of outcome ``name`` (from its unit in the metadata)."""
    unit = outcome(name).unit
    return _BY_UNIT.get(unit, Display(1.0, unit, unit))


SIGNIFICANT_WIDTH = 2
"""Significant digits of an interval's half-width that are shown."""
SIGNIFICANT_VALUE = 3
"""Significant digits of a value shown without an interval."""
MAX_DECIMALS = 6


def decimals(half_width: float, value: float = math.nan) -> int:
    """Decimals to show a value whose interval has half-width ``half_width`` (both in
    display units): :data:`SIGNIFICANT_WIDTH` significant digits of the half-width; with
    no interval (NaN or zero width), :data:`SIGNIFICANT_VALUE` significant digits of
    ``value``. Between 0 and :data:`MAX_DECIMALS`.

    >>> decimals(0.103), decimals(math.nan, 51.751), decimals(0.0, 0.0), decimals(12.0)
    (2, 1, 0, 0)
    """
    if math.isfinite(half_width) and half_width > 0:
        d = SIGNIFICANT_WIDTH - 1 - math.floor(math.log10(half_width))
    elif math.isfinite(value) and value != 0:
        d = SIGNIFICANT_VALUE - 1 - math.floor(math.log10(abs(value)))
    else:
        d = 0
    return int(min(max(d, 0), MAX_DECIMALS))


def number(x: float, places: int, signed: bool = False) -> str:
    """``x`` with ``places`` decimals (``+`` before positive values if ``signed``; a value
    that rounds to zero shows no sign); ``n/a`` if not finite."""
    if not math.isfinite(x):
        return "n/a"
    text = f"{x:.{places}f}"
    if float(text) == 0:
        return f"{0:.{places}f}"
    return f"+{text}" if signed and x > 0 else text


@dataclass(frozen=True, slots=True)
class Shown:
    """A difference with its interval and the two means, rounded by one rule (display units)."""

    places: int
    difference: str
    interval: str
    mean_a: str
    mean_b: str

    @property
    def difference_with_interval(self) -> str:
        return f"{self.difference} {self.interval}"


def shown(name: str, difference: float, low: float, high: float, mean_a: float = math.nan,
          mean_b: float = math.nan) -> Shown:
    """Outcome ``name``'s paired difference ``[low, high]`` and means (stored units) as
    text in display units, all with the decimals of :func:`decimals` for the interval
    (for the largest of the values where the interval has no width)."""
    scale = display(name).scale
    half = (high - low) * scale / 2
    sizes = [abs(x) * scale for x in (difference, mean_a, mean_b) if math.isfinite(x)]
    places = decimals(half, max(sizes, default=math.nan))
    return Shown(places, number(difference * scale, places, signed=True),
                 f"[{number(low * scale, places, True)}, {number(high * scale, places, True)}]",
                 number(mean_a * scale, places), number(mean_b * scale, places))


def value_text(name: str, value: float) -> str:
    """One value of outcome ``name`` (stored units) in display units, without an
    interval (as ``run`` prints it)."""
    shown_value = value * display(name).scale
    return number(shown_value, decimals(math.nan, shown_value))


__all__ = ["Display", "Shown", "decimals", "display", "number", "shown", "value_text"]
