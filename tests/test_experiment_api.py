"""run_experiment and `cogov-sim experiment` end to end, at a tiny size."""

from __future__ import annotations

import json
import textwrap
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from cogov_sim.cli import main
from cogov_sim.experiment import api
from cogov_sim.experiment.api import run_experiment
from cogov_sim.experiment.runner import run_tasks
from cogov_sim.experiment.spec import parse_spec
from cogov_sim.outcomes import OUTCOME_NAMES
from cogov_sim.params import Params
from cogov_sim.runner import simulate

SPEC = """
name = "tiny_reform"
description = "tiny"
root_seed = 5
replications = 3
months = 12
residents = 300
residents_per_agent = 1
spinup_months = 0
communities = 3
scenarios = ["baseline", "taicang_1_0", "taicang_3_0"]
"""


@pytest.fixture
def spec_file(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.toml"
    path.write_text(textwrap.dedent(SPEC), encoding="utf-8")
    return path


def test_cli_runs_analyses_and_resumes(spec_file: Path, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["experiment", str(spec_file), "--workers", "1"]) == 0
    captured = capsys.readouterr()
    out = captured.out
    (folder,) = (tmp_path / "results" / "tiny_reform").iterdir()  # results/<name>/<run id>/
    assert folder.name == api.load_spec(spec_file).fingerprint()
    assert "Difference from Before 2008 (mean of months 1–12 of 12 reported" in out
    assert "Taicang 3.0" in out and "P(better)=" in out
    assert "9 run(s) done, 0 already done, 0 failed" in out and str(Path("results")) in out
    assert "run/s" not in captured.err  # no progress bar when not on a terminal
    for name in ("manifest.json", "ledger.jsonl", "tables/summary.csv", "tables/summary.md",
                 "tables/scenario_means.csv", "tables/runs.csv", "figures/outcomes.png",
                 "figures/happiness.png", "figures/differences.png"):
        assert (folder / name).is_file(), name
    summary = pd.read_csv(folder / "tables" / "summary.csv")
    assert len(summary) == 2 * 2 * len(OUTCOME_NAMES)  # 2 scenarios x 2 measures x outcomes
    assert set(summary["reference"]) == {"baseline"} and set(summary["n"]) == {3}
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["spec"]["replications"] == 3 and manifest["kind"] == "experiment"
    assert {"tables/summary.csv", "figures/outcomes.png"} <= set(manifest["outputs"])
    runs = pd.read_csv(folder / "tables" / "runs.csv")
    assert list(runs["status"].unique()) == ["done"] and runs["seed"].nunique() == 3

    # the same command again: nothing to run, same data
    data = api.load_outcomes(folder)
    assert main(["experiment", str(spec_file)]) == 0
    assert "0 run(s) done, 9 already done" in capsys.readouterr().out
    pd.testing.assert_frame_equal(api.load_outcomes(folder), data)

    # a changed option is a changed spec: by default it gets its own run id ...
    assert main(["experiment", str(spec_file), "--replications", "4"]) == 0
    assert len(list((tmp_path / "results" / "tiny_reform").iterdir())) == 2
    capsys.readouterr()
    # ... and into an explicit folder holding another spec it is refused, nothing touched
    assert main(["experiment", str(spec_file), "--replications", "5", "--out", str(folder)]) == 2
    pd.testing.assert_frame_equal(api.load_outcomes(folder), data)
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "spec.replications: 3 there, 5 here" in err
    assert len(err.splitlines()) == 1


def broken(params: Params, seed: int) -> pd.DataFrame:
    if params.list_strictness == 0.9 and params.consultations_per_year == 0.5:  # taicang_1_0
        raise ValueError("injected failure")
    return simulate(params, seed)


def test_cli_reports_failed_runs_and_exits_non_zero(spec_file: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(api, "run_tasks",
                        lambda *a, **k: run_tasks(*a, **{**k, "run_fn": broken}))
    assert main(["experiment", str(spec_file), "--out", str(tmp_path / "o")]) == 1
    captured = capsys.readouterr()
    failed = [line for line in captured.err.splitlines() if line.startswith("failed: ")]
    assert len(failed) == 3 and all("ValueError: injected failure" in f for f in failed)
    assert "3 run(s) failed" in captured.err
    assert "6 run(s) done" in captured.out
    summary = pd.read_csv(tmp_path / "o" / "tables" / "summary.csv")
    n_pairs = summary.groupby("scenario")["n"].max()
    assert n_pairs["taicang_1_0"] == 0 and n_pairs["taicang_3_0"] == 3  # complete pairs only
    # fixed code: the rerun does only the failed runs
    monkeypatch.undo()
    assert main(["experiment", str(spec_file), "--out", str(tmp_path / "o")]) == 0
    assert "3 run(s) done, 6 already done, 0 failed" in capsys.readouterr().out


def test_python_api_mirrors_the_cli(spec_file: Path, tmp_path: Path) -> None:
    result = run_experiment(spec_file, out=tmp_path / "api", months=6, replications=2,
                            progress=False, figures=False)
    assert result.report.ok and len(result.report.done) == 6
    assert result.spec.months == 6 and result.folder == tmp_path / "api"
    data = result.outcomes()
    assert data["month"].max() == 6 and set(data["replication"]) == {0, 1}
    assert "Difference from Before 2008" in result.text()
    assert all(path.is_file() for path in result.files)
    assert not (tmp_path / "api" / "figures").exists()


def test_outcome_subset_is_all_that_is_stored(tmp_path: Path) -> None:
    path = tmp_path / "sub.toml"
    path.write_text(textwrap.dedent(SPEC) + 'outcomes = ["happiness_index", "admin_burden"]\n')
    result = run_experiment(path, out=tmp_path / "sub", replications=2, progress=False,
                            figures=False)
    stored = result.outcomes()
    assert [c for c in stored.columns if c in OUTCOME_NAMES] == ["happiness_index",
                                                                  "admin_burden"]
    assert set(result.summary["outcome"]) == {"happiness_index", "admin_burden"}


def test_grid_experiment_names_design_points(tmp_path: Path) -> None:
    path = tmp_path / "grid.toml"
    path.write_text(textwrap.dedent(SPEC).replace(
        'scenarios = ["baseline", "taicang_1_0", "taicang_3_0"]', 'scenarios = ["taicang_1_0"]')
        + '[design]\ntype = "grid"\nparameters = { list_strictness = [0.0, 1.0] }\n')
    result = run_experiment(path, out=tmp_path / "grid", replications=2, progress=False,
                            figures=False)
    data = result.outcomes()
    assert {"scenario", "list_strictness"} <= set(data.columns)
    assert set(result.summary["scenario"]) == {"taicang_1_0 | list_strictness=1"}
    assert set(result.summary["reference"]) == {"taicang_1_0 | list_strictness=0"}


def test_single_scenario_experiment_analyses_without_comparisons(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "one.toml"  # no scenarios key: baseline only, nothing to compare
    path.write_text("root_seed = 1\nreplications = 2\nmonths = 12\nresidents = 300\n"
                    "communities = 3\n", encoding="utf-8")
    assert main(["experiment", str(path), "--out", str(tmp_path / "one")]) == 0
    captured = capsys.readouterr()
    assert "2 run(s) done" in captured.out and "nothing to compare" in captured.err
    tables = tmp_path / "one" / "tables"
    means = pd.read_csv(tables / "scenario_means.csv")
    assert set(means["scenario"]) == {"baseline"} and set(means["n"]) == {2}
    assert (tables / "runs.csv").is_file() and not (tables / "summary.csv").exists()
    assert (tmp_path / "one" / "figures" / "outcomes.png").is_file()


def test_design_points_with_the_same_display_name_are_analysed_apart(tmp_path: Path) -> None:
    path = tmp_path / "close.toml"  # both levels read 0.5 at 4 significant digits
    path.write_text(textwrap.dedent(SPEC).replace(
        'scenarios = ["baseline", "taicang_1_0", "taicang_3_0"]', 'scenarios = ["baseline"]')
        + '[design]\ntype = "grid"\nparameters = { list_strictness = [0.50001, 0.50002] }\n')
    result = run_experiment(path, out=tmp_path / "close", replications=2, months=6,
                            progress=False, figures=False)
    assert set(result.summary["scenario"]) == {"baseline | list_strictness=0.5 #1"}
    assert set(result.summary["reference"]) == {"baseline | list_strictness=0.5 #0"}
    assert set(result.summary["n"]) == {2}


def test_editing_name_or_description_redoes_nothing(spec_file: Path, tmp_path: Path) -> None:
    first = run_experiment(spec_file, out=tmp_path / "d", replications=1, months=6,
                           progress=False, figures=False)
    assert len(first.report.done) == 3
    edited = tmp_path / "edited.toml"
    edited.write_text(spec_file.read_text().replace('description = "tiny"',
                                                    'description = "tiny, better worded"')
                      .replace('name = "tiny_reform"', 'name = "tiny_renamed"'))
    assert api.load_spec(edited).fingerprint() == api.load_spec(spec_file).fingerprint()
    again = run_experiment(edited, out=tmp_path / "d", replications=1, months=6,
                           progress=False, figures=False)
    assert again.report.done == () and len(again.report.skipped) == 3
    manifest = json.loads((tmp_path / "d" / "manifest.json").read_text())
    assert manifest["description"] == "tiny, better worded"
    assert manifest["name"] == "tiny_renamed"
    changed = spec_file.read_text().replace("root_seed = 5", "root_seed = 6")
    assert parse_spec(tomllib.loads(changed)).fingerprint() != \
        api.load_spec(spec_file).fingerprint()


def test_design_points_are_built_once_per_experiment(spec_file: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from cogov_sim.experiment import design

    calls: list[str] = []
    original = design.design_points

    def counting(spec):  # noqa: ANN001, ANN202
        calls.append(spec.name)
        return original(spec)

    monkeypatch.setattr(design, "design_points", counting)
    result = run_experiment(spec_file, out=tmp_path / "once", replications=1, months=6,
                            progress=False, figures=False)
    assert calls == ["tiny_reform"] and len(result.spec.points) == 3
    assert all(p.params.months == 6 for p in result.spec.points)
    calls.clear()
    spec = api.load_spec(spec_file)  # validated: points built ...
    assert calls == ["tiny_reform"]
    assert spec.with_overrides(replications=7).points == spec.points  # ... and kept
    assert calls == ["tiny_reform"]
