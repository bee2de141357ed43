"""Reproduce the referee's measurements of issue 18 on the model as it stands.

Measures, in the review's setting (30,000 residents in 10 communities, the default
120-month spin-up, 120 reported months, a value = mean of the last 12 reported months,
seeds 101-105 or 101-103 where runs are heavier):

1. the government's score of committees at resident_eval_weight 0 / 0.3 / 0.6 / 1.0
   (taicang_1_0, taicang_3_0) against 100 - 40 x weight, its spread across committees within
   a run, and its response to consultations (0 vs the preset's number);
2. the committees' rating of government: spread across committees, response to the resident
   weight and to consultations, and R^2 of a linear fit on the government's own levers over
   20 random lever settings (taicang_1_0 context, 10,000 residents, 60 reported months);
3. whether the scores change anything: headline outcomes with the government's score and/or
   the committees' rating replaced by a constant, and the resident weight's effect on
   happiness with the paperwork and follow-through channels cut;
4. the consequences of neighbour influence, habit, salience, trust in government (in
   escalation) and grid visits;
5. sample rate (1, 10, 50 residents per agent);
6. community size (1,000 / 3,000 / 10,000 residents a community);
7. implemented funding over 30 reported years and trust in social organizations at years
   10, 20, 30.

Only public entry points are used (``load_preset``, ``simulate``, ``CoGovModel``); module
constants and the evaluation functions are patched with ``unittest.mock.patch.object``, and a
constant, function or parameter that a revised model no longer has is reported as such.
An item that fails is reported with its error and the others still run.

    PYTHONPATH=src .venv/bin/python benchmarks/review_18.py [--out PATH] [--only 1,3]

Writes a Markdown report (default ``benchmarks/review_18_after.md``); progress goes to stderr.
About 5 minutes on one core of the project's machine.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib
import inspect
import platform
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np
import pandas as pd

import cogov_sim
from cogov_sim.experiment import store
from cogov_sim.model import CoGovModel
from cogov_sim.presets import load_preset
from cogov_sim.runner import simulate

SEEDS = (101, 102, 103, 104, 105)
HEAVY = (101, 102, 103)
SIZE = {"n_residents": 30_000, "n_communities": 10}
TAIL = 12
WEIGHTS = (0.0, 0.3, 0.6, 1.0)
HEADLINE = ("participation_rate", "happiness_index", "admin_burden", "resolution_rate", "so_per_10k",
            "trust_committee")
SHORT = {"participation_rate": "participation", "happiness_index": "happiness",
         "admin_burden": "admin burden", "resolution_rate": "resolution", "so_per_10k": "orgs/10k",
         "trust_committee": "trust in committee"}
DIGITS = {"participation_rate": 4, "happiness_index": 2, "admin_burden": 4, "resolution_rate": 4,
          "so_per_10k": 2, "trust_committee": 4}
LEVERS = {"list_strictness": (0.0, 1.0), "delegation_funding": (0.0, 1.0),
          "social_workers_per_1000": (0.0, 3.0), "two_way_eval_weight": (0.0, 1.0)}
DEFAULT_OUT = Path(__file__).resolve().parent / "review_18_after.md"


class Missing(Exception):
    """Something the script patches or sets is no longer in the model."""


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- runs -------------------------------------------------------------------------------------

_FRAMES: dict[tuple, pd.DataFrame] = {}
_ARRAYS: dict[tuple, dict[str, np.ndarray]] = {}
RUNS = {"n": 0}


def params(scenario: str, size: dict[str, Any] | None = None, **over: Any):
    try:
        return load_preset(scenario, **(SIZE if size is None else size), **over)
    except ValueError as err:  # ParameterError: a parameter the model no longer has
        raise Missing(str(err)) from None


def frame(scenario: str, seed: int, size: dict[str, Any] | None = None,
          patches: Callable[[], contextlib.AbstractContextManager] | None = None,
          **over: Any) -> pd.DataFrame:
    """Monthly outcomes of one run; unpatched runs are cached."""
    key = (scenario, seed, tuple(sorted((size or SIZE).items())), tuple(sorted(over.items())))
    if patches is None and key in _FRAMES:
        return _FRAMES[key]
    p = params(scenario, size, **over)
    with patches() if patches is not None else contextlib.nullcontext():
        df = simulate(p, seed)
    RUNS["n"] += 1
    if patches is None:
        _FRAMES[key] = df
    return df


def arrays(scenario: str, seed: int, **over: Any) -> dict[str, np.ndarray]:
    """The per-committee evaluation arrays at the end of one run (raveled)."""
    key = (scenario, seed, tuple(sorted(over.items())))
    if key not in _ARRAYS:
        model = CoGovModel(params(scenario, **over), seed=seed)
        model.run()
        RUNS["n"] += 1
        com = model.committees
        _ARRAYS[key] = {"gov_score": np.asarray(com.gov_score, dtype=float).ravel(),
                        "rating": np.asarray(com.rating_of_government, dtype=float).ravel()}
    return _ARRAYS[key]


def tail(df: pd.DataFrame, col: str, months: int = TAIL) -> float:
    if col not in df.columns:
        raise Missing(f"outcome '{col}' is no longer recorded")
    return float(df[col].tail(months).mean())


def year_mean(df: pd.DataFrame, col: str, year: int) -> float:
    return float(df[col].iloc[12 * (year - 1): 12 * year].mean())


# -- patches ----------------------------------------------------------------------------------

def rules_module(name: str):
    try:
        return importlib.import_module(f"cogov_sim.rules.{name}")
    except ModuleNotFoundError:
        raise Missing(f"module cogov_sim.rules.{name} no longer exists") from None


def phases_module(name: str):
    """The rules module as the model's phases see it (``from .rules import evaluation``)."""
    phases = importlib.import_module("cogov_sim.phases")
    return getattr(phases, name, None) or rules_module(name)


def constants(values: dict[str, float]) -> Callable[[], contextlib.AbstractContextManager]:
    """Patch ``{"module.NAME": value}`` constants of ``cogov_sim.rules`` (checked now)."""
    for dotted in values:
        module, name = dotted.split(".")
        if not hasattr(rules_module(module), name):
            raise Missing(f"constant cogov_sim.rules.{dotted} no longer exists")

    @contextlib.contextmanager
    def patched() -> Iterator[None]:
        with contextlib.ExitStack() as stack:
            for dotted, value in values.items():
                module, name = dotted.split(".")
                stack.enter_context(mock.patch.object(rules_module(module), name, value))
            yield

    return patched


def constant_results(values: dict[str, float]) -> Callable[[], contextlib.AbstractContextManager]:
    """Patch ``{"module.function": c}``: each function returns an array of ``c`` shaped like
    its own result (so a per-committee or committees x departments result keeps its shape)."""
    for dotted in values:
        module, name = dotted.split(".")
        if not callable(getattr(phases_module(module), name, None)):
            raise Missing(f"function cogov_sim.rules.{dotted} no longer exists")

    def constant(original: Callable, value: float) -> Callable:
        def replaced(*args: Any, **kwargs: Any) -> np.ndarray:
            return np.full(np.shape(original(*args, **kwargs)), value, dtype=float)
        return replaced

    @contextlib.contextmanager
    def patched() -> Iterator[None]:
        with contextlib.ExitStack() as stack:
            for dotted, value in values.items():
                module, name = dotted.split(".")
                target = phases_module(module)
                stack.enter_context(mock.patch.object(target, name,
                                                      constant(getattr(target, name), value)))
            yield

    return patched


def escalation_at_fixed_trust(level: float) -> Callable[[], contextlib.AbstractContextManager]:
    """Escalation decided with everyone's trust in government fixed at ``level``."""
    target = phases_module("requests")
    original = getattr(target, "escalates", None)
    if original is None or "trust_government" not in inspect.signature(original).parameters:
        raise Missing("requests.escalates(..., trust_government) no longer exists")

    def replaced(*args: Any, **kwargs: Any) -> np.ndarray:
        bound = inspect.signature(original).bind(*args, **kwargs)
        trust = np.asarray(bound.arguments["trust_government"], dtype=float)
        bound.arguments["trust_government"] = np.full_like(trust, level)
        return original(*bound.args, **bound.kwargs)

    return lambda: mock.patch.object(target, "escalates", replaced)


# -- statistics and formatting ----------------------------------------------------------------

def mean_se(values: Sequence[float]) -> tuple[float, float]:
    v = np.asarray(values, dtype=float)
    se = float(v.std(ddof=1) / np.sqrt(v.size)) if v.size > 1 else float("nan")
    return float(v.mean()), se


def pm(values: Sequence[float], digits: int = 3, signed: bool = True) -> str:
    m, se = mean_se(values)
    sign = "+" if signed else ""
    return f"{m:{sign}.{digits}f} ± {se:.{digits}f}"


def paired(base: Sequence[float], other: Sequence[float]) -> list[float]:
    return [b - a for a, b in zip(base, other, strict=True)]


def table(header: Sequence[str], rows: Sequence[Sequence[Any]], align: str | None = None) -> list[str]:
    align = align or "l" + "r" * (len(header) - 1)
    marks = {"l": "---", "r": "---:", "c": ":---:"}
    return ["| " + " | ".join(header) + " |", "|" + "|".join(marks[a] for a in align) + "|",
            *("| " + " | ".join(str(c) for c in row) + " |" for row in rows), ""]


def reading(text: str) -> list[str]:
    return [f"*Reading:* {text}", ""]


def series_changed(a: pd.DataFrame, b: pd.DataFrame, cols: Sequence[str]) -> int:
    """Headline series (all reported months) that differ at all between two runs."""
    return sum(not np.array_equal(a[c].to_numpy(), b[c].to_numpy()) for c in cols)


def headline_rows(label: str, base: dict[int, pd.DataFrame], other: dict[int, pd.DataFrame],
                  with_changed: bool = False) -> list[Any]:
    row: list[Any] = [label]
    for col in HEADLINE:
        row.append(pm(paired([tail(base[s], col) for s in base], [tail(other[s], col) for s in base]),
                      DIGITS[col]))
    if with_changed:
        row.append(max(series_changed(base[s], other[s], HEADLINE) for s in base))
    return row


def effect_sizes(base: dict[int, pd.DataFrame], other: dict[int, pd.DataFrame]) -> dict[str, float]:
    """|mean paired difference| per headline outcome."""
    return {c: abs(mean_se(paired([tail(base[s], c) for s in base],
                                  [tail(other[s], c) for s in base]))[0]) for c in HEADLINE}


# -- the items --------------------------------------------------------------------------------

def item1() -> list[str]:
    out = ["## 1. The government's score of committees", "",
           f"`eval_gov_to_committee`, seeds {SEEDS[0]}-{SEEDS[-1]} (mean ± standard error over "
           "seeds); within-run spread = standard deviation of `model.committees.gov_score` across "
           "committees at the end of each run (largest over seeds).", ""]
    rows, worst_dev, worst_sd = [], 0.0, 0.0
    for w in WEIGHTS:
        row: list[Any] = [f"{w:g}", f"{100 - 40 * w:.2f}"]
        for sc in ("taicang_1_0", "taicang_3_0"):
            log(f"item 1: {sc} weight {w:g}")
            scores = [tail(frame(sc, s, resident_eval_weight=w), "eval_gov_to_committee") for s in SEEDS]
            sd = max(float(np.std(arrays(sc, s, resident_eval_weight=w)["gov_score"])) for s in SEEDS)
            dev = float(np.mean(scores)) - (100 - 40 * w)
            worst_dev, worst_sd = max(worst_dev, abs(dev)), max(worst_sd, sd)
            row += [pm(scores, 2, signed=False), f"{dev:+.2f}", f"{sd:.3g}"]
        rows.append(row)
    out += table(["resident weight", "100 − 40w", "taicang_1_0", "deviation", "within-run sd",
                  "taicang_3_0", "deviation", "within-run sd"], rows)
    rows, worst_cons = [], 0.0
    for sc in ("taicang_1_0", "taicang_3_0"):
        log(f"item 1: {sc} consultations 0 vs preset")
        n = params(sc).consultations_per_year
        at_n = [tail(frame(sc, s), "eval_gov_to_committee") for s in SEEDS]
        at_0 = [tail(frame(sc, s, consultations_per_year=0.0), "eval_gov_to_committee") for s in SEEDS]
        d = paired(at_n, at_0)
        worst_cons = max(worst_cons, max(abs(x) for x in d))
        rows.append([sc, f"{n:g}", pm(at_n, 3, signed=False), pm(at_0, 3, signed=False), pm(d, 4),
                     f"{max(abs(x) for x in d):.4f}"])
    out += ["Consultations (at the preset's resident weight):", ""]
    out += table(["preset", "consultations/yr (preset)", "score at preset", "score at 0",
                  "0 − preset (paired)", "largest abs. difference"], rows)
    out += reading(f"the score sits within {worst_dev:.2f} points of 100 − 40 × weight in both presets, "
                   f"committees within a run differ by a standard deviation of at most {worst_sd:.3g}, "
                   f"and consultations move it by at most {worst_cons:.3g} points in any seed.")
    return out


def item2() -> list[str]:
    out = ["## 2. The committees' rating of government", "",
           f"`eval_committee_to_gov`, seeds {SEEDS[0]}-{SEEDS[-1]}; spread = standard deviation of "
           "`model.committees.rating_of_government` across committees (raveled) at the end of a run "
           "(largest over seeds and weights); response = largest change within a seed.", ""]
    rows, worst_sd, worst_w, worst_c = [], 0.0, 0.0, 0.0
    for sc in ("taicang_1_0", "taicang_3_0"):
        log(f"item 2: {sc} rating by weight")
        by_w = {w: [tail(frame(sc, s, resident_eval_weight=w), "eval_committee_to_gov") for s in SEEDS]
                for w in WEIGHTS}
        sd = max(float(np.std(arrays(sc, s, resident_eval_weight=w)["rating"]))
                 for s in SEEDS for w in WEIGHTS)
        span_w = max(max(by_w[w][i] for w in WEIGHTS) - min(by_w[w][i] for w in WEIGHTS)
                     for i in range(len(SEEDS)))
        at_n = [tail(frame(sc, s), "eval_committee_to_gov") for s in SEEDS]
        at_0 = [tail(frame(sc, s, consultations_per_year=0.0), "eval_committee_to_gov") for s in SEEDS]
        span_c = max(abs(x) for x in paired(at_n, at_0))
        worst_sd, worst_w, worst_c = max(worst_sd, sd), max(worst_w, span_w), max(worst_c, span_c)
        rows.append([sc, *(pm(by_w[w], 2, signed=False) for w in WEIGHTS), f"{span_w:.4f}",
                     f"{span_c:.4f}", f"{sd:.3g}"])
    out += table(["preset", *(f"weight {w:g}" for w in WEIGHTS), "largest change across weights",
                  "largest change, consultations 0", "within-run sd"], rows)

    size = {"n_residents": 10_000, "n_communities": 5, "months": 60}
    rng = np.random.default_rng(18)
    settings = [{k: float(rng.uniform(lo, hi)) for k, (lo, hi) in LEVERS.items()} for _ in range(20)]
    ys, detail = [], []
    for i, levers in enumerate(settings):
        log(f"item 2: lever setting {i + 1}/20")
        y = tail(frame("taicang_1_0", 101 + i, size=size, **levers), "eval_committee_to_gov")
        ys.append(y)
        detail.append([i + 1, 101 + i, *(f"{levers[k]:.3f}" for k in LEVERS), f"{y:.2f}"])
    x = np.column_stack([np.ones(len(settings)), *([s[k] for s in settings] for k in LEVERS)])
    y = np.asarray(ys)
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    r2 = 1.0 - float(((y - x @ coef) ** 2).sum() / ((y - y.mean()) ** 2).sum())
    out += ["Linear fit of the rating on the government's own levers: 20 settings drawn uniformly over "
            "each lever's range (generator seed 18), one run each (seeds 101-120), taicang_1_0 otherwise, "
            "10,000 residents in 5 communities, 60 reported months, last 12 months' mean:", ""]
    out += table(["R²", "intercept", *(f"per unit {k}" for k in LEVERS), "rating range"],
                 [[f"{r2:.4f}", f"{coef[0]:.2f}", *(f"{c:+.2f}" for c in coef[1:]),
                   f"{y.min():.2f}-{y.max():.2f}"]])
    out += ["<details><summary>The 20 settings</summary>", "",
            *table(["#", "seed", *LEVERS, "rating"], detail), "</details>", ""]
    same = "identically" if worst_sd < 1e-6 else "differently"
    out += reading(f"committees rate the government {same} within a run (sd at most {worst_sd:.3g}); "
                   f"the rating moves by at most {worst_w:.3g} points across resident weights and "
                   f"{worst_c:.3g} with consultations cut, and the government's four levers explain "
                   f"R² = {r2:.3f} of its variation across settings.")
    return out


def item3() -> list[str]:
    out = ["## 3. Do the scores change anything?", "",
           f"Paired differences (variant − intact) of the headline outcomes, seeds {HEAVY[0]}-{HEAVY[-1]}, "
           "mean ± standard error; the evaluation function is patched on the `evaluation` module "
           "that `phases` calls, to return a constant array of its own result's shape. "
           "“series changed” = headline outcomes (of 6) whose 120 monthly values differ at all "
           "in some seed.", ""]
    variants = {
        "government's score := 50": {"evaluation.government_score": 50.0},
        "committees' rating := 50": {"evaluation.committee_rating_of_government": 50.0},
        "both := 50": {"evaluation.government_score": 50.0,
                       "evaluation.committee_rating_of_government": 50.0},
        "committees' rating := 0": {"evaluation.committee_rating_of_government": 0.0},
        "committees' rating := 100": {"evaluation.committee_rating_of_government": 100.0},
    }
    rows, largest = [], {}
    for sc in ("taicang_1_0", "taicang_3_0"):
        base = {s: frame(sc, s) for s in HEAVY}
        for label, values in variants.items():
            log(f"item 3: {sc} {label}")
            try:
                patch = constant_results(values)
            except Missing as err:
                rows.append([f"{sc}: {label}", *(["–"] * len(HEADLINE)), f"{err}"])
                continue
            other = {s: frame(sc, s, patches=patch) for s in HEAVY}
            rows.append(headline_rows(f"{sc}: {label}", base, other, with_changed=True))
            largest[(sc, label)] = rows[-1][-1]
    out += table(["variant", *(SHORT[c] for c in HEADLINE), "series changed"], rows)

    cuts = {
        "intact": {},
        "PAPERWORK_MAX = 0": {"allocation.PAPERWORK_MAX": 0.0},
        "FOLLOW_THROUGH = 0": {"consultation.FOLLOW_THROUGH": 0.0},
        "PAPERWORK_MAX = FOLLOW_THROUGH = 0": {"allocation.PAPERWORK_MAX": 0.0,
                                               "consultation.FOLLOW_THROUGH": 0.0},
        "… and APPRAISAL_HOURS = APPRAISAL_COST = 0": {
            "allocation.PAPERWORK_MAX": 0.0, "consultation.FOLLOW_THROUGH": 0.0,
            "evaluation.APPRAISAL_HOURS": 0.0, "delegation.APPRAISAL_COST": 0.0},
    }
    rows, dh = [], {}
    cols = ("happiness_index", "participation_rate", "resolution_rate", "admin_burden", "trust_committee")
    for label, values in cuts.items():
        log(f"item 3: resident weight 0 -> 1, {label}")
        try:
            patch = constants(values) if values else None
        except Missing as err:
            rows.append([label, *(["–"] * len(cols)), str(err)])
            continue
        w0 = {s: frame("taicang_3_0", s, patches=patch, resident_eval_weight=0.0) for s in HEAVY}
        w1 = {s: frame("taicang_3_0", s, patches=patch, resident_eval_weight=1.0) for s in HEAVY}
        diffs = {c: paired([tail(w0[s], c) for s in HEAVY], [tail(w1[s], c) for s in HEAVY]) for c in cols}
        dh[label] = mean_se(diffs["happiness_index"])
        rows.append([label, *(pm(diffs[c], DIGITS[c] + (c == "happiness_index")) for c in cols),
                     max(series_changed(w0[s], w1[s], HEADLINE) for s in HEAVY)])
    out += ["Effect of resident_eval_weight 0 → 1 in taicang_3_0 (weight 1 − weight 0, paired), "
            "with the channels through which the weight reaches behaviour cut:", ""]
    out += table(["constants", *(SHORT[c] for c in cols), "series changed"], rows)
    gov_changed = max((v for (_, lab), v in largest.items() if lab.startswith("government")), default=None)
    rating_changed = max((v for (_, lab), v in largest.items() if "rating" in lab), default=None)
    both = "PAPERWORK_MAX = FOLLOW_THROUGH = 0"
    text = (f"with the government's score constant {gov_changed} of 6 headline series change, with the "
            + (f"committees' rating constant up to {rating_changed} of 6 change" if rating_changed is not None
             else "committees' rating function of the old model no longer exists (its cut is in "
                  "benchmarks/ablation.md: `committee_rating`)"))
    if "intact" in dh and both in dh:
        text += (f"; the resident weight's happiness effect is {dh['intact'][0]:+.2f} ± "
                 f"{dh['intact'][1]:.2f} points intact and {dh[both][0]:+.3f} ± {dh[both][1]:.3f} "
                 "with paperwork and follow-through cut")
    out += reading(text + ".")
    return out


def item4() -> list[str]:
    out = ["## 4. Mechanisms and their consequences", "",
           f"Paired differences (cut − intact) of the headline outcomes, seeds {HEAVY[0]}-{HEAVY[-1]}, "
           "mean ± standard error; taicang_3_0 unless said.", ""]
    trust0 = params("taicang_3_0").initial_trust
    cuts: dict[tuple[str, str], Callable[[], Callable[[], contextlib.AbstractContextManager]]] = {
        ("neighbours", "neighbour influence: NEIGHBOUR_WEIGHT = 0"):
            lambda: constants({"participation.NEIGHBOUR_WEIGHT": 0.0}),
        ("habit", "habit: HABIT_WEIGHT = 0"): lambda: constants({"participation.HABIT_WEIGHT": 0.0}),
        ("salience", "salience: SALIENCE_WEIGHT = 0"):
            lambda: constants({"participation.SALIENCE_WEIGHT": 0.0}),
        ("trust in government (always willing)",
         "trust in government: ESCALATE_GOV_MIN = 1 (escalation ignores it, everyone willing)"):
            lambda: constants({"requests.ESCALATE_GOV_MIN": 1.0}),
        ("trust in government (fixed)",
         f"trust in government: escalation decided at a fixed trust of {trust0:g}"):
            lambda: escalation_at_fixed_trust(trust0),
    }
    base = {s: frame("taicang_3_0", s) for s in HEAVY}
    rows, sizes = [], {}
    for (short, label), make in cuts.items():
        log(f"item 4: {label}")
        try:
            patch = make()
        except Missing as err:
            rows.append([label, *(["–"] * len(HEADLINE)), str(err)])
            continue
        other = {s: frame("taicang_3_0", s, patches=patch) for s in HEAVY}
        rows.append(headline_rows(label, base, other, with_changed=True))
        sizes[short] = effect_sizes(base, other)
    g = params("baseline").grid_visits
    log("item 4: grid visits in baseline")
    grid_base = {s: frame("baseline", s) for s in HEAVY}
    grid_off = {s: frame("baseline", s, grid_visits=0.0) for s in HEAVY}
    rows.append(headline_rows(f"baseline: grid_visits {g:g} → 0", grid_base, grid_off, with_changed=True))
    sizes["grid visits (baseline)"] = effect_sizes(grid_base, grid_off)
    out += table(["cut", *(SHORT[c] for c in HEADLINE), "series changed"], rows)
    parts = [f"{short} {v['happiness_index']:.2f} / {v['participation_rate']:.4f}"
             for short, v in sizes.items()]
    out += reading("size of the mean change in happiness (points) / participation (share): "
                   + "; ".join(parts) + ".")
    return out


def item5() -> list[str]:
    out = ["## 5. Sample rate", "",
           f"30,000 residents in 10 communities, seeds {HEAVY[0]}-{HEAVY[-1]}; mean ± standard error; "
           "differences paired on seed.", ""]
    rows, res, orgs, eff = [], {}, {}, {}
    for k in (1, 10, 50):
        log(f"item 5: residents_per_agent {k}")
        f = {sc: {s: frame(sc, s, residents_per_agent=k) for s in HEAVY}
             for sc in ("baseline", "taicang_2_0", "taicang_3_0")}

        def d(sc: str, col: str, f: dict = f) -> str:
            return pm(paired([tail(f["baseline"][s], col) for s in HEAVY],
                             [tail(f[sc][s], col) for s in HEAVY]), DIGITS[col])

        resolution = [tail(f["taicang_2_0"][s], "resolution_rate") for s in HEAVY]
        res[k] = float(np.mean(resolution))
        orgs[k] = float(np.mean([tail(f["taicang_2_0"][s], "so_per_10k") for s in HEAVY]))
        eff[k] = float(np.mean(paired([tail(f["baseline"][s], "happiness_index") for s in HEAVY],
                                      [tail(f["taicang_3_0"][s], "happiness_index") for s in HEAVY])))
        rows.append([f"1:{k}", f"{SIZE['n_residents'] // k:,}", pm(resolution, 3, signed=False),
                     pm([tail(f["taicang_2_0"][s], "so_per_10k") for s in HEAVY], 2, signed=False),
                     d("taicang_2_0", "happiness_index"), d("taicang_3_0", "happiness_index"),
                     d("taicang_2_0", "participation_rate"), d("taicang_3_0", "participation_rate")])
    out += table(["residents per agent", "agents", "2.0 resolution", "2.0 orgs/10k",
                  "Δ happiness 2.0 − baseline", "Δ happiness 3.0 − baseline",
                  "Δ participation 2.0 − baseline", "Δ participation 3.0 − baseline"], rows)
    out += reading(f"at 1 / 10 / 50 residents per agent taicang_2_0 resolves {res[1]:.3f} / {res[10]:.3f} / "
                   f"{res[50]:.3f} of open requests a month and has {orgs[1]:.2f} / {orgs[10]:.2f} / "
                   f"{orgs[50]:.2f} organizations per 10,000 residents; the 3.0 − baseline happiness effect "
                   f"is {eff[1]:+.2f} / {eff[10]:+.2f} / {eff[50]:+.2f} points.")
    return out


def item6() -> list[str]:
    out = ["## 6. Community size", "",
           f"10 communities of each size, 10 residents per agent, seeds {HEAVY[0]}-{HEAVY[-1]}; "
           "taicang_3_0 − baseline, paired on seed.", ""]
    rows, eff = [], {}
    for per in (1_000, 3_000, 10_000):
        log(f"item 6: {per} residents a community")
        size = {"n_residents": 10 * per, "n_communities": 10, "residents_per_agent": 10}
        b = {s: frame("baseline", s, size=size) for s in HEAVY}
        t = {s: frame("taicang_3_0", s, size=size) for s in HEAVY}
        dh = paired([tail(b[s], "happiness_index") for s in HEAVY],
                    [tail(t[s], "happiness_index") for s in HEAVY])
        dp = paired([tail(b[s], "participation_rate") for s in HEAVY],
                    [tail(t[s], "participation_rate") for s in HEAVY])
        eff[per] = mean_se(dh)[0]
        rows.append([f"{per:,}", pm([tail(b[s], "happiness_index") for s in HEAVY], 2, signed=False),
                     pm([tail(t[s], "happiness_index") for s in HEAVY], 2, signed=False), pm(dh, 2),
                     pm(dp, 4)])
    out += table(["residents a community", "baseline happiness", "taicang_3_0 happiness",
                  "Δ happiness", "Δ participation"], rows)
    out += reading(f"the taicang_3_0 − baseline happiness effect is {eff[1_000]:+.2f} points in communities "
                   f"of 1,000 and {eff[10_000]:+.2f} in communities of 10,000 ({eff[3_000]:+.2f} at the "
                   "review's 3,000).")
    return out


def item7() -> list[str]:
    seeds = (101, 102)
    out = ["## 7. Thirty reported years", "",
           f"months = 360 after the 120-month spin-up, seeds {seeds[0]} and {seeds[1]} (mean); a year's "
           "value is the mean of its 12 months (the implemented levers change each December).", ""]
    years = (1, 5, 10, 20, 30)
    size = {**SIZE, "months": 360}
    rows, funding = [], {}
    for sc in ("baseline", "taicang_1_0"):
        log(f"item 7: {sc} 30 years")
        runs = [frame(sc, s, size=size) for s in seeds]
        nominal = params(sc).delegation_funding
        for col in ("effective_funding", "effective_strictness"):
            if col not in runs[0].columns:
                rows.append([sc, col, "outcome no longer recorded", *([""] * len(years))])
                continue
            vals = [float(np.mean([year_mean(df, col, y) for df in runs])) for y in years]
            if col == "effective_funding":
                funding[sc] = vals
            nom = nominal if col == "effective_funding" else params(sc).list_strictness
            rows.append([sc, col, f"{nom:g}", *(f"{v:.3f}" for v in vals)])
    out += table(["preset", "outcome", "nominal", *(f"year {y}" for y in years)], rows)
    log("item 7: taicang_3_0 trust in organizations")
    runs = [frame("taicang_3_0", s, size=size) for s in seeds]
    tyears = (1, 10, 20, 30)
    trust = [float(np.mean([year_mean(df, "trust_so", y) for df in runs])) for y in tyears]
    out += table(["preset", "outcome", *(f"year {y}" for y in tyears)],
                 [["taicang_3_0", "trust_so", *(f"{v:.3f}" for v in trust)]])
    text = ""
    if "taicang_1_0" in funding:
        f = funding["taicang_1_0"]
        text = (f"under taicang_1_0 implemented funding goes {f[0]:.3f} → {f[2]:.3f} → {f[-1]:.3f} "
                f"(years 1, 10, 30) against a nominal {params('taicang_1_0').delegation_funding:g}; ")
    out += reading(text + f"trust in social organizations under taicang_3_0 is {trust[1]:.3f} / "
                   f"{trust[2]:.3f} / {trust[3]:.3f} at years 10 / 20 / 30.")
    return out


ITEMS = {1: item1, 2: item2, 3: item3, 4: item4, 5: item5, 6: item6, 7: item7}


# -- report -----------------------------------------------------------------------------------

def model_revision() -> str:
    root = Path(cogov_sim.__file__).resolve().parents[2]
    try:
        commit = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], check=True,
                                capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--", "src"], check=True,
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return f"commit {commit}{' (src modified)' if dirty else ''}"
    except (OSError, subprocess.SubprocessError):
        return "commit unknown"


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT,
                    help="Markdown report to write (default: benchmarks/review_18_after.md)")
    ap.add_argument("--only", default=",".join(map(str, ITEMS)),
                    help="comma-separated items to measure (default: all, 1-7)")
    args = ap.parse_args(argv)
    chosen = [int(i) for i in args.only.split(",") if i.strip()]
    start, cpu_start = time.perf_counter(), time.process_time()
    sections, timings = [], []
    for i in chosen:
        t0, n0 = time.perf_counter(), RUNS["n"]
        log(f"item {i} ...")
        try:
            sections += ITEMS[i]()
        except Exception as err:  # a revised model may break one item; report it, run the rest
            traceback.print_exc(file=sys.stderr)
            sections += [f"## {i}. (failed)", "", f"`{type(err).__name__}: {err}`", ""]
        timings.append([str(i), f"{time.perf_counter() - t0:.0f}", str(RUNS["n"] - n0)])
        log(f"item {i} done in {time.perf_counter() - t0:.0f} s")
    total, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    import mesa

    head = [
        "# Issue 18: the review's measurements, reproduced", "",
        f"Generated by `benchmarks/review_18.py` on {dt.date.today().isoformat()} against cogov-sim "
        f"{model_revision()} (`{Path(cogov_sim.__file__).resolve().parent}`); Python "
        f"{platform.python_version()}, numpy {np.__version__}, Mesa {mesa.__version__}.", "",
        f"Setting unless said: {SIZE['n_residents']:,} residents in {SIZE['n_communities']} communities, "
        f"{getattr(params('baseline'), 'residents_per_agent', '?')} residents per agent (the default), "
        "default spin-up (120 months), 120 reported months; a value "
        f"is the mean of the last {TAIL} reported months. ± is one standard error over seeds.", "",
        f"Runtime: {total / 60:.1f} min wall clock, {cpu / 60:.1f} min CPU, one process on a shared "
        f"machine ({RUNS['n']} runs).", "",
        *table(["item", "seconds", "runs"], timings),
    ]
    store.write_text(args.out, "\n".join(head + sections).rstrip() + "\n")
    log(f"wrote {args.out} in {total:.0f} s")


if __name__ == "__main__":
    main()
