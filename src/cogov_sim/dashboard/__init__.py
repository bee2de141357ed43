"""``cogov-sim dashboard``: a Mesa SolaraViz app for what-if exploration, served offline.

The page itself is :mod:`cogov_sim.dashboard.app` (it imports Solara, so only the server
imports it); this module checks the optional dependencies and starts ``solara run``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from importlib import metadata
from pathlib import Path

INSTALL_HINT = 'the dashboard needs its optional dependencies: pip install "cogov-sim[dashboard]"'
REQUIREMENTS = {"solara": None, "solara-assets": None, "mesa": None, "ipyvue": 2, "ipyvuetify": 2}
"""Distributions the dashboard needs, with the major version each must stay below."""
APP = "cogov_sim.dashboard.app"
LANG_ENV = "COGOV_DASHBOARD_LANG"


class MissingExtraError(RuntimeError):
    """The ``dashboard`` extra is not installed (one line saying what to install)."""


def check_dependencies() -> None:
    """Raise :class:`MissingExtraError` unless every distribution of the extra is usable."""
    problems = []
    for name, below in REQUIREMENTS.items():
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            problems.append(f"{name} is missing")
            continue
        if below is not None and int(version.split(".")[0]) >= below:
            problems.append(f"{name} {version} must be below {below}")
    if problems:
        raise MissingExtraError(f"{INSTALL_HINT} ({'; '.join(problems)})")


def command(host: str, port: int) -> list[str]:
    """The ``solara run`` command line serving the app."""
    solara = Path(sys.executable).with_name("solara")
    launcher = [str(solara)] if solara.exists() else [sys.executable, "-m", "solara"]
    return [*launcher, "run", APP, "--host", host, "--port", str(port), "--no-open"]


def environment(lang: str) -> dict[str, str]:
    """The server's environment: the start language; no telemetry (there is no network)."""
    return {**os.environ, LANG_ENV: lang, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false"}


def serve(host: str = "127.0.0.1", port: int = 8765, lang: str = "en") -> int:
    """Run the dashboard server in the foreground until interrupted or terminated; its
    exit status. Ctrl+C or SIGTERM to this process stops the server too (no orphan)."""
    check_dependencies()
    proc = subprocess.Popen(command(host, port), env=environment(lang))
    previous = signal.signal(signal.SIGTERM, lambda *_: proc.terminate())
    try:
        return proc.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
        _stop(proc)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
