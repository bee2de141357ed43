"""One run: parameters and a seed in, a frame of monthly outcomes out.

This is the single entry point every executor calls (CLI, experiments, sensitivity
analysis, a Dask worker), so a run means the same thing everywhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from .model import CoGovModel, Seed
from .params import Params

if TYPE_CHECKING:
    from .spinup import SpinUp


def simulate(params: Params, seed: Seed = 0, spinup: SpinUp | None = None) -> pd.DataFrame:
    """Build the model, run ``params.months`` months, and return its outcome frame.

    The frame has one row per month (``month`` 1…M, ``year``) and one column per outcome
    of :data:`cogov_sim.outcomes.OUTCOMES`.

    ``spinup`` (:func:`cogov_sim.spinup.spin_up` of these parameters' spin-up and this
    seed) starts the run from that shared spin-up instead of simulating it again; the
    frame is bit for bit the same.
    """
    model = CoGovModel(params, seed=seed) if spinup is None else spinup.start(params, seed)
    model.run()
    return model.dataframe()
