"""The dashboard as a class sees it: Step latency and Play's months per second (issue 21).

Usage::

    PYTHONPATH=src .venv/bin/python benchmarks/bench_dashboard.py [--steps 8] [--play 10]

Starts ``cogov-sim dashboard`` on a free port of 127.0.0.1 and drives it in headless
Chromium (Debian's ``/usr/bin/chromium``, through Playwright) at 1280×800, in English:

1. **Step latency** — clicks Step ``--steps`` times; each time, the milliseconds from the
   click until the month shown on the page has advanced *and* every chart on the page has
   been redrawn (a server-drawn PNG: its ``src`` changed and the image is decoded; a chart
   drawn in the browser: the SVG Vega draws has changed). Also the time until the
   charts visible in the 1280×800 window are redrawn, and how many are visible.
2. **Play** — presses ▶ and reads the month shown every half second for ``--play`` seconds
   (or until the run stops): months per second over that time, from the first month shown
   after the press to the last.
3. **Step later in the run** — where Play was paused (unless the run has finished), Step
   latency again: the charts then draw months of lines, not a few points.

Works on any version of the page that shows ``· month N`` (``N`` the reported month) and
puts its charts in Mesa's grid as ``<img>`` or anywhere as Vega SVG, so the same script measures the
code before and after a change. No timing is asserted; the figures are printed (``--json``
for machine-readable output) and copied by hand into ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 800}
MONTH = re.compile(r"· month (\d+)")
CHARTS = ".vue-grid-item img, svg.marks"
"""Every chart: a server-drawn PNG in Mesa's grid or the SVG Vega draws in the browser."""
CELL = ".vue-grid-item, .cogov-chart"
"""What holds one chart (Mesa's grid item; the page's own grid cell)."""

# JavaScript run in the page: give every chart a mark, then wait until none is left
MARK = """(sel) => {
  const els = [...document.querySelectorAll(sel)];
  window.__benchMarks = els.map(e => e.tagName === 'IMG' ? e.src : e.innerHTML);
  window.__benchItems = els.map(e => e.closest('CELL') || e.parentElement);
  return els.length;
}"""
REDRAWN = """([sel, visibleOnly]) => {
  const items = window.__benchItems, old = window.__benchMarks;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (!item.isConnected) continue;  // the grid was rebuilt: what replaced it is new
    if (visibleOnly) {
      const r = item.getBoundingClientRect();
      if (r.top >= window.innerHeight || r.bottom <= 0) continue;
    }
    const el = item.querySelector('img, svg.marks');
    if (!el) return false;  // between two drawings
    if (el.tagName === 'IMG') {
      if (el.src === old[i] || !el.complete) return false;
    } else if (el.innerHTML === old[i]) return false;
  }
  return true;
}"""
MARK = MARK.replace("CELL", CELL)
VISIBLE = """(sel) => [...document.querySelectorAll(sel)].filter(e => {
  const r = e.getBoundingClientRect();
  return r.top < window.innerHeight && r.bottom > 0 && r.left < window.innerWidth;
}).length"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=2)
        return True
    except OSError:
        return False


def start(log: Path) -> tuple[subprocess.Popen[bytes], str]:
    from cogov_sim.dashboard import environment

    port = free_port()
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "cogov_sim", "dashboard", "--port",
                                 str(port)], stdout=out, stderr=subprocess.STDOUT,
                                env=environment("en"))
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    while not answers(url):
        if proc.poll() is not None or time.monotonic() > deadline:
            stop(proc)
            raise RuntimeError(log.read_text(errors="replace"))
        time.sleep(0.25)
    return proc, url


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()  # this server only, by its pid
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def month(page) -> int:  # noqa: ANN001
    found = MONTH.findall(page.inner_text("body"))
    return int(found[0]) if found else -1


def step_latency(page, step, steps: int) -> tuple[list[float], list[float], list[float]]:  # noqa: ANN001
    """Milliseconds from each of ``steps`` Step clicks to the month label's change, to the
    visible charts' redrawing and to every chart's."""
    all_ms, visible_ms, label_ms = [], [], []
    for _ in range(steps):
        before = month(page)
        page.evaluate(MARK, CHARTS)
        t0 = time.perf_counter()
        step.click()
        page.wait_for_function(
            "(m) => { const f = document.body.innerText.match(/· month (\\d+)/);"
            " return f && +f[1] > m; }", arg=before, timeout=60_000, polling=10)
        label_ms.append((time.perf_counter() - t0) * 1000)
        page.wait_for_function(REDRAWN, arg=[CHARTS, True], timeout=60_000, polling=10)
        visible_ms.append((time.perf_counter() - t0) * 1000)
        page.wait_for_function(REDRAWN, arg=[CHARTS, False], timeout=60_000, polling=10)
        all_ms.append((time.perf_counter() - t0) * 1000)
        page.wait_for_timeout(300)
    return all_ms, visible_ms, label_ms


def measure(url: str, steps: int, play_seconds: float) -> dict[str, object]:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    try:
        with sync_playwright() as p:
            ctx = p.chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, headless=True, args=FLAGS, viewport=VIEWPORT)
            page = ctx.new_page()
            page.goto(url, wait_until="networkidle")
            step = page.get_by_role("button", name="Step", exact=True)
            step.wait_for(timeout=120_000)
            page.wait_for_function("() => /· month \\d+/.test(document.body.innerText)",
                                   timeout=60_000)
            page.wait_for_selector(CHARTS, timeout=60_000)
            page.wait_for_timeout(2000)  # every chart drawn once
            n_charts = page.evaluate(MARK, CHARTS)
            visible = page.evaluate(VISIBLE, CHARTS)
            all_ms, visible_ms, label_ms = step_latency(page, step, steps)
            play = page.get_by_role("button", name="▶")
            m0 = month(page)
            play.click()
            t0 = time.perf_counter()
            first = last = None
            while time.perf_counter() - t0 < play_seconds:
                page.wait_for_timeout(500)
                m, t = month(page), time.perf_counter()
                if m > m0 and first is None:
                    first = (m, t)
                if first is not None and m > first[0]:
                    last = (m, t)
                pause = page.get_by_role("button", name="❚❚")
                if pause.count() and pause.is_disabled():
                    break  # the run stopped at its horizon (Mesa disables its buttons)
            pause = page.get_by_role("button", name="❚❚")
            if pause.count() and pause.is_enabled():
                pause.click()
            rate = ((last[0] - first[0]) / (last[1] - first[1])
                    if first is not None and last is not None else 0.0)
            late_month, late = month(page), ([], [], [])
            page.wait_for_timeout(1500)
            with contextlib.suppress(PlaywrightTimeout):  # Pause takes effect at the next frame
                page.wait_for_function("() => [...document.querySelectorAll('button')].some("
                                       "b => b.textContent.trim() === 'Step' && !b.disabled)",
                                       timeout=10_000)
            if step.is_enabled():  # Step again where Play stopped: longer lines to draw
                late_month = month(page)
                late = step_latency(page, step, steps)
            ctx.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return {"charts": n_charts, "visible_at_1280x800": visible, "steps": steps,
            "label_ms_median": statistics.median(label_ms),
            "visible_charts_ms_median": statistics.median(visible_ms),
            "visible_charts_ms_max": max(visible_ms),
            "all_charts_ms_median": statistics.median(all_ms),
            "all_charts_ms_max": max(all_ms),
            "play_months_per_s": round(rate, 2),
            "play_from_month": m0, "play_to_month": last[0] if last else m0,
            "late_from_month": late_month,
            "late_all_charts_ms_median": statistics.median(late[0]) if late[0] else None,
            "late_all_charts_ms_max": max(late[0]) if late[0] else None,
            "late_label_ms_median": statistics.median(late[2]) if late[2] else None,
            "load_average": os.getloadavg()[0]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--steps", type=int, default=8)
    ap.add_argument("--play", type=float, default=5.0, help="seconds of Play")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if not os.path.exists(CHROMIUM):
        sys.exit(f"{CHROMIUM} is missing (Debian's package chromium)")
    log = Path(tempfile.mkdtemp(prefix="bench-dashboard-")) / "server.log"
    proc, url = start(log)
    try:
        result = measure(url, args.steps, args.play)
    finally:
        stop(proc)
    if args.json:
        print(json.dumps(result))
        return
    print(f"charts on the page: {result['charts']}, visible at 1280x800: "
          f"{result['visible_at_1280x800']}")
    print(f"Step, {args.steps} clicks: month label {result['label_ms_median']:.0f} ms, "
          f"visible charts redrawn {result['visible_charts_ms_median']:.0f} ms (max "
          f"{result['visible_charts_ms_max']:.0f}), every chart redrawn "
          f"{result['all_charts_ms_median']:.0f} ms (max {result['all_charts_ms_max']:.0f})"
          " [medians]")
    if result["late_all_charts_ms_median"] is not None:
        print(f"Step from month {result['late_from_month']}, {args.steps} clicks: month label "
              f"{result['late_label_ms_median']:.0f} ms, every chart redrawn "
              f"{result['late_all_charts_ms_median']:.0f} ms (max "
              f"{result['late_all_charts_ms_max']:.0f}) [median]")
    print(f"Play: {result['play_months_per_s']} months/s (month {result['play_from_month']} "
          f"-> {result['play_to_month']}); load average {result['load_average']:.2f}")


if __name__ == "__main__":
    main()
