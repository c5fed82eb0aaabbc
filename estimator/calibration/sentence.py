"""The one sentence a CFO can read about a calibration (MODEL.md v3), in every language.

It says, from a calibration's JSON (:meth:`~estimator.calibration.result.Calibration.to_dict`): the
window and how it was annualised, who was at risk (and the entrants left out), the baseline adjusted
for segment mix against the crude one, the share of churn attributable to poor service, the E-value,
and which inputs are the client's and which are benchmarks. Its words are ``calibration.cfo.*``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

__all__ = ["cfo_sentence", "evalue_sentence"]


def format_decimal_places(value: float, places: int, *, locale: str = "en") -> str:
    """``value`` with exactly ``places`` decimals as ``locale`` writes numbers ("3.21", "3,21")."""
    from babel.numbers import format_decimal

    return format_decimal(value, format="#,##0" + ("." + "0" * places if places else ""), locale=locale)


def _value(item: Any) -> float:
    if isinstance(item, Mapping):
        item = item.get("value")
    return float(item) if isinstance(item, int | float) and not isinstance(item, bool) else math.nan


def evalue_sentence(evalue: float, language: str = "en") -> str:
    """ "A hidden factor would need a risk ratio of at least E with both complaining and churning..." """
    from estimator.text.messages import locale_of, render

    shown = format_decimal_places(evalue, 2, locale=locale_of(language))
    return render("calibration.cfo.evalue_meaning", {"evalue": shown}, language, labels=False)


def _evalue_clause(evalue: float, bound: float, locale: str, language: str) -> str:
    """The sentence's E-value clause; nothing when the risk ratio is undefined (no churn, or none among a group)."""
    from estimator.text.messages import render

    if not math.isfinite(evalue):
        return ""
    shown = {
        "evalue": format_decimal_places(evalue, 2, locale=locale),
        "bound": format_decimal_places(bound, 2, locale=locale) if math.isfinite(bound) else "—",
    }
    return render("calibration.cfo.evalue_clause", shown, language, labels=False)


def cfo_sentence(data: Mapping[str, Any], language: str = "en") -> str:
    """The CFO sentence for a calibration's JSON ``data`` in ``language``; empty without complaint data.

    Examples
    --------
    >>> from estimator.calibration import calibrate
    >>> cfo_sentence(calibrate("data/sample_customers.csv").to_dict())[:60]   # doctest: +SKIP
    'Churn was taken to cover 12 months (the file did not say); 2'
    """
    from estimator.text.formatting import format_count, format_share
    from estimator.text.i18n import language_scope, param_label
    from estimator.text.messages import locale_of, render

    estimates = data.get("estimates") or {}
    baseline_crude = _value(data.get("baseline_churn_crude"))
    if not math.isfinite(baseline_crude):
        return ""
    locale = locale_of(language)
    share = lambda v: format_share(v, locale=locale, digits=1)  # noqa: E731
    months = data.get("churn_window_months") or 12
    with language_scope(language):
        if data.get("churn_window_assumed", True):
            window = render("calibration.cfo.window_assumed", {}, language, labels=False)
        else:
            shown = format_decimal_places(float(months), 0 if float(months).is_integer() else 1, locale=locale)
            window = render("calibration.cfo.window_given", {"months": shown}, language, labels=False)
        entrants = int(data.get("entrants") or 0)  # rows of customers who joined in the window (issue 22)
        entrants_text = (
            render("calibration.cfo.entrants", {"count": format_count(entrants, locale=locale, compact=False)}, language)
            if entrants
            else ""
        )
        adjusted = _value(data.get("baseline_churn_adjusted"))
        if math.isfinite(adjusted):
            baseline = render(
                "calibration.cfo.baseline_adjusted",
                {"adjusted": share(adjusted), "crude": share(baseline_crude), "segment": str(data.get("adjusted_by") or "")},
                language,
                labels=False,
            )
        else:
            baseline = render("calibration.cfo.baseline_crude", {"crude": share(baseline_crude)}, language, labels=False)
        attributable = _value(data.get("attributable_share"))
        evalue, bound = _value(data.get("evalue")), _value(data.get("evalue_bound"))
        from_file = [key for key in estimates if key != "customers" or data.get("customers_stated") is None]
        inputs = " / ".join(param_label(key).lower() for key in from_file) or render("calibration.cfo.none", {}, language)
        at_risk = data.get("customers_at_risk") or data.get("rows") or 0
        return render(
            "calibration.cfo.sentence",
            {
                "window": window,
                "at_risk": format_count(at_risk, locale=locale, compact=False),
                "entrants": entrants_text,
                "baseline": baseline,
                "share": share(attributable),
                "churn": share(_value(estimates.get("churn_rate"))),
                "evalue_clause": _evalue_clause(evalue, bound, locale, language),
                "inputs": inputs,
            },
            language,
            labels=False,
        )
