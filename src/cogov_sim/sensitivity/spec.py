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

``levers`` may also be a list of names. Every key is checked before anything runs (keys,
types and ranges by :class:`cogov_sim.schema.Sensitivity`, ``cogov-sim schema sa``; the
plan, outcomes and budget here); an error names the file, the place and the key, with a
suggestion where one is close.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..communities import CommunityTable
from ..experiment.spec import communities_record, spec_size
from ..params import ParameterError
from ..specfile import SIZE_KEYS, read_toml
from ..timeline import load_scenario as load_preset
from .analysis import TOLERANCE_SCRAMBLINGS, Plan, make_plan
from .methods import make_method
from .outcomes import OutcomeSelection, parse_outcomes
from .problem import Problem, SensitivityError, check_joint_constraints, model_problem

#: Spec keys that label an analysis without changing its results.
IDENTITY_EXCLUDED = ("name", "description", "description_zh")


@dataclass(frozen=True)
class SASpec:
    """A sensitivity analysis of the model, as declared (see the module docstring)."""

    name: str
    root_seed: int
    method: str = "sobol"
    description: str = ""
    description_zh: str = ""
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
        if not out["description_zh"]:  # a label, recorded only when given
            del out["description_zh"]
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
            out.pop(key, None)
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
    from ..schema import load

    cli = cli or set()
    m = load("sa", data, source=source, error=SensitivityError, name=default_name, folder=folder,
             options=cli)
    values = {**data, "name": m.name, "communities": m.communities}  # as given: the identity
    for key in ("outcomes", "over_time"):
        if key in values:
            values[key] = tuple(values[key])
    if "tolerance" in values:
        values["tolerance"] = float(values["tolerance"])
    if isinstance(values.get("levers"), list):
        values["levers"] = {str(k): True for k in values["levers"]}
    spec = SASpec(source=source, **values)
    _check_whole(spec, cli)
    return spec


def _size_blame(spec: SASpec, cli: set[str], message: str) -> str:
    """Who to blame for invalid base parameters: the size options given on the command line
    that the message names (all given ones if it names none), else the spec file."""
    given = [k for k in SIZE_KEYS if k in cli]
    named = [k for k in given if SIZE_KEYS[k] in message] or given
    if not named:
        return spec.source
    return ", ".join(f"--{k} {getattr(spec, k)}" for k in named)


def _check_whole(spec: SASpec, cli: set[str]) -> None:
    """Plan everything once, attributing errors to the key that caused them: the sizes (to
    the options given, else the file), the sample sizes (likewise), the rest to the file."""
    steps = (spec.problem, spec.base_params, lambda: check_joint_constraints(
        spec.problem(), spec.base_params()), spec.selection, spec.plan)
    for step in steps:
        try:
            step()
        except SensitivityError as exc:
            message = str(exc).removeprefix(f"{spec.source}: ")
            if step == spec.base_params:
                raise SensitivityError(f"{_size_blame(spec, cli, message)}: {message}") from None
            key = next((k for k in ("n_start", "max_runs", "n", "tolerance", "replications",
                                    "scramblings") if message.startswith(f"{k} =")), None)
            if step == spec.plan:
                prefix = f"--{key.replace('_', '-')}" if key in cli else spec.source
                raise SensitivityError(f"{prefix}: {message}") from None
            raise SensitivityError(f"{spec.source}, {message}") from None


__all__ = ["SASpec", "load_spec", "parse_spec"]
