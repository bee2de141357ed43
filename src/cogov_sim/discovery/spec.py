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

Everything is checked before anything runs or is written. Errors are one line naming the
file, the table and the key, and what is allowed (:class:`~cogov_sim.experiment.SpecError`).
Only ``goal``, ``tradeoffs``, ``prim``, ``name`` and ``description`` may change without
redoing runs: the others define the runs (:meth:`DiscoverySpec.identity`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..communities import CommunityTable
from ..experiment.spec import (
    _NAME,
    SIZE_KEYS,
    SpecError,
    _check_bool,
    _check_keys,
    _check_str,
    _check_top_int,
    _check_value,
    _optional_int,
    _type_name,
    _Where,
    communities_record,
    parse_communities,
    spec_size,
)
from ..outcomes import OUTCOME_NAMES
from ..params import ParameterError, Params, param_specs, suggest
from ..params import spec as param_spec
from ..specfile import read_toml
from ..timeline import load_scenario as load_preset
from ..timeline import scenario_names as preset_names
from .goal import Combination, Condition, Goal, Node, outcome_range

TOP_KEYS = ("name", "description", "root_seed", "replications", "n", "scenario", "months",
            "residents", "communities", "residents_per_agent", "spinup_months",
            "common_random_numbers", "presets", "levers", "goal", "tradeoffs", "prim")
GOAL_KEYS = ("description", "horizon", "all", "any")
CONDITION_KEYS = ("outcome", "at_least", "at_most", "relative_to")
TRADEOFF_KEYS = ("spending", "satisfaction", "participation")
PRIM_KEYS = ("peel_alpha", "mass_min", "min_coverage", "max_boxes")
PRIM_DEFAULTS = {"peel_alpha": 0.05, "mass_min": 0.05, "min_coverage": 0.5, "max_boxes": 2}
MIN_POINTS = 2
"""Fewest policies ``n``: PRIM and the trade-offs compare policies with each other."""
MAX_POINTS = 100_000
"""Most policies ``n`` (each runs ``replications`` times; the exact non-dominated filter
compares every policy with the front)."""
MAX_DEPTH = 4


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
    months: int | None = None
    residents: int | None = None
    communities: int | CommunityTable | None = None
    residents_per_agent: int | None = None
    spinup_months: int | None = None
    common_random_numbers: bool = True
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
                "presets": list(self.presets), "horizon": list(self.goal.horizon)}

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
    where = _Where(source)
    top = where.table("top level")
    _check_keys(top, data, TOP_KEYS)
    for key in ("root_seed", "replications", "n", "goal"):
        if key not in data:
            raise top.error(f"missing key '{key}'")
    name = _check_str(top, "name", data.get("name", default_name or "discover"))
    if not _NAME.match(name):
        raise top.error(f"name = {name!r}: use letters, digits, '_', '-' or '.' "
                        "(it names the results folder)")
    presets = preset_names()
    scenario = _check_str(top, "scenario", data.get("scenario", "baseline"))
    if scenario not in presets:
        raise top.error(f"scenario = {scenario!r}: unknown preset{suggest(scenario, presets)}; "
                        f"allowed: {', '.join(presets)}")
    n = data["n"]  # its own range, not the experiment design's (1 to 1,000,000 points)
    if isinstance(n, bool) or not isinstance(n, int) or not MIN_POINTS <= n <= MAX_POINTS:
        raise top.error(f"n = {n!r}: expected a whole number of policies from {MIN_POINTS} "
                        f"to {MAX_POINTS:,}")
    sizes = {k: parse_communities(top, data.get(k), folder) if k == "communities"
             else _optional_int(top, k, data.get(k)) for k in SIZE_KEYS}
    levers, fixed = _parse_levers(where, data.get("levers"))
    base = _base(top, scenario, sizes, fixed)
    goal = _parse_goal(where, data["goal"], base.months, presets)
    placed = _parse_presets(top, data.get("presets"), presets)
    placed = tuple(dict.fromkeys([*placed, *goal.references()]))
    spec = DiscoverySpec(
        name=name, description=_check_str(top, "description", data.get("description", "")),
        root_seed=_check_top_int(top, "root_seed", data["root_seed"]),
        replications=_check_top_int(top, "replications", data["replications"]),
        n=n, scenario=scenario, levers=levers, fixed=fixed, goal=goal, presets=placed,
        tradeoffs=_parse_tradeoffs(where, data.get("tradeoffs")),
        prim=_parse_prim(where, data.get("prim")),
        **sizes,
        common_random_numbers=_check_bool(top, "common_random_numbers",
                                          data.get("common_random_numbers", True)),
        source=source)
    _check_points(where, spec)
    return spec


def _base(where: _Where, scenario: str, sizes: Mapping[str, int | None],
          fixed: Mapping[str, float | int]) -> Params:
    given = {SIZE_KEYS[k]: v for k, v in sizes.items() if v is not None}
    if isinstance(given.get("n_communities"), CommunityTable):
        given["communities"] = given.pop("n_communities")
    try:
        return load_preset(scenario, **given, **fixed)
    except ParameterError as exc:
        raise where.error(f"{exc} (with scenario '{scenario}')") from None


def _parse_levers(where: _Where, value: Any) -> tuple[dict[str, tuple[float, float]],
                                                       dict[str, float | int]]:
    here = where.table("[levers]")
    all_levers = [s.name for s in param_specs("lever")]
    if value is None:
        value = list(all_levers)
    if isinstance(value, list):
        for item in value:
            if not isinstance(item, str):
                raise here.error(f"{item!r} is not a lever name")
        value = dict.fromkeys(value, [])
    if not isinstance(value, Mapping):
        raise where.error(f"levers = {value!r}: expected a list of lever names or a [levers] "
                          "table")
    varied: dict[str, tuple[float, float]] = {}
    fixed: dict[str, float | int] = {}
    for name, bounds in value.items():
        if name not in all_levers:
            raise here.error(f"unknown lever '{name}'{suggest(name, all_levers)}; see "
                             "`cogov-sim params --kind lever` for the list")
        s = param_spec(name)
        if isinstance(bounds, list) and not bounds:
            varied[name] = (float(s.low), float(s.high))
        elif isinstance(bounds, list) and len(bounds) == 2:
            low, high = (_check_value(here, name, b, kinds=("lever",)) for b in bounds)
            if not low < high:
                raise here.error(f"{name} = {bounds!r}: expected [low, high] with low < high")
            varied[name] = (float(low), float(high))
        elif isinstance(bounds, int | float) and not isinstance(bounds, bool):
            fixed[name] = _check_value(here, name, bounds, kinds=("lever",))
        else:
            raise here.error(f"{name} = {bounds!r}: expected [] (its whole range "
                             f"{s.low:g} to {s.high:g} {s.unit}), [low, high] or a number "
                             "(held fixed)")
    if not varied:
        raise here.error("no lever varies (empty lever set); name at least one lever with "
                         "[] or [low, high]")
    return varied, fixed


def _parse_presets(where: _Where, value: Any, presets: tuple[str, ...]) -> tuple[str, ...]:
    if value is None:
        return presets
    if not isinstance(value, list):
        raise where.error(f"presets = {value!r}: expected a list of preset names")
    for item in value:
        if not isinstance(item, str) or item not in presets:
            raise where.error(f"presets: unknown preset {item!r}"
                              f"{suggest(str(item), presets)}; allowed: {', '.join(presets)}")
    return tuple(dict.fromkeys(value))


def _parse_goal(where: _Where, value: Any, months: int, presets: tuple[str, ...]) -> Goal:
    here = where.table("[goal]")
    _check_keys(here, value, GOAL_KEYS)
    ops = [k for k in ("all", "any") if k in value]
    if len(ops) != 1:
        raise here.error("expected exactly one of 'all' or 'any' (a list of conditions "
                         "such as { outcome = \"participation_rate\", at_least = 0.3 })")
    horizon = _parse_horizon(here, value.get("horizon"), months)
    root = _parse_node(here, {ops[0]: value[ops[0]]}, presets, depth=0)
    goal = Goal(root=root, horizon=horizon,
                description=_check_str(here, "description", value.get("description", "")))
    _check_possible(here, goal.root)
    return goal


def _parse_horizon(where: _Where, value: Any, months: int) -> tuple[int, int]:
    if value is None:
        return (max(1, months - 11), months)
    ok = (isinstance(value, list) and len(value) == 2
          and all(isinstance(v, int) and not isinstance(v, bool) for v in value))
    if not ok:
        raise where.error(f"horizon = {value!r}: expected [first month, last month], "
                          f"whole numbers from 1 to {months}")
    start, end = value
    if not 1 <= start <= end <= months:
        raise where.error(f"horizon = {value!r}: expected 1 <= first <= last <= {months} "
                          "(the months each run simulates)")
    return (start, end)


def _parse_node(where: _Where, value: Any, presets: tuple[str, ...], depth: int) -> Node:
    if not isinstance(value, Mapping):
        raise where.error(f"{value!r}: expected a condition table such as "
                          "{ outcome = \"participation_rate\", at_least = 0.3 }")
    ops = [k for k in ("all", "any") if k in value]
    if ops:
        if len(value) != 1:
            raise where.error(f"{dict(value)!r}: an 'all' or 'any' table holds nothing else")
        op = ops[0]
        items = value[op]
        if not isinstance(items, list) or not items:
            raise where.error(f"{op} = {items!r}: expected a non-empty list of conditions")
        if depth >= MAX_DEPTH:
            raise where.error(f"conditions nested deeper than {MAX_DEPTH} levels")
        return Combination(op, tuple(_parse_node(where, item, presets, depth + 1)
                                     for item in items))
    return _parse_condition(where, value, presets)


def _parse_condition(where: _Where, value: Mapping[str, Any],
                     presets: tuple[str, ...]) -> Condition:
    _check_keys(where, value, CONDITION_KEYS)
    outcome = value.get("outcome")
    if not isinstance(outcome, str):
        raise where.error(f"condition {dict(value)!r}: missing 'outcome' (an outcome name)")
    if outcome not in OUTCOME_NAMES:
        raise where.error(f"outcome = {outcome!r}: unknown outcome"
                          f"{suggest(outcome, OUTCOME_NAMES)}; see docs/ODD.md for the list")
    bounds = {}
    for key in ("at_least", "at_most"):
        v = value.get(key)
        if v is None:
            continue
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise where.error(f"{outcome}: {key} = {v!r}: expected a finite number")
        bounds[key] = float(v)
    if not bounds:
        raise where.error(f"{outcome}: expected 'at_least' and/or 'at_most'")
    ref = value.get("relative_to")
    if ref is not None:
        if not isinstance(ref, str) or ref not in presets:
            raise where.error(f"{outcome}: relative_to = {ref!r}: unknown preset"
                              f"{suggest(str(ref), presets)}; allowed: {', '.join(presets)}")
        for key, v in bounds.items():
            if v <= 0:
                raise where.error(f"{outcome}: {key} = {v:g} with relative_to: expected a "
                                  f"factor above 0 (e.g. 1.2 = 20 % more than {ref})")
    return Condition(outcome, bounds.get("at_least"), bounds.get("at_most"), ref)


def _check_possible(where: _Where, node: Node) -> None:
    """Refuse thresholds no run can meet: outside the outcome's range, or, within one
    ``all``, an absolute lower bound above an absolute upper bound on the same outcome."""
    if isinstance(node, Condition):
        low, high = outcome_range(node.outcome)
        if node.at_least is not None and node.at_most is not None \
                and node.at_least > node.at_most:
            raise where.error(f"{node.outcome}: at_least = {node.at_least:g} is above at_most "
                              f"= {node.at_most:g}; impossible threshold")
        if node.relative_to is None:
            if node.at_least is not None and node.at_least > high:
                raise where.error(f"{node.outcome}: at_least = {node.at_least:g} is impossible;"
                                  f" the outcome ranges from {low:g} to {high:g}")
            if node.at_most is not None and node.at_most < low:
                raise where.error(f"{node.outcome}: at_most = {node.at_most:g} is impossible; "
                                  f"the outcome ranges from {low:g} to {high:g}")
        return
    for item in node.items:
        _check_possible(where, item)
    if node.op == "all":
        absolute = [c for c in node.items if isinstance(c, Condition) and c.relative_to is None]
        for name in dict.fromkeys(c.outcome for c in absolute):
            lows = [c.at_least for c in absolute if c.outcome == name and c.at_least is not None]
            highs = [c.at_most for c in absolute if c.outcome == name and c.at_most is not None]
            if lows and highs and max(lows) > min(highs):
                raise where.error(f"{name}: at_least = {max(lows):g} and at_most = "
                                  f"{min(highs):g} cannot both hold; impossible threshold")


def _parse_tradeoffs(where: _Where, value: Any) -> dict[str, str]:
    here = where.table("[tradeoffs]")
    spending = [o for o in OUTCOME_NAMES if o.startswith("spend_")]
    defaults = {"spending": "spend_total" if "spend_total" in spending else spending[0],
                "satisfaction": "happiness_index", "participation": "participation_rate"}
    value = {} if value is None else value
    _check_keys(here, value, TRADEOFF_KEYS)
    out = {}
    for key in TRADEOFF_KEYS:
        name = value.get(key, defaults[key])
        if not isinstance(name, str) or name not in OUTCOME_NAMES:
            raise here.error(f"{key} = {name!r}: unknown outcome"
                             f"{suggest(str(name), OUTCOME_NAMES)}")
        out[key] = name
    return out


def _parse_prim(where: _Where, value: Any) -> dict[str, float]:
    here = where.table("[prim]")
    value = {} if value is None else value
    _check_keys(here, value, PRIM_KEYS)
    out: dict[str, float] = dict(PRIM_DEFAULTS)
    for key, v in value.items():
        if key == "max_boxes":
            if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 10:
                raise here.error(f"max_boxes = {v!r}: expected a whole number from 1 to 10")
        elif isinstance(v, bool) or not isinstance(v, int | float) or not 0 < v < 1:
            raise here.error(f"{key} = {v!r}: expected a number between 0 and 1, "
                             f"got {_type_name(v)}")
        out[key] = v
    return out


def _check_points(where: _Where, spec: DiscoverySpec) -> None:
    """Every corner of the lever box must be valid with the base (a cheap full check)."""
    base = spec.base_params()
    for name, (low, high) in spec.levers.items():
        for v in (low, high):
            try:
                base.replace(**{name: int(round(v)) if param_spec(name).is_integer else v})
            except ParameterError as exc:
                raise where.table("[levers]").error(str(exc)) from None


__all__ = ["DiscoverySpec", "SpecError", "load_spec", "parse_spec"]
