"""Golden-output cases: fixed presets, sizes and seeds whose outputs are stored here.

Regenerate (only after a deliberate change of model behaviour, and say so in the commit):

    .venv/bin/python tests/golden/cases.py

which rewrites ``tests/golden/<case>.csv``. ``tests/test_golden.py`` compares fresh runs
against these files with tight tolerances, so an optimisation that silently changes
results fails.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cogov_sim.presets import load_preset
from cogov_sim.runner import simulate

HERE = Path(__file__).parent
CASES = {
    "baseline": ("baseline", {"n_residents": 15000, "n_communities": 5, "months": 36}, 101),
    "taicang_3_0": ("taicang_3_0", {"n_residents": 15000, "n_communities": 5, "months": 36}, 102),
    "chengdu": ("chengdu", {"n_residents": 12000, "n_communities": 3, "months": 30}, 103),
    "shanghai": ("shanghai", {"n_residents": 10000, "n_communities": 4, "months": 24}, 104),
}
RTOL = 1e-7
ATOL = 1e-9


def run_case(name: str) -> pd.DataFrame:
    scenario, size, seed = CASES[name]
    return simulate(load_preset(scenario, **size), seed)


def path(name: str) -> Path:
    return HERE / f"{name}.csv"


if __name__ == "__main__":
    for case in CASES:
        run_case(case).to_csv(path(case), index=False, float_format="%.12g")
