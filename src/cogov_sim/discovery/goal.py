"""Goals on outcomes: thresholds, combinations, a stated horizon.

A goal is a tree. Its leaves are *conditions* on one outcome averaged over the horizon
months (``at_least`` and/or ``at_most`` a number, or a multiple of a reference preset's
value with ``relative_to``); its inner nodes combine conditions with ``all`` (and) or
``any`` (or). A goal is evaluated column by column on a table whose rows are runs (or
policies) and whose columns are outcomes, plus one column ``ref:<preset>:<outcome>`` for
every reference value a relative condition needs (:func:`reference_columns`).

Outcome names and units are read from :data:`cogov_sim.outcomes.OUTCOMES` when a goal is
parsed, so outcomes added to the model can be used without touching this module.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..outcomes import OUTCOMES

# The value range an outcome's unit implies; a threshold outside it can never be met.
UNIT_RANGES = {"share": (0.0, 1.0), "0-1": (0.0, 1.0), "0-100": (0.0, 100.0)}
NON_NEGATIVE_WORDS = ("yuan", "organizations", "per ", "months", "hours", "tasks")


def outcome_range(name: str) -> tuple[float, float]:
    """The values outcome ``name`` can take, from its unit in the metadata: ``[0, 1]``
    for shares, ``[0, 100]`` for indices, ``[0, inf)`` for money, counts and rates, else
    unbounded."""
    unit = next(o.unit for o in OUTCOMES if o.name == name)
    if unit in UNIT_RANGES:
        return UNIT_RANGES[unit]
    if any(word in unit for word in NON_NEGATIVE_WORDS):
        return (0.0, float("inf"))
    return (float("-inf"), float("inf"))


@dataclass(frozen=True, slots=True)
class Condition:
    """``outcome`` (mean over the horizon) within ``[at_least, at_most]``; with
    ``relative_to``, the bounds are multiples of that preset's value in the same
    replication (or its mean, for a policy's mean)."""

    outcome: str
    at_least: float | None = None
    at_most: float | None = None
    relative_to: str | None = None

    def column(self) -> str | None:
        return None if self.relative_to is None else ref_column(self.relative_to, self.outcome)

    def holds(self, table: pd.DataFrame) -> np.ndarray:
        value = table[self.outcome].to_numpy(dtype=float)
        scale = 1.0 if self.relative_to is None else table[self.column()].to_numpy(dtype=float)
        ok = np.isfinite(value)
        if self.at_least is not None:
            ok &= value >= self.at_least * scale
        if self.at_most is not None:
            ok &= value <= self.at_most * scale
        return ok

    def leaves(self) -> Iterator[Condition]:
        yield self


@dataclass(frozen=True, slots=True)
class Combination:
    """``all`` (every item holds) or ``any`` (at least one holds) of conditions."""

    op: str
    items: tuple[Condition | Combination, ...]

    def holds(self, table: pd.DataFrame) -> np.ndarray:
        results = [item.holds(table) for item in self.items]
        return np.logical_and.reduce(results) if self.op == "all" else np.logical_or.reduce(results)

    def leaves(self) -> Iterator[Condition]:
        for item in self.items:
            yield from item.leaves()


Node = Condition | Combination


@dataclass(frozen=True, slots=True)
class Goal:
    """A goal: a condition tree over outcomes averaged over months ``horizon`` (inclusive)."""

    root: Node
    horizon: tuple[int, int]
    description: str = ""

    def holds(self, table: pd.DataFrame) -> np.ndarray:
        """One boolean per row of ``table`` (outcome and reference columns)."""
        return self.root.holds(table)

    def conditions(self) -> tuple[Condition, ...]:
        return tuple(self.root.leaves())

    def outcomes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.outcome for c in self.conditions()))

    def references(self) -> tuple[str, ...]:
        """The presets that relative conditions compare with."""
        return tuple(dict.fromkeys(c.relative_to for c in self.conditions()
                                   if c.relative_to is not None))

    def text(self, lang: str = "en") -> str:
        """The goal as a sentence, with the horizon."""
        body = _node_text(self.root, lang, top=True)
        start, end = self.horizon
        if lang == "zh":
            return f"{body}(第 {start}–{end} 个月的均值)"
        return f"{body} (averaged over months {start}–{end})"

    def to_dict(self) -> dict[str, object]:
        return {"description": self.description, "horizon": list(self.horizon),
                **_node_dict(self.root)}


def ref_column(preset: str, outcome: str) -> str:
    return f"ref:{preset}:{outcome}"


def reference_columns(goal: Goal) -> list[tuple[str, str]]:
    """``(preset, outcome)`` pairs whose values relative conditions need."""
    return list(dict.fromkeys((c.relative_to, c.outcome) for c in goal.conditions()
                              if c.relative_to is not None))


def _node_dict(node: Node) -> dict[str, object]:
    if isinstance(node, Condition):
        return {k: v for k, v in (("outcome", node.outcome), ("at_least", node.at_least),
                                  ("at_most", node.at_most), ("relative_to", node.relative_to))
                if v is not None}
    return {node.op: [_node_dict(item) for item in node.items]}


_WORDS = {"en": {"all": " and ", "any": " or ", "ge": "at least", "le": "at most",
                 "between": "between {a} and {b}", "times": "{f:g} × {ref}'s"},
          "zh": {"all": " 且 ", "any": " 或 ", "ge": "不低于", "le": "不高于",
                 "between": "在 {a} 至 {b} 之间", "times": "{ref} 的 {f:g} 倍"}}


def _node_text(node: Node, lang: str, top: bool = False) -> str:
    words = _WORDS[lang]
    if isinstance(node, Combination):
        text = words[node.op].join(_node_text(item, lang) for item in node.items)
        return text if top or len(node.items) == 1 else f"({text})"
    from ..viz.labels import outcome_label, scenario_label

    label = outcome_label(node.outcome, lang)

    def amount(x: float) -> str:
        return (words["times"].format(f=x, ref=scenario_label(node.relative_to, lang))
                if node.relative_to else f"{x:g}")

    if node.at_least is not None and node.at_most is not None:
        rule = words["between"].format(a=amount(node.at_least), b=amount(node.at_most))
    elif node.at_least is not None:
        rule = f"{words['ge']} {amount(node.at_least)}"
    else:
        rule = f"{words['le']} {amount(node.at_most)}"  # type: ignore[arg-type]
    return f"{label} {rule}"


__all__ = ["Combination", "Condition", "Goal", "outcome_range", "reference_columns",
           "ref_column"]
