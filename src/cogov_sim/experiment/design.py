"""From a spec to design points and tasks.

A *design point* is one parameter set: a scenario (preset plus overrides) crossed with
one row of the design (a grid cell, an explicit row, a Latin hypercube point). Points are
numbered scenario by scenario, rows in order within each. A *task* is one replication of
one point, with its seed from the seed tree (:mod:`cogov_sim.experiment.seeds`).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.stats import qmc

from ..params import ParameterError, Params
from ..params import spec as param_spec
from ..posterior import with_draws
from ..timeline import load_scenario as load_preset
from .runner import Task
from .seeds import derive_seed
from .spec import Design, ExperimentSpec, SpecError


@dataclass(frozen=True, slots=True)
class DesignPoint:
    """One parameter set of the experiment.

    ``labels`` holds ``scenario`` and the value of every parameter the design varies.
    """

    point_id: int
    scenario: str
    params: Params
    labels: dict[str, Any]

    @property
    def name(self) -> str:
        return point_name(self.labels)


def point_name(labels: Mapping[str, Any]) -> str:
    """A short readable name: ``taicang_3_0`` or ``taicang_3_0 | list_strictness=0.5``."""
    varied = _row_text({k: v for k, v in labels.items() if k != "scenario"})
    scenario = str(labels.get("scenario", ""))
    return f"{scenario} | {varied}" if varied else scenario


def unique_names(labels: Mapping[int, Mapping[str, Any]]) -> dict[int, str]:
    """Point id → :func:`point_name`, with `` #<point id>`` appended to names that
    coincide (e.g. grid levels equal to 4 significant digits), so names can label
    design points one to one."""
    names = {pid: point_name(lab) for pid, lab in labels.items()}
    counts: dict[str, int] = {}
    for name in names.values():
        counts[name] = counts.get(name, 0) + 1
    return {pid: f"{name} #{pid}" if counts[name] > 1 else name for pid, name in names.items()}


def _row_text(row: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                     for k, v in row.items())


def design_rows(design: Design) -> list[dict[str, float | int]]:
    """The design's rows of parameter values (one empty row when nothing varies)."""
    if design.type == "none":
        return [{}]
    if design.type == "grid":
        names = list(design.parameters)
        return [dict(zip(names, combo, strict=True))
                for combo in itertools.product(*design.parameters.values())]
    if design.type == "rows":
        return [dict(r) for r in design.rows]
    return _lhs_rows(design)


def _lhs_rows(design: Design) -> list[dict[str, float | int]]:
    """Latin hypercube: each parameter's range cut into ``n`` equal strata, one point in
    each (McKay, Beckman & Conover 1979, doi:10.1080/00401706.1979.10489755). Whole-number
    parameters are rounded."""
    names = list(design.parameters)
    sampler = qmc.LatinHypercube(d=len(names), rng=np.random.default_rng(design.seed))
    lows = [design.parameters[n][0] for n in names]
    highs = [design.parameters[n][1] for n in names]
    sample = qmc.scale(sampler.random(design.n), lows, highs)
    rows = []
    for values in sample:
        row: dict[str, float | int] = {}
        for name, value in zip(names, values, strict=True):
            row[name] = int(round(value)) if param_spec(name).is_integer else float(value)
        rows.append(row)
    return rows


def design_points(spec: ExperimentSpec) -> list[DesignPoint]:
    """Every scenario crossed with every design row, validated.

    Raises
    ------
    SpecError
        A combination the model does not accept, naming the scenario and the row.
    """
    rows = design_rows(spec.design)
    varied = spec.design.varied
    points: list[DesignPoint] = []
    for scenario in spec.scenarios:
        for i, row in enumerate(rows, start=1):
            try:
                params = load_preset(scenario.preset,
                                     **{**spec.size(), **scenario.overrides, **row})
            except ParameterError as exc:
                where = f"[scenarios.{scenario.name}]"
                if row:
                    where += f" with design point {i} ({_row_text(row)})"
                raise SpecError(f"{spec.source}, {where}: {exc}") from None
            labels = {"scenario": scenario.name, **{k: getattr(params, k) for k in varied}}
            points.append(DesignPoint(len(points), scenario.name, params, labels))
    return points


def run_id(point_id: int, replication: int) -> str:
    """``p00012-r0003``: sorts by point, then replication."""
    return f"p{point_id:05d}-r{replication:04d}"


def make_tasks(spec: ExperimentSpec, points: list[DesignPoint] | None = None) -> list[Task]:
    """One task per (design point, replication), seeds from the spec's seed tree; with a
    posterior, replication r of every point under the particle drawn for r
    (:func:`cogov_sim.posterior.with_draws`).

    ``points`` default to the spec's (built when it was validated)."""
    if points is None:
        points = list(spec.points) or design_points(spec)
    tasks = [Task(run_id=run_id(p.point_id, r), point_id=p.point_id, replication=r,
                  params=p.params,
                  seed=derive_seed(spec.root_seed, p.point_id, r, spec.common_random_numbers),
                  labels=dict(p.labels))
             for p in points for r in range(spec.replications)]
    try:
        return with_draws(tasks, spec.posterior, spec.root_seed)
    except ParameterError as exc:
        raise SpecError(f"{spec.source}, top level: posterior: {exc}") from None


__all__ = ["DesignPoint", "design_points", "design_rows", "make_tasks", "point_name", "run_id",
           "unique_names"]
