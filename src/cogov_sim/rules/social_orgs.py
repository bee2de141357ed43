"""Social organizations' life cycle: incubation, contracts, growth, reputation, death.

Government purchase of services (政府购买服务) and incubation (孵化) are stage 2.0's
instruments (seed 000: "each office incubates one organization per community"; seed 003:
venture philanthropy, 471 projects); incubation is counted per 10,000 residents so that a
larger community gets proportionately more. Organizations are born by incubation (with a start-up
grant) or by grassroots initiative (more often where residents volunteer), win purchase
contracts in proportion to capacity and reputation, grow while funded, shrink when not,
and die after ``UNFUNDED_MONTHS`` months in the red — population ecology with density
dependence under a fixed purchase budget (Hannan & Freeman; mechanism M16). Reputation
follows the success of the cases they handle (Hassani-Mahmooei & Parris 2014;
mechanism M15); density per 10,000 residents is pattern P5 (national 3.5, Suzhou 9,
Nanjing 29 in 2013; seed 001).
"""

from __future__ import annotations

import numpy as np

from .common import FloatArray, safe_div

COST_PER_CASE = 300.0
"""Monthly running cost (yuan) per unit of capacity (one case a month)."""
FIXED_COST = 1_000.0
"""Monthly fixed cost (yuan) of an organization."""
FEE_INCOME = 800.0
"""Monthly fees and small donations (yuan) every organization raises."""
DONATION_PER_VOLUNTEER = 40.0
"""Monthly in-kind and cash support (yuan) per volunteer active in the community."""
INITIAL_CAPACITY = 6.0
"""Cases a month a new organization can take."""
GROWTH = 0.04
"""Monthly capacity growth while income covers costs and reserves exceed three months of
costs (organizations grow on earned income, not by spending down start-up grants)."""
SHRINK = 0.06
"""Monthly capacity loss while in the red."""
UNFUNDED_MONTHS = 6
"""Consecutive months in the red after which an organization dissolves."""
GRASSROOTS_RATE = 0.0005
"""Grassroots foundings per volunteer per month."""
ENTRY_RATE = 0.05
"""Monthly foundings attracted per start-up's worth of purchase money in a community,
divided by one plus the organizations already there (density-dependent founding)."""
REPUTATION_RATE = 0.1
"""Weight of one month's service record in reputation."""
INITIAL_REPUTATION = 0.3
"""Reputation of a new organization."""
QUALITY_LEARNING = 0.01
"""Monthly share of the gap to its field's quality ceiling an organization closes."""
QUALITY_LEARNING_SW = 0.02
"""Further monthly learning per professional social worker per 1,000 residents."""
INCUBATED_QUALITY = 0.55
"""Initial service quality of an incubated organization (trained, supported)."""
GRASSROOTS_QUALITY = 0.4
"""Initial service quality of a grassroots organization."""
SEED_QUALITY = 0.6
"""Quality of the organizations present at the start (established ones)."""
SEED_FUNDS = 20_000.0
"""Reserves (yuan) of the organizations present at the start."""


def starting_quality(origin: str) -> float:
    """Service quality an organization starts with: ``"seed"`` (present at the start,
    established), ``"incubated"`` (trained, supported) or ``"grassroots"``."""
    return {"seed": SEED_QUALITY, "incubated": INCUBATED_QUALITY,
            "grassroots": GRASSROOTS_QUALITY}[origin]


def income(contract: FloatArray, fees: FloatArray, volunteers_per_org: FloatArray) -> FloatArray:
    """An organization's monthly income (yuan): its purchase contract, case fees, the fees
    and small donations every organization raises (``FEE_INCOME``) and support from the
    community's volunteers (``DONATION_PER_VOLUNTEER`` each, shared among its organizations)."""
    return contract + fees + FEE_INCOME + DONATION_PER_VOLUNTEER * volunteers_per_org


def monthly_cost(capacity: FloatArray) -> FloatArray:
    return FIXED_COST + COST_PER_CASE * capacity


def contracts(budget: float, capacity: FloatArray, reputation: FloatArray,
              alive: np.ndarray) -> FloatArray:
    """Split the purchase budget across living organizations by capacity × reputation."""
    weight = np.where(alive, capacity * (0.2 + reputation), 0.0)
    total = weight.sum()
    return budget * weight / total if total > 0 else np.zeros_like(capacity)


def update_finances(funds: FloatArray, income: FloatArray, capacity: FloatArray,
                    unfunded: np.ndarray) -> tuple[FloatArray, FloatArray, np.ndarray]:
    """New reserves, capacity and months-in-the-red after one month of income and costs."""
    cost = monthly_cost(capacity)
    funds = funds + income - cost
    flush = (funds > 3.0 * cost) & (income >= cost)  # grow on earned income, not on reserves
    red = funds < 0.0
    capacity = capacity * np.where(flush, 1.0 + GROWTH, np.where(red, 1.0 - SHRINK, 1.0))
    unfunded = np.where(red, unfunded + 1, 0)
    return funds, capacity, unfunded


def dies(unfunded: np.ndarray, alive: np.ndarray) -> np.ndarray:
    return alive & (unfunded >= UNFUNDED_MONTHS)


def births(rng: np.random.Generator, incubation_per_10k: float, residents: FloatArray,
           volunteers: FloatArray, purchase: FloatArray,
           density_per_10k: FloatArray) -> tuple[np.ndarray, np.ndarray]:
    """Incubated and grassroots foundings per community this month.

    ``residents``, ``volunteers`` (real people) and ``purchase`` (yuan a month) are per
    community. Grassroots foundings come from active volunteers and from purchase money
    that attracts new entrants, the latter falling with the density of organizations
    already present (density dependence in founding rates, Hannan & Freeman 1989). Every
    term scales with the community's population, so densities do not depend on it.
    """
    incubated = rng.poisson(incubation_per_10k * np.asarray(residents) / 1e4 / 12.0)
    attraction = np.asarray(purchase) / monthly_cost(np.asarray(INITIAL_CAPACITY))
    grassroots = rng.poisson(GRASSROOTS_RATE * np.asarray(volunteers)
                             + ENTRY_RATE * attraction / (1.0 + np.asarray(density_per_10k)))
    return incubated, grassroots


def update_reputation(reputation: FloatArray, served: FloatArray, resolved: FloatArray) -> FloatArray:
    """Reputation moves toward the share of served cases resolved (unchanged if none)."""
    rate = safe_div(resolved, served)
    return np.where(served > 0, reputation + REPUTATION_RATE * (rate - reputation), reputation)


def improve_quality(quality: FloatArray, ceiling: FloatArray, social_workers_per_1000: float) -> FloatArray:
    """Monthly learning toward the field's ceiling, faster with professional social workers."""
    rate = QUALITY_LEARNING + QUALITY_LEARNING_SW * social_workers_per_1000
    return quality + rate * (ceiling - quality)
