# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     name: python3
# ---

# %% [markdown]
# # The reform stages, side by side
#
# A first look at cogov-sim for a governance class: run the six scenario presets, compare
# committee workload, participation and happiness, and look inside one resident.
# Everything here calls the package; no model logic lives in the notebook.
# (Open in Jupyter with `jupytext --to ipynb 01_reform_stages.py`, or run as a script.)

# %%
import os

import matplotlib.pyplot as plt
import pandas as pd

from cogov_sim.model import CoGovModel
from cogov_sim.presets import load_preset, preset, preset_names
from cogov_sim.runner import simulate
from cogov_sim.viz.labels import outcome_label

RESIDENTS = int(os.environ.get("COGOV_NOTEBOOK_RESIDENTS", "50000"))
COMMUNITIES = max(1, RESIDENTS // 5000)  # communities of about 5,000 residents
MONTHS = int(os.environ.get("COGOV_NOTEBOOK_MONTHS", "120"))
LANG = os.environ.get("COGOV_NOTEBOOK_LANG", "en")  # "zh" for Chinese labels

# %% [markdown]
# ## The presets

# %%
for name in preset_names():
    print(f"{name:<13} {preset(name).description}")

# %% [markdown]
# ## One run per preset, same seed (paired)

# %%
runs = {name: simulate(load_preset(name, n_residents=RESIDENTS, n_communities=COMMUNITIES, months=MONTHS), seed=1)
        for name in preset_names()}
last_year = pd.DataFrame({name: df.tail(12).mean() for name, df in runs.items()}).T
key = ["admin_burden", "participation_rate", "consultation_rate", "happiness_index", "so_per_10k"]
last_year[key].round(3)

# %%
fig, axes = plt.subplots(1, 3, figsize=(13, 3.6), constrained_layout=True)
for ax, outcome in zip(axes, ["admin_burden", "participation_rate", "happiness_index"], strict=True):
    for name, df in runs.items():
        ax.plot(df["month"] / 12, df[outcome], label=name)
    ax.set_title(outcome_label(outcome, LANG))
    ax.set_xlabel("year")
axes[0].legend(fontsize=8)
plt.show()

# %% [markdown]
# ## Inside the model: one resident, one committee

# %%
model = CoGovModel(load_preset("taicang_3_0", n_residents=RESIDENTS, n_communities=COMMUNITIES,
                               months=MONTHS), seed=1)
model.run(24)
print(model.resident(10).state())
print(model.committee(0).state())
print(f"{len(model.organizations())} social organizations alive after two years")
