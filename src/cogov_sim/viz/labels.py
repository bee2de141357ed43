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


def check_language(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"language '{lang}' is not supported; allowed: {', '.join(LANGUAGES)}")


def language_style(lang: str) -> Any:
    """Matplotlib rc settings for figures in ``lang`` (a CJK font for Chinese, if installed).

    Typed ``Any`` because ``plt.rc_context`` wants literal rc keys.
    """
    check_language(lang)
    font = cjk_font() if lang == "zh" else None
    return {"font.family": [font, "sans-serif"]} if font else {}


def outcome_label(name: str, lang: str = "en") -> str:
    check_language(lang)
    return str(getattr(outcome(name), lang))


def param_label(name: str, lang: str = "en") -> str:
    check_language(lang)
    return str(getattr(spec(name), lang))


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
