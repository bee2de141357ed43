"""The experiment folder on disk: manifest, ledger of finished runs, Parquet shards.

::

    <folder>/
      manifest.json     what was scheduled and how (written before any run starts)
      ledger.jsonl      one line per finished or failed run, appended and fsynced
      runs/             outcomes as Parquet shards, written as runs finish
      tables/, figures/ derived from the data (rewritten on every call)

The ledger is the commit point. A shard is written (and fsynced) first, then one ledger
line per run in it, naming the shard. A run is *done* when the ledger says so; a shard
holding runs the ledger does not name as theirs (a crash between the two writes) is
ignored when reading and removed on the next call. So after Ctrl-C, SIGKILL or a power
cut, rerunning the same call redoes only what is missing, and the data equal those of an
uninterrupted sweep.

This module and :mod:`cogov_sim.store` are the only writers of result files.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..store import OutputError, check_writable, read_json, write_json

MANIFEST = "manifest.json"
LEDGER = "ledger.jsonl"
RUNS = "runs"
_SHARD = re.compile(r"^shard-(\d+)\.parquet$")


class FolderMismatchError(OutputError):
    """The folder holds results of a different experiment, spec or model version."""


# -- opening ------------------------------------------------------------------------------

def open_folder(folder: Path, manifest: dict[str, Any], identity: Sequence[str]) -> dict[str, Any]:
    """Create ``folder`` with ``manifest``, or check that it holds the same experiment.

    ``identity`` names the manifest keys that must match an existing folder's. Returns
    the manifest to use: the existing one when resuming (so its history is kept).

    Raises
    ------
    OutputError
        The folder cannot be written, or is a non-empty folder of something else.
    FolderMismatchError
        The folder holds results whose identity differs (first difference named).
    """
    folder = Path(folder)
    path = folder / MANIFEST
    if path.is_file():
        old = read_json(path)
        _compare(folder, old, manifest, identity)
        (folder / RUNS).mkdir(exist_ok=True)
        return dict(old)
    check_writable(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_json(path, manifest)
        (folder / RUNS).mkdir(exist_ok=True)
    except OSError as exc:
        raise OutputError(f"--out {folder}: cannot write ({exc.strerror})") from None
    return manifest


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
    path = Path(folder) / MANIFEST
    if not path.is_file():
        raise OutputError(f"{folder}: no {MANIFEST}; not an experiment folder")
    return dict(read_json(path))


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
    with path.open("a", encoding="utf-8") as fh:
        if fh.tell() > 0 and not _ends_with_newline(path):
            fh.write("\n")  # after a torn line, start clean
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as fh:
        fh.seek(-1, os.SEEK_END)
        return fh.read(1) == b"\n"


# -- shards -------------------------------------------------------------------------------

def next_shard_number(folder: Path) -> int:
    numbers = [int(m.group(1)) for p in (Path(folder) / RUNS).glob("shard-*.parquet")
               if (m := _SHARD.match(p.name))]
    return max(numbers, default=0) + 1


def write_shard(folder: Path, number: int, frame: pd.DataFrame) -> str:
    """Write ``frame`` as shard ``number`` (atomically, fsynced); return its file name."""
    name = f"shard-{number:06d}.parquet"
    runs = Path(folder) / RUNS
    tmp = runs / f".{name}.tmp"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), tmp)
    with tmp.open("rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, runs / name)
    _fsync_dir(runs)
    return name


def _fsync_dir(path: Path) -> None:
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


def remove_orphans(folder: Path, ledger: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Delete shards no done run points to, and temporary files left by a crash."""
    keep = {e.get("shard") for e in ledger.values() if e.get("status") == "done"}
    removed = []
    for path in (Path(folder) / RUNS).iterdir():
        if path.name.startswith(".") or (_SHARD.match(path.name) and path.name not in keep):
            path.unlink(missing_ok=True)
            removed.append(path.name)
    return removed


def read_shards(folder: Path, ledger: Mapping[str, Mapping[str, Any]],
                columns: Sequence[str] | None = None) -> list[pd.DataFrame]:
    """Rows of every done run, each taken from the shard its ledger entry names."""
    by_shard: dict[str, set[str]] = {}
    for run_id, entry in ledger.items():
        if entry.get("status") == "done":
            by_shard.setdefault(str(entry["shard"]), set()).add(run_id)
    frames = []
    for shard in sorted(by_shard):
        table = pq.read_table(Path(folder) / RUNS / shard,
                              columns=None if columns is None else list(columns))
        frame = table.to_pandas()
        frames.append(frame[frame["run_id"].isin(by_shard[shard])])
    return frames


# -- derived outputs ----------------------------------------------------------------------

def write_table(path: Path, frame: pd.DataFrame) -> None:
    """A CSV table, written atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    frame.to_csv(tmp, index=False)
    os.replace(tmp, path)


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_figure(path: Path, draw: Callable[[Path], None]) -> None:
    """Let ``draw`` save a figure to a temporary name, then move it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".tmp-{path.name}")  # keeps the suffix for matplotlib
    try:
        draw(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


__all__ = ["FolderMismatchError", "append_ledger", "open_folder", "read_ledger",
           "read_manifest", "read_shards", "remove_orphans", "update_manifest",
           "write_figure", "write_shard", "write_table", "write_text"]
