"""Every notebook runs top to bottom (small size, no display)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.py"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs(path: Path) -> None:
    env = {**os.environ, "MPLBACKEND": "Agg", "COGOV_NOTEBOOK_RESIDENTS": "600",
           "COGOV_NOTEBOOK_MONTHS": "24"}
    proc = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, env=env,
                          timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "taicang_3_0" in proc.stdout and "'community':" in proc.stdout


def test_there_are_notebooks() -> None:
    assert NOTEBOOKS
