"""Professional social workers and grid visits (社工, 组团式网格走访).

Grid visits let committee staff discover residents' problems proactively rather than
waiting at the counter (seed 000, stage 3.0; seed 002); each visit costs staff time and
brings the household into contact with the committee (formal mobilization channel,
Dai, Han & de Vries 2024; mechanism M18). Professional social workers add case-handling
hours to the community and make social organizations better at what they do
(three-social linkage 三社联动, seed 000 stage 2.0; seed 002 training figures).
"""

from __future__ import annotations

import numpy as np

from .common import FloatArray, safe_div

HOURS_PER_VISIT = 0.75
"""Staff hours per home visit."""
SOCIAL_WORKER_HOURS = 140.0
"""Case hours one professional social worker adds per month."""


def visits_possible(resident_hours: FloatArray, staff: FloatArray | float, visits_per_worker: float,
                    population: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Visits made per community (bounded by staff hours) and the share of residents reached."""
    wanted = staff * visits_per_worker * np.ones_like(resident_hours)
    made = np.minimum(wanted, 0.5 * resident_hours / HOURS_PER_VISIT)
    return made, np.clip(safe_div(made, population), 0.0, 1.0)


def visited(rng: np.random.Generator, community: np.ndarray, reach: FloatArray) -> np.ndarray:
    """Which residents receive a home visit this month."""
    return rng.random(community.size) < reach[community]


def social_worker_hours(workers_per_1000: float, population: FloatArray) -> FloatArray:
    """Professional case hours per community per month."""
    return workers_per_1000 * population / 1000.0 * SOCIAL_WORKER_HOURS
