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
# # 02 · The reform stages: baseline → 1.0 → 2.0 → 3.0
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

# %% [markdown] lang="zh"
# # 02 · 改革阶段：基线 → 太仓1.0 → 2.0 → 3.0
#
# 每个阶段都在前一阶段的基础上增加政策杠杆：1.0 是两份清单、准入制、费随事转和双向评估；
# 2.0 是三社联动（政府购买服务、社会组织孵化、社会工作者）；3.0 是协商能动（居民小组协商、
# 网格走访）。
#
# 所有阶段都用同一组随机种子运行（共同随机数），因此每个阶段的每次重复都与基线的同一次重复
# 配对。我们读取带95%置信区间的**配对差值**，用色带表示各次重复之间的离散程度，并看每个
# 阶段的成本。这里用的实验运行器与 `cogov-sim experiment` 相同。

# %%
import tempfile

import matplotlib.pyplot as plt
from IPython.display import Image, display

from cogov_sim.experiment import run_experiment
from cogov_sim.experiment.spec import parse_spec
from cogov_sim.viz.labels import language_style, outcome_label, scenario_label

LANG = "en"  # "zh" for Chinese
plt.rcParams.update(language_style(LANG))
STAGES = ["baseline", "taicang_1_0", "taicang_2_0", "taicang_3_0"]
spec = parse_spec({
    "name": "stages_notebook", "root_seed": 2008, "replications": 6, "months": 48,
    "residents": 10_000, "communities": 4, "residents_per_agent": 10, "spinup_months": 24,
    "scenarios": STAGES,
})
folder = tempfile.mkdtemp(prefix="cogov-stages-")
result = run_experiment(spec, out=folder, progress=True)  # a progress bar in Jupyter
print(f"{len(result.report.done)} runs" if LANG == "en" else f"共{len(result.report.done)}次运行")

# %% [markdown] lang="en"
# ## Uncertainty bands: every replication's path, summarised
# Lines are means over replications, bands the middle 95 % of replications.

# %% [markdown] lang="zh"
# ## 不确定性色带：各次重复的轨迹汇总
# 线是各次重复的均值，色带是居中95%的重复所覆盖的范围。

# %%
suffix = "" if LANG == "en" else ".zh"
display(Image(filename=str(result.folder / "figures" / f"outcomes{suffix}.png"), width=900))

# %% [markdown] lang="en"
# ## Paired differences from the baseline (last 12 months)

# %% [markdown] lang="zh"
# ## 与基线的配对差值（最后12个月）

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

# %% [markdown] lang="en"
# ## What each stage's gains cost (政策成本)
# Against the baseline: each stage's extra spending per resident a year, and that extra
# spending per index point of happiness gained, paired on common random numbers, with
# 95 % intervals (Fieller's for the ratio). A marginal cost, not happiness divided by
# total spending: a stage can look cheap per yuan in levels while its extra happiness is
# dear. `marginal_cost` is empty where the gain is not distinguishable from zero.

# %% [markdown] lang="zh"
# ## 各阶段的收益要花多少钱（政策成本）
# 与基线相比：每个阶段每位居民每年多花的钱，以及每多得一个幸福指数点所多花的钱，都在
# 共同随机数上配对计算，并给出95%置信区间（比值用 Fieller 区间）。这是边际成本，不是幸福
# 指数除以总支出：一个阶段按水平值算每元很便宜，它带来的增量幸福却可能很贵。若收益与零
# 无法区分，`marginal_cost` 为空。

# %%
happy = end.query("outcome == 'happiness_index'").set_index("scenario")
cost = happy[["cost_difference", "cost_low", "cost_high", "difference",
              "marginal_cost", "marginal_cost_low", "marginal_cost_high", "cost_verdict"]]
cost.index = [scenario_label(s, LANG) for s in cost.index]
cost.round(1)

# %% [markdown] lang="en"
# ## Things to notice
# - Each stage does its own work: 1.0 cuts committee time on government tasks, 2.0 grows
#   the social organizations, 3.0 raises participation most.
# - An interval that does not cross zero says the difference is not luck *at these seeds
#   and this size*; the bands show how far single replications spread.
# - The latest stage is not the cheapest per extra index point of happiness.
#
# ## Things to try
# - Set `"replications": 12`: the intervals narrow by about √2; do any verdicts change?
# - Set `"months": 96`: do the effects grow, hold or fade after four more years?
# - Add `"shanghai"` or `"chengdu"` to `STAGES`.

# %% [markdown] lang="zh"
# ## 值得注意的现象
# - 每个阶段各有分工：1.0 减少居委会用于政府事务的时间，2.0 培育社会组织，3.0 对居民
#   参与的提升最大。
# - 区间不跨过零，说明差值不是运气造成的，但这只在*这些随机种子和这个规模下*成立；
#   色带显示单次重复之间的离散程度。
# - 最新的阶段并不是每多一个幸福指数点最便宜的阶段。
#
# ## 动手试一试
# - 设 `"replications": 12`：区间大约缩小为原来的 1/√2；有没有哪个结论改变？
# - 设 `"months": 96`：再过四年，效果是增强、保持还是减弱？
# - 在 `STAGES` 中加入 `"shanghai"` 或 `"chengdu"`。

# %% [markdown] lang="en"
# ## Checks
# The claims above, checked on this run. After you change a setting, a failing check is a
# finding, not a fault: that claim does not hold there.

# %% [markdown] lang="zh"
# ## 检查
# 上面的说法在本次运行中逐条检查。修改设置后若某项检查失败，这是一个发现而不是故障：
# 该说法在新的设置下不成立。

# %%
diff = end.pivot(index="outcome", columns="scenario", values="difference")
# things to notice: each stage's own work
assert diff.loc["admin_burden"].idxmin() in ("taicang_1_0", "taicang_2_0", "taicang_3_0")
assert diff.loc["admin_burden", "taicang_1_0"] < 0
assert diff.loc["so_per_10k", "taicang_2_0"] > diff.loc["so_per_10k", "taicang_1_0"]
assert diff.loc["participation_rate"].idxmax() == "taicang_3_0"
priced = happy[happy["cost_verdict"] == "cost"]["marginal_cost"]
assert priced.idxmin() != "taicang_3_0"
# the lists cut committee time on government tasks in every paired replication
cut = end.query("outcome == 'admin_burden' and scenario == 'taicang_1_0'").iloc[0]
assert cut["difference"] < 0 and cut["ci_high"] < 0
# every stage costs more than the baseline, and the ratio is extra spending over extra happiness
assert (happy["cost_low"] > 0).all()
bought = happy[happy["cost_verdict"] == "cost"]
assert ((bought["marginal_cost"] - bought["cost_difference"] / bought["difference"]).abs()
        < 1e-9 * bought["marginal_cost"].abs()).all()
plt.close("all")
