"""Experiment specifications: a TOML file in, a validated :class:`ExperimentSpec` out.

An experiment file (shipped ones in ``cogov_sim/specs/``, see :mod:`cogov_sim.specs`) declares what to run::

    name = "reform_stages"            # results go to results/<name>/<run id>/ (default: file name)
    description = "..."
    description_zh = "..."            # optional: the description in Chinese
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

    # optional, at the top level: a saved ABC-SMC posterior (a calibration results folder,
    # relative to this file); replication r runs every scenario under one particle drawn
    # by weight (cogov_sim.posterior)
    posterior = "../results/calibrate_abc/3f2a9c01"

Everything is checked before anything runs. The keys, their types and ranges are declared
once in :class:`cogov_sim.schema.Experiment` (``cogov-sim schema experiment`` prints its
JSON Schema; docs/spec-reference.md lists every key). A misspelt key, a wrong type or an
out-of-range value raises :class:`SpecError` with a one-line message naming the file,
the table and the key, with a suggestion where one is close (``(did you mean ...?)``).

Precedence of values within one run: parameter defaults < preset < the spec's size keys
(``months``, ``residents``, ``communities``, ``residents_per_agent``, ``spinup_months``) <
the scenario's overrides < the design point's values; with a ``posterior``, its particle's
values are set on top (:mod:`cogov_sim.posterior`). A scenario may not set a parameter
the design varies or the posterior carries (that would be silently overridden), nor a size
key (sizes are set once for the whole experiment).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..communities import CommunityTable
from ..params import ParameterError, Params
from ..posterior import Posterior
from ..specfile import MAX_REPLICATIONS, SIZE_KEYS, read_toml

if TYPE_CHECKING:
    from .design import DesignPoint

LABEL_KEYS = ("name", "description", "description_zh", "title", "title_zh")
"""Keys that label an experiment without changing its runs."""


def spec_size(spec: Any) -> dict[str, Any]:
    """The size parameters a spec object sets (its :data:`SIZE_KEYS` attributes that are not
    None), under their ``Params`` names; a community table as ``communities`` (the
    keyword :meth:`~cogov_sim.params.Params.replace` and ``load_preset`` take)."""
    given = {SIZE_KEYS[k]: getattr(spec, k) for k in SIZE_KEYS}
    out = {k: v for k, v in given.items() if v is not None}
    if isinstance(out.get("n_communities"), CommunityTable):
        out["communities"] = out.pop("n_communities")
    return out


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
    description_zh: str = ""
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
    posterior: Posterior | None = None
    """Parameters drawn per replication from a saved posterior (:mod:`cogov_sim.posterior`)."""
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
        from ..schema import Experiment, check_option

        changes = {key: check_option(Experiment, key, value, source=self.source, error=SpecError)
                   for key, value in (("replications", replications), ("months", months),
                                      ("residents", residents)) if value is not None}
        new = replace(self, **changes)
        _check_sizes(new, f"{self.source}, --months/--residents")
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
        if self.posterior is not None:  # by content (its CSV's hash), not by its path
            out["posterior"] = self.posterior.identity()
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (recorded in the manifest; equal dicts mean equal runs)."""
        return {
            "name": self.name, "description": self.description,
            **{k: getattr(self, k) for k in ("description_zh", "title", "title_zh")
               if getattr(self, k)},
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
            **({} if self.posterior is None else {"posterior": self.posterior.record()}),
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
    from ..schema import load

    m = load("experiment", data, source=source, error=SpecError, name=default_name, folder=folder)
    spec = ExperimentSpec(
        **{k: getattr(m, k) for k in (*LABEL_KEYS, "root_seed", "replications", *SIZE_KEYS,
                                      "common_random_numbers", "shared_spinup")},
        outcomes=tuple(m.outcomes or ()), scenarios=_scenarios(m.scenarios),
        design=_design(m.design, m.root_seed), posterior=m.posterior, source=source)
    _check_sizes(spec, f"{source}, top level")
    return _with_points(spec) if validate else spec


def _scenarios(value: Any) -> tuple[Scenario, ...]:
    """The scenarios in the file's order: presets by name, or name = preset or a table of a
    preset (default: its name) and parameter values."""
    if isinstance(value, list):
        return tuple(Scenario(name=p, preset=p) for p in value)
    return tuple(Scenario(name=n, preset=e) if isinstance(e, str) else
                 Scenario(name=n, preset=e.preset or n,
                          overrides={k: v for k, v in e.given().items() if k != "preset"})
                 for n, e in value.items())


def _design(value: Any, default_seed: int) -> Design:
    if value is None:
        return Design()
    if value.type == "rows":
        return Design(type="rows", rows=tuple(row.given() for row in value.rows))
    return Design(type=value.type, parameters=value.parameters.given(),
                  **({"n": value.n, "seed": default_seed if value.seed is None else value.seed}
                     if value.type == "lhs" else {}))


# -- whole-spec checks ----------------------------------------------------------------------

def _check_sizes(spec: ExperimentSpec, where: str) -> None:
    try:
        Params().replace(**spec.size())
    except ParameterError as exc:
        raise SpecError(f"{where}: {exc} (set by 'residents', 'communities', "
                        "'residents_per_agent' and 'spinup_months')") from None


def _with_points(spec: ExperimentSpec) -> ExperimentSpec:
    """The spec with its design points built, so combinations are checked before any run."""
    from .design import design_points  # local: design imports this module

    return replace(spec, points=tuple(design_points(spec)))


__all__ = ["MAX_REPLICATIONS", "SIZE_KEYS", "Design", "ExperimentSpec", "Scenario", "SpecError",
           "communities_record", "load_spec", "parse_spec"]
