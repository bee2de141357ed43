"""Build the English and the Chinese notebook of each numbered notebook from its one source.

``NN_name.py`` (jupytext percent format) is the only file a person edits. Its Markdown
cells come in language pairs: a cell headed ``# %% [markdown] lang="en"`` goes into the
English notebook only, ``# %% [markdown] lang="zh"`` into the Chinese one only, and an
untagged cell into both. Code cells are shared: in the Chinese notebook the line
``LANG = "en"`` becomes ``LANG = "zh"``, and everything the code prints, tabulates or draws
follows ``LANG``. The build writes ``NN_name.ipynb`` (English) and ``NN_name.zh.ipynb``
(Chinese) and executes both, so they are committed with their outputs::

    python notebooks/build.py              # build and execute every notebook, both languages
    python notebooks/build.py 05 06        # only these (by number or name)
    python notebooks/build.py --check      # exit 1 if a committed notebook is not its source's

The kernel must import this checkout's ``cogov_sim`` (an editable install, or PYTHONPATH set
to ``src``). ``tests/test_notebooks.py`` fails when a committed notebook's cells differ from
what its source builds, so an edit of the source without a rebuild does not go unnoticed.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import jupytext
import nbformat

FOLDER = Path(__file__).resolve().parent
LANGUAGES = ("en", "zh")
LANG_LINE = re.compile(r'^LANG = "en"', re.M)


def sources(folder: Path = FOLDER) -> list[Path]:
    """The numbered sources, ``NN_name.py``, in order."""
    return sorted(folder.glob("[0-9][0-9]_*.py"))


def target(source: Path, lang: str) -> Path:
    """``NN_name.ipynb`` for English, ``NN_name.zh.ipynb`` for Chinese."""
    return source.with_suffix(".ipynb" if lang == "en" else f".{lang}.ipynb")


def notebook(source: Path, lang: str) -> nbformat.NotebookNode:
    """The unexecuted notebook of ``source`` in ``lang``: the cells of that language and
    the shared ones, ``LANG`` set, no language tags, no jupytext pairing."""
    if lang not in LANGUAGES:
        raise ValueError(f"language {lang!r}; allowed: {', '.join(LANGUAGES)}")
    nb = jupytext.read(source)
    cells = []
    set_lang = False
    for cell in nb.cells:
        tag = cell.metadata.pop("lang", None)
        if tag is not None and tag not in LANGUAGES:
            raise ValueError(f"{source.name}: a cell is tagged lang={tag!r}; allowed: "
                             f"{', '.join(LANGUAGES)}")
        if tag not in (None, lang):
            continue
        if cell.cell_type == "code" and not set_lang and LANG_LINE.search(cell.source):
            cell.source = LANG_LINE.sub(f'LANG = "{lang}"', cell.source, count=1)
            set_lang = True
        cells.append(cell)
    if not set_lang:
        raise ValueError(f'{source.name}: no code cell starts a line with LANG = "en"')
    for i, cell in enumerate(cells):
        cell.id = f"cell-{i:02d}"  # stable, so that a rebuild changes only what changed
    nb.cells = cells
    nb.metadata.pop("jupytext", None)
    nb.metadata["cogov_sim"] = {"source": source.name, "lang": lang}
    return nb


def cells_of(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    """What must agree between a committed notebook and its source: type and text of
    every cell."""
    return [(c.cell_type, c.source.strip()) for c in nb.cells]


def build(source: Path, lang: str, execute: bool = True) -> float:
    """Write the notebook of ``source`` in ``lang``, executed; return the seconds it took."""
    from nbclient import NotebookClient

    nb = notebook(source, lang)
    start = time.perf_counter()
    if execute:
        NotebookClient(nb, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(source.parent)}}).execute()
    seconds = time.perf_counter() - start
    nbformat.write(nb, target(source, lang))
    return seconds


def stale(source: Path) -> list[str]:
    """Why the committed notebooks of ``source`` are not what it builds (empty if they are)."""
    problems = []
    for lang in LANGUAGES:
        path = target(source, lang)
        if not path.exists():
            problems.append(f"{path.name} is missing")
        elif cells_of(nbformat.read(path, as_version=4)) != cells_of(notebook(source, lang)):
            problems.append(f"{path.name} differs from {source.name}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="numbers or names of notebooks (default: all)")
    parser.add_argument("--lang", choices=LANGUAGES, action="append",
                        help="only this language (repeatable; default: both)")
    parser.add_argument("--check", action="store_true",
                        help="build nothing; exit 1 if a committed notebook is out of date")
    parser.add_argument("--no-execute", action="store_true", help="write without executing")
    args = parser.parse_args(argv)
    chosen = [s for s in sources() if not args.names
              or any(s.stem == n or s.stem.startswith(f"{n}_") for n in args.names)]
    if not chosen:
        parser.error(f"no notebook matches {' '.join(args.names)}")
    if args.check:
        problems = [p for s in chosen for p in stale(s)]
        for p in problems:
            print(f"out of date: {p} (run python notebooks/build.py)", file=sys.stderr)
        return 1 if problems else 0
    for source in chosen:
        for lang in args.lang or LANGUAGES:
            seconds = build(source, lang, execute=not args.no_execute)
            print(f"{target(source, lang).name}: {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
