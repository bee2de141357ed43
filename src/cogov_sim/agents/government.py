"""The township (or street) government: budget, task pushing, payments, purchases."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from ..rules.delegation import Budget

if TYPE_CHECKING:
    from ..model import CoGovModel
    from ..params import Params


class Government(mesa.Agent):
    """One township government.

    ``strictness`` and ``funding`` are the lists and payments *as implemented*: they start
    at the policy levers, erode as departments drift back to old habits, and are restored
    by two-way evaluation (see :mod:`cogov_sim.rules.evaluation`).
    """

    def __init__(self, model: CoGovModel) -> None:
        super().__init__(model)
        self.adopt(model.params)
        self.budget = Budget(cap=self.monthly_budget, scale=1.0)
        self.cases_invoiced = 0.0
        """Outsourced cases billed last month, paid this month (delegation.CASE_FEE)."""

    def adopt(self, params: Params) -> None:
        """Adopt a policy: the implemented lists and payments start at the new levers."""
        self.strictness = params.list_strictness
        self.funding = params.delegation_funding
        self.monthly_budget = params.budget_per_resident * params.n_residents / 12.0

    @property
    def scale(self) -> float:
        """Share of committed spending the budget could cover this month (1 = all)."""
        return self.budget.scale

    def state(self) -> dict[str, float]:
        return {"strictness": self.strictness, "funding": self.funding, **self.budget.items()}
