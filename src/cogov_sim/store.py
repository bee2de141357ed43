"""Writing result files. Nothing else in the package writes to ``results/``.

Folders are written whole or not at all: files go into a hidden temporary folder beside
the target, which is renamed into place once complete, so an interrupted or failed write
leaves no partial output. Results are meant to be shared: folders and files get the
permissions the user's umask gives (temporary names are created with ``os.mkdir`` and
``open(..., "x")``, not ``tempfile``, whose private 0700/0600 modes would stay on the
result).
"""

from __future__ import annotations

import errno
import json
import os
import secrets
import shutil
import stat
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


FULL_ERRNOS = tuple(getattr(errno, n) for n in ("ENOSPC", "EDQUOT") if hasattr(errno, n))


def is_disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` says the disk (or the user's quota) is full; pyarrow's errors from
    C++ carry no errno, only the system's message."""
    return isinstance(exc, OSError) and (
        exc.errno in FULL_ERRNOS or "No space left on device" in str(exc)
        or "Disk quota exceeded" in str(exc))


class DiskFullError(OSError):
    """No space left on the device (or quota) while writing ``path``. What was written
    before stays (results folders are resumable; a file half-written is removed); the
    command line prints one line and exits with status 1."""

    def __init__(self, path: Path) -> None:
        super().__init__(errno.ENOSPC, "No space left on device", str(path))
        self.path = Path(path)

    @property
    def cause(self) -> str:
        return f"no space left on the device of {self.path.parent} (writing {self.path.name})"

    def __str__(self) -> str:
        return f"{self.cause}; {FREE_SPACE}"


FREE_SPACE = "free some space or choose --out on another disk, then run the same command again"


@contextmanager
def disk_space(path: Path) -> Iterator[None]:
    """Turn "no space left on device" while writing ``path`` into :class:`DiskFullError`."""
    try:
        yield
    except DiskFullError:
        raise
    except OSError as exc:
        if is_disk_full(exc):
            raise DiskFullError(path) from None
        raise


def default_folder(name: str, fingerprint: str) -> Path:
    """The default results folder of a named, fingerprinted job:
    ``results/<name>/<fingerprint>/``, so the same spec always resumes in the same place."""
    return RESULTS / name / fingerprint


def check_writable(folder: Path, ignore: Sequence[str] = (), empty: bool = True) -> None:
    """Fail early, before any work, if ``folder`` cannot receive a new result.

    Files named in ``ignore`` (e.g. a lock file) do not make the folder non-empty;
    ``empty=False`` skips that check (a default name that moves on to ``name-2`` if taken).
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"--out {folder}: exists and is not a folder")
    if empty and folder.is_dir() and any(p.name not in ignore for p in folder.iterdir()):
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


def _temporary_name(path: Path) -> Path:
    """A fresh hidden name beside ``path`` (random, so concurrent writers never share one)."""
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")


def write_json(path: Path, data: Any) -> None:
    """Write JSON atomically (temporary file, fsynced, then renamed), with umask permissions."""
    path = Path(path)
    tmp = _temporary_name(path)
    try:
        with disk_space(path), tmp.open("x", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2, ensure_ascii=False, default=str)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())  # so a power cut cannot leave an empty file behind the rename
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def read_json(path: Path) -> Any:
    """The parsed JSON at ``path``; a damaged file raises :class:`OutputError` (one line)."""
    path = Path(path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        what = "empty" if path.stat().st_size == 0 else f"not valid JSON: {exc}"
        raise OutputError(f"{path} is damaged ({what})") from None


def write_parquet(path: Path, frame: pd.DataFrame) -> None:
    """Write a Parquet file atomically."""
    path = Path(path)
    tmp = _temporary_name(path)
    try:
        with disk_space(path):
            frame.to_parquet(tmp, index=False)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _make_temporary_folder(folder: Path) -> Path:
    """A new hidden folder beside ``folder`` with umask permissions (or, if ``folder``
    exists already, empty, its permissions, which the result keeps)."""
    while True:
        tmp = _temporary_name(folder)
        try:
            tmp.mkdir()
            break
        except FileExistsError:  # pragma: no cover - 32 random bits collided
            continue
    if folder.is_dir():
        os.chmod(tmp, stat.S_IMODE(folder.stat().st_mode))
    return tmp


def _move_into_place(tmp: Path, folder: Path, unique: bool) -> Path:
    """Rename ``tmp`` to ``folder`` (an empty folder there is replaced); if another
    process took the name meanwhile: the next free ``folder-N`` when ``unique``, else an
    :class:`OutputError`."""
    for n in range(1, 1000):
        target = folder if n == 1 else folder.with_name(f"{folder.name}-{n}")
        if target.is_dir() and not unique:
            try:
                target.rmdir()  # empty, as checked (Windows cannot rename onto a folder)
            except OSError:
                pass  # filled meanwhile: the rename below fails and says so
        try:
            os.rename(tmp, target)
            return target
        except OSError as exc:
            taken = (isinstance(exc, FileExistsError | IsADirectoryError)
                     or exc.errno in (errno.ENOTEMPTY, errno.EEXIST))
            if not taken:
                raise OutputError(f"--out {folder}: cannot write ({exc.strerror})") from None
            if not unique:
                raise OutputError(f"--out {folder}: another process wrote to this folder "
                                  "meanwhile; choose a new folder") from None
    raise OutputError(f"--out {folder}: no free name from {folder.name} to "
                      f"{folder.name}-999; choose a new folder")


def write_run(folder: Path, frame: pd.DataFrame, manifest: dict[str, Any],
              figure: Callable[[pd.DataFrame, Path], None] | None = None,
              unique: bool = False) -> Path:
    """One run's folder: ``manifest.json``, ``timeseries.parquet`` and ``summary.png``.

    The files go into a hidden temporary folder, renamed into place at the end by one
    rename that fails rather than overwrite a folder another process filled meanwhile.
    With ``unique`` (a default name, not one the user chose) the result then goes to
    ``folder-2``, ``folder-3``, ... instead; otherwise :class:`OutputError` is raised.
    Nothing is left behind on failure. Returns the folder written.
    """
    folder = Path(folder)
    check_writable(folder, empty=not unique)
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = _make_temporary_folder(folder)
    except OSError as exc:
        raise OutputError(f"--out {folder}: cannot write ({exc.strerror})") from None
    try:
        write_parquet(tmp / "timeseries.parquet", frame)
        if figure is not None:
            with disk_space(tmp / "summary.png"):
                figure(frame, tmp / "summary.png")
        write_json(tmp / "manifest.json", manifest)
        return _move_into_place(tmp, folder, unique)
    except DiskFullError as exc:  # named by where it was to go, not the temporary folder
        shutil.rmtree(tmp, ignore_errors=True)
        raise DiskFullError(folder / exc.path.name) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
