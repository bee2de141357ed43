"""Marginal cost-effectiveness (issue 19): extra spending over the paired improvement
against a reference, with Fieller's interval, never a level over total spending."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cogov_sim.experiment.compare import (
    COST,
    MARGINAL_COLUMNS,
    fieller,
    marginal_cost,
    markdown_summary,
    summary_table,
    text_summary,
)


def test_fieller_with_a_fixed_cost_is_the_cost_over_the_gains_t_interval() -> None:
    gain = np.array([0.8, 1.3, 0.9, 1.1, 1.2, 0.7])
    ratio, low, high = fieller(np.full(6, 3.0), gain)
    half = stats.t.ppf(0.975, 5) * gain.std(ddof=1) / np.sqrt(6)
    assert ratio == pytest.approx(3.0 / gain.mean())
    assert (low, high) == pytest.approx((3.0 / (gain.mean() + half), 3.0 / (gain.mean() - half)))


def test_fieller_is_unbounded_when_the_gain_is_not_distinguishable_from_zero() -> None:
    ratio, low, high = fieller([5.0, 6.0, 4.0, 5.0], [0.5, -0.4, 0.3, -0.2])
    assert np.isfinite(ratio) and low == -np.inf and high == np.inf
    assert all(np.isnan(fieller([1.0], [2.0])[1:]))


def test_fieller_interval_covers_the_true_ratio_95_percent_of_the_time() -> None:
    """Correlated paired costs and gains with ratio 40 of their means: over 2,000
    simulated studies of 8 pairs the interval covers 40 in 95 % of them (binomial 99.9 %
    band)."""
    rng = np.random.default_rng(20261207)
    covered, trials = 0, 2000
    cov = [[25.0, 0.6], [0.6, 0.04]]
    for _ in range(trials):
        cost, gain = rng.multivariate_normal([200.0, 5.0], cov, size=8).T
        _, low, high = fieller(cost, gain)
        covered += low <= 40.0 <= high
    lo, hi = stats.binom.ppf([0.0005, 0.9995], trials, 0.95) / trials
    assert lo <= covered / trials <= hi


@pytest.mark.parametrize(("cost", "diff", "name", "verdict"), [
    ([10.0, 11.0, 9.0, 10.0], [2.0, 2.2, 1.8, 2.0], "happiness_index", "cost"),
    ([-10.0, -11.0, -9.0, -10.0], [2.0, 2.2, 1.8, 2.0], "happiness_index", "dominant"),
    ([10.0, 11.0, 9.0, 10.0], [-2.0, -2.2, -1.8, -2.0], "happiness_index", "dominated"),
    ([-10.0, -11.0, -9.0, -10.0], [-2.0, -2.2, -1.8, -2.0], "happiness_index", "saving"),
    ([10.0, 11.0, 9.0, 10.0], [1.0, -1.0, 0.5, -0.6], "happiness_index", "unclear"),
    # lower is better: a fall in the burden is the improvement
    ([10.0, 11.0, 9.0, 10.0], [-0.02, -0.022, -0.018, -0.02], "admin_burden", "cost"),
])
def test_verdicts_follow_the_outcomes_better_direction(cost: list[float], diff: list[float],
                                                       name: str, verdict: str) -> None:
    out = marginal_cost(name, np.array(cost), np.array(diff))
    assert out["cost_verdict"] == verdict
    assert np.isfinite(out["marginal_cost"]) == (verdict in ("cost", "saving"))


def test_the_ratio_is_per_display_unit_of_improvement() -> None:
    """10 yuan for 2 pp less burden (a share falling by 0.02) is 5 yuan per percentage point."""
    out = marginal_cost("admin_burden", np.array([10.0, 11.0, 9.0, 10.0]),
                        np.array([-0.02, -0.022, -0.018, -0.02]))
    assert out["marginal_cost"] == pytest.approx(5.0)
    assert out["cost_difference"] == pytest.approx(10.0)
    assert marginal_cost("spend_per_resident", np.ones(4), np.ones(4))["cost_verdict"] is None
    assert marginal_cost("so_contracts", np.ones(4), np.ones(4))["cost_verdict"] is None  # no direction


def runs(levels: dict[str, tuple[float, float]], n: int = 6, months: int = 12) -> pd.DataFrame:
    """Runs of scenarios with (happiness, spending) levels plus a shared per-replication
    shock and a scenario's own noise, constant over months."""
    rng = np.random.default_rng(3)
    shock = rng.normal(0.0, 1.0, size=n)
    rows = []
    for name, (happy, spend) in levels.items():
        own = rng.normal(0.0, 0.3, size=(n, 2))
        for r in range(n):
            for m in range(1, months + 1):
                rows.append({"run_id": f"{name}-{r}", "scenario": name, "replication": r,
                             "month": m, "happiness_index": happy + shock[r] + own[r, 0],
                             COST: spend + 5.0 * shock[r] + own[r, 1]})
    return pd.DataFrame(rows)


def test_summary_carries_the_marginal_cost_against_the_reference_not_level_over_spend() -> None:
    """B is 4 points happier for 200 yuan more: 50 yuan a point. C is as happy per yuan as
    B in levels (level over spend) but 40 points happier for 2,000 yuan more: also 50.
    The reference has no row."""
    data = runs({"A": (40.0, 400.0), "B": (44.0, 600.0), "C": (80.0, 2400.0)})
    table = summary_table(data, ["happiness_index"])
    assert set(MARGINAL_COLUMNS) <= set(table.columns)
    wide = data.groupby(["scenario", "replication"])[["happiness_index", COST]].mean().unstack(0)
    end = table[table["measure"] == "end"].set_index("scenario")
    assert "A" not in end.index
    for s in ("B", "C"):
        paired = wide.xs(s, axis=1, level=1) - wide.xs("A", axis=1, level=1)
        assert end.loc[s, "marginal_cost"] == pytest.approx(
            paired[COST].mean() / paired["happiness_index"].mean())
        assert end.loc[s, "marginal_cost"] == pytest.approx(50.0, rel=0.15)
        assert end.loc[s, "marginal_cost_low"] < end.loc[s, "marginal_cost"] \
            < end.loc[s, "marginal_cost_high"]
        assert end.loc[s, "cost_verdict"] == "cost"
    # the level over spending would rank them apart: 44/600 against 80/2400
    assert 44.0 / 600.0 > 2 * (80.0 / 2400.0)


def test_summary_without_spending_has_empty_marginal_columns() -> None:
    data = runs({"A": (40.0, 400.0), "B": (44.0, 600.0)}).drop(columns=COST)
    table = summary_table(data, ["happiness_index"])
    assert table["cost_difference"].isna().all() and table["cost_verdict"].isna().all()
    assert "Marginal cost" not in markdown_summary(table, ["happiness_index"])


def test_markdown_and_terminal_show_the_marginal_cost() -> None:
    table = summary_table(runs({"A": (40.0, 400.0), "B": (44.0, 600.0), "C": (40.0, 300.0)}),
                          ["happiness_index"])
    text = markdown_summary(table, ["happiness_index"])
    section = text[text.index("## Marginal cost against A"):]
    assert "| B | +200" in section and "yuan per index point" in section
    assert "| C | -100" in section and "— (difference unclear)" in section
    zh = markdown_summary(table, ["happiness_index"], "zh")
    assert "## 相对A的边际成本" in zh and "每指数点" in zh
    terminal = text_summary(table, ["happiness_index"])
    assert "Extra spending +200" in terminal and "yuan per index point" in terminal
