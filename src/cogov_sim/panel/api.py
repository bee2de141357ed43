"""Run a rollout end to end: runs → panel → event study → tables, figure and summary."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..experiment.store import read_manifest, update_manifest
from ..outcomes import outcome
from ..provenance import fingerprint
from ..store import RESULTS
from ..viz import brief as page
from ..viz.labels import outcome_label
from ..viz.numbers import display
from . import brief
from .estimate import EventStudy, check_extra, event_study
from .rollout import RolloutSpec, assemble_panel, load_rollout, run_rollout


@dataclass(frozen=True)
class RolloutResult:
    folder: Path
    panel: pd.DataFrame
    study: EventStudy
    report: object

    def text(self, lang: str = "en") -> str:
        """The summary: how far each estimator is from the true effect, outcomes by their
        display names, in ``lang``."""
        zh = lang == "zh"
        s = self.study.summary()
        clusters = int(self.study.pooled.clusters.iloc[0]) if "clusters" in self.study.pooled else 0
        names = {o: outcome_label(o, lang) for o in s["outcome"].unique()}
        width = max([_cols(n) for n in names.values()] + [20]) + 2
        head = (f"采纳效应: 在处理镇-年上合并(95%置信区间, 标准误按{clusters}个镇聚类), 以及按采纳后年数",
                ("指标", "估计量", "估计值", "真值", "误差", "区间覆盖真值", "按事件时间的平均|偏差|"),
                ("是", "否"), "覆盖") if zh else (
                "Effect of adoption: pooled over treated township-years (95 % CI, errors "
                f"clustered on {clusters} townships), and by years since adoption",
                ("outcome", "estimator", "estimate", "truth", "error", "CI covers truth",
                 "mean |gap| by event time"), ("yes", "NO "), "covered")
        cols = head[1]
        lines = [head[0], f"{_pad(cols[0], width)}{_pad(cols[1], 8)}{cols[2]:>10}{cols[3]:>10}"
                 f"{cols[4]:>10}  {cols[5]}  {cols[6]}"]
        pooled = self.study.pooled.set_index(["outcome", "estimator"])
        for r in s.itertuples():
            p = pooled.loc[(r.outcome, r.estimator)]
            lines.append(f"{_pad(names[r.outcome], width)}{r.estimator:<8}"
                         f"{r.pooled_estimate:>10.4f}{r.pooled_truth:>10.4f}"
                         f"{r.pooled_error:>+10.4f}  "
                         f"{head[2][0] if r.pooled_covers else head[2][1]:<3} [{p.ci_low:.4f}, "
                         f"{p.ci_high:.4f}]  {r.event_mean_abs_error:.4f} "
                         f"({head[3]} {r.event_coverage:.0%})")
        return "\n".join(lines)


OUTPUTS = {
    "panel.parquet": "one row per township, replication and year: observed outcomes, adoption "
                     "year, treated flag, true effects (stored units)",
    "tables/event_study.csv": "per outcome, estimator and year since adoption: estimate, 95 % "
                              "CI, and the true effect (estimator truth); stored units",
    "tables/pooled.csv": "per outcome and estimator: the effect pooled over treated "
                         "township-years, 95 % CI, clusters, truth, error, whether the CI "
                         "covers the truth; stored units",
    "tables/summary.csv": "per outcome and estimator: pooled estimate, truth and error, "
                          "coverage, mean absolute gap and coverage by event time; unit as "
                          "stored, display_unit and display_scale (shown = stored × scale)",
    "summary.txt": "the terminal's summary",
    "summary.md": "the summary table with its caption (years, townships, adopters, "
                  "replications, clusters, interval) in display units; summary.zh.md in Chinese",
}
"""What a rollout folder holds (the manifest's ``outputs``)."""
FIGURE_OUTPUT = ("the true effect by years since adoption and each estimator with its 95 % CI, "
                 "in display units; event_study.zh.png in Chinese")


def _cols(text: str) -> int:
    """Columns ``text`` takes in a terminal (CJK characters take two)."""
    return sum(2 if "\u2e80" <= ch <= "\uffef" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _cols(text))


def default_folder(spec: RolloutSpec) -> Path:
    return RESULTS / spec.name / fingerprint(spec.to_dict())


def run_rollout_study(spec: RolloutSpec | str | Path, out: Path | None = None, workers: int = 1,
                      progress: bool | None = None, figures: bool = True) -> RolloutResult:
    """Run (or resume) the rollout's runs, then write ``panel.parquet``,
    ``tables/event_study.csv``, ``tables/pooled.csv``, ``tables/summary.csv``,
    ``figures/event_study.png`` (``.zh.png``), ``summary.txt``, ``summary.md``
    (``summary.zh.md``) and ``brief.html`` (``brief.zh.html``) into the folder."""
    from ..experiment.runner import load_outcomes

    if not isinstance(spec, RolloutSpec):
        spec = load_rollout(spec)
    check_extra()  # before the runs, not after them
    folder = Path(out) if out is not None else default_folder(spec)
    report = run_rollout(spec, folder, workers=workers, progress=progress)
    if not report.ok:
        return RolloutResult(folder, pd.DataFrame(), EventStudy(pd.DataFrame(), pd.DataFrame()),
                             report)
    panel = assemble_panel(load_outcomes(folder), spec.outcomes)
    study = event_study(panel, spec.outcomes)
    result = RolloutResult(folder, panel, study, report)
    panel.to_parquet(folder / "panel.parquet", index=False)
    (folder / "tables").mkdir(exist_ok=True)
    study.by_event.to_csv(folder / "tables" / "event_study.csv", index=False)
    study.pooled.to_csv(folder / "tables" / "pooled.csv", index=False)
    summary = study.summary()
    summary["unit"] = [outcome(o).unit for o in summary["outcome"]]  # as stored
    summary["display_unit"] = [display(o).difference for o in summary["outcome"]]
    summary["display_scale"] = [display(o).scale for o in summary["outcome"]]
    summary.to_csv(folder / "tables" / "summary.csv", index=False)
    (folder / "summary.txt").write_text(result.text() + "\n", "utf-8")
    for lang in ("en", "zh"):
        path = folder / ("summary.md" if lang == "en" else "summary.zh.md")
        path.write_text(brief.markdown(spec, study, panel, lang, figures=figures), "utf-8")
    if figures:
        from ..viz.labels import cjk_font
        from ..viz.stages import event_study_figure

        (folder / "figures").mkdir(exist_ok=True)
        for lang in ["en", "zh"] if cjk_font() else ["en"]:
            event_study_figure(study.by_event, folder / "figures" /
                               f"event_study{'' if lang == 'en' else '.zh'}.png", lang=lang,
                               title=brief.title(spec, lang))
    manifest = read_manifest(folder)
    if figures:
        page.write(folder, {lang: brief.build(spec, study, panel, folder, manifest, lang)
                            for lang in ("en", "zh")})
    manifest["outputs"] = {**manifest.get("outputs", {}), **OUTPUTS,
                           **({"figures/event_study.png": FIGURE_OUTPUT,
                               "brief.html": page.BRIEF_OUTPUT} if figures else {})}
    update_manifest(folder, manifest)
    return result
