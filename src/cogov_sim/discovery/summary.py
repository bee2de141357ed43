"""The Markdown summary of a discovery folder, in English or Chinese.

Written for a policy designer: the goal in words, how many sampled policies meet it, the
regions of lever space where it holds as sentences, which levers matter, the trade-off
between spending, satisfaction and participation with the presets placed on it, and how
robust the best policies are across seeds. Each figure is listed with a caption saying
how to read it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pandas as pd

from ..viz.brief import Table
from ..viz.labels import outcome_label, scenario_label, tidy_zh, unit_label, with_unit
from ..viz.numbers import display, value_text
from .prim import Box
from .rules import box_sentence, lever_name, number
from .spec import DiscoverySpec

CAPTIONS = {
    "en": {
        "tradeoffs": "Each dot is one sampled policy: what it costs the government (across) "
                     "against how satisfied residents are (up); darker dots have more "
                     "participation. Ringed dots are the non-dominated policies: no other "
                     "policy is cheaper, more satisfying and more participatory at once. "
                     "Labelled squares are the presets.",
        "peeling": "How PRIM narrows the region step by step: going left, the region keeps "
                   "fewer of the policies that meet the goal (coverage) but a larger share "
                   "of the policies in it meet the goal (density). The star is the region "
                   "reported.",
        "box_limits": "For each lever the region restricts: the grey bar is the range "
                      "sampled, the coloured bar the range inside the region. A policy "
                      "inside every coloured bar is likely to meet the goal.",
    },
    "zh": {
        "tradeoffs": "每个点是一项抽样政策: 横轴为政府支出, 纵轴为居民满意度; 颜色越深参与率"
                     "越高。带圈的点为非劣政策: 没有其他政策同时更省钱、更令人满意且参与更多。"
                     "带标注的方块为预设情景。",
        "peeling": "PRIM 逐步收窄区域: 越往左, 区域内包含的达标政策占全部达标政策的比例"
                   "(覆盖率)越低, 但区域内达标政策的比例(密度)越高。星号为报告的区域。",
        "box_limits": "区域所限制的每个杠杆: 灰条为抽样范围, 彩条为区域内范围。"
                      "落在所有彩条内的政策很可能达到目标。",
    },
}

_T = {
    "en": {"title": "Policy exploration from {scenario}", "goal": "Goal",
           "met": "{k} of {n} sampled policies meet the goal on the mean over {r} seed(s).",
           "none": "**No sampled policy meets the goal.** How close they come, condition by "
                   "condition:",
           "all": "Every sampled policy meets the goal: no lever needs restricting.",
           "regions": "Where the goal holds", "levers": "Which levers matter",
           "lever_note": "Extra-trees feature scores (they sum to 1; higher = the lever "
                         "decides more about meeting the goal).",
           "trade": "Spending, satisfaction and participation",
           "front": "{f} of {n} policies are non-dominated (no other policy is cheaper, "
                    "more satisfying and more participatory at once); shown: the three "
                    "cheapest and the three most satisfying of them.",
           "presets": "Presets against the sampled policies",
           "on": "on the non-dominated set", "dom": "dominated by {d} sampled policies",
           "robust": "Robustness across seeds",
           "robust_note": "Share of seeds in which a policy meets the goal, and its regret on "
                          "{o} ({unit}): how far it falls short of the best sampled policy in "
                          "the same seed (mean; worst); the five most robust policies.",
           "caption": "Each policy's outcomes averaged over months {a}–{b} of {m} simulated "
                      "(the goal's horizon), then over its {r} seed(s); {n} policies drawn by "
                      "Latin hypercube, starting from {scenario}. Units in the column heads "
                      "(shares in per cent).",
           "box_caption": "PRIM boxes on the {n} sampled policies. Coverage: the share of the "
                          "policies meeting the goal that lie in the region; density: the share "
                          "of the policies in the region that meet it.",
           "figures": "Figures", "method": "Method", "condition": "Condition",
           "share": "Share of policies meeting it", "best": "Best value reached",
           "box": "Region {i}", "region": "Region", "rule": "Where the goal holds",
           "coverage": "Coverage", "density": "Density", "policies": "Policies",
           "lever": "Lever", "score": "Score", "policy": "Policy", "preset": "Preset",
           "place": "On the trade-off", "share_seeds": "Share of seeds meeting the goal",
           "regret_mean": "Regret (mean)", "regret_max": "Regret (worst)",
           "times": "{x} × {ref}'s"},
    "zh": {"title": "以{scenario}为起点的政策探索", "goal": "目标",
           "met": "{n}项抽样政策中有{k}项在{r}个随机种子的均值上达到目标。",
           "none": "**没有任何抽样政策达到目标。** 各条件的接近程度:",
           "all": "所有抽样政策都达到目标: 无需限制任何杠杆。",
           "regions": "目标成立的区域", "levers": "哪些杠杆重要",
           "lever_note": "极端随机树特征得分(总和为1; 越高表示该杠杆对能否达标影响越大)。",
           "trade": "支出、满意度与参与", "front": "{n}项政策中有{f}项为非劣政策(没有其他政策同时"
           "更省钱、更令人满意且参与更多); 表中列出其中最省钱的三项与最令人满意的三项。",
           "presets": "预设情景与抽样政策的比较",
           "on": "位于非劣集合上", "dom": "被{d}项抽样政策占优",
           "robust": "跨随机种子的稳健性",
           "robust_note": "政策在多少比例的随机种子中达到目标, 以及它在{o}上的遗憾值({unit}): "
                          "在同一随机种子中与最佳抽样政策的差距(均值; 最差); 列出最稳健的五项政策。",
           "caption": "各政策的指标先取模拟{m}个月中第{a}–{b}个月(目标期)的均值, 再取其{r}个"
                      "随机种子的均值; {n}项政策由拉丁超立方抽取, 以{scenario}为起点。单位见表头"
                      "(比例以百分比表示)。",
           "box_caption": "在{n}项抽样政策上用PRIM找出的区域。覆盖率: 达标政策中落在区域内的比例; "
                          "密度: 区域内政策中达标的比例。",
           "figures": "图", "method": "方法", "condition": "条件",
           "share": "达到该条件的政策比例", "best": "达到的最佳值",
           "box": "区域{i}", "region": "区域", "rule": "目标成立的范围", "coverage": "覆盖率",
           "density": "密度", "policies": "政策数", "lever": "杠杆", "score": "得分",
           "policy": "政策", "preset": "预设情景", "place": "在权衡中的位置",
           "share_seeds": "达标种子比例", "regret_mean": "遗憾值(均值)",
           "regret_max": "遗憾值(最差)", "times": "{ref}的{x}倍"},
}


def title(spec: DiscoverySpec, lang: str = "en") -> str:
    """The exploration's title: from which scenario it starts (display name)."""
    return _T[lang]["title"].format(scenario=scenario_label(spec.scenario, lang))


def policy_label(name: str, lang: str = "en") -> str:
    """``policy 0007`` in ``lang`` (``政策 0007``)."""
    number_ = str(name).removeprefix("policy ")
    return f"{_T[lang]['policy'].lower()} {number_}" if lang == "en" else f"政策{number_}"


def caption(spec: DiscoverySpec, lang: str = "en") -> str:
    """What the tables' values are: the goal's horizon of the months run, the seeds, the
    policies and the scenario they start from."""
    a, b = spec.goal.horizon
    text = _T[lang]["caption"].format(a=a, b=b, m=spec.months_run(), r=spec.replications,
                                      n=spec.n, scenario=scenario_label(spec.scenario, lang))
    return tidy_zh(text) if lang == "zh" else text


def _head(name: str, lang: str, difference: bool = False) -> str:
    d = display(name)
    return with_unit(outcome_label(name, lang),
                     unit_label(d.difference if difference else d.level, lang), lang)


def tables(spec: DiscoverySpec, policies: pd.DataFrame, presets: pd.DataFrame,
           boxes: Sequence[Box], features: pd.DataFrame, conditions: pd.DataFrame,
           lang: str = "en") -> dict[str, Table]:
    """The summary's tables with captions, in ``lang`` (the Markdown summary and the brief
    show these): ``conditions`` (only when no policy meets the goal), ``regions``,
    ``levers``, ``tradeoffs``, ``presets``, ``robustness``."""
    t = _T[lang]
    k, n = int(policies["meets_goal"].sum()), len(policies)
    base = caption(spec, lang)
    out: dict[str, Table] = {}
    if k == 0:
        out["conditions"] = Table(t["goal"], [t["condition"], t["share"], t["best"]],
                                  _condition_rows(conditions, t, lang), base,
                                  numeric=frozenset({1, 2}))
    if boxes:
        rows = [[t["box"].format(i=b.number), box_sentence(b, lang), f"{b.coverage:.0%}",
                 f"{b.density:.0%}", str(b.n)] for b in boxes]
        out["regions"] = Table(t["regions"], [t["region"], t["rule"], t["coverage"],
                                              t["density"], t["policies"]], rows,
                               t["box_caption"].format(n=n), numeric=frozenset({2, 3, 4}))
    if not features.empty:
        rows = [[lever_name(r.lever, lang), f"{r.score:.2f}"] for r in features.itertuples()]
        out["levers"] = Table(t["levers"], [t["lever"], t["score"]], rows, t["lever_note"],
                              numeric=frozenset({1}))
    cols = [spec.tradeoffs[c] for c in ("spending", "satisfaction", "participation")]
    front = policies[policies["on_front"]]
    picks = pd.concat([front.nsmallest(3, cols[0]), front.nlargest(3, cols[1])])
    rows = [[policy_label(r.name, lang), *(value_text(c, getattr(r, c)) for c in cols)]
            for r in picks.drop_duplicates("name").itertuples()]
    out["tradeoffs"] = Table(t["trade"], [t["policy"], *(_head(c, lang) for c in cols)], rows,
                             base, t["front"].format(f=len(front), n=n),
                             numeric=frozenset({1, 2, 3}))
    rows = [[scenario_label(r.name, lang),
             t["on"] if r.on_front else t["dom"].format(d=r.dominated_by),
             *(value_text(c, getattr(r, c)) for c in cols)] for r in presets.itertuples()]
    out["presets"] = Table(t["presets"], [t["preset"], t["place"],
                                          *(_head(c, lang) for c in cols)], rows, base,
                           numeric=frozenset({2, 3, 4}))
    sat = spec.tradeoffs["satisfaction"]
    best = policies.sort_values(["share_meeting", "regret_mean"], ascending=[False, True]).head(5)
    rows = [[policy_label(r.name, lang), f"{r.share_meeting:.0%}",
             value_text(sat, r.regret_mean),
             value_text(sat, r.regret_max)] for r in best.itertuples()]
    out["robustness"] = Table(t["robust"], [t["policy"], t["share_seeds"], t["regret_mean"],
                                            t["regret_max"]], rows,
                              t["robust_note"].format(o=outcome_label(sat, lang),
                                                      unit=unit_label(display(sat).difference,
                                                                      lang)) + " " + base,
                              numeric=frozenset({1, 2, 3}))
    if lang == "zh":
        out = {key: replace(table, caption=tidy_zh(table.caption), notes=tidy_zh(table.notes))
               for key, table in out.items()}
    return out


def markdown_summary(spec: DiscoverySpec, policies: pd.DataFrame, presets: pd.DataFrame,
                     boxes: Sequence[Box], features: pd.DataFrame, conditions: pd.DataFrame,
                     notes: Sequence[str], lang: str = "en", figures: bool = True) -> str:
    t = _T[lang]
    k, n = int(policies["meets_goal"].sum()), len(policies)
    shown = tables(spec, policies, presets, boxes, features, conditions, lang)
    out = [f"# {title(spec, lang)}", ""]
    if spec.description:
        out += [spec.description, ""]
    out += [f"## {t['goal']}", "", spec.goal.text(lang), "",
            t["met"].format(k=k, n=n, r=spec.replications), ""]
    if k == 0:
        out += [t["none"], "", *shown["conditions"].markdown(level=0)]
    elif k == n:
        out += [t["all"], ""]
    for key in ("regions", "levers", "tradeoffs", "presets", "robustness"):
        if key in shown:
            out += shown[key].markdown()
    if figures:
        out += [f"## {t['figures']}", ""]
        names = ["tradeoffs", *(["peeling", "box_limits"] if boxes else [])]
        suffix = "" if lang == "en" else ".zh"
        for name in names:
            out += [f"![{name}](figures/{name}{suffix}.png)", "", CAPTIONS[lang][name], ""]
    out += [f"## {t['method']}", "", method(spec, lang), ""]
    out += [f"> {note}" for note in notes]
    text = "\n".join(out).rstrip() + "\n"
    return tidy_zh(text) if lang == "zh" else text


def _condition_rows(conditions: pd.DataFrame, t: dict[str, str], lang: str) -> list[list[str]]:
    rows = []
    for r in conditions.itertuples():
        bound = (f"≥ {r.at_least:g}" if pd.notna(r.at_least) else "") + \
                (f" ≤ {r.at_most:g}" if pd.notna(r.at_most) else "")
        relative = isinstance(r.relative_to, str)
        if relative:
            bound = t["times"].format(x=bound.strip(), ref=scenario_label(r.relative_to, lang))
        best = number(r.best_value) if relative else value_text(r.outcome, r.best_value)
        unit = "" if relative else " " + unit_label(display(r.outcome).level, lang)
        rows.append([f"{outcome_label(r.outcome, lang)} {bound.strip()}",
                     f"{r.share_of_policies_meeting:.0%}", best + unit])
    return rows


def method(spec: DiscoverySpec, lang: str) -> str:
    """How the policies were drawn and run, in one paragraph."""
    levers = ", ".join(f"{lever_name(k, lang)} [{number(lo)}, {number(hi)}]"
                       for k, (lo, hi) in spec.levers.items())
    scenario = scenario_label(spec.scenario, lang)
    if lang == "zh":
        return (f"在{scenario}情景基础上, 用拉丁超立方抽取{spec.n}项政策({levers}), "
                f"每项以{spec.replications}个随机种子运行(种子树根{spec.root_seed})。"
                "PRIM与特征得分来自EMA Workbench。")
    return (f"{spec.n} policies drawn by Latin hypercube over {levers}, starting from the "
            f"{scenario} preset, each run with {spec.replications} seed(s) from the seed "
            f"tree rooted at {spec.root_seed}. PRIM and feature scoring: EMA Workbench "
            "(see docs/discovery.md).")


__all__ = ["CAPTIONS", "caption", "markdown_summary", "method", "policy_label", "tables",
           "title"]
