"""Labels for outcomes and parameters in English (``en``) and Chinese (``zh``).

The texts live with their definitions (:data:`cogov_sim.outcomes.OUTCOMES`, the parameter
metadata); this module only looks them up, so a new language is one more field there.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import Any

from ..outcomes import outcome
from ..params import spec

LANGUAGES = ("en", "zh")
CJK_FONTS = ("Noto Sans CJK SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Source Han Sans SC",
             "Noto Sans SC", "SimHei", "Microsoft YaHei")
CJK_FONT_PACKAGE = "fonts-wqy-microhei"
"""The Debian/Ubuntu package the README and the "no font" note recommend (one name, here)."""


NO_FONT = (f"中文图需要含中文字形的字体, 但未安装: 在 Debian 或 Ubuntu 上 apt-get install "
           f"{CJK_FONT_PACKAGE}(Windows 自带 Microsoft YaHei), 或使用 --lang en")
"""Said (in Chinese: only ``--lang zh`` asks for it; a terminal shows Chinese without the
font that figures need) when Chinese figures were asked for and no CJK font is installed."""


class MissingFontError(RuntimeError):
    """Chinese text was asked for in a figure but no CJK font is installed (one line)."""


def check_language(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"language '{lang}' is not supported; allowed: {', '.join(LANGUAGES)}")


def check_figure_language(lang: str) -> None:
    """Raise :class:`MissingFontError` (one line) if ``lang`` needs a font that is missing:
    better than dozens of matplotlib warnings and a figure of empty boxes."""
    check_language(lang)
    if lang == "zh" and cjk_font() is None:
        raise MissingFontError(NO_FONT)


def language_style(lang: str) -> Any:
    """Matplotlib rc settings for figures in ``lang`` (a CJK font for Chinese).

    Raises :class:`MissingFontError` for Chinese without a CJK font. Typed ``Any`` because
    ``plt.rc_context`` wants literal rc keys.
    """
    check_figure_language(lang)
    font = cjk_font() if lang == "zh" else None
    style: dict[str, Any] = {"axes.unicode_minus": False}
    if font:
        style["font.family"] = [font, "sans-serif"]
    return style


def outcome_label(name: str, lang: str = "en") -> str:
    check_language(lang)
    return str(getattr(outcome(name), lang))


def mechanism_label(name: str, lang: str = "en") -> str:
    """What a registered mechanism (:mod:`cogov_sim.mechanisms`) is, in ``lang``."""
    check_language(lang)
    from ..mechanisms import mechanism

    return str(getattr(mechanism(name), lang))


def param_label(name: str, lang: str = "en") -> str:
    check_language(lang)
    return str(getattr(spec(name), lang))


UNITS_ZH = {
    "0-1": "0-1", "0-100": "0-100", "communities": "个社区", "contacts": "人",
    "hours per month": "小时/月",
    "issues per resident per year": "件/人·年", "months": "月", "organizations": "个",
    "organizations per 10,000 residents": "个/万人",
    "organizations per 10,000 residents per year": "个/万人·年", "organizations per month": "个/月",
    "per 1,000 residents": "每千人", "per 1,000 residents per month": "每千人每月",
    "per 10,000 residents": "每万人", "per neighbourhood per year": "次/居民小组·年",
    "per year": "每年", "points": "分", "probability": "概率", "residents": "人",
    "residents per agent": "人/智能体", "seats": "席", "share": "比例", "share of budget": "占预算比例",
    "staff": "人", "strength": "强度", "tasks per committee per month": "件/居委会·月", "value": "价值",
    "visits per worker per month": "户次/人·月", "weight": "权重",
    "workers per 1,000 residents": "人/千人", "yuan per committee per month": "元/居委会·月",
    "yuan per month": "元/月", "yuan per resident per year": "元/人·年",
    # display units (cogov_sim.viz.numbers)
    "%": "%", "pp": "个百分点", "index 0-100": "指数(0-100)", "index 0-1": "指数(0-1)",
    "index points": "指数点", "points on the 0-1 scale": "分(0-1标度)",
}
"""Chinese for every unit string of the parameter and outcome metadata and of the display
units (tested complete)."""

WORDS = {
    "year": ("year", "年"), "month": ("month", "月"), "outcome": ("outcome", "指标"),
    "first year": ("first year", "第一年"), "last year": ("last year", "最后一年"),
    "parameter": ("parameter", "参数"), "default": ("default", "默认值"), "range": ("range", "范围"),
    "unit": ("unit", "单位"), "kind": ("kind", "类别"), "lever": ("lever", "政策杠杆"),
    "context": ("context", "情境"), "size": ("size", "规模"), "scenario": ("scenario", "情景"),
    "seed": ("seed", "随机种子"), "residents": ("residents", "居民"),
    "months": ("months", "个月"), "community": ("community", "社区"),
}
"""Small words of tables and figures, English and Chinese."""


def pick(pair: tuple[str, ...], lang: str = "en") -> str:
    """The text in ``lang`` of an (English, Chinese) pair, as the catalogues hold them."""
    check_language(lang)
    return pair[LANGUAGES.index(lang)]


def word(key: str, lang: str = "en") -> str:
    check_language(lang)
    return WORDS[key][LANGUAGES.index(lang)]


def unit_label(unit: str, lang: str = "en") -> str:
    """A unit string of the metadata in ``lang``."""
    check_language(lang)
    return UNITS_ZH[unit] if lang == "zh" else unit


def outcome_axis_label(name: str, lang: str = "en") -> str:
    """The unit of outcome ``name`` as stored, for an axis of raw values (``share``,
    ``0-100``, ``元/月`` ...)."""
    return unit_label(outcome(name).unit, lang)


def level_axis_label(name: str, lang: str = "en") -> str:
    """The display unit of outcome ``name``'s levels for an axis (``%``, ``index 0-100``,
    ``元/月`` ...; values shown times :func:`~cogov_sim.viz.numbers.display`'s scale)."""
    from .numbers import display

    return unit_label(display(name).level, lang)


def difference_axis_label(name: str, lang: str = "en") -> str:
    """The display unit of a difference of outcome ``name`` (``pp``, ``index points`` ...)."""
    from .numbers import display

    return unit_label(display(name).difference, lang)


def units_text(name: str, lang: str = "en") -> str:
    """Outcome ``name``'s display units for a table's unit column: the level's unit, and
    the difference's where it differs (``% (difference: pp)``)."""
    from .numbers import display

    d = display(name)
    level, diff = unit_label(d.level, lang), unit_label(d.difference, lang)
    if level == diff:
        return level
    return f"{level}(差值: {diff})" if lang == "zh" else f"{level} (difference: {diff})"


def with_unit(label: str, unit: str, lang: str = "en") -> str:
    """``label (unit)``, unless the label already names its unit ("Social organizations
    per 10,000 residents" is not followed by "(per 10,000 residents)")."""
    if unit.lower() in label.lower():
        return label
    return f"{label}({unit})" if lang == "zh" else f"{label} ({unit})"


_CJK = "\u2e80-\u9fff\uff00-\uffef"
_WORDLIKE = f"{_CJK}0-9A-Za-z%"
_CJK_SPACE = re.compile(f"(?<=[{_CJK}]) +(?=[{_WORDLIKE}])|(?<=[{_WORDLIKE}]) +(?=[{_CJK}])")


def tidy_zh(text: str) -> str:
    """Chinese typography: no spaces between a Chinese character and a Chinese character,
    digit, Latin letter or ``%`` (``与 2008年前 的差值`` → ``与2008年前的差值``); spaces
    after punctuation are kept.

    >>> tidy_zh("与 2008年前 的差值, 均值及 40 对配对重复")
    '与2008年前的差值, 均值及40对配对重复'
    """
    return _CJK_SPACE.sub("", text)


def _described(name: str, lang: str) -> str | None:
    """The description of preset or timeline ``name`` in ``lang`` (None for other names)."""
    from ..presets import preset, preset_names

    if name in preset_names():
        p = preset(name)
        return p.description_zh if lang == "zh" and p.description_zh else p.description
    from ..timeline import timeline_data, timeline_names

    if name in timeline_names():
        data = timeline_data(name)
        return str(data.get("description_zh") if lang == "zh" and data.get("description_zh")
                   else data.get("description", name))
    return None


def scenario_label(name: str, lang: str = "en") -> str:
    """Display name of a scenario: ``taicang_1_0`` → ``Taicang 1.0`` / ``太仓1.0``.

    Read from the head of the preset's (or timeline's) description (before ``:`` or
    ``(``), so a new preset needs no entry here. A design point ``"preset | x=1"`` keeps
    its suffix; other names are returned unchanged.
    """
    check_language(lang)
    head, sep, rest = str(name).partition(" | ")
    text = _described(head, lang)
    if text is None:
        return str(name)
    stops = ":：(" if lang == "en" else ":： ("
    cut = min((i for i in (text.find(c) for c in stops) if i > 0), default=len(text))
    return text[:cut].strip() + (f" | {rest}" if sep else "")


def scenario_description(name: str, lang: str = "en") -> str:
    """One line saying what a scenario is: its preset's description after the display name
    (:func:`scenario_label`), e.g. ``taicang_1_0`` → ``two lists, access system, ...``;
    the whole description when it has no name in front, "" for names that are not presets.

    >>> scenario_description("baseline", "zh")
    '行政化管理, 政府随意下派任务并单向考核居委会'
    """
    check_language(lang)
    text = _described(name, lang)
    if text is None:
        return ""
    head = scenario_label(name, lang)
    rest = text[len(head):] if text.startswith(head) else text
    if lang == "en" and rest.startswith(" ("):  # the dates after the name: "(2008-)"
        rest = rest[rest.find(")") + 1:]
    return rest.lstrip(" :：").strip()


def study_title(scenarios: Sequence[str], lang: str = "en", title: str = "",
                title_zh: str = "") -> str:
    """A study's title in ``lang``: the spec's ``title`` (``title_zh`` in Chinese), else
    the scenarios' display names, the first being the reference ("Taicang 1.0 and Chengdu
    compared with Before 2008"); never a spec's file name.

    >>> study_title(["baseline", "taicang_1_0", "chengdu"], "zh")
    '太仓1.0、成都模式与2008年前的比较'
    """
    check_language(lang)
    given = title_zh if lang == "zh" else title
    if given:
        return given
    heads = list(dict.fromkeys(str(s).split(" | ", 1)[0] for s in scenarios))
    names = [scenario_label(h, lang) for h in heads]
    if len(names) <= 1:
        return names[0] if names else ""
    reference, others = names[0], names[1:]
    if len(others) > 6:
        others = [*others[:5], "…"]
    if lang == "zh":
        return "、".join(others) + f"与{reference}的比较"
    listed = others[0] if len(others) == 1 else f"{', '.join(others[:-1])} and {others[-1]}"
    return f"{listed} compared with {reference}"


CJK_FILE_HINTS = ("wqy", "notosanscjk", "noto-cjk", "sourcehansans", "simhei", "msyh")


@cache
def cjk_font() -> str | None:
    """Name of an installed font with Chinese glyphs, or None.

    Matplotlib's font cache may predate a font installed later (e.g. Debian's
    ``fonts-wqy-microhei``); system font files are then registered directly. Matplotlib is
    imported here, not at module level, so label lookups stay cheap to import.
    """
    from matplotlib import font_manager

    def known() -> str | None:
        installed = {f.name for f in font_manager.fontManager.ttflist}
        return next((name for name in CJK_FONTS if name in installed), None)

    if (name := known()) is not None:
        return name
    for path in font_manager.findSystemFonts():
        if any(hint in path.lower().replace(" ", "") for hint in CJK_FILE_HINTS):
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):  # unreadable font file
                continue
    return known()
