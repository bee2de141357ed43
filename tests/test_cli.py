"""The command line: outputs, provenance and one-line errors with nothing written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from cogov_sim.cli import main
from cogov_sim.outcomes import OUTCOME_NAMES
from cogov_sim.params import param_specs
from cogov_sim.presets import preset_names

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
    assert listed == list(preset_names())
    assert main(["params", "--kind", "lever", "--lang", "zh"]) == 0
    text = capsys.readouterr().out
    assert "list_strictness" in text and "两份清单" in text and "n_residents" not in text


def test_console_script_exit_status() -> None:
    proc = subprocess.run([sys.executable, "-m", "cogov_sim.cli", "run", "--scenario", "nope"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2 and proc.stderr.startswith("error: unknown scenario")
