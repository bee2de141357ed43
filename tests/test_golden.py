"""Golden-output regression: fixed seeds must reproduce the stored outputs.

See ``tests/golden/cases.py`` for the cases and how to regenerate them.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

_spec = importlib.util.spec_from_file_location("golden_cases", Path(__file__).parent / "golden" / "cases.py")
assert _spec is not None and _spec.loader is not None
golden = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(golden)


@pytest.mark.parametrize("case", sorted(golden.CASES))
def test_outputs_match_golden(case: str) -> None:
    stored = pd.read_csv(golden.path(case))
    fresh = golden.run_case(case)
    assert list(fresh.columns) == list(stored.columns)
    np.testing.assert_allclose(fresh.to_numpy(float), stored.to_numpy(float),
                               rtol=golden.RTOL, atol=golden.ATOL,
                               err_msg=f"golden case {case} changed; if intended, regenerate")
