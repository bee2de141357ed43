"""Seed-robust checks for model-level claims: paired runs, a t-interval, an assertion on it.

A model-level claim ("consultations raise participation", "the baseline is flat after the
spin-up") is checked on ``n`` seeds. Both arms of a comparison run on the *same* seed
(common random numbers), so the per-seed difference ``d_i = outcome(B, seed_i) -
outcome(A, seed_i)`` cancels most of the run-to-run noise. The claim is then asserted on
the paired t-interval of the mean difference (95 % by default), never on the signs of a
few individual seeds:

* a directional claim holds when the interval excludes zero (or a stated minimum effect)
  on the stated side: :func:`assert_increases`, :func:`assert_decreases`,
  :func:`assert_above`, :func:`assert_below`;
* an invariance or stationarity claim holds when the whole interval lies inside a stated
  tolerance: :func:`assert_within`, :func:`assert_between`.

Every failure message prints the interval, ``n``, the seeds and the seed base, so a
failing log can be reproduced with ``pytest --seed-base N``.

Seeds come from outside: :func:`seeds` shifts every seed by the base set with pytest's
``--seed-base N`` or the environment variable ``COGOV_TEST_SEED_BASE`` (the option wins;
default 0). ``.ci/run`` runs the ``statistical`` tests a second time with a base derived
from the commit, so every commit meets fresh seeds.

How many replications (the power calculation)
---------------------------------------------
Let ``sigma_d`` be the standard deviation of the paired differences and ``delta`` the
distance between the true mean difference and the boundary of the claim (zero, the
minimum effect, or the edge of the tolerance). A one-sided check at the edge of a
two-sided ``1 - alpha`` interval passes with probability ``1 - beta`` when

    n >= ((z_{1-alpha/2} + z_{1-beta}) * sigma_d / delta) ** 2

(with Student quantiles in place of ``z`` for small ``n``; :func:`replications`
solves it exactly). The textbook choice, alpha = 0.05 and power 0.9, gives
``n >= 10.5 (sigma_d / delta)**2``: 8 replications detect an effect of 1.15 sigma_d
(1.29 sigma_d with the t-quantiles), 12 replications 0.94 sigma_d (1.01 sigma_d).

For a test suite that meets fresh seeds on every commit, however, ``beta`` is the
probability that a *true* claim fails: with power 0.9 one check in ten would fail on
some commit. The tests here therefore aim at beta = 1e-4 (z = 3.72), i.e.

    n >= 32.3 (sigma_d / delta)**2,

so that a hundred checks together fail spuriously on about one commit in a hundred.
With the t-quantiles, 8 replications need the true effect at least 2.15 sigma_d away
from the boundary, 12 replications 1.71 sigma_d, 16 replications 1.46 sigma_d. Each
test picks ``n`` from a pilot of ``delta`` and ``sigma_d`` (``COGOV_STATS_LOG=file.csv``
writes both, and the ``n`` this rule asks for, for every check of a session) and states
its interval and replications in its docstring.

alpha is the other error: a claim that is false (true effect on the wrong side of the
boundary) passes one check with probability at most alpha/2 = 2.5 %.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

ENV_SEED_BASE = "COGOV_TEST_SEED_BASE"
ENV_STATS_LOG = "COGOV_STATS_LOG"
FLAKE_RATE = 1e-4
"""Target probability that one check of a true claim fails (beta above)."""

_seed_base = 0
_log: list[dict[str, Any]] = []


def set_seed_base(base: int) -> None:
    """Shift every seed :func:`seeds` hands out (called once by ``conftest.py``)."""
    global _seed_base
    if base < 0:
        raise ValueError(f"seed base must be non-negative, got {base}")
    _seed_base = int(base)


def seed_base() -> int:
    return _seed_base


def seeds(n: int, offset: int = 0) -> range:
    """``n`` seeds starting at ``seed base + offset``. Use a different ``offset`` for
    claims that must not share draws; both arms of one claim use the same seeds."""
    return range(_seed_base + offset, _seed_base + offset + n)


@dataclass(frozen=True)
class Effect:
    """Per-seed values (paired differences, or levels) and their t-interval."""

    label: str
    values: np.ndarray
    seeds: tuple[int, ...]
    confidence: float = 0.95

    def __post_init__(self) -> None:
        if self.values.size < 2:
            raise ValueError(f"{self.label}: an interval needs at least 2 seeds, got {self.values.size}")

    @property
    def n(self) -> int:
        return int(self.values.size)

    @property
    def mean(self) -> float:
        return float(self.values.mean())

    @property
    def sd(self) -> float:
        return float(self.values.std(ddof=1))

    @property
    def se(self) -> float:
        return self.sd / np.sqrt(self.n)

    @property
    def interval(self) -> tuple[float, float]:
        half = stats.t.ppf(0.5 + self.confidence / 2, self.n - 1) * self.se
        return self.mean - half, self.mean + half

    def __str__(self) -> str:
        lo, hi = self.interval
        s = self.seeds
        span = f"{s[0]}..{s[-1]}" if s == tuple(range(s[0], s[0] + len(s))) else str(list(s))
        return (f"{self.label}: mean {self.mean:.4g}, {self.confidence:.0%} CI [{lo:.4g}, {hi:.4g}], "
                f"sd {self.sd:.3g}, n {self.n}, seeds {span} (seed base {_seed_base}; rerun "
                f"with --seed-base {_seed_base})")


Outcome = str | Callable[[Any], float] | None
"""A key of a run's result, a function of it, or None when the result is the number."""


def _value(result: Any, outcome: Outcome) -> float:
    if outcome is None:
        return float(result)
    return float(outcome(result) if callable(outcome) else result[outcome])


def _name(outcome: Outcome) -> str:
    return outcome if isinstance(outcome, str) else getattr(outcome, "__name__", "outcome")


def paired_effect(run_a: Callable[[int], Any], run_b: Callable[[int], Any],
                  outcome: Outcome, seeds: Iterable[int], *,
                  contrast: Callable[[float, float], float] = lambda a, b: b - a,
                  label: str | None = None, confidence: float = 0.95) -> Effect:
    """Effect of going from arm A to arm B, on common random numbers.

    ``run_a(seed)`` and ``run_b(seed)`` return a result (a dict, Series or anything
    indexable); ``outcome`` is a key of it, a function of it, or None when the result is
    the number itself. Each seed gives one ``contrast(a, b)``, by default ``b - a``.
    """
    seeds = tuple(seeds)
    values = np.array([contrast(_value(run_a(s), outcome), _value(run_b(s), outcome)) for s in seeds])
    return Effect(label or f"{_name(outcome)}: B - A", values, seeds, confidence)


def level(run: Callable[[int], Any], outcome: Outcome, seeds: Iterable[int], *,
          label: str | None = None, confidence: float = 0.95) -> Effect:
    """Mean level of ``outcome`` in one arm, for claims about a level (a calibrated
    pattern's range)."""
    seeds = tuple(seeds)
    values = np.array([_value(run(s), outcome) for s in seeds])
    return Effect(label or _name(outcome), values, seeds, confidence)


def replications(sd: float, delta: float, alpha: float = 0.05, beta: float = FLAKE_RATE) -> int:
    """Smallest ``n`` with ``(t_{n-1,1-alpha/2} + z_{1-beta}) * sd / sqrt(n) <= delta``."""
    if delta <= 0:
        return 10**9
    z = stats.norm.ppf(1 - beta)
    n = 2
    while (stats.t.ppf(1 - alpha / 2, n - 1) + z) * sd / np.sqrt(n) > delta and n < 10**6:
        n += 1
    return n


def _check(effect: Effect, ok: bool, claim: str, delta: float) -> None:
    lo, hi = effect.interval
    if os.environ.get(ENV_STATS_LOG):
        _log.append({"test": os.environ.get("PYTEST_CURRENT_TEST", "").split(" ")[0],
                     "label": effect.label, "claim": claim, "mean": effect.mean, "sd": effect.sd,
                     "n": effect.n, "low": lo, "high": hi, "delta": delta,
                     "n_needed": replications(effect.sd, delta), "passed": ok})
    assert ok, f"{claim} failed. {effect}"


def assert_above(effect: Effect, bound: float) -> None:
    """The whole interval lies above ``bound``."""
    _check(effect, effect.interval[0] > bound, f"interval above {bound:g}", effect.mean - bound)


def assert_below(effect: Effect, bound: float) -> None:
    """The whole interval lies below ``bound``."""
    _check(effect, effect.interval[1] < bound, f"interval below {bound:g}", bound - effect.mean)


def assert_increases(effect: Effect, min_effect: float = 0.0) -> None:
    """B raises the outcome by more than ``min_effect``: the interval excludes it, above."""
    assert_above(effect, min_effect)


def assert_decreases(effect: Effect, min_effect: float = 0.0) -> None:
    """B lowers the outcome by more than ``min_effect``: the interval lies below ``-min_effect``."""
    assert_below(effect, 0.0 - min_effect)  # not -0.0, which messages print as "-0"


def assert_between(effect: Effect, low: float, high: float) -> None:
    """The whole interval lies inside ``[low, high]``."""
    lo, hi = effect.interval
    _check(effect, low <= lo and hi <= high, f"interval inside [{low:g}, {high:g}]",
           min(effect.mean - low, high - effect.mean))


def assert_overlaps(effect: Effect, low: float, high: float) -> None:
    """Consistency with a band: the interval reaches into ``[low, high]``, so the band is
    not rejected. For a calibration target, which the model was fitted to and may sit at
    the edge of: the claim is that the fit holds on these seeds, not that it is interior."""
    lo, hi = effect.interval
    _check(effect, hi >= low and lo <= high, f"interval reaching into [{low:g}, {high:g}]",
           min(effect.mean - low, high - effect.mean) + (hi - lo) / 2)


def assert_within(effect: Effect, tolerance: float) -> None:
    """Invariance or stationarity: the whole interval lies inside ``±tolerance``."""
    assert_between(effect, -tolerance, tolerance)


def write_log(path: str) -> None:
    """Write the checks of this session (see ``COGOV_STATS_LOG``) to a CSV file."""
    if not _log:
        return
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(_log[0]))
        w.writeheader()
        w.writerows(_log)
