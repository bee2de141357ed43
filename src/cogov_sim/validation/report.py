"""Markdown reports and figures of validation and calibration folders."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..experiment.runner import RunReport
from ..viz.brief import Table
from ..viz.labels import tidy_zh
from ..viz.numbers import decimals, number
from .api import EVIDENCE
from .patterns import BY_ID
from .spec import CalibrationSpec, ValidationSpec


def _fmt(x: float) -> str:
    if x is None or np.isnan(x):
        return "–"
    return f"{x:,.4g}" if np.isfinite(x) else ("∞" if x > 0 else "−∞")


def _estimate(mean: float, low: float, high: float, lang: str = "en") -> str:
    """``mean (low to high)`` rounded by the tables' one rule (from the interval's width)."""
    if mean is None or not np.isfinite(mean):
        return "–"
    places = decimals((high - low) / 2, mean)
    to = WORDS[lang]["to"]
    return f"{number(mean, places)} ({number(low, places)} {to} {number(high, places)})"


WORDS = {
    "en": {
        "title": "Validation: {name}",
        "tally": "{passed} of {n} patterns pass; {k} count as evidence ({ids}): held out, inside "
                 "their band, and outside it under their falsifier. One set of parameter values "
                 "for every pattern: the presets{context}.",
        "context": " with {c}", "none": "none",
        "read": "A pattern passes when the mean over seeds lies inside its band; the 95 % "
                "t-interval and the share of seeds inside the band show how firm the verdict "
                "is. **Role**: *calibration* rows were used to choose parameter values (see "
                "`cogov-sim calibrate`), so passing them is no test; *held out* rows were not. "
                "**Status** is from docs/ODD.md §1: a *calibrated*, *imposed* or *identity* "
                "pattern is not a test either, whatever its role here. **Falsifier**: context "
                "parameters inside their documented ranges under which the pattern should fail, "
                "run on the same seeds; a pattern that passes there too could not have failed "
                "and is not counted, nor is one with no falsifier.",
        "caption": "Each pattern's statistic, computed per seed and averaged over {r} seeds per "
                   "scenario ({size}; root seed {seed}, common random numbers); static presets "
                   "read on {window}, the Taicang 2005-2020 timeline on calendar years; mean "
                   "with its 95 % t-interval. Bands and means are in the statistic's own units "
                   "(shares as 0–1, ratios as multiples). Claims, sources, statistics and "
                   "statuses as docs/ODD.md §1 states them.",
        "size": "{residents:,} residents in {communities} communities, one agent per {k}",
        "window": "their last two reported years (months {a}–{m} of {m})",
        "window_default": "their last two reported years",
        "head": ("pattern", "claim", "source", "model statistic", "band",
                 "model mean (95 % CI)", "seeds in band", "verdict", "role", "status",
                 "falsifier: value there", "evidence"),
        "to": "to", "pass": "pass", "fail": "**FAIL**", "fail_plain": "FAIL",
        "passes": "passes", "fails": "fails",
        "roles": {}, "evidence": {},
        "robustness": "Robustness",
        "no_robustness": "No robustness sizes in the spec (`[robustness]`): only the main runs.",
        "robust_caption": "Share of seeds whose statistic lies inside the band, and the verdict "
                          "on the mean, for each size and sample rate (variant 0 is the main "
                          "run).",
        "variant": "{v}: {r:,} in {c}, 1:{k}, {n} seeds",
        "flips": "Verdicts that change with size or sample rate: {p}.",
        "figure": "Model (dots: seeds; black: mean, 95 % CI) against each pattern's band"},
    "zh": {
        "title": "模型检验: {name}",
        "tally": "{n}个模式中{passed}个通过; {k}个计为证据({ids}): 留出检验、落在区间内, 且在其"
                 "证伪条件下落在区间外。所有模式使用同一组参数值: 预设情景{context}。",
        "context": ", 另设 {c}", "none": "无",
        "read": "种子均值落在区间内即为通过; 95% t置信区间与落在区间内的种子比例说明判定有多稳固。"
                "**角色**: “校准目标”行用于选择参数值(见 `cogov-sim calibrate`), 通过不算检验; "
                "“留出检验”行未用于选择参数。**状态**取自 docs/ODD.md 第1节: 状态为已校准、设定"
                "或恒等式的模式无论角色如何都不算检验。**证伪条件**: 在文档给出的范围内、应使该"
                "模式不成立的情境参数, 用相同的随机种子运行; 在证伪条件下仍通过的模式不可能失败, "
                "不计为证据, 没有证伪条件的模式也不计。",
        "caption": "各模式的统计量按随机种子计算, 再取每个情景{r}个随机种子的均值({size}; "
                   "根随机种子{seed}, 共同随机数); 静态预设情景取{window}, 太仓2005-2020时间线"
                   "按日历年; 均值附95% t置信区间。区间与均值采用统计量本身的单位(比例为0–1, "
                   "比值为倍数)。主张、来源、统计量与状态按 docs/ODD.md 第1节原文(英文)列出。",
        "size": "{residents:,}名居民, {communities}个社区, 每个智能体代表{k}人",
        "window": "最后两个报告年份(报告的{m}个月中第{a}–{m}个月)",
        "window_default": "最后两个报告年份",
        "head": ("模式", "主张", "来源", "模型统计量", "区间", "模型均值(95%置信区间)",
                 "落在区间内的种子比例", "判定", "角色", "状态", "证伪条件: 该处的值", "证据"),
        "to": "至", "pass": "通过", "fail": "**未通过**", "fail_plain": "未通过",
        "passes": "通过", "fails": "未通过",
        "roles": {"held out": "留出检验", "calibration": "校准目标",
                  "calibrated earlier": "此前已校准", "imposed": "设定", "identity": "恒等式"},
        "evidence": {"counted": "计入: 留出检验、通过, 且在证伪条件下未通过", "fails": "未通过",
                     "calibration": "不计入: 校准目标", "calibrated earlier": "不计入: 此前已校准",
                     "imposed": "不计入: 设定", "identity": "不计入: 恒等式",
                     "no falsifier": "不计入: 未给出证伪条件",
                     "cannot fail": "不计入: 在证伪条件下也通过"},
        "robustness": "稳健性",
        "no_robustness": "检验配置未设稳健性规模(`[robustness]`): 只有主运行。",
        "robust_caption": "各规模与抽样比例下统计量落在区间内的种子比例, 以及对均值的判定"
                          "(变体0为主运行)。",
        "variant": "{v}: {r:,}人, {c}个社区, 1:{k}, {n}个种子",
        "flips": "随规模或抽样比例而改变的判定: {p}。",
        "figure": "模型(点: 各随机种子; 黑色: 均值与95%置信区间)与各模式区间的比较"},
}
"""The validation report's words (its Markdown, brief and figure), English and Chinese."""


def _band(low: float, high: float, lang: str) -> str:
    if not np.isfinite(high):
        return f"≥ {low:g}"
    if not np.isfinite(low):
        return f"≤ {high:g}"
    return f"{low:g} {WORDS[lang]['to']} {high:g}"


def caption(spec: ValidationSpec, lang: str = "en") -> str:
    """What the verdict table's numbers are: seeds, size, the window read, the units."""
    from ..params import Params

    w = WORDS[lang]
    p = Params().replace(**{k: v for k, v in spec.size.params().items() if k != "months"})
    months = spec.size.months
    window = (w["window"].format(a=max(months - 23, 1), m=months) if months
              else w["window_default"])
    size = w["size"].format(residents=p.n_residents, communities=p.n_communities,
                            k=p.residents_per_agent)
    text = w["caption"].format(r=spec.replications, size=size, seed=spec.root_seed,
                               window=window)
    return tidy_zh(text) if lang == "zh" else text


def verdict_table(spec: ValidationSpec, verdicts: pd.DataFrame, lang: str = "en",
                  markdown: bool = True) -> Table:
    """One row per pattern, with the caption: claim, source, statistic, band, the model's
    mean (the tables' one rounding rule), seeds in band, verdict, role, status, the
    falsifier's value and whether the row counts as evidence (a failure in bold if
    ``markdown``)."""
    w = WORDS[lang]
    rows = []
    for r in verdicts.itertuples():
        band = _band(r.low, r.high, lang) + (f" ({r.band_note})" if r.band_note else "")
        falsifier = getattr(r, "falsifier", "") or "—"
        if falsifier != "—" and pd.notna(getattr(r, "falsifier_mean", np.nan)):
            falsifier += (f": {_estimate(r.falsifier_mean, r.falsifier_ci_low, r.falsifier_ci_high, lang)}"
                          f", {w['passes'] if r.falsifier_passes else w['fails']}")
        if getattr(r, "falsifier_note", ""):
            falsifier += f" ({r.falsifier_note})"
        key = getattr(r, "evidence", "")
        rows.append([r.pattern, r.claim, r.source, r.statistic, band,
                     _estimate(r.mean, r.ci_low, r.ci_high, lang), f"{r.share_in_band:.0%}",
                     w["pass"] if r.passes else w["fail" if markdown else "fail_plain"],
                     w["roles"].get(r.role, r.role),
                     r.status, falsifier, w["evidence"].get(key, EVIDENCE.get(key, "—"))])
    return Table("", list(w["head"]), rows, caption(spec, lang), numeric=frozenset({5, 6}))


def robustness_lines(spec: ValidationSpec, robust: pd.DataFrame, lang: str = "en") -> list[str]:
    """The robustness section: one column per size and sample rate (Markdown lines)."""
    w = WORDS[lang]
    lines = [f"## {w['robustness']}", ""]
    if robust["variant"].nunique() < 2:
        return [*lines, w["no_robustness"]]
    table = robust.assign(
        cell=[f"{s:.0%} {w['pass'] if p else w['fail_plain']}"
              for s, p in zip(robust["share_in_band"], robust["passes"], strict=True)],
        size=[w["variant"].format(v=int(v), r=r, c=c, k=k, n=n) for v, r, c, k, n in zip(
            robust["variant"], robust["residents"], robust["communities"],
            robust["residents_per_agent"], robust["seeds"], strict=True)])
    wide = table.pivot(index="pattern", columns="size", values="cell")
    wide = wide.loc[list(spec.patterns)]
    shown = Table("", [w["head"][0], *wide.columns],
                  [[pid, *row.tolist()] for pid, row in wide.iterrows()], w["robust_caption"])
    flips = [pid for pid, g in robust.groupby("pattern") if g["passes"].nunique() > 1]
    return [*lines, *shown.markdown(level=0),
            w["flips"].format(p=", ".join(sorted(flips)) if flips else w["none"])]


def validation_markdown(spec: ValidationSpec, verdicts: pd.DataFrame, robust: pd.DataFrame,
                        figures: bool = True, lang: str = "en") -> str:
    """The report (``report.md``; ``report.zh.md`` in Chinese)."""
    w = WORDS[lang]
    passed = int(verdicts["passes"].sum())
    counted = verdicts.loc[verdicts["counted"], "pattern"].tolist() \
        if "counted" in verdicts else []
    context = w["context"].format(c=_context(spec.context)) if spec.context else ""
    lines = [f"# {w['title'].format(name=spec.name)}", "", spec.description, "",
             w["tally"].format(passed=passed, n=len(verdicts), k=len(counted),
                               ids=", ".join(counted) or w["none"], context=context), "",
             w["read"], "", *verdict_table(spec, verdicts, lang).markdown(level=0)]
    if figures:
        suffix = "" if lang == "en" else ".zh"
        lines += [f"![validation](figures/validation{suffix}.png)", ""]
    lines += robustness_lines(spec, robust, lang)
    text = "\n".join(lines) + "\n"
    return tidy_zh(text) if lang == "zh" else text


def _context(context: dict[str, float | int]) -> str:
    return ", ".join(f"`{k}` = {v:g}" for k, v in context.items())


def validation_figure(verdicts: pd.DataFrame, per_rep: pd.DataFrame, path: Path,
                      lang: str = "en") -> None:
    """One small panel per pattern: the band, every seed's value, the mean with its CI."""
    from matplotlib import rc_context

    from ..viz.labels import language_style

    w = WORDS[lang]
    n = len(verdicts)
    cols = 4
    rows = int(np.ceil(n / cols))
    with rc_context(language_style(lang)):
        fig = Figure(figsize=(3.2 * cols, 2.0 * rows), layout="constrained")
        for i, r in enumerate(verdicts.itertuples()):
            ax = fig.add_subplot(rows, cols, i + 1)
            x = per_rep[r.pattern].dropna().to_numpy(float)
            finite = [v for v in (r.low, r.high) if np.isfinite(v)]
            span = [*finite, *x] if len(x) else finite
            lo, hi = min(span), max(span)
            pad = (hi - lo) * 0.25 or abs(hi) * 0.1 or 1.0
            left = r.low if np.isfinite(r.low) else lo - pad
            right = r.high if np.isfinite(r.high) else hi + pad
            ax.axvspan(left, right, color="tab:green" if r.passes else "tab:red", alpha=0.15)
            ax.scatter(x, np.zeros_like(x) + 0.1 * np.sin(np.arange(len(x))), s=10, color="0.4")
            ax.errorbar([r.mean], [0], xerr=[[r.mean - r.ci_low], [r.ci_high - r.mean]],
                        fmt="o", color="black", capsize=3)
            ax.set_xlim(lo - pad, hi + pad)
            ax.set_yticks([])
            ax.set_ylim(-0.5, 0.5)
            verdict = w["pass"] if r.passes else w["fail_plain"]
            ax.set_title(f"{r.pattern} ({w['roles'].get(r.role, r.role)}): {verdict}",
                         fontsize=9)
            ax.tick_params(labelsize=7)
        fig.suptitle(w["figure"], fontsize=10)
        fig.savefig(path, dpi=110)


def calibration_markdown(spec: CalibrationSpec, samples: pd.DataFrame,
                         posterior: pd.DataFrame, corr: pd.DataFrame,
                         report: RunReport | None, figures: bool = True) -> str:
    acc = samples[samples["accepted"]]
    lines = [f"# Calibration: {spec.name}", "", spec.description, "",
             "Method: pattern-oriented rejection filtering (Grimm et al. 2005; Hartig et al. "
             "2011): prior samples from a Latin hypercube over the parameters, each run "
             f"{spec.replications} time(s) on seeds from root seed {spec.root_seed}; a sample "
             "is accepted when the mean over seeds of every target statistic lies inside "
             "the target's band.", "",
             f"Runs: {spec.size.label()}; {spec.n} prior samples.", "",
             "## Targets (calibration subset)", "",
             "| pattern | claim | source | statistic | band |", "|---|---|---|---|---|"]
    for pid in spec.targets:
        p = BY_ID[pid]
        low, high = spec.band(pid)
        given = " (from the spec's [bands])" if pid in spec.bands else ""
        lines.append(f"| {pid} | {p.claim} | {p.source} | {p.statistic} | {low:.4g} to "
                     f"{high:.4g}{given} |")
    lines += ["", "## Posterior", "",
              f"{len(acc)} of {len(samples)} samples accepted.", "",
              "| parameter | prior | accepted range | 5 % | median | 95 % | share of prior "
              "range |", "|---|---|---|---|---|---|---|"]
    for r in posterior.itertuples():
        lines.append(f"| `{r.parameter}` | {r.prior_low:g}–{r.prior_high:g} | "
                     f"{_fmt(r.accepted_min)}–{_fmt(r.accepted_max)} | {_fmt(r.q05)} | "
                     f"{_fmt(r.median)} | {_fmt(r.q95)} | {_fmt(r.share_of_prior_range)} |")
    names = list(spec.parameters)
    if len(names) > 1:
        lines += ["", "Correlations of the accepted samples:", "",
                  "| | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
        for r in corr.itertuples(index=False):
            lines.append(f"| `{r[0]}` | " + " | ".join(_fmt(v) for v in r[1:]) + " |")
    if report is not None:
        lines += ["", f"This call: {len(report.done)} run(s) done, {len(report.skipped)} "
                  f"already done, {len(report.failed)} failed, {report.seconds:.0f} s."]
    if figures:
        lines += ["", "![posterior](figures/posterior.png)"]
    return "\n".join(lines) + "\n"


def calibration_figure(samples: pd.DataFrame, spec: CalibrationSpec, path: Path) -> None:
    """Every pair of parameters: prior samples in grey, accepted ones in colour; and each
    target statistic against the first parameter with its band."""
    names = list(spec.parameters)
    acc = samples["accepted"].to_numpy(bool)
    pairs = [(a, b) for i, a in enumerate(names) for b in names[i + 1:]]
    panels = len(pairs) + len(spec.targets)
    fig = Figure(figsize=(3.6 * panels, 3.2), layout="constrained")
    for i, (a, b) in enumerate(pairs):
        ax = fig.add_subplot(1, panels, i + 1)
        ax.scatter(samples[a], samples[b], s=8, color="0.75", label="rejected")
        ax.scatter(samples.loc[acc, a], samples.loc[acc, b], s=12, color="tab:blue",
                   label="accepted")
        ax.set_xlabel(a)
        ax.set_ylabel(b)
        ax.legend(fontsize=7)
    for j, pid in enumerate(spec.targets):
        ax = fig.add_subplot(1, panels, len(pairs) + j + 1)
        low, high = spec.band(pid)
        ax.axhspan(low, high, color="tab:green", alpha=0.15)
        ax.scatter(samples[names[0]], samples[pid], s=8,
                   c=np.where(acc, "tab:blue", "0.6"))
        ax.set_xlabel(names[0])
        ax.set_ylabel(f"{pid}: {BY_ID[pid].statistic}", fontsize=7)
    fig.suptitle(f"Calibration {spec.name}: {int(acc.sum())} of {len(samples)} samples "
                 "accepted", fontsize=10)
    fig.savefig(path, dpi=110)
