"""Figures and labels (English and Chinese). Reads outcomes; never steps the model."""

from __future__ import annotations

import sys


def file_backend() -> None:
    """Draw figures to files with Agg (no window, no display needed), except inside a
    Jupyter kernel, whose inline backend shows a notebook's own figures."""
    import matplotlib

    if "ipykernel" not in sys.modules:
        matplotlib.use("Agg")
