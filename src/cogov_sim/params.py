"""The model's parameters: one frozen, typed object whose fields carry their own metadata.

Every field declares its bounds, unit, meaning (English and Chinese) and its *kind*:

``lever``
    a policy instrument of the reform that a policy designer or a sensitivity analysis
    varies (MODEL_BRIEF section 3);
``context``
    a property of the township that policy does not set (age mix, task load, ...);
``size``
    how big and how long the simulation is.

Everything that lists parameters (CLI help, SALib problems, experiment validation,
dashboard sliders, documentation tables) reads :func:`param_specs`; nothing keeps a
second list by hand.
"""

from __future__ import annotations

import dataclasses
import difflib
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

if TYPE_CHECKING:
    from .communities import CommunityTable

Kind = Literal["lever", "context", "size"]
MIN_AGENTS = 5
"""Fewest resident agents a community may have (a technical floor; per-capita results
need far more, see tests/test_mechanisms.py for the sample-rate check)."""


class ParameterError(ValueError):
    """A parameter name or value that the model does not accept (one-line message)."""


@dataclass(frozen=True, slots=True)
class ParamSpec:
    """Metadata of one parameter, read from its dataclass field."""

    name: str
    type: type
    default: float | int
    low: float
    high: float
    unit: str
    kind: Kind
    en: str
    zh: str

    @property
    def is_integer(self) -> bool:
        return self.type is int


def _p(default: float | int, low: float, high: float, unit: str, kind: Kind, en: str, zh: str) -> Any:
    return field(
        default=default,
        metadata={"low": low, "high": high, "unit": unit, "kind": kind, "en": en, "zh": zh},
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Params:
    """All inputs of one simulation run. Build with keywords; invalid values raise
    :class:`ParameterError` naming the parameter and its allowed range."""

    # --- size -------------------------------------------------------------------
    n_residents: int = _p(100_000, 50, 5_000_000, "residents", "size",
                          "Adult residents in the township (real people, whatever the sample rate)",
                          "镇(街道)成年居民数(实际人数)")
    n_communities: int = _p(20, 1, 1_000, "communities", "size",
                            "Communities, each with one residents' committee", "社区(村)数, 每个一个居委会")
    residents_per_agent: int = _p(10, 1, 1_000, "residents per agent", "size",
        "Sample rate: one simulated resident agent stands for this many real residents",
        "抽样率: 每个居民智能体代表的实际居民数")
    months: int = _p(120, 1, 1_200, "months", "size",
                     "Simulated months reported (one step is one month)", "报告的模拟月数(一步为一个月)")
    spinup_months: int = _p(120, 0, 600, "months", "size",
        "Months simulated under the pre-reform baseline levers before the reported months "
        "(not reported; a multiple of 12)",
        "报告期前按改革前基线政策模拟的预热月数(不报告; 12的倍数)")

    # --- policy levers (MODEL_BRIEF section 3) ----------------------------------
    list_strictness: float = _p(0.0, 0.0, 1.0, "share", "lever",
        "How strictly the two lists and access system block off-list tasks (0 = no lists)",
        "两份清单与准入制阻挡清单外事项的严格程度(0 = 无清单)")
    delegation_funding: float = _p(0.0, 0.0, 1.0, "share", "lever",
        "Share of assisted tasks whose cost the government pays (funds follow tasks)",
        "政府为协助事项付费的比例(费随事转)")
    two_way_eval_weight: float = _p(0.0, 0.0, 1.0, "0-1", "lever",
        "How much the committees' rating of government changes its behaviour (0 = one-way)",
        "居委会对政府评价对政府行为的影响(0 = 单向考核)")
    resident_eval_weight: float = _p(0.0, 0.0, 1.0, "share", "lever",
        "Share of a committee's assessment made by residents rather than government",
        "居委会考核中由居民评议的比重")
    consultations_per_year: float = _p(0.0, 0.0, 12.0, "per neighbourhood per year", "lever",
        "Structured resident consultations held per neighbourhood (residents' group, "
        "neighbourhood living room) per year",
        "每个居民小组(邻里客厅)每年举行的居民协商次数")
    random_seat_share: float = _p(0.0, 0.0, 1.0, "share", "lever",
        "Share of consultation seats drawn at random rather than filled by activists",
        "协商席位中随机抽选居民(而非积极分子)的比例")
    purchase_share: float = _p(0.0, 0.0, 0.6, "share of budget", "lever",
        "Share of the government's community budget buying services from social organizations",
        "政府社区预算中向社会组织购买服务的比例")
    incubation_rate: float = _p(0.0, 0.0, 5.0, "organizations per 10,000 residents per year", "lever",
        "New social organizations incubated per 10,000 residents per year",
        "每万名居民每年孵化的社会组织数")
    social_workers_per_1000: float = _p(0.0, 0.0, 3.0, "workers per 1,000 residents", "lever",
        "Professional social workers per 1,000 residents", "每千名居民专业社工数")
    grid_visits: float = _p(0.0, 0.0, 40.0, "visits per worker per month", "lever",
        "Proactive home (grid) visits per committee worker per month", "每名社区工作者每月网格走访户数")
    street_platform: float = _p(0.0, 0.0, 1.0, "0-1", "lever",
        "Strength of a street-level co-governance platform (representative conference, "
        "government-run services), as in Shanghai",
        "街道层面共治平台(社区代表会议、政府主导服务)的强度, 如上海")
    outsourcing_share: float = _p(0.0, 0.0, 1.0, "share", "lever",
        "Share of community services delivered by contracted social organizations, as in Chengdu",
        "由社会组织承接的社区服务比例, 如成都")
    volunteer_points: float = _p(0.0, 0.0, 1.0, "0-1", "lever",
        "Value of volunteer points exchangeable for goods (0 = none), as in Chengdu",
        "志愿积分兑换物品的价值(0 = 无)")

    # --- context ----------------------------------------------------------------
    share_elderly: float = _p(0.25, 0.0, 0.8, "share", "context",
        "Share of residents aged 60 and over", "60岁及以上居民比例")
    share_young: float = _p(0.35, 0.0, 0.8, "share", "context",
        "Share of residents aged 18-39", "18-39岁居民比例")
    admin_task_load: float = _p(150.0, 0.0, 400.0, "tasks per committee per month", "context",
        "Administrative tasks government departments want pushed to each committee "
        "(~1,850 a year in surveyed communities)", "政府部门欲下派给每个居委会的行政事项数")
    on_list_share: float = _p(0.25, 0.0, 1.0, "share", "context",
        "Share of those tasks that belong on the list of lawful assisted tasks",
        "其中属于依法协助政府事项清单的比例")
    list_erosion: float = _p(0.1, 0.0, 1.0, "per year", "context",
        "Yearly drift of departments back to pushing off-list tasks (burden rebound)",
        "各部门每年重新下派清单外事项的漂移(减负反弹)")
    staff_per_committee: float = _p(13.7, 2.0, 60.0, "staff", "context",
        "Full-time staff of each residents' committee", "每个居委会专职工作人员数")
    issue_rate: float = _p(0.8, 0.0, 12.0, "issues per resident per year", "context",
        "Rate at which residents meet problems (requests) in the six happiness dimensions",
        "居民在六个幸福维度上遇到问题(诉求)的频率")
    initial_trust: float = _p(0.45, 0.0, 1.0, "0-1", "context",
        "Initial trust in the committee and the government", "对居委会和政府的初始信任")
    initial_trust_so: float = _p(0.2, 0.0, 1.0, "0-1", "context",
        "Initial trust in social organizations (low: seed 001)", "对社会组织的初始信任(较低)")
    initial_so_per_10k: float = _p(3.5, 0.0, 50.0, "organizations per 10,000 residents", "context",
        "Social organizations at the start (national average 3.5 in 2013)", "初始社会组织密度")
    budget_per_resident: float = _p(600.0, 10.0, 3_000.0, "yuan per resident per year", "context",
        "Government's community budget", "政府社区工作预算")
    network_degree: int = _p(8, 2, 50, "contacts", "context",
        "Mean number of neighbours and acquaintances per resident", "每位居民平均邻里熟人数")
    network_rewiring: float = _p(0.1, 0.0, 1.0, "share", "context",
        "Share of ties to residents outside one's immediate neighbourhood (small-world rewiring)",
        "小世界网络重连概率")
    consultation_seats: int = _p(91, 5, 200, "seats", "context",
        "Seats in one consultation", "每次协商会席位数")
    residents_per_neighbourhood: float = _p(890.0, 100.0, 20_000.0, "residents", "context",
        "Residents of one neighbourhood (residents' group / grid area of a few hundred "
        "households) that holds its own consultations",
        "一个居民小组(网格, 数百户)的居民数, 各自举行协商")
    direct_services_per_resident: float = _p(240.0, 0.0, 2_000.0, "yuan per resident per year",
        "context", "Government's own direct community services (before any platform)",
        "政府自身的社区直接服务支出")

    cuts: frozenset[str] = field(default=frozenset())
    """Registered mechanisms cut from the first reported month on (:mod:`cogov_sim.mechanisms`);
    not a parameter a user varies: ``cogov-sim ablate`` sets it."""
    constants: tuple[tuple[str, float | int], ...] = field(default=())
    """Rule constants set otherwise for this run, as ``(("module.NAME", value), ...)``
    (:mod:`cogov_sim.constants`; any mapping or pairs are accepted and put in that sorted
    form). Not a parameter: calibration and posterior draws set it. Empty: the package's
    values."""
    communities: CommunityTable | None = field(default=None)
    """The community table the township is built from (:mod:`cogov_sim.communities`), or
    None for ``n_communities`` communities of equal size. Not a parameter: set it with
    :meth:`with_communities` or ``replace(communities=...)``, which also set
    ``n_communities`` (and ``n_residents``) from the table."""

    def __post_init__(self) -> None:
        from .mechanisms import NAMES

        object.__setattr__(self, "cuts", frozenset(self.cuts))
        if self.constants:
            from .constants import check

            object.__setattr__(self, "constants", check(self.constants))
        for name in sorted(self.cuts):
            if name not in NAMES:
                raise ParameterError(f"unknown mechanism '{name}'{suggest(name, NAMES)}; "
                                     f"allowed: {', '.join(NAMES)}")
        for spec in param_specs():
            value = _number(spec, getattr(self, spec.name))
            _check(spec, value)
            object.__setattr__(self, spec.name, value)  # frozen: set once, while building
        if self.share_elderly + self.share_young > 1.0:
            raise ParameterError(
                f"share_elderly + share_young = {self.share_elderly + self.share_young:g}; "
                "allowed: at most 1"
            )
        if self.communities is not None:
            self._check_table()
        agents = self.n_residents // self.residents_per_agent
        if self.n_communities > agents // MIN_AGENTS:
            raise ParameterError(
                f"n_communities = {self.n_communities}; allowed: at most n_residents / "
                f"residents_per_agent / {MIN_AGENTS} = {agents // MIN_AGENTS} (at least "
                f"{MIN_AGENTS} resident agents a community)"
            )
        if self.spinup_months % 12:
            raise ParameterError(f"spinup_months = {self.spinup_months}; allowed: a multiple of 12 "
                                 "(evaluations are yearly)")

    def _check_table(self) -> None:
        """A community table fits the other sizes: one row per community, enough agents in
        each, elderly shares that leave room for the young."""
        from .communities import CommunityTable

        table = self.communities
        if not isinstance(table, CommunityTable):
            raise ParameterError(f"communities = {table!r}: expected a CommunityTable or None; "
                                 "build from a name or path with Params().with_communities(...)")
        if self.n_communities != table.rows:
            raise ParameterError(
                f"n_communities = {self.n_communities} but community table {table.label} has "
                f"{table.rows} rows; allowed: {table.rows} (or give a number of equal "
                "communities instead of the table)")
        agents = self.community_agents()
        i = int(np.argmin(agents))
        if agents[i] < MIN_AGENTS:
            need = int(np.ceil(MIN_AGENTS / table.shares[i] * self.residents_per_agent))
            raise ParameterError(
                f"community '{table.names[i]}' of table {table.label} gets {agents[i]} resident "
                f"agents at n_residents = {self.n_residents} and residents_per_agent = "
                f"{self.residents_per_agent}; allowed: at least {MIN_AGENTS} (n_residents of "
                f"about {need:,} or more, or fewer residents per agent)")
        elderly = self.community_elderly()
        if elderly is not None:
            j = int(np.argmax(elderly))
            if elderly[j] + self.share_young > 1.0:
                raise ParameterError(
                    f"community '{table.names[j]}' of table {table.label}: elderly share "
                    f"{elderly[j]:.3g} (the table's, scaled to share_elderly = "
                    f"{self.share_elderly:g}) + share_young = {self.share_young:g} is above 1; "
                    "allowed: at most 1")

    @property
    def n_agents(self) -> int:
        """Resident agents simulated (``n_residents / residents_per_agent``)."""
        return self.n_residents // self.residents_per_agent

    # -- communities -------------------------------------------------------------------
    def community_agents(self) -> np.ndarray:
        """Resident agents per community: the table's residents scaled to ``n_agents`` by
        largest remainders, or ``n_communities`` equal communities (± 1 agent)."""
        n, c = self.n_agents, self.n_communities
        if self.communities is None:
            sizes = np.full(c, n // c, dtype=np.int64)
            sizes[: n % c] += 1
            return sizes
        from .communities import largest_remainder

        return largest_remainder(n, self.communities.shares)

    def community_elderly(self) -> np.ndarray | None:
        """Each community's share of residents aged 60+: the table's ``elderly_share``
        scaled so that its resident-weighted mean is ``share_elderly`` (None without a
        table or without the column: every community has ``share_elderly``)."""
        table = self.communities
        if table is None or table.elderly_share is None:
            return None
        shares = np.asarray(table.elderly_share, dtype=float)
        mean = table.mean_elderly
        return shares * (self.share_elderly / mean) if mean else np.full(shares.size, self.share_elderly)

    def community_staff(self) -> np.ndarray | None:
        """Each committee's standard staff before its random spread: the table's ``staff``
        scaled to a mean of ``staff_per_committee``, or without that column
        ``staff_per_committee`` x residents / the mean community's residents, so staff per
        resident is the same in every community (None without a table: every committee's
        standard is ``staff_per_committee``)."""
        table = self.communities
        if table is None:
            return None
        if table.staff is not None:
            staff = np.asarray(table.staff, dtype=float)
            return staff * (self.staff_per_committee / staff.mean())
        return self.staff_per_committee * table.shares * table.rows

    def with_communities(self, communities: Any) -> Params:
        """A copy built from ``communities``: a :class:`~cogov_sim.communities.CommunityTable`,
        the name of a packaged table or a path to a CSV file (``n_communities`` becomes its
        rows, ``n_residents`` its residents, ``share_elderly`` and ``staff_per_committee``
        its means where it has those columns), a whole number (that many equal
        communities) or None (equal communities, ``n_communities`` kept)."""
        return self.replace(communities=communities)

    def _community_changes(self, communities: Any) -> dict[str, Any]:
        if communities is None:
            return {"communities": None}
        if isinstance(communities, numbers.Integral) and not isinstance(communities, bool):
            return {"communities": None, "n_communities": int(communities)}
        from .communities import load_communities

        table = load_communities(communities)
        changes: dict[str, Any] = {"communities": table, "n_communities": table.rows,
                                   "n_residents": int(round(table.total))}
        if table.elderly_share is not None:
            changes["share_elderly"] = table.mean_elderly
        if table.staff is not None:
            changes["staff_per_committee"] = float(np.mean(table.staff))
        return changes

    # -- construction helpers --------------------------------------------------------
    def replace(self, **changes: Any) -> Params:
        """A copy with ``changes`` applied (names checked, values validated).

        ``communities`` (not a parameter) may be among them: a community table, its name
        or path, or a number of equal communities (:meth:`with_communities`); the sizes it
        implies come first, so ``replace(communities="taicang_township", n_residents=20_000)``
        is the default township scaled down to 20,000 residents."""
        table = self._community_changes(changes.pop("communities")) if "communities" in changes else {}
        check_names(changes)
        return dataclasses.replace(self, **{**table, **changes})

    def with_constants(self, values: Mapping[str, float] | None = None, /,
                       **more: float) -> Params:
        """A copy with rule constants set otherwise (``{"consultation.MOBILISE": 0.3}``;
        keywords use ``module__NAME``), on top of those already set."""
        given = {**dict(self.constants), **dict(values or {}),
                 **{k.replace("__", ".", 1): v for k, v in more.items()}}
        return dataclasses.replace(self, constants=tuple(given.items()))

    def cut(self, *mechanisms: str) -> Params:
        """A copy with ``mechanisms`` (names of :mod:`cogov_sim.mechanisms`) cut as well."""
        return dataclasses.replace(self, cuts=self.cuts | frozenset(mechanisms))

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Params:
        check_names(values)
        return cls(**dict(values))

    def to_dict(self) -> dict[str, float | int]:
        return {spec.name: getattr(self, spec.name) for spec in param_specs()}

    def levers(self) -> dict[str, float]:
        return {s.name: getattr(self, s.name) for s in param_specs() if s.kind == "lever"}


_SPECS: tuple[ParamSpec, ...] | None = None


def param_specs(kind: Kind | None = None) -> tuple[ParamSpec, ...]:
    """Metadata of every parameter, in declaration order (optionally of one kind)."""
    global _SPECS
    if _SPECS is None:
        hints = {"int": int, "float": float}
        _SPECS = tuple(
            ParamSpec(name=f.name, type=hints[f.type] if isinstance(f.type, str) else f.type,
                      default=f.default, **f.metadata)  # type: ignore[arg-type]
            for f in dataclasses.fields(Params) if f.metadata
        )
    return _SPECS if kind is None else tuple(s for s in _SPECS if s.kind == kind)


def spec(name: str) -> ParamSpec:
    """Metadata of one parameter; unknown names raise with the closest suggestion."""
    check_names([name])
    return next(s for s in param_specs() if s.name == name)


def suggest(name: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` or an empty string."""
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.5)
    return f" (did you mean '{close[0]}'?)" if close else ""


def check_names(names: Iterable[str], where: str = "parameter") -> None:
    known = [s.name for s in param_specs()]
    for name in names:
        if name not in known:
            raise ParameterError(f"unknown {where} '{name}'{suggest(name, known)}; "
                                 "see `cogov-sim params` for the list")


def _number(spec: ParamSpec, value: Any) -> float | int:
    """``value`` as a plain Python number of the parameter's type.

    Any real number is accepted (NumPy scalars, as SALib, the EMA Workbench and pandas
    hand them over, included); booleans, strings and the like are not. An integer
    parameter takes whole-valued numbers only (``8.0`` becomes ``8``; ``8.5`` is refused).
    A float parameter keeps a Python ``int`` or ``float`` as given.
    """
    shown = repr(value) if isinstance(value, str) else str(value)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ParameterError(f"{spec.name} = {shown}: expected a number "
                             f"from {spec.low:g} to {spec.high:g} ({spec.unit})")
    if isinstance(value, numbers.Integral):
        return int(value)
    number = float(value)
    if spec.is_integer:
        if not number.is_integer():
            raise ParameterError(f"{spec.name} = {shown}: expected a whole number "
                                 f"from {spec.low:g} to {spec.high:g} ({spec.unit})")
        return int(number)
    return value if type(value) is float else number


def _check(spec: ParamSpec, value: float | int) -> None:
    """Range check of a value already made a number by :func:`_number`."""
    if value != value or not spec.low <= value <= spec.high:
        raise ParameterError(
            f"{spec.name} = {value!r} is out of range; allowed: {spec.low:g} to {spec.high:g} "
            f"({spec.unit})"
        )


def coerce(name: str, text: str) -> float | int:
    """Parse a ``--set NAME=VALUE`` value to the parameter's type (one-line errors)."""
    s = spec(name)
    try:
        number = float(text)
    except ValueError:
        raise ParameterError(f"{name} = {text!r}: expected a number "
                             f"from {s.low:g} to {s.high:g} ({s.unit})") from None
    if s.is_integer:
        if not number.is_integer():
            raise ParameterError(f"{name} = {text!r}: expected a whole number")
        return int(number)
    return number


def salib_problem(names: Iterable[str] | None = None,
                  bounds: Mapping[str, tuple[float, float]] | None = None) -> dict[str, Any]:
    """A SALib problem dict over ``names`` (default: every policy lever) from metadata.

    ``bounds`` narrows individual ranges; each must lie inside the parameter's valid range.
    """
    chosen = list(names) if names is not None else [s.name for s in param_specs("lever")]
    check_names(chosen)
    bounds = dict(bounds or {})
    check_names(bounds)
    rows = []
    for name in chosen:
        s = spec(name)
        low, high = bounds.get(name, (s.low, s.high))
        if not (s.low <= low < high <= s.high):
            raise ParameterError(f"bounds for {name} = [{low:g}, {high:g}]; allowed: "
                                 f"low < high within {s.low:g} to {s.high:g} ({s.unit})")
        rows.append([float(low), float(high)])
    return {"num_vars": len(chosen), "names": chosen, "bounds": rows}


__all__ = ["ParamSpec", "ParameterError", "Params", "coerce", "param_specs", "salib_problem",
           "spec", "suggest"]
