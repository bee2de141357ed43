"""Ablation: what each registered mechanism does, found by cutting it — the Python side of
``cogov-sim ablate``.

For each scenario (a preset) the ablation runs one *intact* design point and one point per
mechanism of :mod:`cogov_sim.mechanisms` with that mechanism cut (:meth:`Params.cut
<cogov_sim.params.Params.cut>`; how each cut is made is in the registry). Every point
runs the same replications on common random numbers: replication *r* of every point has
the same seed (:func:`~cogov_sim.experiment.seeds.derive_seed`), and cuts act from the
first reported month on, so a cut run and its intact twin share their township and
spin-up and differ only by what the cut changes.

The **effect** of a cut on an outcome is the paired difference cut − intact of each
run's mean over its last :data:`LAST_MONTHS` months, with the 95 % paired t-interval
(:func:`~cogov_sim.experiment.compare.paired_stats`). A cut **moves** an outcome when the
interval excludes zero. A mechanism whose cut moves none of the :data:`HEADLINE`
outcomes is marked *decorative?* — a question, not a verdict: its effect may be real and
smaller than this design resolves, or act on outcomes outside the headline set. The
table also reports each mechanism's own channel (:data:`CHANNELS`), where the cut acts
first, so "the cut changed nothing measurable" and "it changed its channel, but nothing
downstream" can be told apart.

>>> from cogov_sim.ablation import run_ablation            # doctest: +SKIP
>>> result = run_ablation(workers=2)                       # both reform presets, every mechanism
>>> result.table.query("headline and moves")               # which cut moves which outcome
>>> print(result.text())

Runs go through :func:`~cogov_sim.experiment.runner.run_tasks` (manifest first, any
executor, results stored as runs finish); calling again with the same arguments runs
only what is missing. Guide: ``docs/ablation.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from .communities import CommunityTable, load_communities
from .experiment import compare, store
from .experiment.api import NO_CJK_FONT, KeepColumns
from .experiment.executors import Executor
from .experiment.runner import RunReport, Task, load_outcomes, load_status, run_tasks
from .experiment.seeds import derive_seed
from .experiment.spec import MAX_REPLICATIONS, SpecError, communities_record
from .mechanisms import NAMES, mechanism
from .params import Params, suggest
from .presets import load_preset, preset_names
from .store import default_folder
from .viz.labels import cjk_font, mechanism_label, outcome_label, scenario_label, units_text
from .viz.numbers import shown, value_text

INTACT = "none"
"""The ``mechanism`` label of the intact point (nothing cut)."""
DEFAULT_SCENARIOS = ("baseline", "taicang_1_0", "taicang_2_0", "taicang_3_0", "shanghai", "chengdu")
"""Every preset: a mechanism is decorative only if its cut moves no headline outcome in
any of them (some act only where a preset gives them room: trust in government where a
street platform makes it matter, incubation where organizations are incubated)."""
DEFAULT_REPLICATIONS = 8
DEFAULT_SIZE = {"n_residents": 20_000, "n_communities": 8, "months": 72, "spinup_months": 60}
"""20,000 residents in 8 communities (2,000 agents, one per 10), 72 reported months after
a 60-month spin-up. Why: a run takes about 0.4 s on one core, so the default ablation (6
presets × 15 points × 8 replications = 720 runs) takes about 5 minutes on one idle core
and a few on two; 2,500 residents per community keep each
committee's scores and consultations meaningful; six reported years let slow stocks
(trust, organizations, committees' learned focus through yearly evaluations) respond to a
cut, and the effects of the evaluation mechanisms are several paired standard errors wide
at this size with 8 replications (tests/test_evaluation.py uses the same size)."""
ROOT_SEED = 18
"""Root of the seed tree (issue 18)."""
LAST_MONTHS = 24
"""Each run is reduced to the mean of its last 24 months (all months if it is shorter):
two yearly evaluation cycles, which smooths month-to-month noise."""
LEVEL = 0.95

HEADLINE = ("participation_rate", "happiness_index", "admin_burden", "resolution_rate",
            "trust_committee", "so_per_10k", "trust_so", "trust_government", "consultation_rate")
"""The outcomes a mechanism must move to count as doing something the model is for."""
SHORT = {
    "participation_rate": ("Participation", "参与率"), "happiness_index": ("Happiness", "幸福指数"),
    "admin_burden": ("Admin burden", "行政负担"), "resolution_rate": ("Resolution", "诉求解决率"),
    "trust_committee": ("Trust: committee", "信任居委会"), "so_per_10k": ("Orgs/10k", "每万人社会组织"),
    "trust_so": ("Trust: orgs", "信任社会组织"), "trust_government": ("Trust: gov.", "信任政府"),
    "consultation_rate": ("Consultation", "协商参与"),
}
"""Column headers of the Markdown tables (the full labels are listed under each table)."""
CHANNELS = {
    "gov_score": "eval_gov_to_committee", "committee_rating": "eval_committee_to_gov",
    "resident_score": "eval_residents_to_committee", "resident_evaluation": "committee_focus",
    "breach": "payments_withheld", "paperwork": "paperwork_effort",
"trust_so": "trust_so",
    "trust_government": "trust_government", "neighbour_influence": "participation_month",
    "habit": "participation_month", "salience": "participation_month",
    "grid_visits": "visits_per_1000", "incubation": "so_births", "purchase": "so_contracts",
}
"""Where each mechanism's cut acts first: the outcome that shows the cut took effect."""
OUTCOMES = tuple(dict.fromkeys((*HEADLINE, *CHANNELS.values())))
"""Every outcome an ablation stores and analyses: the headline outcomes and the channels."""
SMALL = 0.01
"""Effects below this share of the outcome's intact level are called small in the summary
(a description of size, not a test: ``moves`` alone decides *decorative?*)."""
TABLE_COLUMNS = ("mechanism", "scenario", "outcome", "headline", "channel", "n", "mean_intact",
                 "mean_cut", "effect", "relative", "sd", "ci_low", "ci_high", "moves",
                 "moves_bonferroni")
DESCRIPTIONS = {
    "runs": "every scheduled run: scenario, mechanism cut, replication, seed, status, seconds",
    "ablation": "per mechanism, scenario and outcome: mean intact and cut (last "
                f"{LAST_MONTHS} months), effect = cut - intact with its 95 % paired t-interval, "
                "moves = the interval excludes zero",
}


class AblationError(SpecError):
    """An ablation that cannot be run (one line; nothing is written)."""


@dataclass(frozen=True)
class AblationSpec:
    """What an ablation runs: checked by :func:`ablation_spec`."""

    scenarios: tuple[str, ...]
    mechanisms: tuple[str, ...]
    replications: int
    size: dict[str, int] = field(default_factory=dict)
    """``Params`` size names → values (:data:`DEFAULT_SIZE` with the caller's changes)."""
    root_seed: int = ROOT_SEED
    outcomes: tuple[str, ...] = OUTCOMES
    table: CommunityTable | None = None
    """The township's community table, if it is built from one (then ``size`` has no
    ``n_communities``, and ``n_residents``, if given, scales the table)."""

    def params(self, scenario: str) -> Params:
        return load_preset(scenario, **self.size, **({} if self.table is None
                                                    else {"communities": self.table}))

    def identity(self) -> dict[str, Any]:
        """What defines the runs (compared when a folder is resumed)."""
        size: dict[str, Any] = dict(sorted(self.size.items()))
        if self.table is not None:
            size["communities"] = communities_record(self.table, identity=True)
        return {"scenarios": list(self.scenarios), "mechanisms": list(self.mechanisms),
                "replications": self.replications, "size": size,
                "root_seed": self.root_seed, "outcomes": list(self.outcomes)}

    def fingerprint(self) -> str:
        """The run id of the default folder ``results/ablation/<run id>/``."""
        from .provenance import fingerprint

        return fingerprint(self.identity())

    def tasks(self) -> list[Task]:
        """Per scenario the intact point, then one point per cut mechanism; replication
        *r* of every point has the same seed (common random numbers)."""
        tasks: list[Task] = []
        pid = 0
        for scenario in self.scenarios:
            intact = self.params(scenario)
            for name in (INTACT, *self.mechanisms):
                params = intact if name == INTACT else intact.cut(name)
                labels = {"scenario": scenario, "mechanism": name}
                tasks += [Task(f"{scenario}-{name}-r{r:03d}", pid, r, params,
                               derive_seed(self.root_seed, pid, r, common_random_numbers=True),
                               labels) for r in range(self.replications)]
                pid += 1
        return tasks


def ablation_spec(scenarios: Sequence[str] | None = None, mechanisms: Sequence[str] | None = None,
                  replications: int = DEFAULT_REPLICATIONS, *, months: int | None = None,
                  residents: int | None = None,
                  communities: int | str | Path | CommunityTable | None = None,
                  spinup_months: int | None = None, residents_per_agent: int | None = None,
                  root_seed: int = ROOT_SEED) -> AblationSpec:
    """Check the arguments of :func:`run_ablation` and build its spec (nothing is run or
    written). Empty or ``None`` scenarios or mechanisms mean the defaults; repeated names
    count once. ``communities`` is a whole number of equal communities or a community
    table (a :class:`~cogov_sim.communities.CommunityTable`, a packaged table's name or a
    CSV path); with a table, ``residents`` (if given) scales it.

    Raises
    ------
    AblationError
        Unknown scenario or mechanism (with the closest name), fewer than two replications,
        a size or seed that is not a whole number.
    ParameterError
        A size out of its range (as ``cogov-sim run`` says it).
    """
    names = tuple(dict.fromkeys(scenarios or DEFAULT_SCENARIOS))
    presets = preset_names()
    for name in names:
        if name not in presets:
            raise AblationError(f"--scenario {name}: unknown preset{suggest(str(name), presets)}; "
                                f"allowed: {', '.join(presets)}")
    cuts = tuple(dict.fromkeys(mechanisms or NAMES))
    for name in cuts:
        if name == INTACT:
            raise AblationError(f"--mechanism {INTACT}: the intact runs are always included; "
                                f"allowed: {', '.join(NAMES)}")
        try:
            mechanism(name)
        except ValueError as exc:
            raise AblationError(f"--mechanism {name}: {exc}") from None
    if isinstance(replications, bool) or not isinstance(replications, int) or replications < 2:
        raise AblationError(f"--replications {replications}: expected 2 or more (a confidence "
                            "interval needs two)")
    if replications > MAX_REPLICATIONS:
        raise AblationError(f"--replications {replications}: expected at most {MAX_REPLICATIONS:,}")
    if isinstance(root_seed, bool) or not isinstance(root_seed, int) or root_seed < 0:
        raise AblationError(f"--seed {root_seed}: expected a non-negative whole number")
    table = None
    if isinstance(communities, (str, Path, CommunityTable)):
        table = load_communities(communities)  # a bad file: one line (ParameterError)
        communities = None
    given = {"months": months, "n_residents": residents, "n_communities": communities,
             "spinup_months": spinup_months, "residents_per_agent": residents_per_agent}
    options = {"months": "--months", "n_residents": "--residents",
               "n_communities": "--communities", "spinup_months": "--spinup-months",
               "residents_per_agent": "--residents-per-agent"}
    for key, value in given.items():
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise AblationError(f"{options[key]} {value!r}: expected a whole number")
    size = {**DEFAULT_SIZE, **{k: v for k, v in given.items() if v is not None}}
    if table is not None:  # the table sets the communities and, unless told, the residents
        size.pop("n_communities")
        if residents is None:
            size.pop("n_residents")
    spec = AblationSpec(names, cuts, replications, size, root_seed, table=table)
    for name in names:
        spec.params(name)  # sizes out of range: one line now, before anything is written
    return spec


@dataclass(frozen=True)
class AblationResult:
    """What :func:`run_ablation` did and where everything is.

    Attributes
    ----------
    spec
        What was run.
    folder
        The results folder.
    report
        Runs done, failed and skipped in this call.
    table
        One row per mechanism, scenario and outcome (``tables/ablation.csv``; columns
        :data:`TABLE_COLUMNS`); empty before any intact/cut pair is complete.
    files
        Tables and figures written.
    notes
        Anything the analysis skipped, and why.
    """

    spec: AblationSpec
    folder: Path
    report: RunReport
    table: pd.DataFrame
    files: tuple[Path, ...] = ()
    notes: tuple[str, ...] = ()

    def outcomes(self, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """All finished runs' outcomes (one row per run and month)."""
        return load_outcomes(self.folder, columns)

    def decorative(self) -> pd.DataFrame:
        """Per scenario and mechanism: ``moves`` (how many headline outcomes its cut
        moves) and ``decorative`` (none)."""
        return verdicts(self.table)

    def text(self, lang: str = "en") -> str:
        """A short plain-text summary: per scenario and mechanism, the headline outcomes
        its cut moves, or *decorative?*."""
        return text_summary(self.table, lang)


def run_ablation(scenarios: Sequence[str] | None = None, mechanisms: Sequence[str] | None = None,
                 replications: int = DEFAULT_REPLICATIONS, out: str | Path | None = None, *,
                 months: int | None = None, residents: int | None = None,
                 communities: int | str | Path | CommunityTable | None = None,
                 spinup_months: int | None = None,
                 residents_per_agent: int | None = None, root_seed: int = ROOT_SEED,
                 workers: int = 1, executor: Executor | None = None,
                 progress: bool | None = None, figures: bool = True) -> AblationResult:
    """Run (or resume) an ablation and write its tables and figures.

    Parameters
    ----------
    scenarios
        Presets to ablate (default :data:`DEFAULT_SCENARIOS`, every preset).
    mechanisms
        Registered mechanisms to cut one at a time (default: all of
        :data:`cogov_sim.mechanisms.NAMES`).
    replications
        Paired replications per point (at least 2; default 8).
    out
        Results folder (default ``results/ablation/<run id>/``, the run id a short hash of
        what is run and the package version). A folder holding this ablation is resumed:
        only missing runs are done.
    months, residents, communities, spinup_months, residents_per_agent
        Size of every run (default :data:`DEFAULT_SIZE`; see there why). ``communities``
        is a number of equal communities or a community table (its name, a CSV path or a
        :class:`~cogov_sim.communities.CommunityTable`), which ``residents`` scales.
    root_seed
        Root of the seed tree.
    workers
        Local worker processes (1 = this process, 0 = one per core).
    executor
        Run elsewhere instead (e.g. a :class:`~cogov_sim.experiment.executors.DaskExecutor`).
    progress
        Progress bar: ``None`` shows it only on a terminal.
    figures
        Draw ``figures/ablation.png`` (and ``ablation.zh.png`` with a CJK font).

    Raises
    ------
    AblationError, ParameterError
        Arguments that cannot be run (one line; nothing is written).
    """
    spec = ablation_spec(scenarios, mechanisms, replications, months=months,
                         residents=residents, communities=communities,
                         spinup_months=spinup_months, residents_per_agent=residents_per_agent,
                         root_seed=root_seed)
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 0:
        raise AblationError(f"--workers {workers}: expected 0 (one per core) or more")
    folder = Path(out) if out is not None else default_folder("ablation", spec.fingerprint())
    report = run_tasks(spec.tasks(), folder, workers=workers, executor=executor,
                       progress=progress, reduce_fn=KeepColumns(spec.outcomes),
                       manifest={"kind": "ablation", "ablation": spec.identity()},
                       info={"name": "ablation",
                             "description": "each registered mechanism cut in turn, paired "
                                            "with intact runs on common random numbers",
                             "analysis": {"last_months": LAST_MONTHS, "level": LEVEL,
                                          "headline": list(HEADLINE), "channels": CHANNELS}})
    table, files, notes = analyse_ablation(folder, figures=figures)
    return AblationResult(spec, folder, report, table, files, notes)


# -- analysis ---------------------------------------------------------------------------------

def effects(data: pd.DataFrame, outcomes: Sequence[str] = OUTCOMES,
            scenarios: Sequence[str] | None = None, mechanisms: Sequence[str] | None = None,
            last_months: int = LAST_MONTHS, level: float = LEVEL) -> pd.DataFrame:
    """The effect of each cut: per mechanism, scenario and outcome, the paired difference
    cut − intact of the runs' means over their last ``last_months`` months.

    ``data`` is :func:`~cogov_sim.experiment.runner.load_outcomes` of an ablation folder
    (columns ``scenario``, ``mechanism``, ``replication``, ``month`` and the outcomes).
    ``relative``: the effect as a share of the intact mean's size. ``moves``: the
    ``level`` interval excludes zero; ``moves_bonferroni``: so does the
    interval at the Bonferroni level over the :data:`HEADLINE` outcomes (``1 - (1 -
    level) / 9``), which keeps the chance that a cut doing nothing systematic moves any
    headline outcome below ``1 - level``.
    """
    outcomes = [o for o in outcomes if o in data.columns]
    scenarios = list(scenarios) if scenarios is not None else list(dict.fromkeys(data["scenario"]))
    parts = []
    for scenario in scenarios:
        sub = data[data["scenario"] == scenario]
        values = compare.per_run(sub, outcomes, "end", group="mechanism", last_months=last_months)
        present = set(values["mechanism"])
        order = [m for m in (mechanisms if mechanisms is not None
                             else dict.fromkeys(values["mechanism"])) if m in present and m != INTACT]
        if INTACT not in present or not order:
            continue
        part = compare.compare(values, outcomes, reference=INTACT, group="mechanism",
                               level=level, order=[INTACT, *order])
        part = part.rename(columns={"scenario": "mechanism", "mean_a": "mean_cut",
                                    "mean_b": "mean_intact", "difference": "effect"})
        part["scenario"] = scenario
        parts.append(part)
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in TABLE_COLUMNS})
    table = pd.concat(parts, ignore_index=True)
    table["headline"] = table["outcome"].isin(HEADLINE)
    scale = table["mean_intact"].abs()
    table["relative"] = (table["effect"] / scale).where(scale > 0)
    table["channel"] = [CHANNELS.get(m) == o for m, o in zip(table["mechanism"], table["outcome"],
                                                              strict=True)]
    table["moves"] = _excludes_zero(table["ci_low"], table["ci_high"])
    strict = 1 - (1 - level) / len(HEADLINE)
    n = table["n"].to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = stats.t.ppf(0.5 + strict / 2, n - 1) * table["sd"].to_numpy(float) / np.sqrt(n)
    table["moves_bonferroni"] = _excludes_zero(table["effect"] - half, table["effect"] + half)
    return table[list(TABLE_COLUMNS)]


def _excludes_zero(low: Any, high: Any) -> pd.Series:
    low, high = pd.Series(low, dtype=float), pd.Series(high, dtype=float)
    return ((low > 0) | (high < 0)).astype(bool)  # NaN (one pair): not shown to move


def verdicts(table: pd.DataFrame) -> pd.DataFrame:
    """Per scenario and mechanism: how many headline outcomes the cut moves (``moves``;
    at the Bonferroni level ``moves_bonferroni``), the largest of those effects as a share
    of the intact level (``largest``), whether its own channel moved, ``inactive`` (the
    cut changed no run: every effect exactly zero, e.g. a lever the preset leaves at zero)
    and ``decorative`` (active, but no headline outcome moves)."""
    columns = ["scenario", "mechanism", "moves", "moves_bonferroni", "largest", "channel_moves",
               "inactive", "decorative"]
    if table.empty:
        return pd.DataFrame(columns=columns)
    keys = ["scenario", "mechanism"]
    head = table[table["headline"]].assign(
        moved_size=lambda t: t["relative"].abs().where(t["moves"]))
    out = (head.groupby(keys, sort=False)
           .agg(moves=("moves", "sum"), moves_bonferroni=("moves_bonferroni", "sum"),
                largest=("moved_size", "max"))
           .reset_index())
    channel = (table[table["channel"]].groupby(keys, sort=False)["moves"].any()
               .rename("channel_moves"))
    inactive = (table.groupby(keys, sort=False)[["effect", "sd"]]
                .apply(lambda t: bool((t["effect"] == 0).all() and (t["sd"] == 0).all()))
                .rename("inactive"))
    out = out.merge(channel, on=keys, how="left").merge(inactive, on=keys, how="left")
    out["decorative"] = (out["moves"] == 0) & ~out["inactive"]
    return out[columns]


def analyse_ablation(folder: str | Path,
                     figures: bool = True) -> tuple[pd.DataFrame, tuple[Path, ...], tuple[str, ...]]:
    """(Re)write the tables and figures of an ablation folder from its runs.

    Writes ``tables/runs.csv``, ``tables/ablation.csv`` (:func:`effects`),
    ``tables/ablation.md`` and ``tables/ablation.zh.md`` (one table per scenario), and
    ``figures/ablation.png`` (``ablation.zh.png`` too when a CJK font is installed).

    Returns
    -------
    table, files, notes
    """
    folder = Path(folder)
    manifest = store.read_manifest(folder)
    spec = manifest["ablation"]
    scenarios, mechanisms = list(spec["scenarios"]), list(spec["mechanisms"])
    tables = folder / "tables"
    files: list[Path] = []
    notes: list[str] = []
    labels = {int(k): v["labels"] for k, v in manifest["points"].items()}
    status = load_status(folder)
    status.insert(1, "scenario", status["point_id"].map(lambda p: labels[p]["scenario"]))
    status.insert(2, "mechanism", status["point_id"].map(lambda p: labels[p]["mechanism"]))
    store.write_table(tables / "runs.csv", status)
    files.append(tables / "runs.csv")
    data = load_outcomes(folder)
    table = (effects(data, spec["outcomes"], scenarios, mechanisms) if not data.empty
             else pd.DataFrame(columns=list(TABLE_COLUMNS)))
    if table.empty:
        return table, tuple(files), ("no complete pairs of intact and cut runs to compare",)
    store.write_table(tables / "ablation.csv", table)
    files.append(tables / "ablation.csv")
    for lang in ("en", "zh"):
        path = tables / ("ablation.md" if lang == "en" else "ablation.zh.md")
        store.write_text(path, markdown(table, lang, scenarios, mechanisms))
        files.append(path)
    languages = ["en", "zh"] if cjk_font() else ["en"]
    if "zh" not in languages:
        notes.append(NO_CJK_FONT)
    if figures:
        from .viz.experiment_figures import ablation_effects

        shown = [s for s in scenarios if s in set(table["scenario"])]
        for lang in languages:
            path = folder / "figures" / ("ablation.png" if lang == "en" else "ablation.zh.png")
            store.write_figure(path, partial(ablation_effects, table, outcomes=HEADLINE,
                                             mechanisms=mechanisms, scenarios=shown, lang=lang,
                                             last_months=LAST_MONTHS))
            files.append(path)
    manifest["outputs"] = {**manifest.get("outputs", {}), **{
        str(p.relative_to(folder)): DESCRIPTIONS.get(p.stem.removesuffix(".zh"),
                                                     "effects of the cuts on the headline outcomes")
        for p in files}}
    store.update_manifest(folder, manifest)
    return table, tuple(files), tuple(notes)


# -- text -------------------------------------------------------------------------------------

_WORDS = {
    "en": {"title": "Ablation: what each mechanism does", "mechanism": "Mechanism", "cut": "Cut",
           "channel": "Own channel", "verdict": "Verdict", "intact": "intact (mean)",
           "decorative": "*decorative?*", "moves": "moves {k} of {n}, by up to {size} of the "
           "intact level", "nothing": "; nor does its own channel",
           "inactive": "inactive here: the cut changes no run",
           "summary": "Summary", "none": "none",
           "always": "Decorative? wherever its cut changes anything",
           "inactive_in": "Cut changes no run in",
           "small": f"Moves headline outcomes, but none by {SMALL * 100:g} % of its intact level or more",
           "large": f"Moves a headline outcome by {SMALL * 100:g} % of its intact level or more",
           "marginal": "Moves headline outcomes, but none at the Bonferroni level (†) in any "
                       "scenario",
           "columns": "Columns"},
    "zh": {"title": "消融: 各机制的作用", "mechanism": "机制", "cut": "切除方式",
           "channel": "直接渠道", "verdict": "判断", "intact": "完整模型(均值)",
           "decorative": "*装饰性?*", "moves": "影响 {k}/{n} 项, 最多为完整水平的 {size}",
           "nothing": "; 直接渠道也无显著变化", "inactive": "此情景中不起作用: 切除不改变任何运行",
           "summary": "小结", "none": "无",
           "always": "凡切除起作用之处均为装饰性?", "inactive_in": "切除不改变任何运行的情景",
           "small": f"影响主要指标, 但均不到完整水平的 {SMALL * 100:g}%",
           "large": f"至少一项主要指标的变化达到完整水平的 {SMALL * 100:g}% 或以上",
           "marginal": "影响主要指标, 但在任何情景中均未达到 Bonferroni 水平(†)", "columns": "列"},
}
_INTRO = {
    "en": "Each row cuts one mechanism from the first reported month on (how: `cogov-sim ablate "
          "--list`). A cell is the effect of the cut, cut − intact, on the mean of the last "
          "{m} months, averaged over {n} paired replications on common random numbers; "
          "**bold**: its 95 % paired t-interval excludes zero (the intervals are in "
          "`ablation.csv`); † it also excludes zero at the Bonferroni level over the {h} "
          "headline outcomes. *Decorative?* marks a cut that moves no headline outcome beyond "
          "noise — a question, not a verdict. A cut that does nothing systematic but "
          "changes the random draws moves at least one of the {h} headline outcomes at the "
          "95 % level by chance about {p:.0f} % of the time; † keeps that below 5 %. \"Own "
          "channel\" is the outcome "
          "where the cut acts first: it shows whether the cut took effect at all. \"By up to "
          "x %\": the largest headline effect that moves, as a share of that outcome's intact "
          "level. *Inactive here*: the cut changes no run at all (the preset does not use the "
          "mechanism, e.g. a lever it leaves at zero).",
    "zh": "每行在报告期第一个月起切除一个机制(方式见 `cogov-sim ablate --list --lang zh`)。"
          "单元格为切除效应(切除 − 完整), 即最后 {m} 个月均值之差, 为 {n} 对共同随机数配对重复的"
          "平均; **粗体**: 95% 配对 t 区间不含零(区间见 `ablation.csv`); †: 在 {h} 项主要指标的 "
          "Bonferroni 水平上也不含零。*装饰性?* 表示切除后没有任何主要指标超出噪声地变化——"
          "这是疑问而非结论。一个无系统作用但改变随机抽样的切除, 在 95% 水平上偶然影响 {h} "
          "项中至少一项的概率约为 {p:.0f}%; † 使之低于 5%。\"直接渠道\" 是切除首先作用的指标, "
          "用以判断切除是否生效。\"最多为完整水平的 x%\": "
          "显著变化的主要指标中最大效应占该指标完整水平的比例。*此情景中不起作用*: 切除不改变任何运行"
          "(该预设不使用此机制, 例如其杠杆本为零)。",
}


def _effect_text(row: Any, name: str) -> str:
    """A cut's effect on outcome ``name`` in its display unit, rounded by the tables' one
    rule (:func:`cogov_sim.viz.numbers.shown`: from the interval's width), with a true minus."""
    return shown(name, row.effect, row.ci_low, row.ci_high).difference.replace("-", "−")


def _share(x: float) -> str:
    """A share as a percentage with two significant digits (``0.047 %``, ``12 %``)."""
    return np.format_float_positional(100 * x, precision=2, fractional=False, trim="-") + " %"


def _effect_cell(row: Any, name: str) -> str:
    text = _effect_text(row, name)
    if row.moves:
        text = f"**{text}**"
    return text + ("†" if row.moves_bonferroni else "")


def markdown(table: pd.DataFrame, lang: str = "en", scenarios: Sequence[str] | None = None,
             mechanisms: Sequence[str] | None = None) -> str:
    """The ablation as Markdown: per scenario a table with mechanisms as rows (the
    registry's description and cut), the headline outcomes as columns, each mechanism's
    own channel and a verdict; a summary of the mechanisms that look decorative."""
    from .mechanisms import mechanism as registered

    zh = lang == "zh"
    w = _WORDS[lang]
    scenarios = list(scenarios or dict.fromkeys(table["scenario"]))
    scenarios = [s for s in scenarios if s in set(table["scenario"])]
    mechanisms = list(mechanisms or dict.fromkeys(table["mechanism"]))
    headline = [o for o in HEADLINE if o in set(table["outcome"])]
    n = int(table["n"].max()) if len(table) else 0
    chance = 1 - LEVEL ** len(headline)
    lines = [f"# {w['title']}", "", _INTRO[lang].format(m=LAST_MONTHS, n=n, h=len(headline),
                                                        p=100 * chance), ""]
    lines.append(f"{w['columns']}: " + "; ".join(
        f"{SHORT[o][zh]} = {outcome_label(o, lang)} ({units_text(o, lang)})" for o in headline)
        + ".")
    verdict = verdicts(table).set_index(["scenario", "mechanism"])
    for scenario in scenarios:
        sub = table[table["scenario"] == scenario].set_index(["mechanism", "outcome"])
        lines += ["", f"## {scenario_label(scenario, lang)} (`{scenario}`)", ""]
        head = [w["mechanism"], w["cut"], *(SHORT[o][zh] for o in headline), w["channel"],
                w["verdict"]]
        lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        present = [m for m in mechanisms if m in sub.index.get_level_values(0)]
        if not present:
            continue
        intact = [value_text(o, sub.loc[(present[0], o), "mean_intact"]) for o in headline]
        lines.append(f"| *{w['intact']}* | | " + " | ".join(intact) + " | | |")
        for name in present:
            m = registered(name)
            cells = [_effect_cell(sub.loc[(name, o)], o) if (name, o) in sub.index else ""
                     for o in headline]
            channel = CHANNELS.get(name)
            own = (f"`{channel}` {_effect_cell(sub.loc[(name, channel)], channel)}"
                   if channel and (name, channel) in sub.index else "—")
            describe = f"`{name}` — {mechanism_label(name, lang)}"
            cut = m.cut_zh if zh else m.cut
            lines.append(f"| {compare._cell(describe)} | {compare._cell(cut)} | "
                         + " | ".join(cells) + f" | {own} | "
                         f"{_verdict_text(verdict.loc[(scenario, name)], lang, len(headline))} |")
    lines += ["", f"## {w['summary']}", "", *_summary(verdict, mechanisms, lang)]
    return "\n".join(lines) + "\n"


def _verdict_text(v: pd.Series, lang: str, n: int) -> str:
    w = _WORDS[lang]
    if v["inactive"]:
        return w["inactive"]
    if v["decorative"]:
        quiet = not pd.isna(v["channel_moves"]) and not v["channel_moves"]
        return w["decorative"] + (w["nothing"] if quiet else "")
    return w["moves"].format(k=int(v["moves"]), n=n, size=_share(v["largest"]))


def _summary(verdict: pd.DataFrame, mechanisms: Sequence[str], lang: str) -> list[str]:
    """Bullets: mechanisms decorative wherever active, cuts that change no run, the
    mechanisms that move headline outcomes split by the size of their largest effect, and
    those whose moves all fall short of the Bonferroni level."""
    w = _WORDS[lang]
    by_name = {m: verdict.xs(m, level="mechanism") for m in mechanisms
               if m in verdict.index.get_level_values("mechanism")}
    always = [m for m, v in by_name.items() if not v["inactive"].all()
              and (v["decorative"] | v["inactive"]).all()]
    inactive = [f"`{m}` ({', '.join(f'`{s}`' for s in v.index[v['inactive']])})"
                for m, v in by_name.items() if v["inactive"].any()]
    moving = {m: v["largest"].max() for m, v in by_name.items() if (v["moves"] > 0).any()}
    small = [m for m, size in moving.items() if size < SMALL]
    large = [m for m, size in moving.items() if size >= SMALL]
    marginal = [m for m in moving if (by_name[m]["moves_bonferroni"] == 0).all()]

    def names(items: Sequence[str], code: bool = True) -> str:
        return ", ".join(f"`{m}`" if code else m for m in items) or w["none"]

    return [f"- {w['always']}: {names(always)}",
            f"- {w['inactive_in']}: {names(inactive, code=False)}",
            f"- {w['small']}: {names(small)}",
            f"- {w['large']}: {names(large)}",
            f"- {w['marginal']}: {names(marginal)}"]


def text_summary(table: pd.DataFrame, lang: str = "en") -> str:
    """Per scenario, one line per mechanism: the headline outcomes its cut moves (effect)
    or *decorative?*."""
    if table.empty:
        return "(no complete pairs of intact and cut runs to compare)"
    zh = lang == "zh"
    verdict = verdicts(table).set_index(["scenario", "mechanism"])
    n = int(table["n"].max())
    head = (f"切除 − 完整, 最后 {LAST_MONTHS} 个月均值, {n} 对配对重复; 列出 95% 区间不含零的主要指标:"
            if zh else f"Cut - intact (mean of the last {LAST_MONTHS} months, {n} paired "
            "replications); headline outcomes whose 95 % interval excludes zero:")
    lines = [head]
    width = max(len(m) for m in table["mechanism"]) + 2
    for scenario, sub in table.groupby("scenario", sort=False):
        lines.append(f"  {scenario_label(str(scenario), lang)}")
        for name, rows in sub.groupby("mechanism", sort=False):
            moved = rows[rows["headline"] & rows["moves"]]
            v = verdict.loc[(scenario, name)]
            if v["inactive"]:
                text = "不起作用(切除不改变任何运行)" if zh else "inactive (the cut changes no run)"
            elif v["decorative"]:
                text = "装饰性?" if zh else "decorative?"
            else:
                text = ", ".join(f"{SHORT[r.outcome][zh]} {_effect_text(r, r.outcome)}"
                                 for r in moved.itertuples())
            lines.append(f"    {str(name).ljust(width)}{text}")
    return "\n".join(lines)


__all__ = ["CHANNELS", "DEFAULT_SCENARIOS", "DEFAULT_SIZE", "HEADLINE", "INTACT", "OUTCOMES", "SMALL",
           "AblationError", "AblationResult", "AblationSpec", "ablation_spec", "analyse_ablation",
           "effects", "markdown", "run_ablation", "text_summary", "verdicts"]
