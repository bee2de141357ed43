"""Policy exploration: which lever combinations reach a goal, at what cost, how robustly.

Public API (imported lazily, so ``import cogov_sim.discovery`` stays cheap):

``run_discovery(spec_or_path, out=None, workers=1) -> DiscoveryResult``
    sample, run (resumably), analyse (:mod:`.api`);
``load_spec(path)`` / ``parse_spec(data)``
    a validated :class:`DiscoverySpec` (:mod:`.spec`);
``find_boxes``, ``feature_scores``
    EMA Workbench's PRIM and feature scoring on any table (:mod:`.prim`);
``pareto_mask``, ``robustness``
    the non-dominated set and seed robustness (:mod:`.tradeoffs`);
``box_sentence``
    a box as a sentence in English or Chinese (:mod:`.rules`).

See ``docs/discovery.md``.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_LAZY = {"run_discovery": "api", "analyse": "api", "DiscoveryResult": "api",
         "load_spec": "spec", "parse_spec": "spec", "DiscoverySpec": "spec",
         "find_boxes": "prim", "feature_scores": "prim", "Box": "prim",
         "MissingExtraError": "prim", "pareto_mask": "tradeoffs", "robustness": "tradeoffs",
         "box_sentence": "rules", "Goal": "goal", "Condition": "goal"}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
