"""One schema for every input file (issue 23): the published JSON Schemas, the reference
page, the shipped specs against them, unchanged runs, and broken specs of every kind
refused in one line with exit status 2 and nothing written."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import jsonschema
import pytest

from cogov_sim.cli import main
from cogov_sim.schema import KINDS, dumps, json_schema, reference, schema_file
from cogov_sim.specs import COMMANDS, SCHEMA_LINE, spec_path
from cogov_sim.timeline import timeline_names, timelines_folder

ROOT = Path(__file__).resolve().parents[1]
REGENERATE = "regenerate: python -c \"from cogov_sim.schema import write_files; write_files('.')\""


# -- the published schemas and the reference page --------------------------------------

@pytest.mark.parametrize("kind", list(KINDS))
def test_shipped_schema_files_are_generated_from_the_models(kind: str) -> None:
    assert schema_file(kind).read_text(encoding="utf-8") == dumps(kind), REGENERATE


def test_the_key_reference_is_generated_from_the_schema() -> None:
    page = (ROOT / "docs" / "spec-reference.md").read_text(encoding="utf-8")
    assert page == reference(), REGENERATE
    for kind in KINDS:  # every top-level key of every kind is listed
        for key in json_schema(kind)["properties"]:
            assert f"| `{key}` |" in page


def test_the_reference_is_in_the_site_navigation() -> None:
    assert "spec-reference.md" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")


def _shipped() -> list[tuple[str, Path]]:
    specs = [(kind, spec_path(name)) for name, kind in COMMANDS.items()]
    folder = Path(str(timelines_folder()))
    return specs + [("timeline", folder / f"{name}.toml") for name in timeline_names()]


@pytest.mark.parametrize(("kind", "path"), _shipped(), ids=lambda v: getattr(v, "name", v))
def test_every_shipped_file_names_its_schema_and_validates_against_it(kind: str,
                                                                      path: Path) -> None:
    first = path.read_text(encoding="utf-8").split("\n", 1)[0]
    assert first.startswith("#:schema ") and first.endswith(f"/{kind}.schema.json")
    named = (path.parent / first.removeprefix("#:schema ")).resolve()
    assert named == schema_file(kind).resolve()  # the relative path editors follow
    schema = json.loads(named.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(tomllib.loads(path.read_text("utf-8")))


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_json_schema_refuses_what_the_loader_refuses(kind: str) -> None:
    validator = jsonschema.Draft202012Validator(json_schema(kind))
    assert not validator.is_valid({"root_seed": 1, "no_such_key": 1})
    assert not validator.is_valid({"description": 3})


def test_specs_begin_with_the_schema_line_copy_spec_rewrites() -> None:
    for name in COMMANDS:
        assert spec_path(name).read_bytes().startswith(SCHEMA_LINE)


def test_every_shipped_spec_has_a_chinese_description() -> None:
    for name in COMMANDS:
        text = tomllib.loads(spec_path(name).read_text("utf-8")).get("description_zh", "")
        assert text and any("\u4e00" <= c <= "\u9fff" for c in text) and "\n" not in text


# -- the command line --------------------------------------------------------------------

@pytest.mark.parametrize("kind", list(KINDS))
def test_schema_command_prints_each_kind(kind: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", kind]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == json_schema(kind) and printed["title"] == f"cogov-sim {kind} spec"


def test_schema_command_refuses_an_unknown_kind_in_one_line(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "experimant"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and "did you mean 'experiment'" in err[0]
    assert all(kind in err[0] for kind in KINDS)


@pytest.mark.parametrize(("lang", "needle", "footer"), [
    ("en", "Taicang 1.0, 2.0 and 3.0", "run one by name"),
    ("zh", "太仓 1.0、2.0、3.0", "按名称运行"),
])
def test_specs_lists_descriptions_in_either_language(
        lang: str, needle: str, footer: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["specs", "--lang", lang]) == 0
    out = capsys.readouterr().out
    assert needle in out and footer in out
    assert all(name in out for name in COMMANDS)


# -- results unchanged -------------------------------------------------------------------

def test_shipped_specs_load_to_the_same_runs_as_the_hand_written_parsers() -> None:
    """tests/golden/spec_identities.json was written by tests/_identities.py on the
    hand-written parsers (the commit before issue 23's schema): identities, run ids, seeds
    and parameters of every shipped spec must stay as they were."""
    sys.path.insert(0, str(Path(__file__).parent))
    try:
        from _identities import identities
    finally:
        sys.path.pop(0)
    golden = json.loads((ROOT / "tests" / "golden" / "spec_identities.json").read_text("utf-8"))
    now = identities()
    assert sorted(now) == sorted(golden)
    for name in golden:
        assert now[name] == golden[name], name


def test_a_run_does_not_import_pydantic(tmp_path: Path) -> None:
    """The schema is for reading specs; a run, as a worker does it from parameters built
    by the spec's reader (here a timeline's), never loads pydantic."""
    import pickle

    from cogov_sim.timeline import load_scenario

    params = load_scenario("taicang_history", n_residents=200, n_communities=2, spinup_months=0)
    (tmp_path / "params.pkl").write_bytes(pickle.dumps(params))
    code = ("import pickle, sys; import cogov_sim.model, cogov_sim.experiment.runner, cogov_sim.cli; "
            "from cogov_sim.model import CoGovModel; "
            f"params = pickle.loads(open({str(tmp_path / 'params.pkl')!r}, 'rb').read()); "
            "CoGovModel(params, seed=1).run(3); "
            "assert 'pydantic' not in sys.modules, 'pydantic imported'")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


# -- broken specs of every kind: one line, exit 2, nothing written --------------------------

GOOD = {
    "experiment": 'root_seed = 1\nreplications = 2\nmonths = 12\nresidents = 300\n'
                  'residents_per_agent = 1\nspinup_months = 0\ncommunities = 3\n'
                  'scenarios = ["baseline"]\n',
    "sa": 'root_seed = 1\nreplications = 2\nmethod = "morris"\nn = 2\nmonths = 12\n'
          'residents = 300\nresidents_per_agent = 1\nspinup_months = 0\ncommunities = 3\n'
          'scenario = "baseline"\n',
    "discover": 'root_seed = 1\nreplications = 2\nn = 4\nmonths = 12\nresidents = 300\n'
                'residents_per_agent = 1\nspinup_months = 0\ncommunities = 3\n'
                'scenario = "baseline"\n[goal]\nall = [{ outcome = "happiness_index", '
                'at_least = 1 }]\n',
    "validate": 'root_seed = 1\nreplications = 2\nresidents = 1200\ncommunities = 12\n'
                'residents_per_agent = 1\npatterns = ["P1"]\n',
    "calibrate": 'root_seed = 1\nreplications = 2\nn = 4\ntargets = ["C1"]\n'
                 '[parameters]\nadmin_task_load = [60, 300]\n',
    "rollout": 'root_seed = 1\nreplications = 2\ntownships = 5\nstart_year = 2010\n'
               'end_year = 2013\nadopt = "taicang_1_0"\n[[adoption]]\nyear = 2012\nshare = 0.4\n',
}
NAMED = {  # a key naming a preset (or a pattern), its broken value and what is refused
    "experiment": ('scenarios = ["baseline"]', 'scenarios = ["taicang_9_0"]',
                   "unknown scenario preset 'taicang_9_0'"),
    "sa": ('scenario = "baseline"', 'scenario = "basline"', "did you mean 'baseline'"),
    "discover": ('scenario = "baseline"', 'scenario = "shanghia"', "did you mean 'shanghai'"),
    "validate": ('patterns = ["P1"]', 'patterns = ["P9"]', "unknown pattern 'P9'"),
    "calibrate": ('targets = ["C1"]', 'targets = ["C9"]', "unknown pattern 'C9'"),
    "rollout": ('adopt = "taicang_1_0"', 'adopt = "taicang_4_0"', "unknown preset 'taicang_4_0'"),
}
TABLE = {"experiment": "[design]\ntype = \"rows\"\n", "sa": "[options]\n", "discover": "[goal]\n",
         "validate": "[context]\n", "calibrate": "[parameters]\n", "rollout": "[ranges]\n"}
BREAK = {
    "empty file": (lambda kind, text: "", "missing key 'root_seed'"),
    "garbage": (lambda kind, text: "\x7fELF\x02\x01 not a spec at all\n", "not valid TOML"),
    "syntax error": (lambda kind, text: text + "months = \n", "not valid TOML"),
    "misspelt key": (lambda kind, text: text.replace("root_seed", "root_sed"),
                     "unknown key 'root_sed' (did you mean 'root_seed'?)"),
    "negative": (lambda kind, text: text.replace("replications = 2", "replications = -2"),
                 "replications = -2 is out of range; allowed:"),
    "string": (lambda kind, text: text.replace("replications = 2", 'replications = "2"'),
               "replications = '2': expected a whole number"),
    "zero": (lambda kind, text: text.replace("root_seed = 1", "root_seed = 1\nreplications = 0")
             .replace("replications = 2\n", ""), "replications = 0 is out of range"),
    "unknown name": (lambda kind, text: text.replace(*NAMED[kind][:2]), None),
    "duplicate table": (lambda kind, text: text + TABLE[kind] + TABLE[kind], "not valid TOML"),
}


@pytest.mark.parametrize("case", list(BREAK))
@pytest.mark.parametrize("kind", list(GOOD))
def test_broken_specs_of_every_kind_are_refused_in_one_line(
        kind: str, case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    spoil, needle = BREAK[case]
    text = spoil(kind, GOOD[kind])
    assert text != GOOD[kind]
    spec = tmp_path / "spec.toml"
    spec.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    assert main([kind, str(spec), "--out", str(out)]) == 2
    captured = capsys.readouterr()
    err = captured.err.splitlines()
    assert captured.out == "" and len(err) == 1 and err[0].startswith(f"error: {spec}"), err
    assert (needle or NAMED[kind][2]) in err[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["spec.toml"]  # nothing written


@pytest.mark.parametrize("kind", list(GOOD))
def test_the_good_specs_of_the_broken_cases_are_good(kind: str, tmp_path: Path) -> None:
    from cogov_sim.schema import check
    from cogov_sim.specs import spec_names

    data = tomllib.loads(GOOD[kind])
    assert check(KINDS[kind], data, source="good.toml", error=ValueError)
    assert spec_names(kind)  # every kind's command has a shipped spec too


def test_messages_name_the_key_path_the_value_and_what_is_allowed() -> None:
    from cogov_sim.experiment.spec import SpecError, parse_spec

    base = {"root_seed": 1, "replications": 2, "months": 12}
    cases = {
        "[[design.rows]] #2: consultation_seats = 25.5: expected a whole number from 5 to 200 "
        "(seats)": {"design": {"type": "rows", "rows": [{"grid_visits": 1.0},
                                                       {"consultation_seats": 25.5}]}},
        "[scenarios.s]: 'n_residents' is a size parameter, not a lever or context parameter; "
        "sizes are set once, at the top level": {
            "scenarios": {"s": {"preset": "baseline", "n_residents": 1}}},
        "[design.parameters]: list_strictness = [1, 0]: expected [low, high] with low < high": {
            "design": {"type": "lhs", "n": 2, "parameters": {"list_strictness": [1, 0]}}},
        "top level: communities = 0 is out of range; allowed: 1 to 1000": {"communities": 0},
        "top level: scenarios: 'shanghai' is listed twice": {
            "scenarios": ["shanghai", "baseline", "shanghai"]},
    }
    for needle, extra in cases.items():
        with pytest.raises(SpecError) as info:
            parse_spec({**base, **extra}, source="x.toml", default_name="x")
        assert needle in str(info.value) and "\n" not in str(info.value), str(info.value)


# -- the community table (a CSV file) ------------------------------------------------------

def test_the_community_table_has_a_row_schema_the_csv_reader_checks_with(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cogov_sim.communities import COLUMNS, REQUIRED, parse_communities
    from cogov_sim.params import ParameterError
    from cogov_sim.schema import SCHEMAS

    assert main(["schema", "communities"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == json_schema("communities") and "communities" not in KINDS
    assert schema_file("communities").read_text(encoding="utf-8") == dumps("communities")
    assert tuple(printed["properties"]) == COLUMNS and tuple(printed["required"]) == REQUIRED
    assert "communities" in SCHEMAS and "| `elderly_share` |" in reference()
    validator = jsonschema.Draft202012Validator(printed)
    assert validator.is_valid({"name": "A", "residents": 3000, "kind": "village"})
    assert not validator.is_valid({"name": "A", "residents": 0})
    with pytest.raises(ParameterError) as info:
        parse_communities("name,residents,households\nA,3000,12.5\n", label="t.csv")
    assert str(info.value) == ("t.csv, line 2, column households: '12.5'; allowed: a whole "
                               "number above 0")
