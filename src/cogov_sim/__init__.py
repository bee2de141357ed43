"""cogov-sim: agent-based simulation of community co-governance under Taicang's
government–society interaction (政社互动) reform.

Entry points: :func:`cogov_sim.runner.simulate` (one run), :class:`cogov_sim.model.CoGovModel`
(the Mesa model), :func:`cogov_sim.presets.load_preset` (scenario presets),
:class:`cogov_sim.params.Params` (parameters with metadata),
:func:`cogov_sim.experiment.run_experiment` and :func:`cogov_sim.sensitivity.run_sa`.
Kept import-light: importing the package does not load Mesa.
"""

from importlib import metadata as _metadata

try:  # the version setuptools-scm derived from git when the package was built or installed
    __version__ = _metadata.version("cogov-sim")
except _metadata.PackageNotFoundError:  # pragma: no cover - source tree without install
    try:
        from ._version import version as __version__
    except ImportError:
        __version__ = "0+unknown"
