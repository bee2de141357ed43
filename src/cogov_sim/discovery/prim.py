"""Scenario discovery with EMA Workbench: PRIM boxes and feature scores, as plain data.

The algorithms are EMA Workbench's (Kwakkel 2017, doi:10.1016/j.envsoft.2017.06.054),
installed with the optional extra ``pip install "cogov-sim[explore]"``: the Patient Rule
Induction Method (Friedman & Fisher 1999, doi:10.1023/A:1008894516817) as adapted for
scenario discovery (Bryant & Lempert 2010, doi:10.1016/j.techfore.2009.08.002), and
extra-trees feature scoring (Jaxa-Rozen & Kwakkel 2018, doi:10.1016/j.envsoft.2018.06.011).
This module only calls them and turns their objects into frames and dataclasses; it does
not reimplement them.

**Which box on the peeling trajectory.** PRIM peels a box step by step, trading coverage
(the share of all goal-meeting policies inside the box) for density (the share of
policies inside the box that meet the goal). We report the densest box whose coverage is
at least ``min_coverage`` (default 0.5), ties going to fewer restricted levers; the whole
trajectory is kept (``tables/peeling_trajectory.csv`` and its figure), so a reader can
choose another.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd

EXTRA = "explore"
INSTALL_HINT = f'pip install "cogov-sim[{EXTRA}]"'


class MissingExtraError(ImportError):
    """EMA Workbench is not installed (one-line message naming the extra)."""


def ema_module(what: str = "this analysis") -> ModuleType:
    """Import EMA Workbench quietly, or raise :class:`MissingExtraError` (one line)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # ipyparallel / altair notices on import
            import ema_workbench
            import ema_workbench.analysis.feature_scoring  # noqa: F401
            import ema_workbench.analysis.prim  # noqa: F401
    except ImportError:
        raise MissingExtraError(f"{what} needs EMA Workbench, which is not installed; "
                                f"install it with: {INSTALL_HINT}") from None
    return ema_workbench


@dataclass(frozen=True)
class Box:
    """One PRIM box: the levers it restricts and how well it captures the goal.

    ``limits`` maps each restricted lever to ``(low, high)``; ``lower``/``upper`` say
    which side is restricted (a side equal to the sampled range is not a condition).
    ``trajectory`` has one row per peeling/pasting step (``coverage``, ``density``,
    ``mass``, ``res_dim``, ``n``, ``chosen``).
    """

    number: int
    limits: dict[str, tuple[float, float]]
    lower: dict[str, bool]
    upper: dict[str, bool]
    coverage: float
    density: float
    mass: float
    n: int
    trajectory: pd.DataFrame = field(repr=False)
    chosen: int = 0


def find_boxes(x: pd.DataFrame, y: np.ndarray, *, peel_alpha: float = 0.05,
               mass_min: float = 0.05, min_coverage: float = 0.5,
               max_boxes: int = 2) -> list[Box]:
    """PRIM boxes of ``y`` (booleans: the goal holds) over lever values ``x``.

    A later box is kept only if it is denser than the share of policies meeting the goal
    overall (otherwise it says nothing). Empty if no or every policy meets the goal.
    """
    y = np.asarray(y, dtype=bool)
    if not y.any() or y.all():
        return []
    ema_module("PRIM")
    from ema_workbench.analysis.prim import Prim

    x = x.reset_index(drop=True).astype(float)
    base_rate = float(y.mean())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        prim = Prim(x, y, peel_alpha=peel_alpha, paste_alpha=peel_alpha, mass_min=mass_min)
        boxes: list[Box] = []
        for number in range(1, max_boxes + 1):
            found = prim.find_box()
            if found is None:
                break
            traj = found.peeling_trajectory.reset_index(drop=True)
            chosen = choose(traj, min_coverage)
            found.select(chosen)
            box = _box(number, found, prim.box_init, traj, chosen)
            if box.density <= base_rate or box.n == 0:
                break
            boxes.append(box)
    return boxes


def choose(trajectory: pd.DataFrame, min_coverage: float) -> int:
    """Row of the densest box with coverage >= ``min_coverage`` (or the best coverage
    reached, if lower), fewer restricted dimensions breaking ties."""
    need = min(min_coverage, float(trajectory["coverage"].max()))
    ok = trajectory[trajectory["coverage"] >= need - 1e-12]
    best = ok.sort_values(["density", "res_dim", "coverage"], ascending=[False, True, False],
                          kind="stable")
    return int(best.index[0])


def _box(number: int, found: Any, box_init: pd.DataFrame, traj: pd.DataFrame,
         chosen: int) -> Box:
    lims = found.box_lims[chosen]
    limits, lower, upper = {}, {}, {}
    for name in lims.columns:
        lo, hi = float(lims[name].iloc[0]), float(lims[name].iloc[1])
        lo0, hi0 = float(box_init[name].iloc[0]), float(box_init[name].iloc[1])
        if lo > lo0 or hi < hi0:
            limits[name] = (lo, hi)
            lower[name], upper[name] = lo > lo0, hi < hi0
    row = traj.loc[chosen]
    table = traj[["coverage", "density", "mass", "res_dim", "n"]].copy()
    table.insert(0, "step", np.arange(len(table)))
    table["chosen"] = table["step"] == chosen
    return Box(number=number, limits=limits, lower=lower, upper=upper,
               coverage=float(row["coverage"]), density=float(row["density"]),
               mass=float(row["mass"]), n=int(row["n"]), trajectory=table, chosen=chosen)


def feature_scores(x: pd.DataFrame, y: np.ndarray, seed: int) -> pd.DataFrame:
    """Which levers matter for meeting the goal: EMA's extra-trees feature scores
    (mean decrease in impurity, summing to 1), highest first. Empty if ``y`` is constant."""
    y = np.asarray(y, dtype=bool)
    if not y.any() or y.all():
        return pd.DataFrame(columns=["lever", "score"])
    ema_module("feature scoring")
    from ema_workbench.analysis.feature_scoring import get_ex_feature_scores
    from ema_workbench.analysis.scenario_discovery_util import RuleInductionType

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores, _ = get_ex_feature_scores(x.reset_index(drop=True).astype(float),
                                          y.astype(int), mode=RuleInductionType.CLASSIFICATION,
                                          nr_trees=250, random_state=seed % 2**32)
    frame = scores.reset_index()
    frame.columns = ["lever", "score"]
    return frame.sort_values("score", ascending=False, kind="stable").reset_index(drop=True)


__all__ = ["INSTALL_HINT", "Box", "MissingExtraError", "choose", "ema_module",
           "feature_scores", "find_boxes"]
