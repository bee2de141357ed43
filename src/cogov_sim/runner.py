"""One run: parameters and a seed in, a frame of monthly outcomes out.

This is the single entry point every executor calls (CLI, experiments, sensitivity
analysis, a Dask worker), so a run means the same thing everywhere.
"""

from __future__ import annotations

import pandas as pd

from .model import CoGovModel, Seed
from .params import Params


def simulate(params: Params, seed: Seed = 0) -> pd.DataFrame:
    """Build the model, run ``params.months`` months, and return its outcome frame.

    The frame has one row per month (``month`` 1…M, ``year``) and one column per outcome
    of :data:`cogov_sim.outcomes.OUTCOMES`.
    """
    model = CoGovModel(params, seed=seed)
    model.run()
    return model.dataframe()
