"""Tables and figures that explain themselves (issue 26): display names, captions, units,
"better" from the outcome metadata, one rounding rule, intervals that show, titles."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

from cogov_sim.experiment.compare import (
    Window,
    annotate,
    markdown_summary,
    p_better,
    summary_table,
    text_summary,
    verdict,
)
from cogov_sim.outcomes import OUTCOMES, outcome
from cogov_sim.viz.experiment_figures import (
    _TEXT,
    CAP_SIZE,
    MARKER_SIZE,
    differences_figure,
    narrower_than_marker,
)
from cogov_sim.viz.labels import (
    UNITS_ZH,
    difference_axis_label,
    outcome_label,
    scenario_label,
    study_title,
    tidy_zh,
    unit_label,
    units_text,
    with_unit,
)
from cogov_sim.viz.numbers import decimals, display, shown, value_text

KEY = ("participation_rate", "happiness_index", "admin_burden", "trust_committee",
       "so_per_10k", "spend_total")
"""Outcomes of every kind: a share, a 0-100 index, lower-is-better, a 0-1 index, a count per
10,000 residents, and one without a better direction."""
EFFECT = {"participation_rate": 0.031, "happiness_index": 2.4, "admin_burden": -0.12,
          "trust_committee": -0.02, "so_per_10k": 0.0, "spend_total": 5_000.0}
LEVEL = {"participation_rate": 0.2, "happiness_index": 50.0, "admin_burden": 0.6,
         "trust_committee": 0.5, "so_per_10k": 8.0, "spend_total": 1e5}


def runs(n_rep: int = 6, months: int = 24, noise: float = 0.05) -> pd.DataFrame:
    """Baseline and Taicang 3.0 on paired replications: the reform shifts each outcome by
    :data:`EFFECT` (so_per_10k: noise only); replication-specific noise."""
    rng = np.random.default_rng(26)
    rows = []
    for r in range(n_rep):
        common = rng.normal(0, 1)
        for scenario in ("baseline", "taicang_3_0"):
            own = rng.normal(0, 1)
            for m in range(1, months + 1):
                row = {"run_id": f"{scenario}-{r}", "scenario": scenario, "replication": r,
                       "month": m}
                for name in KEY:
                    shift = EFFECT[name] if scenario == "taicang_3_0" else 0.0
                    size = abs(EFFECT[name]) or 1.0
                    row[name] = LEVEL[name] + shift + size * noise * (common + own)
                rows.append(row)
    return pd.DataFrame(rows)


def table_rows(text: str) -> list[list[str]]:
    """The cells of a Markdown table's rows (header first, separator dropped)."""
    rows = [line for line in text.splitlines() if line.startswith("|")]
    cells = [[c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]] for line in rows]
    return [c for c in cells if not set("".join(c)) <= {"-"}]


@pytest.fixture(scope="module")
def summary() -> pd.DataFrame:
    return annotate(summary_table(runs(), KEY))


# -- the metadata ----------------------------------------------------------------------------

def test_every_outcome_declares_its_better_direction_once() -> None:
    assert {o.better for o in OUTCOMES} == {"higher", "lower", None}
    assert outcome("admin_burden").better == "lower" and outcome("happiness_index").better == "higher"
    assert outcome("spend_total").better is None  # a cost is read beside what it buys
    units = {display(o.name).level for o in OUTCOMES} | {display(o.name).difference
                                                          for o in OUTCOMES}
    assert units <= set(UNITS_ZH), sorted(units - set(UNITS_ZH))


@pytest.mark.parametrize("name", KEY)
def test_p_better_and_verdict_follow_the_metadata(name: str) -> None:
    better = outcome(name).better
    p, low, high = p_better(name, 0.9, 0.7, 0.97)
    if better is None:
        assert math.isnan(p) and verdict(name, 0.1, 0.2) is None
        return
    assert (p, low, high) == pytest.approx((0.9, 0.7, 0.97) if better == "higher"
                                           else (0.1, 0.03, 0.3))
    up, down = verdict(name, 0.1, 0.2), verdict(name, -0.2, -0.1)
    assert (up, down) == (("better", "worse") if better == "higher" else ("worse", "better"))
    assert verdict(name, -0.1, 0.2) == "unclear"


# -- the Markdown tables -------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "zh"])
def test_summary_rows_have_display_names_units_and_better_marker(summary: pd.DataFrame,
                                                                 lang: str) -> None:
    window = Window(months=24, spinup=120)
    text = markdown_summary(summary, KEY, lang, window=window)
    header, *rows = table_rows(text)
    assert len(header) == 8 and scenario_label("baseline", lang) in header[4]
    end = summary[summary["measure"] == "end"].set_index("outcome")
    assert len(rows) == len(KEY)
    marks = {"en": {"better": "better", "worse": "worse", "unclear": "unclear", None: "—"},
             "zh": {"better": "更好", "worse": "更差", "unclear": "不明确", None: "—"}}[lang]
    for cells, name in zip(rows, KEY, strict=True):
        r = end.loc[name]
        s = shown(name, r["difference"], r["ci_low"], r["ci_high"], r["mean_a"], r["mean_b"])
        assert cells[0] == outcome_label(name, lang)
        assert cells[1] == units_text(name, lang)
        assert unit_label(display(name).level, lang) in cells[1]
        assert cells[2] == scenario_label("taicang_3_0", lang) != "taicang_3_0"
        assert cells[3:6] == [s.mean_a, s.mean_b, s.difference_with_interval]
        pb = p_better(name, r["p_higher"], r["p_higher_low"], r["p_higher_high"])[0]
        assert cells[6] == ("—" if outcome(name).better is None else f"{pb:.2f}")
        assert cells[7] == marks[verdict(name, r["ci_low"], r["ci_high"])]
    # the effects as built: burden falls (better), trust falls (worse), spending has no side
    verdicts = dict(zip(KEY, (c[7] for c in rows), strict=True))
    assert verdicts["admin_burden"] == marks["better"] and verdicts["trust_committee"] == marks["worse"]
    assert verdicts["spend_total"] == "—" and verdicts["so_per_10k"] == marks["unclear"]
    # the caption: window, paired replications, reference, level
    caption = text.splitlines()[0]
    assert window.text("end", lang).lower() in caption.lower() and "13–24" in caption
    assert "120" in caption
    assert ("6 paired replications" if lang == "en" else "6对配对重复") in caption
    assert scenario_label("baseline", lang) in caption and "95%" in caption
    if lang == "zh":
        assert tidy_zh(text) == text


def test_differences_of_shares_are_in_percentage_points(summary: pd.DataFrame) -> None:
    row = summary[(summary["measure"] == "end")
                  & (summary["outcome"] == "participation_rate")].iloc[0]
    s = shown("participation_rate", row["difference"], row["ci_low"], row["ci_high"],
              row["mean_a"], row["mean_b"])
    assert s.difference == f"+{100 * row['difference']:.{s.places}f}"
    assert float(s.difference) == pytest.approx(3.1, abs=0.2)  # 0.031 as a share
    assert float(s.mean_b) == pytest.approx(20.0, abs=0.5)
    assert difference_axis_label("participation_rate") == "pp"
    assert units_text("participation_rate") == "% (difference: pp)"
    assert row["display_unit"] == "pp" and row["display_scale"] == 100


def test_one_rounding_rule_for_terminal_markdown_csv_and_figure(summary: pd.DataFrame) -> None:
    assert decimals(0.103) == 2 and decimals(1.03) == 1 and decimals(10.3) == 0
    assert decimals(math.nan, 51.751) == 1 and value_text("happiness_index", 51.751) == "51.8"
    assert value_text("admin_burden", 0.4321) == "43.2"  # a share, in per cent
    text = text_summary(summary, KEY)
    md = markdown_summary(summary, KEY)
    fig = differences_figure(summary, KEY[:3])
    labels = {t.get_text() for ax in fig.axes for t in ax.texts}
    end = summary[summary["measure"] == "end"]
    for r in end.itertuples():
        s = shown(r.outcome, r.difference, r.ci_low, r.ci_high, r.mean_a, r.mean_b)
        assert r.decimals == s.places  # the CSV column
        assert f"{s.difference} {s.interval}" in md
        assert re.search(rf"{re.escape(s.difference)} {re.escape(s.interval)}", text)
        if r.outcome in KEY[:3]:
            assert s.difference in labels
        half = (r.ci_high - r.ci_low) * display(r.outcome).scale / 2
        # two significant digits of the half-width (whole numbers at least)
        assert 1 <= half * 10 ** s.places and (half * 10 ** s.places < 100 or s.places == 0)


def test_terminal_summary_uses_display_names_and_does_not_repeat_units(
        summary: pd.DataFrame) -> None:
    text = text_summary(summary, KEY, window=Window(months=24))
    assert "Difference from Before 2008 (mean of months 13–24 of 24 reported" in text
    assert "Taicang 3.0" in text and "taicang_3_0" not in text
    assert "P(better)=" in text and "P(higher)" not in text
    label = outcome_label("so_per_10k")
    assert with_unit(label, "per 10,000 residents") == label
    assert "(per 10,000 residents)" not in text
    assert f"{outcome_label('participation_rate')} (pp)" in text


# -- figures ----------------------------------------------------------------------------------

def _errorbars(fig):  # noqa: ANN001, ANN202 - matplotlib artists
    return [c for ax in fig.axes for c in ax.containers if c.has_xerr]


@pytest.mark.parametrize("noise", [0.05, 1e-7])
def test_differences_show_every_interval_or_say_it_is_narrower(noise: float) -> None:
    table = summary_table(runs(noise=noise), KEY)
    fig = differences_figure(table, KEY)
    bars = _errorbars(fig)
    assert len(bars) == len(KEY)
    narrow = []
    for bar in bars:
        marker, caps, _ = bar.lines
        assert marker.get_markersize() == MARKER_SIZE
        assert len(caps) == 2 and all(c.get_markersize() > marker.get_markersize()
                                      for c in caps)  # the caps stick out of the marker
        assert CAP_SIZE * 2 == caps[0].get_markersize()
        ax = marker.axes
        (x0, x1) = caps[0].get_xdata()[0], caps[1].get_xdata()[0]
        narrow.append(narrower_than_marker(ax, x0, x1))
    heading = fig.get_suptitle()
    note = _TEXT["en"]["narrow"]
    assert (note in heading.replace("\n", " ")) == any(narrow)
    assert any(narrow) == (noise < 1e-3)  # the tiny noise draws intervals inside the markers
    # axes in the display unit of the differences
    xlabels = [ax.get_xlabel() for ax in fig.axes if ax.get_xlabel()]
    assert xlabels == [difference_axis_label(n) for n in KEY]
    share = next(b for b in bars if b.lines[0].axes.get_xlabel() == "pp")
    row = table[(table["measure"] == "end") & (table["outcome"] == "participation_rate")]
    assert share.lines[0].get_xdata()[0] == pytest.approx(100 * row["difference"].iloc[0])


def test_titles_come_from_the_spec_or_display_names_and_chinese_has_no_stray_spaces() -> None:
    order = ["baseline", "taicang_1_0", "chengdu"]
    assert study_title(order, "en") == "Taicang 1.0 and Chengdu compared with Before 2008"
    assert study_title(order, "en", title="Reform stages") == "Reform stages"
    assert study_title(order, "zh", title="Reform stages") == "太仓1.0、成都模式与2008年前的比较"
    assert study_title(order, "zh", "x", "改革阶段") == "改革阶段"
    assert tidy_zh("与 2008年前 的差值, 均值及 40 对") == "与2008年前的差值, 均值及40对"
    fig = differences_figure(summary_table(runs(), KEY), KEY, lang="zh", title="改革 阶段")
    heading = fig.get_suptitle()
    assert "2008年前" in heading and "改革阶段" in heading
    assert not re.search(r"[\u4e00-\u9fff] +[\w%]|[\w%] +[\u4e00-\u9fff]", heading), heading


def test_spec_titles_are_optional_labels_that_redo_nothing() -> None:
    from cogov_sim.experiment.spec import SpecError, parse_spec

    base = {"name": "t", "root_seed": 1, "replications": 2, "scenarios": ["baseline", "chengdu"]}
    plain = parse_spec(base)
    titled = parse_spec({**base, "title": "Reform", "title_zh": "改革"})
    assert (plain.title, titled.title, titled.title_zh) == ("", "Reform", "改革")
    assert titled.fingerprint() == plain.fingerprint()  # a label: the same runs, the same folder
    assert titled.to_dict()["title_zh"] == "改革" and "title" not in plain.to_dict()
    with pytest.raises(SpecError, match="title_zh = 3: expected a string"):
        parse_spec({**base, "title_zh": 3})
