"""The one-file brief of an experiment (issue 26) in a real browser: headless Debian
Chromium driven by Playwright, offline. Every figure loads from the page itself, nothing
is fetched, the page prints to A4, and the Chinese page has no English interface word.

Uses /usr/bin/chromium (Debian's package ``chromium``), never a downloaded browser; without
it (or without playwright) the test skips, except under ``CI=true``, where it fails.
Screenshots and PDFs go to ``test-artefacts/brief/`` (or ``$COGOV_TEST_ARTEFACTS``).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

from cogov_sim.experiment import brief, compare
from cogov_sim.experiment.api import run_experiment
from cogov_sim.experiment.spec import parse_spec
from cogov_sim.viz.labels import cjk_font

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTEFACTS = Path(os.environ.get("COGOV_TEST_ARTEFACTS",
                                Path(__file__).resolve().parents[1] / "test-artefacts")) / "brief"
A4 = {"width": 794, "height": 1123}  # CSS pixels of an A4 page at 96 dpi


def _require(what: str, present: bool) -> None:
    if not present:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{what} is missing (CI must install it)")
        pytest.skip(f"{what} is missing")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _require(f"Debian's chromium ({CHROMIUM})", os.path.exists(CHROMIUM))
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _require("the Python package playwright (pip install -e '.[test]')", False)
    spec = parse_spec({"name": "brief", "root_seed": 5, "replications": 3, "months": 24,
                       "residents": 300, "residents_per_agent": 1, "spinup_months": 0,
                       "communities": 3, "scenarios": ["baseline", "taicang_1_0", "chengdu"],
                       "title": "Briefing test", "title_zh": "简报测试"})
    out = tmp_path_factory.mktemp("brief") / "run"
    run_experiment(spec, out=out, progress=False)
    return out


def _english_interface_words() -> set[str]:
    """Words of four letters or more in the English page's fixed texts."""
    words = brief.WORDS["en"]
    texts = [v for v in words.values() if isinstance(v, str)] + list(words["figures"].values())
    en = compare._WORDS["en"]
    texts += [*en["head"], *(v for v in en["verdict"].values() if v), en["caption"], en["notes"],
              en["horizon"], en["changing"]]
    cost = compare._COST_WORDS["en"]
    texts += [*cost["head"], *(v for k, v in cost.items() if k != "head")]
    texts = [re.sub(r"cogov-sim|docs/ODD\.md|Fieller", "", t) for t in texts]  # names, not words
    return {w.lower() for t in texts for w in re.findall(r"[A-Za-z]{4,}", t)}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_brief_opens_offline_with_every_figure_and_prints_to_a4(folder: Path,
                                                                     lang: str) -> None:
    from playwright.sync_api import sync_playwright

    if lang == "zh" and not cjk_font():
        _require("a font with Chinese glyphs (fonts-wqy-microhei)", False)
    path = folder / ("brief.html" if lang == "en" else "brief.zh.html")
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    fetched: list[str] = []
    try:
        with sync_playwright() as p:
            ctx = p.chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, headless=True, args=FLAGS, viewport=A4,
                offline=True)
            page = ctx.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: fetched.append(r.url))
            page.goto(path.as_uri(), wait_until="load")
            images = page.evaluate("""[...document.images].map(i =>
                ({complete: i.complete, width: i.naturalWidth, src: i.src.slice(0, 22)}))""")
            text = page.inner_text("body")
            page.screenshot(path=str(ARTEFACTS / f"brief.{lang}.png"), full_page=True)
            pdf = page.pdf(path=str(ARTEFACTS / f"brief.{lang}.pdf"), format="A4")
            ctx.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    assert not errors
    assert [u for u in fetched if not u.startswith(("file:", "data:"))] == []  # no network
    figures = [f for f in brief.FIGURES
               if (folder / "figures" / f"{f}{'' if lang == 'en' else '.zh'}.png").is_file()]
    assert len(images) == len(figures) == 2
    assert all(i["complete"] and i["width"] > 500 and i["src"] == "data:image/png;base64,"
               for i in images), images
    assert pdf[:4] == b"%PDF" and pdf.count(b"/Type /Page") >= 1
    assert ("Briefing test" if lang == "en" else "简报测试") in text
    assert ("Taicang 1.0" if lang == "en" else "太仓1.0") in text
    assert ("Marginal cost against Before 2008" if lang == "en" else "相对2008年前的边际成本") in text
    if lang == "zh":
        found = {w.lower() for w in re.findall(r"[A-Za-z]{4,}", text)}
        assert not found & _english_interface_words(), found & _english_interface_words()
    else:
        assert "Provenance" in text and "Caveats" in text
