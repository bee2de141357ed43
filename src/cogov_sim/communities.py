"""Communities of real, unequal sizes: a township built from a community table.

A community table is a CSV file with one row per community (residents' or villagers'
committee) and at least the columns ``name`` and ``residents`` (adult residents)::

    # lines starting with '#' are provenance: the source of each row, or that it is an
    # assumption
    name,kind,residents,households,elderly_share
    estate_1,urban,11200,5090,0.12
    village_7,village,1600,550,0.42

Optional columns:

``kind``
    ``urban`` (a residents' committee in town), ``resettlement`` (a residents' committee of
    a resettlement estate, 动迁安置小区) or ``village`` (a villagers' committee); urban and
    resettlement communities are urban (:attr:`CommunityTable.urban`). Used for reporting.
``households``
    households (a whole number); recorded, used for reporting.
``elderly_share``
    share of the community's adult residents aged 60 and over (0-1); residents' ages are
    drawn with it (scaled so that the township's resident-weighted mean is the parameter
    ``share_elderly``, which :meth:`~cogov_sim.params.Params.with_communities` sets to the
    table's own mean).
``staff``
    full-time committee staff; without it staff are proportional to residents (the
    township's ``staff_per_committee`` for a community of mean size).

The columns and their values are declared in :class:`cogov_sim.schema.CommunityRow`
(``cogov-sim schema communities``; docs/spec-reference.md), which checks every row when a
table is read (pydantic is imported then, never by a run). Packaged tables
(``presets/communities/*.csv``) are found by name (:func:`table_names`); anything else is
a path. Every problem with a file raises
:class:`~cogov_sim.params.ParameterError` with one line naming the file, the line and
column, and what is allowed.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from .params import ParameterError, suggest

REQUIRED = ("name", "residents")
OPTIONAL = ("kind", "households", "elderly_share", "staff")
COLUMNS = (*REQUIRED, *OPTIONAL)
KINDS = ("urban", "resettlement", "village")
DEFAULT = "taicang_township"
"""The packaged table the command line's ``run`` and the main job build the township from."""
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


@dataclass(frozen=True, slots=True)
class CommunityTable:
    """One township's communities: names, adult residents and optional columns, in rows.

    Immutable and hashable; equal tables have equal content (``label`` and ``notes`` do
    not count). ``sha256`` is a hash of the content, recorded in manifests.
    """

    names: tuple[str, ...]
    residents: tuple[float, ...]
    kind: tuple[str, ...] | None = None
    households: tuple[int, ...] | None = None
    elderly_share: tuple[float, ...] | None = None
    staff: tuple[float, ...] | None = None
    label: str = field(default="<table>", compare=False)
    """The packaged table's name, or the file's path."""
    notes: str = field(default="", compare=False, repr=False)
    """The file's comment lines: the provenance of its rows."""
    sha256: str = field(default="", init=False)

    def __post_init__(self) -> None:
        for name in ("names", "residents", "kind", "households", "elderly_share", "staff"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, tuple(value))
        where = f"community table {self.label}"
        if not self.names:
            raise ParameterError(f"{where}: no communities; allowed: at least one row")
        for name in ("residents", *OPTIONAL):
            value = getattr(self, name)
            if value is not None and len(value) != len(self.names):
                raise ParameterError(f"{where}: {len(value)} values of {name} for "
                                     f"{len(self.names)} communities; allowed: one per community")
        if len(set(self.names)) != len(self.names):
            twice = next(n for n in self.names if self.names.count(n) > 1)
            raise ParameterError(f"{where}: community name {twice!r} repeats; names must be unique")
        for i, name in enumerate(self.names):
            _check_row(self.row(i), lambda column, value: f"{where}, community {name!r}, "  # noqa: B023
                       f"{column} = {value!r}", strict=True)
        object.__setattr__(self, "sha256", _content_hash(self))

    # -- reading ------------------------------------------------------------------------
    @property
    def rows(self) -> int:
        return len(self.names)

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(c for c in COLUMNS if c in REQUIRED or getattr(self, c) is not None)

    @property
    def total(self) -> float:
        """Adult residents in all communities."""
        return float(sum(self.residents))

    @property
    def shares(self) -> np.ndarray:
        """Each community's share of the township's residents."""
        r = np.asarray(self.residents, dtype=float)
        return r / r.sum()

    @property
    def urban(self) -> tuple[bool, ...] | None:
        """Urban (residents' committee) or rural (villagers' committee), from ``kind``."""
        return None if self.kind is None else tuple(k != "village" for k in self.kind)

    @property
    def mean_elderly(self) -> float | None:
        """Resident-weighted mean of ``elderly_share`` (None without the column)."""
        if self.elderly_share is None:
            return None
        return float(np.dot(self.shares, np.asarray(self.elderly_share, dtype=float)))

    def row(self, i: int) -> dict[str, Any]:
        return {c: getattr(self, c)[i] if c != "name" else self.names[i] for c in self.columns}

    def frame(self):  # noqa: ANN201 - pandas is imported lazily
        """The table as a pandas DataFrame (one row per community)."""
        import pandas as pd

        return pd.DataFrame([self.row(i) for i in range(self.rows)])

    def identity(self) -> dict[str, Any]:
        """What defines runs built from the table: its content hash and size (not where it
        was read from, so the same table under another path resumes the same results)."""
        return {"sha256": self.sha256, "rows": self.rows, "residents": self.total}

    def describe(self) -> dict[str, Any]:
        """What a manifest records: where the table came from, its content hash and size."""
        return {"table": self.label, **self.identity(), "columns": list(self.columns)}


def _check_row(row: dict[str, Any], where: Any, strict: bool = False) -> dict[str, Any]:
    """One row checked by the schema's :class:`~cogov_sim.schema.CommunityRow`: its cells'
    values (``strict``: values given in code, not text); a problem is one line,
    ``where(column, value)`` and what is allowed."""
    from .schema import community_row

    try:
        return community_row(row, strict=strict)
    except ValueError as exc:
        column, allowed, number = exc.args
        sep = ": " if strict else " is not a number; " if number else "; "
        raise ParameterError(f"{where(column, row[column])}{sep}allowed: {allowed}") from None


def _content_hash(table: CommunityTable) -> str:
    data = {c: list(getattr(table, c if c != "name" else "names")) for c in table.columns}
    text = json.dumps(data, sort_keys=True, default=float)
    return hashlib.sha256(text.encode()).hexdigest()


# -- finding and loading -----------------------------------------------------------------

def table_names() -> tuple[str, ...]:
    """Names of the packaged community tables."""
    folder = resources.files(__package__).joinpath("presets", "communities")
    if not folder.is_dir():
        return ()
    return tuple(sorted(p.name.removesuffix(".csv") for p in folder.iterdir()
                        if p.name.endswith(".csv")))


def load_communities(source: str | Path | CommunityTable, base: Path | None = None) -> CommunityTable:
    """The community table ``source``: a packaged table's name, a path to a CSV file, or a
    table (returned as it is). A relative path is taken relative to ``base`` if given
    (a spec file's folder), else to the working directory.

    Raises
    ------
    ParameterError
        One line naming the file, the line and column and what is allowed.
    """
    if isinstance(source, CommunityTable):
        return source
    if not isinstance(source, str | Path):
        raise ParameterError(f"communities = {source!r}: expected a community table, the name "
                             f"of one ({', '.join(table_names())}) or a path to a .csv file")
    names = table_names()
    text = str(source)
    if isinstance(source, str) and text in names:
        data = resources.files(__package__).joinpath("presets", "communities", f"{text}.csv")
        return parse_communities(data.read_bytes(), label=text)
    path = Path(source)
    if isinstance(source, str) and path.suffix == "" and len(path.parts) == 1:
        raise ParameterError(f"unknown community table '{text}'{suggest(text, names)}; allowed: "
                             f"{', '.join(names)} or a path to a .csv file")
    if base is not None and not path.is_absolute():
        path = base / path
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ParameterError(f"{path}: no such file; allowed: a path to a .csv community table, "
                             f"or a packaged table: {', '.join(names)}") from None
    except IsADirectoryError:
        raise ParameterError(f"{path}: is a folder; allowed: a .csv community table") from None
    except OSError as exc:
        raise ParameterError(f"{path}: cannot read ({exc.strerror or exc})") from None
    return parse_communities(raw, label=str(path))


def parse_communities(raw: bytes | str, label: str = "<table>") -> CommunityTable:
    """A community table from the text of a CSV file (bytes are decoded as UTF-8)."""
    if isinstance(raw, bytes):
        if raw.startswith(_UTF16_BOMS):
            raise ParameterError(f"{label}: saved as UTF-16 text; community tables must be UTF-8 "
                                 "(save it again choosing the UTF-8 encoding)")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ParameterError(f"{label}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at position "
                                 f"{exc.start}); save it again choosing the UTF-8 encoding") from None
    else:
        text = raw
    notes: list[str] = []
    lines: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("#"):
            notes.append(stripped.lstrip("#").strip())
        elif stripped:
            lines.append((number, line))
    if not lines:
        raise ParameterError(f"{label}: no header row; expected the columns "
                             f"{', '.join(REQUIRED)} (optional: {', '.join(OPTIONAL)})")
    try:
        parsed = list(csv.reader(io.StringIO("\n".join(line for _, line in lines))))
    except csv.Error as exc:
        raise ParameterError(f"{label}: not a valid CSV file ({exc})") from None
    header_line, header = lines[0][0], [h.strip() for h in parsed[0]]
    where = f"{label}, line {header_line} (header)"
    for column in header:
        if column not in COLUMNS:
            raise ParameterError(f"{where}: unknown column '{column}'{suggest(column, COLUMNS)}; "
                                 f"allowed: {', '.join(COLUMNS)}")
        if header.count(column) > 1:
            raise ParameterError(f"{where}: column '{column}' appears twice")
    for column in REQUIRED:
        if column not in header:
            raise ParameterError(f"{where}: missing column '{column}'; required: "
                                 f"{', '.join(REQUIRED)} (optional: {', '.join(OPTIONAL)})")
    if len(parsed) == 1:
        raise ParameterError(f"{label}: no rows of communities after the header; allowed: "
                             "at least one row")
    values: dict[str, list[Any]] = {c: [] for c in header}
    seen: dict[str, int] = {}
    for (number, _), cells in zip(lines[1:], parsed[1:], strict=True):
        if len(cells) != len(header):
            raise ParameterError(f"{label}, line {number}: {len(cells)} fields, expected "
                                 f"{len(header)} ({', '.join(header)})")
        row = _check_row({c: cell.strip() for c, cell in zip(header, cells, strict=True)},
                         lambda column, text: f"{label}, line {number}, column {column}: "  # noqa: B023
                                              f"{repr(text) if text else 'empty'}")
        for column in header:
            values[column].append(row[column])
        name = values["name"][-1]
        if name in seen:
            raise ParameterError(f"{label}, line {number}, column name: '{name}' repeats line "
                                 f"{seen[name]}; allowed: a name no other row has")
        seen[name] = number
    return CommunityTable(names=tuple(values.pop("name")), label=label, notes="\n".join(notes),
                          **{c: tuple(v) for c, v in values.items()})


# -- from a table to agents --------------------------------------------------------------

def largest_remainder(total: int, shares: Sequence[float] | np.ndarray) -> np.ndarray:
    """``total`` split in proportion to ``shares`` in whole numbers that sum to ``total``
    (largest remainder; ties go to the earlier row)."""
    shares = np.asarray(shares, dtype=float)
    exact = total * shares / shares.sum()
    out = np.floor(exact).astype(np.int64)
    rest = int(total - out.sum())
    order = np.argsort(-(exact - out), kind="stable")
    out[order[:rest]] += 1
    return out


__all__ = ["COLUMNS", "DEFAULT", "KINDS", "CommunityTable", "largest_remainder",
           "load_communities", "parse_communities", "table_names"]
