"""The committee's time split: government tasks versus resident affairs (multitask problem).

A committee answers to whoever assesses it. Government tasks are visible and audited;
resident affairs are not, unless residents take part in the assessment. Following the
multitask principal–agent model (Holmström & Milgrom 1991; mechanism M14), the share of
its hours a committee is *willing* to spend on government work falls with the weight
residents carry in its assessment (``resident_weight``, as the committee perceives it).
Pushed work beyond that cap is left undone, which the government's score notices.

Before the reform committees logged ~1,850 tasks a year and spent most of their time on
them (research note governance_abm §2.2); seed 000 describes ten line windows with five or
six staff becoming two generalist windows once burden fell (pattern P2).
"""

from __future__ import annotations

import numpy as np

from .common import FloatArray, safe_div

HOURS_PER_STAFF = 160.0
"""Working hours per committee staff member per month."""
HOURS_PER_TASK = 6.0
"""Staff hours one administrative task takes (forms, ledgers, seals, inspections)."""
MAX_GOV_SHARE = 0.95
"""Share of hours a committee gives government when government alone assesses it."""
RESIDENT_WEIGHT_EFFECT = 0.55
"""How far full resident assessment lowers that share."""


def willing_gov_share(resident_weight: FloatArray) -> FloatArray:
    """Largest share of hours the committee will spend on government tasks."""
    return MAX_GOV_SHARE - RESIDENT_WEIGHT_EFFECT * np.asarray(resident_weight)


def split_time(hours: FloatArray, pushed_tasks: FloatArray,
               resident_weight: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Hours on government tasks, hours left for residents, and task completion (0–1).

    >>> g, r, c = split_time(np.array([1000.0]), np.array([100.0]), np.array([0.0]))
    >>> float(g[0]), float(r[0]), round(float(c[0]), 3)
    (600.0, 400.0, 1.0)
    """
    needed = pushed_tasks * HOURS_PER_TASK
    gov = np.minimum(needed, hours * willing_gov_share(resident_weight))
    completion = safe_div(gov, needed, default=1.0)
    return gov, hours - gov, completion
