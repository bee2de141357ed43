"""Writing result files. Nothing else in the package writes to ``results/``.

Folders are written whole or not at all: files go into a hidden temporary folder beside
the target, which is renamed into place once complete, so an interrupted or failed write
leaves no partial output.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


RESULTS = Path("results")


class OutputError(ValueError):
    """An output folder that cannot be used (one-line message)."""


def default_folder(name: str, fingerprint: str) -> Path:
    """The default results folder of a named, fingerprinted job:
    ``results/<name>/<fingerprint>/``, so the same spec always resumes in the same place."""
    return RESULTS / name / fingerprint


def check_writable(folder: Path, ignore: Sequence[str] = ()) -> None:
    """Fail early, before any work, if ``folder`` cannot receive a new result.

    Files named in ``ignore`` (e.g. a lock file) do not make the folder non-empty.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"--out {folder}: exists and is not a folder")
    if folder.is_dir() and any(p.name not in ignore for p in folder.iterdir()):
        raise OutputError(f"--out {folder}: folder is not empty; choose a new folder")
    parent = _existing_ancestor(folder)
    if not parent.is_dir():
        raise OutputError(f"--out {folder}: {parent} is not a folder")
    try:  # a real probe: permission bits do not tell (root, read-only mounts, /proc)
        os.rmdir(tempfile.mkdtemp(dir=parent, prefix=".cogov-probe-"))
    except OSError as exc:
        raise OutputError(f"--out {folder}: cannot write in {parent} ({exc.strerror})") from None


def _existing_ancestor(folder: Path) -> Path:
    p = folder.absolute()
    while not p.exists():
        p = p.parent
    return p


def write_json(path: Path, data: Any) -> None:
    """Write JSON atomically (temporary file, then rename)."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2, ensure_ascii=False, default=str)
        fh.write("\n")
    os.replace(tmp, path)


def read_json(path: Path) -> Any:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def write_parquet(path: Path, frame: pd.DataFrame) -> None:
    """Write a Parquet file atomically."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    frame.to_parquet(tmp, index=False)
    os.replace(tmp, path)


@contextmanager
def new_folder(folder: Path) -> Iterator[Path]:
    """Yield a temporary folder that becomes ``folder`` when the block completes."""
    folder = Path(folder)
    check_writable(folder)
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}."))
    except OSError as exc:
        raise OutputError(f"--out {folder}: cannot write ({exc.strerror})") from None
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if folder.exists():
        folder.rmdir()  # empty, as checked
    os.replace(tmp, folder)


def write_run(folder: Path, frame: pd.DataFrame, manifest: dict[str, Any],
              figure: Callable[[pd.DataFrame, Path], None] | None = None) -> Path:
    """One run's folder: ``manifest.json``, ``timeseries.parquet`` and ``summary.png``."""
    with new_folder(folder) as tmp:
        write_parquet(tmp / "timeseries.parquet", frame)
        if figure is not None:
            figure(frame, tmp / "summary.png")
        write_json(tmp / "manifest.json", manifest)
    return Path(folder)
