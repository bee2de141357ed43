"""Run validation and calibration through the project's runner — the Python side of
``cogov-sim validate`` and ``cogov-sim calibrate``.

Both build :class:`~cogov_sim.experiment.runner.Task` s with seeds from the experiment
seed tree (common random numbers: replication *r* of every scenario and every prior
sample shares a seed) and run them with :func:`~cogov_sim.experiment.runner.run_tasks`:
manifest first, parallel on any executor, results stored as they finish, resumable after
an interruption. Each run is reduced in its worker to yearly means
(:class:`~cogov_sim.validation.patterns.YearlyMeans`); the analysis reads the folder and
can be redone without rerunning anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ..discovery.rules import lever_name
from ..experiment import store
from ..experiment.design import design_rows
from ..experiment.executors import Executor
from ..experiment.runner import RunReport, Task, load_outcomes, run_tasks
from ..experiment.seeds import derive_seed
from ..experiment.spec import Design
from ..store import default_folder
from ..timeline import load_scenario
from ..viz import brief
from ..viz.labels import cjk_font
from .patterns import BY_ID, TIMELINE, YearlyMeans, scenarios_for
from .spec import CalibrationSpec, Size, ValidationSpec, load_calibration, load_validation


def _params(scenario: str, size: Size, values: dict[str, Any]) -> Any:
    sizes = size.params()
    if scenario == TIMELINE:  # a timeline sets its own months (2005-2020)
        sizes.pop("months", None)
    return load_scenario(scenario, **sizes, **values)


# -- validation -------------------------------------------------------------------------------

def validation_tasks(spec: ValidationSpec) -> list[Task]:
    """Variant 0 (the main size, ``replications`` seeds), each robustness size, then each
    pattern's falsifier: the pattern's scenarios at the main size under the falsifier's
    context, on the same seeds (label ``falsifier`` = the pattern's id; empty otherwise)."""
    scenarios = scenarios_for(spec.patterns)
    variants = [(spec.size, spec.replications),
                *((s, spec.robustness_replications) for s in spec.robustness_sizes)]
    tasks: list[Task] = []
    pid = 0

    def add(tag: str, scenario: str, size: Size, reps: int, variant: int,
            context: dict[str, Any], falsifier: str) -> None:
        nonlocal pid
        params = _params(scenario, size, context)
        labels = {"variant": variant, "scenario": scenario, "falsifier": falsifier,
                  "n_residents": params.n_residents, "n_communities": params.n_communities,
                  "residents_per_agent": params.residents_per_agent}
        tasks.extend(Task(f"{tag}-{scenario}-r{r:04d}", pid, r, params,
                          derive_seed(spec.root_seed, pid, r, common_random_numbers=True),
                          labels) for r in range(reps))
        pid += 1

    for v, (size, reps) in enumerate(variants):
        for scenario in scenarios:
            add(f"v{v}", scenario, size, reps, v, spec.context, "")
    for pattern in spec.patterns:
        if falsifier := spec.falsifier(pattern):
            for scenario in BY_ID[pattern].scenarios:
                add(f"f{pattern}", scenario, spec.size, spec.replications, 0,
                    {**spec.context, **falsifier}, pattern)
    return tasks


def statistics(runs: pd.DataFrame, ids: tuple[str, ...],
               group: str | None = None) -> pd.DataFrame:
    """Per (group,) replication and pattern: the pattern's statistic (NaN when a run the
    pattern needs is missing). ``runs`` holds yearly means with ``scenario`` and
    ``replication`` columns."""
    rows = []
    keys = [c for c in (group, "replication") if c is not None]
    for key, frame in runs.groupby(keys):
        key = key if isinstance(key, tuple) else (key,)
        data = {s: f for s, f in frame.groupby("scenario")}
        row = dict(zip(keys, key, strict=True))
        for pid in ids:
            p = BY_ID[pid]
            row[pid] = p.fn(data) if all(s in data for s in p.scenarios) else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def summarise(values: pd.Series, low: float, high: float) -> dict[str, Any]:
    """Mean, 95 % t-interval, share of replications inside the band, verdict."""
    x = values.dropna().to_numpy(float)
    n = len(x)
    with np.errstate(invalid="ignore"):  # an infinite ratio gives an undefined interval
        mean = float(x.mean()) if n else np.nan
        half = (float(stats.t.ppf(0.975, n - 1) * x.std(ddof=1) / np.sqrt(n)) if n > 1
                else np.nan)
    inside = (x >= low) & (x <= high)
    return {"n": n, "mean": mean, "ci_low": mean - half, "ci_high": mean + half,
            "share_in_band": float(inside.mean()) if n else np.nan,
            "passes": bool(n and low <= mean <= high)}


def role_of(pid: str, calibrated_on: tuple[str, ...]) -> str:
    """``calibration`` (a target of this calibration), ``calibrated earlier``,
    ``imposed`` or ``identity`` (ODD §1: not a test either), else ``held out``."""
    status = BY_ID[pid].status
    if pid in calibrated_on:
        return "calibration"
    for role in ("calibrated", "imposed", "identity"):
        if status.startswith(role):
            return "calibrated earlier" if role == "calibrated" else role
    return "held out"


EVIDENCE = {"counted": "counted: held out, passes, and fails under its falsifier",
            "fails": "fails",
            "calibration": "not counted: a calibration target",
            "calibrated earlier": "not counted: calibrated earlier",
            "imposed": "not counted: imposed",
            "identity": "not counted: an identity",
            "no falsifier": "not counted: no falsifier named",
            "cannot fail": "not counted: passes under its falsifier too"}
"""What a verdict row counts as (``evidence`` column): only ``counted`` rows are evidence."""


def evidence(role: str, passes: bool, falsifier_passes: bool | None) -> str:
    """The :data:`EVIDENCE` key of a row: a pattern counts only if it is held out, passes,
    and fails under its falsifier."""
    if role != "held out":
        return role if role in EVIDENCE else "imposed"
    if not passes:
        return "fails"
    if falsifier_passes is None:
        return "no falsifier"
    return "cannot fail" if falsifier_passes else "counted"


def verdict_table(per_rep: pd.DataFrame, spec: ValidationSpec,
                  falsified: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per pattern: claim, source, band, the model's mean and interval, verdict,
    role, and the falsifier with the pattern's value there (``falsified``: per
    replication, one column per pattern that has falsifier runs)."""
    rows = []
    for pid in spec.patterns:
        p = BY_ID[pid]
        role = role_of(pid, spec.calibrated_on)
        main = summarise(per_rep[pid], p.low, p.high)
        falsifier = spec.falsifier(pid)
        there: dict[str, Any] = {"falsifier_mean": np.nan, "falsifier_ci_low": np.nan,
                                 "falsifier_ci_high": np.nan, "falsifier_passes": None}
        if falsifier and falsified is not None and pid in falsified:
            f = summarise(falsified[pid], p.low, p.high)
            if f["n"]:
                there = {"falsifier_mean": f["mean"], "falsifier_ci_low": f["ci_low"],
                         "falsifier_ci_high": f["ci_high"], "falsifier_passes": f["passes"]}
        counts = evidence(role, main["passes"], there["falsifier_passes"])
        rows.append({"pattern": pid, "claim": p.claim, "source": p.source,
                     "statistic": p.statistic, "band": p.band_text(), "low": p.low,
                     "high": p.high, "band_note": p.band_note, "status": p.status,
                     "role": role, **main,
                     "falsifier": p.falsifier_text(falsifier),
                     "falsifier_note": p.falsifier_note if falsifier == dict(p.falsifier) else "",
                     **there, "evidence": counts, "counted": counts == "counted"})
    return pd.DataFrame(rows)


def robustness_table(per_rep: pd.DataFrame, labels: pd.DataFrame,
                     spec: ValidationSpec) -> pd.DataFrame:
    rows = []
    for v, frame in per_rep.groupby("variant"):
        size = labels.loc[labels["variant"] == v].iloc[0]
        for pid in spec.patterns:
            p = BY_ID[pid]
            s = summarise(frame[pid], p.low, p.high)
            rows.append({"variant": int(v), "residents": int(size["n_residents"]),
                         "communities": int(size["n_communities"]),
                         "residents_per_agent": int(size["residents_per_agent"]),
                         "pattern": pid, "seeds": s["n"], "mean": s["mean"],
                         "share_in_band": s["share_in_band"], "passes": s["passes"]})
    return pd.DataFrame(rows)


_VALIDATION_WORDS = {
    "en": {"pattern": "pattern", "role": "role", "band": "band", "model": "model mean (95 % CI)",
           "verdict": "verdict", "falsifier": "falsifier: value there", "evidence": "evidence",
           "to": "to", "pass": "pass", "fail": "FAIL", "counted": "counted", "none": "none",
           "roles": {},
           "counted_line": "counted as evidence (held out, pass, fail under their falsifier): {p}",
           "all_pass": "all patterns pass", "failing": "failing: {p}"},
    "zh": {"pattern": "模式", "role": "角色", "band": "区间", "model": "模型均值(95%置信区间)",
           "verdict": "判定", "falsifier": "证伪条件: 该处的值", "evidence": "证据",
           "to": "至", "pass": "通过", "fail": "未通过", "counted": "计入", "none": "无",
           "roles": {"held out": "留出检验", "calibration": "校准目标",
                     "calibrated earlier": "此前已校准", "imposed": "设定", "identity": "恒等式"},
           "counted_line": "计为证据(留出检验、通过、在其证伪条件下未通过): {p}",
           "all_pass": "所有模式均通过", "failing": "未通过: {p}"},
}


def _cols(text: str) -> int:
    """Columns ``text`` takes in a terminal (CJK characters take two)."""
    return sum(2 if "\u2e80" <= ch <= "\uffef" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _cols(text))


@dataclass(frozen=True)
class ValidationResult:
    spec: ValidationSpec
    folder: Path
    report: RunReport | None
    verdicts: pd.DataFrame
    robustness: pd.DataFrame
    files: tuple[Path, ...]

    @property
    def all_pass(self) -> bool:
        return bool(len(self.verdicts)) and bool(self.verdicts["passes"].all())

    def text(self, lang: str = "en") -> str:
        """The verdicts as aligned text in ``lang``: pattern, role, band, the model's mean,
        pass or fail, the falsifier's value, whether it counts as evidence."""
        w = _VALIDATION_WORDS[lang]
        head = [_pad(w["pattern"], 8), _pad(w["role"], 20), " " * max(0, 14 - _cols(w["band"]))
                + w["band"], "  ", _pad(w["model"], 30), _pad(w["verdict"], 9),
                _pad(w["falsifier"], 40), w["evidence"]]
        lines = ["".join(head)]
        for r in self.verdicts.itertuples():
            model = f"{r.mean:.4g} ({r.ci_low:.4g} {w['to']} {r.ci_high:.4g})"
            there = (f"{r.falsifier}: {r.falsifier_mean:.4g}" if r.falsifier
                     and np.isfinite(r.falsifier_mean) else r.falsifier or "—")
            lines.append(f"{r.pattern:<8}{_pad(w['roles'].get(r.role, r.role), 20)}{r.band:>14}  "
                         f"{model:<30}{_pad(w['pass'] if r.passes else w['fail'], 9)}"
                         f"{there:<40}{w['counted'] if r.counted else '—'}")
        failed = self.verdicts.loc[~self.verdicts["passes"], "pattern"].tolist()
        counted = self.verdicts.loc[self.verdicts["counted"], "pattern"].tolist()
        lines.append(w["counted_line"].format(p=", ".join(counted) or w["none"]))
        lines.append(w["all_pass"] if not failed else w["failing"].format(p=", ".join(failed)))
        return "\n".join(lines)


def run_validation(spec_or_path: ValidationSpec | str | Path, out: str | Path | None = None,
                   workers: int = 1, executor: Executor | None = None,
                   progress: bool | None = None, figures: bool = True) -> ValidationResult:
    """Validate, run (or resume) and analyse a validation spec."""
    spec = (spec_or_path if isinstance(spec_or_path, ValidationSpec)
            else load_validation(spec_or_path))
    folder, report = _run_spec("validation", spec, validation_tasks(spec), out, workers,
                               executor, progress)
    return analyse_validation(spec, folder, report, figures=figures)


def _run_spec(kind: str, spec: Any, tasks: Any, out: str | Path | None, workers: int,
              executor: Executor | None, progress: bool | None) -> tuple[Path, RunReport]:
    """Run (or resume) a validation or calibration spec's tasks in its results folder."""
    folder = Path(out) if out is not None else default_folder(spec.name, spec.fingerprint())
    report = run_tasks(tasks, folder, workers=workers, executor=executor, progress=progress,
                       reduce_fn=YearlyMeans(), manifest={"kind": kind, kind: spec.identity()},
                       info={"name": spec.name, "description": spec.description,
                             "analysis": spec.to_dict()})
    return folder, report


def analyse_validation(spec: ValidationSpec, folder: str | Path,
                       report: RunReport | None = None, figures: bool = True) -> ValidationResult:
    """(Re)write the verdicts, robustness table, report and figure of a validation folder."""
    from .report import validation_figure, validation_markdown

    folder = Path(folder)
    runs = load_outcomes(folder)
    tagged = runs["falsifier"].fillna("").astype(str) if "falsifier" in runs else \
        pd.Series("", index=runs.index)
    falsifier_runs = runs[tagged != ""]
    runs = runs[tagged == ""]
    per_rep = statistics(runs, spec.patterns, group="variant")
    main = per_rep[per_rep["variant"] == 0]
    falsified = pd.DataFrame({pid: statistics(frame, (pid,))[pid]
                              for pid, frame in falsifier_runs.groupby(tagged[tagged != ""])})
    verdicts = verdict_table(main, spec, falsified)
    labels = runs[["variant", "n_residents", "n_communities",
                   "residents_per_agent"]].drop_duplicates()
    robust = robustness_table(per_rep, labels, spec)
    files = []
    for name, frame in (("verdicts", verdicts), ("robustness", robust),
                        ("replications", per_rep)):
        path = folder / "tables" / f"{name}.csv"
        store.write_table(path, frame)
        files.append(path)
    languages = ["en", "zh"] if cjk_font() else ["en"]
    if figures:
        for lang in languages:
            path = folder / "figures" / f"validation{'' if lang == 'en' else '.zh'}.png"
            store.write_figure(path, lambda p, lang=lang: validation_figure(verdicts, main, p,
                                                                             lang))
            files.append(path)
    for lang in ("en", "zh"):
        path = folder / ("report.md" if lang == "en" else "report.zh.md")
        store.write_text(path, validation_markdown(spec, verdicts, robust, figures=figures,
                                                   lang=lang))
        files.append(path)
    manifest = store.read_manifest(folder)
    if figures:
        from .brief import build

        files += brief.write(folder, {lang: build(spec, folder, manifest, verdicts, robust, lang)
                                      for lang in ("en", "zh")})
    manifest["outputs"] = {**manifest.get("outputs", {}),
                           "report.md": "the validation report (one row per pattern); "
                                        "report.zh.md in Chinese",
                           **({"brief.html": brief.BRIEF_OUTPUT} if figures else {}),
                           "tables/verdicts.csv": "per pattern: band, source, mean, 95 % CI, "
                                                  "share of seeds in band, verdict, role, "
                                                  "falsifier and the value there, evidence",
                           "tables/robustness.csv": "verdicts per size and sample rate",
                           "tables/replications.csv": "every pattern statistic per seed",
                           **({"figures/validation.png": "model value and CI against each "
                               "pattern's band (validation.zh.png in Chinese)"}
                              if figures else {})}
    store.update_manifest(folder, manifest)
    return ValidationResult(spec, folder, report, verdicts, robust, tuple(files))


# -- calibration ------------------------------------------------------------------------------

def prior_samples(spec: CalibrationSpec) -> list[dict[str, float | int]]:
    """Latin hypercube over the calibrated parameters (whole-number parameters rounded)."""
    return design_rows(Design(type="lhs", parameters=dict(spec.parameters), n=spec.n,
                              seed=spec.root_seed))


def calibration_tasks(spec: CalibrationSpec) -> list[Task]:
    scenarios = scenarios_for(spec.targets)
    tasks: list[Task] = []
    pid = 0
    for i, row in enumerate(prior_samples(spec)):
        for scenario in scenarios:
            params = _params(scenario, spec.size, {**spec.context, **row})
            labels = {"sample": i, "scenario": scenario, **row}
            tasks += [Task(f"s{i:05d}-{scenario}-r{r:03d}", pid, r, params,
                           derive_seed(spec.root_seed, 0, r, common_random_numbers=True),
                           labels) for r in range(spec.replications)]
            pid += 1
    return tasks


def _distance(stats_: pd.DataFrame, spec: CalibrationSpec) -> pd.Series:
    """Sum over targets of how far the sample's mean lies outside the band, in band widths
    (0 inside every band)."""
    total = pd.Series(0.0, index=stats_.index)
    for pid in spec.targets:
        low, high = spec.band(pid)
        width = high - low
        x = stats_[pid]
        total += ((low - x).clip(lower=0) + (x - high).clip(lower=0)) / width
    return total


@dataclass(frozen=True)
class CalibrationResult:
    spec: CalibrationSpec
    folder: Path
    report: RunReport | None
    samples: pd.DataFrame
    posterior: pd.DataFrame
    correlations: pd.DataFrame
    files: tuple[Path, ...]

    @property
    def accepted(self) -> pd.DataFrame:
        return self.samples[self.samples["accepted"]]

    def text(self, lang: str = "en") -> str:
        """Accepted samples and each parameter's prior and accepted range (display names),
        in ``lang``."""
        targets = ", ".join(self.spec.targets)
        names = {r.parameter: lever_name(r.parameter, lang) for r in self.posterior.itertuples()}
        width = max((_cols(n) for n in names.values()), default=20) + 2
        zh = lang == "zh"
        words = ("先验", "接受", "中位数") if zh else ("prior", "accepted", "median")
        lines = [f"{len(self.samples)}个先验样本中接受{len(self.accepted)}个"
                 f"({targets}全部落在其区间内)" if zh else
                 f"{len(self.accepted)} of {len(self.samples)} prior samples accepted "
                 f"(all of {targets} inside their bands)"]
        for r in self.posterior.itertuples():
            lines.append(f"{_pad(names[r.parameter], width)}{words[0]} {r.prior_low:g}–"
                         f"{r.prior_high:g}   {words[1]} {r.accepted_min:.4g}–"
                         f"{r.accepted_max:.4g}   {words[2]} {r.median:.4g}")
        return "\n".join(lines)


def run_calibration(spec_or_path: CalibrationSpec | str | Path, out: str | Path | None = None,
                    workers: int = 1, executor: Executor | None = None,
                    progress: bool | None = None, figures: bool = True) -> CalibrationResult:
    """Pattern-oriented rejection filtering: run every prior sample, keep those whose
    target statistics (means over replications) all fall inside their bands."""
    spec = (spec_or_path if isinstance(spec_or_path, CalibrationSpec)
            else load_calibration(spec_or_path))
    folder, report = _run_spec("calibration", spec, calibration_tasks(spec), out, workers,
                               executor, progress)
    return analyse_calibration(spec, folder, report, figures=figures)


def analyse_calibration(spec: CalibrationSpec, folder: str | Path,
                        report: RunReport | None = None,
                        figures: bool = True) -> CalibrationResult:
    from .report import calibration_figure, calibration_markdown

    folder = Path(folder)
    runs = load_outcomes(folder)
    names = list(spec.parameters)
    per_rep = statistics(runs, spec.targets, group="sample")
    samples = per_rep.groupby("sample")[list(spec.targets)].mean()
    samples = runs.groupby("sample")[names].first().join(samples).reset_index()
    samples["distance"] = _distance(samples, spec)
    samples["accepted"] = samples["distance"] == 0
    acc = samples[samples["accepted"]]
    rows = []
    for name in names:
        low, high = spec.parameters[name]
        x = acc[name]
        rows.append({"parameter": name, "prior_low": low, "prior_high": high,
                     "accepted": len(x), "accepted_min": x.min(), "q05": x.quantile(0.05),
                     "median": x.median(), "q95": x.quantile(0.95), "accepted_max": x.max(),
                     "share_of_prior_range": (x.max() - x.min()) / (high - low)
                     if len(x) else np.nan})
    posterior = pd.DataFrame(rows)
    corr = (acc[names].corr() if len(acc) > 2 else
            pd.DataFrame(np.nan, index=names, columns=names))
    corr = corr.rename_axis("parameter").reset_index()
    files = []
    for name, frame in (("samples", samples), ("posterior", posterior),
                        ("correlations", corr)):
        path = folder / "tables" / f"{name}.csv"
        store.write_table(path, frame)
        files.append(path)
    if figures:
        path = folder / "figures" / "posterior.png"
        store.write_figure(path, lambda p: calibration_figure(samples, spec, p))
        files.append(path)
    path = folder / "report.md"
    store.write_text(path, calibration_markdown(spec, samples, posterior, corr, report,
                                                figures=figures))
    files.append(path)
    manifest = store.read_manifest(folder)
    manifest["outputs"] = {**manifest.get("outputs", {}),
                           "report.md": "calibration report: targets, posterior, correlations",
                           "tables/samples.csv": "every prior sample: parameters, target "
                                                 "statistics, distance, accepted",
                           "tables/posterior.csv": "accepted ranges and quantiles per parameter",
                           "tables/correlations.csv": "correlations of accepted samples",
                           **({"figures/posterior.png": "prior samples, accepted ones marked"}
                              if figures else {})}
    store.update_manifest(folder, manifest)
    return CalibrationResult(spec, folder, report, samples, posterior, corr, tuple(files))
