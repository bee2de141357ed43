"""Experiment specs: parsing, designs, precedence, and the one-line errors of bad specs."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest

from cogov_sim.cli import main
from cogov_sim.experiment.design import design_points, design_rows, make_tasks, point_name
from cogov_sim.experiment.spec import SpecError, load_spec, parse_spec
from cogov_sim.params import spec as param_spec
from cogov_sim.presets import load_preset
from cogov_sim.specs import spec_path

ROOT = Path(__file__).resolve().parents[1]
TINY = {"name": "tiny", "root_seed": 7, "replications": 2, "months": 12, "residents": 300,
        "residents_per_agent": 1, "spinup_months": 0,
        "communities": 3}


def write(tmp_path: Path, text: str, name: str = "spec.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# -- the shipped specs ---------------------------------------------------------------------------

def test_reform_stages_spec_is_the_main_job() -> None:
    spec = load_spec(spec_path("reform_stages"))
    assert [s.name for s in spec.scenarios] == ["baseline", "taicang_1_0", "taicang_2_0",
                                                "taicang_3_0", "shanghai", "chengdu"]
    assert spec.months == 120 and spec.common_random_numbers
    assert spec.replications >= 20
    points = design_points(spec)
    assert [p.params for p in points] == [load_preset(s.preset, **spec.size())
                                          for s in spec.scenarios]


@pytest.mark.parametrize("name", ["what_if", "grid_lists"])
def test_example_specs_validate(name: str) -> None:
    spec = load_spec(spec_path(name))
    assert len(make_tasks(spec)) == len(design_points(spec)) * spec.replications > 0


def test_what_if_example_changes_only_the_named_levers() -> None:
    spec = load_spec(spec_path("what_if"))
    points = {p.scenario: p.params for p in design_points(spec)}
    what_if = next(s for s in spec.scenarios if s.preset == "taicang_3_0" and s.overrides)
    changed = {k for k, v in points[what_if.name].to_dict().items()
               if v != points["taicang_3_0"].to_dict()[k]}
    assert changed == set(what_if.overrides)


# -- designs -------------------------------------------------------------------------------------

def test_grid_is_crossed_with_scenarios() -> None:
    spec = parse_spec({**TINY, "scenarios": ["baseline", "taicang_1_0"],
                       "design": {"type": "grid", "parameters": {
                           "list_strictness": [0.0, 0.5, 1.0], "staff_per_committee": [5, 9]}}})
    points = design_points(spec)
    assert len(points) == 2 * 3 * 2
    assert [p.point_id for p in points] == list(range(12))
    first = points[0]
    assert first.labels == {"scenario": "baseline", "list_strictness": 0.0,
                            "staff_per_committee": 5.0}
    assert point_name(points[7].labels) == "taicang_1_0 | list_strictness=0, staff_per_committee=9"
    for p in points:
        assert p.params.list_strictness == p.labels["list_strictness"]
        assert p.params.months == 12 and p.params.n_residents == 300


def test_rows_design_keeps_unset_values_from_the_scenario() -> None:
    spec = parse_spec({**TINY, "scenarios": ["taicang_3_0"], "design": {"type": "rows", "rows": [
        {"grid_visits": 0.0}, {"grid_visits": 30.0, "random_seat_share": 1.0}]}})
    a, b = design_points(spec)
    preset = load_preset("taicang_3_0")
    assert a.params.grid_visits == 0.0 and a.params.random_seat_share == preset.random_seat_share
    assert b.labels == {"scenario": "taicang_3_0", "grid_visits": 30.0, "random_seat_share": 1.0}


def test_lhs_puts_one_point_in_each_stratum_and_rounds_whole_numbers() -> None:
    spec = parse_spec({**TINY, "design": {"type": "lhs", "n": 10, "seed": 3, "parameters": {
        "purchase_share": [0.0, 0.5], "consultation_seats": [10, 110]}}})
    rows = design_rows(spec.design)
    share = np.array([r["purchase_share"] for r in rows])
    assert sorted(np.floor(share / 0.05).astype(int)) == list(range(10))
    seats = [r["consultation_seats"] for r in rows]
    assert all(isinstance(s, int) and 10 <= s <= 110 for s in seats)
    assert design_rows(spec.design) == rows  # same seed, same design
    other = parse_spec({**TINY, "design": {"type": "lhs", "n": 10, "seed": 4,
                                           "parameters": {"purchase_share": [0.0, 0.5]}}})
    assert [r["purchase_share"] for r in design_rows(other.design)] != list(share)


def test_lhs_seed_defaults_to_the_root_seed() -> None:
    spec = parse_spec({**TINY, "design": {"type": "lhs", "n": 4,
                                          "parameters": {"purchase_share": [0.0, 0.5]}}})
    assert spec.design.seed == TINY["root_seed"]


def test_precedence_preset_size_scenario_design() -> None:
    spec = parse_spec({**TINY, "scenarios": {"s": {"preset": "taicang_3_0", "grid_visits": 3.0}},
                       "design": {"type": "rows", "rows": [{"consultations_per_year": 1.0}]}})
    (point,) = design_points(spec)
    expected = load_preset("taicang_3_0", months=12, n_residents=300, n_communities=3,
                           residents_per_agent=1, spinup_months=0,
                           grid_visits=3.0, consultations_per_year=1.0)
    assert point.params == expected


def test_scenario_shorthands() -> None:
    spec = parse_spec({**TINY, "scenarios": {"taicang_1_0": {}, "reform": "taicang_2_0"}})
    assert [(s.name, s.preset) for s in spec.scenarios] == [("taicang_1_0", "taicang_1_0"),
                                                            ("reform", "taicang_2_0")]


def test_whole_number_parameters_become_ints() -> None:
    spec = parse_spec({**TINY, "scenarios": {"s": {"preset": "baseline",
                                                   "consultation_seats": 40.0}}})
    assert spec.scenarios[0].overrides == {"consultation_seats": 40}
    assert isinstance(design_points(spec)[0].params.consultation_seats, int)


def test_overrides_are_validated() -> None:
    spec = parse_spec({**TINY, "communities": 12, "scenarios": ["baseline"]})
    assert spec.with_overrides(replications=5, months=6).months == 6
    with pytest.raises(SpecError, match=r"--replications: replications = 0 is out of range"):
        spec.with_overrides(replications=0)
    low = int(param_spec("n_residents").low)
    with pytest.raises(SpecError, match=rf"--residents: residents = {low - 1} is out of range"):
        spec.with_overrides(residents=low - 1)
    with pytest.raises(SpecError,
                       match=r"n_communities = 12; allowed: at most n_residents / residents_per_agent / 5"):
        spec.with_overrides(residents=55)


# -- bad specs through the CLI: one line, exit 2, nothing written --------------------------------

GOOD_HEAD = """
name = "bad"
root_seed = 1
replications = 2
months = 12
residents = 300
residents_per_agent = 1
spinup_months = 0
communities = 3
"""

BAD = {
    "misspelt top-level key": (
        'name = "bad"\nroot_seed = 1\nreplicatons = 2\n',
        ["top level", "unknown key 'replicatons'", "did you mean 'replications'"]),
    "misspelt lever in a scenario": (
        GOOD_HEAD + '[scenarios]\nwhat_if = { preset = "taicang_3_0", consultation_per_year = 2 }\n',
        ["[scenarios.what_if]", "unknown parameter 'consultation_per_year'",
         "did you mean 'consultations_per_year'"]),
    "wrong type": (
        GOOD_HEAD.replace("replications = 2", 'replications = "two"'),
        ["top level", "replications = 'two'", "expected a whole number"]),
    "lever out of range": (
        GOOD_HEAD + '[scenarios]\nwhat_if = { preset = "taicang_3_0", consultations_per_year = 20 }\n',
        ["[scenarios.what_if]", "consultations_per_year = 20 is out of range",
         "allowed: 0 to 12"]),
    "size out of range": (
        GOOD_HEAD.replace("months = 12", "months = 5000"),
        ["top level", "months = 5000 is out of range", "allowed: 1 to 1200"]),
    "unknown scenario": (
        GOOD_HEAD + 'scenarios = ["baseline", "taicang_4_0"]\n',
        ["unknown scenario preset 'taicang_4_0'", "did you mean 'taicang_3_0'"]),
    "unknown preset in a table": (
        GOOD_HEAD + '[scenarios]\nx = { preset = "shanghia" }\n',
        ["[scenarios.x]", "unknown scenario preset 'shanghia'", "did you mean 'shanghai'"]),
    "design key of another type": (
        GOOD_HEAD + '[design]\ntype = "grid"\nn = 4\nparameters = { list_strictness = [0, 1] }\n',
        ["[design]", "unknown key 'n' for type = 'grid'", "type = 'lhs'"]),
    "misspelt design parameter": (
        GOOD_HEAD + '[design]\ntype = "grid"\nparameters = { list_strictnes = [0, 1] }\n',
        ["[design.parameters]", "unknown parameter 'list_strictnes'",
         "did you mean 'list_strictness'"]),
    "unknown design type": (
        GOOD_HEAD + '[design]\ntype = "gird"\n',
        ["[design]", "type: unknown design type 'gird'", "did you mean 'grid'"]),
    "scenario and design set the same lever": (
        GOOD_HEAD + '[scenarios]\ns = { preset = "baseline", list_strictness = 0.5 }\n'
        '[design]\ntype = "grid"\nparameters = { list_strictness = [0, 1] }\n',
        ["[scenarios.s]", "list_strictness", "[design] also varies"]),
    "invalid combination in a row": (
        GOOD_HEAD + '[design]\ntype = "rows"\n[[design.rows]]\nshare_elderly = 0.6\n'
        'share_young = 0.6\n',
        ["design point 1", "share_elderly + share_young = 1.2"]),
    "unknown outcome": (
        GOOD_HEAD + 'outcomes = ["happines_index"]\n',
        ["unknown outcome 'happines_index'", "did you mean 'happiness_index'"]),
    "missing root seed": (
        'replications = 2\n', ["top level", "missing key 'root_seed'"]),
    "not TOML": (
        "root_seed = 1\nreplications = \n", ["not valid TOML", "line 2"]),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_spec_gives_one_line_error_and_writes_nothing(
        case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    text, needles = BAD[case]
    spec_file = write(tmp_path, text)
    monkeypatch.chdir(tmp_path)
    code = main(["experiment", str(spec_file), "--out", str(tmp_path / "out")])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {spec_file}")
    for needle in needles:
        assert needle in lines[0]
    assert not (tmp_path / "out").exists() and not (tmp_path / "results").exists()


@pytest.mark.parametrize(("options", "needle"), [
    (["--replications", "0"], "--replications: replications = 0 is out of range"),
    (["--months", "-3"], "--months: months = -3 is out of range"),
    (["--workers", "-1"], "--workers -1: expected 0 (one per core) or more"),
])
def test_bad_options_give_one_line_error(options: list[str], needle: str, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    spec_file = write(tmp_path, GOOD_HEAD)
    code = main(["experiment", str(spec_file), "--out", str(tmp_path / "out"), *options])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and needle in err[0]
    assert not (tmp_path / "out").exists()


def test_missing_spec_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["experiment", str(tmp_path / "nope.toml")])
    assert code == 2
    assert capsys.readouterr().err.strip() == f"error: {tmp_path / 'nope.toml'}: no such file"


def test_non_empty_foreign_folder_is_refused(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    code = main(["experiment", str(write(tmp_path, GOOD_HEAD)), "--out", str(out)])
    assert code == 2 and "not empty" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]


def test_duplicate_design_rows_are_rejected_naming_both() -> None:
    rows = [{"list_strictness": 0.5, "consultations_per_year": 2},
            {"consultations_per_year": 1.0},
            {"consultations_per_year": 2.0, "list_strictness": 0.5}]
    with pytest.raises(SpecError) as info:
        parse_spec({**TINY, "design": {"type": "rows", "rows": rows}})
    message = str(info.value)
    assert "#1 and #3 are the same row" in message and "\n" not in message


# -- issue 14: encodings ----------------------------------------------------------------------

def test_a_spec_saved_with_a_utf8_byte_order_mark_is_read(tmp_path: Path) -> None:
    """Windows Notepad may save UTF-8 with a byte-order mark; it used to give
    'Invalid statement (at line 1, column 1)'."""
    plain = write(tmp_path, GOOD_HEAD)
    marked = tmp_path / "bom.toml"
    marked.write_bytes(b"\xef\xbb\xbf" + plain.read_bytes())
    assert load_spec(marked).identity() == load_spec(plain).identity()


@pytest.mark.parametrize(("encoding", "needle"), [
    ("utf-16", "saved as UTF-16 text; TOML files must be UTF-8"),
    ("gbk", "not UTF-8 text (byte 0x"),
])
def test_a_spec_in_another_encoding_is_refused_saying_so(
        encoding: str, needle: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec_file = tmp_path / "other.toml"
    spec_file.write_text(GOOD_HEAD + 'description = "政社互动"\n', encoding=encoding)
    assert main(["experiment", str(spec_file), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: {spec_file}") and needle in err[0]
    assert "UTF-8" in err[0] and not (tmp_path / "out").exists()
