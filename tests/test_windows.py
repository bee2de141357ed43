"""What Windows does differently, simulated on any system (issue 22, items 4-6).

- A console on a Western code page (cp1252, or output redirected to a file there) cannot
  encode "→" or Chinese: every command must still finish, with readable stand-ins.
- Windows flushes a file to disk (``os.fsync``, i.e. ``_commit``) only through a handle
  opened for writing; a read-only handle raises ``EBADF``. Every result shard is written
  through the store, so the store is exercised under that rule.
- Windows has no ``fcntl``: tests/test_experiment_runner.py::
  test_experiment_runs_where_fcntl_cannot_be_imported runs, locks and resumes an
  experiment with ``import fcntl`` failing.
- Tests that send SIGKILL or SIGINT, or check Unix permission bits, are skipped on Windows
  (checked below, so a new one cannot forget the marker).
"""

from __future__ import annotations

import ast
import errno
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from cogov_sim.cli import CONSOLE_FALLBACKS, main

TESTS = Path(__file__).resolve().parent
SMALL = ["--residents", "400", "--communities", "2", "--months", "13", "--seed", "1"]


def cli_on_a_cp1252_console(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": "cp1252", "PYTHONUTF8": "0"}
    return subprocess.run([sys.executable, "-m", "cogov_sim", *args], capture_output=True,
                          env=env, cwd=cwd, timeout=300, check=False)


def test_chinese_listing_survives_a_cp1252_console(tmp_path: Path) -> None:
    proc = cli_on_a_cp1252_console(["scenarios", "--lang", "zh"], tmp_path)
    assert proc.returncode == 0, proc.stderr.decode("cp1252", "replace")
    out = proc.stdout.decode("cp1252")  # what the console received is valid cp1252
    # the Chinese tag of a timeline ([时间线]) and every Chinese word arrive as "?"
    assert "taicang_3_0" in out and "taicang_history [???]" in out and "?" in out
    err = proc.stderr.decode("cp1252").splitlines()
    assert len(err) == 1 and "PYTHONIOENCODING=utf-8" in err[0] and "(cp1252)" in err[0]


def test_arrows_survive_a_cp1252_console(tmp_path: Path) -> None:
    """`run` ends its report with "→ <folder>"; the console gets "->" and the run is kept."""
    out = tmp_path / "r"
    proc = cli_on_a_cp1252_console(["run", *SMALL, "--out", str(out)], tmp_path)
    assert proc.returncode == 0, proc.stderr.decode("cp1252", "replace")
    text = proc.stdout.decode("cp1252")
    assert f"-> {out}" in text and "\u2192" not in text
    assert (out / "manifest.json").is_file()


def test_every_stand_in_is_plain_ascii() -> None:
    assert all(v.isascii() and not k.isascii() for k, v in CONSOLE_FALLBACKS.items())
    assert CONSOLE_FALLBACKS["\u2192"] == "->"


@pytest.mark.skipif(sys.platform == "win32", reason="simulates Windows with fcntl; on Windows "
                    "the real rule applies to every test that writes results")
def test_store_writes_where_only_a_writable_handle_can_be_flushed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import fcntl

    real_fsync = os.fsync
    refused: list[int] = []

    def fsync_as_on_windows(fd: int) -> None:
        if (not stat.S_ISDIR(os.fstat(fd).st_mode)
                and fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE == os.O_RDONLY):
            refused.append(fd)
            raise OSError(errno.EBADF, "Bad file descriptor")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync_as_on_windows)
    spec = tmp_path / "tiny.toml"
    spec.write_text('scenarios = ["baseline", "taicang_3_0"]\nroot_seed = 11\n'
                    'replications = 1\nmonths = 12\nresidents = 300\ncommunities = 3\n',
                    encoding="utf-8")
    folder = tmp_path / "out"
    assert main(["experiment", str(spec), "--out", str(folder)]) == 0
    assert refused == []
    shards = sorted((folder / "runs").glob("shard-*.parquet"))
    assert shards and not list((folder / "runs").glob(".*.tmp"))
    from cogov_sim.experiment.runner import load_status

    assert list(load_status(folder)["status"]) == ["done", "done"]


# -- tests that cannot run on Windows say so ---------------------------------------------------

POSIX_ONLY = ("SIGKILL", "SIGINT", "umask", "chmod")


def _skips_on_windows(node: ast.FunctionDef) -> bool:
    for decorator in node.decorator_list:
        text = ast.unparse(decorator)
        if "skipif" in text and "win32" in text:
            return True
    return False


def test_tests_that_need_posix_signals_or_permissions_skip_on_windows() -> None:
    missing = []
    for path in sorted(TESTS.glob("test_*.py")):
        if path.name == Path(__file__).name:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                body = ast.unparse(node)
                if any(word in body for word in POSIX_ONLY) and not _skips_on_windows(node):
                    missing.append(f"{path.name}::{node.name}")
    assert not missing, f"no skipif(sys.platform == 'win32') on: {missing}"
