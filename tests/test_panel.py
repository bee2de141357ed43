"""Staggered rollout panel and event-study estimators (issue 9)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cogov_sim.cli import main
from cogov_sim.experiment.spec import SpecError
from cogov_sim.panel.estimate import event_study, synthetic_panel
from cogov_sim.panel.rollout import (
    adoption_share,
    assemble_panel,
    load_rollout,
    parse_rollout,
    run_rollout,
    townships,
)
from cogov_sim.runner import simulate
from cogov_sim.specs import spec_path

SMALL = {"name": "tiny_rollout", "root_seed": 5, "townships": 4, "residents_per_agent": 1,
         "spinup_months": 0, "residents_per_community": 150, "start_year": 2010,
         "end_year": 2013, "outcomes": ["happiness_index", "admin_burden"],
         "ranges": {"n_residents": [300, 450], "share_elderly": [0.15, 0.35]},
         "adoption": [{"year": 2012, "share": 0.25}, {"year": 2013, "share": 0.5}]}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    from cogov_sim.experiment import load_outcomes

    spec = parse_rollout(SMALL)
    folder = tmp_path_factory.mktemp("rollout")
    report = run_rollout(spec, folder, progress=False)
    assert report.ok
    return spec, load_outcomes(folder)


def test_panel_has_one_row_per_township_and_year_with_adoption_date(tiny):
    spec, runs = tiny
    panel = assemble_panel(runs, spec.outcomes)
    assert len(panel) == 4 * 4 and not panel.duplicated(["township", "calendar_year"]).any()
    assert set(panel.calendar_year) == {2010, 2011, 2012, 2013}
    adopted = panel.groupby("township").adoption_year.first()
    assert sorted(adopted.dropna()) == [2012, 2013] and adopted.isna().sum() == 2
    assert (panel.treated == (panel.calendar_year >= panel.adoption_year)).all()


def test_true_effect_is_the_paired_difference(tiny):
    spec, runs = tiny
    panel = assemble_panel(runs, spec.outcomes)
    t = int(panel[panel.adoption_year == 2012].township.iloc[0])
    both = runs[runs.township == t].set_index(["arm", "calendar_year"])
    expected = (both.loc["adopt", "happiness_index"] - both.loc["never", "happiness_index"])
    got = panel[panel.township == t].set_index("calendar_year")["true_happiness_index"]
    np.testing.assert_array_equal(got.to_numpy(), expected.to_numpy())
    assert got.loc[2011] == 0.0 and got.loc[2012] != 0.0  # identical runs before adoption
    # and the stored runs are the model's runs on the recorded seed
    task_params = __import__("cogov_sim.panel.rollout", fromlist=["make_tasks"]).make_tasks(spec)
    task = next(x for x in task_params if x.labels["township"] == t and x.labels["arm"] == "adopt")
    frame = simulate(task.params, task.seed)
    direct = frame.groupby("calendar_year")["happiness_index"].mean()
    np.testing.assert_allclose(direct.to_numpy(), both.loc["adopt", "happiness_index"].to_numpy())


def test_estimator_recovers_a_known_constant_effect():
    study = event_study(synthetic_panel(effect=2.0, seed=3), ["y"])
    pooled = study.pooled.set_index("estimator")
    for est in ("did2s", "twfe", "cs"):
        assert pooled.loc[est, "ci_low"] <= 2.0 <= pooled.loc[est, "ci_high"]
        assert pooled.loc[est, "ci_high"] - pooled.loc[est, "ci_low"] < 0.5
    for est in ("did2s", "cs"):
        post = study.by_event[(study.by_event.estimator == est) & (study.by_event.event_time >= 0)]
        assert len(post) == 6 and ((post.ci_low <= 2.0) & (2.0 <= post.ci_high)).mean() >= 0.8
    truth = study.by_event[study.by_event.estimator == "truth"]
    assert (truth[truth.event_time >= 0].estimate == 2.0).all()


def test_static_twfe_is_biased_by_growing_effects_and_did2s_is_not():
    panel = synthetic_panel(effect=0.0, units=60, noise=0.05, seed=1)
    rel = panel.calendar_year - panel.adoption_year
    grow = np.where(rel >= 0, 1.0 + rel, 0.0)  # the effect grows a point a year
    panel["y"] += grow
    panel["true_y"] = grow
    pooled = event_study(panel, ["y"]).pooled.set_index("estimator")
    assert abs(pooled.loc["did2s", "error"]) < 0.1 and abs(pooled.loc["cs", "error"]) < 0.1
    assert abs(pooled.loc["twfe", "error"]) > 3 * abs(pooled.loc["did2s", "error"])


def test_jiangsu_rollout_follows_seed_003():
    spec = load_rollout(spec_path("jiangsu_rollout"))
    share = adoption_share(townships(spec), [2015])
    assert share[2015] == pytest.approx(0.66, abs=0.02)  # 66 % by Q3 2015 (seed 003)
    frame = townships(spec)
    for key in ("n_residents", "share_elderly", "budget_per_resident", "admin_task_load"):
        assert frame[key].nunique() == spec.townships


@pytest.mark.parametrize(("change", "message"), [
    ({"adoption": [{"year": 2013, "share": 0.25}, {"year": 2012, "share": 0.5}]}, "years must increase"),
    ({"adoption": [{"year": 2011, "share": 0.5}]}, "year = 2011; allowed: 2012 to 2013"),
    ({"adoption": [{"year": 2012, "share": 0.75}]}, "leaves 1 that never adopt"),
    ({"adoption": [{"year": 2012, "share": 1.5}]}, "share = 1.5"),
    ({"ranges": {"list_strictness": [0, 1]}}, "levers are set by 'before' and 'adopt'"),
    ({"adopt": "taicang_4_0"}, "unknown preset 'taicang_4_0'"),
    ({"townshipz": 3}, "did you mean 'townships'"),
    ({"adoption_order": "admin_task_load descending"},
     "adoption_order: 'admin_task_load descending'; allowed: random or '<parameter> "
     "descending|ascending' with a parameter of [ranges] (n_residents, share_elderly)"),
    ({"adoption_order": "n_residents down"}, "adoption_order: 'n_residents down'"),
    ({"adoption_order": 3}, "adoption_order = 3: expected random"),
])
def test_bad_rollouts_are_refused(change, message):
    with pytest.raises(SpecError) as err:
        parse_rollout({**SMALL, **change}, source="r.toml")
    assert message in str(err.value) and "\n" not in str(err.value)


TINY_TOML = """
name = "tiny"
root_seed = 2
townships = 5
residents_per_agent = 1
spinup_months = 0
residents_per_community = 150
start_year = 2010
end_year = 2013
outcomes = ["admin_burden"]
[ranges]
n_residents = [300, 400]
[[adoption]]
year = 2012
share = 0.6
"""


def test_cli_rollout_writes_panel_tables_and_figure(tmp_path, capsys):
    spec = tmp_path / "tiny.toml"
    spec.write_text(TINY_TOML)
    out = tmp_path / "out"
    assert main(["rollout", str(spec), "--out", str(out)]) == 0
    from cogov_sim.viz.labels import outcome_label

    assert outcome_label("admin_burden") in capsys.readouterr().out  # not the id (issue 22)
    panel = pd.read_parquet(out / "panel.parquet")
    assert len(panel) == 5 * 4 and {"true_admin_burden", "adoption_year"} <= set(panel.columns)
    assert (out / "figures" / "event_study.png").stat().st_size > 0
    summary = pd.read_csv(out / "tables" / "summary.csv")
    assert set(summary.estimator) == {"twfe", "did2s", "cs"}
    assert set(summary.display_unit) <= {"pp", "index points"}  # with unit and display_scale
    # the Markdown summaries explain themselves (issue 26): caption, units, display names
    text = (out / "summary.md").read_text()
    assert "Effect of adopting Taicang 1.0 instead of staying with Before 2008" in text
    assert "× 1 replication(s); 95% intervals, errors clustered on 5 townships" in text
    assert "| Share of committee hours on government tasks | pp | two-way fixed effects |" in text
    zh = (out / "summary.zh.md").read_text()
    assert "推行太仓1.0(相对于保持2008年前)的效应" in zh and "| 个百分点 | 双向固定效应 |" in zh
    assert (out / "brief.html").is_file() and (out / "brief.zh.html").is_file()
    bad = tmp_path / "bad.toml"
    bad.write_text(TINY_TOML.replace("share = 0.6", "share = 2"))
    assert main(["rollout", str(bad), "--out", str(tmp_path / "bad")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "[[adoption]] #1: share = 2" in err[0]
    assert not (tmp_path / "bad").exists()


def _replicated(reps: int) -> pd.DataFrame:
    """``reps`` replications of one 40-township synthetic panel: the same townships and
    adoption dates, each replication with its own small noise (as a rollout's are)."""
    base = synthetic_panel(effect=1.0, noise=0.3, seed=4)
    rng = np.random.default_rng(9)
    frames = []
    for r in range(reps):
        f = base.rename(columns={"unit": "township"}).copy()
        f["replication"] = r
        f["unit"] = f.township.astype(str) + "-" + str(r)
        f["y"] += rng.normal(0.0, 0.01, len(f))
        frames.append(f)
    return pd.concat(frames, ignore_index=True)


def test_replications_are_clustered_on_townships_not_on_township_replications():
    # 10 replications of the same 40 townships carry (almost) no more information about
    # the adoption of those townships than one: clustered on the 40 townships the interval
    # keeps its width; clustered on the 400 township-replications it shrank by ~sqrt(10)
    one = event_study(_replicated(1), ["y"]).pooled.set_index("estimator")
    ten = event_study(_replicated(10), ["y"]).pooled.set_index("estimator")
    for est in ("twfe", "did2s", "cs"):
        ratio = ((ten.loc[est, "ci_high"] - ten.loc[est, "ci_low"])
                 / (one.loc[est, "ci_high"] - one.loc[est, "ci_low"]))
        assert 0.85 < ratio < 1.15, (est, ratio)
        assert ten.loc[est, "clusters"] == 40 == one.loc[est, "clusters"]


def test_cli_rollout_with_replications_clusters_on_townships(tmp_path, capsys):
    spec = tmp_path / "tiny.toml"
    spec.write_text(TINY_TOML.replace("townships = 5", "townships = 5\nreplications = 2"))
    out = tmp_path / "out"
    assert main(["rollout", str(spec), "--out", str(out)]) == 0
    assert "clustered on 5 townships" in capsys.readouterr().out
    panel = pd.read_parquet(out / "panel.parquet")
    assert panel.unit.nunique() == 10 and panel.township.nunique() == 5
    pooled = pd.read_csv(out / "tables" / "pooled.csv")
    assert (pooled.clusters == 5).all()


def test_adoption_order_times_adoption_on_a_township_parameter():
    # a rollout that breaks the ideal: the largest townships adopt first (issue 19)
    spec = load_rollout(spec_path("jiangsu_rollout"))
    timed = parse_rollout({**__import__("tomllib").loads(spec_path("jiangsu_rollout").read_text()),
                           "adoption_order": "n_residents descending"})
    frame, shipped = townships(timed), townships(spec)
    assert timed.adoption_order == "n_residents descending"
    assert (frame.adoption_year.value_counts(dropna=False).sort_index()
            == shipped.adoption_year.value_counts(dropna=False).sort_index()).all()
    never = frame.adoption_year.fillna(9999)  # never-adopters last, the smallest
    assert never.is_monotonic_increasing is False  # townships are not listed by size...
    by_size = frame.sort_values("n_residents", ascending=False).adoption_year.fillna(9999)
    assert by_size.is_monotonic_increasing  # ...but adopt in order of size
    assert not shipped.sort_values("n_residents", ascending=False).adoption_year.fillna(
        9999).is_monotonic_increasing  # the shipped order is random
    assert "adoption_order" in timed.to_dict() and "adoption_order" not in spec.to_dict()
    up = parse_rollout({**SMALL, "adoption_order": "share_elderly ascending"})
    f = townships(up).sort_values("share_elderly").adoption_year.fillna(9999)
    assert f.is_monotonic_increasing
