"""ABC-SMC calibration against pattern bands (:mod:`cogov_sim.validation.abc`): the band
distance, a twin experiment that recovers a known rule constant, exact reproducibility
with one worker, continuation of an interrupted calibration, one-line refusals."""

from __future__ import annotations

import builtins
import math
from pathlib import Path

import pandas as pd
import pytest

from cogov_sim.validation import abc
from cogov_sim.validation.abc import AbcError, AbcProblem, Prior, run_abc

pytest.importorskip("pyabc")

SIZE = {"n_residents": 1_600, "n_communities": 2, "residents_per_agent": 4, "months": 12,
        "spinup_months": 12}
HOURS = Prior("allocation.HOURS_PER_STAFF", 80.0, 240.0)
TRUTH = 160.0  # the package's value


def twin(**over: object) -> AbcProblem:
    """C2 (the pre-reform burden) with its band replaced by the model's own value at the
    true staff hours ± 0.03: what a calibration should recover."""
    probe = AbcProblem((HOURS,), ("C2",), size=SIZE)
    x = probe.statistics({HOURS.name: TRUTH}, ("C2",), [101, 102, 103])["C2"]
    return AbcProblem((HOURS,), ("C2",), size=SIZE, bands={"C2": (x - 0.03, x + 0.03)},
                      **over)  # type: ignore[arg-type]


def test_the_distance_counts_band_widths_outside_the_bands() -> None:
    p = AbcProblem((HOURS,), ("C2", "P5"), size=SIZE)  # C2: 0.70-0.95; P5: 1.8 or more
    assert p.distance({"C2": 0.8, "P5": 3.0}) == 0.0
    assert p.distance({"C2": 1.0, "P5": 3.0}) == pytest.approx(0.05 / 0.25)
    assert p.distance({"C2": 0.8, "P5": 0.9}) == pytest.approx(0.9 / 1.8)  # one-sided
    assert p.distance({"C2": math.nan, "P5": 3.0}) == math.inf


def test_a_twin_experiment_recovers_the_true_constant(tmp_path: Path) -> None:
    """The posterior's 95 % interval holds the value the band was made from, and it is
    much narrower than the prior (uniform over 80-240 hours: sd 46)."""
    result = run_abc(twin(held_out=("P4",)), tmp_path, population=30, generations=3,
                     root_seed=11, predictive_draws=3)
    row = result.posterior.set_index("name").loc[HOURS.name]
    assert row.q025 <= TRUTH <= row.q975, row
    assert row.sd < 0.6 * (HOURS.high - HOURS.low) / math.sqrt(12), row
    assert list(result.generations["generation"]) == [0, 1, 2]
    assert result.generations["tolerance"].is_monotonic_decreasing
    assert result.particles["weight"].sum() == pytest.approx(1.0)
    predictive = result.predictive.set_index("pattern").loc["P4"]
    assert predictive.q025 <= predictive["mean"] <= predictive.q975
    for name in ("posterior.csv", "posterior_particles.csv", "generations.csv",
                 "predictive.csv", abc.DATABASE):
        assert (tmp_path / name).is_file()


def test_one_worker_is_exactly_reproducible_and_a_calibration_continues(tmp_path: Path) -> None:
    a = run_abc(twin(), tmp_path / "a", population=12, generations=1, root_seed=3,
                predictive_draws=0)
    b = run_abc(twin(), tmp_path / "b", population=12, generations=1, root_seed=3,
                predictive_draws=0)
    pd.testing.assert_frame_equal(a.particles, b.particles, check_exact=True)
    more = run_abc(twin(), tmp_path / "a", population=12, generations=2, root_seed=3,
                   predictive_draws=0)  # the same folder: one more generation, not two
    assert list(more.generations["generation"]) == [0, 1]
    assert more.generations["tolerance"].iloc[0] == a.generations["tolerance"].iloc[0]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"priors": (Prior("allocation.HOURS_PER_STAF", 1, 2),)}, "did you mean 'allocation.HOURS_PER_STAFF'"),
    ({"priors": (Prior("admin_task_loud", 1, 2),)}, "did you mean 'admin_task_load'"),
    ({"priors": (Prior("admin_task_load", -5, 2),)}, "allowed within"),
    ({"priors": (Prior("allocation.HOURS_PER_STAFF", 5, 2),)}, "low < high"),
    ({"priors": ()}, "no priors"),
    ({"targets": ("C9",)}, "unknown pattern 'C9'"),
    ({"targets": ("C2",), "held_out": ("C2",)}, "both targets and held out"),
    ({"replications": 0}, "replications = 0"),
])
def test_bad_problems_are_refused_in_one_line(kwargs: dict[str, object], message: str) -> None:
    given = {"priors": (HOURS,), "targets": ("C2",), **kwargs}
    with pytest.raises(AbcError, match=message) as caught:
        AbcProblem(**given)  # type: ignore[arg-type]
    assert "\n" not in str(caught.value)


def test_without_pyabc_the_error_says_how_to_install_it(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    real = builtins.__import__

    def no_pyabc(name: str, *args: object, **kwargs: object) -> object:
        if name == "pyabc":
            raise ImportError("no pyabc")
        return real(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_pyabc)
    with pytest.raises(AbcError, match=r'pip install "cogov-sim\[abc\]"'):
        run_abc(AbcProblem((HOURS,), ("C2",), size=SIZE), tmp_path)
    assert not (tmp_path / abc.DATABASE).exists()


ABC_SPEC = """name = "abc-twin"
root_seed = 7
replications = 1
method = "abc-smc"
population = 10
generations = 1
predictive_draws = 2
held_out = ["P4"]
residents = 1600
communities = 2
residents_per_agent = 4
months = 12
spinup_months = 12
targets = ["C2"]

[constants]
allocation.HOURS_PER_STAFF = [80, 240]
"""


def test_calibrate_runs_an_abc_spec_and_records_it(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from cogov_sim.cli import main
    from cogov_sim.validation.spec import load_calibration, parse_calibration

    spec = tmp_path / "abc.toml"
    spec.write_text(ABC_SPEC, encoding="utf-8")
    loaded = load_calibration(spec)
    assert loaded.method == "abc-smc" and loaded.constants == {HOURS.name: (80.0, 240.0)}
    rejection = parse_calibration({"root_seed": 1, "replications": 1, "n": 4, "targets": ["C1"],
                                   "parameters": {"admin_task_load": [60, 300]}})
    assert "method" not in rejection.identity()  # rejection folders are where they were
    out = tmp_path / "out"
    assert main(["calibrate", str(spec), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "ABC-SMC: 1 generations of 10 particles" in text and HOURS.name in text
    assert "P4: band 95–100" in text
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["calibration"]["constants"] == {HOURS.name: [80.0, 240.0]}
    assert manifest["reproducible"] and manifest["git"]["commit"]
    assert (out / "report.md").read_text(encoding="utf-8").startswith("ABC-SMC")
    posterior = pd.read_csv(out / "posterior.csv").set_index("name")
    assert HOURS.low <= posterior.loc[HOURS.name, "q025"] <= posterior.loc[HOURS.name, "q975"] <= HOURS.high


@pytest.mark.parametrize(("change", "message"), [
    (("generations = 1\n", "generations = 1\nn = 40\n"), "'n' belongs to rejection filtering"),
    (('method = "abc-smc"\n', ""), "'population' belongs to method = \"abc-smc\""),
    (("HOURS_PER_STAFF", "HOURS_PER_STAF"), "did you mean 'allocation.HOURS_PER_STAFF'"),
    (('held_out = ["P4"]', 'held_out = ["C2"]'), "both a target and held out"),
    (('method = "abc-smc"', 'method = "abc"'), "expected one of rejection, abc-smc"),
])
def test_bad_abc_specs_are_refused_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               change: tuple[str, str], message: str) -> None:
    from cogov_sim.cli import main

    spec = tmp_path / "abc.toml"
    spec.write_text(ABC_SPEC.replace(*change), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["calibrate", str(spec), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err and message in err, err
    assert not out.exists()
