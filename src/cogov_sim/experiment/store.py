"""The experiment folder on disk: manifest, ledger of finished runs, Parquet shards.

::

    <folder>/
      manifest.json     what was scheduled and how (written before any run starts)
      ledger.jsonl      one line per finished or failed run, appended and fsynced
      runs/             outcomes as Parquet shards, written as runs finish
      spinups/          shared spin-ups (:mod:`cogov_sim.spinup`), one file per key
      tables/, figures/ derived from the data (rewritten on every call)

The ledger is the commit point. A shard is written (and fsynced) first, then one ledger
line per run in it, naming the shard. A run is *done* when the ledger says so and its
shard holds its rows. On every call, :func:`reconcile` makes ``runs/`` agree with the
ledger before anything runs: a damaged or missing shard's runs are redone, a shard
holding rows the ledger does not name as its own (a crash between the two writes) is
rewritten without them or removed. So after Ctrl-C, SIGKILL, a power cut or a damaged
file, rerunning the same call redoes only what is missing, and the data, read through the
ledger or straight from ``runs/``, equal those of an uninterrupted sweep. A damaged
``manifest.json`` is refused with one line: without it the folder cannot be checked
against the experiment.

One process at a time: :func:`open_folder` takes an exclusive lock on ``<folder>/.lock``
(:mod:`filelock`: ``flock`` on Unix, ``msvcrt.locking`` on Windows; the operating system
releases it when the process dies), held until :func:`release_folder`, so a second process
running into the same folder is refused instead of overwriting the first one's shards.

This module and :mod:`cogov_sim.store` are the only writers of result files.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from filelock import FileLock, Timeout

from ..store import (
    DiskFullError,
    OutputError,
    check_writable,
    disk_space,
    read_json,
    write_json,
)

MANIFEST = "manifest.json"
LEDGER = "ledger.jsonl"
RUNS = "runs"
SPINUPS = "spinups"
LOCK = ".lock"
_SHARD = re.compile(r"^shard-(\d+)\.parquet$")


class FolderMismatchError(OutputError):
    """The folder holds results of a different experiment, spec or model version."""


# -- opening ------------------------------------------------------------------------------

def open_folder(folder: Path, manifest: dict[str, Any], identity: Sequence[str]) -> dict[str, Any]:
    """Lock ``folder``, then create it with ``manifest`` or check it holds the same experiment.

    ``identity`` names the manifest keys that must match an existing folder's. Returns
    the manifest to use: the existing one when resuming (so its history is kept). The
    folder stays locked against other processes until :func:`release_folder` (or the end
    of this process).

    Raises
    ------
    OutputError
        The folder cannot be written, is a non-empty folder of something else, or is in
        use by another process.
    FolderMismatchError
        The folder holds results whose identity differs (first difference named).
    """
    folder = Path(folder)
    path = folder / MANIFEST
    if path.is_file():
        read_manifest(folder)  # a damaged manifest is refused before anything else
    else:
        check_writable(folder, ignore=(LOCK,))
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"--out {folder}: cannot write ({exc.strerror})") from None
    lock_folder(folder)
    try:
        if path.is_file():  # read again under the lock: another process may have made it
            old = read_manifest(folder)
            _compare(folder, old, manifest, identity)
            (folder / RUNS).mkdir(exist_ok=True)
            return dict(old)
        check_writable(folder, ignore=(LOCK,))
        try:
            write_json(path, manifest)
            (folder / RUNS).mkdir(exist_ok=True)
        except OSError as exc:
            raise OutputError(f"--out {folder}: cannot write ({exc.strerror})") from None
    except BaseException:
        release_folder(folder)
        raise
    return manifest


_LOCKS: dict[Path, list[Any]] = {}  # folder -> [FileLock, holders in this process]


def lock_folder(folder: Path) -> None:
    """Take the folder's exclusive lock (re-entrant within this process).

    Raises
    ------
    OutputError
        Another process holds it (one line naming the folder).
    """
    key = Path(folder).resolve()
    if key in _LOCKS:
        _LOCKS[key][1] += 1
        return
    lock = FileLock(key / LOCK, timeout=0, thread_local=False)
    try:
        lock.acquire()
    except Timeout:
        raise OutputError(f"{folder} is in use by another cogov-sim process; wait for it "
                          "to finish or choose another --out folder") from None
    except (OSError, NotImplementedError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise OutputError(f"--out {folder}: cannot lock ({reason})") from None
    _LOCKS[key] = [lock, 1]


def release_folder(folder: Path) -> None:
    """Give back one hold of the folder's lock; the last one unlocks it."""
    key = Path(folder).resolve()
    entry = _LOCKS.get(key)
    if entry is None:
        return
    entry[1] -= 1
    if entry[1] <= 0:
        del _LOCKS[key]
        entry[0].release()


def _compare(folder: Path, old: Mapping[str, Any], new: Mapping[str, Any],
             identity: Sequence[str]) -> None:
    hint = f"; choose another --out folder or delete {folder}"
    if old.get("version") != new.get("version"):
        raise FolderMismatchError(
            f"{folder} holds results of cogov-sim {old.get('version')}, this is "
            f"{new.get('version')}; results of two versions are not mixed{hint}")
    if old.get("model_code") != new.get("model_code"):
        raise FolderMismatchError(
            f"{folder} holds results of different model code (source hash "
            f"{str(old.get('model_code'))[:12]} there, {str(new.get('model_code'))[:12]} "
            f"here); results of two models are not mixed{hint}")
    for key in identity:
        where = _first_difference(old.get(key), new.get(key), key)
        if where is not None:
            raise FolderMismatchError(f"{folder} holds results of a different experiment "
                                      f"({where}){hint}")


def _first_difference(a: Any, b: Any, path: str) -> str | None:
    """Where two JSON-like values first differ, as ``path: a there, b here``."""
    a, b = _jsonable(a), _jsonable(b)
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(dict.fromkeys([*a, *b])):
            if key not in b:
                return f"{path}.{key}: there but not here"
            if key not in a:
                return f"{path}.{key}: here but not there"
            found = _first_difference(a[key], b[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} entries there, {len(b)} here"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            found = _first_difference(x, y, f"{path}[{i}]")
            if found:
                return found
        return None
    return None if a == b else f"{path}: {_short(a)} there, {_short(b)} here"


def _jsonable(value: Any) -> Any:
    """The value as it reads back from JSON (tuples become lists, keys strings)."""
    return json.loads(json.dumps(value, default=str))


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else text[:37] + "..."


def update_manifest(folder: Path, manifest: Mapping[str, Any]) -> None:
    write_json(Path(folder) / MANIFEST, dict(manifest))


def read_manifest(folder: Path) -> dict[str, Any]:
    """The folder's manifest; a missing or damaged one raises :class:`OutputError` (one
    line naming the file and what to do)."""
    path = Path(folder) / MANIFEST
    if not path.is_file():
        raise OutputError(f"{folder}: no {MANIFEST}; not an experiment folder")
    advice = (f"; the results in {folder} cannot be checked against the experiment "
              "without it: move or delete the folder, or choose another --out folder")
    try:
        manifest = read_json(path)
    except OutputError as exc:
        raise OutputError(f"{exc}{advice}") from None
    if not isinstance(manifest, dict) or "version" not in manifest:
        raise OutputError(f"{path} is damaged (not a cogov-sim manifest){advice}")
    return manifest


# -- the ledger ---------------------------------------------------------------------------

def read_ledger(folder: Path) -> dict[str, dict[str, Any]]:
    """The latest ledger entry per run id (a torn last line, from a crash, is ignored)."""
    path = Path(folder) / LEDGER
    entries: dict[str, dict[str, Any]] = {}
    if not path.is_file():
        return entries
    with path.open("r", encoding="utf-8") as fh:
        for line in fh:
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(entry, dict) and "run_id" in entry:
                entries[str(entry["run_id"])] = entry
    return entries


def append_ledger(folder: Path, entries: Iterable[Mapping[str, Any]]) -> None:
    """Append entries (one JSON line each) and fsync before returning."""
    text = "".join(json.dumps(e, ensure_ascii=False, default=str) + "\n" for e in entries)
    if not text:
        return
    path = Path(folder) / LEDGER
    with disk_space(path), path.open("a", encoding="utf-8") as fh:
        if fh.tell() > 0 and not _ends_with_newline(path):
            fh.write("\n")  # after a torn line, start clean
        fh.write(text)  # a line torn by a full disk is ignored when the ledger is read
        fh.flush()
        os.fsync(fh.fileno())


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as fh:
        fh.seek(-1, os.SEEK_END)
        return fh.read(1) == b"\n"


# -- shards -------------------------------------------------------------------------------

def next_shard_number(folder: Path, ledger: Mapping[str, Mapping[str, Any]] | None = None) -> int:
    """One more than any shard number on disk or in the ledger (numbers are never reused,
    even of a damaged shard that was deleted)."""
    names = [p.name for p in (Path(folder) / RUNS).glob("shard-*.parquet")]
    names += [str(e["shard"]) for e in (ledger or {}).values() if e.get("shard")]
    numbers = [int(m.group(1)) for name in names if (m := _SHARD.match(name))]
    return max(numbers, default=0) + 1


def write_shard(folder: Path, number: int, frame: pd.DataFrame) -> str:
    """Write ``frame`` as shard ``number`` (atomically, fsynced); return its file name."""
    name = f"shard-{number:06d}.parquet"
    _write_table(Path(folder) / RUNS, name, pa.Table.from_pandas(frame, preserve_index=False))
    return name


def _write_table(runs: Path, name: str, table: pa.Table) -> None:
    """Write ``runs/name`` atomically: temporary file, fsync, rename, fsync the folder.

    The file is fsynced through the handle it was written with: Windows refuses to flush
    a handle opened only for reading (``_commit`` needs write access), so a separate
    read-only open would fail every shard there.
    """
    tmp = runs / f".{name}.tmp"
    try:
        with disk_space(runs / name), tmp.open("wb") as fh:
            pq.write_table(table, fh)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)  # a half-written shard only takes space
        raise
    os.replace(tmp, runs / name)
    _fsync_dir(runs)


def _fsync_dir(path: Path) -> None:
    """Flush a folder's entries (the rename) to disk where the system allows it: POSIX
    opens a folder read-only for that; Windows cannot open a folder as a file at all and
    commits renames itself."""
    if os.name == "nt":
        return
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def reconcile(folder: Path, ledger: Mapping[str, Mapping[str, Any]]) -> set[str]:
    """Make ``runs/`` agree with the ledger; return the done runs whose rows are intact.

    A run the ledger marks done counts only if its shard can be read and holds exactly
    the rows recorded; otherwise it is to be redone (a shard deleted, truncated or
    overwritten). Then every shard that holds no intact run, every damaged shard and
    every temporary file left by a crash is deleted, and a shard that also holds rows the
    ledger does not assign to it (a run whose ledger line a crash tore, redone into a new
    shard) is rewritten, atomically, with only its own runs' rows.
    """
    runs_dir = Path(folder) / RUNS
    intact: set[str] = set()
    keep: set[str] = set()
    for shard, runs in sorted(_done_by_shard(ledger).items()):
        path = runs_dir / shard
        table = _read_table(path) if path.is_file() else None
        if table is None:
            continue
        counts = table.column("run_id").to_pandas().value_counts()
        good = {r for r in runs if int(counts.get(r, 0)) > 0
                and ledger[r].get("rows") in (None, int(counts.get(r, 0)))}
        if not good:
            continue
        keep.add(shard)
        intact |= good
        if set(counts.index) - good:
            mask = pc.is_in(table.column("run_id"), value_set=pa.array(sorted(good)))
            _write_table(runs_dir, shard, table.filter(mask))
    for path in runs_dir.iterdir():
        if path.name.startswith(".") or (_SHARD.match(path.name) and path.name not in keep):
            path.unlink(missing_ok=True)
    return intact


def _read_table(path: Path, columns: Sequence[str] | None = None) -> pa.Table | None:
    """The shard's data, or None if the file is damaged (truncated, garbled, not Parquet,
    no ``run_id``). A file that cannot be opened at all (permissions) is not called
    damaged, since it would then be deleted: that raises :class:`OutputError`."""
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        raise OutputError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        table = pq.read_table(path, columns=None if columns is None else list(columns))
    except (pa.ArrowException, OSError):  # pyarrow reports a garbled footer as OSError
        return None
    return table if "run_id" in table.column_names else None


def _done_by_shard(ledger: Mapping[str, Mapping[str, Any]]) -> dict[str, set[str]]:
    by_shard: dict[str, set[str]] = {}
    for run_id, entry in ledger.items():
        if entry.get("status") == "done":
            by_shard.setdefault(str(entry["shard"]), set()).add(run_id)
    return by_shard


def read_shards(folder: Path, ledger: Mapping[str, Mapping[str, Any]],
                columns: Sequence[str] | None = None) -> list[pd.DataFrame]:
    """Rows of every done run, each taken from the shard its ledger entry names.

    Raises
    ------
    OutputError
        A run the ledger marks done has no rows (or not as many as recorded) in its shard:
        the folder was changed by hand or by a concurrent writer.
    """
    frames = []
    for shard, runs in sorted(_done_by_shard(ledger).items()):
        path = Path(folder) / RUNS / shard
        if not path.is_file():
            raise OutputError(f"{folder}: {shard} is missing but the ledger lists "
                              f"{len(runs)} done run(s) in it (e.g. {min(runs)}); rerun the "
                              "same command to redo them")
        table = _read_table(path, columns)
        if table is None:
            raise OutputError(f"{path} is damaged (not a readable Parquet file); rerun the "
                              f"same command to redo its {len(runs)} run(s)")
        frame = table.to_pandas()
        frame = frame[frame["run_id"].isin(runs)]
        counts = frame["run_id"].value_counts()
        bad = sorted(r for r in runs if int(counts.get(r, 0)) == 0
                     or ledger[r].get("rows") not in (None, int(counts.get(r, 0))))
        if bad:
            raise OutputError(f"{folder}: run(s) {', '.join(bad[:3])}"
                              f"{' ...' if len(bad) > 3 else ''} marked done have missing "
                              f"rows in {shard}; rerun the same command to redo them")
        frames.append(frame)
    return frames


# -- shared spin-ups ------------------------------------------------------------------------

def spinup_path(folder: Path, key: str) -> Path:
    """Where the spin-up of key ``key`` is kept: ``spinups/<key>.spinup``."""
    if not re.fullmatch(r"[0-9a-f]{64}", key):
        raise ValueError(f"spin-up key {key!r}: expected 64 hex digits")
    return Path(folder) / SPINUPS / f"{key}.spinup"


def write_spinup(folder: Path, key: str, data: bytes) -> None:
    """Keep a spin-up snapshot (:meth:`cogov_sim.spinup.SpinUp.to_bytes`), atomically:
    a temporary file of a name no other writer uses, fsynced, then renamed over the
    final name. Two writers of one key write the same bytes, so whichever rename comes
    last leaves a whole, correct file; a reader never sees a partial one."""
    path = spinup_path(folder, key)
    path.parent.mkdir(exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with tmp.open("xb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def read_spinup(folder: Path, key: str) -> bytes | None:
    """The stored bytes of the spin-up of key ``key``, or None if there are none (or they
    cannot be read here, e.g. on a cluster worker that does not see the folder)."""
    try:
        return spinup_path(folder, key).read_bytes()
    except OSError:
        return None


def spinup_keys(folder: Path) -> list[str]:
    """Keys of the spin-ups kept in ``folder`` (sorted)."""
    where = Path(folder) / SPINUPS
    if not where.is_dir():
        return []
    return sorted(p.stem for p in where.glob("*.spinup") if not p.name.startswith("."))


def clean_spinups(folder: Path) -> None:
    """Delete temporary files a crash left in ``spinups/`` (only the driver writes there,
    under the folder's lock, so none is being written)."""
    where = Path(folder) / SPINUPS
    if where.is_dir():
        for path in where.glob(".*.tmp"):
            path.unlink(missing_ok=True)


# -- derived outputs ----------------------------------------------------------------------

def write_table(path: Path, frame: pd.DataFrame) -> None:
    """A CSV table, written atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with disk_space(path):
            frame.to_csv(tmp, index=False)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with disk_space(path):
            tmp.write_text(text, encoding="utf-8")
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)


def write_figure(path: Path, draw: Callable[[Path], None]) -> None:
    """Let ``draw`` save a figure to a temporary name, then move it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".tmp-{path.name}")  # keeps the suffix for matplotlib
    try:
        with disk_space(path):
            draw(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


__all__ = ["DiskFullError", "FolderMismatchError", "append_ledger", "lock_folder", "next_shard_number",
           "open_folder", "read_ledger", "reconcile", "release_folder",
           "read_manifest", "read_shards", "read_spinup", "spinup_keys", "spinup_path",
           "update_manifest", "write_spinup",
           "write_figure", "write_shard", "write_table", "write_text"]
