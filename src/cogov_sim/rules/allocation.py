"""The committee's time split: government tasks versus resident affairs (multitask problem).

A committee answers to whoever assesses it. Following the multitask principal–agent model
(Holmström & Milgrom 1991; mechanism M14), effort goes where it is measured. The
government sees assisted tasks done on time and their paperwork (ledgers, photographs,
files for inspection: "留痕"); residents see the committee's time with them. So beyond the
hours the pushed tasks need, a committee spends up to ``PAPERWORK_MAX`` as much again on
making its government work visible, less the more it focuses on residents. Its ``focus``
is learned each year from the scores it received (:func:`cogov_sim.rules.evaluation.adjust_focus`),
not read from the assessment weights. A committee's ``capability`` scales the tasks its
hours achieve (:mod:`.departments`).
No committee gives government more than ``MAX_GOV_SHARE`` of its hours; tasks beyond
that are late, which the government's score notices.

Before the reform committees logged ~1,850 tasks a year and spent most of their time on
them (research note governance_abm §2.2); seed 000 describes ten line windows with five or
six staff becoming two generalist windows once burden fell (pattern P2).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .common import FloatArray, safe_div

HOURS_PER_STAFF = 160.0
"""Working hours per committee staff member per month."""
HOURS_PER_TASK = 6.0
"""Staff hours one administrative task takes (forms, ledgers, seals, inspections)."""
MAX_GOV_SHARE = 0.95
"""Largest share of its hours a committee gives government work."""
PAPERWORK_MAX = 0.88
"""Extra hours of presentation (ledgers, photographs, inspection files) per hour of task
work when government alone assesses the committee (痕迹管理, formalism). Calibrated
(issue 19, ``calibration_constants``; prior 0–1, was 0.5 assumed; accepted particles
0.31–0.95, correlated 0.8 with the staffing: more staff leave the burden in C2's band only
with more paperwork)."""


@dataclass(frozen=True, slots=True)
class TimeSplit:
    """One month of each committee's hours."""

    gov_hours: FloatArray
    """Hours on government work, paperwork included."""
    resident_hours: FloatArray
    """Hours left for residents (cases, visits, consultations)."""
    completion: FloatArray
    """Share of pushed tasks done on time (0–1)."""
    paperwork: FloatArray
    """Presentation effort as a share of its maximum (0–1): what inspections see."""


def staff_hours(staff: FloatArray) -> FloatArray:
    """A committee's working hours a month from its full-time staff."""
    return staff * HOURS_PER_STAFF


def split_time(hours: FloatArray, pushed_tasks: FloatArray, focus: FloatArray,
               capability: FloatArray | float = 1.0) -> TimeSplit:
    """Hours on government work and for residents; timeliness and paperwork.

    >>> t = split_time(np.array([1000.0]), np.array([50.0]), np.array([0.0]))
    >>> float(t.gov_hours[0]), float(t.resident_hours[0]), float(t.paperwork[0])
    (450.0, 550.0, 1.0)
    >>> float(split_time(np.array([1000.0]), np.array([50.0]), np.array([1.0])).gov_hours[0])
    300.0
    """
    work = pushed_tasks * HOURS_PER_TASK  # hours at standard capability
    needed = work / np.asarray(capability)
    # presentation aims at the inspection's standard: the hours it takes this committee
    polish = needed * PAPERWORK_MAX * (1.0 - np.asarray(focus))
    cap = hours * MAX_GOV_SHARE
    task_hours = np.minimum(needed, cap)
    gov = np.minimum(needed + polish, cap)
    completion = safe_div(task_hours, needed, default=1.0)
    paperwork = np.clip(safe_div(gov - task_hours, needed * PAPERWORK_MAX, default=1.0), 0.0, 1.0)
    return TimeSplit(gov_hours=gov, resident_hours=hours - gov, completion=completion,
                     paperwork=paperwork)
