"""What every results folder records about how it was made."""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import platform
import subprocess
import sys
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

KEY_LIBRARIES = ("mesa", "numpy", "scipy", "pandas", "pyarrow", "networkx", "SALib", "matplotlib")


def package_version() -> str:
    try:
        return metadata.version("cogov-sim")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare tree
        return "unknown"


@cache
def git_state() -> dict[str, Any]:
    """Commit and dirty flag of the source tree, when it is a git checkout."""
    root = Path(__file__).resolve().parents[2]
    try:
        commit = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], check=True,
                                capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--", "src"],
                               check=True, capture_output=True, text=True, timeout=10).stdout
        return {"commit": commit, "dirty": bool(dirty.strip())}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}


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
