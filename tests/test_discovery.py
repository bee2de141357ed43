"""Policy exploration (`cogov-sim discover`): PRIM recovers a known box, the Pareto filter
is exact, robustness and regret are right on a hand-made table, the EMA adapter equals
our runner, the command runs end to end, and bad goals are refused before anything is
written. Model sizes are tiny; nothing asserts model numbers."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cogov_sim.cli import main
from cogov_sim.discovery.goal import outcome_range
from cogov_sim.discovery.rules import box_sentence
from cogov_sim.discovery.spec import parse_spec
from cogov_sim.discovery.tradeoffs import dominated_by, pareto_mask, robustness
from cogov_sim.experiment.spec import SpecError
from cogov_sim.outcomes import OUTCOME_NAMES
from cogov_sim.viz.labels import outcome_label

SMALL_SPEC = """
name = "tiny_discovery"
root_seed = 11
replications = 2
n = 24
scenario = "taicang_1_0"
months = 6
residents = 200
communities = 1
presets = ["baseline"]

[levers]
consultations_per_year = []
list_strictness = []

[goal]
horizon = [4, 6]
all = [
  { outcome = "participation_rate", at_least = {threshold} },
  { outcome = "spend_total", at_most = 2.0, relative_to = "taicang_1_0" },
]
"""


def write_spec(folder: Path, text: str, name: str = "spec.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# -- PRIM on a synthetic function with a known box -------------------------------------------

def test_prim_recovers_a_known_box() -> None:
    pytest.importorskip("ema_workbench")
    from cogov_sim.discovery.prim import feature_scores, find_boxes

    rng = np.random.default_rng(3)
    x = pd.DataFrame(rng.random((1500, 3)),
                     columns=["list_strictness", "random_seat_share", "two_way_eval_weight"])
    y = (x["list_strictness"] > 0.6) & (x["random_seat_share"] < 0.4)
    boxes = find_boxes(x, y.to_numpy(), min_coverage=0.8, max_boxes=1)
    assert len(boxes) == 1
    box = boxes[0]
    assert set(box.limits) == {"list_strictness", "random_seat_share"}
    assert box.lower["list_strictness"] and not box.upper["list_strictness"]
    assert box.upper["random_seat_share"] and not box.lower["random_seat_share"]
    assert box.limits["list_strictness"][0] == pytest.approx(0.6, abs=0.05)
    assert box.limits["random_seat_share"][1] == pytest.approx(0.4, abs=0.05)
    assert box.density > 0.9 and box.coverage >= 0.8
    traj = box.trajectory
    assert traj["chosen"].sum() == 1 and traj.loc[traj["chosen"], "density"].item() == box.density
    assert traj["coverage"].iloc[0] == pytest.approx(1.0)  # the trajectory starts from all data
    low, high = box.limits["list_strictness"][0], box.limits["random_seat_share"][1]
    en = box_sentence(box, "en")
    assert en.startswith(f"list strictness ≥ {low:.3g} and random seat share ≤ {high:.3g}:")
    zh = box_sentence(box, "zh")
    assert zh.startswith(f"两份清单与准入制阻挡清单外事项的严格程度 ≥ {low:.3g} 且 ")
    scores = feature_scores(x, y.to_numpy(), seed=1)
    assert list(scores["lever"].iloc[2:]) == ["two_way_eval_weight"]  # the irrelevant one last
    assert scores["score"].sum() == pytest.approx(1.0)


def test_prim_reports_nothing_for_a_constant_goal() -> None:
    pytest.importorskip("ema_workbench")
    from cogov_sim.discovery.prim import feature_scores, find_boxes

    x = pd.DataFrame({"list_strictness": np.linspace(0, 1, 50)})
    for y in (np.zeros(50, bool), np.ones(50, bool)):
        assert find_boxes(x, y) == []
        assert feature_scores(x, y, seed=0).empty


# -- Pareto filter and robustness on hand-made sets -------------------------------------------

def test_pareto_filter_is_exact_on_a_hand_made_set() -> None:
    # columns: spending (minimise), satisfaction (maximise), participation (maximise)
    values = np.array([
        [10, 50, 0.3],   # 0 front: cheapest
        [20, 60, 0.3],   # 1 front: more satisfying
        [20, 55, 0.3],   # 2 dominated by 1
        [30, 60, 0.5],   # 3 front: most participation
        [30, 60, 0.2],   # 4 dominated by 1 and 3
        [20, 60, 0.3],   # 5 duplicate of 1: front (neither dominates the other)
        [np.nan, 99, 0.9],  # 6 incomplete: never on the front
        [40, 40, 0.1],   # 7 dominated by 0, 1, 2, 3, 4, 5
    ])
    maximise = (False, True, True)
    assert pareto_mask(values, maximise).tolist() == [True, True, False, True, False, True,
                                                       False, False]
    ok = values[[0, 1, 2, 3, 4, 5, 7]]
    assert dominated_by(ok, ok, maximise).tolist() == [0, 0, 2, 0, 3, 0, 6]
    # both minimised: a different front from the same numbers (row 7 has the least
    # satisfaction, row 0 the least spending; every other row is dominated by row 0)
    assert pareto_mask(values[:, :2], (False, False)).tolist() == [True, False, False, False,
                                                                    False, False, False, True]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_pareto_filter_equals_brute_force_with_ties(seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = np.round(rng.random((300, 3)) * 4)  # few distinct levels: many ties
    values[rng.random(300) < 0.05, 1] = np.nan
    for maximise in [(False, True, True), (True, False, True), (False, False, False)]:
        finite = np.all(np.isfinite(values), axis=1)
        brute = np.zeros(300, dtype=bool)
        brute[finite] = dominated_by(values[finite], values[finite], maximise) == 0
        assert np.array_equal(pareto_mask(values, maximise), brute)


def test_robustness_share_and_regret_on_a_hand_made_table() -> None:
    runs = pd.DataFrame({"point_id": [0, 0, 1, 1, 2, 2], "replication": [0, 1, 0, 1, 0, 1],
                         "happiness_index": [50.0, 40.0, 45.0, 46.0, 30.0, 30.0]})
    meets = np.array([True, False, True, True, False, False])
    out = robustness(runs, meets, "happiness_index").set_index("point_id")
    assert out["share_meeting"].tolist() == [0.5, 1.0, 0.0]
    # best per seed: 50 (seed 0), 46 (seed 1)
    assert out["regret_mean"].tolist() == [3.0, 2.5, 18.0]
    assert out["regret_max"].tolist() == [6.0, 5.0, 20.0]


# -- goals ---------------------------------------------------------------------------------

def test_goal_evaluates_thresholds_combinations_and_references() -> None:
    spec = parse_spec({
        "root_seed": 1, "replications": 1, "n": 4, "levers": ["list_strictness"],
        "goal": {"any": [{"outcome": "participation_rate", "at_least": 0.5},
                         {"all": [{"outcome": "happiness_index", "at_most": 60},
                                  {"outcome": "spend_total", "at_most": 1.2,
                                   "relative_to": "baseline"}]}]}})
    table = pd.DataFrame({"participation_rate": [0.6, 0.1, 0.1, np.nan],
                          "happiness_index": [90, 50, 50, 50],
                          "spend_total": [5.0, 11.0, 13.0, 11.0],
                          "ref:baseline:spend_total": [10.0, 10.0, 10.0, 10.0]})
    assert spec.goal.holds(table).tolist() == [True, True, False, True]
    assert "baseline" in spec.presets  # a reference preset is always run
    assert "1.2 × Before 2008's" in spec.goal.text("en")  # display name (issue 22)


def test_outcome_ranges_come_from_units() -> None:
    assert outcome_range("participation_rate") == (0.0, 1.0)
    assert outcome_range("happiness_index") == (0.0, 100.0)
    spend = [o for o in OUTCOME_NAMES if o.startswith("spend_")]
    assert spend and all(outcome_range(o)[0] == 0.0 for o in spend)


BAD_GOALS = {
    "unknown outcome": ('{ outcome = "participation_rat", at_least = 0.3 }',
                        "outcome: unknown outcome 'participation_rat' (did you mean "
                        "'participation_rate'?)"),
    "impossible threshold": ('{ outcome = "participation_rate", at_least = 1.5 }',
                             "at_least = 1.5 is impossible"),
    "contradiction": ('{ outcome = "happiness_index", at_least = 70 }, '
                      '{ outcome = "happiness_index", at_most = 60 }', "cannot both hold"),
    "bad reference": ('{ outcome = "spend_total", at_most = 1.2, relative_to = "nowhere" }',
                      "relative_to: unknown scenario preset 'nowhere'"),
}


@pytest.mark.parametrize("case", sorted(BAD_GOALS))
def test_bad_goals_one_line_exit_2_nothing_written(case: str, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    conditions, message = BAD_GOALS[case]
    text = SMALL_SPEC.replace("""all = [
  { outcome = "participation_rate", at_least = {threshold} },
  { outcome = "spend_total", at_most = 2.0, relative_to = "taicang_1_0" },
]""", f"all = [{conditions}]")
    spec = write_spec(tmp_path, text)
    out = tmp_path / "out"
    assert main(["discover", str(spec), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err
    assert message in err and ("[goal]" in err or "[[goal.all]] #1" in err)
    assert not out.exists()


@pytest.mark.parametrize("levers", ["levers = []", "[levers]\npurchase_share = 0.2"])
def test_empty_lever_set_is_refused(levers: str, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    text = SMALL_SPEC.replace("[levers]\nconsultations_per_year = []\nlist_strictness = []",
                              levers).replace("{threshold}", "0.3")
    spec = write_spec(tmp_path, text)
    out = tmp_path / "out"
    assert main(["discover", str(spec), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert "no lever varies" in err and "\n" not in err
    assert not out.exists()


def test_missing_extra_is_one_line_naming_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "ema_workbench", None)  # import fails as if absent
    spec = write_spec(tmp_path, SMALL_SPEC.replace("{threshold}", "0.3"))
    out = tmp_path / "out"
    assert main(["discover", str(spec), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert 'pip install "cogov-sim[explore]"' in err and "\n" not in err
    assert not out.exists()
    from cogov_sim.discovery.prim import MissingExtraError
    from cogov_sim.ema import ema_model

    with pytest.raises(MissingExtraError, match=r'cogov-sim\[ema\]'):
        ema_model(levers=["list_strictness"])


# -- end to end ------------------------------------------------------------------------------

def test_cli_end_to_end_then_unmet_goal_reuses_runs(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("ema_workbench")
    out = tmp_path / "out"
    spec = write_spec(tmp_path, SMALL_SPEC.replace("{threshold}", "0.0"))
    assert main(["discover", str(spec), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    runs = (24 + 2) * 2  # policies and two presets (baseline, the reference), two seeds each
    assert f"{runs} run(s) done, 0 already done, 0 failed" in printed
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "discovery" and len(manifest["runs"]) == runs
    assert set(manifest["status"].values()) == {"done"}
    policies = pd.read_csv(out / "tables" / "policies.csv")
    assert len(policies) == 24
    assert policies["meets_goal"].all()  # participation >= 0 always holds; spend within 2x
    assert policies["share_meeting"].between(0, 1).all()
    assert (policies["regret_mean"] >= 0).all() and (policies["regret_max"] >= 0).all()
    assert policies["on_front"].any()
    presets = pd.read_csv(out / "tables" / "presets.csv")
    assert set(presets["name"]) == {"baseline", "taicang_1_0"}
    for name in ("summary.md", "summary.zh.md", "figures/tradeoffs.png", "brief.html",
                 "brief.zh.html"):
        assert (out / name).is_file(), name
    summary = (out / "summary.md").read_text()
    assert "Every sampled policy meets the goal" in summary
    # captions say what the numbers are (issue 26); presets by display name, units in heads
    caption = ("Each policy's outcomes averaged over months 4–6 of 6 simulated (the goal's "
               "horizon), then over its 2 seed(s); 24 policies drawn by Latin hypercube, "
               "starting from Taicang 1.0.")
    assert summary.count(caption) >= 2 and "| Before 2008 |" in summary
    assert f"{outcome_label('participation_rate')} (%)" in summary
    zh = (out / "summary.zh.md").read_text()
    assert "模拟6个月中第4–6个月(目标期)的均值, 再取其2个随机种子的均值" in zh
    assert "| 2008年前 |" in zh and "baseline" not in zh

    # the same runs, a goal nobody meets: reported, not a crash, nothing rerun
    unmet = write_spec(tmp_path, SMALL_SPEC.replace("{threshold}", "0.999"), "unmet.toml")
    assert main(["discover", str(unmet), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert f"0 run(s) done, {runs} already done" in captured.out
    assert "0 of 24 sampled policies meet it" in captured.out
    assert "note: no sampled policy meets the goal" in captured.err
    assert main(["discover", str(unmet), "--out", str(out), "--lang", "zh"]) == 0
    assert "注意: 没有抽样政策达到目标" in capsys.readouterr().err
    summary = (out / "summary.md").read_text()
    assert "No sampled policy meets the goal" in summary
    conditions = pd.read_csv(out / "tables" / "conditions.csv")
    assert conditions.loc[0, "share_of_policies_meeting"] == 0.0
    assert conditions.loc[0, "best_value"] < 0.999
    assert pd.read_csv(out / "tables" / "boxes.csv").empty


def test_model_goal_at_the_median_gives_a_box_and_reuses_runs(tmp_path: Path) -> None:
    """On the model itself: a goal set at the median participation of the sampled
    policies is met by some but not all, PRIM restricts some lever and the scores sum to
    1 (which lever is not asserted: the model is being revised). The second analysis
    reuses the first one's runs."""
    pytest.importorskip("ema_workbench")
    from cogov_sim.discovery.api import run_discovery

    def spec(threshold: float) -> dict[str, object]:
        return {"root_seed": 3, "replications": 1, "n": 40, "scenario": "taicang_1_0",
                "months": 6, "residents": 200, "communities": 1, "presets": [],
                "levers": ["consultations_per_year", "list_strictness"],
                "goal": {"all": [{"outcome": "participation_rate", "at_least": threshold}]}}

    first = run_discovery(parse_spec(spec(0.0)), out=tmp_path / "a", figures=False)
    assert len(first.report.done) == 40
    median = float(first.policies["participation_rate"].median())
    result = run_discovery(parse_spec(spec(median)), out=tmp_path / "a", figures=False)
    assert 0 < result.n_meeting < 40
    assert len(result.report.skipped) == 40 and not result.report.done
    assert result.boxes and result.boxes[0].limits
    assert result.features["score"].sum() == pytest.approx(1.0)


def test_spec_errors_name_the_key() -> None:
    with pytest.raises(SpecError, match=r"levers: unknown lever 'list_strictnes'"):
        parse_spec({"root_seed": 1, "replications": 1, "n": 4, "levers": ["list_strictnes"],
                    "goal": {"all": [{"outcome": "happiness_index", "at_least": 1}]}})
    with pytest.raises(SpecError, match=r"horizon = \[1, 99\]"):
        parse_spec({"root_seed": 1, "replications": 1, "n": 4, "months": 12,
                    "goal": {"horizon": [1, 99],
                             "all": [{"outcome": "happiness_index", "at_least": 1}]}})


# -- the EMA adapter -------------------------------------------------------------------------

def test_ema_adapter_replications_equal_our_runner(tmp_path: Path) -> None:
    pytest.importorskip("ema_workbench")
    import warnings

    from ema_workbench import SequentialEvaluator, perform_experiments

    from cogov_sim.discovery.api import HorizonMeans
    from cogov_sim.ema import ema_model, python_number
    from cogov_sim.experiment.runner import Task, load_outcomes, run_tasks
    from cogov_sim.experiment.seeds import derive_seed
    from cogov_sim.presets import load_preset

    size = {"months": 6, "n_residents": 200, "n_communities": 1}
    outcomes = ["participation_rate", "happiness_index"]
    model = ema_model(levers=["list_strictness", "consultations_per_year"], outcomes=outcomes,
                      base="taicang_1_0", size=size, horizon=(4, 6), replications=2,
                      root_seed=21)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with SequentialEvaluator(model) as evaluator:
            experiments, results = perform_experiments(
                model, scenarios=3, evaluator=evaluator, uncertainty_sampling_kwargs={"rng": 5})
    assert isinstance(experiments["list_strictness"].iloc[0], np.floating | float)
    base = load_preset("taicang_1_0", **size)
    tasks = []
    for pid, row in experiments.iterrows():
        params = base.replace(**{k: python_number(k, row[k])
                                 for k in ("list_strictness", "consultations_per_year")})
        tasks += [Task(f"p{pid}-r{r}", int(pid), r, params, derive_seed(21, int(pid), r))
                  for r in range(2)]
    run_tasks(tasks, tmp_path / "ours", reduce_fn=HorizonMeans(4, 6), progress=False)
    ours = load_outcomes(tmp_path / "ours").sort_values(["point_id", "replication"])
    for name in outcomes:
        expected = ours[name].to_numpy().reshape(3, 2)
        assert np.array_equal(results[name], expected), name
        assert np.allclose(results[f"{name}_mean"], expected.mean(axis=1))


def test_ema_adapter_keeps_a_community_table(tmp_path: Path) -> None:
    """A township built from a community table stays that township in every EMA run."""
    pytest.importorskip("ema_workbench")
    from cogov_sim.ema import ema_model
    from cogov_sim.presets import load_preset

    table = tmp_path / "t.csv"
    table.write_text("name,residents\nbig,900\nsmall,300\n", encoding="utf-8")
    model = ema_model(levers=["list_strictness"], outcomes=["participation_rate"],
                      base=load_preset("taicang_1_0", communities=table, months=2),
                      replications=1)
    seen = model.function.base
    assert seen.communities is not None and seen.n_communities == 2
    assert list(seen.replace(list_strictness=0.5).communities.residents) == [900, 300]


def test_python_number_accepts_numpy_scalars() -> None:
    from cogov_sim.ema import python_number
    from cogov_sim.params import ParameterError

    assert type(python_number("list_strictness", np.float64(0.25))) is float
    value = python_number("network_degree", np.int64(6))
    assert value == 6 and type(value) is int
    assert python_number("network_degree", np.float64(5.6)) == 6
    with pytest.raises(ParameterError, match="expected a number"):
        python_number("list_strictness", "0.5")


def test_rules_read_every_lever_from_its_metadata() -> None:
    """Every lever reads as a short phrase in both languages, built from the metadata:
    the number is there, no 'per X' is said twice, Chinese notes in parentheses dropped."""
    from cogov_sim.discovery.rules import condition_text, lever_name
    from cogov_sim.params import param_specs

    for s in param_specs("lever"):
        en = condition_text(s.name, 0.25, 0.75, lower=True, upper=False)
        assert en.startswith(f"{lever_name(s.name)} ≥ 0.25")
        phrases = en.split(" per ")[1:]
        assert len(phrases) == len(set(phrases)), en
        zh = condition_text(s.name, 0.25, 0.75, lower=True, upper=True, lang="zh")
        assert zh.endswith("在 0.25 至 0.75 之间") and "(" not in zh and "（" not in zh
        short = lever_name(s.name, "zh")
        assert short and set(short) <= set(s.zh)  # the metadata's text, notes removed
