"""The township (or street) government: budget, task pushing, payments, purchases."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from ..rules.delegation import Budget
from ..rules.departments import DEPARTMENTS, draw_departments

if TYPE_CHECKING:
    from ..model import CoGovModel
    from ..params import Params


class Government(mesa.Agent):
    """One township government.

    It acts through its departments (:mod:`cogov_sim.rules.departments`), which differ in
    how fast they drift back to old habits and how reliably they pay. ``strictness`` and
    ``funding`` are each department's lists and payments *as implemented* (arrays over
    departments): they start at the policy levers, erode as departments drift back
    toward pre-reform practice, and are restored by two-way evaluation according to each
    department's own rating (see :mod:`cogov_sim.rules.evaluation`).
    """

    def __init__(self, model: CoGovModel) -> None:
        super().__init__(model)
        self.departments = draw_departments(model.institutions_rng)
        self.adopt(model.params)
        self.budget = Budget(cap=self.monthly_budget, scale=1.0)
        self.cases_invoiced = 0.0
        """Outsourced cases billed last month, paid this month (delegation.CASE_FEE)."""

    def adopt(self, params: Params) -> None:
        """Adopt a policy: the implemented lists and payments start at the new levers."""
        n = len(DEPARTMENTS)
        self.strictness = np.full(n, float(params.list_strictness))
        self.funding = np.full(n, float(params.delegation_funding))
        self.monthly_budget = params.budget_per_resident * params.n_residents / 12.0

    @property
    def scale(self) -> float:
        """Share of committed spending the budget could cover this month (1 = all)."""
        return self.budget.scale

    @property
    def mean_strictness(self) -> float:
        """Implemented strictness, weighted by departments' shares of the tasks."""
        return float(self.departments.share @ self.strictness)

    @property
    def mean_funding(self) -> float:
        """Implemented funds-follow-tasks, weighted by departments' shares of the tasks."""
        return float(self.departments.share @ self.funding)

    def state(self) -> dict[str, float]:
        return {"strictness": self.mean_strictness, "funding": self.mean_funding,
                **self.budget.items()}
