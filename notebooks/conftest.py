"""nbmake runs every notebook here; the Chinese ones (``*.zh.ipynb``) draw Chinese figures
and need a font with Chinese glyphs. Without one they are skipped, except under
``CI=true``, where a missing font fails them (as in tests/test_languages.py)."""

from __future__ import annotations

import os

import pytest


def pytest_runtest_setup(item: pytest.Item) -> None:
    if not item.path.name.endswith(".zh.ipynb"):
        return
    from cogov_sim.viz.labels import cjk_font

    if cjk_font() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("no CJK font installed (CI must install fonts-wqy-microhei)")
        pytest.skip("no CJK font: install fonts-wqy-microhei to run the Chinese notebooks")
