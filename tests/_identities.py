"""What every shipped spec runs, as plain data: the before-and-after record of issue 23.

Moving spec checking to one schema (cogov_sim.schema) must not change a single run: the
same identities (what run ids are hashed from, without the package version) and the same
tasks (run ids, seeds and parameters). This module uses only the spec loaders' public
API, so the same code ran on the hand-written parsers to record
``tests/golden/spec_identities.json``::

    PYTHONPATH=<tree>/src python tests/_identities.py > tests/golden/spec_identities.json
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def _digest(items: list[Any]) -> str:
    text = json.dumps(items, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _tasks(tasks: list[Any]) -> dict[str, Any]:
    return {"count": len(tasks), "tasks": _digest(
        [[t.run_id, t.seed, t.params.to_dict(), str(getattr(t.params, "changes", ""))]
         for t in tasks])}


def identity(name: str, command: str) -> dict[str, Any]:
    """The identity of shipped spec ``name`` (and a digest of its tasks, where its
    command makes them from the spec alone)."""
    from cogov_sim.specs import spec_path

    path = spec_path(name)
    if command == "experiment":
        from cogov_sim.experiment.design import make_tasks
        from cogov_sim.experiment.spec import load_spec

        spec = load_spec(path)
        return {"identity": spec.identity(), **_tasks(make_tasks(spec))}
    if command == "rollout":
        from cogov_sim.panel.rollout import load_rollout, make_tasks

        spec = load_rollout(path)
        return {"identity": spec.to_dict(), **_tasks(make_tasks(spec))}
    if command in ("sa", "discover"):
        from importlib import import_module

        module = {"sa": "cogov_sim.sensitivity.spec", "discover": "cogov_sim.discovery.spec"}
        spec = import_module(module[command]).load_spec(path)
        return {"identity": spec.identity(), "base": spec.base_params().to_dict()}
    from cogov_sim.validation.spec import load_calibration, load_validation

    spec = (load_validation if command == "validate" else load_calibration)(path)
    return {"identity": spec.identity()}


def identities() -> dict[str, Any]:
    from cogov_sim.specs import COMMANDS
    from cogov_sim.timeline import load_scenario, timeline_names

    out = {name: identity(name, command) for name, command in COMMANDS.items()}
    out["timelines"] = {name: {"params": load_scenario(name).to_dict(),
                               "changes": str(load_scenario(name).changes)}
                        for name in timeline_names()}
    return json.loads(json.dumps(out, sort_keys=True, default=str))


if __name__ == "__main__":
    print(json.dumps(identities(), indent=1, sort_keys=True, ensure_ascii=False))  # noqa: T201
