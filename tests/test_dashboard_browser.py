"""The dashboard end to end in a real browser: headless Debian Chromium driven by Playwright.

Starts ``cogov-sim dashboard`` on 127.0.0.1, moves a policy slider, resets, steps, checks
that the charts changed, plays a run to its horizon, switches to Chinese and checks that
what the page adds has no English words left, and saves screenshots
under ``test-artefacts/dashboard/`` (or ``$COGOV_TEST_ARTEFACTS``). Uses /usr/bin/chromium
(Debian's package ``chromium``); never downloads a browser. Without it the test skips,
except under ``CI=true``, where it fails.
"""

from __future__ import annotations

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
MESA_WORDS = {"Reset", "Step", "Play"}
"""English words the Chinese page may still show: the names of Mesa's buttons, which the
page's instructions refer to (Mesa's side panel is not translated yet)."""


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
    step = page.get_by_role("button", name="Step", exact=True)
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


def test_slider_reset_step_language(server: tuple[str, Path], page) -> None:  # noqa: ANN001
    url, log_path = server
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    step = _open(page, url)
    page.get_by_text("levers changed from the preset:").wait_for(timeout=20_000)
    src0, px0 = _chart(page)
    page.screenshot(path=str(ARTEFACTS / "0-start.png"), full_page=True)

    # a slider generated from the metadata: consultations per neighbourhood per year
    slider = page.get_by_role("slider", name=re.compile("^Structured resident consultations"))
    slider.focus()
    slider.press("End")
    assert slider.get_attribute("aria-valuenow") == "12"
    page.get_by_role("button", name="Reset").click()
    page.get_by_text(re.compile(r"Structured resident consultations[^;]*: 12 per neighbourhood "
                                r"per year")).wait_for(timeout=20_000)

    for _ in range(3):
        step.click()
    page.get_by_text(re.compile(r"· month 3 of 240$")).wait_for(timeout=20_000)
    _wait_new_chart(page, src0)
    src1, px1 = _chart(page)
    assert px1 != px0, "the participation chart did not change after three steps"
    page.screenshot(path=str(ARTEFACTS / "1-after-steps.png"), full_page=True)

    page.get_by_role("button", name="ZH").click()
    page.get_by_text("相对预设调整的政策杠杆:").wait_for(timeout=20_000)
    assert page.get_by_text("情景").count() >= 1
    zh_slider = page.get_by_role("slider", name=re.compile("^每个居民小组"))
    assert zh_slider.get_attribute("aria-valuenow") == "12"  # the run's value, kept
    assert page.get_by_text("本次运行: 太仓1.0 · 第3个月(共240个月)").count() == 1  # the model was kept
    _wait_new_chart(page, src1)
    _, px2 = _chart(page)
    assert px2 != px1, "the chart was not redrawn in Chinese"
    assert "分年龄组参与率" in page.locator(CHART).first.text_content()
    page.screenshot(path=str(ARTEFACTS / "2-chinese.png"), full_page=True)

    assert page.js_errors == [], page.js_errors
    log = log_path.read_text(errors="replace")
    shutil.copy(log_path, ARTEFACTS / "server.log")
    # every front-end file came from solara-assets, none from the (unreachable) CDN
    assert "Could not load URL" not in log
    assert "Traceback" not in log, log[-3000:]


def test_a_step_redraws_every_chart(server: tuple[str, Path], page) -> None:  # noqa: ANN001
    """One Step: the month shown advances and every chart draws the new month (a dot at
    the latest month of each line)."""
    url, _ = server
    step = _open(page, url)
    before = _svgs(page)
    assert len(before) == 7  # six live charts and the picture of the communities
    step.click()
    page.get_by_text(re.compile(r"· month 1 of 240$")).wait_for(timeout=20_000)
    page.wait_for_function(
        "([sel, old]) => [...document.querySelectorAll(sel)].every((e, i) => e.innerHTML !== old[i])",
        arg=[CHARTS, before], timeout=10_000)
    # the latest month's dots: 3 age groups, 6 dimensions, 2 shares, 3 trusts, 1, 1
    dots = page.evaluate("(sel) => [...document.querySelectorAll(sel)].slice(0, 6).map("
                         "e => e.querySelectorAll('.mark-symbol.role-mark path').length)", CHARTS)
    assert dots == [3, 6, 2, 3, 1, 1]
    assert page.js_errors == [], page.js_errors


def test_play_stops_at_the_horizon_and_says_it_has_finished(server: tuple[str, Path],
                                                           page) -> None:  # noqa: ANN001
    """Play with a render interval that does not divide the horizon (7 months a step):
    the run stops at month 240, not 245, and the page says it has finished."""
    url, _ = server
    _open(page, url)
    render = page.get_by_role("slider", name=re.compile("^Render Interval"))
    render.focus()
    for _ in range(3):
        render.press("ArrowRight")  # 1 → 3 → 5 → 7 (Mesa's slider moves by 2)
    assert render.get_attribute("aria-valuenow") == "7"
    page.get_by_role("button", name="▶").click()
    finished = page.get_by_text("Finished: the run has reached its horizon, month 240.")
    finished.wait_for(timeout=120_000)
    page.wait_for_timeout(1500)  # Play would have gone on by now
    assert page.get_by_text(re.compile(r"· month 240 of 240$")).count() == 1
    assert page.get_by_role("button", name="Step", exact=True).is_disabled()
    page.screenshot(path=str(ARTEFACTS / "3-finished.png"), full_page=True)
    assert page.js_errors == [], page.js_errors


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
    # the scenario picker: display names with a one-line description
    page.locator(".cogov-header .v-select").click()
    page.get_by_text("Chengdu — all community services outsourced to social organizations",
                     exact=False).wait_for(timeout=10_000)
    assert page.get_by_text("taicang_1_0", exact=True).count() == 0
    page.screenshot(path=str(ARTEFACTS / "4-1280x800.png"))
    page.keyboard.press("Escape")
    page.get_by_role("button", name="ZH").click()
    page.wait_for_function("(t) => document.title === t", arg=TITLE_ZH, timeout=20_000)


def test_chinese_page_has_no_english_words(server: tuple[str, Path], page) -> None:  # noqa: ANN001
    """Everything the page adds to Mesa's panel (header, picker, run, charts' titles, axes
    and legends, the communities' toggle) in Chinese, after a step."""
    url, _ = server
    step = _open(page, url)
    step.click()
    page.get_by_text(re.compile(r"· month 1 of 240$")).wait_for(timeout=20_000)
    page.get_by_role("button", name="ZH").click()
    page.get_by_text("本次运行: 太仓1.0 · 第1个月(共240个月)").wait_for(timeout=20_000)
    page.wait_for_function("(sel) => document.querySelector(sel).textContent.includes('分年龄组')",
                           arg=CHART, timeout=20_000)
    page.locator(".cogov-header .v-select").click()
    page.get_by_text("成都模式 — 社区服务全部外包给社会组织", exact=False).wait_for(timeout=10_000)
    text = page.evaluate("() => [document.querySelector('.cogov-page').innerText,"
                         " ...[...document.querySelectorAll('.cogov-page svg, .v-menu__content')]"
                         ".map(e => e.textContent)].join(' ')")
    english = set(re.findall(r"[A-Za-z]{2,}", text)) - MESA_WORDS - {"EN", "ZH"}
    assert english == set(), sorted(english)
    page.screenshot(path=str(ARTEFACTS / "5-chinese-menu.png"))
