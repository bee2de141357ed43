"""Experiment specifications: a TOML file in, a validated :class:`ExperimentSpec` out.

An experiment file (shipped ones in ``cogov_sim/specs/``, see :mod:`cogov_sim.specs`) declares what to run::

    name = "reform_stages"            # results go to results/<name>/<run id>/ (default: file name)
    description = "..."
    title = "Stages of the reform"    # optional: figure and table titles (default: the
    title_zh = "改革的各阶段"           # scenarios' display names); title_zh for Chinese ones
    root_seed = 20240601              # root of the seed tree (required)
    replications = 40                 # runs per design point (required)
    months = 120                      # optional size overrides for every run
    residents = 100000                # real residents ...
    communities = 20                  # equal communities, or a community table:
    # communities = "taicang_township"  # a packaged table, or a CSV path (relative to this file)
    residents_per_agent = 10          # ... simulated one agent per 10 (optional)
    spinup_months = 120               # unrecorded months under the baseline first (optional)
    common_random_numbers = true      # default: scenarios share seeds (paired comparisons)
    shared_spinup = true              # default: each seed's spin-up simulated once (same results)
    outcomes = ["happiness_index"]    # optional subset of the outcomes kept

    scenarios = ["baseline", "taicang_3_0"]       # presets by name, or a table:

    [scenarios]
    reform = "taicang_3_0"                        # a preset under another name
    what_if = { preset = "taicang_3_0", consultations_per_year = 2 }

    [design]                          # optional: vary parameters within every scenario
    type = "grid"                     # "grid" | "rows" | "lhs"
    parameters = { list_strictness = [0.0, 0.5, 1.0] }

Everything is checked before anything runs. A misspelt key, a wrong type or an
out-of-range value raises :class:`SpecError` with a one-line message naming the file,
the table and the key, with a suggestion where one is close (``(did you mean ...?)``).

Precedence of values within one run: parameter defaults < preset < the spec's size keys
(``months``, ``residents``, ``communities``, ``residents_per_agent``, ``spinup_months``) <
the scenario's overrides < the design point's values. A scenario may not set a parameter
the design varies (that would be silently overridden), nor a size key (sizes are set once
for the whole experiment).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..communities import CommunityTable, load_communities
from ..outcomes import OUTCOME_NAMES
from ..params import ParameterError, Params, param_specs, suggest
from ..params import spec as param_spec
from ..specfile import read_toml
from ..timeline import scenario_names as preset_names

if TYPE_CHECKING:
    from .design import DesignPoint

TOP_KEYS = ("name", "description", "title", "title_zh", "root_seed", "replications", "months",
            "residents", "communities", "residents_per_agent", "spinup_months",
            "common_random_numbers", "shared_spinup", "outcomes", "scenarios", "design")
LABEL_KEYS = ("name", "description", "title", "title_zh")
"""Keys that label an experiment without changing its runs."""
DESIGN_TYPES = ("grid", "rows", "lhs")
DESIGN_KEYS = {"grid": ("type", "parameters"), "rows": ("type", "rows"),
               "lhs": ("type", "parameters", "n", "seed")}
SIZE_KEYS = {"months": "months", "residents": "n_residents", "communities": "n_communities",
             "residents_per_agent": "residents_per_agent", "spinup_months": "spinup_months"}
"""Top-level spec keys that set run sizes, and the ``Params`` names they set (shared by the
experiment, sensitivity and discovery specs)."""
MAX_REPLICATIONS = 100_000
MAX_LHS_POINTS = 1_000_000
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def spec_size(spec: Any) -> dict[str, Any]:
    """The size parameters a spec object sets (its :data:`SIZE_KEYS` attributes that are not
    None), under their ``Params`` names; a community table as ``communities`` (the
    keyword :meth:`~cogov_sim.params.Params.replace` and ``load_preset`` take)."""
    given = {SIZE_KEYS[k]: getattr(spec, k) for k in SIZE_KEYS}
    out = {k: v for k, v in given.items() if v is not None}
    if isinstance(out.get("n_communities"), CommunityTable):
        out["communities"] = out.pop("n_communities")
    return out


def parse_communities(where: Any, value: Any, folder: Path | None) -> int | CommunityTable | None:
    """The ``communities`` key: a whole number of equal communities, or a community table
    (a packaged name or a CSV path, relative to ``folder``: the spec file's). ``where`` has
    an ``error(message)`` method giving the spec's own error type."""
    if value is None or isinstance(value, CommunityTable):
        return value
    if isinstance(value, str):
        try:
            return load_communities(value, base=folder)
        except ParameterError as exc:
            raise where.error(f"communities = {value!r}: {exc}") from None
    s = param_spec("n_communities")
    if isinstance(value, bool) or not isinstance(value, int):
        raise where.error(f"communities = {value!r}: expected a whole number of equal communities "
                          f"from {s.low:g} to {s.high:g} or a community table (a name such as "
                          f"'taicang_township' or a path to a .csv file)")
    if not s.low <= value <= s.high:
        raise where.error(f"communities = {value} is out of range; allowed: {s.low:g} to "
                          f"{s.high:g} (communities), or a community table")
    return value


def communities_record(value: int | CommunityTable | None, identity: bool = False) -> Any:
    """The ``communities`` key as recorded: a number, or the table's description (its
    identity only: content hash and size, when ``identity``)."""
    if isinstance(value, CommunityTable):
        return value.identity() if identity else value.describe()
    return value


class SpecError(ValueError):
    """An experiment specification that cannot be run (one-line message)."""


@dataclass(frozen=True, slots=True)
class Scenario:
    """A named starting point: a preset plus lever or context overrides."""

    name: str
    preset: str
    overrides: dict[str, float | int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Design:
    """Which parameters vary within each scenario, and how.

    ``type`` is ``"none"`` (scenarios only), ``"grid"`` (full factorial over
    ``parameters``' value lists), ``"rows"`` (explicit ``rows``) or ``"lhs"`` (Latin
    hypercube of ``n`` points within ``parameters``' ``[low, high]`` bounds, drawn with
    ``seed``).
    """

    type: str = "none"
    parameters: dict[str, tuple[float | int, ...]] = field(default_factory=dict)
    rows: tuple[dict[str, float | int], ...] = ()
    n: int = 0
    seed: int = 0

    @property
    def varied(self) -> tuple[str, ...]:
        """Names of the parameters the design varies, in first-seen order."""
        if self.type == "rows":
            return tuple(dict.fromkeys(k for row in self.rows for k in row))
        return tuple(self.parameters)


@dataclass(frozen=True, slots=True)
class ExperimentSpec:
    """A validated experiment: build with :func:`load_spec` or :func:`parse_spec`."""

    name: str
    root_seed: int
    replications: int
    scenarios: tuple[Scenario, ...]
    description: str = ""
    title: str = ""
    """Title of the figures and tables (optional; default: the scenarios' display names)."""
    title_zh: str = ""
    """Title of the Chinese figures and tables (optional; default: the scenarios' names)."""
    months: int | None = None
    residents: int | None = None
    communities: int | CommunityTable | None = None
    """Equal communities (a number) or the community table the township is built from."""
    residents_per_agent: int | None = None
    spinup_months: int | None = None
    common_random_numbers: bool = True
    shared_spinup: bool = True
    """Simulate each shared spin-up once (:mod:`cogov_sim.spinup`): how the runs are
    computed, not what they give, so not part of :meth:`identity`."""
    outcomes: tuple[str, ...] = ()
    design: Design = field(default_factory=Design)
    source: str = "<spec>"
    points: tuple[DesignPoint, ...] = field(default=(), compare=False, repr=False)
    """The design points, built (and so validated) once by :func:`parse_spec` or
    :meth:`with_overrides`; empty only for a spec made by hand or with ``validate=False``."""

    def size(self) -> dict[str, Any]:
        """The size parameters the spec sets (``Params`` names; a table as ``communities``)."""
        return spec_size(self)

    def with_overrides(self, *, replications: int | None = None, months: int | None = None,
                       residents: int | None = None) -> ExperimentSpec:
        """A copy with command-line overrides applied and validated (``--months`` etc.)."""
        changes: dict[str, Any] = {}
        where = _Where(self.source)
        for key, value in (("replications", replications), ("months", months),
                           ("residents", residents)):
            if value is not None:
                changes[key] = _check_top_int(where.option(key), key, value)
        new = replace(self, **changes)
        _check_sizes(new, where.option("months/--residents"))
        if new.size() != self.size() or not self.points:  # replications leave points alone
            new = _with_points(replace(new, points=()))
        return new

    def fingerprint(self) -> str:
        """The run id: a short hash of what the spec runs (after overrides; not its name
        or description) and the package version."""
        from ..provenance import fingerprint

        return fingerprint(self.identity())

    def identity(self) -> dict[str, Any]:
        """:meth:`to_dict` without ``name``, ``description`` and the titles: what defines
        the runs. Editing the description does not redo (or refuse) an experiment; a
        community table counts by its content (hash and size), not by the path it was
        read from."""
        out = {k: v for k, v in self.to_dict().items()
               if k not in LABEL_KEYS and k != "shared_spinup"}
        out["communities"] = communities_record(self.communities, identity=True)
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (recorded in the manifest; equal dicts mean equal runs)."""
        return {
            "name": self.name, "description": self.description,
            **{k: getattr(self, k) for k in ("title", "title_zh") if getattr(self, k)},
            "root_seed": self.root_seed,
            "replications": self.replications, "months": self.months,
            "residents": self.residents, "communities": communities_record(self.communities),
            **{k: getattr(self, k) for k in ("residents_per_agent", "spinup_months")
               if getattr(self, k) is not None},
            "common_random_numbers": self.common_random_numbers,
            **({} if self.shared_spinup else {"shared_spinup": False}),
            "outcomes": list(self.outcomes),
            "scenarios": {s.name: {"preset": s.preset, **s.overrides} for s in self.scenarios},
            "design": {"type": self.design.type,
                       "parameters": {k: list(v) for k, v in self.design.parameters.items()},
                       "rows": [dict(r) for r in self.design.rows],
                       "n": self.design.n, "seed": self.design.seed},
        }


# -- loading --------------------------------------------------------------------------

def load_spec(path: str | Path, validate: bool = True) -> ExperimentSpec:
    """Read and validate an experiment file.

    ``validate=False`` leaves building (and checking) the design points to a later
    :meth:`ExperimentSpec.with_overrides`, so they are built once.

    Raises
    ------
    SpecError
        One line naming the file, the place in it and the problem.
    """
    path = Path(path)
    data = read_toml(path, SpecError)
    return parse_spec(data, source=str(path), default_name=path.stem, validate=validate,
                      folder=path.parent)


def parse_spec(data: Mapping[str, Any], source: str = "<spec>",
               default_name: str | None = None, validate: bool = True,
               folder: Path | None = None) -> ExperimentSpec:
    """Validate a spec given as a mapping (the parsed TOML); with ``validate`` (the
    default) also build every design point (:attr:`ExperimentSpec.points`). A community
    table's path is relative to ``folder`` (the spec file's; default: the working
    directory)."""
    where = _Where(source)
    top = where.table("top level")
    _check_keys(top, data, TOP_KEYS)
    for key in ("root_seed", "replications"):
        if key not in data:
            raise top.error(f"missing key '{key}'")
    name = data.get("name", default_name)
    if name is None:
        raise top.error("missing key 'name'")
    name = _check_str(top, "name", name)
    if not _NAME.match(name):
        raise top.error(f"name = {name!r}: use letters, digits, '_', '-' or '.' "
                        "(it names the results folder)")
    spec = ExperimentSpec(
        name=name,
        description=_check_str(top, "description", data.get("description", "")),
        title=_check_str(top, "title", data.get("title", "")),
        title_zh=_check_str(top, "title_zh", data.get("title_zh", "")),
        root_seed=_check_top_int(top, "root_seed", data["root_seed"]),
        replications=_check_top_int(top, "replications", data["replications"]),
        months=_optional_int(top, "months", data.get("months")),
        residents=_optional_int(top, "residents", data.get("residents")),
        communities=parse_communities(top, data.get("communities"), folder),
        residents_per_agent=_optional_int(top, "residents_per_agent", data.get("residents_per_agent")),
        spinup_months=_optional_int(top, "spinup_months", data.get("spinup_months")),
        common_random_numbers=_check_bool(top, "common_random_numbers",
                                          data.get("common_random_numbers", True)),
        shared_spinup=_check_bool(top, "shared_spinup", data.get("shared_spinup", True)),
        outcomes=_check_outcomes(top, data.get("outcomes")),
        scenarios=_parse_scenarios(where, data.get("scenarios", ["baseline"])),
        design=_parse_design(where, data.get("design"), default_seed=data["root_seed"]),
        source=source,
    )
    _check_sizes(spec, top)
    _check_conflicts(where, spec)
    return _with_points(spec) if validate else spec


# -- locations and messages -------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Where:
    """A place in the spec file, for messages: ``file, [table]: problem``."""

    source: str
    place: str = "top level"

    def table(self, place: str) -> _Where:
        return _Where(self.source, place)

    def option(self, key: str) -> _Where:
        return _Where(self.source, f"--{key}")

    def error(self, message: str) -> SpecError:
        return SpecError(f"{self.source}, {self.place}: {message}")


def _check_keys(where: _Where, table: Mapping[str, Any], allowed: Sequence[str]) -> None:
    if not isinstance(table, Mapping):
        raise where.error(f"expected a table, got {_type_name(table)}")
    for key in table:
        if key not in allowed:
            raise where.error(f"unknown key '{key}'{suggest(key, allowed)}; "
                              f"allowed: {', '.join(allowed)}")


def _type_name(value: Any) -> str:
    names = {bool: "true/false", int: "a whole number", float: "a number", str: "a string",
             list: "a list", dict: "a table"}
    return next((n for t, n in names.items() if isinstance(value, t)), type(value).__name__)


def _check_str(where: _Where, key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise where.error(f"{key} = {value!r}: expected a string, got {_type_name(value)}")
    return value


def _check_bool(where: _Where, key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise where.error(f"{key} = {value!r}: expected true or false")
    return value


_INT_RANGES = {"root_seed": (0, 2**63 - 1), "replications": (1, MAX_REPLICATIONS),
               "n": (1, MAX_LHS_POINTS), "seed": (0, 2**63 - 1)}


def _check_top_int(where: _Where, key: str, value: Any) -> int:
    """Whole numbers with their own ranges; size keys use the parameter's range."""
    if key in SIZE_KEYS:
        s = param_spec(SIZE_KEYS[key])
        low, high, unit = int(s.low), int(s.high), f" ({s.unit})"
    else:
        (low, high), unit = _INT_RANGES[key], ""
    if isinstance(value, bool) or not isinstance(value, int):
        raise where.error(f"{key} = {value!r}: expected a whole number from {low} to {high}")
    if not low <= value <= high:
        raise where.error(f"{key} = {value} is out of range; allowed: {low} to {high}{unit}")
    return value


def _optional_int(where: _Where, key: str, value: Any) -> int | None:
    return None if value is None else _check_top_int(where, key, value)


def _check_outcomes(where: _Where, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not value:
        raise where.error(f"outcomes = {value!r}: expected a non-empty list of outcome names")
    for name in value:
        if not isinstance(name, str):
            raise where.error(f"outcomes: {name!r} is not a string")
        if name not in OUTCOME_NAMES:
            raise where.error(f"outcomes: unknown outcome '{name}'"
                              f"{suggest(name, OUTCOME_NAMES)}")
    return tuple(dict.fromkeys(value))


def _check_value(where: _Where, name: str, value: Any,
                 kinds: Sequence[str] = ("lever", "context", "size")) -> float | int:
    """One parameter value: known name, a number, whole if integral, within bounds."""
    known = [s.name for s in param_specs() if s.kind in kinds]
    if name not in known:
        allowed_all = [s.name for s in param_specs()]
        if name in allowed_all:  # a size parameter where sizes are not allowed
            size_key = next(k for k, v in SIZE_KEYS.items() if v == name)
            raise where.error(f"'{name}' cannot be set here; set '{size_key}' at the top level")
        raise where.error(f"unknown parameter '{name}'{suggest(name, [*known, 'preset'])}; "
                          "see `cogov-sim params` for the list")
    s = param_spec(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise where.error(f"{name} = {value!r}: expected a number from {s.low:g} to "
                          f"{s.high:g} ({s.unit}), got {_type_name(value)}")
    if math.isnan(value) or not s.low <= value <= s.high:
        raise where.error(f"{name} = {value!r} is out of range; allowed: {s.low:g} to "
                          f"{s.high:g} ({s.unit})")
    if s.is_integer:
        if not float(value).is_integer():
            raise where.error(f"{name} = {value!r}: expected a whole number")
        return int(value)
    return float(value)


# -- scenarios ----------------------------------------------------------------------------

def _parse_scenarios(where: _Where, value: Any) -> tuple[Scenario, ...]:
    presets = preset_names()
    if isinstance(value, list):
        if not value:
            raise where.table("top level").error("scenarios = []: name at least one scenario")
        table: dict[str, Any] = {}
        for item in value:
            if not isinstance(item, str):
                raise where.error(f"scenarios: {item!r} is not a preset name; "
                                  "use a [scenarios] table for overrides")
            if item not in presets:
                raise where.error(f"scenarios: unknown scenario preset '{item}'"
                                  f"{suggest(item, presets)}; allowed: {', '.join(presets)}")
            if item in table:
                raise where.error(f"scenarios: '{item}' is listed twice")
            table[item] = item
        value = table
    if not isinstance(value, Mapping):
        raise where.error(f"scenarios = {value!r}: expected a list of preset names or a "
                          "[scenarios] table")
    if not value:
        raise where.table("[scenarios]").error("name at least one scenario")
    out = []
    for name, entry in value.items():
        here = where.table(f"[scenarios.{name}]")
        if isinstance(entry, str):
            entry = {"preset": entry}
        if not isinstance(entry, Mapping):
            raise here.error(f"expected a preset name or a table, got {_type_name(entry)}")
        preset = entry.get("preset", name if name in presets else None)
        if preset is None:
            raise here.error(f"missing key 'preset' ('{name}' is not a preset name)"
                             f"{suggest(name, presets)}; allowed presets: {', '.join(presets)}")
        preset = _check_str(here, "preset", preset)
        if preset not in presets:
            raise here.error(f"unknown scenario preset '{preset}'{suggest(preset, presets)}; "
                             f"allowed: {', '.join(presets)}")
        overrides = {k: _check_value(here, k, v, kinds=("lever", "context"))
                     for k, v in entry.items() if k != "preset"}
        out.append(Scenario(name=name, preset=preset, overrides=overrides))
    return tuple(out)


# -- design -------------------------------------------------------------------------------

def _parse_design(where: _Where, value: Any, default_seed: int = 0) -> Design:
    if value is None:
        return Design()
    here = where.table("[design]")
    if not isinstance(value, Mapping):
        raise where.error(f"design = {value!r}: expected a [design] table")
    kind = value.get("type")
    if kind is None:
        raise here.error(f"missing key 'type'; allowed: {', '.join(DESIGN_TYPES)}")
    if kind not in DESIGN_TYPES:
        raise here.error(f"type = {kind!r}{suggest(str(kind), DESIGN_TYPES)}; "
                         f"allowed: {', '.join(DESIGN_TYPES)}")
    for key in value:
        if key not in DESIGN_KEYS[kind]:
            other = [t for t in DESIGN_TYPES if key in DESIGN_KEYS[t]]
            hint = (f" (it belongs to type = {' or '.join(repr(t) for t in other)})" if other
                    else suggest(key, DESIGN_KEYS[kind]))
            raise here.error(f"unknown key '{key}' for type = '{kind}'{hint}; "
                             f"allowed: {', '.join(DESIGN_KEYS[kind])}")
    if kind == "rows":
        return Design(type="rows", rows=_parse_rows(where, value.get("rows")))
    params_here = where.table("[design.parameters]")
    parameters = value.get("parameters")
    if parameters is None:
        raise here.error("missing key 'parameters'")
    if not isinstance(parameters, Mapping) or not parameters:
        raise params_here.error("expected a table with at least one parameter")
    if kind == "grid":
        return Design(type="grid", parameters={
            k: _parse_levels(params_here, k, v) for k, v in parameters.items()})
    if "n" not in value:
        raise here.error("missing key 'n' (number of Latin hypercube points)")
    return Design(type="lhs",
                  parameters={k: _parse_bounds(params_here, k, v) for k, v in parameters.items()},
                  n=_check_top_int(here, "n", value["n"]),
                  seed=_check_top_int(here, "seed", value.get("seed", default_seed)))


def _parse_levels(where: _Where, name: str, values: Any) -> tuple[float | int, ...]:
    if not isinstance(values, list) or not values:
        raise where.error(f"{name} = {values!r}: expected a non-empty list of values")
    levels = tuple(_check_value(where, name, v) for v in values)
    if len(set(levels)) != len(levels):
        raise where.error(f"{name} = {values!r}: values repeat")
    return levels


def _parse_bounds(where: _Where, name: str, values: Any) -> tuple[float | int, ...]:
    if not (isinstance(values, list) and len(values) == 2):
        raise where.error(f"{name} = {values!r}: expected [low, high]")
    low, high = (_check_value(where, name, v) for v in values)
    if not low < high:
        raise where.error(f"{name} = {values!r}: expected low < high")
    return (low, high)


def _parse_rows(where: _Where, rows: Any) -> tuple[dict[str, float | int], ...]:
    if rows is None:
        raise where.table("[design]").error("missing key 'rows' (use [[design.rows]] tables)")
    if not isinstance(rows, list) or not rows:
        raise where.table("[design]").error("rows: expected a non-empty list of tables")
    out: list[dict[str, Any]] = []
    for i, row in enumerate(rows, start=1):
        here = where.table(f"[[design.rows]] #{i}")
        if not isinstance(row, Mapping) or not row:
            raise here.error("expected a table with at least one parameter")
        parsed = {k: _check_value(here, k, v) for k, v in row.items()}
        for j, earlier in enumerate(out, start=1):
            if sorted(earlier.items()) == sorted(parsed.items()):
                raise where.table("[design]").error(
                    f"[[design.rows]] #{j} and #{i} are the same row "
                    f"({', '.join(f'{k}={v}' for k, v in parsed.items())}); remove one")
        out.append(parsed)
    return tuple(out)


# -- whole-spec checks ----------------------------------------------------------------------

def _check_sizes(spec: ExperimentSpec, where: _Where) -> None:
    try:
        Params().replace(**spec.size())
    except ParameterError as exc:
        raise where.error(f"{exc} (set by 'residents', 'communities', 'residents_per_agent' "
                          "and 'spinup_months')") from None


def _check_conflicts(where: _Where, spec: ExperimentSpec) -> None:
    varied = set(spec.design.varied)
    for s in spec.scenarios:
        both = sorted(varied & set(s.overrides))
        if both:
            raise where.table(f"[scenarios.{s.name}]").error(
                f"sets {both[0]}, which [design] also varies; remove one of the two")


def _with_points(spec: ExperimentSpec) -> ExperimentSpec:
    """The spec with its design points built, so combinations are checked before any run."""
    from .design import design_points  # local: design imports this module

    return replace(spec, points=tuple(design_points(spec)))


__all__ = ["Design", "ExperimentSpec", "Scenario", "SpecError", "communities_record", "load_spec",
           "parse_communities", "parse_spec"]
