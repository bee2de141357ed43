"""Behavioural guards of the rules' constants (issue 27).

Every scalar constant of ``cogov_sim.rules`` (``cogov_sim.constants.registry``) has a
test that states what it does — a direction, an ordering, a bound or a role, as the
rule module's docstring (or docs/ODD.md) describes it — and fails when the constant is
set to zero, or, where zero breaks the model, to an inert tiny value
(``benchmarks/mutation_audit.py``). The constants ``tests/test_rules.py`` already pins
are not repeated here. Each test calls the rule function that reads the constant with
small hand-made inputs (milliseconds, deterministic); none compares the constant itself
or an output copied from a run.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from cogov_sim.agents.social_org import SocialOrgPool
from cogov_sim.model import CoGovModel
from cogov_sim.params import Params
from cogov_sim.phases import ExpectedCounts
from cogov_sim.rules import (
    access,
    allocation,
    consultation,
    delegation,
    departments,
    evaluation,
    network,
    outreach,
    participation,
    requests,
    satisfaction,
    social_orgs,
    trust,
)


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def logit(p: np.ndarray) -> np.ndarray:
    return np.log(p / (1.0 - p))


# -- access: the two lists and the access system (rules/access.py) ------------------------
def test_committees_consent_to_some_off_list_work_under_the_access_system() -> None:
    """Route (1) of seed 000's access system: an off-list task may enter by negotiation,
    with the committee's consent (the public-welfare share of task logs, 3–27 %)."""
    flow = access.route_tasks(np.array([100.0]), 0.25, 1.0, 0.0)
    assert 0.0 < flow.negotiated[0] < flow.reviewed[0]


def test_some_blocked_off_list_tasks_are_worth_buying_as_a_service() -> None:
    """Route (2): an off-list task blocked by the access system enters as purchased service
    when it is worth the full price to its department (values exponential with a positive
    mean): some are, most are not."""
    flow = access.route_tasks(np.array([100.0]), 0.25, 1.0, 0.0)
    assert 0.0 < flow.purchased[0] < flow.blocked[0]


def test_departments_keep_sending_valuable_assisted_tasks_they_must_pay_for() -> None:
    """Funds follow tasks: paying for on-list tasks cuts the low-value ones, not all of
    them (on-list tasks are worth about the price to departments: the calibrated mean
    value is 159 yuan against a price of 150, so a sizeable share is still sent)."""
    paid = access.route_tasks(np.array([100.0]), 0.4, 0.0, 1.0)
    assert paid.dropped_on_list[0] > 0.0 and paid.on_list[0] > 0.25 * 40.0


def test_the_access_procedure_costs_government_staff_time() -> None:
    """Reviewing off-list tasks is not free: its cost grows with the tasks reviewed."""
    assert 0.0 < delegation.access_cost(np.array([10.0])) < delegation.access_cost(np.array([20.0]))


# -- allocation (rules/allocation.py) --------------------------------------------------------
def test_committee_staff_work_hours_in_proportion_to_their_number() -> None:
    """A committee's monthly hours come from its staff: more staff, more hours, and a
    member works well over a hundred hours a month."""
    hours = allocation.staff_hours(np.array([3.0, 6.0]))
    assert 100.0 < hours[0] and hours[1] == pytest.approx(2 * hours[0])


# -- common: the expectations of unseen residents (rules/common.py, phases.ExpectedCounts) --
def test_expected_counts_follow_a_change_gradually() -> None:
    """The township's expected counts per resident are an exponential mean over recent
    months (``SAMPLE_MEMORY``): after a month at twice the count, the expectation has moved
    part of the way toward it, neither staying put nor jumping (or overshooting)."""
    counts = ExpectedCounts()
    residents = np.array([1000.0])
    for _ in range(3):
        counts.expect("x", np.array([10.0]), residents)
    counts.expect("x", np.array([20.0]), residents)
    after = counts.expect("x", np.array([20.0]), residents)[0]
    assert 10.0 < after < 15.0


# -- consultation (rules/consultation.py) ---------------------------------------------------
def test_consultations_take_committee_staff_hours() -> None:
    """Cost rule: each meeting takes staff time, and each randomly drawn seat adds the time
    to draw and invite her."""
    none, meeting = consultation.staff_hours(np.array([0.0, 1.0]), np.array([0.0, 0.0]))
    drawn = consultation.staff_hours(np.array([1.0]), np.array([10.0]))[0]
    assert 0.0 == none < meeting < drawn


def test_a_successful_consultation_solves_shared_problems() -> None:
    """Outcome rule: a success improves the agenda's dimension for the community and solves
    some of the open problems on it, more the more neighbourhoods succeeded."""
    gain, solved = consultation.shared_outcome(np.array([0.0, 0.5, 1.0]))
    assert gain[0] == 0.0 and 0.0 < gain[1] < gain[2]
    assert solved[0] == 0.0 and 0.0 < solved[1] < solved[2] <= 1.0


def test_attendees_neighbours_join_the_agreed_action() -> None:
    """Co-production spreads on the network (M3): neighbours of attendees join, more of
    them the keener they are; nobody else does."""
    adj = network.small_world(rng(), np.array([0]), np.array([2000]), 4, 0.0)
    attendees = np.arange(0, 2000, 10)
    keen = consultation.mobilise(rng(1), adj, attendees, np.ones(2000))
    lukewarm = consultation.mobilise(rng(1), adj, attendees, np.full(2000, 0.2))
    exposed = np.asarray(adj[attendees].sum(axis=0)).ravel() > 0
    assert keen.sum() > lukewarm.sum() > 0 and not keen[~exposed].any()


def test_representatives_at_street_level_weaken_the_voice_effect() -> None:
    """Street platform: where representatives speak for residents, attending a meeting
    raises efficacy less."""
    assert 0.0 <= consultation.voice_scale(1.0) < consultation.voice_scale(0.0)
    e_street, _ = consultation.voice_update(np.array([0.3]), np.array([0.5]), np.array([False]),
                                            consultation.voice_scale(1.0))
    e_local, _ = consultation.voice_update(np.array([0.3]), np.array([0.5]), np.array([False]),
                                           consultation.voice_scale(0.0))
    assert e_street[0] < e_local[0]


# -- delegation: what policies cost (rules/delegation.py) -----------------------------------
@pytest.mark.parametrize("item", ["social_workers", "incubation", "outsourcing", "consultation_meetings",
                                  "drawn_stipends", "two_way_evaluation", "appraisal", "platform",
                                  "volunteer_points"])
def test_every_lever_costs_the_government_money(item: str) -> None:
    """Every lever costs money (the module's docstring): its item of the government's
    spending is positive when the lever is in use and grows with it, nothing when not."""
    cost = {
        "social_workers": delegation.social_worker_cost,
        "incubation": delegation.incubation_cost,
        "outsourcing": delegation.case_fees,
        "consultation_meetings": lambda x: delegation.consultation_cost(x, 0.0),
        "drawn_stipends": lambda x: delegation.consultation_cost(0.0, x),
        "two_way_evaluation": lambda x: delegation.evaluation_cost(x, 10, 0.0, 10_000.0),
        "appraisal": lambda x: delegation.evaluation_cost(0.0, 10, x, 10_000.0),
        "platform": lambda x: delegation.platform_cost(x, 10_000.0),
        "volunteer_points": lambda x: delegation.points_cost(x, 100.0),
    }[item]
    assert cost(0.0) == 0.0 and 0.0 < cost(0.5) < cost(1.0)


def test_task_payments_buy_a_plausible_amount_of_part_time_help() -> None:
    """Payments become part-time hours at a wage: a year's payments for a committee's
    assisted tasks (a few hundred tasks at the task price) buy more than nothing but less
    than a full-time post's hours (160 a month) for every month of the year."""
    year = delegation.task_payments(np.array([300.0]), 1.0)
    hours = delegation.paid_hours(year)[0]
    assert 0.0 < hours < 12 * 160.0


# -- departments and committees (rules/departments.py) ---------------------------------------
def test_committees_have_at_least_the_members_elected_by_law() -> None:
    """Staff vary around the township's standard but never fall below the legally elected
    committee: at a standard of a fraction of a person, every committee has the same
    floor of several members."""
    c = departments.draw_committees(rng(), 200, 0.1)
    assert (c.staff == c.staff[0]).all() and c.staff[0] >= 2.0


def test_committees_differ_in_staff_and_in_their_cadres_motivation() -> None:
    """Committees differ: staff vary around the standard (log-normal), and cadres'
    own inclination to serve residents differs (Perry & Wise 1990)."""
    c = departments.draw_committees(rng(), 500, 9.0)
    assert c.staff.std() > 0.0 and c.motivation.std() > 0.0
    assert (c.motivation > 0).any() and (c.motivation < 0).any()


def test_departments_usually_pay_on_time_but_not_always() -> None:
    """Reliability is a monthly chance of paying on time, high on average but below one,
    and it differs between departments."""
    d = departments.draw_departments(rng())
    assert (0.5 < d.reliability).all() and (d.reliability < 1.0).all() and d.reliability.std() > 0


# -- evaluation (rules/evaluation.py) ---------------------------------------------------------
def test_the_government_score_rewards_both_timely_tasks_and_paperwork() -> None:
    """The government sees assisted tasks done on time and the paperwork inspections see:
    more of either raises its score."""
    base = evaluation.government_score(np.array([50.0]), np.array([50.0]))[0]
    assert evaluation.government_score(np.array([90.0]), np.array([50.0]))[0] > base
    assert evaluation.government_score(np.array([50.0]), np.array([90.0]))[0] > base


def test_residents_appraisal_takes_committee_hours() -> None:
    """Residents' appraisal of committees (meetings, survey) costs staff time, in
    proportion to its weight."""
    assert evaluation.appraisal_hours(0.0) == 0.0 < evaluation.appraisal_hours(0.5) \
        < evaluation.appraisal_hours(1.0)


def test_payments_erode_but_slower_than_the_lists() -> None:
    """Contracts are written down: payments erode at a fraction of the lists' rate."""
    rate = evaluation.funding_erosion(np.array([0.1]))[0]
    assert 0.0 < rate < 0.1


def test_scores_are_noisy_and_committees_ratings_noisier_than_the_inspection() -> None:
    """Every score is a noisy observation: identical committees get different inspection
    scores; a committee's questionnaire about a department is noisier than the
    government's inspection of a year's files."""
    truth = np.full(4000, 60.0)
    inspected = evaluation.inspect(rng(), truth)
    rated = evaluation.rate(rng(), truth)
    assert 0.0 < inspected.std() < rated.std()


# -- outreach (rules/outreach.py) --------------------------------------------------------------
def test_social_workers_add_case_hours() -> None:
    """Professional social workers add case-handling hours to the community, more the more
    there are per 1,000 residents."""
    hours = outreach.social_worker_hours(np.array([0.5, 1.0]), np.array([3000.0, 3000.0]))
    assert 0.0 < hours[0] < hours[1]


# -- participation (rules/participation.py) -----------------------------------------------------
def _propensity(**change: object) -> float:
    """One working-age, newly arrived resident's propensity, with ``change`` applied."""
    args = {"circumstance": np.array([0.0]), "employed": np.array([True]), "efficacy": np.array([0.3]),
            "trust": np.array([0.4]), "neighbour_share": np.array([0.0]), "habit": np.array([False]),
            "points": 0.0, "salience": 0.0}
    args.update(change)
    return float(participation.propensity(**args)[0])  # type: ignore[arg-type]


def test_participation_rises_with_efficacy_trust_and_habit() -> None:
    """Efficacy and trust in the committee raise participation (Oser et al. 2022;
    Boulianne et al. 2023), and so does having taken part last month (habit, M5)."""
    base = _propensity()
    assert _propensity(efficacy=np.array([0.9])) > base
    assert _propensity(trust=np.array([0.9])) > base
    assert _propensity(habit=np.array([True])) > base


def test_volunteer_points_draw_in_the_retired_too() -> None:
    """Points exchangeable for goods lower the cost of taking part for everyone, most for
    residents in paid work (Chengdu, seed 004)."""
    retired = {"employed": np.array([False])}
    assert _propensity(points=1.0, **retired) > _propensity(**retired)
    def lift(**who: object) -> float:
        return float(logit(np.array(_propensity(points=1.0, **who))) - logit(np.array(_propensity(**who))))
    assert lift() > lift(**retired) + 1e-6


def test_free_time_raises_participation() -> None:
    """Circumstances, not age: at equal tenure a resident not in paid work is readier to
    take part."""
    logit_ = participation.circumstance_logit(np.array([True, False]), np.array([10.0, 10.0]))
    assert logit_[1] > logit_[0]


def test_taking_part_in_a_month_is_rare_without_reasons() -> None:
    """The intercept sets the overall level: a working newcomer with no efficacy, trust,
    neighbours, habit or grievance seldom takes part in a given month."""
    p = _propensity(efficacy=np.array([0.0]), trust=np.array([0.0]))
    assert 0.0 < p < 0.05


def test_efficacy_settles_back_toward_its_anchor() -> None:
    """Bounded memory: experience fades, efficacy drifts back toward the settled level
    from above and from below."""
    e = participation.fade(np.array([0.9, 0.1]), np.array([0.5, 0.5]))
    assert 0.5 < e[0] < 0.9 and 0.1 < e[1] < 0.5


def test_volunteering_needs_opportunities_which_organizations_add() -> None:
    """Informal opportunities exist anywhere; dense organizations add more for residents
    who trust them."""
    none = participation.volunteer_opportunity(np.array([0.0]), np.array([1.0]))[0]
    dense = participation.volunteer_opportunity(np.array([30.0]), np.array([1.0]))[0]
    distrust = participation.volunteer_opportunity(np.array([30.0]), np.array([0.0]))[0]
    assert 0.0 < none == distrust < dense


# -- requests (rules/requests.py) ----------------------------------------------------------------
def test_even_distrustful_residents_sometimes_accept_a_referral() -> None:
    """Acceptance of an organization's help rises with trust in organizations from a floor
    above zero (seed 001, P8)."""
    assert 0.0 < requests.acceptance(0.0) < requests.acceptance(0.5) < requests.acceptance(1.0)


def test_committees_resolve_more_with_more_hours_for_cases() -> None:
    """A committee resolves a request it gets to with some chance, more often when its
    case hours cover its caseload."""
    p = requests.committee_success(np.array([4.0, 40.0, 400.0]), np.array([20.0, 20.0, 20.0]))
    assert 0.0 < p[0] < p[1] <= p[2] <= 1.0 and p[2] > 0.5


def test_some_residents_go_over_the_committees_head_without_trusting_government() -> None:
    """Escalation needs the Epstein rule to say act and, for residents who do not trust the
    government at all, still happens with a small chance."""
    many = 20_000
    esc = requests.escalates(rng(), np.full(many, 5), np.ones(many), np.zeros(many), np.zeros(many))
    trusted = requests.escalates(rng(), np.full(many, 5), np.ones(many), np.zeros(many), np.ones(many))
    assert 0.0 < esc.mean() < trusted.mean()


def _least_grievance_that_escalates() -> float:
    """The smallest salience·(1 − trust) at which a resident who trusts government
    escalates (scanned on a fine grid)."""
    grievance = np.linspace(0.0, 1.0, 1001)
    go = requests.escalates(rng(), np.full(grievance.size, 5), grievance, np.zeros(grievance.size),
                            np.ones(grievance.size))
    return float(grievance[go].min())


def test_going_over_the_committees_head_has_a_cost() -> None:
    """Epstein's rule, act when H·(1−L) − R > T: the net cost R of acting adds to the
    threshold T, so the grievance it takes exceeds the threshold alone."""
    assert _least_grievance_that_escalates() > requests.ESCALATION_THRESHOLD + 0.01


def test_small_grievances_do_not_escalate() -> None:
    """Epstein's threshold T: a grievance must exceed more than the cost of acting R
    before a resident goes over the committee's head."""
    assert _least_grievance_that_escalates() > requests.ESCALATION_COST + 0.01


def test_the_township_resolves_escalated_requests_without_a_platform() -> None:
    """The government above the committee resolves some escalated requests each month even
    without a street platform, more with one."""
    assert 0.0 < requests.government_success(0.0) < requests.government_success(1.0) <= 1.0


def test_unreported_problems_lapse_also_for_residents_not_in_work() -> None:
    """Unreported problems go away or are solved privately; more often for residents in
    paid work, but also for the others."""
    lapsed = requests.lapses(rng(), np.zeros(5000, dtype=bool))
    assert 0.0 < lapsed.mean() < 0.5


def test_organizations_get_referrals_without_outsourcing() -> None:
    """Reported problems are referred to an organization of the matching field where one
    exists, a share of them even without outsourcing, all of them under full outsourcing."""
    share = requests.referral_share(0.0, np.array([[0.0, 5.0]]))
    assert share[0, 0] == 0.0 and 0.0 < share[0, 1] < requests.referral_share(1.0, np.array([[5.0]]))[0, 0]


def test_committees_keep_cases_from_swamped_organizations() -> None:
    """Referral looks at the organizations' room: with no room the discretionary share
    stops, the contracted (outsourced) share goes on whatever the load; with full room
    nothing changes; room in between scales the discretionary share."""
    cap = np.array([[5.0, 5.0, 5.0]])
    room = np.array([[1.0, 0.5, 0.0]])
    share = requests.referral_share(0.0, cap, room)
    assert share[0, 0] == requests.referral_share(0.0, cap)[0, 0] > 0.0
    assert share[0, 1] == pytest.approx(share[0, 0] / 2) and share[0, 2] == 0.0
    np.testing.assert_allclose(requests.referral_share(1.0, cap, room), 1.0)
    contracted = requests.referral_share(0.5, cap, room)
    assert contracted[0, 2] == pytest.approx(0.5) and contracted[0, 0] > contracted[0, 2]


def test_reporting_is_rare_without_efficacy_trust_or_salience() -> None:
    """The reporting intercept: a newcomer without efficacy, trust or a pressing problem
    seldom reports in a given month; efficacy, trust and salience raise it."""
    none = requests.report_probability(np.zeros(1), np.zeros(1), np.zeros(1), np.zeros(1))[0]
    assert 0.0 < none < 0.1
    assert requests.report_probability(np.zeros(1), np.ones(1), np.ones(1), np.ones(1))[0] > 0.5


def test_every_problem_has_some_salience() -> None:
    """A problem's salience is uniform between a least salience bounded away from zero and
    one: no problem is trivial."""
    s = requests.draw_salience(rng(), 20_000)
    assert s.min() > 0.1 and s.max() <= 1.0


# -- satisfaction (rules/satisfaction.py) -----------------------------------------------------------
def test_every_community_has_some_performance_without_services() -> None:
    """A base level of performance exists without any service."""
    z = np.zeros((1, 6))
    perf = satisfaction.community_performance(np.array([0.0]), 0.0, z, z, z)
    assert (perf > 0.0).all() and (perf < 1.0).all()


def test_services_have_diminishing_but_continuing_returns() -> None:
    """Committee hours, direct services and organizations' capacity each raise performance
    with diminishing returns, half the maximum at a stated input: from a modest input,
    tripling it adds less than the modest input added over none, but a comparable amount
    (returns do not saturate at once)."""
    z = np.zeros((1, 6))
    def perf(hours: float = 0.0, direct: float = 0.0, cap: float = 0.0) -> float:
        return float(satisfaction.community_performance(np.array([hours]), direct, z + cap, z + 0.9,
                                                        z).sum())
    for make, small in ((lambda x: perf(hours=x), 0.1), (lambda x: perf(direct=x), 10.0),
                        (lambda x: perf(cap=x), 1.5)):
        none, lo, mid = make(0.0), make(small), make(3 * small)
        assert 0.25 * (lo - none) < mid - lo < lo - none


def test_taking_part_and_active_neighbours_raise_belonging_and_harmony() -> None:
    """Social capital (M17): taking part raises belonging; living among active neighbours
    raises harmony."""
    perf = np.full((1, 6), 0.5)
    args = (perf, np.array([0, 0]), np.array([-1, -1]))
    p = satisfaction.personal_performance(*args, np.array([False, True]), np.array([0.0, 0.0]))
    assert p[0, 1] > p[0, 0]
    p = satisfaction.personal_performance(*args, np.array([False, False]), np.array([0.0, 1.0]))
    assert p[2, 1] > p[2, 0]


def test_satisfaction_rises_with_performance_met_as_expected() -> None:
    """Expectation–disconfirmation (Van Ryzin 2004): satisfaction rises with experienced
    performance, also where it is just what residents expected."""
    perf = np.array([[0.3], [0.8]])
    s = satisfaction.satisfaction(perf.copy(), perf.copy())
    assert s[1, 0] > s[0, 0]


def test_gains_from_shared_problems_fade() -> None:
    """Gains from consultation-solved shared problems fade month by month."""
    shared = satisfaction.fade_shared(np.array([[0.1, 0.0]]))
    assert 0.0 < shared[0, 0] < 0.1 and shared[0, 1] == 0.0


# -- social organizations (rules/social_orgs.py) --------------------------------------------------------
def test_organizations_running_costs_have_a_fixed_and_a_per_case_part() -> None:
    """Monthly running cost: a fixed part even without capacity, and more per case of
    capacity."""
    cost = social_orgs.monthly_cost(np.array([0.0, 5.0, 10.0]))
    assert 0.0 < cost[0] < cost[1] < cost[2]


def test_every_organization_raises_some_income_and_volunteers_add_to_it() -> None:
    """Without contracts or fees an organization still raises fees and small donations;
    active volunteers in its community add in-kind and cash support."""
    income = social_orgs.income(np.zeros(2), np.zeros(2), np.array([0.0, 20.0]))
    assert 0.0 < income[0] < income[1]


def test_purchase_money_and_volunteers_found_new_organizations() -> None:
    """Grassroots foundings come from active volunteers and from purchase money that
    attracts new entrants, fewer where organizations are already dense (Hannan & Freeman)."""
    n = 2000
    zero, many = np.zeros(n), np.full(n, 10_000.0)
    _, from_volunteers = social_orgs.births(rng(), 0.0, many, np.full(n, 200.0), zero, zero)
    _, from_money = social_orgs.births(rng(), 0.0, many, zero, np.full(n, 50_000.0), zero)
    _, crowded = social_orgs.births(rng(), 0.0, many, zero, np.full(n, 50_000.0), np.full(n, 30.0))
    assert from_volunteers.sum() > 0 and from_money.sum() > crowded.sum()


def test_established_and_incubated_organizations_start_better_than_grassroots_ones() -> None:
    """Starting quality: established organizations at the start are best, incubated ones
    (trained, supported) better than grassroots ones, which still do some good."""
    q = [social_orgs.starting_quality(o) for o in ("seed", "incubated", "grassroots")]
    assert q[0] >= q[1] > q[2] > 0.0 and q[0] < 1.0


def test_a_new_organization_can_take_cases_and_has_some_reputation() -> None:
    """A new organization starts with a few cases a month of capacity and a modest
    reputation, below a proven record's."""
    pool = SocialOrgPool()
    ids = pool.found(np.array([0]), np.array([1]), np.array([0.5]), 0.0, 0)
    assert pool.capacity[ids[0]] >= 1.0 and 0.0 < pool.reputation[ids[0]] < 1.0


def test_organizations_learn_toward_their_fields_ceiling_faster_with_social_workers() -> None:
    """Quality improves toward the field's ceiling every month, faster with professional
    social workers (three-social linkage)."""
    alone = social_orgs.improve_quality(np.array([0.4]), np.array([0.9]), 0.0)[0]
    helped = social_orgs.improve_quality(np.array([0.4]), np.array([0.9]), 1.0)[0]
    assert 0.4 < alone < helped < 0.9


def test_established_organizations_start_with_reserves() -> None:
    """The organizations present at the start have reserves (they do not start in the
    red)."""
    params = Params(n_residents=800, n_communities=2, residents_per_agent=1, months=12,
                    spinup_months=0, initial_so_per_10k=50.0)
    model = CoGovModel(params, seed=0)
    funds = model.orgs.view("funds")
    assert funds.size > 0 and (funds > 0).all()


# -- trust (rules/trust.py) ----------------------------------------------------------------------------
def test_a_resolved_request_raises_trust_in_whoever_resolved_it() -> None:
    """Responsiveness raises legitimacy (M2): resolving one's request raises trust in the
    committee or the government, only for those whose request it was."""
    t = trust.resolved(np.array([0.4, 0.4]), np.array([True, False]))
    assert 0.4 < t[0] < 1.0 and t[1] == 0.4


def test_unresolved_problems_erode_trust() -> None:
    """Legitimacy falls with unresolved grievances (M2): each month a request stays
    unresolved costs trust in whoever holds it."""
    t = trust.unresolved(np.array([0.6, 0.6]), np.array([True, False]))
    assert 0.0 < t[0] < 0.6 and t[1] == 0.6


def test_an_escalation_lowers_trust_in_the_committee() -> None:
    """Taking one's request over the committee's head costs trust in the committee."""
    t = trust.escalated(np.array([0.6, 0.6]), np.array([True, False]))
    assert 0.0 < t[0] < 0.6 and t[1] == 0.6


def test_a_home_visit_raises_trust_in_the_committee() -> None:
    """Contact through home visits raises trust in the committee (seed 000, M18)."""
    t = trust.visited(np.array([0.4, 0.4]), np.array([True, False]))
    assert 0.4 < t[0] < 1.0 and t[1] == 0.4


def test_trust_drifts_toward_the_neighbours_trust() -> None:
    """Word of mouth (social learning): each resident's trust moves toward her network
    neighbours' mean, up where they trust more and down where they trust less."""
    adj = sparse.csr_matrix(np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]], dtype=float))
    degree = np.asarray(adj.sum(axis=1)).ravel()
    t = np.array([0.2, 0.8, 0.2])
    after = trust.social_learning(t, adj, degree)
    assert 0.2 < after[0] < 0.8 and 0.2 < after[1] < 0.8 and after[2] == after[0]


def test_turnover_pulls_trust_in_organizations_back_to_newcomers_distrust() -> None:
    """Residents move out and newcomers arrive with the common distrust: trust in
    organizations drifts back toward the prior, slower than trust in the committee relaxes."""
    renewed = trust.renew_organizations(np.array([0.9]), 0.2)[0]
    relaxed = trust.relax(np.array([0.9]), 0.2)[0]
    assert relaxed < renewed < 0.9


def test_a_street_platform_raises_the_level_trust_in_government_settles_at() -> None:
    """Strong, visible government services (seed 001) raise the level trust in government
    settles at, more the stronger the platform, never above full trust."""
    anchors = [trust.government_anchor(0.4, s) for s in (0.0, 0.5, 1.0)]
    assert anchors[0] == 0.4 and anchors[0] < anchors[1] < anchors[2] < 1.0
