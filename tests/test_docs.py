"""The documentation stays true to the code.

Checks that every relative link in ``docs/*.md`` resolves (files and heading anchors); that
``docs/ODD.md`` mentions every rule module, every parameter (with its current kind,
default, bounds and unit), every outcome, every phase in schedule order and every state
variable of the agents' arrays; that the code objects it names (``requests.escalates``)
exist and the constants it quotes (``requests.ESCALATION_THRESHOLD`` = 0.3, or
``(= 0.3)``) have the quoted values; that every named constant of the rule modules is
quoted, numeric ones with their value (so a new or changed constant cannot go
undocumented); that the tables generated from metadata are in sync; and that every
pattern P1-P8 has a row and every test the ODD cites exists (the patterns themselves are
asserted in tests/test_patterns.py and tests/test_model.py).

The generated tables (parameters, preset values, outcomes, the mechanisms an ablation can
cut) sit between ``<!-- BEGIN GENERATED: name -->`` and ``<!-- END GENERATED: name -->``
in docs/ODD.md.
After changing parameter metadata, presets, outcomes or the mechanism registry,
regenerate them with::

    .venv/bin/python tests/test_docs.py --write
"""

from __future__ import annotations

import ast
import importlib
import re
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import mesa
import numpy as np
import pytest

from cogov_sim import outcomes, phases
from cogov_sim.model import CoGovModel
from cogov_sim.params import Params, ParamSpec, param_specs
from cogov_sim.presets import preset_names, preset_values

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
ODD = DOCS / "ODD.md"
SRC = ROOT / "src" / "cogov_sim"

LINK = re.compile(r"(?<!!)\[(?:[^\[\]]|\[[^\]]*\])*\]\(([^)\s]+)\)")
CODE = re.compile(r"`([^`\n]+)`")
NUMBER = r"-?\d+(?:\.\d+)?(?:e-?\d+)?"
QUOTED_CONSTANT = re.compile(
    rf"`([a-z_]+(?:\.[A-Za-z_]\w*)+)`\s*\(?=\s*(\((?:{NUMBER})(?:,\s*{NUMBER})*\)|{NUMBER})")
DOTTED = re.compile(r"^([a-z_]+(?:\.[A-Za-z_]\w*)+)(?:\(\))?$")
BLOCK = "<!-- BEGIN GENERATED: {name} -->\n{body}<!-- END GENERATED: {name} -->"


# -- rendering of the generated tables --------------------------------------------------
def fmt(value: float | int) -> str:
    """A number as the tables show it: whole numbers without decimals, thousands with commas."""
    v = float(value)
    if v.is_integer():
        return f"{int(v):,}"
    return repr(v)


def parse_number(text: str) -> float:
    return float(text.replace(",", "").strip())


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_params() -> str:
    lines = ["| parameter | kind | default | bounds | unit | meaning (含义) |",
             "|---|---|---|---|---|---|"]
    for s in param_specs():
        lines.append(f"| `{s.name}` | {s.kind} | {fmt(s.default)} | [{fmt(s.low)}, {fmt(s.high)}] "
                     f"| {_cell(s.unit)} | {_cell(s.en)} ({_cell(s.zh)}) |")
    return "\n".join(lines) + "\n"


def render_presets() -> str:
    names = preset_names()
    values = {n: preset_values(n) for n in names}
    set_anywhere = [s for s in param_specs() if any(s.name in v for v in values.values())]
    lines = ["| parameter | " + " | ".join(f"`{n}`" for n in names) + " |",
             "|---|" + "---|" * len(names)]
    for s in set_anywhere:
        cells = [fmt(values[n].get(s.name, s.default)) for n in names]
        lines.append(f"| `{s.name}` | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def render_outcomes() -> str:
    lines = ["| outcome | group | unit | better | meaning (含义) |", "|---|---|---|---|---|"]
    for o in outcomes.OUTCOMES:
        lines.append(f"| `{o.name}` | {o.group} | {_cell(o.unit)} | {o.better or '—'} "
                     f"| {_cell(o.en)} ({_cell(o.zh)}) |")
    return "\n".join(lines) + "\n"


def render_mechanisms() -> str:
    from cogov_sim.mechanisms import MECHANISMS

    lines = ["| mechanism | what it is (含义) | how it is cut (切断方式) | lever set to zero | source |",
             "|---|---|---|---|---|"]
    for m in MECHANISMS:
        lever = f"`{m.lever}`" if m.lever else "—"
        lines.append(f"| `{m.name}` | {_cell(m.en)} ({_cell(m.zh)}) | {_cell(m.cut)} ({_cell(m.cut_zh)}) "
                     f"| {lever} | {_cell(m.source)} |")
    return "\n".join(lines) + "\n"


GENERATED: dict[str, Callable[[], str]] = {
    "params": render_params, "presets": render_presets, "outcomes": render_outcomes,
    "mechanisms": render_mechanisms,
}


def block_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"<!-- BEGIN GENERATED: {name} -->\n(.*?)<!-- END GENERATED: {name} -->",
                      re.S)


def write_generated(path: Path = ODD) -> None:
    """Replace every generated block of ``path`` by a fresh rendering."""
    text = path.read_text("utf-8")
    for name, render in GENERATED.items():
        new = BLOCK.format(name=name, body=render())
        text, n = block_pattern(name).subn(lambda _m: new, text)  # noqa: B023 (used at once)
        if n != 1:
            raise SystemExit(f"{path}: expected one generated block '{name}', found {n}")
    path.write_text(text, "utf-8")


# -- helpers ----------------------------------------------------------------------------
def odd_text() -> str:
    return ODD.read_text("utf-8")


def doc_pages() -> list[Path]:
    return sorted(DOCS.glob("*.md"))


def slug(heading: str) -> str:
    """GitHub's anchor for a heading (lower case, punctuation dropped, spaces to hyphens)."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    return {slug(m.group(1)) for m in re.finditer(r"^#{1,6}\s+(.+?)\s*$", path.read_text("utf-8"),
                                                   re.M)}


def relative_links(path: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", path.read_text("utf-8"), flags=re.S)
    return [t for t in LINK.findall(text) if not re.match(r"^[a-z]+:", t)]


def generated_block(name: str) -> str:
    m = block_pattern(name).search(odd_text())
    assert m, f"docs/ODD.md has no generated block '{name}'"
    return m.group(1)


def resolve(dotted: str) -> tuple[bool, Any]:
    """``(True, object)`` for ``module.attr...`` inside cogov_sim; ``(False, None)`` when the
    first part names no cogov_sim module (then it is not a code reference)."""
    parts = dotted.split(".")
    for prefix in ("cogov_sim.", "cogov_sim.rules.", "cogov_sim.agents."):
        for i in range(len(parts) - 1, 0, -1):
            name = prefix + ".".join(parts[:i])
            try:
                obj: Any = importlib.import_module(name)
            except ModuleNotFoundError:
                continue
            for attr in parts[i:]:
                if not hasattr(obj, attr):
                    raise AttributeError(f"`{dotted}`: {name} has no '{attr}'")
                obj = getattr(obj, attr)
            return True, obj
    return False, None


# -- links -------------------------------------------------------------------------------
def test_docs_exist() -> None:
    assert ODD.is_file() and (DOCS / "README.md").is_file()


@pytest.mark.parametrize("page", doc_pages(), ids=lambda p: p.name)
def test_relative_links_resolve(page: Path) -> None:
    links = relative_links(page)
    assert links, f"{page.name} has no relative links"
    broken = []
    for target in links:
        file_part, _, anchor = target.partition("#")
        dest = (page.parent / file_part).resolve() if file_part else page
        if not dest.exists():
            broken.append(f"{target} (no such file)")
        elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
            broken.append(f"{target} (no heading with anchor '{anchor}')")
        elif file_part and ROOT not in dest.parents:
            broken.append(f"{target} (outside the repository)")
    assert not broken, f"{page.name}: broken links: " + "; ".join(broken)


def test_index_lists_every_page() -> None:
    index = relative_links(DOCS / "README.md")
    listed = {t.partition("#")[0] for t in index}
    missing = [p.name for p in doc_pages() if p.name != "README.md" and p.name not in listed]
    assert not missing, f"docs/README.md does not list: {missing} (add a line for each page)"


@pytest.mark.parametrize("package", ["rules", "agents"])
def test_every_module_is_linked_from_odd(package: str) -> None:
    text = odd_text()
    modules = sorted(p.name for p in (SRC / package).glob("*.py") if p.name != "__init__.py")
    assert modules
    missing = [m for m in modules if f"](../src/cogov_sim/{package}/{m})" not in text]
    assert not missing, f"docs/ODD.md does not link {package} modules: {missing}"


def test_core_modules_are_linked_from_odd() -> None:
    text = odd_text()
    core = ["model.py", "phases.py", "outcomes.py", "params.py", "presets.py", "runner.py"]
    missing = [m for m in core if f"](../src/cogov_sim/{m})" not in text]
    assert not missing, f"docs/ODD.md does not link {missing}"


# -- parameters, outcomes, phases -----------------------------------------------------------
def parameter_rows() -> dict[str, list[str]]:
    rows = {}
    for line in generated_block("params").splitlines():
        m = re.match(r"^\| `(\w+)` \|(.*)\|$", line)
        if m:
            rows[m.group(1)] = [c.strip() for c in m.group(2).split(" | ")]
    return rows


@pytest.mark.parametrize("s", param_specs(), ids=lambda s: s.name)
def test_parameter_table_has_current_metadata(s: ParamSpec) -> None:
    rows = parameter_rows()
    assert s.name in rows, f"{s.name} missing from the ODD parameter table"
    kind, default, bounds, unit = rows[s.name][:4]
    low, high = (parse_number(x) for x in bounds.strip("[]").split(", "))
    assert kind == s.kind
    assert parse_number(default) == pytest.approx(float(s.default))
    assert (low, high) == pytest.approx((float(s.low), float(s.high)))
    assert unit == s.unit


def test_parameter_table_has_no_stale_rows() -> None:
    stale = set(parameter_rows()) - {s.name for s in param_specs()}
    assert not stale, f"ODD parameter table lists unknown parameters {sorted(stale)}"


def test_odd_says_how_the_parameter_table_is_made() -> None:
    text = odd_text()
    assert "`cogov-sim params`" in text and "tests/test_docs.py --write" in text


@pytest.mark.parametrize("name", list(GENERATED))
def test_generated_tables_are_in_sync(name: str) -> None:
    assert generated_block(name) == GENERATED[name](), (
        f"the generated '{name}' table in docs/ODD.md is out of date; "
        "run `.venv/bin/python tests/test_docs.py --write`")


def test_every_outcome_is_described() -> None:
    text = odd_text()
    missing = [n for n in outcomes.OUTCOME_NAMES if f"`{n}`" not in text]
    assert not missing, f"outcomes missing from docs/ODD.md: {missing}"


def test_every_phase_is_described_in_schedule_order() -> None:
    text = odd_text()
    names = [f.__name__ for f in phases.ORDER] + [phases.annual_evaluation.__name__]
    missing = [n for n in names if f"`{n}`" not in text]
    assert not missing, f"phases missing from docs/ODD.md: {missing}"
    m = re.search(r"<!-- schedule -->(.*?)<!-- /schedule -->", text, re.S)
    assert m, "docs/ODD.md has no <!-- schedule --> table"
    listed = re.findall(r"^\| \d+ \| \[`(\w+)`\]", m.group(1), re.M)
    assert listed == names, f"schedule table order {listed} != phases.ORDER + annual {names}"


# -- code references and quoted constants -----------------------------------------------------
def test_code_references_exist() -> None:
    checked, missing = 0, []
    for span in set(CODE.findall(odd_text())):
        m = DOTTED.match(span)
        if not m:
            continue
        try:
            found, _ = resolve(m.group(1))
        except AttributeError as exc:
            missing.append(str(exc))
            continue
        checked += found
    assert not missing, "docs/ODD.md names code that does not exist: " + "; ".join(missing)
    assert checked >= 50, f"only {checked} code references found; is the ODD still detailed?"


def test_quoted_constants_match_the_code() -> None:
    quoted = QUOTED_CONSTANT.findall(odd_text())
    assert len(quoted) >= 40, f"only {len(quoted)} quoted constants found"
    wrong = []
    for name, text in quoted:
        found, value = resolve(name)
        assert found, f"`{name}` is not a cogov_sim object"
        if isinstance(value, types.FunctionType | types.ModuleType | type):
            wrong.append(f"{name} is not a constant")
            continue
        expected = np.array([float(x) for x in re.findall(NUMBER, text)])
        actual = np.atleast_1d(np.asarray(value, dtype=float))
        if actual.shape != expected.shape or not np.allclose(actual, expected):
            wrong.append(f"{name}: docs say {text}, code has {value!r}")
    assert not wrong, "docs/ODD.md quotes constants wrongly: " + "; ".join(wrong)


def rule_constants() -> list[tuple[str, Any]]:
    """``(module.NAME, value)`` for every UPPER_CASE name assigned at module level in a rule
    module (imported names are not counted)."""
    found = []
    for path in sorted((SRC / "rules").glob("*.py")):
        module = importlib.import_module(f"cogov_sim.rules.{path.stem}")
        for node in ast.parse(path.read_text("utf-8")).body:
            targets = (node.targets if isinstance(node, ast.Assign)
                       else [node.target] if isinstance(node, ast.AnnAssign) else [])
            for target in targets:
                if isinstance(target, ast.Name) and re.fullmatch(r"[A-Z][A-Z0-9_]*", target.id):
                    found.append((f"{path.stem}.{target.id}", getattr(module, target.id)))
    return found


def test_every_rule_constant_is_quoted() -> None:
    """Every named constant of the rules appears in the ODD; numeric ones with their value."""
    text = odd_text()
    with_value = {name for name, _ in QUOTED_CONSTANT.findall(text)}
    constants = rule_constants()
    assert len(constants) >= 60, f"only {len(constants)} rule constants found"
    missing, no_value = [], []
    for name, value in constants:
        if f"`{name}`" not in text:
            missing.append(name)
        elif np.asarray(value).dtype.kind in "fiu" and name not in with_value:
            no_value.append(name)
    assert not missing, f"docs/ODD.md does not mention the rule constants {missing}"
    assert not no_value, ("docs/ODD.md names but does not quote (`module.NAME` = value) "
                          f"{no_value}")


def test_every_state_variable_is_in_the_odd() -> None:
    """The state tables of section 2 list every array the agents' state is kept in."""
    m = CoGovModel(Params(n_residents=100, n_communities=2, residents_per_agent=1,
                          spinup_months=0, months=1), seed=0)
    mesa_own = set(vars(mesa.Agent(m)))  # model, unique_id, pos: Mesa's, not the model's
    text = odd_text()
    missing = []
    for label, obj in [("population", m.population), ("committees", m.committees),
                       ("organizations", m.orgs), ("government", m.government)]:
        names = [k for k in vars(obj) if not k.startswith("_") and k not in mesa_own]
        assert names, f"{label}: no state found"
        missing += [f"{label}.{k}" for k in names if f"`{k}`" not in text]
    assert not missing, f"docs/ODD.md section 2 does not describe {missing}"


# -- tests the ODD cites -------------------------------------------------------------------------
TEST_REF = re.compile(r"`(tests/test_\w+\.py)::(\w+)`")


def test_cited_tests_exist() -> None:
    """Every ``tests/test_x.py::test_name`` the ODD cites (pattern table, text) is a real test."""
    cited = TEST_REF.findall(odd_text())
    assert len(cited) >= 5, "the ODD pattern table cites too few tests"
    missing = [f"{f}::{name}" for f, name in cited
               if not (ROOT / f).is_file()
               or not re.search(rf"^def {name}\(", (ROOT / f).read_text("utf-8"), re.M)]
    assert not missing, f"docs/ODD.md cites tests that do not exist: {missing}"


def test_every_pattern_is_in_the_odd() -> None:
    text = odd_text()
    missing = [f"P{i}" for i in range(1, 9) if not re.search(rf"^\| P{i} \|", text, re.M)]
    assert not missing, f"pattern table rows missing: {missing}"


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        write_generated()
    else:
        raise SystemExit("usage: python tests/test_docs.py --write  (regenerates the ODD tables)")
