"""The dashboard end to end in a real browser: headless Debian Chromium driven by Playwright.

Starts ``cogov-sim dashboard`` on 127.0.0.1, moves a policy slider, resets, steps, checks
that a chart changed, switches to Chinese and checks Chinese labels, and saves screenshots
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
CHART = ".vue-grid-item img"  # the first chart: participation by age group


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


def _chart(page) -> tuple[str | None, bytes]:  # noqa: ANN001
    img = page.locator(CHART).first
    img.wait_for(timeout=20_000)
    return img.get_attribute("src"), img.screenshot()


def _wait_new_chart(page, old_src: str | None) -> None:  # noqa: ANN001
    page.wait_for_function(
        "([sel, old]) => { const i = document.querySelector(sel); return i && i.src !== old; }",
        arg=[CHART, old_src], timeout=20_000)
    page.wait_for_timeout(400)  # let the new PNG paint


def test_slider_reset_step_language(server: tuple[str, Path], page) -> None:  # noqa: ANN001
    url, log_path = server
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.goto(url, wait_until="networkidle")
    step = page.get_by_role("button", name="Step")
    step.wait_for(timeout=60_000)
    page.get_by_text("levers changed from the preset:").wait_for(timeout=20_000)
    src0, px0 = _chart(page)
    page.screenshot(path=str(ARTEFACTS / "0-start.png"), full_page=True)

    # a slider generated from the metadata: consultations per neighbourhood per year
    slider = page.get_by_role("slider", name=re.compile("^Structured resident consultations"))
    slider.focus()
    slider.press("End")
    assert slider.get_attribute("aria-valuenow") == "12"
    page.get_by_role("button", name="Reset").click()
    page.get_by_text("consultations_per_year = 12 ·", exact=False).wait_for(timeout=20_000)

    for _ in range(3):
        step.click()
    page.get_by_text(re.compile(r"· month 3$")).wait_for(timeout=20_000)
    _wait_new_chart(page, src0)
    src1, px1 = _chart(page)
    assert px1 != px0, "the participation chart did not change after three steps"
    page.screenshot(path=str(ARTEFACTS / "1-after-steps.png"), full_page=True)

    page.get_by_role("button", name="ZH").click()
    page.get_by_text("相对预设调整的政策杠杆:").wait_for(timeout=20_000)
    assert page.get_by_text("情景").count() >= 1
    zh_slider = page.get_by_role("slider", name=re.compile("^每个居民小组"))
    assert zh_slider.get_attribute("aria-valuenow") == "12"  # the run's value, kept
    assert page.get_by_text("本次运行: 太仓1.0 · 第几月 3").count() == 1  # the model was kept
    _wait_new_chart(page, src1)
    _, px2 = _chart(page)
    assert px2 != px1, "the chart was not redrawn in Chinese"
    page.screenshot(path=str(ARTEFACTS / "2-chinese.png"), full_page=True)

    assert page.js_errors == [], page.js_errors
    log = log_path.read_text(errors="replace")
    shutil.copy(log_path, ARTEFACTS / "server.log")
    # every front-end file came from solara-assets, none from the (unreachable) CDN
    assert "Could not load URL" not in log
    assert "Traceback" not in log, log[-3000:]
