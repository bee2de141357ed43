"""Communities of real, unequal sizes (issue 18): the community table, the default township,
a user's table from the command line, a spec and the API, and one-line errors for bad files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import cogov_sim.runner as runner_mod
from cogov_sim.cli import main
from cogov_sim.communities import DEFAULT, CommunityTable, load_communities, table_names
from cogov_sim.model import CoGovModel
from cogov_sim.params import MIN_AGENTS, ParameterError, Params
from cogov_sim.presets import load_preset

TABLE = "name,kind,residents,elderly_share\nbig,urban,6000,0.1\nmiddle,resettlement,3000,0.3\n" \
        "small,village,1000,0.5\n"
SHARES = np.array([0.6, 0.3, 0.1])
TINY = {"months": 1, "spinup_months": 0}


def write(folder: Path, text: str | bytes, name: str = "t.csv") -> Path:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def residents_shares(model: CoGovModel) -> np.ndarray:
    r = model.population.residents
    return r / r.sum()


# -- the default table ---------------------------------------------------------------------

def test_the_default_table_is_packaged_unequal_and_states_its_provenance() -> None:
    assert DEFAULT in table_names()
    t = load_communities(DEFAULT)
    assert t.rows == 20 and t.total == 100_000
    assert set(t.kind) == {"urban", "resettlement", "village"}
    assert max(t.residents) / min(t.residents) > 5  # large estates and small villages
    assert t.elderly_share is not None and abs(t.mean_elderly - 0.25) < 0.005
    assert t.households is not None and t.urban.count(False) == 7
    # every row is sourced or marked as an assumption in the file's comments
    assert "ASSUMPTION" in t.notes and "Seed 001" in t.notes and "Seed 002" in t.notes
    assert t.describe()["table"] == DEFAULT and len(t.sha256) == 64


def test_default_township_from_the_table_has_the_tables_sizes() -> None:
    p = Params().with_communities(DEFAULT)
    t = p.communities
    assert (p.n_communities, p.n_residents, p.share_elderly) == (20, 100_000, t.mean_elderly)
    model = CoGovModel(p.replace(**TINY), seed=1)
    np.testing.assert_array_equal(model.population.residents, t.residents)
    assert model.population.sizes.sum() == p.n_agents


def test_equal_communities_stay_the_default_of_params() -> None:
    assert Params().communities is None
    assert load_preset("baseline", communities=4) == load_preset("baseline", n_communities=4)
    np.testing.assert_array_equal(Params(n_communities=3, n_residents=1000).community_agents(),
                                  [34, 33, 33])


# -- a user's table: command line, spec, API -----------------------------------------------

class Recording(CoGovModel):
    """The model ``simulate`` builds, kept for inspection."""

    built: list[CoGovModel] = []

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        Recording.built.append(self)


def test_a_users_table_from_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    table = write(tmp_path, TABLE)
    Recording.built.clear()
    monkeypatch.setattr(runner_mod, "CoGovModel", Recording)
    out = tmp_path / "r"
    assert main(["run", "--communities", str(table), "--residents", "10000", "--months", "2",
                 "--seed", "3", "--out", str(out)]) == 0
    (model,) = Recording.built
    np.testing.assert_allclose(residents_shares(model), SHARES)
    np.testing.assert_array_equal(model.population.residents, [6000, 3000, 1000])
    man = json.loads((out / "manifest.json").read_text())
    assert man["communities"]["table"] == str(table) and man["communities"]["rows"] == 3
    assert man["communities"]["sha256"] == load_communities(table).sha256
    assert man["parameters"]["n_communities"] == 3


def test_run_without_communities_uses_the_default_table_and_a_number_gives_equal_ones(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Recording.built.clear()
    monkeypatch.setattr(runner_mod, "CoGovModel", Recording)
    assert main(["run", "--residents", "20000", "--months", "1", "--seed", "1",
                 "--out", str(tmp_path / "a")]) == 0
    assert main(["run", "--residents", "20000", "--communities", "4", "--months", "1",
                 "--seed", "1", "--out", str(tmp_path / "b")]) == 0
    table, equal = Recording.built
    np.testing.assert_allclose(residents_shares(table), load_communities(DEFAULT).shares,
                               atol=10 / 20_000)  # one agent of 10 residents
    np.testing.assert_array_equal(equal.population.residents, [5000] * 4)
    assert json.loads((tmp_path / "b" / "manifest.json").read_text())["communities"] is None


def test_a_users_table_from_an_experiment_spec_relative_to_the_spec(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cogov_sim.experiment.spec import load_spec

    folder = tmp_path / "specs"
    folder.mkdir()
    write(folder, TABLE)
    spec_file = write(folder, 'root_seed = 1\nreplications = 1\nmonths = 1\nspinup_months = 0\n'
                              'residents = 20000\ncommunities = "t.csv"\n'
                              'scenarios = ["baseline", "taicang_3_0"]\n', "exp.toml")
    monkeypatch.chdir(tmp_path)  # the path is relative to the spec file, not to here
    spec = load_spec(spec_file)
    assert spec.to_dict()["communities"]["table"] == str(folder / "t.csv")
    for point in spec.points:
        model = CoGovModel(point.params, seed=1)
        np.testing.assert_allclose(residents_shares(model), SHARES)
        assert model.population.n_residents == 20_000


def test_a_users_table_through_the_api(tmp_path: Path) -> None:
    path = write(tmp_path, TABLE)
    table = load_communities(path)
    by_path = CoGovModel(preset="taicang_3_0", communities=path, **TINY)
    by_table = CoGovModel(preset="taicang_3_0", communities=table, n_residents=5000, **TINY)
    by_params = CoGovModel(load_preset("baseline", communities=str(path), **TINY))
    for model in (by_path, by_table, by_params):
        np.testing.assert_allclose(residents_shares(model), SHARES)
    assert by_path.population.n_residents == 10_000 and by_table.population.n_residents == 5000
    assert by_path.policy.communities == table  # equal by content


# -- sizes, ages and staff from the table ---------------------------------------------------

def test_n_residents_scales_the_table_keeping_its_shares() -> None:
    t = load_communities(DEFAULT)
    for n in (20_000, 55_555, 300_000):
        p = load_preset("taicang_1_0", communities=DEFAULT, n_residents=n)
        agents = p.community_agents()
        assert agents.sum() == p.n_agents and p.communities == t
        np.testing.assert_allclose(agents / agents.sum(), t.shares, atol=1.0 / p.n_agents)


def test_n_communities_must_match_the_table() -> None:
    p = Params().with_communities(DEFAULT)
    with pytest.raises(ParameterError, match=r"n_communities = 5 but community table "
                                             r"taicang_township has 20 rows; allowed: 20") as info:
        p.replace(n_communities=5)
    assert "\n" not in str(info.value)
    with pytest.raises(ParameterError, match="has 20 rows"):
        load_preset("baseline", communities=DEFAULT, n_communities=19)
    assert p.replace(n_communities=20) == p


def test_too_few_agents_names_the_community() -> None:
    with pytest.raises(ParameterError, match=rf"community 'village_7' of table taicang_township gets "
                                             rf"\d resident agents .* at least {MIN_AGENTS}"):
        Params().with_communities(DEFAULT).replace(n_residents=2000)


def test_elderly_share_per_community_sets_the_age_mix_where_given(tmp_path: Path) -> None:
    two = "name,residents,elderly_share\nyoung,10000,0.1\nold,10000,0.5\n"
    with_shares = CoGovModel(communities=write(tmp_path, two), residents_per_agent=2, **TINY)
    without = CoGovModel(communities=write(tmp_path, two.replace(",elderly_share", "")
                                           .replace(",0.1", "").replace(",0.5", ""), "u.csv"),
                         residents_per_agent=2, **TINY)

    def elderly(model: CoGovModel) -> np.ndarray:
        pop = model.population
        return np.bincount(pop.community, weights=pop.age == 2) / pop.sizes

    np.testing.assert_allclose(elderly(with_shares), [0.1, 0.5], atol=0.03)
    np.testing.assert_allclose(elderly(without), [0.25, 0.25], atol=0.03)
    assert with_shares.params.share_elderly == pytest.approx(0.3)
    # share_elderly scales every community's share, keeping their ratio
    older = CoGovModel(communities=write(tmp_path, two, "v.csv"), share_elderly=0.15,
                       residents_per_agent=2, **TINY)
    np.testing.assert_allclose(elderly(older), [0.05, 0.25], atol=0.03)


def test_staff_are_proportional_to_residents_or_from_the_staff_column(tmp_path: Path) -> None:
    p = load_preset("baseline", communities=write(tmp_path, TABLE))
    np.testing.assert_allclose(p.community_staff(), Params().staff_per_committee * 3 * SHARES)
    staffed = TABLE.replace("elderly_share", "elderly_share,staff").replace("0.1\n", "0.1,12\n") \
        .replace("0.3\n", "0.3,6\n").replace("0.5\n", "0.5,3\n")
    q = load_preset("baseline", communities=write(tmp_path, staffed, "s.csv"))
    assert q.staff_per_committee == 7.0
    np.testing.assert_allclose(q.community_staff(), [12, 6, 3])
    model = CoGovModel(q.replace(**TINY), seed=2)  # a random spread of sd 0.1 on the log scale
    assert np.all(np.abs(np.log(model.committees.staff / [12, 6, 3])) < 0.5)


# -- identity and provenance ----------------------------------------------------------------

def test_tables_are_equal_by_content_and_manifests_tell_two_tables_apart(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = write(tmp_path, TABLE, "a.csv")
    same = write(tmp_path, "# another comment\n" + TABLE, "same.csv")
    b = write(tmp_path, TABLE.replace("6000", "7000"), "b.csv")
    assert load_communities(a) == load_communities(same) and hash(load_communities(a)) == \
        hash(load_communities(same))
    assert load_communities(a) != load_communities(b)
    spec = 'root_seed = 1\nreplications = 1\nmonths = 1\nspinup_months = 0\nresidents = 5000\n' \
           'communities = "{}"\n'
    for name in ("a", "b"):
        write(tmp_path, spec.format(f"{name}.csv"), f"{name}.toml")
        assert main(["experiment", str(tmp_path / f"{name}.toml"),
                     "--out", str(tmp_path / f"out_{name}")]) == 0
    man = {n: json.loads((tmp_path / f"out_{n}" / "manifest.json").read_text()) for n in "ab"}
    assert man["a"]["communities"]["table"] == str(a)
    assert man["a"]["points"]["0"]["communities"]["sha256"] == load_communities(a).sha256
    assert man["a"]["spec"]["communities"] != man["b"]["spec"]["communities"]
    capsys.readouterr()
    # the folder made with table a is not resumed with table b
    assert main(["experiment", str(tmp_path / "b.toml"), "--out", str(tmp_path / "out_a")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "communities" in err


# -- bad files: one line, exit status 2, nothing written --------------------------------------

BAD = {
    "missing file": (None, "no such file"),
    "not UTF-8": (b"name,residents\nA,\xff12\n", "not UTF-8 text (byte 0xff"),
    "UTF-16": ("name,residents\nA,3\n".encode("utf-16"), "saved as UTF-16"),
    "missing column": ("name,elderly_share\nA,0.2\n", "missing column 'residents'; required: name, "
                                                     "residents"),
    "unknown column": ("name,resident\nA,3000\n",
                       "unknown column 'resident' (did you mean 'residents'?); allowed:"),
    "not a number": ("name,residents\nA,3000\nB,many\n",
                     "line 3, column residents: 'many' is not a number; allowed: a number above 0"),
    "not positive": ("name,residents\nA,0\n", "line 2, column residents: '0'; allowed: a number above 0"),
    "share above 1": ("name,residents,elderly_share\nA,3000,1.2\n",
                      "line 2, column elderly_share: '1.2'; allowed: a share from 0 to 1"),
    "duplicate name": ("name,residents\nA,3000\nB,2000\nA,1000\n",
                       "line 4, column name: 'A' repeats line 2"),
    "no rows": ("# nothing yet\nname,residents\n", "no rows of communities"),
    "empty file": ("", "no header row"),
    "wrong fields": ("name,residents\nA,3000,7\n", "line 2: 3 fields, expected 2"),
    "unknown kind": ("name,residents,kind\nA,3000,city\n",
                     "column kind: 'city'; allowed: urban, resettlement, village"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_table_is_one_line_exit_2_and_nothing_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str) -> None:
    content, message = BAD[case]
    path = tmp_path / "bad.csv" if content is None else write(tmp_path, content, "bad.csv")
    out = tmp_path / "never"
    assert main(["run", "--communities", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
    assert str(path) in err and message in err
    assert not out.exists() and [p.name for p in tmp_path.iterdir()] == \
        ([] if content is None else ["bad.csv"])


def test_a_bad_table_in_a_spec_is_one_line_naming_the_spec(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "name,residents\nA,x\n", "bad.csv")
    spec = write(tmp_path, 'root_seed = 1\nreplications = 1\ncommunities = "bad.csv"\n', "s.toml")
    assert main(["experiment", str(spec), "--out", str(tmp_path / "never")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(spec) in err and "communities = 'bad.csv'" in err
    assert "line 2, column residents: 'x' is not a number" in err
    assert not (tmp_path / "never").exists()


def test_an_unknown_table_name_suggests_the_packaged_one() -> None:
    with pytest.raises(ParameterError, match=r"unknown community table 'taicang_twnship' "
                                             r"\(did you mean 'taicang_township'\?\)"):
        load_communities("taicang_twnship")


def test_a_table_built_in_code_is_checked() -> None:
    t = CommunityTable(names=("a", "b"), residents=(2.0, 1.0), label="mine")
    assert t.columns == ("name", "residents") and t.shares.tolist() == [2 / 3, 1 / 3]
    with pytest.raises(ParameterError, match="community 'b', residents = -1.0: allowed: a number"):
        CommunityTable(names=("a", "b"), residents=(2.0, -1.0))
    with pytest.raises(ParameterError, match="'a' repeats"):
        CommunityTable(names=("a", "a"), residents=(2.0, 1.0))


def test_sensitivity_and_discovery_specs_take_a_table(tmp_path: Path) -> None:
    from cogov_sim.discovery.spec import parse_spec as discovery_spec
    from cogov_sim.sensitivity.spec import parse_spec as sa_spec

    write(tmp_path, TABLE)
    sa = sa_spec({"name": "sa", "root_seed": 1, "n": 4, "method": "morris", "months": 12, "residents": 5000,
                  "communities": "t.csv", "levers": ["list_strictness"]},
                 source="sa.toml", folder=tmp_path)
    assert sa.base_params().communities == load_communities(tmp_path / "t.csv")
    assert sa.identity()["communities"]["rows"] == 3
    assert sa.with_overrides(residents=6000).base_params().communities.rows == 3
    goal = {"all": [{"outcome": "participation_rate", "at_least": 0.3}]}
    disc = discovery_spec({"root_seed": 1, "replications": 1, "n": 2, "months": 12,
                           "residents": 5000, "communities": "t.csv", "goal": goal,
                           "levers": {"list_strictness": []}}, source="d.toml", folder=tmp_path)
    assert disc.base_params().communities.rows == 3
    assert disc.identity()["size"]["communities"]["sha256"] == load_communities(
        tmp_path / "t.csv").sha256


def test_ablate_takes_a_table_by_path_or_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``cogov-sim ablate --communities FILE`` builds every run's township from the table
    (``--residents`` scales it), records the table in the manifest, and a number still
    means equal communities; the API takes a table's name."""
    from cogov_sim.ablation import ablation_spec

    table = write(tmp_path, TABLE)
    Recording.built.clear()
    monkeypatch.setattr(runner_mod, "CoGovModel", Recording)
    out = tmp_path / "a"
    assert main(["ablate", "--scenario", "taicang_3_0", "--mechanism", "habit", "--replications", "2",
                 "--communities", str(table), "--residents", "10000", "--months", "2",
                 "--spinup-months", "0", "--out", str(out)]) == 0
    assert len(Recording.built) == 4  # intact and cut, two replications each
    for model in Recording.built:
        np.testing.assert_array_equal(model.population.residents, [6000, 3000, 1000])
    man = json.loads((out / "manifest.json").read_text())
    assert man["ablation"]["size"]["communities"]["sha256"] == load_communities(table).sha256
    spec = ablation_spec(["baseline"], ["habit"], 2, communities=DEFAULT)
    assert spec.params("baseline").n_communities == len(load_communities(DEFAULT).names)
    assert spec.params("baseline").n_residents == sum(load_communities(DEFAULT).residents)
    assert ablation_spec(["baseline"], ["habit"], 2, communities=4).params("baseline").n_communities == 4


def test_ablate_with_a_bad_table_is_one_line_exit_2_and_nothing_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "name,residents\nonly,abc\n", "bad.csv")
    out = tmp_path / "never"
    assert main(["ablate", "--communities", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and str(path) in err
    assert not out.exists()
