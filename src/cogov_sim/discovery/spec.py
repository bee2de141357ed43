"""Discovery specifications: ``discover_*.toml`` files (shipped ones in ``cogov_sim/specs/``)
in, :class:`DiscoverySpec` out.

A spec file::

    name = "discover_participation"   # results/<name>/<run id>/ (default: the file name)
    description = "..."
    root_seed = 1212                  # root of the seed tree (required)
    replications = 4                  # seeds per policy (required)
    n = 200                           # policies: Latin hypercube points over the levers
                                      # (required; 2 to 100,000)
    scenario = "taicang_1_0"          # preset giving every value the levers do not vary
    months = 60                       # size of every run (optional)
    residents = 10000
    communities = 2                   # equal communities, or a community table's name or
                                      # CSV path (relative to this file)
    residents_per_agent = 20          # optional: one agent per 20 residents
    spinup_months = 120               # optional: unrecorded baseline months first
    common_random_numbers = true      # replication r of every policy shares a seed
    presets = ["baseline", "taicang_3_0"]   # placed on the trade-offs (default: all)
    posterior = "../results/calibrate_abc/3f2a9c01"  # optional: replication r of every
                                      # policy and preset under one particle drawn by weight
                                      # from a saved ABC-SMC posterior (cogov_sim.posterior)

    [levers]                          # default: every policy lever over its bounds
    consultations_per_year = []       # over the metadata bounds
    list_strictness = [0.2, 1.0]      # over narrower bounds
    purchase_share = 0.3              # held fixed

    [goal]
    description = "Participation above 30 % without spending a fifth more"
    horizon = [49, 60]                # months averaged (inclusive); default: the last 12
    all = [                           # or any = [...]; items may nest all/any tables
      { outcome = "participation_rate", at_least = 0.30 },
      { outcome = "spend_total", at_most = 1.2, relative_to = "taicang_1_0" },
    ]

    [tradeoffs]                       # the three objectives of the non-dominated set
    spending = "spend_total"          # minimised
    satisfaction = "happiness_index"  # maximised; also the outcome regret is measured on
    participation = "participation_rate"   # maximised

    [prim]                            # PRIM settings (EMA Workbench's defaults)
    peel_alpha = 0.05
    mass_min = 0.05
    min_coverage = 0.5                # the box shown: densest with at least this coverage
    max_boxes = 2

Everything is checked before anything runs or is written: the keys, types and ranges by
:class:`cogov_sim.schema.Discovery` (``cogov-sim schema discover``), what needs the model
(a goal no run can meet, lever bounds invalid with the scenario) here. Errors are one
line naming the file, the table and the key, and what is allowed
(:class:`~cogov_sim.experiment.SpecError`).
Only ``goal``, ``tradeoffs``, ``prim``, ``name`` and ``description`` may change without
redoing runs: the others define the runs (:meth:`DiscoverySpec.identity`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..communities import CommunityTable
from ..experiment.spec import SpecError, communities_record, spec_size
from ..params import ParameterError, Params, param_specs
from ..params import spec as param_spec
from ..posterior import Posterior
from ..specfile import SIZE_KEYS, read_toml
from ..timeline import load_scenario as load_preset
from ..timeline import scenario_names as preset_names
from .goal import Combination, Condition, Goal, Node


@dataclass(frozen=True)
class DiscoverySpec:
    """A validated discovery run (see the module docstring)."""

    name: str
    root_seed: int
    replications: int
    n: int
    scenario: str
    levers: dict[str, tuple[float, float]]
    fixed: dict[str, float | int]
    goal: Goal
    presets: tuple[str, ...]
    tradeoffs: dict[str, str]
    prim: dict[str, float]
    description: str = ""
    description_zh: str = ""
    months: int | None = None
    residents: int | None = None
    communities: int | CommunityTable | None = None
    residents_per_agent: int | None = None
    spinup_months: int | None = None
    common_random_numbers: bool = True
    posterior: Posterior | None = None
    """Parameters drawn per replication from a saved posterior (:mod:`cogov_sim.posterior`)."""
    source: str = "<spec>"

    def size(self) -> dict[str, Any]:
        return spec_size(self)

    def _size_record(self, identity: bool) -> dict[str, Any]:
        """:meth:`size` as JSON: a community table by :func:`communities_record`."""
        return {k: communities_record(v, identity) if k == "communities" else v
                for k, v in self.size().items()}

    def base_params(self) -> Params:
        """Every value a policy does not vary: the scenario preset, sizes, fixed levers."""
        return load_preset(self.scenario, **self.size(), **self.fixed)

    def months_run(self) -> int:
        return self.base_params().months

    def identity(self) -> dict[str, Any]:
        """What defines the runs (compared when a folder is resumed; hashed into its name).
        The goal, trade-offs and PRIM settings are analysis: changing them reuses the runs."""
        return {"root_seed": self.root_seed, "replications": self.replications, "n": self.n,
                "scenario": self.scenario, "size": self._size_record(identity=True),
                "common_random_numbers": self.common_random_numbers,
                "levers": {k: list(v) for k, v in self.levers.items()}, "fixed": self.fixed,
                "presets": list(self.presets), "horizon": list(self.goal.horizon),
                **({} if self.posterior is None else {"posterior": self.posterior.identity()})}

    def fingerprint(self) -> str:
        from ..provenance import fingerprint

        return fingerprint(self.identity())

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.description, **self.identity(),
                "size": self._size_record(identity=False),
                "goal": self.goal.to_dict(), "tradeoffs": dict(self.tradeoffs),
                "prim": dict(self.prim)}


def load_spec(path: str | Path) -> DiscoverySpec:
    """Read and validate a discovery spec file (raises :class:`SpecError`, one line)."""
    path = Path(path)
    return parse_spec(read_toml(path, SpecError), source=str(path), default_name=path.stem,
                      folder=path.parent)


def parse_spec(data: Mapping[str, Any], source: str = "<spec>",
               default_name: str | None = None, folder: Path | None = None) -> DiscoverySpec:
    """Validate a spec given as a mapping (the parsed TOML); a community table's path is
    relative to ``folder`` (the spec file's)."""
    from ..schema import load

    m = load("discover", data, source=source, error=SpecError, name=default_name or "discover",
             folder=folder)
    sizes = {k: getattr(m, k) for k in SIZE_KEYS}
    levers, fixed = _levers(m.levers)
    base = _base(f"{source}, top level", m.scenario, sizes, fixed)
    goal = _goal(m.goal, base.months, f"{source}, [goal]")
    presets = preset_names() if m.presets is None else m.presets
    placed = tuple(dict.fromkeys([*presets, *goal.references()]))
    spec = DiscoverySpec(
        name=m.name, description=m.description, description_zh=m.description_zh,
        root_seed=m.root_seed, replications=m.replications, n=m.n, scenario=m.scenario,
        levers=levers, fixed=fixed, goal=goal, presets=placed,
        tradeoffs=m.tradeoffs.model_dump(), prim=m.prim.model_dump(), **sizes,
        common_random_numbers=m.common_random_numbers, posterior=m.posterior, source=source)
    _check_points(spec)
    return spec


def _base(where: str, scenario: str, sizes: Mapping[str, Any],
          fixed: Mapping[str, float | int]) -> Params:
    given = {SIZE_KEYS[k]: v for k, v in sizes.items() if v is not None}
    if isinstance(given.get("n_communities"), CommunityTable):
        given["communities"] = given.pop("n_communities")
    try:
        return load_preset(scenario, **given, **fixed)
    except ParameterError as exc:
        raise SpecError(f"{where}: {exc} (with scenario '{scenario}')") from None


def _levers(value: Any) -> tuple[dict[str, tuple[float, float]], dict[str, float | int]]:
    """The levers varied (over their bounds, or narrower ones) and those held fixed."""
    if value is None:
        value = [s.name for s in param_specs("lever")]
    settings = dict.fromkeys(value, []) if isinstance(value, list) else value.given()
    bounds = {k: (param_spec(k).low, param_spec(k).high) if v == [] else v
              for k, v in settings.items() if isinstance(v, list | tuple)}
    return ({k: (float(lo), float(hi)) for k, (lo, hi) in bounds.items()},
            {k: v for k, v in settings.items() if k not in bounds})


def _goal(value: Any, months: int, where: str) -> Goal:
    if value.horizon is None:
        horizon = (max(1, months - 11), months)
    else:
        horizon = tuple(value.horizon)
        if not horizon[0] <= horizon[1] <= months:
            raise SpecError(f"{where}: horizon = {value.horizon!r}: expected 1 <= first <= last "
                            f"<= {months} (the months each run simulates)")
    op = "all" if value.all is not None else "any"
    return Goal(root=Combination(op, tuple(map(_node, getattr(value, op)))), horizon=horizon,
                description=value.description)


def _node(value: Any) -> Node:
    """A condition tree from the schema's tables (checked there)."""
    op = next((k for k in ("all", "any") if k in type(value).model_fields), None)
    if op is not None:
        return Combination(op, tuple(map(_node, getattr(value, op))))
    return Condition(value.outcome, value.at_least, value.at_most, value.relative_to)


def _check_points(spec: DiscoverySpec) -> None:
    """Every corner of the lever box must be valid with the base (a cheap full check)."""
    base = spec.base_params()
    for name, (low, high) in spec.levers.items():
        for v in (low, high):
            try:
                base.replace(**{name: int(round(v)) if param_spec(name).is_integer else v})
            except ParameterError as exc:
                raise SpecError(f"{spec.source}, [levers]: {exc}") from None


__all__ = ["DiscoverySpec", "SpecError", "load_spec", "parse_spec"]
