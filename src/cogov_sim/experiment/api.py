"""Run an experiment spec end to end — the Python side of ``cogov-sim experiment``.

>>> from cogov_sim.experiment import run_experiment        # doctest: +SKIP
>>> result = run_experiment(spec_path("reform_stages"), workers=2)  # cogov_sim.specs.spec_path
>>> result.summary.query("measure == 'end' and outcome == 'happiness_index'")
>>> data = result.outcomes()                               # one row per run and month

Notebooks and the command line run the same specs into the same folders, so a notebook
can pick up (or resume) what the command line started.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from ..outcomes import OUTCOME_NAMES
from ..posterior import posterior_fields, posterior_info, posterior_note
from ..store import default_folder
from ..viz import experiment_figures as figs
from ..viz.brief import BRIEF_OUTPUT
from ..viz.brief import write as write_briefs
from ..viz.labels import CJK_FONT_PACKAGE, cjk_font, study_title
from . import brief, compare, horizon, store
from .design import make_tasks, unique_names
from .executors import Executor
from .runner import RunReport, load_outcomes, load_status, run_tasks
from .spec import ExperimentSpec, SpecError, communities_record, load_spec

DESCRIPTIONS = {
    "runs": "every scheduled run: scenario, replication, seed, status, seconds, error",
    "summary": "paired differences from the reference scenario per outcome (end = mean of "
               "the last 12 months, mean = mean over all months): mean, 95 % t-interval, "
               "P(higher) with its Clopper-Pearson interval, P(better) and better/worse from "
               "the outcome's better direction, display unit, scale and decimals; the "
               "Markdown tables add a caption, units and the horizon check",
    "horizon": "horizon check: per scenario and outcome, the slope per year of the paired "
               "difference over the last reported years, the effect, and whether it is "
               "still changing (benchmarks/horizon.md)",
    "scenario_means": "per scenario and outcome: mean, sd, 95 % CI, middle 95 % of replications",
    "outcomes": "key outcomes over time by scenario: mean and middle 95 % of replications",
    "happiness": "happiness index and its six dimensions over time by scenario",
    "differences": "paired differences from the reference with 95 % CIs (end values)",
    "brief": BRIEF_OUTPUT,
}
NO_CJK_FONT = ("no font with Chinese glyphs found: Chinese figures skipped (on Debian or "
               f"Ubuntu: apt-get install {CJK_FONT_PACKAGE}; Windows has Microsoft YaHei)")
SHORT_OUTCOMES = ("participation_rate", "happiness_index", "admin_burden", "trust_committee",
                  "so_per_10k")


@dataclass(frozen=True)
class KeepColumns:
    """A ``reduce_fn`` keeping ``month``, ``year`` and the named outcome columns."""

    columns: tuple[str, ...]

    def __call__(self, frame: pd.DataFrame) -> pd.DataFrame:
        return frame[[c for c in ("month", "year", *self.columns) if c in frame.columns]]


@dataclass(frozen=True)
class ExperimentResult:
    """What :func:`run_experiment` did and where everything is.

    Attributes
    ----------
    spec
        The spec as run (command-line overrides applied).
    folder
        The results folder.
    report
        Runs done, failed and skipped in this call.
    summary
        Paired comparisons against the reference scenario (``tables/summary.csv``);
        empty if no complete pairs exist yet.
    files
        Derived tables and figures written.
    notes
        Anything the analysis skipped, and why.
    window
        What the summary's values average (reported months, spin-up), for captions.
    horizon
        The horizon check (``tables/horizon.csv``): effects still changing at the end.
    """

    spec: ExperimentSpec
    folder: Path
    report: RunReport
    summary: pd.DataFrame
    files: tuple[Path, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    window: compare.Window | None = None
    horizon: pd.DataFrame | None = None

    def outcomes(self, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """All finished runs' outcomes (see :func:`load_outcomes`)."""
        return load_outcomes(self.folder, columns)

    def text(self, outcomes: Sequence[str] = SHORT_OUTCOMES, lang: str = "en") -> str:
        """A short plain-text summary of the paired differences, in ``lang``."""
        if self.summary.empty:
            return ("(没有可比较的完整配对运行)" if lang == "zh"
                    else "(no complete pairs of runs to compare)")
        names = [o for o in outcomes if o in set(self.summary["outcome"])]
        return compare.text_summary(self.summary, names, window=self.window,
                                    horizon=self.horizon, lang=lang)


def run_experiment(spec_or_path: ExperimentSpec | str | Path, out: str | Path | None = None,
                   workers: int = 1, replications: int | None = None,
                   months: int | None = None, residents: int | None = None,
                   progress: bool | None = None, executor: Executor | None = None,
                   figures: bool = True, shared_spinup: bool | None = None) -> ExperimentResult:
    """Validate, run (or resume) and analyse an experiment.

    Parameters
    ----------
    spec_or_path
        A spec file (:func:`cogov_sim.specs.spec_path` gives a shipped one) or an :class:`ExperimentSpec`.
    out
        Results folder (default ``results/<spec name>/<run id>/``, the run id a short hash
        of the spec after overrides and the package version). If it holds this experiment
        already, only missing runs are done; if it holds another, :class:`SpecError`'s
        sibling ``FolderMismatchError`` is raised and nothing is touched.
    workers
        Local worker processes (1 = this process, 0 = one per core).
    replications, months, residents
        Override the spec's values (as ``--replications`` etc. do).
    progress
        Progress bar: ``None`` shows it only on a terminal.
    executor
        Run elsewhere instead (e.g. :class:`~cogov_sim.experiment.executors.DaskExecutor`).
    figures
        Draw the figures (a few seconds); tables are always written.
    shared_spinup
        Simulate each seed's spin-up once for all scenarios and design points that share
        it (:mod:`cogov_sim.spinup`; the same results, bit for bit); ``None`` takes the
        spec's ``shared_spinup`` (default true), ``False`` is ``--no-shared-spinup``.

    Raises
    ------
    SpecError
        A spec or an option that cannot be run (nothing is written).
    """
    spec = (spec_or_path if isinstance(spec_or_path, ExperimentSpec)
            else load_spec(spec_or_path, validate=False))  # points built once, just below
    spec = spec.with_overrides(replications=replications, months=months, residents=residents)
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 0:
        raise SpecError(f"--workers {workers}: expected 0 (one per core) or more")
    tasks = make_tasks(spec)
    folder = Path(out) if out is not None else default_folder(spec.name, spec.fingerprint())
    report = run_tasks(tasks, folder, workers=workers, progress=progress, executor=executor,
                       manifest={"kind": "experiment", "spec": spec.identity(),
                                 **posterior_fields(spec.posterior, tasks)},
                       info={"name": spec.name, "description": spec.description,
                             "title": spec.title, "title_zh": spec.title_zh,
                             "communities": communities_record(spec.communities),
                             **posterior_info(spec.posterior)},
                       reduce_fn=KeepColumns(spec.outcomes) if spec.outcomes else None,
                       shared_spinup=spec.shared_spinup if shared_spinup is None else shared_spinup)
    done = analyse(folder, figures=figures)
    return ExperimentResult(spec=spec, folder=folder, report=report, summary=done.summary,
                            files=done.files, notes=done.notes, window=done.window,
                            horizon=done.horizon)


@dataclass(frozen=True)
class Analysis:
    """What :func:`analyse` derived (see :class:`ExperimentResult` for the fields)."""

    summary: pd.DataFrame
    files: tuple[Path, ...]
    notes: tuple[str, ...]
    window: compare.Window | None = None
    horizon: pd.DataFrame | None = None


def analyse(folder: str | Path, figures: bool = True) -> Analysis:
    """(Re)write the derived tables and figures of an experiment folder.

    Writes ``tables/summary.csv`` (paired differences from the reference — the first
    scenario — for every outcome, end values and time averages, with the columns of
    :data:`~cogov_sim.experiment.compare.ANNOTATIONS`), ``tables/summary.md`` (and
    ``summary.zh.md``: captioned, with units, P(better) and the horizon check),
    ``tables/horizon.csv``, ``tables/scenario_means.csv``, ``tables/runs.csv`` (seed,
    status, time and error of every run) and figures under ``figures/``; records the
    horizon check in the manifest (``horizon``).
    """
    folder = Path(folder)
    manifest = store.read_manifest(folder)
    points = {int(k): v for k, v in manifest["points"].items()}
    # one name per point id (made unique if two points read alike), so grouping by name
    # is grouping by point
    names = unique_names({pid: p["labels"] for pid, p in sorted(points.items())})
    order = list(names.values())
    outcomes = list(manifest.get("spec", {}).get("outcomes") or OUTCOME_NAMES)
    files: list[Path] = []
    notes: list[str] = [posterior_note(manifest)] if "posterior" in manifest else []
    tables = folder / "tables"
    status = load_status(folder)
    status.insert(1, "scenario", status["point_id"].map(names))
    store.write_table(tables / "runs.csv", status)
    files.append(tables / "runs.csv")
    data = load_outcomes(folder)
    if data.empty:
        empty = pd.DataFrame(columns=["measure", *compare.COMPARE_COLUMNS,
                                      *compare.MARGINAL_COLUMNS, *compare.ANNOTATIONS])
        return Analysis(empty, tuple(files), ("no finished runs to analyse",))
    data.insert(3, "_point", data["point_id"].map(names))
    outcomes = [o for o in outcomes if o in data.columns]
    summary = compare.annotate(compare.summary_table(data, outcomes, group="_point",
                                                     order=order))
    first = next(iter(points.values()), {}).get("params", {})
    window = compare.Window(months=int(data["month"].max()),
                            spinup=first.get("spinup_months"))
    checked = None
    key = [o for o in figs.KEY_OUTCOMES if o in outcomes]  # the outcomes the tables show
    means = pd.concat([compare.group_means(compare.per_run(data, outcomes, m, "_point"),
                                           outcomes, "_point", order=order).assign(measure=m)
                       for m in compare.MEASURES], ignore_index=True)
    store.write_table(tables / "scenario_means.csv", means)
    files.append(tables / "scenario_means.csv")
    if len(order) < 2:
        notes.append("one design point: nothing to compare, so no summary tables or "
                     "differences figure (see tables/scenario_means.csv)")
    else:
        store.write_table(tables / "summary.csv", summary)
        files.append(tables / "summary.csv")
        checked = horizon.check(summary, horizon.slopes(data, outcomes, order[0], "_point"))
        store.write_table(tables / "horizon.csv", checked)
        files.append(tables / "horizon.csv")
        manifest["horizon"] = horizon.manifest_record(checked, key)
        for lang in ("en", "zh"):
            path = tables / ("summary.md" if lang == "en" else "summary.zh.md")
            title = study_title(order, lang, manifest.get("title", ""),
                                manifest.get("title_zh", ""))
            store.write_text(path, f"# {title}\n\n" + compare.markdown_summary(
                summary, key, lang, window=window, horizon=checked))
            files.append(path)
    languages = ["en", "zh"] if cjk_font() else ["en"]
    if "zh" not in languages:
        notes.append(NO_CJK_FONT)
    if figures:
        files += _figures(folder, data, summary, order, languages, manifest, notes, window)
        if len(order) >= 2:
            files += write_briefs(folder, {
                lang: brief.build(folder, manifest, summary, key, order, window, checked, lang)
                for lang in ("en", "zh")})
    manifest["outputs"] = {**manifest.get("outputs", {}), **{
        str(p.relative_to(folder)): DESCRIPTIONS[p.stem.removesuffix(".zh")]
        for p in files if p.stem.removesuffix(".zh") in DESCRIPTIONS}}
    store.update_manifest(folder, manifest)
    return Analysis(summary, tuple(files), tuple(notes), window, checked)


def _figures(folder: Path, data: pd.DataFrame, summary: pd.DataFrame, order: list[str],
             languages: list[str], manifest: dict[str, Any], notes: list[str],
             window: compare.Window) -> list[Path]:
    written = []
    if len(order) > 12:
        notes.append(f"{len(order)} design points: time figures show the first 12")
    shown = order[:12]
    subset = data[data["_point"].isin(shown)]
    for lang in languages:
        suffix = "" if lang == "en" else ".zh"
        title = study_title(order, lang, manifest.get("title", ""), manifest.get("title_zh", ""))
        for set_name, outcomes in figs.FIGURE_SETS.items():
            present = [o for o in outcomes if o in data.columns]
            if not present:
                continue
            path = folder / "figures" / f"{set_name}{suffix}.png"
            store.write_figure(path, partial(figs.outcomes_over_time, subset, outcomes=present,
                                             group="_point", order=shown, lang=lang,
                                             title=title))
            written.append(path)
        if not summary.empty and summary["n"].max() > 1:
            path = folder / "figures" / f"differences{suffix}.png"
            key = [o for o in figs.KEY_OUTCOMES if o in set(summary["outcome"])]
            store.write_figure(path, partial(figs.differences, summary, outcomes=key,
                                             order=shown, lang=lang, title=title,
                                             window=window.text("end", lang)))
            written.append(path)
    return written


__all__ = ["ExperimentResult", "KeepColumns", "analyse", "run_experiment"]
