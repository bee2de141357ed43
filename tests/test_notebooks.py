"""The notebooks: five, each a committed .ipynb paired with a jupytext .py, thin.

Executing them is nbmake's job (``--nbmake`` in pytest's addopts, ``notebooks`` in
testpaths): every cell of every ``notebooks/*.ipynb`` runs in the suite and a failing
cell fails the build. These tests check what nbmake cannot: the pairing and thinness.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import jupytext
import nbformat
import pytest

FOLDER = Path(__file__).parents[1] / "notebooks"
NOTEBOOKS = sorted(FOLDER.glob("[0-9][0-9]_*.ipynb"))


def test_five_numbered_notebooks_each_paired_with_a_script() -> None:
    assert [p.name[:2] for p in NOTEBOOKS] == ["01", "02", "03", "04", "05"]
    scripts = sorted(FOLDER.glob("[0-9][0-9]_*.py"))
    assert [p.stem for p in scripts] == [p.stem for p in NOTEBOOKS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_and_script_hold_the_same_cells(path: Path) -> None:
    """Edited one side and forgot `jupytext --sync notebooks/*.py`? This fails."""
    committed = nbformat.read(path, as_version=4)
    script = jupytext.read(path.with_suffix(".py"))
    assert [(c.cell_type, c.source.strip()) for c in committed.cells] == \
           [(c.cell_type, c.source.strip()) for c in script.cells]
    assert "ipynb,py:percent" in committed.metadata["jupytext"]["formats"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_committed_executed_and_thin(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.get("execution_count") for c in code), "commit the notebook executed"
    assert not any(o.get("output_type") == "error" for c in code for o in c.get("outputs", []))
    source = "\n".join(line for c in code for line in c.source.splitlines()
                       if not line.startswith("%"))  # IPython magics are not Python
    tree = ast.parse(source)
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import)
                for a in n.names}
    imported |= {n.module.split(".")[0] for n in ast.walk(tree)
                 if isinstance(n, ast.ImportFrom) and n.module}
    assert "cogov_sim" in imported
    assert not any(isinstance(n, ast.ClassDef) for n in ast.walk(tree)), "no model logic here"
    assert not re.search(r"np\.random|import random\b", source), "randomness goes through seeds"
