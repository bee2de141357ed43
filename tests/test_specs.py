"""The shipped specs (issue 22): inside the package, addressed by name, listed and copied.

A spec command takes a shipped spec's name or a path; a bad name is one line on stderr
naming it and what is allowed, exit status 2, nothing written.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from cogov_sim.cli import main
from cogov_sim.specs import COMMANDS, SpecNameError, folder, resolve, spec_names, spec_path

ROOT = Path(__file__).resolve().parents[1]


def loader(command: str):  # type: ignore[no-untyped-def]
    """The function that reads a spec of ``command``."""
    from cogov_sim.discovery.spec import load_spec as discover
    from cogov_sim.experiment.spec import load_spec as experiment
    from cogov_sim.panel.rollout import load_rollout
    from cogov_sim.sensitivity.spec import load_spec as sa
    from cogov_sim.validation.spec import load_calibration, load_validation

    return {"experiment": experiment, "sa": sa, "discover": discover, "rollout": load_rollout,
            "validate": load_validation, "calibrate": load_calibration}[command]


def test_every_shipped_file_is_registered_and_inside_the_package() -> None:
    files = sorted(p.stem for p in folder().glob("*.toml"))
    assert files == sorted(COMMANDS)
    assert folder() == ROOT / "src" / "cogov_sim" / "specs"  # one copy, in the package
    assert not list(ROOT.glob("experiments/*.toml"))  # no second copy to drift


def test_package_data_ships_the_specs() -> None:
    """What setuptools puts in the wheel: the spec files' pattern is in package-data."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["cogov_sim"]
    assert "specs/*.toml" in patterns


@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_shipped_spec_loads_with_its_command(name: str) -> None:
    spec = loader(COMMANDS[name])(spec_path(name, COMMANDS[name]))
    assert spec.name == name
    assert spec.description  # `cogov-sim specs` prints it


def test_specs_lists_every_name_with_its_command_and_description(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["specs"]) == 0
    lines = capsys.readouterr().out.splitlines()
    for name, command in COMMANDS.items():
        line = next(s for s in lines if s.startswith(name + " "))
        assert line.split()[1] == command
        assert len(line.split()) > 3  # a description follows
    assert lines.index(next(s for s in lines if s.startswith("reform_stages "))) == 0


def test_copy_writes_an_editable_copy_and_never_overwrites(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "mine" / "what_if.toml"
    assert main(["specs", "copy", "what_if", str(tmp_path / "mine")]) == 0
    shipped, copied = spec_path("what_if").read_text("utf-8"), target.read_text("utf-8")
    assert copied.split("\n", 1)[1] == shipped.split("\n", 1)[1]  # all but the schema line
    schema = Path(copied.split("\n", 1)[0].removeprefix("#:schema "))
    assert schema.is_absolute() and schema.name == "experiment.schema.json" and schema.exists()
    assert "cogov-sim experiment" in capsys.readouterr().out
    target.write_text("# edited\n", encoding="utf-8")
    assert main(["specs", "copy", "what_if", str(tmp_path / "mine")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "already exists" in err and str(target) in err
    assert target.read_text(encoding="utf-8") == "# edited\n"


def test_copy_of_an_unknown_name_lists_the_shipped_ones(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["specs", "copy", "reform", str(tmp_path / "d")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'reform'" in err and "did you mean 'reform_stages'" in err
    assert all(n in err for n in COMMANDS)
    assert not (tmp_path / "d").exists()


@pytest.mark.parametrize(("args", "expected"), [
    (["experiment", "nope"], ["'nope'", "reform_stages, what_if, grid_lists"]),
    (["experiment", "sa_morris_quick"], ["`cogov-sim sa sa_morris_quick`", "reform_stages"]),
    (["sa", "reform_stages"], ["`cogov-sim experiment reform_stages`",
                               "sa_morris_quick, sa_sobol_levers"]),
    (["validate", "calibration"], ["`cogov-sim calibrate calibration`", "validation"]),
    (["discover", "discover_participaton"], ["did you mean 'discover_participation'"]),
    (["rollout", "experiments/jiangsu_rollout.toml"],
     ["no such file", "cogov-sim rollout jiangsu_rollout"]),
])
def test_bad_spec_names_are_one_line_with_what_is_allowed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        args: list[str], expected: list[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert all(text in err for text in expected), err
    assert list(tmp_path.iterdir()) == []


def test_names_and_paths_resolve(tmp_path: Path) -> None:
    assert resolve("reform_stages", "experiment") == spec_path("reform_stages")
    own = tmp_path / "reform_stages.toml"  # a copy of one's own is a path, not the name
    own.write_bytes(spec_path("reform_stages").read_bytes())
    assert resolve(str(own), "experiment") == own
    assert resolve(own, "experiment") == own
    with pytest.raises(SpecNameError, match="shipped `cogov-sim calibrate` specs: calibration"):
        resolve("what_if", "calibrate")
    assert spec_names("experiment") == ("reform_stages", "what_if", "grid_lists")


def test_validate_finds_its_default_spec_outside_a_checkout(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
        ) -> None:
    """No argument, run from a folder without the project's files: the packaged spec is read
    (the error is about --replications, which is checked after the spec was loaded)."""
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "--replications", "1"]) == 2
    err = capsys.readouterr().err
    assert "--replications: replications = 1" in err and "no such file" not in err
