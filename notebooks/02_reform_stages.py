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
# # 02 · The reform stages: baseline → 1.0 → 2.0 → 3.0
# # 02 · 改革阶段: 基线 → 太仓1.0 → 2.0 → 3.0
#
# Each stage adds levers to the one before: 1.0 the two lists and access system with
# funds following tasks (两份清单, 准入制, 费随事转) and two-way evaluation (双向评估); 2.0
# three-social linkage (三社联动: purchase of services, incubation, social workers); 3.0
# consultation-driven activation (协商能动: neighbourhood consultations, grid visits).
#
# We run every stage on the same seeds (common random numbers), so each replication of a
# stage is paired with the same replication of the baseline, and read the **paired
# differences** with 95 % intervals, the spread across replications as bands, and what
# each stage costs. The experiment runner is the same one `cogov-sim experiment` uses.

# %%
import tempfile

import matplotlib.pyplot as plt
from IPython.display import Image, display

from cogov_sim.experiment import run_experiment
from cogov_sim.experiment.spec import parse_spec
from cogov_sim.viz.labels import outcome_label, scenario_label

LANG = "en"  # "zh" for Chinese
STAGES = ["baseline", "taicang_1_0", "taicang_2_0", "taicang_3_0"]
spec = parse_spec({
    "name": "stages_notebook", "root_seed": 2008, "replications": 6, "months": 48,
    "residents": 10_000, "communities": 4, "residents_per_agent": 10, "spinup_months": 24,
    "scenarios": STAGES,
})
folder = tempfile.mkdtemp(prefix="cogov-stages-")
result = run_experiment(spec, out=folder, progress=True)  # a progress bar in Jupyter
print(f"{len(result.report.done)} runs → {result.folder}")

# %% [markdown]
# ## Uncertainty bands: every replication's path, summarised
# Lines are means over replications, bands the middle 95 % of replications.

# %%
suffix = "" if LANG == "en" else ".zh"
display(Image(filename=str(result.folder / "figures" / f"outcomes{suffix}.png"), width=900))

# %% [markdown]
# ## Paired differences from the baseline (last 12 months)

# %%
end = result.summary.query("measure == 'end'")
key = ["admin_burden", "participation_rate", "happiness_index", "trust_committee",
       "so_per_10k", "spend_per_resident"]
table = end[end["outcome"].isin(key)].pivot(index="outcome", columns="scenario",
                                             values="difference").loc[key]
table.index = [outcome_label(n, LANG) for n in table.index]
table.columns = [scenario_label(c, LANG) for c in table.columns]
table.round(3)

# %%
display(Image(filename=str(result.folder / "figures" / f"differences{suffix}.png"), width=900))

# %% [markdown]
# ## What each stage's gains cost (政策成本)
# Against the baseline: each stage's extra spending per resident a year, and that extra
# spending per index point of happiness gained, paired on common random numbers, with
# 95 % intervals (Fieller's for the ratio). A marginal cost, not happiness divided by
# total spending: a stage can look cheap per yuan in levels while its extra happiness is
# dear. `marginal_cost` is empty where the gain is not distinguishable from zero.

# %%
happy = end.query("outcome == 'happiness_index'").set_index("scenario")
cost = happy[["cost_difference", "cost_low", "cost_high", "difference",
              "marginal_cost", "marginal_cost_low", "marginal_cost_high", "cost_verdict"]]
cost.index = [scenario_label(s, LANG) for s in cost.index]
cost.round(1)

# %%
# the lists cut committee time on government tasks in every paired replication
cut = end.query("outcome == 'admin_burden' and scenario == 'taicang_1_0'").iloc[0]
assert cut["difference"] < 0 and cut["ci_high"] < 0
# every stage costs more than the baseline, and the ratio is extra spending over extra happiness
assert (happy["cost_low"] > 0).all()
bought = happy[happy["cost_verdict"] == "cost"]
assert ((bought["marginal_cost"] - bought["cost_difference"] / bought["difference"]).abs()
        < 1e-9 * bought["marginal_cost"].abs()).all()
plt.close("all")
