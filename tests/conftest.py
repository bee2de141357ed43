"""Shared fixtures: small, fast model sizes."""

from __future__ import annotations

import pytest

from cogov_sim.params import Params

SMALL = {"n_residents": 800, "n_communities": 4, "months": 24}


@pytest.fixture
def small() -> Params:
    return Params(**SMALL)
