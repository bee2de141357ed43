"""Figures of a sensitivity analysis: index bars, Morris mu*-sigma, convergence, heat map.

Each function takes the tidy frames of :class:`cogov_sim.sensitivity.SAResult` and saves
one PNG; none runs anything. Output names of model runs (``outcome:statistic``) are
labelled from :data:`cogov_sim.outcomes.OUTCOMES` in English or Chinese.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from . import file_backend

file_backend()
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from ..outcomes import OUTCOME_NAMES  # noqa: E402
from .labels import language_style, outcome_label  # noqa: E402

COLORS = {"S1": "#2a6f97", "ST": "#e07a5f", "mu_star": "#2a6f97", "median": "#2a6f97",
          "maximum": "#e07a5f"}
STAT_LABELS = {"en": {"final": "end of run", "mean": "time average", "last_year": "last year"},
               "zh": {"final": "期末值", "mean": "时间平均", "last_year": "最后一年"}}




def output_label(name: str, lang: str = "en") -> str:
    """``participation_rate:final`` -> "Took part ... (end of run)"; other names unchanged."""
    base, _, stat = name.partition(":")
    if base not in OUTCOME_NAMES:
        return name
    label = outcome_label(base, lang)
    label = label if len(label) <= 48 else label[:45] + "..."
    return f"{label} ({STAT_LABELS[lang].get(stat, stat)})" if stat else label


def _grid(k: int, width: float = 5.2, height: float = 3.8) -> tuple[plt.Figure, np.ndarray]:
    cols = min(k, 2) if k > 1 else 1
    rows = math.ceil(k / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(width * cols, height * rows),
                             constrained_layout=True, squeeze=False)
    for ax in axes.flat[k:]:
        ax.set_visible(False)
    return fig, axes


def index_bars(indices: pd.DataFrame, path: Path, *, parameters: Sequence[str],
               outputs: Sequence[str], show: Sequence[str] = ("S1", "ST"),
               title: str | None = None, lang: str = "en") -> None:
    """Grouped bars of ``show`` indices per parameter, one panel per output, with error
    bars (the interval half-widths in ``conf``)."""
    outputs = [o for o in outputs if o in set(indices["output"])]
    with plt.rc_context(language_style(lang)):
        fig, axes = _grid(max(1, len(outputs)), width=0.45 * len(parameters) + 3.0)
        width = 0.8 / len(show)
        x = np.arange(len(parameters))
        for ax, output in zip(axes.flat, outputs, strict=False):
            sel = indices[indices["output"] == output]
            for i, index in enumerate(show):
                s = sel[sel["index"] == index].set_index("parameter").reindex(parameters)
                err = s["conf"].to_numpy(dtype=float)
                ax.bar(x + (i - (len(show) - 1) / 2) * width, s["value"], width,
                       yerr=np.where(np.isfinite(err), err, 0.0), capsize=2,
                       color=COLORS.get(index, None), label=index, alpha=0.9)
            ax.axhline(0, color="black", lw=0.6)
            ax.set_xticks(x, parameters, rotation=60, ha="right", fontsize=8)
            ax.set_title(output_label(output, lang), fontsize=9)
            ax.grid(axis="y", alpha=0.3)
            ax.legend(fontsize=8)
        if title:
            fig.suptitle(title, fontsize=11)
        fig.savefig(path, dpi=110)
        plt.close(fig)


def morris_plot(indices: pd.DataFrame, path: Path, *, outputs: Sequence[str],
                title: str | None = None, lang: str = "en") -> None:
    """Morris mu* (x, with its interval) against sigma (y), one panel per output.

    Points far right matter; points high above the diagonal act non-linearly or through
    interactions (Campolongo et al. 2007). Parameters near the origin are not labelled."""
    outputs = [o for o in outputs if o in set(indices["output"])]
    with plt.rc_context(language_style(lang)):
        fig, axes = _grid(max(1, len(outputs)))
        for ax, output in zip(axes.flat, outputs, strict=False):
            sel = indices[indices["output"] == output]
            mu = sel[sel["index"] == "mu_star"].set_index("parameter")
            sigma = sel[sel["index"] == "sigma"].set_index("parameter")["value"].reindex(mu.index)
            ax.errorbar(mu["value"], sigma, xerr=mu["conf"].fillna(0), fmt="o", ms=4,
                        color="#2a6f97", ecolor="#9bb8cc", capsize=2)
            top = float(np.nanmax([mu["value"].max(), sigma.max(), 1e-12]))
            ax.plot([0, top], [0, top], ls="--", color="grey", lw=0.8)
            for name in mu.index:  # label the influential ones; the rest crowd near 0
                if mu.loc[name, "value"] < 0.05 * top and sigma.loc[name] < 0.05 * top:
                    continue
                ax.annotate(name, (mu.loc[name, "value"], sigma.loc[name]), fontsize=7,
                            xytext=(3, 2), textcoords="offset points")
            ax.set_xlabel("μ*")
            ax.set_ylabel("σ")
            ax.set_title(output_label(output, lang), fontsize=9)
            ax.grid(alpha=0.3)
        if title:
            fig.suptitle(title, fontsize=11)
        fig.savefig(path, dpi=110)
        plt.close(fig)


def convergence_plot(convergence: pd.DataFrame, path: Path, *, outputs: Sequence[str],
                     tolerance: float | None = None, title: str | None = None,
                     lang: str = "en") -> None:
    """S1 (dashed) and ST (solid) of every parameter against the base sample size n, with
    a band for the interval of ST (``conf``) where there is one."""
    outputs = [o for o in outputs if o in set(convergence["output"])]
    with plt.rc_context(language_style(lang)):
        fig, axes = _grid(max(1, len(outputs)))
        cmap = plt.get_cmap("tab20")
        params = list(dict.fromkeys(convergence["parameter"]))
        for ax, output in zip(axes.flat, outputs, strict=False):
            sel = convergence[convergence["output"] == output]
            for i, name in enumerate(params):
                for index, ls in (("ST", "-"), ("S1", "--")):
                    s = sel[(sel["parameter"] == name) & (sel["index"] == index)]
                    ax.plot(s["n"], s["value"], ls=ls, marker=".", color=cmap(i % 20), lw=1.1,
                            label=name if index == "ST" else None)
                    if index == "ST" and "conf" in s and s["conf"].notna().any():
                        # the interval (from independent scramblings, or the bootstrap)
                        ax.fill_between(s["n"], s["value"] - s["conf"], s["value"] + s["conf"],
                                        color=cmap(i % 20), alpha=0.12, lw=0)
            ax.set_xscale("log", base=2)
            ax.set_xlabel("n (base sample)")
            ax.set_ylabel("index (ST solid, S1 dashed)")
            ax.set_title(output_label(output, lang), fontsize=9)
            ax.grid(alpha=0.3)
        handles, labels = axes.flat[0].get_legend_handles_labels()
        if handles:
            fig.legend(handles, labels, loc="outside right center", fontsize=7)
        note = f"; tolerance {tolerance:g}" if tolerance else ""
        fig.suptitle((title or "Convergence of Sobol' indices") + note, fontsize=11)
        fig.savefig(path, dpi=110)
        plt.close(fig)


def time_heatmap(time_indices: pd.DataFrame, path: Path, *, parameters: Sequence[str],
                 index: str, title: str | None = None, lang: str = "en") -> None:
    """Parameter x year heat map of ``index``, one panel per time-resolved outcome."""
    outputs = list(dict.fromkeys(time_indices["output"]))
    with plt.rc_context(language_style(lang)):
        years = sorted(set(time_indices["year"]))
        fig, axes = _grid(max(1, len(outputs)), width=0.5 * len(years) + 4.5,
                          height=0.28 * len(parameters) + 1.6)
        for ax, output in zip(axes.flat, outputs, strict=False):
            sel = time_indices[(time_indices["output"] == output)
                               & (time_indices["index"] == index)]
            table = sel.pivot(index="parameter", columns="year", values="value").reindex(
                index=list(parameters), columns=years)
            vmax = max(1e-9, float(np.nanmax(table.to_numpy()))) if table.notna().any().any() \
                else 1.0
            im = ax.imshow(table.to_numpy(dtype=float), aspect="auto", cmap="viridis",
                           vmin=0, vmax=vmax)
            ax.set_xticks(range(len(years)), [str(y) for y in years], fontsize=8)
            ax.set_yticks(range(len(parameters)), list(parameters), fontsize=8)
            ax.set_xlabel("年" if lang == "zh" else "simulated year")
            label = outcome_label(output, lang) if output in OUTCOME_NAMES else output
            ax.set_title(f"{index}: {label}", fontsize=9)
            fig.colorbar(im, ax=ax, shrink=0.8)
        if title:
            fig.suptitle(title, fontsize=11)
        fig.savefig(path, dpi=110)
        plt.close(fig)


def second_order_heatmap(second_order: pd.DataFrame, path: Path, *,
                         parameters: Sequence[str], outputs: Sequence[str],
                         title: str | None = None, lang: str = "en") -> None:
    """Parameter x parameter heat map of second-order indices S2, one panel per output;
    each cell shows the estimate and its interval half-width (``conf``)."""
    outputs = [o for o in outputs if o in set(second_order["output"])]
    k = len(parameters)
    with plt.rc_context(language_style(lang)):
        fig, axes = _grid(max(1, len(outputs)), width=0.75 * k + 3.2, height=0.6 * k + 2.0)
        for ax, output in zip(axes.flat, outputs, strict=False):
            sel = second_order[second_order["output"] == output]
            value = np.full((k, k), np.nan)
            conf = np.full((k, k), np.nan)
            pos = {name: i for i, name in enumerate(parameters)}
            for r in sel.itertuples():
                i, j = pos[r.parameter_a], pos[r.parameter_b]
                value[i, j], conf[i, j] = r.value, r.conf
            finite = np.abs(value[np.isfinite(value)])
            vmax = max(1e-9, float(finite.max())) if finite.size else 1.0
            im = ax.imshow(value, cmap="RdBu_r", vmin=-vmax, vmax=vmax)
            for i in range(k):
                for j in range(k):
                    if np.isfinite(value[i, j]):
                        text = f"{value[i, j]:.2f}"
                        if np.isfinite(conf[i, j]):
                            text += f"\n±{conf[i, j]:.2f}"
                        dark = abs(value[i, j]) > 0.6 * vmax
                        ax.text(j, i, text, ha="center", va="center", fontsize=7,
                                color="white" if dark else "black")
            ax.set_xticks(range(k), list(parameters), rotation=45, ha="right", fontsize=8)
            ax.set_yticks(range(k), list(parameters), fontsize=8)
            ax.set_title(f"S2: {output_label(output, lang)}", fontsize=9)
            fig.colorbar(im, ax=ax, shrink=0.8)
        if title:
            fig.suptitle(title, fontsize=11)
        fig.savefig(path, dpi=110)
        plt.close(fig)


__all__ = ["convergence_plot", "index_bars", "morris_plot", "output_label",
           "second_order_heatmap", "time_heatmap"]
