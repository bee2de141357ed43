"""A one-file brief per experiment: ``brief.html`` and ``brief.zh.html`` beside the tables.

Self-contained (the figures embedded as base64 PNG, no network), printable to A4: the
study's title, the scenarios with their one-line descriptions, the headline table of
:func:`cogov_sim.experiment.compare.summary_rows` with its caption and notes, the marginal
cost table of :func:`cogov_sim.experiment.compare.marginal_rows`, the
figures, the caveats (horizon check, sample rate, what the numbers are not) and the
provenance (version, commit, spec, seeds). Rendered with a Jinja2 template (autoescaped).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..viz.labels import scenario_label, study_title, tidy_zh
from . import compare

TEMPLATE = """<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<title>{{ title }}</title>
<style>
  @page { size: A4; margin: 14mm; }
  body { font-family: "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei",
         "DejaVu Sans", sans-serif; font-size: 10pt; line-height: 1.4; max-width: 182mm;
         margin: 0 auto; color: #111; }
  h1 { font-size: 15pt; margin: 0 0 4pt; } h2 { font-size: 12pt; margin: 12pt 0 4pt; }
  table { border-collapse: collapse; width: 100%; font-size: 8pt; }
  th, td { border-bottom: 1px solid #ccc; padding: 2pt 3pt; text-align: left;
           vertical-align: top; }
  td.num { text-align: right; white-space: nowrap; }
  figure { margin: 8pt 0; page-break-inside: avoid; }
  img { max-width: 100%; height: auto; }
  .caption, figcaption, .small { font-size: 8.5pt; color: #333; }
  tr { page-break-inside: avoid; }
</style>
</head>
<body>
<h1>{{ title }}</h1>
{% if description %}<p>{{ description }}</p>{% endif %}
<h2>{{ w.scenarios }}</h2>
<ul>
{% for s in scenarios %}  <li><b>{{ s.name }}</b>
    {%- if s.reference %} ({{ w.reference }}){% endif %}
    {%- if s.text %}: {{ s.text }}{% endif %}</li>
{% endfor %}</ul>
<h2>{{ w.results }}</h2>
<p class="caption">{{ caption }}</p>
<table>
<thead><tr>{% for h in head %}<th>{{ h }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in rows %}<tr>{% for cell in row %}
  <td{% if loop.index > 3 %} class="num"{% endif %}>{{ cell }}</td>{% endfor %}</tr>
{% endfor %}</tbody>
</table>
<p class="small">{{ notes }}</p>
{% if cost_rows %}<h2>{{ cost_title }}</h2>
<p class="caption">{{ cost_caption }}</p>
<table>
<thead><tr>{% for h in cost_head %}<th>{{ h }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in cost_rows %}<tr>{% for cell in row %}
  <td{% if loop.index == 2 or loop.index == 4 %} class="num"{% endif %}>{{ cell }}</td>{% endfor %}</tr>
{% endfor %}</tbody>
</table>
{% endif %}{% for f in figures %}<figure><img alt="{{ f.alt }}" src="data:image/png;base64,{{ f.data }}">
  <figcaption>{{ f.alt }}</figcaption></figure>
{% endfor %}
<h2>{{ w.caveats }}</h2>
<ul>
{% for c in caveats %}  <li>{{ c }}</li>
{% endfor %}</ul>
<h2>{{ w.provenance_head }}</h2>
<p class="small">{{ provenance }}</p>
</body>
</html>
"""

WORDS = {
    "en": {"scenarios": "Scenarios", "reference": "reference", "results": "Results",
           "caveats": "Caveats", "provenance_head": "Provenance", "dirty": " (uncommitted changes)",
           "figures": {"differences": "Differences from the reference with their 95% intervals",
                       "outcomes": "Key outcomes over time: mean and middle 95% of replications"},
           "stationary": "Horizon check: no reported difference is still changing by more "
                         "than {tol} of itself per year over the last {years} reported years.",
           "sample": "Sample rate: one simulated agent stands for {k} residents "
                     "({residents} residents in {communities} communities).",
           "model": "These are results of a model, not forecasts: they compare policies under "
                    "the model's assumptions (docs/ODD.md states them and what the model "
                    "leaves out).",
           "provenance": "cogov-sim {version}, commit {commit}{dirty}; spec {name}, root seed "
                         "{seed}, {replications} replications per scenario, created {created}."},
    "zh": {"scenarios": "情景", "reference": "参照情景", "results": "结果", "caveats": "注意事项",
           "provenance_head": "来源", "dirty": "(有未提交修改)",
           "figures": {"differences": "各情景与参照情景的差值及其95%置信区间",
                       "outcomes": "主要指标随时间的变化: 重复的均值与中间95%"},
           "stationary": "期末检查: 最后{years}个报告年份中, 没有差值每年的变化超过其自身的{tol}。",
           "sample": "抽样比例: 每个模拟智能体代表{k}名居民({residents}名居民, {communities}个社区)。",
           "model": "这些是模型结果而非预测: 它们在模型假设下比较政策(docs/ODD.md 说明了这些假设"
                    "及模型未包含的内容)。",
           "provenance": "cogov-sim {version}, 提交 {commit}{dirty}; 实验 {name}, 根随机种子 "
                         "{seed}, 每个情景{replications}次重复, 生成于 {created}。"},
}
FIGURES = ("differences", "outcomes")


def _figure(folder: Path, stem: str, lang: str) -> dict[str, str] | None:
    path = folder / "figures" / (f"{stem}.png" if lang == "en" else f"{stem}.zh.png")
    if not path.is_file():
        return None
    return {"alt": WORDS[lang]["figures"][stem],
            "data": base64.b64encode(path.read_bytes()).decode("ascii")}


def _scenario_text(name: str, lang: str) -> str:
    """A scenario's one-line description: its preset's (Chinese where there is one)."""
    from ..presets import preset, preset_names

    head = name.split(" | ", 1)[0]
    if head not in preset_names():
        return ""
    p = preset(head)
    text = p.description_zh if lang == "zh" and p.description_zh else p.description
    label = scenario_label(head, lang)  # the description opens with the display name
    return text[len(label):].lstrip(" :：") if text.startswith(label) else text


def render(folder: Path, manifest: Mapping[str, Any], summary: pd.DataFrame,
           outcomes: Sequence[str], order: Sequence[str], window: compare.Window,
           horizon: pd.DataFrame | None, lang: str = "en") -> str:
    """The brief of experiment ``folder`` in ``lang`` as one HTML page."""
    import jinja2

    from .horizon import TOLERANCE, YEARS

    w = WORDS[lang]
    sub = summary[(summary["measure"] == "end") & summary["outcome"].isin(outcomes)]
    head, rows = compare.summary_rows(summary, outcomes, lang, window=window, horizon=horizon)
    cost_head, cost_rows = compare.marginal_rows(summary, outcomes, lang, window=window)
    cost_title, cost_caption = compare.marginal_caption(summary, outcomes, lang, window=window)
    warning = compare.horizon_lines(horizon, outcomes, lang)
    first = next(iter(manifest.get("points", {}).values()), {}).get("params", {})
    caveats = [warning[0] + " " + "; ".join(line.removeprefix("- ") for line in warning[1:])
               if warning
               else w["stationary"].format(tol=f"{TOLERANCE:.0%}", years=YEARS),
               w["sample"].format(k=first.get("residents_per_agent", "?"),
                                  residents=f"{first.get('n_residents', 0):,}",
                                  communities=first.get("n_communities", "?")),
               w["model"]]
    git = manifest.get("git", {})
    spec = manifest.get("spec", {})
    provenance = w["provenance"].format(
        version=manifest.get("version", "?"), commit=str(git.get("commit") or "?")[:12],
        dirty=w["dirty"] if git.get("dirty") else "",
        name=manifest.get("name", "?"), seed=spec.get("root_seed", "?"),
        replications=spec.get("replications", "?"), created=manifest.get("created", "?"))
    figures = [f for stem in FIGURES if (f := _figure(folder, stem, lang))]
    text = {"title": study_title(order, lang, manifest.get("title", ""),
                                 manifest.get("title_zh", "")),
            "description": manifest.get("description", "") if lang == "en" else "",
            "caption": compare.caption(sub, lang, "end", window),
            "notes": compare.summary_notes(lang, window), "provenance": provenance}
    if lang == "zh":
        text = {k: tidy_zh(v) for k, v in text.items()}
        caveats = [tidy_zh(c) for c in caveats]
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return environment.from_string(TEMPLATE).render(
        lang="zh-Hans" if lang == "zh" else "en", w=w, head=head, rows=rows, figures=figures,
        caveats=caveats, cost_head=cost_head, cost_rows=cost_rows, cost_title=cost_title,
        cost_caption=cost_caption,
        scenarios=[{"name": scenario_label(s, lang), "text": _scenario_text(s, lang),
                    "reference": i == 0} for i, s in enumerate(order)], **text)


__all__ = ["FIGURES", "WORDS", "render"]
