"""What the dashboard runs, without the page: this run and its reference on one seed, the
ensemble of seeds behind the bands, and the table of the numbers on screen.

No Solara here (the page is :mod:`cogov_sim.dashboard.app`), so everything is testable
without a browser. No model logic either: the runs are :class:`~cogov_sim.model.CoGovModel`
runs built as the command line builds them, and every number shown or written is what
their recorders recorded.
"""

from __future__ import annotations

import csv
import io
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..communities import DEFAULT
from ..experiment.seeds import keyed_seed
from ..model import CoGovModel
from ..outcomes import OUTCOME_NAMES, outcome
from ..params import param_specs
from ..presets import preset_values
from ..viz import live
from ..viz.labels import (
    outcome_label,
    param_label,
    pick,
    scenario_label,
    tidy_zh,
    unit_label,
    word,
)

SIZES: dict[str, int | str] = {"n_residents": 20_000, "communities": DEFAULT,
                               "residents_per_agent": 10, "spinup_months": 36, "months": 240}
"""A small township, so that a month takes milliseconds: the default township's 20
communities of unequal sizes (:data:`cogov_sim.communities.DEFAULT`) scaled to 20,000
residents, 2,000 resident agents, a three-year spin-up, twenty reported years at most."""
SEED = 42
"""The seed of this run and of its reference (the same township, the same draws until
their policies differ)."""
REFERENCE = "baseline"
"""The reference drawn beside this run unless the page picks another."""
ENSEMBLE_SEEDS = 10
"""Seeds of the ensemble behind the bands: replications 0–9 of the package's seed tree
below :data:`SEED` (:func:`~cogov_sim.experiment.seeds.keyed_seed`). A run of the
dashboard's size takes about 0.7 s of one core, so the ensemble (the scenario and the
reference on every seed) takes about 14 s of one core, shared among
:data:`ENSEMBLE_WORKERS` processes."""
ENSEMBLE_WORKERS = max(1, min(4, os.cpu_count() or 1))
"""Worker processes for the dashboard's ensemble: the machine's cores, at most four."""


BARE_UNITS = frozenset({"share", "0-1", "share of budget", "probability", "strength", "weight"})
"""Units that say what kind of number a value is rather than what it counts: written after
the value in brackets (``0.9 (share)``)."""


def value_text(value: float, unit: str, lang: str) -> str:
    """A lever's value with its unit: ``12 per neighbourhood per year`` / ``12次/居民小组·年``,
    ``0.9 (share)`` / ``0.9(比例)``."""
    label = unit_label(unit, lang)
    if unit in BARE_UNITS:
        return f"{value:g} ({label})" if lang == "en" else f"{value:g}({label})"
    return f"{value:g} {label}" if lang == "en" else f"{value:g}{label}"


def changed_levers(preset: str | None, levers: dict[str, float]) -> dict[str, float]:
    """``levers`` that differ from preset ``preset``'s values (the defaults without one)."""
    given = preset_values(preset) if preset else {}
    defaults = {s.name: s.default for s in param_specs("lever")}
    return {name: value for name, value in levers.items()
            if value != given.get(name, defaults[name])}


class Runs:
    """This run (a preset with the page's lever values) and its reference (a preset as it
    is), on the same seed and stepped together, so that month *n* of both is on screen.

    ``lock`` is held while a month is run and while the page reads the models: Play runs
    months in one thread while the page is drawn in another (a chart read halfway through
    a month's row failed and blanked the page). A step at the horizon does nothing, so
    Play can never run past it.
    """

    def __init__(self, preset: str, levers: dict[str, float] | None = None,
                 reference: str | None = REFERENCE, seed: int = SEED,
                 sizes: dict[str, Any] | None = None) -> None:
        self.sizes = dict(SIZES if sizes is None else sizes)
        self.seed = seed
        self.preset = preset
        self.model = CoGovModel(preset=preset, rng=seed, **self.sizes, **(levers or {}))
        self.reference_name = reference
        self.reference = (CoGovModel(preset=reference, rng=seed, **self.sizes)
                          if reference else None)
        self.lock = threading.RLock()

    @property
    def horizon(self) -> int:
        return int(self.model.policy.months)

    @property
    def months(self) -> int:
        return int(self.model.recorder.n)

    @property
    def running(self) -> bool:
        return bool(self.model.running)

    def levers(self) -> dict[str, float]:
        return self.model.policy.levers()

    def step(self) -> None:
        """One month of this run and of the reference (nothing once at the horizon)."""
        with self.lock:
            if not self.model.running:
                return
            self.model.step()
            if self.reference is not None and self.reference.running:
                self.reference.step()


@dataclass(eq=False)
class Ensemble:
    """The recorded outcomes of one scenario over several seeds (``values``: seeds ×
    months × outcomes, as the recorder stores them), and the band drawn from them: the
    lowest and highest value of any seed, month by month. With a ``reference``, its runs
    on the same seeds (``reference_values``), for paired differences."""

    preset: str
    levers: dict[str, float]
    seeds: list[int]
    values: np.ndarray = field(repr=False)
    reference: str | None = None
    reference_values: np.ndarray | None = field(default=None, repr=False)

    @property
    def months(self) -> int:
        return int(self.values.shape[1])

    def low(self) -> np.ndarray:
        return np.nanmin(self.values, axis=0)

    def high(self) -> np.ndarray:
        return np.nanmax(self.values, axis=0)


def matches(ensemble: Ensemble | None, runs: Runs) -> bool:
    """Whether ``ensemble`` is of the scenario of ``runs`` (same preset, same levers): only
    then are its bands drawn."""
    return ensemble is not None and ensemble.preset == runs.preset \
        and ensemble.levers == runs.levers()


def ensemble_seeds(n: int = ENSEMBLE_SEEDS, seed: int = SEED) -> list[int]:
    return [keyed_seed(seed, r) for r in range(n)]


def run_ensemble(preset: str, levers: dict[str, float], n: int = ENSEMBLE_SEEDS,
                 seed: int = SEED, sizes: dict[str, Any] | None = None,
                 on_run: Callable[[int], None] | None = None,
                 cancelled: Callable[[], bool] = lambda: False,
                 reference: str | None = None, workers: int = 1) -> Ensemble | None:
    """``n`` runs of ``preset`` with ``levers`` to the horizon, one per seed of
    :func:`ensemble_seeds`, and as many of preset ``reference`` on the same seeds if
    given; ``on_run(done)`` after each run, None if ``cancelled()``. With ``workers``
    above 1 the runs go to local worker processes (the package's
    :func:`~cogov_sim.experiment.executors.make_executor`), which leaves the page's
    process free to draw."""
    from ..experiment.executors import make_executor

    sizes = dict(SIZES if sizes is None else sizes)
    seeds = ensemble_seeds(n, seed)
    plan = [(preset, dict(levers)), *([(reference, {})] if reference else [])]
    items = [(k, i) for i in range(len(seeds)) for k in range(len(plan))]
    found: dict[tuple[int, int], np.ndarray] = {}
    with make_executor(workers) as executor:
        results = executor.map_unordered(_ensemble_run, items, (plan, seeds, sizes))
        try:
            for item, result in results:
                if isinstance(result, BaseException):
                    raise result
                found[item] = result
                if on_run is not None:
                    on_run(len(found))
                if cancelled():
                    return None
        finally:
            results.close()  # stops the workers if the loop ended early
    values = [np.stack([found[(k, i)] for i in range(len(seeds))]) for k in range(len(plan))]
    return Ensemble(preset, dict(levers), seeds, values[0], reference,
                    values[1] if reference else None)


def _ensemble_run(shared: tuple[list[tuple[str, dict[str, float]]], list[int], dict[str, Any]],
                  item: tuple[int, int]) -> np.ndarray:
    """One run of the ensemble: scenario ``k`` of the plan on seed ``i``, its recorded
    outcomes (months × outcomes)."""
    plan, seeds, sizes = shared
    k, i = item
    name, values = plan[k]
    model = CoGovModel(preset=name, rng=seeds[i], **sizes, **values)
    while model.running:
        model.step()
    return model.recorder.values[:model.recorder.n].copy()


def ensemble_runs(n: int = ENSEMBLE_SEEDS, reference: str | None = REFERENCE) -> int:
    """How many runs :func:`run_ensemble` makes."""
    return n * (2 if reference else 1)


HEADLINE = "happiness_index"
"""The outcome whose marginal cost against the reference the page shows."""
LAST_MONTHS = 12
"""A run's value for the comparison: the mean of its last twelve months."""
MARGINAL = {
    "en": "Against {ref}, {n} paired seeds, last {months} months (95% intervals): {spending}; "
          "{outcome}: {cost}",
    "zh": "相对{ref}, {n}对配对随机种子, 最后{months}个月(95%置信区间): {spending}; {outcome}: {cost}",
}


def marginal_text(ensemble: Ensemble | None, runs: Runs, lang: str = "en") -> str | None:
    """The marginal cost of the ensemble's scenario against its reference on the same
    seeds (:func:`cogov_sim.experiment.compare.marginal_cost`: extra spending per unit of
    improvement of :data:`HEADLINE`, paired, never a level divided by spending), in words;
    None unless the ensemble is of ``runs``'s scenario and reference."""
    from ..experiment.compare import COST, cost_cell, marginal_cost, spending_text

    if not matches(ensemble, runs) or ensemble.reference is None \
            or ensemble.reference != runs.reference_name or ensemble.reference_values is None:
        return None

    def last(values: np.ndarray, name: str) -> np.ndarray:
        return values[:, -LAST_MONTHS:, OUTCOME_NAMES.index(name)].mean(axis=1)

    this, ref = ensemble.values, ensemble.reference_values
    m = marginal_cost(HEADLINE, last(this, COST) - last(ref, COST),
                      last(this, HEADLINE) - last(ref, HEADLINE))
    spending = spending_text(float(m["cost_difference"]), float(m["cost_low"]),
                             float(m["cost_high"]), lang)
    cost = cost_cell(HEADLINE, m["cost_verdict"], float(m["marginal_cost"]),
                     float(m["marginal_cost_low"]), float(m["marginal_cost_high"]), lang)
    text = MARGINAL[lang].format(ref=scenario_label(ensemble.reference, lang),
                                 n=len(ensemble.seeds), months=LAST_MONTHS, spending=spending,
                                 outcome=outcome_label(HEADLINE, lang), cost=cost)
    return tidy_zh(text) if lang == "zh" else text


def band_columns(ensemble: Ensemble | None, chart: str, lang: str = "en") -> dict[str, list[Any]]:
    """The rows of a live chart's ``band`` data set (:func:`cogov_sim.viz.live.chart_spec`):
    ``month``, ``series``, ``low``, ``high`` for every month of the ensemble."""
    out: dict[str, list[Any]] = {"month": [], "series": [], "low": [], "high": []}
    if ensemble is None:
        return out
    low, high = ensemble.low(), ensemble.high()
    months = list(range(1, ensemble.months + 1))
    for name in live.CHARTS[chart]:
        j = OUTCOME_NAMES.index(name)
        out["month"] += months
        out["series"] += [live.series_label(name, lang)] * ensemble.months
        out["low"] += low[:, j].tolist()
        out["high"] += high[:, j].tolist()
    return out


# -- the numbers on screen as a table --------------------------------------------------------

COLUMNS = {
    "chart": ("chart", "图表"), "outcome": ("outcome", "指标"), "legend": ("legend", "图例"),
    "unit": ("unit", "单位"),
    "month": ("month", "月份"), "run": ("this run", "本次运行"), "reference": ("reference", "参照"),
    "low": ("lowest of {n} seeds", "{n}个随机种子的最低值"),
    "high": ("highest of {n} seeds", "{n}个随机种子的最高值"),
}
"""The table's column headers, English and Chinese."""
HEADER = {
    "title": ("cogov-sim dashboard: the numbers on screen", "cogov-sim 模拟看板: 屏幕上的数据"),
    "scenario": ("scenario", "情景"), "reference": ("reference", "参照"),
    "none": ("none", "无"), "ensemble": ("ensemble", "多种子集合"),
    "levers": ("levers", "政策杠杆"), "sizes": ("size", "规模"),
    "months": ("months shown", "已显示月数"),
    "month_note": ("month 1 is the first month after the spin-up",
                   "第1个月为预热期后的第一个月"),
}


def header_lines(runs: Runs, ensemble: Ensemble | None, lang: str = "en") -> list[str]:
    """The comment lines above the table: scenario, seed, every lever's value with its unit,
    the size, the reference, the ensemble's seeds."""
    sep = ": "
    levers = "; ".join(f"{param_label(s.name, lang)} = {value_text(runs.levers()[s.name], s.unit, lang)}"
                       for s in param_specs("lever"))
    sizes = ", ".join(f"{k}={v}" for k, v in runs.sizes.items())
    reference = (f"{scenario_label(runs.reference_name, lang)} ({runs.reference_name})"
                 if runs.reference_name else pick(HEADER["none"], lang))
    ens = (f"{len(ensemble.seeds)} × {scenario_label(ensemble.preset, lang)}, "
           f"{word('seed', lang)} {', '.join(map(str, ensemble.seeds))}"
           if ensemble is not None else pick(HEADER["none"], lang))
    lines = [
        pick(HEADER["title"], lang),
        f"{pick(HEADER['scenario'], lang)}{sep}{scenario_label(runs.preset, lang)} "
        f"({runs.preset}); {word('seed', lang)} {runs.seed}",
        f"{pick(HEADER['levers'], lang)}{sep}{levers}",
        f"{pick(HEADER['sizes'], lang)}{sep}{sizes}",
        f"{pick(HEADER['reference'], lang)}{sep}{reference}; {word('seed', lang)} {runs.seed}",
        f"{pick(HEADER['ensemble'], lang)}{sep}{ens}",
        f"{pick(HEADER['months'], lang)}{sep}{runs.months}; {pick(HEADER['month_note'], lang)}",
    ]
    marginal = marginal_text(ensemble, runs, lang)
    if marginal:
        lines.append(marginal)
    return [f"# {line}" for line in lines]


def table_rows(runs: Runs, ensemble: Ensemble | None, lang: str = "en",
               measure: str = "satisfaction") -> tuple[list[str], list[list[Any]]]:
    """The numbers the charts show, one row per chart, outcome and month: this run's value,
    the reference's and the band's lowest and highest (empty where the chart shows none),
    then the picture of the communities (one row per community, this month). Outcomes
    under their full display names and their legend entries on the chart, with units."""
    n_seeds = len(ensemble.seeds) if ensemble is not None else ENSEMBLE_SEEDS
    names = [pick(COLUMNS[k], lang).format(n=n_seeds) for k in COLUMNS]
    rows: list[list[Any]] = []
    with runs.lock:
        shown = runs.months
        run_values = runs.model.recorder.values[:shown].copy()
        ref_values = (runs.reference.recorder.values[:runs.reference.recorder.n].copy()
                      if runs.reference is not None else None)
        communities = live.community_values(runs.model, measure)
    low, high = (ensemble.low(), ensemble.high()) if ensemble is not None else (None, None)
    last = max(shown, ensemble.months if ensemble is not None else 0)
    for chart in live.CHARTS:
        title = live.chart_title(chart, lang)
        for name in live.CHARTS[chart]:
            j = OUTCOME_NAMES.index(name)
            unit = unit_label(outcome(name).unit, lang)
            for m in range(1, last + 1):
                rows.append([title, outcome_label(name, lang), live.series_label(name, lang),
                             unit, m,
                             _cell(run_values, m, j), _cell(ref_values, m, j),
                             _cell(low, m, j), _cell(high, m, j)])
    title, unit = live.measure_title(measure, lang), live.measure_unit(measure, lang)
    for i, value in enumerate(communities, 1):
        community = f"{word('community', lang)} {i}"
        rows.append([title, community, community, unit, shown, float(value), "", "", ""])
    return names, rows


def _cell(values: np.ndarray | None, month: int, j: int) -> float | str:
    if values is None or month > len(values):
        return ""
    return float(values[month - 1, j])


def csv_text(runs: Runs, ensemble: Ensemble | None, lang: str = "en",
             measure: str = "satisfaction") -> str:
    """:func:`header_lines` and :func:`table_rows` as CSV (read it with
    ``pandas.read_csv(path, comment="#")``)."""
    out = io.StringIO()
    out.write("\n".join(header_lines(runs, ensemble, lang)) + "\n")
    names, rows = table_rows(runs, ensemble, lang, measure)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    writer.writerows(rows)
    return out.getvalue()


def csv_filename(runs: Runs) -> str:
    return f"cogov-sim-{runs.preset}-month{runs.months}.csv"


def lever_values(preset: str) -> dict[str, float]:
    """Every lever's value in preset ``preset`` (the defaults where it sets none)."""
    given = preset_values(preset)
    return {s.name: given.get(s.name, s.default) for s in param_specs("lever")}
