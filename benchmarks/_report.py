"""What the report scripts in ``benchmarks/`` share: a report is printed, written atomically
(``store.write_text``: a temporary file renamed over the old one) and its path said."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from cogov_sim.experiment import store


def publish(lines: list[str], out: Path, started: float | None = None) -> None:
    """Print the report ``lines``, write them to ``out`` and say so on stderr, with the
    seconds since ``started`` (a ``time.perf_counter()`` reading) when given."""
    text = "\n".join(lines) + "\n"
    print(text)
    store.write_text(out, text)
    took = "" if started is None else f" in {time.perf_counter() - started:.0f} s"
    print(f"wrote {out}{took}", file=sys.stderr)
