"""PRIM boxes as sentences a policy designer reads, in English or Chinese.

Names, units and Chinese display names come from the parameter metadata
(:func:`cogov_sim.params.param_specs`); nothing here lists parameters. English uses the
parameter's name in words with its unit, less what the name already says
(``consultations per year ≥ 6 per community``, ``purchase share ≥ 0.2 of budget``);
Chinese uses the metadata's Chinese name without its parenthetical note (units there are
part of the name, e.g. 次数, 户数).
"""

from __future__ import annotations

import re

from ..params import spec as param_spec
from .prim import Box

# units that add nothing after a number (a share is read as a number from 0 to 1)
PLAIN_UNITS = ("share", "weight", "strength", "value", "0-1", "probability")
_PAREN = re.compile(r"\s*[(（][^)）]*[)）]|\s*[,，]\s*如.*$")  # notes and "as in <city>"
_PER = re.compile(r"\s*\bper\s+")


def lever_name(name: str, lang: str = "en") -> str:
    """Short display name: ``consultations per year`` / ``每个社区每年举行的居民协商次数``."""
    if lang == "zh":
        return _PAREN.sub("", param_spec(name).zh).strip()
    return name.replace("_", " ").replace(" 1000", " 1,000")


def _unit(name: str) -> str:
    """The unit after a number, without what the name already says: ``consultations per
    year`` takes ``per community`` of ``per community per year``; ``purchase share`` takes
    ``of budget`` of ``share of budget``."""
    s = param_spec(name)
    if s.unit in PLAIN_UNITS:
        return ""
    short = lever_name(name)
    head, *phrases = _PER.split(s.unit)
    head_words = head.split()
    if head_words and head_words[0].rstrip("s") in short:
        head_words = head_words[1:]
    kept = [" ".join(head_words)] if head_words else []
    kept += [f"per {p}" for p in phrases if f"per {p}" not in short]
    return f" {' '.join(kept)}" if kept else ""


def number(value: float) -> str:
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def condition_text(name: str, low: float, high: float, lower: bool, upper: bool,
                   lang: str = "en") -> str:
    """One restriction: ``list strictness ≥ 0.6`` / ``... between 0.2 and 0.7 ...``."""
    label = lever_name(name, lang)
    unit = "" if lang == "zh" else _unit(name)
    if lower and upper:
        if lang == "zh":
            return f"{label}在 {number(low)} 至 {number(high)} 之间"
        return f"{label} between {number(low)} and {number(high)}{unit}"
    if lower:
        return f"{label} ≥ {number(low)}{unit}"
    return f"{label} ≤ {number(high)}{unit}"


def box_sentence(box: Box, lang: str = "en") -> str:
    """The whole box as one sentence, with coverage and density in words."""
    parts = [condition_text(n, lo, hi, box.lower[n], box.upper[n], lang)
             for n, (lo, hi) in box.limits.items()]
    if lang == "zh":
        rule = " 且 ".join(parts) if parts else "(不限制任何杠杆)"
        return (f"{rule}: 此区域内 {box.density:.0%} 的政策达到目标, "
                f"覆盖全部达标政策的 {box.coverage:.0%}")
    rule = " and ".join(parts) if parts else "(no lever restricted)"
    return (f"{rule}: {box.density:.0%} of the policies in this region meet the goal, "
            f"and it holds {box.coverage:.0%} of all policies that do")


__all__ = ["box_sentence", "condition_text", "lever_name"]
