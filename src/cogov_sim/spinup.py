"""Shared spin-up: simulate a township's unrecorded months once, start many runs from them.

Every run first simulates ``spinup_months`` months under the baseline's levers
(:class:`~cogov_sim.model.CoGovModel`); only then does it adopt its own levers. So two
runs with the same seed whose parameters differ only in levers (the usual sensitivity
analysis, what-if sweep or ablation), in ``months``, in cut mechanisms or in a timeline's
dated changes have the same spin-up, bit for bit. :func:`spin_up` simulates it once and
keeps the model's state at its end (:class:`SpinUp`); :meth:`SpinUp.start` turns a copy of
that state into the run of any such parameters, exactly as if the run had simulated its
spin-up itself: it is the same state, with every random stream (``model.rng``, Mesa's
``model.random``, ``unseen_rng``, ``institutions_rng``) where the spin-up left it.

What the spin-up reads, and so the key (:func:`spinup_key`), is derived from the model:
during the spin-up ``model.params`` is :func:`~cogov_sim.model.spinup_params` of the
scenario, i.e. the scenario's sizes, context and community table under the *baseline
preset's* levers. The scenario's own levers are not read (they are adopted at the end of
the spin-up, :meth:`CoGovModel._begin`), nor its cut mechanisms (cuts start with the first
reported month), nor ``months`` or a timeline's changes (read only by the reported months'
recorder and schedule). The key is a SHA-256 over:

* the seed;
* every parameter of :func:`~cogov_sim.params.param_specs` except ``months``, with the
  levers at the baseline's values (so a change of the baseline preset changes the key),
  as typed numbers (``4`` and ``4.0`` are different keys; nothing is shared by accident);
* the community table's content hash and size, if the township is built from one;
* the rule constants set otherwise (``Params.constants``), if any;
* :data:`FORMAT`, the model's source hash
  (:func:`cogov_sim.experiment.runner.model_fingerprint`, the one recorded in every
  manifest) and the versions of Python, NumPy, SciPy and Mesa, so that a snapshot is never
  read by other model code or by libraries that might unpickle it differently.

**Format.** A snapshot is stored as a short header (``COGOV-SPINUP``, the format number,
the key, the payload's SHA-256 and length) followed by the model at the end of its spin-up
as a :mod:`pickle` (protocol 5). A damaged or foreign file is refused before it is
unpickled (:exc:`SpinUpError`). Pickle runs code when loaded: read snapshots only from
results folders you made (the run store keeps them in ``<folder>/spinups/``).
"""

from __future__ import annotations

import hashlib
import json
import pickle
import platform
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import metadata
from typing import Any

import numpy as np

from .constants import applied
from .model import CoGovModel, Seed, spinup_params
from .params import Params, param_specs

FORMAT = 1
"""Version of the snapshot format and of the key's recipe; raise it when either changes."""
MAGIC = b"COGOV-SPINUP\n"
NOT_READ = ("months",)
"""Parameters of :func:`~cogov_sim.params.param_specs` the spin-up does not read (besides
the scenario's levers, which it replaces by the baseline's)."""
LIBRARIES = ("numpy", "scipy", "mesa")


class SpinUpError(ValueError):
    """A snapshot that cannot be used: damaged, of another format or of another key."""


def shares_spinup(params: Params) -> bool:
    """Whether runs of ``params`` have a spin-up to share (``spinup_months`` > 0)."""
    return params.spinup_months > 0


def spinup_policy(params: Params) -> Params:
    """The parameters a spin-up of ``params`` is simulated with: plain :class:`Params` of
    its sizes, context and community table under the baseline's levers, without cuts,
    timeline or reported months (``months`` = 1, never read). Two parameter sets with the
    same spin-up give equal spin-up policies."""
    base = spinup_params(params)
    values: dict[str, Any] = {s.name: getattr(base, s.name) for s in param_specs()}
    values["months"] = 1
    return Params(**values, communities=base.communities, constants=base.constants)


@lru_cache(maxsize=4096)
def _fields(params: Params) -> str:
    """The JSON text of everything in ``params`` that the spin-up reads (memoised: a sweep
    asks once per design point)."""
    policy = spinup_policy(params)
    table = policy.communities
    fields = {"params": {k: v for k, v in policy.to_dict().items() if k not in NOT_READ},
              "communities": None if table is None else table.identity()}
    if policy.constants:  # absent when empty: the keys of the package's own values stay
        fields["constants"] = [list(pair) for pair in policy.constants]
    return json.dumps(fields, sort_keys=True)


@cache
def _code() -> str:
    from .experiment.runner import model_fingerprint

    versions = {name: _version(name) for name in LIBRARIES}
    return json.dumps({"format": FORMAT, "model_code": model_fingerprint(),
                       "python": platform.python_version(), "libraries": versions},
                      sort_keys=True)


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:  # pragma: no cover - a core dependency
        return None


def _seed_record(seed: Seed) -> Any:
    if isinstance(seed, np.random.SeedSequence):
        return {"entropy": str(seed.entropy), "spawn_key": list(seed.spawn_key),
                "pool_size": seed.pool_size}
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise TypeError(f"seed {seed!r}: expected a whole number or a SeedSequence")
    return int(seed)


def spinup_key(params: Params, seed: Seed) -> str:
    """The key of the spin-up of a run of ``params`` with ``seed`` (64 hex digits): equal
    exactly when the spin-ups read the same inputs (see the module's notes)."""
    text = f'{{"code": {_code()}, "seed": {json.dumps(_seed_record(seed))}, ' \
           f'"spinup": {_fields(params)}}}'
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class SpinUp:
    """The state of a model at the end of its spin-up, for runs with key ``key``."""

    key: str
    state: bytes
    """The model, pickled (protocol 5) just before it adopts the scenario's levers."""

    def start(self, params: Params, seed: Seed, preset: str | None = None) -> CoGovModel:
        """A fresh model of ``params`` and ``seed`` at the end of this spin-up, its
        scenario's levers adopted: the model ``CoGovModel(params, seed)`` is right after
        construction, bit for bit.

        Raises
        ------
        SpinUpError
            ``params`` and ``seed`` have another spin-up (another key).
        """
        if spinup_key(params, seed) != self.key:
            raise SpinUpError(f"spin-up {self.key[:12]} is not the spin-up of these "
                              "parameters and seed")
        model = pickle.loads(self.state)
        model._take_policy(params, preset)
        with applied(params.constants):
            model._begin()
        return model

    def to_bytes(self) -> bytes:
        """The stored form: header line, then the pickled state."""
        header = {"format": FORMAT, "key": self.key, "bytes": len(self.state),
                  "sha256": hashlib.sha256(self.state).hexdigest()}
        return MAGIC + json.dumps(header, sort_keys=True).encode() + b"\n" + self.state

    @classmethod
    def from_bytes(cls, data: bytes, key: str | None = None) -> SpinUp:
        """Read :meth:`to_bytes`'s form, checking format, key and checksum before anything
        is unpickled.

        Raises
        ------
        SpinUpError
            Not a snapshot, another format, another key, or damaged (truncated, altered).
        """
        if not data.startswith(MAGIC):
            raise SpinUpError("not a cogov-sim spin-up snapshot")
        line, sep, state = data[len(MAGIC):].partition(b"\n")
        try:
            header = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise SpinUpError("spin-up snapshot with a damaged header") from None
        if not sep or not isinstance(header, dict) or header.get("format") != FORMAT:
            raise SpinUpError(f"spin-up snapshot of format {header.get('format')!r} "
                              f"(this is {FORMAT})" if isinstance(header, dict)
                              else "spin-up snapshot with a damaged header")
        if key is not None and header.get("key") != key:
            raise SpinUpError(f"spin-up snapshot of key {str(header.get('key'))[:12]}, "
                              f"expected {key[:12]}")
        if (header.get("bytes") != len(state)
                or header.get("sha256") != hashlib.sha256(state).hexdigest()):
            raise SpinUpError("spin-up snapshot is damaged (its checksum does not match)")
        return cls(key=str(header["key"]), state=state)


def spin_up(params: Params, seed: Seed) -> SpinUp:
    """Simulate the spin-up of runs of ``params`` with ``seed`` and keep its end state.

    The model is built with :func:`spinup_policy` (the key's inputs, nothing more), so the
    snapshot does not depend on which of the runs sharing it asked first.
    """
    if not shares_spinup(params):
        raise SpinUpError("spinup_months = 0: there is no spin-up to share")
    model = CoGovModel._spun_up(spinup_policy(params), seed)
    return SpinUp(key=spinup_key(params, seed),
                  state=pickle.dumps(model, protocol=5))


__all__ = ["FORMAT", "SpinUp", "SpinUpError", "shares_spinup", "spin_up", "spinup_key",
           "spinup_policy"]
