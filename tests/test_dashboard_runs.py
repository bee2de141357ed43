"""The dashboard's runs without a browser (cogov_sim.dashboard.runs): this run and its
reference stepped together and stopped at the horizon, the ensemble's band, and the CSV of
the numbers on screen with its parameters and seeds, in both languages."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from cogov_sim.dashboard import runs as dash
from cogov_sim.outcomes import OUTCOME_NAMES
from cogov_sim.viz import live
from cogov_sim.viz.labels import outcome_label

TINY = {"n_residents": 2_000, "communities": 4, "residents_per_agent": 10, "spinup_months": 12,
        "months": 5}


def test_runs_step_together_and_stop_at_the_horizon() -> None:
    r = dash.Runs("taicang_1_0", {"consultations_per_year": 4.0}, "baseline", sizes=TINY)
    for _ in range(8):
        r.step()
    assert r.months == r.reference.recorder.n == 5 and not r.running
    assert dash.changed_levers("taicang_1_0", r.levers()) == {"consultations_per_year": 4.0}
    cols = live.chart_columns(r.model, "trust", "en", r.reference)
    assert cols["run"].count("run") == cols["run"].count("reference") == 3 * 5


def test_the_band_spans_every_seed_and_the_csv_has_the_rows_on_screen() -> None:
    done = []
    ens = dash.run_ensemble("taicang_1_0", dash.lever_values("taicang_1_0"), n=3, sizes=TINY,
                            on_run=done.append)
    assert done == [1, 2, 3] and ens.values.shape == (3, 5, len(OUTCOME_NAMES))
    assert np.all(ens.low() <= ens.values) and np.all(ens.values <= ens.high())
    band = dash.band_columns(ens, "participation", "zh")
    assert len(band["month"]) == 3 * 5 and band["series"][0] == "青年(18-39)"
    r = dash.Runs("taicang_1_0", dash.lever_values("taicang_1_0"), "baseline", sizes=TINY)
    for _ in range(2):
        r.step()
    for lang, month, this in (("en", "month", "this run"), ("zh", "月份", "本次运行")):
        text = dash.csv_text(r, ens, lang)
        assert "# " in text and str(dash.SEED) in text.splitlines()[1]
        assert str(ens.seeds[0]) in text
        table = pd.read_csv(io.StringIO(text), comment="#")
        lines = table[table[month] <= 5].dropna(subset=[table.columns[6]])
        # every outcome of every chart: months 1-5 of the band, months 1-2 of both runs
        n_outcomes = sum(len(v) for v in live.CHARTS.values())
        assert len(table) == n_outcomes * 5 + 4  # and the four communities
        assert table[this].notna().sum() == n_outcomes * 2 + 4
        assert len(lines) == n_outcomes * 2
        j = OUTCOME_NAMES.index("trust_so")
        row = table[(table[table.columns[1]] == outcome_label("trust_so", lang))
                    & (table[month] == 2)]
        assert row[this].iloc[0] == pytest.approx(r.model.recorder.values[1, j])


def test_the_marginal_cost_is_paired_against_the_reference() -> None:
    ens = dash.run_ensemble("taicang_3_0", dash.lever_values("taicang_3_0"), n=3, sizes=TINY,
                            reference="baseline")
    assert ens.reference_values.shape == ens.values.shape
    assert dash.ensemble_runs(3, "baseline") == 6 and dash.ensemble_runs(3, None) == 3
    runs = dash.Runs("taicang_3_0", dash.lever_values("taicang_3_0"), "baseline", sizes=TINY)
    en, zh = dash.marginal_text(ens, runs, "en"), dash.marginal_text(ens, runs, "zh")
    assert en.startswith("Against Before 2008, 3 paired seeds, last 12 months")
    assert "Extra spending" in en and "yuan per resident a year" in en
    assert zh.startswith("相对2008年前, 3对配对随机种子") and "追加支出" in zh
    alone = dash.run_ensemble("taicang_3_0", dash.lever_values("taicang_3_0"), n=2, sizes=TINY)
    assert dash.marginal_text(alone, runs, "en") is None
    other = dash.Runs("taicang_3_0", dash.lever_values("taicang_3_0"), "chengdu", sizes=TINY)
    assert dash.marginal_text(ens, other, "en") is None  # another reference: not this one


def test_the_ensemble_in_worker_processes_is_the_same_as_in_one() -> None:
    args = ("taicang_3_0", dash.lever_values("taicang_3_0"), 2)
    one = dash.run_ensemble(*args, sizes=TINY, reference="baseline")
    two = dash.run_ensemble(*args, sizes=TINY, reference="baseline", workers=2)
    assert np.array_equal(one.values, two.values)
    assert np.array_equal(one.reference_values, two.reference_values)
