"""The notebooks: six, each built in English and Chinese from one jupytext source, thin,
committed executed; and the classroom lab's answer key, checked against the runs.

Executing them is nbmake's job (``--nbmake`` in pytest's addopts, ``notebooks`` in
testpaths): every cell of every ``notebooks/*.ipynb``, the ``.zh.ipynb`` ones included,
runs in the suite and a failing cell fails the build (``notebooks/conftest.py`` skips the
Chinese ones without a CJK font, except under ``CI=true``). These tests check what nbmake
cannot: that the committed notebooks are what their sources build
(``notebooks/build.py``), that the Chinese ones are Chinese, and thinness.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
from pathlib import Path

import jupytext
import nbformat
import numpy as np
import pandas as pd
import pytest

from cogov_sim.classroom import LAB_SCENARIOS, answer_key, last_year_means

FOLDER = Path(__file__).parents[1] / "notebooks"
SOURCES = sorted(FOLDER.glob("[0-9][0-9]_*.py"))
NOTEBOOKS = sorted(FOLDER.glob("[0-9][0-9]_*.ipynb"))
CHINESE = [p for p in NOTEBOOKS if p.name.endswith(".zh.ipynb")]


def _build_module():  # noqa: ANN202 - notebooks/build.py, imported by path (not a package)
    spec = importlib.util.spec_from_file_location("notebook_build", FOLDER / "build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("notebook_build", module)
    spec.loader.exec_module(module)
    return module


build = _build_module()


def _cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_six_sources_each_built_in_english_and_chinese() -> None:
    assert [p.name[:2] for p in SOURCES] == ["01", "02", "03", "04", "05", "06"]
    expected = sorted(str(build.target(s, lang).name) for s in SOURCES for lang in ("en", "zh"))
    assert sorted(p.name for p in NOTEBOOKS) == expected


@pytest.mark.parametrize("source", SOURCES, ids=[p.name for p in SOURCES])
def test_committed_notebooks_are_what_the_source_builds(source: Path) -> None:
    """Edited the source and forgot `python notebooks/build.py`? This fails."""
    assert build.stale(source) == []


@pytest.mark.parametrize("source", SOURCES, ids=[p.name for p in SOURCES])
def test_every_text_cell_has_its_translation(source: Path) -> None:
    """Language-tagged Markdown cells come in pairs, English then Chinese, with the same
    headings level by level; no untagged prose (it would be one language in both)."""
    cells = jupytext.read(source).cells
    tags = [c.metadata.get("lang") for c in cells if c.cell_type == "markdown"]
    assert None not in tags, f"{source.name}: a Markdown cell has no lang tag"
    assert tags == ["en", "zh"] * (len(tags) // 2), f"{source.name}: tags {tags}"
    md = [c.source for c in cells if c.cell_type == "markdown"]
    for en, zh in zip(md[::2], md[1::2], strict=True):
        assert _cjk(zh), zh[:80]
        levels = [re.findall(r"^(#+) ", text, re.M) for text in (en, zh)]
        assert levels[0] == levels[1], f"{source.name}: headings differ:\n{en[:80]}\n{zh[:80]}"


@pytest.mark.parametrize("path", CHINESE, ids=[p.name for p in CHINESE])
def test_chinese_notebook_is_chinese(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata["cogov_sim"]["lang"] == "zh"
    assert 'LANG = "zh"' in "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert all(_cjk(c.source) for c in nb.cells if c.cell_type == "markdown")
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    text = "\n".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
                     for o in outputs)
    assert "Glyph" not in text, "a Chinese figure is missing glyphs (no CJK font in the kernel?)"
    assert _cjk(text), "nothing Chinese in the outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_committed_executed_and_thin(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    assert "jupytext" not in nb.metadata, "a built notebook is not paired (the source is the .py)"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.get("execution_count") for c in code), "commit the notebook executed"
    assert not any(o.get("output_type") == "error" for c in code for o in c.get("outputs", []))
    source = "\n".join(line for c in code for line in c.source.splitlines()
                       if not line.startswith("%"))  # IPython magics are not Python
    tree = ast.parse(source)
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import)
                for a in n.names}
    imported |= {n.module.split(".")[0] for n in ast.walk(tree)
                 if isinstance(n, ast.ImportFrom) and n.module}
    assert "cogov_sim" in imported
    assert not any(isinstance(n, ast.ClassDef) for n in ast.walk(tree)), "no model logic here"
    assert not re.search(r"np\.random|import random\b", source), "randomness goes through seeds"


def test_things_to_notice_and_to_try_in_every_notebook() -> None:
    for source in SOURCES:
        text = source.read_text("utf-8")
        for heading in ("## Things to notice", "## Things to try", "## 值得注意的现象",
                        "## 动手试一试"):
            assert heading in text, f"{source.name} has no '{heading}'"


def test_cost_is_marginal_in_every_notebook() -> None:
    """Cost figures use the marginal cost against a reference, never level over spending."""
    for source in SOURCES:
        code = "\n".join(c.source for c in jupytext.read(source).cells if c.cell_type == "code")
        assert not re.search(r"happiness_index\"?\]?\s*/\s*\S*spend", code), source.name


# -- the classroom lab's answer key --------------------------------------------------------
def _lab_key_cell_uses_answer_key() -> bool:
    code = [c.source for c in jupytext.read(FOLDER / "05_classroom_lab.py").cells
            if c.cell_type == "code"]
    return any("answer_key(means, result.summary)" in c for c in code)


def test_lab_answer_key_is_computed_not_written() -> None:
    assert _lab_key_cell_uses_answer_key()
    for path in (FOLDER / "05_classroom_lab.ipynb", FOLDER / "05_classroom_lab.zh.ipynb"):
        nb = nbformat.read(path, as_version=4)
        printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                          for o in c.get("outputs", []) if "answer_key(" in c.source)
        assert [line[:3] for line in printed.splitlines()] == ["Q1:", "Q2:", "Q3:", "Q4:"], printed


LAB_OUTCOMES = ("admin_burden", "participation_young", "participation_elderly",
                "happiness_index", "trust_so", "so_per_10k")


def _means(**columns: dict[str, float]) -> pd.DataFrame:
    """Last-year means by scenario: 0.5 everywhere but where given."""
    frame = pd.DataFrame(0.5, index=list(LAB_SCENARIOS), columns=list(LAB_OUTCOMES))
    for name, values in columns.items():
        for scenario, value in values.items():
            frame.loc[scenario, name] = value
    return frame


def _summary(costs: dict[str, tuple[float, float, str]]) -> pd.DataFrame:
    rows = [{"measure": "end", "outcome": "happiness_index", "scenario": s, "difference": d,
             "cost_difference": c, "marginal_cost": c / d if v == "cost" else np.nan,
             "cost_verdict": v} for s, (d, c, v) in costs.items()]
    return pd.DataFrame(rows)


def test_q2_reports_ratio_and_gap_each_in_its_own_direction() -> None:
    """The case of the wrong Q2 key: the ratio narrows while the absolute gap widens."""
    young = dict.fromkeys(LAB_SCENARIOS, 0.07) | {"taicang_3_0": 0.13}
    elderly = dict.fromkeys(LAB_SCENARIOS, 0.28) | {"taicang_3_0": 0.38}
    means = _means(admin_burden=dict.fromkeys(LAB_SCENARIOS, 0.4) | {"baseline": 0.8},
                   participation_young=young, participation_elderly=elderly,
                   happiness_index={"chengdu": 52.0}, trust_so={"chengdu": 0.6},
                   so_per_10k={"chengdu": 26.0})
    key = answer_key(means, _summary({"taicang_1_0": (2.0, 12.0, "cost")}))
    q2 = key[1]
    assert q2.facts["ratio_narrower"] and not q2.facts["gap_narrower"]
    assert "(narrower)" in q2.en and "0.210 → 0.250 (wider)" in q2.en
    assert "（缩小）" in q2.zh and "0.210 → 0.250（扩大）" in q2.zh
    assert key[0].facts["cut"] == pytest.approx(0.5) and "50%" in key[0].en and "50%" in key[0].zh
    assert key[2].facts["cheapest"] == "taicang_1_0" and "6 yuan" in key[2].en
    assert key[2].facts["same"] is False and "否" in key[2].zh
    assert key[3].facts["highest"] == "chengdu" and "Chengdu" in key[3].en and "成都" in key[3].zh


def test_q3_says_so_when_no_gain_is_distinguishable() -> None:
    means = _means(admin_burden={"baseline": 0.8}, happiness_index={"chengdu": 52.0})
    key = answer_key(means, _summary({"taicang_1_0": (0.1, 12.0, "unclear")}))
    assert "cheapest" not in key[2].facts
    assert "no scenario raises happiness" in key[2].en and _cjk(key[2].zh)


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    from cogov_sim.experiment import run_experiment
    from cogov_sim.experiment.spec import parse_spec

    spec = parse_spec({"name": "lab_test", "root_seed": 3, "replications": 3,
                       "scenarios": list(LAB_SCENARIOS), "months": 24, "residents": 4_000,
                       "communities": 2, "residents_per_agent": 10, "spinup_months": 12})
    result = run_experiment(spec, out=tmp_path_factory.mktemp("lab"), progress=False,
                            figures=False)
    return result, result.outcomes()


def test_every_answer_of_the_lab_agrees_with_the_runs(lab) -> None:  # noqa: ANN001
    result, data = lab
    means = last_year_means(data)
    # the means, recomputed here: replications and the last 12 months pooled
    last = data[data["month"] > data["month"].max() - 12]
    assert means["admin_burden"].to_dict() == pytest.approx(
        last.groupby("scenario")["admin_burden"].mean().to_dict())
    key = answer_key(means, result.summary)
    q1, q2, q3, q4 = (a.facts for a in key)

    burden = means["admin_burden"]
    assert q1["smallest"] == burden.idxmin() and q1["smallest_value"] == burden.min()
    assert q1["cut"] == pytest.approx(1 - burden["taicang_1_0"] / burden["baseline"])

    young, old = means["participation_young"], means["participation_elderly"]
    assert q2["elderly_most_everywhere"] == bool((old > young).all())
    assert q2["ratio_narrower"] == bool(old["taicang_3_0"] / young["taicang_3_0"]
                                        < old["baseline"] / young["baseline"])
    assert q2["gap_narrower"] == bool(old["taicang_3_0"] - young["taicang_3_0"]
                                      < old["baseline"] - young["baseline"])

    happy = result.summary.query("measure == 'end' and outcome == 'happiness_index'")
    priced = happy[happy["cost_verdict"] == "cost"].set_index("scenario")
    assert q3["happiest"] == means["happiness_index"].idxmax()
    if len(priced):
        # the marginal cost is the extra spending over the extra happiness, both paired
        ratio = priced["cost_difference"] / priced["difference"]
        assert q3["cheapest"] == ratio.idxmin()
        assert q3["cheapest_cost"] == pytest.approx(ratio.min(), rel=1e-6)
        assert q3["same"] == (ratio.idxmin() == q3["happiest"])
    assert q4["highest"] == means["trust_so"].idxmax()
    assert q4["highest_value"] == means["trust_so"].max()

    for answer in key:
        assert answer.en and _cjk(answer.zh)
        numbers = re.findall(r"\d+\.\d+|\d+%", answer.en)
        assert numbers and all(n in answer.zh for n in numbers), (answer.en, answer.zh)
