"""The month's phases, in the order :meth:`CoGovModel.step` runs them.

Each phase reads and writes the model's agents' state through the rules in
:mod:`cogov_sim.rules`; the model itself only schedules. Updates within a phase are
synchronous (every resident decides on last phase's state), which keeps them vectorised
and independent of agent order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from .agents import SocialOrganization
from .agents.residents import NEVER
from .rules import (
    access,
    allocation,
    consultation,
    delegation,
    departments,
    evaluation,
    outreach,
    participation,
    requests,
    satisfaction,
    social_orgs,
    trust,
)
from .rules.common import SAMPLE_MEMORY, FloatArray, group_sum, real_count, safe_div, toward, unseen

if TYPE_CHECKING:
    from .model import CoGovModel

N_DIM = len(requests.DIMENSIONS)
AGES = requests.ESCALATE_AFTER + 1
"""Age classes of the unseen residents' cases (``UnseenCases``): months since the problem
arose, 0 to ``requests.ESCALATE_AFTER`` − 1, and old enough to escalate."""


@dataclass(slots=True)
class UnseenCases:
    """Open cases of the residents a sample does not see, per community and dimension:
    the means of their Poisson numbers, held by committees and referred to organizations.

    At one agent per k residents each agent is one real resident and the other k − 1 it
    stands for are not observed; where a caseload meets a capacity (``requests.coverage``)
    their cases count as a Poisson number with these means. The means are carried from
    month to month the way the sample's own cases go: new ones arrive at the community's
    recent rate per resident of newly reported problems (``common.unseen`` of it), are referred
    as the community's referral share and its residents' acceptance say, are resolved at
    the community's (and field's) success chance for one of them (``requests.coverage``
    with one more case: a Poisson number of cases is more often large when the caseload
    is), grow a month older, escalate once old enough (``requests.ESCALATE_AFTER``
    months) at the rate of the sample's cases of that age in their community over recent
    months on their route (``escalation_rate``), and are solved by consultations like the sample's; a
    referred case whose organizations are gone waits, as the sample's does. They are
    kept by age class (``AGES``), entering at the ages at which the community's problems
    are reported (a problem found by a visit may be months old). So a community whose
    committee or organizations fall behind carries more of them, and older ones, as it
    would carry more real cases. All zero at one agent per resident. Kept on the model
    (``model.unseen``)."""

    committee_by_age: np.ndarray
    """Held by committees, by age class, community and dimension (AGES x communities x 6)."""
    organizations_by_age: np.ndarray
    """Referred to organizations, the same way."""

    @classmethod
    def none(cls, n_communities: int) -> UnseenCases:
        return cls(np.zeros((AGES, n_communities, N_DIM)), np.zeros((AGES, n_communities, N_DIM)))

    @property
    def committee(self) -> np.ndarray:
        """Held by committees per community and dimension (all ages)."""
        return self.committee_by_age.sum(axis=0)

    @property
    def organizations(self) -> np.ndarray:
        """Referred to organizations per community and field (all ages)."""
        return self.organizations_by_age.sum(axis=0)

    def arrive(self, committee: np.ndarray, organizations: np.ndarray, ages: np.ndarray) -> None:
        """Newly reported cases per community and dimension, spread over the age classes
        by each community's shares ``ages`` (communities x AGES)."""
        share = ages.T[:, :, None]
        self.committee_by_age += share * committee
        self.organizations_by_age += share * organizations

    def resolve(self, p_committee: np.ndarray, p_organizations: np.ndarray) -> None:
        """Keep the cases not resolved at these chances (per community, or per community
        and dimension): the same chance at every age."""
        self.committee_by_age *= 1.0 - p_committee
        self.organizations_by_age *= 1.0 - p_organizations

    def grow_older(self) -> None:
        """A month on: every class moves up one, the oldest keeps its own."""
        for held in (self.committee_by_age, self.organizations_by_age):
            held[-1] += held[-2]
            held[1:-1] = held[:-2].copy()
            held[0] = 0.0

    def escalate(self, committee: np.ndarray, organizations: np.ndarray) -> None:
        """Cases old enough to escalate leave at each community's rate on their route."""
        self.committee_by_age[-1] *= 1.0 - committee[:, None]
        self.organizations_by_age[-1] *= 1.0 - organizations[:, None]

    def solve(self, rows: np.ndarray, dims: np.ndarray, share: np.ndarray) -> None:
        """A ``share`` of community ``rows``' cases in dimension ``dims`` (one each) solved."""
        for held in (self.committee_by_age, self.organizations_by_age):
            held[:, rows, dims] *= 1.0 - share


@dataclass(slots=True)
class ExpectedCounts:
    """Each community's counts per resident, averaged over recent months
    (``common.SAMPLE_MEMORY``), kept on the model across months (``model.expected``): the
    expectations from which the residents a sample does not see are completed
    (``common.unseen``). Per community, not pooled over the township: communities differ
    (committees' staff, capability and visits, residents' trust), and a pooled rate gives
    a slow community the cases of a quick one; where cases meet a committee's capacity
    that misallocation lowered resolution at 1:10 by 0.05 (``benchmarks/sample_rate.md``).
    Averaging over months keeps a coarse sample's few agents a month from making the
    expectation jump. Counts are of real residents (agents times k); only their use
    depends on k, so at one agent per resident they change nothing.
    """

    rates: dict[str, FloatArray] = field(default_factory=dict)

    def expect(self, name: str, counted: np.ndarray, residents: np.ndarray) -> np.ndarray:
        """Expected count per community (``counted`` of shape (communities,)) or per
        community and kind ((communities, kinds): a rate per kind) from the months before;
        then this month's ``counted`` (real residents) is taken into the rate ``name``."""
        r = residents if counted.ndim == 1 else residents[:, None]
        rate = counted / r
        before = self.rates.get(name, rate)
        self.rates[name] = toward(before, rate, 1.0 / SAMPLE_MEMORY)
        return before * r


@dataclass(slots=True)
class MonthState:
    """What one month's phases hand to each other (and to the outcomes), made fresh each
    month. Counts of residents are real people (agent counts times the sample rate)."""

    flow: access.TaskFlow | None = None
    """Tasks per committee this month, by route (summed over departments)."""
    delivered: np.ndarray | None = None
    """Task money each department paid each committee on time this month, before the
    budget cap (communities x departments, yuan)."""
    owed: np.ndarray | None = None
    """Payments due to each committee this month: what departments delivered less what is
    withheld for breach (yuan, before the budget cap)."""
    meetings: np.ndarray | None = None
    """Consultations each community holds this month."""
    case_hours: np.ndarray | None = None
    """Committee and social-worker hours for residents' cases, per community."""
    visit_reach: np.ndarray | None = None
    counts: dict[str, float] = field(default_factory=dict)
    """Events of the month (real residents or organizations): births, reports, ..."""

    def add(self, name: str, value: float) -> None:
        self.counts[name] = self.counts.get(name, 0.0) + float(value)




def government_pushes_tasks(m: CoGovModel) -> None:
    """Departments' tasks meet the lists, the access system and funds-follow-tasks."""
    p, gov, com, now = m.params, m.government, m.committees, m.now
    demand = access.draw_demand(m.rng, p.admin_task_load * com.load, gov.departments.share)
    flow = access.route_tasks(demand, p.on_list_share, gov.strictness, gov.funding)
    now.flow = flow.by_committee()
    due = (delegation.task_payments(flow.on_list, gov.funding)
           + delegation.task_payments(flow.purchased, 1.0))
    now.delivered = departments.deliver(m.rng, due, gov.departments.reliability)
    now.owed = now.delivered.sum(axis=1) * (1.0 - com.withheld)
    com.year.owed += delegation.task_payments(flow.on_list + flow.purchased, 1.0)
    com.year.imposed += flow.off_list_pushed
    com.year.pushed += flow.pushed
    now.meetings = consultation.schedule(m.month, p.consultations_per_year,
                                         consultation.neighbourhoods(m.population.residents,
                                                                     p.residents_per_neighbourhood))


def government_spends(m: CoGovModel) -> None:
    """What the month's policies cost, paid within the budget cap (delegation.allocate_budget)."""
    p, gov, com, pop, now = m.params, m.government, m.committees, m.population, m.now
    k = pop.k
    volunteers = k * group_sum(pop.community, pop.volunteered.astype(float), p.n_communities)
    density = 1e4 * safe_div(group_sum(m.orgs.view("community"), m.orgs.view("alive").astype(float),
                                       p.n_communities), pop.residents)
    purchase = p.purchase_share * gov.monthly_budget
    incubated, grassroots = social_orgs.births(
        m.rng, p.incubation_rate, pop.residents, volunteers,
        purchase * pop.residents / pop.n_residents, density)
    workers = p.social_workers_per_1000 * pop.n_residents / 1000.0
    drawn_seats = now.meetings * p.consultation_seats * p.random_seat_share
    gov.budget = delegation.allocate_budget(gov.monthly_budget, {
        "task_payments": float(now.owed.sum()),
        "access": delegation.access_cost(now.flow.reviewed),
        "social_workers": delegation.social_worker_cost(workers),
        "incubation": delegation.incubation_cost(float(incubated.sum())),
        "purchase": purchase,
        "outsourcing": delegation.case_fees(gov.cases_invoiced),  # last month's cases, in arrears
        "consultations": delegation.consultation_cost(now.meetings.sum(), drawn_seats.sum()),
        "evaluation": delegation.evaluation_cost(p.two_way_eval_weight, p.n_communities,
                                                 p.resident_eval_weight, pop.n_residents),
        "platform": delegation.platform_cost(p.street_platform, pop.n_residents),
        "volunteer_points": delegation.points_cost(p.volunteer_points, float(volunteers.sum())),
        "direct_services": p.direct_services_per_resident * pop.n_residents / 12.0,
    })
    scale = gov.scale  # below 1 when commitments exceed the budget
    com.payment = now.owed * scale
    com.year.paid += now.delivered * scale
    com.paid_hours = delegation.paid_hours(com.payment)
    found_orgs(m, np.repeat(np.arange(p.n_communities), incubated),
               social_orgs.starting_quality("incubated"), delegation.incubation_cost(1.0) * scale)
    found_orgs(m, np.repeat(np.arange(p.n_communities), grassroots),
               social_orgs.starting_quality("grassroots"), 0.0)


def found_orgs(m: CoGovModel, community: np.ndarray, quality: float, funds: float) -> None:
    if community.size == 0:
        return
    fields = m.rng.integers(0, N_DIM, size=community.size)
    ids = m.orgs.found(community, fields, np.full(community.size, quality), funds, m.month)
    for i in ids:
        m.org_agents[int(i)] = SocialOrganization(m, int(i))
    m.now.add("so_births", community.size)


def committees_split_time(m: CoGovModel) -> None:
    """Multitask allocation; then consultations, appraisal and grid visits out of the hours
    left for residents; the rest (plus social workers paid for) is casework."""
    p, com, pop, now = m.params, m.committees, m.population, m.now
    focus = np.ones_like(com.focus) if m.cut("paperwork") else com.focus
    split = allocation.split_time(com.hours, now.flow.pushed, focus, com.capability)
    com.gov_hours, com.resident_hours = split.gov_hours, split.resident_hours
    com.completion, com.paperwork = split.completion, split.paperwork
    com.year.completion += split.completion
    com.year.paperwork += split.paperwork
    com.year.months += 1
    drawn = now.meetings * p.consultation_seats * p.random_seat_share
    appraisal = evaluation.appraisal_hours(p.resident_eval_weight)
    com.meeting_hours = np.minimum(split.resident_hours,
                                   consultation.staff_hours(now.meetings, drawn) + appraisal)
    free = split.resident_hours - com.meeting_hours
    made, now.visit_reach = outreach.visits_possible(free, com.staff, p.grid_visits, pop.residents)
    com.visit_hours = made * outreach.HOURS_PER_VISIT
    sw = outreach.social_worker_hours(p.social_workers_per_1000 * m.government.scale,
                                      pop.residents)  # only the workers paid for
    com.year.support_hours += sw / pop.residents
    now.case_hours = (free - com.visit_hours) * com.capability + sw
    now.add("visits", float(made.sum()))


def social_orgs_operate(m: CoGovModel) -> None:
    """Contracts, case fees, finances, growth and death, learning."""
    p, orgs, pop, gov = m.params, m.orgs, m.population, m.government
    if orgs.size == 0:
        return
    alive, cap = orgs.view("alive"), orgs.view("capacity")
    contract = social_orgs.contracts(gov.budget.purchase, cap, orgs.view("reputation"), alive)
    orgs.contract[: orgs.size] = contract
    # donations come from the real volunteers: the sample's and the unseen residents'
    vol = group_sum(pop.community, pop.volunteered.astype(float), p.n_communities)
    expected = m.expected.expect("volunteers", pop.k * vol, pop.residents)
    vol = real_count(m.unseen_rng, vol, unseen(expected, pop.k))
    n_here = group_sum(orgs.view("community"), alive.astype(float), p.n_communities)
    fees = orgs.fees_due[: orgs.size] * gov.scale
    per_org = safe_div(vol, n_here)[orgs.view("community")]
    income = np.where(alive, social_orgs.income(contract, fees, per_org), 0.0)
    funds, cap, unfunded = social_orgs.update_finances(orgs.view("funds"), income, cap,
                                                       orgs.view("unfunded"))
    live = alive.astype(float)
    orgs.funds[: orgs.size] = np.where(alive, funds, orgs.view("funds"))
    orgs.capacity[: orgs.size] = np.where(alive, cap, orgs.view("capacity"))
    orgs.unfunded[: orgs.size] = unfunded * live
    dead = social_orgs.dies(orgs.view("unfunded"), alive)
    for i in np.flatnonzero(dead):
        orgs.alive[i] = False
        m.org_agents.pop(int(i)).remove()
    m.now.add("so_deaths", int(dead.sum()))
    ceiling = requests.FIELD_QUALITY_CEILING[orgs.view("field")]
    orgs.quality[: orgs.size] = social_orgs.improve_quality(orgs.view("quality"), ceiling,
                                                            p.social_workers_per_1000)


def residents_take_stock(m: CoGovModel) -> None:
    """Neighbours' participation last month, habit and this month's propensity."""
    p, pop = m.params, m.population
    pop.neighbour_share = participation.neighbour_share(m.adjacency, m.degree, pop.participated)
    salience = np.where(pop.issue_dim >= 0, pop.issue_salience, 0.0)
    pop.propensity = participation.propensity(
        pop.circumstance, pop.employed, pop.efficacy, pop.trust_committee,
        0.0 * pop.neighbour_share if m.cut("neighbour_influence") else pop.neighbour_share,
        np.zeros(pop.n, dtype=bool) if m.cut("habit") else pop.participated,
        p.volunteer_points, 0.0 * salience if m.cut("salience") else salience)
    pop.participated = np.zeros(pop.n, dtype=bool)


def residents_meet_problems(m: CoGovModel) -> None:
    """New problems arise; residents report them, or grid visits discover them; referrals
    to organizations are offered and accepted or declined."""
    p, pop, rng, now = m.params, m.population, m.rng, m.now
    has = pop.issue_dim >= 0
    new = requests.arrivals(rng, has, p.issue_rate)
    k = int(new.sum())
    pop.issue_dim[new] = requests.draw_categories(rng, k)
    pop.issue_age[new] = 0
    pop.issue_salience[new] = requests.draw_salience(rng, k)
    pop.issue_reported[new] = False
    pop.issue_route[new] = 0
    now.add("requests_new", k * pop.k)
    silent = (pop.issue_dim >= 0) & ~pop.issue_reported
    idx = np.flatnonzero(silent)
    p_rep = requests.report_probability(participation.attachment(pop.tenure[idx]), pop.efficacy[idx],
                                        pop.trust_committee[idx], pop.issue_salience[idx])
    draw = rng.random(idx.size)
    self_report = idx[draw < p_rep]
    pop.issue_dim[idx[(draw >= p_rep) & requests.lapses(rng, pop.employed[idx])]] = -1
    visited = outreach.visited(rng, pop.community, now.visit_reach)
    pop.trust_committee = trust.visited(pop.trust_committee, visited)
    found = silent & visited & (pop.issue_dim >= 0)  # lapsed ones are gone
    mask = found.copy()
    mask[self_report] = True
    reported = np.flatnonzero(mask)
    now.add("reported", reported.size * pop.k)
    now.add("discovered", (reported.size - self_report.size) * pop.k)
    n_c = p.n_communities
    waiting = (pop.issue_dim >= 0) & pop.issue_reported & (pop.issue_route == 1)
    waiting_ck = np.bincount(pop.community[waiting] * N_DIM + pop.issue_dim[waiting],
                             minlength=n_c * N_DIM).reshape(n_c, N_DIM).astype(float)
    pop.issue_reported[reported] = True  # a request is a service demand, not participation
    cap = m.orgs.capacity_by(n_c)
    # the chance of one more case: the sample's waiting cases and the unseen residents'
    room = requests.coverage(cap, waiting_ck + 1.0, m.unseen.organizations)
    share = requests.referral_share(p.outsourcing_share, cap, room)
    c, d = pop.community[reported], pop.issue_dim[reported]
    offered = rng.random(reported.size) < share[c, d]
    accepted = offered & requests.accepts_referral(rng, pop.trust_so[reported])
    pop.issue_route[reported] = accepted.astype(np.int64)
    now.add("referrals_offered", offered.sum() * pop.k)
    now.add("referrals_accepted", accepted.sum() * pop.k)
    # the unseen residents' newly reported problems, referred and accepted alike
    reported_ck = np.bincount(c * N_DIM + d, minlength=n_c * N_DIM).reshape(n_c, N_DIM)
    hidden = unseen(m.expected.expect("reported", pop.k * reported_ck.astype(float),
                                      pop.residents), pop.k)
    accept = requests.acceptance(safe_div(group_sum(pop.community, pop.trust_so, n_c), pop.sizes))
    hidden_referred = hidden * share * accept[:, None]
    ages = np.bincount(c * AGES + np.minimum(pop.issue_age[reported], AGES - 1),
                       minlength=n_c * AGES).reshape(n_c, AGES).astype(float)
    ages = m.expected.expect("reported_age", ages, pop.residents)  # the months before
    ages = np.where(ages.sum(axis=1, keepdims=True) > 0,
                    safe_div(ages, ages.sum(axis=1, keepdims=True)), np.eye(AGES)[0])
    m.unseen.arrive(hidden - hidden_referred, hidden_referred, ages)
    # outsourced cases are invoiced per case (paid next month, delegation.CASE_FEE): the
    # outsourced part of each (community, field)'s accepted referrals, real residents
    accepted_ck = np.bincount((c * N_DIM + d)[accepted], minlength=n_c * N_DIM).reshape(n_c, N_DIM)
    fee_cases = (safe_div(p.outsourcing_share, share)
                 * real_count(m.unseen_rng, accepted_ck, hidden_referred))
    _invoice_orgs(m, fee_cases)


def _invoice_orgs(m: CoGovModel, cases_ck: np.ndarray) -> None:
    """Outsourced cases per (community, field), billed next month by capacity share."""
    orgs, gov = m.orgs, m.government
    gov.cases_invoiced = float(cases_ck.sum())
    if orgs.size == 0:
        return
    c, f = orgs.view("community"), orgs.view("field")
    cap = orgs.view("capacity") * orgs.view("alive")
    share = safe_div(cap, orgs.capacity_by(m.params.n_communities)[c, f])
    orgs.fees_due[: orgs.size] = delegation.case_fees(cases_ck[c, f] * share)


def requests_handled(m: CoGovModel) -> None:
    """Committees, organizations and the government resolve, or not; escalation."""
    p, pop, rng, orgs, now = m.params, m.population, m.rng, m.orgs, m.now
    n_c, k = p.n_communities, pop.k
    open_ = np.flatnonzero((pop.issue_dim >= 0) & pop.issue_reported)
    c, d, route = pop.community[open_], pop.issue_dim[open_], pop.issue_route[open_]
    by_committee = route == 0
    cap, qual = orgs.capacity_by(n_c), orgs.quality_by(n_c)
    to_so = route == 1
    # caseloads: the sample's cases and the unseen residents' (requests.coverage)
    cases_c = np.bincount(c[by_committee], minlength=n_c).astype(float)
    cases_ck = np.bincount((c * N_DIM + d)[to_so],
                           minlength=n_c * N_DIM).reshape(n_c, N_DIM).astype(float)
    hidden = m.unseen
    p_com = requests.committee_success(now.case_hours, cases_c, hidden.committee.sum(axis=1))
    p_so = requests.so_success(cap, cases_ck, qual, hidden.organizations)
    served_ck = cases_ck + hidden.organizations
    p_gov = requests.government_success(p.street_platform)
    prob = np.where(by_committee, p_com[c], np.where(to_so, p_so[c, d], p_gov))
    done = rng.random(open_.size) < prob
    solved = open_[done]
    now.add("resolved", solved.size * k)
    now.add("resolved_age", float(pop.issue_age[solved].sum() + solved.size) * k)
    now.add("open_reported", open_.size * k)
    mediation = to_so & (d == MEDIATION)
    now.add("mediation_resolved", np.count_nonzero(mediation & done) * k)
    mask = np.zeros(pop.n, dtype=bool)
    mask[solved] = True
    served = np.zeros(pop.n, dtype=bool)
    served[open_[to_so]] = True
    pop.trust_so = trust.experience(pop.trust_so, served, mask)
    pop.trust_committee = trust.resolved(pop.trust_committee, mask & (pop.issue_route == 0))
    pop.trust_government = trust.resolved(pop.trust_government, mask & (pop.issue_route == 2))
    _credit_orgs(m, served_ck, p_so)
    if k > 1:  # an unseen case's chance: one more case than the sample's (requests.coverage)
        hidden.resolve(requests.committee_success(now.case_hours, cases_c + 1.0,
                                                  hidden.committee.sum(axis=1))[:, None],
                       requests.so_success(cap, cases_ck + 1.0, qual, hidden.organizations))
    pop.issue_dim[solved] = -1
    pending = open_[~done]
    pop.issue_age[pop.issue_dim >= 0] += 1
    ignored = np.zeros(pop.n, dtype=bool)
    ignored[pending] = True
    pop.efficacy = participation.efficacy_after_requests(pop.efficacy, mask, ignored)
    overdue = ignored & (pop.issue_age > 2)
    pop.trust_committee = trust.unresolved(pop.trust_committee, overdue & (pop.issue_route == 0))
    pop.trust_government = trust.unresolved(pop.trust_government, overdue & (pop.issue_route == 2))
    candidates = pending[pop.issue_route[pending] != 2]
    up = candidates[requests.escalates(rng, pop.issue_age[candidates],
                                       pop.issue_salience[candidates],
                                       pop.trust_committee[candidates],
                                       pop.trust_government[candidates])]
    now.add("mediation_escalated",
            np.count_nonzero((pop.issue_route[up] == 1) & (pop.issue_dim[up] == MEDIATION)) * k)
    hidden.grow_older()
    hidden.escalate(escalation_rate(m, pending, up, 0), escalation_rate(m, pending, up, 1))
    pop.issue_route[up] = 2
    esc = np.zeros(pop.n, dtype=bool)
    esc[up] = True
    pop.trust_committee = trust.escalated(pop.trust_committee, esc)
    now.add("escalations", up.size * k)


MEDIATION = requests.FIELDS.index("mediation")


def escalation_rate(m: CoGovModel, pending: np.ndarray, up: np.ndarray, route: int) -> np.ndarray:
    """Per community, the rate at which the sample's ``pending`` cases on ``route`` (0
    with the committee, 1 with organizations) that are old enough to escalate went over
    the committee's head this month (``up``), averaged over recent months
    (``ExpectedCounts``), and the township's where the community had none in that time:
    the rate at which the unseen residents' cases of that age on that route escalate
    (``UnseenCases``). Per route: a case left with the committee costs its holder trust in
    the committee (``trust.unresolved``), so old cases there escalate more.

    Per community, not pooled: a congested community's cases are older and escalate more;
    pooled, its unseen cases piled up (resolution fell by 0.05 at 1:10 in shanghai,
    ``benchmarks/sample_rate.md``). Old enough, not all pending cases, and averaged over
    months: a coarse sample has no pending case with an organization in most
    communities in most months; this month's rate of all pending cases, zero there,
    kept the unseen referred cases from ever escalating, they piled up at organizations
    whose room fell, fewer cases were referred and Taicang 1.0's resolution rose by 0.027
    at 1:50 (issue 18)."""
    pop, n_c = m.population, m.params.n_communities
    old = pending[(pop.issue_route[pending] == route)
                  & (pop.issue_age[pending] >= requests.ESCALATE_AFTER)]
    went = up[pop.issue_route[up] == route]
    m.expected.expect(f"escalated_{route}", group_sum(pop.community[went], None, n_c), pop.residents)
    m.expected.expect(f"escalable_{route}", group_sum(pop.community[old], None, n_c), pop.residents)
    went, could = m.expected.rates[f"escalated_{route}"], m.expected.rates[f"escalable_{route}"]
    township = safe_div(went @ pop.residents, could @ pop.residents)
    return np.where(could > 0, safe_div(went, could), township)


def _credit_orgs(m: CoGovModel, demand_ck: np.ndarray, p_so: np.ndarray) -> None:
    """Share each (community, field)'s referred cases among its organizations by capacity.
    ``demand_ck`` is the real caseload expected given the sample (its cases plus the
    unseen residents' expected ones): an organization's record counts the field's cases
    in its community, which at a coarse sample are there even in the months without an
    agent's case."""
    orgs = m.orgs
    if orgs.size == 0:
        return
    n_c = m.params.n_communities
    c, f, alive = orgs.view("community"), orgs.view("field"), orgs.view("alive")
    cap = orgs.view("capacity") * alive
    total = orgs.capacity_by(n_c)
    share = safe_div(cap, total[c, f])
    served = demand_ck[c, f] * share
    resolved = served * p_so[c, f]
    orgs.reputation[: orgs.size] = social_orgs.update_reputation(orgs.view("reputation"), served,
                                                                 resolved)


def consultations_held(m: CoGovModel) -> None:
    """Scheduled consultations: seats, attendance, agreement, voice and mobilisation."""
    p, pop, rng, now = m.params, m.population, m.rng, m.now
    meetings = now.meetings
    now.add("consultations", int(meetings.sum()))
    holding = meetings > 0
    if not holding.any():
        return
    active, drawn_seats = consultation.agent_seats(rng, meetings, p.consultation_seats,
                                                   p.random_seat_share, pop.k, pop.sizes,
                                                   m.activist_draw)
    invited, drawn = consultation.select_seats(rng, pop.community,
                                               holding & (active + drawn_seats > 0),
                                               pop.propensity, active, drawn_seats)
    who = invited[consultation.attends(rng, pop.propensity[invited], drawn)]
    ratio = np.minimum(1.0, safe_div(now.case_hours, pop.residents * satisfaction.COMMITTEE_HALF))
    p_ok = consultation.success_probability(ratio, p.random_seat_share)
    succeeded = rng.binomial(meetings, p_ok)
    now.add("consultations_succeeded", int(succeeded.sum()))
    ok_share = safe_div(succeeded, meetings)
    ok = rng.random(who.size) < ok_share[pop.community[who]]  # attendee's own meeting
    pop.efficacy[who], pop.trust_committee[who] = consultation.voice_update(
        pop.efficacy[who], pop.trust_committee[who], ok, consultation.voice_scale(p.street_platform))
    pop.participated[who] = True
    pop.last_consultation[who] = m.month
    now.add("attendees", who.size * pop.k)
    if succeeded.any():
        units = consultation.neighbourhoods(pop.residents, p.residents_per_neighbourhood)
        _solve_shared(m, np.minimum(1.0, succeeded / units))
        joined = consultation.mobilise(rng, m.adjacency, who[ok], pop.propensity)
        pop.participated |= joined


def _solve_shared(m: CoGovModel, reach: np.ndarray) -> None:
    """Successful consultations tackle their neighbourhoods' most common open problem (the
    real residents' count: the sample's completed with the unseen residents', whose
    maximum a handful of agents would miss; their requests with the committee or referred
    are the community's own, ``UnseenCases``, so a community's backlog still sets its
    agenda); ``reach`` is the share of each community's neighbourhoods whose meeting
    succeeded."""
    pop, n_c = m.population, m.params.n_communities
    open_ = pop.issue_dim >= 0
    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(pop.community[mask] * N_DIM + pop.issue_dim[mask],
                           minlength=n_c * N_DIM).reshape(n_c, N_DIM).astype(float)
    counts = count(open_)
    # unreported or escalated problems: the community's recent rate; requests held: its own
    other = counts - count(open_ & pop.issue_reported & (pop.issue_route < 2))
    expected = m.expected.expect("open_problems", pop.k * other, pop.residents)
    counts = real_count(m.unseen_rng, counts, unseen(expected, pop.k) + m.unseen.committee
                        + m.unseen.organizations)
    agenda = np.where(counts.sum(axis=1) > 0, counts.argmax(axis=1),
                      m.rng.integers(0, N_DIM, size=n_c))
    rows = np.flatnonzero(reach > 0)
    gain, solved = consultation.shared_outcome(reach)
    m.committees.shared_gain[rows, agenda[rows]] += gain[rows]
    m.unseen.solve(rows, agenda[rows], solved[rows])
    hit = (open_ & (pop.issue_dim == agenda[pop.community])
           & (m.rng.random(pop.n) < solved[pop.community]))
    pop.issue_dim[hit] = -1


def residents_participate(m: CoGovModel) -> None:
    """Volunteering and organizations' activities; participation records."""
    p, pop = m.params, m.population
    per_10k = 1e4 * safe_div(group_sum(m.orgs.view("community"), m.orgs.view("alive").astype(float),
                                       p.n_communities), pop.residents)
    opportunity = participation.volunteer_opportunity(per_10k[pop.community], pop.trust_so)
    pop.volunteered = participation.volunteers(m.rng, pop.propensity, opportunity)
    pop.participated |= pop.volunteered
    pop.last_participation[pop.participated] = m.month


def residents_judge(m: CoGovModel) -> None:
    """Satisfaction by expectation–disconfirmation; trust and efficacy drift and spread."""
    p, pop, com, gov, now = m.params, m.population, m.committees, m.government, m.now
    n_c = p.n_communities
    cap = m.orgs.capacity_by(n_c)
    gov_pc = (gov.budget.direct_services + gov.budget.platform) / pop.n_residents
    perf_c = satisfaction.community_performance(
        now.case_hours / pop.residents, gov_pc * (1 + p.street_platform),
        1000.0 * cap / pop.residents[:, None], m.orgs.quality_by(n_c), com.shared_gain)
    pop.recent = (m.month - pop.last_participation) < 12
    perf = satisfaction.personal_performance(perf_c, pop.community, pop.issue_dim, pop.recent,
                                             pop.neighbour_share)
    pop.satisfaction = satisfaction.satisfaction(perf, pop.expectation)
    pop.expectation = satisfaction.update_expectation(pop.expectation, perf)
    satisfaction.fade_shared(com.shared_gain)
    pop.efficacy = participation.fade(pop.efficacy, pop.efficacy_anchor)
    pop.trust_so = trust.social_learning(pop.trust_so, m.adjacency, m.degree)
    pop.trust_committee = trust.relax(pop.trust_committee, p.initial_trust)
    pop.trust_government = trust.relax(
        pop.trust_government, trust.government_anchor(p.initial_trust, p.street_platform))
    pop.trust_so = trust.renew_organizations(pop.trust_so, p.initial_trust_so)


def evaluate(m: CoGovModel) -> None:
    """Year-end scores, each a noisy observation of the evaluated party's year in that unit
    (:mod:`cogov_sim.rules.evaluation`); a cut score keeps its last value."""
    p, pop, com, rng = m.params, m.population, m.committees, m.rng
    n_c, year = p.n_communities, com.year
    months = max(year.months, 1)
    if not m.cut("gov_score"):
        timely = 100.0 * (safe_div(year.completion, months, default=1.0) if year.months
                          else com.completion)
        paperwork = 100.0 * (safe_div(year.paperwork, months, default=1.0) if year.months
                             else com.paperwork)
        com.fulfilment = evaluation.government_score(timely, paperwork)
        com.gov_score = evaluation.government_score(
            evaluation.inspect(rng, timely), evaluation.inspect(rng, paperwork))
    if not m.cut("resident_score"):
        each = evaluation.appraisal(pop.trust_committee, pop.satisfaction[1])
        mean = group_sum(pop.community, each, n_c) / pop.sizes
        spread = np.sqrt(np.maximum(0.0, group_sum(pop.community, each * each, n_c) / pop.sizes
                                    - mean * mean))
        com.resident_score = evaluation.observe(rng, mean,
                                                evaluation.poll_noise(spread, pop.residents))
    if not m.cut("committee_rating"):
        truth = evaluation.rating_of_departments(
            safe_div(year.paid, year.owed, default=1.0), safe_div(year.imposed, year.pushed),
            year.support_hours * 12.0 / months)
        com.conduct_of_departments = truth
        com.rating_of_government = evaluation.rate(rng, truth)
    com.assessment = evaluation.assessment(com.gov_score, com.resident_score,
                                           resident_weight(m))


def resident_weight(m: CoGovModel) -> float:
    """Residents' share in the committees' assessment (0 when that mechanism is cut)."""
    return 0.0 if m.cut("resident_evaluation") else m.params.resident_eval_weight


def annual_evaluation(m: CoGovModel) -> None:
    """December: two-way evaluation and its consequences for next year: departments
    correct by their own ratings, committees that fail forfeit payments, committees move
    their focus by the scores they received."""
    p, com, gov = m.params, m.committees, m.government
    evaluate(m)
    rating = com.rating_of_departments
    drift = p.list_erosion * gov.departments.drift
    floor = m.pre_reform
    gov.strictness = evaluation.adapt_policy(gov.strictness, p.list_strictness,
                                             min(floor.list_strictness, p.list_strictness), drift,
                                             p.two_way_eval_weight, rating)
    gov.funding = evaluation.adapt_policy(gov.funding, p.delegation_funding,
                                          min(floor.delegation_funding, p.delegation_funding),
                                          evaluation.funding_erosion(drift),
                                          p.two_way_eval_weight, rating)
    com.withheld = np.zeros_like(com.withheld) if m.cut("breach") else evaluation.breach(com.gov_score)
    com.focus = evaluation.adjust_focus(com.focus, resident_weight(m), com.gov_score,
                                        com.resident_score, com.withheld, com.motivation)
    com.new_year()


ORDER = (
    government_pushes_tasks,
    government_spends,
    committees_split_time,
    social_orgs_operate,
    residents_take_stock,
    residents_meet_problems,
    requests_handled,
    consultations_held,
    residents_participate,
    residents_judge,
)
"""The fixed order of a month's phases; ``annual_evaluation`` follows every twelfth month."""

__all__ = ["NEVER", "ORDER", "MonthState", "annual_evaluation", "evaluate"]
