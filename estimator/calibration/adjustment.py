"""Defensible numbers from an extract (MODEL.md v3, calibration §1 and §3–§7).

On the group counts of :mod:`.aggregation`, after the crude estimates of :mod:`.statistics`:

- the churn window: every churn rate annualised at constant hazard (:mod:`.window`);
- the baseline adjusted for who the complainers are: direct standardisation of the churn of
  non-complainers (and of complainers) to the whole population's segment mix, with a 95 % interval;
- the share of churn attributable to poor service, 1 − c0_adj / c;
- the E-value of the complainers-vs-others risk ratio (VanderWeele & Ding 2017);
- a complaint flag that mirrors churn (recorded at or after leaving);
- evidence over defaults: the scenario's cr and cu rescaled to the complainers' measured churn.

Every denominator is the customers *at risk* (rows whose churn flag is 0 or 1): rows of customers
who joined during the window, once the aggregation codes them otherwise, leave every rate.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from estimator.calibration.messages import CalibrationWarning
from estimator.calibration.statistics import Interval, _plain, wilson
from estimator.calibration.window import ASSUMED_WINDOW_MONTHS, CHURN_KEYS, annualise_interval

__all__ = [
    "MIRROR_AGREEMENT",
    "MIRROR_COMPLAINERS",
    "MIRROR_OTHERS",
    "Adjustment",
    "adjust",
    "at_risk",
    "evalue",
    "reconcile_complainer_churn",
    "risk_ratio",
    "standardise",
]

#: z for a two-sided 95 % interval.
Z95 = 1.959963984540054
#: complaint_mirrors_churn: complainers churn at least this much and non-complainers at most MIRROR_OTHERS...
MIRROR_COMPLAINERS = 0.95
MIRROR_OTHERS = 0.01
#: ...or the two flags agree on at least this share of rows.
MIRROR_AGREEMENT = 0.98


def at_risk(groups: pd.DataFrame) -> pd.DataFrame:
    """The groups of customers at risk for the whole window: churn flag 0 or 1 (entrants are coded otherwise)."""
    return groups[groups["churned"].isin([0, 1])]


def _count(groups: pd.DataFrame, mask: pd.Series | None = None) -> int:
    return int(groups["n"].sum() if mask is None else groups.loc[mask, "n"].sum())


def _population(groups: pd.DataFrame, who: str, mapping: Mapping[str, str]) -> pd.Series:
    """Rows of ``who``: ``baseline`` (as baseline_churn: no complaint, and no problem when known) or ``complainers``."""
    complained = groups["complained"] == 1
    if who == "complainers":
        return complained
    quiet = ~complained
    if "had_problem" in mapping:
        quiet &= groups["had_problem"] == 0
    return quiet


@dataclass(frozen=True)
class Standardised:
    """A directly standardised churn: its value and Wald interval, and the segments pooled into the crude rate."""

    interval: Interval
    variance: float
    pooled: list[str]


def standardise(groups: pd.DataFrame, mapping: Mapping[str, str], who: str) -> Standardised:
    """Σ_s (N_s / N) · c_s: the churn of ``who`` in each segment, weighted by the whole population's mix.

    ``groups`` holds customers at risk only. A segment where ``who`` has nobody takes the crude rate
    (and is named in ``pooled``). The variance is Σ_s (N_s / N)² · c_s (1 − c_s) / n_s; the interval
    is the value ± 1.96 standard errors, within [0, 1].
    """
    segments = groups.assign(segment=groups["segment"].fillna("(blank)"))
    population = _population(segments, who, mapping)
    churned = segments["churned"] == 1
    crude_n = _count(segments, population)
    crude = _count(segments, population & churned) / crude_n if crude_n else math.nan
    total = _count(segments)
    value, variance, pooled = 0.0, 0.0, []
    for name, part in segments.groupby("segment", sort=True):
        weight = _count(part) / total
        mask = population.loc[part.index]
        n = _count(part, mask)
        if n == 0:
            pooled.append(str(name))
            rate, n = crude, crude_n
        else:
            rate = _count(part, mask & churned.loc[part.index]) / n
        value += weight * rate
        variance += weight**2 * rate * (1 - rate) / n if n else math.nan
    half = Z95 * math.sqrt(variance) if math.isfinite(variance) else math.nan
    interval = Interval(value, max(value - half, 0.0), min(value + half, 1.0), crude_n)
    return Standardised(interval, variance, pooled)


def risk_ratio(c1: float, var1: float, c0: float, var0: float) -> Interval:
    """RR = c1 / c0 with a 95 % interval from the delta method on log RR (var(log RR) = var1/c1² + var0/c0²)."""
    if not (c0 > 0 and c1 > 0):
        return Interval(c1 / c0 if c0 > 0 else math.nan, math.nan, math.nan, 0)
    ratio = c1 / c0
    se = math.sqrt(var1 / c1**2 + var0 / c0**2)
    return Interval(ratio, ratio * math.exp(-Z95 * se), ratio * math.exp(Z95 * se), 0)


def evalue(ratio: float) -> float:
    """E = RR + sqrt(RR · (RR − 1)), with 1/RR for RR < 1 (VanderWeele & Ding, Ann Intern Med 2017).

    >>> evalue(2.0), round(evalue(0.5), 6), evalue(1.0)
    (3.414213562373095, 3.414214, 1.0)
    """
    if not math.isfinite(ratio) or ratio <= 0:
        return math.nan
    rr = ratio if ratio >= 1 else 1 / ratio
    return rr + math.sqrt(rr * (rr - 1))


def evalue_bound(interval: Interval) -> float:
    """The E-value of the interval's bound nearer to 1; 1 when the interval crosses 1."""
    low, high = interval.ci_low, interval.ci_high
    if not (math.isfinite(low) and math.isfinite(high)):
        return math.nan
    if low <= 1 <= high:
        return 1.0
    return evalue(low if low > 1 else high)


@dataclass(frozen=True)
class Adjustment:
    """What MODEL.md v3 adds to a calibration: the window, who was at risk, the adjusted baseline, the E-value."""

    churn_window_months: float
    churn_window_assumed: bool
    customers_at_risk: int
    customers_stated: float | None
    currency: str | None
    #: Yearly rates (after the window transform): crude and adjusted, non-complainers and complainers.
    baseline_churn_crude: Interval | None = None
    baseline_churn_adjusted: Interval | None = None
    complainer_churn_crude: Interval | None = None
    complainer_churn_adjusted: Interval | None = None
    #: 1 − c0_adj / c (c0 crude without segments), with the bounds from c0's interval.
    attributable_share: Interval | None = None
    #: Complainers' vs non-complainers' churn over the window (adjusted with segments), and its E-values.
    risk_ratio: Interval | None = None
    evalue: float = math.nan
    evalue_bound: float = math.nan
    segments_pooled: list[str] = field(default_factory=list)
    adjusted_by: str | None = None
    complaint_mirrors_churn: bool = False
    #: Beyond MODEL.md: the Kaplan–Meier 12-month churn from a tenure column (:mod:`.survival`), if given.
    kaplan_meier_12m: Interval | None = None
    tenure_column: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The keys MODEL.md v3 names, at the top level of ``calibrate --format json``."""

        def shown(item: Interval | None) -> dict[str, Any] | None:
            return item.to_dict() if item is not None else None

        return {
            "churn_window_months": self.churn_window_months,
            "churn_window_assumed": self.churn_window_assumed,
            "customers_at_risk": self.customers_at_risk,
            "customers_stated": self.customers_stated,
            "currency": self.currency,
            "baseline_churn_crude": shown(self.baseline_churn_crude),
            "baseline_churn_adjusted": shown(self.baseline_churn_adjusted),
            "complainer_churn_crude": shown(self.complainer_churn_crude),
            "complainer_churn_adjusted": shown(self.complainer_churn_adjusted),
            "attributable_share": shown(self.attributable_share),
            "risk_ratio": shown(self.risk_ratio),
            "evalue": _plain(self.evalue),
            "evalue_bound": _plain(self.evalue_bound),
            "segments_pooled": list(self.segments_pooled),
            "adjusted_by": self.adjusted_by,
            "complaint_mirrors_churn": self.complaint_mirrors_churn,
            "kaplan_meier_12m": shown(self.kaplan_meier_12m),
            "tenure_column": self.tenure_column,
        }


def _mirrors(groups: pd.DataFrame) -> tuple[bool, dict[str, float]]:
    """Whether the complaint flag mirrors churn (MODEL.md v3 §5), with the figures the note quotes."""
    complained, churned = groups["complained"] == 1, groups["churned"] == 1
    n_complained, n_other, total = _count(groups, complained), _count(groups, ~complained), _count(groups)
    if not total:
        return False, {}
    comp = _count(groups, complained & churned) / n_complained if n_complained else math.nan
    other = _count(groups, ~complained & churned) / n_other if n_other else math.nan
    agree = _count(groups, complained == churned) / total
    found = (n_complained and n_other and comp >= MIRROR_COMPLAINERS and other <= MIRROR_OTHERS) or agree >= MIRROR_AGREEMENT
    return bool(found), {"complainers": comp, "others": other, "agreement": agree}


def adjust(
    result: Any,
    groups: pd.DataFrame,
    *,
    churn_window: float | None = None,
    customers: float | None = None,
    currency: str | None = None,
    survival: tuple[Interval, int, str] | None = None,
) -> Any:
    """``result`` (a :class:`~estimator.calibration.result.Calibration` of window rates) made yearly and adjusted.

    Every churn estimate, figure and per-segment rate is annualised (``churn_window`` months, 12
    assumed with the note ``churn_window_assumed`` first); with a segment column, ``baseline_churn``
    becomes the standardised baseline (the crude one stays in the figures); ``customers`` is
    ``customers`` when given, else the customers at risk (with a note).
    """
    months = ASSUMED_WINDOW_MONTHS if churn_window is None else float(churn_window)
    mapping = result.mapping
    risk = at_risk(groups)
    n_risk = _count(risk)
    first: list[CalibrationWarning] = []
    if churn_window is None:
        first.append(CalibrationWarning.of("churn_window_assumed", months=int(ASSUMED_WINDOW_MONTHS)))
    notes: list[CalibrationWarning] = []
    estimates = {key: annualise_interval(item, months) if key in CHURN_KEYS else item for key, item in result.estimates.items()}
    figures = {key: annualise_interval(item, months) if key in CHURN_KEYS else item for key, item in result.figures.items()}
    by_segment = {
        segment: {key: annualise_interval(item, months) if key in CHURN_KEYS else item for key, item in values.items()}
        for segment, values in result.by_segment.items()
    }
    if customers is not None:
        estimates["customers"] = Interval(float(customers), float(customers), float(customers), n_risk)
    else:
        estimates["customers"] = Interval(float(n_risk), float(n_risk), float(n_risk), n_risk)
        notes.append(CalibrationWarning.of("customers_from_file", customers=n_risk))
    if not currency:
        notes.append(CalibrationWarning.of("currency_not_stated"))
    adjustment = Adjustment(months, churn_window is None, n_risk, None if customers is None else float(customers), currency)
    if survival is not None:
        adjustment = _with_survival(adjustment, survival, estimates["churn_rate"], notes)
    if "complained" in mapping and n_risk:
        adjustment = _adjusted(adjustment, risk, mapping, months, estimates, notes)
        if adjustment.baseline_churn_adjusted is not None and adjustment.adjusted_by:
            estimates["baseline_churn"] = adjustment.baseline_churn_adjusted
        mirrors, seen = _mirrors(risk)
        if mirrors:
            adjustment = dataclasses.replace(adjustment, complaint_mirrors_churn=True)
            notes.insert(0, CalibrationWarning.of("complaint_mirrors_churn", **seen))
    return dataclasses.replace(
        result,
        estimates=estimates,
        figures=figures,
        by_segment=by_segment,
        warnings=[*first, *notes, *result.warnings],
        adjustment=adjustment,
    )


def _with_survival(
    adjustment: Adjustment, survival: tuple[Interval, int, str], churn: Interval, notes: list[CalibrationWarning]
) -> Adjustment:
    """The Kaplan–Meier 12-month churn beside the window-based yearly rate; a note when their intervals do not meet."""
    km, skipped, column = survival
    if skipped:
        notes.append(CalibrationWarning.of("tenure_missing", column=column, count=skipped))
    bounds = (km.ci_low, km.ci_high, churn.ci_low, churn.ci_high)
    if all(math.isfinite(b) for b in bounds) and (km.ci_high < churn.ci_low or churn.ci_high < km.ci_low):
        notes.append(
            CalibrationWarning.of(
                "kaplan_meier_disagrees",
                column=column,
                km=km.value,
                km_low=km.ci_low,
                km_high=km.ci_high,
                window=churn.value,
                window_low=churn.ci_low,
                window_high=churn.ci_high,
            )
        )
    return dataclasses.replace(adjustment, kaplan_meier_12m=km, tenure_column=column)


def _adjusted(
    adjustment: Adjustment,
    risk: pd.DataFrame,
    mapping: Mapping[str, str],
    months: float,
    estimates: Mapping[str, Interval],
    notes: list[CalibrationWarning],
) -> Adjustment:
    """The crude and adjusted rates, the attributable share and the E-value (window rates in, yearly out)."""
    churned = risk["churned"] == 1
    crude = {}
    for who in ("baseline", "complainers"):
        mask = _population(risk, who, mapping)
        crude[who] = wilson(_count(risk, mask & churned), _count(risk, mask))
    segmented = "segment" in mapping and risk["segment"].fillna("(blank)").nunique() > 1
    if segmented:
        base, comp = standardise(risk, mapping, "baseline"), standardise(risk, mapping, "complainers")
        c0, var0, c1, var1 = base.interval.value, base.variance, comp.interval.value, comp.variance
        pooled = sorted(set(base.pooled) | set(comp.pooled))
        if pooled:
            notes.append(CalibrationWarning.of("segments_pooled", segments=", ".join(pooled)))
        adjusted0, adjusted1 = base.interval, comp.interval
    else:
        c0, c1 = crude["baseline"].value, crude["complainers"].value
        var0 = c0 * (1 - c0) / crude["baseline"].n if crude["baseline"].n else math.nan
        var1 = c1 * (1 - c1) / crude["complainers"].n if crude["complainers"].n else math.nan
        pooled, adjusted0, adjusted1 = [], None, None
    ratio = risk_ratio(c1, var1, c0, var0)
    yearly0 = annualise_interval(adjusted0 or crude["baseline"], months)
    churn = estimates["churn_rate"].value
    attributable = None
    if churn > 0 and math.isfinite(yearly0.value):
        share = lambda c0_: 1 - c0_ / churn  # noqa: E731
        attributable = Interval(share(yearly0.value), share(yearly0.ci_high), share(yearly0.ci_low), yearly0.n)
    return dataclasses.replace(
        adjustment,
        baseline_churn_crude=annualise_interval(crude["baseline"], months),
        complainer_churn_crude=annualise_interval(crude["complainers"], months),
        baseline_churn_adjusted=annualise_interval(adjusted0, months) if adjusted0 else None,
        complainer_churn_adjusted=annualise_interval(adjusted1, months) if adjusted1 else None,
        attributable_share=attributable,
        risk_ratio=ratio,
        evalue=evalue(ratio.value),
        evalue_bound=evalue_bound(ratio),
        segments_pooled=pooled,
        adjusted_by=mapping.get("segment") if segmented else None,
    )


def reconcile_complainer_churn(
    values: Mapping[str, float],
    measured: Interval | Mapping[str, Any],
    keys: Sequence[str] = ("churn_resolved", "churn_unresolved"),
) -> tuple[dict[str, float], CalibrationWarning | None]:
    """Evidence over defaults (MODEL.md v3 §6): cr and cu rescaled so that h·cr + (1 − h)·cu = c_comp.

    ``values`` holds ``resolved_share`` (h, kept), ``churn_resolved`` and ``churn_unresolved``;
    ``measured`` the complainers' yearly churn with its 95 % interval. When the mix lies inside the
    interval nothing changes; otherwise both rates are multiplied by c_comp / mix, each capped at 1
    (the note says when the cap binds). Returns the new values (only the changed keys) and the note.
    """
    if isinstance(measured, Mapping):
        measured = Interval(
            *(float(measured.get(k) if measured.get(k) is not None else math.nan) for k in ("value", "ci_low", "ci_high")),
            int(measured.get("n") or 0),
        )
    target, low, high = measured.value, measured.ci_low, measured.ci_high
    h, cr, cu = float(values["resolved_share"]), float(values[keys[0]]), float(values[keys[1]])
    mix = h * cr + (1 - h) * cu
    if not math.isfinite(target) or (math.isfinite(low) and math.isfinite(high) and low <= mix <= high):
        return {}, None
    if mix > 0:
        factor = target / mix
        new_cr, new_cu = min(cr * factor, 1.0), min(cu * factor, 1.0)
    else:
        factor, new_cr, new_cu = math.nan, target, target
    capped = (new_cr >= 1.0 and cr * factor > 1.0) or (new_cu >= 1.0 and cu * factor > 1.0)
    after = h * new_cr + (1 - h) * new_cu
    note = CalibrationWarning.of(
        "complainer_churn_conflict_capped" if capped else "complainer_churn_conflict",
        measured=target,
        low=low,
        high=high,
        mix_before=mix,
        mix_after=after,
        cr_before=cr,
        cu_before=cu,
        cr_after=new_cr,
        cu_after=new_cu,
        h=h,
        factor=factor,
    )
    return {keys[0]: new_cr, keys[1]: new_cu}, note
