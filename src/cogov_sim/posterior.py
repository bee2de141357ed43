"""Runs under posterior uncertainty: draw parameters from a saved ABC-SMC posterior.

``cogov-sim calibrate`` with ``method = "abc-smc"`` writes ``posterior_particles.csv``: one
row per particle, one column per calibrated name (a context parameter such as
``staff_per_committee``, or a rule constant ``module.NAME``), then ``weight`` and
``distance``. An experiment or discovery spec with ``posterior = "<that folder>"`` runs
each replication under one particle drawn by weight:

* replication *r* draws its particle with a generator seeded from the spec's root seed
  and *r* alone (the seed tree's node ``(19, 19, 19, r)``, :func:`draw`): the draw is made
  in the parent process before any run, so it does not depend on workers or executors,
  and replication *r*'s particle does not change when more replications are asked for;
* every scenario, design point, policy or preset of replication *r* runs under that same
  particle — paired over parameter uncertainty as common random numbers pair them over
  seeds, so differences against the reference keep their pairing;
* the particle's values are set on each run's parameters (:meth:`Posterior.apply`:
  parameters as overrides, constants with :meth:`~cogov_sim.params.Params.with_constants`),
  so they are part of what the run is; the spec's identity (and so its results folder)
  counts the posterior by the SHA-256 of its CSV, and the manifest records the folder,
  that hash and each replication's particle.

Intervals over replications then include parameter as well as seed uncertainty.
Loading checks everything first, in one line each: the folder and file exist, every
column is a context parameter or a rule constant (with the closest valid name), weights
are finite and not negative and not all zero (a particle of weight 0 is never drawn),
and every particle's values are valid.
"""

from __future__ import annotations

import csv
import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .params import ParameterError, Params, param_specs, suggest

FILE = "posterior_particles.csv"
"""The file of a calibration folder a posterior is read from."""
SEED_KEY = (19, 19, 19)
"""Node of the seed tree below which replication r's draw is seeded: ``(19, 19, 19, r)``
(the model's runs use keys of length 1 or 2, the analyses length 3)."""
RESERVED = ("weight", "distance")


class PosteriorError(ValueError):
    """A posterior folder that cannot be used (one-line message, without the key)."""


@dataclass(frozen=True)
class Posterior:
    """The particles of a saved posterior, checked (build with :func:`load_posterior`)."""

    folder: Path
    sha256: str
    """SHA-256 of ``posterior_particles.csv``: what the spec's identity counts."""
    parameters: tuple[str, ...]
    """Model parameters among the columns, in the file's order."""
    constants: tuple[str, ...]
    """Rule constants (``module.NAME``) among the columns, in the file's order."""
    values: tuple[dict[str, float | int], ...]
    """Per particle, every calibrated name's value."""
    weights: tuple[float, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return (*self.parameters, *self.constants)

    def __len__(self) -> int:
        return len(self.values)

    def draw(self, root_seed: int, replication: int) -> int:
        """The particle (row index, from 0) replication ``replication`` runs under: drawn
        by weight with a generator seeded from ``root_seed`` and ``replication`` only."""
        from .experiment.seeds import keyed_seed

        rng = np.random.default_rng(keyed_seed(root_seed, *SEED_KEY, replication))
        w = np.asarray(self.weights, dtype=float)
        return int(rng.choice(len(w), p=w / w.sum()))

    def draws(self, root_seed: int, replications: int) -> list[int]:
        """Each replication's particle, replication 0 first."""
        return [self.draw(root_seed, r) for r in range(replications)]

    def apply(self, params: Params, particle: int) -> Params:
        """``params`` with particle ``particle``'s values set: parameters as overrides,
        rule constants on top of any the run already sets."""
        values = self.values[particle]
        out = params.replace(**{k: values[k] for k in self.parameters}) if self.parameters \
            else params
        if self.constants:
            out = out.with_constants({k: values[k] for k in self.constants})
        return out

    def identity(self) -> dict[str, Any]:
        """What the posterior contributes to a spec's identity: its content, not its path."""
        return {"sha256": self.sha256, "particles": len(self)}

    def record(self, draws: list[int] | None = None) -> dict[str, Any]:
        """The manifest's record: the folder, the file's hash, the names and, given the
        draws, each replication's particle and the drawn particles' values."""
        out: dict[str, Any] = {"folder": str(self.folder), "file": FILE, "sha256": self.sha256,
                               "particles": len(self), "parameters": list(self.parameters),
                               "constants": list(self.constants)}
        if draws is not None:
            out["draws"] = list(draws)
            out["drawn"] = {str(i): dict(self.values[i]) for i in sorted(set(draws))}
        return out


def load_posterior(path: str | Path, base: str | Path | None = None) -> Posterior:
    """Read and check ``<path>/posterior_particles.csv`` (``path`` relative to ``base``,
    the spec file's folder, unless absolute).

    Raises
    ------
    PosteriorError
        One line saying what is wrong (the caller adds the key and the file).
    """
    from .constants import ConstantError, registry
    from .constants import check as check_constants

    folder = Path(path).expanduser()
    if not folder.is_absolute() and base is not None:
        folder = Path(base) / folder
    if not folder.is_dir():
        raise PosteriorError(f"no such folder {str(folder)!r} (expected a calibration results "
                             f"folder holding {FILE})")
    file = folder / FILE
    if not file.is_file():
        raise PosteriorError(f"folder {str(folder)!r} has no {FILE} (written by "
                             "`cogov-sim calibrate` with method = \"abc-smc\")")
    data = file.read_bytes()
    try:
        rows = list(csv.reader(data.decode("utf-8-sig").splitlines()))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise PosteriorError(f"{file}: not a readable CSV file ({exc})") from None
    if not rows or not any(rows[0]):
        raise PosteriorError(f"{file}: empty (expected a header and one row per particle)")
    header = [h.strip() for h in rows[0]]
    if "weight" not in header:
        raise PosteriorError(f"{file}: no 'weight' column")
    specs = {s.name: s for s in param_specs()}
    constants = registry()
    parameters: list[str] = []
    consts: list[str] = []
    for name in header:
        if name in RESERVED:
            continue
        if name in specs:
            if specs[name].kind != "context":
                raise PosteriorError(f"{file}: column '{name}' is a {specs[name].kind} "
                                     "parameter; a posterior carries context parameters and "
                                     "rule constants only")
            parameters.append(name)
        elif name in constants:
            consts.append(name)
        else:
            close = suggest(name, [*(s for s in specs if specs[s].kind == "context"), *constants])
            raise PosteriorError(f"{file}: column '{name}' is neither a context parameter nor a "
                                 f"rule constant{close}")
    if len(set(header)) != len(header):
        twice = next(h for i, h in enumerate(header) if h in header[:i])
        raise PosteriorError(f"{file}: column '{twice}' appears twice")
    values: list[dict[str, float | int]] = []
    weights: list[float] = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise PosteriorError(f"{file}, line {line}: {len(row)} values for {len(header)} "
                                 "columns")
        cells = dict(zip(header, row, strict=True))
        numbers: dict[str, float] = {}
        for name in ("weight", *parameters, *consts):
            try:
                numbers[name] = float(cells[name])
            except ValueError:
                raise PosteriorError(f"{file}, line {line}: {name} = {cells[name]!r}: expected "
                                     "a number") from None
        w = numbers.pop("weight")
        if not math.isfinite(w) or w < 0:
            raise PosteriorError(f"{file}, line {line}: weight = {cells['weight']!r}: expected a "
                                 "finite number, not negative")
        particle = _typed(numbers, parameters, specs)
        try:
            if parameters:
                Params().replace(**{k: particle[k] for k in parameters})
            particle.update(check_constants({k: particle[k] for k in consts}))
        except (ParameterError, ConstantError) as exc:
            raise PosteriorError(f"{file}, line {line}: {exc}") from None
        values.append(particle)
        weights.append(w)
    if not values:
        raise PosteriorError(f"{file}: no particles (expected one row per particle)")
    if not sum(weights) > 0:
        raise PosteriorError(f"{file}: every weight is 0 (expected positive weights)")
    if not parameters and not consts:
        raise PosteriorError(f"{file}: no calibrated column (expected context parameters or "
                             "rule constants besides weight and distance)")
    return Posterior(folder=folder.resolve(), sha256=hashlib.sha256(data).hexdigest(),
                     parameters=tuple(parameters), constants=tuple(consts),
                     values=tuple(values), weights=tuple(weights))


def _typed(numbers: Mapping[str, float], parameters: list[str],
           specs: Mapping[str, Any]) -> dict[str, float | int]:
    """Whole-number parameters as ``int`` when their value is whole (a CSV writes 3.0)."""
    out: dict[str, float | int] = {}
    for name, value in numbers.items():
        whole = name in parameters and specs[name].is_integer and float(value).is_integer()
        out[name] = int(value) if whole else value
    return out





def with_draws(tasks: list[Any], posterior: Posterior | None, root_seed: int) -> list[Any]:
    """``tasks`` (:class:`~cogov_sim.experiment.runner.Task`) each under its replication's
    particle: the one implementation experiments and discovery share. Without a posterior
    the tasks come back unchanged."""
    if posterior is None:
        return tasks
    from dataclasses import replace

    draws: dict[int, int] = {}
    applied: dict[tuple[int, int], Params] = {}
    out = []
    for t in tasks:
        if t.replication not in draws:
            draws[t.replication] = posterior.draw(root_seed, t.replication)
        particle = draws[t.replication]
        if (t.point_id, particle) not in applied:
            applied[t.point_id, particle] = posterior.apply(t.params, particle)
        out.append(replace(t, params=applied[t.point_id, particle], particle=particle))
    return out


def drawn(tasks: list[Any]) -> list[int]:
    """Each replication's particle among ``tasks`` (replication 0 first)."""
    found = {t.replication: t.particle for t in tasks}
    return [found[r] for r in sorted(found)]
def posterior_fields(posterior: Posterior | None, tasks: list[Any]) -> dict[str, Any]:
    """The manifest's ``posterior`` field (compared on resume): the CSV's hash, the names,
    each replication's particle and the drawn particles' values; empty without one."""
    if posterior is None:
        return {}
    record = posterior.record(drawn(tasks))
    del record["folder"]  # where it lies is recorded, not compared (posterior_info)
    return {"posterior": record}


def posterior_info(posterior: Posterior | None) -> dict[str, Any]:
    """The manifest's ``posterior_folder`` (recorded, not compared on resume)."""
    return {} if posterior is None else {"posterior_folder": str(posterior.folder)}


def posterior_note(manifest: Mapping[str, Any]) -> str:
    """The analysis' note on a folder run under a posterior."""
    record = manifest["posterior"]
    drawn_count = len(set(record.get("draws", [])))
    return (f"each replication ran under one particle drawn from the posterior in "
            f"{manifest.get('posterior_folder', '?')} ({drawn_count} of {record['particles']} "
            "particles drawn), the same for every scenario: intervals include parameter "
            "as well as seed uncertainty")


__all__ = ["FILE", "Posterior", "PosteriorError", "drawn", "load_posterior",
           "posterior_fields", "posterior_info", "posterior_note", "with_draws"]
