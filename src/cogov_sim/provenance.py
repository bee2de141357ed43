"""What every results folder records about how it was made."""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import platform
import re
import subprocess
import sys
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

KEY_LIBRARIES = ("mesa", "numpy", "scipy", "pandas", "pyarrow", "networkx", "SALib", "matplotlib")


def package_version() -> str:
    """The installed package's version (from git via setuptools-scm at build time)."""
    try:
        return metadata.version("cogov-sim")
    except metadata.PackageNotFoundError:  # running from a bare tree, never installed
        try:
            from ._version import version
        except ImportError:
            return "unknown"
        return str(version)


def _checkout_root() -> Path | None:
    """The git checkout this module was imported from (an editable install or a source
    tree), or None for an installed wheel, whose folder may sit inside an unrelated repository."""
    here = Path(__file__).resolve().parent
    root = here.parents[1]
    if here == root / "src" / "cogov_sim" and (root / ".git").exists():
        return root
    return None


_LOCAL_COMMIT = re.compile(r"(?:^|\.)g([0-9a-f]{7,40})(?:\.|$)")
_LOCAL_DIRTY = re.compile(r"(?:^|\.)d\d{8}(?:\.|$)")


def built_commit(version: str, commit_id: str | None) -> dict[str, Any]:
    """Commit and dirty flag as recorded at build time, for an install outside a checkout.

    ``commit_id`` is what setuptools-scm wrote into ``_version.py`` (``g`` and an abbreviated
    hash; None when the wheel was built from an sdist); else the hash in the version's local
    part (``0.2.1.dev3+g1a2b3c4d5``). A build from a dirty tree has ``.dYYYYMMDD`` there.
    A release built exactly on its tag carries no hash in its version: the tag names it.
    """
    local = version.partition("+")[2]
    commit = commit_id[1:] if commit_id and commit_id.startswith("g") else commit_id
    if not commit:
        found = _LOCAL_COMMIT.search(local)
        commit = found.group(1) if found else None
    if commit:
        return {"commit": commit, "dirty": bool(_LOCAL_DIRTY.search(local)),
                "source": "build (abbreviated commit)"}
    if version not in ("unknown", "") and not local and "dev" not in version:
        return {"commit": None, "dirty": False, "source": f"build of tag v{version}"}
    return {"commit": None, "dirty": None, "source": None}


@cache
def git_state() -> dict[str, Any]:
    """Commit and dirty flag of the code: from git in a checkout (an editable install or a
    source tree), else as written into ``_version.py`` when the wheel was built."""
    root = _checkout_root()
    if root is not None:
        try:
            commit = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], check=True,
                                    capture_output=True, text=True, timeout=10).stdout.strip()
            dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--",
                                    "src"], check=True, capture_output=True, text=True,
                                   timeout=10).stdout
            return {"commit": commit, "dirty": bool(dirty.strip()), "source": "git checkout"}
        except (OSError, subprocess.SubprocessError):
            pass  # no git program: what the build recorded, if anything
    try:
        from ._version import commit_id
    except ImportError:
        commit_id = None
    return built_commit(package_version(), commit_id)


def environment() -> dict[str, Any]:
    """Package version, git state, Python and key library versions, machine."""
    libs: dict[str, str | None] = {}
    for name in KEY_LIBRARIES:
        try:
            libs[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            libs[name] = None
    return {
        "package": "cogov-sim",
        "version": package_version(),
        "git": git_state(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "libraries": libs,
    }


def fingerprint(spec: dict[str, Any]) -> str:
    """Short hash of a spec and the package version: the id of the results it defines.

    The default results folders are ``results/<name>/<fingerprint>/``, so the same command
    resumes in the same place while a changed spec or package version never mixes in.
    """
    text = json.dumps({"spec": spec, "version": package_version()}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


_COMMAND: list[str] | None = None


def set_command(command: list[str]) -> None:
    """Record the command line being served (the CLI calls this; Python callers need not)."""
    global _COMMAND
    _COMMAND = list(command)


def command_line() -> list[str]:
    """The command that produced a result: as set by the CLI, else this process's argv."""
    return list(_COMMAND) if _COMMAND is not None else [Path(sys.argv[0]).name, *sys.argv[1:]]
