"""Paired-difference statistics against known answers, and the figures' uncertainty bands."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cogov_sim.experiment.compare import (
    clopper_pearson,
    compare,
    group_means,
    markdown_summary,
    paired_stats,
    per_run,
    summary_table,
)
from cogov_sim.viz.experiment_figures import bands, differences, outcomes_over_time
from cogov_sim.viz.labels import scenario_label

# -- paired_stats: hand-computed answers ------------------------------------------------------------


def test_paired_t_interval_hand_computed() -> None:
    # d = 1..5: mean 3, sd = sqrt(2.5), t(0.975, 4) = 2.776445105 (statistical tables)
    s = paired_stats([2, 4, 6, 8, 10], [1, 2, 3, 4, 5])
    half = 2.776445105 * np.sqrt(2.5) / np.sqrt(5)
    assert s.n == 5 and s.difference == 3.0 and s.sd == pytest.approx(np.sqrt(2.5))
    assert (s.ci_low, s.ci_high) == pytest.approx((3 - half, 3 + half), abs=1e-8)
    assert (s.mean_a, s.mean_b) == (6.0, 3.0)
    assert s.p_higher == 1.0
    # 5 of 5: Clopper-Pearson lower bound (0.025)^(1/5)
    assert s.p_higher_low == pytest.approx(0.025 ** (1 / 5)) and s.p_higher_high == 1.0


def test_pairing_removes_the_noise_common_to_both_scenarios() -> None:
    rng = np.random.default_rng(1)
    township = rng.normal(0, 100, size=30)  # big replication-to-replication differences
    s = paired_stats(township + 1.0, township)
    assert s.difference == pytest.approx(1.0)
    assert s.ci_high - s.ci_low == pytest.approx(0.0, abs=1e-9)
    unpaired_half = stats.t.ppf(0.975, 58) * np.sqrt(2 * township.var(ddof=1) / 30)
    assert unpaired_half > 30  # the same data, compared unpaired, show nothing


def test_t_interval_covers_the_true_difference_95_percent_of_the_time() -> None:
    rng = np.random.default_rng(2024)
    trials, n, true = 4000, 8, 0.3
    covered = 0
    for _ in range(trials):
        base = rng.normal(50, 10, size=n)
        s = paired_stats(base + true + rng.normal(0, 1, size=n), base)
        covered += s.ci_low <= true <= s.ci_high
    # binomial sd of the coverage estimate is 0.0034; 0.95 +- 0.012 is 3.5 sd
    assert abs(covered / trials - 0.95) < 0.012


def test_probability_of_higher_estimates_phi_of_the_standardised_mean() -> None:
    rng = np.random.default_rng(7)
    d = rng.normal(0.5, 1.0, size=20_000)
    s = paired_stats(d, np.zeros_like(d))
    truth = stats.norm.cdf(0.5)  # 0.6915
    assert s.p_higher == pytest.approx(truth, abs=0.01)
    assert s.p_higher_low < truth < s.p_higher_high


def test_clopper_pearson_known_values() -> None:
    assert clopper_pearson(0, 10) == pytest.approx((0.0, 1 - 0.025 ** 0.1))
    assert clopper_pearson(10, 10) == pytest.approx((0.025 ** 0.1, 1.0))
    # k = 5 of 10: (0.187086, 0.812914) from the beta quantiles (published tables)
    assert clopper_pearson(5, 10) == pytest.approx((0.187086, 0.812914), abs=1e-6)


def test_ties_count_half_and_missing_pairs_are_dropped() -> None:
    s = paired_stats([1.0, 2.0, 3.0, np.nan, 5.0], [1.0, 1.0, 4.0, 0.0, np.nan])
    assert s.n == 3 and s.p_higher == pytest.approx((0.5 + 1 + 0) / 3)
    one = paired_stats([2.0], [1.0])
    assert one.difference == 1.0 and np.isnan(one.ci_low) and np.isnan(one.sd)
    assert paired_stats([], []).n == 0


# -- from run frames to comparisons ----------------------------------------------------------------

def synthetic_runs(n_rep: int = 6, months: int = 24) -> pd.DataFrame:
    """Scenario B = A + 2 + replication-specific noise; value rises with the month."""
    rows = []
    for scenario, shift in (("A", 0.0), ("B", 2.0)):
        for r in range(n_rep):
            for m in range(1, months + 1):
                rows.append({"run_id": f"{scenario}-{r}", "scenario": scenario,
                             "replication": r, "month": m,
                             "x": float(m) + 10 * r + shift + (0.1 * r if shift else 0.0),
                             "y": float(r)})
    return pd.DataFrame(rows)


def test_end_value_is_the_mean_of_the_last_12_months_and_mean_of_all() -> None:
    data = synthetic_runs()
    end = per_run(data, ["x"], "end").set_index(["scenario", "replication"])["x"]
    mean = per_run(data, ["x"], "mean").set_index(["scenario", "replication"])["x"]
    assert end[("A", 0)] == pytest.approx(np.mean(range(13, 25)))  # 18.5
    assert mean[("A", 0)] == pytest.approx(12.5)
    assert end[("B", 3)] == pytest.approx(18.5 + 30 + 2 + 0.3)


def test_compare_pairs_on_replication() -> None:
    data = synthetic_runs()
    data = data[~((data["scenario"] == "A") & (data["replication"] == 5))]  # one failed run
    values = per_run(data, ["x", "y"], "end")
    table = compare(values, ["x", "y"]).set_index("outcome")
    assert list(table["scenario"]) == ["B", "B"] and list(table["reference"]) == ["A", "A"]
    x = table.loc["x"]
    d = 2 + 0.1 * np.arange(5)  # pairs 0..4 only
    assert x["n"] == 5 and x["difference"] == pytest.approx(d.mean())
    half = stats.t.ppf(0.975, 4) * d.std(ddof=1) / np.sqrt(5)
    assert (x["ci_low"], x["ci_high"]) == pytest.approx((d.mean() - half, d.mean() + half))
    assert x["p_higher"] == 1.0
    assert table.loc["y", "difference"] == 0.0 and table.loc["y", "p_higher"] == 0.5


def test_summary_table_and_markdown() -> None:
    data = synthetic_runs()
    table = summary_table(data, ["x"])
    assert sorted(table["measure"]) == ["end", "mean"]
    text = markdown_summary(table.assign(outcome="happiness_index"), ["happiness_index"])
    header = next(line for line in text.splitlines() if line.startswith("|"))
    assert header.startswith("| Outcome | Unit | Scenario | Scenario mean | A mean")
    assert "| Happiness index (mean of the six dimensions) | index 0-100 (difference: index " \
           "points) | B |" in text and "+2.25 [" in text
    zh = markdown_summary(table.assign(outcome="happiness_index"), ["happiness_index"], "zh")
    assert "幸福指数" in zh


def test_group_means() -> None:
    values = per_run(synthetic_runs(), ["y"], "mean")
    row = group_means(values, ["y"]).iloc[0]
    assert row["mean"] == 2.5 and row["sd"] == pytest.approx(np.std(range(6), ddof=1))
    assert row["range_low"] == pytest.approx(np.quantile(range(6), 0.025))


# -- figures ----------------------------------------------------------------------------------------

def test_bands_are_mean_and_middle_95_percent_of_replications() -> None:
    reps = np.arange(100, dtype=float)
    data = pd.DataFrame({"scenario": "A", "replication": np.repeat(reps, 3),
                         "month": np.tile([1, 2, 3], 100), "v": np.repeat(reps, 3)})
    b = bands(data, ["v"]).set_index("month")
    assert (b["mean"] == 49.5).all() and (b["n"] == 100).all()
    assert b["low"].iloc[0] == pytest.approx(np.quantile(reps, 0.025))  # 2.475
    assert b["high"].iloc[0] == pytest.approx(np.quantile(reps, 0.975))  # 96.525


def test_figures_are_written(tmp_path: Path) -> None:
    data = synthetic_runs().rename(columns={"x": "happiness_index", "y": "admin_burden"})
    outcomes_over_time(data, tmp_path / "t.png", ["happiness_index", "admin_burden"],
                       title="synthetic")
    table = summary_table(data, ["happiness_index", "admin_burden"])
    differences(table, tmp_path / "d.png", ["happiness_index", "admin_burden"])
    for name in ("t.png", "d.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ValueError, match="no paired differences"):
        differences(table, tmp_path / "none.png", ["trust_so"])


def test_a_single_group_gives_an_empty_table_with_the_usual_columns() -> None:
    data = pd.DataFrame({"run_id": ["a", "a", "b", "b"], "scenario": "baseline",
                         "replication": [0, 0, 1, 1], "month": [1, 2, 1, 2],
                         "happiness_index": [1.0, 2.0, 3.0, 4.0]})
    table = summary_table(data, ["happiness_index"])
    assert table.empty and {"measure", "scenario", "outcome", "difference"} <= set(table.columns)
    lines = markdown_summary(table, ["happiness_index"]).splitlines()
    assert len([line for line in lines if line.startswith("|")]) == 2  # header lines only


def test_markdown_cells_escape_the_bar_in_design_point_names() -> None:
    """Design point names read ``taicang_1_0 | list_strictness=0.5``: unescaped, each row
    had more cells than the header (issue 14)."""
    import re

    data = synthetic_runs()
    data["scenario"] = data["scenario"].map({"A": "taicang_1_0 | list_strictness=0",
                                             "B": "taicang_1_0 | list_strictness=0.5"})
    table = summary_table(data, ["x"]).assign(outcome="happiness_index")
    for lang in ("en", "zh"):
        lines = [line for line in markdown_summary(table, ["happiness_index"], lang).splitlines()
                 if line.startswith("|")]
        cells = [len(re.split(r"(?<!\\)\|", line)) for line in lines]
        assert len(lines) == 3 and len(set(cells)) == 1, lines
        assert f"{scenario_label('taicang_1_0', lang)} \\| list_strictness=0.5" in lines[2]
