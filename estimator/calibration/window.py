"""From a churn flag over a window of w months to a yearly rate (MODEL.md v3, calibration §1).

With a constant hazard, a customer who stays through w months with probability 1 − p stays through
twelve with (1 − p)^(12/w), so the yearly churn is c = 1 − (1 − p)^(12/w). The transform is
increasing in p, so an interval's bounds transform the same way and stay an interval.
"""

from __future__ import annotations

import math

from estimator.calibration.statistics import Interval

__all__ = ["ASSUMED_WINDOW_MONTHS", "CHURN_KEYS", "MAX_WINDOW_MONTHS", "annualise", "annualise_interval", "check_window"]

#: The window assumed when none is given (a note says so, first among the notes: ``churn_window_assumed``).
ASSUMED_WINDOW_MONTHS = 12.0
#: Longest window accepted: ten years of history in one flag is no longer a rate of one period.
MAX_WINDOW_MONTHS = 120.0
#: Estimates and figures that are churn over the window and become yearly rates.
CHURN_KEYS = (
    "churn_rate",
    "baseline_churn",
    "churn_resolved",
    "churn_unresolved",
    "churn_silent",
    "churn_complainers",
    "churn_non_complainers",
    "baseline_churn_adjusted",
    "complainer_churn_adjusted",
    "baseline_churn_crude",
)


def annualise(share: float, months: float) -> float:
    """The yearly churn c = 1 − (1 − p)^(12/w) of a share ``p`` churned over ``months`` (w).

    Examples
    --------
    >>> round(annualise(0.265, 3), 4)   # a quarter's 26.5 % held for a year
    0.7082
    >>> annualise(0.2, 12)
    0.2
    """
    if not math.isfinite(share):
        return share
    if months == 12:
        return share
    if share >= 1:
        return 1.0
    # expm1/log1p keep small shares exact: 1 − (1 − p)^k = −expm1(k·log1p(−p)).
    return float(-math.expm1(12.0 / months * math.log1p(-share)))


def annualise_interval(item: Interval, months: float) -> Interval:
    """An estimate and its bounds, each annualised (the transform is increasing, so the bounds stay bounds)."""
    if months == 12:
        return item
    return Interval(annualise(item.value, months), annualise(item.ci_low, months), annualise(item.ci_high, months), item.n)


def check_window(months: float | None) -> float | None:
    """``months`` as a float when it is a valid window (0 < w ≤ :data:`MAX_WINDOW_MONTHS`), else raise.

    Raises
    ------
    CalibrationError
        ``bad_churn_window``, naming the value and the range allowed.
    """
    if months is None:
        return None
    from estimator.calibration.messages import CalibrationError

    try:
        value = float(months)
    except (TypeError, ValueError):
        value = math.nan
    if isinstance(months, bool) or not math.isfinite(value) or not 0 < value <= MAX_WINDOW_MONTHS:
        raise CalibrationError("bad_churn_window", value=str(months), limit=int(MAX_WINDOW_MONTHS))
    return value
