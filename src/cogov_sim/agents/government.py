"""The township (or street) government: budget, task pushing, payments, purchases."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from ..rules.delegation import Budget

if TYPE_CHECKING:
    from ..model import CoGovModel


class Government(mesa.Agent):
    """One township government.

    ``strictness`` and ``funding`` are the lists and payments *as implemented*: they start
    at the policy levers, erode as departments drift back to old habits, and are restored
    by two-way evaluation (see :mod:`cogov_sim.rules.evaluation`).
    """

    def __init__(self, model: CoGovModel) -> None:
        super().__init__(model)
        p = model.params
        self.strictness = p.list_strictness
        self.funding = p.delegation_funding
        self.monthly_budget = p.budget_per_resident * p.n_residents / 12.0
        self.budget = Budget(self.monthly_budget, 0.0, 0.0, 0.0, 0.0, self.monthly_budget)
        self.scale = 1.0
        """Share of committed spending the budget could cover this month (1 = all)."""

    def state(self) -> dict[str, float]:
        return {"strictness": self.strictness, "funding": self.funding, **self.budget.items()}
