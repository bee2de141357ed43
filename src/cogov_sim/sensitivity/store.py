"""The results folder of a sensitivity analysis (the only writer of its files).

::

    <folder>/
      manifest.json        spec, problem, plan, provenance (written before any run);
                           after the analysis: method, n, runs, seeds, convergence
                           verdict, noise shares, warnings, timings
      runs/<stage>/        one experiment folder per stage (manifest, ledger, shards)
      tables/              indices, convergence, noise, time_indices (Parquet and CSV),
                           points.parquet (design points with replicate means)
      figures/             indices.png, morris.png, convergence.png, time_heatmap.png

An existing folder is resumed only if it holds the same analysis (same spec apart from
its name and description, package version and model code); anything else is refused,
never mixed in.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ..experiment import store as xstore
from ..experiment.runner import model_fingerprint
from ..provenance import command_line, environment, now
from ..store import write_parquet
from ..viz import sa_figures
from .analysis import Plan, SAResult
from .methods import METHODS
from .spec import SASpec

TABLES = ("indices", "convergence", "noise", "time_indices")


def open_results(folder: Path, spec: SASpec, plan: Plan) -> dict[str, Any]:
    """Create the folder with its manifest, or check that it holds this analysis."""
    manifest = {
        "kind": "sensitivity", **environment(), "model_code": model_fingerprint(),
        "created": now(), "command": command_line(), "spec": spec.to_dict(),
        "identity": spec.identity(),
        "fingerprint": spec.fingerprint(), "source": spec.source,
        "problem": plan.problem.to_dict(),
        "plan": {"method": plan.method.name, "options": plan.method.options(),
                 "stages": plan.stages(), "runs_per_stage_max": plan.total_runs(
                     plan.stages()[-1]) if plan.stages() else None,
                 "replications": plan.replications, "scramblings": plan.scramblings,
                 "tolerance": plan.tolerance, "max_runs": plan.max_runs},
        "status": "running",
    }
    current = xstore.open_folder(Path(folder), manifest, identity=["kind", "identity"])
    current["status"] = "running"
    current.setdefault("sessions", []).append({"started": now(), "command": command_line()})
    xstore.update_manifest(Path(folder), current)
    return current


def write_results(folder: Path, spec: SASpec, result: SAResult, *, seconds: float,
                  run_seconds: float, workers: int, lang: str = "en",
                  executor: str | None = None) -> None:
    """Tables (Parquet + CSV), figures and the completed manifest."""
    folder = Path(folder)
    tables = folder / "tables"
    tables.mkdir(exist_ok=True)
    for name in TABLES:
        frame: pd.DataFrame = getattr(result, name)
        write_parquet(tables / f"{name}.parquet", frame)
        xstore.write_table(tables / f"{name}.csv", frame)
    write_parquet(tables / "points.parquet", result.points)
    second = result.second_order()
    if len(second):
        write_parquet(tables / "second_order.parquet", second)
        xstore.write_table(tables / "second_order.csv", second)
    figures = _figures(folder / "figures", result, spec, lang)
    manifest = xstore.read_manifest(folder)
    sessions = manifest.get("sessions") or [{}]
    sessions[-1].update(finished=now(), seconds=round(seconds, 2), workers=workers,
                        executor=executor or "local")
    manifest.update(
        status="complete", sessions=sessions, result=result.summary(),
        timing={"seconds": round(seconds, 2), "model_run_seconds": round(run_seconds, 2),
                "runs": result.runs, "workers": workers, "executor": executor or "local"},
        outputs={**{f"tables/{n}.parquet": f"{n} (also .csv)" for n in TABLES},
                 "tables/points.parquet": "design points with replicate means of each output",
                 **({"tables/second_order.parquet": "second-order indices S2 per pair of "
                     "parameters with intervals (also .csv)"} if len(second) else {}),
                 **{f"figures/{f}": d for f, d in figures.items()},
                 "runs/": "one experiment folder per stage (read with "
                          "cogov_sim.experiment.runner.load_outcomes)"})
    xstore.update_manifest(folder, manifest)


def _figures(folder: Path, result: SAResult, spec: SASpec, lang: str) -> dict[str, str]:
    names = list(result.problem.names)
    title = f"{spec.name}: {result.method}, n = {result.n}, {result.runs:,} runs"
    made: dict[str, str] = {}
    if len(result.indices):
        show = METHODS[result.method].shown
        xstore.write_figure(folder / "indices.png", lambda p: sa_figures.index_bars(
            result.indices, p, parameters=names, outputs=result.outputs, show=show,
            title=title, lang=lang))
        made["indices.png"] = f"{', '.join(show)} per parameter with interval error bars"
    if result.method == "morris" and len(result.indices):
        xstore.write_figure(folder / "morris.png", lambda p: sa_figures.morris_plot(
            result.indices, p, outputs=result.outputs, title=title, lang=lang))
        made["morris.png"] = "Morris mu* against sigma"
    second = result.second_order()
    if len(second):
        xstore.write_figure(folder / "second_order.png", lambda p: sa_figures.second_order_heatmap(
            second, p, parameters=names, outputs=result.outputs, title=title, lang=lang))
        made["second_order.png"] = "second-order indices S2: parameter x parameter heat map"
    if len(result.convergence):
        xstore.write_figure(folder / "convergence.png", lambda p: sa_figures.convergence_plot(
            result.convergence, p, outputs=result.outputs, tolerance=result.tolerance,
            title=f"{spec.name}: {result.verdict_text.split(';')[0]}", lang=lang))
        made["convergence.png"] = "S1 and ST against the sample size n"
    if len(result.time_indices):
        xstore.write_figure(folder / "time_heatmap.png", lambda p: sa_figures.time_heatmap(
            result.time_indices, p, parameters=names, index=result.primary, title=title,
            lang=lang))
        made["time_heatmap.png"] = f"{result.primary} per parameter and simulated year"
    return made


__all__ = ["open_results", "write_results"]
