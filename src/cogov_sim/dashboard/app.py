"""The dashboard page: Mesa's SolaraViz around :class:`~cogov_sim.model.CoGovModel`.

Serve with ``cogov-sim dashboard`` (or ``solara run cogov_sim.dashboard.app``). The page
holds no model logic: the model is built with keyword parameters as Mesa expects, the
sliders come from :func:`cogov_sim.params.param_specs`, the charts from
:mod:`cogov_sim.viz.live`, every label from the metadata in the chosen language.

Mesa's own side panel (Controls, Play Interval, Step, Reset, Model Parameters) keeps
Mesa's English wording; everything this page adds switches language.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from typing import Any

import solara
from mesa.visualization import Slider, SolaraViz

from ..communities import DEFAULT
from ..model import CoGovModel
from ..params import ParamSpec, param_specs
from ..presets import preset_names, preset_values
from ..viz import live
from ..viz.labels import cjk_font, param_label, scenario_label, unit_label
from . import LANG_ENV

SIZES: dict[str, int | str] = {"n_residents": 20_000, "communities": DEFAULT,
                               "residents_per_agent": 10, "spinup_months": 36, "months": 240}
"""A small township, so that a step is instant: the default township's 20 communities of
unequal sizes (:data:`cogov_sim.communities.DEFAULT`) scaled to 20,000 residents, 2,000
resident agents, a three-year spin-up, twenty reported years at most."""
START_PRESET = "taicang_1_0"
SEED = 42
TEXT = {
    "title": ("Community co-governance (政社互动): what if?", "政社互动社区共治模拟: 如果……会怎样?"),
    "scenario": ("Scenario", "情景"),
    "language": ("Language", "语言"),
    "colour_by": ("Colour communities by", "社区着色依据"),
    "satisfaction": ("happiness", "幸福指数"),
    "participation": ("participation", "参与率"),
    "how": ("Pick a scenario, move the policy sliders, press Reset to apply them, then Step "
            "or Play: one step is one month.",
            "选择情景, 调整政策滑块, 点击 Reset 应用, 再点击 Step 或 Play: 每步为一个月。"),
    "run": ("This run", "本次运行"),
    "month": ("month", "第几月"),
    "changed": ("levers changed from the preset", "相对预设调整的政策杠杆"),
    "none": ("none", "无"),
    "no_font": ("No Chinese font is installed: charts stay in English "
                "(apt-get install fonts-wqy-microhei).",
                "未安装中文字体: 图表保持英文 (apt-get install fonts-wqy-microhei)。"),
}


def t(key: str, lang: str) -> str:
    return TEXT[key][0 if lang == "en" else 1]


def slider_step(spec: ParamSpec) -> float:
    """A slider step: the power of ten at or below a hundredth of the range (1 for whole
    numbers), fine enough that every preset's value lies on the slider's grid (tested), so
    Reset without touching a slider rebuilds the preset exactly."""
    if spec.is_integer:
        return 1
    return float(10.0 ** math.floor(math.log10((spec.high - spec.low) / 100)))


def sliders(values: dict[str, Any], lang: str) -> dict[str, Slider]:
    """One Mesa slider per policy lever, from the parameter metadata (never by hand)."""
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


def new_model(preset: str) -> CoGovModel:
    return CoGovModel(preset=preset, rng=SEED, **SIZES)


CSS = """
.v-input__slider .v-input__slot { flex-wrap: wrap; }
.v-input__slider .v-label { flex: 1 1 100%; height: auto; line-height: 1.25;
                            white-space: normal; margin-bottom: 2px; font-size: 13px; }
"""
"""Slider labels above their sliders, wrapped (the metadata's labels are sentences)."""


def changed_levers(model: CoGovModel) -> dict[str, float]:
    """Levers of the running model that differ from its preset's values."""
    preset = preset_values(model.preset) if model.preset else {}
    defaults = {s.name: s.default for s in param_specs("lever")}
    return {name: value for name, value in model.policy.levers().items()
            if value != preset.get(name, defaults[name])}


def run_card(lang: str) -> Callable[[CoGovModel], Any]:
    def RunCard(model: CoGovModel) -> Any:  # noqa: N802 - a component
        changed = changed_levers(model)
        with solara.Column() as column:
            solara.Text(f"{t('run', lang)}: {scenario_label(model.preset or '', lang)} · "
                        f"{t('month', lang)} {model.recorder.n}")
            solara.Text(f"{t('changed', lang)}:")
            for name, value in changed.items():
                solara.Text(f"{name} = {value:g} · {param_label(name, lang)}")
            if not changed:
                solara.Text(t("none", lang))
        return column

    return RunCard


def charts(lang: str, colour_by: solara.Reactive[str]) -> list[Callable[[CoGovModel], Any]]:
    """The grid's components: one per live chart, then the picture of the communities."""

    def chart(name: str) -> Callable[[CoGovModel], Any]:
        def component(model: CoGovModel) -> Any:
            return solara.FigureMatplotlib(live.chart_figure(model.dataframe(), name, lang),
                                           format="png")

        component.__name__ = f"Chart_{name}"
        return component

    def communities(model: CoGovModel) -> Any:
        with solara.Column() as column:
            solara.ToggleButtonsSingle(
                value=colour_by.value, on_value=colour_by.set,
                values=list(live.MEASURES),
            )
            values = live.community_values(model, colour_by.value)
            solara.FigureMatplotlib(live.community_figure(values, colour_by.value, lang),
                                    format="png")
        return column

    return [chart(name) for name in live.CHARTS] + [communities]


@solara.component
def Page() -> None:
    start = os.environ.get(LANG_ENV, "en")
    lang_state = solara.use_reactive(start if start in ("en", "zh") else "en")
    preset = solara.use_reactive(START_PRESET)
    colour_by = solara.use_reactive("satisfaction")
    initial = solara.use_memo(lambda: new_model(START_PRESET), [])
    model = solara.use_reactive(initial)
    lang = lang_state.value
    figure_lang = lang if lang == "en" or cjk_font() else "en"

    def pick(name: str) -> None:
        preset.set(name)
        model.set(new_model(name))

    solara.Style(CSS)
    with solara.Column(style={"padding": "0 12px"}):
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.Select(t("scenario", lang), value=preset.value, on_value=pick,
                          values=list(preset_names()))
            solara.Text(scenario_label(preset.value, lang))
            solara.ToggleButtonsSingle(value=lang, on_value=lang_state.set, values=["en", "zh"])
        solara.Text(t("how", lang))
        if figure_lang != lang:
            solara.Text(t("no_font", lang))
    # a new key when the language or preset changes: Mesa's parameter panel is rebuilt with
    # the new labels and the current model's values; the model itself is kept
    SolaraViz(model, components=[run_card(lang), *charts(figure_lang, colour_by)],
              model_params=model_params(model.value, lang), name=t("title", lang),
              play_interval=150).key(f"viz-{lang}-{preset.value}")


page = Page
