"""One scenario's estimate: the figures, the warnings that travel with them, and tidy views."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from estimator.model import CHANNELS, Outputs, evaluate
from estimator.parameters import Parameters

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Estimate", "ModelWarning", "estimate", "model_warnings"]

#: Top-down and bottom-up estimates further apart than this factor get a warning.
METHOD_DISAGREEMENT_FACTOR = 2.0


@dataclass(frozen=True)
class ModelWarning:
    """Something the user should know about a result, in plain words.

    ``code`` identifies the kind of warning (for translation and tests); ``values`` holds
    the numbers quoted in ``message``.
    """

    code: str
    message: str
    values: Mapping[str, float] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message


def _finite_or_none(value: float) -> float | None:
    return None if math.isnan(value) else value


def model_warnings(params: Parameters, outputs: Outputs) -> list[ModelWarning]:
    """The warnings for one evaluated scenario (``outputs`` of shape ``()``)."""
    o = {name: outputs[name].item() for name in Outputs.names()}
    p = params
    found = []

    def warn(code: str, message: str, **values: float) -> None:
        found.append(ModelWarning(code, message, values))

    if o["silent_cap_binds"]:
        warn(
            "silent_cap",
            f"The silent dissatisfied customers are capped: complaint_rate × silent_ratio is "
            f"{p.complaint_rate * p.silent_ratio:.1%} of customers, but only the {1 - p.complaint_rate:.1%} "
            f"who did not complain can be silent, so {1 - p.complaint_rate:.1%} is used.",
            requested=p.complaint_rate * p.silent_ratio,
            used=1 - p.complaint_rate,
        )
    groups = (
        ("bottom_up_resolved", "churn_resolved", "complainers whose complaint was resolved"),
        ("bottom_up_unresolved", "churn_unresolved", "complainers whose complaint was not resolved"),
        ("bottom_up_silent", "churn_silent", "silent dissatisfied customers"),
    )
    for output, rate, who in groups:
        if o[output] < 0:
            warn(
                f"negative_{output}",
                f"Bottom-up: {who} churn less than customers with no problem ({p[rate]:.1%} vs "
                f"baseline_churn {p.baseline_churn:.1%}), so they lower the customers lost by {-o[output]:,.0f}.",
                customers=o[output],
            )
    if o["bottom_up_customers"] < 0:
        consequence = (
            " The retention channel is negative and word of mouth and replacement cost count no lost customers."
            if p.method == "bottom_up"
            else ""
        )
        warn(
            "negative_bottom_up",
            f"The bottom-up estimate is negative ({o['bottom_up_customers']:,.0f} customers): as entered, "
            f"service problems make customers more loyal than those without problems.{consequence}",
            customers=o["bottom_up_customers"],
        )
    churners = p.customers * p.churn_rate
    if churners > 0 and o["bottom_up_customers"] > churners:
        warn(
            "bottom_up_exceeds_churn",
            f"The bottom-up estimate ({o['bottom_up_customers']:,.0f} customers) is more than all resignations "
            f"({churners:,.0f} = customers × churn_rate): the complaint and churn figures do not fit churn_rate.",
            bottom_up=o["bottom_up_customers"],
            churners=churners,
        )
    top_down, bottom_up = o["top_down_customers"], o["bottom_up_customers"]
    if top_down > 0 and bottom_up > 0 and max(top_down, bottom_up) > METHOD_DISAGREEMENT_FACTOR * min(top_down, bottom_up):
        warn(
            "methods_disagree",
            f"Top-down ({top_down:,.0f}) and bottom-up ({bottom_up:,.0f}) customers lost differ by more than a "
            f"factor of {METHOD_DISAGREEMENT_FACTOR:g}: check churn_rate and service_share against the complaint figures.",
            top_down=top_down,
            bottom_up=bottom_up,
        )
    if o["downtime_capped"]:
        hours = p.incidents_per_year * p.incident_hours
        warn(
            "downtime_capped",
            f"Incidents add up to {hours:,.0f} hours a year, more than the 8,760 in a year; "
            f"revenue lost in downtime is capped at the whole year.",
            hours=hours,
        )
    if math.isnan(o["share_of_revenue"]):
        warn(
            "share_undefined",
            "The share of revenue is undefined: there is no revenue to compare with (customers × annual_value is 0).",
        )
    if math.isnan(o["implied_service_share"]):
        warn(
            "implied_share_undefined",
            "The service share implied by the bottom-up estimate is undefined: nobody resigns (customers × churn_rate = 0).",
        )
    return found


@dataclass(frozen=True)
class Estimate:
    """The yearly revenue lost to poor service for one scenario.

    Attributes
    ----------
    parameters : Parameters
        The scenario, every value as used.
    outputs : Outputs
        Every model output (0-d arrays); also reachable as attributes, e.g. ``est.total``.
    warnings : tuple of ModelWarning
        What the user should know about these figures.
    """

    parameters: Parameters
    outputs: Outputs
    warnings: tuple[ModelWarning, ...]

    def __getattr__(self, name: str) -> Any:
        if name in Outputs.names():
            return self.outputs[name].item()
        raise AttributeError(name)

    @property
    def channels(self) -> dict[str, float]:
        """Yearly revenue lost by channel."""
        return {name: self.outputs[name].item() for name in CHANNELS}

    def to_dict(self) -> dict[str, Any]:
        """The result as plain data (the command line's JSON); undefined values are ``None``."""
        o = {name: self.outputs[name].item() for name in Outputs.names()}
        return {
            "inputs": self.parameters.to_dict(),
            "revenue_lost": {"total": o["total"], **{name: o[name] for name in CHANNELS}},
            "customers_lost": {
                "retention": o["customers_lost_retention"],
                "missed_contacts": o["customers_lost_missed_contacts"],
                "word_of_mouth": o["customers_lost_word_of_mouth"],
                "incidents": o["customers_lost_incidents"],
                "total": o["customers_lost_total"],
            },
            "share_of_revenue": _finite_or_none(o["share_of_revenue"]),
            "profit_lost": o["profit_lost"],
            "value_at_risk": o["value_at_risk"],
            "replacement_cost": o["replacement_cost"],
            "cross_check": {
                "top_down_customers": o["top_down_customers"],
                "bottom_up_customers": o["bottom_up_customers"],
                "implied_service_share": _finite_or_none(o["implied_service_share"]),
                "entered_service_share": self.parameters.service_share,
                "bottom_up_by_group": {
                    "resolved_complainers": o["bottom_up_resolved"],
                    "unresolved_complainers": o["bottom_up_unresolved"],
                    "silent_dissatisfied": o["bottom_up_silent"],
                },
            },
            "warnings": [w.message for w in self.warnings],
        }

    def to_frame(self) -> pd.DataFrame:
        """The channels as a table: revenue lost, its share of the total, customers lost."""
        import pandas as pd  # imported when a table is made: it takes about a second

        customers = {
            "retention": self.customers_lost_retention,
            "spend_reduction": 0.0,
            "missed_contacts": self.customers_lost_missed_contacts,
            "word_of_mouth": self.customers_lost_word_of_mouth,
            "incidents": self.customers_lost_incidents,
        }
        frame = pd.DataFrame(
            {
                "revenue_lost": self.channels,
                "share_of_total": {k: v / self.total if self.total else np.nan for k, v in self.channels.items()},
                "customers_lost": customers,
            }
        )
        frame.loc["total"] = [self.total, 1.0 if self.total else np.nan, self.customers_lost_total]
        frame.index.name = "channel"
        return frame

    def summary(self) -> pd.Series:
        """The headline figures, as a Series for a notebook."""
        import pandas as pd

        names = ("total", "share_of_revenue", "customers_lost_total", "profit_lost", "value_at_risk", "replacement_cost")
        return pd.Series({name: getattr(self, name) for name in names}, name=self.parameters.name or "estimate")

    def _repr_html_(self) -> str:
        warnings = "".join(f"<li>{w.message}</li>" for w in self.warnings)
        return (
            f"<b>{self.total:,.0f} {self.parameters.currency}</b> lost a year to poor service "
            f"({self.share_of_revenue:.1%} of revenue)"
            + self.to_frame().to_html(float_format="{:,.2f}".format)
            + (f"<ul>{warnings}</ul>" if warnings else "")
        )

    def __repr__(self) -> str:
        currency, share = self.parameters.currency, self.share_of_revenue
        return f"Estimate(total={self.total:,.0f} {currency}, share_of_revenue={share:.4f}, warnings={len(self.warnings)})"


def estimate(params: Mapping[str, Any] | None = None, /, **changes: Any) -> Estimate:
    """Estimate the yearly revenue lost to poor service for one scenario.

    Parameters
    ----------
    params : Parameters or mapping, optional
        The scenario (for instance ``load_preset("telecom_cable").parameters``); missing
        keys take their defaults.
    **changes
        Values that override ``params``.

    Returns
    -------
    Estimate

    Examples
    --------
    >>> round(estimate().total)
    6112409
    >>> round(estimate(method="bottom_up").customers_lost_retention)
    5625
    """
    parameters = params.replace(**changes) if isinstance(params, Parameters) else Parameters(params, **changes)
    outputs = evaluate(parameters, validate=False)  # Parameters validated every value already
    return Estimate(parameters, outputs, tuple(model_warnings(parameters, outputs)))
