# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 03 · Design your own policy and compare it with a baseline
# # 03 · 设计你自己的政策, 与基线比较
#
# Compose levers (see `cogov-sim params --kind lever`, each with its unit), run your
# policy and a reference on **common random numbers** (the same seeds, so differences are
# not luck), and read both what it does and what it **costs**: every lever costs money
# or staff time, and spending is capped by the budget.

# %%
import tempfile

import matplotlib.pyplot as plt
import pandas as pd

from cogov_sim.experiment import run_experiment
from cogov_sim.experiment.spec import parse_spec
from cogov_sim.outcomes import OUTCOMES, outcome
from cogov_sim.params import param_specs
from cogov_sim.viz.labels import outcome_label, param_label, unit_label

LANG = "en"  # "zh" for Chinese
pd.DataFrame([{"lever": s.name, "meaning": param_label(s.name, LANG), "low": s.low,
               "high": s.high, "unit": unit_label(s.unit, LANG)} for s in param_specs("lever")])

# %% [markdown]
# ## Your policy: Taicang 1.0 plus consultations and grid visits, without 2.0's purchases
# Change the numbers and rerun. The reference is Taicang 3.0.

# %%
my_policy = {"preset": "taicang_1_0", "consultations_per_year": 6, "random_seat_share": 0.5,
             "grid_visits": 20, "resident_eval_weight": 0.5}
spec = parse_spec({
    "name": "my_policy", "root_seed": 7, "replications": 6, "months": 48,
    "residents": 10_000, "communities": 4, "residents_per_agent": 10, "spinup_months": 24,
    "common_random_numbers": True,
    "scenarios": {"taicang_3_0": "taicang_3_0", "my_policy": my_policy},
})
result = run_experiment(spec, out=tempfile.mkdtemp(prefix="cogov-policy-"), progress=True,
                        figures=False)
end = result.summary.query("measure == 'end'").set_index("outcome")
key = ["participation_rate", "consultation_rate", "happiness_index", "admin_burden",
       "trust_committee", "so_per_10k"]
table = end.loc[key, ["mean_a", "mean_b", "difference", "ci_low", "ci_high", "p_better",
                     "verdict"]]
table.index = [outcome_label(n, LANG) for n in key]
table.round(3)

# %% [markdown]
# `mean_a` is your policy, `mean_b` the reference (Taicang 3.0), `difference` their paired
# difference (yours minus the reference) with its 95 % interval; `p_better` is the share
# of paired replications in which your policy does better (lower is better for the burden),
# and `verdict` says *better* or *worse* where the interval lies on that side of zero.
#
# ## The cost: spending by item (yuan a month) and per resident

# %%
data = result.outcomes()
last = data[data["month"] > data["month"].max() - 12]
items = [o.name for o in OUTCOMES if o.name.startswith("spend_") and o.name not in
         ("spend_total", "spend_per_resident")]
spend = last.groupby("scenario")[items].mean().T
spend.index = [outcome_label(n, LANG) for n in spend.index]
ax = spend.plot.barh(figsize=(8, 4.5))
ax.set_xlabel(unit_label(outcome("spend_total").unit, LANG))
ax.set_title(outcome_label("spend_total", LANG))
plt.tight_layout()
plt.show()

# %%
per_resident = last.groupby("scenario")[["spend_per_resident", "budget_scale"]].mean()
per_resident.columns = [f"{outcome_label(c, LANG)} ({unit_label(outcome(c).unit, LANG)})"
                        for c in per_resident.columns]
per_resident.round(2)

# %% [markdown]
# ## What your policy's gains cost (marginal, against Taicang 3.0)
# `cost_difference` is your policy's extra spending per resident a year (negative: it
# saves); `marginal_cost` that extra spending per unit gained (per percentage point, per
# index point, per 1.0 on a 0-1 scale), with Fieller's 95 % interval. `cost_verdict`:
# *dominant* is better and cheaper, *dominated* worse and not cheaper, *saving* worse and
# cheaper, *unclear* where the outcome's difference includes zero.

# %%
marginal = end.loc[key, ["cost_difference", "cost_low", "cost_high", "marginal_cost",
                         "marginal_cost_low", "marginal_cost_high", "cost_verdict"]]
marginal.index = [outcome_label(n, LANG) for n in key]
marginal.round(2)

# %%
assert set(data["scenario"]) == {"taicang_3_0", "my_policy"}
assert (last["spend_per_resident"] > 0).all()
# one extra spending per policy, whatever the outcome; a verdict on every outcome with a direction
assert marginal["cost_difference"].nunique() == 1
assert marginal["cost_verdict"].notna().all()
plt.close("all")
