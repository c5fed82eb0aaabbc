"""Statistics on the group counts: Wilson intervals, the mean value's t interval, every estimate, and
the binomial GLM of churn among complainers (whose coefficients equal a logit on the raw rows)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from estimator.calibration.messages import CalibrationWarning

__all__ = ["CONFIDENCE", "FIGURES", "EffectModel", "Interval", "design_frame", "wilson"]

CONFIDENCE = 0.95


@dataclass(frozen=True)
class Interval:
    """An estimate with its 95 % interval and the number of customers it rests on."""

    value: float
    ci_low: float
    ci_high: float
    n: int

    def to_dict(self) -> dict[str, Any]:
        return {"value": _plain(self.value), "ci_low": _plain(self.ci_low), "ci_high": _plain(self.ci_high), "n": int(self.n)}


def _plain(number: float) -> float | None:
    return None if number is None or not math.isfinite(number) else float(number)


def wilson(successes: int, n: int) -> Interval:
    """A proportion with its 95 % Wilson interval (statsmodels); NaN when ``n`` is 0."""
    # Imported here: statsmodels and scipy.stats take most of a second to import, and the app
    # imports this module on every start for the provenance of calibrated values.
    from statsmodels.stats.proportion import proportion_confint

    if n <= 0:
        return Interval(math.nan, math.nan, math.nan, 0)
    low, high = proportion_confint(successes, n, alpha=1 - CONFIDENCE, method="wilson")
    return Interval(successes / n, float(low), float(high), int(n))


def _mean_interval(groups: pd.DataFrame) -> Interval:
    """Mean annual value with a t interval, from per-group counts, means and population variances."""
    valid = groups[groups["n_value"] > 0]
    n = int(valid["n_value"].sum())
    if n == 0:
        return Interval(math.nan, math.nan, math.nan, 0)
    counts, means = valid["n_value"].to_numpy(float), valid["value_mean"].to_numpy(float)
    mean = float(np.sum(counts * means) / n)
    # Sum of squared deviations, combined exactly (within-group plus between-group).
    squares = float(np.sum(counts * valid["value_var"].to_numpy(float)) + np.sum(counts * (means - mean) ** 2))
    if n < 2:
        return Interval(mean, math.nan, math.nan, n)
    from scipy import stats  # see wilson(): imported only when an estimate is computed

    half = stats.t.ppf(0.5 + CONFIDENCE / 2, n - 1) * math.sqrt(squares / (n - 1) / n)
    return Interval(mean, mean - half, mean + half, n)


def _estimates(groups: pd.DataFrame, mapping: Mapping[str, str]) -> dict[str, Interval]:
    """Every estimate the columns allow, from the counts of one population (all or a segment)."""
    n = lambda mask: int(groups.loc[mask, "n"].sum())  # noqa: E731
    churned, complained = groups["churned"] == 1, groups["complained"] == 1
    total = int(groups["n"].sum())
    out = {"customers": Interval(float(total), float(total), float(total), total)}
    if "annual_value" in mapping:
        out["annual_value"] = _mean_interval(groups)
    out["churn_rate"] = wilson(n(churned), total)
    if "complained" in mapping:
        out["complaint_rate"] = wilson(n(complained), total)
        if "resolved" in mapping:
            resolved = complained & (groups["resolved"] == 1)
            unresolved = complained & (groups["resolved"] == 0)
            out["resolved_share"] = wilson(n(resolved), n(complained))
            out["churn_resolved"] = wilson(n(resolved & churned), n(resolved))
            out["churn_unresolved"] = wilson(n(unresolved & churned), n(unresolved))
        quiet = ~complained
        if "had_problem" in mapping:
            silent = quiet & (groups["had_problem"] == 1)
            quiet = quiet & (groups["had_problem"] == 0)
        out["baseline_churn"] = wilson(n(quiet & churned), n(quiet))
        if "had_problem" in mapping:
            out["churn_silent"] = wilson(n(silent & churned), n(silent))
            # k = silent per complainer; Wilson on the silent share q = S/(S+C), then k = q/(1−q).
            share = wilson(n(silent), n(silent) + n(complained))
            ratio = lambda q: q / (1 - q) if q < 1 else math.inf  # noqa: E731
            out["silent_ratio"] = Interval(ratio(share.value), ratio(share.ci_low), ratio(share.ci_high), share.n)
    if "churn_reason" in mapping:
        given = churned & groups["reason"].isin([0, 1])
        out["service_share"] = wilson(n(given & (groups["reason"] == 1)), n(given))
    return out


#: Figures that are not model inputs but what a consultant looks at first.
FIGURES = ("churn_complainers", "churn_non_complainers")


def _figures(groups: pd.DataFrame, mapping: Mapping[str, str]) -> dict[str, Interval]:
    """Churn among complainers and among everyone else, with Wilson intervals (needs ``complained`` only)."""
    if "complained" not in mapping:
        return {}
    n = lambda mask: int(groups.loc[mask, "n"].sum())  # noqa: E731
    churned, complained = groups["churned"] == 1, groups["complained"] == 1
    return {
        "churn_complainers": wilson(n(complained & churned), n(complained)),
        "churn_non_complainers": wilson(n(~complained & churned), n(~complained)),
    }


@dataclass(frozen=True)
class EffectModel:
    """Binomial GLM of churn among complainers: churn ~ unresolved + segment, fitted on counts.

    Attributes
    ----------
    coefficients : DataFrame
        One row per term (``const``, ``unresolved``, ``segment[...]``): coef (log-odds), std_error,
        ci_low, ci_high, odds_ratio, or_low, or_high, p_value.
    n : int
        Complainers the model rests on.
    reference_segment : str or None
        The segment the others are compared with.
    excluded_segments : list of str
        Segments left out because all or none of their complainers churned (perfect separation).
    """

    coefficients: pd.DataFrame
    n: int
    reference_segment: str | None
    excluded_segments: list[str]

    @property
    def effect(self) -> dict[str, float]:
        """The unresolved-vs-resolved effect on churn: log-odds, odds ratio and their 95 % intervals."""
        return {key: float(value) for key, value in self.coefficients.loc["unresolved"].items()}

    def to_dict(self) -> dict[str, Any]:
        return {
            "family": "binomial",
            "formula": "churned ~ unresolved + segment (complainers only)",
            "n": self.n,
            "reference_segment": self.reference_segment,
            "excluded_segments": list(self.excluded_segments),
            "coefficients": {
                term: {key: _plain(value) for key, value in row.items()} for term, row in self.coefficients.iterrows()
            },
            "effect": {key: _plain(value) for key, value in self.effect.items()},
        }


def design_frame(cells: pd.DataFrame, segments: Sequence[str] | None) -> pd.DataFrame:
    """The GLM's design: a constant, the unresolved indicator and one dummy per non-reference segment.

    ``cells`` has columns ``segment`` and ``unresolved`` (one row per cell or per customer);
    ``segments`` lists the segments in the model, the first being the reference. The tests build
    the same design for :class:`statsmodels.api.Logit` on raw rows.
    """
    design = pd.DataFrame({"const": 1.0, "unresolved": cells["unresolved"].astype(float)}, index=cells.index)
    for name in (segments or [])[1:]:
        design[f"segment[{name}]"] = (cells["segment"] == name).astype(float)
    return design


def _fit_effect(groups: pd.DataFrame, has_segment: bool, warnings: list[CalibrationWarning]) -> EffectModel | None:
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

    complainers = groups[(groups["complained"] == 1) & groups["resolved"].isin([0, 1])].copy()
    complainers["segment"] = complainers["segment"].fillna("(blank)")
    complainers["unresolved"] = (complainers["resolved"] == 0).astype(int)
    complainers["churn"] = (complainers["churned"] == 1).astype(int)
    cells = complainers.groupby(["segment", "unresolved", "churn"], as_index=False)["n"].sum()
    table = cells.pivot_table(index=["segment", "unresolved"], columns="churn", values="n", aggfunc="sum", fill_value=0)
    table = table.reindex(columns=[0, 1], fill_value=0).reset_index()
    excluded = []
    if has_segment:
        by_segment = table.groupby("segment")[[0, 1]].sum()
        separated = by_segment[(by_segment[0] == 0) | (by_segment[1] == 0)].index.tolist()
        for name in separated:
            everyone = by_segment.loc[name, 0] == 0
            who = "everyone" if everyone else "nobody"
            warnings.append(CalibrationWarning.of(f"separation_segment_{who}", segment=name, who=who))
        excluded = list(separated)
        table = table[~table["segment"].isin(excluded)]
    by_status = table.groupby("unresolved")[[0, 1]].sum().reindex([0, 1], fill_value=0)
    if (by_status.to_numpy() == 0).any():
        warnings.append(CalibrationWarning.of("separation_effect"))
        return None
    sizes = table.groupby("segment")[[0, 1]].sum().sum(axis=1).sort_values(ascending=False, kind="stable")
    segments = sorted(sizes.index, key=lambda s: (-sizes[s], s)) if has_segment else None
    design = design_frame(table, segments)
    endog = table[[1, 0]].to_numpy(float)  # successes (churned), failures
    import warnings as python_warnings

    with python_warnings.catch_warnings():
        python_warnings.simplefilter("error", PerfectSeparationWarning)
        try:
            fit = sm.GLM(endog, design, family=sm.families.Binomial()).fit()
        except (PerfectSeparationWarning, np.linalg.LinAlgError, ValueError):
            warnings.append(CalibrationWarning.of("separation_effect_fit"))
            return None
    ci = fit.conf_int(alpha=1 - CONFIDENCE)
    coefficients = pd.DataFrame(
        {
            "coef": fit.params,
            "std_error": fit.bse,
            "ci_low": ci[0],
            "ci_high": ci[1],
            "odds_ratio": np.exp(fit.params),
            "or_low": np.exp(ci[0]),
            "or_high": np.exp(ci[1]),
            "p_value": fit.pvalues,
        }
    )
    coefficients.index.name = "term"
    return EffectModel(coefficients, int(endog.sum()), segments[0] if segments else None, excluded)
