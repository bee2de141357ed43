"""The horizon check (issue 26): effects still moving when the run ends are flagged in the
summaries and the manifest; stationary ones are not."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cogov_sim.experiment import horizon
from cogov_sim.experiment.api import run_experiment
from cogov_sim.experiment.compare import summary_table
from cogov_sim.experiment.spec import parse_spec
from cogov_sim.viz.labels import outcome_label, scenario_label


def trending(slope: float, months: int = 48, n_rep: int = 5) -> pd.DataFrame:
    """Scenario B minus A = 1 + ``slope`` per year + replication noise."""
    rng = np.random.default_rng(3)
    rows = []
    for r in range(n_rep):
        level = rng.normal(10, 3)
        for m in range(1, months + 1):
            noise = rng.normal(0, 0.01)
            rows += [{"run_id": f"A-{r}", "scenario": "A", "replication": r, "month": m,
                      "happiness_index": level},
                     {"run_id": f"B-{r}", "scenario": "B", "replication": r, "month": m,
                      "happiness_index": level + 1 + slope * m / 12 + noise}]
    return pd.DataFrame(rows)


def test_slope_is_the_least_squares_slope_per_year_of_the_paired_difference() -> None:
    data = trending(0.3)
    fitted = horizon.slopes(data, ["happiness_index"], reference="A")
    row = fitted.iloc[0]
    assert row["months"] == 12 * horizon.YEARS and row["n"] == 5
    assert row["slope_per_year"] == pytest.approx(0.3, abs=0.01)
    assert row["slope_low"] < 0.3 < row["slope_high"]
    checked = horizon.check(summary_table(data, ["happiness_index"]), fitted)
    effect = 1 + 0.3 * np.mean(np.arange(37, 49)) / 12  # mean of the last 12 months
    assert checked["effect"].iloc[0] == pytest.approx(effect, abs=0.01)
    assert checked["share_per_year"].iloc[0] == pytest.approx(0.3 / effect, abs=0.01)
    assert bool(checked["still_changing"].iloc[0]) == (0.3 / effect > horizon.TOLERANCE)
    flat = horizon.check(summary_table(trending(0.0), ["happiness_index"]),
                         horizon.slopes(trending(0.0), ["happiness_index"], reference="A"))
    assert not flat["still_changing"].any()


SPEC = dict(name="horizon", root_seed=5, replications=4, residents=300, residents_per_agent=1,
            communities=3, scenarios=["baseline", "chengdu"],
            outcomes=["trust_committee", "admin_burden"])


def _run(tmp_path: Path, spinup: int, months: int):  # noqa: ANN202 - ExperimentResult
    spec = parse_spec({**SPEC, "spinup_months": spinup, "months": months})
    return run_experiment(spec, out=tmp_path / f"h{months}", progress=False, figures=False)


def test_a_short_run_that_still_trends_gets_the_warning(tmp_path: Path) -> None:
    # no spin-up and two years: Chengdu's trust in the committee is still climbing
    result = _run(tmp_path, spinup=0, months=24)
    flagged = result.horizon[result.horizon["still_changing"]]
    assert ("chengdu", "trust_committee") in set(zip(flagged["scenario"], flagged["outcome"],
                                                     strict=True))
    row = flagged.set_index("outcome").loc["trust_committee"]
    assert abs(row["slope_per_year"]) > horizon.TOLERANCE * abs(row["effect"])
    tables = result.folder / "tables"
    en = (tables / "summary.md").read_text("utf-8")
    zh = (tables / "summary.zh.md").read_text("utf-8")
    assert "still changing at the horizon: consider more months" in en.lower()
    assert f"- Chengdu, {outcome_label('trust_committee')}:" in en
    assert "在模拟期末仍在变化: 考虑延长月数" in zh
    assert f"- {scenario_label('chengdu', 'zh')}, {outcome_label('trust_committee', 'zh')}:" in zh
    assert "†" in result.text()
    record = json.loads((result.folder / "manifest.json").read_text("utf-8"))["horizon"]
    assert record["tolerance_per_year"] == horizon.TOLERANCE
    assert {"scenario": "chengdu", "outcome": "trust_committee"}.items() <= \
        record["still_changing"][0].items()
    assert set(pd.read_csv(tables / "horizon.csv")["outcome"]) == set(SPEC["outcomes"])


def test_a_long_stationary_run_gets_no_warning(tmp_path: Path) -> None:
    # after ten years of spin-up and ten reported years the differences have settled
    result = _run(tmp_path, spinup=120, months=120)
    assert not result.horizon["still_changing"].any(), result.horizon
    assert len(result.horizon) == 2 and (result.horizon["months"] == 24).all()
    tables = result.folder / "tables"
    assert "still changing" not in (tables / "summary.md").read_text("utf-8").lower()
    assert "仍在变化" not in (tables / "summary.zh.md").read_text("utf-8")
    assert "†" not in result.text()
    record = json.loads((result.folder / "manifest.json").read_text("utf-8"))["horizon"]
    assert record["still_changing"] == []
