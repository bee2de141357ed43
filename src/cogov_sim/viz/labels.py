"""Labels for outcomes and parameters in English (``en``) and Chinese (``zh``).

The texts live with their definitions (:data:`cogov_sim.outcomes.OUTCOMES`, the parameter
metadata); this module only looks them up, so a new language is one more field there.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from ..outcomes import outcome
from ..params import spec

LANGUAGES = ("en", "zh")
CJK_FONTS = ("Noto Sans CJK SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Source Han Sans SC",
             "Noto Sans SC", "SimHei", "Microsoft YaHei")
CJK_FONT_PACKAGE = "fonts-wqy-microhei"
"""The Debian/Ubuntu package the README and the "no font" note recommend (one name, here)."""


NO_FONT = ("Chinese figures need a font with Chinese glyphs and none is installed: on Debian "
           f"or Ubuntu apt-get install {CJK_FONT_PACKAGE} (Windows has Microsoft YaHei), or use "
           "--lang en")


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
    "hours per month": "小时/月", "index points per 100 yuan per resident-year": "指数点/每百元人均年支出",
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
}
"""Chinese for every unit string of the parameter and outcome metadata (tested complete)."""

WORDS = {
    "year": ("year", "年"), "month": ("month", "月"), "outcome": ("outcome", "指标"),
    "first year": ("first year", "第一年"), "last year": ("last year", "最后一年"),
    "parameter": ("parameter", "参数"), "default": ("default", "默认值"), "range": ("range", "范围"),
    "unit": ("unit", "单位"), "kind": ("kind", "类别"), "lever": ("lever", "政策杠杆"),
    "context": ("context", "情境"), "size": ("size", "规模"), "scenario": ("scenario", "情景"),
    "seed": ("seed", "随机种子"), "residents": ("residents", "居民"),
    "months": ("months", "个月"),
}
"""Small words of tables and figures, English and Chinese."""


def word(key: str, lang: str = "en") -> str:
    check_language(lang)
    return WORDS[key][LANGUAGES.index(lang)]


def unit_label(unit: str, lang: str = "en") -> str:
    """A unit string of the metadata in ``lang``."""
    check_language(lang)
    return UNITS_ZH[unit] if lang == "zh" else unit


def outcome_axis_label(name: str, lang: str = "en") -> str:
    """The unit of outcome ``name`` for a y axis (``share``, ``0-100``, ``元/月`` ...)."""
    return unit_label(outcome(name).unit, lang)


def scenario_label(name: str, lang: str = "en") -> str:
    """Display name of a scenario: ``taicang_1_0`` → ``Taicang 1.0`` / ``太仓1.0``.

    Read from the head of the preset's description (before ``:`` or ``(``), so a new
    preset needs no entry here. A design point ``"preset | x=1"`` keeps its suffix;
    names that are not presets are returned unchanged.
    """
    check_language(lang)
    from ..presets import preset, preset_names

    head, sep, rest = str(name).partition(" | ")
    if head not in preset_names():
        return str(name)
    p = preset(head)
    text = p.description_zh if lang == "zh" and p.description_zh else p.description
    stops = ":：(" if lang == "en" else ":： ("
    cut = min((i for i in (text.find(c) for c in stops) if i > 0), default=len(text))
    return text[:cut].strip() + (f" | {rest}" if sep else "")


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
