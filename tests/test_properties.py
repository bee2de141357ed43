"""Property tests over the whole valid parameter space (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cogov_sim.outcomes import OUTCOMES
from cogov_sim.params import Params, param_specs
from cogov_sim.rules.delegation import ITEMS
from cogov_sim.runner import simulate


@st.composite
def valid_params(draw: st.DrawFn) -> Params:
    """Any valid parameter set: every lever and context value over its full range, small sizes."""
    values = {}
    for s in param_specs():
        if s.kind == "size":
            continue
        if s.is_integer:
            values[s.name] = draw(st.integers(int(s.low), int(min(s.high, 20))))
        else:
            values[s.name] = draw(st.floats(s.low, s.high, allow_nan=False))
    young = values["share_young"]
    values["share_elderly"] = min(values["share_elderly"], 1.0 - young)
    k = draw(st.sampled_from([1, 3, 10]))
    agents = draw(st.integers(200, 700))
    return Params(**values, n_residents=agents * k, residents_per_agent=k,
                  n_communities=draw(st.integers(1, agents // 100)),
                  months=draw(st.integers(12, 30)), spinup_months=draw(st.sampled_from([0, 12, 24])))


SHARES = [o.name for o in OUTCOMES if o.unit in ("share", "0-1")]
SCORES = [o.name for o in OUTCOMES if o.unit == "0-100"]
COUNTS = [o.name for o in OUTCOMES if o.group in ("organizations", "spending", "requests")
          or o.unit.startswith("per ")]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params=valid_params(), seed=st.integers(0, 2**32 - 1))
def test_invariants_hold_everywhere(params: Params, seed: int) -> None:
    df = simulate(params, seed)
    values = df.drop(columns=["month", "year"])
    assert np.isfinite(values.to_numpy()).all()
    assert ((df[SHARES] >= 0) & (df[SHARES] <= 1)).all().all()
    assert ((df[SCORES] >= 0) & (df[SCORES] <= 100)).all().all()
    assert (df[COUNTS] >= 0).all().all()
    spend = df[[f"spend_{i if i != 'direct_services' else 'direct'}" for i in ITEMS]].sum(axis=1)
    np.testing.assert_allclose(spend, df["spend_total"], rtol=1e-9, atol=1e-6)
    cap = params.budget_per_resident * params.n_residents / 12
    assert (df["spend_total"] <= cap * (1 + 1e-9)).all()
    assert ((df["budget_scale"] > 0) & (df["budget_scale"] <= 1)).all()
    assert (df["so_count"] == np.round(df["so_count"])).all()
    assert ((df["elderly_young_gap"] >= -100) & (df["elderly_young_gap"] <= 100)).all()
