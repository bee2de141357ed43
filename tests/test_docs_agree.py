"""The README and guides agree with the code on what they state about it (issue 14).

Counts that change with the code (the outcomes) are not typed into the prose; folder
names, the font package and the Windows commands match what the code does.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cogov_sim.outcomes import OUTCOME_NAMES
from cogov_sim.store import RESULTS, default_folder

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted([ROOT / "README.md", ROOT / "results" / "README.md",
                *(ROOT / "docs").glob("*.md"), *(ROOT / "benchmarks").glob("*.md"),
                *(ROOT / "notebooks").glob("*.md")])
OUTCOME_COUNT = re.compile(r"\b(\d+) (?:outcomes|outcome columns)\b|\ball (\d+)\)")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_page_states_a_wrong_number_of_outcomes(page: Path) -> None:
    stated = [int(a or b) for a, b in OUTCOME_COUNT.findall(page.read_text(encoding="utf-8"))]
    assert all(n == len(OUTCOME_NAMES) for n in stated), (
        f"{page.name} states {stated} outcomes; the code has {len(OUTCOME_NAMES)} "
        "(better: name cogov_sim.outcomes.OUTCOME_NAMES than a number)")


def test_results_readme_names_the_folders_the_commands_write() -> None:
    text = (ROOT / "results" / "README.md").read_text(encoding="utf-8")
    assert default_folder("<name>", "<run id>") == RESULTS / "<name>" / "<run id>"
    assert "`results/<name>/<run id>/`" in text  # experiment
    assert "`results/<name>/<spec hash>/`" in text  # sensitivity analysis
    assert "results/run-<scenario>-<timestamp>-<seed digits>/" in text


def test_readme_and_the_no_font_note_name_the_same_font_package() -> None:
    from cogov_sim.experiment.api import NO_CJK_FONT
    from cogov_sim.viz.labels import CJK_FONT_PACKAGE

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"apt-get install {CJK_FONT_PACKAGE}" in readme
    assert f"apt-get install {CJK_FONT_PACKAGE}" in NO_CJK_FONT
    assert not re.findall(r"fonts-[a-z-]+", readme.replace(CJK_FONT_PACKAGE, ""))


def test_readme_gives_the_windows_form_of_both_setup_commands() -> None:
    """Each Windows command is the POSIX one with Windows paths and ``python -m``."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    posix = [line for line in lines if line.startswith("python3.12 -m venv")]
    windows = [line for line in lines if line.startswith("py -3.12 -m venv")]
    as_posix = [w.replace("py -3.12", "python3.12")
                 .replace(r".venv\Scripts\python -m pip", ".venv/bin/pip")
                 .replace(r".venv\Scripts\python -m cogov_sim", ".venv/bin/cogov-sim")
                 .replace(".venv\\Scripts\\", ".venv/bin/").replace("\\", "/") for w in windows]
    assert len(posix) == 2 and as_posix == posix
