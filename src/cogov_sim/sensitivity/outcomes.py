"""Which numbers of a model run a sensitivity analysis looks at.

A run produces a monthly frame (:func:`cogov_sim.runner.simulate`). The analysis needs
scalars, named ``outcome:statistic``:

``final``
    the value in the last simulated month (end-of-run value);
``mean``
    the average over all simulated months (time average);
``last_year``
    the average over the last 12 months (an end-of-run value with less month-to-month
    noise).

A bare outcome name means ``outcome:final``. Outcomes listed under ``over_time`` are
also averaged over each simulated year (columns ``outcome:y1``, ``outcome:y2``, ...), for
indices per year.

:class:`OutcomeSelection` is the reduction applied to each run where it runs (the
experiment runner's ``reduce_fn``), so only one small row per run is stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..outcomes import OUTCOME_NAMES
from ..params import suggest
from .problem import SensitivityError

STATISTICS = ("final", "mean", "last_year")
DEFAULT_OUTCOMES = ("participation_rate:final", "happiness_index:final", "admin_burden:mean",
                    "trust_committee:final")
DEFAULT_OVER_TIME = ("participation_rate", "happiness_index")


@dataclass(frozen=True)
class OutcomeSelection:
    """Scalar outcomes ``(outcome, statistic)`` and outcomes resolved per year."""

    scalars: tuple[tuple[str, str], ...]
    yearly: tuple[str, ...] = ()
    years: int = 0

    @property
    def columns(self) -> tuple[str, ...]:
        """Names of the scalar outputs (``outcome:statistic``)."""
        return tuple(f"{o}:{s}" for o, s in self.scalars)

    def time_columns(self) -> dict[str, list[tuple[int, str]]]:
        """Per-year output columns of each outcome under ``over_time``."""
        return {o: [(y, f"{o}:y{y}") for y in range(1, self.years + 1)] for o in self.yearly}

    def __call__(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Reduce one run's monthly frame to a single row of the selected outputs."""
        row: dict[str, float] = {}
        for outcome, stat in self.scalars:
            values = frame[outcome].to_numpy(dtype=float)
            if stat == "final":
                row[f"{outcome}:{stat}"] = float(values[-1])
            elif stat == "mean":
                row[f"{outcome}:{stat}"] = float(values.mean())
            else:
                row[f"{outcome}:{stat}"] = float(values[-12:].mean())
        if self.yearly:
            yearly = frame.groupby("year")[list(self.yearly)].mean()
            for outcome in self.yearly:
                for year in range(1, self.years + 1):
                    value = yearly[outcome].get(year, np.nan)
                    row[f"{outcome}:y{year}"] = float(value)
        return pd.DataFrame([row])


def parse_outcomes(items: Sequence[str] | None, over_time: Sequence[str] | None,
                   months: int, where: str = "outcomes") -> OutcomeSelection:
    """Check outcome names and statistics; one-line errors with suggestions."""
    items = DEFAULT_OUTCOMES if items is None else items
    if isinstance(items, str) or not isinstance(items, Sequence) or not items:
        raise SensitivityError(f"{where} = {items!r}: expected a non-empty list such as "
                               "[\"participation_rate:final\", \"happiness_index:mean\"]")
    scalars = []
    for item in items:
        if not isinstance(item, str):
            raise SensitivityError(f"{where}: {item!r} is not a string")
        name, _, stat = item.partition(":")
        _check_name(name, where)
        stat = stat or "final"
        if stat not in STATISTICS:
            raise SensitivityError(f"{where}: '{item}' has unknown statistic '{stat}'"
                                   f"{suggest(stat, STATISTICS)}; allowed: "
                                   f"{', '.join(STATISTICS)}")
        scalars.append((name, stat))
    yearly = DEFAULT_OVER_TIME if over_time is None else over_time
    if isinstance(yearly, str) or not isinstance(yearly, Sequence):
        raise SensitivityError(f"over_time = {yearly!r}: expected a list of outcome names")
    for name in yearly:
        if not isinstance(name, str):
            raise SensitivityError(f"over_time: {name!r} is not a string")
        _check_name(name, "over_time")
    years = -(-months // 12)
    return OutcomeSelection(tuple(dict.fromkeys(scalars)), tuple(dict.fromkeys(yearly)),
                            years if yearly else 0)


def _check_name(name: str, where: str) -> None:
    if name not in OUTCOME_NAMES:
        raise SensitivityError(f"{where}: unknown outcome '{name}'{suggest(name, OUTCOME_NAMES)}"
                               "; see cogov_sim.outcomes.OUTCOMES")


__all__ = ["DEFAULT_OUTCOMES", "DEFAULT_OVER_TIME", "OutcomeSelection", "STATISTICS",
           "parse_outcomes"]
