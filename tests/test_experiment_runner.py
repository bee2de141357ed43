"""run_tasks: parallel = serial, resume after SIGKILL and Ctrl-C, failures, refusal of a
changed spec, seeds independent of worker count and order."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from _signals import CTRL_C_REACHES_CHILD

from cogov_sim.experiment import runner as runner_mod
from cogov_sim.experiment.design import make_tasks
from cogov_sim.experiment.executors import SerialExecutor
from cogov_sim.experiment.runner import Task, load_outcomes, load_status, run_tasks
from cogov_sim.experiment.seeds import derive_seed
from cogov_sim.experiment.spec import parse_spec
from cogov_sim.experiment.store import FolderMismatchError
from cogov_sim.params import Params
from cogov_sim.runner import simulate

TINY = {"name": "tiny", "root_seed": 11, "replications": 3, "months": 12, "residents": 300,
        "residents_per_agent": 1, "spinup_months": 0,
        "communities": 3, "scenarios": ["baseline", "taicang_3_0"]}


def tiny_tasks(**changes: object) -> tuple[list[Task], dict[str, object]]:
    spec = parse_spec({**TINY, **changes})
    return make_tasks(spec), {"kind": "experiment", "spec": spec.to_dict()}


def ledger(folder: Path) -> list[dict[str, object]]:
    path = folder / "ledger.jsonl"
    if not path.exists():
        return []
    out = []
    for line in path.read_text().splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            pass
    return out


def done_ids(folder: Path) -> set[str]:
    return {str(e["run_id"]) for e in ledger(folder) if e["status"] == "done"}


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """The reference: TINY run serially, uninterrupted."""
    tasks, manifest = tiny_tasks()
    folder = tmp_path_factory.mktemp("clean") / "x"
    report = run_tasks(tasks, folder, manifest=manifest, progress=False)
    assert report.ok and len(report.done) == len(tasks) == 6
    return load_outcomes(folder)


# -- identical data -------------------------------------------------------------------------------

def test_loaded_frame_has_ids_labels_and_outcomes(clean: pd.DataFrame) -> None:
    assert list(clean.columns[:6]) == ["run_id", "point_id", "replication", "scenario",
                                       "month", "year"]
    assert clean["run_id"].is_monotonic_increasing
    assert len(clean) == 6 * 12
    assert set(clean["scenario"]) == {"baseline", "taicang_3_0"}
    one = clean[clean["run_id"] == "p00001-r0002"].drop(
        columns=["run_id", "point_id", "replication", "scenario"]).reset_index(drop=True)
    tasks, _ = tiny_tasks()
    task = next(t for t in tasks if t.run_id == "p00001-r0002")
    pd.testing.assert_frame_equal(one, simulate(task.params, task.seed))


def test_parallel_equals_serial(tmp_path: Path, clean: pd.DataFrame) -> None:
    tasks, manifest = tiny_tasks()
    report = run_tasks(tasks, tmp_path / "p", workers=2, manifest=manifest, progress=False)
    assert report.ok and len(report.done) == 6
    pd.testing.assert_frame_equal(load_outcomes(tmp_path / "p"), clean)
    seeds = {e["run_id"]: e["seed"] for e in ledger(tmp_path / "p")}
    assert seeds == {t.run_id: t.seed for t in tasks}


def test_order_of_tasks_and_batching_do_not_matter(tmp_path: Path, clean: pd.DataFrame) -> None:
    tasks, manifest = tiny_tasks()
    run_tasks(tasks[::-1], tmp_path / "r", manifest=manifest, progress=False, batch_seconds=60)
    assert len(list((tmp_path / "r" / "runs").glob("shard-*.parquet"))) == 1
    pd.testing.assert_frame_equal(load_outcomes(tmp_path / "r"), clean)


def test_results_are_written_as_runs_finish(tmp_path: Path) -> None:
    tasks, manifest = tiny_tasks()
    folder = tmp_path / "s"
    seen: list[int] = []

    def watching(params: Params, seed: int) -> pd.DataFrame:
        seen.append(len(done_ids(folder)))
        return simulate(params, seed)

    run_tasks(tasks, folder, manifest=manifest, progress=False, run_fn=watching, batch_seconds=0)
    assert seen == list(range(6))  # run k starts after k runs are on disk
    assert len(list((folder / "runs").glob("shard-*.parquet"))) == 6


def test_a_slow_run_is_written_before_the_next_one_starts(tmp_path: Path) -> None:
    tasks, manifest = tiny_tasks()
    folder = tmp_path / "slow"
    seen: list[int] = []

    def slow(params: Params, seed: int) -> pd.DataFrame:
        seen.append(len(done_ids(folder)))
        time.sleep(0.1)  # the run alone takes batch_seconds: no reason to hold it back
        return simulate(params, seed)

    run_tasks(tasks, folder, manifest=manifest, progress=False, run_fn=slow, batch_seconds=0.1)
    assert seen == list(range(6))


def test_manifest_lists_every_run_with_its_seed_before_any_run(tmp_path: Path) -> None:
    tasks, manifest = tiny_tasks()
    folder = tmp_path / "m"
    snapshots: list[dict[str, object]] = []

    def peek(params: Params, seed: int) -> pd.DataFrame:
        if not snapshots:
            snapshots.append(json.loads((folder / "manifest.json").read_text()))
        return simulate(params, seed)

    run_tasks(tasks, folder, manifest=manifest, progress=False, run_fn=peek)
    before = snapshots[0]
    assert before["runs"] == [{"run_id": t.run_id, "point_id": t.point_id,
                               "replication": t.replication, "seed": t.seed} for t in tasks]
    assert before["spec"] == manifest["spec"]
    for key in ("version", "git", "python", "libraries", "model_code", "command"):
        assert key in before
    after = json.loads((folder / "manifest.json").read_text())
    assert set(after["status"].values()) == {"done"}
    assert after["sessions"][-1]["done"] == 6


# -- seeds ----------------------------------------------------------------------------------------

def test_seeds_depend_only_on_point_and_replication() -> None:
    keys = [(p, r) for p in range(4) for r in range(5)]
    forward = {k: derive_seed(99, *k, common_random_numbers=False) for k in keys}
    backward = {k: derive_seed(99, *k, common_random_numbers=False) for k in reversed(keys)}
    assert forward == backward
    assert len(set(forward.values())) == len(keys)
    crn = {k: derive_seed(99, *k) for k in keys}
    assert all(crn[(p, r)] == crn[(0, r)] for p, r in keys)  # paired across points
    assert len({crn[(0, r)] for r in range(5)}) == 5
    assert derive_seed(100, 0, 0) != derive_seed(99, 0, 0)
    assert all(0 <= s < 2**63 for s in forward.values())


def test_tasks_carry_seeds_from_the_tree() -> None:
    tasks, _ = tiny_tasks()
    assert all(t.seed == derive_seed(11, t.point_id, t.replication) for t in tasks)
    independent, _ = tiny_tasks(common_random_numbers=False)
    assert independent[0].seed != independent[3].seed  # point 0 vs point 1, replication 0


# -- interruption and resume ----------------------------------------------------------------------

KILLED_SWEEP = """
import sys
from pathlib import Path
from cogov_sim.experiment.design import make_tasks
from cogov_sim.experiment.runner import run_tasks
from cogov_sim.experiment.spec import parse_spec
spec = parse_spec({spec!r})
run_tasks(make_tasks(spec), Path(sys.argv[1]), workers=2, progress=False, batch_seconds=0.2,
          manifest={{"kind": "experiment", "spec": spec.to_dict()}})
"""

BIG = {**TINY, "replications": 20, "residents": 1000, "communities": 5, "months": 24}


def descendants(pid: int) -> set[int]:
    out: set[int] = set()
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            children = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:
            continue
        for c in map(int, children):
            out.add(c)
            todo.append(c)
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL does not exist on Windows")
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_resume_after_sigkill_gives_the_data_of_a_clean_run(tmp_path: Path) -> None:
    folder = tmp_path / "killed"
    proc = subprocess.Popen([sys.executable, "-c", KILLED_SWEEP.format(spec=BIG), str(folder)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    workers: set[int] = set()
    deadline = time.monotonic() + 120
    while len(done_ids(folder)) < 4 and proc.poll() is None and time.monotonic() < deadline:
        workers |= descendants(proc.pid)
        time.sleep(0.02)
    workers |= descendants(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read() if proc.stderr else ""
    finished = done_ids(folder)
    tasks, manifest = tiny_tasks(**BIG)
    assert 4 <= len(finished) < len(tasks), "the sweep was not interrupted mid-way"
    # no worker outlives the killed sweep
    deadline = time.monotonic() + 15
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert workers and not any(alive(w) for w in workers)

    report = run_tasks(tasks, folder, workers=2, manifest=manifest, progress=False)
    assert set(report.skipped) == finished
    assert set(report.done) == {t.run_id for t in tasks} - finished
    reference = run_tasks(tasks, tmp_path / "clean", manifest=manifest, progress=False)
    assert reference.ok
    pd.testing.assert_frame_equal(load_outcomes(folder), load_outcomes(tmp_path / "clean"))
    manifest_now = json.loads((folder / "manifest.json").read_text())
    assert len(manifest_now["sessions"]) == 2 and manifest_now["sessions"][0]["finished"] is None


def test_keyboard_interrupt_keeps_finished_runs(tmp_path: Path, clean: pd.DataFrame) -> None:
    tasks, manifest = tiny_tasks()
    calls = []

    def interrupted(params: Params, seed: int) -> pd.DataFrame:
        calls.append(seed)
        if len(calls) == 4:
            raise KeyboardInterrupt
        return simulate(params, seed)

    folder = tmp_path / "ctrl-c"
    with pytest.raises(KeyboardInterrupt):
        run_tasks(tasks, folder, manifest=manifest, progress=False, run_fn=interrupted,
                  batch_seconds=60)  # finished runs still in memory must be saved
    assert len(done_ids(folder)) == 3
    assert len(load_outcomes(folder)) == 3 * 12
    session = json.loads((folder / "manifest.json").read_text())["sessions"][-1]
    assert session["interrupted"] and session["done"] == 3
    report = run_tasks(tasks, folder, manifest=manifest, progress=False)
    assert len(report.skipped) == 3 and len(report.done) == 3
    pd.testing.assert_frame_equal(load_outcomes(folder), clean)


@pytest.mark.skipif(sys.platform == "win32", reason="os.kill(pid, SIGINT) does not reach "
                    "a process group on Windows")
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_sigint_to_a_parallel_sweep_keeps_finished_runs(tmp_path: Path) -> None:
    folder = tmp_path / "sigint"
    proc = subprocess.Popen([sys.executable, "-c", KILLED_SWEEP.format(spec=BIG), str(folder)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            **CTRL_C_REACHES_CHILD)
    deadline = time.monotonic() + 120
    while len(done_ids(folder)) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    workers = descendants(proc.pid)
    os.kill(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert b"KeyboardInterrupt" in err
    finished = done_ids(folder)
    assert 2 <= len(finished) < 40
    assert set(load_outcomes(folder)["run_id"]) == finished
    assert json.loads((folder / "manifest.json").read_text())["sessions"][-1]["interrupted"]
    deadline = time.monotonic() + 15
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(w) for w in workers)


def test_torn_ledger_line_and_orphan_shard_are_harmless(tmp_path: Path,
                                                        clean: pd.DataFrame) -> None:
    tasks, manifest = tiny_tasks()
    folder2 = tmp_path / "torn"
    run_tasks(tasks, folder2, manifest=manifest, progress=False, batch_seconds=0)
    entries = (folder2 / "ledger.jsonl").read_text().splitlines()
    # a crash after writing the last shard but while writing its ledger line
    (folder2 / "ledger.jsonl").write_text("\n".join(entries[:-1]) + "\n" + entries[-1][:25])
    (folder2 / "runs" / ".shard-000099.parquet.tmp").write_bytes(b"partial")
    assert len(done_ids(folder2)) == 5
    report = run_tasks(tasks, folder2, manifest=manifest, progress=False)
    assert len(report.done) == 1 and len(report.skipped) == 5
    assert not (folder2 / "runs" / ".shard-000099.parquet.tmp").exists()
    pd.testing.assert_frame_equal(load_outcomes(folder2), clean)


# -- failures -------------------------------------------------------------------------------------

def failing_on_point_1_rep_1(params: Params, seed: int) -> pd.DataFrame:
    if params.consultations_per_year == 6.0 and seed == derive_seed(11, 0, 1):
        raise RuntimeError("model blew up on purpose")
    return simulate(params, seed)


def test_failing_run_is_recorded_and_the_sweep_goes_on(tmp_path: Path,
                                                       clean: pd.DataFrame) -> None:
    tasks, manifest = tiny_tasks()
    folder = tmp_path / "fail"
    report = run_tasks(tasks, folder, manifest=manifest, progress=False,
                       run_fn=failing_on_point_1_rep_1)
    assert not report.ok
    assert list(report.failed) == ["p00001-r0001"]
    assert "RuntimeError: model blew up on purpose" in report.failed["p00001-r0001"]
    assert "Traceback" in report.failed["p00001-r0001"]
    assert len(report.done) == 5
    status = load_status(folder).set_index("run_id")
    assert status.loc["p00001-r0001", "status"] == "failed"
    assert "model blew up" in status.loc["p00001-r0001", "error"]
    assert (status.drop("p00001-r0001")["status"] == "done").all()
    manifest_now = json.loads((folder / "manifest.json").read_text())
    assert manifest_now["failures"] == {"p00001-r0001": "RuntimeError: model blew up on purpose"}
    # rerunning retries only the failed run
    again = run_tasks(tasks, folder, manifest=manifest, progress=False)
    assert again.done == ("p00001-r0001",) and len(again.skipped) == 5
    pd.testing.assert_frame_equal(load_outcomes(folder), clean)


def test_failing_run_in_a_worker_process(tmp_path: Path) -> None:
    tasks, manifest = tiny_tasks()
    report = run_tasks(tasks, tmp_path / "pf", workers=2, manifest=manifest, progress=False,
                       run_fn=failing_on_point_1_rep_1)
    assert list(report.failed) == ["p00001-r0001"] and len(report.done) == 5


def test_a_run_returning_no_frame_is_a_failure(tmp_path: Path) -> None:
    tasks, manifest = tiny_tasks()
    report = run_tasks(tasks[:1], tmp_path / "nf", manifest=manifest, progress=False,
                       run_fn=lambda p, s: [1, 2, 3])
    assert "expected a DataFrame" in report.failed[tasks[0].run_id]


# -- refusing to mix ------------------------------------------------------------------------------

def test_changed_spec_is_refused(tmp_path: Path) -> None:
    tasks, manifest = tiny_tasks()
    folder = tmp_path / "x"
    run_tasks(tasks, folder, manifest=manifest, progress=False)
    before = (folder / "ledger.jsonl").read_bytes()
    more, manifest_more = tiny_tasks(replications=4)
    with pytest.raises(FolderMismatchError, match=r"spec\.replications: 3 there, 4 here"):
        run_tasks(more, folder, manifest=manifest_more, progress=False)
    other, manifest_other = tiny_tasks(root_seed=12)
    with pytest.raises(FolderMismatchError, match=r"spec\.root_seed: 11 there, 12 here"):
        run_tasks(other, folder, manifest=manifest_other, progress=False)
    with pytest.raises(FolderMismatchError, match=r"points\.1: there but not here"):
        run_tasks(tasks[:3], folder, manifest=manifest, progress=False)
    assert (folder / "ledger.jsonl").read_bytes() == before


def test_changed_version_or_model_code_is_refused(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    tasks, manifest = tiny_tasks()
    folder = tmp_path / "x"
    run_tasks(tasks[:1], folder, manifest=manifest, progress=False)
    real_env = runner_mod.environment
    monkeypatch.setattr(runner_mod, "environment", lambda: {**real_env(), "version": "9.9"})
    with pytest.raises(FolderMismatchError, match=r"cogov-sim .* this is 9\.9"):
        run_tasks(tasks[:1], folder, manifest=manifest, progress=False)
    monkeypatch.setattr(runner_mod, "environment", real_env)
    monkeypatch.setattr(runner_mod, "model_fingerprint", lambda: "f" * 64)
    with pytest.raises(FolderMismatchError, match=r"different model code"):
        run_tasks(tasks[:1], folder, manifest=manifest, progress=False)


def test_duplicate_run_ids_and_inconsistent_points_are_rejected(tmp_path: Path) -> None:
    tasks, manifest = tiny_tasks()
    with pytest.raises(ValueError, match="appears twice"):
        run_tasks([tasks[0], tasks[0]], tmp_path / "d", manifest=manifest)
    odd = Task(run_id="zzz", point_id=0, replication=9, params=tasks[3].params, seed=1)
    with pytest.raises(ValueError, match="design point 0 differ"):
        run_tasks([tasks[0], odd], tmp_path / "d", manifest=manifest)
    assert not (tmp_path / "d").exists()


# -- reduce_fn and executors ----------------------------------------------------------------------

def last_year_means(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.tail(12).drop(columns=["month", "year"]).mean().to_frame().T


def test_reduce_fn_stores_only_the_reduced_frame(tmp_path: Path, clean: pd.DataFrame) -> None:
    tasks, manifest = tiny_tasks()
    run_tasks(tasks, tmp_path / "red", workers=2, manifest=manifest, progress=False,
              reduce_fn=last_year_means)
    reduced = load_outcomes(tmp_path / "red")
    assert len(reduced) == 6 and "month" not in reduced.columns
    expected = clean.groupby("run_id")["happiness_index"].mean().to_numpy()
    assert reduced["happiness_index"].to_numpy() == pytest.approx(expected, rel=1e-12)
    narrow = load_outcomes(tmp_path / "red", columns=["happiness_index"])
    assert list(narrow.columns) == ["run_id", "point_id", "replication", "scenario",
                                    "happiness_index"]


def test_explicit_executor_is_used(tmp_path: Path, clean: pd.DataFrame) -> None:
    class Counting(SerialExecutor):
        calls = 0

        def map_unordered(self, fn, items, shared=None):  # type: ignore[no-untyped-def]
            for item, result in super().map_unordered(fn, items, shared):
                Counting.calls += 1
                yield item, result

    tasks, manifest = tiny_tasks()
    run_tasks(tasks, tmp_path / "e", manifest=manifest, progress=False, executor=Counting())
    assert Counting.calls == 6
    pd.testing.assert_frame_equal(load_outcomes(tmp_path / "e"), clean)


def test_dask_executor_gives_the_same_data(tmp_path: Path, clean: pd.DataFrame) -> None:
    distributed = pytest.importorskip("distributed")
    from cogov_sim.experiment.executors import DaskExecutor

    tasks, manifest = tiny_tasks()
    # the scheduler's and the worker's HTTP servers on the loopback interface, on ports
    # the system picks (by default they would listen on every interface)
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=2,
                            dashboard_address="127.0.0.1:0",
                            worker_dashboard_address="127.0.0.1:0") as client:
        report = run_tasks(tasks, tmp_path / "dask", manifest=manifest, progress=False,
                           executor=DaskExecutor(client))
    assert report.ok
    pd.testing.assert_frame_equal(load_outcomes(tmp_path / "dask"), clean)


# -- one process per folder -----------------------------------------------------------------------

HOLD_LOCK = """
import sys
from pathlib import Path
from filelock import FileLock
folder = Path(sys.argv[1])
folder.mkdir(parents=True)
lock = FileLock(folder / ".lock")
lock.acquire()
print("locked", flush=True)
sys.stdin.read()
"""


def test_a_folder_in_use_by_another_process_is_refused(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    from cogov_sim.cli import main
    from cogov_sim.store import OutputError

    folder = tmp_path / "busy"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(folder)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        tasks, manifest = tiny_tasks()
        with pytest.raises(OutputError) as info:
            run_tasks(tasks, folder, manifest=manifest, progress=False)
        assert "in use by another" in str(info.value) and str(folder) in str(info.value)
        assert "\n" not in str(info.value)
        assert [p.name for p in folder.iterdir()] == [".lock"]  # nothing written
        spec_file = tmp_path / "tiny.toml"
        spec_file.write_text('root_seed = 1\nreplications = 1\nmonths = 12\n'
                             'residents = 300\nresidents_per_agent = 1\nspinup_months = 0\ncommunities = 3\n')
        assert main(["experiment", str(spec_file), "--out", str(folder)]) == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith("error: ") and "in use" in err and len(err.splitlines()) == 1
        assert [p.name for p in folder.iterdir()] == [".lock"]
    finally:
        holder.communicate("")
    # once the other process has finished, the folder is usable (and the lock is ours only
    # while we run: a later call in the same process works too)
    tasks, manifest = tiny_tasks(replications=1)
    assert run_tasks(tasks, folder, manifest=manifest, progress=False).ok
    assert run_tasks(tasks, folder, manifest=manifest, progress=False).skipped


def test_runs_marked_done_without_rows_are_not_trusted(tmp_path: Path,
                                                       clean: pd.DataFrame) -> None:
    from cogov_sim.store import OutputError

    tasks, manifest = tiny_tasks()
    folder = tmp_path / "lost"
    run_tasks(tasks, folder, manifest=manifest, progress=False, batch_seconds=0)
    lost = next(e for e in ledger(folder) if e["run_id"] == "p00001-r0002")
    (folder / "runs" / str(lost["shard"])).unlink()  # e.g. overwritten by another writer
    with pytest.raises(OutputError, match="p00001-r0002|missing"):
        load_outcomes(folder)
    report = run_tasks(tasks, folder, manifest=manifest, progress=False)
    assert report.done == ("p00001-r0002",) and len(report.skipped) == 5
    pd.testing.assert_frame_equal(load_outcomes(folder), clean)


def test_model_fingerprint_covers_model_code_only() -> None:
    """Only files that decide what a run computes lock a results folder."""
    from pathlib import Path

    import cogov_sim
    from cogov_sim.experiment.runner import MODEL_CODE

    root = Path(cogov_sim.__file__).parent
    for name in MODEL_CODE:
        assert (root / name).exists(), name
    covered = {p.relative_to(root).parts[0] for p in root.rglob("*.py")
               if p.relative_to(root).parts[0] in MODEL_CODE}
    assert {"rules", "agents", "model.py", "phases.py", "params.py", "mechanisms.py"} <= covered
    assert not covered & {"cli.py", "experiment", "sensitivity", "viz", "store.py", "specfile.py"}


# -- issue 14: portability ------------------------------------------------------------------------

WATCHER = """
import multiprocessing as mp, os, threading
from cogov_sim.experiment import executors
def no_kill(*args):
    print("os.kill used as a liveness check", flush=True)
    os._exit(3)
os.kill = no_kill
parent_end, child_end = mp.Pipe(duplex=False)  # child_end plays the living parent
watcher = threading.Thread(target=executors._watch_parent, args=(parent_end,), daemon=True)
watcher.start()
watcher.join(timeout=0.5)
print("watching" if watcher.is_alive() else "stopped", flush=True)
child_end.close()  # the parent is gone: the watcher must end this process
watcher.join(timeout=30)
print("outlived the parent", flush=True)
"""


def test_worker_watches_its_parent_without_os_kill() -> None:
    """The parent-death watcher waits on the parent's sentinel (portable); it must not
    probe the parent with ``os.kill(pid, 0)``, which on Windows sends CTRL_C_EVENT."""
    proc = subprocess.run([sys.executable, "-c", WATCHER], capture_output=True, text=True,
                          check=False, timeout=120)
    assert proc.stdout == "watching\n" and proc.returncode == 1, proc.stdout + proc.stderr


WITHOUT_FCNTL = """
import runpy, sys
sys.modules["fcntl"] = None  # as on Windows: `import fcntl` raises ImportError
sys.argv = ["cogov_sim", *sys.argv[1:]]
runpy.run_module("cogov_sim", run_name="__main__", alter_sys=True)
"""


def test_experiment_runs_where_fcntl_cannot_be_imported(tmp_path: Path) -> None:
    """Windows has no fcntl: `python -m cogov_sim experiment` must still run, lock its
    folder against a second process and resume."""
    spec = tmp_path / "tiny.toml"
    spec.write_text('scenarios = ["baseline", "taicang_3_0"]\nroot_seed = 11\n'
                    'replications = 1\nmonths = 12\nresidents = 300\ncommunities = 3\n')
    folder = tmp_path / "out"
    command = [sys.executable, "-c", WITHOUT_FCNTL, "experiment", str(spec), "--out", str(folder)]
    first = subprocess.run(command, capture_output=True, text=True, check=False)
    assert first.returncode == 0, first.stderr
    assert "2 run(s) done" in first.stdout
    status = load_status(folder)
    assert list(status["status"]) == ["done", "done"]
    again = subprocess.run(command, capture_output=True, text=True, check=False)
    assert again.returncode == 0 and "2 already done" in again.stdout, again.stderr


# -- issue 14: damaged results folders ------------------------------------------------------------

def test_a_truncated_shard_gets_one_line_and_its_runs_are_redone(
        tmp_path: Path, clean: pd.DataFrame, capsys: pytest.CaptureFixture[str]) -> None:
    from cogov_sim.cli import main
    from cogov_sim.store import OutputError

    tasks, manifest = tiny_tasks()
    folder = tmp_path / "truncated"
    run_tasks(tasks, folder, manifest=manifest, progress=False, batch_seconds=0)
    shard = folder / "runs" / "shard-000001.parquet"
    lost = {str(e["run_id"]) for e in ledger(folder) if e.get("shard") == shard.name}
    os.truncate(shard, 1000)
    with pytest.raises(OutputError) as info:
        load_outcomes(folder)
    assert str(shard) in str(info.value) and "damaged" in str(info.value)
    assert "\n" not in str(info.value)
    report = run_tasks(tasks, folder, manifest=manifest, progress=False)
    assert set(report.done) == lost and len(report.skipped) == 6 - len(lost)
    pd.testing.assert_frame_equal(load_outcomes(folder), clean)
    assert not shard.exists()  # numbers are not reused: the redone runs went elsewhere

    # through the command line, as a user meets it
    spec_file = tmp_path / "tiny.toml"
    spec_file.write_text('scenarios = ["baseline", "taicang_3_0"]\nroot_seed = 11\n'
                         'replications = 1\nmonths = 12\nresidents = 300\ncommunities = 3\n')
    out = tmp_path / "cli"
    assert main(["experiment", str(spec_file), "--out", str(out)]) == 0
    before = load_outcomes(out)
    os.truncate(next((out / "runs").glob("shard-*.parquet")), 1000)
    capsys.readouterr()
    assert main(["experiment", str(spec_file), "--out", str(out)]) == 0
    assert "2 run(s) done, 0 already done, 0 failed" in capsys.readouterr().out
    pd.testing.assert_frame_equal(load_outcomes(out), before)


@pytest.mark.parametrize("content", ["", "{\"kind\": \"exp", "[]"])
def test_a_damaged_manifest_gets_one_line_naming_it(tmp_path: Path, content: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    from cogov_sim.cli import main
    from cogov_sim.store import OutputError

    spec_file = tmp_path / "tiny.toml"
    spec_file.write_text('root_seed = 1\nreplications = 1\nmonths = 12\nresidents = 300\n'
                         'communities = 3\n')
    folder = tmp_path / "out"
    assert main(["experiment", str(spec_file), "--out", str(folder)]) == 0
    (folder / "manifest.json").write_text(content)
    before = {p.name: p.stat().st_mtime_ns for p in folder.rglob("*")}
    capsys.readouterr()
    assert main(["experiment", str(spec_file), "--out", str(folder)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
    assert f"{folder / 'manifest.json'} is damaged" in err and "choose another --out" in err
    assert {p.name: p.stat().st_mtime_ns for p in folder.rglob("*")
            if p.name != ".lock"} == {k: v for k, v in before.items() if k != ".lock"}
    with pytest.raises(OutputError, match="is damaged"):
        load_outcomes(folder)


def test_after_a_torn_ledger_line_the_raw_shards_hold_each_run_once(
        tmp_path: Path, clean: pd.DataFrame) -> None:
    """A power cut tears the last ledger line after its shard was written: the run is
    redone, and the old shard must then lose its copy, so that reading runs/ directly
    (e.g. pd.read_parquet) agrees with the ledger."""
    tasks, manifest = tiny_tasks()
    folder = tmp_path / "torn"
    run_tasks(tasks, folder, manifest=manifest, progress=False, batch_seconds=60)
    assert len(list((folder / "runs").glob("shard-*.parquet"))) == 1  # all six runs
    lines = (folder / "ledger.jsonl").read_text().splitlines()
    (folder / "ledger.jsonl").write_text("\n".join(lines[:-1]) + "\n" + lines[-1][:25])
    report = run_tasks(tasks, folder, manifest=manifest, progress=False)
    assert len(report.done) == 1 and len(report.skipped) == 5
    raw = pd.read_parquet(folder / "runs")
    assert len(raw) == len(clean) and not raw.duplicated(["run_id", "month"]).any()
    assert set(raw["run_id"]) == done_ids(folder)
    pd.testing.assert_frame_equal(load_outcomes(folder), clean)
