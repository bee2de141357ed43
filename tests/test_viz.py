"""Figures and labels in English and Chinese."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pytest

from cogov_sim.outcomes import OUTCOME_NAMES
from cogov_sim.params import Params, param_specs
from cogov_sim.runner import simulate
from cogov_sim.viz.figures import summary_figure
from cogov_sim.viz.labels import cjk_font, outcome_label, param_label


def test_every_outcome_and_parameter_has_both_languages() -> None:
    for name in OUTCOME_NAMES:
        en, zh = outcome_label(name, "en"), outcome_label(name, "zh")
        assert en and zh and en != zh
        assert any("\u4e00" <= ch <= "\u9fff" for ch in zh), name
    for s in param_specs():
        assert any("\u4e00" <= ch <= "\u9fff" for ch in param_label(s.name, "zh")), s.name
    with pytest.raises(ValueError, match="allowed: en, zh"):
        outcome_label("happiness_index", "fr")


def _needs_cjk_font() -> None:
    if cjk_font() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("no CJK font installed (CI must install fonts-wqy-microhei)")
        pytest.skip("no CJK font: install fonts-wqy-microhei to render Chinese labels")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_summary_figure_renders_without_missing_glyphs(tmp_path: Path, lang: str) -> None:
    if lang == "zh":
        _needs_cjk_font()
    df = simulate(Params(n_residents=300, n_communities=2, months=13, residents_per_agent=1,
                         spinup_months=0), 1)
    out = tmp_path / f"fig-{lang}.png"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        summary_figure(df, out, lang=lang, title="测试" if lang == "zh" else "test")
    missing = [w for w in caught if "missing from" in str(w.message) or "Glyph" in str(w.message)]
    assert missing == []
    assert out.stat().st_size > 10_000
