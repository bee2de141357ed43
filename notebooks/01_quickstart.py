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
# # 01 · Quickstart: run a preset, look at the outcomes, inspect the agents
# # 01 · 快速入门: 运行一个预设情景, 查看结果, 检视智能体
#
# cogov-sim simulates a township under Taicang's government–society interaction reform
# (政社互动): a township government, one residents' committee (居委会) per community,
# social organizations (社会组织) and residents. One step is one month.
#
# This notebook only calls the package; no model logic lives here. Set `LANG = "zh"` for
# Chinese labels (图表与表格使用中文).

# %%
# %matplotlib inline
import matplotlib.pyplot as plt

from cogov_sim.model import CoGovModel
from cogov_sim.outcomes import outcome
from cogov_sim.presets import load_preset, preset, preset_names
from cogov_sim.runner import simulate
from cogov_sim.viz.labels import outcome_label, scenario_label, unit_label
from cogov_sim.viz.live import chart_figure, community_figure, community_values

LANG = "en"  # "zh" for Chinese
# a small township so that every cell runs in a second or two: 10,000 residents in four
# communities, one agent per 10 residents, a two-year spin-up, five reported years
SIZES = dict(n_residents=10_000, n_communities=4, residents_per_agent=10, spinup_months=24,
             months=60)

# %% [markdown]
# ## The presets (预设情景)

# %%
for name in preset_names():
    p = preset(name)
    print(f"{name:<12} {scenario_label(name, LANG):<14} "
          f"{p.description_zh if LANG == 'zh' else p.description}")

# %% [markdown]
# ## One run: a frame with one row per month and one column per outcome

# %%
params = load_preset("taicang_2_0", **SIZES)
frame = simulate(params, seed=1)
key = ["participation_rate", "happiness_index", "admin_burden", "trust_committee",
       "so_per_10k", "spend_per_resident"]
table = frame[key].tail(12).mean().to_frame("last year")
table.index = [f"{outcome_label(n, LANG)} ({unit_label(outcome(n).unit, LANG)})" for n in key]
table.round(3)

# %%
fig = chart_figure(frame, "satisfaction", LANG, size=(7, 3.6))
fig

# %% [markdown]
# ## The Mesa way: keyword parameters, `rng`, a data collector
#
# `CoGovModel` can be built as Mesa's SolaraViz and `mesa.batch_run` build models, and
# `model.datacollector` is a Mesa `DataCollector` holding every outcome.

# %%
model = CoGovModel(preset="taicang_3_0", rng=1, **SIZES)
for _ in range(24):
    model.step()
model.datacollector.get_model_vars_dataframe()[["participation_rate", "happiness_index"]].tail(3)

# %% [markdown]
# ## Inside the model: a resident, a committee, the social organizations

# %%
print(model.resident(10).state())
print(model.committee(0).state())
print(f"{len(model.organizations())} social organizations alive after two reported years")

# %%
fig = community_figure(community_values(model, "participation"), "participation", LANG)
fig

# %%
assert model.recorder.n == 24 and len(model.datacollector.model_vars["happiness_index"]) == 24
plt.close("all")
