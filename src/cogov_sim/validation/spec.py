"""Validation and calibration specs (the shipped ``validation`` and ``calibration`` in
``cogov_sim/specs/``, or files like them) in, :class:`ValidationSpec` /
:class:`CalibrationSpec` out.

Everything is checked before anything runs or is written (keys, types and ranges by
:class:`cogov_sim.schema.Validation` and :class:`~cogov_sim.schema.Calibration`, ``cogov-sim
schema validate|calibrate``; the sizes' consistency here); every problem is one line
naming the file, the table and the key, and what is allowed
(:class:`~cogov_sim.experiment.SpecError`, exit status 2 on the command line).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..experiment.spec import SpecError
from ..params import ParameterError, Params
from ..specfile import SIZE_KEYS, read_toml
from .patterns import BY_ID, PATTERN_IDS, scenarios_for

SIZE_NAMES = tuple(SIZE_KEYS)  # months, residents, communities, residents_per_agent, spinup_months


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
    description_zh: str = ""
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
        from ..schema import Validation, check_option

        if replications is None:
            return self
        return replace(self, replications=check_option(
            Validation, "replications", replications, source=self.source, error=SpecError))

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.description, **self.identity(),
                "patterns": list(self.patterns), "calibrated_on": list(self.calibrated_on)}


@dataclass(frozen=True)
class CalibrationSpec:
    name: str
    root_seed: int
    replications: int
    n: int | None
    size: Size
    targets: tuple[str, ...]
    parameters: dict[str, tuple[float, float]]
    bands: dict[str, tuple[float, float]] = field(default_factory=dict)
    context: dict[str, float | int] = field(default_factory=dict)
    description: str = ""
    description_zh: str = ""
    source: str = "<spec>"
    method: str = "rejection"
    """``rejection`` (Latin hypercube, accept inside every band) or ``abc-smc``."""
    population: int = 100
    generations: int = 6
    held_out: tuple[str, ...] = ()
    predictive_draws: int = 20
    constants: dict[str, tuple[float, float]] = field(default_factory=dict)
    """Rule constants (``module.NAME``) with their uniform prior's bounds (abc-smc)."""

    def band(self, pattern_id: str) -> tuple[float, float]:
        p = BY_ID[pattern_id]
        return self.bands.get(pattern_id, (p.low, p.high))

    def identity(self) -> dict[str, Any]:
        base = {"root_seed": self.root_seed, "replications": self.replications, "n": self.n,
                "size": self.size.to_dict(), "scenarios": list(scenarios_for(self.targets)),
                "parameters": {k: list(v) for k, v in self.parameters.items()},
                "context": dict(self.context)}
        if self.method == "rejection":  # as before abc-smc existed: the same folders
            return base
        return {**base, "method": self.method, "population": self.population,
                "generations": self.generations, "targets": list(self.targets),
                "bands": {k: list(self.band(k)) for k in self.targets},
                "held_out": list(self.held_out), "predictive_draws": self.predictive_draws,
                "constants": {k: list(v) for k, v in self.constants.items()}}

    def fingerprint(self) -> str:
        from ..provenance import fingerprint

        return fingerprint(self.identity())

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.description, **self.identity(),
                "targets": list(self.targets),
                "bands": {k: list(self.band(k)) for k in self.targets}}


# -- parsing ------------------------------------------------------------------------------

def _size(where: str, sizes: Any) -> Size:
    size = Size(**{k: getattr(sizes, k) for k in SIZE_NAMES})
    try:
        Params().replace(**size.params())
    except ParameterError as exc:
        raise SpecError(f"{where}: {exc}") from None
    return size


def parse_validation(data: Mapping[str, Any], source: str = "<spec>",
                     default_name: str = "validation") -> ValidationSpec:
    from ..schema import load

    m = load("validate", data, source=source, error=SpecError, name=default_name)
    patterns = tuple(m.patterns or PATTERN_IDS)
    robust = m.robustness
    return ValidationSpec(
        name=m.name, root_seed=m.root_seed, replications=m.replications,
        size=_size(f"{source}, top level", m), patterns=patterns,
        calibrated_on=tuple(dict.fromkeys(m.calibrated_on or ())), context=m.context.given(),
        robustness_replications=robust.replications if robust else 0,
        robustness_sizes=tuple(_size(f"{source}, [robustness] sizes entry {i}", size)
                               for i, size in enumerate(robust.sizes if robust else (), 1)),
        description=m.description, description_zh=m.description_zh, source=source,
        falsifier_overrides={pid: table.given() for pid, table in m.falsifiers.items()})


def load_validation(path: str | Path) -> ValidationSpec:
    path = Path(path)
    return parse_validation(read_toml(path, SpecError), str(path), path.stem)


def parse_calibration(data: Mapping[str, Any], source: str = "<spec>",
                      default_name: str = "calibration") -> CalibrationSpec:
    from ..schema import load

    m = load("calibrate", data, source=source, error=SpecError, name=default_name)
    return CalibrationSpec(
        name=m.name, root_seed=m.root_seed, replications=m.replications, n=m.n,
        size=_size(f"{source}, top level", m), targets=tuple(m.targets),
        parameters={k: (float(lo), float(hi)) for k, (lo, hi) in m.parameters.given().items()},
        bands=dict(m.bands), context=m.context.given(), description=m.description,
        description_zh=m.description_zh, source=source, method=m.method,
        population=m.population or 100, generations=m.generations or 6,
        held_out=tuple(m.held_out), predictive_draws=(20 if m.predictive_draws is None
                                                      else m.predictive_draws),
        constants={f"{module}.{name}": (float(lo), float(hi))
                   for module, names in m.constants.items() for name, (lo, hi) in names.items()})


def load_calibration(path: str | Path) -> CalibrationSpec:
    path = Path(path)
    return parse_calibration(read_toml(path, SpecError), str(path), path.stem)
