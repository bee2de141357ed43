"""Version and commit in every manifest, from a checkout or from a wheel (issue 22, item 2).

In a checkout git says the commit; a wheel installed elsewhere carries what setuptools-scm
wrote into ``cogov_sim/_version.py`` at build time (and its version's local part).
The whole path (build, install in a fresh venv, run from a temporary folder) is in .ci/run.
"""

from __future__ import annotations

import subprocess
import sys
import types
from pathlib import Path

import pytest

from cogov_sim import provenance
from cogov_sim.provenance import built_commit, git_state

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def fresh_git_state():  # type: ignore[no-untyped-def]
    git_state.cache_clear()
    yield
    git_state.cache_clear()


@pytest.mark.parametrize(("version", "commit_id", "expected"), [
    ("0.2.1.dev3+g1a2b3c4d5", "g1a2b3c4d5", {"commit": "1a2b3c4d5", "dirty": False}),
    ("0.2.1.dev3+g1a2b3c4d5.d20260101", "g1a2b3c4d5", {"commit": "1a2b3c4d5", "dirty": True}),
    # built from an sdist: _version.py has no commit, the version's local part has
    ("0.2.1.dev3+g1a2b3c4d5", None, {"commit": "1a2b3c4d5", "dirty": False}),
    # a release built on its tag: the version has no local part, _version.py the commit
    ("0.2.0", "g0123456789", {"commit": "0123456789", "dirty": False}),
    ("0.2.0", None, {"commit": None, "dirty": False, "source": "build of tag v0.2.0"}),
    ("0.2.0.dev0", None, {"commit": None, "dirty": None}),  # the fallback: nothing known
])
def test_the_commit_a_build_recorded(version: str, commit_id: str | None,
                                     expected: dict[str, object]) -> None:
    found = built_commit(version, commit_id)
    assert {k: found[k] for k in expected} == expected


def test_a_checkout_reports_the_full_commit_from_git() -> None:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True,
                          text=True, check=True).stdout.strip()
    state = git_state()
    assert state["commit"] == head and state["source"] == "git checkout"
    assert isinstance(state["dirty"], bool)


def test_an_install_outside_a_checkout_reads_the_commit_written_at_build_time(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The package folder inside some other repository (a venv in a project folder) is not
    mistaken for a checkout: the build's record is used, not that repository's HEAD."""
    (tmp_path / ".git").mkdir()
    installed = tmp_path / "lib" / "site-packages" / "cogov_sim" / "provenance.py"
    monkeypatch.setattr(provenance, "__file__", str(installed))
    assert provenance._checkout_root() is None
    built = types.ModuleType("cogov_sim._version")
    built.commit_id = "gfeedbeef12"  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "cogov_sim._version", built)
    monkeypatch.setattr(provenance, "package_version", lambda: "0.2.1.dev4+gfeedbeef12")
    state = git_state()
    assert state == {"commit": "feedbeef12", "dirty": False,
                     "source": "build (abbreviated commit)"}
    assert provenance.environment()["git"]["commit"] == "feedbeef12"


def test_a_checkout_without_the_git_program_falls_back_to_the_build_record(
        monkeypatch: pytest.MonkeyPatch) -> None:
    if provenance._checkout_root() is None:
        pytest.skip("not running from a checkout")

    def no_git(*args: object, **kwargs: object) -> None:
        raise FileNotFoundError("git")

    monkeypatch.setattr(provenance.subprocess, "run", no_git)
    monkeypatch.setattr(provenance, "package_version", lambda: "0.2.1.dev4+gabcdef1234")
    monkeypatch.setitem(sys.modules, "cogov_sim._version", types.ModuleType("cogov_sim._version"))
    state = git_state()  # _version.py without commit_id: the version's local part
    assert state["commit"] == "abcdef1234" and state["dirty"] is False


def test_the_version_is_not_the_old_fixed_one() -> None:
    """pyproject's version is dynamic (setuptools-scm), no longer a typed-in 0.1.0."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in config["project"] and "version" in config["project"]["dynamic"]
    assert any(r.startswith("setuptools-scm") for r in config["build-system"]["requires"])
    assert config["tool"]["setuptools_scm"]["version_file"] == "src/cogov_sim/_version.py"
