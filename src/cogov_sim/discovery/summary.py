"""The Markdown summary of a discovery folder, in English or Chinese.

Written for a policy designer: the goal in words, how many sampled policies meet it, the
regions of lever space where it holds as sentences, which levers matter, the trade-off
between spending, satisfaction and participation with the presets placed on it, and how
robust the best policies are across seeds. Each figure is listed with a caption saying
how to read it.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ..viz.labels import outcome_label
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
    "en": {"title": "Policy exploration", "goal": "Goal", "met": "{k} of {n} sampled policies "
           "meet the goal on the mean over {r} seed(s).", "none": "**No sampled policy "
           "meets the goal.** How close they come, condition by condition:",
           "all": "Every sampled policy meets the goal: no lever needs restricting.",
           "regions": "Where the goal holds", "levers": "Which levers matter",
           "lever_note": "Extra-trees feature scores (they sum to 1; higher = the lever "
                         "decides more about meeting the goal).",
           "trade": "Spending, satisfaction and participation",
           "front": "{f} of {n} policies are non-dominated. Cheapest and most satisfying "
                    "of them:", "presets": "Presets against the sampled policies:",
           "on": "on the non-dominated set", "dom": "dominated by {d} sampled policies",
           "robust": "Robustness across seeds",
           "robust_note": "Share of seeds in which a policy meets the goal, and its regret on "
                          "{o}: how far it falls short of the best sampled policy in the "
                          "same seed (mean; worst).",
           "figures": "Figures", "method": "Method", "condition": "condition",
           "share": "share of policies meeting it", "best": "best value reached",
           "box": "Region {i}", "policy": "policy", "share_seeds": "share of seeds meeting "
           "the goal", "regret_mean": "regret (mean)", "regret_max": "regret (worst)"},
    "zh": {"title": "政策探索", "goal": "目标", "met": "{n} 项抽样政策中有 {k} 项在 {r} 个"
           "随机种子的均值上达到目标。", "none": "**没有任何抽样政策达到目标。** 各条件的"
           "接近程度:", "all": "所有抽样政策都达到目标: 无需限制任何杠杆。",
           "regions": "目标成立的区域", "levers": "哪些杠杆重要",
           "lever_note": "极端随机树特征得分(总和为 1; 越高表示该杠杆对能否达标影响越大)。",
           "trade": "支出、满意度与参与", "front": "{n} 项政策中有 {f} 项为非劣政策。"
           "其中最省钱与最令人满意的:", "presets": "预设情景与抽样政策的比较:",
           "on": "位于非劣集合上", "dom": "被 {d} 项抽样政策占优",
           "robust": "跨随机种子的稳健性",
           "robust_note": "政策在多少比例的随机种子中达到目标, 以及它在{o}上的遗憾值: "
                          "在同一随机种子中与最佳抽样政策的差距(均值; 最差)。",
           "figures": "图", "method": "方法", "condition": "条件",
           "share": "达到该条件的政策比例", "best": "达到的最佳值", "box": "区域 {i}",
           "policy": "政策", "share_seeds": "达标种子比例", "regret_mean": "遗憾值(均值)",
           "regret_max": "遗憾值(最差)"},
}


def markdown_summary(spec: DiscoverySpec, policies: pd.DataFrame, presets: pd.DataFrame,
                     boxes: Sequence[Box], features: pd.DataFrame, conditions: pd.DataFrame,
                     notes: Sequence[str], lang: str = "en", figures: bool = True) -> str:
    t = _T[lang]
    k, n = int(policies["meets_goal"].sum()), len(policies)
    out = [f"# {t['title']}: {spec.name}", ""]
    if spec.description:
        out += [spec.description, ""]
    out += [f"## {t['goal']}", "", spec.goal.text(lang), "",
            t["met"].format(k=k, n=n, r=spec.replications), ""]
    if k == 0:
        out += [t["none"], "", _conditions(conditions, t, lang), ""]
    elif k == n:
        out += [t["all"], ""]
    if boxes:
        out += [f"## {t['regions']}", ""]
        out += [f"- **{t['box'].format(i=b.number)}**: {box_sentence(b, lang)}" for b in boxes]
        out += [""]
    if not features.empty:
        out += [f"## {t['levers']}", "", t["lever_note"], ""]
        out += [f"- {lever_name(r.lever, lang)}: {r.score:.2f}" for r in features.itertuples()]
        out += [""]
    out += _tradeoffs(spec, policies, presets, t, lang)
    out += _robustness(spec, policies, t, lang)
    if figures:
        out += [f"## {t['figures']}", ""]
        names = ["tradeoffs", *(["peeling", "box_limits"] if boxes else [])]
        suffix = "" if lang == "en" else ".zh"
        for name in names:
            out += [f"![{name}](figures/{name}{suffix}.png)", "", CAPTIONS[lang][name], ""]
    out += [f"## {t['method']}", "", _method(spec, lang), ""]
    out += [f"> {note}" for note in notes]
    return "\n".join(out).rstrip() + "\n"


def _conditions(conditions: pd.DataFrame, t: dict[str, str], lang: str) -> str:
    rows = [f"| {t['condition']} | {t['share']} | {t['best']} |", "|---|---:|---:|"]
    for r in conditions.itertuples():
        bound = (f"≥ {r.at_least:g}" if pd.notna(r.at_least) else "") + \
                (f" ≤ {r.at_most:g}" if pd.notna(r.at_most) else "")
        ref = f" × {r.relative_to}" if isinstance(r.relative_to, str) else ""
        rows.append(f"| {outcome_label(r.outcome, lang)} {bound.strip()}{ref} | "
                    f"{r.share_of_policies_meeting:.0%} | {number(r.best_value)} |")
    return "\n".join(rows)


def _tradeoffs(spec: DiscoverySpec, policies: pd.DataFrame, presets: pd.DataFrame,
               t: dict[str, str], lang: str) -> list[str]:
    spend, sat, part = (spec.tradeoffs[k] for k in ("spending", "satisfaction", "participation"))
    front = policies[policies["on_front"]]
    out = [f"## {t['trade']}", "", t["front"].format(f=len(front), n=len(policies)), ""]
    cols = [spend, sat, part]
    head = " | ".join(outcome_label(c, lang) for c in cols)
    out += [f"| {t['policy']} | {head} |", "|---|" + "---:|" * len(cols)]
    picks = pd.concat([front.nsmallest(3, spend), front.nlargest(3, sat)]).drop_duplicates("name")
    for r in picks.itertuples():
        out.append(f"| {r.name} | " + " | ".join(number(getattr(r, c)) for c in cols) + " |")
    out += ["", t["presets"], ""]
    for r in presets.itertuples():
        where = t["on"] if r.on_front else t["dom"].format(d=r.dominated_by)
        values = ", ".join(f"{outcome_label(c, lang)} {number(getattr(r, c))}" for c in cols)
        out.append(f"- {r.name}: {where} ({values})")
    return [*out, ""]


def _robustness(spec: DiscoverySpec, policies: pd.DataFrame, t: dict[str, str],
                lang: str) -> list[str]:
    sat = spec.tradeoffs["satisfaction"]
    out = [f"## {t['robust']}", "", t["robust_note"].format(o=outcome_label(sat, lang)), ""]
    best = policies.sort_values(["share_meeting", "regret_mean"], ascending=[False, True]).head(5)
    out += [f"| {t['policy']} | {t['share_seeds']} | {t['regret_mean']} | {t['regret_max']} |",
            "|---|---:|---:|---:|"]
    for r in best.itertuples():
        out.append(f"| {r.name} | {r.share_meeting:.0%} | {number(r.regret_mean)} | "
                   f"{number(r.regret_max)} |")
    return [*out, ""]


def _method(spec: DiscoverySpec, lang: str) -> str:
    levers = ", ".join(f"{lever_name(k, lang)} [{number(lo)}, {number(hi)}]"
                       for k, (lo, hi) in spec.levers.items())
    if lang == "zh":
        return (f"在 {spec.scenario} 情景基础上, 用拉丁超立方抽取 {spec.n} 项政策 ({levers}), "
                f"每项以 {spec.replications} 个随机种子运行(种子树根 {spec.root_seed})。"
                "PRIM 与特征得分来自 EMA Workbench。")
    return (f"{spec.n} policies drawn by Latin hypercube over {levers}, starting from the "
            f"{spec.scenario} preset, each run with {spec.replications} seed(s) from the seed "
            f"tree rooted at {spec.root_seed}. PRIM and feature scoring: EMA Workbench "
            "(see docs/discovery.md).")


__all__ = ["CAPTIONS", "markdown_summary"]
