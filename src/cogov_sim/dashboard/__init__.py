"""``cogov-sim dashboard``: a Solara page for what-if exploration in class, served offline.

The page itself is :mod:`cogov_sim.dashboard.app` (it imports Solara, so only the server
imports it); this module checks the optional dependencies and starts ``solara run``.
"""

from __future__ import annotations

import errno
import os
import signal
import socket
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


class AddressError(ValueError):
    """``--host``/``--port`` the server could not listen on (one line saying why and
    what to do; the command exits with status 2 before starting the server)."""


#: Hosts that serve every network the machine is on.
ALL_INTERFACES = ("0.0.0.0", "::", "[::]", "")


def check_address(host: str, port: int) -> None:
    """Raise :class:`AddressError` unless a server can listen on ``host:port`` now: the
    host resolves to an address of this machine and the port is free there."""
    try:
        infos = socket.getaddrinfo(host.strip("[]") or None, port, type=socket.SOCK_STREAM,
                                   flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise AddressError(f"--host {host}: not a known host name or address ({reason}); "
                           "allowed: an address of this machine, e.g. 127.0.0.1") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        if os.name != "nt":  # as the server does: a port in TIME_WAIT is free to take
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1)):
                raise AddressError(f"--port {port}: already in use on {host} (another "
                                   "dashboard?); choose another --port, or stop the program "
                                   "using it") from None
            if exc.errno == errno.EADDRNOTAVAIL:
                raise AddressError(f"--host {host}: not an address of this machine; allowed: "
                                   "127.0.0.1 (this machine only), this machine's own "
                                   "address, or 0.0.0.0 (every network)") from None
            if exc.errno == errno.EACCES:
                raise AddressError(f"--port {port}: not allowed for this user (ports below "
                                   "1024 need administrator rights); choose one from 1024 "
                                   "up, e.g. 8765") from None
            raise AddressError(f"--host {host} --port {port}: cannot listen there "
                               f"({exc.strerror})") from None


def exposed(host: str) -> bool:
    """Whether ``host`` serves the page beyond this machine (every interface)."""
    return host in ALL_INTERFACES


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
