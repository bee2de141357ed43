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
from ..params import MIN_AGENTS, ParameterError
from ..params import spec as param_spec
from ..specfile import read_toml
from ..timeline import build_timeline

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
    description_zh: str = ""
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
    (:class:`~cogov_sim.experiment.spec.SpecError`). Keys, values, the calendar and the
    adoption path are :class:`cogov_sim.schema.Rollout`'s (``cogov-sim schema rollout``);
    the townships' parameters are checked here."""
    from ..schema import load

    m = load("rollout", data, source=source, error=SpecError, name=default_name)
    spec = RolloutSpec(
        **{k: getattr(m, k) for k in ("name", "description", "description_zh", "root_seed",
                                      "townships", "start_year", "end_year", "replications",
                                      "residents_per_agent", "spinup_months",
                                      "residents_per_community", "before", "adopt")},
        outcomes=tuple(m.outcomes), why={a.year: a.why for a in m.adoption},
        adoption=tuple((a.year, float(a.share)) for a in m.adoption),
        ranges={k: (float(lo), float(hi)) for k, (lo, hi) in (m.ranges.given() if m.ranges
                                                              else {}).items()},
        adoption_order=" ".join(m.adoption_order.split()), source=source)
    try:
        townships(spec)  # every township must be a valid parameter set
    except ParameterError as exc:
        if "n_communities" in str(exc):  # derived from residents_per_community, not a range
            raise SpecError(f"{source}, residents_per_community: {_too_few_residents(spec)}") from None
        raise SpecError(f"{source}, [ranges]: {exc}") from None
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
