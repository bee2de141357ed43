"""Residents' committees (居委会/村委会): one per community, state in arrays."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from ..rules.allocation import staff_hours
from ..rules.departments import DEPARTMENTS, draw_committees

if TYPE_CHECKING:
    from ..model import CoGovModel
    from ..params import Params


class Committees:
    """All committees' state, one array entry per community.

    Committees differ (:mod:`cogov_sim.rules.departments`): ``staff`` around the township's
    standard (with a community table, around a standard proportional to the community's
    residents, :meth:`~cogov_sim.params.Params.community_staff`), the task ``load``
    departments push into the community (a multiple of the township's), and
    ``capability`` (tasks and cases achieved per hour, mean 1)."""

    def __init__(self, params: Params, rng: np.random.Generator) -> None:
        c = params.n_communities
        standard = params.community_staff()  # proportional to residents with a table
        traits = draw_committees(rng, c, params.staff_per_committee if standard is None else standard)
        self.staff, self.load, self.capability = traits.staff, traits.load, traits.capability
        self.motivation = traits.motivation
        self.staff_hours = staff_hours(self.staff)
        self.paid_hours = np.zeros(c)
        self.gov_hours = np.zeros(c)
        self.resident_hours = np.zeros(c)
        self.visit_hours = np.zeros(c)
        self.meeting_hours = np.zeros(c)
        """Staff hours on consultations and residents' appraisal this month."""
        self.completion = np.ones(c)
        self.paperwork = np.ones(c)
        self.payment = np.zeros(c)
        # committees start out answering to government, as before the reform, and move
        # their focus each year by the scores they receive (evaluation.adjust_focus)
        self.focus = np.zeros(c)
        """Focus on residents rather than government work (0–1), learned from the scores."""
        self.withheld = np.zeros(c)
        """Share of this year's task payments withheld for breach of last year's agreement."""
        self.shared_gain = np.zeros((c, 6))
        # annual evaluation (filled at set-up and every December)
        self.gov_score = np.zeros(c)
        self.fulfilment = np.zeros(c)
        """What the government's last inspection would have scored without error (0–100)."""
        self.resident_score = np.zeros(c)
        self.rating_of_government = np.zeros((c, len(DEPARTMENTS)))
        """Each committee's rating of each department (communities x departments)."""
        self.conduct_of_departments = np.zeros((c, len(DEPARTMENTS)))
        """What those ratings would be without error: each department's conduct toward
        each committee last year (communities x departments, 0–100)."""
        self.assessment = np.zeros(c)
        # running sums over the current year: what each evaluator observes
        self.year = YearRecord(c)

    def new_year(self) -> None:
        self.year = YearRecord(self.staff_hours.size)

    @property
    def rating_of_departments(self) -> np.ndarray:
        """Each department's mean rating across committees."""
        return self.rating_of_government.mean(axis=0)

    @property
    def hours(self) -> np.ndarray:
        return self.staff_hours + self.paid_hours

    @property
    def burden(self) -> np.ndarray:
        """Share of each committee's hours spent on government tasks."""
        return self.gov_hours / self.hours


class YearRecord:
    """Running sums over the current year, per committee, for the annual evaluation: what
    the government observes (completion, paperwork) and what the committee experiences of
    each department (payments owed and received, off-list work imposed: communities x
    departments) and of social-worker support."""

    def __init__(self, c: int) -> None:
        d = len(DEPARTMENTS)
        self.paid = np.zeros((c, d))
        self.owed = np.zeros((c, d))
        self.imposed = np.zeros((c, d))
        self.pushed = np.zeros((c, d))
        self.support_hours = np.zeros(c)
        self.completion = np.zeros(c)
        self.paperwork = np.zeros(c)
        self.months = 0


class Committee(mesa.Agent):
    """One residents' committee, as a view onto entry ``community`` of the arrays."""

    def __init__(self, model: CoGovModel, community: int) -> None:
        super().__init__(model)
        self.community = int(community)

    def state(self) -> dict[str, float]:
        c: Committees = self.model.committees
        i = self.community
        return {
            "hours": float(c.hours[i]), "gov_hours": float(c.gov_hours[i]),
            "resident_hours": float(c.resident_hours[i]), "burden": float(c.burden[i]),
            "payment": float(c.payment[i]), "completion": float(c.completion[i]),
            "paperwork": float(c.paperwork[i]), "visit_hours": float(c.visit_hours[i]),
            "meeting_hours": float(c.meeting_hours[i]),
            "government_score": float(c.gov_score[i]), "resident_score": float(c.resident_score[i]),
            "rating_of_government": float(c.rating_of_government[i].mean()),
            "focus_on_residents": float(c.focus[i]), "capability": float(c.capability[i]),
            "staff": float(c.staff[i]),
            "assessment": float(c.assessment[i]),
        }
