"""What a rollout folder tells a reader: the summary table with its caption (``summary.md``,
``summary.zh.md``) and the one-file brief (``brief.html``, ``brief.zh.html``) on the page
every brief shares (:mod:`cogov_sim.viz.brief`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from ..viz import brief as page
from ..viz.labels import outcome_label, param_label, scenario_label, tidy_zh, unit_label
from ..viz.numbers import display, number, shown
from ..viz.stages import ESTIMATOR_NAMES
from .estimate import EventStudy
from .rollout import RolloutSpec

WORDS = {
    "en": {"title": "Staggered adoption of {adopt} across {t} townships, {start}–{end}",
           "question": "How well do two-way fixed effects, did2s and Callaway-Sant'Anna recover "
                       "the true effect of adopting {adopt} when townships adopt at staggered "
                       "dates?",
           "table": "Effect of adoption: estimates against the truth",
           "head": ("Outcome", "Unit", "Estimator", "Estimate [95% CI]", "Truth", "Error",
                    "CI covers truth", "Mean |gap| by year since adoption (CIs covering)"),
           "yes": "yes", "no": "NO",
           "caption": "Effect of adopting {adopt} instead of staying with {before}, pooled over "
                      "treated township-years {start}–{end}: {t} townships ({a} adopt by {end}) "
                      "× {r} replication(s); 95% intervals, errors clustered on {c} townships. "
                      "Truth: the mean paired difference between each adopter's runs with and "
                      "without adoption on the same seed. Differences in display units (shares "
                      "in percentage points).",
           "notes": "Mean |gap|: the mean absolute distance between an estimator and the truth "
                    "over the years since adoption, with the share of those years whose "
                    "interval covers the truth.",
           "ran": "Regimes", "before": "before adoption", "adopt": "after adoption",
           "schedule": "Share of townships that have adopted by January: {s}. Townships "
                       "differ (Latin hypercube) in {ranges}. Adoption order: {order}.",
           "random": "random",
           "figure": "Effect by years since adoption: the truth (black) and each estimator "
                     "with its 95% interval",
           "synthetic": "The panel is synthetic: the truth is known because every township "
                        "also runs without adoption on the same seed; real data have no such "
                        "counterfactual.",
           "runs": "{t} townships × 2 arms × {r} replication(s)"},
    "zh": {"title": "{t}个镇分批推行{adopt}, {start}–{end}年",
           "question": "当各镇在不同时间推行{adopt}时, 双向固定效应、did2s与Callaway-Sant'Anna"
                       "能在多大程度上还原真实效应?",
           "table": "推行效应: 估计值与真值",
           "head": ("指标", "单位", "估计量", "估计值[95%置信区间]", "真值", "误差",
                    "置信区间覆盖真值", "按推行后年数的平均|偏差|(覆盖真值的区间比例)"),
           "yes": "是", "no": "否",
           "caption": "推行{adopt}(相对于保持{before})的效应, 在{start}–{end}年已推行的镇-年上"
                      "合并: {t}个镇(到{end}年有{a}个推行) × {r}次重复; 95%置信区间, 标准误按{c}"
                      "个镇聚类。真值: 每个推行镇在同一随机种子下推行与不推行两次运行之差的均值。"
                      "差值采用显示单位(比例的差值以百分点表示)。",
           "notes": "平均|偏差|: 推行后各年估计值与真值之差的绝对值的均值, 括号内为这些年份中"
                    "置信区间覆盖真值的比例。",
           "ran": "体制", "before": "推行前", "adopt": "推行后",
           "schedule": "每年1月前已推行的镇的比例: {s}。各镇(拉丁超立方抽取)不同之处: {ranges}。"
                       "推行顺序: {order}。",
           "random": "随机",
           "figure": "按推行后年数的效应: 真值(黑色)与各估计量及其95%置信区间",
           "synthetic": "面板是合成的: 每个镇都在同一随机种子下另行运行一次不推行的情形, 因此真值"
                        "已知; 真实数据没有这样的反事实。",
           "runs": "{t}个镇 × 2种情形 × {r}次重复"},
}


def _tidy(text: str, lang: str) -> str:
    return tidy_zh(text) if lang == "zh" else text


def summary_table(spec: RolloutSpec, study: EventStudy, panel: pd.DataFrame,
                  lang: str = "en") -> page.Table:
    """Per outcome and estimator: the pooled estimate with its interval, the truth, the
    error (display units, the tables' one rounding rule), whether the interval covers the
    truth and the mean gap by event time; with the caption."""
    w = WORDS[lang]
    pooled = study.pooled.set_index(["outcome", "estimator"])
    rows = []
    for r in study.summary().itertuples():
        p = pooled.loc[(r.outcome, r.estimator)]
        s = shown(r.outcome, r.pooled_estimate, p.ci_low, p.ci_high)
        scale = display(r.outcome).scale
        rows.append([outcome_label(r.outcome, lang),
                     unit_label(display(r.outcome).difference, lang),
                     ESTIMATOR_NAMES[lang][r.estimator], s.difference_with_interval,
                     number(r.pooled_truth * scale, s.places, signed=True),
                     number(r.pooled_error * scale, s.places, signed=True),
                     w["yes"] if r.pooled_covers else w["no"],
                     f"{number(r.event_mean_abs_error * scale, s.places)} "
                     f"({r.event_coverage:.0%})"])
    adopters = int(panel.drop_duplicates("township")["adoption_year"].notna().sum()) \
        if len(panel) else 0
    clusters = int(study.pooled["clusters"].iloc[0]) if len(study.pooled) else 0
    caption = w["caption"].format(adopt=scenario_label(spec.adopt, lang),
                                  before=scenario_label(spec.before, lang),
                                  start=spec.start_year, end=spec.end_year, t=spec.townships,
                                  a=adopters, r=spec.replications, c=clusters)
    return page.Table(w["table"], list(w["head"]), rows, _tidy(caption, lang),
                      _tidy(w["notes"], lang), numeric=frozenset({3, 4, 5, 7}))


def title(spec: RolloutSpec, lang: str = "en") -> str:
    return _tidy(WORDS[lang]["title"].format(adopt=scenario_label(spec.adopt, lang),
                                             t=spec.townships, start=spec.start_year,
                                             end=spec.end_year), lang)


def markdown(spec: RolloutSpec, study: EventStudy, panel: pd.DataFrame, lang: str = "en",
             figures: bool = True) -> str:
    """``summary.md`` (``summary.zh.md`` in Chinese): the title, the table with its caption
    and notes, the figure."""
    lines = [f"# {title(spec, lang)}", "", *summary_table(spec, study, panel, lang).markdown(level=0)]
    if figures:
        lines += [f"![event study](figures/event_study{'' if lang == 'en' else '.zh'}.png)", "",
                  _tidy(WORDS[lang]["figure"], lang), ""]
    return "\n".join(lines).rstrip() + "\n"


def build(spec: RolloutSpec, study: EventStudy, panel: pd.DataFrame, folder: Path,
          manifest: Mapping[str, Any], lang: str = "en") -> page.Page:
    """The rollout's parts of its brief."""
    w = WORDS[lang]
    before, adopt = (page.scenario_items([s], lang)[0] for s in (spec.before, spec.adopt))
    shares = ", ".join(f"{year} {share:.0%}" for year, share in spec.adoption)
    ranges = "; ".join(f"{param_label(k, lang)}: {lo:g}–{hi:g}"
                       for k, (lo, hi) in spec.ranges.items())
    order = w["random"] if spec.adoption_order == "random" else spec.adoption_order
    params_k = spec.residents_per_agent
    return page.Page(
        title=title(spec, lang), description=spec.description if lang == "en" else "",
        question=w["question"].format(adopt=scenario_label(spec.adopt, lang)),
        ran_title=w["ran"],
        ran=[page.Item(before.name, before.text, w["before"]),
             page.Item(adopt.name, adopt.text, w["adopt"])],
        ran_note=w["schedule"].format(s=shares, ranges=ranges, order=order),
        tables=[summary_table(spec, study, panel, lang)],
        figures=page.figures(folder, {"event_study": w["figure"]}, lang),
        caveats=[w["synthetic"], page.sample_caveat(params_k, lang), page.model_caveat(lang)],
        provenance=page.provenance(manifest, lang, spec.root_seed,
                                   w["runs"].format(t=spec.townships, r=spec.replications)))


__all__ = ["WORDS", "build", "markdown", "summary_table", "title"]
