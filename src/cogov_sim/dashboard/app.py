"""The dashboard page: Mesa's SolaraViz around :class:`~cogov_sim.model.CoGovModel`.

Serve with ``cogov-sim dashboard`` (or ``solara run cogov_sim.dashboard.app``). The page
holds no model logic: the model is built with keyword parameters as Mesa expects, the
sliders come from :func:`cogov_sim.params.param_specs`, every label from the metadata in
the chosen language. The charts are drawn in the browser by Vega-Lite: each chart's spec
(:func:`cogov_sim.viz.live.chart_spec`) is sent once, and a step sends only the recorded
numbers, which the browser swaps into the chart it has (:mod:`cogov_sim.dashboard.vega`).
Mesa's Altair plot component was tried first: it sends and redraws every chart whole at
each step, 0.3 s of the server's and 0.5 s of the browser's time a step, so Play showed
about one month a second (benchmarks/README.md).

SolaraViz gives the side panel (Controls, Play Interval, Step, Reset, Model Parameters),
which keeps Mesa's English wording; the page lays out its own header and charts (two rows
of three charts fit a 1280×800 window), and everything it adds switches language.
"""

from __future__ import annotations

import atexit
import contextlib
import math
import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

import solara
from mesa.visualization import Slider, SolaraViz
from mesa.visualization.utils import update_counter

from ..communities import DEFAULT
from ..model import CoGovModel
from ..params import ParamSpec, param_specs
from ..presets import preset_names, preset_values
from ..viz import live
from ..viz.labels import param_label, scenario_description, scenario_label, unit_label
from . import LANG_ENV
from .vega import VegaView

SIZES: dict[str, int | str] = {"n_residents": 20_000, "communities": DEFAULT,
                               "residents_per_agent": 10, "spinup_months": 36, "months": 240}
"""A small township, so that a month takes milliseconds: the default township's 20
communities of unequal sizes (:data:`cogov_sim.communities.DEFAULT`) scaled to 20,000
residents, 2,000 resident agents, a three-year spin-up, twenty reported years at most."""
START_PRESET = "taicang_1_0"
SEED = 42
PLAY_INTERVAL = 31
"""Milliseconds Play waits between two months (on the grid of Mesa's slider: 1, 11, 21,
...): the pace of Play, at most about 25 months a second when a month and its drawing
take a few milliseconds (benchmarks/README.md has what was measured)."""
RENDER_INTERVAL = 1
"""Months Step runs (Mesa's "Render Interval"). Play draws in a thread of its own (Mesa's
"Use Threads", on): the months go on at Play's pace while the page is redrawn as often as
the machine allows, showing the latest month each time."""
TEXT = {
    "title": ("Community co-governance (政社互动): what if?", "政社互动社区共治模拟: 如果……会怎样?"),
    "scenario": ("Scenario", "情景"),
    "language": ("Language", "语言"),
    "colour_by": ("Colour communities by", "社区着色依据"),
    "satisfaction": ("happiness", "幸福指数"),
    "participation": ("participation", "参与率"),
    "how": ("Pick a scenario, move the policy sliders, press Reset to apply them, then Step "
            "or ▶ (Play): one step is one month.",
            "选择情景, 调整政策滑块, 点击 Reset 应用, 再点击 Step 或 ▶ (Play): 每步为一个月。"),
    "run": ("This run", "本次运行"),
    "changed": ("levers changed from the preset", "相对预设调整的政策杠杆"),
    "none": ("none", "无"),
    "finished": ("Finished: the run has reached its horizon, month {horizon}. Press Reset "
                 "to run it again.",
                 "已结束: 运行已到终点(第{horizon}个月)。点击 Reset 重新运行。"),
}


def t(key: str, lang: str) -> str:
    return TEXT[key][0 if lang == "en" else 1]


def month_text(n: int, horizon: int, lang: str) -> str:
    """The month shown on the page: ``month 3 of 240`` / ``第3个月(共240个月)``."""
    return f"month {n} of {horizon}" if lang == "en" else f"第{n}个月(共{horizon}个月)"


def value_text(value: float, unit: str, lang: str) -> str:
    """A lever's value with its unit: ``12 per neighbourhood per year``."""
    return f"{value:g} {unit_label(unit, lang)}" if lang == "en" else \
        f"{value:g}{unit_label(unit, lang)}"


class DashboardModel(CoGovModel):
    """The model as the dashboard runs it: a step past the horizon does nothing, and a
    step and the drawing of the page never overlap (Mesa's Play steps the model in one
    thread while the page is drawn in another; a chart read halfway through a month's
    row failed and blanked the page).

    Mesa's Step and Play run ``render_interval`` months before they look at ``running``;
    without the guard a render interval above 1 ran the model past its horizon (to month
    300 of 240). ``lock`` is held for a month and while the page reads the model. Mesa's
    Reset builds the next model with ``type(model)``, so both stay. The model's rules are
    :class:`CoGovModel`'s, untouched.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.lock = threading.RLock()
        mesa_step = self.step  # Mesa's wrapper: advances model.time, then one month

        def step() -> None:
            with self.lock:
                if self.running:
                    mesa_step()

        self.step = step  # type: ignore[method-assign]


def slider_step(spec: ParamSpec) -> float:
    """A slider step: the power of ten at or below a hundredth of the range (1 for whole
    numbers), fine enough that every preset's value lies on the slider's grid (tested), so
    Reset without touching a slider rebuilds the preset exactly."""
    if spec.is_integer:
        return 1
    return float(10.0 ** math.floor(math.log10((spec.high - spec.low) / 100)))


def sliders(values: dict[str, Any], lang: str) -> dict[str, Slider]:
    """One Mesa slider per policy lever, from the parameter metadata (never by hand); its
    label ends with the unit, and the page shows the value at the slider's handle."""
    out = {}
    for spec in param_specs("lever"):
        label = f"{param_label(spec.name, lang)} ({unit_label(spec.unit, lang)})"
        out[spec.name] = Slider(label, value=values[spec.name], min=spec.low, max=spec.high,
                                step=slider_step(spec), dtype=int if spec.is_integer else float)
    return out


def model_params(model: CoGovModel, lang: str) -> dict[str, Any]:
    """Mesa's ``model_params``: the preset and sizes fixed, the levers as sliders showing
    the current model's values (so switching language keeps them)."""
    return {"preset": model.preset or START_PRESET, "rng": SEED, **SIZES,
            **sliders(model.policy.to_dict(), lang)}


def new_model(preset: str) -> DashboardModel:
    return DashboardModel(preset=preset, rng=SEED, **SIZES)


CSS = """
.v-input__slider .v-input__slot { flex-wrap: wrap; }
.v-input__slider .v-label { flex: 1 1 100%; height: auto; line-height: 1.25;
                            white-space: normal; margin-bottom: 14px; font-size: 13px; }
.v-input__slider [role=slider]::after { content: attr(aria-valuenow); position: absolute;
    top: -17px; left: 50%; transform: translateX(-50%); font-size: 11px; font-weight: 600;
    color: #1565c0; white-space: nowrap; pointer-events: none; }
.cogov-page { padding: 0 12px; }
.cogov-header { align-items: center; flex-wrap: wrap; gap: 4px 16px; }
.cogov-charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr));
                gap: 4px 16px; margin-top: 4px; }
.cogov-chart { min-width: 0; }
.cogov-chart .vega-embed { width: 100%; }
.cogov-run { font-size: 13px; line-height: 1.35; }
"""
"""Slider labels above their sliders, wrapped (the metadata's labels are sentences), each
slider's value above its handle; the charts in a grid of equal columns (three at
1280×800 beside Mesa's side panel)."""


def changed_levers(model: CoGovModel) -> dict[str, float]:
    """Levers of the running model that differ from its preset's values."""
    preset = preset_values(model.preset) if model.preset else {}
    defaults = {s.name: s.default for s in param_specs("lever")}
    return {name: value for name, value in model.policy.levers().items()
            if value != preset.get(name, defaults[name])}


@solara.component
def RunCard(model: CoGovModel, lang: str) -> None:
    """The run in one line (scenario, month of the horizon), the levers changed from the
    preset with their units, and a banner once the run has finished."""
    update_counter.get()  # redrawn after every Step and Play frame, as Mesa's components
    with _lock(model):
        changed, months, running = changed_levers(model), model.recorder.n, model.running
    horizon = model.policy.months
    listed = "; ".join(f"{param_label(name, lang)}: {value_text(value, _unit(name), lang)}"
                       for name, value in changed.items()) or t("none", lang)
    with solara.Column(classes=["cogov-run"], gap="0px"):
        solara.Text(f"{t('run', lang)}: {scenario_label(model.preset or '', lang)} · "
                    f"{month_text(months, horizon, lang)}")
        solara.Text(f"{t('changed', lang)}: {listed}")
        if not running:
            solara.Success(t("finished", lang).format(horizon=horizon), dense=True,
                           classes=["cogov-finished"])


def _lock(model: CoGovModel) -> Any:
    return getattr(model, "lock", contextlib.nullcontext())


def _unit(name: str) -> str:
    return next(s.unit for s in param_specs("lever") if s.name == name)


@solara.component
def LiveChart(model: CoGovModel, chart: str, lang: str) -> None:
    """One live chart (:func:`cogov_sim.viz.live.chart_spec`): drawn once, its data
    replaced after every Step and Play frame."""
    update_counter.get()
    with _lock(model):
        columns, months = live.chart_columns(model, chart, lang), model.recorder.n
    VegaView(live.chart_spec(chart, lang), columns, live.chart_signals(months))


@solara.component
def Communities(model: CoGovModel, lang: str, colour_by: solara.Reactive[str]) -> None:
    """The picture of the communities, coloured by happiness or participation."""
    update_counter.get()
    names = {key: t(key, lang) for key in live.MEASURES}
    with solara.Column(gap="0px"):
        solara.ToggleButtonsSingle(
            value=names[colour_by.value], values=list(names.values()), dense=True,
            on_value=lambda label: colour_by.set(next(k for k, v in names.items() if v == label)))
        with _lock(model):
            values = live.community_values(model, colour_by.value)
        VegaView(live.community_spec(colour_by.value, lang),
                 live.community_columns(values, colour_by.value))


@solara.component
def Charts(model: CoGovModel, lang: str, colour_by: solara.Reactive[str]) -> None:
    """Every live chart and the picture of the communities, in a grid."""
    with solara.Div(classes=["cogov-charts"]):
        for name in live.CHARTS:
            with solara.Div(classes=["cogov-chart"]):
                LiveChart(model, name, lang)
        with solara.Div(classes=["cogov-chart"]):
            Communities(model, lang, colour_by)


def scenario_items(lang: str) -> list[dict[str, str]]:
    """The scenario picker's entries: display name and one-line description."""
    return [{"text": f"{scenario_label(n, lang)} — {scenario_description(n, lang)}", "value": n}
            for n in preset_names()]


VEGA = {"vega@5": "vega@5.", "vega-lite@5": "vega-lite@5.", "vega-embed@6": "vega-embed@6."}
"""What Solara's chart widget asks its asset proxy for → the installed versions' prefix."""


def serve_vega_offline() -> None:
    """Let the browser load Vega without a network.

    Solara's chart widget asks its asset proxy for ``vega@5/...``, ``vega-lite@5/...`` and
    ``vega-embed@6/...``; solara-assets holds them under exact versions only
    (``vega@5.21.0``), so offline the proxy tried the CDN ("Could not load URL" in the
    server's log) and no chart appeared. The proxy is pointed at a private directory of
    links: every asset of solara-assets, and the three names above linked to the installed
    versions. Nothing changes where the names exist already or links cannot be made.
    """
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
    preset = solara.use_reactive(START_PRESET)
    colour_by = solara.use_reactive("satisfaction")
    initial = solara.use_memo(lambda: new_model(START_PRESET), [])
    model = solara.use_reactive(initial)
    lang = lang_state.value

    def pick(name: str) -> None:
        preset.set(name)
        model.set(new_model(name))

    solara.Title(t("title", lang))
    solara.Style(CSS)
    with solara.Column(classes=["cogov-page"], gap="4px"):
        with solara.Row(classes=["cogov-header"]):
            solara.v.Select(label=t("scenario", lang), items=scenario_items(lang),
                            v_model=preset.value, on_v_model=pick, dense=True,
                            hide_details=True, style_="max-width: 640px; min-width: 360px")
            solara.ToggleButtonsSingle(value=lang, on_value=lang_state.set, values=["en", "zh"],
                                       dense=True)
        solara.Text(t("how", lang), style={"font-size": "13px"})
        RunCard(model.value, lang)
        Charts(model.value, lang, colour_by)
    # a new key when the language or preset changes: Mesa's parameter panel is rebuilt with
    # the new labels and the current model's values; the model itself is kept. No Mesa
    # components: the page lays out its charts itself (above).
    SolaraViz(model, components=[], model_params=model_params(model.value, lang),
              name=t("title", lang), play_interval=PLAY_INTERVAL,
              render_interval=RENDER_INTERVAL, use_threads=True).key(f"viz-{lang}-{preset.value}")


page = Page
