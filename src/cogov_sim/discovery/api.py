"""Run a discovery spec end to end — the Python side of ``cogov-sim discover``.

>>> from cogov_sim.discovery import run_discovery               # doctest: +SKIP
>>> result = run_discovery(spec_path("discover_participation"), workers=2)  # cogov_sim.specs
>>> print(result.text())                                        # boxes as sentences
>>> result.policies.query("on_front")                           # the non-dominated set

Data flow: the spec's levers are sampled by a Latin hypercube (the experiment design's
``lhs``), every policy and every placed preset is run ``replications`` times with seeds
from the experiment seed tree, through :func:`cogov_sim.experiment.runner.run_tasks`
(parallel, resumable, manifest first). Each run is reduced in its worker to the mean of
every outcome over the goal's horizon. The analysis (:func:`analyse`) reads the folder
and writes tables, figures and a Markdown summary beside the runs; it can be redone with
another goal without redoing runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from ..experiment import store
from ..experiment.design import design_rows
from ..experiment.runner import RunReport, Task, load_outcomes, load_status, run_tasks
from ..experiment.seeds import derive_seed
from ..experiment.spec import Design, SpecError
from ..params import ParameterError
from ..params import spec as param_spec
from ..posterior import posterior_fields, posterior_info, with_draws
from ..store import default_folder
from ..timeline import load_scenario as load_preset
from ..viz import brief
from .goal import Goal, ref_column, reference_columns
from .prim import Box, ema_module, feature_scores, find_boxes
from .rules import box_sentence, lever_name
from .spec import DiscoverySpec, load_spec
from .tradeoffs import pareto_mask, place, robustness

OBJECTIVES = ("spending", "satisfaction", "participation")
MAXIMISE = (False, True, True)
DESCRIPTIONS = {
    "runs": "every scheduled run: policy or preset, replication, seed, status, seconds, error",
    "policies": "every sampled policy: lever values, outcomes averaged over the horizon and "
                "over seeds, whether it meets the goal, share of seeds meeting it, regret, "
                "whether it is on the non-dominated set",
    "presets": "the presets on the same measures, with how many sampled policies dominate them",
    "pareto": "the non-dominated policies (spending vs satisfaction vs participation)",
    "boxes": "PRIM boxes: restricted levers and limits, coverage, density, sentences en/zh",
    "peeling_trajectory": "every step of each PRIM box's peeling: coverage, density, mass",
    "feature_scores": "extra-trees feature scores of the levers for meeting the goal",
    "conditions": "each condition of the goal: share of policies meeting it, best value",
    "summary": "plain-language summary in Markdown (English; summary.zh.md in Chinese)",
    "tradeoffs": "figure: spending vs satisfaction, participation as colour, presets placed",
    "peeling": "figure: PRIM peeling trajectory, coverage against density",
    "box_limits": "figure: the levers each PRIM box restricts, against their sampled range",
    "brief": brief.BRIEF_OUTPUT,
}
NOTES = {
    "en": {"none": "no sampled policy meets the goal ({goal}); see tables/conditions.csv for "
                   "how close they come",
           "all": "every sampled policy meets the goal: no lever needs restricting",
           "failed": "{failed} run(s) not finished or failed; analysed the finished ones",
           "posterior": "each replication ran under one particle drawn by weight from the "
                        "posterior ({particles} particles), the same for every policy and "
                        "preset: means, shares meeting the goal and regrets include "
                        "parameter as well as seed uncertainty"},
    "zh": {"none": "没有抽样政策达到目标({goal}); 各政策的接近程度见 tables/conditions.csv",
           "all": "所有抽样政策都达到目标: 无需限制任何杠杆",
           "failed": "{failed}次运行未完成或失败; 只分析了已完成的运行",
           "posterior": "每次重复都在按权重从后验分布({particles}个粒子)抽取的一个粒子下运行, "
                        "各政策和预设相同: 均值、达标比例和遗憾值包含参数不确定性与种子不确定性"},
}
"""What the analysis notes (the terminal's ``note:`` lines, the summary's last lines)."""


@dataclass(frozen=True)
class HorizonMeans:
    """A ``reduce_fn``: one row, each outcome's mean over months ``start``–``end``."""

    start: int
    end: int

    def __call__(self, frame: pd.DataFrame) -> pd.DataFrame:
        window = frame[(frame["month"] >= self.start) & (frame["month"] <= self.end)]
        values = window.drop(columns=[c for c in ("month", "year", "calendar_year", "date")
                                      if c in window.columns])
        return values.mean().to_frame().T.reset_index(drop=True)


@dataclass(frozen=True)
class DiscoveryResult:
    """What :func:`run_discovery` found and where everything is.

    Attributes
    ----------
    policies
        One row per sampled policy (``tables/policies.csv``).
    presets
        One row per placed preset (``tables/presets.csv``).
    boxes
        PRIM boxes (empty when no policy, or every policy, meets the goal).
    features
        Feature scores of the levers (empty likewise).
    notes
        What was skipped and why (e.g. "no sampled policy meets the goal").
    """

    spec: DiscoverySpec
    folder: Path
    report: RunReport
    policies: pd.DataFrame
    presets: pd.DataFrame
    boxes: tuple[Box, ...]
    features: pd.DataFrame
    summary: str
    files: tuple[Path, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    notes_zh: tuple[str, ...] = field(default_factory=tuple)
    """:attr:`notes` in Chinese."""

    @property
    def n_meeting(self) -> int:
        return int(self.policies["meets_goal"].sum()) if len(self.policies) else 0

    def text(self, lang: str = "en") -> str:
        """A few lines for the terminal: the goal, how many policies meet it, the boxes,
        the levers that matter most (display names), in ``lang``."""
        spec, zh = self.spec, lang == "zh"
        n = len(self.policies)
        lines = [f"目标: {spec.goal.text(lang)}" if zh else f"goal: {spec.goal.text(lang)}",
                 f"{n}个抽样政策中有{self.n_meeting}个达到目标(按各种子的均值)" if zh else
                 f"{self.n_meeting} of {n} sampled policies meet it (on the mean over seeds)"]
        for box in self.boxes:
            lines.append(f"{'区域' if zh else 'box'} {box.number}: {box_sentence(box, lang)}")
        if not self.features.empty:
            top = ", ".join(f"{lever_name(r.lever, lang)} {r.score:.2f}"
                            for r in self.features.head(3).itertuples())
            lines.append(f"最重要的杠杆: {top}" if zh else f"levers that matter most: {top}")
        front = self.policies[self.policies["on_front"]] if n else self.policies
        lines.append(f"非支配政策(支出、满意度、参与率): {len(front)}" if zh else
                     f"non-dominated policies (spending vs satisfaction vs participation): "
                     f"{len(front)}")
        return "\n".join(lines)


def run_discovery(spec_or_path: DiscoverySpec | str | Path, out: str | Path | None = None,
                  workers: int = 1, progress: bool | None = None,
                  figures: bool = True, shared_spinup: bool = True) -> DiscoveryResult:
    """Validate, run (or resume) and analyse a discovery spec.

    ``shared_spinup=False`` simulates every run's spin-up itself instead of once per seed
    (:mod:`cogov_sim.spinup`); the results are the same.

    Raises
    ------
    SpecError
        A spec that cannot be run (nothing is written).
    MissingExtraError
        EMA Workbench is not installed (nothing is written).
    OutputError, FolderMismatchError
        The folder cannot be used (nothing is written).
    """
    spec = spec_or_path if isinstance(spec_or_path, DiscoverySpec) else load_spec(spec_or_path)
    ema_module("cogov-sim discover")
    folder = Path(out) if out is not None else default_folder(spec.name, spec.fingerprint())
    tasks = make_tasks(spec)
    report = run_tasks(tasks, folder, workers=workers, progress=progress,
                       manifest={"kind": "discovery", "discovery": spec.identity(),
                                 **posterior_fields(spec.posterior, tasks)},
                       info={"name": spec.name, "description": spec.description,
                             "size": spec.to_dict()["size"], **posterior_info(spec.posterior),
                             "analysis": {"goal": spec.goal.to_dict(),
                                          "tradeoffs": spec.tradeoffs, "prim": spec.prim}},
                       reduce_fn=HorizonMeans(*spec.goal.horizon), shared_spinup=shared_spinup)
    return analyse(spec, folder, report, figures=figures)


def policy_rows(spec: DiscoverySpec) -> list[dict[str, float | int]]:
    """The Latin hypercube over the varied levers (whole-number levers rounded)."""
    design = Design(type="lhs", parameters=dict(spec.levers), n=spec.n, seed=spec.root_seed)
    return design_rows(design)


def make_tasks(spec: DiscoverySpec) -> list[Task]:
    """Policies ``0..n-1`` then presets, each ``replications`` times, seeds from the tree;
    with a posterior, replication r of every policy and preset under the particle drawn
    for r (:func:`cogov_sim.posterior.with_draws`, as experiments do)."""
    base = spec.base_params()
    levers = list(spec.levers)
    points: list[tuple[Any, dict[str, Any]]] = []
    for i, row in enumerate(policy_rows(spec)):
        params = base.replace(**row)
        points.append((params, {"set": "policy", "name": f"policy {i:04d}",
                                **{k: getattr(params, k) for k in levers}}))
    for name in spec.presets:
        params = load_preset(name, **spec.size())
        points.append((params, {"set": "preset", "name": name,
                                **{k: getattr(params, k) for k in levers}}))
    tasks = [Task(run_id=f"p{pid:05d}-r{r:04d}", point_id=pid, replication=r, params=params,
                  seed=derive_seed(spec.root_seed, pid, r, spec.common_random_numbers),
                  labels=labels)
             for pid, (params, labels) in enumerate(points) for r in range(spec.replications)]
    try:
        return with_draws(tasks, spec.posterior, spec.root_seed)
    except ParameterError as exc:
        raise SpecError(f"{spec.source}, top level: posterior: {exc}") from None


# -- analysis ---------------------------------------------------------------------------------

def with_references(runs: pd.DataFrame, goal: Goal) -> pd.DataFrame:
    """``runs`` plus ``ref:<preset>:<outcome>`` columns: the reference preset's value in
    the same replication (paired on the seed, under common random numbers)."""
    out = runs.copy()
    for preset, outcome in reference_columns(goal):
        ref = runs[(runs["set"] == "preset") & (runs["name"] == preset)]
        values = ref.set_index("replication")[outcome]
        out[ref_column(preset, outcome)] = out["replication"].map(values)
    return out


def analyse(spec: DiscoverySpec, folder: str | Path, report: RunReport,
            figures: bool = True) -> DiscoveryResult:
    """(Re)write the tables, figures and summary of a discovery folder."""
    folder = Path(folder)
    tables = folder / "tables"
    files: list[Path] = []
    notes: list[str] = []
    status = load_status(folder)
    store.write_table(tables / "runs.csv", status)
    files.append(tables / "runs.csv")
    runs = load_outcomes(folder)
    levers = list(spec.levers)
    goal = spec.goal
    objectives = [spec.tradeoffs[k] for k in OBJECTIVES]
    if runs.empty:
        empty = pd.DataFrame(columns=["point_id", "meets_goal", "on_front"])
        return DiscoveryResult(spec, folder, report, empty, empty, (), pd.DataFrame(),
                               "no finished runs", tuple(files), ("no finished runs to analyse",))
    runs = with_references(runs, goal)
    runs["_meets"] = goal.holds(runs)
    keep = list(dict.fromkeys([*goal.outcomes(), *objectives]))
    refs = [ref_column(p, o) for p, o in reference_columns(goal)]
    per_point = (runs.groupby("point_id")
                 .agg({"set": "first", "name": "first", **dict.fromkeys(levers, "first"),
                       **dict.fromkeys([*keep, *refs], "mean")}).reset_index())
    per_point["meets_goal"] = goal.holds(per_point)
    is_policy = runs["set"] == "policy"
    rob = robustness(runs[is_policy], runs.loc[is_policy, "_meets"].to_numpy(),
                     objective=spec.tradeoffs["satisfaction"])
    share = runs.groupby("point_id")["_meets"].agg(seeds="size", share_meeting="mean")
    policies = per_point[per_point["set"] == "policy"].merge(rob, on="point_id", how="left")
    presets = per_point[per_point["set"] == "preset"].merge(share.reset_index(), on="point_id")
    mask = pareto_mask(policies[objectives].to_numpy(float), MAXIMISE)
    policies["on_front"] = mask
    presets = place(presets, policies[mask], objectives, MAXIMISE)
    conditions = condition_table(policies, goal)
    policies = policies.drop(columns=["set", *refs])
    presets = presets.drop(columns=["set", *refs])

    x, y = policies[levers], policies["meets_goal"].to_numpy(bool)
    boxes = tuple(find_boxes(x, y, **{k: spec.prim[k] for k in
                                      ("peel_alpha", "mass_min", "min_coverage")},
                             max_boxes=int(spec.prim["max_boxes"])))
    features = feature_scores(x, y, seed=spec.root_seed)
    failed = int((status["status"] != "done").sum())
    said = [key for key, holds in (("none", not y.any()), ("all", bool(y.all()) and y.any()),
                                   ("failed", failed > 0),
                                   ("posterior", spec.posterior is not None)) if holds]
    particles = 0 if spec.posterior is None else len(spec.posterior)
    notes_in = {lang: [NOTES[lang][key].format(goal=goal.text(lang), failed=failed,
                                               particles=particles)
                       for key in said] for lang in NOTES}
    notes += notes_in["en"]

    front = policies[policies["on_front"]].sort_values(objectives[0])
    for name, frame in (("policies", policies), ("presets", presets), ("pareto", front),
                        ("boxes", box_table(boxes)), ("peeling_trajectory", trajectory_table(boxes)),
                        ("feature_scores", features), ("conditions", conditions)):
        store.write_table(tables / f"{name}.csv", frame)
        files.append(tables / f"{name}.csv")

    from ..viz import discovery_figures as figs
    from ..viz.labels import cjk_font

    languages = ["en", "zh"] if cjk_font() else ["en"]
    if figures:
        for lang in languages:
            suffix = "" if lang == "en" else ".zh"
            drawn = [("tradeoffs", partial(figs.tradeoffs, policies, presets, spec.tradeoffs,
                                           lang=lang))]
            if boxes:
                drawn += [("peeling", partial(figs.peeling, boxes, lang=lang)),
                          ("box_limits", partial(figs.box_limits, boxes, spec.levers, lang=lang))]
            for stem, draw in drawn:
                path = folder / "figures" / f"{stem}{suffix}.png"
                store.write_figure(path, draw)
                files.append(path)
    from .summary import markdown_summary

    texts = {lang: markdown_summary(spec, policies, presets, boxes, features, conditions,
                                    notes_in[lang], lang, figures=figures)
             for lang in ("en", "zh")}
    for lang, text in texts.items():
        path = folder / ("summary.md" if lang == "en" else "summary.zh.md")
        store.write_text(path, text)
        files.append(path)
    manifest = store.read_manifest(folder)
    if figures:
        from .brief import build

        files += brief.write(folder, {lang: build(spec, folder, manifest, policies, presets,
                                                  boxes, features, conditions, notes_in[lang],
                                                  lang) for lang in ("en", "zh")})
    manifest["outputs"] = {**manifest.get("outputs", {}), **{
        str(p.relative_to(folder)): DESCRIPTIONS[p.stem.removesuffix(".zh")]
        for p in files if p.stem.removesuffix(".zh") in DESCRIPTIONS}}
    store.update_manifest(folder, manifest)
    return DiscoveryResult(spec, folder, report, policies.reset_index(drop=True),
                           presets.reset_index(drop=True), boxes, features, texts["en"],
                           tuple(files), tuple(notes), tuple(notes_in["zh"]))


def condition_table(policies: pd.DataFrame, goal: Goal) -> pd.DataFrame:
    """Per condition of the goal: share of policies meeting it and the best value reached
    (for a goal nobody meets: how close the sampled policies come)."""
    rows = []
    for c in goal.conditions():
        ok = c.holds(policies)
        values = policies[c.outcome]
        if c.relative_to is not None:  # as a multiple of the reference, like the threshold
            values = values / policies[c.column()]
        best = values.max() if c.at_least is not None else values.min()
        rows.append({"outcome": c.outcome, "at_least": c.at_least, "at_most": c.at_most,
                     "relative_to": c.relative_to, "share_of_policies_meeting": float(ok.mean()),
                     "best_value": float(best)})
    return pd.DataFrame(rows)


def box_table(boxes: tuple[Box, ...]) -> pd.DataFrame:
    rows = []
    for box in boxes:
        for lever, (low, high) in box.limits.items():
            rows.append({"box": box.number, "lever": lever, "unit": param_spec(lever).unit,
                         "low": low if box.lower[lever] else None,
                         "high": high if box.upper[lever] else None,
                         "coverage": box.coverage, "density": box.density, "mass": box.mass,
                         "policies": box.n, "sentence_en": box_sentence(box, "en"),
                         "sentence_zh": box_sentence(box, "zh")})
    return pd.DataFrame(rows, columns=["box", "lever", "unit", "low", "high", "coverage",
                                       "density", "mass", "policies", "sentence_en",
                                       "sentence_zh"])


def trajectory_table(boxes: tuple[Box, ...]) -> pd.DataFrame:
    frames = [b.trajectory.assign(box=b.number) for b in boxes]
    if not frames:
        return pd.DataFrame(columns=["box", "step", "coverage", "density", "mass", "res_dim",
                                     "n", "chosen"])
    out = pd.concat(frames, ignore_index=True)
    return out[["box", *[c for c in out.columns if c != "box"]]]


__all__ = ["DiscoveryResult", "HorizonMeans", "analyse", "make_tasks", "policy_rows",
           "run_discovery", "with_references"]
