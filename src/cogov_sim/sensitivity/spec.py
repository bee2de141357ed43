"""Sensitivity-analysis specifications: ``sa_*.toml`` files (shipped ones in
``cogov_sim/specs/``) in, :class:`SASpec` out.

A spec file::

    name = "sa_sobol_levers"          # results go to results/<name>/<run id>/
    description = "..."
    method = "sobol"                  # sobol | morris | efast | pawn
    n = 512                           # sample size (Sobol: a power of 2), or:
    # tolerance = 0.05                # grow a Sobol sample by doubling until every S1/ST
    # max_runs = 30000                # is within this (95 % interval over scramblings)
    replications = 2                  # runs per design point (seed noise)
    scramblings = 1                   # independent Sobol scramblings (RQMC intervals);
                                      # default 1, or 8 with a tolerance
    root_seed = 20240601
    scenario = "baseline"             # preset giving every value that does not vary
    months = 60
    residents = 1000
    communities = 20                  # equal communities, or a community table's name or
                                      # CSV path (relative to this file)
    common_random_numbers = true      # replication r of every point shares a seed
    outcomes = ["participation_rate:final", "happiness_index:mean"]
    over_time = ["participation_rate"]   # indices per simulated year

    [levers]                          # default: every policy lever over its bounds
    list_strictness = [0.2, 1.0]      # vary over narrower bounds
    consultations_per_year = []       # vary over the metadata bounds
    purchase_share = 0.3              # hold fixed

    [options]                         # method options
    second_order = false              # sobol; morris: num_levels; efast: M; pawn: slices

``levers`` may also be a list of names. Every key is checked before anything runs; an
error names the file, the place and the key, with a suggestion where one is close.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..communities import CommunityTable
from ..experiment.spec import SIZE_KEYS, communities_record, parse_communities, spec_size
from ..params import ParameterError, suggest
from ..params import spec as param_spec
from ..specfile import read_toml
from ..timeline import load_scenario as load_preset
from ..timeline import scenario_names as preset_names
from .analysis import TOLERANCE_SCRAMBLINGS, Plan, make_plan
from .methods import METHODS, make_method
from .outcomes import OutcomeSelection, parse_outcomes
from .problem import Problem, SensitivityError, check_joint_constraints, model_problem

TOP_KEYS = ("name", "description", "method", "n", "n_start", "tolerance", "max_runs",
            "replications", "scramblings", "root_seed", "scenario", "months", "residents",
            "communities", "residents_per_agent", "spinup_months", "common_random_numbers",
            "outcomes", "over_time", "levers", "options")
#: Spec keys that label an analysis without changing its results.
IDENTITY_EXCLUDED = ("name", "description")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class SASpec:
    """A sensitivity analysis of the model, as declared (see the module docstring)."""

    name: str
    root_seed: int
    method: str = "sobol"
    description: str = ""
    n: int | None = None
    n_start: int | None = None
    tolerance: float | None = None
    max_runs: int | None = None
    replications: int = 1
    scramblings: int | None = None
    scenario: str = "baseline"
    months: int | None = None
    residents: int | None = None
    communities: int | CommunityTable | None = None
    residents_per_agent: int | None = None
    spinup_months: int | None = None
    common_random_numbers: bool = True
    outcomes: tuple[str, ...] | None = None
    over_time: tuple[str, ...] | None = None
    levers: dict[str, Any] | None = None
    options: dict[str, Any] = field(default_factory=dict)
    source: str = "<spec>"

    def with_overrides(self, **given: Any) -> SASpec:
        """A copy with command-line overrides (``None`` means not given), re-validated."""
        changes = {k: v for k, v in given.items() if v is not None}
        if not changes:
            return self
        data = {**self._raw(), **changes}
        if "n" in changes:  # a sample size given on the command line is a fixed size
            data["tolerance"] = data["n_start"] = None
        return parse_spec(_drop_none(data), source=self.source, cli=set(changes))

    def to_dict(self) -> dict[str, Any]:
        """The spec as plain data (recorded in the manifest), ``scramblings`` resolved
        (1, or :data:`~.analysis.TOLERANCE_SCRAMBLINGS` with a tolerance)."""
        out = self._raw()
        out["communities"] = communities_record(self.communities)
        if out["scramblings"] is None:
            out["scramblings"] = TOLERANCE_SCRAMBLINGS if self.tolerance is not None else 1
        return out

    def _raw(self) -> dict[str, Any]:
        """The spec as given (``scramblings`` may be None: not given)."""
        out = asdict(self)
        out.pop("source")
        out["communities"] = self.communities  # the table itself, not asdict's copy of it
        for key in ("outcomes", "over_time"):
            if out[key] is not None:
                out[key] = list(out[key])
        return out

    def identity(self) -> dict[str, Any]:
        """What determines the results: the spec without ``name`` and ``description``
        (which only label it), so rewording them neither changes the run id nor makes a
        results folder refuse to resume."""
        out = self.to_dict()
        for key in IDENTITY_EXCLUDED:
            out.pop(key)
        out["communities"] = communities_record(self.communities, identity=True)
        return out

    def fingerprint(self) -> str:
        """A short hash of :meth:`identity` (the run id)."""
        from ..provenance import fingerprint

        return fingerprint(self.identity())

    # -- derived objects (each built once per spec; the spec is immutable) --------------
    def _derived(self, key: str, make: Callable[[], Any]) -> Any:
        cache = self.__dict__.setdefault("_derived_cache", {})  # not a field: no identity
        if key not in cache:
            cache[key] = make()
        return cache[key]

    def problem(self) -> Problem:
        return self._derived("problem", lambda: model_problem(self.levers))

    def size(self) -> dict[str, Any]:
        return spec_size(self)

    def base_params(self):  # noqa: ANN201 - Params
        """The preset with the spec's sizes and fixed levers (every non-varied value)."""
        def make():  # noqa: ANN202
            try:
                return load_preset(self.scenario, **self.size(), **self.problem().fixed)
            except ParameterError as exc:
                raise SensitivityError(f"{self.source}: {exc}") from None

        return self._derived("base_params", make)

    def selection(self) -> OutcomeSelection:
        return self._derived("selection", lambda: parse_outcomes(
            self.outcomes, self.over_time, self.base_params().months))

    def plan(self) -> Plan:
        def make() -> Plan:
            method = make_method(self.method, **self.options)
            return make_plan(method, self.problem(), n=self.n, replications=self.replications,
                             scramblings=self.scramblings, tolerance=self.tolerance,
                             max_runs=self.max_runs, n_start=self.n_start)

        return self._derived("plan", make)


def _drop_none(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None and k != "options" or
            (k == "options" and v)}


def load_spec(path: str | Path) -> SASpec:
    """Read and validate a sensitivity spec file (one-line :class:`SensitivityError`)."""
    path = Path(path)
    data = read_toml(path, SensitivityError)
    return parse_spec(data, source=str(path), default_name=path.stem, folder=path.parent)


def parse_spec(data: Mapping[str, Any], source: str = "<spec>", default_name: str | None = None,
               cli: set[str] | None = None, folder: Path | None = None) -> SASpec:
    """Validate a spec given as a mapping; every problem is one line naming file and key.

    The whole analysis is planned here (problem, outcomes, sample sizes, budget, base
    parameters), so nothing runs from a spec that would fail later.
    """
    cli = cli or set()

    def where(key: str) -> str:
        return f"--{key.replace('_', '-')}" if key in cli else f"{source}, {key}"

    def fail(key: str, message: str) -> SensitivityError:
        return SensitivityError(f"{where(key)}: {message}")

    if not isinstance(data, Mapping):
        raise SensitivityError(f"{source}: expected a table of keys")
    for key in data:
        if key not in TOP_KEYS:
            raise SensitivityError(f"{source}, top level: unknown key '{key}'"
                                   f"{suggest(key, TOP_KEYS)}; allowed: {', '.join(TOP_KEYS)}")
    if "root_seed" not in data:
        raise SensitivityError(f"{source}, top level: missing key 'root_seed'")
    name = data.get("name", default_name)
    if name is None:
        raise SensitivityError(f"{source}, top level: missing key 'name'")
    if not isinstance(name, str) or not _NAME.match(name):
        raise fail("name", f"{name!r}: use letters, digits, '_', '-' or '.' (it names the "
                           "results folder)")
    values: dict[str, Any] = {"name": name}
    for key, low in (("root_seed", 0), ("n", 1), ("n_start", 1), ("max_runs", 1),
                     ("replications", 1), ("scramblings", 1)):
        if key in data:
            value = data[key]
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise fail(key, f"{value!r}: expected a whole number >= {low}")
            values[key] = value
    for key in SIZE_KEYS:
        if key == "communities" and key in data:
            values[key] = parse_communities(_Place(source), data[key], folder)
        elif key in data:
            values[key] = _size(key, data[key], fail)
    if "tolerance" in data:
        tol = data["tolerance"]
        if isinstance(tol, bool) or not isinstance(tol, int | float) or not 0 < tol < 1:
            raise fail("tolerance", f"{tol!r}: expected a number between 0 and 1")
        values["tolerance"] = float(tol)
    for key in ("description", "method", "scenario"):
        if key in data:
            if not isinstance(data[key], str):
                raise fail(key, f"{data[key]!r}: expected a string")
            values[key] = data[key]
    if values.get("method", "sobol") not in METHODS:
        m = values["method"]
        raise fail("method", f"unknown method '{m}'{suggest(m, METHODS)}; allowed: "
                             f"{', '.join(METHODS)}")
    if values.get("scenario", "baseline") not in preset_names():
        s = values["scenario"]
        raise fail("scenario", f"unknown scenario '{s}'{suggest(s, preset_names())}; allowed: "
                               f"{', '.join(preset_names())}")
    if "common_random_numbers" in data:
        if not isinstance(data["common_random_numbers"], bool):
            raise fail("common_random_numbers", "expected true or false")
        values["common_random_numbers"] = data["common_random_numbers"]
    for key in ("outcomes", "over_time"):
        if key in data:
            if not isinstance(data[key], list):
                raise fail(key, f"{data[key]!r}: expected a list of strings")
            values[key] = tuple(data[key])
    if "levers" in data:
        levers = data["levers"]
        if isinstance(levers, list):
            levers = {str(k): True for k in levers}
        if not isinstance(levers, Mapping):
            raise fail("levers", "expected a list of names or a table name = [low, high] | value")
        values["levers"] = dict(levers)
    if "options" in data:
        if not isinstance(data["options"], Mapping):
            raise fail("options", "expected a table of method options")
        values["options"] = dict(data["options"])
    spec = SASpec(source=source, **values)
    _check_whole(spec, cli)
    return spec


class _Place:
    """Where the ``communities`` key is, for :func:`parse_communities`' messages."""

    def __init__(self, source: str) -> None:
        self.source = source

    def error(self, message: str) -> SensitivityError:
        return SensitivityError(f"{self.source}: {message}")


def _size(key: str, value: Any, fail: Any) -> int:
    s = param_spec(SIZE_KEYS[key])
    if isinstance(value, bool) or not isinstance(value, int) or not s.low <= value <= s.high:
        raise fail(key, f"{value!r}: expected a whole number from {s.low:g} to {s.high:g} "
                        f"({s.unit})")
    return value


def _size_blame(spec: SASpec, cli: set[str], message: str) -> str:
    """Who to blame for invalid base parameters: the size options given on the command line
    that the message names (all given ones if it names none), else the spec file."""
    given = [k for k in SIZE_KEYS if k in cli]
    named = [k for k in given if SIZE_KEYS[k] in message] or given
    if not named:
        return spec.source
    return ", ".join(f"--{k} {getattr(spec, k)}" for k in named)


def _check_whole(spec: SASpec, cli: set[str]) -> None:
    """Plan everything once, attributing errors to the key that caused them."""
    try:
        spec.problem()
    except SensitivityError as exc:
        raise SensitivityError(f"{spec.source}, {exc}") from None
    try:
        spec.base_params()
    except SensitivityError as exc:
        message = str(exc).removeprefix(f"{spec.source}: ")
        raise SensitivityError(f"{_size_blame(spec, cli, message)}: {message}") from None
    try:
        check_joint_constraints(spec.problem(), spec.base_params())
    except SensitivityError as exc:
        raise SensitivityError(f"{spec.source}, {exc}") from None
    try:
        spec.selection()
    except SensitivityError as exc:
        raise SensitivityError(f"{spec.source}, {exc}") from None
    try:
        spec.plan()
    except SensitivityError as exc:
        message = str(exc)
        key = next((k for k in ("n_start", "max_runs", "n", "tolerance", "replications",
                                "scramblings") if message.startswith(f"{k} =")), None)
        prefix = f"--{key.replace('_', '-')}" if key in cli else spec.source
        raise SensitivityError(f"{prefix}: {message}") from None


__all__ = ["SASpec", "load_spec", "parse_spec"]
