"""Mutation audit of the rules' constants: which behavioural test notices when one changes?

For every module-level scalar constant (int or float, not bool) defined in a module of
``cogov_sim.rules`` (found by introspection; names a module imports from another are
audited once, where they are defined), two mutants:

* **zero** -- unless zero breaks the model: a smoke run (``mutation_plugin.py``: four
  presets, two short years) that crashes or yields a NaN or infinite outcome makes the
  mutant fall back to an inert tiny value, ``1e-6 x`` the original, and the table says so;
* **x1.5** -- the value times 1.5 (integers rounded half up).

Each mutant runs the behavioural test files (``TEST_FILES``; never ``test_golden.py``,
whose stored outputs any change would break) in a fresh pytest process with
``-x`` and the mutant applied by the plugin ``mutation_plugin.py``; the first failing
test is the one that killed it. A mutant no test fails SURVIVED: the tests do not pin
what that constant does. The statistical tests run at seed base 0 (``--seed-base``).

Results accumulate in ``mutation_audit.jsonl`` (one line per mutant, with a fingerprint of
the sources and tests); a rerun resumes, skipping mutants whose result is stored for the
same fingerprint. After every mutant ``mutation_audit.md`` is rewritten atomically: the
table (constant, original, mutant, killed by / SURVIVED, note), marked PARTIAL while
mutants are missing. Before the first mutant the unmutated tests must pass.

    .venv/bin/python benchmarks/mutation_audit.py                 # everything (hours)
    .venv/bin/python benchmarks/mutation_audit.py --only trust    # one module of rules/
    .venv/bin/python benchmarks/mutation_audit.py --list          # the mutants, no runs
    .venv/bin/python benchmarks/mutation_audit.py --deselect tests/test_x.py::test_y  # without one test
    .venv/bin/python benchmarks/mutation_audit.py --kinds zero    # the zero mutants only
    .venv/bin/python benchmarks/mutation_audit.py --kinds zero --files tests/test_rules.py  # screening

A survivor runs every test file (several minutes); a full audit of ~240 mutants takes
many hours on one core (``--jobs 2`` halves it on an idle machine) unless the rule-level
guards (``test_rules.py``, ``test_rule_guards.py``, milliseconds each) kill most mutants.

``--kinds`` runs the mutants of some kinds only (``zero``, ``x1.5``; default both); each
mutant's key names its kind, so results of different kinds never mix and a later run of
the other kind adds to the same table. ``--files`` is a *screening* run: only the given
test files. Its results are not the audit's (a mutant no rule-level test kills may still
die in a model-level one): they go to ``mutation_screen.jsonl`` and ``mutation_screen.md``,
never to the audit's files, and the fingerprint covers the list of files run, so a
stored result is reused only for the same files.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TEST_FILES = ("tests/test_rules.py", "tests/test_rule_guards.py", "tests/test_model.py",
              "tests/test_properties.py", "tests/test_directional.py", "tests/test_mechanisms.py",
              "tests/test_patterns.py")
"""Behavioural tests, quickest first (with ``-x`` the first failure ends a run)."""
RESULTS = HERE / "mutation_audit.jsonl"
TABLE = HERE / "mutation_audit.md"
SCREEN_RESULTS = HERE / "mutation_screen.jsonl"
SCREEN_TABLE = HERE / "mutation_screen.md"
"""Where a screening run (``--files``, fewer test files than :data:`TEST_FILES`) writes."""
TINY = 1e-6
KINDS = ("zero", "x1.5")


@dataclass(frozen=True)
class Mutant:
    module: str  # short name in cogov_sim.rules
    name: str
    original: float | int
    kind: str  # "zero" or "x1.5"

    @property
    def key(self) -> str:
        return f"{self.module}.{self.name}:{self.kind}:{self.original!r}"

    def value(self, inert: bool = False) -> float | int:
        if self.kind == "x1.5":
            return int(self.original * 1.5 + 0.5) if isinstance(self.original, int) else self.original * 1.5
        if inert:  # a whole-number constant's least inert value is 1
            return max(1, int(self.original * TINY)) if isinstance(self.original, int) \
                else self.original * TINY
        return 0 if isinstance(self.original, int) else 0.0


def constants(only: list[str] | None = None) -> list[tuple[str, str, float | int]]:
    """(module, name, value) of every scalar constant defined in a module of rules/: the
    package's own list, :func:`cogov_sim.constants.registry`."""
    from cogov_sim.constants import registry

    return [(c.module, c.name, c.value) for c in registry().values()
            if not only or c.module in only]


NOT_MODEL = ("dashboard", "viz", "discovery", "sensitivity", "validation", "panel", "experiment",
             "schemas", "cli.py", "specs.py", "specfile.py", "schema.py", "memory.py", "progress.py",
             "provenance.py", "ema.py", "_version.py")
"""Parts of the package the model's runs do not execute (the command line, specs, reports,
the dashboard, the analyses): a change there leaves the stored results of the audit valid,
so work on them does not restart an audit of many hours."""


def _model_source(path: Path) -> bool:
    parts = path.relative_to(ROOT / "src" / "cogov_sim").parts
    return parts[0] not in NOT_MODEL


def fingerprint(deselect: list[str], test_files: tuple[str, ...] = TEST_FILES) -> str:
    """Hash of the model's sources (not :data:`NOT_MODEL`), the list and contents of the
    test files run, and the deselected tests."""
    h = hashlib.sha256()
    for nodeid in deselect:
        h.update(f"deselect {nodeid}".encode())
    h.update(f"files {' '.join(test_files)}".encode())
    files = sorted(f for f in (ROOT / "src" / "cogov_sim").rglob("*.py") if _model_source(f)) + [
        ROOT / f for f in test_files] + [
        ROOT / "tests" / "conftest.py", ROOT / "tests" / "_paired.py"]
    for f in files:
        if f.exists():
            h.update(str(f.relative_to(ROOT)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:12]


def _env(spec: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(HERE), str(ROOT / "src"), env.get("PYTHONPATH", "")])
    env.pop("COGOV_MUTANT", None)
    if spec:
        env["COGOV_MUTANT"] = spec
    env["COLUMNS"] = "1000"  # pytest's short summary keeps the failure message
    env.setdefault("OMP_NUM_THREADS", "1")
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    return env


def smoke(spec: str) -> str | None:
    """None if the model runs with the mutant, else why not."""
    p = subprocess.run([sys.executable, str(HERE / "mutation_plugin.py")], env=_env(spec), cwd=ROOT,
                       capture_output=True, text=True)
    if p.returncode == 0:
        return None
    lines = [ln for ln in p.stderr.strip().splitlines() if ln.strip()]
    return lines[-1] if lines else f"exit status {p.returncode}"


def run_tests(spec: str | None, seed_base: int, timeout: float, deselect: list[str],
              test_files: tuple[str, ...] = TEST_FILES) -> tuple[str | None, str]:
    """(first failing test or None, detail) for the behavioural tests under ``spec``."""
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-rfE", "-p", "no:cacheprovider",
           "-p", "mutation_plugin", "-o", "addopts=", f"--seed-base={seed_base}", *test_files,
           *(f"--deselect={nodeid}" for nodeid in deselect)]
    try:
        p = subprocess.run(cmd, env=_env(spec), cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "(timeout)", f"no result within {timeout:.0f} s"
    if p.returncode == 0:
        return None, ""
    for line in p.stdout.splitlines():
        if line.startswith(("FAILED ", "ERROR ")):
            nodeid, _, why = line.split(" ", 1)[1].partition(" - ")
            return nodeid, why.strip()[:300]
    tail = [ln for ln in (p.stdout + p.stderr).splitlines() if ln.strip()]
    return f"(pytest exit status {p.returncode})", tail[-1][:120] if tail else ""


def audit_one(m: Mutant, seed_base: int, timeout: float, deselect: list[str],
              test_files: tuple[str, ...] = TEST_FILES) -> dict:
    start = time.time()
    note = ""
    inert = False
    if m.kind == "zero" and m.original == 0:
        return {"key": m.key, "value": 0, "killed_by": None, "note": "already 0: equivalent, not run",
                "seconds": 0.0}
    if m.kind == "zero":
        why = smoke(f"{m.module}:{m.name}={m.value()!r}")
        if why:
            inert = True
            why_tiny = smoke(f"{m.module}:{m.name}={m.value(inert=True)!r}")
            note = f"zero breaks the model ({why}); inert value {TINY:g} x original used"
            if why_tiny:
                return {"key": m.key, "value": m.value(inert=True), "killed_by": "(smoke run)",
                        "note": f"zero and {TINY:g} x original both break the model: {why_tiny}",
                        "seconds": time.time() - start}
    value = m.value(inert)
    killed_by, detail = run_tests(f"{m.module}:{m.name}={value!r}", seed_base, timeout, deselect,
                                  test_files)
    if detail:
        note = f"{note}; {detail}" if note else detail
    return {"key": m.key, "value": value, "killed_by": killed_by, "note": note,
            "seconds": round(time.time() - start, 1)}


def load_results(fp: str, results: Path = RESULTS) -> dict[str, dict]:
    done = {}
    if results.exists():
        stale = 0
        for line in results.read_text().splitlines():
            if line.strip():
                r = json.loads(line)
                if r.get("fingerprint") == fp:
                    done[r["key"]] = r
                else:
                    stale += 1
        if stale:
            print(f"{stale} stored results are for other sources or tests: ignored (rerun them)")
    return done


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def write_table(mutants: list[Mutant], done: dict[str, dict], fp: str, seed_base: int,
                deselect: list[str], test_files: tuple[str, ...] = TEST_FILES,
                table: Path = TABLE) -> None:
    """The table of every stored result of ``mutants`` (all mutants of rules/, whatever
    this run selected), with counts per kind."""
    rows = []
    counts = {kind: {"total": 0, "done": 0, "killed": 0, "survived": 0} for kind in KINDS}
    for m in mutants:
        counts[m.kind]["total"] += 1
        r = done.get(m.key)
        if r is None:
            continue
        counts[m.kind]["done"] += 1
        if r["killed_by"] is None and not r["note"].startswith("already 0"):
            counts[m.kind]["survived"] += 1
            verdict = "**SURVIVED**"
        elif r["killed_by"] is None:
            verdict = "—"
        else:
            counts[m.kind]["killed"] += 1
            verdict = f"`{r['killed_by']}`"
        mutant = m.kind if m.kind == "x1.5" else ("zero" if r["value"] == 0 else f"inert {r['value']:g}")
        rows.append(f"| `{m.module}.{m.name}` | {m.original:g} | {mutant} = {r['value']:g} | {verdict} | "
                    f"{_md(r['note'])} |")
    total = len(mutants)
    complete = len(rows) == total
    screening = tuple(test_files) != TEST_FILES
    per_kind = "; ".join(f"{kind}: {c['done']} of {c['total']} run, {c['killed']} killed, "
                         f"{c['survived']} survived" for kind, c in counts.items())
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True).stdout.strip() or "unknown"
    except OSError:
        commit = "unknown"
    head = [
        "# Mutation screening of the rules' constants (NOT the audit: reduced test files)"
        if screening else "# Mutation audit of the rules' constants",
        "",
        ("**PARTIAL** — " if not complete else "")
        + f"{len(rows)} of the {total} mutants of rules/; written by "
        f"`benchmarks/mutation_audit.py` on {dt.date.today().isoformat()}, commit {commit}, "
        f"sources-and-tests fingerprint `{fp}`, seed base {seed_base}."
        + ("" if complete else " `benchmarks/mutation_audit.py` without `--only` and `--kinds` "
           + ("(and with the same `--files`) " if screening else "")
           + f"runs the rest (it resumes from `{(SCREEN_RESULTS if screening else RESULTS).name}` "
           "while sources and tests are unchanged)."),
        "",
        f"By kind: {per_kind}. A mutant sets one constant of `cogov_sim.rules` "
        "to zero (or, where zero breaks the model, to an inert tiny value) or multiplies it by 1.5; "
        "it is killed by the first of the behavioural tests "
        f"({', '.join(f'`{Path(f).name}`' for f in test_files)}; never the golden outputs) that "
        "fails with it. A survivor is a constant whose effect "
        + ("these test files do not pin down (screening: other behavioural tests may)."
           if screening else "no test pins down."),
        "",
        *([f"Deselected: {', '.join(f'`{d}`' for d in deselect)}.", ""] if deselect else []),
        "| constant | original | mutant | killed by | note |",
        "|---|---:|---|---|---|",
    ]
    tmp = table.with_suffix(".md.tmp")
    tmp.write_text("\n".join(head + rows) + "\n", encoding="utf-8")
    os.replace(tmp, table)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", action="append", metavar="MODULE",
                    help="a module of rules/ (trust, rules/trust.py, cogov_sim.rules.trust); repeatable")
    ap.add_argument("--jobs", type=int, default=1, help="mutants run at once (default 1)")
    ap.add_argument("--seed-base", type=int, default=0, help="seed base of the statistical tests")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds per mutant before it counts "
                    "as killed by a timeout")
    ap.add_argument("--list", action="store_true", help="print the mutants and stop")
    ap.add_argument("--no-baseline", action="store_true", help="skip the check that the unmutated "
                    "tests pass")
    ap.add_argument("--deselect", action="append", default=[], metavar="NODEID",
                    help="leave a test out (passed to pytest; part of the fingerprint); repeatable")
    ap.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS),
                    help="mutant kinds to run (default: both)")
    ap.add_argument("--files", nargs="+", metavar="TESTFILE",
                    help="screening: run only these test files (results and table go to "
                         f"{SCREEN_RESULTS.name} and {SCREEN_TABLE.name}, not the audit's)")
    args = ap.parse_args()
    test_files = tuple(args.files) if args.files else TEST_FILES
    missing = [f for f in test_files if not (ROOT / f).exists()]
    if missing:
        sys.exit(f"no such test file: {', '.join(missing)}")
    screening = test_files != TEST_FILES
    results, table = (SCREEN_RESULTS, SCREEN_TABLE) if screening else (RESULTS, TABLE)
    sys.path[:0] = [str(ROOT / "src")]
    only = sorted({o.removeprefix("cogov_sim.rules.").removeprefix("rules/").removesuffix(".py")
                   for o in args.only}) if args.only else None
    every = constants()
    found = [c for c in every if not only or c[0] in only]
    if only and {c[0] for c in found} != set(only):
        sys.exit(f"no constants in: {', '.join(sorted(set(only) - {c[0] for c in found}))}")
    every_mutant = [Mutant(mod, name, value, kind) for mod, name, value in every for kind in KINDS]
    mutants = [m for m in every_mutant
               if (not only or m.module in only) and m.kind in args.kinds]
    if args.list:
        for m in mutants:
            print(f"{m.module}.{m.name} = {m.original!r}: {m.kind} -> {m.value()!r}")
        print(f"{len(mutants)} mutants of {len(found)} constants")
        return
    fp = fingerprint(args.deselect, test_files)
    done = load_results(fp, results)
    todo = [m for m in mutants if m.key not in done]
    print(f"{len(mutants)} mutants, {len(mutants) - len(todo)} stored, {len(todo)} to run "
          f"(fingerprint {fp}{'; screening: ' + ' '.join(test_files) if screening else ''})", flush=True)

    def table_now() -> None:
        write_table(every_mutant, done, fp, args.seed_base, args.deselect, test_files, table)

    table_now()
    if todo and not args.no_baseline:
        print("unmutated tests ...", flush=True)
        failed, detail = run_tests(None, args.seed_base, args.timeout, args.deselect, test_files)
        if failed:
            sys.exit(f"the unmutated tests fail ({failed}: {detail}); fix them before auditing")
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {pool.submit(audit_one, m, args.seed_base, args.timeout, args.deselect, test_files): m
                   for m in todo}
        for i, fut in enumerate(concurrent.futures.as_completed(futures), 1):
            m, r = futures[fut], fut.result()
            r["fingerprint"] = fp
            r["files"] = list(test_files)
            with results.open("a", encoding="utf-8") as f:  # one line per mutant: resumable
                f.write(json.dumps(r) + "\n")
            done[m.key] = r
            table_now()
            print(f"[{i}/{len(todo)}] {m.module}.{m.name} {m.kind}: "
                  f"{r['killed_by'] or 'SURVIVED'} ({r['seconds']:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
