"""A deliberately plain, scalar transcription of MODEL.md's formulas.

It is written straight from the specification, with no numpy and no algebraic
rewriting (the horizon factor is an explicit sum), so that it can serve as an
independent check of the vectorised model and as the loop baseline in bench/.
"""

from __future__ import annotations

import math


def _ratio(numerator: float, denominator: float) -> float:
    """Undefined (NaN) when the denominator is zero or the ratio is too large for a float."""
    if denominator == 0:
        return math.nan
    ratio = numerator / denominator
    return ratio if math.isfinite(ratio) else math.nan


def reference_outputs(p: dict) -> dict:
    N, V = p["customers"], p["annual_value"]
    r, k, h = p["complaint_rate"], p["silent_ratio"], p["resolved_share"]
    c0, cr, cu, cs = p["baseline_churn"], p["churn_resolved"], p["churn_unresolved"], p["churn_silent"]
    c, s = p["churn_rate"], p["service_share"]
    e, t, f, g, u = p["incidents_per_year"], p["incident_hours"], p["incident_reach"], p["incident_churn"], p["unrecovered_sales"]

    C = N * r
    Cres = C * h
    Cun = C * (1 - h)
    S = N * min(r * k, 1 - r)

    Lbu = Cres * (cr - c0) + Cun * (cu - c0) + S * (cs - c0)
    Ltd = N * c * s
    Lret = Ltd if p["method"] == "top_down" else Lbu

    retention = Lret * V
    spend_reduction = (Cun * (1 - cu) + S * (1 - cs)) * p["spend_cut_share"] * p["spend_cut_depth"] * V
    Lmiss = p["prospect_contacts"] * p["abandon_rate"] * p["conversion_rate"]
    missed_contacts = Lmiss * V
    Lwom = max(Lret, 0) * p["wom_reach"] * p["wom_influence"]
    word_of_mouth = Lwom * V
    Linc = N * (1 - (1 - f * g) ** e)
    Rdown = N * V * min(e * t / 8760, 1) * u
    incidents = Linc * V + Rdown
    total = retention + spend_reduction + missed_contacts + word_of_mouth + incidents

    q = (1 - c) / (1 + p["discount_rate"])
    F = sum(q**j for j in range(int(p["horizon_years"])))
    return {
        "total": total,
        "retention": retention,
        "spend_reduction": spend_reduction,
        "missed_contacts": missed_contacts,
        "word_of_mouth": word_of_mouth,
        "incidents": incidents,
        "customers_lost_retention": Lret,
        "customers_lost_missed_contacts": Lmiss,
        "customers_lost_word_of_mouth": Lwom,
        "customers_lost_incidents": Linc,
        "share_of_revenue": _ratio(total, N * V),
        "profit_lost": total * p["gross_margin"],
        "value_at_risk": (Lret + Lmiss + Lwom + Linc) * V * F + spend_reduction * F + Rdown,
        "replacement_cost": (max(Lret, 0) + Linc) * p["acquisition_cost"],
        "top_down_customers": Ltd,
        "bottom_up_customers": Lbu,
        "implied_service_share": _ratio(Lbu, N * c),
    }
