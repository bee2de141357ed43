"""Validation and calibration (`cogov-sim validate`, `cogov-sim calibrate`): every pattern
in direction at small size on several seeds, the report generator on a stored result, a
twin experiment that calibrates known parameter values back, exit statuses, resume, and
bad specs refused with one line before anything is written."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cogov_sim.cli import main
from cogov_sim.experiment.runner import load_status
from cogov_sim.experiment.spec import SpecError
from cogov_sim.specs import spec_path
from cogov_sim.validation.api import (
    analyse_validation,
    run_calibration,
    run_validation,
)
from cogov_sim.validation.patterns import PATTERN_IDS, PATTERNS, TIMELINE, ratio
from cogov_sim.validation.spec import parse_calibration, parse_validation
from cogov_sim.viz.numbers import decimals, number

# Twelve communities of 1,000 residents, 100 agents each (as tests/test_patterns.py),
# short spin-up and runs; the timeline keeps its 192 months.
SMALL = {"residents": 12000, "communities": 12, "residents_per_agent": 10,
         "spinup_months": 48, "months": 48}
MISSED = {"E1": "consultation attendance: a level the model misses (ODD section 9)",
          "P1": "the seeds' 60-80 % cut in burden (band restored in issue 19): the model's "
                "lists cut about half",
          "P1t": "as P1, for tasks pushed",
          "P4": "one-way formal scores of 95+: since revision 3 committees differ, and in the "
                "baseline about half sit at the cap on government hours and cannot polish their "
                "files (ODD sections 7.11 and 9)",
          "P4r": "the gap narrows by 15 points or more: at this small size it narrows by about "
                 "8 since revision 3 (committees focused on residents still score 60 for "
                 "timeliness; ODD section 9)"}
DIRECTIONS = tuple(p for p in PATTERN_IDS if p not in MISSED)


def small_validation(**extra: object) -> dict[str, object]:
    return {"name": "small_validation", "root_seed": 3, "replications": 3, **SMALL,
            "calibrated_on": ["C1", "C2"], **extra}


@pytest.fixture(scope="module")
def validated(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("validation") / "run"
    spec = parse_validation(small_validation(), "small.toml")
    return run_validation(spec, out=folder, figures=False)


def test_every_pattern_holds_in_direction_at_small_size_on_several_seeds(validated) -> None:
    v = validated.verdicts.set_index("pattern")
    assert list(v.index) == list(PATTERN_IDS)
    assert (v["n"] == 3).all()
    for pid in DIRECTIONS:
        assert v.loc[pid, "passes"], (pid, v.loc[pid, "mean"], v.loc[pid, "band"])
        assert v.loc[pid, "share_in_band"] >= 2 / 3, (pid, v.loc[pid, "share_in_band"])
    # the roles follow the spec and ODD §1: calibration targets and non-tests are marked
    assert v.loc["C1", "role"] == v.loc["C2", "role"] == "calibration"
    assert v.loc["P6", "role"] == "calibrated earlier" and v.loc["P7", "role"] == "imposed"
    assert v.loc["P2", "role"] == "imposed" and v.loc["P1", "role"] == "calibrated earlier"
    assert v.loc["P3", "role"] == "held out"


def test_a_pattern_counts_only_if_it_fails_under_its_falsifier(validated) -> None:
    """Each falsifier is run on the same seeds; a row counts as evidence only when it is
    held out, passes, and fails there. Imposed, calibrated and calibration rows never
    count. At this small size the falsifiers of P5h and P8 flip their patterns; those of P3
    and P3h (consultations of 5 seats) take the 3.0 rise away, leaving the statistic within
    noise of zero, the edge of the band: whether they count there is the sign of a null."""
    v = validated.verdicts.set_index("pattern")
    assert {"falsifier", "falsifier_mean", "falsifier_passes", "evidence", "counted"} <= set(v)
    has = v["falsifier"] != ""
    assert v.loc[has, "falsifier_mean"].notna().all()  # every named falsifier was run
    assert not v.loc[v["counted"], "falsifier_passes"].astype(bool).any()
    assert not v.loc[v["role"] != "held out", "counted"].any()
    assert v.loc["P2", "evidence"] == "imposed" and v.loc["P7", "evidence"] == "imposed"
    for pid in ("P5", "P5n"):  # none found: shown, not counted
        assert v.loc[pid, "evidence"] == "no falsifier" and not v.loc[pid, "counted"]
    for pid in ("P5h", "P8"):
        assert v.loc[pid, "counted"], (pid, v.loc[pid, "falsifier_mean"], v.loc[pid, "band"])
    for pid in ("P3", "P3h"):
        assert v.loc[pid, "mean"] > 0.1 and abs(v.loc[pid, "falsifier_mean"]) < 0.02, pid
    status = load_status(validated.folder)
    assert (status["point_id"].nunique() > 5)  # the falsifiers' own design points


def test_a_falsifier_that_cannot_flip_the_pattern_is_reported(tmp_path: Path) -> None:
    """[falsifiers] replaces a pattern's falsifier: P5 under the default budget passes
    there too and is not counted; an empty table leaves P3 without one."""
    spec = parse_validation(small_validation(
        patterns=["C1", "P5", "P8"], calibrated_on=["C1"], replications=2,
        falsifiers={"P5": {"budget_per_resident": 600}, "P8": {}}), "small.toml")
    v = run_validation(spec, out=tmp_path / "run", figures=False).verdicts.set_index("pattern")
    assert v.loc["P5", "passes"] and v.loc["P5", "falsifier_passes"]
    assert v.loc["P5", "evidence"] == "cannot fail" and not v.loc["P5", "counted"]
    assert v.loc["P8", "falsifier"] == "" and v.loc["P8", "evidence"] in ("no falsifier", "fails")
    text = (tmp_path / "run" / "report.md").read_text(encoding="utf-8")
    assert "budget_per_resident = 600" in text and "passes under its falsifier too" in text


def test_every_pattern_names_a_source_and_a_band() -> None:
    for p in PATTERNS:
        assert p.source and p.claim and p.statistic
        assert p.low < p.high
        assert any(w in p.source for w in ("seed", "research note")), p.id
    assert TIMELINE in {s for p in PATTERNS for s in p.scenarios}


def test_ratio_with_nothing_before() -> None:
    assert ratio(3.0, 0.0) == float("inf")
    assert ratio(0.0, 0.0) != ratio(0.0, 0.0)  # NaN: left out of the mean
    assert ratio(3.0, 2.0) == 1.5


def test_report_generator_on_a_stored_result(validated) -> None:
    folder = validated.folder
    before = load_status(folder)
    result = analyse_validation(validated.spec, folder, figures=True)
    assert load_status(folder).equals(before)  # analysing reran nothing
    text = (folder / "report.md").read_text(encoding="utf-8")
    for pid in PATTERN_IDS:
        assert f"| {pid} |" in text
    assert "seed 002" in text and "research note §2.2" in text
    assert "| calibration |" in text and "| held out |" in text
    passed = int(result.verdicts["passes"].sum())
    assert f"{passed} of {len(PATTERN_IDS)} patterns pass" in text
    assert (folder / "figures" / "validation.png").stat().st_size > 10_000
    # the verdict table's caption says what the numbers are (issue 26), in both languages
    assert ("averaged over 3 seeds per scenario (12,000 residents in 12 communities, one "
            "agent per 10; root seed 3, common random numbers); static presets read on their "
            "last two reported years (months 25–48 of 48)") in text
    zh = (folder / "report.zh.md").read_text(encoding="utf-8")
    assert "再取每个情景3个随机种子的均值" in zh and "| 留出检验 |" in zh and "| 通过 |" in zh
    assert (folder / "brief.html").is_file() and (folder / "brief.zh.html").is_file()
    table = pd.read_csv(folder / "tables" / "verdicts.csv")
    assert set(table.columns) >= {"pattern", "source", "mean", "ci_low", "ci_high", "passes",
                                  "role"}
    assert (table["ci_low"] <= table["mean"]).all() and (table["mean"] <= table["ci_high"]).all()
    for r in table.itertuples():  # the tables' one rounding rule, from the interval's width
        places = decimals((r.ci_high - r.ci_low) / 2, r.mean)
        assert f"| {number(r.mean, places)} ({number(r.ci_low, places)} to " in text, r.pattern


def test_validate_exit_status_and_resume(tmp_path: Path, capsys) -> None:
    spec = tmp_path / "v.toml"
    spec.write_text('name = "v"\nroot_seed = 1\nreplications = 2\nresidents = 1200\n'
                    'communities = 12\nresidents_per_agent = 1\nspinup_months = 24\n'
                    'months = 24\npatterns = ["C2", "P2", "P3"]\n', encoding="utf-8")
    assert main(["validate", str(spec), "--out", str(tmp_path / "ok")]) == 0
    out = capsys.readouterr().out
    assert "all patterns pass" in out and "counted as evidence" in out
    status = load_status(tmp_path / "ok")
    # baseline, 2.0 and 3.0 twice each, and P3's falsifier runs of all three
    assert len(status) == 12 and (status["status"] == "done").all()
    # resume: nothing reruns, the same verdicts
    assert main(["validate", str(spec), "--out", str(tmp_path / "ok")]) == 0
    assert load_status(tmp_path / "ok")["seconds"].equals(status["seconds"])
    # a level the model misses (E1: consultation attendance ~20 %) makes it exit 1
    spec.write_text(spec.read_text().replace('"P3"]', '"P3", "E1"]'), encoding="utf-8")
    assert main(["validate", str(spec), "--out", str(tmp_path / "fail")]) == 1
    assert "failing: E1" in capsys.readouterr().out


def test_twin_experiment_calibrates_known_values_back(tmp_path: Path) -> None:
    """Data made by the model at known parameter values (another root seed) are
    calibrated back: the accepted samples cover the truth and are much narrower than the
    prior."""
    truth = {"admin_task_load": 110.0, "staff_per_committee": 12.0}
    size = {"residents": 1200, "communities": 12, "residents_per_agent": 1,
            "spinup_months": 24, "months": 24}
    observed = run_validation(parse_validation(
        {"root_seed": 99, "replications": 3, **size, "patterns": ["C1", "C2", "P1"],
         "context": truth}), out=tmp_path / "observed", figures=False)
    obs = observed.verdicts.set_index("pattern")["mean"]
    bands = {"C1": [obs["C1"] * 0.9, obs["C1"] * 1.1],
             "C2": [obs["C2"] - 0.07, obs["C2"] + 0.07]}
    spec = parse_calibration({"name": "twin", "root_seed": 5, "replications": 1, "n": 240,
                              **size, "targets": ["C1", "C2"], "bands": bands,
                              "parameters": {"admin_task_load": [40, 300],
                                             "staff_per_committee": [4, 20]}})
    result = run_calibration(spec, out=tmp_path / "twin", figures=False)
    post = result.posterior.set_index("parameter")
    assert 3 <= post.loc["admin_task_load", "accepted"] < spec.n / 4
    for name, value in truth.items():
        low, high = post.loc[name, "accepted_min"], post.loc[name, "accepted_max"]
        width = (spec.parameters[name][1] - spec.parameters[name][0]) / spec.n * 3
        assert low - width <= value <= high + width, (name, value, low, high)
    assert post.loc["admin_task_load", "share_of_prior_range"] < 0.3
    assert (tmp_path / "twin" / "report.md").is_file()
    assert (tmp_path / "twin" / "manifest.json").is_file()
    # the same spec resumes in the same folder: nothing reruns, the same posterior
    again = run_calibration(spec, out=tmp_path / "twin", figures=False)
    assert again.report is not None and not again.report.done
    assert len(again.report.skipped) == spec.n
    assert again.posterior.equals(result.posterior)


# -- bad specs: one line, exit 2, nothing written --------------------------------------------

GOOD_VALIDATION = ('root_seed = 1\nreplications = 2\nresidents = 1200\ncommunities = 12\n'
                   'residents_per_agent = 1\n')
GOOD_CALIBRATION = ('root_seed = 1\nreplications = 1\nn = 4\ntargets = ["C1"]\n'
                    '[parameters]\nadmin_task_load = [60, 300]\n')


@pytest.mark.parametrize(("text", "message"), [
    (GOOD_VALIDATION + "replicatons = 3\n", "unknown key 'replicatons'"),
    (GOOD_VALIDATION.replace("replications = 2", "replications = 1"),
     "replications = 1 is out of range"),
    (GOOD_VALIDATION + 'patterns = ["P9"]\n', "unknown pattern 'P9'"),
    (GOOD_VALIDATION + 'patterns = ["P1"]\ncalibrated_on = ["P1"]\n', "hold at least one out"),
    (GOOD_VALIDATION + 'calibrated_on = ["C3"]\n', "calibrated_on: unknown pattern 'C3'"),
    (GOOD_VALIDATION + "[context]\nlist_strictness = 0.5\n", "not a context parameter"),
    (GOOD_VALIDATION + "[context]\nn_residents = 500\n", "not a context parameter"),
    (GOOD_VALIDATION + "[context]\nadmin_task_load = 5000\n", "out of range"),
    (GOOD_VALIDATION + "[robustness]\nreplications = 2\n", "[robustness]: missing key 'sizes'"),
    (GOOD_VALIDATION + "[falsifiers]\nP9 = { issue_rate = 1.0 }\n", "'P9' is not a pattern"),
    (GOOD_VALIDATION + "[falsifiers]\nP5 = { list_strictness = 0.5 }\n",
     "[falsifiers.P5]: 'list_strictness' is a lever, not a context parameter"),
    (GOOD_VALIDATION + "[falsifiers]\nP5 = 3\n", "expected a table of context parameter values"),
    (GOOD_VALIDATION.replace("residents = 1200", "residents = 12"), "residents = 12 is out of range"),
    (GOOD_VALIDATION.replace("residents = 1200", "residents = 500").replace(
        "residents_per_agent = 1", "residents_per_agent = 10"), "at least 5 resident agents"),
])
def test_bad_validation_specs_are_refused(tmp_path: Path, capsys, text: str,
                                          message: str) -> None:
    spec = tmp_path / "bad.toml"
    spec.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["validate", str(spec), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err and message in err, err
    assert not out.exists()


@pytest.mark.parametrize(("text", "message"), [
    (GOOD_CALIBRATION.replace("n = 4", "n = 1"), "n = 1 is out of range; allowed: 2 to"),
    (GOOD_CALIBRATION.replace('["C1"]', '["Q1"]'), "unknown pattern 'Q1'"),
    (GOOD_CALIBRATION.replace("admin_task_load =", "list_strictness ="),
     "'list_strictness' is a lever, not a context parameter"),
    (GOOD_CALIBRATION.replace("[60, 300]", "[300, 60]"), "with low < high"),
    (GOOD_CALIBRATION.replace("[60, 300]", "[60, 900]"), "out of range"),
    (GOOD_CALIBRATION + "[bands]\nC2 = [0.7, 0.9]\n", "'C2' is not one of the targets"),
    (GOOD_CALIBRATION + "[bands]\nC1 = [2000, 1000]\n", "low < high"),
    (GOOD_CALIBRATION + "[context]\nadmin_task_load = 100\n", "both calibrated"),
    (GOOD_CALIBRATION.replace('targets = ["C1"]\n', ""), "missing key 'targets'"),
    ("root_seed = 1\nreplications = 1\nn = 4\ntargets = [\"C1\"]\n", "[parameters]"),
])
def test_bad_calibration_specs_are_refused(tmp_path: Path, capsys, text: str,
                                           message: str) -> None:
    spec = tmp_path / "bad.toml"
    spec.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["calibrate", str(spec), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err and message in err, err
    assert not out.exists()


def test_validate_refuses_a_bad_replications_option(tmp_path: Path, capsys) -> None:
    spec = tmp_path / "v.toml"
    spec.write_text(GOOD_VALIDATION, encoding="utf-8")
    assert main(["validate", str(spec), "--replications", "1", "--out",
                 str(tmp_path / "o")]) == 2
    assert "--replications: replications = 1 is out of range" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_shipped_specs_are_valid() -> None:
    from cogov_sim.validation.spec import load_calibration, load_validation

    v = load_validation(spec_path("validation"))
    c = load_calibration(spec_path("calibration_constants"))
    assert set(v.calibrated_on) == set(c.targets)  # validated rows know what was calibrated
    assert v.size.residents / v.size.communities >= 1000  # realistic community sizes
    assert TIMELINE in {s for p in v.patterns for s in next(
        q for q in PATTERNS if q.id == p).scenarios}
    with pytest.raises(SpecError):
        parse_validation({"root_seed": 1})
