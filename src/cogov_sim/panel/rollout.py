"""A staggered rollout as a synthetic panel: townships that adopt at their own dates.

A rollout file (the shipped ``jiangsu_rollout``, ``cogov_sim/specs/``) declares townships that differ in
size and context (drawn by Latin hypercube within ``[ranges]``), a calendar window, the
regime before (``before``) and after adoption (``adopt``) and the cumulative share of
townships that have adopted by January of each year (``[[adoption]]``). Each township runs
twice on the same seed (common random numbers): with adoption at its date, and without.
The runs are ordinary :func:`~cogov_sim.experiment.runner.run_tasks` runs — parallel,
resumable, seeded from one tree, with a manifest — reduced in the worker to calendar-year
means. :func:`assemble_panel` turns them into one row per township, replication and year:
the observed outcome (the adoption run for adopters, the no-adoption run for the rest),
the adoption year and the **true effect** ``true_<outcome>`` = adoption run - no-adoption
run, exactly zero before adoption.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import qmc

from ..experiment.seeds import derive_seed, keyed_seed
from ..experiment.spec import SpecError
from ..outcomes import OUTCOME_NAMES
from ..params import MIN_AGENTS, ParameterError, param_specs, suggest
from ..params import spec as param_spec
from ..presets import preset_names
from ..specfile import read_toml
from ..timeline import YEARS, build_timeline

TOP_KEYS = ("name", "description", "root_seed", "replications", "townships", "residents_per_agent",
            "spinup_months", "residents_per_community", "start_year", "end_year", "before", "adopt",
            "outcomes", "ranges", "adoption", "adoption_order")
DEFAULT_OUTCOMES = ("participation_rate", "happiness_index", "admin_burden")
ARMS = ("adopt", "never")
DESIGN_KEY = 9  # seed-tree node of the township draws: keyed_seed(root, 9, 9, 9, k)


@dataclass(frozen=True)
class RolloutSpec:
    """A validated rollout (build with :func:`load_rollout` / :func:`parse_rollout`)."""

    name: str
    root_seed: int
    townships: int
    start_year: int
    end_year: int
    adoption: tuple[tuple[int, float], ...]
    ranges: dict[str, tuple[float, float]]
    description: str = ""
    replications: int = 1
    residents_per_agent: int = 10
    spinup_months: int = 120
    residents_per_community: int = 5_000
    before: str = "baseline"
    adopt: str = "taicang_1_0"
    outcomes: tuple[str, ...] = DEFAULT_OUTCOMES
    adoption_order: str = "random"
    """Who adopts first: ``random`` (the default: parallel trends hold by design) or
    ``"<ranged parameter> descending|ascending"`` (e.g. ``"n_residents descending"``: the
    largest townships first), a rollout timed on what townships are."""
    source: str = "<rollout>"
    why: dict[int, str] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "root_seed": self.root_seed, "townships": self.townships,
                "start_year": self.start_year, "end_year": self.end_year,
                "adoption": [list(a) for a in self.adoption],
                "ranges": {k: list(v) for k, v in self.ranges.items()},
                "replications": self.replications, "residents_per_agent": self.residents_per_agent,
                "spinup_months": self.spinup_months,
                "residents_per_community": self.residents_per_community, "before": self.before,
                "adopt": self.adopt, "outcomes": list(self.outcomes),
                # only when set, so that the results folders of random rollouts keep their hash
                **({"adoption_order": self.adoption_order}
                   if self.adoption_order != "random" else {})}


def load_rollout(path: str | Path) -> RolloutSpec:
    path = Path(path)
    return parse_rollout(read_toml(path, SpecError), source=str(path), default_name=path.stem)


def parse_rollout(data: Mapping[str, Any], source: str = "<rollout>",
                  default_name: str = "rollout") -> RolloutSpec:
    """Validate a rollout mapping; every problem is one line naming the key
    (:class:`~cogov_sim.experiment.spec.SpecError`)."""
    def fail(place: str, message: str) -> SpecError:
        return SpecError(f"{source}, {place}: {message}")

    for key in data:
        if key not in TOP_KEYS:
            raise fail("top level", f"unknown key '{key}'{suggest(key, TOP_KEYS)}; "
                                    f"allowed: {', '.join(TOP_KEYS)}")
    for key in ("root_seed", "townships", "start_year", "end_year", "adoption"):
        if key not in data:
            raise fail("top level", f"missing key '{key}'")

    def whole(key: str, low: int, high: int, default: int | None = None) -> int:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise fail(key, f"{value!r}; allowed: a whole number from {low} to {high}")
        return value

    start, end = whole("start_year", *YEARS), whole("end_year", *YEARS)
    if end <= start:
        raise fail("end_year", f"{end}; allowed: after start_year = {start}")
    spec = RolloutSpec(
        name=str(data.get("name", default_name)), description=str(data.get("description", "")),
        root_seed=whole("root_seed", 0, 2**63 - 1), townships=whole("townships", 2, 10_000),
        start_year=start, end_year=end, replications=whole("replications", 1, 1_000, 1),
        residents_per_agent=whole("residents_per_agent", 1, 1_000, 10),
        spinup_months=whole("spinup_months", 0, 600, 120),
        residents_per_community=whole("residents_per_community", 100, 1_000_000, 5_000),
        before=_preset(data, "before", "baseline", fail), adopt=_preset(data, "adopt", "taicang_1_0", fail),
        outcomes=_outcomes(data.get("outcomes", list(DEFAULT_OUTCOMES)), fail),
        ranges=_ranges(data.get("ranges", {}), fail),
        adoption=(), source=source)
    spec = RolloutSpec(**{**spec.__dict__, "adoption_order": _order(
        data.get("adoption_order", "random"), spec.ranges, fail)})
    adoption, why = _adoption(data["adoption"], start, end, fail)
    never = spec.townships - int(round(adoption[-1][1] * spec.townships))
    if never < 2:
        raise fail("[[adoption]]", f"share {adoption[-1][1]:g} of {spec.townships} townships leaves "
                                   f"{never} that never adopt; allowed: at least 2 (the controls "
                                   "of the last years)")
    spec = RolloutSpec(**{**spec.__dict__, "adoption": adoption, "why": why})
    try:
        townships(spec)  # every township must be a valid parameter set
    except ParameterError as exc:
        if "n_communities" in str(exc):  # derived from residents_per_community, not a range
            raise fail("residents_per_community", _too_few_residents(spec)) from None
        raise fail("[ranges]", str(exc)) from None
    return spec


def _too_few_residents(spec: RolloutSpec) -> str:
    """Why ``residents_per_community`` makes too many communities (more than ``n_communities``
    allows, or of fewer than ``MIN_AGENTS`` resident agents), and the least value that
    does not."""
    sizes = townships(spec, validate=False).n_residents.to_numpy()
    caps = np.minimum(sizes // spec.residents_per_agent // MIN_AGENTS,
                      int(param_spec("n_communities").high))  # most communities a township may have

    def communities(per: int) -> np.ndarray:
        return np.maximum(1, np.round(sizes / per))

    least = max(spec.residents_per_community, int(np.ceil(np.max(sizes / (np.maximum(caps, 1) + 0.5)))))
    while np.any(communities(least) > caps) and least < sizes.max():  # rounding: a step more
        least += 1
    worst = int(np.argmax(communities(spec.residents_per_community) - caps))
    return (f"{spec.residents_per_community:,} gives a township of {int(sizes[worst]):,} residents "
            f"{int(communities(spec.residents_per_community)[worst]):,} communities; allowed: at "
            f"least {least:,} (at most {int(param_spec('n_communities').high):,} communities a "
            f"township, each of at least {MIN_AGENTS} resident agents at residents_per_agent = "
            f"{spec.residents_per_agent})")


def _preset(data: Mapping[str, Any], key: str, default: str, fail: Any) -> str:
    value = data.get(key, default)
    if value not in preset_names():
        raise fail(key, f"unknown preset {value!r}{suggest(str(value), preset_names())}; "
                        f"allowed: {', '.join(preset_names())}")
    return value


def _outcomes(value: Any, fail: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise fail("outcomes", f"{value!r}; expected a non-empty list of outcome names")
    for name in value:
        if name not in OUTCOME_NAMES:
            raise fail("outcomes", f"unknown outcome {name!r}{suggest(str(name), OUTCOME_NAMES)}")
    return tuple(value)


def _ranges(table: Any, fail: Any) -> dict[str, tuple[float, float]]:
    if not isinstance(table, Mapping):
        raise fail("[ranges]", "expected a table of parameter = [low, high]")
    allowed = ["n_residents", *(s.name for s in param_specs("context"))]
    out = {}
    for key, value in table.items():
        if key not in allowed:
            hint = (" (levers are set by 'before' and 'adopt')"
                    if key in [s.name for s in param_specs("lever")] else suggest(key, allowed))
            raise fail("[ranges]", f"'{key}' cannot vary{hint}; allowed: n_residents or a "
                                   "context parameter")
        s = param_spec(key)
        ok = (isinstance(value, list) and len(value) == 2
              and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value))
        if not ok or not s.low <= value[0] <= value[1] <= s.high:
            raise fail("[ranges]", f"{key} = {value!r}; allowed: [low, high] within "
                                   f"{s.low:g} to {s.high:g} ({s.unit})")
        out[key] = (float(value[0]), float(value[1]))
    return out


def _order(value: Any, ranges: Mapping[str, tuple[float, float]], fail: Any) -> str:
    allowed = ("random or '<parameter> descending|ascending' with a parameter of [ranges]"
               f" ({', '.join(ranges) or 'none'})")
    words = value.split() if isinstance(value, str) else []
    if words == ["random"]:
        return "random"
    if len(words) != 2 or words[0] not in ranges or words[1] not in ("descending", "ascending"):
        raise fail("adoption_order", f"{value!r}; allowed: {allowed}")
    return " ".join(words)


def adoption_rank(spec: RolloutSpec, frame: pd.DataFrame) -> np.ndarray:
    """Townships in the order they adopt: a seeded random permutation, or sorted by a
    ranged parameter (``adoption_order``; ties keep the random order)."""
    order = np.random.default_rng(keyed_seed(spec.root_seed, DESIGN_KEY, DESIGN_KEY,
                                             DESIGN_KEY, 1)).permutation(len(frame))
    if spec.adoption_order == "random":
        return order
    name, direction = spec.adoption_order.split()
    values = frame[name].to_numpy(dtype=float)[order]
    return order[np.argsort(-values if direction == "descending" else values, kind="stable")]


def _adoption(entries: Any, start: int, end: int, fail: Any) -> tuple[tuple[tuple[int, float], ...],
                                                                     dict[int, str]]:
    if not isinstance(entries, list) or not entries:
        raise fail("[[adoption]]", "expected [[adoption]] tables with year and share")
    out: list[tuple[int, float]] = []
    why: dict[int, str] = {}
    for i, entry in enumerate(entries, start=1):
        place = f"[[adoption]] #{i}"
        if not isinstance(entry, Mapping) or set(entry) - {"year", "share", "why"}:
            raise fail(place, "expected a table with year, share and why")
        year, share = entry.get("year"), entry.get("share")
        if isinstance(year, bool) or not isinstance(year, int) or not start + 2 <= year <= end:
            raise fail(place, f"year = {year!r}; allowed: {start + 2} to {end} (two years before "
                              "adoption, so that every township's own level can be estimated)")
        if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
            raise fail(place, f"share = {share!r}; allowed: 0 to 1 (cumulative share adopted)")
        if out and (year <= out[-1][0] or share < out[-1][1]):
            raise fail(place, f"year {year}, share {share:g}: years must increase and shares "
                              "never fall")
        out.append((year, float(share)))
        why[year] = str(entry.get("why", ""))
    return tuple(out), why


# -- townships and runs ----------------------------------------------------------------------

def townships(spec: RolloutSpec, validate: bool = True) -> pd.DataFrame:
    """One row per township: its size and context draws, communities and adoption year
    (NaN: has not adopted by ``end_year``). Adoption order is a random permutation, so
    adoption is as good as random given the township (parallel trends hold by design),
    unless ``adoption_order`` times it on a township parameter (:func:`adoption_rank`)."""
    n = spec.townships
    rows: dict[str, Any] = {"township": np.arange(n)}
    if spec.ranges:
        names = list(spec.ranges)
        sampler = qmc.LatinHypercube(d=len(names), rng=np.random.default_rng(
            keyed_seed(spec.root_seed, DESIGN_KEY, DESIGN_KEY, DESIGN_KEY, 0)))
        lows, highs = zip(*(spec.ranges[k] for k in names), strict=True)
        sample = qmc.scale(sampler.random(n), lows, highs) if any(
            h > lo for lo, h in zip(lows, highs, strict=True)) else np.tile(lows, (n, 1))
        for j, name in enumerate(names):
            col = sample[:, j]
            rows[name] = np.round(col).astype(int) if param_spec(name).is_integer else col
    frame = pd.DataFrame(rows)
    if "n_residents" not in frame:
        frame["n_residents"] = 100_000
    frame["n_communities"] = np.maximum(1, np.round(frame.n_residents / spec.residents_per_community)
                                        ).astype(int)
    order = adoption_rank(spec, frame)
    adoption = np.full(n, np.nan)
    done = 0
    for year, share in spec.adoption:
        upto = int(round(share * n))
        adoption[order[done:upto]] = year
        done = max(done, upto)
    frame["adoption_year"] = adoption
    if validate:
        for _, row in frame.iterrows():  # validate every township's parameters
            _params(spec, row, None)
    return frame


def _params(spec: RolloutSpec, row: pd.Series, adoption_year: float | None):  # noqa: ANN202
    context = {k: (int(row[k]) if param_spec(k).is_integer else float(row[k]))
               for k in [*spec.ranges, "n_residents", "n_communities"]}
    changes = [] if adoption_year is None or np.isnan(adoption_year) else [
        {"year": int(adoption_year), "preset": spec.adopt}]
    return build_timeline({"start": spec.before, "start_year": spec.start_year,
                           "end_year": spec.end_year, "changes": changes},
                          name=f"{spec.name}:{int(row.township)}", source=spec.source,
                          overrides={**context, "residents_per_agent": spec.residents_per_agent,
                                     "spinup_months": spec.spinup_months})


def make_tasks(spec: RolloutSpec):  # noqa: ANN201 - list[Task]
    """Two runs per adopting township and replication (``adopt`` and ``never``, one seed),
    one for a township that never adopts. Point ``2 * township + arm``."""
    from ..experiment.runner import Task

    tasks = []
    frame = townships(spec)
    for r in range(spec.replications):
        for _, row in frame.iterrows():
            i = int(row.township)
            seed = derive_seed(spec.root_seed, i, r, common_random_numbers=False)
            arms = ARMS if not np.isnan(row.adoption_year) else ("never",)
            for arm in arms:
                pid = 2 * i + ARMS.index(arm)
                params = _params(spec, row, row.adoption_year if arm == "adopt" else None)
                labels = {"township": i, "arm": arm,  # 0: never (NaN would not compare equal)
                          "adoption_year": 0 if np.isnan(row.adoption_year)
                          else int(row.adoption_year)}
                tasks.append(Task(run_id=f"t{i:04d}-{arm}-r{r:04d}", point_id=pid, replication=r,
                                  params=params, seed=seed, labels=labels))
    return tasks


@dataclass(frozen=True)
class AnnualMeans:
    """A ``reduce_fn``: calendar-year means of the chosen outcomes (runs in the worker)."""

    outcomes: tuple[str, ...]

    def __call__(self, frame: pd.DataFrame) -> pd.DataFrame:
        return frame.groupby("calendar_year", as_index=False)[list(self.outcomes)].mean()


def run_rollout(spec: RolloutSpec, folder: Path, workers: int = 1,
                progress: bool | None = None):  # noqa: ANN201 - RunReport
    """Run (or resume) every township's runs into ``folder``."""
    from ..experiment.runner import run_tasks

    return run_tasks(make_tasks(spec), folder, workers=workers, progress=progress,
                     manifest={"kind": "rollout", "spec": spec.to_dict()},
                     info={"description": spec.description},
                     reduce_fn=AnnualMeans(spec.outcomes))


def assemble_panel(runs: pd.DataFrame, outcomes: Sequence[str]) -> pd.DataFrame:
    """Township x replication x year panel from the runs (``load_outcomes`` of a rollout).

    Columns: ``unit`` (``township-replication``), ``township``, ``replication``,
    ``calendar_year``, ``adoption_year`` (NaN: never), ``treated``, each outcome as
    observed, and ``true_<outcome>`` = adoption run - no-adoption run on the same seed.
    """
    keys = ["township", "replication", "calendar_year"]
    never = runs[runs.arm == "never"].set_index(keys)
    adopt = runs[runs.arm == "adopt"].set_index(keys)
    panel = never[["adoption_year"]].astype(float).replace(0.0, np.nan)
    cols = list(outcomes)
    observed = never[cols].copy()
    observed.loc[adopt.index, cols] = adopt[cols]
    true = pd.DataFrame(0.0, index=never.index, columns=[f"true_{y}" for y in cols])
    true.loc[adopt.index] = (adopt[cols] - never.loc[adopt.index, cols]).to_numpy()
    panel = pd.concat([panel, observed, true], axis=1).reset_index()
    panel.insert(0, "unit", panel.township.astype(str) + "-" + panel.replication.astype(str))
    panel.insert(5, "treated", (panel.calendar_year >= panel.adoption_year).astype(int))
    return panel.sort_values(["township", "replication", "calendar_year"], ignore_index=True)


def adoption_share(frame: pd.DataFrame, years: Sequence[int]) -> pd.Series:
    """Share of townships that have adopted by January of each year."""
    return pd.Series({y: float((frame.adoption_year <= y).mean()) for y in years})


__all__ = ["AnnualMeans", "RolloutSpec", "adoption_rank", "adoption_share", "assemble_panel", "load_rollout",
           "make_tasks", "parse_rollout", "run_rollout", "townships"]
