"""Shared spin-up (issue 20): a run started from a snapshot of its spin-up is bit for bit
the run that simulates its own; snapshots are kept in the run store, reused on resume,
and keyed by exactly what the spin-up reads."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cogov_sim import spinup as spinup_mod
from cogov_sim.cli import main
from cogov_sim.experiment import store
from cogov_sim.experiment.runner import Task, derive_seed, load_outcomes, run_tasks
from cogov_sim.model import CoGovModel
from cogov_sim.params import Params
from cogov_sim.presets import load_preset
from cogov_sim.runner import simulate
from cogov_sim.spinup import SpinUp, SpinUpError, spin_up, spinup_key
from cogov_sim.timeline import Change, ScheduledParams

# small, but with a sample (k > 1: the unseen residents' own stream is drawn from) and a
# spin-up with two December evaluations
SIZE = {"n_residents": 1_600, "residents_per_agent": 4, "n_communities": 4, "months": 12,
        "spinup_months": 24}
BASE = Params(**SIZE)
LEVERS = ({}, {"consultations_per_year": 4.0, "random_seat_share": 0.5},
          {"list_strictness": 0.8, "delegation_funding": 0.6, "two_way_eval_weight": 0.7})


def design() -> list[Task]:
    """3 lever settings x 2 seeds (common random numbers: replication r shares a seed)."""
    return [Task(run_id=f"p{i}-r{r}", point_id=i, replication=r, params=BASE.replace(**levers),
                 seed=derive_seed(20, i, r), labels={"setting": i})
            for i, levers in enumerate(LEVERS) for r in range(2)]


def outcomes(folder: Path) -> pd.DataFrame:
    return load_outcomes(folder)


def session(folder: Path) -> dict:
    return json.loads((folder / store.MANIFEST).read_text())["sessions"][-1]


@pytest.fixture
def spinups_counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every spin-up simulated (in this process: the serial executor's runs), by key."""
    made: list[str] = []
    real = spinup_mod.spin_up

    def counted(params: Params, seed: int) -> SpinUp:
        found = real(params, seed)
        made.append(found.key)
        return found

    monkeypatch.setattr(spinup_mod, "spin_up", counted)
    return made


# -- one run -----------------------------------------------------------------------------

@pytest.mark.parametrize("seed", [3, 2**62 + 5])
def test_a_run_from_the_snapshot_is_the_run_itself(seed: int) -> None:
    """Levers, cut mechanisms, months and a timeline's changes do not enter the spin-up:
    one snapshot serves them all, and each run's frame equals its own-spin-up frame bit
    for bit, with every random stream where the spin-up left it."""
    timeline = ScheduledParams(**{**BASE.to_dict(), "months": 15},
                               changes=(Change(month=7, levers=(("grid_visits", 20.0),)),))
    points = [BASE, BASE.replace(**LEVERS[1]), BASE.replace(**LEVERS[2], months=7).cut("habit"),
              load_preset("taicang_3_0", **SIZE), timeline]
    snapshot = spin_up(points[1], seed)
    for params in points:
        own = CoGovModel(params, seed=seed)
        shared = snapshot.start(params, seed)
        assert own.month == shared.month == BASE.spinup_months
        assert own.rng.bit_generator.state == shared.rng.bit_generator.state
        assert own.unseen_rng.bit_generator.state == shared.unseen_rng.bit_generator.state
        assert (own.institutions_rng.bit_generator.state
                == shared.institutions_rng.bit_generator.state)
        assert own.random.getstate() == shared.random.getstate()
        assert own.params == shared.params and own.pre_reform == shared.pre_reform
        own.run()
        shared.run()
        pd.testing.assert_frame_equal(own.dataframe(), shared.dataframe(), check_exact=True)
        assert np.array_equal(own.population.trust_committee, shared.population.trust_committee)


def test_simulate_with_a_snapshot_equals_simulate() -> None:
    snapshot = spin_up(BASE, 7)
    for levers in LEVERS:
        params = BASE.replace(**levers)
        pd.testing.assert_frame_equal(simulate(params, 7, spinup=snapshot), simulate(params, 7),
                                      check_exact=True)


def test_the_key_is_what_the_spinup_reads() -> None:
    key = spinup_key(BASE, 1)
    # not read by the spin-up: the scenario's levers, months, cuts, a timeline
    assert spinup_key(BASE.replace(**LEVERS[2]), 1) == key
    assert spinup_key(BASE.replace(purchase_share=0.4, volunteer_points=1.0), 1) == key
    assert spinup_key(BASE.replace(months=60), 1) == key
    assert spinup_key(BASE.cut("habit", "breach"), 1) == key
    # read by the spin-up: the seed, sizes, context, the community table
    assert spinup_key(BASE, 2) != key
    assert spinup_key(BASE.replace(n_residents=2_000), 1) != key
    assert spinup_key(BASE.replace(residents_per_agent=2), 1) != key
    assert spinup_key(BASE.replace(spinup_months=36), 1) != key
    assert spinup_key(BASE.replace(issue_rate=1.0), 1) != key
    assert spinup_key(BASE.replace(network_degree=6), 1) != key
    assert spinup_key(BASE.replace(communities="taicang_township", n_residents=20_000,
                                   residents_per_agent=20), 1) \
        != spinup_key(BASE.replace(n_communities=12, n_residents=20_000,
                                   residents_per_agent=20), 1)


def test_a_snapshot_refuses_other_runs_and_damage() -> None:
    snapshot = spin_up(BASE, 1)
    with pytest.raises(SpinUpError, match="not the spin-up"):
        snapshot.start(BASE, 2)
    with pytest.raises(SpinUpError, match="not the spin-up"):
        snapshot.start(BASE.replace(issue_rate=1.0), 1)
    data = snapshot.to_bytes()
    assert SpinUp.from_bytes(data, snapshot.key) == snapshot
    with pytest.raises(SpinUpError, match="damaged"):
        SpinUp.from_bytes(data[:-10], snapshot.key)
    with pytest.raises(SpinUpError, match="damaged"):
        SpinUp.from_bytes(data[:-1] + bytes([data[-1] ^ 1]), snapshot.key)
    with pytest.raises(SpinUpError, match="key"):
        SpinUp.from_bytes(data, spinup_key(BASE, 2))
    with pytest.raises(SpinUpError, match="not a cogov-sim"):
        SpinUp.from_bytes(b"PAR1" + data)
    with pytest.raises(SpinUpError, match="no spin-up"):
        spin_up(BASE.replace(spinup_months=0), 1)


# -- sweeps ------------------------------------------------------------------------------

def test_a_sweep_with_shared_spinup_equals_one_without(tmp_path: Path,
                                                       spinups_counted: list[str]) -> None:
    tasks = design()
    run_tasks(tasks, tmp_path / "own", progress=False, shared_spinup=False)
    assert spinups_counted == []
    assert store.spinup_keys(tmp_path / "own") == []
    run_tasks(tasks, tmp_path / "shared", progress=False)
    keys = sorted({spinup_key(t.params, t.seed) for t in tasks})
    assert len(keys) == 2 and sorted(spinups_counted) == keys  # once per seed
    assert store.spinup_keys(tmp_path / "shared") == keys
    assert session(tmp_path / "shared")["spinups"] == {"keys": 2, "kept": 0, "computed": 2,
                                                       "failed": 0}
    own, shared = outcomes(tmp_path / "own"), outcomes(tmp_path / "shared")
    assert len(own) == 6 * SIZE["months"]
    pd.testing.assert_frame_equal(own, shared, check_exact=True)


def test_a_resumed_sweep_reuses_the_kept_spinups(tmp_path: Path,
                                                 spinups_counted: list[str]) -> None:
    tasks = design()
    calls = []

    def stop_after_two(frame: pd.DataFrame) -> pd.DataFrame:
        calls.append(1)
        if len(calls) > 2:
            raise KeyboardInterrupt
        return frame

    folder = tmp_path / "sweep"
    with pytest.raises(KeyboardInterrupt):
        run_tasks(tasks, folder, progress=False, reduce_fn=stop_after_two, batch_seconds=0)
    assert len(spinups_counted) == 2
    assert 0 < len(store.read_ledger(folder)) < len(tasks)
    spinups_counted.clear()
    report = run_tasks(tasks, folder, progress=False)
    assert spinups_counted == []  # read from the store, not simulated again
    assert session(folder)["spinups"] == {"keys": 2, "kept": 2, "computed": 0, "failed": 0}
    assert len(report.done) + len(report.skipped) == len(tasks)
    run_tasks(tasks, tmp_path / "own", progress=False, shared_spinup=False)
    pd.testing.assert_frame_equal(outcomes(folder), outcomes(tmp_path / "own"), check_exact=True)


def test_a_damaged_snapshot_is_simulated_again(tmp_path: Path, spinups_counted: list[str]) -> None:
    tasks = design()
    folder = tmp_path / "sweep"
    run_tasks(tasks, folder, progress=False)
    reference = outcomes(folder)
    damaged = store.spinup_path(folder, store.spinup_keys(folder)[0])
    damaged.write_bytes(damaged.read_bytes()[:1000])
    for shard in (folder / store.RUNS).glob("*.parquet"):
        shard.unlink()  # every run is redone
    spinups_counted.clear()
    run_tasks(tasks, folder, progress=False)
    assert spinups_counted == [damaged.stem]
    assert session(folder)["spinups"]["kept"] == 1
    pd.testing.assert_frame_equal(outcomes(folder), reference, check_exact=True)


def test_runs_that_share_no_spinup_simulate_their_own(tmp_path: Path,
                                                      spinups_counted: list[str]) -> None:
    """A seed used by one run only, or no spin-up at all, keeps nothing in the store."""
    tasks = [Task(run_id=f"r{i}", point_id=i, replication=0, params=BASE.replace(**levers),
                  seed=derive_seed(20, i, 0, common_random_numbers=False))
             for i, levers in enumerate(LEVERS)]
    tasks.append(Task(run_id="none", point_id=9, replication=0,
                      params=BASE.replace(spinup_months=0), seed=1))
    run_tasks(tasks, tmp_path / "a", progress=False)
    assert spinups_counted == [] and store.spinup_keys(tmp_path / "a") == []


@pytest.mark.slow
def test_shared_spinup_on_local_processes_and_dask(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    del distributed
    from cogov_sim.experiment.executors import DaskExecutor

    tasks = design()
    run_tasks(tasks, tmp_path / "own", progress=False, shared_spinup=False)
    reference = outcomes(tmp_path / "own")
    run_tasks(tasks, tmp_path / "processes", progress=False, workers=2)
    pd.testing.assert_frame_equal(outcomes(tmp_path / "processes"), reference, check_exact=True)
    executor = DaskExecutor.local(2)
    try:
        run_tasks(tasks, tmp_path / "dask", progress=False, executor=executor)
    finally:
        executor.close()
    assert session(tmp_path / "dask")["spinups"]["computed"] == 2
    assert len(store.spinup_keys(tmp_path / "dask")) == 2
    pd.testing.assert_frame_equal(outcomes(tmp_path / "dask"), reference, check_exact=True)


SPEC = """
name = "tiny_spinup"
root_seed = 4
replications = 2
months = 12
residents = 1600
residents_per_agent = 4
spinup_months = 24
communities = 4
scenarios = ["baseline", "taicang_3_0"]
{extra}
[design]
type = "grid"
parameters = {{ grid_visits = [0.0, 20.0] }}
"""


def test_experiment_command_with_and_without_shared_spinup(tmp_path: Path) -> None:
    spec = tmp_path / "tiny.toml"
    spec.write_text(SPEC.format(extra=""))
    assert main(["experiment", str(spec), "--out", str(tmp_path / "shared")]) == 0
    assert main(["experiment", str(spec), "--no-shared-spinup", "--out", str(tmp_path / "own")]) == 0
    assert len(store.spinup_keys(tmp_path / "shared")) == 2
    assert store.spinup_keys(tmp_path / "own") == []
    pd.testing.assert_frame_equal(outcomes(tmp_path / "shared"), outcomes(tmp_path / "own"),
                                  check_exact=True)
    # the spec's key does the same, and does not change which results folder it is
    off = tmp_path / "off.toml"
    off.write_text(SPEC.format(extra="shared_spinup = false"))
    assert main(["experiment", str(off), "--out", str(tmp_path / "own")]) == 0
    assert session(tmp_path / "own")["shared_spinup"] is False
    assert store.spinup_keys(tmp_path / "own") == []
