"""The one-file briefs of ``experiment``, ``discover``, ``validate`` and ``rollout``
(issue 26) in a real browser: headless Debian Chromium driven by Playwright, offline.
Every figure loads from the page itself, nothing is fetched, the page prints to A4, and
the Chinese page has no English interface word (text a page marks ``lang="en"`` quotes an
English source and is left out of that check).

Uses /usr/bin/chromium (Debian's package ``chromium``), never a downloaded browser; without
it (or without playwright) the test skips, except under ``CI=true``, where it fails.
Screenshots and PDFs go to ``test-artefacts/brief/`` (or ``$COGOV_TEST_ARTEFACTS``).
Each study is small (a few seconds).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from cogov_sim.viz.labels import cjk_font

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTEFACTS = Path(os.environ.get("COGOV_TEST_ARTEFACTS",
                                Path(__file__).resolve().parents[1] / "test-artefacts")) / "brief"
A4 = {"width": 794, "height": 1123}  # CSS pixels of an A4 page at 96 dpi
NAMES = r"cogov-sim|docs/ODD\.md|Fieller|EMA Workbench|PRIM|did2s|Gardner|Callaway-Sant'Anna"
"""Names, not words: they stay as they are on the Chinese page."""


def _require(what: str, present: bool) -> None:
    if not present:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{what} is missing (CI must install it)")
        pytest.skip(f"{what} is missing")


@pytest.fixture(scope="module")
def browser_ready() -> None:
    _require(f"Debian's chromium ({CHROMIUM})", os.path.exists(CHROMIUM))
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _require("the Python package playwright (pip install -e '.[test]')", False)


# -- the studies (spec names are not English words, so the word check cannot trip on them) --

def _experiment(out: Path) -> None:
    from cogov_sim.experiment.api import run_experiment
    from cogov_sim.experiment.spec import parse_spec

    run_experiment(parse_spec({
        "name": "bx26", "root_seed": 5, "replications": 3, "months": 24, "residents": 300,
        "residents_per_agent": 1, "spinup_months": 0, "communities": 3,
        "scenarios": ["baseline", "taicang_1_0", "chengdu"], "title": "Briefing test",
        "title_zh": "简报测试"}), out=out, progress=False)


def _discover(out: Path) -> None:
    pytest.importorskip("ema_workbench")
    from cogov_sim.discovery.api import run_discovery
    from cogov_sim.discovery.spec import parse_spec

    run_discovery(parse_spec({
        "name": "bd26", "root_seed": 3, "replications": 2, "n": 12, "scenario": "taicang_1_0",
        "months": 6, "residents": 200, "communities": 1, "presets": ["baseline"],
        "levers": ["consultations_per_year", "list_strictness"],
        "goal": {"all": [{"outcome": "participation_rate", "at_least": 0.41}]}}),
        out=out, progress=False)


def _validate(out: Path) -> None:
    from cogov_sim.validation.api import run_validation
    from cogov_sim.validation.spec import parse_validation

    run_validation(parse_validation({
        "name": "bv26", "root_seed": 3, "replications": 2, "residents": 1200, "communities": 2,
        "residents_per_agent": 10, "spinup_months": 12, "months": 24,
        "patterns": ["C2", "P1", "P5n"], "calibrated_on": ["C2"]}, "bv26.toml"), out=out,
        progress=False)


def _rollout(out: Path) -> None:
    pytest.importorskip("pyfixest")
    from cogov_sim.panel.api import run_rollout_study
    from cogov_sim.panel.rollout import parse_rollout

    run_rollout_study(parse_rollout({
        "name": "br26", "root_seed": 5, "townships": 4, "residents_per_agent": 1,
        "spinup_months": 0, "residents_per_community": 150, "start_year": 2010,
        "end_year": 2013, "outcomes": ["happiness_index", "admin_burden"],
        "ranges": {"n_residents": [300, 450], "share_elderly": [0.15, 0.35]},
        "adoption": [{"year": 2012, "share": 0.25}, {"year": 2013, "share": 0.5}]}),
        out=out, progress=False)


STUDIES = {"experiment": _experiment, "discover": _discover, "validate": _validate,
           "rollout": _rollout}
TITLES = {"experiment": ("Briefing test", "简报测试"),
          "discover": ("Policy exploration from Taicang 1.0", "以太仓1.0为起点的政策探索"),
          "validate": ("Validation against the reported patterns", "对照已报告模式的模型检验"),
          "rollout": ("Staggered adoption of Taicang 1.0", "4个镇分批推行太仓1.0")}
"""A text each page must show (its title), English and Chinese."""


def _figures(command: str) -> list[str]:
    """The figures (stems) a command's brief shows where they were drawn."""
    if command == "experiment":
        from cogov_sim.experiment.brief import FIGURES

        return list(FIGURES["en"])
    if command == "discover":
        from cogov_sim.discovery.summary import CAPTIONS

        return list(CAPTIONS["en"])
    return ["validation"] if command == "validate" else ["event_study"]


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)


def _english_interface_words(command: str) -> set[str]:
    """Words of four letters or more in the English page's fixed texts: the shared page's
    and the command's own (placeholders and names left out)."""
    from cogov_sim.viz import brief as page

    sources: list[object] = [page.WORDS["en"]]
    if command == "experiment":
        from cogov_sim.experiment import brief, compare

        sources += [brief.WORDS["en"], brief.FIGURES["en"], compare._WORDS["en"],
                    compare._COST_WORDS["en"]]
    elif command == "discover":
        from cogov_sim.discovery import api, brief, summary

        sources += [brief.WORDS["en"], summary._T["en"], summary.CAPTIONS["en"],
                    api.NOTES["en"]]
    elif command == "validate":
        from cogov_sim.validation import api, brief, report

        sources += [brief.WORDS["en"], report.WORDS["en"], api.EVIDENCE]
    else:
        from cogov_sim.panel import brief
        from cogov_sim.viz.stages import ESTIMATOR_NAMES

        sources += [brief.WORDS["en"], ESTIMATOR_NAMES["en"]]
    texts = [re.sub(NAMES, "", re.sub(r"\{[^}]*\}", "", t)) for t in _strings(sources)]
    return {w.lower() for t in texts for w in re.findall(r"[A-Za-z]{4,}", t)}


@pytest.fixture(scope="module", params=list(STUDIES))
def study(request: pytest.FixtureRequest, browser_ready: None,
          tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """One command's study (run once for both languages) and its folder."""
    command = request.param
    out = tmp_path_factory.mktemp(command) / "run"
    STUDIES[command](out)
    return command, out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_brief_opens_offline_with_every_figure_and_prints_to_a4(
        study: tuple[str, Path], lang: str) -> None:
    from playwright.sync_api import sync_playwright

    if lang == "zh" and not cjk_font():
        _require("a font with Chinese glyphs (fonts-wqy-microhei)", False)
    command, folder = study
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
            own = page.evaluate("""(() => { const body = document.body.cloneNode(true);
                body.querySelectorAll('[lang="en"]').forEach(e => e.remove());
                return body.textContent; })()""")
            page.screenshot(path=str(ARTEFACTS / f"{command}.{lang}.png"), full_page=True)
            pdf = page.pdf(path=str(ARTEFACTS / f"{command}.{lang}.pdf"), format="A4")
            ctx.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    assert not errors
    assert [u for u in fetched if not u.startswith(("file:", "data:"))] == []  # no network
    suffix = "" if lang == "en" else ".zh"
    drawn = [s for s in _figures(command) if (folder / "figures" / f"{s}{suffix}.png").is_file()]
    assert len(images) == len(drawn) >= 1
    assert all(i["complete"] and i["width"] > 500 and i["src"] == "data:image/png;base64,"
               for i in images), images
    assert pdf[:4] == b"%PDF" and pdf.count(b"/Type /Page") >= 1
    assert TITLES[command][lang == "zh"] in text
    if lang == "zh":
        found = {w.lower() for w in re.findall(r"[A-Za-z]{4,}", own)}
        english = _english_interface_words(command)
        assert not found & english, found & english
        assert "来源" in text and "注意事项" in text
    else:
        assert "Provenance" in text and "Caveats" in text and "Question" in text
    if command == "experiment":
        assert ("Taicang 1.0" if lang == "en" else "太仓1.0") in text
        assert ("Marginal cost against Before 2008" if lang == "en"
                else "相对2008年前的边际成本") in text
