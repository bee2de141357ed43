"""The model built the way Mesa's tools build models: keyword parameters plus ``rng``
(SolaraViz, ``mesa.batch_run``), and a Mesa DataCollector they can read."""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd
import pytest

from cogov_sim.model import CoGovModel
from cogov_sim.outcomes import OUTCOME_NAMES
from cogov_sim.params import ParameterError
from cogov_sim.presets import load_preset
from cogov_sim.runner import simulate

SIZES = {"n_residents": 2_000, "n_communities": 2, "spinup_months": 12, "months": 14}


def _run(model: CoGovModel) -> pd.DataFrame:
    while model.running:
        model.step()
    return model.dataframe()


def test_keywords_and_rng_give_the_same_run_as_params_and_seed() -> None:
    params = load_preset("taicang_2_0", consultations_per_year=4, **SIZES)
    expected = simulate(params, seed=9)
    by_keywords = _run(CoGovModel(preset="taicang_2_0", consultations_per_year=4, rng=9, **SIZES))
    pd.testing.assert_frame_equal(by_keywords, expected)
    on_params = _run(CoGovModel(params=load_preset("taicang_2_0", **SIZES),
                                consultations_per_year=4, seed=9))
    pd.testing.assert_frame_equal(on_params, expected)
    other_seed = _run(CoGovModel(preset="taicang_2_0", consultations_per_year=4, rng=10, **SIZES))
    assert not other_seed.equals(expected)


def test_running_stops_after_the_reported_months() -> None:
    model = CoGovModel(preset="baseline", rng=1, **SIZES)
    assert model.running
    frame = _run(model)
    assert len(frame) == SIZES["months"] and model.steps == SIZES["months"]
    assert not model.running


def test_datacollector_holds_every_outcome_of_every_reported_month() -> None:
    model = CoGovModel(preset="taicang_1_0", rng=3, **SIZES)
    frame = _run(model)
    collected = model.datacollector.get_model_vars_dataframe()
    assert list(collected.columns) == list(OUTCOME_NAMES)
    np.testing.assert_array_equal(collected.to_numpy(), frame[list(OUTCOME_NAMES)].to_numpy())
    assert model.datacollector._collection_steps == [float(m) for m in range(1, 15)]
    # its reporters (what generic Mesa code calls) agree with what was collected
    reporter = model.datacollector.model_reporters["happiness_index"]
    assert reporter(model) == collected["happiness_index"].iloc[-1]


def test_mesa_batch_run_runs_a_grid_with_seeds() -> None:
    rows = pd.DataFrame(mesa.batch_run(
        CoGovModel, parameters={"preset": "taicang_1_0", **SIZES,
                                "consultations_per_year": [0.0, 6.0]},
        rng=[1, 2], max_steps=100, number_processes=1, data_collection_period=1,
        display_progress=False))
    assert len(rows) == 2 * 2 * SIZES["months"]
    assert set(rows["consultations_per_year"]) == {0.0, 6.0}
    last = rows[rows["Step"] == rows["Step"].max()].set_index(["consultations_per_year", "seed"])
    single = simulate(load_preset("taicang_1_0", consultations_per_year=6.0, **SIZES), seed=2)
    assert last.loc[(6.0, 2), "happiness_index"] == single["happiness_index"].iloc[-1]


def test_mesa_scenario_passed_on_reset_contributes_only_its_rng() -> None:
    from mesa.experimental.scenarios import Scenario

    a = _run(CoGovModel(preset="baseline", scenario=Scenario(rng=5), **SIZES))
    b = _run(CoGovModel(preset="baseline", rng=5, **SIZES))
    pd.testing.assert_frame_equal(a, b)


def test_seed_none_draws_a_fresh_seed_and_records_it() -> None:
    a = CoGovModel(preset="baseline", seed=None, **SIZES)
    assert isinstance(a.seed, int)
    replay = _run(CoGovModel(preset="baseline", rng=a.seed, **SIZES))
    pd.testing.assert_frame_equal(_run(a), replay)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"preset": "taicang_9"}, "unknown scenario 'taicang_9'"),
    ({"consultations_per_yaer": 2}, "did you mean 'consultations_per_year'"),
    ({"rng": 1, "seed": 2}, "seed= or rng=, not both"),
    ({"rng": "x"}, "expected a non-negative whole number"),
])
def test_bad_keywords_give_one_line(kwargs: dict, message: str) -> None:
    with pytest.raises(ParameterError, match=message) as info:
        CoGovModel(**{**SIZES, **kwargs})
    assert "\n" not in str(info.value)


def test_params_and_preset_together_are_refused() -> None:
    with pytest.raises(ParameterError, match="params or preset, not both"):
        CoGovModel(load_preset("baseline", **SIZES), preset="baseline")
