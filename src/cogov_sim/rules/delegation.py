"""The entrustment agreement and funds following tasks (委托协议, 费随事转), plus the budget.

The township and each committee sign an equal contract listing the assisted tasks and the
money that follows each task. ``funding`` is the share of assisted (on-list) tasks actually
paid for. Payments become committee resources: committees hire part-time help
(``HOURLY_WAGE``), which adds hours for resident affairs. Unpaid tasks still cost staff
time but bring nothing; off-list tasks pushed without the committee's consent are never
paid.

Every lever costs money or staff time, and the government's spending is what the chosen
policies cost (gathered each month by ``phases.government_spends``): task payments, the
access procedure and purchased entry, social workers, incubation grants, service purchase,
outsourced cases, consultations, evaluations, a street platform, volunteer points and the
government's own direct services. The community budget is a cap: when the month's commitments exceed it,
every item is scaled down by one common factor (payments late or partial, fewer
social-worker hours, smaller grants), and the committees notice (:mod:`.evaluation`).
Money not committed is not spent. Staff-time costs (visits, consultations, appraisal) come
out of the committees' hours instead (:mod:`.allocation`, :mod:`.outreach`).

Sources: seed 000 and 002 (one agreement, 费随事转), seed 003 (contract management in
Jiangsu); pool reward incentives (Sigmund et al. 2010; mechanism M7).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .access import REVIEW_COST, TASK_PRICE
from .common import FloatArray

HOURLY_WAGE = 40.0
"""Yuan per hour of part-time help a committee can buy with its payments."""
SOCIAL_WORKER_WAGE = 6_000.0
"""Yuan per professional social worker per month."""
INCUBATION_GRANT = 30_000.0
"""Yuan of start-up funds per incubated social organization."""
CASE_FEE = 200.0
"""Yuan the government pays an organization per outsourced case (Chengdu, seed 004)."""
MEETING_COST = 600.0
"""Yuan per consultation: venue, materials, record and follow-up."""
DRAWN_STIPEND = 50.0
"""Yuan paid to each randomly drawn attendee (deliberative polls pay participants)."""
TWO_WAY_COST = 8_000.0
"""Yuan per committee per year of running two-way evaluation at full weight."""
APPRAISAL_COST = 3.0
"""Yuan per resident per year of residents' appraisal of committees at full weight."""
PLATFORM_COST = 150.0
"""Yuan per resident per year of a street-level platform at full strength."""
POINT_YUAN = 30.0
"""Yuan of goods redeemed per volunteer-month at full point value."""

ITEMS = ("task_payments", "access", "social_workers", "incubation", "purchase", "outsourcing",
         "consultations", "evaluation", "platform", "volunteer_points", "direct_services")
"""Budget items, in the order of the accounts."""


@dataclass(frozen=True, slots=True)
class Budget:
    """One month's government spending by item (yuan), after the cap; ``cap`` is the month's
    budget and ``scale`` the share of commitments it could pay (1 = all)."""

    cap: float
    scale: float
    task_payments: float = 0.0
    access: float = 0.0
    social_workers: float = 0.0
    incubation: float = 0.0
    purchase: float = 0.0
    outsourcing: float = 0.0
    consultations: float = 0.0
    evaluation: float = 0.0
    platform: float = 0.0
    volunteer_points: float = 0.0
    direct_services: float = 0.0

    @property
    def total(self) -> float:
        return float(sum(self.items().values()))

    def items(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in ITEMS}


def task_payments(tasks: FloatArray, funding: float) -> FloatArray:
    """Payment owed to each committee for ``tasks`` paid at share ``funding`` (yuan)."""
    return tasks * funding * TASK_PRICE


def access_cost(reviewed: FloatArray) -> float:
    """Government staff cost of putting off-list tasks through the access procedure."""
    return float(np.sum(reviewed)) * REVIEW_COST


def social_worker_cost(workers: float) -> float:
    """Monthly wages of ``workers`` professional social workers (yuan)."""
    return workers * SOCIAL_WORKER_WAGE


def incubation_cost(incubated: float) -> float:
    """Start-up grants of ``incubated`` new organizations (yuan)."""
    return incubated * INCUBATION_GRANT


def case_fees(cases: FloatArray | float) -> FloatArray | float:
    """Fees the government owes for ``cases`` outsourced cases (yuan; Chengdu, seed 004)."""
    return cases * CASE_FEE


def consultation_cost(meetings: float, drawn_seats: float) -> float:
    """Money cost of a month's consultations (yuan): venue and record per meeting, a
    stipend per randomly drawn seat."""
    return float(meetings * MEETING_COST + drawn_seats * DRAWN_STIPEND)


def evaluation_cost(two_way_weight: float, committees: int, resident_weight: float,
                    residents: float) -> float:
    """Monthly cost (yuan) of two-way evaluation (per committee) and of residents'
    appraisal (per resident), each in proportion to its weight."""
    return (two_way_weight * TWO_WAY_COST * committees
            + resident_weight * APPRAISAL_COST * residents) / 12.0


def platform_cost(street_platform: float, residents: float) -> float:
    """Monthly cost (yuan) of a street-level platform of strength ``street_platform``."""
    return street_platform * PLATFORM_COST * residents / 12.0


def points_cost(point_value: float, volunteers: float) -> float:
    """Goods redeemed this month (yuan) for ``volunteers`` volunteer-months at point value
    ``point_value`` (0–1)."""
    return point_value * POINT_YUAN * volunteers


def allocate_budget(cap: float, commitments: dict[str, float]) -> Budget:
    """Pay the month's commitments within ``cap``: all of them, or every item scaled by
    one common factor when they exceed it.

    >>> b = allocate_budget(100.0, {"purchase": 20.0, "direct_services": 30.0})
    >>> (b.purchase, b.total, b.scale)
    (20.0, 50.0, 1.0)
    >>> allocate_budget(100.0, {"purchase": 150.0, "direct_services": 50.0}).purchase
    75.0
    """
    unknown = set(commitments) - set(ITEMS)
    if unknown:
        raise KeyError(f"unknown budget item(s) {sorted(unknown)}; allowed: {', '.join(ITEMS)}")
    committed = float(sum(commitments.values()))
    scale = 1.0 if committed <= cap or committed == 0 else cap / committed
    return Budget(cap=cap, scale=scale, **{k: v * scale for k, v in commitments.items()})


def paid_hours(payment: FloatArray) -> FloatArray:
    """Part-time hours a committee buys with its task payments."""
    return np.asarray(payment) / HOURLY_WAGE
