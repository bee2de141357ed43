"""The month's phases, in the order :meth:`CoGovModel.step` runs them.

Each phase reads and writes the model's agents' state through the rules in
:mod:`cogov_sim.rules`; the model itself only schedules. Updates within a phase are
synchronous (every resident decides on last phase's state), which keeps them vectorised
and independent of agent order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .agents import SocialOrganization
from .agents.residents import NEVER
from .rules import (
    access,
    allocation,
    consultation,
    delegation,
    evaluation,
    outreach,
    participation,
    requests,
    satisfaction,
    social_orgs,
    trust,
)
from .rules.common import group_sum, safe_div

if TYPE_CHECKING:
    from .model import CoGovModel

N_DIM = len(requests.DIMENSIONS)


def government_pushes_tasks(m: CoGovModel) -> None:
    """Departments' tasks meet the lists and the access system; payments fall due."""
    p, gov, com = m.params, m.government, m.committees
    demand = access.draw_demand(m.rng, p.admin_task_load, p.n_communities)
    m.flow = access.route_tasks(demand, p.on_list_share, gov.strictness)
    m.owed = delegation.task_payments(m.flow.on_list, gov.funding)
    com.year_owed += delegation.task_payments(m.flow.on_list, 1.0)
    com.year_pushed_off += m.flow.off_list_pushed
    com.year_off += m.flow.off_list_pushed + m.flow.off_list_blocked


def government_spends(m: CoGovModel) -> None:
    """Budget: payments, social workers, incubation grants, purchases, direct services."""
    p, gov, com, pop = m.params, m.government, m.committees, m.population
    volunteers = group_sum(pop.community, m.volunteered.astype(float), p.n_communities)
    density = group_sum(m.orgs.view("community"), m.orgs.view("alive").astype(float),
                        p.n_communities)
    incubated, grassroots = social_orgs.births(
        m.rng, p.incubation_rate, volunteers,
        p.purchase_share * gov.monthly_budget / p.n_communities, density)
    workers = p.social_workers_per_1000 * p.n_residents / 1000.0
    gov.budget, scale = delegation.allocate_budget(
        gov.monthly_budget, float(m.owed.sum()), workers * delegation.SOCIAL_WORKER_WAGE,
        float(incubated.sum()) * delegation.INCUBATION_GRANT, p.purchase_share)
    gov.scale = scale  # below 1 when committed items exceed the budget
    com.payment = m.owed * scale
    com.year_paid += com.payment
    com.paid_hours = delegation.paid_hours(com.payment)
    found_orgs(m, np.repeat(np.arange(p.n_communities), incubated), social_orgs.INCUBATED_QUALITY,
               delegation.INCUBATION_GRANT * scale)
    found_orgs(m, np.repeat(np.arange(p.n_communities), grassroots), social_orgs.GRASSROOTS_QUALITY,
               0.0)


def found_orgs(m: CoGovModel, community: np.ndarray, quality: float, funds: float) -> None:
    if community.size == 0:
        return
    fields = m.rng.integers(0, N_DIM, size=community.size)
    ids = m.orgs.found(community, fields, np.full(community.size, quality), funds, m.month)
    for i in ids:
        m.org_agents[int(i)] = SocialOrganization(m, int(i))
    m.stats["so_births"] += community.size


def committees_split_time(m: CoGovModel) -> None:
    """Multitask allocation, then grid visits out of the hours left for residents."""
    p, com, pop = m.params, m.committees, m.population
    com.gov_hours, com.resident_hours, com.completion = allocation.split_time(
        com.hours, m.flow.pushed, com.perceived_resident_weight)
    com.year_completion += com.completion
    com.year_months += 1
    made, m.visit_reach = outreach.visits_possible(com.resident_hours, p.staff_per_committee,
                                                   p.grid_visits, pop.sizes.astype(float))
    com.visit_hours = made * outreach.HOURS_PER_VISIT
    m.case_hours = (com.resident_hours - com.visit_hours
                    + outreach.social_worker_hours(p.social_workers_per_1000 * m.government.scale,
                                                   pop.sizes))  # only the workers paid for
    m.stats["visits"] = float(made.sum())


def social_orgs_operate(m: CoGovModel) -> None:
    """Contracts, finances, growth and death, reputation and learning."""
    p, orgs = m.params, m.orgs
    if orgs.size == 0:
        return
    alive, cap = orgs.view("alive"), orgs.view("capacity")
    contract = social_orgs.contracts(m.government.budget.purchase, cap, orgs.view("reputation"),
                                     alive)
    orgs.contract[: orgs.size] = contract
    vol = group_sum(m.population.community, m.volunteered.astype(float), p.n_communities)
    n_here = group_sum(orgs.view("community"), alive.astype(float), p.n_communities)
    donations = social_orgs.DONATION_PER_VOLUNTEER * safe_div(vol, n_here)[orgs.view("community")]
    income = np.where(alive, contract + social_orgs.FEE_INCOME + donations, 0.0)
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
    m.stats["so_deaths"] += int(dead.sum())
    ceiling = requests.FIELD_QUALITY_CEILING[orgs.view("field")]
    orgs.quality[: orgs.size] = social_orgs.improve_quality(orgs.view("quality"), ceiling,
                                                            p.social_workers_per_1000)


def residents_take_stock(m: CoGovModel) -> None:
    """Neighbours' participation last month, habit and this month's propensity."""
    p, pop = m.params, m.population
    pop.neighbour_share = participation.neighbour_share(m.adjacency, m.degree, pop.participated)
    pop.propensity = participation.propensity(pop.age, pop.efficacy, pop.trust_committee,
                                              pop.neighbour_share, pop.participated,
                                              p.volunteer_points,
                                              np.where(pop.issue_dim >= 0, pop.issue_salience, 0.0))
    pop.participated = np.zeros(pop.n, dtype=bool)


def residents_meet_problems(m: CoGovModel) -> None:
    """New problems arise; residents report them, or grid visits discover them."""
    p, pop, rng = m.params, m.population, m.rng
    has = pop.issue_dim >= 0
    new = requests.arrivals(rng, has, p.issue_rate)
    k = int(new.sum())
    pop.issue_dim[new] = requests.draw_categories(rng, k)
    pop.issue_age[new] = 0
    pop.issue_salience[new] = requests.draw_salience(rng, k)
    pop.issue_reported[new] = False
    pop.issue_route[new] = 0
    m.stats["requests_new"] = k
    silent = (pop.issue_dim >= 0) & ~pop.issue_reported
    idx = np.flatnonzero(silent)
    p_rep = requests.report_probability(participation.AGE_EFFECT[pop.age[idx]], pop.efficacy[idx],
                                        pop.trust_committee[idx], pop.issue_salience[idx])
    draw = rng.random(idx.size)
    self_report = idx[draw < p_rep]
    pop.issue_dim[idx[(draw >= p_rep) & requests.lapses(rng, idx.size)]] = -1
    visited = outreach.visited(rng, pop.community, m.visit_reach)
    pop.trust_committee = trust.gain(pop.trust_committee, visited, trust.CONTACT_GAIN)
    found = silent & visited & (pop.issue_dim >= 0)  # lapsed ones are gone
    mask = found.copy()
    mask[self_report] = True
    reported = np.flatnonzero(mask)
    m.stats["reported"] = reported.size
    m.stats["discovered"] = reported.size - self_report.size
    pop.issue_reported[reported] = True
    pop.participated[self_report] = True
    cap = m.orgs.capacity_by(p.n_communities)
    share = requests.referral_share(p.outsourcing_share, cap)
    c, d = pop.community[reported], pop.issue_dim[reported]
    pop.issue_route[reported] = (rng.random(reported.size) < share[c, d]).astype(np.int64)


def requests_handled(m: CoGovModel) -> None:
    """Committees, organizations and the government resolve, or not; escalation."""
    p, pop, rng, orgs = m.params, m.population, m.rng, m.orgs
    n_c = p.n_communities
    open_ = np.flatnonzero((pop.issue_dim >= 0) & pop.issue_reported)
    c, d, route = pop.community[open_], pop.issue_dim[open_], pop.issue_route[open_]
    by_committee = route == 0
    demand_c = np.bincount(c[by_committee], minlength=n_c).astype(float)
    p_com = requests.committee_success(m.case_hours, demand_c)
    cap, qual = orgs.capacity_by(n_c), orgs.quality_by(n_c)
    to_so = route == 1
    demand_ck = np.bincount((c * N_DIM + d)[to_so], minlength=n_c * N_DIM).reshape(n_c, N_DIM)
    p_so = requests.so_success(cap, demand_ck.astype(float), qual)
    p_gov = requests.government_success(p.street_platform)
    prob = np.where(by_committee, p_com[c], np.where(to_so, p_so[c, d], p_gov))
    done = rng.random(open_.size) < prob
    solved = open_[done]
    m.stats["resolved"] = solved.size
    m.stats["resolved_age"] = float(pop.issue_age[solved].sum() + solved.size)
    m.stats["open_reported"] = open_.size
    mask = np.zeros(pop.n, dtype=bool)
    mask[solved] = True
    served = np.zeros(pop.n, dtype=bool)
    served[open_[to_so]] = True
    pop.trust_so = trust.experience(pop.trust_so, served, mask)
    pop.trust_committee = trust.gain(pop.trust_committee, mask & (pop.issue_route == 0),
                                     trust.RESOLVED_GAIN)
    pop.trust_government = trust.gain(pop.trust_government, mask & (pop.issue_route == 2),
                                      trust.RESOLVED_GAIN)
    _credit_orgs(m, demand_ck, p_so)
    pop.issue_dim[solved] = -1
    pending = open_[~done]
    pop.issue_age[pop.issue_dim >= 0] += 1
    ignored = np.zeros(pop.n, dtype=bool)
    ignored[pending] = True
    pop.efficacy = participation.efficacy_after_requests(pop.efficacy, mask, ignored)
    overdue = ignored & (pop.issue_age > 2)
    pop.trust_committee = trust.loss(pop.trust_committee, overdue & (pop.issue_route == 0),
                                     trust.UNRESOLVED_LOSS)
    pop.trust_government = trust.loss(pop.trust_government, overdue & (pop.issue_route == 2),
                                      trust.UNRESOLVED_LOSS)
    up = pending[(pop.issue_route[pending] != 2)
                 & requests.escalates(pop.issue_age[pending], pop.issue_salience[pending],
                                      pop.trust_committee[pending])]
    pop.issue_route[up] = 2
    pop.participated[up] = True
    esc = np.zeros(pop.n, dtype=bool)
    esc[up] = True
    pop.trust_committee = trust.loss(pop.trust_committee, esc, trust.ESCALATION_LOSS)
    m.stats["escalations"] = up.size


def _credit_orgs(m: CoGovModel, demand_ck: np.ndarray, p_so: np.ndarray) -> None:
    """Share each (community, field)'s referred cases among its organizations by capacity."""
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
    p, pop, rng = m.params, m.population, m.rng
    holding = consultation.schedule(m.month, p.consultations_per_year, p.n_communities)
    m.stats["consultations"] = int(holding.sum())
    m.stats["attendees"] = 0
    if not holding.any():
        return
    seats = np.minimum(p.consultation_seats, pop.sizes)
    invited, drawn = consultation.select_seats(rng, pop.community, holding, pop.propensity,
                                               seats, p.random_seat_share)
    who = invited[consultation.attends(rng, pop.propensity[invited], drawn)]
    ratio = np.minimum(1.0, safe_div(m.case_hours, pop.sizes * satisfaction.COMMITTEE_HALF))
    success = holding & (rng.random(p.n_communities)
                         < consultation.success_probability(ratio, p.random_seat_share))
    ok = success[pop.community[who]]
    pop.efficacy[who], pop.trust_committee[who] = consultation.voice_update(
        pop.efficacy[who], pop.trust_committee[who], ok, consultation.voice_scale(p.street_platform))
    pop.participated[who] = True
    pop.last_consultation[who] = m.month
    m.stats["attendees"] = who.size
    if ok.any():
        _solve_shared(m, success)
        joined = consultation.mobilise(rng, m.adjacency, who[ok], pop.propensity)
        pop.participated |= joined


def _solve_shared(m: CoGovModel, success: np.ndarray) -> None:
    """Each successful consultation tackles its community's most common open problem."""
    pop, n_c = m.population, m.params.n_communities
    open_ = pop.issue_dim >= 0
    counts = np.bincount(pop.community[open_] * N_DIM + pop.issue_dim[open_],
                         minlength=n_c * N_DIM).reshape(n_c, N_DIM)
    agenda = np.where(counts.sum(axis=1) > 0, counts.argmax(axis=1),
                      m.rng.integers(0, N_DIM, size=n_c))
    rows = np.flatnonzero(success)
    m.committees.shared_gain[rows, agenda[rows]] += consultation.SHARED_GAIN
    hit = (open_ & success[pop.community] & (pop.issue_dim == agenda[pop.community])
           & (m.rng.random(pop.n) < consultation.SHARED_SOLVED))
    pop.issue_dim[hit] = -1


def residents_participate(m: CoGovModel) -> None:
    """Volunteering and organizations' activities; participation records."""
    p, pop = m.params, m.population
    per_10k = 1e4 * safe_div(group_sum(m.orgs.view("community"), m.orgs.view("alive").astype(float),
                                       p.n_communities), pop.sizes)
    opportunity = participation.volunteer_opportunity(per_10k)[pop.community]
    m.volunteered = participation.volunteers(m.rng, pop.propensity, opportunity)
    pop.participated |= m.volunteered
    pop.last_participation[pop.participated] = m.month


def residents_judge(m: CoGovModel) -> None:
    """Satisfaction by expectation–disconfirmation; trust drifts and spreads."""
    p, pop, com, gov = m.params, m.population, m.committees, m.government
    n_c = p.n_communities
    cap = m.orgs.capacity_by(n_c)
    perf_c = satisfaction.community_performance(
        m.case_hours / pop.sizes, gov.budget.direct_services * (1 + p.street_platform) / p.n_residents,
        1000.0 * cap / pop.sizes[:, None], m.orgs.quality_by(n_c), com.shared_gain)
    pop.recent = (m.month - pop.last_participation) < 12
    perf = satisfaction.personal_performance(perf_c, pop.community, pop.issue_dim, pop.recent,
                                             pop.neighbour_share)
    pop.satisfaction = satisfaction.satisfaction(perf, pop.expectation)
    pop.expectation = satisfaction.update_expectation(pop.expectation, perf)
    com.shared_gain *= 1.0 - satisfaction.SHARED_DECAY
    pop.trust_so = trust.social_learning(pop.trust_so, m.adjacency, m.degree)
    pop.trust_committee = trust.relax(pop.trust_committee, p.initial_trust)
    pop.trust_government = trust.relax(
        pop.trust_government, trust.government_anchor(p.initial_trust, p.street_platform))
    pop.trust_so = trust.relax(pop.trust_so, p.initial_trust_so)


def evaluate(m: CoGovModel, completion: np.ndarray, paid_share: np.ndarray,
             interference: np.ndarray) -> None:
    """Score committees both ways and combine the committee's assessment."""
    p, pop, com = m.params, m.population, m.committees
    n_c = p.n_communities
    com.gov_score = evaluation.government_score(completion)
    mean_trust = group_sum(pop.community, pop.trust_committee, n_c) / pop.sizes
    mean_service = group_sum(pop.community, pop.satisfaction[1], n_c) / pop.sizes
    com.resident_score = evaluation.resident_score(mean_trust, mean_service)
    support = np.full(n_c, min(1.0, p.social_workers_per_1000))
    com.rating_of_government = evaluation.committee_rating_of_government(
        paid_share, interference, support)
    com.assessment = evaluation.assessment(com.gov_score, com.resident_score,
                                           p.resident_eval_weight)


def annual_evaluation(m: CoGovModel) -> None:
    """December: two-way evaluation; government and committees adapt for next year."""
    p, com, gov = m.params, m.committees, m.government
    evaluate(m, com.year_completion / max(com.year_months, 1),
             safe_div(com.year_paid, com.year_owed, default=1.0),
             safe_div(com.year_pushed_off, com.year_off))
    rating = float(com.rating_of_government.mean())
    gov.strictness = evaluation.adapt_policy(gov.strictness, p.list_strictness, p.list_erosion,
                                             p.two_way_eval_weight, rating)
    gov.funding = evaluation.adapt_policy(gov.funding, p.delegation_funding,
                                          p.list_erosion * evaluation.FUNDING_EROSION_RATIO,
                                          p.two_way_eval_weight, rating)
    com.perceived_resident_weight = evaluation.learn_resident_weight(
        com.perceived_resident_weight, p.resident_eval_weight)
    for name in ("year_paid", "year_owed", "year_pushed_off", "year_off", "year_completion"):
        getattr(com, name)[:] = 0.0
    com.year_months = 0


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

__all__ = ["NEVER", "ORDER", "annual_evaluation", "evaluate"]
