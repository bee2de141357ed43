"""The command line: outputs, provenance and one-line errors with nothing written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from cogov_sim.cli import main
from cogov_sim.outcomes import OUTCOME_NAMES, SUMMARY_OUTCOMES
from cogov_sim.params import param_specs
from cogov_sim.viz.labels import outcome_label, unit_label, with_unit
from cogov_sim.viz.numbers import display, value_text

SMALL = ["--residents", "400", "--communities", "2", "--months", "14"]


def test_run_writes_manifest_timeseries_and_figure(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r"
    code = main(["run", "--scenario", "taicang_1_0", "--set", "grid_visits=9", "--seed", "5",
                 *SMALL, "--out", str(out)])
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "summary.png", "timeseries.parquet"]
    man = json.loads((out / "manifest.json").read_text())
    assert man["seed"] == 5 and man["scenario"] == "taicang_1_0"
    assert man["parameters"]["grid_visits"] == 9 and man["parameters"]["list_strictness"] == 0.9
    assert set(man["parameters"]) == {s.name for s in param_specs()}
    assert man["libraries"]["mesa"].startswith("3.") and man["python"].startswith("3.12")
    assert "commit" in man["git"] and man["command"][1] == "run"
    df = pd.read_parquet(out / "timeseries.parquet")
    assert len(df) == 14 and set(OUTCOME_NAMES) <= set(df.columns)
    assert (out / "summary.png").read_bytes()[:4] == b"\x89PNG"
    printed = capsys.readouterr().out
    assert "Happiness index" in printed and "seed 5" in printed
    # the overrides are echoed; values print at the tables' precision, in display units
    assert printed.splitlines()[0] == "overrides: grid_visits=9, months=14, n_residents=400, " \
                                      "n_communities=2"
    last = df.tail(12)
    for name in SUMMARY_OUTCOMES:
        label = with_unit(outcome_label(name), unit_label(display(name).level))
        row = next(line for line in printed.splitlines() if line.startswith(label))
        assert row.split()[-1] == value_text(name, float(last[name].mean()))
    assert "(per 10,000 residents)" not in printed
    assert outcome_label("so_per_10k") in printed


def test_params_has_a_header_row_and_plain_units(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["params"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["parameter", "kind", "default", "range", "unit"]
    units = {s.unit for s in param_specs()}
    assert not units & {"strength", "value", "weight", "probability"}, units
    for s in param_specs():
        row = next(line for line in lines if line.split()[:1] == [s.name])
        assert row.endswith(s.unit)


def test_same_command_same_data(tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert main(["run", "--seed", "3", *SMALL, "--out", str(tmp_path / name)]) == 0
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "a" / "timeseries.parquet"),
                                  pd.read_parquet(tmp_path / "b" / "timeseries.parquet"))


def test_seed_is_drawn_and_recorded_when_not_given(tmp_path: Path) -> None:
    assert main(["run", *SMALL, "--out", str(tmp_path / "r")]) == 0
    seed = json.loads((tmp_path / "r" / "manifest.json").read_text())["seed"]
    assert isinstance(seed, int) and seed >= 0


@pytest.mark.parametrize(("args", "message"), [
    (["--scenario", "taicang_3"], "unknown scenario 'taicang_3' (did you mean 'taicang_3_0'?)"),
    (["--set", "grid_visit=3"], "unknown parameter 'grid_visit' (did you mean 'grid_visits'?)"),
    (["--set", "grid_visits=99"], "grid_visits = 99.0 is out of range; allowed: 0 to 40"),
    (["--set", "grid_visits=lots"], "grid_visits = 'lots': expected a number"),
    (["--set", "grid_visits"], "expected NAME=VALUE"),
    (["--residents", "10"], "n_residents = 10 is out of range"),
    (["--months", "2.5"], "'2.5' is not a valid integer"),
    (["--seed", "-1"], "--seed -1"),
    (["--bogus"], "No such option"),
])
def test_bad_input_one_line_exit_2_nothing_written(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   args: list[str], message: str) -> None:
    out = tmp_path / "never"
    assert main(["run", *args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and err.startswith("error: ")
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_unwritable_or_used_output_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["run", *SMALL, "--out", str(blocker / "sub")]) == 2
    assert "is not a folder" in capsys.readouterr().err
    used = tmp_path / "used"
    used.mkdir()
    (used / "keep.txt").write_text("mine")
    assert main(["run", *SMALL, "--out", str(used)]) == 2
    assert "not empty" in capsys.readouterr().err
    assert [p.name for p in used.iterdir()] == ["keep.txt"]


def test_scenarios_and_params_listings(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios"]) == 0
    listed = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    from cogov_sim.timeline import scenario_names

    assert listed == list(scenario_names())  # presets, then timelines
    assert "taicang_history" in listed
    assert main(["params", "--kind", "lever", "--lang", "zh"]) == 0
    text = capsys.readouterr().out
    assert "list_strictness" in text and "两份清单" in text and "n_residents" not in text


def test_the_command_lines_own_lines_follow_lang(capsys: pytest.CaptureFixture[str]) -> None:
    """Under --lang zh the tags and the lines the command line writes itself are Chinese
    (issue 26); what the spec parsers say stays English."""
    from cogov_sim.cli import Terminated, interrupted_line, lang_of

    assert main(["rollout", "jiangsu_rollout", "--workers", "-1", "--lang", "zh"]) == 2
    assert capsys.readouterr().err == "错误: --workers -1: 应为 0(每核一个)或更大\n"
    assert main(["rollout", "jiangsu_rollout", "--workers", "-1"]) == 2
    assert capsys.readouterr().err == ("error: --workers -1: expected 0 (one per core) or "
                                       "more\n")
    assert main(["scenarios", "--lang", "zh"]) == 0
    assert "taicang_history [时间线] 太仓2005-2020" in capsys.readouterr().out
    assert [lang_of(a) for a in (["x", "--lang", "zh"], ["x", "--lang=zh"], ["x", "zh"],
                                 ["--lang", "zh", "--lang", "en"])] == ["zh", "zh", "en", "en"]
    assert interrupted_line(KeyboardInterrupt(), "zh") == ("错误: 已中断", 130)
    assert interrupted_line(Terminated(), "zh") == ("错误: 被 SIGTERM 终止", 143)


def test_console_script_exit_status() -> None:
    proc = subprocess.run([sys.executable, "-m", "cogov_sim.cli", "run", "--scenario", "nope"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2 and proc.stderr.startswith("error: unknown scenario")


# -- issue 14: concurrent runs, conflicting options, permissions ---------------------------

def test_runs_with_the_same_default_name_each_get_their_own_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Default names are scenario + second + seed digits: two runs started in the same
    second with the same seed must not collide (the second used to fail)."""
    import cogov_sim.cli as cli_mod

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cli_mod.time, "strftime", lambda fmt, *a: "20260101-000000")
    for value in ("0", "2"):
        assert main(["run", "--scenario", "taicang_3_0", "--set",
                     f"consultations_per_year={value}", "--seed", "7", *SMALL]) == 0
    folders = sorted(p.name for p in (tmp_path / "results").iterdir())
    assert folders == ["run-taicang_3_0-20260101-000000-0007",
                       "run-taicang_3_0-20260101-000000-0007-2"]
    values = [json.loads((tmp_path / "results" / f / "manifest.json").read_text())
              ["parameters"]["consultations_per_year"] for f in folders]
    assert values == [0, 2]


@pytest.mark.parametrize("unique", [True, False])
def test_a_folder_taken_while_writing_is_not_overwritten(tmp_path: Path, unique: bool) -> None:
    """Another process fills the target between the checks and the final rename (the
    race of concurrent runs): a default name moves on to name-2; a chosen --out is
    refused with one line; no hidden temporary folder is left either way."""
    from cogov_sim.store import OutputError, write_run

    target = tmp_path / "run-x"

    def other_process_takes_it(frame: pd.DataFrame, path: Path) -> None:
        target.mkdir()
        (target / "theirs.txt").write_text("theirs")

    frame = pd.DataFrame({"month": [1, 2]})
    if unique:
        written = write_run(target, frame, {"kind": "run"}, other_process_takes_it, unique=True)
        assert written == tmp_path / "run-x-2"
        assert sorted(p.name for p in written.iterdir()) == ["manifest.json", "timeseries.parquet"]
    else:
        with pytest.raises(OutputError) as info:
            write_run(target, frame, {"kind": "run"}, other_process_takes_it)
        assert "another process" in str(info.value) and "\n" not in str(info.value)
    assert [p.name for p in target.iterdir()] == ["theirs.txt"]
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize(("args", "message"), [
    (["--set", "months=5", "--months", "12"], "--set months=5 and --months 12 conflict"),
    (["--set", "n_residents=300", "--residents", "400"],
     "--set n_residents=300 and --residents 400 conflict"),
    (["--set", "n_communities=3", "--communities", "2"],
     "--set n_communities=3 and --communities 2 conflict"),
    (["--set", "grid_visits=3", "--set", "grid_visits=4"],
     "--set grid_visits=3 and --set grid_visits=4 conflict; give grid_visits once"),
])
def test_conflicting_options_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         args: list[str], message: str) -> None:
    out = tmp_path / "never"
    assert main(["run", *args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and err.startswith("error: ")
    assert not out.exists()


def test_the_same_value_given_twice_is_not_a_conflict(tmp_path: Path) -> None:
    out = tmp_path / "r"
    assert main(["run", *SMALL, "--set", "months=14", "--set", "grid_visits=3",
                 "--set", "grid_visits=3.0", "--out", str(out)]) == 0
    assert json.loads((out / "manifest.json").read_text())["parameters"]["months"] == 14


@pytest.mark.skipif(sys.platform == "win32", reason="Unix permission bits and umask; Windows "
                    "has ACLs instead")
def test_output_permissions_follow_the_umask(tmp_path: Path) -> None:
    """Results are meant to be shared: under umask 022 folders are 755 and files 644, and
    an existing empty --out keeps its permissions (they used to become 700 and 600)."""
    import stat

    old = os.umask(0o022)
    try:
        fresh, existing = tmp_path / "fresh", tmp_path / "existing"
        existing.mkdir()
        existing.chmod(0o750)
        for out in (fresh, existing):
            assert main(["run", "--seed", "1", *SMALL, "--out", str(out)]) == 0
        spec = tmp_path / "tiny.toml"
        spec.write_text("root_seed = 1\nreplications = 1\nmonths = 12\nresidents = 300\n"
                        "communities = 3\n")
        assert main(["experiment", str(spec), "--out", str(tmp_path / "exp")]) == 0
    finally:
        os.umask(old)

    def mode(path: Path) -> int:
        return stat.S_IMODE(path.stat().st_mode)

    assert mode(fresh) == 0o755 and mode(existing) == 0o750
    for out in (fresh, existing):
        assert {p.name: mode(p) for p in out.iterdir()} == {
            "manifest.json": 0o644, "timeseries.parquet": 0o644, "summary.png": 0o644}
    assert mode(tmp_path / "exp") == 0o755
    assert mode(tmp_path / "exp" / "manifest.json") == 0o644
    assert mode(tmp_path / "exp" / "ledger.jsonl") == 0o644
