"""Reforms as they happened: scenarios whose levers change at dated months.

A *timeline* is a start (a preset, optionally with lever overrides) and dated *changes*,
each to a preset's levers or to named levers. Timelines are data, kept beside the
presets in ``presets/timelines/*.toml``::

    description = "Taicang 2005-2020"
    start = "baseline"                 # a preset (its levers and context)
    start_year = 2005                  # calendar year of reported month 1 (optional)
    end_year = 2020                    # last reported year: months = 12 * (end - start + 1)

    [[changes]]
    year = 2008                        # or: month = 46 (reported month, from 1)
    month_of_year = 10                 # with year: the calendar month (default 1)
    preset = "taicang_1_0"             # the levers of a preset ...
    why = "Taicang begins 政社互动 in October 2008 (seed 001)"

    [[changes]]
    month = 100
    consultations_per_year = 4.0       # ... or named levers (both may be given)
    why = "..."

A change takes effect at the *start* of its reported month: that month's phases already
run under the new levers (:meth:`cogov_sim.model.CoGovModel.adopt`). A change to a preset
sets every lever to that preset's value (levers the preset does not name take their
defaults); named levers are applied on top. Only levers may change: sizes and context
are the township's and stay as they are.

A timeline runs as :class:`ScheduledParams`, a :class:`~cogov_sim.params.Params` that also
carries its changes, so it goes wherever parameters go (``simulate``, experiments,
sensitivity base points, workers). Load it with :func:`load_scenario`, which accepts
preset and timeline names alike. The keys of a timeline file are declared in
:class:`cogov_sim.schema.Timeline` (``cogov-sim schema timeline``), imported only when a
timeline is built, never by a run. Bad timelines raise
:class:`~cogov_sim.params.ParameterError` with one line naming the file and the entry.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from .params import ParameterError, Params, suggest
from .presets import preset_names, preset_values
from .specfile import read_toml

CHANGE_KEYS = ("month", "year", "month_of_year", "preset", "why")
YEARS = (1949, 2100)


@dataclass(frozen=True, slots=True)
class Change:
    """One dated change: from reported ``month`` (1-based) on, ``levers`` hold."""

    month: int
    levers: tuple[tuple[str, float], ...]
    label: str = ""
    why: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"month": self.month, "label": self.label, "levers": dict(self.levers)}


@dataclass(frozen=True, slots=True, kw_only=True)
class ScheduledParams(Params):
    """Parameters of the first reported month plus the dated lever changes after it.

    ``start_year`` (optional) dates reported month 1 as January of that year; outputs then
    carry ``date`` and ``calendar_year`` columns. With no changes a run is bit-identical
    to the same :class:`Params` run statically.
    """

    changes: tuple[Change, ...] = ()
    start_year: int | None = None
    timeline: str = ""

    def __post_init__(self) -> None:
        Params.__post_init__(self)  # zero-argument super() fails in slotted dataclasses
        last = 0
        for i, change in enumerate(self.changes, start=1):
            where = f"timeline {self.timeline or '<inline>'}, change #{i}"
            if not last < change.month <= self.months:
                raise ParameterError(
                    f"{where}: month {change.month} ({self.date(change.month)}); allowed: after "
                    f"month {last} and at most months = {self.months}, dates increasing")
            last = change.month
        if self.start_year is not None and not YEARS[0] <= self.start_year <= YEARS[1]:
            raise ParameterError(f"start_year = {self.start_year}; allowed: {YEARS[0]} to {YEARS[1]}")

    def date(self, month: int) -> str:
        """``YYYY-MM`` of reported month ``month`` (``month N`` without a start year)."""
        if self.start_year is None:
            return f"month {month}"
        year, m = divmod(month - 1, 12)
        return f"{self.start_year + year}-{m + 1:02d}"

    def schedule(self) -> dict[int, tuple[tuple[str, float], ...]]:
        """Reported month → levers set at its start."""
        return {c.month: c.levers for c in self.changes}

    def description(self) -> dict[str, Any]:
        """JSON-ready account of the timeline (for manifests)."""
        return {"timeline": self.timeline, "start_year": self.start_year,
                "changes": [{**c.to_dict(), "date": self.date(c.month)} for c in self.changes]}


def schedule_of(params: Params) -> dict[int, tuple[tuple[str, float], ...]]:
    """The changes of ``params`` by reported month (empty for plain parameters)."""
    return params.schedule() if isinstance(params, ScheduledParams) else {}


def describe(params: Params) -> dict[str, Any]:
    """The timeline of ``params`` for a manifest (empty for plain parameters)."""
    return params.description() if isinstance(params, ScheduledParams) else {}


# -- loading ------------------------------------------------------------------------------

def timelines_folder() -> Traversable:
    """Where timelines are kept: ``presets/timelines/`` inside the package."""
    return resources.files(__package__).joinpath("presets", "timelines")


def timeline_names() -> tuple[str, ...]:
    """The timelines' names (their files' names without ``.toml``).

    Raises
    ------
    ParameterError
        A timeline file is named like a preset: it would replace the preset under that
        name (one line naming the file).
    """
    folder = timelines_folder()
    if not folder.is_dir():
        return ()
    names = tuple(sorted(p.name.removesuffix(".toml") for p in folder.iterdir()
                         if p.name.endswith(".toml")))
    for name in names:
        if name in preset_names():
            raise ParameterError(
                f"timeline file {folder.joinpath(name + '.toml')} is named like the preset "
                f"'{name}' and would replace it; rename the file (a timeline's name may not "
                f"be one of the presets: {', '.join(preset_names())})")
    return names


def scenario_names() -> tuple[str, ...]:
    """Every name ``--scenario`` accepts: presets, then timelines."""
    return (*preset_names(), *timeline_names())


@cache
def timeline_data(name: str) -> dict[str, Any]:
    """The parsed TOML of timeline ``name``.

    Raises
    ------
    ParameterError
        An unknown name, or a file that is not UTF-8 text (e.g. saved as UTF-16) or not
        valid TOML (one line naming the file and what is allowed).
    """
    names = timeline_names()
    if name not in names:
        raise ParameterError(f"unknown timeline '{name}'{suggest(name, names)}; "
                             f"allowed: {', '.join(names) or '(none)'}")
    return read_toml(timelines_folder().joinpath(f"{name}.toml"), ParameterError,
                     what="timeline file ")


def load_scenario(name: str, **overrides: Any) -> Params:
    """Parameters of a preset or a timeline ``name`` with ``overrides`` applied on top.

    A timeline gives :class:`ScheduledParams`; overrides of levers set the start (a later
    change that names the lever still changes it), overrides of sizes and context hold
    throughout. An override of ``months`` must still cover every change. ``communities``
    (a community table, its name or path, or a number of equal communities) builds the
    township, as :meth:`~cogov_sim.params.Params.with_communities` does.
    """
    if name in timeline_names():
        return build_timeline(timeline_data(name), name=name, source=f"timeline {name}",
                              overrides=overrides)
    if name not in preset_names():
        names = scenario_names()
        raise ParameterError(f"unknown scenario '{name}'{suggest(name, names)}; "
                             f"allowed: {', '.join(names)}")
    from .presets import load_preset

    return load_preset(name, **overrides)


def build_timeline(data: Mapping[str, Any], *, name: str = "", source: str = "timeline",
                   overrides: Mapping[str, Any] | None = None) -> ScheduledParams:
    """Validate a timeline given as a mapping (parsed TOML) and build its parameters.

    Raises
    ------
    ParameterError
        One line: ``<source>, <entry>: <problem>; allowed: ...``.
    """
    from .schema import Timeline, check

    def fail(place: str, message: str) -> ParameterError:
        return ParameterError(f"{source}, {place}: {message}")

    m = check(Timeline, data, source=source, error=ParameterError)
    start_year = m.start_year
    values: dict[str, Any] = {**preset_values(m.start), **(m.levers.given() if m.levers else {})}
    if m.end_year is not None:
        values["months"] = 12 * (m.end_year - start_year + 1)
    values.update(overrides or {})
    try:
        base = Params().replace(**values)
    except ParameterError as exc:
        raise fail("start", str(exc)) from None
    changes = tuple(_change(entry, i, start_year, base, fail)
                    for i, entry in enumerate(m.changes, start=1))
    try:
        return ScheduledParams(**base.to_dict(), communities=base.communities, changes=changes,
                               start_year=start_year, timeline=name)
    except ParameterError as exc:
        raise ParameterError(f"{source}: {exc}") from None


def _change(entry: Any, i: int, start_year: int | None, base: Params, fail: Any) -> Change:
    """One ``[[changes]]`` table (checked by the schema) as a dated change of levers."""
    if entry.year is not None:
        moy = entry.month_of_year or 1
        month, label_date = 12 * (entry.year - start_year) + moy, f"{entry.year}-{moy:02d}"
    else:
        month, label_date = entry.month, f"month {entry.month}"
    if not 1 <= month <= base.months:
        raise fail(f"[[changes]] #{i}", f"{label_date} is outside the reported months 1 to {base.months}"
                          + (f" ({start_year}-01 on)" if start_year is not None else ""))
    preset = entry.preset
    levers: dict[str, float] = {}
    if preset is not None:
        levers.update(Params().replace(**preset_values(preset)).levers())
    named = {k: v for k, v in entry.given().items() if k not in CHANGE_KEYS}
    levers.update(named)
    label = preset if preset is not None and not named else \
        ", ".join([*([preset] if preset else []), *(f"{k}={v:g}" for k, v in named.items())])
    return Change(month=month, levers=tuple(sorted(levers.items())), label=label, why=entry.why)


def with_changes(params: Params, changes: tuple[Change, ...], *, start_year: int | None = None,
                 name: str = "") -> ScheduledParams:
    """``params`` with dated ``changes`` (the Python API's way to build a timeline)."""
    base = {f.name: getattr(params, f.name) for f in dataclasses.fields(Params)}
    return ScheduledParams(**base, changes=changes, start_year=start_year, timeline=name)


__all__ = ["Change", "ScheduledParams", "build_timeline", "describe", "load_scenario",
           "scenario_names", "schedule_of", "timeline_names", "with_changes"]
