"""Figures of a policy exploration: trade-offs, PRIM peeling trajectory, box limits.

Each figure carries its plain-language caption (from
:data:`cogov_sim.discovery.summary.CAPTIONS`) under the axes, so it reads on its own.
Reads the tables of :mod:`cogov_sim.discovery.api`; never runs the model.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path

from . import file_backend

file_backend()
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from ..discovery.prim import Box  # noqa: E402
from ..discovery.rules import lever_name  # noqa: E402
from .labels import language_style, outcome_label, scenario_label  # noqa: E402

_TITLES = {"en": {"tradeoffs": "Spending, satisfaction and participation of sampled policies",
                  "peeling": "PRIM peeling trajectory", "box_limits": "Where the goal holds",
                  "coverage": "coverage (share of goal-meeting policies inside)",
                  "density": "density (share inside that meet the goal)",
                  "front": "non-dominated", "box": "region {i}", "sampled": "sampled range",
                  "restricted levers": "restricted levers", "min": "min", "max": "max",
                  "limits": "{box}: coverage {c}, density {d}"},
           "zh": {"tradeoffs": "抽样政策的支出、满意度与参与", "peeling": "PRIM 剥离轨迹",
                  "box_limits": "目标成立的区域", "coverage": "覆盖率(区域内达标政策占全部达标政策)",
                  "density": "密度(区域内政策中达标的比例)", "front": "非劣",
                  "box": "区域{i}", "sampled": "抽样范围", "restricted levers": "受限杠杆数",
                  "min": "最小值", "max": "最大值", "limits": "{box}: 覆盖率{c}, 密度{d}"}}


def _caption(fig: plt.Figure, name: str, lang: str) -> None:
    from ..discovery.summary import CAPTIONS

    text = CAPTIONS[lang][name]
    wrapped = textwrap.fill(text, 110) if lang == "en" else "\n".join(textwrap.wrap(text, 55))
    fig.text(0.01, 0.01, wrapped, ha="left", va="bottom", fontsize=8, wrap=True)


def tradeoffs(policies: pd.DataFrame, presets: pd.DataFrame, objectives: Mapping[str, str],
              path: Path, lang: str = "en") -> None:
    """Spending (x) against satisfaction (y), participation as colour; the non-dominated
    policies ringed; presets as labelled squares."""
    t = _TITLES[lang]
    spend, sat, part = (objectives[k] for k in ("spending", "satisfaction", "participation"))
    with plt.rc_context(language_style(lang)):
        fig, ax = plt.subplots(figsize=(8, 6.4))
        fig.subplots_adjust(bottom=0.24, top=0.92)
        sc = ax.scatter(policies[spend], policies[sat], c=policies[part], cmap="viridis_r",
                        s=18, alpha=0.85)
        front = policies[policies["on_front"]]
        ax.scatter(front[spend], front[sat], s=70, facecolors="none", edgecolors="crimson",
                   linewidths=1.2, label=t["front"])
        ax.scatter(presets[spend], presets[sat], marker="s", s=60, c="black")
        for r in presets.itertuples():
            ax.annotate(scenario_label(str(r.name), lang), (getattr(r, spend), getattr(r, sat)), fontsize=8,
                        xytext=(4, 4), textcoords="offset points")
        fig.colorbar(sc, ax=ax, label=outcome_label(part, lang))
        ax.set_xlabel(outcome_label(spend, lang))
        ax.set_ylabel(outcome_label(sat, lang))
        ax.legend(loc="lower right", fontsize=8)
        ax.set_title(t["tradeoffs"], fontsize=11)
        _caption(fig, "tradeoffs", lang)
        fig.savefig(path, dpi=110, format="png")
        plt.close(fig)


def peeling(boxes: Sequence[Box], path: Path, lang: str = "en") -> None:
    """Coverage (x) against density (y) along each box's peeling; colour = restricted
    levers; a star at the box reported."""
    t = _TITLES[lang]
    with plt.rc_context(language_style(lang)):
        fig, ax = plt.subplots(figsize=(8, 6))
        fig.subplots_adjust(bottom=0.22, top=0.92)
        sc = None
        top = max(int(b.trajectory["res_dim"].max()) for b in boxes) if boxes else 1
        for box in boxes:
            tr = box.trajectory
            ax.plot(tr["coverage"], tr["density"], color="grey", lw=0.8, zorder=1)
            sc = ax.scatter(tr["coverage"], tr["density"], c=tr["res_dim"], cmap="plasma",
                            s=22, zorder=2, vmin=0, vmax=max(top, 1))
            ax.scatter([box.coverage], [box.density], marker="*", s=220, c="red", zorder=3)
            ax.annotate(t["box"].format(i=box.number), (box.coverage, box.density),
                        xytext=(6, -12), textcoords="offset points", fontsize=9)
        if sc is not None:
            bar = fig.colorbar(sc, ax=ax, label=t["restricted levers"])
            bar.set_ticks(range(0, max(top, 1) + 1))
        ax.set_xlim(0, 1.02)
        ax.set_ylim(0, 1.02)
        ax.set_xlabel(t["coverage"])
        ax.set_ylabel(t["density"])
        ax.set_title(t["peeling"], fontsize=11)
        _caption(fig, "peeling", lang)
        fig.savefig(path, dpi=110, format="png")
        plt.close(fig)


def box_limits(boxes: Sequence[Box], levers: Mapping[str, tuple[float, float]], path: Path,
               lang: str = "en") -> None:
    """One panel per box: each restricted lever's sampled range (grey) and box range."""
    t = _TITLES[lang]
    with plt.rc_context(language_style(lang)):
        height = 1.8 + 0.5 * sum(max(1, len(b.limits)) for b in boxes)
        fig, axes = plt.subplots(len(boxes), 1, figsize=(8, max(height, 3.8)), squeeze=False)
        fig.subplots_adjust(left=0.32, bottom=0.26, top=0.9, hspace=0.6)
        for ax, box in zip(axes[:, 0], boxes, strict=True):
            names = list(box.limits)
            for i, name in enumerate(names):
                lo0, hi0 = levers[name]
                lo, hi = box.limits[name]
                ax.barh(i, 1.0, left=0.0, color="lightgrey", height=0.6)
                ax.barh(i, (hi - lo) / (hi0 - lo0), left=(lo - lo0) / (hi0 - lo0),
                        color="tab:blue", height=0.6)
                ax.text(1.01, i, f"{lo:.3g} – {hi:.3g}", va="center", fontsize=8)
            ax.set_yticks(range(len(names)))
            ax.set_yticklabels([textwrap.fill(lever_name(n, lang), 30) for n in names],
                               fontsize=8)
            ax.set_xlim(0, 1.2)
            ax.set_xticks([0, 1])
            ax.set_xticklabels([f"{t['sampled']} {t['min']}", t["max"]], fontsize=7)
            ax.set_title(t["limits"].format(box=t["box"].format(i=box.number),
                                            c=f"{box.coverage:.0%}", d=f"{box.density:.0%}"),
                         fontsize=9)
        fig.suptitle(t["box_limits"], fontsize=11)
        _caption(fig, "box_limits", lang)
        fig.savefig(path, dpi=110, format="png")
        plt.close(fig)


__all__ = ["box_limits", "peeling", "tradeoffs"]
