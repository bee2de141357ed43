"""Consultations (协商能动, 邻里客厅): who sits, whether they agree and act, what it does to them.

Stage 3.0 of the reform (seed 000) has residents discover problems, deliberate in
structured meetings (today's agenda, rules of debate, options), reach consensus and act;
items that cannot be done at once are recorded with a reason. Rules:

* **Schedule.** Consultations are held by neighbourhoods (residents' groups, neighbourhood
  living rooms 邻里客厅, of about ``residents_per_neighbourhood`` residents), each
  ``per_year`` times a year, spread evenly over the year and staggered across
  communities; a community of twice the population holds twice the meetings, so the share
  of residents with a seat does not depend on community size. Routine consultation
  attendance of the order of 20 % a year (research note §2.3) is a check, not an input.
* **Cost.** Each meeting takes ``MEETING_HOURS`` of committee staff time and each randomly
  drawn seat ``DRAW_HOURS`` to draw and invite; money is in :mod:`.delegation`.
* **Seats.** A share of seats is drawn at random from the community; the rest go to
  self-selected activists (the residents most inclined to take part). Random seats bring
  in people who would not come by themselves (Fishkin et al. 2010; Jacobs 2019).
* **Outcome.** Agreement and action succeed more often when the committee has hours for
  residents and when seats are diverse; communication is the strongest known lever on
  cooperation (Balliet 2010, d ≈ 1; mechanism M9). A success solves one shared problem of
  its own neighbourhood: the agenda's dimension improves for the community in proportion
  to the share of its neighbourhoods whose meeting succeeded (a gain that fades), some of
  the open problems on the agenda there are solved, and attendees' neighbours join the
  agreed action (co-production spreading on the network; Granovetter 1978, mechanism M3).
* **Voice effect.** Attending raises efficacy and trust (Esaiasson et al. 2012), but the
  outcome dominates (Esaiasson et al. 2019), and the procedural buffer against a failed
  outcome works only where trust is already high (Wu & Wu 2015; mechanism M11).
* **Street platform.** Where co-governance sits at street level (Shanghai, seed 001),
  representatives speak for residents: the voice effect on ordinary residents is weaker.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from .common import FloatArray, clip01

VOICE_EFFICACY = 0.08
"""Efficacy gain from having one's say, whatever the outcome."""
OUTCOME_EFFICACY = 0.12
"""Further efficacy gain when the consultation's decision is carried out."""
OUTCOME_TRUST = 0.10
"""Trust gain in the committee when the decision is carried out (loss if not: half)."""
TRUST_BUFFER = 0.4
"""Prior trust above which a failed outcome is softened by procedural fairness."""
SHARED_GAIN = 0.01
"""Performance gain on the agenda's dimension for a neighbourhood whose meeting succeeded
(one shared problem solved; fades at ``satisfaction.SHARED_DECAY``). At six meetings a year
its steady contribution stays below one service channel's weight."""
SHARED_SOLVED = 0.3
"""Chance that an open problem on the agenda's dimension in that neighbourhood is solved."""
MEETING_HOURS = 10.0
"""Committee staff hours per consultation (agenda, invitations, chairing, record, follow-up)."""
DRAW_HOURS = 0.25
"""Committee staff hours to draw and invite one random seat."""
STREET_VOICE_DAMPING = 0.5
"""Share of the voice effect lost at full street-platform strength (representatives speak)."""
ATTEND_ACTIVIST = (0.85, 0.15)
"""Chance an activist attends: intercept and slope on her propensity."""
ATTEND_DRAWN = (0.35, 0.5)
"""Chance a randomly drawn resident attends: intercept and slope on her propensity."""
MOBILISE = 0.5
"""Chance a neighbour of an attendee joins the agreed action, times her propensity."""


def neighbourhoods(residents: FloatArray, residents_per_neighbourhood: float) -> FloatArray:
    """Neighbourhoods (consultation units) per community, at least one."""
    return np.maximum(1.0, np.asarray(residents) / residents_per_neighbourhood)


def schedule(month: int, per_year: float, units: FloatArray) -> np.ndarray:
    """Consultations each community holds in ``month`` (0-based): ``units`` neighbourhoods
    each meeting ``per_year`` times, spread over the year and staggered across communities."""
    n = np.size(units)
    phase = np.arange(n) * 12.0 / max(n, 1)
    rate = np.asarray(units) * per_year / 12.0
    now = np.floor((month + 1 + phase) * rate)
    before = np.floor((month + phase) * rate)
    return (now - before).astype(np.int64)


def agent_seats(rng: np.random.Generator, meetings: np.ndarray, seats: int, random_share: float,
                k: int, agents: np.ndarray,
                activist_draw: FloatArray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Resident agents invited per community, as (activist seats, randomly drawn seats).

    The meetings' real seats, ``meetings × seats``, split into the ``random_share`` drawn
    at random and the rest for activists, are each divided by the sample rate ``k`` and
    rounded at random, so both expectations are exact at every ``k``; at most every
    agent of the community is seated (drawn seats first). The split is made on real seats,
    before dividing by ``k``: rounding ``random_share`` of a handful of agent seats would
    leave no drawn seat at all at a coarse sample (issue 18: at 1:50 a community of 3,000
    has about one agent seat a month, and round(0.4) = 0).

    Activists are the keenest residents, the same people at every meeting, so their seats
    are rounded with each community's fixed uniform ``activist_draw`` (a fresh draw when
    None): 0.6 agent seats is one agent at every meeting in 60 % of communities, not one
    agent at 60 % of the meetings, which would make the one agent's k residents all
    attend within a year where 0.6 × k of them do (at 1:50, a third more of Chengdu's
    residents took part in a consultation than at 1:1). Drawn seats are new people each
    time: a fresh draw each meeting.
    """
    real = np.asarray(meetings) * seats / k
    drawn = np.minimum(agents, round_at_random(rng, real * random_share))
    active = np.minimum(agents - drawn, round_at_random(rng, real * (1.0 - random_share),
                                                        activist_draw))
    return active, drawn


def round_at_random(rng: np.random.Generator, x: FloatArray, u: FloatArray | None = None) -> np.ndarray:
    """Whole numbers with expectation ``x``: ⌊x⌋, plus one where the uniform ``u`` (drawn
    from ``rng`` when None) is below x − ⌊x⌋."""
    whole = np.floor(x)
    u = rng.random(np.size(x)) if u is None else u
    return (whole + (u < x - whole)).astype(np.int64)


def select_seats(rng: np.random.Generator, community: np.ndarray, holding: np.ndarray,
                 propensity: FloatArray, active_seats: np.ndarray,
                 drawn_seats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Invited residents of every community holding a meeting, and whether each was drawn.

    In each holding community ``active_seats`` go to the keenest residents (propensity
    plus a little noise: self-selection); ``drawn_seats`` are drawn uniformly at random
    from everyone else. ``community`` must be sorted (residents live in contiguous
    blocks). Returns resident indices and a "drawn at random" flag.
    """
    idx = np.flatnonzero(holding[community])
    if idx.size == 0:
        return idx, np.zeros(0, dtype=bool)
    com = community[idx]
    keen = propensity[idx] + 0.1 * rng.random(idx.size)
    active = smallest_per_group(com, -keen, active_seats)  # the keenest come forward
    rest = np.flatnonzero(~active)
    drawn = np.zeros(idx.size, dtype=bool)
    drawn[rest[smallest_per_group(com[rest], rng.random(rest.size), drawn_seats)]] = True
    invited = active | drawn
    return idx[invited], drawn[invited]


def smallest_per_group(groups: np.ndarray, key: FloatArray, k: np.ndarray) -> np.ndarray:
    """Mask of the ``k[g]`` smallest ``key`` values within each group ``g``.

    Avoids sorting everything: a global partition picks a candidate set that holds each
    group's smallest values (groups short of candidates are taken whole), and only the
    candidates are sorted. Same result as a full sort by (group, key), in O(n).
    """
    n = key.size
    mask = np.zeros(n, dtype=bool)
    if n == 0:
        return mask
    counts = np.bincount(groups, minlength=k.size)
    need = np.minimum(k, counts)
    present = counts > 0
    share = float((need[present] / counts[present]).max()) if present.any() else 0.0
    cut = min(n - 1, int(np.ceil(n * min(1.0, 4.0 * share))) + 64)
    threshold = np.partition(key, cut)[cut]
    short = np.bincount(groups[key <= threshold], minlength=k.size) < need
    cand = np.flatnonzero((key <= threshold) | short[groups])
    order = cand[np.lexsort((key[cand], groups[cand]))]
    mask[order[_rank_within(groups[order]) < need[groups[order]]]] = True
    return mask


def _rank_within(sorted_groups: np.ndarray) -> np.ndarray:
    """0, 1, 2, ... within each run of equal values of a sorted array."""
    n = sorted_groups.size
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, sorted_groups[1:] != sorted_groups[:-1]])
    lengths = np.diff(np.r_[starts, n])
    return np.arange(n) - np.repeat(starts, lengths)


def attends(rng: np.random.Generator, propensity: FloatArray, drawn: np.ndarray) -> np.ndarray:
    """Invited residents who come: activists nearly always, drawn residents less often."""
    p = np.where(drawn, ATTEND_DRAWN[0] + ATTEND_DRAWN[1] * propensity,
                 ATTEND_ACTIVIST[0] + ATTEND_ACTIVIST[1] * propensity)
    return rng.random(p.size) < p


def success_probability(resident_hours_ratio: FloatArray, random_share: float) -> FloatArray:
    """Chance that a meeting agrees and its decision is carried out: more likely with
    committee hours for residents and diverse seats. (Resident evaluation reaches it
    through those hours: a committee focused on residents spends less on paperwork.)"""
    return np.clip(0.3 + 0.4 * np.asarray(resident_hours_ratio) + 0.2 * random_share, 0.0, 0.95)


def voice_update(efficacy: FloatArray, trust: FloatArray, success: np.ndarray,
                 voice_scale: float) -> tuple[FloatArray, FloatArray]:
    """Attendees' efficacy and trust in the committee after their meeting (``success`` per
    attendee: whether her meeting's decision is carried out)."""
    gain_e = voice_scale * VOICE_EFFICACY + OUTCOME_EFFICACY * success
    d_trust = np.where(success, OUTCOME_TRUST,
                       np.where(trust > TRUST_BUFFER, 0.0, -0.5 * OUTCOME_TRUST))
    new_e = efficacy + gain_e * (1.0 - efficacy)
    new_t = trust + d_trust * np.where(d_trust > 0, 1.0 - trust, trust)
    return clip01(new_e), clip01(new_t)


def staff_hours(meetings: FloatArray, drawn_seats: FloatArray) -> FloatArray:
    """Committee staff hours a month's consultations take: ``MEETING_HOURS`` a meeting and
    ``DRAW_HOURS`` per randomly drawn seat."""
    return meetings * MEETING_HOURS + drawn_seats * DRAW_HOURS


def shared_outcome(reach: FloatArray) -> tuple[FloatArray, FloatArray]:
    """What successful meetings do to their community's agenda dimension, for ``reach`` the
    share of its neighbourhoods whose meeting succeeded: the performance gained
    (``SHARED_GAIN``) and the chance each open problem on the agenda is solved
    (``SHARED_SOLVED``)."""
    reach = np.asarray(reach)
    return SHARED_GAIN * reach, SHARED_SOLVED * reach


def voice_scale(street_platform: float) -> float:
    """Voice effect on attendees, weaker where representatives at street level speak for them."""
    return 1.0 - STREET_VOICE_DAMPING * street_platform


def mobilise(rng: np.random.Generator, adjacency: sparse.csr_matrix, attendees: np.ndarray,
             propensity: FloatArray) -> np.ndarray:
    """Residents who join an agreed action because a neighbour attended the meeting."""
    mark = np.zeros(adjacency.shape[0])
    mark[attendees] = 1.0
    exposed = adjacency @ mark > 0
    return exposed & (rng.random(mark.size) < MOBILISE * propensity)
