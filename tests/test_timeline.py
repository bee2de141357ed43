"""Timelines: dated lever changes (issue 9)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from cogov_sim.cli import main
from cogov_sim.model import CoGovModel
from cogov_sim.params import ParameterError
from cogov_sim.presets import load_preset
from cogov_sim.runner import simulate
from cogov_sim.timeline import build_timeline, load_scenario, scenario_names, with_changes

TINY = {"n_residents": 600, "n_communities": 2, "residents_per_agent": 1, "spinup_months": 12,
        "months": 24}


def test_empty_timeline_is_bitwise_its_static_preset():
    static = load_preset("taicang_2_0", **TINY)
    frame = simulate(static, seed=4)
    timed = simulate(with_changes(static, ()), seed=4)
    pd.testing.assert_frame_equal(frame, timed, check_exact=True)
    data = build_timeline({"start": "taicang_2_0"}, overrides=TINY)
    pd.testing.assert_frame_equal(frame, simulate(data, seed=4), check_exact=True)


def test_change_happens_at_exactly_the_stated_month():
    data = {"start": "baseline", "changes": [{"month": 7, "preset": "taicang_1_0"}]}
    params = build_timeline(data, overrides=TINY)
    model = CoGovModel(params, seed=2)
    for reported in range(1, 9):
        model.step()
        expected = 0.9 if reported >= 7 else 0.0  # taicang_1_0's list_strictness
        assert model.params.list_strictness == expected, reported
    static = simulate(load_preset("baseline", **TINY), seed=2)
    timed = simulate(params, seed=2)
    outcomes = [c for c in static.columns if c not in ("month", "year")]
    pd.testing.assert_frame_equal(static.iloc[:6], timed.iloc[:6], check_exact=True)
    assert (static.loc[6, outcomes] != timed.loc[6, outcomes]).any()  # month 7 differs


def test_taicang_history_dates_and_calendar_columns():
    params = load_scenario("taicang_history", **{k: v for k, v in TINY.items() if k != "months"})
    assert params.months == 192 and params.start_year == 2005
    changes = params.description()["changes"]
    assert [c["date"] for c in changes] == ["2008-10", "2012-01", "2017-01"]
    assert [c["label"] for c in changes] == ["taicang_1_0", "taicang_2_0", "taicang_3_0"]
    with pytest.raises(ParameterError, match="change #2"):  # months must cover every change
        params.replace(months=46)
    frame = CoGovModel(params, seed=0)
    frame.run(46)
    df = frame.dataframe()
    assert df["date"].iloc[-1] == "2008-10" and df["calendar_year"].iloc[0] == 2005
    assert frame.params.list_strictness == 0.9
    assert "taicang_history" in scenario_names()


@pytest.mark.parametrize(("data", "message"), [
    ({"start": "baseline", "changes": [{"month": 5, "preset": "taicang_9"}]},
     "[[changes]] #1: preset: unknown preset 'taicang_9'"),
    ({"changes": [{"month": 5, "n_residents": 5000}]}, "'n_residents' is a size parameter"),
    ({"changes": [{"month": 5, "admin_task_load": 50}]}, "'admin_task_load' is a context parameter"),
    ({"changes": [{"month": 9, "list_strictness": 0.5}, {"month": 9, "list_strictness": 1.0}]},
     "change #2: month 9"),
    ({"changes": [{"month": 30, "list_strictness": 0.5}]}, "outside the reported months 1 to 24"),
    ({"changes": [{"year": 2008, "list_strictness": 0.5}]}, "needs start_year"),
    ({"start_year": 2005, "changes": [{"year": 2004, "list_strictness": 0.5}]}, "2004-01 is outside"),
    ({"changes": [{"month": 3, "list_strictness": 2.0}]},
     "list_strictness = 2.0 is out of range; allowed: 0 to 1 (share)"),
    ({"changes": [{"month": 3, "list_strictnes": 0.5}]}, "did you mean 'list_strictness'"),
    ({"changes": [{"month": 3}]}, "changes nothing"),
    ({"strat": "baseline"}, "unknown key 'strat'"),
])
def test_bad_timelines_are_refused_with_one_line(data, message):
    with pytest.raises(ParameterError) as err:
        build_timeline(data, source="t.toml", overrides=TINY)
    text = str(err.value)
    assert message in text and "\n" not in text and text.startswith("t.toml")


def test_cli_runs_a_timeline_and_refuses_bad_months(tmp_path, capsys):
    out = tmp_path / "run"
    rc = main(["run", "--scenario", "taicang_history", "--residents", "600", "--communities", "2",
               "--set", "residents_per_agent=1", "--set", "spinup_months=0", "--seed", "3",
               "--out", str(out)])
    assert rc == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert [c["date"] for c in manifest["changes"]] == ["2008-10", "2012-01", "2017-01"]
    assert pd.read_parquet(out / "timeseries.parquet")["date"].iloc[0] == "2005-01"
    bad = tmp_path / "bad"
    rc = main(["run", "--scenario", "taicang_history", "--months", "100", "--out", str(bad)])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1 and "[[changes]] #3" in err[0] and not bad.exists()


def test_experiment_and_sa_accept_a_timeline(tmp_path):
    from cogov_sim.experiment.spec import SpecError, parse_spec
    from cogov_sim.sensitivity.spec import parse_spec as parse_sa
    from cogov_sim.timeline import ScheduledParams

    spec = parse_spec({"name": "t", "root_seed": 1, "replications": 1, "residents": 600, "communities": 2,
                       "residents_per_agent": 1, "spinup_months": 0,
                       "scenarios": {"hist": {"preset": "taicang_history", "grid_visits": 4}}})
    params = spec.points[0].params
    assert isinstance(params, ScheduledParams) and len(params.changes) == 3
    assert params.grid_visits == 4 and params.months == 192
    with pytest.raises(SpecError, match="did you mean 'taicang_history'"):
        parse_spec({"name": "t", "root_seed": 1, "replications": 1,
                    "scenarios": ["taicang_histroy"]})
    sa = parse_sa({"name": "s", "scenario": "taicang_history", "method": "morris", "n": 2,
                   "replications": 1, "root_seed": 1, "residents": 600, "communities": 2,
                   "months": 192, "outcomes": ["happiness_index:final"]}, source="sa.toml")
    base = sa.base_params()
    assert isinstance(base, ScheduledParams)
    assert isinstance(base.replace(grid_visits=3.0), ScheduledParams)


def test_figure_draws_each_stage_change_at_its_calendar_date():
    """The stage lines of taicang_history sit at October 2008, January 2012 and January 2017
    (a dated run's month m starts at start_year + (m - 1) / 12)."""
    from cogov_sim.viz.stages import month_position

    params = load_scenario("taicang_history", **{k: v for k, v in TINY.items() if k != "months"})
    months = [c["month"] for c in params.description()["changes"]]
    assert [month_position(m, params.start_year) for m in months] == pytest.approx(
        [2008.75, 2012.0, 2017.0])
    assert month_position(1, params.start_year) == 2005.0
    assert month_position(13, None) == 1.0
