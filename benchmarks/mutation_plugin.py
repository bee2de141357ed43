"""Apply one mutant of a ``cogov_sim.rules`` constant, for ``mutation_audit.py``.

The mutant comes from the environment variable ``COGOV_MUTANT`` as ``module:NAME=value``
(``trust:RELAX_RATE=0.0``). Two uses, both in a fresh process:

* as a pytest plugin (``-p mutation_plugin`` with this folder on ``PYTHONPATH``): the
  constant is replaced when pytest loads the plugin, before any test module is imported,
  and hypothesis draws the same examples in every run (derandomized, no example database);
* as a smoke run (``python benchmarks/mutation_plugin.py``): a few short runs of several
  presets; exit status 0 if they finish with finite outcomes, 1 (and the reason on the
  last line of stderr) if the mutant crashes the model or makes an outcome NaN or infinite.

The constant is replaced in its module and in every module of the package that imports
it by name (``from .access import TASK_PRICE``), by :func:`cogov_sim.constants.applied`.
Values computed from a constant at import time are not recomputed (none of the scalar
constants of ``rules/`` feeds one today).
"""

from __future__ import annotations

import ast
import os
import sys

ENV = "COGOV_MUTANT"


def parse(spec: str) -> tuple[str, str, float | int]:
    module, rest = spec.split(":", 1)
    name, value = rest.split("=", 1)
    return module, name, ast.literal_eval(value)


_HELD: list[object] = []


def apply(spec: str) -> str:
    """Replace the constant for the rest of the process (through the package's own
    :func:`cogov_sim.constants.applied`, entered and never left); return a description."""
    module, name, value = parse(spec)
    from cogov_sim import constants

    key = f"{module}.{name}"
    original = constants.registry()[key].value
    _HELD.append(constants.applied(constants.check({key: value})))
    _HELD[-1].__enter__()  # kept referenced: a collected context would put the value back
    return f"{key}: {original!r} -> {value!r}"


_DESCRIPTION = apply(os.environ[ENV]) if os.environ.get(ENV) else None


def pytest_configure() -> None:
    """The property tests draw the same examples for every mutant and replay none that
    failed under another (no example database)."""
    from hypothesis import settings

    settings.register_profile("mutation_audit", database=None, derandomize=True)
    settings.load_profile("mutation_audit")


def pytest_report_header() -> str:
    return f"mutant: {_DESCRIPTION}" if _DESCRIPTION else "mutant: none"


def smoke() -> int:
    import numpy as np

    from cogov_sim.presets import load_preset
    from cogov_sim.runner import simulate

    size = {"n_residents": 3000, "n_communities": 3, "residents_per_agent": 10, "months": 24,
            "spinup_months": 12}
    try:
        for scenario in ("baseline", "taicang_1_0", "taicang_3_0", "chengdu"):
            frame = simulate(load_preset(scenario, **size), 1)
            values = frame.drop(columns=["month", "year"]).to_numpy(dtype=float)
            if not np.isfinite(values).all():
                bad = frame.columns[2:][~np.isfinite(values).all(axis=0)]
                print(f"non-finite outcomes in {scenario}: {', '.join(bad[:5])}", file=sys.stderr)
                return 1
    except Exception as e:  # noqa: BLE001 - any crash means the value breaks the model
        print(f"{type(e).__name__} in {scenario}: {e}".splitlines()[0], file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(smoke())
