"""The model as an EMA Workbench model, so EMA users get all of EMA's analyses on it.

Needs the optional extra: ``pip install "cogov-sim[ema]"`` (the same as ``[explore]``).

>>> from ema_workbench import perform_experiments, SequentialEvaluator  # doctest: +SKIP
>>> from cogov_sim.ema import ema_model
>>> model = ema_model(levers=["list_strictness", "consultations_per_year"],
...                   outcomes=["participation_rate", "spend_total"],
...                   base="taicang_1_0", size={"months": 36, "n_residents": 1000},
...                   replications=4, root_seed=7)
>>> with SequentialEvaluator(model) as ev:
...     experiments, outcomes = perform_experiments(model, scenarios=50, evaluator=ev,
...                                                 uncertainty_sampling_kwargs={"rng": 1})
>>> outcomes["participation_rate"].shape      # (50 policies, 4 replications)
>>> outcomes["participation_rate_mean"]       # mean over replications, one per policy

What it builds (:func:`ema_model`):

- **levers** as ``RealParameter`` (``IntegerParameter`` for whole-number parameters) with
  the bounds from the parameter metadata (or narrower ones you give). By default they are
  declared as the model's ``uncertainties`` and sampled with ``scenarios=``: in EMA
  Workbench 3.0.0 a ``ReplicatorModel`` whose parameters are ``levers`` fails on its
  second policy ("Parameters exist in both ..."; reproduced here), while the same
  parameters as uncertainties run correctly. ``role="levers"`` declares them as levers
  (``policies=``) for EMA versions without that fault;
- **outcomes** as one ``ArrayOutcome`` per outcome (its value in each replication:
  the mean over the horizon months) and one ``ScalarOutcome`` ``<name>_mean`` (the mean
  over replications), for any outcome of :data:`cogov_sim.outcomes.OUTCOMES`;
- **replications** seeded from this package's seed tree: replication *r* gets
  ``derive_seed(root_seed, 0, r)`` — with common random numbers the seed every design
  point of ``cogov-sim experiment`` and ``cogov-sim discover`` uses for replication *r* —
  so a run through EMA equals the same run through our runner, bit for bit (tested).

EMA hands parameter values as NumPy scalars; they are turned into Python numbers here
(whole-number parameters rounded) before :class:`~cogov_sim.params.Params` sees them.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .discovery.prim import MissingExtraError, ema_module
from .experiment.seeds import derive_seed
from .outcomes import OUTCOME_NAMES
from .params import ParameterError, Params, param_specs, suggest
from .params import spec as param_spec
from .presets import load_preset

EXTRA_HINT = 'pip install "cogov-sim[ema]"'


def python_number(name: str, value: Any) -> float | int:
    """``value`` (a Python or NumPy number) as the Python type parameter ``name`` wants."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise ParameterError(f"{name} = {value!r}: expected a number")
    if param_spec(name).is_integer:
        return int(round(float(value)))
    return float(value)


@dataclass(frozen=True)
class ModelFunction:
    """The callable EMA runs: lever values and ``seed`` in, outcomes over the horizon out.

    Picklable (a module-level class holding plain data), so EMA's multiprocessing
    evaluator can ship it to workers.
    """

    base: Params
    """Every value the levers do not set (its community table too, if it has one)."""
    outcomes: tuple[str, ...]
    horizon: tuple[int, int] | None = None

    def __call__(self, seed: int, **values: Any) -> dict[str, float]:
        from .discovery.api import HorizonMeans
        from .runner import simulate

        changes = {k: python_number(k, v) for k, v in values.items()}
        params = self.base.replace(**changes)
        frame = simulate(params, int(seed))
        start, end = self.horizon or (params.months, params.months)
        row = HorizonMeans(start, end)(frame).iloc[0]
        return {o: float(row[o]) for o in self.outcomes}


def replication_seeds(root_seed: int, replications: int) -> list[dict[str, int]]:
    """EMA's ``replications`` list: ``[{"seed": derive_seed(root_seed, 0, r)}, ...]``."""
    return [{"seed": derive_seed(root_seed, 0, r, True)} for r in range(replications)]


def ema_model(name: str = "cogov", *,
              levers: Sequence[str] | Mapping[str, tuple[float, float]] | None = None,
              outcomes: Sequence[str] | None = None, base: str | Params = "baseline",
              size: Mapping[str, int] | None = None, horizon: tuple[int, int] | None = None,
              replications: int = 1, root_seed: int = 0,
              role: str = "uncertainties") -> Any:
    """The model as an EMA ``ReplicatorModel`` (see the module docstring).

    Parameters
    ----------
    levers
        Names (bounds from the metadata) or ``{name: (low, high)}``; default every lever.
    outcomes
        Outcome names; default every outcome.
    base
        A preset name or a :class:`Params`: every value the levers do not set.
    size
        ``months``, ``n_residents``, ``n_communities`` overrides of the base, or
        ``communities``: a community table (its name, a CSV path or a
        :class:`~cogov_sim.communities.CommunityTable`) kept in every run.
    horizon
        Months ``(first, last)`` averaged into each outcome; default the last month only.
    replications, root_seed
        Seeds of the replications, from the package's seed tree.
    role
        ``"uncertainties"`` (default; sample with ``scenarios=``) or ``"levers"``
        (``policies=``); see the module docstring for why.

    Raises
    ------
    MissingExtraError
        EMA Workbench is not installed (one line naming the extra to install).
    ParameterError
        An unknown lever or outcome, or bounds outside the metadata's.
    """
    try:
        ema = ema_module("cogov_sim.ema")
    except MissingExtraError:
        raise MissingExtraError("cogov_sim.ema needs EMA Workbench, which is not installed; "
                                f"install it with: {EXTRA_HINT}") from None
    params = base if isinstance(base, Params) else load_preset(base)
    params = params.replace(**dict(size or {}))
    ranges = _lever_ranges(levers)
    names = tuple(outcomes) if outcomes is not None else OUTCOME_NAMES
    for o in names:
        if o not in OUTCOME_NAMES:
            raise ParameterError(f"unknown outcome '{o}'{suggest(o, OUTCOME_NAMES)}")
    if horizon is not None and not 1 <= horizon[0] <= horizon[1] <= params.months:
        raise ParameterError(f"horizon = {horizon}: expected 1 <= first <= last <= "
                             f"{params.months}")
    if isinstance(replications, bool) or not isinstance(replications, int) or replications < 1:
        raise ParameterError(f"replications = {replications!r}: expected a whole number >= 1")
    model = ema.ReplicatorModel(name, function=ModelFunction(params, names, horizon))
    if role not in ("uncertainties", "levers"):
        raise ParameterError(f"role = {role!r}; allowed: uncertainties, levers")
    setattr(model, role, [_parameter(ema, k, lo, hi) for k, (lo, hi) in ranges.items()])
    model.outcomes = [*(ema.ArrayOutcome(o) for o in names),
                      *(ema.ScalarOutcome(f"{o}_mean", variable_name=o, function=np.mean)
                        for o in names)]
    model.replications = replication_seeds(root_seed, replications)
    return model


def _lever_ranges(levers: Sequence[str] | Mapping[str, tuple[float, float]] | None
                  ) -> dict[str, tuple[float, float]]:
    known = [s.name for s in param_specs("lever")]
    if levers is None:
        levers = known
    chosen = dict(levers) if isinstance(levers, Mapping) else dict.fromkeys(levers)
    if not chosen:
        raise ParameterError("levers: empty; name at least one lever")
    out = {}
    for lever, bounds in chosen.items():
        if lever not in known:
            raise ParameterError(f"unknown lever '{lever}'{suggest(lever, known)}; see "
                                 "`cogov-sim params --kind lever`")
        s = param_spec(lever)
        lo, hi = bounds if bounds is not None else (s.low, s.high)
        if not s.low <= lo < hi <= s.high:
            raise ParameterError(f"bounds for {lever} = [{lo:g}, {hi:g}]; allowed: low < high "
                                 f"within {s.low:g} to {s.high:g} ({s.unit})")
        out[lever] = (float(lo), float(hi))
    return out


def _parameter(ema: Any, name: str, low: float, high: float) -> Any:
    if param_spec(name).is_integer:
        return ema.IntegerParameter(name, int(low), int(high))
    return ema.RealParameter(name, low, high)


__all__ = ["ModelFunction", "ema_model", "python_number", "replication_seeds"]
