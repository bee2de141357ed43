"""Shared fixtures: small, fast model sizes; the seed base of the statistical tests."""

from __future__ import annotations

import os

import _paired
import pytest

from cogov_sim.params import Params

SMALL = {"n_residents": 800, "n_communities": 4, "residents_per_agent": 1, "months": 24,
         "spinup_months": 12}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--seed-base", type=int, default=None, metavar="N",
                     help="shift every seed of the statistical tests by N (default: "
                          f"${_paired.ENV_SEED_BASE} or 0)")


def pytest_configure(config: pytest.Config) -> None:
    base = config.getoption("--seed-base")
    if base is None:
        base = int(os.environ.get(_paired.ENV_SEED_BASE) or 0)
    _paired.set_seed_base(base)


def pytest_report_header(config: pytest.Config) -> str:
    return (f"statistical tests: seed base {_paired.seed_base()} "
            f"(--seed-base N or ${_paired.ENV_SEED_BASE} to change)")


def pytest_sessionfinish(session: pytest.Session) -> None:
    if path := os.environ.get(_paired.ENV_STATS_LOG):
        _paired.write_log(path)


@pytest.fixture
def small() -> Params:
    return Params(**SMALL)
