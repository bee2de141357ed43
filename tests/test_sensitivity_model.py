"""The sensitivity pipeline on the model: worker invariance, resume, ignored levers, specs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cogov_sim.cli import main
from cogov_sim.experiment.store import FolderMismatchError
from cogov_sim.params import Params
from cogov_sim.runner import simulate
from cogov_sim.sensitivity import analyze_function
from cogov_sim.sensitivity.model import run_sa
from cogov_sim.sensitivity.spec import load_spec, parse_spec
from cogov_sim.specs import spec_path

TINY = {"root_seed": 7, "months": 12, "residents": 300, "residents_per_agent": 1, "spinup_months": 0,
        "communities": 5, "replications": 2,
        "outcomes": ["participation_rate:final", "happiness_index:mean", "admin_burden:mean"],
        "over_time": ["happiness_index"]}


def tiny_spec(**changes: object):
    return parse_spec({**TINY, "n": 8, "levers": ["list_strictness", "grid_visits",
                                                 "consultations_per_year"], **changes},
                      default_name="tiny")


def test_indices_identical_for_any_worker_count(tmp_path: Path) -> None:
    spec = tiny_spec()
    serial, _ = run_sa(spec, tmp_path / "w1", workers=1, progress=False)
    parallel, _ = run_sa(spec, tmp_path / "w2", workers=2, progress=False)
    pd.testing.assert_frame_equal(serial.indices, parallel.indices)
    pd.testing.assert_frame_equal(serial.points, parallel.points)
    pd.testing.assert_frame_equal(serial.time_indices, parallel.time_indices)
    assert serial.runs == 8 * 5 * 2
    assert len(serial.time_indices) and set(serial.time_indices["year"]) == {1}


def test_results_folder_holds_tables_figures_and_manifest(tmp_path: Path) -> None:
    result, folder = run_sa(tiny_spec(), tmp_path / "out", workers=1, progress=False)
    for name in ("indices", "convergence", "noise", "time_indices"):
        parquet = pd.read_parquet(folder / "tables" / f"{name}.parquet")
        csv = pd.read_csv(folder / "tables" / f"{name}.csv")
        assert len(parquet) == len(csv) > 0
    for name in ("indices.png", "convergence.png", "time_heatmap.png"):
        assert (folder / "figures" / name).stat().st_size > 10_000
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["kind"] == "sensitivity" and manifest["status"] == "complete"
    res = manifest["result"]
    assert res["method"] == "sobol" and res["n"] == 8 and res["runs"] == 80
    assert res["verdict"] == "fixed" and res["root_seed"] == 7
    assert set(res["noise"]) == set(result.outputs)
    assert manifest["problem"]["names"] == ["list_strictness", "grid_visits",
                                            "consultations_per_year"]
    ind = pd.read_parquet(folder / "tables" / "indices.parquet")
    assert {"value", "conf", "low", "high", "ci", "change"} <= set(ind.columns)


def test_a_lever_the_model_does_not_read_gets_zero_indices(tmp_path: Path) -> None:
    """With no consultations, ``random_seat_share`` is never read (phases.consultations_held
    returns before using it); with common random numbers the A and AB rows of that lever
    are the same run, so both estimators are exactly zero."""
    base = Params().replace(n_residents=300, n_communities=5, months=12, residents_per_agent=1,
                            spinup_months=0,
                            consultations_per_year=0.0)
    a = simulate(base.replace(random_seat_share=0.0), 3)
    b = simulate(base.replace(random_seat_share=1.0), 3)
    pd.testing.assert_frame_equal(a, b)  # the premise

    spec = parse_spec({**TINY, "n": 8, "levers": {"list_strictness": [0, 1], "grid_visits": [],
                                                  "random_seat_share": [],
                                                  "consultations_per_year": 0.0}},
                      default_name="ignored")
    result, _ = run_sa(spec, tmp_path / "out", workers=1, progress=False)
    for output in result.outputs:
        assert result.value("ST", output)["random_seat_share"] == 0.0
        assert result.value("S1", output)["random_seat_share"] == 0.0
    assert result.value("ST", "admin_burden:mean")["list_strictness"] > 0.5


def test_model_wrapped_as_a_callable_ignores_an_unused_input() -> None:
    """The public function on a wrapper around model outputs (fixed seed: a deterministic
    function of the levers) gives the input the wrapper drops a total index of zero."""
    base = Params().replace(n_residents=300, n_communities=5, months=12, residents_per_agent=1,
                            spinup_months=0)

    def model(list_strictness: float, grid_visits: float, unused: float) -> dict[str, float]:
        frame = simulate(base.replace(list_strictness=list_strictness,
                                      grid_visits=grid_visits), 11)
        return {"admin_burden": float(frame["admin_burden"].mean()),
                "trust": float(frame["trust_committee"].iloc[-1])}

    r = analyze_function(model, {"list_strictness": (0, 1), "grid_visits": (0, 40),
                                 "unused": (0, 1)}, n=8, seed=1)
    for output in ("admin_burden", "trust"):
        assert r.value("ST", output)["unused"] == 0.0
    assert r.value("ST", "admin_burden")["list_strictness"] > 0.5


def _cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONUNBUFFERED"] = "1"
    return env


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL does not exist on Windows")
def test_resume_after_a_kill_runs_only_missing_runs_and_gives_the_same_indices(
        tmp_path: Path) -> None:
    spec_file = tmp_path / "spec.toml"
    spec_file.write_text(
        'name = "killme"\nroot_seed = 3\nn = 32\nreplications = 2\nmonths = 12\n'
        'residents = 300\nresidents_per_agent = 1\nspinup_months = 0\ncommunities = 5\n'
        'levers = ["list_strictness", "grid_visits", '
        '"consultations_per_year"]\noutcomes = ["happiness_index:mean", "admin_burden:mean"]\n',
        encoding="utf-8")
    out = tmp_path / "killed"
    ledger = out / "runs" / "n000032-s0" / "ledger.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "cogov_sim.cli", "sa", str(spec_file),
                             "--out", str(out), "--workers", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_cli_env(),
                            cwd=tmp_path)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if ledger.is_file() and ledger.stat().st_size > 0:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the analysis finished before it could be killed"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    done_before = sum(1 for _ in ledger.open())
    total = 32 * 5 * 2
    assert 0 < done_before < total
    assert not (out / "tables").exists()

    spec = load_spec(spec_file)
    resumed, _ = run_sa(spec, out, workers=2, progress=False)
    clean, _ = run_sa(spec, tmp_path / "clean", workers=1, progress=False)
    pd.testing.assert_frame_equal(resumed.indices, clean.indices)
    pd.testing.assert_frame_equal(resumed.points, clean.points)
    stage = json.loads((out / "runs" / "n000032-s0" / "manifest.json").read_text())
    assert stage["sessions"][-1]["scheduled"] == total - done_before
    assert json.loads((out / "manifest.json").read_text())["status"] == "complete"


def test_a_folder_of_another_analysis_is_refused(tmp_path: Path) -> None:
    run_sa(tiny_spec(), tmp_path / "out", workers=1, progress=False)
    before = sorted(p.name for p in (tmp_path / "out").rglob("*"))
    with pytest.raises(FolderMismatchError, match="different experiment") as info:
        run_sa(tiny_spec(root_seed=8), tmp_path / "out", workers=1, progress=False)
    assert "\n" not in str(info.value)
    assert sorted(p.name for p in (tmp_path / "out").rglob("*")) == before


BAD_SPECS = [
    ('n = 100', "power of 2"),
    ('n = 8\nmethd = "sobol"', "unknown key 'methd' (did you mean 'method'?)"),
    ('n = 8\nmethod = "sobl"', "did you mean 'sobol'"),
    ('n = 8\n[levers]\nlist_strictnes = [0, 1]', "did you mean 'list_strictness'"),
    ('n = 8\n[levers]\nlist_strictness = [0, 2]', "is out of range; allowed: 0 to 1"),
    ('n = 8\n[levers]\nlist_strictness = [0.6, 0.4]', "with low < high"),
    ('n = 8\noutcomes = ["hapiness_index"]', "did you mean 'happiness_index'"),
    ('n = 8\nscenario = "taicang"', "unknown scenario"),
    ('method = "morris"\nn = 1', "at least 2 trajectories"),
    ('method = "morris"\nn = 4\n[options]\nnum_levels = 3', "even whole number"),
    ('tolerance = 0.05', "needs max_runs"),
    ('n = 8\nreplications = 0', "replications"),
    ('n = 8\nmonths = "ten"', "months"),
    ('tolerance = 0.05\nmax_runs = 100000\nscramblings = 1', "at least 2 independent scramblings"),
    # a joint constraint of the model (share_elderly + share_young <= 1), refused at planning
    ('n = 8\n[levers]\nshare_elderly = [0, 0.8]\nshare_young = [0, 0.8]',
     "levers.share_elderly = [0, 0.8] and levers.share_young = [0, 0.8] together can break a "
     "joint constraint of the model (share_elderly + share_young = "),
    ('n = 8\n[levers]\nshare_elderly = [0.1, 0.7]\nlist_strictness = []',
     "levers.share_elderly = [0.1, 0.7] can break a constraint of the model with the values "
     "held fixed (share_elderly + share_young = 1.05; allowed: at most 1"),
]


@pytest.mark.parametrize(("body", "message"), BAD_SPECS)
def test_bad_specs_are_rejected_in_one_line_and_nothing_is_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        body: str, message: str) -> None:
    monkeypatch.chdir(tmp_path)
    spec_file = tmp_path / "bad.toml"
    spec_file.write_text(f'name = "bad"\nroot_seed = 1\n{body}\n', encoding="utf-8")
    code = main(["sa", str(spec_file), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: ") and err.count("\n") == 1
    assert message in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml"]


@pytest.mark.parametrize(("args", "message"), [
    (["--n", "12"], "--n: n = 12"),
    (["--replications", "0"], "--replications"),
    (["--residents", "10"], "--residents"),
    (["--workers", "-1"], "--workers"),
])
def test_bad_options_are_rejected(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                  monkeypatch: pytest.MonkeyPatch, args: list[str],
                                  message: str) -> None:
    monkeypatch.chdir(tmp_path)
    spec = spec_path("sa_sobol_levers")
    code = main(["sa", str(spec), *args])
    err = capsys.readouterr().err
    assert code == 2 and message in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_shipped_specs_are_valid() -> None:
    sobol = load_spec(spec_path("sa_sobol_levers"))
    assert sobol.method == "sobol" and sobol.problem().num_vars == 13
    assert sobol.residents == 40000 and sobol.months == 60
    morris = load_spec(spec_path("sa_morris_quick"))
    assert morris.plan().total_runs(morris.n) < 1000


def test_cli_runs_a_small_morris_analysis(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                          ) -> None:
    code = main(["sa", "sa_morris_quick", "--n", "2", "--months", "12", "--residents", "300",
                 "--out", str(tmp_path / "m")])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "mu_star" in captured.out and "list_strictness" in captured.out
    assert "fixed: n = 2" in captured.out
    assert (tmp_path / "m" / "figures" / "morris.png").is_file()
    ind = pd.read_csv(tmp_path / "m" / "tables" / "indices.csv")
    assert set(ind["index"]) == {"mu_star", "mu", "sigma"}
    assert np.isfinite(ind["value"]).all()


def test_cli_prints_warnings_for_outputs_without_indices(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A lever without effect within 12 months leaves these outputs identical at every
    design point of a replication (common random numbers): reported, not crashed."""
    spec_file = tmp_path / "flat.toml"
    spec_file.write_text('name = "flat"\nroot_seed = 5\nn = 8\nreplications = 2\nmonths = 12\n'
                         'residents = 300\nresidents_per_agent = 1\nspinup_months = 0\n'
                         'communities = 5\nlevers = ["two_way_eval_weight"]\n'
                         'outcomes = ["requests_new:final"]\nover_time = []\n', encoding="utf-8")
    code = main(["sa", str(spec_file), "--out", str(tmp_path / "out")])
    captured = capsys.readouterr()
    assert code == 0
    assert "warning: output requests_new:final is constant" in captured.err
    assert "no index to compare" in captured.out
    assert "nan" not in captured.out


def _tiny_spec_file(tmp_path: Path, communities: int = 5) -> Path:
    spec_file = tmp_path / "tiny.toml"
    spec_file.write_text('name = "tiny"\nroot_seed = 7\nn = 4\nreplications = 1\nmonths = 12\n'
                         'residents = 300\nresidents_per_agent = 1\nspinup_months = 0\n'
                         f'communities = {communities}\nlevers = ["list_strictness"]\n'
                         'outcomes = ["participation_rate:final"]\nover_time = []\n',
                         encoding="utf-8")
    return spec_file


def test_bad_out_is_one_line_before_the_plan_and_nothing_is_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec_file = _tiny_spec_file(tmp_path)
    (tmp_path / "a_file").write_text("x", encoding="utf-8")
    code = main(["sa", str(spec_file), "--out", str(tmp_path / "a_file")])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert captured.err.startswith("error: --out") and captured.err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file", "tiny.toml"]


def test_an_invalid_size_on_the_command_line_blames_the_option(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # valid on its own, but too few for the spec's 10 communities
    spec_file = _tiny_spec_file(tmp_path, communities=12)
    code = main(["sa", str(spec_file), "--residents", "55", "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert err.startswith("error: --residents 55: ") and str(spec_file) not in err
    assert not (tmp_path / "o").exists()


def test_failed_model_runs_exit_1_list_the_failures_and_keep_finished_runs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from cogov_sim.experiment.runner import load_outcomes, run_tasks
    from cogov_sim.sensitivity import model

    def broken(params: Params, seed: int) -> pd.DataFrame:
        if params.list_strictness > 0.5:
            raise ValueError("injected failure")
        return simulate(params, seed)

    monkeypatch.setattr(model, "run_tasks",
                        lambda *a, **k: run_tasks(*a, **{**k, "run_fn": broken}))
    out = tmp_path / "o"
    assert main(["sa", str(_tiny_spec_file(tmp_path)), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    failed = [line for line in err.splitlines() if line.startswith("failed: ")]
    assert failed and all("ValueError: injected failure" in f for f in failed)
    assert f"error: {len(failed)} of 12 model runs failed" in err
    kept = load_outcomes(out / "runs" / "n000004-s0")
    assert len(kept) == 12 - len(failed) > 0


def test_ctrl_c_says_finished_runs_are_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    from cogov_sim.sensitivity import model

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(model, "run_tasks", interrupted)
    code = main(["sa", str(_tiny_spec_file(tmp_path)), "--out", str(tmp_path / "o")])
    assert code == 130
    assert "finished runs are kept" in capsys.readouterr().err


def test_name_and_description_are_labels_not_identity(tmp_path: Path) -> None:
    spec = tiny_spec(n=4, replications=1, levers=["list_strictness"], over_time=[])
    relabelled = tiny_spec(n=4, replications=1, levers=["list_strictness"], over_time=[],
                           name="renamed", description="reworded")
    assert relabelled.fingerprint() == spec.fingerprint()
    assert tiny_spec(n=4, replications=1, levers=["list_strictness"], over_time=[],
                     root_seed=8).fingerprint() != spec.fingerprint()
    run_sa(spec, tmp_path / "out", workers=1, progress=False)
    run_sa(relabelled, tmp_path / "out", workers=1, progress=False)  # resumes, not refused
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["spec"]["name"] == "tiny" and "name" not in manifest["identity"]


def test_spec_builds_its_derived_objects_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from cogov_sim.sensitivity import spec as spec_mod

    spec = tiny_spec()
    calls: list[object] = []
    original = spec_mod.load_preset
    monkeypatch.setattr(spec_mod, "load_preset",
                        lambda *a, **k: calls.append(a) or original(*a, **k))
    again = tiny_spec()  # validation builds everything once
    assert len(calls) == 1
    assert again.base_params() is again.base_params() and again.plan() is again.plan()
    assert again.selection() is again.selection() and again.problem() is again.problem()
    assert len(calls) == 1 and again == spec  # the cache is not part of equality


def test_folder_is_released_after_an_analysis_in_this_process(tmp_path: Path) -> None:
    """A notebook that ran an analysis must not block another process from resuming it."""
    import subprocess
    import sys

    spec_file = _tiny_spec_file(tmp_path)
    out = tmp_path / "o"
    assert main(["sa", str(spec_file), "--out", str(out)]) == 0
    proc = subprocess.run([sys.executable, "-m", "cogov_sim.cli", "sa", str(spec_file),
                           "--out", str(out)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "in use" not in proc.stderr


def test_bounds_that_keep_a_joint_constraint_are_accepted() -> None:
    """The refusal is not blanket: bounds whose every combination is allowed pass."""
    spec = tiny_spec(levers={"share_elderly": [0.1, 0.6], "share_young": [0.1, 0.4]})
    assert spec.problem().names == ("share_elderly", "share_young")
    with pytest.raises(Exception, match="together can break a joint constraint"):
        tiny_spec(levers={"share_elderly": [0.1, 0.6], "share_young": [0.1, 0.41]})
