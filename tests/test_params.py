"""Parameter object, metadata and presets."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cogov_sim.params import ParameterError, Params, coerce, param_specs, salib_problem, spec
from cogov_sim.presets import load_preset, preset, preset_names, preset_values


def test_every_parameter_has_complete_metadata() -> None:
    for s in param_specs():
        assert s.low < s.high, s.name
        assert s.low <= s.default <= s.high, s.name
        assert s.unit and s.en and s.zh, s.name
        assert s.kind in ("lever", "context", "size")


def test_levers_are_those_of_the_brief() -> None:
    levers = {s.name for s in param_specs("lever")}
    assert {"list_strictness", "delegation_funding", "two_way_eval_weight", "resident_eval_weight",
            "consultations_per_year", "random_seat_share", "purchase_share", "incubation_rate",
            "social_workers_per_1000", "grid_visits"} <= levers


@pytest.mark.parametrize(("kw", "fragment"), [
    ({"list_strictness": 1.5}, "list_strictness = 1.5 is out of range; allowed: 0 to 1"),
    ({"n_residents": 10.5}, "n_residents = 10.5: expected a whole number"),
    ({"grid_visits": "3"}, "grid_visits = '3': expected a number"),
    ({"purchase_share": math.nan}, "purchase_share = nan is out of range"),
    ({"share_elderly": 0.7, "share_young": 0.5}, "share_elderly + share_young"),
    ({"n_residents": 100, "n_communities": 50}, "n_communities = 50"),
])
def test_invalid_values_name_the_parameter_and_range(kw: dict, fragment: str) -> None:
    with pytest.raises(ParameterError) as err:
        Params(**kw)
    assert fragment in str(err.value)
    assert "\n" not in str(err.value)


def test_unknown_names_get_a_suggestion() -> None:
    with pytest.raises(ParameterError, match="did you mean 'list_strictness'"):
        Params().replace(list_strictnes=0.5)
    with pytest.raises(ParameterError, match="unknown parameter"):
        spec("nonsense_zzz")


def test_params_are_frozen_and_replace_validates() -> None:
    p = Params()
    with pytest.raises(AttributeError):
        p.list_strictness = 0.5  # type: ignore[misc]
    assert p.replace(list_strictness=0.5).list_strictness == 0.5
    with pytest.raises(ParameterError):
        p.replace(list_strictness=-0.1)


def test_coerce_parses_by_type() -> None:
    assert coerce("n_residents", "2000") == 2000 and isinstance(coerce("n_residents", "2e3"), int)
    assert coerce("grid_visits", "2.5") == 2.5
    with pytest.raises(ParameterError, match="expected a number"):
        coerce("grid_visits", "many")


def test_salib_problem_from_metadata() -> None:
    prob = salib_problem()
    assert prob["names"] == [s.name for s in param_specs("lever")]
    assert prob["bounds"][0] == [spec(prob["names"][0]).low, spec(prob["names"][0]).high]
    narrowed = salib_problem(["grid_visits"], {"grid_visits": (2.0, 10.0)})
    assert narrowed["bounds"] == [[2.0, 10.0]]
    with pytest.raises(ParameterError, match="bounds for grid_visits"):
        salib_problem(["grid_visits"], {"grid_visits": (2.0, 99.0)})
    with pytest.raises(ParameterError, match="bounds for grid_visits"):
        salib_problem(["grid_visits"], {"grid_visits": (5.0, 5.0)})


def test_presets_load_and_every_value_has_a_rationale() -> None:
    assert preset_names()[:6] == ("baseline", "taicang_1_0", "taicang_2_0", "taicang_3_0",
                                  "shanghai", "chengdu")
    for name in preset_names():
        pr = preset(name)
        assert pr.description and pr.description_zh
        assert set(pr.values) == set(pr.why)
        assert all(len(w) > 10 for w in pr.why.values())
        load_preset(name)  # validates


def test_stages_accumulate_instruments() -> None:
    one, two, three = (preset_values(n) for n in ("taicang_1_0", "taicang_2_0", "taicang_3_0"))
    assert one["list_strictness"] == two["list_strictness"] == three["list_strictness"] > 0
    assert two["purchase_share"] > preset_values("baseline")["purchase_share"]
    assert three["consultations_per_year"] > two["consultations_per_year"]


def test_unknown_scenario_suggests() -> None:
    with pytest.raises(ParameterError, match="did you mean 'taicang_3_0'"):
        load_preset("taicang_3")


# -- issue 14: types through the Python API -------------------------------------------------

def test_numpy_and_whole_float_values_become_plain_numbers_of_the_parameters_type() -> None:
    """SALib, the EMA Workbench and pandas hand over NumPy scalars; a whole-valued float
    for an integer parameter used to be kept as a float and break ``simulate``."""
    from cogov_sim.runner import simulate

    p = Params(network_degree=np.int64(6), consultation_seats=12.0, months=np.float64(3),
               list_strictness=np.float64(0.5), grid_visits=np.float32(2.5),
               purchase_share=np.int32(0), n_residents=300, n_communities=3)
    assert (type(p.network_degree), type(p.consultation_seats), type(p.months)) == (int, int, int)
    assert (type(p.list_strictness), type(p.grid_visits)) == (float, float)
    assert (p.network_degree, p.consultation_seats, p.months, p.grid_visits) == (6, 12, 3, 2.5)
    assert type(p.purchase_share) is int and p.purchase_share == 0
    q = load_preset("baseline", network_degree=8.0, n_residents=300, n_communities=3, months=3)
    assert type(q.network_degree) is int
    plain = load_preset("baseline", network_degree=8, n_residents=300, n_communities=3, months=3)
    assert q == plain
    pd_frame = simulate(q, seed=1)
    assert pd_frame.equals(simulate(plain, seed=1))


@pytest.mark.parametrize(("kw", "fragment"), [
    ({"network_degree": 8.5}, "network_degree = 8.5: expected a whole number from 2 to 50"),
    ({"network_degree": np.float64(8.5)}, "network_degree = 8.5: expected a whole number"),
    ({"months": np.float64(1e9)}, "months = 1000000000 is out of range"),
    ({"list_strictness": True}, "list_strictness = True: expected a number"),
    ({"list_strictness": np.bool_(True)}, "list_strictness = True: expected a number"),
    ({"list_strictness": None}, "list_strictness = None: expected a number"),
    ({"list_strictness": np.float64(1.5)}, "list_strictness = 1.5 is out of range"),
])
def test_values_of_the_wrong_kind_are_refused_in_one_line(kw: dict, fragment: str) -> None:
    with pytest.raises(ParameterError) as err:
        Params(**kw)
    assert fragment in str(err.value) and "\n" not in str(err.value)
