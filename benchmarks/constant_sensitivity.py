"""Which rule constants carry the headline results (issue 19)?

For every scalar constant of the rules (:func:`cogov_sim.constants.registry`), the
package's headline effect, ``taicang_3_0`` − ``baseline`` on the same seed, is measured
with the constant at half and at one and a half times its value (whole-number constants
rounded, at least 1), on paired seeds. A constant **carries** an effect when moving it
from ×0.5 to ×1.5 changes that effect by more than 10 % of the effect at the package's
value and by more than 2.5 standard errors of the paired difference. The table gives, for
each constant that carries at least one effect, the changes, and whether the docstring
under the constant cites a source (a seed, the research note or an author-year
reference): what calibration (``cogov_sim.validation.abc``) must pin down, or a source
must justify.

Results accumulate in ``constant_sensitivity.jsonl`` (one line per run; a rerun with the
same settings and model sources resumes) and the table is written to
``constant_sensitivity.md`` atomically.

    PYTHONPATH=src .venv/bin/python benchmarks/constant_sensitivity.py [--seeds 4] [--workers 2]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import json
import os
import re
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "constant_sensitivity.jsonl"
TABLE = HERE / "constant_sensitivity.md"
SIZE = {"n_residents": 12_000, "n_communities": 6, "residents_per_agent": 10,
        "spinup_months": 60, "months": 60}
SCENARIOS = ("baseline", "taicang_3_0")
OUTCOMES = ("happiness_index", "participation_rate", "admin_burden", "resolution_rate",
            "so_per_10k")
FACTORS = (0.5, 1.0, 1.5)
REL, SE = 0.10, 2.5
CITES = re.compile(r"seed \d|seeds? 0\d\d|research note|\b[A-Z][a-z]+ (?:et al\. |& [A-Z][a-z]+ )?"
                   r"\(?\d{4}\)?|MODEL_BRIEF")


def fingerprint() -> str:
    from cogov_sim.experiment.runner import model_fingerprint

    text = json.dumps({"model": model_fingerprint(), "size": SIZE, "outcomes": OUTCOMES})
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def value_at(original: float | int, factor: float) -> float | int:
    if isinstance(original, int):
        return max(1, int(original * factor + 0.5))
    return original * factor


def one(task: tuple[str, float, str, int]) -> dict[str, object]:
    from cogov_sim.constants import registry
    from cogov_sim.presets import load_preset
    from cogov_sim.runner import simulate

    key, factor, scenario, seed = task
    params = load_preset(scenario, **SIZE)
    if factor != 1.0:
        params = params.with_constants({key: value_at(registry()[key].value, factor)})
    frame = simulate(params, seed)
    means = frame[list(OUTCOMES)].tail(12).mean()
    return {"key": key, "factor": factor, "scenario": scenario, "seed": seed,
            **{o: float(means[o]) for o in OUTCOMES}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=int, default=4)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--only", nargs="*", default=None, metavar="MODULE")
    args = ap.parse_args(argv)
    from cogov_sim.constants import registry

    constants = {k: c for k, c in registry().items() if not args.only or c.module in args.only}
    seeds = list(range(1, args.seeds + 1))
    fp = fingerprint()
    done: dict[tuple, dict] = {}
    if RESULTS.exists():
        for line in RESULTS.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row.get("fingerprint") == fp:
                done[(row["key"], row["factor"], row["scenario"], row["seed"])] = row
    todo = [(k, f, s, seed) for k in ["default"] for f in (1.0,) for s in SCENARIOS
            for seed in seeds]
    todo += [(k, f, s, seed) for k in constants for f in (0.5, 1.5) for s in SCENARIOS
             for seed in seeds]
    todo = [t for t in todo if t not in done]
    print(f"{len(constants)} constants, {len(seeds)} seeds: {len(todo)} runs to do "
          f"(fingerprint {fp})", flush=True)
    start = time.perf_counter()
    with RESULTS.open("a", encoding="utf-8") as log, \
            concurrent.futures.ProcessPoolExecutor(args.workers) as pool:
        for i, row in enumerate(pool.map(one, todo, chunksize=4), 1):
            row["fingerprint"] = fp
            log.write(json.dumps(row) + "\n")
            log.flush()
            done[(row["key"], row["factor"], row["scenario"], row["seed"])] = row
            if i % 100 == 0:
                print(f"{i}/{len(todo)} runs, {time.perf_counter() - start:.0f} s", flush=True)
    elapsed = time.perf_counter() - start

    def effect(key: str, factor: float) -> np.ndarray:
        rows = [[done[(key, factor, s, seed)][o] for o in OUTCOMES] for s in SCENARIOS
                for seed in seeds]
        a = np.array(rows).reshape(len(SCENARIOS), len(seeds), len(OUTCOMES))
        return a[1] - a[0]  # seeds x outcomes

    base = effect("default", 1.0).mean(axis=0)
    lines = [
        "# Which rule constants carry the headline results", "",
        f"Generated by `benchmarks/constant_sensitivity.py`: every scalar constant of the "
        f"rules ({len(constants)}) at ×0.5 and ×1.5 (whole numbers rounded, at least 1); the "
        f"headline effect `taicang_3_0` − `baseline` (same seed) on the mean of the last 12 of "
        f"{SIZE['months']} reported months after a {SIZE['spinup_months']}-month spin-up, "
        f"{SIZE['n_residents']:,} residents in {SIZE['n_communities']} communities, one agent "
        f"per {SIZE['residents_per_agent']}, seeds {seeds[0]}–{seeds[-1]} paired. A cell is the "
        "change of the effect from ×0.5 to ×1.5 as a share of the effect at the package's "
        f"value; **bold**: the constant carries that effect (more than {REL:.0%} of it and "
        f"beyond {SE} standard errors of the paired change). *Source*: whether the docstring "
        "under the constant cites a seed, the research note or an author-year reference "
        "(read by a pattern, so a hint, not a verdict).", "",
        "Effects at the package's values: " + ", ".join(
            f"{o} {v:+.4g}" for o, v in zip(OUTCOMES, base, strict=True)) + ".", "",
        "| constant | value | " + " | ".join(OUTCOMES) + " | source | meaning |",
        "|---|---:|" + "---:|" * len(OUTCOMES) + "---|---|"]
    carriers = 0
    for key, c in constants.items():
        d = effect(key, 1.5) - effect(key, 0.5)
        mean, se = d.mean(axis=0), d.std(axis=0, ddof=1) / np.sqrt(len(seeds))
        rel = mean / np.where(np.abs(base) > 0, np.abs(base), np.nan)
        carry = (np.abs(rel) > REL) & (np.abs(mean) > SE * se)
        if not carry.any():
            continue
        carriers += 1
        cells = [(f"**{r:+.0%}**" if k else f"{r:+.0%}") if np.isfinite(r) else "–"
                 for r, k in zip(rel, carry, strict=True)]
        source = "cites" if CITES.search(c.doc) else "none"
        lines.append(f"| `{key}` | {c.value:g} | " + " | ".join(cells)
                     + f" | {source} | {c.doc[:110]} |")
    lines += ["", f"{carriers} of {len(constants)} constants carry at least one headline "
              f"effect. Runtime: {elapsed:.0f} s for the runs not stored "
              f"({args.workers} workers).", ""]
    text = "\n".join(lines)
    with tempfile.NamedTemporaryFile("w", dir=HERE, delete=False, suffix=".tmp",
                                     encoding="utf-8") as tmp:
        tmp.write(text)
    os.replace(tmp.name, TABLE)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
