"""Shared fixtures: small, fast model sizes."""

from __future__ import annotations

import pytest

from cogov_sim.params import Params

SMALL = {"n_residents": 800, "n_communities": 4, "residents_per_agent": 1, "months": 24,
         "spinup_months": 12}


@pytest.fixture
def small() -> Params:
    return Params(**SMALL)
