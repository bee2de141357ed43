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
# ## What each stage costs (政策成本)
# Spending per resident and year, and happiness-index points bought per 100 yuan.

# %%
data = result.outcomes()
last = data[data["month"] > data["month"].max() - 12]
cost = last.groupby("scenario")[["spend_per_resident", "happiness_index",
                                 "happiness_per_100_yuan"]].mean().reindex(STAGES)
cost.index = [scenario_label(s, LANG) for s in cost.index]
cost.columns = [outcome_label(c, LANG) for c in cost.columns]
cost.round(2)

# %%
# the lists cut committee time on government tasks in every paired replication
cut = end.query("outcome == 'admin_burden' and scenario == 'taicang_1_0'").iloc[0]
assert cut["difference"] < 0 and cut["ci_high"] < 0
plt.close("all")
