"""Kaplan–Meier 12-month churn from a tenure column, beside the window-based yearly rate (issue 24, beyond MODEL.md).

A file with each customer's tenure in months (at leaving for those who left, at the snapshot for the
others) says when in their life customers leave. The product-limit estimate of surviving 12 months,
S(12) = Π_{t ≤ 12} (1 − d_t / n_t), gives a 12-month churn 1 − S(12) that does not assume a constant
hazard; Greenwood's variance and the log(−log) transform give its 95 % interval. When its interval and
the window-based rate's do not overlap, the hazard is not constant (new customers leave faster, as a
rule) and a note says so. Computed on counts per (tenure, churned), so it runs inside every engine.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from estimator.calibration.sql import sql_ident
from estimator.calibration.statistics import Interval

__all__ = ["HORIZON_MONTHS", "kaplan_meier", "tenure_counts"]

#: The horizon of the Kaplan–Meier churn: a year of tenure.
HORIZON_MONTHS = 12.0
Z95 = 1.959963984540054


def tenure_counts(runner: Any, column: str, churn_column: str, churn_codes: Mapping[Any, Any]) -> tuple[pd.DataFrame, int]:
    """Customers at risk per (tenure, churned), from one grouped query; and the rows without a usable tenure.

    ``churn_codes`` maps the churn column's raw values to 1 / 0 (other codes, e.g. entrants, are left out).
    """
    tenure = f"TRY_CAST({sql_ident(column)} AS DOUBLE)"
    sql = (
        f"SELECT {tenure} AS tenure, {sql_ident(churn_column)} AS churned, count(*) AS n "
        f"FROM calibration_source GROUP BY {tenure}, {sql_ident(churn_column)}"
    )
    rows = runner.rows(sql)
    frame = pd.DataFrame(rows, columns=["tenure", "raw", "n"])
    frame["churned"] = frame["raw"].map(lambda raw: churn_codes.get(raw))
    frame = frame[frame["churned"].isin([0, 1])]
    usable = frame["tenure"].notna() & np.isfinite(frame["tenure"].astype(float)) & (frame["tenure"].astype(float) >= 0)
    skipped = int(frame.loc[~usable, "n"].sum())
    counts = frame[usable].assign(tenure=lambda f: f["tenure"].astype(float), n=lambda f: f["n"].astype("int64"))
    return counts[["tenure", "churned", "n"]].groupby(["tenure", "churned"], as_index=False)["n"].sum(), skipped


def kaplan_meier(counts: pd.DataFrame, horizon: float = HORIZON_MONTHS) -> Interval:
    """1 − S(horizon) from counts per (tenure, churned), with a 95 % interval (Greenwood, log(−log) scale).

    Customers who left at tenure t are events at t; the others are censored at t (still at risk at t).
    """
    table = counts.pivot_table(index="tenure", columns="churned", values="n", aggfunc="sum", fill_value=0)
    table = table.reindex(columns=[0, 1], fill_value=0).sort_index()
    total = int(table.to_numpy().sum())
    if total == 0:
        return Interval(math.nan, math.nan, math.nan, 0)
    events, leaving = table[1].to_numpy(float), table.sum(axis=1).to_numpy(float)
    at_risk = total - np.concatenate([[0.0], np.cumsum(leaving)[:-1]])
    upto = table.index.to_numpy(float) <= horizon
    d, n = events[upto], at_risk[upto]
    with np.errstate(divide="ignore", invalid="ignore"):
        survival = float(np.prod(1 - d / n)) if len(d) else 1.0
        greenwood = float(np.sum(np.where(n > d, d / (n * (n - d)), 0.0)))
    if survival <= 0 or survival >= 1 or not math.isfinite(greenwood):
        return Interval(1 - survival, math.nan, math.nan, total)
    # log(-log S) has the better-behaved interval; S^exp(±z·se) keeps it within (0, 1).
    se = math.sqrt(greenwood) / abs(math.log(survival))
    low_s, high_s = survival ** math.exp(Z95 * se), survival ** math.exp(-Z95 * se)
    return Interval(1 - survival, 1 - high_s, 1 - low_s, total)
