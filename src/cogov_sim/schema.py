"""One declarative schema for every input file, and its one-line error messages.

Each input kind (``experiment``, ``sa``, ``discover``, ``validate``, ``calibrate``,
``rollout``, ``timeline``) is a pydantic model built from shared pieces: the labels, the
seed and replications, the run sizes, and tables of parameter values whose keys, bounds
and units come from :func:`cogov_sim.params.param_specs`; a community table's row
(``communities``, a CSV file) is one too. A key is declared once here and so is known to
every loader, to the JSON Schema editors read and to the key reference
(:mod:`cogov_sim.schema_files`: ``cogov-sim schema KIND``, ``schemas/*.schema.json``,
docs/spec-reference.md).

The models check everything a file says on its own: keys, types, ranges, names, and
how keys agree (a calendar, an adoption path, a goal some run could meet, scenarios and
the design). Each kind's loader then only builds its run objects, checking what needs the
model itself (sizes a township can have, design points, townships) in the same one-line
form.

Pydantic reports every problem at once over several lines; :func:`check` turns the first
into the package's one line: the file, the table, the key, the offending value and what
is allowed, worded from the same JSON Schema an editor shows, with the closest valid key
for a misspelling. Only spec loading imports this module: a run never does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache
from importlib import import_module
from typing import Annotated, Any, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    PlainValidator,
    Tag,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError, core_schema

from .params import ParamSpec, param_specs, suggest
from .params import spec as param_spec
from .specfile import MAX_REPLICATIONS, MAX_SEED
from .timeline import YEARS

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
_KIND_WORDS = {"lever": "lever", "context": "context parameter", "size": "size parameter"}


def problem(message: str, table: bool = False, place: str = "") -> PydanticCustomError:
    """A problem a validator finds, already worded: about the key it is raised at, or
    (``table``) about the table it is raised at, or about the table ``place`` names."""
    return PydanticCustomError("spec_table" if table else "spec", "{message}",
                               {"message": message, "place": place})


# -- building blocks ----------------------------------------------------------------------

class Table(BaseModel):
    """A TOML table: only its declared keys, values of the types TOML gave (``"2"`` is not
    2, ``true`` is not 1), no NaN or infinity."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False,
                              defer_build=True)  # built when a kind is first read


class Names:
    """A string from a list known only when a spec is read (``module:attribute``, imported
    then: presets, timelines, outcomes, patterns; or a function), published as an ``enum``."""

    def __init__(self, what: str, where: str | Callable[[], Sequence[str]]) -> None:
        self.what, self.where = what, where

    def names(self) -> list[str]:
        if callable(self.where):
            return list(self.where())
        module, _, attribute = self.where.partition(":")
        found = getattr(import_module(module, __package__), attribute)
        return list(found() if callable(found) else found)

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self._check,
                                                            core_schema.str_schema(strict=True))

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> dict[str, Any]:
        return {**handler(schema), "type": "string", "enum": self.names(), "x-what": self.what}

    def _check(self, value: str) -> str:
        if value not in (names := self.names()):
            raise PydanticCustomError("unknown_name", "{what}", {"what": self.what, "allowed": names})
        return value


_SCENARIOS = Names("scenario preset", ".timeline:scenario_names")
ScenarioName = Annotated[str, _SCENARIOS]
PresetName = Annotated[str, Names("preset", ".presets:preset_names")]
OutcomeName = Annotated[str, Names("outcome", ".outcomes:OUTCOME_NAMES")]
_PATTERNS = Names("pattern", ".validation.patterns:PATTERN_IDS")
PatternId = Annotated[str, _PATTERNS]


def _unique(items: list[Any]) -> list[Any]:
    return list(dict.fromkeys(items))


def key(meaning: str | None = None, expected: str | None = None, **constraints: Any) -> Any:
    """A key's ``Field``: what it means (the description editors show) and, where the
    constraints do not say it well, what is ``expected`` in words (``x-expected``)."""
    return Field(description=meaning, json_schema_extra={"x-expected": expected} if expected
                 else None, **constraints)


Name = Annotated[str, key("names the results folder results/<name>/ (default: the file's name)",
                          "letters, digits, '_', '-' or '.' (it names the results folder)",
                          pattern=NAME_PATTERN)]
Text = Annotated[str, key("one line, shown in listings and reports")]
TextZh = Annotated[str, key("the description in Chinese, one line (`cogov-sim specs --lang zh` "
                            "shows it)")]
Seed = Annotated[int, key("root of the seed tree: the same root gives the same runs", ge=0,
                          le=MAX_SEED)]
Replications = Annotated[int, key("runs of each design point on their own seeds", ge=1,
                                  le=MAX_REPLICATIONS)]
Outcomes = Annotated[list[OutcomeName], Field(min_length=1), AfterValidator(_unique)]


def _whole(value: float) -> int:
    if not float(value).is_integer():
        raise PydanticCustomError("expected", "whole")
    return int(value)


def _number(s: ParamSpec, **extra: Any) -> Any:
    """One value of parameter ``s``: a number within its bounds, a whole one (made an
    int) if the parameter counts things."""
    def whole(value: float) -> float | int:
        return _whole(value) if s.is_integer else float(value)

    schema: dict[str, Any] = {"x-unit": s.unit, **({"multipleOf": 1} if s.is_integer else {})}
    return Annotated[float, Field(ge=s.low, le=s.high, description=s.en,
                                  json_schema_extra=schema, **extra), AfterValidator(whole)]


def _size(name: str, **extra: Any) -> Any:
    s = param_spec(name)
    return Annotated[int, Field(ge=int(s.low), le=int(s.high), description=s.en,
                                json_schema_extra={"x-unit": s.unit}, **extra)]


Months = _size("months")
Residents = _size("n_residents")
ResidentsPerAgent = _size("residents_per_agent")
SpinupMonths = _size("spinup_months")
EqualCommunities = _size("n_communities")


def _pair(value: list[float], strict: bool = True) -> tuple[float, float]:
    low, high = value
    if low > high or (strict and low == high):
        raise PydanticCustomError("expected", "order")
    return (low, high)


def _bounds(s: ParamSpec, strict: bool = True) -> Any:
    """``[low, high]`` within the parameter's bounds, low below high (or equal, when
    not ``strict``)."""
    order = "low < high" if strict else "low <= high"
    return Annotated[list[_number(s)], key(s.en, f"[low, high] with {order}, within {s.low:g} to "
                                           f"{s.high:g} ({s.unit})", min_length=2, max_length=2),
                     AfterValidator(lambda v: _pair(v, strict))]


def _levels(s: ParamSpec) -> Any:
    def distinct(values: list[Any]) -> tuple[Any, ...]:
        if len(set(values)) != len(values):
            raise PydanticCustomError("expected", "repeat")
        return tuple(values)

    return Annotated[list[_number(s)], key(s.en, f"a non-empty list of distinct values from "
                                           f"{s.low:g} to {s.high:g} ({s.unit})", min_length=1),
                     AfterValidator(distinct)]


def _setting(s: ParamSpec) -> Any:
    """A parameter explored by ``sa`` and ``discover``: ``[]`` (its whole range), ``[low,
    high]`` or one number (held fixed)."""
    def split(value: Any) -> str:
        if isinstance(value, list):
            return "range" if value else "whole"
        return "all" if value is True else "fixed"

    return Annotated[tagged(split, range=_bounds(s), whole=Annotated[list[Any], Field(max_length=0)],
                            all=Literal[True], fixed=_number(s)),
                     key(s.en, f"[] (its whole range {s.low:g} to {s.high:g} {s.unit}), [low, "
                               "high] or a number (held fixed)")]


class ParameterTable(Table):
    """A table of parameter values (see :func:`parameters`) that remembers the order its
    keys were given in: design points and their labels follow the file."""

    @model_validator(mode="wrap")
    @classmethod
    def _keep_order(cls, data: Any, handler: Any) -> Any:
        table = handler(data)
        order = tuple(data) if _mapping(data) else tuple(getattr(data, "_order", ()))
        table.__pydantic_private__ = {"_order": order}
        return table

    def given(self) -> dict[str, Any]:
        """The parameters set, in the file's order, with their checked values."""
        return {k: getattr(self, k) for k in (self.__pydantic_private__ or {}).get("_order", ())}


def _either(words: Sequence[str]) -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    return " or ".join([", ".join(words[:-1]), words[-1]]) if len(words) > 1 else words[0]


@cache
def parameters(kinds: tuple[str, ...], value: Callable[[ParamSpec], Any], *, what: str = "",
               advice: tuple[tuple[str, str], ...] = (), extra: tuple[str, ...] = ()
               ) -> type[ParameterTable]:
    """A table whose keys are the parameters of ``kinds`` (and those named in ``extra``),
    each an optional ``value(spec)``: editors complete the names and check the bounds.

    ``what`` names the keys in messages (default: the kinds' words); ``advice`` says, by
    kind, where a parameter of another kind goes instead.
    """
    specs = [s for s in param_specs() if s.kind in kinds or s.name in extra]
    words = what or _either([_KIND_WORDS[k] for k in kinds])
    namespace = {"__module__": __name__, "__annotations__": {s.name: value(s) | None for s in specs},
                 **dict.fromkeys((s.name for s in specs), None),
                 "model_config": ConfigDict(json_schema_extra={"x-parameters": words,
                                                               "x-advice": dict(advice)})}
    return type("_".join(("Parameters", *kinds, *extra, value.__name__.strip("_<>"))),
                (ParameterTable,), namespace)


class _Mark:
    """Marks one alternative of a :func:`tagged` union in the JSON Schema (``x-tag``), so
    that an error inside it is described by that alternative; ``never``: an alternative
    that only exists to report an error (no file matches it)."""

    def __init__(self, tag: str, never: bool = False) -> None:
        self.tag, self.never = tag, never

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> dict[str, Any]:
        return {"not": {}, "x-tag": self.tag} if self.never else {**handler(schema), "x-tag": self.tag}


def tagged(choose: Callable[[Any], str], never: Iterable[str] = (), **choices: Any) -> Any:
    """A union chosen by ``choose(value)`` among ``choices`` (tag → type): an error is about
    the one alternative the value was meant as, not a list of every alternative's."""
    members = tuple(Annotated[t, Tag(f"<{tag}>"), _Mark(tag, tag in never)]
                    for tag, t in choices.items())
    return Annotated[Union[members], Discriminator(lambda v: f"<{choose(v)}>")]  # noqa: UP007


def _table(value: Any, info: ValidationInfo) -> Any:
    """A community table: a packaged name, or a CSV path relative to the spec file (the
    folder given in the validation context); a table already loaded passes."""
    from .communities import CommunityTable, load_communities
    from .params import ParameterError

    try:
        return value if isinstance(value, CommunityTable) else load_communities(
            value, base=(info.context or {}).get("folder"))
    except ParameterError as exc:
        raise problem(f"communities = {value!r}: {exc}") from None


Communities = Annotated[tagged(
    lambda v: "count" if isinstance(v, int) else "table", count=EqualCommunities,
    table=Annotated[Any, PlainValidator(_table), WithJsonSchema({"type": "string"})]), key(
        "equal communities (a number), or a community table: a packaged name such as "
        "'taicang_township' or a path to a .csv file (relative to this file)",
        f"a whole number of equal communities from {param_spec('n_communities').low:g} to "
        f"{param_spec('n_communities').high:g}, or a community table (a name such as "
        "'taicang_township' or a path to a .csv file)")]


def _posterior(value: Any, info: ValidationInfo) -> Any:
    """A saved ABC-SMC posterior: a calibration folder holding posterior_particles.csv,
    relative to the spec file (the folder given in the validation context) unless absolute;
    one already loaded passes."""
    from .posterior import Posterior, PosteriorError, load_posterior

    if isinstance(value, Posterior):
        return value
    if not isinstance(value, str) or not value.strip():
        raise problem(f"posterior = {value!r}: expected the path of a calibration results "
                      "folder (a string)")
    try:
        return load_posterior(value, base=(info.context or {}).get("folder"))
    except PosteriorError as exc:
        raise problem(f"posterior = {value!r}: {exc}") from None


PosteriorFolder = Annotated[Any, PlainValidator(_posterior), WithJsonSchema({
    "type": "string",
    "description": "a calibration results folder (`cogov-sim calibrate`, method = \"abc-smc\") "
                   "holding posterior_particles.csv, relative to this file: each replication "
                   "runs under one particle drawn by weight, the same for every scenario or "
                   "policy of that replication",
    "x-expected": "the path of a folder holding posterior_particles.csv"})]


def _posterior_conflict(posterior: Any, sets: Mapping[str, Iterable[str]]) -> None:
    """Refuse a parameter the posterior carries that the spec also sets (``sets``: place →
    the names set there): one of the two would be silently overridden."""
    if posterior is None:
        return
    for place, names in sets.items():
        if both := sorted(set(posterior.parameters) & set(names)):
            raise problem(f"posterior = {str(posterior.folder)!r}: its column '{both[0]}' is also "
                          f"set by {place}; remove one of the two")


class Labels(Table):
    """Keys that label a spec without changing what it runs."""

    name: Name | None = None
    description: Text = ""
    description_zh: TextZh = ""


class Sizes(Table):
    """Sizes of every run (default: the model's or the preset's)."""

    months: Months | None = None
    residents: Residents | None = None
    communities: Communities | None = None
    residents_per_agent: ResidentsPerAgent | None = None
    spinup_months: SpinupMonths | None = None


class Seeded(Table):
    """The seed tree's root and the runs of each point: what makes a study reproducible."""

    root_seed: Seed
    replications: Replications


class EqualSizes(Sizes):
    """Sizes where ``communities`` is a number of equal communities only."""

    communities: EqualCommunities | None = None


Paired = Annotated[bool, key("replication r of every scenario, policy or point shares a seed "
                             "(paired comparisons)")]
_SIZES_AT_TOP = ("size", "sizes are set once, at the top level")
_ONLY_LEVERS = (("context", "the township's context is the preset's"), _SIZES_AT_TOP)


def _mapping(value: Any) -> bool:
    return isinstance(value, Mapping)


# -- experiment ---------------------------------------------------------------------------

class ScenarioEntry(parameters(("lever", "context"), _number, advice=(_SIZES_AT_TOP,))):
    preset: ScenarioName | None = Field(None, description="the preset it starts from (default: "
                                        "the scenario's name, if that is a preset)")


_DESIGNED = ("size", "lever", "context")


class _DesignKeys(Table):
    """A design's keys depend on its ``type``: a key of another type is named as such."""

    @model_validator(mode="before")
    @classmethod
    def _keys_of_type(cls, data: Any) -> Any:
        if not _mapping(data):
            return data
        kind = data.get("type")
        allowed = tuple(cls.model_fields)
        for key in data:
            if key not in allowed:
                other = [t for t, m in DESIGNS.items() if key in m.model_fields]
                hint = (f" (it belongs to type = {' or '.join(repr(t) for t in other)})" if other
                        else suggest(key, allowed))
                raise problem(f"unknown key '{key}' for type = '{kind}'{hint}; allowed: "
                              f"{', '.join(allowed)}", table=True)
        return data


class GridDesign(_DesignKeys):
    """Every combination of the listed values."""

    type: Literal["grid"]
    parameters: Annotated[parameters(_DESIGNED, _levels), key("parameter = [values]")]


class RowsDesign(_DesignKeys):
    """Explicit points, one [[design.rows]] table each."""

    type: Literal["rows"]
    rows: Annotated[list[parameters(_DESIGNED, _number)], key(
        "the design points", "a non-empty list of [[design.rows]] tables of parameter = value",
        min_length=1)]

    @model_validator(mode="after")
    def _distinct(self) -> RowsDesign:
        rows = [sorted(row.given().items()) for row in self.rows]
        for i, row in enumerate(rows, start=1):
            if row in rows[:i - 1]:
                given = self.rows[i - 1].given().items()
                raise problem(f"[[design.rows]] #{rows.index(row) + 1} and #{i} are the same row "
                              f"({', '.join(f'{k}={v}' for k, v in given)}); remove one", True)
        return self


class LhsDesign(_DesignKeys):
    """A Latin hypercube of ``n`` points within [low, high] bounds."""

    type: Literal["lhs"]
    parameters: Annotated[parameters(_DESIGNED, _bounds), key("parameter = [low, high]")]
    n: Annotated[int, key("number of Latin hypercube points", ge=1, le=1_000_000)]
    seed: Annotated[int, key("seed of the Latin hypercube (default: root_seed)", ge=0,
                             le=MAX_SEED)] | None = None


class _DesignType(Table):
    type: Annotated[str, Names("design type", lambda: ("grid", "rows", "lhs"))]


DESIGNS: dict[str, type[Table]] = {"grid": GridDesign, "rows": RowsDesign, "lhs": LhsDesign}
Design = tagged(lambda v: v["type"] if _mapping(v) and v.get("type") in DESIGNS else "type",
                never=("type",), grid=GridDesign, rows=RowsDesign, lhs=LhsDesign, type=_DesignType)


class Experiment(Sizes, Seeded, Labels):
    """``cogov-sim experiment``: scenarios, optionally crossed with a design."""

    title: Annotated[str, key("title of the figures and tables (default: the scenarios' "
                              "names)")] = ""
    title_zh: Annotated[str, key("title of the Chinese figures and tables")] = ""
    common_random_numbers: Paired = True
    shared_spinup: Annotated[bool, key("simulate each seed's spin-up once (the same results, "
                                       "sooner)")] = True
    outcomes: Outcomes | None = None
    scenarios: Annotated[tagged(
        lambda v: "list" if isinstance(v, list) else "table",
        list=Annotated[list[ScenarioName], Field(min_length=1)],
        table=Annotated[dict[str, tagged(lambda v: "name" if isinstance(v, str) else "table",
                                         name=ScenarioName, table=ScenarioEntry)],
                        Field(min_length=1)]),
        key("presets by name, or a table of name = preset or name = { preset = ..., <parameter> "
            "= value }", "a non-empty list of presets or a [scenarios] table")] = ["baseline"]
    design: Annotated[Design, key("parameters varied within every scenario", "a [design] table "
                                  "with type = grid, rows or lhs")] | None = None
    posterior: PosteriorFolder | None = None

    @model_validator(mode="after")
    def _posterior_alone(self) -> Experiment:
        """The posterior sets no parameter a scenario or the design also sets."""
        d = self.design
        sets: dict[str, Iterable[str]] = {}
        if d is not None:
            sets["[design]"] = ({k for row in d.rows for k in row.given()} if d.type == "rows"
                                else set(d.parameters.given()))
        if isinstance(self.scenarios, Mapping):
            sets.update({f"[scenarios.{n}]": e.given() for n, e in self.scenarios.items()
                         if not isinstance(e, str)})
        _posterior_conflict(self.posterior, sets)
        return self

    @model_validator(mode="after")
    def _scenarios_and_design(self) -> Experiment:
        """A scenario names a preset (its own name, if no other), and sets no parameter
        the design varies (it would be silently overridden)."""
        if isinstance(self.scenarios, list):
            twice = next((p for i, p in enumerate(self.scenarios) if p in self.scenarios[:i]), None)
            if twice is not None:
                raise problem(f"scenarios: '{twice}' is listed twice")
            return self
        d, presets = self.design, _SCENARIOS.names()
        varied = set() if d is None else {k for row in d.rows for k in row.given()} \
            if d.type == "rows" else set(d.parameters.given())
        for name, entry in self.scenarios.items():
            if isinstance(entry, str):
                continue
            if entry.preset is None and name not in presets:
                raise problem(f"missing key 'preset' ('{name}' is not a preset name)"
                              f"{suggest(name, presets)}; allowed presets: {', '.join(presets)}",
                              place=f"[scenarios.{name}]")
            if both := sorted(varied & set(entry.given())):
                raise problem(f"sets {both[0]}, which [design] also varies; remove one of the "
                              "two", place=f"[scenarios.{name}]")
        return self


# -- sensitivity analysis -----------------------------------------------------------------

def _explored(kinds: tuple[str, ...]) -> Any:
    """The parameters ``sa`` and ``discover`` vary: a list of names (over their bounds) or a
    table of name = [] | [low, high] | value (held fixed); default: every lever."""
    names = Names(_either([_KIND_WORDS[k] for k in kinds]),
                  lambda: [s.name for s in param_specs() if s.kind in kinds])
    return Annotated[tagged(lambda v: "list" if isinstance(v, list) else "table",
                            list=list[Annotated[str, names]], table=parameters(kinds, _setting)), key(
        "the parameters varied (default: every lever over its bounds): a list of names, or name "
        "= [] (its bounds) | [low, high] | value (held fixed)")]


Positive = Annotated[int, Field(ge=1)]


class Sensitivity(Sizes, Labels):
    """``cogov-sim sa``: global sensitivity indices of the model's outcomes."""

    root_seed: Seed
    method: Annotated[str, Names("method", ".sensitivity.methods:METHODS"),
                      key("the estimator of the indices")] = "sobol"
    n: Annotated[Positive, key("sample size (Sobol: a power of 2)")] | None = None
    n_start: Annotated[Positive, key("first sample size when growing to a tolerance")] | None = None
    tolerance: Annotated[float, key("grow a Sobol sample until every index is within this (95 % "
                                    "interval)", gt=0, lt=1)] | None = None
    max_runs: Annotated[Positive, key("run budget with a tolerance")] | None = None
    replications: Replications = 1
    scramblings: Annotated[Positive, key("independent Sobol scramblings (default 1, or 8 with a "
                                         "tolerance)")] | None = None
    scenario: Annotated[ScenarioName, key("the preset giving every value that does not "
                                          "vary")] = "baseline"
    common_random_numbers: Paired = True
    outcomes: Annotated[list[str], key("outcome:statistic (final, mean, last_year)")] | None = None
    over_time: Annotated[list[str], key("outcomes with indices per simulated year")] | None = None
    levers: _explored(("lever", "context")) | None = None
    options: Annotated[dict[str, Any], key("method options: second_order (sobol), num_levels "
                                           "(morris), M (efast), slices (pawn)")] = {}


# -- discovery ----------------------------------------------------------------------------

class Condition(Table):
    """One threshold on an outcome averaged over the horizon."""

    outcome: OutcomeName
    at_least: float | None = None
    at_most: float | None = None
    relative_to: Annotated[ScenarioName, key("bounds are factors of this preset's value")] | None = None

    @model_validator(mode="after")
    def _bounded(self) -> Condition:
        if self.at_least is None and self.at_most is None:
            raise problem(f"{self.outcome}: expected 'at_least' and/or 'at_most'", table=True)
        for key, bound in (("at_least", self.at_least), ("at_most", self.at_most)):
            if self.relative_to is not None and bound is not None and bound <= 0:
                raise problem(f"{self.outcome}: {key} = {bound:g} with relative_to: expected a "
                              f"factor above 0 (e.g. 1.2 = 20 % more than {self.relative_to})",
                              table=True)
        return self


def _node(value: Any) -> str:
    return next((op for op in ("all", "any") if _mapping(value) and op in value), "condition")


class AllOf(Table):
    model_config = ConfigDict(json_schema_extra={"x-nested": True})  # the reference shows Goal's
    all: Annotated[list[Node], Field(min_length=1)]


class AnyOf(Table):
    model_config = ConfigDict(json_schema_extra={"x-nested": True})
    any: Annotated[list[Node], Field(min_length=1)]


Node = tagged(_node, condition=Condition, all=AllOf, any=AnyOf)
Conditions = Annotated[list[Node], key(
    "conditions on outcomes averaged over the horizon", "a non-empty list of conditions { outcome "
    "= ..., at_least = ... and/or at_most = ..., relative_to = ... } or nested { all = [...] } "
    "and { any = [...] }", min_length=1)]


class Goal(Table):
    """What a policy must achieve: all (or any) of the conditions."""

    description: Text = ""
    horizon: Annotated[list[Annotated[int, Field(ge=1)]], key(
        "[first month, last month] averaged (default: the last 12)", min_length=2,
        max_length=2)] | None = None
    all: Conditions | None = None
    any: Conditions | None = None

    @model_validator(mode="after")
    def _possible(self) -> Goal:
        """One combination, nested at most four levels, that some run could meet: no bound
        outside its outcome's range, nor absolute bounds of one ``all`` that contradict."""
        from .discovery.goal import outcome_range

        def impossible(message: str) -> PydanticCustomError:
            return problem(f"{message}; impossible threshold", place="[goal]")

        def check(op: str, items: list[Any], depth: int) -> None:
            for c in items:
                if isinstance(c, AllOf | AnyOf) and depth >= 4:
                    raise problem("conditions nested deeper than 4 levels", place="[goal]")
                if isinstance(c, AllOf | AnyOf):
                    check(*(("all", c.all) if isinstance(c, AllOf) else ("any", c.any)), depth + 1)
                    continue
                low, high = outcome_range(c.outcome)
                if c.at_least is not None and c.at_most is not None and c.at_least > c.at_most:
                    raise impossible(f"{c.outcome}: at_least = {c.at_least:g} is above at_most = "
                                     f"{c.at_most:g}")
                for key, bound in (("at_least", c.at_least), ("at_most", c.at_most)):
                    if c.relative_to is None and bound is not None and (
                            bound > high if key == "at_least" else bound < low):
                        raise problem(f"{c.outcome}: {key} = {bound:g} is impossible; the outcome "
                                      f"ranges from {low:g} to {high:g}", place="[goal]")
            absolute = [c for c in items if isinstance(c, Condition) and c.relative_to is None]
            for name in dict.fromkeys(c.outcome for c in absolute) if op == "all" else ():
                lows = [c.at_least for c in absolute if c.outcome == name and c.at_least is not None]
                highs = [c.at_most for c in absolute if c.outcome == name and c.at_most is not None]
                if lows and highs and max(lows) > min(highs):
                    raise impossible(f"{name}: at_least = {max(lows):g} and at_most = "
                                     f"{min(highs):g} cannot both hold")

        if (self.all is None) == (self.any is None):
            raise problem("expected exactly one of 'all' or 'any' (a list of conditions such "
                          "as { outcome = \"participation_rate\", at_least = 0.3 })", table=True)
        check("all" if self.all is not None else "any", self.all or self.any, 1)
        return self


class Tradeoffs(Table):
    """The three objectives of the non-dominated set."""

    spending: Annotated[OutcomeName, Field(description="minimised")] = "spend_total"
    satisfaction: Annotated[OutcomeName, key("maximised; regret is measured on it")] = \
        "happiness_index"
    participation: Annotated[OutcomeName, Field(description="maximised")] = "participation_rate"


Share = Annotated[float, Field(gt=0, lt=1)]


class Prim(Table):
    """PRIM settings (EMA Workbench's defaults)."""

    peel_alpha: Share = 0.05
    mass_min: Share = 0.05
    min_coverage: Annotated[Share, key("the box shown: the densest with at least this "
                                       "coverage")] = 0.5
    max_boxes: Annotated[int, Field(ge=1, le=10)] = 2


class Discovery(Sizes, Seeded, Labels):
    """``cogov-sim discover``: which policies meet a goal, and the trade-offs."""

    n: Annotated[int, Field(ge=2, le=100_000, description="policies: Latin hypercube points "
                            "over the levers", json_schema_extra={"x-unit": "policies"})]
    scenario: Annotated[ScenarioName, key("the preset giving every value the levers do not "
                                          "vary")] = "baseline"
    common_random_numbers: Paired = True
    presets: Annotated[list[ScenarioName], key("placed on the trade-offs (default: all)")] | None = None
    levers: _explored(("lever",)) | None = None
    goal: Goal
    tradeoffs: Tradeoffs = Tradeoffs()
    prim: Prim = Prim()
    posterior: PosteriorFolder | None = None

    @model_validator(mode="after")
    def _something_varies(self) -> Discovery:
        given = self.levers.given().values() if isinstance(self.levers, ParameterTable) else [[]]
        if self.levers == [] or not any(isinstance(v, list | tuple) for v in given):
            raise problem("no lever varies (empty lever set); name at least one lever with [] "
                          "or [low, high]", place="[levers]")
        if isinstance(self.levers, ParameterTable):
            _posterior_conflict(self.posterior, {"[levers]": self.levers.given()})
        return self


# -- validation and calibration -----------------------------------------------------------

ReplicatedTwice = Annotated[Replications, key("runs of each scenario (a confidence interval "
                                              "needs two)", ge=2)]
Context = parameters(("context",), _number, advice=(("lever", "levers belong to the presets"),
                                                    _SIZES_AT_TOP))


class Robustness(Table):
    """The same patterns at other sizes and sample rates."""

    replications: ReplicatedTwice
    sizes: Annotated[list[EqualSizes], key("tables like { residents = 12000, communities = 12, "
                                           "residents_per_agent = 10 }", min_length=1)]


class Validation(EqualSizes, Labels):
    """``cogov-sim validate``: every pattern against its source."""

    root_seed: Seed
    replications: ReplicatedTwice
    patterns: Annotated[list[PatternId], key("pattern ids (default: all)", min_length=1),
                        AfterValidator(_unique)] | None = None
    calibrated_on: Annotated[list[str], key("patterns the values were calibrated on (reported "
                                            "as such)")] | None = None
    context: Annotated[Context, key("context parameters of every run", default_factory=Context)]
    robustness: Robustness | None = None
    falsifiers: Annotated[dict[str, Context], key("per pattern, context parameters replacing "
                                                  "its own falsifier")] = {}

    @model_validator(mode="after")
    def _patterns_of_this_spec(self) -> Validation:
        patterns = self.patterns or _PATTERNS.names()
        for item in self.calibrated_on or ():
            if item not in patterns:
                raise problem(f"calibrated_on: unknown pattern {item!r}{suggest(item, patterns)};"
                              f" allowed: {', '.join(patterns)}")
        if self.calibrated_on and len(set(self.calibrated_on)) == len(patterns):
            raise problem("calibrated_on lists every pattern; hold at least one out")
        for pid in self.falsifiers:
            if pid not in patterns:
                raise problem(f"'{pid}' is not a pattern of this spec{suggest(pid, patterns)}; "
                              f"allowed: {', '.join(patterns)}", place="[falsifiers]")
        return self


Band = Annotated[list[float], key(expected="[low, high] numbers with low < high", min_length=2,
                                  max_length=2), AfterValidator(_pair)]


CalibratedContext = parameters(("context",), _bounds, advice=(
    ("lever", "calibration varies context parameters only (levers are the scenarios' "
              "business)"),))


class Calibration(EqualSizes, Labels):
    """``cogov-sim calibrate``: rejection filtering of context parameters on patterns, or
    ABC-SMC of context parameters and rule constants (``method = "abc-smc"``)."""

    root_seed: Seed
    replications: Replications
    method: Annotated[Literal["rejection", "abc-smc"], key(
        "rejection: Latin-hypercube prior samples kept when every target is inside its band; "
        "abc-smc: sequential Monte Carlo ABC with pyabc (docs/validation.md)")] = "rejection"
    n: Annotated[int, key("prior samples (rejection)", ge=2, le=100_000)] | None = None
    population: Annotated[int, key("particles per generation (abc-smc)", ge=5,
                                   le=100_000)] | None = None
    generations: Annotated[int, key("generations at most (abc-smc)", ge=1, le=100)] | None = None
    held_out: Annotated[list[PatternId], key("patterns of the posterior predictive check "
                                             "(abc-smc)"), AfterValidator(_unique)] = []
    predictive_draws: Annotated[int, key("posterior draws of the predictive check (abc-smc)",
                                         ge=0, le=10_000)] | None = None
    constants: Annotated[dict[str, dict[str, Band]], key(
        "rule constants = [low, high] (uniform prior; abc-smc), written module.NAME = [low, "
        "high], e.g. participation.HABIT_WEIGHT = [0, 3] (`cogov-sim constants` lists them)")] = {}
    targets: Annotated[list[PatternId], key("the pattern ids calibrated on", min_length=1),
                       AfterValidator(_unique)]
    parameters: Annotated[CalibratedContext, key(
        "context parameter = [low, high] (uniform prior); required unless abc-smc calibrates "
        "[constants] only", default_factory=CalibratedContext)]
    bands: Annotated[dict[str, Band], key("pattern id = [low, high] replacing the pattern's own "
                                          "band")] = {}
    context: Annotated[Context, key("context parameters held fixed", default_factory=Context)]

    @model_validator(mode="after")
    def _consistent(self) -> Calibration:
        from .constants import registry

        abc = self.method == "abc-smc"
        if not abc:
            for key in ("population", "generations", "predictive_draws", "held_out",
                        "constants"):
                if getattr(self, key):
                    raise problem(f"'{key}' belongs to method = \"abc-smc\"; with rejection "
                                  "filtering give n (prior samples) and [parameters]")
            if self.n is None:
                raise problem("missing key 'n' (prior samples of rejection filtering)")
        elif self.n is not None:
            raise problem("'n' belongs to rejection filtering; abc-smc takes population "
                          "and generations")
        known = registry()
        for module, names in self.constants.items():
            for name in names:
                key = f"{module}.{name}"
                if key not in known:
                    raise problem(f"unknown constant '{key}'{suggest(key, tuple(known))}; "
                                  "`cogov-sim constants` lists them", place="[constants]")
        if not self.parameters.model_fields_set and not (abc and self.constants):
            raise problem("expected a table of context parameters with [low, high] ranges, e.g. "
                          "admin_task_load = [60, 300]", place="[parameters]")
        both = sorted(set(self.held_out) & set(self.targets))
        if both:
            raise problem(f"'{both[0]}' is both a target and held out: a pattern calibrated "
                          "on is no test", place="held_out")
        for key in self.bands:
            if key not in self.targets:
                raise problem(f"'{key}' is not one of the targets; allowed: "
                              f"{', '.join(self.targets)}", place="[bands]")
        clash = sorted(self.context.model_fields_set & self.parameters.model_fields_set)
        if clash:
            raise problem(f"'{clash[0]}' is both calibrated ([parameters]) and fixed "
                          "([context]); give it in one of them")
        return self


# -- rollout and timeline -----------------------------------------------------------------

Year = Annotated[int, Field(ge=YEARS[0], le=YEARS[1])]


class Adoption(Table):
    """Cumulative share of townships that have adopted by January of ``year``."""

    year: Year
    share: Annotated[float, key("cumulative share adopted", ge=0, le=1)]
    why: Text = ""


class Rollout(Labels):
    """``cogov-sim rollout``: townships that adopt a reform at their own dates."""

    root_seed: Seed
    replications: Replications = 1
    townships: Annotated[int, Field(ge=2, le=10_000)]
    residents_per_agent: ResidentsPerAgent = 10
    spinup_months: SpinupMonths = 120
    residents_per_community: Annotated[int, key("sets each township's number of communities",
                                                ge=100, le=1_000_000)] = 5_000
    start_year: Year
    end_year: Year
    before: Annotated[PresetName, key("the regime before adoption")] = "baseline"
    adopt: Annotated[PresetName, key("the regime adopted")] = "taicang_1_0"
    outcomes: Outcomes = ["participation_rate", "happiness_index", "admin_burden"]
    ranges: Annotated[parameters(("context",), lambda s: _bounds(s, strict=False),
                                 extra=("n_residents",), what="township parameter "
                                 "(n_residents or a context parameter)",
                                 advice=(("lever", "levers are set by 'before' and 'adopt'"),)),
                      key("parameter = [low, high]: townships drawn by Latin hypercube within "
                          "them")] = None
    adoption: Annotated[list[Adoption], key("[[adoption]] tables of year, share and why",
                                            min_length=1)]
    adoption_order: Annotated[str, key(expected="random or '<parameter> descending|ascending' "
                                                "with a parameter of [ranges]")] = "random"

    @model_validator(mode="after")
    def _calendar(self) -> Rollout:
        """Adoption years within the window (two years after its start, so that every
        township's own level can be estimated), increasing, shares never falling, two
        townships or more that never adopt; an adoption order on a ranged parameter."""
        start, end = self.start_year, self.end_year
        if end <= start:
            raise problem(f"end_year = {end}; allowed: after start_year = {start}")
        for i, (a, last) in enumerate(zip(self.adoption, [None, *self.adoption], strict=False), start=1):
            if not start + 2 <= a.year <= end:
                raise problem(f"year = {a.year!r}; allowed: {start + 2} to {end} (two years before "
                              "adoption, so that every township's own level can be estimated)",
                              place=f"[[adoption]] #{i}")
            if last and (a.year <= last.year or a.share < last.share):
                raise problem(f"year {a.year}, share {a.share:g}: years must increase and shares "
                              "never fall", place=f"[[adoption]] #{i}")
        never = self.townships - int(round(self.adoption[-1].share * self.townships))
        if never < 2:
            raise problem(f"share {self.adoption[-1].share:g} of {self.townships} townships leaves "
                          f"{never} that never adopt; allowed: at least 2 (the controls of the "
                          "last years)", place="[[adoption]]")
        ranged, words = tuple(self.ranges.given() if self.ranges else ()), self.adoption_order.split()
        if words != ["random"] and (len(words) != 2 or words[0] not in ranged
                                    or words[1] not in ("descending", "ascending")):
            raise problem(f"{self.adoption_order!r}; allowed: random or '<parameter> descending|"
                          f"ascending' with a parameter of [ranges] ({', '.join(ranged) or 'none'})",
                          place="adoption_order")
        return self


class TimelineChange(parameters(("lever",), _number, advice=_ONLY_LEVERS)):
    """From a reported month on, a preset's levers and/or named levers hold."""

    month: Annotated[int, key("reported month, from 1")] | None = None
    year: Annotated[int, key("calendar year (needs start_year)")] | None = None
    month_of_year: Annotated[int, key("with year: the calendar month (default 1)", ge=1,
                                      le=12)] | None = None
    preset: Annotated[PresetName, key("the levers of this preset")] | None = None
    why: Text = ""

    @model_validator(mode="after")
    def _dated_change(self) -> TimelineChange:
        if (self.month is None) == (self.year is None):
            raise problem("give exactly one of 'month' (reported month, from 1) or 'year'", True)
        if self.month is not None and self.month_of_year is not None:
            raise problem("month_of_year goes with 'year', not with 'month'", True)
        if self.preset is None and not self.model_fields_set - {"month", "year", "month_of_year",
                                                                "why"}:
            raise problem("changes nothing; give 'preset' or named levers", True)
        return self


class Timeline(Table):
    """A reform as it happened: a start and dated lever changes (presets/timelines/)."""

    description: Text = ""
    description_zh: TextZh = ""
    start: Annotated[PresetName, key("the preset of the first month")] = "baseline"
    start_year: Annotated[Year, key("calendar year of reported month 1")] | None = None
    end_year: Annotated[Year, key("last reported year")] | None = None
    levers: Annotated[parameters(("lever",), _number, advice=_ONLY_LEVERS),
                      key("lever overrides of the start")] = None
    changes: Annotated[list[TimelineChange], key("dated changes", "[[changes]] tables of month or "
                                                 "year, preset and/or levers, why")] = []

    @model_validator(mode="after")
    def _calendar(self) -> Timeline:
        if self.end_year is not None and self.start_year is None:
            raise problem("needs start_year", place="end_year")
        if self.end_year is not None and self.end_year < self.start_year:
            raise problem(f"{self.end_year} is before start_year = {self.start_year}",
                          place="end_year")
        for i, change in enumerate(self.changes, start=1):
            if change.year is not None and self.start_year is None:
                raise problem(f"year = {change.year!r} needs start_year at the top level",
                              place=f"[[changes]] #{i}")
        return self


# -- community tables (CSV) ----------------------------------------------------------------

class CommunityRow(Table):
    """One row of a community table, a CSV file (``--communities FILE``, ``communities =
    "file.csv"`` in a spec): a header naming these columns, then one community a row;
    lines starting with '#' are provenance."""

    model_config = ConfigDict(strict=False)  # the cells are text: numbers are read from them
    name: Annotated[str, key("the community's name, unique in the table", "a non-empty name",
                             min_length=1)]
    residents: Annotated[float, key("adult residents", gt=0)]
    kind: Annotated[Literal["urban", "resettlement", "village"], key(
        "urban or resettlement (a residents' committee) or village (a villagers' committee); "
        "for reporting")] | None = None
    households: Annotated[float, Field(gt=0, description="households; for reporting",
                                       json_schema_extra={"multipleOf": 1}),
                          AfterValidator(_whole)] | None = None
    elderly_share: Annotated[float, key("share of the adult residents aged 60 and over (residents' "
                                        "ages are drawn with it)", "a share from 0 to 1", ge=0,
                                        le=1)] | None = None
    staff: Annotated[float, key("full-time committee staff (default: proportional to residents)",
                                gt=0)] | None = None


def community_row(row: Mapping[str, Any], strict: bool = False) -> dict[str, Any]:
    """The cells of one community-table row (text: ``strict=False``; or values given in
    code) checked by :class:`CommunityRow`; a problem raises ``ValueError(column, allowed,
    number)``, ``number`` when the cell is not a number at all."""
    try:
        return CommunityRow.model_validate(row, strict=strict).model_dump(exclude_unset=True)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        column = str(err["loc"][0])
        node = _walk(_schema(CommunityRow), (column,))
        allowed = describe(node, _schema(CommunityRow)).removeprefix("one of ")
        raise ValueError(column, allowed, err["type"] in ("float_parsing", "float_type")) from None


for _model in (AllOf, AnyOf, Goal, Discovery):
    _model.model_rebuild()

KINDS: dict[str, type[Table]] = {"experiment": Experiment, "sa": Sensitivity,
                                 "discover": Discovery, "validate": Validation,
                                 "calibrate": Calibration, "rollout": Rollout,
                                 "timeline": Timeline}
"""Each input kind: the command that reads it (a timeline: ``--scenario``) and its model."""
SCHEMAS: dict[str, type[Table]] = {**KINDS, "communities": CommunityRow}
"""Every JSON Schema the package publishes: the spec kinds and the community table's row."""


# -- one-line errors ----------------------------------------------------------------------

def check(model: type[Table], data: Any, *, source: str, error: type[Exception],
          options: Iterable[str] = (), folder: Any = None) -> Any:
    """``data`` (parsed TOML) validated by ``model``; the first problem raises ``error``
    in one line. Keys in ``options`` came from the command line (blamed as ``--key``); a
    community table's path is relative to ``folder``."""
    if not _mapping(data):
        raise error(f"{source}: expected a table of keys, got {type(data).__name__}")
    try:
        return model.model_validate(_as_toml(data), context={"folder": folder})
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        # a misspelt key is also a missing one: its name and suggestion say more
        first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        raise error(one_line(model, first, source, set(options))) from None


def load(kind: str, data: Any, *, source: str, error: type[Exception], name: str | None,
         folder: Any = None, options: Iterable[str] = ()) -> Any:
    """A spec of ``kind`` (parsed TOML) validated by :func:`check`, named ``name`` if it
    does not name itself (``None``: it must)."""
    if name is not None and _mapping(data):
        data = {"name": name, **data}
    m = check(KINDS[kind], data, source=source, error=error, options=options, folder=folder)
    if m.name is None:
        raise error(f"{source}, top level: missing key 'name'")
    return m


def _as_toml(value: Any) -> Any:
    """A spec given from Python as TOML would give it: tuples as arrays."""
    if isinstance(value, Mapping):
        return {k: _as_toml(v) for k, v in value.items()}
    return [_as_toml(v) for v in value] if isinstance(value, list | tuple) else value


def check_option(model: type[Table], key: str, value: Any, *, source: str,
                 error: type[Exception]) -> Any:
    """A command-line value of the top-level ``key``, checked as the file's would be."""
    field = model.model_fields[key]
    adapter = TypeAdapter(field.rebuild_annotation(), config=Table.model_config)
    try:
        return adapter.validate_python(value)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        raise error(one_line(model, {**first, "loc": (key, *first["loc"])}, source,
                             {key})) from None


@cache
def _schema(model: type[Table]) -> dict[str, Any]:
    return _tidy(model.model_json_schema(), top=True)


def _tidy(node: Any, top: bool = False) -> Any:
    """Without pydantic's generated titles and ``null`` alternatives (TOML has no null: a
    key is left out instead)."""
    if isinstance(node, list):
        return [_tidy(n) for n in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("properties", "$defs"):
            out[key] = {k: _tidy(v) for k, v in value.items()}
        elif not ((key == "title" and not top) or (key == "default" and value is None)):
            out[key] = _tidy(value)
    alts = [a for a in out.get("anyOf", []) if a != {"type": "null"}]
    if "anyOf" in out and len(alts) == 1:
        out = {**alts[0], **{k: v for k, v in out.items() if k != "anyOf"}}
    elif "anyOf" in out:
        out["anyOf"] = alts
    return out


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target = schema["$defs"][node["$ref"].rsplit("/", 1)[1]]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _walk(schema: dict[str, Any], path: Sequence[str | int]) -> dict[str, Any]:
    """The JSON Schema of the value at ``path`` (keys, list indices and union tags)."""
    node = _resolve(schema, schema)
    for step in path:
        alts = [_resolve(schema, a) for a in [node, *node.get("anyOf", []), *node.get("oneOf", [])]]
        if isinstance(step, str) and step.startswith("<"):
            node = next((a for a in alts if f"<{a.get('x-tag')}>" == step), node)
            continue
        found = None
        for alt in alts:
            if isinstance(step, int) and isinstance(alt.get("items"), dict):
                found = alt["items"]
            elif isinstance(step, str) and step in alt.get("properties", {}):
                found = alt["properties"][step]
            elif isinstance(step, str) and isinstance(alt.get("additionalProperties"), dict):
                found = alt["additionalProperties"]
            if found is not None:
                break
        if found is None:
            return {}
        node = _resolve(schema, found)
    return node


def _place(path: Sequence[str | int]) -> str:
    """Where in the file: ``top level``, ``[design]``, ``[[adoption]] #2``."""
    if not path:
        return "top level"
    keys = ".".join(p for p in path if isinstance(p, str))
    return f"[[{keys}]] #{path[-1] + 1}" if isinstance(path[-1], int) else f"[{keys}]"


def _g(x: float) -> str:
    return f"{x:,}" if isinstance(x, int) and abs(x) >= 100_000 else f"{x:g}"


def _range(node: dict[str, Any]) -> str:
    low, high = node.get("minimum"), node.get("maximum")
    unit = f" ({node['x-unit']})" if node.get("x-unit") else ""
    if "exclusiveMinimum" in node or "exclusiveMaximum" in node:
        low, high = node.get("exclusiveMinimum", low), node.get("exclusiveMaximum", high)
        return (f"between {_g(low)} and {_g(high)}{unit}" if high is not None
                else f"above {_g(low)}{unit}")
    if low is not None and high is not None:
        return f"{_g(low)} to {_g(high)}{unit}"
    return f"{_g(low)} or more{unit}" if low is not None else f"at most {_g(high)}{unit}"


def describe(node: dict[str, Any], schema: dict[str, Any] | None = None) -> str:
    """What a value may be, in words, from its JSON Schema (``schema``: the whole
    document, to follow references)."""
    node = _resolve(schema, node) if schema else node
    if "x-expected" in node:
        return node["x-expected"]
    alts = [a for a in node.get("anyOf", node.get("oneOf", [])) if "not" not in a]
    if alts:
        return " or ".join(describe(a, schema) for a in alts)
    if "const" in node:
        return repr(node["const"])
    if "enum" in node and len(node["enum"]) > 12:
        return f"one of the {len(node['enum'])} {node.get('x-what', 'name')}s"
    if "enum" in node:
        return "one of " + ", ".join(map(str, node["enum"]))
    kind = node.get("type")
    if kind in ("integer", "number"):
        word = "a whole number" if kind == "integer" or node.get("multipleOf") == 1 else "a number"
        if not any(k in node for k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")):
            return word
        both = "minimum" in node and "maximum" in node
        return f"{word} {'from ' if both else ''}{_range(node)}"
    if kind == "array" and isinstance(node.get("items"), dict):
        least = " non-empty" if node.get("minItems") else ""
        item = describe(node["items"], schema).removeprefix("a ").removeprefix("one of ")
        return f"a{least} list of {item}{'s' if ' ' not in item else ''}"
    if kind == "object" and "x-parameters" in node:
        return f"a table of {node['x-parameters']} values"
    return {"boolean": "true or false", "string": "a string", "array": "a list",
            "object": "a table"}.get(kind, "a value of another type")


def one_line(model: type[Table], err: Mapping[str, Any], source: str, options: set[str]) -> str:
    """The package's one line for pydantic's error ``err`` on a ``model`` file."""
    schema = _schema(model)
    full = [p for p in err["loc"] if p != "[key]"]
    loc = [p for p in full if not (isinstance(p, str) and p.startswith("<"))]
    kind, value, ctx = err["type"], err.get("input"), err.get("ctx") or {}
    blame = f"--{loc[0].replace('_', '-')}" if loc and loc[0] in options else None
    if kind == "spec_table" or ctx.get("place"):
        return f"{source}, {blame or ctx.get('place') or _place(loc)}: {ctx['message']}"
    item = bool(loc) and isinstance(loc[-1], int)
    table, key = (loc[:-2], loc[-2]) if item else (loc[:-1], loc[-1] if loc else "")
    at = f"{source}, {blame or _place(table)}: "
    if kind == "spec":
        return at + ctx["message"]
    if kind == "extra_forbidden":
        return at + _unknown_key(_walk(schema, full[:-1]), str(loc[-1]))
    union = kind != "expected" and full and str(full[-1]).startswith("<")  # about the union itself
    node = _walk(schema, full[:-1] if union else full)
    if kind == "missing":
        if node.get("type") == "object" and "properties" in node:
            return at + f"missing table [{'.'.join(map(str, loc))}]"
        hint = f" ({node['description']})" if node.get("description") else ""
        return at + f"missing key '{key}'{hint}"
    if kind == "unknown_name":
        allowed = ctx["allowed"]
        listed = f"; allowed: {', '.join(allowed)}" if len(allowed) <= 20 else ""
        return at + f"{key}: unknown {ctx['what']} {value!r}{suggest(str(value), allowed)}{listed}"
    subject = f"{key} item {loc[-1] + 1} = {value!r}" if item else f"{key} = {value!r}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than") \
            and isinstance(value, int | float):
        node = next((_resolve(schema, a) for a in [*node.get("anyOf", []), *node.get("oneOf", [])]
                     if _resolve(schema, a).get("type") in ("integer", "number")), node)
        return at + f"{subject} is out of range; allowed: {_range(node)}"
    return at + f"{subject}: expected {describe(node, schema)}"


def _unknown_key(table: dict[str, Any], key: str) -> str:
    allowed = list(table.get("properties", {}))
    what = table.get("x-parameters")
    if what is None:
        return f"unknown key '{key}'{suggest(key, allowed)}; allowed: {', '.join(allowed)}"
    kinds = {s.name: s.kind for s in param_specs()}
    if key in kinds:
        advice = table.get("x-advice", {}).get(kinds[key])
        return f"'{key}' is a {_KIND_WORDS[kinds[key]]}, not a {what}" + (f"; {advice}" if advice else "")
    word = "parameter" if " or " in what else what
    return f"unknown {word} '{key}'{suggest(key, allowed)}; see `cogov-sim params` for the list"


def __getattr__(name: str) -> Any:
    """The published forms (JSON Schema files, the reference page) are built by
    :mod:`cogov_sim.schema_files`; they are found here too."""
    if name in ("json_schema", "dumps", "schema_file", "reference", "write_files"):
        from . import schema_files

        return getattr(schema_files, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["KINDS", "SCHEMAS", "check", "check_option", "community_row", "describe", "key", "load",
           "parameters", "problem"]
