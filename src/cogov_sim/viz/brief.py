"""The one-file brief of a study: the page every command's ``brief.html`` and
``brief.zh.html`` share (issue 26).

A brief is self-contained (figures embedded as base64 PNG, no network) and prints to A4.
Every brief has the same parts, in this order: the title, the question, what was run
(scenarios, presets or patterns with their one-line descriptions), one or more tables
with their captions and notes, the figures, the caveats and the provenance (version,
commit, spec, seeds). A command supplies its own parts as a :class:`Page`; this module
holds the page skeleton, its CSS, the figure embedding, the provenance line, the caveats
every study shares and the interface words, rendered with one Jinja2 template
(autoescaped). :mod:`cogov_sim.experiment.brief`, :mod:`cogov_sim.discovery.brief`,
:mod:`cogov_sim.validation.brief` and :mod:`cogov_sim.panel.brief` build their pages.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .labels import scenario_description, scenario_label, tidy_zh

TEMPLATE = """<!DOCTYPE html>
<html lang="{{ html_lang }}">
<head>
<meta charset="utf-8">
<title>{{ page.title }}</title>
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
  :lang(zh) td, :lang(zh) th { word-break: keep-all; }
  figure { margin: 8pt 0; page-break-inside: avoid; }
  img { max-width: 100%; height: auto; }
  .caption, figcaption, .small { font-size: 8.5pt; color: #333; }
  tr { page-break-inside: avoid; }
</style>
</head>
<body>
<h1>{{ page.title }}</h1>
{% if page.description %}<p>{{ page.description }}</p>{% endif %}
{% if page.question %}<h2>{{ w.question }}</h2>
<p>{{ page.question }}</p>{% endif %}
<h2>{{ page.ran_title or w.ran }}</h2>
<ul>
{% for item in page.ran %}  <li><b>{{ item.name }}</b>
    {%- if item.tag %} ({{ item.tag }}){% endif %}
    {%- if item.text %}: {{ item.text }}{% endif %}</li>
{% endfor %}</ul>
{% if page.ran_note %}<p class="small">{{ page.ran_note }}</p>{% endif %}
{% for t in page.tables %}<h2>{{ t.title }}</h2>
{% if t.caption %}<p class="caption">{{ t.caption }}</p>{% endif %}
<table>
<thead><tr>{% for h in t.head %}<th>{{ h }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in t.rows %}<tr>{% for cell in row %}
  <td{% if loop.index0 in t.numeric %} class="num"{% endif %}
    {%- if loop.index0 in t.quoted %} lang="en"{% endif %}>{{ cell }}</td>{% endfor %}</tr>
{% endfor %}</tbody>
</table>
{% if t.notes %}<p class="small">{{ t.notes }}</p>{% endif %}
{% endfor %}{% for f in page.figures %}<figure>
  <img alt="{{ f.alt }}" src="data:image/png;base64,{{ f.data }}">
  <figcaption>{{ f.alt }}</figcaption></figure>
{% endfor %}
<h2>{{ w.caveats }}</h2>
<ul>
{% for c in page.caveats %}  <li>{{ c }}</li>
{% endfor %}</ul>
<h2>{{ w.provenance }}</h2>
<p class="small">{{ page.provenance }}</p>
</body>
</html>
"""

WORDS = {
    "en": {"question": "Question", "ran": "What was run", "scenarios": "Scenarios",
           "reference": "reference", "caveats": "Caveats", "provenance": "Provenance",
           "dirty": " (uncommitted changes)",
           "sample": "Sample rate: one simulated agent stands for {k} residents{where}.",
           "sample_one": "Sample rate: every resident is simulated (one agent each){where}.",
           "where": " ({residents} residents in {communities} communities)",
           "model": "These are results of a model, not forecasts: they compare policies under "
                    "the model's assumptions (docs/ODD.md states them and what the model "
                    "leaves out).",
           "line": "cogov-sim {version}, commit {commit}{dirty}; spec {name}, root seed "
                   "{seed}, {runs}, created {created}."},
    "zh": {"question": "问题", "ran": "运行内容", "scenarios": "情景", "reference": "参照情景",
           "caveats": "注意事项", "provenance": "来源", "dirty": "(有未提交修改)",
           "sample": "抽样比例: 每个模拟智能体代表{k}名居民{where}。",
           "sample_one": "抽样比例: 每名居民都被模拟(各为一个智能体){where}。",
           "where": "({residents}名居民, {communities}个社区)",
           "model": "这些是模型结果而非预测: 它们在模型假设下比较政策(docs/ODD.md 说明了这些假设"
                    "及模型未包含的内容)。",
           "line": "cogov-sim {version}, 提交 {commit}{dirty}; 配置文件 {name}, 根随机种子 "
                   "{seed}, {runs}, 生成于 {created}。"},
}
"""The interface words every brief shares, English and Chinese."""


@dataclass(frozen=True)
class Item:
    """One thing that was run: its display name, an optional tag (``reference``) and its
    one-line description."""

    name: str
    text: str = ""
    tag: str = ""


@dataclass(frozen=True)
class Table:
    """A table of text cells with its heading, caption (what the numbers are) and notes;
    ``numeric``: the 0-based columns set right-aligned; ``quoted``: the columns that quote
    English sources whatever the page's language (marked ``lang="en"``)."""

    title: str
    head: Sequence[str]
    rows: Sequence[Sequence[str]]
    caption: str = ""
    notes: str = ""
    numeric: frozenset[int] = frozenset()
    quoted: frozenset[int] = frozenset()

    def markdown(self, level: int = 2) -> list[str]:
        """The table as Markdown lines: its heading (``level`` #s; none if 0), caption,
        the table (numeric columns right-aligned) and notes, each followed by a blank."""
        def cell(value: object) -> str:
            return " ".join(str(value).split()).replace("|", "\\|")

        out = [f"{'#' * level} {self.title}", ""] if level and self.title else []
        out += [self.caption, ""] if self.caption else []
        out += ["| " + " | ".join(cell(h) for h in self.head) + " |",
                "|" + "".join("---:|" if i in self.numeric else "---|"
                              for i in range(len(self.head)))]
        out += ["| " + " | ".join(cell(c) for c in row) + " |" for row in self.rows]
        return [*out, "", *([self.notes, ""] if self.notes else [])]


@dataclass(frozen=True)
class Figure:
    """A figure embedded in the page: its caption and the PNG as base64."""

    alt: str
    data: str


@dataclass(frozen=True)
class Page:
    """What one command puts in its brief (the shared parts are added by :func:`render`)."""

    title: str
    question: str
    ran: Sequence[Item]
    tables: Sequence[Table]
    figures: Sequence[Figure]
    caveats: Sequence[str]
    provenance: str
    description: str = ""
    ran_title: str = ""
    ran_note: str = ""


def figure(path: Path, alt: str) -> Figure | None:
    """The PNG at ``path`` embedded with caption ``alt``; None when it was not drawn."""
    if not path.is_file():
        return None
    return Figure(alt, base64.b64encode(path.read_bytes()).decode("ascii"))


def figures(folder: Path, captions: Mapping[str, str], lang: str) -> list[Figure]:
    """The figures ``folder/figures/<stem>.png`` (``<stem>.zh.png`` in Chinese) that exist,
    in the order of ``captions`` (stem → caption)."""
    suffix = "" if lang == "en" else ".zh"
    found = (figure(folder / "figures" / f"{stem}{suffix}.png", alt)
             for stem, alt in captions.items())
    return [f for f in found if f is not None]


def scenario_items(names: Sequence[str], lang: str, reference: str | None = None) -> list[Item]:
    """Scenarios (preset names) by display name with their one-line descriptions; the
    ``reference`` one tagged so."""
    return [Item(scenario_label(s, lang), scenario_description(s.split(" | ", 1)[0], lang),
                 WORDS[lang]["reference"] if s == reference else "") for s in names]


def sample_caveat(k: object, lang: str, residents: int | None = None,
                  communities: object = None) -> str:
    """Sample rate: one agent stands for ``k`` residents (and the size, where known)."""
    w = WORDS[lang]
    where = (w["where"].format(residents=f"{residents:,}", communities=communities)
             if residents else "")
    return w["sample_one" if k == 1 else "sample"].format(k=k, where=where)


def model_caveat(lang: str) -> str:
    """What the numbers are not: forecasts."""
    return WORDS[lang]["model"]


def provenance(manifest: Mapping[str, Any], lang: str, seed: object, runs: str) -> str:
    """Version, commit (and whether the work tree was dirty), spec name, root seed, what
    was run (``runs``, e.g. "3 replications per scenario") and when, from the manifest."""
    w = WORDS[lang]
    git = manifest.get("git", {})
    return w["line"].format(version=manifest.get("version", "?"),
                            commit=str(git.get("commit") or "?")[:12],
                            dirty=w["dirty"] if git.get("dirty") else "",
                            name=manifest.get("name") or manifest.get("spec", {}).get("name", "?"),
                            seed=seed, runs=runs, created=manifest.get("created", "?"))


def _tidy(page: Page) -> Page:
    """Chinese typography (:func:`~cogov_sim.viz.labels.tidy_zh`) on every text of ``page``."""
    def table(t: Table) -> Table:
        return replace(t, title=tidy_zh(t.title), caption=tidy_zh(t.caption),
                       notes=tidy_zh(t.notes), head=[tidy_zh(h) for h in t.head],
                       rows=[[tidy_zh(c) for c in row] for row in t.rows])

    return replace(page, title=tidy_zh(page.title), question=tidy_zh(page.question),
                   description=tidy_zh(page.description), ran_title=tidy_zh(page.ran_title),
                   ran_note=tidy_zh(page.ran_note), provenance=tidy_zh(page.provenance),
                   ran=[Item(tidy_zh(i.name), tidy_zh(i.text), i.tag) for i in page.ran],
                   tables=[table(t) for t in page.tables],
                   figures=[Figure(tidy_zh(f.alt), f.data) for f in page.figures],
                   caveats=[tidy_zh(c) for c in page.caveats])


def render(page: Page, lang: str = "en") -> str:
    """``page`` as one self-contained HTML page in ``lang``."""
    import jinja2

    if lang == "zh":
        page = _tidy(page)
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return environment.from_string(TEMPLATE).render(
        html_lang="zh-Hans" if lang == "zh" else "en", w=WORDS[lang], page=page)


def write(folder: Path, pages: Mapping[str, Page]) -> list[Path]:
    """Write ``brief.html`` and ``brief.zh.html`` (one per language of ``pages``) into
    ``folder``; returns their paths."""
    from ..experiment.store import write_text

    written = []
    for lang, page in pages.items():
        path = folder / ("brief.html" if lang == "en" else "brief.zh.html")
        write_text(path, render(page, lang))
        written.append(path)
    return written


BRIEF_OUTPUT = ("the study on one self-contained page (figures embedded), printable to A4: "
                "question, what was run, headline table with caption, figures, caveats and "
                "provenance; brief.zh.html in Chinese")
"""The manifest's description of ``brief.html`` (every command's)."""

__all__ = ["BRIEF_OUTPUT", "TEMPLATE", "WORDS", "Figure", "Item", "Page", "Table", "figure",
           "figures", "model_caveat", "provenance", "render", "sample_caveat", "scenario_items",
           "write"]
