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
# # 05 · Classroom lab: co-governance in a township (a 90-minute session)
#
# **For students.** You advise a township that is considering Taicang's reform
# (政社互动). Work in pairs. Run the cells, answer each question in a sentence, then
# check with the hint. The **answer key** at the end is computed from the model's own
# outputs, so it stays right if the model or the sizes change.
#
# **For teachers.** Every run below is small (about a second); the whole notebook runs in
# well under a minute. Change `SIZES` or the replications to discuss how conclusions depend
# on them. This notebook exists in English (`05_classroom_lab.ipynb`) and Chinese
# (`05_classroom_lab.zh.ipynb`), built from one source.

# %% [markdown] lang="zh"
# # 05 · 课堂实验：镇街社区共治（90分钟）
#
# **写给学生：** 假设你们是一个镇（街道）的顾问，这个镇正在考虑推行太仓的政社互动改革。
# 两人一组。依次运行各个单元格，每个问题用一句话作答，再对照提示检查。最后的**参考答案**
# 由模型本次运行的结果算出，所以模型或规模改变时答案也随之更新。
#
# **写给教师：** 下面每次运行规模都很小（约一秒），整个笔记本不到一分钟即可运行完毕。可以修改
# `SIZES` 或重复次数，与学生讨论结论如何依赖于这些设定。本笔记本有英文版
# （`05_classroom_lab.ipynb`）和中文版（`05_classroom_lab.zh.ipynb`），由同一个源文件生成。

# %%
import tempfile

import matplotlib.pyplot as plt
import pandas as pd

from cogov_sim.classroom import LAB_SCENARIOS, answer_key, last_year_means
from cogov_sim.experiment import run_experiment
from cogov_sim.experiment.spec import parse_spec
from cogov_sim.viz.labels import language_style, outcome_label, scenario_label

LANG = "en"  # "zh" for Chinese
plt.rcParams.update(language_style(LANG))
SIZES = {"months": 48, "residents": 10_000, "communities": 4, "residents_per_agent": 10,
         "spinup_months": 24}
SCENARIOS = list(LAB_SCENARIOS)

result = run_experiment(
    parse_spec({"name": "classroom", "root_seed": 1, "replications": 4, "scenarios": SCENARIOS,
                **SIZES}),
    out=tempfile.mkdtemp(prefix="cogov-class-"), progress=True, figures=False)
data = result.outcomes()
means = last_year_means(data, SCENARIOS)


def show(names: list[str]) -> pd.DataFrame:
    """Last-year means of some outcomes by scenario, labelled in LANG."""
    t = means[names].copy()
    t.index = [scenario_label(s, LANG) for s in t.index]
    t.columns = [outcome_label(n, LANG) for n in names]
    return t.round(3)


# %% [markdown] lang="en"
# ## Question 1 · Burden (减负)
# Committees complained that they were "the legs of every department". Which scenario
# gives committees the **smallest share of their time on government tasks**, and by how
# much does the lists-and-access system (Taicang 1.0) cut it relative to the baseline?
#
# *Hint:* look at the committee time on government tasks; the two lists (两份清单) and the
# access system (准入制) keep off-list tasks out.

# %% [markdown] lang="zh"
# ## 问题1 · 减负
# 居委会曾抱怨自己是“各个部门的腿”。哪个情景下居委会**花在政府任务上的时间占比最小**？
# 与基线相比，两份清单加准入制（太仓1.0）把这一占比降低了多少？
#
# *提示：* 看居委会用于政府任务的时间占比；两份清单和准入制把清单以外的任务挡在门外。

# %%
show(["admin_burden", "tasks_pushed", "tasks_blocked"])

# %% [markdown] lang="en"
# ## Question 2 · Who takes part? (参与)
# Which age group takes part most, in every scenario? Does Taicang 3.0's
# consultation-driven activation (协商能动) close the gap between the young and the
# elderly, or widen it?
#
# *Hint:* compare the participation of the young and of the elderly, both as a ratio and as
# a difference. Do the two measures tell the same story?

# %% [markdown] lang="zh"
# ## 问题2 · 谁在参与？
# 在每个情景中，哪个年龄组参与最多？太仓3.0的协商能动是缩小了青年与老年人之间的参与差距，
# 还是扩大了它？
#
# *提示：* 比较青年和老年人的参与率，既看比值，也看差值。两种度量说的是同一回事吗？

# %%
show(["participation_rate", "participation_young", "participation_elderly"])

# %% [markdown] lang="en"
# ## Question 3 · What does extra happiness cost? (成本)
# Against the baseline, each reform spends more per resident and (perhaps) raises
# happiness. Which scenario buys an extra index point of happiness most cheaply? Is the
# happiest scenario also the one whose extra happiness is cheapest?
#
# *Hint:* the marginal cost is the extra spending divided by the extra happiness, both
# paired against the baseline (`marginal_cost`, yuan per resident a year per index
# point); dividing happiness by total spending would answer a different question.

# %% [markdown] lang="zh"
# ## 问题3 · 多出来的幸福要花多少钱？
# 与基线相比，每项改革都让人均支出增加，也（可能）提高了幸福指数。哪个情景每多买一个
# 幸福指数点最便宜？幸福指数最高的情景，是否也是增量幸福最便宜的情景？
#
# *提示：* 边际成本等于额外支出除以额外幸福，两者都与基线配对比较（`marginal_cost`，
# 元/人·年/指数点）；用幸福指数除以总支出回答的是另一个问题。

# %%
happy = result.summary.query("measure == 'end' and outcome == 'happiness_index'")
happy = happy.set_index("scenario").reindex(SCENARIOS[1:])
marginal = happy[["difference", "cost_difference", "marginal_cost", "marginal_cost_low",
                  "marginal_cost_high", "cost_verdict"]].copy()
marginal.index = [scenario_label(s, LANG) for s in marginal.index]
marginal.round(1)

# %% [markdown] lang="en"
# ## Question 4 · Trust in social organizations (信任)
# Trust in social organizations starts low. In which scenario is it highest after four
# years, and why might outsourcing services (as in Chengdu) raise it?
#
# *Hint:* trust in social organizations, organizations per 10,000 residents, and the share
# of referrals residents accept.

# %% [markdown] lang="zh"
# ## 问题4 · 对社会组织的信任
# 居民对社会组织的信任起点很低。四年后哪个情景的信任最高？为什么把服务外包给社会组织
# （如成都模式）可能提高这种信任？
#
# *提示：* 看对社会组织的信任、每万人社会组织数，以及居民接受转介的比例。

# %%
show(["trust_so", "so_per_10k", "referral_acceptance"])

# %% [markdown] lang="en"
# ## Things to notice
# - The lists cut the burden at once, but happiness and participation move much less:
#   the reform's first stage frees committee time, the later stages decide what it is used for.
# - Question 2 has two right answers, depending on the measure: say which one you use.
# - The happiest scenario and the cheapest gain are different questions (Question 3).
#
# ## Things to try
# - Set `"replications": 8` and rerun: which answers change, which stay?
# - Double `residents`: do the orders of the scenarios hold?
# - Set `"root_seed": 2`: another draw of the same township. Which answers hold?
#
# ## Discussion
# The numbers come from a model with uncalibrated constants at a small size and four
# replications: discuss **directions** and **orders** of scenarios, not decimals. What
# would you need to measure in a real township to test your answers?
#
# ---
# ## Answer key (computed from the runs above)

# %% [markdown] lang="zh"
# ## 值得注意的现象
# - 清单一实施，行政负担立刻下降，但幸福指数和参与率变化小得多：改革的第一阶段腾出了
#   居委会的时间，后面的阶段决定这些时间用在哪里。
# - 问题2有两个正确答案，取决于用哪种度量：回答时说明你用的是哪一种。
# - 幸福指数最高和增量幸福最便宜是两个不同的问题（问题3）。
#
# ## 动手试一试
# - 把 `"replications"` 改为 8 后重新运行：哪些答案变了，哪些没变？
# - 把 `residents` 加倍：各情景的排序是否保持不变？
# - 把 `"root_seed"` 改为 2：同一个镇的另一次随机抽取。哪些答案依然成立？
#
# ## 讨论
# 这些数字来自一个常数尚未校准的模型，规模很小，只有四次重复：请讨论各情景的**方向**
# 和**排序**，不要纠结小数。要在真实的镇街检验你的答案，需要测量什么？
#
# ---
# ## 参考答案（由上面的运行结果算出）

# %%
key = answer_key(means, result.summary)
for answer in key:
    print(f"{answer.question}: {answer.text(LANG)}")

# %% [markdown] lang="en"
# ## Checks
# The claims above, checked on this run. After you change a setting, a failing check is a
# finding, not a fault: that claim does not hold there.

# %% [markdown] lang="zh"
# ## 检查
# 上面的说法在本次运行中逐条检查。修改设置后若某项检查失败，这是一个发现而不是故障：
# 该说法在新的设置下不成立。

# %%
# the key agrees with the tables above
burden = means["admin_burden"]
assert key[0].facts["smallest"] == burden.idxmin()
assert burden["taicang_1_0"] < burden["baseline"]
gap = means["participation_elderly"] - means["participation_young"]
assert key[1].facts["gap_narrower"] == bool(gap["taicang_3_0"] < gap["baseline"])
assert key[3].facts["highest"] == means["trust_so"].idxmax()
assert [a.question for a in key] == ["Q1", "Q2", "Q3", "Q4"]
# things to notice: Question 2's two measures disagree; the happiest is not the cheapest gain
assert key[1].facts["ratio_narrower"] and not key[1].facts["gap_narrower"]
assert key[2].facts.get("same") is False
# the lists move the burden (relatively) more than happiness or participation
change = (means.loc["taicang_1_0"] / means.loc["baseline"] - 1).abs()
assert change["admin_burden"] > max(change["happiness_index"], change["participation_rate"])
plt.close("all")
