"""Residents: a population of arrays, and a Mesa agent per resident that reads its row."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from ..rules.participation import AGE_GROUPS, circumstance_logit, circumstances
from ..rules.requests import DIMENSIONS

if TYPE_CHECKING:
    from ..model import CoGovModel
    from ..params import Params

NEVER = -10_000
"""'Month' of an event that has not happened."""


class Population:
    """Every resident agent's state, one array per attribute, indexed by agent index.

    Each agent stands for ``k = residents_per_agent`` real residents (a sample): ``sizes``
    counts agents per community, ``residents`` the real residents they represent. Rules
    that compare people with capacities (committee hours, seats, organizations' cases)
    multiply agent counts by ``k``; shares and means need no correction.
    """

    def __init__(self, params: Params, rng: np.random.Generator) -> None:
        n, c = params.n_agents, params.n_communities
        self.k = params.residents_per_agent
        self.sizes = params.community_agents()
        """Resident agents per community (equal ± 1, or from the community table)."""
        self.residents = self.sizes * float(self.k)
        """Real residents per community (agents times the sample rate)."""
        self.starts = np.concatenate([[0], np.cumsum(self.sizes)[:-1]])
        self.community = np.repeat(np.arange(c), self.sizes)
        self.age = _ages(params, rng, self.community)
        self.employed, self.tenure = circumstances(rng, self.age)
        self.circumstance = circumstance_logit(self.employed, self.tenure)
        """Log-odds of taking part from free time and attachment (fixed over a run)."""
        self.efficacy = rng.beta(2.0, 4.0, size=n)
        self.efficacy_anchor = self.efficacy.copy()
        """Each resident's settled sense of efficacy, to which experience fades back."""
        self.trust_committee = _around(rng, params.initial_trust, n)
        self.trust_government = _around(rng, params.initial_trust, n)
        self.trust_so = _around(rng, params.initial_trust_so, n)
        # dimension-major (6 x N): per-resident means over the six dimensions are row sums
        draw = np.clip(0.45 + 0.1 * rng.standard_normal((n, len(DIMENSIONS))), 0, 1)
        self.expectation = np.ascontiguousarray(draw.T)
        self.satisfaction = np.full((len(DIMENSIONS), n), 0.5)
        self.issue_dim = np.full(n, -1, dtype=np.int64)
        self.issue_age = np.zeros(n, dtype=np.int64)
        self.issue_reported = np.zeros(n, dtype=bool)
        self.issue_route = np.zeros(n, dtype=np.int64)
        self.issue_salience = np.zeros(n)
        self.propensity = np.zeros(n)
        self.participated = np.zeros(n, dtype=bool)
        self.volunteered = np.zeros(n, dtype=bool)
        """Volunteered this month."""
        self.last_participation = np.full(n, NEVER, dtype=np.int64)
        self.last_consultation = np.full(n, NEVER, dtype=np.int64)
        self.neighbour_share = np.zeros(n)
        self.recent = np.zeros(n, dtype=bool)
        """Took part in something in the last twelve months."""
        self.age_counts = np.bincount(self.age, minlength=3).astype(float)

    @property
    def n(self) -> int:
        return int(self.community.size)

    @property
    def n_residents(self) -> float:
        return float(self.residents.sum())

    def members(self, community: int) -> np.ndarray:
        start = int(self.starts[community])
        return np.arange(start, start + int(self.sizes[community]))


def _ages(params: Params, rng: np.random.Generator, community: np.ndarray) -> np.ndarray:
    """Age groups (young, middle, elderly) drawn with the township's shares, or with each
    community's elderly share where the community table gives one."""
    n = community.size
    elderly = params.community_elderly()
    if elderly is None:
        shares = np.clip([params.share_young, 1.0 - params.share_young - params.share_elderly,
                          params.share_elderly], 0.0, 1.0)  # a middle share of -1e-17 is 0
        return rng.choice(3, size=n, p=shares / shares.sum()).astype(np.int64)
    u = rng.random(n)
    old = elderly[community]
    return ((u >= params.share_young).astype(np.int64)
            + (u >= 1.0 - old).astype(np.int64))


def _around(rng: np.random.Generator, mean: float, n: int) -> np.ndarray:
    return np.clip(mean + 0.12 * rng.standard_normal(n), 0.0, 1.0)


class Resident(mesa.Agent):
    """One resident, as a view onto row ``index`` of the model's population arrays."""

    def __init__(self, model: CoGovModel, index: int) -> None:
        super().__init__(model)
        self.index = int(index)

    @property
    def _pop(self) -> Population:
        return self.model.population

    @property
    def community(self) -> int:
        return int(self._pop.community[self.index])

    @property
    def age_group(self) -> str:
        return AGE_GROUPS[self._pop.age[self.index]]

    @property
    def employed(self) -> bool:
        return bool(self._pop.employed[self.index])

    @property
    def years_here(self) -> float:
        return float(self._pop.tenure[self.index])

    @property
    def efficacy(self) -> float:
        return float(self._pop.efficacy[self.index])

    @property
    def trust(self) -> dict[str, float]:
        p, i = self._pop, self.index
        return {"committee": float(p.trust_committee[i]), "government": float(p.trust_government[i]),
                "social_organizations": float(p.trust_so[i])}

    @property
    def satisfaction(self) -> dict[str, float]:
        return dict(zip(DIMENSIONS, map(float, self._pop.satisfaction[:, self.index]), strict=True))

    @property
    def open_issue(self) -> str | None:
        d = self._pop.issue_dim[self.index]
        return None if d < 0 else DIMENSIONS[d]

    @property
    def participated(self) -> bool:
        return bool(self._pop.participated[self.index])

    def neighbours(self) -> list[int]:
        adj = self.model.adjacency
        return adj.indices[adj.indptr[self.index]: adj.indptr[self.index + 1]].tolist()

    def state(self) -> dict[str, object]:
        """Everything about this resident, as plain values."""
        return {"index": self.index, "community": self.community, "age_group": self.age_group,
                "employed": self.employed, "years_here": self.years_here,
                "efficacy": self.efficacy, "trust": self.trust, "satisfaction": self.satisfaction,
                "open_issue": self.open_issue, "participated": self.participated}
