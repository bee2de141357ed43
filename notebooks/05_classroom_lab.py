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
# # 05 · Classroom lab: co-governance in a township (a 90-minute session)
# # 05 · 课堂实验: 镇街社区共治 (90分钟)
#
# **For students.** You advise a township that is considering Taicang's reform
# (政社互动). Work in pairs. Run the cells, answer each question in a sentence, then
# check with the hint. The **answer key** at the end is computed from the model's own
# outputs, so it stays right if the model or the sizes change.
#
# **For teachers.** Every run below is small (about a second); the whole notebook runs in
# well under a minute. Change `SIZES` or `SEEDS` to discuss how conclusions depend on
# them. Set `LANG = "zh"` for Chinese labels.

# %%
import tempfile

import pandas as pd

from cogov_sim.experiment import run_experiment
from cogov_sim.experiment.spec import parse_spec
from cogov_sim.viz.labels import outcome_label, scenario_label

LANG = "en"
SIZES = {"months": 48, "residents": 10_000, "communities": 4, "residents_per_agent": 10,
         "spinup_months": 24}
SCENARIOS = ["baseline", "taicang_1_0", "taicang_2_0", "taicang_3_0", "shanghai", "chengdu"]

result = run_experiment(
    parse_spec({"name": "classroom", "root_seed": 1, "replications": 4, "scenarios": SCENARIOS,
                **SIZES}),
    out=tempfile.mkdtemp(prefix="cogov-class-"), progress=True, figures=False)
data = result.outcomes()
last = data[data["month"] > data["month"].max() - 12]
means = last.groupby("scenario").mean(numeric_only=True).reindex(SCENARIOS)


def show(names: list[str]) -> pd.DataFrame:
    """Last-year means of some outcomes by scenario, labelled in LANG."""
    t = means[names].copy()
    t.index = [scenario_label(s, LANG) for s in t.index]
    t.columns = [outcome_label(n, LANG) for n in names]
    return t.round(3)


# %% [markdown]
# ## Question 1 · Burden (减负)
# Committees complained that they were "the legs of every department". Which scenario
# gives committees the **smallest share of their time on government tasks**, and by how
# much does the lists-and-access system (Taicang 1.0) cut it relative to the baseline?
#
# *Hint:* look at `admin_burden`; the two lists (两份清单) and the access system (准入制)
# keep off-list tasks out.

# %%
show(["admin_burden", "tasks_pushed", "tasks_blocked"])

# %% [markdown]
# ## Question 2 · Who takes part? (参与)
# Which age group takes part most, in every scenario? Does Taicang 3.0's
# consultation-driven activation (协商能动) close the gap between the young and the
# elderly, or widen it?
#
# *Hint:* compare `participation_young` and `participation_elderly`, and their ratio.

# %%
show(["participation_rate", "participation_young", "participation_elderly"])

# %% [markdown]
# ## Question 3 · What does extra happiness cost? (成本)
# Against the baseline, each reform spends more per resident and (perhaps) raises
# happiness. Which scenario buys an extra index point of happiness most cheaply? Is the
# happiest scenario also the one whose extra happiness is cheapest?
#
# *Hint:* the marginal cost is the extra spending divided by the extra happiness, both
# paired against the baseline (`marginal_cost`, yuan per resident a year per index
# point); dividing happiness by total spending would answer a different question.

# %%
happy = result.summary.query("measure == 'end' and outcome == 'happiness_index'")
happy = happy.set_index("scenario").reindex(SCENARIOS[1:])
marginal = happy[["difference", "cost_difference", "marginal_cost", "marginal_cost_low",
                  "marginal_cost_high", "cost_verdict"]].copy()
marginal.index = [scenario_label(s, LANG) for s in marginal.index]
marginal.round(1)

# %% [markdown]
# ## Question 4 · Trust in social organizations (信任)
# Trust in social organizations starts low. In which scenario is it highest after four
# years, and why might outsourcing services (as in Chengdu) raise it?
#
# *Hint:* `trust_so`, `so_per_10k`, `referral_acceptance`.

# %%
show(["trust_so", "so_per_10k", "referral_acceptance"])

# %% [markdown]
# ## Discussion
# The numbers come from a model with uncalibrated constants at a small size and four
# replications: discuss **directions** and **orders** of scenarios, not decimals. What
# would you need to measure in a real township to test your answers?
#
# ---
# ## Answer key (computed from the runs above)

# %%
def name(s: str) -> str:
    return f"{scenario_label(s, LANG)} ({s})"


burden = means["admin_burden"]
cut = 1 - burden["taicang_1_0"] / burden["baseline"]
gap = means["participation_elderly"] / means["participation_young"]
diff = means["participation_elderly"] - means["participation_young"]
bought = happy[happy["cost_verdict"] == "cost"]["marginal_cost"]
key = [
    ("Q1", f"smallest burden: {name(burden.idxmin())} ({burden.min():.2f}); Taicang 1.0 "
           f"cuts it by {cut:.0%} relative to the baseline"),
    ("Q2", "the elderly take part most in every scenario: "
           f"{bool((gap > 1).all())}; elderly/young ratio baseline {gap['baseline']:.1f}, "
           f"Taicang 3.0 {gap['taicang_3_0']:.1f} "
           f"({'narrower' if gap['taicang_3_0'] < gap['baseline'] else 'wider'}); absolute "
           f"gap {diff['baseline']:.3f} → {diff['taicang_3_0']:.3f} "
           f"({'narrower' if diff['taicang_3_0'] < diff['baseline'] else 'wider'}): "
           "a ratio and a difference can move in opposite directions"),
    ("Q3", f"cheapest extra index point: {name(bought.idxmin())} ({bought.min():.0f} yuan "
           f"per resident a year); happiest: {name(means['happiness_index'].idxmax())}; the "
           f"same scenario: {bought.idxmin() == means['happiness_index'].idxmax()}"
           if len(bought) else "no scenario raises happiness distinguishably at this size"),
    ("Q4", f"highest trust in social organizations: {name(means['trust_so'].idxmax())} "
           f"({means['trust_so'].max():.2f}, baseline {means['trust_so']['baseline']:.2f})"),
]
for q, answer in key:
    print(f"{q}: {answer}")

# %%
assert burden["taicang_1_0"] < burden["baseline"]
assert len(key) == 4
