"""The classroom lab's answer key, computed from the lab's runs, in English and Chinese.

``notebooks/05_classroom_lab`` runs the reform stages and two other cities' models and
asks four questions. :func:`answer_key` answers them from that run's outcomes and summary,
so the key follows the model and the sizes a teacher chooses; every answer carries the
numbers it rests on (``facts``), which ``tests/test_notebooks.py`` checks against the data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .viz.labels import check_language, scenario_label

LAB_SCENARIOS = ("baseline", "taicang_1_0", "taicang_2_0", "taicang_3_0", "shanghai", "chengdu")
"""The scenarios of the lab, the first being the reference."""


@dataclass(frozen=True)
class Answer:
    """One question's answer: the numbers it rests on and the sentence in each language."""

    question: str
    facts: dict[str, Any] = field(default_factory=dict)
    en: str = ""
    zh: str = ""

    def text(self, lang: str = "en") -> str:
        check_language(lang)
        return self.zh if lang == "zh" else self.en


def last_year_means(data: pd.DataFrame, scenarios: tuple[str, ...] | list[str] = LAB_SCENARIOS
                    ) -> pd.DataFrame:
    """Means over replications and the last 12 reported months, one row per scenario."""
    last = data[data["month"] > data["month"].max() - 12]
    return last.groupby("scenario").mean(numeric_only=True).reindex(list(scenarios))


def _name(s: str, lang: str) -> str:
    return f"{scenario_label(s, lang)}（{s}）" if lang == "zh" else f"{scenario_label(s, lang)} ({s})"


def answer_key(means: pd.DataFrame, summary: pd.DataFrame) -> list[Answer]:
    """The answers to the lab's four questions.

    ``means``: :func:`last_year_means` of the lab's outcomes (the baseline and
    ``taicang_1_0`` and ``taicang_3_0`` among its rows); ``summary``: the experiment's
    summary table (paired differences and marginal costs against the baseline).
    """
    burden = means["admin_burden"]
    cut = float(1 - burden["taicang_1_0"] / burden["baseline"])
    q1 = {"smallest": str(burden.idxmin()), "smallest_value": float(burden.min()), "cut": cut}

    elderly, young = means["participation_elderly"], means["participation_young"]
    ratio, gap = elderly / young, elderly - young
    q2 = {"elderly_most_everywhere": bool((ratio > 1).all()),
          "ratio_baseline": float(ratio["baseline"]), "ratio_3_0": float(ratio["taicang_3_0"]),
          "ratio_narrower": bool(ratio["taicang_3_0"] < ratio["baseline"]),
          "gap_baseline": float(gap["baseline"]), "gap_3_0": float(gap["taicang_3_0"]),
          "gap_narrower": bool(gap["taicang_3_0"] < gap["baseline"])}

    happy = summary.query("measure == 'end' and outcome == 'happiness_index'").set_index("scenario")
    bought = happy.loc[happy["cost_verdict"] == "cost", "marginal_cost"].astype(float)
    happiest = str(means["happiness_index"].idxmax())
    q3: dict[str, Any] = {"happiest": happiest, "priced": sorted(bought.index)}
    if len(bought):
        q3.update(cheapest=str(bought.idxmin()), cheapest_cost=float(bought.min()),
                  same=bool(bought.idxmin() == happiest))

    trust = means["trust_so"]
    top = str(trust.idxmax())
    q4 = {"highest": top, "highest_value": float(trust.max()),
          "baseline_value": float(trust["baseline"]),
          "so_per_10k": float(means.loc[top, "so_per_10k"]),
          "so_per_10k_baseline": float(means.loc["baseline", "so_per_10k"])}

    def words(en: bool, narrower: bool) -> str:
        return ("narrower" if narrower else "wider") if en else ("缩小" if narrower else "扩大")

    def yes(en: bool, value: bool) -> str:
        return ("yes" if value else "no") if en else ("是" if value else "否")

    def q3_text(lang: str) -> str:
        en = lang == "en"
        if "cheapest" not in q3:
            return ("no scenario raises happiness distinguishably from the baseline at this size"
                    if en else "在这一规模下，没有哪个情景的幸福指数能与基线区分开")
        if en:
            return (f"cheapest extra index point: {_name(q3['cheapest'], lang)}, "
                    f"{q3['cheapest_cost']:.0f} yuan per resident a year; happiest: "
                    f"{_name(happiest, lang)}; the same scenario: {yes(en, q3['same'])}")
        return (f"每提高1个指数点最便宜的是{_name(q3['cheapest'], lang)}，每位居民每年"
                f"{q3['cheapest_cost']:.0f}元；幸福指数最高的是{_name(happiest, lang)}；"
                f"是同一个情景吗：{yes(en, q3['same'])}")

    answers = []
    for lang in ("en", "zh"):
        en = lang == "en"
        texts = [
            (f"smallest burden: {_name(q1['smallest'], lang)} ({q1['smallest_value']:.2f}); "
             f"Taicang 1.0 cuts it by {cut:.0%} relative to the baseline") if en else
            (f"居委会用于政府事务的时间比例最小的是{_name(q1['smallest'], lang)}"
             f"（{q1['smallest_value']:.2f}）；太仓1.0比基线减少{cut:.0%}"),
            (f"the elderly take part most in every scenario: {yes(en, q2['elderly_most_everywhere'])}; "
             f"elderly/young ratio baseline {q2['ratio_baseline']:.1f}, Taicang 3.0 "
             f"{q2['ratio_3_0']:.1f} ({words(en, q2['ratio_narrower'])}); absolute gap "
             f"{q2['gap_baseline']:.3f} → {q2['gap_3_0']:.3f} ({words(en, q2['gap_narrower'])}): "
             "a ratio and a difference can move in opposite directions") if en else
            (f"每个情景中都是老年人参与最多：{yes(en, q2['elderly_most_everywhere'])}；老年与青年"
             f"参与率之比：基线{q2['ratio_baseline']:.1f}，太仓3.0为{q2['ratio_3_0']:.1f}"
             f"（{words(en, q2['ratio_narrower'])}）；绝对差距{q2['gap_baseline']:.3f} → "
             f"{q2['gap_3_0']:.3f}（{words(en, q2['gap_narrower'])}）：比值和差值可以朝相反方向变化"),
            q3_text(lang),
            (f"highest trust in social organizations: {_name(top, lang)} "
             f"({q4['highest_value']:.2f}, baseline {q4['baseline_value']:.2f}), with "
             f"{q4['so_per_10k']:.1f} organizations per 10,000 residents (baseline "
             f"{q4['so_per_10k_baseline']:.1f}): residents trust what they have met") if en else
            (f"对社会组织信任最高的是{_name(top, lang)}（{q4['highest_value']:.2f}，基线"
             f"{q4['baseline_value']:.2f}），每万人有{q4['so_per_10k']:.1f}个社会组织（基线"
             f"{q4['so_per_10k_baseline']:.1f}）：居民信任的是他们接触过的组织"),
        ]
        answers.append(texts)
    facts = [q1, q2, q3, q4]
    return [Answer(f"Q{i + 1}", facts[i], answers[0][i], answers[1][i]) for i in range(4)]
