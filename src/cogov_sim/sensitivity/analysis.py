"""The sensitivity pipeline: design, evaluate, estimate, check convergence, split noise.

One pipeline serves the model and any Python callable; only the evaluator differs
(:mod:`cogov_sim.sensitivity.evaluators`). Steps:

1. **Design.** The method's sampler, seeded. For Sobol, ``scramblings`` independent
   scrambled Sobol' designs (replicated randomised quasi-Monte Carlo, RQMC).
2. **Evaluate in stages.** Sobol designs extend by doubling (``n_start, 2 n_start, ...``);
   each stage evaluates only the new rows, so earlier evaluations are reused and an
   interrupted analysis keeps every finished stage.
3. **Replicate means.** A stochastic model runs ``replications`` times per design point
   (seeds keyed by point and replication); indices are computed on the replicate means.
4. **Convergence.** After each doubling the indices at ``n`` are compared with those at
   ``n/2`` (the first half of the same design, so this costs nothing). With a tolerance
   the sample grows until the largest change of S1/ST over all inputs and outputs is below
   it, or until the next doubling would exceed ``max_runs``; the verdict says which.
   Bootstrap intervals are not used for this: for scrambled Sobol' designs the error
   falls roughly like 1/N while the bootstrap interval shrinks like 1/sqrt(N), so the
   bootstrap overstates the error 7-35 times at N >= 1024 (research note
   ``sa_tools.md`` section 2.5; Owen 2020). With ``scramblings >= 2`` the intervals come
   from the spread of the independent scramblings instead (Student t).
5. **Noise share.** With replications, the share of an output's variance that is seed
   noise: mean within-point variance over total variance, per output; a warning when it
   exceeds one half.
6. **Over time.** The same indices for each time-resolved output column (per year).

References
----------
Owen, A. B. (2020). On dropping the first Sobol' point. arXiv:2008.08051.

L'Ecuyer, P., Lemieux, C. (2002). Recent advances in randomized quasi-Monte Carlo methods.
In: Modeling Uncertainty, 419-474. https://doi.org/10.1007/0-306-48102-2_20
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ..experiment.seeds import keyed_seed
from .evaluators import Evaluator, FunctionEvaluator
from .methods import CONF_LEVEL, Method, make_method
from .problem import Problem, SensitivityError, function_problem

#: Point ids are ``scrambling * STRIDE + row``: stable when a design is extended.
STRIDE = 10**9
#: Noise share above which results warn that seed noise dominates.
NOISE_WARNING = 0.5
#: Smallest base sample used in a convergence history.
HISTORY_MIN_N = 8
#: Default start of a Sobol sample grown to a tolerance.
DEFAULT_N_START = 64
#: Smallest base sample at which a tolerance may be declared met (the spread of a few
#: scramblings at tiny n is itself too noisy to trust).
MIN_VERDICT_N = 64
#: Independent scramblings used when a tolerance is given and ``scramblings`` is not.
TOLERANCE_SCRAMBLINGS = 8
#: What the reported error bound is (recorded in the manifest).
ERROR_BOUND_MEANING = ("largest half-width over all S1/ST of the 95 % Student-t interval "
                       "from the spread of independent scramblings (replicated RQMC)")


#: First key of every seed the analysis derives (:func:`analysis_seed`).
SEED_DOMAIN = 5


def analysis_seed(root_seed: int, purpose: int, index: int = 0) -> int:
    """Seed of a design (purpose 1), the bootstraps (2) or a callable's runs (3).

    A node of the experiment seed tree (:func:`cogov_sim.experiment.seeds.keyed_seed`)
    with a key of length 3, so it never coincides with a model run's seed (keys of length
    1 or 2).
    """
    return keyed_seed(root_seed, SEED_DOMAIN, purpose, index)


@dataclass
class SAResult:
    """Everything a sensitivity analysis found (tidy frames plus a verdict).

    Attributes
    ----------
    indices : DataFrame
        One row per (output, parameter, index): ``value``, ``conf`` (half-width of the
        interval), ``low``, ``high``, ``ci`` (``"scramblings"``: t-interval over independent
        scramblings; ``"bootstrap"``: SALib's bootstrap), ``boot_conf`` and ``change``
        (absolute change at the last doubling, Sobol only).
    convergence : DataFrame
        Sobol: ``n, runs, output, parameter, index, value, change`` for each power of two.
    noise : DataFrame
        Per output: ``within_var``, ``total_var``, ``noise_share`` (single run),
        ``noise_share_of_means`` (what the indices see) and ``replications_for_10pct``.
    time_indices : DataFrame
        ``output, year, parameter, index, value, conf`` for time-resolved outputs.
    points : DataFrame
        Design points with replicate means of every output.
    verdict : str
        ``"converged"``, ``"budget"`` or ``"fixed"``; ``verdict_text`` explains it.
    """

    method: str
    problem: Problem
    n: int
    replications: int
    scramblings: int
    seed: int
    design_seeds: list[int]
    runs: int
    verdict: str
    verdict_text: str
    tolerance: float | None
    max_runs: int | None
    change: float | None
    error_bound: float | None
    outputs: tuple[str, ...]
    primary: str
    indices: pd.DataFrame
    convergence: pd.DataFrame
    noise: pd.DataFrame
    time_indices: pd.DataFrame
    points: pd.DataFrame
    warnings: list[str] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)

    def table(self, index: str | None = None, column: str = "value") -> pd.DataFrame:
        """Parameter x output table of one index (default: the method's primary index)."""
        sel = self.indices[self.indices["index"] == (index or self.primary)]
        table = sel.pivot(index="parameter", columns="output", values=column)
        return table.reindex(index=list(self.problem.names), columns=list(self.outputs))

    def value(self, index: str, output: str | None = None) -> pd.Series:
        """One index for one output (default: the first) as a Series by parameter."""
        return self.table(index)[output or self.outputs[0]]

    def time_table(self, output: str, index: str | None = None) -> pd.DataFrame:
        """Parameter x year table of one index of a time-resolved output."""
        t = self.time_indices
        sel = t[(t["output"] == output) & (t["index"] == (index or self.primary))]
        return sel.pivot(index="parameter", columns="year", values="value").reindex(
            list(self.problem.names))

    def text_table(self) -> str:
        """The primary index (with its interval) per parameter and output, as aligned text."""
        table, conf = self.table(), self.table(column="conf")
        if table.empty:
            return "no indices (every output was constant or not finite)"
        width = max(len(p) for p in table.index) + 2
        lines = [f"{self.primary} ± interval".ljust(width)
                 + "".join(f"{str(c)[:22]:>24}" for c in table.columns)]
        for name in table.index:
            lines.append(name.ljust(width) + "".join(
                f"{_cell(table.loc[name, c], conf.loc[name, c]):>24}" for c in table.columns))
        return "\n".join(lines)

    def second_order(self) -> pd.DataFrame:
        """Second-order indices (Sobol with ``second_order``), one row per output and pair:
        ``output, parameter_a, parameter_b, value, conf, low, high, ci``; empty otherwise."""
        cols = ["output", "parameter_a", "parameter_b", "value", "conf", "low", "high", "ci"]
        sel = self.indices[self.indices["index"] == "S2"]
        if sel.empty:
            return pd.DataFrame(columns=cols)
        pairs = sel["parameter"].str.split("*", n=1, expand=True)
        out = sel.assign(parameter_a=pairs[0], parameter_b=pairs[1])
        return out[cols].reset_index(drop=True)

    def second_order_text(self, top: int = 10) -> str:
        """The ``top`` largest second-order indices with their intervals, as text."""
        table = self.second_order()
        if table.empty:
            return ""
        table = table.reindex(table["value"].abs().sort_values(ascending=False).index)[:top]
        width = max(len(f"{a} x {b}") for a, b in zip(table["parameter_a"],
                                                       table["parameter_b"], strict=True)) + 2
        lines = [f"{'S2 (largest) ± interval'.ljust(width)}{'output':>24}{'S2':>20}"]
        for r in table.itertuples():
            lines.append(f"{f'{r.parameter_a} x {r.parameter_b}'.ljust(width)}"
                         f"{str(r.output)[:22]:>24}{_cell(r.value, r.conf):>20}")
        return "\n".join(lines)

    def summary(self) -> dict[str, Any]:
        """A JSON-ready summary (for manifests)."""
        noise = {r.output: {"noise_share": _round(r.noise_share),
                            "noise_share_of_means": _round(r.noise_share_of_means),
                            "replications_for_10pct": r.replications_for_10pct}
                 for r in self.noise.itertuples()}
        return {"method": self.method, "options": self.options, "problem": self.problem.to_dict(),
                "n": self.n, "replications": self.replications, "scramblings": self.scramblings,
                "root_seed": self.seed, "design_seeds": self.design_seeds, "runs": self.runs,
                "verdict": self.verdict, "verdict_text": self.verdict_text,
                "tolerance": self.tolerance, "max_runs": self.max_runs,
                "last_change": _round(self.change), "error_bound": _round(self.error_bound),
                "error_bound_meaning": ERROR_BOUND_MEANING if self.error_bound is not None
                else None, "outputs": list(self.outputs),
                "primary_index": self.primary, "noise": noise, "warnings": list(self.warnings)}


def _cell(value: float, conf: float) -> str:
    if not math.isfinite(value):
        return "-"
    return f"{value:.3f} ± {conf:.3f}" if math.isfinite(conf) else f"{value:.3f}"


def _round(x: float | None, digits: int = 6) -> float | None:
    return None if x is None or not math.isfinite(x) else round(float(x), digits)


@dataclass
class Plan:
    """Sample sizes and budget of one analysis, checked before any evaluation."""

    method: Method
    problem: Problem
    n: int | None
    replications: int
    scramblings: int
    tolerance: float | None
    max_runs: int | None
    n_start: int

    def total_runs(self, n: int) -> int:
        return self.scramblings * self.replications * self.method.runs(n, self.problem.num_vars)

    def stages(self) -> list[int]:
        """The sample sizes evaluated in turn (a tolerance may stop before the last)."""
        if not self.method.extendable:
            return [self.n] if self.n is not None else []
        sizes, m = [], self.n_start
        last = self.n if self.tolerance is None else None
        while True:
            sizes.append(m)
            if last is not None and m >= last:
                return sizes
            budget = self.max_runs
            if last is None and budget is not None and self.total_runs(2 * m) > budget:
                return sizes
            m *= 2


def make_plan(method: Method, problem: Problem, *, n: int | None, replications: int,
              scramblings: int | None, tolerance: float | None, max_runs: int | None,
              n_start: int | None = None) -> Plan:
    """Check sizes, tolerance and budget; one-line :class:`SensitivityError` otherwise.

    ``scramblings=None`` means 1, or :data:`TOLERANCE_SCRAMBLINGS` with a tolerance (whose
    verdict needs the spread of independent scramblings).
    """
    if scramblings is None:
        scramblings = TOLERANCE_SCRAMBLINGS if tolerance is not None and method.extendable \
            else 1
    for key, value, low in (("replications", replications, 1), ("scramblings", scramblings, 1)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise SensitivityError(f"{key} = {value!r}: expected a whole number >= {low}")
    if scramblings > 1 and not method.extendable:
        raise SensitivityError(f"scramblings = {scramblings}: only Sobol designs are scrambled; "
                               "use 1")
    if tolerance is not None:
        if not method.extendable:
            raise SensitivityError(f"tolerance applies to sobol only (method = {method.name}); "
                                   "give n instead")
        if isinstance(tolerance, bool) or not isinstance(tolerance, int | float) or \
                not 0 < tolerance < 1:
            raise SensitivityError(f"tolerance = {tolerance!r}: expected a number between 0 "
                                   "and 1 (largest change of S1/ST allowed between doublings)")
        if max_runs is None:
            raise SensitivityError("tolerance needs max_runs (the run budget)")
        if scramblings < 2:
            raise SensitivityError(
                f"scramblings = {scramblings}: a tolerance needs at least 2 independent "
                f"scramblings (convergence is judged from their spread); use "
                f"{TOLERANCE_SCRAMBLINGS} or leave scramblings out")
    if max_runs is not None and (isinstance(max_runs, bool) or not isinstance(max_runs, int)
                                 or max_runs < 1):
        raise SensitivityError(f"max_runs = {max_runs!r}: expected a positive whole number")
    if n is None and tolerance is None:
        n = method.default_n
    if n is not None:
        method.check(n, problem)
    start = n_start or (n if tolerance is not None and n is not None else
                        min(n or DEFAULT_N_START, DEFAULT_N_START))
    if method.extendable:
        method.check(start, problem)
        if n is not None and tolerance is None and start > n:
            start = n
    plan = Plan(method, problem, n, replications, scramblings, float(tolerance)
                if tolerance is not None else None, max_runs, start)
    if tolerance is None and max_runs is not None and plan.total_runs(n) > max_runs:  # type: ignore[arg-type]
        raise SensitivityError(f"n = {n} needs {plan.total_runs(n):,} runs, more than max_runs = "  # type: ignore[arg-type]
                               f"{max_runs:,}")
    first = plan.total_runs(start if method.extendable else n)  # type: ignore[arg-type]
    if max_runs is not None and first > max_runs:
        raise SensitivityError(f"max_runs = {max_runs:,}: the first sample already needs "
                               f"{first:,} runs; raise max_runs or lower n")
    return plan


def run_pipeline(plan: Plan, evaluator: Evaluator, *, seed: int = 0,
                 progress: Callable[[str], None] | None = None) -> SAResult:
    """Run the analysis ``plan`` with ``evaluator`` (see the module docstring)."""
    method, problem = plan.method, plan.problem
    d = problem.num_vars
    design_seeds = [analysis_seed(seed, 1, s) for s in range(plan.scramblings)]
    boot_seed = analysis_seed(seed, 2)
    runs: list[pd.DataFrame] = []
    designs: list[np.ndarray] = [np.empty((0, d))] * plan.scramblings
    cache: dict[tuple[int, str], pd.DataFrame | None] = {}
    history: pd.DataFrame | None = None
    verdict, change, bound = "fixed", None, None
    done_rows = 0
    for n in plan.stages():
        rows = method.runs(n, d)
        for s in range(plan.scramblings):
            X = method.sample(problem, n, design_seeds[s])  # noqa: N806
            if not np.array_equal(X[:done_rows], designs[s][:done_rows]):  # pragma: no cover
                raise SensitivityError("the sampler did not extend the earlier design; "
                                       "cannot reuse earlier runs")
            designs[s] = X
            ids = s * STRIDE + np.arange(done_rows, rows)
            if progress:
                progress(f"{method.name}: n = {n}, scrambling {s + 1}/{plan.scramblings}, "
                         f"{len(ids) * plan.replications:,} runs")
            runs.append(evaluator(X[done_rows:rows], ids, plan.replications,
                                  f"n{n:06d}-s{s}"))
        done_rows = rows
        all_runs = pd.concat(runs, ignore_index=True)
        means = _means(all_runs, evaluator.outputs, designs, rows)
        if not method.extendable:
            break
        history = _history(method, problem, designs, means, evaluator.outputs, n, boot_seed,
                           plan, cache)
        change = _last_change(history, n)
        bound = _error_bound(history, n) if plan.scramblings >= 2 else None
        if plan.tolerance is not None:
            if bound is not None and bound < plan.tolerance and n >= MIN_VERDICT_N:
                verdict = "converged"
                break
            if plan.max_runs is not None and plan.total_runs(2 * n) > plan.max_runs:
                verdict = "budget"
    return _finish(plan, evaluator, seed, design_seeds, boot_seed, designs, all_runs, means,
                   history, verdict, change, bound, n, cache)


def _means(all_runs: pd.DataFrame, outputs: Sequence[str], designs: list[np.ndarray],
           rows: int) -> dict[int, pd.DataFrame]:
    """Replicate means per scrambling, ordered as the design rows; checks completeness."""
    cols = [c for c in all_runs.columns if c not in ("point_id", "replication")]
    grouped = all_runs.groupby("point_id", sort=True)[cols].mean()
    out = {}
    for s in range(len(designs)):
        ids = s * STRIDE + np.arange(rows)
        missing = np.setdiff1d(ids, grouped.index.to_numpy())
        if missing.size:
            raise SensitivityError(f"{missing.size:,} of {ids.size:,} design points have no "
                                   "finished run (failed runs?); indices need every point")
        out[s] = grouped.loc[ids]
    return out


def _estimate(method: Method, problem: Problem, X: np.ndarray, Y: np.ndarray,  # noqa: N803
              seed: int) -> pd.DataFrame | None:
    """Indices of one output, or None when the output is constant or not finite."""
    Y = np.asarray(Y, dtype=float)  # noqa: N806
    if not np.all(np.isfinite(Y)) or np.ptp(Y) <= 1e-12 * max(1.0, float(np.abs(Y).max())):
        return None
    return method.analyze(problem, X, Y, seed)


def _combine(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Mean over scramblings; a Student-t interval over them when there are two or more."""
    if len(frames) == 1:
        out = frames[0].copy()
        out["boot_conf"] = out["conf"]
        out["ci"] = np.where(out["conf"].notna(), "bootstrap", "none")
        return out
    stacked = np.stack([f["value"].to_numpy() for f in frames])
    k = len(frames)
    t = stats.t.ppf(0.5 + CONF_LEVEL / 2, k - 1)
    out = frames[0][["parameter", "index"]].copy()
    out["value"] = stacked.mean(axis=0)
    out["conf"] = t * stacked.std(axis=0, ddof=1) / math.sqrt(k)
    boot = np.stack([f["conf"].to_numpy() for f in frames])
    out["boot_conf"] = np.sqrt(np.nanmean(boot**2, axis=0) / k) if np.isfinite(boot).any() \
        else np.nan
    out["ci"] = "scramblings"
    return out


def _indices_at(method: Method, problem: Problem, designs: list[np.ndarray],
                means: dict[int, pd.DataFrame], output: str, n: int, seed: int,
                cache: dict[tuple[int, str], pd.DataFrame | None] | None = None
                ) -> pd.DataFrame | None:
    """Indices of ``output`` on the first ``n`` base points (cached by ``(n, output)``:
    a prefix of the design and its runs never changes once evaluated)."""
    if cache is not None:
        if (n, output) not in cache:
            cache[(n, output)] = _indices_at(method, problem, designs, means, output, n, seed)
        return cache[(n, output)]
    rows = method.runs(n, problem.num_vars)
    frames = []
    for s, X in enumerate(designs):  # noqa: N806
        f = _estimate(method, problem, X[:rows], means[s][output].to_numpy()[:rows], seed + s)
        if f is None:
            return None
        frames.append(f)
    return _combine(frames)


def _history(method: Method, problem: Problem, designs: list[np.ndarray],
             means: dict[int, pd.DataFrame], outputs: Sequence[str], n: int, seed: int,
             plan: Plan, cache: dict[tuple[int, str], pd.DataFrame | None]
             ) -> pd.DataFrame | None:
    """Indices at every power of two up to ``n`` (prefixes of the same design), or None
    when no output has indices."""
    frames = []
    sizes = [m for m in (2**k for k in range(2, 40)) if HISTORY_MIN_N <= m <= n] or [n]
    for m in sizes:
        for output in outputs:
            f = _indices_at(method, problem, designs, means, output, m, seed, cache)
            if f is None:
                continue
            f = f[f["index"].isin(("S1", "ST"))][["parameter", "index", "value", "conf"]].copy()
            f.insert(0, "output", output)
            f.insert(0, "runs", plan.total_runs(m))
            f.insert(0, "n", m)
            frames.append(f)
    if not frames:
        return None
    hist = pd.concat(frames, ignore_index=True)
    hist = hist.sort_values(["output", "parameter", "index", "n"], kind="stable")
    hist["change"] = hist.groupby(["output", "parameter", "index"])["value"].diff().abs()
    return hist.sort_values(["n", "output", "index", "parameter"],
                            kind="stable").reset_index(drop=True)


def _error_bound(history: pd.DataFrame | None, n: int) -> float | None:
    """Largest interval half-width of S1/ST at ``n`` over all inputs and outputs (from the
    spread of independent scramblings), or None when nothing has an interval."""
    if history is None:
        return None
    conf = history[history["n"] == n]["conf"]
    return float(conf.max()) if conf.notna().any() else None


def _last_change(history: pd.DataFrame | None, n: int) -> float | None:
    if history is None:
        return None
    last = history[history["n"] == n]["change"]
    return float(last.max()) if last.notna().any() else None


def _finish(plan: Plan, evaluator: Evaluator, seed: int, design_seeds: list[int],
            boot_seed: int, designs: list[np.ndarray], all_runs: pd.DataFrame,
            means: dict[int, pd.DataFrame], history: pd.DataFrame | None, verdict: str,
            change: float | None, bound: float | None, n: int,
            cache: dict[tuple[int, str], pd.DataFrame | None]) -> SAResult:
    method, problem = plan.method, plan.problem
    warns: list[str] = []
    outputs = tuple(evaluator.outputs)
    convergence = history if history is not None else pd.DataFrame(
        columns=["n", "runs", "output", "parameter", "index", "value", "conf", "change"])
    frames = []
    for output in outputs:
        f = _indices_at(method, problem, designs, means, output, n, boot_seed, cache)
        if f is None:
            warns.append(f"output {output} is constant or not finite over the design; "
                         "no indices")
            continue
        last = convergence[(convergence["n"] == n) & (convergence["output"] == output)]
        f = f.merge(last[["parameter", "index", "change"]], on=["parameter", "index"],
                    how="left")
        f.insert(0, "output", output)
        frames.append(f)
    cols = ["output", "parameter", "index", "value", "conf", "low", "high", "ci", "boot_conf",
            "change"]
    indices = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)
    if "change" not in indices:
        indices["change"] = np.nan
    indices["low"] = indices["value"] - indices["conf"]
    indices["high"] = indices["value"] + indices["conf"]
    indices = indices[cols]
    time_indices = _time_indices(method, problem, designs, means, evaluator, n, boot_seed)
    noise = noise_table(all_runs, outputs, plan.replications)
    warns += _noise_warnings(noise, plan.replications, getattr(evaluator, "stochastic", True))
    text = _verdict_text(plan, verdict, change, bound, n)
    if verdict == "budget":
        warns.append(text)
    points = _points(problem, designs, means)
    return SAResult(
        method=method.name, problem=problem, n=n, replications=plan.replications,
        scramblings=plan.scramblings, seed=int(seed), design_seeds=design_seeds,
        runs=plan.total_runs(n), verdict=verdict, verdict_text=text, tolerance=plan.tolerance,
        max_runs=plan.max_runs, change=change, error_bound=bound, outputs=outputs, primary=method.primary,
        indices=indices, convergence=convergence, noise=noise, time_indices=time_indices,
        points=points, warnings=warns, options=method.options())


def _time_indices(method: Method, problem: Problem, designs: list[np.ndarray],
                  means: dict[int, pd.DataFrame], evaluator: Evaluator, n: int,
                  seed: int) -> pd.DataFrame:
    frames = []
    for base, columns in evaluator.time_outputs.items():
        for year, column in columns:
            f = _indices_at(method, problem, designs, means, column, n, seed)
            if f is None:
                continue
            f = f[["parameter", "index", "value", "conf"]].copy()
            f.insert(0, "year", year)
            f.insert(0, "output", base)
            frames.append(f)
    if not frames:
        return pd.DataFrame(columns=["output", "year", "parameter", "index", "value", "conf"])
    return pd.concat(frames, ignore_index=True)


def noise_table(all_runs: pd.DataFrame, outputs: Sequence[str], replications: int) -> pd.DataFrame:
    """Share of each output's variance that is seed noise rather than parameters.

    ``noise_share`` = mean within-point variance (over replications) / total variance of
    single runs; ``noise_share_of_means`` = the same for replicate means, which is what the
    indices are computed on (within-point variance / R over the variance of the means);
    ``replications_for_10pct`` = replications per point that would bring the latter to
    10 %. All NaN with a single replication (noise cannot be separated).
    """
    rows = []
    for output in outputs:
        row: dict[str, Any] = {"output": output, "within_var": np.nan, "total_var": np.nan,
                               "noise_share": np.nan, "noise_share_of_means": np.nan,
                               "replications_for_10pct": None}
        y = all_runs[output].to_numpy(dtype=float)
        if replications >= 2 and np.all(np.isfinite(y)):
            g = all_runs.groupby("point_id")[output]
            within = float(g.var(ddof=1).mean())
            total = float(np.var(y, ddof=1))
            between = float(g.mean().var(ddof=1))
            row.update(within_var=within, total_var=total)
            if total > 0:
                row["noise_share"] = min(1.0, within / total)
            if between > 0:
                row["noise_share_of_means"] = min(1.0, within / replications / between)
            param = between - within / replications
            if within == 0:
                row["replications_for_10pct"] = 1
            elif param > 0:
                row["replications_for_10pct"] = int(math.ceil(9 * within / param))
        rows.append(row)
    return pd.DataFrame(rows, columns=["output", "within_var", "total_var", "noise_share",
                                       "noise_share_of_means", "replications_for_10pct"])


def _noise_warnings(noise: pd.DataFrame, replications: int, stochastic: bool) -> list[str]:
    if replications < 2:
        if not stochastic or not len(noise):
            return []
        return ["replications = 1: seed noise cannot be separated from parameter effects; "
                "use replications >= 2 for a stochastic model"]
    out = []
    for r in noise.itertuples():
        if np.isfinite(r.noise_share_of_means) and r.noise_share_of_means > NOISE_WARNING:
            out.append(f"noise dominates {r.output}: {r.noise_share_of_means:.0%} of the variance "
                       f"of the replicate means is seed noise (single runs: {r.noise_share:.0%})"
                       f"; indices are unreliable"
                       + (f" — about {r.replications_for_10pct} replications would bring it to "
                          "10 %" if r.replications_for_10pct else ""))
    return out


def _verdict_text(plan: Plan, verdict: str, change: float | None, bound: float | None,
                  n: int) -> str:
    if not plan.method.extendable:
        return f"fixed: n = {n} ({plan.total_runs(n):,} runs); no convergence check for " \
               f"{plan.method.name}"
    runs = f"{plan.total_runs(n):,} runs"
    k = plan.scramblings
    if bound is not None:
        within = (f"every S1/ST is within ±{bound:.3g} (95 % interval from the spread of {k} "
                  f"independent scramblings)")
        if verdict == "converged":
            return (f"converged: {within} < tolerance {plan.tolerance:g} at n = {n} ({runs})")
        if verdict == "budget":
            return (f"budget reached: the next doubling (n = {2 * n}, "
                    f"{plan.total_runs(2 * n):,} runs) would exceed max_runs = "
                    f"{plan.max_runs:,}; at n = {n} {within}, not yet below tolerance "
                    f"{plan.tolerance:g}")
        return f"fixed: n = {n} as requested ({runs}); {within}"
    if verdict == "budget":
        return (f"budget reached: the next doubling would exceed max_runs = "
                f"{plan.max_runs:,} at n = {n}; {runs}; no index with an interval")
    if change is None:
        return f"{verdict}: n = {n} ({runs}; no index to compare between doublings)"
    return (f"fixed: n = {n} as requested ({runs}); S1/ST moved at most {change:.3g} "
            f"between n = {n // 2} and n = {n} (not an error bound: use scramblings >= 2 for "
            "one)")


def _points(problem: Problem, designs: list[np.ndarray],
            means: dict[int, pd.DataFrame]) -> pd.DataFrame:
    frames = []
    for s, X in enumerate(designs):  # noqa: N806
        f = pd.DataFrame(X[: len(means[s])], columns=list(problem.names))
        f.insert(0, "row", np.arange(len(f)))
        f.insert(0, "scrambling", s)
        f.insert(0, "point_id", s * STRIDE + np.arange(len(f)))
        frames.append(pd.concat([f, means[s].reset_index(drop=True)], axis=1))
    return pd.concat(frames, ignore_index=True)


def analyze_function(func: Callable[..., Any], bounds: Mapping[str, Sequence[float]], *,
                     method: str = "sobol", n: int | None = None, replications: int = 1,
                     seed: int = 0, tolerance: float | None = None, max_runs: int | None = None,
                     scramblings: int | None = None, n_start: int | None = None,
                     outputs: Sequence[str] | None = None, vectorized: bool = False,
                     progress: Callable[[str], None] | None = None,
                     **options: Any) -> SAResult:
    """Global sensitivity analysis of any Python callable over declared bounds.

    The same pipeline as the model's (:func:`run_pipeline`); only the evaluator differs.

    Parameters
    ----------
    func
        ``func(**inputs) -> number | {output: number} | sequence`` (or, with
        ``vectorized=True``, ``func(X) -> array``). If it accepts ``seed``, each run gets
        its own seed keyed by (design point, replication).
    bounds
        ``{name: (low, high)}``; inputs are uniform over these bounds.
    method
        ``"sobol"`` (default), ``"morris"``, ``"efast"`` or ``"pawn"``.
    n
        Sample size: Sobol base sample (a power of 2), Morris trajectories, eFAST samples
        per input, PAWN points. With ``tolerance``, Sobol starts here (default 64).
    replications
        Evaluations per design point (stochastic functions); indices use their means.
    seed
        Root seed of designs, bootstraps and run seeds.
    tolerance, max_runs
        Grow a Sobol sample by doubling until every S1/ST is within ``tolerance`` (the
        half-width of its 95 % interval from the spread of independent scramblings), or
        the next doubling would exceed ``max_runs`` evaluations.
    scramblings
        Independent Sobol scramblings; with 2 or more the intervals come from their spread.
        Default: 1, or 8 with a tolerance.
    **options
        Method options: ``second_order`` (sobol), ``num_levels`` (morris), ``M`` (efast),
        ``slices`` (pawn).

    Returns
    -------
    SAResult

    Examples
    --------
    >>> import math
    >>> r = analyze_function(lambda a, b: a + 2 * b, {"a": (0, 1), "b": (0, 1)}, n=256)
    >>> round(float(r.value("ST")["b"]), 1)
    0.8
    """
    problem = function_problem(bounds)
    m = make_method(method, **options)
    plan = make_plan(m, problem, n=n, replications=replications, scramblings=scramblings,
                     tolerance=tolerance, max_runs=max_runs, n_start=n_start)
    evaluator = FunctionEvaluator(func, problem.names, outputs=outputs, vectorized=vectorized,
                                  root_seed=analysis_seed(seed, 3))
    return run_pipeline(plan, evaluator, seed=seed, progress=progress)



__all__ = ["SAResult", "analysis_seed", "analyze_function", "make_plan", "noise_table",
           "run_pipeline"]
