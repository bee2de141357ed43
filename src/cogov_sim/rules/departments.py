"""The township's functional departments and the committees they work with: who differs, how.

The government acts on communities through its departments (条线部门), each pushing its
own tasks down (seed 003 lists the access rules that bind "政府部门其他进村事项"; seed 000
names the access right returned to committees). Departments differ in what the two-way
evaluation asks committees to judge (seed 003: 行政指导、专业服务、支付兑现以及行政干预):
how much off-list work they push once the lists are in force, and how reliably they
pay what the agreement says they owe. Committees differ in staff, task load and
capability. Every trait here is a clearly stated assumption (no source gives these
distributions for Taicang); each is drawn once per run from the model's generator, so
replications sample the assumption, and each acts through a rule that uses it:

* a department's ``drift`` multiplies the yearly erosion of its lists and payments
  (:func:`cogov_sim.rules.evaluation.adapt_policy`): some departments fall back into old
  habits faster than others;
* a department's ``reliability`` is its monthly chance of paying the month's owed task
  money on time (:func:`deliver`); late money is money the committee cannot spend;
* a committee's ``capability`` scales how many tasks and cases its hours achieve
  (:mod:`.allocation`, the casework in ``phases``); ``load`` scales the tasks departments
  want to push into its community; staff vary around the township's standard; its cadres'
  ``motivation`` to serve residents shifts its focus each year whatever the scores say
  (:func:`cogov_sim.rules.evaluation.adjust_focus`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .common import FloatArray

DEPARTMENTS = ("civil_affairs", "comprehensive_management", "health_family_planning",
               "urban_management")
"""Departments that push most work into communities (民政, 综治, 卫计, 城管)."""
DEPARTMENTS_ZH = ("民政", "综治", "卫计", "城管")
TASK_SHARE = np.array([0.25, 0.30, 0.25, 0.20])
"""Share of the township's task demand coming from each department (assumed)."""
DRIFT_SD = 0.4
"""Log-scale spread of departments' erosion rates around the township's ``list_erosion``
(assumed: the fastest of four departments drifts back about twice as fast as the slowest)."""
RELIABILITY_MEAN = 0.85
"""Mean monthly chance a department pays the month's owed task money on time (assumed)."""
RELIABILITY_CONCENTRATION = 20.0
"""Beta concentration of departments' reliability (assumed; sd about 0.08)."""
CAPABILITY_SD = 0.15
"""Log-scale spread of committees' capability (assumed: cadre age and training differ,
seed 002 reports averages only)."""
LOAD_SD = 0.1
"""Log-scale spread of the task load departments push into each community (assumed)."""
STAFF_SD = 0.1
"""Log-scale spread of committee staff around the township's standard (assumed)."""
MOTIVATION_SD = 0.03
"""Spread of cadres' own inclination to serve residents, in shares of focus a year per
year (assumed; public-service motivation differs between people, Perry & Wise 1990):
committees judged alike still differ in where they put their hours."""
MIN_STAFF = 3.0
"""Fewest full-time staff a committee has (the committee members elected by law)."""


@dataclass(frozen=True, slots=True)
class Departments:
    """Per-run traits of the township's departments (arrays over :data:`DEPARTMENTS`)."""

    share: FloatArray
    drift: FloatArray
    reliability: FloatArray


@dataclass(frozen=True, slots=True)
class CommitteeTraits:
    """Per-run traits of the committees (arrays over communities)."""

    staff: FloatArray
    load: FloatArray
    capability: FloatArray
    motivation: FloatArray


def _lognormal_mean_one(rng: np.random.Generator, sd: float, n: int) -> FloatArray:
    """Log-normal draws with mean 1 and log-scale spread ``sd``."""
    return np.exp(sd * rng.standard_normal(n) - 0.5 * sd * sd)


def draw_departments(rng: np.random.Generator) -> Departments:
    n = len(DEPARTMENTS)
    a = RELIABILITY_MEAN * RELIABILITY_CONCENTRATION
    b = (1.0 - RELIABILITY_MEAN) * RELIABILITY_CONCENTRATION
    return Departments(share=TASK_SHARE.copy(), drift=_lognormal_mean_one(rng, DRIFT_SD, n),
                       reliability=rng.beta(a, b, size=n))


def draw_committees(rng: np.random.Generator, n: int, staff_standard: float) -> CommitteeTraits:
    staff = np.maximum(MIN_STAFF, staff_standard * _lognormal_mean_one(rng, STAFF_SD, n))
    return CommitteeTraits(staff=staff, load=_lognormal_mean_one(rng, LOAD_SD, n),
                           capability=_lognormal_mean_one(rng, CAPABILITY_SD, n),
                           motivation=MOTIVATION_SD * rng.standard_normal(n))


def deliver(rng: np.random.Generator, owed: FloatArray, reliability: FloatArray) -> FloatArray:
    """Money each department pays each committee this month (communities x departments):
    the month's owed amount if the department pays on time, nothing otherwise."""
    owed = np.asarray(owed)
    return owed * (rng.random(owed.shape) < reliability)
