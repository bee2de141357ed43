"""Validation and calibration specs (the shipped ``validation`` and ``calibration`` in
``cogov_sim/specs/``, or files like them) in, :class:`ValidationSpec` /
:class:`CalibrationSpec` out.

Everything is checked before anything runs or is written; every problem is one line
naming the file, the table and the key, and what is allowed
(:class:`~cogov_sim.experiment.SpecError`, exit status 2 on the command line).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..experiment.spec import (
    _NAME,
    SIZE_KEYS,
    SpecError,
    _check_keys,
    _check_str,
    _check_top_int,
    _check_value,
    _Where,
)
from ..params import ParameterError, Params, param_specs, suggest
from ..specfile import read_toml
from .patterns import BY_ID, PATTERN_IDS, scenarios_for

SIZE_NAMES = tuple(SIZE_KEYS)  # months, residents, communities, residents_per_agent, spinup_months
VALIDATION_KEYS = ("name", "description", "root_seed", "replications", *SIZE_NAMES,
                   "patterns", "calibrated_on", "context", "robustness", "falsifiers")
ROBUSTNESS_KEYS = ("replications", "sizes")
CALIBRATION_KEYS = ("name", "description", "root_seed", "replications", "n", *SIZE_NAMES,
                    "targets", "parameters", "bands", "context")
MAX_SAMPLES = 100_000


@dataclass(frozen=True)
class Size:
    """Sizes of every run of one variant (``None``: the model's default)."""

    months: int | None = None
    residents: int | None = None
    communities: int | None = None
    residents_per_agent: int | None = None
    spinup_months: int | None = None

    def params(self) -> dict[str, int]:
        return {SIZE_KEYS[k]: v for k in SIZE_NAMES if (v := getattr(self, k)) is not None}

    def label(self) -> str:
        p = Params().replace(**{k: v for k, v in self.params().items() if k != "months"})
        return (f"{p.n_residents:,} residents in {p.n_communities} communities, one agent per "
                f"{p.residents_per_agent}")

    def to_dict(self) -> dict[str, int]:
        return {k: v for k in SIZE_NAMES if (v := getattr(self, k)) is not None}


@dataclass(frozen=True)
class ValidationSpec:
    name: str
    root_seed: int
    replications: int
    size: Size
    patterns: tuple[str, ...]
    calibrated_on: tuple[str, ...]
    context: dict[str, float | int] = field(default_factory=dict)
    robustness_replications: int = 0
    robustness_sizes: tuple[Size, ...] = ()
    description: str = ""
    source: str = "<spec>"
    falsifier_overrides: dict[str, dict[str, float | int]] = field(default_factory=dict)
    """``[falsifiers]`` of the spec: per pattern, context parameters replacing the
    pattern's own falsifier (an empty table: no falsifier)."""

    def falsifier(self, pattern_id: str) -> dict[str, float | int]:
        """The context under which pattern ``pattern_id`` is checked to fail (empty: none)."""
        if pattern_id in self.falsifier_overrides:
            return dict(self.falsifier_overrides[pattern_id])
        return dict(BY_ID[pattern_id].falsifier)

    def identity(self) -> dict[str, Any]:
        identity = {"root_seed": self.root_seed, "replications": self.replications,
                    "size": self.size.to_dict(), "scenarios": list(scenarios_for(self.patterns)),
                    "context": dict(self.context),
                    "robustness": {"replications": self.robustness_replications,
                                   "sizes": [s.to_dict() for s in self.robustness_sizes]}}
        falsifiers = {p: f for p in self.patterns if (f := self.falsifier(p))}
        if falsifiers:
            identity["falsifiers"] = falsifiers
        return identity

    def fingerprint(self) -> str:
        from ..provenance import fingerprint

        return fingerprint(self.identity())

    def with_overrides(self, replications: int | None = None) -> ValidationSpec:
        if replications is None:
            return self
        _check_top_int(_Where(self.source).option("replications"), "replications", replications)
        if replications < 2:
            raise SpecError(f"--replications {replications}: expected 2 or more (a confidence "
                            "interval needs two)")
        return replace(self, replications=replications)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.description, **self.identity(),
                "patterns": list(self.patterns), "calibrated_on": list(self.calibrated_on)}


@dataclass(frozen=True)
class CalibrationSpec:
    name: str
    root_seed: int
    replications: int
    n: int
    size: Size
    targets: tuple[str, ...]
    parameters: dict[str, tuple[float, float]]
    bands: dict[str, tuple[float, float]] = field(default_factory=dict)
    context: dict[str, float | int] = field(default_factory=dict)
    description: str = ""
    source: str = "<spec>"

    def band(self, pattern_id: str) -> tuple[float, float]:
        p = BY_ID[pattern_id]
        return self.bands.get(pattern_id, (p.low, p.high))

    def identity(self) -> dict[str, Any]:
        return {"root_seed": self.root_seed, "replications": self.replications, "n": self.n,
                "size": self.size.to_dict(), "scenarios": list(scenarios_for(self.targets)),
                "parameters": {k: list(v) for k, v in self.parameters.items()},
                "context": dict(self.context)}

    def fingerprint(self) -> str:
        from ..provenance import fingerprint

        return fingerprint(self.identity())

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.description, **self.identity(),
                "targets": list(self.targets),
                "bands": {k: list(self.band(k)) for k in self.targets}}


# -- parsing ------------------------------------------------------------------------------

def _read(path: str | Path) -> tuple[dict[str, Any], _Where, str]:
    path = Path(path)
    return read_toml(path, SpecError), _Where(path.name), path.stem


def _name(where: _Where, data: Mapping[str, Any], default: str) -> str:
    name = _check_str(where, "name", data.get("name", default))
    if not _NAME.match(name):
        raise where.error(f"name = {name!r}: use letters, digits, '_', '-' and '.'")
    return name


def _required_int(where: _Where, data: Mapping[str, Any], key: str, low: int = 1) -> int:
    if key not in data:
        raise where.error(f"missing key '{key}'")
    value = _check_top_int(where, key, data[key])
    if value < low:
        raise where.error(f"{key} = {value} is out of range; allowed: {low} or more")
    return value


def _size(where: _Where, data: Mapping[str, Any]) -> Size:
    values = {k: _check_top_int(where, k, data[k]) for k in SIZE_NAMES if k in data}
    size = Size(**values)
    try:
        Params().replace(**size.params())
    except ParameterError as exc:
        raise where.error(str(exc)) from None
    return size


def _ids(where: _Where, key: str, value: Any, allowed: tuple[str, ...]) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise where.error(f"{key} = {value!r}: expected a non-empty list of pattern ids; "
                          f"allowed: {', '.join(allowed)}")
    for item in value:
        if not isinstance(item, str) or item not in allowed:
            raise where.error(f"{key}: unknown pattern {item!r}"
                              f"{suggest(str(item), list(allowed))}; allowed: "
                              f"{', '.join(allowed)}")
    return tuple(dict.fromkeys(value))


def _context(where: _Where, value: Any) -> dict[str, float | int]:
    here = where.table("[context]") if where.place == "top level" else where
    if not isinstance(value, Mapping):
        raise here.error(f"expected a table of context parameters, got {value!r}")
    names = [s.name for s in param_specs("context")]
    for key in value:
        if key not in names:
            raise here.error(f"'{key}' is not a context parameter{suggest(key, names)}; "
                             "levers belong to the presets, sizes at the top level")
    return {k: _check_value(here, k, v, kinds=("context",)) for k, v in value.items()}


def _falsifiers(where: _Where, value: Any,
                patterns: tuple[str, ...]) -> dict[str, dict[str, float | int]]:
    here = where.table("[falsifiers]")
    if not isinstance(value, Mapping):
        raise here.error(f"expected a table of patterns, each a table of context parameters "
                         f"like P1 = {{ on_list_share = 0.6 }}, got {value!r}")
    out = {}
    for pid, table in value.items():
        if pid not in patterns:
            raise here.error(f"'{pid}' is not a pattern of this spec{suggest(pid, patterns)}; "
                             f"allowed: {', '.join(patterns)}")
        out[pid] = _context(where.table(f"[falsifiers] {pid}"), table)
    return out


def parse_validation(data: Mapping[str, Any], source: str = "<spec>",
                     default_name: str = "validation") -> ValidationSpec:
    where = _Where(source)
    _check_keys(where, data, VALIDATION_KEYS)
    patterns = _ids(where, "patterns", data.get("patterns", list(PATTERN_IDS)), PATTERN_IDS)
    calibrated = _ids(where, "calibrated_on", data["calibrated_on"], patterns) \
        if "calibrated_on" in data else ()
    if calibrated and len(calibrated) == len(patterns):
        raise where.error("calibrated_on lists every pattern; hold at least one out")
    replications = _required_int(where, data, "replications", low=2)
    robust = data.get("robustness", {})
    here = where.table("[robustness]")
    _check_keys(here, robust, ROBUSTNESS_KEYS)
    sizes: list[Size] = []
    if robust:
        raw = robust.get("sizes")
        if not isinstance(raw, list) or not raw:
            raise here.error(f"sizes = {raw!r}: expected a non-empty list of tables like "
                             "{ residents = 12000, communities = 12, residents_per_agent = 10 }")
        for i, item in enumerate(raw, 1):
            at = where.table(f"[robustness] sizes entry {i}")
            _check_keys(at, item, SIZE_NAMES)
            sizes.append(_size(at, item))
    return ValidationSpec(
        name=_name(where, data, default_name),
        root_seed=_required_int(where, data, "root_seed", low=0),
        replications=replications, size=_size(where, data), patterns=patterns,
        calibrated_on=calibrated, context=_context(where, data.get("context", {})),
        robustness_replications=_required_int(here, robust, "replications", low=2)
        if robust else 0,
        robustness_sizes=tuple(sizes),
        description=_check_str(where, "description", data.get("description", "")),
        source=source,
        falsifier_overrides=_falsifiers(where, data.get("falsifiers", {}), patterns))


def load_validation(path: str | Path) -> ValidationSpec:
    data, where, stem = _read(path)
    return parse_validation(data, where.source, stem)


def parse_calibration(data: Mapping[str, Any], source: str = "<spec>",
                      default_name: str = "calibration") -> CalibrationSpec:
    where = _Where(source)
    _check_keys(where, data, CALIBRATION_KEYS)
    if "targets" not in data:
        raise where.error("missing key 'targets' (the pattern ids calibrated on)")
    targets = _ids(where, "targets", data["targets"], PATTERN_IDS)
    here = where.table("[parameters]")
    raw = data.get("parameters")
    if not isinstance(raw, Mapping) or not raw:
        raise here.error("expected a table of context parameters with [low, high] ranges, "
                         "e.g. admin_task_load = [60, 300]")
    context_names = [s.name for s in param_specs("context")]
    parameters: dict[str, tuple[float, float]] = {}
    for name, bounds in raw.items():
        if name not in context_names:
            raise here.error(f"'{name}' is not a context parameter"
                             f"{suggest(name, context_names)}; calibration varies context "
                             "parameters only (levers are the scenarios' business)")
        if not (isinstance(bounds, list) and len(bounds) == 2):
            raise here.error(f"{name} = {bounds!r}: expected [low, high]")
        low, high = (_check_value(here, name, v, kinds=("context",)) for v in bounds)
        if not low < high:
            raise here.error(f"{name} = {bounds!r}: expected low < high")
        parameters[name] = (float(low), float(high))
    bands: dict[str, tuple[float, float]] = {}
    at = where.table("[bands]")
    raw_bands = data.get("bands", {})
    if not isinstance(raw_bands, Mapping):
        raise at.error(f"expected a table of pattern id = [low, high], got {raw_bands!r}")
    for key, value in raw_bands.items():
        if key not in targets:
            raise at.error(f"'{key}' is not one of the targets; allowed: {', '.join(targets)}")
        ok = (isinstance(value, list) and len(value) == 2
              and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value))
        if not ok or not value[0] < value[1]:
            raise at.error(f"{key} = {value!r}: expected [low, high] numbers with low < high")
        bands[key] = (float(value[0]), float(value[1]))
    context = _context(where, data.get("context", {}))
    clash = sorted(set(context) & set(parameters))
    if clash:
        raise where.error(f"'{clash[0]}' is both calibrated ([parameters]) and fixed "
                          "([context]); give it in one of them")
    return CalibrationSpec(
        name=_name(where, data, default_name),
        root_seed=_required_int(where, data, "root_seed", low=0),
        replications=_required_int(where, data, "replications"),
        n=_n(where, data), size=_size(where, data), targets=targets,
        parameters=parameters, bands=bands, context=context,
        description=_check_str(where, "description", data.get("description", "")),
        source=source)


def _n(where: _Where, data: Mapping[str, Any]) -> int:
    value = data.get("n")
    if isinstance(value, bool) or not isinstance(value, int) or not 2 <= value <= MAX_SAMPLES:
        raise where.error(f"n = {value!r}: expected a whole number of prior samples from 2 "
                          f"to {MAX_SAMPLES}")
    return value


def load_calibration(path: str | Path) -> CalibrationSpec:
    data, where, stem = _read(path)
    return parse_calibration(data, where.source, stem)
