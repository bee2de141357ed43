"""The dashboard's Info panel, as NetLogo's Info tab has it: what it is, how it works, how to
use it, things to notice, things to try, credits and sources; in English and Chinese.

The two texts say the same things in the same order (a test checks that both have the
same sections). What the model does in detail is in docs/ODD.md; this is what a class
needs in front of the page.
"""

from __future__ import annotations

from html import escape

from ..viz.labels import pick

SECTIONS = ("what", "how_it_works", "how_to_use", "notice", "try", "credits")
"""The sections of the panel, in order."""

HEADINGS = {
    "what": ("What is it?", "这是什么?"),
    "how_it_works": ("How it works", "模型如何运作"),
    "how_to_use": ("How to use it", "如何使用"),
    "notice": ("Things to notice", "值得留意"),
    "try": ("Things to try", "不妨试试"),
    "credits": ("Credits and sources", "致谢与资料来源"),
}

BODY = {
    "what": (
        "A simulated township of 20,000 residents in 20 communities, each with a residents' "
        "committee, under the government–society interaction reform (政社互动) that Taicang "
        "began in 2008. The reform came in stages: 1.0 lists the committees' own duties and "
        "the tasks the government may assign (two lists, an access system, funds that "
        "follow tasks, two-way evaluation); 2.0 buys services from social organizations, "
        "incubates them and brings in social workers; 3.0 adds structured resident "
        "consultations, home visits and residents' say in evaluation. The page asks "
        "\"what if?\": what do these rules do to participation, satisfaction, the "
        "committees' time, trust and social organizations? It explores mechanisms; it is "
        "not a forecast for a real township.",
        "一个模拟的乡镇: 20个社区、2万居民, 每个社区有一个居委会, 实行太仓自2008年起推行的"
        "政社互动改革。改革分阶段推进: 1.0 列出居委会依法履职事项和政府可委托事项(两份清单、"
        "准入制度、费随事转、双向评估); 2.0 向社会组织购买服务、孵化社会组织、引入社工; "
        "3.0 增加规范化的居民协商、入户走访, 并让居民参与评议。本页回答\"如果……会怎样\": "
        "这些规则如何影响居民参与、满意度、居委会的时间、信任和社会组织? 它用来探讨机制, "
        "不是对某个真实乡镇的预测。"),
    "how_it_works": (
        "Every month the government assigns tasks to the committees; the lists and the "
        "access system decide which tasks a committee may refuse and who pays for them. "
        "The time a committee keeps after government tasks goes to residents: visits, "
        "consultations and the requests residents bring (resolved, referred to a social "
        "organization, or escalated). Residents take part in community affairs according "
        "to their free time, how long they have lived there, whom they know and whether "
        "taking part was worth it before; their satisfaction on the six dimensions of "
        "Taicang's happiness index and their trust follow what they experience. Social "
        "organizations are founded, win contracts and survive or close. The run starts "
        "from three years under the pre-reform rules (the spin-up), then the scenario's "
        "rules apply; month 1 is the first month after that.",
        "每个月政府向居委会下派任务; 清单和准入制度决定居委会可以拒绝哪些任务、由谁出钱。"
        "居委会完成政府事务后剩下的时间用于居民: 走访、协商和处理居民诉求(解决、转给社会"
        "组织或上报)。居民是否参与社区事务, 取决于空闲时间、居住年限、认识的人以及过去参与"
        "是否值得; 他们在太仓幸福社区指数六个维度上的满意度和信任随亲身经历而变化。社会组织"
        "成立、承接项目, 或存续或关闭。每次运行先按改革前的规则模拟三年(预热期), 然后实行"
        "所选情景的规则; 第1个月就是预热期之后的第一个月。"),
    "how_to_use": (
        "Pick a scenario (the stages of the reform, Shanghai's and Chengdu's models) and, "
        "to compare with, a reference: it is drawn dashed, on the same seed, so the two runs "
        "share the same township and the same chance events until their rules differ. Move "
        "the policy sliders and press Reset to start a run with them. Step runs one month; "
        "▶ Play runs month after month until ❚❚ Pause or the horizon (240 months), where the "
        "page says the run has finished. \"Run 10 seeds\" runs the scenario ten times with "
        "other seeds, in the background, and shades the range they span: how much of what "
        "you see is chance; it runs the reference on the same seeds too and says what the "
        "scenario's extra spending buys: yuan per point of the happiness index gained. "
        "\"Download the numbers\" saves every number on the charts, with the parameters "
        "and seeds, as a table.",
        "选择一个情景(改革各阶段、上海模式、成都模式)以及用来比较的参照情景: 参照以虚线显示, "
        "使用相同的随机种子, 因此两次运行在规则不同之前拥有同一个乡镇和同样的随机事件。调整"
        "政策滑块后点击\"重置\", 按新设置开始运行。\"单步\"运行一个月; \"▶ 运行\"逐月运行, "
        "直到点击\"❚❚ 暂停\"或到达终点(240个月), 届时页面会提示运行已结束。\"运行10个随机"
        "种子\"在后台用其他随机种子把该情景再运行十次, 并以阴影显示结果的范围: 你看到的变化"
        "有多少是偶然; 它也用同样的随机种子运行参照情景, 并给出该情景的追加支出换来了什么: "
        "幸福指数每提高一点花费多少元。\"下载数据\"把图上的全部数字连同参数和随机种子"
        "保存为表格。"),
    "notice": (
        "The gap between the solid line (this run) and the dashed line (the reference): "
        "the first months after the rules change, and where the two settle. Which lines "
        "leave the shaded band, and which stay inside it (a difference inside the band may "
        "be chance). Whether the elderly take part more than the young, and whether 3.0's "
        "consultations narrow the gap. How the committees' time moves from government "
        "tasks to residents, and what it does to trust. Spending per resident beside what "
        "it buys: a cost is judged against the reference, by what it adds over it.",
        "实线(本次运行)与虚线(参照)之间的差距: 规则改变后的最初几个月, 以及两者最终稳定在"
        "哪里。哪些线越出了阴影带, 哪些留在带内(带内的差异可能只是偶然)。老年人是否比青年人"
        "参与得更多, 3.0的协商是否缩小了这一差距。居委会的时间如何从政府事务转向居民, 这对"
        "信任有什么影响。人均支出与它带来的变化: 成本要相对参照来判断, 看它比参照多带来了"
        "什么。"),
    "try": (
        "Taicang 1.0 against Before 2008: how much committee time do the lists free? Then "
        "set the access system's strictness to 0 and press Reset. Taicang 3.0 with no "
        "consultations (slider to 0): what happens to the young's participation? Raise "
        "the share of the budget buying services: do social organizations grow, and "
        "does trust in them follow? Chengdu against Taicang 2.0 on the same seed. Run 10 "
        "seeds before you believe a difference.",
        "太仓1.0对比2008年前: 清单为居委会腾出了多少时间? 再把准入制度的严格程度调到0, "
        "点击\"重置\"。太仓3.0把协商次数调到0: 青年人的参与会怎样? 提高购买服务占预算的"
        "比例: 社会组织会增加吗, 对它们的信任会随之上升吗? 在同一随机种子下比较成都模式和"
        "太仓2.0。相信一个差异之前, 先运行10个随机种子。"),
    "credits": (
        "The model's rules are drawn from Chinese-language sources on the reform: press "
        "reports on Taicang's ten years of government–society interaction and on the "
        "national experimental zones for community governance, a Suzhou soft-science report "
        "on community co-governance, a provincial research office's study of the \"Taicang "
        "model\" and a Jiangsu civil-affairs official's account of the province-wide "
        "rollout; and from the research literature on participation, satisfaction and "
        "trust. Every rule names its source in the model description (docs/ODD.md). Built "
        "with Mesa and Solara; the charts are drawn by Vega-Lite. Apart from the age "
        "gradient of participation the model is not calibrated: read its numbers as "
        "directions and rough sizes, not as measurements.",
        "模型的规则取自关于这项改革的中文资料: 关于太仓政社互动十年和全国社区治理实验区的"
        "新闻报道、苏州关于社区共治的软科学研究报告、省级研究机构对\"太仓模式\"的调研, "
        "以及江苏民政部门负责人对全省推广的介绍; 也取自关于居民参与、满意度和信任的研究"
        "文献。每条规则的出处都写在模型说明文档中。本页用 Mesa 和 Solara 搭建, 图表由 Vega-Lite "
        "绘制。除参与率的年龄差异外, 模型未经校准: 请把其中的数字看作方向和大致量级, 而不是"
        "测量值。"),
}


def info_html(lang: str = "en") -> str:
    """The panel's text in ``lang`` as HTML: a heading and a paragraph per section (plain
    HTML: Solara's Markdown would fetch a maths renderer from a CDN, offline in vain)."""
    return "\n".join(f"<h3>{escape(pick(HEADINGS[key], lang))}</h3>\n"
                     f"<p>{escape(pick(BODY[key], lang))}</p>" for key in SECTIONS)
