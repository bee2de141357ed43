"""The Mesa model: builds the township from parameters and one seed, then steps months."""

from __future__ import annotations

import mesa
import numpy as np

from . import phases
from .agents import Committee, Committees, Government, Population, Resident, SocialOrgPool
from .outcomes import Recorder
from .params import Params, spec
from .rules import network, requests, satisfaction, social_orgs
from .rules.common import safe_div
from .timeline import schedule_of

Seed = int | np.random.SeedSequence


class CoGovModel(mesa.Model):
    """Community co-governance in one township, one step per month.

    Parameters
    ----------
    params
        A validated :class:`~cogov_sim.params.Params`.
    seed
        An int or a :class:`numpy.random.SeedSequence`. Every random draw — network,
        initial states, decisions — comes from ``self.rng`` built from it; nothing reads
        global random state.

    The run first simulates ``params.spinup_months`` months under the pre-reform
    baseline's levers (the scenario's own context and sizes), unrecorded, so that every
    accumulating quantity has settled; then it adopts the scenario's levers and records
    ``params.months`` months. ``model.month`` counts all months, spin-up included.

    The four agent types are Mesa agents: one :class:`Government`, one :class:`Committee`
    per community, a :class:`SocialOrganization` per living organization, and a
    :class:`Resident` per resident (made when first asked for with ``resident(i)``). Their
    state lives in arrays (``population``, ``committees``, ``orgs``) so each month's rules
    run vectorised; the agents read their own rows.
    """

    def __init__(self, params: Params | None = None, seed: Seed = 0) -> None:
        super().__init__(rng=seed)
        self.policy = params if params is not None else Params()
        """The parameters of the reported months (the scenario)."""
        self.seed = seed
        # the spin-up runs the scenario's context and sizes under the baseline's levers
        self.params = spinup_params(self.policy) if self.policy.spinup_months else self.policy
        p = self.params
        self.month = 0
        self.now = phases.MonthState()
        self.population = Population(p, self.rng)
        self.adjacency = network.small_world(self.rng, self.population.starts,
                                             self.population.sizes, p.network_degree,
                                             p.network_rewiring)
        self.degree = np.asarray(self.adjacency.sum(axis=1)).ravel()
        self.committees = Committees(p)
        self.orgs = SocialOrgPool()
        self.org_agents: dict[int, mesa.Agent] = {}
        self.government = Government(self)
        self.committee_agents = list(Committee.create_agents(self, p.n_communities,
                                                             np.arange(p.n_communities)))
        self._residents: dict[int, Resident] = {}
        self._seed_organizations()
        self._initial_state()
        self.recorder = Recorder(self, self.policy.months)
        self.schedule = schedule_of(self.policy)
        """Reported month → levers adopted at its start (a timeline's changes; usually empty)."""
        for _ in range(self.policy.spinup_months):
            self._advance()
        if self.params is not self.policy:
            self.adopt(self.policy)

    def _seed_organizations(self) -> None:
        p = self.params
        n0 = int(round(p.initial_so_per_10k * p.n_residents / 1e4))
        phases.found_orgs(self, self.rng.integers(0, p.n_communities, size=n0),
                          social_orgs.SEED_QUALITY, social_orgs.SEED_FUNDS)
        self.now = phases.MonthState()

    def _initial_state(self) -> None:
        """Month-0 satisfaction and evaluation, so that nothing is undefined at the start."""
        p, pop = self.params, self.population
        base = satisfaction.community_performance(
            np.full(p.n_communities, 0.2), np.full(p.n_communities, 20.0),
            1000.0 * self.orgs.capacity_by(p.n_communities) / pop.residents[:, None],
            self.orgs.quality_by(p.n_communities), self.committees.shared_gain)
        pop.satisfaction = satisfaction.satisfaction(base.T[:, pop.community], pop.expectation)
        phases.evaluate(self)

    def adopt(self, params: Params) -> None:
        """Switch to new parameters mid-run (the end of the spin-up, or a reform): the
        government adopts the new levers; committees learn the new resident weight from
        the next evaluation on. Sizes and context must be unchanged."""
        self.params = params
        self.government.adopt(params)

    # -- scheduling -------------------------------------------------------------------
    def _advance(self) -> None:
        self.now = phases.MonthState()
        for phase in phases.ORDER:
            phase(self)
        if self.month % 12 == 11:
            phases.annual_evaluation(self)
        self.month += 1

    @property
    def reported_month(self) -> int:
        """Reported months done so far (0 during and right after the spin-up)."""
        return max(0, self.month - self.policy.spinup_months)

    def step(self) -> None:
        """One reported month: a timeline's change dated to this month (adopted first, so
        the month runs under it), the phases of :data:`cogov_sim.phases.ORDER`, then
        December's evaluation, then the month's outcomes are recorded."""
        levers = self.schedule.get(self.reported_month + 1)
        if levers is not None:
            self.adopt(self.params.replace(**dict(levers)))
        self._advance()
        self.recorder.record(self)

    def run(self, months: int | None = None) -> None:
        for _ in range(self.policy.months if months is None else months):
            self.step()

    # -- inspection -------------------------------------------------------------------
    def resident(self, index: int) -> Resident:
        """Resident ``index`` (0-based) as a Mesa agent viewing the population arrays.

        Resident agents are made on first request and then kept: creating a Mesa agent
        costs microseconds each (seconds at county scale), and their state lives in the
        arrays anyway, so a view made at any time shows the resident's current state.
        """
        if not 0 <= index < self.population.n:
            raise IndexError(f"resident {index}: allowed 0 to {self.population.n - 1}")
        if index not in self._residents:
            self._residents[index] = Resident(self, index)
        return self._residents[index]

    def committee(self, community: int) -> Committee:
        return self.committee_agents[community]

    def organizations(self) -> list[mesa.Agent]:
        """Living social organizations as agents."""
        return list(self.org_agents.values())

    def network_graph(self):  # noqa: ANN201 - networkx is optional at type level
        """The residents' network as a networkx graph."""
        return network.to_networkx(self.adjacency)

    def dataframe(self):  # noqa: ANN201
        """Outcomes recorded so far, one row per month (see :mod:`cogov_sim.outcomes`)."""
        frame = self.recorder.frame()
        start_year = getattr(self.policy, "start_year", None)
        if start_year is not None:  # a dated timeline: calendar columns after month/year
            year0, moy = divmod(frame["month"].to_numpy() - 1, 12)
            frame.insert(2, "calendar_year", start_year + year0)
            frame.insert(3, "date", [f"{start_year + y}-{m + 1:02d}"
                                     for y, m in zip(year0, moy, strict=True)])
        return frame

    @property
    def so_per_10k(self) -> float:
        return float(1e4 * safe_div(self.orgs.view("alive").sum(), self.params.n_residents))


def spinup_params(params: Params) -> Params:
    """``params`` with the baseline preset's levers: the regime of the spin-up."""
    from .presets import preset_values

    levers = {k: v for k, v in preset_values("baseline").items() if spec(k).kind == "lever"}
    return params.replace(**levers)


DIMENSIONS = requests.DIMENSIONS
