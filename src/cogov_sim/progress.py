"""Plain progress lines for sweeps whose output goes to a log (issue 22, item 16).

The progress bar (tqdm, on stderr) shows only on a terminal. Inside :func:`progress_lines`
every sweep of :func:`cogov_sim.experiment.runner.run_tasks` also reports its progress as
lines; the command line turns it on when its standard output is not a terminal. Kept free
of heavy imports: the command line imports it at start.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

PROGRESS_SECONDS = 30.0
"""Progress lines (:func:`progress_lines`) come at least this often, and at every tenth."""

_SINK: ContextVar[Callable[[str], None] | None] = ContextVar("cogov_sim_progress", default=None)


@contextmanager
def progress_lines(write: Callable[[str], None] | None) -> Iterator[None]:
    """Inside this block, every sweep also reports its progress as plain lines given to
    ``write``: once the first runs have finished (one per worker, the pilot) a line with
    the estimated time left, then one at every tenth of the runs or every
    :data:`PROGRESS_SECONDS` seconds, and one at the end; e.g. ``reform_stages: 24/240
    runs done, 0 failed, 31 s elapsed, about 4.7 min left``. The command line uses it when
    its output is not a terminal (a log file), where the progress bar is not shown.
    ``progress=False`` turns them off with the bar."""
    token = _SINK.set(write)
    try:
        yield
    finally:
        _SINK.reset(token)


def duration(seconds: float) -> str:
    """``45 s``, ``4.7 min``, ``2.3 h``."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


class _ProgressLog:
    """Plain progress lines for a log (see :func:`progress_lines`)."""

    def __init__(self, write: Callable[[str], None], name: str, total: int, workers: int,
                 unit: str = "runs") -> None:
        self.write, self.name, self.total, self.unit = write, name, total, unit
        self.pilot = max(1, min(workers, total))
        self.t0 = self.last = time.monotonic()
        self.next_tenth = 1
        self.estimated = False

    def update(self, done: int, failed: int) -> None:
        finished = done + failed
        now = time.monotonic()
        tenth = finished >= math.ceil(self.total * self.next_tenth / 10)
        if tenth:
            while (self.next_tenth <= 10
                   and finished >= math.ceil(self.total * self.next_tenth / 10)):
                self.next_tenth += 1
        if finished >= self.total:
            self._line(finished, failed, now, last=True)
        elif not self.estimated and finished >= self.pilot:
            self.estimated = True
            elapsed = now - self.t0
            self.write(f"{self.name}: the first {finished} of {self.total} {self.unit} took "
                       f"{duration(elapsed)}; about "
                       f"{duration(elapsed / finished * (self.total - finished))} left")
            self.last = now
        elif tenth or now - self.last >= PROGRESS_SECONDS:
            self._line(finished, failed, now)

    def _line(self, finished: int, failed: int, now: float, last: bool = False) -> None:
        elapsed = now - self.t0
        left = "" if last else \
            f", about {duration(elapsed / max(finished, 1) * (self.total - finished))} left"
        self.write(f"{self.name}: {finished}/{self.total} {self.unit} done, {failed} failed, "
                   f"{duration(elapsed)} elapsed{left}")
        self.last = now


def _progress_log(progress: bool | None, name: str, total: int, workers: int,
                  unit: str = "runs") -> _ProgressLog | None:
    write = _SINK.get()
    if write is None or progress is False or total == 0:
        return None
    return _ProgressLog(write, name, total, workers, unit)


__all__ = ["PROGRESS_SECONDS", "duration", "progress_lines"]
