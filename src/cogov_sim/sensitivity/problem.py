"""The input space of a sensitivity analysis: which inputs vary, over which bounds.

For the model the space is built from the parameter metadata (:mod:`cogov_sim.params`):
by default every policy lever over its metadata bounds; users fix some levers at a value
or narrow their bounds. For any other Python callable the bounds are declared directly.
Everything is checked here, before a single run is scheduled, and every problem is
reported in one line (:class:`SensitivityError`).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..params import ParameterError, param_specs, salib_problem, spec, suggest

if TYPE_CHECKING:
    from ..params import Params

#: Up to this many varied inputs every vertex of the box is tried (2**12 parameter sets).
MAX_VERTEX_CHECK = 12


class SensitivityError(ValueError):
    """A sensitivity-analysis input that cannot be used (one-line message)."""


@dataclass(frozen=True)
class Problem:
    """The varied inputs (``names`` with ``bounds``) and the inputs held fixed.

    Attributes
    ----------
    names : tuple of str
        Varied inputs, in the column order of every design matrix.
    bounds : tuple of (float, float)
        Lower and upper bound of each varied input (uniform distribution).
    fixed : dict
        Inputs held at a value (model parameters only; informational for functions).
    integer : tuple of str
        Varied inputs that must be whole numbers (sampled values are rounded).
    """

    names: tuple[str, ...]
    bounds: tuple[tuple[float, float], ...]
    fixed: dict[str, float] = field(default_factory=dict)
    integer: tuple[str, ...] = ()

    @property
    def num_vars(self) -> int:
        return len(self.names)

    def salib(self) -> dict[str, Any]:
        """The SALib problem dictionary."""
        return {"num_vars": self.num_vars, "names": list(self.names),
                "bounds": [list(b) for b in self.bounds]}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description (for manifests)."""
        return {"names": list(self.names), "bounds": [list(b) for b in self.bounds],
                "fixed": dict(self.fixed), "integer": list(self.integer)}


def function_problem(bounds: Mapping[str, Sequence[float]]) -> Problem:
    """A problem over declared bounds ``{name: (low, high)}`` for any Python callable.

    Raises
    ------
    SensitivityError
        Empty bounds, a non-numeric or non-finite bound, or ``low >= high``.
    """
    if not isinstance(bounds, Mapping) or not bounds:
        raise SensitivityError("bounds: expected a non-empty mapping {name: (low, high)}")
    names, rows = [], []
    for name, pair in bounds.items():
        low, high = _pair(str(name), pair, where="bounds")
        names.append(str(name))
        rows.append((low, high))
    return Problem(tuple(names), tuple(rows))


def model_problem(levers: Sequence[str] | Mapping[str, Any] | None = None) -> Problem:
    """A problem over model parameters, from their metadata.

    Parameters
    ----------
    levers
        ``None``: every policy lever over its metadata bounds. A sequence of names: those
        parameters over their metadata bounds. A mapping ``name -> [low, high]`` (vary over
        narrower bounds), ``name -> []`` or ``True`` (vary over the metadata bounds) or
        ``name -> value`` (hold fixed at that value). Any parameter of kind ``lever`` or
        ``context`` may be named; ``size`` parameters are set by the analysis itself.

    Raises
    ------
    SensitivityError
        Unknown names (with a suggestion), a size parameter, bounds outside the valid range,
        ``low >= high``, a fixed value out of range, or no parameter left to vary.
    """
    if levers is None:
        levers = [s.name for s in param_specs("lever")]
    entries: Mapping[str, Any] = (levers if isinstance(levers, Mapping)
                                  else {name: True for name in levers})
    varied: dict[str, tuple[float, float]] = {}
    fixed: dict[str, float] = {}
    for name, value in entries.items():
        s = _model_spec(name)
        if value is True or (isinstance(value, Sequence) and not isinstance(value, str)
                             and len(value) == 0):
            varied[name] = (float(s.low), float(s.high))
        elif isinstance(value, Sequence) and not isinstance(value, str):
            low, high = _pair(name, value, where="levers")
            if not (s.low <= low and high <= s.high):
                raise SensitivityError(
                    f"levers.{name} = [{low:g}, {high:g}] is outside the valid range; allowed: "
                    f"{s.low:g} to {s.high:g} ({s.unit})")
            varied[name] = (low, high)
        else:
            fixed[name] = _fixed_value(name, value, s.low, s.high, s.unit)
    if not varied:
        raise SensitivityError("levers: nothing varies; give at least one parameter a range "
                               "[low, high]")
    try:
        salib_problem(list(varied), varied)  # the metadata's own check, as a second guard
    except ParameterError as exc:
        raise SensitivityError(str(exc)) from None
    integer = tuple(n for n in varied if spec(n).is_integer)
    return Problem(tuple(varied), tuple(varied.values()), fixed, integer)


def _model_spec(name: str):  # noqa: ANN202 - ParamSpec
    known = [s.name for s in param_specs() if s.kind != "size"]
    if name not in known:
        sizes = [s.name for s in param_specs("size")]
        if name in sizes:
            raise SensitivityError(f"levers.{name}: a size parameter cannot vary; set it with "
                                   "'residents', 'communities' or 'months'")
        raise SensitivityError(f"levers: unknown parameter '{name}'{suggest(name, known)}; "
                               "see `cogov-sim params`")
    return spec(name)


def _pair(name: str, pair: Any, where: str) -> tuple[float, float]:
    if isinstance(pair, str) or not isinstance(pair, Sequence) or len(pair) != 2:
        raise SensitivityError(f"{where}.{name} = {pair!r}: expected [low, high]")
    try:
        low, high = (float(v) for v in pair)
    except (TypeError, ValueError):
        raise SensitivityError(f"{where}.{name} = {pair!r}: expected two numbers") from None
    if not (math.isfinite(low) and math.isfinite(high)):
        raise SensitivityError(f"{where}.{name} = {pair!r}: bounds must be finite")
    if not low < high:
        raise SensitivityError(f"{where}.{name} = [{low:g}, {high:g}]: low must be below high")
    return low, high


def _fixed_value(name: str, value: Any, low: float, high: float, unit: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SensitivityError(f"levers.{name} = {value!r}: expected [low, high] or a number "
                               "to hold it fixed")
    if not low <= value <= high:
        raise SensitivityError(f"levers.{name} = {value!r} is out of range; allowed: {low:g} to "
                               f"{high:g} ({unit})")
    return float(value)


def check_joint_constraints(problem: Problem, base: Params) -> None:
    """Refuse bounds under which a design point could break a joint constraint of the model.

    The model's own parameter check (``Params.__post_init__``, e.g. ``share_elderly +
    share_young <= 1``) is the only statement of its constraints; this asks it about
    points of the box the design samples from, every other value taken from ``base``:
    each input at its low and high bound, every pair of inputs at their four corners, then
    every vertex when at most :data:`MAX_VERTEX_CHECK` inputs vary. A constraint linear in
    the inputs is broken somewhere in the box only if it is broken at a vertex, so for
    those the check is exact. Nothing is sampled or run.

    Raises
    ------
    SensitivityError
        One line naming the varied parameters the broken constraint involves, their
        bounds, a point of the box that breaks it and the constraint.
    """
    for point in _probe_points(problem):
        values = {k: int(round(v)) if k in problem.integer else v for k, v in point.items()}
        try:
            base.replace(**values)
        except ParameterError as exc:
            raise SensitivityError(_explain(problem, base, point, str(exc))) from None


def _probe_points(problem: Problem) -> Iterator[dict[str, float]]:
    names, bounds = problem.names, dict(zip(problem.names, problem.bounds, strict=True))
    for name in names:
        for value in bounds[name]:
            yield {name: value}
    for a, b in itertools.combinations(names, 2):
        for corner in itertools.product(bounds[a], bounds[b]):
            yield dict(zip((a, b), corner, strict=True))
    if 2 < len(names) <= MAX_VERTEX_CHECK:
        for vertex in itertools.product(*(bounds[k] for k in names)):
            yield dict(zip(names, vertex, strict=True))


def _explain(problem: Problem, base: Params, point: Mapping[str, float], why: str) -> str:
    """The refusal: which varied parameters the model's message names (else the probed
    ones), their bounds and the values at which the constraint breaks."""
    bounds = dict(zip(problem.names, problem.bounds, strict=True))
    named = [n for n in problem.names if re.search(rf"\b{re.escape(n)}\b", why)]
    involved = named or list(point)
    ranges = " and ".join(f"levers.{k} = [{bounds[k][0]:g}, {bounds[k][1]:g}]"
                          for k in involved)
    at = ", ".join(f"{k} = {point.get(k, getattr(base, k)):g}" for k in involved)
    if len(involved) >= 2:
        return (f"{ranges} together can break a joint constraint of the model ({why}; e.g. "
                f"at {at}); narrow their bounds so that every combination is allowed, or "
                "vary only one of them")
    return (f"{ranges} can break a constraint of the model with the values held fixed "
            f"({why}; at {at}); narrow the bounds or change the fixed value")


def check_sample_size(method: str, n: int, num_vars: int, **options: Any) -> None:
    """Reject a sample size (and method options) the method cannot take, before any run.

    Sobol: ``n`` a power of 2, at least 4 (Sobol' sequences are balanced only at powers of
    2 and extend by doubling). Morris: at least 2 trajectories, ``num_levels`` even and at
    least 2. eFAST: ``n > 4 M^2`` (Nyquist condition, Saltelli et al. 1999). PAWN: ``n`` at
    least 10 times the number of conditioning slices.
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise SensitivityError(f"n = {n!r}: expected a whole number")
    if method == "sobol":
        if n < 4 or n & (n - 1):
            lower = 1 << max(2, n.bit_length() - 1)
            raise SensitivityError(
                f"n = {n}: Sobol needs a power of 2 (at least 4), e.g. {lower} or {lower * 2}")
    elif method == "morris":
        levels = options.get("num_levels", 4)
        if n < 2:
            raise SensitivityError(f"n = {n}: Morris needs at least 2 trajectories")
        if isinstance(levels, bool) or not isinstance(levels, int) or levels < 2 or levels % 2:
            raise SensitivityError(f"num_levels = {levels!r}: Morris needs an even whole number "
                                   "of levels, at least 2 (e.g. 4)")
    elif method == "efast":
        m = options.get("M", 4)
        if n <= 4 * m * m:
            raise SensitivityError(f"n = {n}: eFAST needs n > 4 M^2 = {4 * m * m} (M = {m}), "
                                   f"e.g. {max(65, 4 * m * m + 1)}")
    elif method == "pawn":
        slices = options.get("slices", 10)
        if n < 10 * slices:
            raise SensitivityError(f"n = {n}: PAWN needs at least 10 samples per slice "
                                   f"({10 * slices} for {slices} slices)")
    if num_vars < 1:
        raise SensitivityError("nothing varies")


__all__ = ["Problem", "SensitivityError", "check_joint_constraints", "check_sample_size",
           "function_problem",
           "model_problem"]
