"""The entrustment agreement and funds following tasks (委托协议, 费随事转), plus the budget.

The township and each committee sign an equal contract listing the assisted tasks and the
money that follows each task. ``funding`` is the share of assisted (on-list) tasks actually
paid for. Payments become committee resources: committees hire part-time help
(``HOURLY_WAGE``), which adds hours for resident affairs. Unpaid tasks still cost staff
time but bring nothing; off-list tasks pushed without the committee's consent are never
paid.

The government's monthly community budget pays the committed items — task payments,
social workers, incubation grants and service purchase — and what remains funds the
government's own direct services. If the committed items exceed the budget they are all
scaled down by one common factor, so spending always equals the budget (conservation).

Sources: seed 000 and 002 (one agreement, 费随事转), seed 003 (contract management in
Jiangsu); pool reward incentives (Sigmund et al. 2010; mechanism M7).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .common import FloatArray

PAYMENT_PER_TASK = 150.0
"""Yuan paid per assisted task under full funding (order of a few hours of staff cost)."""
HOURLY_WAGE = 40.0
"""Yuan per hour of part-time help a committee can buy with its payments."""
SOCIAL_WORKER_WAGE = 6_000.0
"""Yuan per professional social worker per month."""
INCUBATION_GRANT = 30_000.0
"""Yuan of start-up funds per incubated social organization."""


@dataclass(frozen=True, slots=True)
class Budget:
    """One month's government spending by purpose (yuan); the items sum to ``total``."""

    total: float
    task_payments: float
    social_workers: float
    incubation: float
    purchase: float
    direct_services: float

    def items(self) -> dict[str, float]:
        return {
            "task_payments": self.task_payments,
            "social_workers": self.social_workers,
            "incubation": self.incubation,
            "purchase": self.purchase,
            "direct_services": self.direct_services,
        }


def task_payments(on_list: FloatArray, funding: float) -> FloatArray:
    """Payment owed to each committee for its assisted tasks this month (yuan)."""
    return on_list * funding * PAYMENT_PER_TASK


def allocate_budget(total: float, payments: float, social_workers: float, incubation: float,
                    purchase_share: float) -> tuple[Budget, float]:
    """Spend ``total``; returns the budget and the factor committed items were scaled by.

    >>> b, scale = allocate_budget(100.0, 40.0, 10.0, 0.0, 0.2)
    >>> (b.purchase, b.direct_services, scale)
    (20.0, 30.0, 1.0)
    """
    purchase = purchase_share * total
    committed = payments + social_workers + incubation + purchase
    scale = 1.0 if committed <= total or committed == 0 else total / committed
    budget = Budget(
        total=total,
        task_payments=payments * scale,
        social_workers=social_workers * scale,
        incubation=incubation * scale,
        purchase=purchase * scale,
        direct_services=max(0.0, total - committed * scale),
    )
    return budget, scale


def paid_hours(payment: FloatArray) -> FloatArray:
    """Part-time hours a committee buys with its task payments."""
    return np.asarray(payment) / HOURLY_WAGE
