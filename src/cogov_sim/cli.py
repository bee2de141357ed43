"""The ``cogov-sim`` command line: parse, call the API, report. The only module that prints.

Every user error ends with one line on stderr (``error: ...``) and exit status 2, before
anything is written.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import numpy as np

from . import presets as presets_mod
from .constants import coerce_constant
from .experiment.executors import (
    EXECUTORS,
    ClusterLostError,
    ExecutorError,
    open_executor,
    quiet_dask_logs,
)
from .experiment.spec import SpecError
from .memory import MemoryEstimateError, check, estimate_run, estimate_sweep, unchecked
from .outcomes import SUMMARY_OUTCOMES
from .params import ParameterError, coerce, param_specs, suggest
from .progress import progress_lines
from .provenance import command_line, environment, now, set_command
from .sensitivity.problem import SensitivityError
from .specs import SpecNameError, resolve
from .store import (
    FREE_SPACE,
    RESULTS,
    DiskFullError,
    OutputError,
    check_writable,
    is_disk_full,
)
from .timeline import describe, load_scenario, timeline_data, timeline_names
from .viz.labels import (
    MissingFontError,
    check_figure_language,
    outcome_label,
    param_label,
    scenario_label,
    tidy_zh,
    unit_label,
    with_unit,
    word,
)

if TYPE_CHECKING:
    import pandas as pd

    from .experiment.executors import Executor
    from .sensitivity.spec import SASpec

USER_ERRORS: tuple[type[Exception], ...] = (ParameterError, OutputError, SensitivityError,
                                             SpecError, ExecutorError, MissingFontError,
                                             SpecNameError, MemoryEstimateError)
# Mesa, pandas and matplotlib are imported inside the commands that use them, so that
# `--help`, `params` and `scenarios` start quickly.


RUN_FAILURES: tuple[type[Exception], ...] = (ClusterLostError,)
"""Failures of a run that has started (one line, exit status 1, finished runs kept)."""

SIZE_OPTIONS = {"months": "--months", "n_residents": "--residents",
                "n_communities": "--communities"}


def parse_sets(items: Sequence[str]) -> dict[str, float | int]:
    """``NAME=VALUE`` strings to typed parameter values (one-line errors); a dotted name
    (``consultation.MOBILISE``) is a rule constant (:mod:`cogov_sim.constants`).

    A parameter set twice to different values is refused rather than resolved silently.
    """
    out: dict[str, float | int] = {}
    given: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ParameterError(f"--set {item!r}: expected NAME=VALUE")
        number = coerce_constant(name, value.strip()) if "." in name else coerce(name, value.strip())
        if name in out and out[name] != number:
            raise ParameterError(f"--set {given[name]} and --set {item.strip()} conflict; "
                                 f"give {name} once")
        out[name], given[name] = number, item.strip()
    return out


def size_overrides(months: int | None, residents: int | None,
                   communities: int | None) -> dict[str, int]:
    given = {"months": months, "n_residents": residents, "n_communities": communities}
    return {k: v for k, v in given.items() if v is not None}


def whole_or_table(text: str) -> int | str:
    """A ``--communities`` value: a whole number of equal communities, else a community
    table's name or path (checked where it is loaded)."""
    try:
        return int(text)
    except ValueError:
        return text


def communities_option(text: str | None, sets: dict[str, float | int]) -> tuple[int | None, object]:
    """``--communities``: a whole number (that many equal communities, as ``n_communities``)
    or a community table's name or path. Given neither it nor ``--set n_communities``, the
    default table (:data:`cogov_sim.communities.DEFAULT`). Returns ``(number, table)``, one
    of them None; the table is loaded here, so a bad file fails before anything runs."""
    from .communities import DEFAULT, load_communities

    if text is None:
        return None, (None if "n_communities" in sets else load_communities(DEFAULT))
    value = whole_or_table(text)
    return (value, None) if isinstance(value, int) else (None, load_communities(value))


def merge_overrides(sets: dict[str, float | int],
                    sizes: dict[str, int]) -> dict[str, float | int]:
    """``--set`` values and the size options together; a size given both ways with
    different values is refused (one line naming both) rather than resolved silently."""
    for name, value in sizes.items():
        if name in sets and sets[name] != value:
            raise ParameterError(f"--set {name}={sets[name]:g} and {SIZE_OPTIONS[name]} "
                                 f"{value} conflict; give one of them")
    return {**sets, **sizes}


def resolve_seed(seed: int | None) -> int:
    """The seed to use: the one given, or a fresh one drawn from OS entropy (recorded)."""
    if seed is not None:
        if seed < 0:
            raise ParameterError(f"--seed {seed}: expected a non-negative whole number")
        return seed
    entropy = np.random.SeedSequence().entropy
    assert isinstance(entropy, int)
    return entropy % (2**63)


def executor_options(command: click.decorators.FC) -> click.decorators.FC:
    """``--executor``, ``--workers`` and ``--scheduler``, shared by ``experiment`` and ``sa``."""
    for option in reversed((
        click.option("--executor", "executor_kind", type=click.Choice(EXECUTORS),
                     default="local", show_default=True,
                     help="Where runs execute: this machine's processes, a running Dask "
                          "scheduler, or a Dask cluster started here (needs "
                          "cogov-sim[cluster]). Results do not depend on it."),
        click.option("--workers", type=int, default=None,
                     help="Worker processes for local (default 1) or dask-local (default "
                          "one per core); 0 = one per core."),
        click.option("--scheduler", default=None, metavar="tcp://HOST:PORT",
                     help="Address of the Dask scheduler (with --executor dask)."))):
        command = option(command)
    return command


def spinup_option(default: bool | None) -> Any:
    """``--shared-spinup/--no-shared-spinup``, shared by ``experiment``, ``sa`` and
    ``discover`` (``default`` None: the spec decides)."""
    return click.option(
        "--shared-spinup/--no-shared-spinup", "shared_spinup", default=default,
        help="Simulate each seed's spin-up once and start every run that shares it from "
             "a snapshot kept in the results folder (default); --no-shared-spinup "
             "simulates every run's own. Results are the same, bit for bit.")


def planned_workers(kind: str, workers: int | None) -> int:
    """The worker processes ``--executor``/``--workers`` will start on this machine."""
    if kind == "local" and workers is None:
        return 1
    return workers or os.cpu_count() or 1


def lang_option(command: Any) -> Any:
    """``--lang en|zh``: the language of what the command prints (its written tables and
    figures come in both where a font allows)."""
    return click.option("--lang", type=click.Choice(["en", "zh"]), default="en",
                        show_default=True,
                        help="Language of the printed summary.")(command)


def force_option(command: Any) -> Any:
    """``--force``: run even if the estimated memory exceeds what is available."""
    return click.option(
        "--force", is_flag=True,
        help="Run even if the estimated memory (benchmarks/memory.md) exceeds the "
             "memory available.")(command)


def command_executor(kind: str, workers: int | None, scheduler: str | None) -> Executor:
    """:func:`~cogov_sim.experiment.executors.open_executor`, with Dask's own log messages
    off: a lost scheduler or worker is reported in one line (:data:`RUN_FAILURES`)."""
    executor = open_executor(kind, workers=workers, scheduler=scheduler)
    if kind != "local":
        quiet_dask_logs()
    return executor


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cogov-sim")
def cli() -> None:
    """Simulate community co-governance under the Taicang 政社互动 reform."""


@cli.command()
@click.option("--scenario", default="baseline", show_default=True,
              help="Preset or timeline to run (see `cogov-sim scenarios`).")
@click.option("--set", "sets", multiple=True, metavar="NAME=VALUE",
              help="Override a parameter (repeatable; see `cogov-sim params`).")
@click.option("--seed", type=int, default=None, help="Random seed (default: drawn and recorded).")
@click.option("--months", type=int, default=None, help="Months to simulate.")
@click.option("--residents", type=int, default=None, help="Number of residents.")
@click.option("--communities", default=None, metavar="N|TABLE",
              help="A number of equal communities, or a community table: a packaged one's "
                   "name or a CSV file (columns name, residents, ...; docs/ODD.md section 6). "
                   "Default: the taicang_township table (20 communities of unequal size) "
                   "scaled to --residents, or equal communities if --set n_communities is given.")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Output folder (default: a new folder under results/).")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
              help="Language of the figure and the printed table.")
@force_option
def run(scenario: str, sets: tuple[str, ...], seed: int | None, months: int | None,
        residents: int | None, communities: str | None, out: Path | None, lang: str,
        force: bool) -> None:
    """Run one simulation and write manifest, time series and a summary figure."""
    check_figure_language(lang)  # one line now, not a figure of empty boxes later
    given = parse_sets(sets)
    rule_constants = {k: given.pop(k) for k in [k for k in given if "." in k]}
    count, table = communities_option(communities, given)
    values = merge_overrides(given, size_overrides(months, residents, count))
    params = load_scenario(scenario, **values, **({"communities": table} if table else {}))
    if rule_constants:
        params = params.with_constants(rule_constants)
    values = {**values, **rule_constants}  # echoed and recorded with the overrides
    seed = resolve_seed(seed)
    with unchecked(force):
        check(estimate_run(params))  # one line now, not a MemoryError after minutes
    default = out is None  # a default name: if another run takes it first, use name-2, ...
    out = out or RESULTS / f"run-{scenario}-{time.strftime('%Y%m%d-%H%M%S')}-{seed % 10_000:04d}"
    check_writable(out, empty=not default)
    from .runner import simulate
    from .store import write_run
    from .viz.figures import summary_figure
    from .viz.stages import timeline_figure

    def figure(f: pd.DataFrame, p: Path, lang: str, title: str) -> None:
        if describe(params):  # a timeline: calendar axis, stage changes marked
            timeline_figure(f, p, params, lang=lang, title=title)
        else:
            summary_figure(f, p, lang=lang, title=title)

    started = now()
    t0 = time.perf_counter()
    frame = simulate(params, seed)
    elapsed = time.perf_counter() - t0
    manifest = {
        "kind": "run", **environment(), "command": command_line(), "started": started,
        "finished": now(), "seconds": round(elapsed, 3), "scenario": scenario,
        "overrides": values, "seed": seed, "parameters": params.to_dict(),
        "constants": dict(params.constants),
        "communities": params.communities.describe() if params.communities else None,
        **describe(params),
        "outputs": {"timeseries.parquet": "one row per month, one column per outcome",
                    "summary.png": "key outcomes over time"},
    }
    out = write_run(out, frame, manifest,
                    lambda f, p: figure(f, p, lang=lang,
                                        title=run_title(scenario, values, seed, lang)),
                    unique=default)
    click.echo(overrides_line(values, lang))
    click.echo(summary_table(frame, lang))
    where = params.communities.label if params.communities else None
    if lang == "zh":
        shape = f"社区表 {where}" if where else "规模相同"
        click.echo(tidy_zh(
            f"\n基线预热 {params.spinup_months} 个月后报告 {params.months} 个月, "
            f"{params.n_residents:,} 名居民, {params.n_communities} 个社区({shape}) "
            f"({params.n_agents:,} 个智能体, 每个代表 {params.residents_per_agent} 人), "
            f"随机种子 {seed}, {elapsed:.2f} 秒 → {out}"))
    else:
        shape = f"from table {where}" if where else "of equal size"
        click.echo(f"\n{params.months} months after a {params.spinup_months}-month baseline "
                   f"spin-up, {params.n_residents:,} residents in {params.n_communities} "
                   f"communities {shape} ({params.n_agents:,} agents, one per "
                   f"{params.residents_per_agent}), seed {seed}, {elapsed:.2f} s → {out}")


def run_title(scenario: str, overrides: dict[str, float | int], seed: int, lang: str = "en") -> str:
    """Title of ``run``'s figure: the scenario's display name, every override, the seed."""
    changes = ", ".join(f"{k}={v:g}" for k, v in overrides.items())
    shown = scenario_label(scenario, lang)
    name = scenario if shown == scenario else f"{shown} ({scenario})"  # a timeline: its name
    return name + (f" · {changes}" if changes else "") + f" · {word('seed', lang)} {seed}"


def overrides_line(values: dict[str, float | int], lang: str = "en") -> str:
    """``--set`` and the size options as given, one line (the run's own echo of them)."""
    given = ", ".join(f"{k}={v:g}" for k, v in values.items())
    if lang == "zh":
        return f"参数覆盖: {given or '无(预设值)'}"
    return f"overrides: {given or 'none (preset values)'}"


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal (CJK characters take two)."""
    return sum(2 if "\u2e80" <= ch <= "\uffef" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def summary_table(frame: pd.DataFrame, lang: str = "en",
                  names: Sequence[str] = SUMMARY_OUTCOMES) -> str:
    """First-year vs last-year means of the key outcomes in their display units (shares in
    per cent), rounded as the tables round a value without an interval, as aligned text."""
    first, last = frame[list(names)].head(12).mean(), frame[list(names)].tail(12).mean()
    from .viz.numbers import display, value_text

    labels = [with_unit(outcome_label(n, lang), unit_label(display(n).level, lang), lang)
              for n in names]
    width = max(_width(s) for s in labels) + 2
    cols = [word("first year", lang), word("last year", lang)]
    lines = [_pad(word("outcome", lang), width) + "".join(_pad(c, 12) for c in cols)]
    for name, label in zip(names, labels, strict=True):
        lines.append(f"{_pad(label, width)}{value_text(name, first[name]):<12}"
                     f"{value_text(name, last[name]):<12}")
    return "\n".join(lines)


@cli.command()
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True)
def scenarios(lang: str) -> None:
    """List the scenario presets."""
    for name in presets_mod.preset_names():
        p = presets_mod.preset(name)
        text = p.description_zh if lang == "zh" and p.description_zh else p.description
        click.echo(f"{name:<16}{text}")
    for name in timeline_names():
        data = timeline_data(name)
        text = data.get("description_zh") if lang == "zh" and data.get("description_zh") \
            else data.get("description", "")
        click.echo(f"{name:<16}[{'时间线' if lang == 'zh' else 'timeline'}] {text}")



@cli.group(invoke_without_command=True)
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
              help="Language of the descriptions.")
@click.pass_context
def specs(ctx: click.Context, lang: str) -> None:
    """List the shipped specs (name, the command that runs it, what it does); a spec
    command takes the name or a path to your own file (`cogov-sim specs copy` makes one)."""
    if ctx.invoked_subcommand is not None:
        return
    from .specs import COMMANDS, description

    width = max(len(n) for n in COMMANDS) + 2
    for name, command in COMMANDS.items():
        click.echo(f"{name:<{width}}{command:<12}{description(name, lang)}")
    click.echo("\n按名称运行，例如 `cogov-sim experiment reform_stages`；复制一份再编辑："
               "`cogov-sim specs copy NAME DIR`" if lang == "zh" else
               "\nrun one by name, e.g. `cogov-sim experiment reform_stages`; copy one to edit "
               "with `cogov-sim specs copy NAME DIR`")


@cli.command("schema")
@click.argument("kind")
def schema_command(kind: str) -> None:
    """Print the JSON Schema of a spec file of KIND (experiment, sa, discover, validate,
    calibrate, rollout, timeline) or of a community table's row (communities): editors
    complete and check keys with it (the package ships them in cogov_sim/schemas/, and
    every shipped spec names its own)."""
    from .schema import SCHEMAS, dumps

    if kind not in SCHEMAS:
        raise SpecError(f"unknown kind '{kind}'{suggest(kind, SCHEMAS)}; allowed: "
                        f"{', '.join(SCHEMAS)}")
    click.echo(dumps(kind), nl=False)


@specs.command("copy")
@click.argument("name")
@click.argument("folder", metavar="DIR", type=click.Path(path_type=Path))
def specs_copy(name: str, folder: Path) -> None:
    """Copy the shipped spec NAME into DIR as NAME.toml for editing (never overwrites)."""
    from .specs import COMMANDS, copy_spec

    target = copy_spec(name, folder)
    click.echo(f"{target}  (run it with `cogov-sim {COMMANDS[name]} {target}`)")


@cli.command("constants")
@click.argument("modules", nargs=-1, metavar="[MODULE]...")
@lang_option
def constants_command(modules: tuple[str, ...], lang: str) -> None:
    """List the rules' named constants (module.NAME, value, meaning), all or of MODULEs;
    `run --set module.NAME=VALUE` runs with one set otherwise. The meanings are the
    constants' docstrings, in English."""
    from .constants import registry

    known = sorted({c.module for c in registry().values()})
    for name in modules:
        if name not in known:
            raise ParameterError(f"unknown rule module '{name}'{suggest(name, known)}; "
                                 f"allowed: {', '.join(known)}")
    rows = [c for c in registry().values() if not modules or c.module in modules]
    width = max(len(c.key) for c in rows) + 2
    head = ("常数", "取值", "含义(源代码中的英文说明)") if lang == "zh" else ("constant", "value", "meaning")
    click.echo(f"{_pad(head[0], width)}{' ' * max(0, 10 - _width(head[1]))}{head[1]}  {head[2]}")
    for c in rows:
        click.echo(f"{c.key:<{width}}{c.value!s:>10}  {c.doc}")


@cli.command()
@click.option("--kind", type=click.Choice(["lever", "context", "size"]), default=None,
              help="Only parameters of this kind.")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True)
def params(kind: str | None, lang: str) -> None:
    """List every parameter with its default, bounds, unit and meaning."""
    specs = param_specs(kind)  # type: ignore[arg-type]
    width = max((len(s.name) for s in specs), default=10) + 2  # long names stay apart
    head = [word(w, lang) for w in ("parameter", "kind", "default", "range", "unit")]
    right = " " * max(0, 8 - _width(head[2])) + head[2]
    click.echo(f"{_pad(head[0], width)}{_pad(head[1], 10)}{right}  {_pad(head[3], 14)}"
               f"{head[4]}")
    for s in specs:
        bounds = f"[{s.low:g}, {s.high:g}]"
        click.echo(f"{s.name:<{width}}{_pad(word(s.kind, lang), 10)}{s.default!s:>8}  "
                   f"{bounds:<14}{unit_label(s.unit, lang)}\n"
                   f"{'':<{width}}{param_label(s.name, lang)}")


@cli.command()
@click.argument("spec_file", metavar="NAME|SPEC.toml")
@click.option("--n", "n", type=int, default=None,
              help="Fixed sample size (Sobol: a power of 2; Morris: trajectories); "
                   "replaces the spec's n or tolerance.")
@click.option("--replications", type=int, default=None, help="Runs per design point.")
@click.option("--months", type=int, default=None, help="Months to simulate.")
@click.option("--residents", type=int, default=None, help="Number of residents.")
@executor_options
@spinup_option(True)
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Results folder (default: results/<name>/<spec hash>/; "
                   "rerunning resumes it).")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
              help="Language of the figures.")
@force_option
def sa(spec_file: str, n: int | None, replications: int | None, months: int | None,
       residents: int | None, executor_kind: str, workers: int | None, scheduler: str | None,
       shared_spinup: bool, out: Path | None, lang: str, force: bool) -> int:
    """Global sensitivity analysis (Sobol, Morris, eFAST, PAWN) of the policy levers."""
    from .sensitivity.spec import load_spec

    check_figure_language(lang)  # one line now, not after hours of runs
    spec = load_spec(resolve(spec_file, "sa")).with_overrides(
        n=n, replications=replications, months=months, residents=residents)
    plan = spec.plan()
    stages = plan.stages()
    with unchecked(force):  # before the folder is opened; each stage checks again
        check(estimate_sweep([spec.base_params()], plan.total_runs(stages[-1]) if stages else 0,
                             planned_workers(executor_kind, workers),
                             local_workers=executor_kind != "dask"), "this analysis")
    executor = command_executor(executor_kind, workers, scheduler)
    with closing(executor), unchecked(force):
        return _run_sa(spec, out, executor, lang, shared_spinup)


RESUME_HINT = "finished runs are kept; run the same command again to resume"
LINES = {
    "error": ("error", "错误"), "warning": ("warning", "警告"), "note": ("note", "注意"),
    "failed": ("failed", "失败"), "interrupted": ("interrupted", "已中断"),
    "stopped by SIGTERM": ("stopped by SIGTERM", "被 SIGTERM 终止"),
    "resume": (RESUME_HINT, "已完成的运行已保留; 再次运行同一命令即可继续"),
    "runs failed": ("{n} run(s) failed (tracebacks in {ledger}); rerun the command to retry them",
                    "{n} 次运行失败(错误追踪见 {ledger}); 再次运行该命令即可重试"),
    "workers": ("--workers {n}: expected 0 (one per core) or more",
                "--workers {n}: 应为 0(每核一个)或更大"),
    "kept": ("finished runs are kept; ", "已完成的运行已保留; "),
    "free": (FREE_SPACE, "请腾出空间或用 --out 指定另一块磁盘, 然后再次运行同一命令"),
    "to resume": (" to resume", "以继续"),
    "no space": ("no space left on device{where}", "设备空间不足{where}"),
}
"""The command line's own tags and lines, English and Chinese (``--lang``): what the
spec and parameter checks say stays English (their parsers write it)."""


def line(key: str, lang: str = "en", **values: object) -> str:
    """One of :data:`LINES` in ``lang``."""
    return LINES[key][lang == "zh"].format(**values)


def brief_name(lang: str = "en") -> str:
    """The file name of a study's one-file brief in ``lang``."""
    return "brief.zh.html" if lang == "zh" else "brief.html"


def echo_brief(folder: Path, lang: str = "en") -> None:
    """Say where the study's brief is (if it was written)."""
    if (folder / brief_name(lang)).is_file():
        click.echo(f"{'简报' if lang == 'zh' else 'brief'}: {folder / brief_name(lang)}")


def lang_of(args: Sequence[str]) -> str:
    """The ``--lang`` of a command line (``en`` unless it says ``zh``)."""
    args = list(args)
    given = [b for a, b in zip(args, args[1:], strict=False) if a == "--lang"]
    given += [a.removeprefix("--lang=") for a in args if a.startswith("--lang=")]
    return "zh" if given and given[-1] == "zh" else "en"


@contextmanager
def keeps_finished_runs() -> Iterator[None]:
    """Mark a Ctrl-C, SIGTERM or full disk that stops a sweep, so that :func:`main`'s one line says
    finished runs are kept (the store has them), and re-raise."""
    try:
        yield
    except (KeyboardInterrupt, DiskFullError) as exc:
        exc.finished_runs_kept = True  # type: ignore[union-attr]
        raise


def report_sweep(result: Any, text: str, lang: str = "en") -> int:
    """Print a finished sweep (experiment, ablation): its text, notes, what ran, where the
    tables and figures are, and failed runs; the exit status (1 if any run failed)."""
    report = result.report
    click.echo(text)
    for note in result.notes:
        click.echo(f"{line('note', lang)}: {note}", err=True)
    click.echo("\n" + runs_line(report, result.folder, lang))
    if lang == "zh":
        click.echo(f"表格: {result.folder / 'tables'}   图: {result.folder / 'figures'}")
    else:
        click.echo(f"tables: {result.folder / 'tables'}   figures: {result.folder / 'figures'}")
    echo_brief(result.folder, lang)
    return 1 if echo_failures(report.failed, result.folder, lang) else 0


def runs_line(report: Any, folder: Path, lang: str = "en", failed: bool = True) -> str:
    """``12 run(s) done, 0 already done, 0 failed, 3.1 s → folder`` in ``lang``."""
    if lang == "zh":
        fails = f", 失败 {len(report.failed)} 次" if failed else ""
        return (f"完成 {len(report.done)} 次运行, 此前已完成 {len(report.skipped)} 次{fails}, "
                f"{report.seconds:.1f} 秒 → {folder}")
    fails = f", {len(report.failed)} failed" if failed else ""
    return (f"{len(report.done)} run(s) done, {len(report.skipped)} already done{fails}, "
            f"{report.seconds:.1f} s → {folder}")


def echo_failures(failed: dict[str, str], folder: Path, lang: str = "en") -> bool:
    """Print each failed run's last error line and one summary line; True if any failed."""
    if not failed:
        return False
    for run_id, error in failed.items():
        last = error.strip().splitlines()[-1] if error.strip() else "unknown error"
        click.echo(f"{line('failed', lang)}: {run_id}: {last}", err=True)
    click.echo(f"{line('error', lang)}: "
               + line("runs failed", lang, n=len(failed), ledger=folder / "ledger.jsonl"),
               err=True)
    return True


def _run_sa(spec: SASpec, out: Path | None, executor: Executor, lang: str,
            shared_spinup: bool = True) -> int:
    from .sensitivity.model import RunsFailedError, prepare_sa, run_prepared

    prepared = prepare_sa(spec, out)  # checks and opens the folder before anything is printed
    plan, folder = prepared.plan, prepared.folder
    stages = plan.stages()
    click.echo(f"{spec.name}: {plan.method.name} over {plan.problem.num_vars} parameters, "
               f"{plan.replications} replication(s); up to {plan.total_runs(stages[-1]):,} "
               f"model runs → {folder}", err=True)
    try:
        with keeps_finished_runs():
            result = run_prepared(prepared, workers=executor.workers, lang=lang,
                                  on_stage=lambda text: click.echo(text, err=True),
                                  executor=executor, shared_spinup=shared_spinup)
    except RunsFailedError as exc:
        for run_id, error in exc.failed.items():
            last = error.strip().splitlines()[-1] if error.strip() else "unknown error"
            click.echo(f"{line('failed', lang)}: {run_id}: {last}", err=True)
        click.echo(f"{line('error', lang)}: {exc} (tracebacks in {exc.folder / 'ledger.jsonl'})",
                   err=True)
        return 1
    click.echo(result.text_table())
    if result.second_order_text():
        click.echo(f"\n{result.second_order_text()}")
    click.echo(f"\n{result.verdict_text}")
    noise = result.noise.dropna(subset=["noise_share_of_means"])
    if len(noise):
        shares = ", ".join(f"{r.output} {r.noise_share_of_means:.0%}" for r in noise.itertuples())
        click.echo(f"seed-noise share of the replicate means: {shares}")
    for text in result.warnings:
        click.echo(f"{line('warning', lang)}: {text}", err=True)
    click.echo(f"{result.runs:,} runs → {folder}")
    return 0


@cli.command()
@click.argument("spec_file", metavar="NAME|SPEC.toml")
@executor_options
@click.option("--replications", type=int, default=None, help="Runs per design point.")
@click.option("--months", type=int, default=None, help="Months to simulate.")
@click.option("--residents", type=int, default=None, help="Number of residents.")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Results folder (default: results/<name>/<spec hash>/; rerunning resumes it).")
@spinup_option(None)
@force_option
@lang_option
def experiment(spec_file: str, executor_kind: str, workers: int | None,
               scheduler: str | None, replications: int | None, months: int | None,
               residents: int | None, out: Path | None, shared_spinup: bool | None,
               force: bool, lang: str) -> int:
    """Run an experiment spec: scenarios x design x replications, resumable, with
    paired comparisons, tables and figures (see docs/experiments.md)."""
    from .experiment.api import run_experiment
    from .experiment.spec import load_spec

    # the spec is checked before an executor starts or connects
    spec = load_spec(resolve(spec_file, "experiment"), validate=False).with_overrides(
        replications=replications, months=months, residents=residents)
    executor = command_executor(executor_kind, workers, scheduler)
    with keeps_finished_runs(), closing(executor), unchecked(force):
        result = run_experiment(spec, out=out, executor=executor, shared_spinup=shared_spinup)
    return report_sweep(result, result.text(lang=lang), lang)


@cli.command()
@click.argument("spec_file", metavar="NAME|ROLLOUT.toml")
@click.option("--workers", type=int, default=1, show_default=True,
              help="Local worker processes (0 = one per core); results do not depend on it.")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Results folder (default: results/<name>/<spec hash>/; rerunning resumes it).")
@force_option
@lang_option
def rollout(spec_file: str, workers: int, out: Path | None, force: bool, lang: str) -> int:
    """Staggered rollout across townships: a synthetic panel with a known true effect,
    two-way fixed effects and did2s event studies beside it (see docs/timelines.md)."""
    from .panel.api import run_rollout_study
    from .panel.estimate import MissingExtraError
    from .panel.rollout import load_rollout

    if workers < 0:
        raise SpecError(line("workers", lang, n=workers))
    spec = load_rollout(resolve(spec_file, "rollout"))
    try:
        with keeps_finished_runs(), unchecked(force):
            result = run_rollout_study(spec, out=out, workers=workers)
    except MissingExtraError as exc:
        raise click.ClickException(str(exc)) from None
    report = result.report
    if echo_failures(report.failed, result.folder, lang):
        return 1
    click.echo(result.text(lang))
    click.echo("\n" + runs_line(report, result.folder, lang, failed=False))
    echo_brief(result.folder, lang)
    return 0


@cli.command()
@click.argument("spec_file", metavar="NAME|SPEC.toml")
@click.option("--workers", type=int, default=1, show_default=True,
              help="Local worker processes (0 = one per core); results do not depend on it.")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Results folder (default: results/<name>/<spec hash>/; rerunning resumes it).")
@spinup_option(True)
@force_option
@lang_option
def discover(spec_file: str, workers: int, out: Path | None, shared_spinup: bool,
             force: bool, lang: str) -> int:
    """Policy exploration: which lever combinations reach a goal, at what cost and how
    robustly (PRIM boxes, trade-offs, robustness; see docs/discovery.md)."""
    from .discovery.prim import MissingExtraError
    from .discovery.spec import load_spec

    if workers < 0:
        raise SpecError(line("workers", lang, n=workers))
    spec = load_spec(resolve(spec_file, "discover"))
    try:
        from .discovery.api import run_discovery

        with keeps_finished_runs(), unchecked(force):
            result = run_discovery(spec, out=out, workers=workers, shared_spinup=shared_spinup)
    except MissingExtraError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(result.text(lang))
    for note in result.notes_zh if lang == "zh" else result.notes:
        click.echo(f"{line('note', lang)}: {note}", err=True)
    report = result.report
    click.echo("\n" + runs_line(report, result.folder, lang))
    summary = "summary.zh.md" if lang == "zh" else "summary.md"
    click.echo(f"{'摘要' if lang == 'zh' else 'summary'}: {result.folder / summary}")
    echo_brief(result.folder, lang)
    return 1 if echo_failures(report.failed, result.folder, lang) else 0


@cli.command()
@click.argument("spec_file", metavar="[NAME|SPEC.toml]", required=False, default="validation")
@click.option("--replications", type=int, default=None,
              help="Seeds per scenario (replaces the spec's; at least 2).")
@executor_options
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Results folder (default: results/<name>/<spec hash>/; rerunning resumes it).")
@force_option
@lang_option
def validate(spec_file: str, replications: int | None, executor_kind: str,
             workers: int | None, scheduler: str | None, out: Path | None, force: bool,
             lang: str) -> int:
    """Check every pattern (P1-P8 and the research note's figures) against its source with
    one set of parameter values; exit 0 if all pass, 1 if any fails (docs/validation.md)."""
    from .validation.api import run_validation
    from .validation.spec import load_validation

    spec = load_validation(resolve(spec_file, "validate")).with_overrides(replications=replications)
    executor = command_executor(executor_kind, workers, scheduler)
    with keeps_finished_runs(), closing(executor), unchecked(force):
        result = run_validation(spec, out=out, executor=executor)
    if result.report is not None and echo_failures(result.report.failed, result.folder, lang):
        return 1
    click.echo(result.text(lang))
    report = "report.zh.md" if lang == "zh" else "report.md"
    click.echo(f"{'报告' if lang == 'zh' else 'report'}: {result.folder / report}")
    echo_brief(result.folder, lang)
    return 0 if result.all_pass else 1


@cli.command()
@click.argument("spec_file", metavar="NAME|SPEC.toml")
@executor_options
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Results folder (default: results/<name>/<spec hash>/; rerunning resumes it).")
@force_option
@lang_option
def calibrate(spec_file: str, executor_kind: str, workers: int | None, scheduler: str | None,
              out: Path | None, force: bool, lang: str) -> int:
    """Pattern-oriented rejection filtering of context parameters against a declared
    subset of the patterns, or ABC-SMC of parameters and rule constants (method =
    "abc-smc"); posterior table and figure (docs/validation.md)."""
    from .validation.api import run_calibration
    from .validation.spec import load_calibration

    spec = load_calibration(resolve(spec_file, "calibrate"))
    if spec.method == "abc-smc":  # pyabc samples itself: one worker, or its own processes
        from .validation.abc import run_spec

        if executor_kind not in ("local", None) or scheduler:
            raise ParameterError("--executor dask: abc-smc runs on this machine (pyabc's own "
                                 "samplers); allowed: --executor local with --workers N")
        abc_result = run_spec(spec, out=out, workers=workers or 1)
        click.echo(abc_result.text(lang))
        click.echo(f"{'报告' if lang == 'zh' else 'report'}: {abc_result.folder / 'report.md'}")
        return 0
    executor = command_executor(executor_kind, workers, scheduler)
    with keeps_finished_runs(), closing(executor), unchecked(force):
        result = run_calibration(spec, out=out, executor=executor)
    if result.report is not None and echo_failures(result.report.failed, result.folder, lang):
        return 1
    click.echo(result.text(lang))
    click.echo(f"{'报告' if lang == 'zh' else 'report'}: {result.folder / 'report.md'}")
    return 0


def mechanism_listing(lang: str = "en") -> str:
    """The registry of mechanisms as aligned text: name, what it is, how it is cut, source."""
    from .mechanisms import MECHANISMS

    zh = lang == "zh"
    head = ("机制", "含义", "如何切除", "来源") if zh else ("mechanism", "what it is", "how it is cut",
                                                       "source")
    rows = [head, *((m.name, m.zh if zh else m.en, m.cut_zh if zh else m.cut, m.source)
                    for m in MECHANISMS)]
    widths = [max(_width(r[i]) for r in rows) + 2 for i in range(3)]
    return "\n".join("".join(_pad(cell, w) for cell, w in zip(r[:3], widths, strict=True)) + r[3]
                     for r in rows)


@cli.command()
@click.option("--list", "show_list", is_flag=True,
              help="Print the registered mechanisms (what each is, how it is cut, source) and exit.")
@click.option("--scenario", "scenarios", multiple=True, metavar="NAME",
              help="Preset to ablate (repeatable; default: taicang_1_0 and taicang_3_0).")
@click.option("--mechanism", "mechanisms", multiple=True, metavar="NAME",
              help="Mechanism to cut (repeatable; default: every registered one, see --list).")
@click.option("--replications", type=int, default=None,
              help="Paired replications per point (at least 2; default 8).")
@click.option("--months", type=int, default=None, help="Reported months (default 72).")
@click.option("--residents", type=int, default=None, help="Number of residents (default 20,000).")
@click.option("--communities", default=None, metavar="N|TABLE",
              help="Number of equal communities (default 8), or a community table: a packaged "
                   "table's name or a CSV path (then --residents, if given, scales it).")
@click.option("--spinup-months", type=int, default=None,
              help="Months of pre-reform spin-up, shared by intact and cut runs (default 60).")
@click.option("--seed", type=int, default=None, help="Root of the seed tree (default 18).")
@executor_options
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Results folder (default: results/ablation/<run id>/; rerunning resumes it).")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
              help="Language of --list and of the printed summary.")
@force_option
def ablate(show_list: bool, scenarios: tuple[str, ...], mechanisms: tuple[str, ...],
           replications: int | None, months: int | None, residents: int | None,
           communities: str | None, spinup_months: int | None, seed: int | None,
           executor_kind: str, workers: int | None, scheduler: str | None, out: Path | None,
           lang: str, force: bool) -> int:
    """Cut each registered mechanism in turn and measure what it does: paired runs against
    the intact model on common random numbers, effects with 95 % intervals on the headline
    outcomes, mechanisms that move none marked "decorative?" (docs/ablation.md)."""
    if show_list:
        click.echo(mechanism_listing(lang))
        return 0
    from .ablation import ablation_spec, run_ablation

    given = {"scenarios": scenarios, "mechanisms": mechanisms, "replications": replications,
             "months": months, "residents": residents,
             "communities": None if communities is None else whole_or_table(communities),
             "spinup_months": spinup_months, "root_seed": seed}
    arguments = {k: v for k, v in given.items() if v is not None}  # None: the API's default
    ablation_spec(**arguments)  # checked before an executor starts or connects
    executor = command_executor(executor_kind, workers, scheduler)
    with keeps_finished_runs(), closing(executor), unchecked(force):
        result = run_ablation(**arguments, out=out, executor=executor)
    return report_sweep(result, result.text(lang), lang)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind (only this machine unless told otherwise).")
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True)
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
              help="Language the page starts in (switchable on the page).")
def dashboard(host: str, port: int, lang: str) -> int:
    """Serve the interactive dashboard (a Solara page, English/Chinese) until interrupted;
    works offline.
    Needs the optional extra: pip install "cogov-sim[dashboard]"."""
    from .dashboard import (
        AddressError,
        MissingExtraError,
        check_address,
        check_dependencies,
        exposed,
        serve,
    )

    try:
        check_address(host, port)  # one line now, not the server's error and exit 3
        check_dependencies()
    except (AddressError, MissingExtraError) as exc:
        raise click.ClickException(str(exc)) from None
    if exposed(host):
        click.echo(f"warning: --host {host} serves the dashboard to every network this "
                   "machine is on, without a password; use 127.0.0.1 (the default) unless "
                   "others should reach it", err=True)
    click.echo(f"dashboard: http://{host}:{port}/  (Ctrl+C stops it)", err=True)
    return serve(host, port, lang)


# What a console that cannot show a character gets instead: readable ASCII for the
# punctuation the messages use, "?" for anything else (Chinese on a Western code page).
CONSOLE_FALLBACKS = {"\u2192": "->", "\u2190": "<-", "\u2013": "-", "\u2014": "-", "\u00b7": "-",
                     "\u2026": "...", "\u2264": "<=", "\u2265": ">=", "\u00d7": "x",
                     "\u00b1": "+/-", "\u2212": "-", "\u00bd": "1/2", "\u00b2": "^2",
                     "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "}
CONSOLE_ERRORS = "cogov_sim_console"


def _console_fallback(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    text = exc.object[exc.start:exc.end]
    return "".join(CONSOLE_FALLBACKS.get(ch, "?") for ch in text), exc.end


codecs.register_error(CONSOLE_ERRORS, _console_fallback)


def survive_any_console() -> None:
    """Make every console write survive a console that cannot encode it (a Windows code
    page such as cp1252, output redirected to a file there, ``PYTHONIOENCODING=ascii``):
    characters it lacks are replaced instead of raising ``UnicodeEncodeError``. A UTF-8
    console is unaffected. Done once, at the command line's entry."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            try:
                stream.reconfigure(errors=CONSOLE_ERRORS)
            except (ValueError, OSError):  # pragma: no cover - a closed or odd stream
                pass


def _warn_if_console_lacks_chinese(args: Sequence[str]) -> None:
    """``--lang zh`` on a console whose encoding has no Chinese characters: one line saying
    how to see them (the output still goes on, with "?" for what the console lacks)."""
    if not any(a == "zh" or a == "--lang=zh" for a in args):
        return
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        "太仓".encode(encoding)
    except (UnicodeEncodeError, LookupError):
        click.echo(f"warning: this console's encoding ({encoding}) has no Chinese characters; "
                   "set PYTHONIOENCODING=utf-8 (on Windows also `chcp 65001`) to see them",
                   err=True)


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the process is: a sweep stops as on Ctrl-C (finished runs
    written, workers ended, the session marked interrupted) and the exit status is 143."""


def _on_sigterm(signum: int, frame: object) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM does not cut cleanup
    raise Terminated


@contextmanager
def stops_cleanly_on_sigterm() -> Iterator[None]:
    """Turn SIGTERM into :class:`Terminated` while a command runs (main thread only);
    the previous handler is put back afterwards."""
    if not hasattr(signal, "SIGTERM") or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _invoke(args: list[str]) -> Any:
    """Run the command line like ``cli.main(standalone_mode=False)`` but let Ctrl-C and
    SIGTERM through as themselves (click would print a blank line and raise ``Abort``)."""
    if os.environ.get("_COGOV_SIM_COMPLETE"):  # pragma: no cover - shell completion
        return cli.main(args=args, prog_name="cogov-sim")
    try:
        with cli.make_context("cogov-sim", args) as ctx:
            return cli.invoke(ctx)
    except click.exceptions.Exit as exc:  # --help, --version
        return exc.exit_code


def _stdout_is_terminal() -> bool:
    """Whether standard output is a terminal (else a sweep writes progress lines to it)."""
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def interrupted_line(exc: KeyboardInterrupt, lang: str = "en") -> tuple[str, int]:
    """The one line and exit status for Ctrl-C (130) or SIGTERM (143), in ``lang``."""
    terminated = isinstance(exc, Terminated)
    cause = line("stopped by SIGTERM" if terminated else "interrupted", lang)
    kept = f"; {line('resume', lang)}" if getattr(exc, "finished_runs_kept", False) else ""
    return f"{line('error', lang)}: {cause}{kept}", 143 if terminated else 130


def _quiet_stdout() -> None:
    """Point stdout at the null device, so that Python's own flush of a closed pipe at
    exit prints nothing either."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: run the CLI and turn user errors into one line and exit status 2.

    Returns the exit status (a command returns its own, e.g. 1 when runs failed; 130
    after Ctrl-C and 143 after SIGTERM, each with one line on stderr; 141, silently, when
    the program reading the output has gone)."""
    args = list(argv) if argv is not None else sys.argv[1:]
    lang = lang_of(args)
    error = line("error", lang)
    survive_any_console()
    _warn_if_console_lacks_chinese(args)
    set_command(["cogov-sim", *args])
    try:
        with stops_cleanly_on_sigterm(), progress_lines(None if _stdout_is_terminal()
                                                        else click.echo):
            rc = _invoke(args)
    except KeyboardInterrupt as exc:  # Ctrl-C or SIGTERM (Terminated)
        text, status = interrupted_line(exc, lang)
        click.echo(text, err=True)
        return status
    except click.exceptions.Abort:
        click.echo(f"{error}: {line('interrupted', lang)}", err=True)
        return 130
    except click.exceptions.ClickException as exc:
        click.echo(f"{error}: {exc.format_message()}", err=True)
        return 2
    except USER_ERRORS as exc:
        click.echo(f"{error}: {exc}", err=True)
        return 2
    except RUN_FAILURES as exc:
        click.echo(f"{error}: {exc}", err=True)
        return 1
    except BrokenPipeError:
        # the reader went away (`cogov-sim specs | head`): nothing more to say to it, and
        # no traceback; the status a shell gives a command ended by SIGPIPE
        _quiet_stdout()
        return 141
    except OSError as exc:
        if not is_disk_full(exc):
            raise
        where = f" (writing {exc.filename})" if exc.filename else ""
        cause = (exc.cause if isinstance(exc, DiskFullError)
                 else line("no space", lang, where=where))
        kept = getattr(exc, "finished_runs_kept", False)
        click.echo(f"{error}: {cause}; " + (line("kept", lang) if kept else "")
                   + line("free", lang) + (line("to resume", lang) if kept else ""), err=True)
        return 1
    return rc if isinstance(rc, int) else 0  # a command's own exit status, else success


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
