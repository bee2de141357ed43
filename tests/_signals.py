"""Starting a child that Ctrl-C can reach, whatever the test process inherited.

A shell without job control starts a background command (``pytest ... &``, a CI wrapper)
with SIGINT ignored, and an ignored signal stays ignored across ``fork`` and ``exec``:
Python then installs no KeyboardInterrupt handler in the child, so a test that sends it
Ctrl-C sees the sweep run to its end (exit 0, nothing on stderr). That is what a user's
backgrounded job should do, so the package leaves it alone; the tests that play a
terminal's Ctrl-C start their child with the default disposition instead.
"""

from __future__ import annotations

import signal


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


CTRL_C_REACHES_CHILD = {"preexec_fn": _default_sigint}
"""Keyword arguments for :class:`subprocess.Popen`: the child starts with SIGINT at its
default, as under an interactive terminal."""
