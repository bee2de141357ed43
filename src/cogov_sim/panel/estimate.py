"""Event-study estimates from a township x year panel, held against the true effect.

Three estimators of the effect of adoption, each by event time (years since adoption,
reference year -1) and pooled over treated township-years:

``twfe``
    the two-way fixed-effects regression an applied researcher would run first:
    ``y ~ leads and lags of adoption | unit + year``, errors clustered by township.
    With staggered adoption and effects that change with time since adoption it compares
    late adopters with early ones already treated, so its weights can be far from the
    average effect (Goodman-Bacon 2021, doi:10.1016/j.jeconom.2021.03.014; Sun & Abraham
    2021, doi:10.1016/j.jeconom.2020.09.006).
``did2s``
    Gardner's two-stage estimator (Gardner 2022, arXiv:2207.05943; the same point estimates
    as the imputation estimator of Borusyak, Jaravel & Spiess 2024,
    doi:10.1093/restud/rdae007): township and year effects are fitted on untreated
    township-years only, then the residuals of treated ones are the effects. Standard
    errors account for the first stage.
``cs``
    Callaway and Sant'Anna's group-time effects (2021, doi:10.1016/j.jeconom.2020.12.001),
    each a two-by-two difference in differences of a cohort against the townships not
    yet treated, aggregated over treated township-years (``simple``) and by event time
    (``dynamic``, reference year -1), analytic errors from the influence function.

The first two come from :mod:`pyfixest`, the third from :mod:`moderndid` (both in the
``[panel]`` extra; docs/timelines.md says why these libraries; ``cs`` is left out when
moderndid is not installed). Errors are clustered on the **township**, the unit that adoption is assigned to
(:func:`cluster_column`), never on a township's replications: replications of a rollout
re-run the same townships with the same adoption dates on other seeds, so they add
observations, not independent assignments. The *truth* is the mean over treated
township-years of the paired difference with the same township's run without adoption
(:func:`cogov_sim.panel.rollout.assemble_panel`).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

ESTIMATORS = ("twfe", "did2s", "cs")
REFERENCE = -1


class MissingExtraError(RuntimeError):
    """pyfixest is not installed (``pip install 'cogov-sim[panel]'``)."""


def check_extra() -> None:
    """Raise :class:`MissingExtraError` now, before any run, if the event study could not
    be estimated at the end (pyfixest missing)."""
    _pyfixest()


def _pyfixest():  # noqa: ANN202
    try:
        import pyfixest
    except ImportError:  # pragma: no cover - the [panel] extra is in [test]
        raise MissingExtraError("the event study needs pyfixest: pip install 'cogov-sim[panel]'") \
            from None
    return pyfixest


@dataclass(frozen=True)
class EventStudy:
    """Estimates and truth for every outcome.

    ``by_event``: one row per (outcome, estimator, event_time) with ``estimate``,
    ``ci_low``, ``ci_high`` (95 %); the estimator ``truth`` has the true mean effect (its
    interval is empty). ``pooled``: one row per (outcome, estimator) with the pooled
    effect over treated township-years and its interval, the truth beside it, ``error``
    (estimate - truth), ``covers`` (truth inside the interval) and ``clusters`` (the
    number of townships the errors are clustered on).
    """

    by_event: pd.DataFrame
    pooled: pd.DataFrame

    def summary(self) -> pd.DataFrame:
        """Per outcome and estimator: pooled error, and over post-adoption event times the
        mean absolute gap to the truth and the share of intervals that cover it."""
        ev = self.by_event
        truth = ev[ev.estimator == "truth"].set_index(["outcome", "event_time"])["estimate"]
        rows = []
        for (outcome, est), g in ev[ev.estimator != "truth"].groupby(["outcome", "estimator"],
                                                                     sort=False):
            post = g[g.event_time >= 0]
            t = truth.reindex(list(zip(post.outcome, post.event_time, strict=True))).to_numpy()
            covered = (post.ci_low.to_numpy() <= t) & (t <= post.ci_high.to_numpy())
            pooled = self.pooled[(self.pooled.outcome == outcome) & (self.pooled.estimator == est)]
            rows.append({"outcome": outcome, "estimator": est,
                         "pooled_estimate": float(pooled.estimate.iloc[0]),
                         "pooled_truth": float(pooled.truth.iloc[0]),
                         "pooled_error": float(pooled.error.iloc[0]),
                         "pooled_covers": bool(pooled.covers.iloc[0]),
                         "event_mean_abs_error": float(np.nanmean(np.abs(post.estimate.to_numpy() - t))),
                         "event_coverage": float(covered.mean()) if len(covered) else float("nan")})
        return pd.DataFrame(rows)


def prepare(panel: pd.DataFrame) -> pd.DataFrame:
    """Estimation columns: ``unit``, ``treat`` (0/1) and ``rel`` (years since adoption as
    a float; never-adopters get the reference year so they enter as controls only)."""
    data = panel.copy()
    adopted = data["adoption_year"].notna()
    data["treat"] = (adopted & (data["calendar_year"] >= data["adoption_year"])).astype(int)
    rel = data["calendar_year"] - data["adoption_year"]
    data["rel"] = np.where(adopted, rel, REFERENCE).astype(float)
    return data


def cluster_column(panel: pd.DataFrame) -> str:
    """The column the errors are clustered on: ``township`` when the panel has one (a
    rollout's panel, whose ``unit`` is a township in one replication), else ``unit``.

    Adoption is assigned to townships: every replication of a rollout runs the same
    townships with the same adoption dates (only the simulation seed differs), so a
    township's replications share its assignment, its context and its own effect. Treating
    them as separate clusters would count 10 replications of 40 townships as 400
    independent assignments and shrink the intervals by about the square root of the
    replications; the fixed effects stay per ``unit`` (each replication has its own level).
    """
    return "township" if "township" in panel.columns else "unit"


def available_estimators() -> tuple[str, ...]:
    """:data:`ESTIMATORS` whose library is installed (``cs`` needs moderndid)."""
    try:
        import moderndid  # noqa: F401
    except ImportError:  # pragma: no cover - moderndid is in the [panel] and [test] extras
        return tuple(e for e in ESTIMATORS if e != "cs")
    return ESTIMATORS


def event_study(panel: pd.DataFrame, outcomes: Sequence[str],
                estimators: Sequence[str] | None = None) -> EventStudy:
    """Estimate the effect of adoption on each outcome with each estimator.

    ``panel`` has one row per unit and year: ``unit``, ``calendar_year``,
    ``adoption_year`` (NaN for never-adopters), each outcome and, for the truth,
    ``true_<outcome>`` (optional); ``township``, if present, is the cluster
    (:func:`cluster_column`). ``pooled`` reports the number of clusters (``clusters``).
    """
    pf = _pyfixest()
    estimators = available_estimators() if estimators is None else tuple(estimators)
    data = prepare(panel)
    cluster = cluster_column(data)
    clusters = int(data[cluster].nunique())
    by_event, pooled = [], []
    for y in outcomes:
        truth_pooled = float("nan")
        if f"true_{y}" in data:
            treated = data[data.treat == 1]
            truth_pooled = float(treated[f"true_{y}"].mean())
            adopters = data[data.adoption_year.notna()]
            for e, g in adopters.groupby("rel"):
                by_event.append({"outcome": y, "estimator": "truth", "event_time": int(e),
                                 "estimate": float(g[f"true_{y}"].mean()), "ci_low": np.nan,
                                 "ci_high": np.nan})
            pooled.append({"outcome": y, "estimator": "truth", "estimate": truth_pooled,
                           "ci_low": np.nan, "ci_high": np.nan, "clusters": clusters})
        for est in estimators:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                dynamic, static = _fit(pf, data, y, est, cluster)
            for e, row in dynamic.iterrows():
                by_event.append({"outcome": y, "estimator": est, "event_time": int(e), **row})
            by_event.append({"outcome": y, "estimator": est, "event_time": REFERENCE,
                             "estimate": 0.0, "ci_low": 0.0, "ci_high": 0.0})
            pooled.append({"outcome": y, "estimator": est, **static, "clusters": clusters})
    ev = pd.DataFrame(by_event).sort_values(["outcome", "estimator", "event_time"],
                                            ignore_index=True)
    po = pd.DataFrame(pooled)
    truth = po[po.estimator == "truth"].set_index("outcome")["estimate"]
    po["truth"] = po.outcome.map(truth)
    po["error"] = po.estimate - po.truth
    po["covers"] = (po.ci_low <= po.truth) & (po.truth <= po.ci_high)
    return EventStudy(ev, po)


def _fit(pf, data: pd.DataFrame, y: str, est: str,  # noqa: ANN001
         cluster: str = "unit") -> tuple[pd.DataFrame, dict[str, float]]:
    """(by event time, pooled) estimates of one estimator for outcome ``y``, errors
    clustered on ``cluster``."""
    dynamic_rhs, static_rhs = f"i(rel, ref={float(REFERENCE)})", "treat"
    if est == "cs":
        return _fit_cs(data, y, cluster)
    if est == "twfe":
        def fit(rhs: str):  # noqa: ANN202
            return pf.feols(f"{y} ~ {rhs} | unit + calendar_year", data, vcov={"CRV1": cluster})
    elif est == "did2s":
        def fit(rhs: str):  # noqa: ANN202
            return pf.did2s(data, yname=y, first_stage="~ 0 | unit + calendar_year",
                            second_stage=f"~ {rhs}", treatment="treat", cluster=cluster)
    else:
        raise ValueError(f"estimator {est!r}; allowed: {', '.join(ESTIMATORS)}")
    return _tidy(fit(dynamic_rhs).tidy()), _tidy(fit(static_rhs).tidy(), static=True)


def _fit_cs(data: pd.DataFrame, y: str, cluster: str) -> tuple[pd.DataFrame, dict[str, float]]:
    """Callaway-Sant'Anna with not-yet-treated controls (moderndid): group-time effects by
    outcome regression (no covariates), aggregated; errors clustered on ``cluster``."""
    import moderndid
    from scipy.stats import norm

    z = float(norm.ppf(0.975))
    d = data.assign(_id=pd.factorize(data["unit"])[0] + 1,
                    _g=data["adoption_year"].fillna(0).astype(int))
    fit = moderndid.att_gt(d, yname=y, tname="calendar_year", idname="_id", gname="_g",
                           control_group="notyettreated", est_method="reg",
                           base_period="universal", boot=False, cband=False,
                           clustervars=None if cluster == "unit" else [cluster])
    simple = moderndid.aggte(fit, type="simple", cband=False)
    att, se = float(simple.overall_att), float(simple.overall_se)
    static = {"estimate": att, "ci_low": att - z * se, "ci_high": att + z * se}
    dyn = moderndid.aggte(fit, type="dynamic", cband=False)
    e = np.asarray(dyn.event_times, dtype=int)
    est, err = np.asarray(dyn.att_by_event, dtype=float), np.asarray(dyn.se_by_event, dtype=float)
    keep = e != REFERENCE
    dynamic = pd.DataFrame({"estimate": est[keep], "ci_low": est[keep] - z * err[keep],
                            "ci_high": est[keep] + z * err[keep]}, index=e[keep])
    return dynamic, static


_EVENT = re.compile(r"rel::(-?\d+(?:\.\d+)?)")


def _tidy(table: pd.DataFrame, static: bool = False):  # noqa: ANN202
    cols = {"Estimate": "estimate", "2.5%": "ci_low", "97.5%": "ci_high"}
    table = table[list(cols)].rename(columns=cols)
    if static:
        return {k: float(v) for k, v in table.loc["treat"].items()}
    times = [_EVENT.search(str(name)) for name in table.index]
    table = table[[m is not None for m in times]]
    table.index = [int(float(m.group(1))) for m in times if m is not None]
    return table.astype(float)


def synthetic_panel(effect: float, units: int = 40, years: Sequence[int] = range(2010, 2019),
                    adoption: Sequence[int | None] = (2013, 2014, 2015, 2016, None),
                    noise: float = 0.3, seed: int = 0) -> pd.DataFrame:
    """A panel with a known constant effect: unit and year effects, a common trend,
    independent noise, adoption cycling through ``adoption`` (None = never)."""
    rng = np.random.default_rng(seed)
    years = list(years)
    rows = []
    for u in range(units):
        g = adoption[u % len(adoption)]
        level = rng.normal()
        shocks = rng.normal(0.0, noise, len(years))
        for t, year in enumerate(years):
            treated = g is not None and year >= g
            rows.append({"unit": u, "calendar_year": year,
                         "adoption_year": float(g) if g is not None else np.nan,
                         "y": level + 0.1 * t + effect * treated + shocks[t],
                         "true_y": effect if treated else 0.0})
    return pd.DataFrame(rows)


__all__ = ["ESTIMATORS", "EventStudy", "MissingExtraError", "available_estimators", "check_extra",
           "cluster_column",
           "event_study", "prepare", "synthetic_panel"]
