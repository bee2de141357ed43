"""How the reform stages' effects depend on community size (issue 18), and why.

(a) The taicang_1_0 − baseline and taicang_3_0 − baseline effects on the headline outcomes
    (happiness, participation, committee burden, resolution) in townships of 10 equal
    communities of 1,000, 3,000 and 10,000 residents, one agent per 10 residents, paired
    seeds; with the committees' case hours per resident, through which size acts.
(b) The same effects in the default township (the ``taicang_township`` community table:
    20 communities of 1,600 to 11,200 residents), overall and per community-size class,
    from each community's residents and committee at the end of the run; beside them the
    former default of 20 equal communities of 5,000.

A value is the mean of the last 12 reported months (default 120-month spin-up, 120
reported months); ± is one standard error over the paired seeds.

    PYTHONPATH=src .venv/bin/python benchmarks/community_size.py [--replications 10] [--out PATH]

Writes ``benchmarks/community_size.md`` (atomically); progress goes to stderr.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

import cogov_sim
from cogov_sim.communities import DEFAULT, load_communities
from cogov_sim.experiment import store
from cogov_sim.model import CoGovModel
from cogov_sim.presets import load_preset
from cogov_sim.rules.satisfaction import COMMITTEE_HALF
from cogov_sim.runner import simulate

SCENARIOS = ("baseline", "taicang_1_0", "taicang_3_0")
REFORMS = ("taicang_1_0", "taicang_3_0")
HEADLINE = ("happiness_index", "participation_rate", "admin_burden", "resolution_rate")
SHORT = {"happiness_index": "happiness", "participation_rate": "participation",
         "admin_burden": "burden", "resolution_rate": "resolution",
         "resident_hours_per_resident": "case hours / resident", "field_coverage": "fields covered"}
DIGITS = {"happiness_index": 2, "participation_rate": 3, "admin_burden": 3, "resolution_rate": 3,
          "resident_hours_per_resident": 3, "field_coverage": 2}
EQUAL_SIZES = (1_000, 3_000, 10_000)
N_EQUAL = 10
TAIL = 12
CLASSES = ((0, 3_500, "small (< 3,500)"), (3_500, 7_000, "middle (3,500-6,999)"),
           (7_000, 10**9, "large (>= 7,000)"))
GROUPS = {"social workers": ("social_workers_per_1000",),
          "social organizations": ("incubation_rate", "purchase_share", "outsourcing_share"),
          "consultations": ("consultations_per_year", "random_seat_share")}
"""Lever groups of taicang_3_0 beyond taicang_1_0 whose contribution the decomposition measures."""
DECOMPOSITION_SEEDS = 5
DEFAULT_OUT = Path(__file__).resolve().parent / "community_size.md"


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def tail_means(frame: pd.DataFrame, names: tuple[str, ...]) -> dict[str, float]:
    return {n: float(frame[n].tail(TAIL).mean()) for n in names}


def coverage(model: CoGovModel) -> np.ndarray:
    """Per community, the share of the six fields in which at least one living social
    organization works (organizations are indivisible: one community, one field)."""
    return (model.orgs.capacity_by(model.params.n_communities) > 0).mean(axis=1)


def run_model(params: object, seed: int) -> tuple[dict[str, float], float]:
    """Tail means of the headline outcomes and case hours, and the field coverage at the end."""
    model = CoGovModel(params, seed=seed)
    model.run()
    return (tail_means(model.dataframe(), (*HEADLINE, "resident_hours_per_resident")),
            float(coverage(model).mean()))


# -- (a) equal communities of three sizes ---------------------------------------------------

def equal_runs(seeds: list[int]) -> pd.DataFrame:
    rows = []
    for size in EQUAL_SIZES:
        for scenario in SCENARIOS:
            for seed in seeds:
                params = load_preset(scenario, n_residents=N_EQUAL * size, n_communities=N_EQUAL)
                values, covered = run_model(params, seed)
                rows.append({"size": size, "scenario": scenario, "seed": seed, **values,
                             "field_coverage": covered})
            log(f"(a) {N_EQUAL} x {size:,}: {scenario} done")
    return pd.DataFrame(rows)


def decomposition(seeds: list[int]) -> pd.DataFrame:
    """taicang_3_0's happiness minus taicang_3_0 with one group of levers at taicang_1_0's
    values: what that group adds, at the smallest and largest equal communities."""
    one = load_preset("taicang_1_0")
    rows = []
    for size in (EQUAL_SIZES[0], EQUAL_SIZES[-1]):
        size_kw = {"n_residents": N_EQUAL * size, "n_communities": N_EQUAL}
        for seed in seeds:
            full = simulate(load_preset("taicang_3_0", **size_kw), seed)["happiness_index"]
            for group, names in GROUPS.items():
                cut = load_preset("taicang_3_0", **size_kw, **{n: getattr(one, n) for n in names})
                without = simulate(cut, seed)["happiness_index"]
                rows.append({"size": size, "group": group, "seed": seed,
                             "adds": float(full.tail(TAIL).mean() - without.tail(TAIL).mean())})
        log(f"(a) decomposition at {size:,} done")
    return pd.DataFrame(rows)


def paired(frame: pd.DataFrame, by: list[str], names: tuple[str, ...]) -> pd.DataFrame:
    """Mean ± SE over seeds of (reform − baseline) per group of ``by``."""
    base = frame[frame.scenario == "baseline"].set_index([*by, "seed"])
    out = []
    for reform in REFORMS:
        diff = frame[frame.scenario == reform].set_index([*by, "seed"])[list(names)] - base[list(names)]
        g = diff.groupby(level=by)
        stats = g.mean().add_suffix("_mean").join(g.sem().add_suffix("_se"))
        out.append(stats.assign(reform=reform).reset_index())
    return pd.concat(out, ignore_index=True)


def levels(frame: pd.DataFrame, by: list[str], names: tuple[str, ...]) -> pd.DataFrame:
    g = frame.groupby([*by, "scenario"])[list(names)]
    return g.mean().add_suffix("_mean").join(g.sem().add_suffix("_se")).reset_index()


def fmt(mean: float, se: float, digits: int, sign: bool = True) -> str:
    s = f"{mean:+.{digits}f}" if sign else f"{mean:.{digits}f}"
    return f"{s} ± {se:.{digits}f}"


# -- (b) the default township, community by community ------------------------------------

def township_run(scenario: str, seed: int) -> tuple[dict[str, float], pd.DataFrame]:
    """Overall tail means and, per community, the tail means of residents' happiness and
    participation and the committee's burden and case hours per resident."""
    model = CoGovModel(load_preset(scenario, communities=DEFAULT), seed=seed)
    months = model.policy.months
    model.run(months - TAIL)
    pop, com = model.population, model.committees
    c = model.params.n_communities
    sums = {k: np.zeros(c) for k in ("happiness", "participation", "burden", "hours_pc")}
    for _ in range(TAIL):
        model.step()
        happy = pop.satisfaction.sum(axis=0) * (100.0 / pop.satisfaction.shape[0])
        sums["happiness"] += np.bincount(pop.community, weights=happy, minlength=c) / pop.sizes
        sums["participation"] += np.bincount(pop.community, weights=pop.recent, minlength=c) / pop.sizes
        sums["burden"] += com.burden
        sums["hours_pc"] += model.now.case_hours / pop.residents
    table = model.params.communities
    per = pd.DataFrame({"community": table.names, "kind": table.kind, "residents": pop.residents,
                        **{k: v / TAIL for k, v in sums.items()}, "coverage": coverage(model)})
    return tail_means(model.dataframe(), (*HEADLINE, "resident_hours_per_resident")), per


def township_runs(seeds: list[int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    overall, per = [], []
    for scenario in SCENARIOS:
        for seed in seeds:
            total, communities = township_run(scenario, seed)
            overall.append({"township": "taicang_township", "scenario": scenario, "seed": seed,
                            **total})
            per.append(communities.assign(scenario=scenario, seed=seed))
            params = load_preset(scenario, n_residents=100_000, n_communities=20)
            overall.append({"township": "20 x 5,000 (equal)", "scenario": scenario, "seed": seed,
                            **tail_means(simulate(params, seed),
                                         (*HEADLINE, "resident_hours_per_resident"))})
        log(f"(b) {scenario} done")
    return pd.DataFrame(overall), pd.concat(per, ignore_index=True)


def by_class(per: pd.DataFrame, key: str, assign: Callable[[pd.DataFrame], pd.Series]) -> pd.DataFrame:
    """Resident-weighted community means per class (burden: mean over committees)."""
    per = per.assign(**{key: assign(per)})
    rows = []
    for (cls, scenario, seed), g in per.groupby([key, "scenario", "seed"], sort=False):
        w = g.residents / g.residents.sum()
        rows.append({key: cls, "scenario": scenario, "seed": seed,
                     "happiness_index": float((w * g.happiness).sum()),
                     "participation_rate": float((w * g.participation).sum()),
                     "admin_burden": float(g.burden.mean()),
                     "resident_hours_per_resident": float((w * g.hours_pc).sum()),
                     "field_coverage": float(g.coverage.mean()),
                     "communities": len(g), "residents": float(g.residents.sum())})
    return pd.DataFrame(rows)


def size_class(per: pd.DataFrame) -> pd.Series:
    return pd.cut(per.residents, [c[0] for c in CLASSES] + [CLASSES[-1][1]], right=False,
                  labels=[c[2] for c in CLASSES]).astype(str)


# -- the report -------------------------------------------------------------------------------

def git_commit() -> str:
    root = Path(cogov_sim.__file__).resolve().parents[2]
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], check=True,
                             capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--", "src"],
                               check=True, capture_output=True, text=True, timeout=10).stdout.strip()
        return out + (" (with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def effect_table(stats: pd.DataFrame, key: str, names: tuple[str, ...], label: str) -> list[str]:
    head = f"| {label} | reform | " + " | ".join(f"Δ {SHORT[n]}" for n in names) + " |"
    lines = [head, "|---|---|" + "---:|" * len(names)]
    for row in stats.itertuples(index=False):
        cells = [fmt(getattr(row, f"{n}_mean"), getattr(row, f"{n}_se"), DIGITS[n]) for n in names]
        shown = f"{getattr(row, key):,}" if isinstance(getattr(row, key), int | np.integer) \
            else str(getattr(row, key))
        lines.append(f"| {shown} | {row.reform} − baseline | " + " | ".join(cells) + " |")
    return lines


def level_table(stats: pd.DataFrame, key: str, names: tuple[str, ...], label: str) -> list[str]:
    lines = [f"| {label} | scenario | " + " | ".join(SHORT[n] for n in names) + " |",
             "|---|---|" + "---:|" * len(names)]
    for row in stats.itertuples(index=False):
        cells = [fmt(getattr(row, f"{n}_mean"), getattr(row, f"{n}_se"), DIGITS[n], sign=False)
                 for n in names]
        shown = f"{getattr(row, key):,}" if isinstance(getattr(row, key), int | np.integer) \
            else str(getattr(row, key))
        lines.append(f"| {shown} | {row.scenario} | " + " | ".join(cells) + " |")
    return lines


def trend(values: list[float], labels: list[str]) -> str:
    """How ``values`` (over ``labels``) go: ``rises``, ``falls``, or where it peaks or dips."""
    steps = np.diff(values)
    if np.all(steps > 0):
        return "rises with size"
    if np.all(steps < 0):
        return "falls with size"
    top, bottom = int(np.argmax(values)), int(np.argmin(values))
    return f"is largest at {labels[top]} and smallest at {labels[bottom]}"


def committee_term(hours: float) -> float:
    """The committee's saturating contribution at ``hours`` case hours per resident."""
    return hours / (hours + COMMITTEE_HALF)


def report(seeds: list[int], equal: pd.DataFrame, decomposed: pd.DataFrame,
           overall: pd.DataFrame, per: pd.DataFrame, seconds: float, cpu: float) -> str:
    hours = ("resident_hours_per_resident",)
    a_eff = paired(equal, ["size"], HEADLINE)
    a_lev = levels(equal, ["size"], ("happiness_index", "admin_burden", *hours, "field_coverage"))
    d = decomposed.groupby(["group", "size"]).adds
    d_stats = d.mean().to_frame("adds_mean").join(d.sem().to_frame("adds_se")).reset_index()
    b_eff = paired(overall, ["township"], HEADLINE)
    classes = by_class(per, "size_class", size_class)
    kinds = by_class(per, "kind", lambda p: p.kind)
    class_names = ("happiness_index", "participation_rate", "admin_burden")
    c_eff = paired(classes, ["size_class"], class_names)
    k_eff = paired(kinds, ["kind"], class_names)
    c_lev = levels(classes, ["size_class"], ("happiness_index", "admin_burden", *hours,
                                             "field_coverage"))
    table = load_communities(DEFAULT)
    counts = classes[(classes.scenario == "baseline") & (classes.seed == seeds[0])]

    def eff(stats: pd.DataFrame, key: str, value: object, reform: str, name: str) -> float:
        row = stats[(stats[key] == value) & (stats.reform == reform)]
        return float(row[f"{name}_mean"].iloc[0])

    def lev(stats: pd.DataFrame, key: str, value: object, scenario: str, name: str) -> float:
        row = stats[(stats[key] == value) & (stats.scenario == scenario)]
        return float(row[f"{name}_mean"].iloc[0])

    def adds(group: str, size: int) -> float:
        return float(d_stats[(d_stats.group == group) & (d_stats["size"] == size)].adds_mean.iloc[0])

    lo, hi = EQUAL_SIZES[0], EQUAL_SIZES[-1]
    h1 = [eff(a_eff, "size", n, "taicang_1_0", "happiness_index") for n in EQUAL_SIZES]
    h3 = [eff(a_eff, "size", n, "taicang_3_0", "happiness_index") for n in EQUAL_SIZES]
    r1 = [eff(a_eff, "size", n, "taicang_1_0", "resolution_rate") for n in EQUAL_SIZES]
    small, middle, large = (c[2] for c in CLASSES)
    c1 = [eff(c_eff, "size_class", c, "taicang_1_0", "happiness_index") for c in (small, middle, large)]
    c3 = [eff(c_eff, "size_class", c, "taicang_3_0", "happiness_index") for c in (small, middle, large)]
    labels = [f"{n:,}" for n in EQUAL_SIZES]
    hours_a = {(n, sc): lev(a_lev, "size", n, sc, "resident_hours_per_resident")
               for n in EQUAL_SIZES for sc in SCENARIOS}
    gain1 = [committee_term(hours_a[n, "taicang_1_0"]) - committee_term(hours_a[n, "baseline"])
             for n in EQUAL_SIZES]
    staff = pd.Series(load_preset("baseline", communities=DEFAULT).community_staff(),
                      index=table.residents)
    small_staff = staff[staff.index < CLASSES[0][1]]
    large_staff = staff[staff.index >= CLASSES[-1][0]]
    reading_a = (
        f"With equal communities the taicang_1_0 happiness effect {trend(h1, labels)} "
        f"({', '.join(f'{v:+.2f}' for v in h1)} points at 1,000, 3,000 and 10,000 residents a "
        f"community) while taicang_3_0's {trend(h3, labels)} ({', '.join(f'{v:+.2f}' for v in h3)}); "
        "the burden effects do not depend on size and the participation effects little. Three "
        "named mechanisms (docs/ODD.md section 2.5) account for this. (1) *Per-committee "
        "inputs*: with equal communities every committee has `staff_per_committee` staff and "
        "receives `admin_task_load` tasks whatever its size, so baseline case hours per "
        f"resident are {hours_a[lo, 'baseline']:.3f} at 1,000 and {hours_a[hi, 'baseline']:.3f} at "
        "10,000, and the hours the lists free are the same per committee, ten times as many per "
        "resident in the small community: under taicang_1_0 case hours per resident reach "
        f"{hours_a[lo, 'taicang_1_0']:.3f} against {hours_a[hi, 'taicang_1_0']:.3f}, and the "
        f"resolution effect {trend(r1, labels)} ({', '.join(f'{v:+.3f}' for v in r1)}). "
        "(2) *Saturating service*: committee and social-worker hours act through "
        "h / (h + `satisfaction.COMMITTEE_HALF`) of case hours per resident h, so the same "
        "addition is worth less where service is already abundant. It tempers mechanism 1: "
        "taicang_1_0 raises that term by "
        f"{', '.join(f'{v:.2f}' for v in gain1)} at 1,000, 3,000 and 10,000, so its happiness "
        "effect is not ten times larger in the small community. And it makes taicang_3_0's "
        "per-resident additions size-dependent: its social workers, the same hours per "
        f"resident everywhere, add {adds('social workers', lo):+.2f} points where taicang_1_0 "
        f"has already brought case hours near saturation (1,000) and "
        f"{adds('social workers', hi):+.2f} where they are scarce (10,000). (3) *Indivisible "
        "organizations*: an organization works in one community and one field, so the "
        "organizations a stage adds per 10,000 residents arrive in a small community as a few "
        f"lumps: under taicang_3_0 {lev(a_lev, 'size', lo, 'taicang_3_0', 'field_coverage'):.0%} "
        "of a 1,000-resident community's six fields have an organization against "
        f"{lev(a_lev, 'size', hi, 'taicang_3_0', 'field_coverage'):.0%} at 10,000, and the "
        f"organizations' levers add {adds('social organizations', lo):+.2f} against "
        f"{adds('social organizations', hi):+.2f} points. Consultations, held per "
        "neighbourhood of `residents_per_neighbourhood`, depend least on size: they add "
        f"{adds('consultations', lo):+.2f} and {adds('consultations', hi):+.2f}.")
    reading_b = (
        "In the default township staff are proportional to residents, so staffing no longer "
        "makes case hours per resident fall with size; the per-committee task load remains, "
        "and it falls hardest on the smallest committees "
        f"({small_staff.min():.0f} to {small_staff.max():.0f} staff before the random spread, "
        f"at least `departments.MIN_STAFF`): their baseline burden is "
        f"{lev(c_lev, 'size_class', small, 'baseline', 'admin_burden'):.2f} against "
        f"{lev(c_lev, 'size_class', large, 'baseline', 'admin_burden'):.2f} in the large estates "
        f"({large_staff.min():.0f} to {large_staff.max():.0f} staff for the same tasks), and "
        "their case hours per resident "
        f"{lev(c_lev, 'size_class', small, 'baseline', 'resident_hours_per_resident'):.3f} against "
        f"{lev(c_lev, 'size_class', large, 'baseline', 'resident_hours_per_resident'):.3f}. "
        "The taicang_1_0 happiness effect is "
        f"{', '.join(f'{v:+.2f}' for v in c1)} points in small, middle and large communities "
        f"and taicang_3_0's {', '.join(f'{v:+.2f}' for v in c3)}. The large estates gain least "
        "from both: the tasks the lists cut are few hours for a staff of their size and many "
        "residents (mechanism 1), and their case hours per resident, already the highest, sit "
        "further up the saturating curve (mechanism 2). The small committees stay near the cap "
        "on government hours after the lists (burden "
        f"{lev(c_lev, 'size_class', small, 'taicang_1_0', 'admin_burden'):.2f} under "
        "taicang_1_0), so they gain fewer freed hours than the middle ones, and their "
        "organizations cover "
        f"{lev(c_lev, 'size_class', small, 'taicang_3_0', 'field_coverage'):.0%} of the fields "
        "under taicang_3_0 against "
        f"{lev(c_lev, 'size_class', large, 'taicang_3_0', 'field_coverage'):.0%} in the estates "
        "(mechanism 3). Overall the township's taicang_3_0 effect is "
        f"{eff(b_eff, 'township', 'taicang_township', 'taicang_3_0', 'happiness_index'):+.2f} "
        "points against "
        f"{eff(b_eff, 'township', '20 x 5,000 (equal)', 'taicang_3_0', 'happiness_index'):+.2f} in "
        "20 equal communities of 5,000, and its burden effect "
        f"{eff(b_eff, 'township', 'taicang_township', 'taicang_3_0', 'admin_burden'):+.3f} against "
        f"{eff(b_eff, 'township', '20 x 5,000 (equal)', 'taicang_3_0', 'admin_burden'):+.3f}: "
        "the large estates' committees had less government work to shed and the smallest "
        "could not shed enough of it.")
    decomposition_lines = [
        "| lever group set to taicang_1_0's values | " + " | ".join(
            f"adds at {n:,}" for n in (lo, hi)) + " |", "|---|---:|---:|"]
    for group, names in GROUPS.items():
        cells = [fmt(float(d_stats[(d_stats.group == group) & (d_stats["size"] == n)].adds_mean.iloc[0]),
                     float(d_stats[(d_stats.group == group) & (d_stats["size"] == n)].adds_se.iloc[0]), 2)
                 for n in (lo, hi)]
        decomposition_lines.append(f"| {group} ({', '.join(f'`{n}`' for n in names)}) | "
                                   + " | ".join(cells) + " |")
    n_runs = len(equal) + len(overall) + len(decomposed) + len(decomposed) // len(GROUPS)
    lines = [
        "# Community size and the reform stages' effects (issue 18)", "",
        f"Generated by `benchmarks/community_size.py` on {dt.date.today().isoformat()} against "
        f"cogov-sim commit {git_commit()}; Python {platform.python_version()}, numpy "
        f"{np.__version__}.", "",
        f"Runtime: {seconds / 60:.1f} min wall clock, {cpu / 60:.1f} min CPU, one process "
        f"({n_runs} runs) on the project's shared 2-core machine.", "",
        f"A value is the mean of the last {TAIL} of 120 reported months after the default "
        f"120-month spin-up; one agent per 10 residents; seeds {seeds[0]}-{seeds[-1]} "
        f"({len(seeds)} paired replications: every scenario runs on the same seeds); ± is one "
        "standard error over seeds of the paired differences (of the levels in level tables).", "",
        f"## (a) {N_EQUAL} equal communities of 1,000, 3,000 and 10,000 residents", "",
        *effect_table(a_eff.sort_values(["reform", "size"]), "size", HEADLINE,
                      "residents a community"), "",
        "Levels (case hours per resident: committee and social-worker hours for residents' "
        "cases, per resident per month; fields covered: share of a community's six fields with "
        "at least one social organization at the end of the run):", "",
        *level_table(a_lev, "size", ("happiness_index", "admin_burden", *hours, "field_coverage"),
                     "residents a community"), "",
        "What taicang_3_0's levers beyond taicang_1_0's add to its happiness (taicang_3_0 minus "
        "taicang_3_0 with the group at taicang_1_0's values, paired, seeds "
        f"{seeds[0]}-{seeds[min(len(seeds), DECOMPOSITION_SEEDS) - 1]}):", "",
        *decomposition_lines, "",
        f"*Reading:* {reading_a}", "",
        "## (b) The default township (`taicang_township`)", "",
        f"{table.rows} communities, {table.total:,.0f} residents, from {min(table.residents):,.0f} "
        f"to {max(table.residents):,.0f} a community; staff proportional to residents. Overall, "
        "beside the former default of 20 equal communities of 5,000:", "",
        *effect_table(b_eff.sort_values(["reform", "township"]), "township", HEADLINE,
                      "township"), "",
        "Per community-size class: each community's residents' happiness and participation "
        "(resident-weighted over the class) and its committee's burden (mean over the "
        f"class's committees), averaged over the last {TAIL} months. Classes: "
        + ", ".join(f"{r['size_class']} {int(r.communities)} communities, {r.residents:,.0f} "
                    "residents" for _, r in counts.iterrows()) + ".", "",
        *effect_table(c_eff.sort_values(["reform", "size_class"]), "size_class", class_names,
                      "size class"), "",
        *level_table(c_lev.sort_values(["size_class", "scenario"]), "size_class",
                     ("happiness_index", "admin_burden", *hours, "field_coverage"), "size class"), "",
        "By kind of community:", "",
        *effect_table(k_eff.sort_values(["reform", "kind"]), "kind", class_names, "kind"), "",
        f"*Reading:* {reading_b}", "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replications", type=int, default=10)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--cache", type=Path, default=None,
                        help="Folder keeping the runs' results: reused if present (the report "
                             "is then rewritten without running), written otherwise.")
    args = parser.parse_args(argv)
    if args.replications < 2:
        parser.error("--replications: at least 2 (standard errors need two seeds)")
    seeds = list(range(1, args.replications + 1))
    names = ("equal", "decomposed", "overall", "per", "timing")
    if args.cache is not None and all((args.cache / f"{n}.pkl").is_file() for n in names):
        equal, decomposed, overall, per, timing = (pd.read_pickle(args.cache / f"{n}.pkl")
                                                   for n in names)
        seeds = sorted(int(x) for x in equal.seed.unique())
        log(f"reusing the runs in {args.cache}")
    else:
        t0, c0 = time.perf_counter(), time.process_time()
        equal = equal_runs(seeds)
        decomposed = decomposition(seeds[:DECOMPOSITION_SEEDS])
        overall, per = township_runs(seeds)
        timing = pd.Series({"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0})
        if args.cache is not None:
            args.cache.mkdir(parents=True, exist_ok=True)
            for n, frame in zip(names, (equal, decomposed, overall, per, timing), strict=True):
                frame.to_pickle(args.cache / f"{n}.pkl")
    text = report(seeds, equal, decomposed, overall, per, float(timing["seconds"]),
                  float(timing["cpu"]))
    store.write_text(args.out, text)
    log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
