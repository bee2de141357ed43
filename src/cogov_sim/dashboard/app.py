"""The dashboard page: Solara components around :class:`~cogov_sim.dashboard.runs.Runs`.

Serve with ``cogov-sim dashboard`` (or ``solara run cogov_sim.dashboard.app``). The page
holds no model logic: what it runs and shows comes from :mod:`cogov_sim.dashboard.runs`,
the sliders from :func:`cogov_sim.params.param_specs`, every label from the metadata and
label catalogues in the chosen language. The charts are drawn in the browser by Vega-Lite:
each chart's spec (:func:`cogov_sim.viz.live.chart_spec`) is sent once, and a step sends
only the recorded numbers, which the browser swaps into the chart it has
(:mod:`cogov_sim.dashboard.vega`).

Mesa's SolaraViz gave the side panel until its wording had to be Chinese too: its buttons,
sliders and headings are fixed English strings, so the page has its own controls (Reset,
Step, Play/Pause), sliders with their values and units, a reference run drawn dashed, an
ensemble of seeds drawn as bands, a CSV download and an Info panel, all switching
language.
"""

from __future__ import annotations

import html
import math
import os
import threading
import time
import warnings
from pathlib import Path
from typing import Any

import solara

from ..params import ParamSpec, param_specs
from ..presets import preset_names
from ..viz import live
from ..viz.labels import param_label, pick, scenario_description, scenario_label
from . import LANG_ENV
from .info import info_html
from .runs import (
    ENSEMBLE_SEEDS,
    ENSEMBLE_WORKERS,
    REFERENCE,
    Ensemble,
    Runs,
    band_columns,
    changed_levers,
    csv_filename,
    csv_text,
    ensemble_runs,
    lever_values,
    marginal_text,
    matches,
    run_ensemble,
    value_text,
)
from .vega import VegaView

START_PRESET = "taicang_1_0"
PLAY_INTERVAL = 0.03
"""Seconds between two months of Play, on the clock (the time a month takes is part of
it): at most about 33 months a second. The page is redrawn in a thread of its own as
often as the machine allows, showing the latest month (benchmarks/README.md has what was
measured)."""
FRAME_INTERVAL = 0.1
"""Seconds at least between two redraws of the page while Play runs (at most ten a
second): the months go on between them, and a redraw costs the server more than a month
does, so drawing less often lets Play run more months a second on a busy machine."""
TEXT = {
    "title": ("Community co-governance (政社互动): what if?", "政社互动社区共治模拟: 如果……会怎样?"),
    "scenario": ("Scenario", "情景"),
    "reference": ("Compared with (dashed)", "参照情景(虚线)"),
    "no_reference": ("no reference", "不比较"),
    "colour_by": ("Colour communities by", "社区着色依据"),
    "satisfaction": ("happiness", "幸福指数"),
    "participation": ("participation", "参与率"),
    "how": ("Pick a scenario, move the policy sliders, press Reset to apply them, then Step "
            "or ▶ Play: one step is one month.",
            "选择情景, 调整政策滑块, 点击\"重置\"应用设置, 再点击\"单步\"或\"▶ 运行\": "
            "每步为一个月。"),
    "run": ("This run", "本次运行"),
    "changed": ("levers changed from the preset", "相对预设调整的政策杠杆"),
    "none": ("none", "无"),
    "finished": ("Finished: the run has reached its horizon, month {horizon}. Press Reset "
                 "to run it again.",
                 "已结束: 运行已到终点(第{horizon}个月)。点击\"重置\"重新运行。"),
    "reset": ("Reset", "重置"), "step": ("Step", "单步"),
    "play": ("▶ Play", "▶ 运行"), "pause": ("❚❚ Pause", "❚❚ 暂停"),
    "controls": ("Run", "运行控制"), "levers": ("Policy levers", "政策杠杆"),
    "pending": ("Slider changes apply at Reset.", "滑块的改动在点击\"重置\"后生效。"),
    "ensemble": ("Run {n} seeds", "运行{n}个随机种子"),
    "ensemble_running": ("Running: {done} of {n} runs", "正在运行: 第{done}/{n}次"),
    "download": ("Download the numbers (CSV)", "下载数据(表格)"),
    "info": ("Info", "说明"), "close": ("Close", "关闭"),
    "key_run": ("solid: this run", "实线: 本次运行"),
    "key_reference": ("dashed: {name}, same seed", "虚线: {name}, 相同随机种子"),
    "key_band": ("shaded: lowest to highest of {n} seeds", "阴影: {n}个随机种子的最低至最高值"),
    "key_no_band": ("press \"Run {n} seeds\" for the spread of chance",
                    "点击\"运行{n}个随机种子\"查看偶然因素的影响范围"),
}
LANGUAGE_NAMES = {"en": ("English", "英文"), "zh": ("中文", "中文")}
"""The language switch's buttons in each page language (the Chinese page names English in
Chinese; Chinese is 中文 on both)."""


def t(key: str, lang: str) -> str:
    return pick(TEXT[key], lang)


def month_text(n: int, horizon: int, lang: str) -> str:
    """The month shown on the page: ``month 3 of 240`` / ``第3个月(共240个月)``."""
    return f"month {n} of {horizon}" if lang == "en" else f"第{n}个月(共{horizon}个月)"


def slider_step(spec: ParamSpec) -> float:
    """A slider step: the power of ten at or below a hundredth of the range (1 for whole
    numbers), fine enough that every preset's value lies on the slider's grid (tested), so
    Reset without touching a slider rebuilds the preset exactly."""
    if spec.is_integer:
        return 1
    return float(10.0 ** math.floor(math.log10((spec.high - spec.low) / 100)))


def slider_label(spec: ParamSpec, value: float, lang: str) -> str:
    """A lever's slider label: what it is, then its value with the unit."""
    return f"{param_label(spec.name, lang)}: {value_text(value, spec.unit, lang)}"


def scenario_items(lang: str) -> list[dict[str, str]]:
    """The scenario picker's entries: display name and one-line description."""
    return [{"text": f"{scenario_label(n, lang)} — {scenario_description(n, lang)}", "value": n}
            for n in preset_names()]


def reference_items(lang: str) -> list[dict[str, str]]:
    """The reference picker's entries: no reference, or a scenario by its display name."""
    return [{"text": t("no_reference", lang), "value": ""},
            *({"text": scenario_label(n, lang), "value": n} for n in preset_names())]


CSS = """
.cogov-app { display: grid; grid-template-columns: 300px minmax(0, 1fr); gap: 0 12px;
             align-items: start; }
.cogov-side { position: sticky; top: 0; max-height: 100vh; overflow-y: auto;
              padding: 8px 10px 24px 12px; border-right: 1px solid #e0e0e0; }
.cogov-side h4 { margin: 6px 0 2px 0; font-size: 14px; }
.cogov-buttons { flex-wrap: wrap; gap: 6px; }
.cogov-side .v-input__slider .v-input__slot { flex-wrap: wrap; }
.cogov-side .v-input__slider .v-label { flex: 1 1 100%; height: auto; line-height: 1.25;
    white-space: normal; margin-bottom: 2px; font-size: 12.5px; }
.cogov-side .v-input__slider { margin-top: 4px; }
.cogov-page { padding: 6px 12px 0 0; min-width: 0; }
.cogov-header { align-items: center; flex-wrap: wrap; gap: 4px 12px; }
.cogov-charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr));
                gap: 4px 16px; margin-top: 2px; }
.cogov-chart { min-width: 0; }
.cogov-chart .vega-embed { width: 100%; }
.cogov-run { font-size: 13px; line-height: 1.35; }
.cogov-info { font-size: 14px; line-height: 1.5; }
"""
"""A side column (controls, sliders with their labels above them, wrapped: the metadata's
labels are sentences) beside the page; the charts in a grid of equal columns (three at
1280×800)."""


@solara.component
def RunCard(runs: Runs, ensemble: Ensemble | None, lang: str, tick: int) -> None:
    """The run in one line (scenario, month of the horizon), the levers changed from the
    preset with their units, the key to the lines and bands, and a banner once the run
    has finished."""
    with runs.lock:
        levers, months, running = runs.levers(), runs.months, runs.running
    horizon = runs.horizon
    changed = changed_levers(runs.preset, levers)
    units = {s.name: s.unit for s in param_specs("lever")}
    listed = "; ".join(f"{param_label(name, lang)}: {value_text(value, units[name], lang)}"
                       for name, value in changed.items()) or t("none", lang)
    key = [t("key_run", lang)]
    if runs.reference_name:
        key.append(t("key_reference", lang).format(name=scenario_label(runs.reference_name, lang)))
    key.append((t("key_band", lang) if matches(ensemble, runs) else t("key_no_band", lang))
               .format(n=ENSEMBLE_SEEDS))
    with solara.Column(classes=["cogov-run"], gap="0px"):
        solara.Text(f"{t('run', lang)}: {scenario_label(runs.preset, lang)} · "
                    f"{month_text(months, horizon, lang)}")
        solara.Text(f"{t('changed', lang)}: {listed}")
        solara.Text(" · ".join(key), classes=["cogov-key"])
        marginal = marginal_text(ensemble, runs, lang)
        if marginal:
            solara.Text(marginal, classes=["cogov-marginal"])
        if not running:
            solara.Success(t("finished", lang).format(horizon=horizon), dense=True,
                           classes=["cogov-finished"])


@solara.component
def LiveChart(runs: Runs, chart: str, lang: str, ensemble: Ensemble | None,
              tick: int) -> None:
    """One live chart (:func:`cogov_sim.viz.live.chart_spec`): drawn once, its data
    replaced after every Step and Play frame; the ensemble's band sent when it changes."""
    band = solara.use_memo(lambda: band_columns(ensemble, chart, lang), [ensemble, chart, lang])
    with runs.lock:
        columns = live.chart_columns(runs.model, chart, lang, runs.reference)
        months = runs.months
    signals = live.chart_signals(months, runs.horizon)
    if ensemble is not None:  # the band spans the horizon
        signals["xmax"] = max(signals["xmax"], ensemble.months)
    VegaView(live.chart_spec(chart, lang), {live.DATASET: columns}, signals,
             fixed={live.BAND: band}, grows="month", stream=f"{id(runs)}-{lang}")


@solara.component
def Communities(runs: Runs, lang: str, colour_by: solara.Reactive[str],
                tick: int) -> None:
    """The picture of the communities, coloured by happiness or participation."""
    names = {key: t(key, lang) for key in live.MEASURES}
    with solara.Column(gap="0px"):
        solara.ToggleButtonsSingle(
            value=names[colour_by.value], values=list(names.values()), dense=True,
            on_value=lambda label: colour_by.set(next(k for k, v in names.items() if v == label)))
        with runs.lock:
            values = live.community_values(runs.model, colour_by.value)
        VegaView(live.community_spec(colour_by.value, lang),
                 {live.DATASET: live.community_columns(values, colour_by.value)})


@solara.component
def Charts(runs: Runs, ensemble: Ensemble | None, lang: str,
           colour_by: solara.Reactive[str], tick: int) -> None:
    """Every live chart and the picture of the communities, in a grid."""
    shown = ensemble if matches(ensemble, runs) else None
    with solara.Div(classes=["cogov-charts"]):
        for name in live.CHARTS:
            with solara.Div(classes=["cogov-chart"]):
                LiveChart(runs, name, lang, shown, tick)
        with solara.Div(classes=["cogov-chart"]):
            Communities(runs, lang, colour_by, tick)


@solara.component
def Controls(runs: Runs, lang: str, playing: solara.Reactive[bool], tick: int,
             on_reset: Any, on_step: Any) -> None:
    """Reset, Step and Play/Pause; Step and Play are off once the run has finished."""
    running = runs.running
    with solara.Row(classes=["cogov-buttons"], gap="6px"):
        solara.Button(t("reset", lang), color="primary", on_click=on_reset,
                      classes=["cogov-reset"])
        solara.Button(t("step", lang), color="primary", on_click=on_step,
                      disabled=playing.value or not running, classes=["cogov-step"])
        solara.Button(t("pause", lang) if playing.value else t("play", lang), color="primary",
                      on_click=lambda: playing.set(not playing.value),
                      disabled=not running and not playing.value, classes=["cogov-play"])


@solara.component
def Uncertainty(runs: Runs, ensemble: Ensemble | None, lang: str, progress: int,
                on_ensemble: Any, measure: str, tick: int) -> None:
    """The ensemble's button (with its progress while it runs) and the CSV download."""
    busy = progress >= 0
    total = ensemble_runs(ENSEMBLE_SEEDS, runs.reference_name)
    label = (t("ensemble_running", lang).format(done=progress, n=total) if busy
             else t("ensemble", lang).format(n=ENSEMBLE_SEEDS))
    solara.Button(label, on_click=on_ensemble, disabled=busy, outlined=True,
                  classes=["cogov-ensemble"], style={"width": "100%"})
    shown = ensemble if matches(ensemble, runs) else None
    solara.FileDownload(lambda: csv_text(runs, shown, lang, measure), filename=csv_filename(runs),
                        label=t("download", lang), mime_type="text/csv",
                        string_encoding="utf-8-sig", icon_name=None)


@solara.component
def Sliders(levers: solara.Reactive[dict[str, float]], lang: str) -> None:
    """One slider per policy lever, from the parameter metadata (never by hand); its label
    says what the lever is and its value with the unit."""
    for spec in param_specs("lever"):
        value = levers.value[spec.name]

        def set_value(v: float, name: str = spec.name) -> None:
            levers.set({**levers.value, name: v})

        slider = solara.SliderInt if spec.is_integer else solara.SliderFloat
        slider(slider_label(spec, value, lang), value=value, min=spec.low, max=spec.high,
               step=slider_step(spec), on_value=set_value, thumb_label=False)


@solara.component
def Info(lang: str, open_: solara.Reactive[bool]) -> None:
    """The Info panel (:mod:`cogov_sim.dashboard.info`) in a dialog."""
    with solara.v.Dialog(v_model=open_.value, on_v_model=open_.set, max_width="820px",
                         scrollable=True):
        with solara.v.Card():
            with solara.v.CardText(class_="cogov-info", style_="padding-top: 12px"):
                solara.HTML(tag="div", unsafe_innerHTML=info_html(lang))
            with solara.v.CardActions():
                solara.Button(t("close", lang), text=True, on_click=lambda: open_.set(False),
                              classes=["cogov-info-close"])


def Heading(text: str) -> Any:  # noqa: N802 - a component
    return solara.HTML(tag="h4", unsafe_innerHTML=html.escape(text))


def quiet_cookie_warning() -> None:
    """Solara warns at every page load served over plain http on an address other than
    ``localhost`` (the dashboard's 127.0.0.1) that it cannot set its session cookie with
    ``samesite=none`` and falls back to ``samesite=lax``. ``none`` is for pages embedded
    in another site's frame; the dashboard is not embedded, and ``lax`` is what it needs.
    The warning is filtered by its text and the module that gives it, nothing else."""
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https",
                            category=UserWarning, module=r"solara\.server\.starlette")


quiet_cookie_warning()


def hide_banner() -> None:
    """No "This website runs on Solara" in the page's corner: a fixed English line that
    the Chinese page cannot translate (Solara's setting ``theme.show_banner``)."""
    from solara.server import settings as server_settings

    server_settings.theme.show_banner = False


hide_banner()

VEGA = {"vega@5": "vega@5.", "vega-lite@5": "vega-lite@5.", "vega-embed@6": "vega-embed@6."}
"""What the chart widget asks Solara's asset proxy for → the installed versions' prefix."""


def serve_vega_offline() -> None:
    """Let the browser load Vega without a network.

    The chart widget asks Solara's asset proxy for ``vega@5/...``, ``vega-lite@5/...`` and
    ``vega-embed@6/...``; solara-assets holds them under exact versions only
    (``vega@5.21.0``), so offline the proxy tried the CDN ("Could not load URL" in the
    server's log) and no chart appeared. The proxy is pointed at a private directory of
    links: every asset of solara-assets, and the three names above linked to the installed
    versions. Nothing changes where the names exist already or links cannot be made.
    """
    import atexit
    import shutil
    import tempfile

    from solara.server import settings as server_settings

    settings = server_settings.assets
    source = Path(settings.proxy_cache_dir)
    if not solara.settings.assets.proxy or not source.is_dir():
        return
    aliases = {}
    for alias, prefix in VEGA.items():
        found = sorted(p for p in source.iterdir() if p.name.startswith(prefix))
        if not (source / alias).exists() and found:
            aliases[alias] = found[-1]
    if not aliases:
        return
    target = Path(tempfile.mkdtemp(prefix="cogov-sim-assets-"))
    atexit.register(shutil.rmtree, target, ignore_errors=True)
    try:
        for entry in source.iterdir():
            (target / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
        for alias, real in aliases.items():
            (target / alias).symlink_to(real, target_is_directory=True)
    except OSError:  # no symbolic links here (Windows without the right): leave it be
        return
    settings.proxy_cache_dir = target


serve_vega_offline()


@solara.component
def Page() -> None:
    start = os.environ.get(LANG_ENV, "en")
    lang_state = solara.use_reactive(start if start in ("en", "zh") else "en")
    lang = lang_state.value
    preset = solara.use_reactive(START_PRESET)
    reference = solara.use_reactive(REFERENCE)
    levers = solara.use_reactive(lever_values(START_PRESET))
    colour_by = solara.use_reactive("satisfaction")
    info_open = solara.use_reactive(False)
    initial = solara.use_memo(lambda: Runs(START_PRESET, lever_values(START_PRESET)), [])
    runs = solara.use_reactive(initial)
    tick = solara.use_reactive(0)
    playing = solara.use_reactive(False)
    ensemble = solara.use_reactive(None)
    progress = solara.use_reactive(-1)
    asked = solara.use_reactive(0)
    drawn = solara.use_memo(threading.Event, [])

    def restart(name: str, values: dict[str, float], ref: str) -> None:
        playing.set(False)
        runs.set(Runs(name, values, ref or None))

    def pick_scenario(name: str) -> None:
        preset.set(name)
        levers.set(lever_values(name))
        restart(name, lever_values(name), reference.value)

    def pick_reference(name: str | None) -> None:
        reference.set(name or "")
        restart(preset.value, runs.value.levers(), name or "")

    def step() -> None:
        runs.value.step()
        tick.set(tick.value + 1)

    def play(cancel: threading.Event) -> None:
        """Months at Play's pace until Pause, the horizon or a new run."""
        current = runs.value
        due = time.monotonic()
        try:
            while playing.value and current.running and not cancel.is_set():
                due += PLAY_INTERVAL  # a month every PLAY_INTERVAL on the clock, however
                time.sleep(max(0.0, due - time.monotonic()))  # long the months take
                due = max(due, time.monotonic() - PLAY_INTERVAL)  # no rush after a stall
                current.step()
                drawn.set()
        finally:
            drawn.set()

    def redraw(cancel: threading.Event) -> None:
        """The page redrawn as often as the machine allows while Play runs; Play stops at
        the horizon."""
        current = runs.value
        while playing.value and not cancel.is_set():
            if drawn.wait(0.25):
                drawn.clear()
                started = time.monotonic()
                tick.set(tick.value + 1)
                time.sleep(max(0.0, FRAME_INTERVAL - (time.monotonic() - started)))
            if not current.running:
                playing.set(False)
                tick.set(tick.value + 1)

    def run_seeds(cancel: threading.Event) -> None:
        if asked.value == 0:
            return
        current = runs.value
        progress.set(0)
        try:
            result = run_ensemble(current.preset, current.levers(), sizes=current.sizes,
                                  on_run=progress.set, cancelled=cancel.is_set,
                                  reference=current.reference_name,
                                  workers=ENSEMBLE_WORKERS)
            if result is not None:
                ensemble.set(result)
        finally:
            progress.set(-1)

    solara.use_thread(play, dependencies=[playing.value, runs.value], intrusive_cancel=False)
    solara.use_thread(redraw, dependencies=[playing.value, runs.value], intrusive_cancel=False)
    solara.use_thread(run_seeds, dependencies=[asked.value], intrusive_cancel=False)

    solara.Title(t("title", lang))
    solara.Style(CSS)
    names = LANGUAGE_NAMES
    with solara.Div(classes=["cogov-app"]):
        with solara.Column(classes=["cogov-side"], gap="4px"):
            Heading(t("controls", lang))
            Controls(runs.value, lang, playing, tick.value,
                     on_reset=lambda: restart(preset.value, levers.value, reference.value),
                     on_step=step)
            Uncertainty(runs.value, ensemble.value, lang, progress.value,
                        lambda: asked.set(asked.value + 1), colour_by.value, tick.value)
            Heading(t("levers", lang))
            solara.Text(t("pending", lang), style={"font-size": "12px", "color": "#555"})
            Sliders(levers, lang)
        with solara.Column(classes=["cogov-page"], gap="4px"):
            with solara.Row(classes=["cogov-header"]):
                solara.v.Select(label=t("scenario", lang), items=scenario_items(lang),
                                v_model=preset.value, on_v_model=pick_scenario, dense=True,
                                hide_details=True, class_="cogov-scenario",
                                style_="max-width: 440px; min-width: 280px")
                solara.v.Select(label=t("reference", lang), items=reference_items(lang),
                                v_model=reference.value, on_v_model=pick_reference, dense=True,
                                hide_details=True, class_="cogov-reference",
                                style_="max-width: 180px; min-width: 140px")
                solara.ToggleButtonsSingle(
                    value=pick(names[lang], lang),
                    values=[pick(names["en"], lang), names["zh"][0]], dense=True,
                    on_value=lambda label: lang_state.set("zh" if label == names["zh"][0] else "en"),
                    classes=["cogov-language"])
                solara.Button(t("info", lang), on_click=lambda: info_open.set(True), text=True,
                              classes=["cogov-info-button"])
            solara.Text(t("how", lang), style={"font-size": "13px"})
            RunCard(runs.value, ensemble.value, lang, tick.value)
            Charts(runs.value, ensemble.value, lang, colour_by, tick.value)
    Info(lang, info_open)


page = Page
