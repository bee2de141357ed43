"""English and Chinese wherever a person reads: units, scenario names, CLI tables and
listings, figures, the dashboard's sliders; and one clear line when no CJK font exists."""

from __future__ import annotations

import io
import os
import warnings
from importlib import metadata
from pathlib import Path

import pytest

from cogov_sim import dashboard
from cogov_sim.cli import main, run_title, summary_table
from cogov_sim.outcomes import OUTCOMES, outcome
from cogov_sim.params import param_specs
from cogov_sim.presets import load_preset, preset_names, preset_values
from cogov_sim.runner import simulate
from cogov_sim.viz import labels, live
from cogov_sim.viz.figures import summary_figure
from cogov_sim.viz.labels import UNITS_ZH, scenario_label, unit_label

SMALL = ["--residents", "400", "--communities", "2", "--months", "14"]


def _cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _needs_cjk_font() -> None:
    if labels.cjk_font() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("no CJK font installed (CI must install fonts-wqy-microhei)")
        pytest.skip("no CJK font: install fonts-wqy-microhei to render Chinese labels")


def test_every_unit_has_a_chinese_form() -> None:
    units = {s.unit for s in param_specs()} | {o.unit for o in OUTCOMES}
    assert units <= set(UNITS_ZH), sorted(units - set(UNITS_ZH))
    assert unit_label("yuan per resident per year", "zh") == "元/人·年"
    assert unit_label("yuan per resident per year", "en") == "yuan per resident per year"


def test_every_preset_has_a_display_name_in_both_languages() -> None:
    for name in preset_names():
        en, zh = scenario_label(name, "en"), scenario_label(name, "zh")
        assert en and en != name and "_" not in en, name
        assert _cjk(zh), name
    assert scenario_label("taicang_1_0", "en") == "Taicang 1.0"
    assert scenario_label("taicang_1_0", "zh") == "太仓1.0"
    assert scenario_label("taicang_3_0 | grid_visits=9", "en") == "Taicang 3.0 | grid_visits=9"
    assert scenario_label("my_policy", "zh") == "my_policy"  # not a preset: unchanged


def test_run_title_names_the_overrides() -> None:
    title = run_title("taicang_1_0", {"grid_visits": 9, "consultations_per_year": 2.5}, 5)
    assert title == "Taicang 1.0 (taicang_1_0) · grid_visits=9, consultations_per_year=2.5 · seed 5"
    assert run_title("baseline", {}, 1, "zh").endswith("随机种子 1")


def test_summary_table_in_chinese_has_chinese_headers_and_units() -> None:
    frame = simulate(load_preset("baseline", n_residents=400, n_communities=2, months=14,
                                 spinup_months=0), 1)
    text = summary_table(frame, "zh")
    head = text.splitlines()[0]
    assert head.startswith("指标") and "第一年" in head and "最后一年" in head
    assert "幸福指数(六维均值)(指数(0-100))" in text and "first year" not in text


def test_listings_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios", "--lang", "zh"]) == 0
    assert "太仓1.0" in capsys.readouterr().out
    assert main(["params", "--kind", "lever", "--lang", "zh"]) == 0
    text = capsys.readouterr().out
    assert "次/居民小组·年" in text and "政策杠杆" in text and "per neighbourhood" not in text


def test_no_cjk_font_gives_one_line_and_writes_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(labels, "cjk_font", lambda: None)
    out = tmp_path / "r"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code = main(["run", "--lang", "zh", "--seed", "1", *SMALL, "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and not out.exists()
    assert err.count("\n") == 1 and err.startswith("错误: 中文图需要含中文字形的字体")
    assert "apt-get install fonts-wqy-microhei" in err
    assert [w for w in caught if "Glyph" in str(w.message)] == []
    frame = simulate(load_preset("baseline", n_residents=400, n_communities=2, months=13,
                                 spinup_months=0), 1)
    with pytest.raises(labels.MissingFontError, match="--lang en"):
        summary_figure(frame, tmp_path / "zh.png", lang="zh")
    assert not (tmp_path / "zh.png").exists()
    assert main(["sa", "sa_morris_quick", "--lang", "zh"]) == 2


def test_run_in_chinese_writes_a_figure_without_missing_glyphs(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _needs_cjk_font()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code = main(["run", "--lang", "zh", "--scenario", "taicang_1_0", "--set", "grid_visits=9",
                     "--seed", "2", *SMALL, "--out", str(tmp_path / "r")])
    assert code == 0
    assert [w for w in caught if "Glyph" in str(w.message)] == []
    assert "最后一年" in capsys.readouterr().out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_live_charts_label_axes_with_units(lang: str) -> None:
    if lang == "zh":
        _needs_cjk_font()
    model_frame = simulate(load_preset("taicang_2_0", n_residents=2_000, n_communities=2,
                                       months=6, spinup_months=0), 1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for chart, names in live.CHARTS.items():
            fig = live.chart_figure(model_frame, chart, lang)
            ax = fig.axes[0]
            assert ax.get_ylabel() == unit_label(outcome(names[0]).unit, lang)
            assert ax.get_title() == live.TITLES[chart][0 if lang == "en" else 1]
            if len(names) > 1:
                assert len(ax.get_legend().get_texts()) == len(names)
            fig.savefig(io.BytesIO(), format="png")  # draws every text (glyph warnings)
    assert [w for w in caught if "Glyph" in str(w.message)] == []


def test_community_values_and_picture() -> None:
    from cogov_sim.model import CoGovModel

    model = CoGovModel(preset="taicang_3_0", rng=1, n_residents=6_000, n_communities=6,
                       spinup_months=12, months=12)
    for _ in range(12):
        model.step()
    happy = live.community_values(model, "satisfaction")
    part = live.community_values(model, "participation")
    assert happy.shape == part.shape == (6,)
    assert ((happy > 0) & (happy < 100)).all() and ((part >= 0) & (part <= 1)).all()
    # the township's participation is the resident-weighted mean of the communities'
    sizes = model.population.sizes
    assert abs((part * sizes).sum() / sizes.sum()
               - model.dataframe()["participation_rate"].iloc[-1]) < 1e-12
    fig = live.community_figure(happy, "satisfaction")
    assert len(fig.axes[0].texts) == 6
    with pytest.raises(ValueError, match="allowed: satisfaction, participation"):
        live.community_values(model, "trust")


def test_dashboard_without_its_extra_says_what_to_install_in_one_line(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    real = metadata.version

    def version(name: str) -> str:
        if name == "solara-assets":
            raise metadata.PackageNotFoundError(name)
        return "3.0.0" if name == "ipyvue" else real(name)

    monkeypatch.setattr(dashboard.metadata, "version", version)
    assert main(["dashboard", "--port", "1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert 'pip install "cogov-sim[dashboard]"' in err
    assert "solara-assets is missing" in err and "ipyvue 3.0.0 must be below 2" in err
    assert main(["dashboard", "--port", "0"]) == 2  # bad input: exit 2 too


def test_dashboard_sliders_come_from_the_metadata() -> None:
    pytest.importorskip("solara")
    from cogov_sim.dashboard import app

    for spec in param_specs("lever"):
        en = app.slider_label(spec, spec.default, "en")
        zh = app.slider_label(spec, spec.default, "zh")
        assert en.startswith(spec.en) and spec.unit in en
        assert zh.startswith(spec.zh) and _cjk(zh)
    # every preset's values lie on the sliders' grids, so Reset rebuilds a preset exactly
    steps = {s.name: app.slider_step(s) for s in param_specs("lever")}
    for name in preset_names():
        for lever, value in preset_values(name).items():
            if lever in steps:
                step = steps[lever]
                assert abs(value / step - round(value / step)) < 1e-9, (name, lever, value)


def test_dashboard_info_panel_has_the_same_sections_in_both_languages() -> None:
    from cogov_sim.dashboard import info

    for key in info.SECTIONS:
        en, zh = info.BODY[key]
        assert en and _cjk(zh) and _cjk(info.HEADINGS[key][1])
    assert info.info_html("en").count("<h3>") == info.info_html("zh").count("<h3>") == 6


def test_thin_bands_are_detected_for_the_caption() -> None:
    import matplotlib.pyplot as plt
    import pandas as pd

    from cogov_sim.viz.experiment_figures import _bands_thin

    fig, ax = plt.subplots()
    ax.set_ylim(0.0, 1.0)
    thin = pd.DataFrame({"low": [0.500, 0.600], "high": [0.505, 0.602]})
    wide = pd.DataFrame({"low": [0.40, 0.50], "high": [0.60, 0.70]})
    assert _bands_thin(thin, ax) and not _bands_thin(wide, ax)
    plt.close(fig)
