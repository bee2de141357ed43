"""The sensitivity pipeline on functions with known answers, and its input checks.

Analytic Sobol' indices:

* Ishigami function f = sin x1 + a sin^2 x2 + b x3^4 sin x1 on [-pi, pi]^3 (Ishigami &
  Homma 1990; formulas as in Saltelli et al. 2010, Computer Physics Communications 181,
  259-270, and Sobol' & Levitan 1999):
  V1 = (1 + b pi^4 / 5)^2 / 2, V2 = a^2 / 8, V13 = b^2 pi^8 (1/18 - 1/50), V3 = 0.
* Sobol' G function g = prod (|4 x_i - 2| + a_i) / (1 + a_i) on [0, 1]^d (Sobol' 1993,
  Mathematical Modelling and Computational Experiments 1, 407-414; Saltelli et al. 2010):
  V_i = 1 / (3 (1 + a_i)^2), V = prod (1 + V_i) - 1,
  S_i = V_i / V, ST_i = V_i prod_{j != i} (1 + V_j) / V.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from SALib.sample import sobol as sobol_sample

from cogov_sim.sensitivity import SensitivityError, analyze_function, model_problem
from cogov_sim.sensitivity.analysis import noise_table
from cogov_sim.sensitivity.problem import check_sample_size, function_problem

PI = math.pi
ISHIGAMI_BOUNDS = {"x1": (-PI, PI), "x2": (-PI, PI), "x3": (-PI, PI)}
G_A = (0.0, 0.5, 3.0, 9.0, 99.0, 99.0)


def ishigami(X: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:  # noqa: N803
    x1, x2, x3 = X[:, 0], X[:, 1], X[:, 2]
    return np.sin(x1) + a * np.sin(x2) ** 2 + b * x3**4 * np.sin(x1)


def ishigami_analytic(a: float = 7.0, b: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    v1 = 0.5 * (1 + b * PI**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * PI**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return np.array([v1, v2, 0.0]) / v, np.array([v1 + v13, v2, v13]) / v


def sobol_g(X: np.ndarray, a: tuple[float, ...] = G_A) -> np.ndarray:  # noqa: N803
    return np.prod((np.abs(4 * X - 2) + np.asarray(a)) / (1 + np.asarray(a)), axis=1)


def sobol_g_analytic(a: tuple[float, ...] = G_A) -> tuple[np.ndarray, np.ndarray]:
    vi = 1 / (3 * (1 + np.asarray(a)) ** 2)
    v = np.prod(1 + vi) - 1
    st = np.array([vi[i] * np.prod(np.delete(1 + vi, i)) for i in range(len(a))]) / v
    return vi / v, st


def test_analytic_formulas_match_published_values() -> None:
    s1, st = ishigami_analytic()
    # published: S1 = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437)
    assert np.allclose(s1, [0.3139, 0.4424, 0.0], atol=1e-4)
    assert np.allclose(st, [0.5576, 0.4424, 0.2437], atol=1e-4)
    g1, gt = sobol_g_analytic()
    assert g1.sum() < 1 < gt.sum()  # interactions exist
    assert g1[0] > g1[1] > g1[2] > g1[3] > g1[4]


def test_ishigami_sobol_matches_analytic_indices() -> None:
    r = analyze_function(ishigami, ISHIGAMI_BOUNDS, n=2048, seed=11, vectorized=True)
    s1, st = ishigami_analytic()
    assert np.allclose(r.value("S1").to_numpy(), s1, atol=0.03)
    assert np.allclose(r.value("ST").to_numpy(), st, atol=0.03)
    assert r.runs == 2048 * 5 and r.verdict == "fixed"
    assert r.warnings == []  # deterministic function: no noise warning


def test_sobol_g_matches_analytic_indices() -> None:
    bounds = {f"x{i}": (0.0, 1.0) for i in range(len(G_A))}
    r = analyze_function(sobol_g, bounds, n=4096, seed=5, vectorized=True)
    s1, st = sobol_g_analytic()
    assert np.allclose(r.value("S1").to_numpy(), s1, atol=0.03)
    assert np.allclose(r.value("ST").to_numpy(), st, atol=0.03)


def test_keyword_function_path_equals_vectorized_path() -> None:
    def f(x1: float, x2: float, x3: float) -> float:
        return float(ishigami(np.array([[x1, x2, x3]]))[0])

    a = analyze_function(f, ISHIGAMI_BOUNDS, n=128, seed=3)
    b = analyze_function(ishigami, ISHIGAMI_BOUNDS, n=128, seed=3, vectorized=True)
    pd.testing.assert_frame_equal(a.indices, b.indices)


def test_an_ignored_input_gets_total_index_zero() -> None:
    def f(a: float, b: float, ignored: float) -> dict[str, float]:
        return {"y": math.sin(a) + b * b, "z": a * b}

    r = analyze_function(f, {"a": (0, 3), "b": (-1, 1), "ignored": (0, 1)}, n=256, seed=2)
    for output in ("y", "z"):
        assert r.value("ST", output)["ignored"] == pytest.approx(0.0, abs=1e-12)
        assert abs(r.value("S1", output)["ignored"]) < 0.05
        assert r.value("ST", output)["a"] > 0.1


def test_sobol_design_extends_by_doubling() -> None:
    """The reuse of earlier runs rests on this property of SALib's sampler."""
    problem = function_problem({"a": (0, 1), "b": (2, 5), "c": (-1, 1)}).salib()
    for second in (False, True):
        small = sobol_sample.sample(problem, 64, calc_second_order=second, seed=9)
        big = sobol_sample.sample(problem, 128, calc_second_order=second, seed=9)
        assert np.array_equal(small, big[: len(small)])


def test_tolerance_growth_converges_and_reports_history() -> None:
    r = analyze_function(ishigami, ISHIGAMI_BOUNDS, tolerance=0.02, max_runs=200_000, seed=4,
                         vectorized=True)
    assert r.verdict == "converged" and r.scramblings == 8  # the default with a tolerance
    assert r.error_bound is not None and r.error_bound < 0.02
    assert r.error_bound == pytest.approx(r.indices.query("index in ['S1', 'ST']")["conf"].max())
    assert "independent scramblings" in r.verdict_text
    assert r.summary()["error_bound"] == pytest.approx(r.error_bound, abs=1e-6)
    sizes = sorted(r.convergence["n"].unique())
    assert sizes[-1] == r.n and sizes == [2**k for k in range(3, int(math.log2(r.n)) + 1)]
    s1, st = ishigami_analytic()
    assert np.allclose(r.value("ST").to_numpy(), st, atol=0.05)


def test_budget_stops_growth_and_says_so() -> None:
    r = analyze_function(ishigami, ISHIGAMI_BOUNDS, tolerance=1e-4, max_runs=3000, seed=4,
                         vectorized=True)
    assert r.verdict == "budget"
    assert r.runs <= 3000 < r.runs * 2
    assert any("budget" in w for w in r.warnings)


def test_scramblings_give_intervals_that_cover_the_analytic_values() -> None:
    r = analyze_function(ishigami, ISHIGAMI_BOUNDS, n=512, scramblings=4, seed=8,
                         vectorized=True)
    s1, st = ishigami_analytic()
    ind = r.indices.set_index(["index", "parameter"])
    assert set(ind["ci"]) == {"scramblings"}
    for name, true in zip(("x1", "x2", "x3"), st, strict=True):
        row = ind.loc[("ST", name)]
        assert row["low"] - 0.01 <= true <= row["high"] + 0.01
    assert r.runs == 4 * 512 * 5


def test_seeded_results_are_reproducible_and_seed_dependent() -> None:
    a = analyze_function(ishigami, ISHIGAMI_BOUNDS, n=64, seed=1, vectorized=True)
    b = analyze_function(ishigami, ISHIGAMI_BOUNDS, n=64, seed=1, vectorized=True)
    c = analyze_function(ishigami, ISHIGAMI_BOUNDS, n=64, seed=2, vectorized=True)
    pd.testing.assert_frame_equal(a.indices, b.indices)
    assert not np.allclose(a.indices["value"], c.indices["value"])


def test_noise_share_of_a_stochastic_function() -> None:
    sigma = math.sqrt(1 / 12)  # noise variance equals the parametric variance of x on [0, 1]

    def f(x: float, dummy: float, seed: int) -> float:
        return x + sigma * float(np.random.default_rng(seed).standard_normal())

    r = analyze_function(f, {"x": (0, 1), "dummy": (0, 1)}, n=256, replications=4, seed=3)
    row = r.noise.set_index("output").loc["y"]
    assert row["noise_share"] == pytest.approx(0.5, abs=0.08)
    assert row["noise_share_of_means"] == pytest.approx(0.2, abs=0.06)  # (1/4) / (1 + 1/4)
    assert row["replications_for_10pct"] in range(6, 14)  # 9 in theory
    assert not any("noise dominates" in w for w in r.warnings)

    def loud(x: float, dummy: float, seed: int) -> float:
        return x + 3.0 * float(np.random.default_rng(seed).standard_normal())

    r = analyze_function(loud, {"x": (0, 1), "dummy": (0, 1)}, n=64, replications=2, seed=3)
    assert any("noise dominates y" in w for w in r.warnings)


def test_noise_table_on_a_known_frame() -> None:
    runs = pd.DataFrame({"point_id": [0, 0, 1, 1], "replication": [0, 1, 0, 1],
                         "y": [1.0, 3.0, 5.0, 7.0]})
    row = noise_table(runs, ["y"], 2).iloc[0]
    assert row["within_var"] == pytest.approx(2.0)          # both points: var(1, 3) = 2
    assert row["total_var"] == pytest.approx(np.var([1, 3, 5, 7], ddof=1))
    assert row["noise_share_of_means"] == pytest.approx((2.0 / 2) / np.var([2, 6], ddof=1))


def test_single_replication_of_a_stochastic_function_warns() -> None:
    def f(x: float, seed: int) -> float:
        return x + 0.01 * float(np.random.default_rng(seed).standard_normal())

    r = analyze_function(f, {"x": (0, 1)}, n=16, seed=0)
    assert any("replications = 1" in w for w in r.warnings)
    assert r.noise["noise_share"].isna().all()


def test_morris_ranks_inputs_and_ignores_the_unused_one() -> None:
    def f(a: float, b: float, unused: float) -> float:
        return 10 * a + b**2

    r = analyze_function(f, {"a": (0, 1), "b": (0, 1), "unused": (0, 1)}, method="morris",
                         n=20, seed=1)
    mu = r.value("mu_star")
    assert mu["a"] == pytest.approx(10.0)
    assert mu["unused"] == 0.0
    assert r.value("sigma")["a"] == pytest.approx(0.0, abs=1e-9)  # linear: no spread
    assert r.runs == 20 * 4 and r.primary == "mu_star"


def test_efast_and_pawn_rank_ishigami_inputs() -> None:
    e = analyze_function(ishigami, ISHIGAMI_BOUNDS, method="efast", n=513, seed=2,
                         vectorized=True)
    s1, st = ishigami_analytic()
    assert np.allclose(e.value("S1").to_numpy(), s1, atol=0.05)
    p = analyze_function(ishigami, ISHIGAMI_BOUNDS, method="pawn", n=2000, seed=2,
                         vectorized=True)
    med = p.value("median")
    assert med["x2"] > med["x3"] and med["x1"] > med["x3"]


def test_constant_output_is_reported_not_crashed() -> None:
    r = analyze_function(lambda a, b: {"y": a + b, "flat": 1.0}, {"a": (0, 1), "b": (0, 1)},
                         n=32, seed=0)
    assert set(r.indices["output"]) == {"y"}
    assert any("flat is constant" in w for w in r.warnings)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"n": 100}, "power of 2"),
    ({"n": 2}, "power of 2"),
    ({"method": "morris", "n": 1}, "at least 2 trajectories"),
    ({"method": "morris", "n": 10, "num_levels": 3}, "even whole number"),
    ({"method": "efast", "n": 50}, "eFAST needs n >"),
    ({"method": "sobl"}, "did you mean 'sobol'"),
    ({"method": "morris", "second_order": True}, "does not apply to morris"),
    ({"tolerance": 0.01}, "needs max_runs"),
    ({"tolerance": 2, "max_runs": 100}, "between 0 and 1"),
    ({"method": "morris", "tolerance": 0.1, "max_runs": 100}, "sobol only"),
    ({"n": 1024, "max_runs": 100}, "more than max_runs"),
    ({"replications": 0}, "replications = 0"),
    ({"scramblings": 2, "method": "morris"}, "only Sobol"),
])
def test_bad_inputs_fail_before_any_evaluation(kwargs: dict, message: str) -> None:
    calls = []

    def f(a: float, b: float) -> float:
        calls.append(1)
        return a + b

    with pytest.raises(SensitivityError, match=message) as info:
        analyze_function(f, {"a": (0, 1), "b": (0, 1)}, **kwargs)
    assert "\n" not in str(info.value)
    assert calls == []


@pytest.mark.parametrize(("bounds", "message"), [
    ({}, "non-empty"),
    ({"a": (1, 1)}, "low must be below high"),
    ({"a": (2, 1)}, "low must be below high"),
    ({"a": (0, float("inf"))}, "finite"),
    ({"a": (0,)}, r"expected \[low, high\]"),
    ({"a": ("x", 1)}, "two numbers"),
])
def test_bad_bounds_are_rejected(bounds: dict, message: str) -> None:
    with pytest.raises(SensitivityError, match=message):
        function_problem(bounds)


def test_model_problem_defaults_to_every_policy_lever() -> None:
    from cogov_sim.params import param_specs

    p = model_problem()
    levers = param_specs("lever")
    assert p.names == tuple(s.name for s in levers)
    assert p.bounds == tuple((float(s.low), float(s.high)) for s in levers)


def test_model_problem_fixes_and_narrows() -> None:
    p = model_problem({"list_strictness": [0.2, 0.8], "grid_visits": [], "purchase_share": 0.3,
                       "network_degree": [4, 12]})
    assert p.names == ("list_strictness", "grid_visits", "network_degree")
    assert p.bounds[0] == (0.2, 0.8) and p.bounds[1] == (0.0, 40.0)
    assert p.fixed == {"purchase_share": 0.3}
    assert p.integer == ("network_degree",)


@pytest.mark.parametrize(("levers", "message"), [
    ({"list_strictnes": [0, 1]}, "did you mean 'list_strictness'"),
    ({"list_strictness": [0, 2]}, "outside the valid range"),
    ({"list_strictness": [0.5, 0.5]}, "low must be below high"),
    ({"purchase_share": 0.9}, "out of range"),
    ({"purchase_share": "a lot"}, "expected"),
    ({"months": [12, 24]}, "size parameter"),
    ({"purchase_share": 0.3}, "nothing varies"),
])
def test_model_problem_rejects_bad_levers(levers: dict, message: str) -> None:
    with pytest.raises(SensitivityError, match=message) as info:
        model_problem(levers)
    assert "\n" not in str(info.value)


def test_sample_size_checks() -> None:
    check_sample_size("sobol", 64, 3)
    check_sample_size("efast", 65, 3)
    with pytest.raises(SensitivityError, match="e.g. 64 or 128"):
        check_sample_size("sobol", 100, 3)
    with pytest.raises(SensitivityError, match="whole number"):
        check_sample_size("sobol", 64.0, 3)  # type: ignore[arg-type]


def test_docstring_examples_run() -> None:
    import doctest

    from cogov_sim.sensitivity import analysis

    failures, tried = doctest.testmod(analysis, optionflags=doctest.ELLIPSIS)
    assert tried > 0 and failures == 0


@pytest.mark.parametrize("method, n", [("efast", 65), ("pawn", 100), ("sobol", 16)])
def test_numpy_global_random_state_is_left_alone(method: str, n: int) -> None:
    # SALib's fast/pawn estimators call np.random.seed; the pipeline must undo that.
    np.random.seed(12345)  # noqa: NPY002 - setting up the state under test
    before = np.random.get_state()  # noqa: NPY002
    analyze_function(lambda a, b: a + 2 * b, {"a": (0, 1), "b": (0, 1)}, method=method, n=n,
                     seed=0)
    after = np.random.get_state()  # noqa: NPY002
    assert after[0] == before[0] and np.array_equal(after[1], before[1]) and \
        after[2:] == before[2:]


def test_salib_never_gets_seed_zero() -> None:
    from cogov_sim.sensitivity.methods import ZERO_SEED, salib_seed

    assert salib_seed(0) == ZERO_SEED != 0
    assert salib_seed(7) == 7
    assert 0 < salib_seed(2**32) < 2**32


def test_one_seed_function_for_runs_designs_and_callables() -> None:
    from cogov_sim.experiment.seeds import derive_seed, keyed_seed
    from cogov_sim.sensitivity.analysis import analysis_seed
    from cogov_sim.sensitivity.evaluators import FunctionEvaluator

    assert derive_seed(4, 9, 2, common_random_numbers=False) == keyed_seed(4, 9, 2)
    assert derive_seed(4, 9, 2) == keyed_seed(4, 2)
    run_seeds = {derive_seed(4, p, r, False) for p in range(4) for r in range(4)}
    assert not run_seeds & {analysis_seed(4, purpose, i) for purpose in (1, 2, 3)
                            for i in range(4)}
    # a callable's seeds depend on (point, replication) only, not on batching
    seen: list[int] = []
    ev = FunctionEvaluator(lambda x, seed: seen.append(seed) or x, ["x"], root_seed=4)
    X = np.linspace(0, 1, 6).reshape(-1, 1)  # noqa: N806
    ev(X, np.arange(6), 2)
    whole = list(seen)
    seen.clear()
    ev(X[:2], np.arange(2), 2)
    ev(X[2:], np.arange(2, 6), 2)
    assert sorted(seen) == sorted(whole)
    assert whole[0] == derive_seed(4, 0, 0, common_random_numbers=False)


def test_indices_are_estimated_once_per_sample_size(monkeypatch: pytest.MonkeyPatch) -> None:
    from cogov_sim.sensitivity.methods import Sobol

    calls: list[int] = []
    original = Sobol.analyze

    def counted(self, problem, X, Y, seed):  # noqa: ANN001, ANN202, N803
        calls.append(len(Y))
        return original(self, problem, X, Y, seed)

    monkeypatch.setattr(Sobol, "analyze", counted)
    r = analyze_function(lambda a, b: a + 2 * b * b, {"a": (0, 1), "b": (0, 1)}, n_start=8,
                         tolerance=1e-9, max_runs=2 * 4 * 64, scramblings=2)
    assert r.verdict == "budget" and r.n == 64
    # each n once per scrambling, reused at the end
    assert sorted(calls) == [m * 4 for m in (8, 8, 16, 16, 32, 32, 64, 64)]
    assert sorted(set(r.convergence["n"])) == [8, 16, 32, 64]


@pytest.mark.slow
def test_converged_means_within_tolerance_on_analytic_functions() -> None:
    """The fast version of benchmarks/bench_convergence.py (table in docs/sensitivity.md):
    whenever the verdict says converged at tolerance t, the true error of every S1 and ST
    against the analytic value is within t, in at least 9 of 10 seeds."""
    from cogov_sim.sensitivity.testfunctions import ishigami as ishigami_tf
    from cogov_sim.sensitivity.testfunctions import linear

    tolerance = 0.05
    for tf in (ishigami_tf(), linear([1, 2, 3, 0.5, 0])):
        verdicts, within = [], []
        for seed in range(10):
            r = analyze_function(tf, tf.bounds_dict(), tolerance=tolerance, max_runs=400_000,
                                 seed=seed, vectorized=True)
            verdicts.append(r.verdict)
            error = tf.true_error(r.value("S1").to_numpy(), r.value("ST").to_numpy())
            within.append(r.verdict == "converged" and error <= tolerance)
        assert verdicts.count("converged") >= 9, (tf.name, verdicts)
        assert sum(within) >= 9, (tf.name, within)


def test_analytic_test_functions_match_the_formulas_in_this_module() -> None:
    from cogov_sim.sensitivity.testfunctions import ishigami as ishigami_tf
    from cogov_sim.sensitivity.testfunctions import sobol_g as sobol_g_tf

    s1, st = ishigami_analytic()
    tf = ishigami_tf()
    assert np.allclose(tf.s1, s1) and np.allclose(tf.st, st)
    X = np.random.default_rng(1).uniform(-PI, PI, (50, 3))  # noqa: N806
    assert np.allclose(tf(X), ishigami(X))
    g = sobol_g_tf(G_A)
    g1, gt = sobol_g_analytic(G_A)
    assert np.allclose(g.s1, g1) and np.allclose(g.st, gt)
    X = np.random.default_rng(2).uniform(0, 1, (50, len(G_A)))  # noqa: N806
    assert np.allclose(g(X), sobol_g(X))
    # first- and second-order shares of the variance never exceed the whole
    assert sum(g.s1) + sum(g.s2.values()) <= 1 + 1e-12  # type: ignore[union-attr]


def test_second_order_table_has_intervals_that_cover_ishigami() -> None:
    """Ishigami's only interaction is x1 x x3 (S13 = V13 / V); four scramblings give
    t-intervals for every S2, and the table and text carry them."""
    from cogov_sim.sensitivity.testfunctions import ishigami as ishigami_tf

    tf = ishigami_tf()
    r = analyze_function(tf, tf.bounds_dict(), n=1024, scramblings=4, seed=3, vectorized=True,
                         second_order=True)
    table = r.second_order().set_index(["parameter_a", "parameter_b"])
    assert list(table.index) == [("x1", "x2"), ("x1", "x3"), ("x2", "x3")]
    assert set(table["ci"]) == {"scramblings"}
    assert (table["high"] - table["low"]).gt(0).all()
    for pair, true in tf.s2.items():  # type: ignore[union-attr]
        assert abs(table.loc[pair, "value"] - true) < max(0.05, 2 * table.loc[pair, "conf"])
    assert table.loc[("x1", "x3"), "value"] > 0.15
    assert r.second_order_text().splitlines()[1].startswith("x1 x x3")
    plain = analyze_function(tf, tf.bounds_dict(), n=64, vectorized=True)
    assert plain.second_order().empty and plain.second_order_text() == ""
