"""Two lists and the access system (两份清单 + 准入制).

Government departments want to push ``demand`` administrative tasks into each community
every month. A share of them belongs on the list of tasks committees lawfully assist
government with (依法协助政府管理事项); the rest is off-list. Under the access system an
off-list task enters the community only by negotiation with the committee's consent or as
purchased service; ``strictness`` is the share of off-list tasks so blocked (0 = no lists,
every task is pushed down, as before 2008).

Sources: seed 000 (stage 1.0 清单式管理), seed 002 (38/29-item negative/positive seal lists;
seal items −80 %, creation projects −70 %), seed 003 (Jiangsu: −60 % to −70 %); rules as
explicit institutional statements follow Crawford & Ostrom (1995) (mechanism M20).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .common import FloatArray


@dataclass(frozen=True, slots=True)
class TaskFlow:
    """Tasks per committee this month, split by their fate under the access system."""

    on_list: FloatArray
    off_list_pushed: FloatArray
    off_list_blocked: FloatArray

    @property
    def pushed(self) -> FloatArray:
        return self.on_list + self.off_list_pushed


def route_tasks(demand: FloatArray, on_list_share: float, strictness: float) -> TaskFlow:
    """Split each committee's task demand into on-list, off-list pushed and blocked.

    >>> f = route_tasks(np.array([100.0]), on_list_share=0.3, strictness=0.5)
    >>> float(f.on_list[0]), float(f.off_list_pushed[0]), float(f.off_list_blocked[0])
    (30.0, 35.0, 35.0)
    """
    on = demand * on_list_share
    off = demand - on
    pushed_off = off * (1.0 - strictness)
    return TaskFlow(on_list=on, off_list_pushed=pushed_off, off_list_blocked=off - pushed_off)


def draw_demand(rng: np.random.Generator, load: float, n_committees: int) -> FloatArray:
    """Monthly task demand per committee: Poisson around the context task load."""
    return rng.poisson(load, size=n_committees).astype(float)
