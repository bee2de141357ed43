"""The dashboard end to end in a real browser: headless Debian Chromium driven by Playwright.

Starts ``cogov-sim dashboard`` on 127.0.0.1, moves a policy slider, resets, steps, checks
that every chart changed, plays a run to its horizon and sees it finished, runs the
ensemble and sees its bands, downloads the CSV and finds the rows on screen in it, opens
the Info panel, switches to Chinese and checks that no English interface word is left,
and saves screenshots under ``test-artefacts/dashboard/`` (or ``$COGOV_TEST_ARTEFACTS``).
Uses /usr/bin/chromium (Debian's package ``chromium``); never downloads a browser. Without it the test skips,
except under ``CI=true``, where it fails.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from cogov_sim.dashboard import environment

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTEFACTS = Path(os.environ.get("COGOV_TEST_ARTEFACTS",
                                Path(__file__).resolve().parents[1] / "test-artefacts")) / "dashboard"
CHARTS = ".cogov-chart svg.marks"  # the charts Vega draws in the browser, in the page's grid
CHART = CHARTS  # the first: participation by age group
TITLE_EN = "Community co-governance (政社互动): what if?"
TITLE_ZH = "政社互动社区共治模拟: 如果……会怎样?"
NAMES = {"Mesa", "Solara", "Vega", "Lite"}
"""Latin words the Chinese page may show: the names of the software it is built with, in the
Info panel's credits (names, not interface words)."""


def _require(what: str, present: bool) -> None:
    if not present:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{what} is missing (CI must install it)")
        pytest.skip(f"{what} is missing")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=2)
        return True
    except OSError:
        return False


def _start(log_path: Path) -> tuple[subprocess.Popen[bytes], str]:
    """``cogov-sim dashboard`` on a free port, once it answers."""
    port = _free_port()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "cogov_sim", "dashboard", "--port", str(port)],
                                stdout=log, stderr=subprocess.STDOUT, env=environment("en"))
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    while not _answers(url):
        if proc.poll() is not None or time.monotonic() > deadline:
            _stop(proc)
            raise RuntimeError(log_path.read_text(errors="replace"))
        time.sleep(0.25)
    return proc, url


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()  # this command only, by its pid; it stops its solara server
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    _require(f"Debian's chromium ({CHROMIUM})", os.path.exists(CHROMIUM))
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _require("the Python package playwright (pip install -e '.[test]')", False)
    log_path = tmp_path_factory.mktemp("dashboard") / "server.log"
    proc, url = _start(log_path)
    try:
        yield url, log_path
    finally:
        _stop(proc)


def test_terminating_the_command_stops_its_server(tmp_path: Path) -> None:
    proc, url = _start(tmp_path / "server.log")
    _stop(proc)
    deadline = time.monotonic() + 15
    while _answers(url) and time.monotonic() < deadline:
        time.sleep(0.25)
    assert not _answers(url), "the solara server outlived `cogov-sim dashboard`"


@pytest.fixture()
def page() -> Iterator:
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    try:
        with sync_playwright() as p:
            ctx = p.chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, headless=True, args=FLAGS,
                viewport={"width": 1500, "height": 1100})
            pg = ctx.new_page()
            pg.js_errors = []  # type: ignore[attr-defined]
            pg.on("pageerror", lambda e: pg.js_errors.append(str(e)))  # type: ignore[attr-defined]
            yield pg
            ctx.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def _open(page, url: str):  # noqa: ANN001, ANN202
    page.goto(url, wait_until="networkidle")
    step = page.locator(".cogov-step")
    step.wait_for(timeout=60_000)
    page.locator(CHART).first.wait_for(timeout=30_000)
    page.wait_for_function("(sel) => document.querySelectorAll(sel).length >= 7",
                           arg=CHARTS, timeout=30_000)
    return step


def _svgs(page) -> list[str]:  # noqa: ANN001
    """What every chart draws (its SVG), in the order of the page."""
    return page.evaluate("(sel) => [...document.querySelectorAll(sel)].map(e => e.innerHTML)",
                         CHARTS)


def _chart(page) -> tuple[str | None, bytes]:  # noqa: ANN001
    svg = page.locator(CHART).first
    svg.wait_for(timeout=20_000)
    return svg.inner_html(), svg.screenshot()


def _wait_new_chart(page, old: str | None) -> None:  # noqa: ANN001
    page.wait_for_function(
        "([sel, old]) => { const s = document.querySelector(sel); return s && s.innerHTML !== old; }",
        arg=[CHART, old], timeout=20_000)
    page.wait_for_timeout(300)  # let the browser paint


def _steps(page, step, n: int, lang: str = "en") -> None:  # noqa: ANN001
    for _ in range(n):
        step.click()
    shown = rf"· month {n} of 240$" if lang == "en" else rf"· 第{n}个月\(共240个月\)$"
    page.get_by_text(re.compile(shown)).wait_for(timeout=20_000)


def _check_log(log_path: Path) -> None:
    log = log_path.read_text(errors="replace")
    shutil.copy(log_path, ARTEFACTS / "server.log")
    # every front-end file came from solara-assets, none from the (unreachable) CDN
    assert "Could not load URL" not in log
    assert "Traceback" not in log, log[-3000:]
    assert "samesite" not in log, log[-3000:]  # Solara's per-page-load warning is gone


def test_slider_reset_step_language(server: tuple[str, Path], page) -> None:  # noqa: ANN001
    url, log_path = server
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    step = _open(page, url)
    page.get_by_text("levers changed from the preset:").wait_for(timeout=20_000)
    src0, px0 = _chart(page)
    page.screenshot(path=str(ARTEFACTS / "0-start.png"), full_page=True)

    # a slider generated from the metadata, its value and unit in its label
    slider = page.get_by_role("slider", name=re.compile("^Structured resident consultations"))
    slider.focus()
    slider.press("End")
    assert slider.get_attribute("aria-valuenow") == "12"
    page.get_by_text(re.compile(r"^Structured resident consultations.*: 12 per neighbourhood "
                                r"per year$")).wait_for(timeout=20_000)
    page.locator(".cogov-reset").click()
    page.get_by_text(re.compile(r"Structured resident consultations[^;]*: 12 per neighbourhood "
                                r"per year")).nth(1).wait_for(timeout=20_000)

    _steps(page, step, 3)
    _wait_new_chart(page, src0)
    src1, px1 = _chart(page)
    assert px1 != px0, "the participation chart did not change after three steps"
    page.screenshot(path=str(ARTEFACTS / "1-after-steps.png"), full_page=True)

    page.get_by_role("button", name="中文").click()
    page.get_by_text("相对预设调整的政策杠杆:").wait_for(timeout=20_000)
    assert page.get_by_text("情景").count() >= 1
    zh_slider = page.get_by_role("slider", name=re.compile("^每个居民小组"))
    assert zh_slider.get_attribute("aria-valuenow") == "12"  # the run's value, kept
    assert page.get_by_text("本次运行: 太仓1.0 · 第3个月(共240个月)").count() == 1  # the run was kept
    _wait_new_chart(page, src1)
    _, px2 = _chart(page)
    assert px2 != px1, "the chart was not redrawn in Chinese"
    assert "分年龄组参与率" in page.locator(CHART).first.text_content()
    page.screenshot(path=str(ARTEFACTS / "2-chinese.png"), full_page=True)
    assert page.js_errors == [], page.js_errors
    _check_log(log_path)


def test_a_step_redraws_every_chart(server: tuple[str, Path], page) -> None:  # noqa: ANN001
    """One Step: the month shown advances and every chart draws the new month (a dot at
    the latest month of each of this run's lines; the reference's are dashed, no dots)."""
    url, _ = server
    step = _open(page, url)
    before = _svgs(page)
    assert len(before) == 7  # six live charts and the picture of the communities
    _steps(page, step, 1)
    page.wait_for_function(
        "([sel, old]) => [...document.querySelectorAll(sel)].every((e, i) => e.innerHTML !== old[i])",
        arg=[CHARTS, before], timeout=10_000)
    # the latest month's dots: 3 age groups, 6 dimensions, 2 shares, 3 trusts, 1, 1
    dots = page.evaluate("(sel) => [...document.querySelectorAll(sel)].slice(0, 6).map("
                         "e => e.querySelectorAll('.mark-symbol.role-mark path').length)", CHARTS)
    assert dots == [3, 6, 2, 3, 1, 1]
    # this run and the reference (Before 2008, dashed): two lines per outcome
    lines = page.evaluate("(sel) => [...document.querySelectorAll(sel)].slice(0, 6).map("
                          "e => e.querySelectorAll('.mark-line.role-mark path').length)", CHARTS)
    assert lines == [6, 12, 4, 6, 2, 2]
    assert page.js_errors == [], page.js_errors


def test_play_stops_at_the_horizon_and_says_it_has_finished(server: tuple[str, Path],
                                                           page) -> None:  # noqa: ANN001
    """Play runs to month 240, not beyond, and the page says the run has finished."""
    url, _ = server
    _open(page, url)
    page.locator(".cogov-play").click()
    page.get_by_role("button", name="❚❚ Pause").wait_for(timeout=10_000)
    finished = page.get_by_text("Finished: the run has reached its horizon, month 240.")
    finished.wait_for(timeout=180_000)
    page.wait_for_timeout(1500)  # Play would have gone on by now
    assert page.get_by_text(re.compile(r"· month 240 of 240$")).count() == 1
    assert page.locator(".cogov-step").is_disabled()
    assert page.locator(".cogov-play").is_disabled()
    page.screenshot(path=str(ARTEFACTS / "3-finished.png"), full_page=True)
    assert page.js_errors == [], page.js_errors


def test_ensemble_bands_and_csv_download(server: tuple[str, Path], page) -> None:  # noqa: ANN001
    """The ensemble's button runs ten seeds (and the reference on the same seeds) in the
    background: every live chart shades their band and the page gives the marginal cost
    against the reference; the CSV has the parameters, seeds and that cost in its header
    and the rows on screen: this run's months, the reference's and the band's, with the
    values the charts show."""
    url, log_path = server
    page.set_viewport_size({"width": 1280, "height": 800})
    step = _open(page, url)
    _steps(page, step, 2)
    assert page.evaluate("(sel) => document.querySelectorAll(sel + ' .mark-area path').length",
                         CHARTS) == 0
    page.locator(".cogov-ensemble").click()
    page.get_by_text(re.compile(r"shaded: lowest to highest of 10 seeds")).wait_for(timeout=180_000)
    page.wait_for_function(
        "(sel) => [...document.querySelectorAll(sel)].slice(0, 6).every(e => [...e.querySelectorAll("
        "'.mark-area path')].some(p => (p.getAttribute('d') || '').length > 100))",
        arg=CHARTS, timeout=20_000)
    page.wait_for_timeout(500)
    # the reference ran on the same seeds: the marginal cost, paired, never level/spend
    page.get_by_text(re.compile(r"^Against Before 2008, 10 paired seeds, last 12 months.*"
                                r"Extra spending .* yuan per resident a year; Happiness index"
                                )).wait_for(timeout=10_000)
    page.screenshot(path=str(ARTEFACTS / "6-ensemble.png"))
    shown = page.evaluate("(sel) => [...document.querySelector(sel).querySelectorAll("
                          "'.mark-symbol.role-mark path')].map(e => e.getAttribute('aria-label'))",
                          CHART)

    with page.expect_download() as download:
        page.locator("text=Download the numbers (CSV)").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    (ARTEFACTS / "numbers.csv").write_text(text, encoding="utf-8")
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert any("seed 42" in line for line in header)
    assert any(line.startswith("# levers:") and "Structured resident consultations" in line
               for line in header)
    assert any(line.startswith("# ensemble: 10 × Taicang 1.0") for line in header)
    assert any(line.startswith("# Against Before 2008, 10 paired seeds") for line in header)
    rows = list(csv.DictReader(io.StringIO("\n".join(
        line for line in text.splitlines() if not line.startswith("#")))))
    outcomes = {r["outcome"] for r in rows if r["chart"] != "Happiness index by community"}
    assert len(outcomes) == 16
    this = [r for r in rows if r["this run"] and r["chart"] != "Happiness index by community"]
    ref = [r for r in rows if r["reference"]]
    band = [r for r in rows if r["lowest of 10 seeds"]]
    assert {int(r["month"]) for r in this} == {1, 2} and len(this) == len(ref) == 16 * 2
    assert len(band) == 16 * 240
    assert sum(r["chart"] == "Happiness index by community" for r in rows) == 20
    # the dots of the first chart (month 2) against the CSV's values
    for label in shown:
        series = re.search(r"series: ([^;]+)", label).group(1)
        percent = int(re.search(r"share: (\d+)%", label).group(1))
        row = next(r for r in this if r["month"] == "2" and r["legend"] == series)
        assert round(float(row["this run"]) * 100) == percent, (label, row)
    assert page.js_errors == [], page.js_errors
    _check_log(log_path)  # the ensemble's worker processes said nothing either


def test_title_picker_and_layout_at_1280x800(server: tuple[str, Path], page) -> None:  # noqa: ANN001
    url, _ = server
    page.set_viewport_size({"width": 1280, "height": 800})
    _open(page, url)
    assert page.title() == TITLE_EN
    # at least four charts whole in the window, and no legend wider than its chart
    boxes = page.evaluate("(sel) => [...document.querySelectorAll(sel)].map(e => {"
                          " const r = e.getBoundingClientRect();"
                          " return [r.top, r.bottom, r.left, r.right]; })",
                          CHARTS)
    whole = [b for b in boxes if b[0] >= 0 and b[1] <= 800 and b[2] >= 0 and b[3] <= 1280]
    assert len(whole) >= 4, boxes
    overflow = page.evaluate("(sel) => [...document.querySelectorAll(sel)].filter(svg => {"
                             " const box = svg.getBoundingClientRect();"
                             " return [...svg.querySelectorAll('.role-legend')].some(l => {"
                             "  const r = l.getBoundingClientRect();"
                             "  return r.left < box.left - 1 || r.right > box.right + 1; }); }).length",
                             CHARTS)
    assert overflow == 0
    # no legend entry cut short (Vega ends a label that does not fit with "…")
    cut = page.evaluate("(sel) => [...document.querySelectorAll(sel + ' .role-legend-label text')]"
                        ".filter(t => t.textContent.includes('…')).length", CHARTS)
    assert cut == 0
    # the scenario picker: display names with a one-line description
    page.locator(".cogov-scenario").click()
    page.get_by_text("Chengdu — all community services outsourced to social organizations",
                     exact=False).wait_for(timeout=10_000)
    assert page.get_by_text("taicang_1_0", exact=True).count() == 0
    page.screenshot(path=str(ARTEFACTS / "4-1280x800.png"))
    page.keyboard.press("Escape")
    page.get_by_role("button", name="中文").click()
    page.wait_for_function("(t) => document.title === t", arg=TITLE_ZH, timeout=20_000)


def test_info_panel_in_both_languages(server: tuple[str, Path], page) -> None:  # noqa: ANN001
    url, _ = server
    page.set_viewport_size({"width": 1280, "height": 800})
    _open(page, url)
    page.locator(".cogov-info-button").click()
    for heading in ("What is it?", "How it works", "How to use it", "Things to notice",
                    "Things to try", "Credits and sources"):
        page.get_by_role("heading", name=heading).wait_for(timeout=10_000)
    page.wait_for_timeout(600)  # the dialog's fade-in
    page.screenshot(path=str(ARTEFACTS / "7-info.png"))
    page.locator(".cogov-info-close").click()
    page.get_by_role("button", name="中文").click()
    page.locator(".cogov-info-button").click()
    for heading in ("这是什么?", "模型如何运作", "如何使用", "值得留意", "不妨试试", "致谢与资料来源"):
        page.get_by_role("heading", name=heading).wait_for(timeout=10_000)
    page.wait_for_timeout(600)
    page.screenshot(path=str(ARTEFACTS / "8-info-zh.png"))


def test_chinese_page_has_no_english_words(server: tuple[str, Path], page) -> None:  # noqa: ANN001
    """Every word of the Chinese page in Chinese, after a step: the side panel (buttons,
    sliders, the ensemble's button, the download), the header (pickers, language switch,
    Info), the run, the charts' titles, axes and legends, the communities' toggle, the
    scenario menu and the Info panel. Only software names (:data:`NAMES`) are Latin."""
    url, _ = server
    page.set_viewport_size({"width": 1280, "height": 800})
    step = _open(page, url)
    _steps(page, step, 1)
    page.get_by_role("button", name="中文").click()
    page.get_by_text("本次运行: 太仓1.0 · 第1个月(共240个月)").wait_for(timeout=20_000)
    page.wait_for_function("(sel) => document.querySelector(sel).textContent.includes('分年龄组')",
                           arg=CHART, timeout=20_000)
    page.screenshot(path=str(ARTEFACTS / "5-chinese.png"))
    page.locator(".cogov-scenario").click()
    page.get_by_text("成都模式 — 社区服务全部外包给社会组织", exact=False).wait_for(timeout=10_000)
    menu = page.evaluate("() => [...document.querySelectorAll('.v-menu__content')]"
                         ".map(e => e.innerText).join(' ')")
    page.keyboard.press("Escape")
    page.locator(".cogov-info-button").click()
    page.get_by_role("heading", name="这是什么?").wait_for(timeout=10_000)
    text = page.evaluate("() => [document.body.innerText, document.title,"
                         " ...[...document.querySelectorAll('svg')].map(e => e.textContent)]"
                         ".join(' ')")
    english = set(re.findall(r"[A-Za-z]{2,}", f"{text} {menu}")) - NAMES
    assert english == set(), sorted(english)
    assert page.js_errors == [], page.js_errors
