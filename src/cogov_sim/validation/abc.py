"""Approximate Bayesian computation (ABC-SMC) of parameters and rule constants against
pattern bands, with a posterior predictive check on held-out patterns.

Rejection filtering (``cogov-sim calibrate``'s method so far) keeps the prior samples
whose targets all fall inside their bands; ABC-SMC (Toni et al. 2009; Beaumont et al.
2009) gets there in generations, each proposing from the last one's weighted particles
with a shrinking tolerance, so many more parameters can be calibrated for the same number
of runs. The engine is pyabc (Klinger, Rickert & Hasenauer 2018; Schälte et al. 2022),
a maintained ABC-SMC library; it is an optional dependency (``pip install
"cogov-sim[abc]"``).

What is calibrated (:class:`Prior`) is any model parameter (``admin_task_load``) or any
rule constant (``consultation.MOBILISE``, :mod:`cogov_sim.constants`), each with a uniform
prior over stated bounds. What it is calibrated on are patterns of
:mod:`cogov_sim.validation.patterns` (the targets). A pattern's source gives a band, not a
point (the research note: "treat single-site figures as ranges"), so the distance of a
particle is how far its statistics lie outside the bands, in band widths, summed over the
targets (zero inside every band; a one-sided band's width is its bound's magnitude, or 1).
A particle's statistics come from ``replications`` paired runs (every scenario a target
needs on the same seed; the mean over seeds).

Reproducibility: with one worker the whole calibration is a function of ``root_seed``
(numpy's global generator, which pyabc draws from, is seeded with it, and each particle's
run seeds are drawn from it); with several worker processes pyabc's samplers draw in the
workers, and the posterior is a statistically equivalent sample, not the same one. The
populations are kept in an SQLite database in the results folder (pyabc's ``History``),
one row per particle with its weight and distance; a calibration interrupted between
generations continues from the last finished one (:func:`run_abc` with the same folder).

The posterior predictive check draws ``predictive_draws`` particles by weight and runs
every held-out pattern's scenarios for each on fresh seeds: per pattern, the band, the
predictive mean and 95 % interval and the share of draws inside the band.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..constants import registry
from ..params import ParameterError, param_specs, suggest
from ..runner import simulate
from ..spinup import shares_spinup, spin_up, spinup_key
from ..timeline import load_scenario
from .patterns import BY_ID, INF, PATTERN_IDS, TIMELINE, YearlyMeans, scenarios_for
from .spec import CalibrationSpec

ABC_INSTALL = 'pip install "cogov-sim[abc]"'
DATABASE = "abc.db"


class AbcError(ParameterError):
    """A calibration that cannot run as asked (one-line message; the command line reports
    it as bad input)."""


@dataclass(frozen=True)
class Prior:
    """A uniform prior over ``[low, high]`` for a parameter or a rule constant."""

    name: str
    low: float
    high: float

    @property
    def is_constant(self) -> bool:
        return "." in self.name

    def check(self) -> None:
        """One-line errors: an unknown name, bounds that are not an interval, or bounds
        outside a parameter's valid range."""
        if self.is_constant:
            if self.name not in registry():
                raise AbcError(f"prior '{self.name}': unknown constant"
                               f"{suggest(self.name, tuple(registry()))}")
        else:
            specs = {s.name: s for s in param_specs()}
            if self.name not in specs:
                raise AbcError(f"prior '{self.name}': unknown parameter"
                               f"{suggest(self.name, tuple(specs))}")
            s = specs[self.name]
            if self.low < s.low or self.high > s.high:
                raise AbcError(f"prior '{self.name}' = [{self.low:g}, {self.high:g}]: allowed "
                               f"within [{s.low:g}, {s.high:g}]")
        if not (math.isfinite(self.low) and math.isfinite(self.high) and self.low < self.high):
            raise AbcError(f"prior '{self.name}' = [{self.low:g}, {self.high:g}]: allowed: "
                           "two finite numbers, low < high")


@dataclass(frozen=True)
class AbcProblem:
    """What to calibrate, against what, at which size."""

    priors: tuple[Prior, ...]
    targets: tuple[str, ...]
    """Pattern ids the distance is computed on."""
    held_out: tuple[str, ...] = ()
    """Pattern ids of the posterior predictive check (disjoint from ``targets``)."""
    size: Mapping[str, int] = field(default_factory=dict)
    """Size parameters of every run (``n_residents``, ``months``, ...)."""
    context: Mapping[str, float] = field(default_factory=dict)
    """Fixed parameter values of every run (not calibrated)."""
    bands: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    """Bands that replace a pattern's own (a twin experiment's synthetic band)."""
    replications: int = 1

    def __post_init__(self) -> None:
        if not self.priors:
            raise AbcError("no priors: give at least one parameter or constant to calibrate")
        names = [p.name for p in self.priors]
        if len(set(names)) != len(names):
            raise AbcError(f"priors: a name is given twice ({', '.join(names)})")
        for prior in self.priors:
            prior.check()
        for pid in (*self.targets, *self.held_out):
            if pid not in BY_ID:
                raise AbcError(f"unknown pattern '{pid}'{suggest(pid, PATTERN_IDS)}; "
                               f"allowed: {', '.join(PATTERN_IDS)}")
        if not self.targets:
            raise AbcError("no targets: give at least one pattern id to calibrate on")
        both = set(self.targets) & set(self.held_out)
        if both:
            raise AbcError(f"patterns {', '.join(sorted(both))} are both targets and held "
                           "out: a pattern calibrated on is no test")
        if self.replications < 1:
            raise AbcError(f"replications = {self.replications}: allowed: 1 or more")

    def band(self, pid: str) -> tuple[float, float]:
        return self.bands.get(pid, (BY_ID[pid].low, BY_ID[pid].high))

    def statistics(self, values: Mapping[str, float], ids: Sequence[str],
                   seeds: Sequence[int]) -> dict[str, float]:
        """Mean over ``seeds`` of each pattern's statistic for one particle (``values`` of
        the priors), every scenario a pattern needs on the same seed."""
        specs = {spec.name: spec for spec in param_specs()}
        params = {k: (round(v) if specs[k].is_integer else v)  # a whole-number parameter
                  for k, v in values.items() if "." not in k}  # is proposed on a continuum
        constants = {k: v for k, v in values.items() if "." in k}
        per_seed = []
        for seed in seeds:
            data, spinups = {}, {}
            for scenario in scenarios_for(tuple(ids)):
                size = dict(self.size)
                if scenario == TIMELINE:  # a timeline sets its own months
                    size.pop("months", None)
                p = load_scenario(scenario, **size, **dict(self.context), **params)
                if constants:
                    p = p.with_constants(constants)
                shared = None  # the scenarios of one seed start from one spin-up
                if shares_spinup(p):
                    key = spinup_key(p, seed)
                    shared = spinups[key] = spinups.get(key) or spin_up(p, seed)
                data[scenario] = YearlyMeans()(simulate(p, seed, spinup=shared))
            per_seed.append([BY_ID[pid].fn(data) for pid in ids])
        with np.errstate(invalid="ignore"):
            means = np.nanmean(np.array(per_seed, dtype=float), axis=0)
        return dict(zip(ids, means.tolist(), strict=True))

    def distance(self, stats: Mapping[str, float]) -> float:
        """Sum over targets of the distance outside each band, in band widths."""
        total = 0.0
        for pid in self.targets:
            low, high = self.band(pid)
            x = stats[pid]
            if not math.isfinite(x):
                return math.inf
            width = (high - low if math.isfinite(high - low)
                     else max(abs(low if math.isfinite(low) else high), 1.0))
            total += (max(0.0, low - x) + max(0.0, x - high)) / width
        return total


@dataclass(frozen=True)
class AbcResult:
    problem: AbcProblem
    folder: Path
    particles: pd.DataFrame
    """The last generation: one row per particle, its values, ``weight`` and ``distance``."""
    posterior: pd.DataFrame
    """Per prior: bounds, weighted mean, standard deviation and 2.5/50/97.5 % quantiles."""
    generations: pd.DataFrame
    """Per generation: tolerance (epsilon), particles, simulations so far, acceptance."""
    predictive: pd.DataFrame
    """Per held-out pattern: band, predictive mean, 95 % interval, share inside the band."""

    def text(self, lang: str = "en") -> str:
        """The posterior and the predictive check as aligned text."""
        zh = lang == "zh"
        last = self.generations.iloc[-1]
        lines = [(f"ABC-SMC: {len(self.generations)} 代, 每代 {int(last['particles'])} 个粒子, "
                  f"最终容差 {last['tolerance']:.3g}(目标区间宽度之和; 0 = 全部落在区间内), "
                  f"共 {int(self.generations['simulations'].sum())} 次模拟") if zh else
                 (f"ABC-SMC: {len(self.generations)} generations of "
                  f"{int(last['particles'])} particles, final tolerance "
                  f"{last['tolerance']:.3g} (band widths outside the targets' bands; 0 = all "
                  f"inside), {int(self.generations['simulations'].sum())} simulations")]
        head = ("名称", "先验", "后验均值", "95%区间") if zh else ("name", "prior", "mean",
                                                              "95 % interval")
        width = max(len(n) for n in [head[0], *self.posterior["name"]]) + 2
        lines.append(f"{head[0]:<{width}}{head[1]:<18}{head[2]:<12}{head[3]}")
        for r in self.posterior.itertuples():
            lines.append(f"{r.name:<{width}}{f'{r.prior_low:g}–{r.prior_high:g}':<18}"
                         f"{r.mean:<12.4g}{r.q025:.4g}–{r.q975:.4g}")
        if len(self.predictive):
            lines.append("留出模式的后验预测:" if zh else "held-out patterns under the posterior:")
            for r in self.predictive.itertuples():
                lines.append(f"  {r.pattern}: {'区间' if zh else 'band'} {r.low:g}–{r.high:g}, "
                             f"{'预测' if zh else 'predicted'} {r.mean:.3g} "
                             f"[{r.q025:.3g}, {r.q975:.3g}], "
                             f"{'落在区间内' if zh else 'inside'} {r.inside:.0%}")
        return "\n".join(lines)


def weighted_quantile(x: np.ndarray, w: np.ndarray, q: float) -> float:
    order = np.argsort(x)
    cum = np.cumsum(w[order]) / w.sum()
    return float(x[order][min(np.searchsorted(cum, q), x.size - 1)])


def posterior_table(problem: AbcProblem, particles: pd.DataFrame) -> pd.DataFrame:
    w = particles["weight"].to_numpy(float)
    rows = []
    for prior in problem.priors:
        x = particles[prior.name].to_numpy(float)
        mean = float(np.sum(w * x) / w.sum())
        rows.append({"name": prior.name, "prior_low": prior.low, "prior_high": prior.high,
                     "mean": mean, "sd": float(np.sqrt(np.sum(w * (x - mean) ** 2) / w.sum())),
                     "q025": weighted_quantile(x, w, 0.025), "median": weighted_quantile(x, w, 0.5),
                     "q975": weighted_quantile(x, w, 0.975)})
    return pd.DataFrame(rows)


def run_abc(problem: AbcProblem, folder: str | Path, *, population: int = 100,
            generations: int = 6, root_seed: int = 0, workers: int = 1,
            predictive_draws: int = 20) -> AbcResult:
    """Run (or continue) ABC-SMC for ``problem`` in ``folder``; stop after ``generations``
    generations or when every particle lies inside every band (tolerance 0)."""
    try:
        import pyabc
    except ImportError as exc:
        raise AbcError(f"ABC-SMC calibration needs pyabc: {ABC_INSTALL}") from exc
    import logging

    for name in ("ABC", "ABC.History", "ABC.Sampler", "ABC.Adaptation", "ABC.Distance",
                 "ABC.Epsilon", "ABC.Population", "ABC.Predictor"):
        logging.getLogger(name).setLevel(logging.WARNING)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    names = [p.name for p in problem.priors]
    # pyabc draws from numpy's global generator: seeding it is what makes one worker's
    # calibration a function of root_seed
    np.random.seed(root_seed % 2**32)  # noqa: NPY002

    def model(theta: Mapping[str, float]) -> dict[str, float]:
        seeds = [int(s) for s in np.random.randint(0, 2**31 - 1,  # noqa: NPY002 - as above
                                                      size=problem.replications)]
        values = {n: float(theta[n]) for n in names}
        return problem.statistics(values, problem.targets, seeds)

    prior = pyabc.Distribution(**{p.name: pyabc.RV("uniform", p.low, p.high - p.low)
                                  for p in problem.priors})
    sampler = (pyabc.sampler.SingleCoreSampler() if workers <= 1
               else pyabc.sampler.MulticoreEvalParallelSampler(n_procs=workers))
    abc = pyabc.ABCSMC(model, prior, lambda x, _x0: problem.distance(x),
                       population_size=population, sampler=sampler)
    db = "sqlite:///" + str((folder / DATABASE).resolve())
    if (folder / DATABASE).exists():
        history = pyabc.History(db)
        abc.load(db, history.id)
        done = history.n_populations
    else:
        abc.new(db, {pid: 0.0 for pid in problem.targets})
        done = 0
    if done < generations:
        history = abc.run(minimum_epsilon=0.0, max_nr_populations=generations - done)
    frame, weights = history.get_distribution(m=0, t=history.max_t)
    particles = frame.reset_index(drop=True)[names].copy()
    particles["weight"] = np.asarray(weights, dtype=float)
    particles["distance"] = history.get_weighted_distances(t=history.max_t)["distance"].to_numpy()
    pops = history.get_all_populations()
    pops = pops[pops["t"] >= 0].rename(columns={"t": "generation", "epsilon": "tolerance",
                                               "samples": "simulations"})
    result = AbcResult(problem, folder, particles, posterior_table(problem, particles),
                       pops.reset_index(drop=True),
                       predictive_check(problem, particles, predictive_draws, root_seed))
    particles.to_csv(folder / "posterior_particles.csv", index=False)
    result.posterior.to_csv(folder / "posterior.csv", index=False)
    result.generations.to_csv(folder / "generations.csv", index=False)
    result.predictive.to_csv(folder / "predictive.csv", index=False)
    return result


def predictive_check(problem: AbcProblem, particles: pd.DataFrame, draws: int,
                     root_seed: int) -> pd.DataFrame:
    """Held-out patterns under ``draws`` particles drawn by weight, each on a fresh seed."""
    if not problem.held_out or draws < 1:
        return pd.DataFrame(columns=["pattern", "low", "high", "mean", "q025", "q975",
                                     "inside"])
    rng = np.random.default_rng([root_seed, 1])
    w = particles["weight"].to_numpy(float)
    picks = rng.choice(len(particles), size=draws, p=w / w.sum())
    names = [p.name for p in problem.priors]
    values = []
    for i, row in enumerate(picks):
        theta = {n: float(particles.iloc[row][n]) for n in names}
        seeds = [int(s) for s in rng.integers(0, 2**31 - 1, size=problem.replications)]
        stats = problem.statistics(theta, problem.held_out, seeds)
        values.append({"draw": i, **stats})
    frame = pd.DataFrame(values)
    rows = []
    for pid in problem.held_out:
        low, high = problem.band(pid)
        x = frame[pid].to_numpy(float)
        x = x[np.isfinite(x)]
        rows.append({"pattern": pid, "low": low, "high": high if high != INF else math.inf,
                     "mean": float(x.mean()) if x.size else math.nan,
                     "q025": float(np.quantile(x, 0.025)) if x.size else math.nan,
                     "q975": float(np.quantile(x, 0.975)) if x.size else math.nan,
                     "inside": float(np.mean((x >= low) & (x <= high))) if x.size else math.nan})
    return pd.DataFrame(rows)


def problem_of(spec: CalibrationSpec) -> AbcProblem:
    """The ABC problem a calibration spec with ``method = "abc-smc"`` states."""
    return AbcProblem(
        priors=priors_from({**spec.parameters, **spec.constants}), targets=spec.targets,
        held_out=spec.held_out, size=spec.size.params(), context=dict(spec.context),
        bands={k: v for k, v in spec.bands.items()}, replications=spec.replications)


def run_spec(spec: CalibrationSpec, out: str | Path | None = None,
             workers: int = 1) -> AbcResult:
    """``cogov-sim calibrate`` with ``method = "abc-smc"``: run (or continue) in the spec's
    results folder, with a manifest (spec, seeds, versions, commit) and ``report.md``."""
    from ..provenance import command_line, environment, now
    from ..store import default_folder, write_json

    problem = problem_of(spec)
    folder = Path(out) if out is not None else default_folder(spec.name, spec.fingerprint())
    started = now()
    result = run_abc(problem, folder, population=spec.population,
                     generations=spec.generations, root_seed=spec.root_seed,
                     workers=workers, predictive_draws=spec.predictive_draws)
    write_json(folder / "manifest.json", {
        "kind": "calibration", **environment(), "command": command_line(),
        "started": started, "finished": now(), "calibration": spec.identity(),
        "name": spec.name, "description": spec.description, "workers": workers,
        "reproducible": workers <= 1,
        "outputs": {DATABASE: "pyabc's history: every generation's particles",
                    "posterior.csv": "per prior: weighted mean, sd, 2.5/50/97.5 % quantiles",
                    "posterior_particles.csv": "the last generation's particles and weights",
                    "generations.csv": "tolerance, particles and simulations per generation",
                    "predictive.csv": "held-out patterns under posterior draws",
                    "report.md": "the above as text"}})
    (folder / "report.md").write_text(result.text() + "\n", encoding="utf-8")
    return result


def priors_from(mapping: Mapping[str, Sequence[float]]) -> tuple[Prior, ...]:
    """``{"name": [low, high], ...}`` to priors (one-line errors)."""
    out = []
    for name, bounds in mapping.items():
        if len(bounds) != 2:
            raise AbcError(f"prior '{name}' = {list(bounds)!r}: allowed: [low, high]")
        out.append(Prior(name, float(bounds[0]), float(bounds[1])))
    return tuple(out)


__all__ = ["ABC_INSTALL", "AbcError", "AbcProblem", "AbcResult", "Prior", "posterior_table",
           "predictive_check", "priors_from", "problem_of", "run_abc", "run_spec"]
