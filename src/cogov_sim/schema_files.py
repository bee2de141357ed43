"""The published forms of :mod:`cogov_sim.schema`: the JSON Schema of each kind of input
file (``cogov-sim schema KIND``, shipped as ``cogov_sim/schemas/KIND.schema.json`` for
editors) and docs/spec-reference.md, every key of every kind, generated from them.

Regenerate both in a checkout after a key changes (tests/test_schema.py checks that they
are current)::

    python -c "from cogov_sim.schema import write_files; write_files('.')"
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from .params import param_specs
from .schema import KINDS, SCHEMAS, _resolve, _schema, describe


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of ``kind``'s files (what ``cogov-sim schema KIND`` prints): its
    own keys first, the shared definitions last."""
    body = {k: v for k, v in _schema(SCHEMAS[kind]).items() if k != "title"}
    title = f"cogov-sim {kind} spec" if kind in KINDS else f"cogov-sim {kind} table row"
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title,
            **{k: v for k, v in body.items() if k != "$defs"},
            **({"$defs": body["$defs"]} if "$defs" in body else {})}


def dumps(kind: str) -> str:
    """The JSON Schema of ``kind`` as the shipped ``schemas/KIND.schema.json`` holds it."""
    return json.dumps(json_schema(kind), indent=2, ensure_ascii=False) + "\n"


def schema_file(kind: str) -> Path:
    """The shipped JSON Schema of ``kind`` (``cogov_sim/schemas/KIND.schema.json``)."""
    return Path(str(resources.files(__package__).joinpath("schemas", f"{kind}.schema.json")))


def reference() -> str:
    """docs/spec-reference.md: every key of every kind, from the JSON Schema."""
    out = [REFERENCE_HEAD]
    for kind in KINDS:
        schema = json_schema(kind)
        out += [f"## {kind}", "", schema.get("description", "").replace("``", "`"), "",
                "| Key | Required | Default | Allowed | Meaning |", "|---|---|---|---|---|"]
        out += [f"| `{key}` | {'yes' if need else ''} | {default} | {allowed} | {meaning} |"
                for key, need, default, allowed, meaning in _keys(schema, schema, "", ())]
        out.append("")
    schema = json_schema("communities")
    out += ["## communities (CSV)", "", schema["description"].replace("``", "`"), "",
            "| Column | Required | Allowed | Meaning |", "|---|---|---|---|"]
    out += [f"| `{key}` | {'yes' if need else ''} | {allowed} | {meaning} |"
            for key, need, _, allowed, meaning in _keys(schema, schema, "", ())]
    return "\n".join([*out, ""])


REFERENCE_HEAD = """# Spec reference

Every key of every input file, and every column of a community table, generated from the
schema the package checks files with (`cogov_sim.schema`; regenerate this page with
`python -c "from cogov_sim.schema import write_files; write_files('.')"` in a checkout).
`cogov-sim schema KIND` prints a kind's JSON Schema; the shipped specs name theirs in
their first line (`#:schema ../schemas/KIND.schema.json`), so editors that read it (Even
Better TOML in VS Code, taplo) complete keys and flag mistakes while you type. A
*table of parameters* takes the parameters `cogov-sim params` lists, each within its
bounds. Guides: [experiments](experiments.md), [sensitivity](sensitivity.md),
[discovery](discovery.md), [timelines and rollouts](timelines.md),
[validation and calibration](validation.md).
"""


def _keys(schema: dict[str, Any], node: dict[str, Any], prefix: str,
          seen: tuple[str, ...]) -> list[tuple[str, bool, str, str, str]]:
    """Rows of the reference: each key of ``node`` and, below it, the keys of its tables
    (the alternatives of a design, the items of a list of tables)."""
    rows = []
    parameter_names = {s.name for s in param_specs()}
    for key, raw in node.get("properties", {}).items():
        if key in parameter_names and "x-parameters" in node:
            continue  # the parameters: `cogov-sim params` lists them
        sub = _resolve(schema, raw)
        default = "" if "default" not in sub else f"`{json.dumps(sub['default'], ensure_ascii=False)}`"
        rows.append((prefix + key, key in node.get("required", ()), default,
                     describe(sub, schema).replace("|", "\\|"),
                     sub.get("description", "").replace("|", "\\|")))
        tables = _tables(schema, raw)
        for ref, tag, table in tables:
            listed = "[]" if _resolve(schema, raw).get("type") == "array" else ""
            where = f"{prefix}{key}{listed}{f' ({tag})' if tag and len(tables) > 1 else ''}."
            rows += _keys(schema, table, where, (*seen, ref))
    return rows


def _tables(schema: dict[str, Any], node: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """The tables with named keys a value may be: (their definition, tag, schema)."""
    out = []
    for alt in [node, *node.get("anyOf", []), *node.get("oneOf", [])]:
        ref = alt.get("$ref", "")
        alt = _resolve(schema, alt)
        if alt.get("type") == "array" and isinstance(alt.get("items"), dict):
            out += [(r, t, n) for r, t, n in _tables(schema, alt["items"])]
        elif alt.get("properties") and "x-nested" not in alt and (alt is not node or ref) and (
                "x-parameters" not in alt or set(alt["properties"]) - {s.name for s in param_specs()}):
            out.append((ref, alt.get("x-tag", ""), alt))
    return out


def write_files(checkout: str | Path) -> list[Path]:
    """Regenerate, in a checkout, the shipped schema files and docs/spec-reference.md
    (after a key changes; tests/test_schema.py checks that they are current)."""
    root = Path(checkout)
    written = []
    for kind in SCHEMAS:
        path = root / "src" / "cogov_sim" / "schemas" / f"{kind}.schema.json"
        path.parent.mkdir(exist_ok=True)
        path.write_text(dumps(kind), encoding="utf-8")
        written.append(path)
    page = root / "docs" / "spec-reference.md"
    page.write_text(reference(), encoding="utf-8")
    return [*written, page]


__all__ = ["dumps", "json_schema", "reference", "schema_file", "write_files"]
