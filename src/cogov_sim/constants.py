"""The rules' named constants, and running the model with some of them set otherwise.

Every scalar constant of a rule module (``consultation.MOBILISE``, ``trust.SOCIAL_RATE``,
...) is a number the mechanism it belongs to cites or assumes. Calibration draws them from
a prior, a posterior carries them into experiments, and audits change them one at a time;
all of that needs a run *with other values* that is still an ordinary, reproducible run.
That is what this module gives:

* :func:`registry` lists the constants (module-level ``int`` or ``float`` names in capitals
  in :mod:`cogov_sim.rules`, each with its value and the docstring under it);
* :func:`check` turns ``{"consultation.MOBILISE": 0.3}`` into the normal form
  :class:`~cogov_sim.params.Params` keeps (``Params.constants``), refusing an unknown name
  (with the closest one), a value that is not a finite number, or a fraction for a whole
  number, in one line;
* :func:`applied` sets the values for the duration of a ``with`` block, in the module that
  defines each constant and in every module of the package that imported it by name, and
  puts the originals back afterwards.

A model built from ``Params(constants=...)`` applies them around its construction and each
month (:class:`~cogov_sim.model.CoGovModel`); a run in a worker process carries them with
its parameters, and a shared spin-up is keyed by them (:mod:`cogov_sim.spinup`). The
values are process-wide while a block runs: one model at a time per process, as the
executors run them (never two models with different constants on threads of one process).

    >>> from cogov_sim.constants import applied
    >>> from cogov_sim.rules import consultation
    >>> with applied((("consultation.MOBILISE", 0.25),)):
    ...     consultation.MOBILISE
    0.25
    >>> consultation.MOBILISE
    0.5
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import math
import numbers
import pkgutil
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .params import ParameterError, suggest

Overrides = tuple[tuple[str, float | int], ...]
"""The normal form: ``(("module.NAME", value), ...)`` sorted by name, no duplicates."""


class ConstantError(ParameterError):
    """An override of a constant that the model does not accept (one-line message; a
    :class:`~cogov_sim.params.ParameterError`, so the command line reports it as one)."""


@dataclass(frozen=True, slots=True)
class Constant:
    """One scalar constant of a rule module."""

    module: str
    """The rule module's short name (``consultation``)."""
    name: str
    """The constant's name (``MOBILISE``)."""
    value: float | int
    """Its value in the package (as the source defines it)."""
    doc: str
    """The docstring written under it, or empty."""

    @property
    def key(self) -> str:
        return f"{self.module}.{self.name}"


def _rules_folder() -> Path:
    from . import rules

    return Path(rules.__file__).resolve().parent


def _docstrings(path: Path) -> dict[str, str]:
    """Docstrings written under module-level assignments (``NAME = ...`` then a string)."""
    body = ast.parse(path.read_text(encoding="utf-8")).body
    docs: dict[str, str] = {}
    for node, after in zip(body, body[1:], strict=False):
        if (isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant) and isinstance(after.value.value, str)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    docs[target.id] = " ".join(after.value.value.split())
    return docs


@cache
def registry() -> dict[str, Constant]:
    """Every scalar constant of :mod:`cogov_sim.rules`, by ``module.NAME``, where it is
    defined (a name a module imports from another is listed once, at its definition)."""
    folder = _rules_folder()
    found: dict[str, Constant] = {}
    for info in sorted(pkgutil.iter_modules([str(folder)]), key=lambda i: i.name):
        module = importlib.import_module(f"cogov_sim.rules.{info.name}")
        docs = _docstrings(folder / f"{info.name}.py")
        defined = _defined_names(folder / f"{info.name}.py")
        for name in sorted(defined):
            value = getattr(module, name, None)
            if name.isupper() and isinstance(value, int | float) and not isinstance(value, bool):
                found[f"{info.name}.{name}"] = Constant(info.name, name, value, docs.get(name, ""))
    return found


def _defined_names(path: Path) -> set[str]:
    """Names a module assigns at its top level (not those it imports)."""
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        targets = (node.targets if isinstance(node, ast.Assign)
                   else [node.target] if isinstance(node, ast.AnnAssign) else [])
        names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


@cache
def _importers() -> dict[str, tuple[str, ...]]:
    """``module.NAME`` → the package modules that import it by name (``from .trust import
    X``, ``from ..rules.trust import X``), found in the sources, not by comparing values."""
    package = _rules_folder().parent
    found: dict[str, set[str]] = {}
    for path in package.rglob("*.py"):
        rel = path.relative_to(package.parent).with_suffix("")
        importer = ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)
        here = importer.split(".")[: None if rel.name == "__init__" else -1]  # its package
        text = path.read_text(encoding="utf-8")
        if "import" not in text or ("rules" not in text and path.parent.name != "rules"):
            continue  # cannot import a rule module's name (parsing every file costs ~1 s)
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, ast.ImportFrom):
                continue
            base = (here[: len(here) - node.level + 1] if node.level else [])
            source = ".".join([*base, *(node.module.split(".") if node.module else [])])
            if not source.startswith("cogov_sim.rules."):
                continue
            for alias in node.names:
                if alias.asname is None:
                    found.setdefault(f"{source.removeprefix('cogov_sim.rules.')}.{alias.name}",
                                     set()).add(importer)
    return {key: tuple(sorted(mods)) for key, mods in found.items()}


def suggest_constant(name: str) -> str:
    return suggest(name, tuple(registry()))


def check(overrides: Mapping[str, object] | Iterable[tuple[str, object]] | None) -> Overrides:
    """The normal form of ``overrides`` (a mapping or pairs of ``module.NAME`` and value).

    Raises :class:`ConstantError` in one line for an unknown constant, a value that is not
    a finite number, or a fraction given for a whole-number constant."""
    if not overrides:
        return ()
    pairs = list(overrides.items() if isinstance(overrides, Mapping) else overrides)
    known = registry()
    out: dict[str, float | int] = {}
    for key, value in pairs:
        if key not in known:
            raise ConstantError(f"unknown constant '{key}'{suggest_constant(str(key))}; "
                                "allowed: a rule module's constant as module.NAME "
                                "(`cogov-sim constants` lists them)")
        if isinstance(value, bool) or not isinstance(value, numbers.Real) \
                or not math.isfinite(float(value)):
            raise ConstantError(f"constant {key} = {value!r}: allowed: a finite number")
        if isinstance(known[key].value, int):
            if float(value) != int(value):
                raise ConstantError(f"constant {key} = {value!r}: allowed: a whole number "
                                    f"(its value is {known[key].value})")
            value = int(value)
        else:
            value = float(value)
        if key in out and out[key] != value:
            raise ConstantError(f"constant {key} given twice ({out[key]!r} and {value!r})")
        out[key] = value
    return tuple(sorted(out.items()))


def coerce_constant(key: str, text: str) -> float | int:
    """Parse ``--set module.NAME=VALUE`` to the constant's type (one-line errors)."""
    try:
        number = float(text)
    except ValueError:
        number = text  # type: ignore[assignment] - refused by check, which names the key
    return check({key: number})[0][1]


@contextlib.contextmanager
def applied(overrides: Overrides) -> Iterator[None]:
    """Within the block, each constant of ``overrides`` (normal form, :func:`check`) has its
    new value in its module and in every loaded package module that imported it by name;
    the originals come back on leaving, also after an exception. An empty tuple costs
    nothing."""
    if not overrides:
        yield
        return
    known, importers = registry(), _importers()
    saved: list[tuple[object, str, object]] = []
    try:
        for key, value in overrides:
            constant = known[key]
            holders = [f"cogov_sim.rules.{constant.module}", *importers.get(key, ())]
            for name in holders:
                module = sys.modules.get(name)
                if module is not None and hasattr(module, constant.name):
                    saved.append((module, constant.name, getattr(module, constant.name)))
                    setattr(module, constant.name, value)
        yield
    finally:
        for module, name, original in reversed(saved):
            setattr(module, name, original)


__all__ = ["Constant", "ConstantError", "Overrides", "applied", "check", "coerce_constant", "registry"]
