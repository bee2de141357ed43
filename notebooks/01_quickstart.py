# ---
# jupyter:
#   jupytext:
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

# %% [markdown] lang="en"
# # 01 · Quickstart: run a preset, look at the outcomes, inspect the agents
#
# cogov-sim simulates a township under Taicang's government–society interaction reform
# (政社互动): a township government, one residents' committee (居委会) per community,
# social organizations (社会组织) and residents. One step is one month.
#
# This notebook only calls the package; no model logic lives here. It exists in English
# (`01_quickstart.ipynb`) and Chinese (`01_quickstart.zh.ipynb`), built from one source.

# %% [markdown] lang="zh"
# # 01 · 快速入门：运行预设情景、查看结果、检视智能体
#
# cogov-sim 模拟一个推行太仓政社互动改革的镇（街道）：一个镇政府、每个社区一个居民委员会
# （居委会）、若干社会组织和居民。模型每一步代表一个月。
#
# 本笔记本只调用软件包，不包含任何模型逻辑。它有英文版（`01_quickstart.ipynb`）和中文版
# （`01_quickstart.zh.ipynb`），由同一个源文件生成。

# %%
# %matplotlib inline
import matplotlib.pyplot as plt

from cogov_sim.model import CoGovModel
from cogov_sim.outcomes import outcome
from cogov_sim.presets import load_preset, preset, preset_names
from cogov_sim.runner import simulate
from cogov_sim.viz.labels import language_style, outcome_label, scenario_label, unit_label, word
from cogov_sim.viz.live import chart_figure, community_figure, community_values

LANG = "en"  # "zh" for Chinese
plt.rcParams.update(language_style(LANG))
# a small township so that every cell runs in a second or two: 10,000 residents in four
# communities, one agent per 10 residents, a two-year spin-up, five reported years
SIZES = dict(n_residents=10_000, n_communities=4, residents_per_agent=10, spinup_months=24,
             months=60)

# %% [markdown] lang="en"
# ## The presets
# Each preset is a set of lever values: the township before the reform, Taicang's three
# stages, and the models of two other cities for comparison.

# %% [markdown] lang="zh"
# ## 预设情景
# 每个预设情景是一组政策杠杆的取值：改革前的镇街、太仓改革的三个阶段，以及另外两个城市的
# 模式，供比较之用。

# %%
for name in preset_names():
    p = preset(name)
    print(f"{name:<12} {scenario_label(name, LANG):<14} "
          f"{p.description_zh if LANG == 'zh' else p.description}")

# %% [markdown] lang="en"
# ## One run: a frame with one row per month and one column per outcome
# Below: the last year's means of a few outcomes of Taicang 2.0, each with its unit.

# %% [markdown] lang="zh"
# ## 一次运行：每月一行，每个结果指标一列的数据表
# 下表是太仓2.0最后一年若干指标的均值，每个指标都标有单位。

# %%
params = load_preset("taicang_2_0", **SIZES)
frame = simulate(params, seed=1)
key = ["participation_rate", "happiness_index", "admin_burden", "trust_committee",
       "so_per_10k", "spend_per_resident"]
table = frame[key].tail(12).mean().to_frame(word("last year", LANG))
table.index = [f"{outcome_label(n, LANG)} ({unit_label(outcome(n).unit, LANG)})" for n in key]
table.round(3)

# %%
fig = chart_figure(frame, "satisfaction", LANG, size=(7, 3.6))
fig

# %% [markdown] lang="en"
# ## The Mesa way: keyword parameters, `rng`, a data collector
#
# `CoGovModel` can be built as Mesa's SolaraViz and `mesa.batch_run` build models, and
# `model.datacollector` is a Mesa `DataCollector` holding every outcome.

# %% [markdown] lang="zh"
# ## Mesa 的用法：关键字参数、`rng`、数据收集器
#
# `CoGovModel` 可以像 Mesa 的 SolaraViz 和 `mesa.batch_run` 那样构建，`model.datacollector`
# 是一个 Mesa `DataCollector`，记录所有结果指标。

# %%
model = CoGovModel(preset="taicang_3_0", rng=1, **SIZES)
for _ in range(24):
    model.step()
model.datacollector.get_model_vars_dataframe()[["participation_rate", "happiness_index"]].tail(3)

# %% [markdown] lang="en"
# ## Inside the model: a resident, a committee, the social organizations

# %% [markdown] lang="zh"
# ## 模型内部：一位居民、一个居委会、社会组织

# %%
print(model.resident(10).state())
print(model.committee(0).state())
n_orgs = len(model.organizations())
print(f"{n_orgs} social organizations alive after two reported years" if LANG == "en"
      else f"运行两年后，仍在活动的社会组织有{n_orgs}个")

# %%
fig = community_figure(community_values(model, "participation"), "participation", LANG)
fig

# %% [markdown] lang="en"
# ## Things to notice
# - Every number has a unit: shares run from 0 to 1, the happiness index from 0 to 100,
#   spending is in yuan per resident a year.
# - The four communities run under the same levers and are the same size, yet their
#   participation differs: chance and who lives next to whom matter.
# - A resident is a Mesa agent you can look at by id: age group, trust, satisfaction on
#   six dimensions, the issue it has open.
#
# ## Things to try
# - Replace `"taicang_2_0"` by `"baseline"` in the run above: which numbers of the table
#   move most?
# - Change `seed=1` to `seed=2`: how much of the table is chance?
# - Compare `model.resident(10).state()` with `model.resident(500).state()`: what
#   differs between an elderly and a middle-aged resident?

# %% [markdown] lang="zh"
# ## 值得注意的现象
# - 每个数字都有单位：比例在0到1之间，幸福指数在0到100之间，支出以元/人·年计。
# - 四个社区的政策杠杆相同，规模也相同，但参与率各不相同：偶然因素和邻里关系都有影响。
# - 每位居民都是一个 Mesa 智能体，可以按编号查看：年龄组、信任、六个维度的满意度、
#   尚未解决的诉求。
#
# ## 动手试一试
# - 把上面运行中的 `"taicang_2_0"` 换成 `"baseline"`：表中哪些数字变化最大？
# - 把 `seed=1` 改为 `seed=2`：表中有多少差异是偶然造成的？
# - 比较 `model.resident(10).state()` 和 `model.resident(500).state()`：老年居民和
#   中年居民有什么不同？

# %% [markdown] lang="en"
# ## Checks
# The claims above, checked on this run. After you change a setting, a failing check is a
# finding, not a fault: that claim does not hold there.

# %% [markdown] lang="zh"
# ## 检查
# 上面的说法在本次运行中逐条检查。修改设置后若某项检查失败，这是一个发现而不是故障：
# 该说法在新的设置下不成立。

# %%
assert model.recorder.n == 24 and len(model.datacollector.model_vars["happiness_index"]) == 24
participation = community_values(model, "participation")
assert participation.min() < participation.max()  # equal communities, different participation
plt.close("all")
