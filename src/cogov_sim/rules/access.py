"""Two lists and the access system (两份清单 + 准入制), and how departments react to them.

Government departments want to push ``demand`` administrative tasks into each community
every month. A share of them belongs on the list of tasks committees lawfully assist
government with (依法协助政府管理事项); the rest is off-list. Seed 000 names the access
system's three routes: an off-list task may enter the community only (1) by negotiation,
with the committee's consent, or (2) as purchased service; otherwise (3) it stays out.
``strictness`` is the share of off-list tasks that actually go through this procedure
(0 = no lists: every task is pushed down, as before 2008).

Departments react to prices. Each task has a value to the department that wants it pushed
down, exponentially distributed; a department pays for a task only if it is worth the
price. Under funds-follow-tasks (费随事转, "权随责走、费随事转", seed 001) an on-list task
costs the department ``funding`` times the task price, so low-value on-list tasks stop
coming down; an off-list task blocked by the access system enters as purchased service
only if it is worth the full price. Committees consent to off-list work that serves their
own residents (the public-welfare share of committee task logs, 3–27 %, research note
§2.2). The cut in burden after the lists (pattern P1) therefore depends on departments'
valuations and committees' consent, not only on ``strictness``; the valuations are an
uncalibrated assumption and are not tuned to P1's figures (docs/ODD.md).

Sources: seed 000 (stage 1.0, 准入制: 必须协商, 征求村(居)意见, 或以购买服务的方式进入),
seed 001 (Suzhou: 权随责走、费随事转, 准入制), seed 002 (seal items −80 %, creation projects
−70 %), seed 003 (Jiangsu: −60 % to −70 %); rules as explicit institutional statements
follow Crawford & Ostrom (1995) (mechanism M20).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from .common import FloatArray

TASK_PRICE = 150.0
"""Yuan a department pays per task under full funding or as purchased service (a few
hours of staff cost)."""
VALUE_ON_LIST = 159.0
"""Mean value (yuan) to a department of an on-list task (lawful assisted duties): barely
above the task price, so under full funding many on-list tasks stop coming down.
Calibrated (issue 19, ``calibration_constants``; prior 150–1,500, was 600 assumed; the
last generation's accepted particles span 168–853 (2.5–97.5 %); the adopted particle lies
at the low end, where P1t's cut in tasks pushed is reached: docs/validation.md)."""
VALUE_OFF_LIST = 16.4
"""Mean value (yuan) to a department of an off-list task (ledgers, plaques, creation
projects: mostly worth far less than the work they take). Calibrated (issue 19,
``calibration_constants``; prior 0–300, was 75 assumed; accepted particles 2–45)."""
CONSENT_SHARE = 0.142
"""Share of off-list tasks a committee consents to, as serving its residents (research
note §2.2: public-welfare share of task logs 3–27 %, the prior). Calibrated (issue 19,
``calibration_constants``; was 0.15; accepted particles 0.06–0.18)."""
REVIEW_COST = 20.0
"""Yuan of government staff time to put one off-list task through the access procedure."""


@dataclass(frozen=True, slots=True)
class TaskFlow:
    """Tasks per committee this month, split by route."""

    on_list: FloatArray
    off_list_pushed: FloatArray
    """Off-list tasks pushed down without the access procedure (not paid, no consent)."""
    negotiated: FloatArray
    """Off-list tasks entering by negotiation, with the committee's consent (unpaid)."""
    purchased: FloatArray
    """Off-list tasks entering as purchased service (paid at the task price)."""
    blocked: FloatArray
    """Off-list tasks kept out (departments do them themselves or drop them)."""
    dropped_on_list: FloatArray
    """On-list tasks departments stopped sending because they must now pay for them."""

    @property
    def pushed(self) -> FloatArray:
        """Every task the committee must do."""
        return self.on_list + self.off_list_pushed + self.negotiated + self.purchased

    @property
    def reviewed(self) -> FloatArray:
        """Off-list tasks that went through the access procedure."""
        return self.negotiated + self.purchased + self.blocked

    def by_committee(self) -> TaskFlow:
        """The flow summed over departments (one entry per committee)."""
        return TaskFlow(*(np.asarray(getattr(self, f.name)).sum(axis=-1) for f in fields(self)))


def kept_share(price: FloatArray | float, mean_value: float) -> FloatArray:
    """Share of tasks whose value to the department exceeds ``price`` (exponential values)."""
    return np.exp(-np.asarray(price) / mean_value)


def route_tasks(demand: FloatArray, on_list_share: float, strictness: FloatArray | float,
                funding: FloatArray | float) -> TaskFlow:
    """Split each committee's task demand by route under the lists and prices.

    ``demand`` is tasks per committee, or per committee and department (communities x
    departments) with ``strictness`` and ``funding`` per department (as implemented).

    >>> f = route_tasks(np.array([100.0]), on_list_share=0.3, strictness=0.0, funding=0.0)
    >>> float(f.on_list[0]), float(f.off_list_pushed[0]), float(f.blocked[0])
    (30.0, 70.0, 0.0)
    """
    wanted_on = demand * on_list_share
    on = wanted_on * kept_share(funding * TASK_PRICE, VALUE_ON_LIST)
    off = demand - wanted_on
    pushed_off = off * (1.0 - strictness)
    reviewed = off - pushed_off
    negotiated = reviewed * CONSENT_SHARE
    purchased = (reviewed - negotiated) * kept_share(TASK_PRICE, VALUE_OFF_LIST)
    return TaskFlow(on_list=on, off_list_pushed=pushed_off, negotiated=negotiated,
                    purchased=purchased, blocked=reviewed - negotiated - purchased,
                    dropped_on_list=wanted_on - on)


def draw_demand(rng: np.random.Generator, load: FloatArray, share: FloatArray) -> FloatArray:
    """Monthly task demand (communities x departments): Poisson around each committee's
    task load times each department's share of it."""
    return rng.poisson(np.outer(load, share)).astype(float)
