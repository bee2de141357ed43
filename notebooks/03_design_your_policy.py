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
# # 03 · Design your own policy and compare it with a reference
#
# Compose levers (see `cogov-sim params --kind lever`, each with its unit), run your
# policy and a reference on **common random numbers** (the same seeds, so differences are
# not luck), and read both what it does and what it **costs**: every lever costs money
# or staff time, and spending is capped by the budget.

# %% [markdown] lang="zh"
# # 03 · 设计你自己的政策，并与参照情景比较
#
# 组合政策杠杆（见 `cogov-sim params --kind lever`，每个杠杆都有单位），在**共同随机数**
# 上运行你的政策和参照情景（同一组随机种子，所以差值不是运气），既看它的效果，也看它的
# **成本**：每个杠杆都要花钱或占用工作人员的时间，支出受预算上限约束。

# %%
import tempfile

import matplotlib.pyplot as plt
import pandas as pd

from cogov_sim.experiment import run_experiment
from cogov_sim.experiment.spec import parse_spec
from cogov_sim.outcomes import OUTCOMES, outcome
from cogov_sim.params import param_specs
from cogov_sim.viz.labels import (
    language_style,
    outcome_label,
    param_label,
    scenario_label,
    unit_label,
    word,
)

LANG = "en"  # "zh" for Chinese
plt.rcParams.update(language_style(LANG))
levers = pd.DataFrame([{"lever": s.name, "meaning": param_label(s.name, LANG), "low": s.low,
                        "high": s.high, "unit": unit_label(s.unit, LANG)}
                       for s in param_specs("lever")])
if LANG == "zh":
    levers.columns = ["政策杠杆", "含义", "下限", "上限", word("unit", LANG)]
levers

# %% [markdown] lang="en"
# ## Your policy: Taicang 1.0 plus consultations and grid visits, without 2.0's purchases
# Change the numbers and rerun. The reference is Taicang 3.0.

# %% [markdown] lang="zh"
# ## 你的政策：太仓1.0，加上协商和网格走访，但不要2.0的政府购买服务
# 修改数字后重新运行。参照情景是太仓3.0。

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


def label(scenario: str) -> str:
    """A scenario's display name in LANG; "my policy" for yours."""
    if scenario == "my_policy":
        return "my policy" if LANG == "en" else "我的政策"
    return scenario_label(scenario, LANG)


end = result.summary.query("measure == 'end'").set_index("outcome")
key = ["participation_rate", "consultation_rate", "happiness_index", "admin_burden",
       "trust_committee", "so_per_10k"]
table = end.loc[key, ["mean_a", "mean_b", "difference", "ci_low", "ci_high", "p_better",
                     "verdict"]]
table.index = [outcome_label(n, LANG) for n in key]
table.round(3)

# %% [markdown] lang="en"
# `mean_a` is your policy, `mean_b` the reference (Taicang 3.0), `difference` their paired
# difference (yours minus the reference) with its 95 % interval; `p_better` is the share
# of paired replications in which your policy does better (lower is better for the burden),
# and `verdict` says *better* or *worse* where the interval lies on that side of zero.
#
# ## The cost: spending by item (yuan a month) and per resident

# %% [markdown] lang="zh"
# `mean_a` 是你的政策，`mean_b` 是参照情景（太仓3.0），`difference` 是两者的配对差值
# （你的政策减去参照）及其95%置信区间；`p_better` 是你的政策表现更好的配对重复所占比例
# （对行政负担而言越低越好）；当区间完全落在零的某一侧时，`verdict` 给出 *better*（更好）
# 或 *worse*（更差）。
#
# ## 成本：按支出项目（元/月）和按人均

# %%
data = result.outcomes()
last = data[data["month"] > data["month"].max() - 12]
items = [o.name for o in OUTCOMES if o.name.startswith("spend_") and o.name not in
         ("spend_total", "spend_per_resident")]
spend = last.groupby("scenario")[items].mean().T
spend.index = [outcome_label(n, LANG) for n in spend.index]
spend.columns = [label(c) for c in spend.columns]
ax = spend.plot.barh(figsize=(8, 4.5))
ax.set_xlabel(unit_label(outcome("spend_total").unit, LANG))
ax.set_title(outcome_label("spend_total", LANG))
plt.tight_layout()
plt.show()

# %%
per_resident = last.groupby("scenario")[["spend_per_resident", "budget_scale"]].mean()
per_resident.index = [label(s) for s in per_resident.index]
per_resident.columns = [f"{outcome_label(c, LANG)} ({unit_label(outcome(c).unit, LANG)})"
                        for c in per_resident.columns]
per_resident.round(2)

# %% [markdown] lang="en"
# ## What your policy's gains cost (marginal, against Taicang 3.0)
# `cost_difference` is your policy's extra spending per resident a year (negative: it
# saves); `marginal_cost` that extra spending per unit gained (per percentage point, per
# index point, per 1.0 on a 0-1 scale), with Fieller's 95 % interval. `cost_verdict`:
# *dominant* is better and cheaper, *dominated* worse and not cheaper, *saving* worse and
# cheaper, *unclear* where the outcome's difference includes zero.

# %% [markdown] lang="zh"
# ## 你的政策的收益要花多少钱（边际成本，相对太仓3.0）
# `cost_difference` 是你的政策每位居民每年多花的钱（负值表示省钱）；`marginal_cost` 是每多
# 得一个单位收益（每个百分点、每个指数点、0-1标度上的每1.0）多花的钱，附 Fieller 95%区间。
# `cost_verdict`：*dominant* 表示更好且更便宜，*dominated* 表示更差且不便宜，*saving*
# 表示更差但更便宜，*unclear* 表示结果差值的区间包含零。

# %%
marginal = end.loc[key, ["cost_difference", "cost_low", "cost_high", "marginal_cost",
                         "marginal_cost_low", "marginal_cost_high", "cost_verdict"]]
marginal.index = [outcome_label(n, LANG) for n in key]
marginal.round(2)

# %% [markdown] lang="en"
# ## Things to notice
# - Dropping 2.0's purchase of services saves money against Taicang 3.0, and the social
#   organizations it would have paid for are fewer.
# - Where a difference is *unclear*, the policy may still matter: six replications at this
#   size cannot tell.
# - A policy that is cheaper and worse (*saving*) is a trade-off, not a failure: the ratio
#   says what each unit of outcome given up saves.
#
# ## Things to try
# - Set `"purchase_share"` or `"incubation_rate"` in `my_policy` (see the lever table): can you
#   keep the organizations and still save?
# - Set `"common_random_numbers": False`: how much wider do the intervals get?
# - Change the reference to `"baseline"`: is your policy worth its cost against doing nothing?

# %% [markdown] lang="zh"
# ## 值得注意的现象
# - 去掉2.0的政府购买服务，比太仓3.0省钱，但原本由此资助的社会组织也少了。
# - 差值为 *unclear* 时，政策未必没有作用：在这个规模下六次重复还分辨不出来。
# - 更便宜但更差的政策（*saving*）是一种权衡，而不是失败：比值说明每放弃一个单位的结果能
#   省下多少钱。
#
# ## 动手试一试
# - 在 `my_policy` 中设置 `"purchase_share"` 或 `"incubation_rate"`（见杠杆表）：能否既保住社会
#   组织，又省钱？
# - 设 `"common_random_numbers": False`：区间会变宽多少？
# - 把参照情景改为 `"baseline"`：与什么都不做相比，你的政策值不值它的成本？

# %% [markdown] lang="en"
# ## Checks
# The claims above, checked on this run. After you change a setting, a failing check is a
# finding, not a fault: that claim does not hold there.

# %% [markdown] lang="zh"
# ## 检查
# 上面的说法在本次运行中逐条检查。修改设置后若某项检查失败，这是一个发现而不是故障：
# 该说法在新的设置下不成立。

# %%
assert set(data["scenario"]) == {"taicang_3_0", "my_policy"}
assert (last["spend_per_resident"] > 0).all()
# things to notice: cheaper than 3.0, with fewer social organizations
assert end.loc["happiness_index", "cost_high"] < 0
assert end.loc["so_per_10k", "difference"] < 0
# one extra spending per policy, whatever the outcome; a verdict on every outcome with a direction
assert marginal["cost_difference"].nunique() == 1
assert marginal["cost_verdict"].notna().all()
plt.close("all")
