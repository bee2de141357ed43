"""``cogov-sim ablate`` and :mod:`cogov_sim.ablation`: the registry listing, one-line errors
with nothing written, and a small real ablation whose table is checked against the runs
it was computed from (paired seeds, effects, intervals, resume)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from scipy import stats

from cogov_sim.ablation import (
    CHANNELS,
    DEFAULT_SCENARIOS,
    DEFAULT_SIZE,
    HEADLINE,
    INTACT,
    LAST_MONTHS,
    OUTCOMES,
    AblationError,
    AblationResult,
    ablation_spec,
    effects,
    markdown,
    run_ablation,
    text_summary,
    verdicts,
)
from cogov_sim.cli import cli, main
from cogov_sim.experiment import load_outcomes
from cogov_sim.mechanisms import MECHANISMS, NAMES
from cogov_sim.outcomes import OUTCOME_NAMES
from cogov_sim.presets import load_preset, preset_values
from cogov_sim.runner import simulate
from cogov_sim.viz.labels import cjk_font, units_text
from cogov_sim.viz.numbers import shown

# a tiny township: 300 agents in 3 communities, two years of spin-up, 30 reported months
# (so the last 24 months the effects are taken over are not all of them)
TINY = {"months": 30, "residents": 3000, "communities": 3, "spinup_months": 24}
TINY_PARAMS = {"months": 30, "n_residents": 3000, "n_communities": 3, "spinup_months": 24}
CUTS = ("grid_visits", "trust_government")


@pytest.fixture(scope="module")
def ablated(tmp_path_factory: pytest.TempPathFactory) -> AblationResult:
    out = tmp_path_factory.mktemp("ablation") / "taicang_3_0"
    return run_ablation(["taicang_3_0"], list(CUTS), 3, out, **TINY)


# -- the registry ---------------------------------------------------------------------------

def test_list_prints_the_registry_in_english_and_chinese(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    en = runner.invoke(cli, ["ablate", "--list"])
    zh = runner.invoke(cli, ["ablate", "--list", "--lang", "zh"])
    assert not list(tmp_path.iterdir())  # a listing writes nothing
    assert en.exit_code == 0 and zh.exit_code == 0
    lines = en.output.splitlines()
    assert lines[0].split() == ["mechanism", "what", "it", "is", "how", "it", "is", "cut", "source"]
    assert len(lines) == 1 + len(MECHANISMS)
    for line, m in zip(lines[1:], MECHANISMS, strict=True):
        assert line.startswith(m.name) and m.en in line and m.cut in line
        assert line.endswith(m.source)
    zh_lines = zh.output.splitlines()
    assert zh_lines[0].split() == ["机制", "含义", "如何切除", "来源"]
    for line, m in zip(zh_lines[1:], MECHANISMS, strict=True):
        assert line.startswith(m.name) and m.zh in line and m.cut_zh in line


def test_default_ablation_cuts_every_mechanism_in_every_preset_on_paired_seeds() -> None:
    spec = ablation_spec()
    assert spec.scenarios == DEFAULT_SCENARIOS
    assert set(DEFAULT_SCENARIOS) == {"baseline", "taicang_1_0", "taicang_2_0", "taicang_3_0",
                                      "shanghai", "chengdu"}
    assert spec.mechanisms == NAMES and spec.replications == 8 and spec.size == DEFAULT_SIZE
    tasks = spec.tasks()
    assert len(tasks) == 6 * (1 + len(NAMES)) * 8
    for r in range(8):
        assert len({t.seed for t in tasks if t.replication == r}) == 1
    assert len({t.seed for t in tasks}) == 8
    by_label = {(t.labels["scenario"], t.labels["mechanism"]): t.params for t in tasks}
    assert by_label[("taicang_3_0", INTACT)].cuts == frozenset()
    assert by_label[("taicang_3_0", "habit")].cuts == {"habit"}
    # a cut changes nothing else: the same parameter values as the intact point
    assert by_label[("taicang_3_0", "habit")].to_dict() == by_label[("taicang_3_0", INTACT)].to_dict()
    assert set(OUTCOMES) <= set(OUTCOME_NAMES) and set(CHANNELS) == set(NAMES)


# -- bad input: one line, exit 2, nothing written -------------------------------------------

@pytest.mark.parametrize(("args", "message"), [
    (["--scenario", "taicang_3"], "--scenario taicang_3: unknown preset (did you mean 'taicang_3_0'?)"),
    (["--mechanism", "grid_visit"], "unknown mechanism 'grid_visit' (did you mean 'grid_visits'?)"),
    (["--mechanism", INTACT], "the intact runs are always included"),
    (["--replications", "1"], "--replications 1: expected 2 or more"),
    (["--residents", "10"], "n_residents = 10 is out of range"),
    (["--months", "0"], "months = 0 is out of range"),
    (["--communities", "500"], "n_communities = 500; allowed: at most"),
    (["--seed", "-3"], "--seed -3: expected a non-negative whole number"),
    (["--workers", "-1"], "--workers -1: expected 0 (one per core) or more"),
])
def test_bad_input_is_one_line_with_exit_2_and_nothing_written(
        args: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)  # the default folder would be results/ablation/... here
    assert main(["ablate", *args]) == 2
    assert main(["ablate", *args, "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and all(line.startswith("error: ") and message in line for line in err)
    assert not list(tmp_path.iterdir())


def test_python_api_refuses_bad_input_before_writing(tmp_path: Path) -> None:
    with pytest.raises(AblationError, match="expected 2 or more"):
        run_ablation(replications=1, out=tmp_path / "a")
    with pytest.raises(AblationError, match="did you mean 'purchase'"):
        run_ablation(mechanisms=["purchas"], out=tmp_path / "a")
    with pytest.raises(AblationError, match="--months 2.5: expected a whole number"):
        run_ablation(months=2.5, out=tmp_path / "a")  # type: ignore[arg-type]
    assert not list(tmp_path.iterdir())


# -- a small real ablation ------------------------------------------------------------------

def test_table_has_one_row_per_cut_scenario_and_outcome(ablated: AblationResult) -> None:
    t = ablated.table
    for column in ("mechanism", "scenario", "outcome", "effect", "ci_low", "ci_high", "n",
                   "mean_intact", "mean_cut", "moves"):
        assert column in t.columns
    assert list(dict.fromkeys(t["mechanism"])) == list(CUTS) and set(t["scenario"]) == {"taicang_3_0"}
    assert len(t) == len(CUTS) * len(OUTCOMES) and (t["n"] == 3).all()
    assert set(t.loc[t["headline"], "outcome"]) == set(HEADLINE)
    assert (t["moves"] == ((t["ci_low"] > 0) | (t["ci_high"] < 0))).all()
    on_disk = pd.read_csv(ablated.folder / "tables" / "ablation.csv")
    assert list(on_disk.columns) == list(t.columns) and len(on_disk) == len(t)


def test_intact_and_cut_runs_share_seeds(ablated: AblationResult) -> None:
    manifest = json.loads((ablated.folder / "manifest.json").read_text())
    assert manifest["kind"] == "ablation"
    assert manifest["ablation"]["mechanisms"] == list(CUTS)
    labels = {int(k): p["labels"] for k, p in manifest["points"].items()}
    assert sorted(p["mechanism"] for p in labels.values()) == sorted([INTACT, *CUTS])
    seeds: dict[int, set[int]] = {}
    for run in manifest["runs"]:
        seeds.setdefault(run["replication"], set()).add(run["seed"])
    assert sorted(seeds) == [0, 1, 2] and all(len(s) == 1 for s in seeds.values())
    assert len({next(iter(s)) for s in seeds.values()}) == 3
    # the intact run is the model run on that seed: nothing of the ablation leaks into it
    seed = next(iter(seeds[0]))
    stored = load_outcomes(ablated.folder)
    intact = stored[(stored["mechanism"] == INTACT) & (stored["replication"] == 0)]
    direct = simulate(load_preset("taicang_3_0", **TINY_PARAMS), seed)
    for name in ("happiness_index", "visits_per_1000", "trust_government"):
        np.testing.assert_array_equal(intact[name].to_numpy(), direct[name].to_numpy())


def test_effects_are_paired_differences_of_the_last_months(ablated: AblationResult) -> None:
    data = load_outcomes(ablated.folder)
    assert data.groupby("run_id")["month"].count().eq(30).all()
    ends = (data.sort_values("month").groupby("run_id").tail(LAST_MONTHS)
            .groupby(["mechanism", "replication"])[list(OUTCOMES)].mean())
    for row in ablated.table.itertuples():
        cut = ends.loc[row.mechanism][row.outcome]
        intact = ends.loc[INTACT][row.outcome]
        d = (cut - intact).to_numpy()
        assert row.mean_cut == pytest.approx(cut.mean(), rel=1e-12, abs=1e-12)
        assert row.mean_intact == pytest.approx(intact.mean(), rel=1e-12, abs=1e-12)
        assert row.effect == pytest.approx(row.mean_cut - row.mean_intact, rel=1e-9, abs=1e-12)
        assert row.effect == pytest.approx(d.mean(), rel=1e-9, abs=1e-12)
        half = stats.t.ppf(0.975, 2) * d.std(ddof=1) / np.sqrt(3)
        assert row.ci_low == pytest.approx(d.mean() - half, rel=1e-9, abs=1e-12)
        assert row.ci_high == pytest.approx(d.mean() + half, rel=1e-9, abs=1e-12)


def test_cutting_grid_visits_moves_visits_beyond_noise(ablated: AblationResult) -> None:
    t = ablated.table.set_index(["mechanism", "outcome"])
    visits = t.loc[("grid_visits", "visits_per_1000")]
    assert visits["channel"] and visits["moves"] and visits["ci_high"] < 0
    assert visits["mean_cut"] == 0 and visits["mean_intact"] > 10  # 3.0 makes 15 a worker-month


def test_tables_and_figures_are_written_in_both_languages(ablated: AblationResult) -> None:
    folder = ablated.folder
    en = (folder / "tables" / "ablation.md").read_text(encoding="utf-8")
    zh = (folder / "tables" / "ablation.zh.md").read_text(encoding="utf-8")
    assert "## Taicang 3.0 (`taicang_3_0`)" in en and "`grid_visits` — Grid home visits" in en
    assert "no visits are made" in en and "`visits_per_1000` **−" in en
    # effects rounded by the tables' one rule, in display units
    row = ablated.table.set_index(["scenario", "mechanism", "outcome"]).loc[
        ("taicang_3_0", "grid_visits", "visits_per_1000")]
    text = shown("visits_per_1000", row["effect"], row["ci_low"], row["ci_high"]).difference
    assert f"`visits_per_1000` **{text.replace('-', '−')}**" in en
    assert f"({units_text('participation_rate')})" in en
    assert "## 太仓3.0 (`taicang_3_0`)" in zh and "`grid_visits` — 网格走访" in zh and "不走访" in zh
    assert (folder / "figures" / "ablation.png").read_bytes()[:4] == b"\x89PNG"
    assert (folder / "figures" / "ablation.zh.png").exists() == bool(cjk_font())
    outputs = json.loads((folder / "manifest.json").read_text())["outputs"]
    assert {"tables/ablation.csv", "tables/ablation.md", "figures/ablation.png"} <= set(outputs)


def test_a_resumed_ablation_runs_nothing_new(ablated: AblationResult) -> None:
    again = run_ablation(["taicang_3_0"], list(CUTS), 3, ablated.folder, figures=False, **TINY)
    assert again.report.done == () and len(again.report.skipped) == 9
    pd.testing.assert_frame_equal(again.table, ablated.table)


def test_a_cut_that_changes_nothing_moves_nothing(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """The baseline incubates no organizations, so cutting incubation there changes
    nothing: on common random numbers the cut runs repeat the intact runs exactly, every
    effect is zero with a zero-width interval, and the mechanism is marked decorative."""
    assert preset_values("baseline")["incubation_rate"] == 0
    out = tmp_path / "null"
    code = main(["ablate", "--scenario", "baseline", "--mechanism", "incubation",
                 "--replications", "2", "--residents", "3000", "--communities", "3",
                 "--months", "12", "--spinup-months", "12", "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "incubation" in printed and "inactive" in printed and "4 run(s) done" in printed
    t = pd.read_csv(out / "tables" / "ablation.csv")
    assert (t["effect"] == 0).all() and (t["ci_low"] == 0).all() and (t["ci_high"] == 0).all()
    assert not t["moves"].any()
    md = (out / "tables" / "ablation.md").read_text(encoding="utf-8")
    assert "inactive here: the cut changes no run" in md
    assert "Cut changes no run in: `incubation` (`baseline`)" in md


def test_verdicts_tell_moving_decorative_and_inactive_cuts_apart() -> None:
    """On made-up runs: a cut that shifts every outcome by 5 % (``purchase``), one that
    only adds noise (``habit``) and one that changes nothing (``incubation``)."""
    rng = np.random.default_rng(3)
    rows = []
    outcomes = list(OUTCOMES)
    for r in range(6):
        base = rng.uniform(0.2, 0.8, len(outcomes))
        # noise that cancels over the six replications: no effect, whatever the seed
        noise = np.full(len(outcomes), 0.01 * (-1) ** r)
        for name, values in ((INTACT, base), ("purchase", base * 1.05), ("habit", base + noise),
                             ("incubation", base)):
            rows.append({"run_id": f"{name}-{r}", "scenario": "taicang_3_0", "mechanism": name,
                         "replication": r, "month": 1, **dict(zip(outcomes, values, strict=True))})
    data = pd.DataFrame(rows)
    table = effects(data, outcomes, mechanisms=["purchase", "habit", "incubation"])
    v = verdicts(table).set_index("mechanism")
    assert v.loc["purchase", "moves"] == len(HEADLINE) and not v.loc["purchase", "decorative"]
    assert v.loc["purchase", "largest"] == pytest.approx(0.05)
    assert v.loc["habit", "decorative"] and not v.loc["habit", "inactive"]
    assert v.loc["incubation", "inactive"] and not v.loc["incubation", "decorative"]
    md = markdown(table)
    assert "moves 9 of 9, by up to 5 % of the intact level" in md
    assert md.count("*decorative?*") == 1 and "Decorative? wherever its cut changes anything: `habit`" in md
    assert "none at the Bonferroni level (†) in any scenario: none" in md
    assert "装饰性?" in markdown(table, "zh") and "decorative?" in text_summary(table)


def test_the_guide_names_every_registered_mechanism_and_its_lever() -> None:
    guide = (Path(__file__).resolve().parents[1] / "docs" / "ablation.md").read_text(encoding="utf-8")
    for m in MECHANISMS:
        assert f"`{m.name}`" in guide, m.name
        if m.lever:
            assert f"`{m.name}` (`{m.lever}`)" in guide, m.lever
