"""Decisions under posterior uncertainty (issue 19): experiment and discover specs with
``posterior = "<calibration folder>"`` run each replication under one particle drawn by
weight, the same for every scenario of that replication, reproducibly."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cogov_sim.discovery.api import make_tasks as discovery_tasks
from cogov_sim.discovery.spec import load_spec as load_discovery
from cogov_sim.experiment.design import make_tasks
from cogov_sim.experiment.spec import load_spec
from cogov_sim.posterior import load_posterior

SRC = str(Path(__file__).resolve().parents[1] / "src")

PARTICLES = """staff_per_committee,access.CONSENT_SHARE,weight,distance
3.0,0.2,{w0},0.1
40.0,0.8,{w1},0.2
"""
VALUES = {0: (3.0, 0.2), 1: (40.0, 0.8)}

EXPERIMENT = """
name = "post"
root_seed = {seed}
replications = {replications}
months = 2
residents = 300
residents_per_agent = 1
spinup_months = {spinup}
communities = 1
{extra}
"""
SCENARIOS = 'scenarios = ["baseline", "taicang_3_0"]\n'

DISCOVERY = """
name = "post_discovery"
root_seed = 11
replications = 6
n = 3
scenario = "taicang_1_0"
months = 2
residents = 200
communities = 1
presets = ["baseline"]
posterior = "cal"

[levers]
list_strictness = []

[goal]
horizon = [1, 2]
all = [{ outcome = "participation_rate", at_least = 0.0 }]
"""


def calibration(folder: Path, w0: float = 0.5, w1: float = 0.5, text: str | None = None) -> Path:
    cal = folder / "cal"
    cal.mkdir(exist_ok=True)
    (cal / "posterior_particles.csv").write_text(text or PARTICLES.format(w0=w0, w1=w1))
    return cal


def experiment(folder: Path, *, seed: int = 3, replications: int = 12,
               extra: str = SCENARIOS + 'posterior = "cal"\n', name: str = "exp.toml",
               spinup: int = 0) -> Path:
    path = folder / name
    path.write_text(EXPERIMENT.format(seed=seed, replications=replications, extra=extra,
                                      spinup=spinup))
    return path


def test_drawn_values_reach_every_runs_params(tmp_path: Path) -> None:
    calibration(tmp_path)
    tasks = make_tasks(load_spec(experiment(tmp_path)))
    assert {t.particle for t in tasks} == {0, 1}  # 12 replications: both drawn
    for t in tasks:
        staff, consent = VALUES[t.particle]
        assert t.params.staff_per_committee == staff
        assert dict(t.params.constants) == {"access.CONSENT_SHARE": consent}


def test_every_scenario_and_design_point_of_a_replication_shares_its_particle(
        tmp_path: Path) -> None:
    calibration(tmp_path)
    extra = (SCENARIOS + 'posterior = "cal"\n[design]\ntype = "grid"\n'
             "parameters = { list_strictness = [0.0, 1.0] }\n")
    spec = load_spec(experiment(tmp_path, extra=extra))
    tasks = make_tasks(spec)
    assert len({t.point_id for t in tasks}) == 4
    by_replication: dict[int, set[int]] = {}
    for t in tasks:
        by_replication.setdefault(t.replication, set()).add(t.particle)
        assert t.seed == tasks[t.replication].seed  # common random numbers as before
    assert all(len(p) == 1 for p in by_replication.values())
    assert len({next(iter(p)) for p in by_replication.values()}) == 2


def test_the_draw_is_reproducible_and_depends_on_the_root_seed(tmp_path: Path) -> None:
    calibration(tmp_path)

    def draws(seed: int, replications: int = 20) -> list[int]:
        path = experiment(tmp_path, seed=seed, replications=replications)
        return [t.particle for t in make_tasks(load_spec(path)) if t.point_id == 0]

    first = draws(3)
    assert draws(3) == first
    assert draws(3, replications=8) == first[:8]  # replication r's particle stays r's
    assert draws(4) != first  # equal weights: the same 20 draws by chance with p = 2**-20


def test_the_posterior_enters_the_spec_identity_by_content(tmp_path: Path) -> None:
    calibration(tmp_path)
    plain = load_spec(experiment(tmp_path, extra=SCENARIOS, name="plain.toml"))
    with_posterior = load_spec(experiment(tmp_path))
    assert "posterior" not in plain.identity()
    assert with_posterior.identity()["posterior"]["particles"] == 2
    assert plain.fingerprint() != with_posterior.fingerprint()
    calibration(tmp_path, w0=0.25, w1=0.75)  # other weights: other runs, another folder
    assert load_spec(experiment(tmp_path)).fingerprint() != with_posterior.fingerprint()


def test_weights_are_honoured(tmp_path: Path) -> None:
    text = PARTICLES.format(w0=0.2, w1=0.8) + "20.0,0.5,0,0.3\n"
    posterior = load_posterior(calibration(tmp_path, text=text))
    n = 2000
    draws = posterior.draws(7, n)
    assert 2 not in draws  # weight 0: never drawn
    k = draws.count(0)
    assert abs(k - 0.2 * n) <= 4 * math.sqrt(n * 0.2 * 0.8), k  # binomial, 4 sd


def test_an_experiment_with_a_posterior_records_its_draws_and_resumes(tmp_path: Path) -> None:
    from cogov_sim.experiment.api import run_experiment

    calibration(tmp_path)
    spec = load_spec(experiment(tmp_path, replications=3))
    first = run_experiment(spec, out=tmp_path / "out", figures=False, progress=False)
    assert len(first.report.done) == 6
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    expected = [t.particle for t in make_tasks(spec) if t.point_id == 0]
    assert manifest["posterior"]["draws"] == expected
    assert manifest["posterior_folder"] == str((tmp_path / "cal").resolve())
    assert len(manifest["posterior"]["sha256"]) == 64
    assert {r["particle"] for r in manifest["runs"]} == set(expected)
    assert any("include parameter as well as seed uncertainty" in n for n in first.notes)
    again = run_experiment(spec, out=tmp_path / "out", figures=False, progress=False)
    assert not again.report.done and len(again.report.skipped) == 6


def test_a_discover_spec_with_a_posterior_draws_too(tmp_path: Path) -> None:
    calibration(tmp_path)
    path = tmp_path / "discover.toml"
    path.write_text(DISCOVERY)
    spec = load_discovery(path)
    tasks = discovery_tasks(spec)
    by_replication: dict[int, set[int]] = {}
    for t in tasks:
        by_replication.setdefault(t.replication, set()).add(t.particle)
        staff, consent = VALUES[t.particle]
        assert t.params.staff_per_committee == staff
        assert dict(t.params.constants) == {"access.CONSENT_SHARE": consent}
    assert all(len(p) == 1 for p in by_replication.values())
    # the same draw as an experiment with the same root seed: one implementation
    exp = load_spec(experiment(tmp_path, seed=11, replications=6))
    assert [next(iter(by_replication[r])) for r in range(6)] == \
        [t.particle for t in make_tasks(exp) if t.point_id == 0]
    assert "posterior" in spec.identity()


def test_a_discovery_under_a_posterior_runs_records_and_notes_it(tmp_path: Path) -> None:
    pytest.importorskip("ema_workbench")
    from cogov_sim.discovery.api import run_discovery

    calibration(tmp_path)
    path = tmp_path / "discover.toml"
    path.write_text(DISCOVERY.replace("replications = 6", "replications = 2"))
    result = run_discovery(path, out=tmp_path / "out", figures=False, progress=False)
    assert len(result.report.done) == (3 + 1) * 2  # three policies and the baseline
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["posterior"]["draws"] == [t.particle for t in discovery_tasks(result.spec)
                                              if t.point_id == 0]
    assert any("parameter as well as seed uncertainty" in n for n in result.notes)
    assert any("后验" in n for n in result.notes_zh)


# -- bad input: one line, exit status 2, nothing written ----------------------------------------

BAD = {
    "missing folder": ('posterior = "nowhere"', None, "no such folder"),
    "missing file": ('posterior = "empty"', None, "has no posterior_particles.csv"),
    "unknown column": ('posterior = "cal"',
                       PARTICLES.replace("staff_per_committee", "staff_per_comittee"),
                       "column 'staff_per_comittee' is neither a context parameter nor a rule "
                       "constant (did you mean 'staff_per_committee'?)"),
    "negative weight": ('posterior = "cal"', PARTICLES.format(w0=-0.5, w1=1),
                        "weight = '-0.5': expected a finite number, not negative"),
    "all weights zero": ('posterior = "cal"', PARTICLES.format(w0=0, w1=0.0),
                         "every weight is 0"),
    "value out of range": ('posterior = "cal"', "staff_per_committee,weight\n1.0,1\n",
                           "line 2: staff_per_committee = 1.0 is out of range; allowed: 2 to 60"),
    "a lever": ('posterior = "cal"', "list_strictness,weight\n0.5,1\n",
                "column 'list_strictness' is a lever parameter"),
}


@pytest.mark.parametrize("case", [*BAD, "conflict"])
def test_bad_posterior_is_one_line_exit_2_and_writes_nothing(tmp_path: Path, case: str) -> None:
    (tmp_path / "empty").mkdir()
    if case == "conflict":
        calibration(tmp_path)
        extra = ('posterior = "cal"\n[scenarios]\nbaseline = "baseline"\n'
                 'reform = { preset = "taicang_3_0", staff_per_committee = 12 }\n')
        expected = "its column 'staff_per_committee' is also set by [scenarios.reform]"
    else:
        line, text, expected = BAD[case]
        if text is not None:
            calibration(tmp_path, text=text)
        extra = SCENARIOS + line + "\n"
    spec, out = experiment(tmp_path, extra=extra), tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "cogov_sim", "experiment", str(spec), "--out",
                           str(out)], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": SRC})
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert str(spec) in lines[0] and "posterior = " in lines[0]
    assert expected in lines[0], lines[0]
    assert not out.exists()


def test_shared_spinups_under_a_posterior_give_what_own_spinups_give(tmp_path: Path) -> None:
    """A replication's scenarios share its seed and its particle, so they share one spin-up
    (keyed by the seed, the parameters and the constants); sharing it changes nothing."""
    from cogov_sim.experiment.api import run_experiment
    from cogov_sim.experiment.runner import load_outcomes

    calibration(tmp_path)
    spec = load_spec(experiment(tmp_path, replications=4, spinup=12))
    assert len({t.particle for t in make_tasks(spec)}) == 2
    data = {}
    for shared in (True, False):
        out = tmp_path / f"out_{shared}"
        run_experiment(spec, out=out, figures=False, progress=False, shared_spinup=shared)
        data[shared] = load_outcomes(out)
    assert len(data[True]) and data[True].equals(data[False])
    manifest = json.loads((tmp_path / "out_True" / "manifest.json").read_text())
    assert manifest["sessions"][-1]["spinups"]["keys"] == 4  # one a replication, both scenarios
