"""A Mesa ``DataCollector`` over the model's outcomes, for tools that read one.

Mesa's ``batch_run``, SolaraViz's plot components and Mesa users' own habits read
``model.datacollector``: ``model_vars``, ``get_model_vars_dataframe()`` and the steps at
which it collected. The model measures every outcome once a month in its
:class:`~cogov_sim.outcomes.Recorder`; this collector copies that month's row, so both
hold the same numbers and nothing is measured twice.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from mesa.datacollection import DataCollector

from .outcomes import OUTCOME_NAMES

if TYPE_CHECKING:
    from .model import CoGovModel


def latest(name: str, model: CoGovModel) -> float:
    """The last recorded value of outcome ``name`` (NaN before the first reported month)."""
    rec = model.recorder
    return float(rec.values[rec.n - 1, OUTCOME_NAMES.index(name)]) if rec.n else float("nan")


class OutcomeCollector(DataCollector):
    """One model reporter per outcome of :data:`~cogov_sim.outcomes.OUTCOMES`, collected
    after each reported month (the spin-up is not reported, as in the model's frame)."""

    def __init__(self) -> None:
        super().__init__(model_reporters={name: partial(latest, name) for name in OUTCOME_NAMES})
        self._column = {name: i for i, name in enumerate(OUTCOME_NAMES)}

    def collect(self, model: CoGovModel) -> None:  # type: ignore[override]
        """Append the recorder's latest row (the same values the reporters would give)."""
        rec = model.recorder
        row = rec.values[rec.n - 1] if rec.n else None
        self._collection_steps.append(model.time)
        for name, i in self._column.items():
            self.model_vars[name].append(float(row[i]) if row is not None else float("nan"))
