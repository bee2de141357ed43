"""Residents' committees (居委会/村委会): one per community, state in arrays."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from ..rules.allocation import HOURS_PER_STAFF

if TYPE_CHECKING:
    from ..model import CoGovModel
    from ..params import Params


class Committees:
    """All committees' state, one array entry per community."""

    def __init__(self, params: Params) -> None:
        c = params.n_communities
        self.staff_hours = np.full(c, params.staff_per_committee * HOURS_PER_STAFF)
        self.paid_hours = np.zeros(c)
        self.gov_hours = np.zeros(c)
        self.resident_hours = np.zeros(c)
        self.visit_hours = np.zeros(c)
        self.meeting_hours = np.zeros(c)
        """Staff hours on consultations and residents' appraisal this month."""
        self.completion = np.ones(c)
        self.paperwork = np.ones(c)
        self.payment = np.zeros(c)
        # committees start out answering to government, as before the reform, and learn
        # each year how much residents' views count (evaluation.learn_resident_weight)
        self.perceived_resident_weight = np.zeros(c)
        self.shared_gain = np.zeros((c, 6))
        # annual evaluation (filled at set-up and every December)
        self.gov_score = np.zeros(c)
        self.resident_score = np.zeros(c)
        self.rating_of_government = np.zeros(c)
        self.assessment = np.zeros(c)
        # running sums over the current year: what each evaluator observes
        self.year = YearRecord(c)

    def new_year(self) -> None:
        self.year = YearRecord(self.staff_hours.size)

    @property
    def hours(self) -> np.ndarray:
        return self.staff_hours + self.paid_hours

    @property
    def burden(self) -> np.ndarray:
        """Share of each committee's hours spent on government tasks."""
        return self.gov_hours / self.hours


class YearRecord:
    """Running sums over the current year, per committee, for the annual evaluation: what
    the government observes (completion, paperwork) and what the committee experiences
    (payments owed and received, off-list work imposed, social-worker support)."""

    def __init__(self, c: int) -> None:
        self.paid = np.zeros(c)
        self.owed = np.zeros(c)
        self.imposed = np.zeros(c)
        self.pushed = np.zeros(c)
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
            "rating_of_government": float(c.rating_of_government[i]),
            "assessment": float(c.assessment[i]),
        }
