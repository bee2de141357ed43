"""Trade-offs and robustness over sampled policies.

:func:`pareto_mask`
    the non-dominated set (exact; each row is compared with the front found so far, in
    lexicographic order), for any mix of minimised and maximised objectives.
:func:`place`
    where other policies (the presets) stand against that set: on it, or dominated by
    how many sampled policies.
:func:`robustness`
    per policy, over replications (seeds): the share of seeds in which it meets the goal,
    and its regret — in each seed, how far its value of an objective falls short of the
    best sampled policy's in that same seed (Savage 1951, doi:10.1080/01621459.1951.10500768;
    as used in robust decision making, Lempert et al. 2006,
    doi:10.1287/mnsc.1050.0472) — averaged and at worst.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def _oriented(values: np.ndarray, maximise: Sequence[bool]) -> np.ndarray:
    """Objectives turned so that smaller is better in every column."""
    values = np.asarray(values, dtype=float)
    signs = np.where(np.asarray(maximise, dtype=bool), -1.0, 1.0)
    return values * signs


def dominated_by(values: np.ndarray, others: np.ndarray, maximise: Sequence[bool]) -> np.ndarray:
    """For each row of ``values``, how many rows of ``others`` dominate it (no worse in
    every objective, strictly better in at least one)."""
    a = _oriented(values, maximise)
    b = _oriented(others, maximise)
    counts = np.zeros(len(a), dtype=np.int64)
    step = max(1, 2_000_000 // max(1, b.size))  # rows of ``a`` per block: bounded memory
    for start in range(0, len(a), step):
        block = a[start:start + step, None, :]
        no_worse = np.all(b[None, :, :] <= block, axis=2)
        better = np.any(b[None, :, :] < block, axis=2)
        counts[start:start + step] = np.sum(no_worse & better, axis=1)
    return counts


def pareto_mask(values: np.ndarray, maximise: Sequence[bool]) -> np.ndarray:
    """True for rows of ``values`` (n × k) that no other row dominates.

    Rows with a NaN are never on the front. Duplicated rows are all kept (neither
    dominates the other).
    """
    a = _oriented(values, maximise)
    mask = np.zeros(len(a), dtype=bool)
    rows = np.flatnonzero(np.all(np.isfinite(a), axis=1))
    # In lexicographic order a row can only be dominated by rows before it, and a row
    # dominated by a dominated row is dominated by a front row too (transitivity): so
    # each row is compared with the front found so far, not with every row.
    order = rows[np.lexsort(a[rows].T[::-1])]
    front: list[int] = []
    for i in order:
        if front:
            f = a[front]
            if np.any(np.all(f <= a[i], axis=1) & np.any(f < a[i], axis=1)):
                continue
        front.append(int(i))
    mask[front] = True
    return mask


def place(points: pd.DataFrame, front: pd.DataFrame, objectives: Sequence[str],
          maximise: Sequence[bool]) -> pd.DataFrame:
    """For each row of ``points``: ``dominated_by`` (number of ``front`` policies that
    dominate it) and ``on_front`` (none does)."""
    counts = dominated_by(points[list(objectives)].to_numpy(float),
                          front[list(objectives)].to_numpy(float), maximise)
    out = points.copy()
    out["dominated_by"] = counts
    out["on_front"] = counts == 0
    return out


def robustness(runs: pd.DataFrame, meets: np.ndarray, objective: str,
               maximise: bool = True, group: str = "point_id",
               seed: str = "replication") -> pd.DataFrame:
    """Per policy: ``seeds``, ``share_meeting`` (of seeds in which the goal holds),
    ``regret_mean`` and ``regret_max`` of ``objective`` against the best policy of the
    same seed (0 = best in every seed).

    ``runs`` has one row per (policy, seed); ``meets`` one boolean per row.
    """
    frame = runs[[group, seed, objective]].copy()
    frame["_meets"] = np.asarray(meets, dtype=bool)
    value = frame[objective] if maximise else -frame[objective]
    best = value.groupby(frame[seed]).transform("max")
    frame["_regret"] = best - value
    out = frame.groupby(group).agg(seeds=("_meets", "size"), share_meeting=("_meets", "mean"),
                                   regret_mean=("_regret", "mean"),
                                   regret_max=("_regret", "max"))
    return out.reset_index()


__all__ = ["dominated_by", "pareto_mask", "place", "robustness"]
