"""The Mesa model: builds the township from parameters and one seed, then steps months."""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np

from . import phases
from .agents import Committee, Committees, Government, Population, Resident, SocialOrgPool
from .constants import applied
from .datacollector import OutcomeCollector
from .outcomes import Recorder
from .params import ParameterError, Params, spec
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

    Notes
    -----
    The run first simulates ``params.spinup_months`` months under the pre-reform
    baseline's levers (the scenario's own context and sizes), unrecorded, so that every
    accumulating quantity has settled; then it adopts the scenario's levers and records
    ``params.months`` months. ``model.month`` counts all months, spin-up included.

    The four agent types are Mesa agents: one :class:`Government`, one :class:`Committee`
    per community, a :class:`SocialOrganization` per living organization, and a
    :class:`Resident` per resident (made when first asked for with ``resident(i)``). Their
    state lives in arrays (``population``, ``committees``, ``orgs``) so each month's rules
    run vectorised; the agents read their own rows.

    Built the way Mesa's tools build models (``SolaraViz``, ``mesa.batch_run``): keyword
    parameters and a seed, ``CoGovModel(preset="taicang_2_0", consultations_per_year=4,
    rng=7)``. ``preset`` names a scenario preset (default: the parameter defaults), the other
    keywords are parameters applied on top of it (or on top of ``params``); ``rng`` is an
    int or a SeedSequence, the same as ``seed``; ``seed=None`` draws a fresh seed and
    records it in ``self.seed``; a Mesa ``Scenario`` passed as ``scenario`` (SolaraViz's
    Reset does so) only contributes its ``rng``. ``communities`` (a community table, its
    name or path, or a number of equal communities; :mod:`cogov_sim.communities`) builds
    the township: ``CoGovModel(preset="taicang_3_0", communities="taicang_township")``.
    ``self.datacollector`` is a Mesa ``DataCollector`` holding every outcome of every
    reported month; ``self.running`` turns False after
    ``params.months`` reported months.
    """

    def __init__(self, params: Params | None = None, seed: Seed | None = 0, *,
                 rng: Seed | None = None, preset: str | None = None,
                 scenario: Any = None, **overrides: Any) -> None:
        if rng is None and scenario is not None:  # Mesa's Scenario, as SolaraViz's Reset passes
            rng = getattr(scenario, "rng", None)
        policy = _resolve_params(params, preset, overrides)
        with applied(policy.constants):  # rule constants set otherwise (Params.constants)
            self._build(policy, _resolve_seed(seed, rng), preset)
            self._spin_up()
            self._begin()

    @classmethod
    def _spun_up(cls, params: Params, seed: Seed) -> CoGovModel:
        """A model of ``params`` at the end of its spin-up, before it adopts the scenario's
        levers: the state :mod:`cogov_sim.spinup` snapshots (the constructor without
        :meth:`_begin`)."""
        model = cls.__new__(cls)
        with applied(params.constants):
            model._build(params, _resolve_seed(seed, None), None)
            model._spin_up()
        return model

    def _build(self, policy: Params, seed: Seed, preset: str | None) -> None:
        """The township at month 0: everything the constructor does before the spin-up."""
        super().__init__(rng=seed)
        self.seed = seed
        self._take_policy(policy, preset)
        # the spin-up runs the scenario's context and sizes under the baseline's levers
        self.params = self.pre_reform if self.policy.spinup_months else _with_cuts(self.policy)
        p = self.params
        self._cutting = False
        self._frozen: dict[str, np.ndarray] = {}
        self.month = 0
        self.now = phases.MonthState()
        self.expected = phases.ExpectedCounts()
        """Township counts per resident that complete a sample's counts (k > 1)."""
        self.unseen = phases.UnseenCases.none(p.n_communities)
        """Open cases of the residents the sample does not see (k > 1)."""
        self.unseen_rng = _side_stream(self.rng)
        """Draws for the residents the sample does not see (k > 1), on a stream of their
        own: their number varies with the state, and on ``rng`` they would shift every
        later draw, so paired runs (common random numbers) would drift apart sooner."""
        self.activist_draw = self.unseen_rng.random(p.n_communities)
        """Per community, the fixed uniform that rounds its activists' seats in agents
        (``consultation.agent_seats``): the keenest residents return to every meeting."""
        self.population = Population(p, self.rng)
        self.adjacency = network.small_world(self.rng, self.population.starts,
                                             self.population.sizes, p.network_degree,
                                             p.network_rewiring)
        self.degree = np.asarray(self.adjacency.sum(axis=1)).ravel()
        # the township's institutions (committees' and departments' traits) come from their
        # own child stream of the seed, so they are the same whatever the sample rate and
        # the draws made for the residents before them: runs that differ only in the
        # sample rate are paired on the same committees and departments
        self.institutions_rng = np.random.default_rng(_child(self.rng, INSTITUTIONS_KEY))
        self.committees = Committees(p, self.institutions_rng)
        self.orgs = SocialOrgPool()
        self.org_agents: dict[int, mesa.Agent] = {}
        self.government = Government(self)
        self.committee_agents = list(Committee.create_agents(self, p.n_communities,
                                                             np.arange(p.n_communities)))
        self._residents: dict[int, Resident] = {}
        self._seed_organizations()
        self._initial_state()

    def _take_policy(self, policy: Params, preset: str | None) -> None:
        """Set what belongs to the scenario rather than to the township: its parameters,
        the regime of its spin-up, its recorder and timeline (before the spin-up, or when
        a run starts from a shared spin-up, :mod:`cogov_sim.spinup`)."""
        self.policy = policy
        """The parameters of the reported months (the scenario)."""
        self.preset = preset
        """The preset the parameters came from, if built with ``preset=`` (not named
        ``scenario``: Mesa reserves ``model.scenario`` for its own Scenario objects)."""
        self.pre_reform = spinup_params(policy)
        """The scenario's context under the baseline's levers: the regime of the spin-up and
        the pre-reform practice departments drift back to."""
        self.recorder = Recorder(self, policy.months)
        self.datacollector = OutcomeCollector()
        self.schedule = schedule_of(policy)
        """Reported month → levers adopted at its start (a timeline's changes; usually empty)."""

    def _spin_up(self) -> None:
        """The unrecorded months under the baseline's levers (``params.spinup_months``)."""
        for _ in range(self.policy.spinup_months):
            self._advance()

    def _begin(self) -> None:
        """End of the spin-up: adopt the scenario's levers and start its cuts."""
        if self.params is not self.policy:
            self.adopt(self.policy)
        self._start_cuts()

    def _seed_organizations(self) -> None:
        p = self.params
        n0 = int(round(p.initial_so_per_10k * p.n_residents / 1e4))
        if p.communities is None:  # equal communities: each as likely as any other
            where = self.rng.integers(0, p.n_communities, size=n0)
        else:  # unequal communities: in proportion to residents, so density starts equal
            where = self.rng.choice(p.n_communities, size=n0, p=self.population.residents
                                    / self.population.n_residents)
        phases.found_orgs(self, where, social_orgs.starting_quality("seed"), social_orgs.SEED_FUNDS)
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
        government adopts the new levers; committees respond to the new weights through
        the next evaluation's scores. Sizes and context must be unchanged. Levers of cut
        mechanisms (:mod:`cogov_sim.mechanisms`) stay at zero."""
        self.params = _with_cuts(params)
        self.government.adopt(self.params)

    # -- ablation ---------------------------------------------------------------------
    def _start_cuts(self) -> None:
        """From the first reported month on, cut the mechanisms in ``policy.cuts``: states
        to freeze are recorded now."""
        self._cutting = bool(self.policy.cuts)
        pop = self.population
        self._frozen = {name: getattr(pop, name).copy() for name in ("trust_so", "trust_government")
                        if name in self.policy.cuts}

    def cut(self, mechanism: str) -> bool:
        """Whether ``mechanism`` is cut in this month (never during the spin-up)."""
        return self._cutting and mechanism in self.policy.cuts

    # -- scheduling -------------------------------------------------------------------
    def _advance(self) -> None:
        self.now = phases.MonthState()
        for phase in phases.ORDER:
            phase(self)
        if self.month % 12 == 11:
            phases.annual_evaluation(self)
        for name, values in self._frozen.items():  # a frozen state ignores the month
            setattr(self.population, name, values.copy())
        self.month += 1

    @property
    def reported_month(self) -> int:
        """Reported months done so far (0 during and right after the spin-up)."""
        return max(0, self.month - self.policy.spinup_months)

    def step(self) -> None:
        """One reported month: a timeline's change dated to this month (adopted first, so
        the month runs under it), the phases of :data:`cogov_sim.phases.ORDER`, then
        December's evaluation, then the month's outcomes are recorded."""
        with applied(self.policy.constants):
            levers = self.schedule.get(self.reported_month + 1)
            if levers is not None:
                self.adopt(self.params.replace(**dict(levers)))
            self._advance()
            self.recorder.record(self)
            self.datacollector.collect(self)
        if self.recorder.n >= self.policy.months:
            self.running = False

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


def _side_stream(rng: np.random.Generator) -> np.random.Generator:
    """A generator independent of ``rng``, derived from the same seed (``rng`` untouched)."""
    seq = rng.bit_generator.seed_seq
    assert isinstance(seq, np.random.SeedSequence)
    return np.random.default_rng(np.random.SeedSequence(seq.entropy,
                                                        spawn_key=(*seq.spawn_key, 2**31 - 1)))


def _resolve_seed(seed: Seed | None, rng: Seed | None) -> Seed:
    """One seed from ``seed`` and Mesa's ``rng`` keyword; ``None`` for both draws a fresh
    one (recorded in ``model.seed``). A NumPy Generator gives a seed drawn from it."""
    if rng is not None and seed not in (None, 0):
        raise ParameterError("give the seed once: seed= or rng=, not both")
    chosen = rng if rng is not None else seed
    if chosen is None:
        entropy = np.random.SeedSequence().entropy
        assert isinstance(entropy, int)
        return entropy % (2**63)
    if isinstance(chosen, np.random.Generator):
        return int(chosen.integers(2**63))
    if isinstance(chosen, bool) or not isinstance(chosen, int | np.integer | np.random.SeedSequence):
        raise ParameterError(f"seed {chosen!r}: expected a non-negative whole number or a SeedSequence")
    return int(chosen) if isinstance(chosen, np.integer) else chosen


def _resolve_params(params: Params | None, preset: str | None,
                    overrides: dict[str, Any]) -> Params:
    """The run's parameters: ``params``, or preset ``preset``, with ``overrides``."""
    if params is not None and preset is not None:
        raise ParameterError("give params or preset, not both")
    if preset is not None:
        from .presets import load_preset

        return load_preset(preset, **overrides)
    base = params if params is not None else Params()
    return base.replace(**overrides) if overrides else base


INSTITUTIONS_KEY = 0x1E518
"""Spawn key, below the run's seed, of the stream the institutions' traits are drawn from."""


def _child(rng: np.random.Generator, key: int) -> np.random.SeedSequence:
    """The child of ``rng``'s seed at ``key``: a pure function of the seed (unlike
    ``SeedSequence.spawn``, which counts the children already spawned)."""
    seq = rng.bit_generator.seed_seq
    return np.random.SeedSequence(seq.entropy, spawn_key=(*seq.spawn_key, key), pool_size=seq.pool_size)


def _with_cuts(params: Params) -> Params:
    """``params`` with the levers of its cut mechanisms set to zero."""
    from .mechanisms import mechanism

    levers = {m.lever: 0 for m in map(mechanism, sorted(params.cuts)) if m.lever}
    return params.replace(**levers) if levers else params


def spinup_params(params: Params) -> Params:
    """``params`` with the baseline preset's levers: the regime of the spin-up."""
    from .presets import preset_values

    levers = {k: v for k, v in preset_values("baseline").items() if spec(k).kind == "lever"}
    return params.replace(**levers)


DIMENSIONS = requests.DIMENSIONS
