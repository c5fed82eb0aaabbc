"""One scenario's estimate: the figures, the warnings that travel with them, and tidy views."""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from estimator.core.model import CHANNEL_SPECS, CHANNELS, Outputs, evaluate
from estimator.core.outputs import HEADLINE_OUTPUTS
from estimator.core.parameters import Parameters
from estimator.core.provenance import Scaling, infer_provenance
from estimator.paths import data_dir

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["WARNING_MESSAGES", "Estimate", "ModelWarning", "estimate", "model_warnings"]

#: Top-down and bottom-up estimates further apart than this factor get a warning.
METHOD_DISAGREEMENT_FACTOR = 2.0
#: Prospects lost through unanswered contacts above this share of the customer base get a warning: the
#: presets lose 0.4-0.75 % a year; much more means prospect_contacts belongs to a larger company (as when
#: a calibration sets customers from a small extract and the preset's contact volume stays).
MISSED_PROSPECTS_SHARE = 0.05
#: MODEL.md v3's plausibility warnings: shown first in every front end.
PLAUSIBILITY_CODES = ("loss_share_high", "one_channel_dominates_from_default")


#: Every warning the model can give: message id -> its code (what the warning is about, for tests
#: and translation). A code may have several messages (the consequences differ by ``method``).
#: The text of each is ``warning.<message id>`` in ``data/i18n/<language>/warnings.toml``.
WARNING_MESSAGES: dict[str, str] = {
    "loss_share_high": "loss_share_high",
    "one_channel_dominates_from_default": "one_channel_dominates_from_default",
    "silent_cap": "silent_cap",
    "negative_bottom_up_resolved": "negative_bottom_up_resolved",
    "negative_bottom_up_unresolved": "negative_bottom_up_unresolved",
    "negative_bottom_up_silent": "negative_bottom_up_silent",
    "negative_bottom_up": "negative_bottom_up",
    "negative_bottom_up_in_use": "negative_bottom_up",
    "bottom_up_exceeds_churn": "bottom_up_exceeds_churn",
    "methods_disagree": "methods_disagree",
    "downtime_capped": "downtime_capped",
    "missed_prospects_large": "missed_prospects_large",
    "share_undefined": "share_undefined",
    "implied_share_undefined": "implied_share_undefined",
}


@dataclass(frozen=True)
class ModelWarning:
    """Something the user should know about a result: a code and the figures it quotes.

    ``code`` identifies the kind of warning (for translation and tests); ``values`` holds
    the figures it quotes, raw; ``message_id`` (a key of :data:`WARNING_MESSAGES`, the code by
    default) picks its text. The words are only in the catalogue: :attr:`message` is the English
    text with parameter keys (as the command line and the Python API speak), :meth:`text` the
    text in another language (:func:`estimator.text.messages.warning_text`).
    """

    code: str
    values: Mapping[str, float | str] = field(default_factory=dict)
    message_id: str = ""
    #: What words a warning (``warning, language, labels=, emphasis=``): the message pipeline's
    #: :func:`estimator.text.messages.warning_text`, installed by the package's ``__init__`` when anything of
    #: the package is first imported. The core keeps a warning's code and values and imports no layer above it.
    words: ClassVar[Callable[..., str] | None] = None

    @classmethod
    def of(cls, message_id: str, **values: float | str) -> ModelWarning:
        """The warning ``message_id`` of :data:`WARNING_MESSAGES` with its figures."""
        return cls(WARNING_MESSAGES[message_id], values, message_id)

    @property
    def message(self) -> str:
        """The warning in English, parameters named by their keys."""
        return self.text("en", labels=False)

    def text(self, language: str = "en", *, labels: bool = True, emphasis: str = "") -> str:
        """The warning in ``language``, parameters named by their labels unless ``labels=False``."""
        if ModelWarning.words is None:
            raise RuntimeError("no message pipeline: import estimator (it installs estimator.text.messages.warning_text)")
        return ModelWarning.words(self, language, labels=labels, emphasis=emphasis)

    def __str__(self) -> str:
        return self.message


def _finite_or_none(value: float) -> float | None:
    return None if math.isnan(value) else value


#: The registry's channels by name.
_CHANNELS_BY_NAME = {channel.name: channel for channel in CHANNEL_SPECS}


@cache
def _plausibility() -> dict[str, Any]:
    with open(data_dir() / "plausibility.toml", "rb") as handle:
        return tomllib.load(handle)


def channel_inputs(channel: str, method: str) -> tuple[str, ...]:
    """The inputs that size ``channel`` under ``method`` (its ``inputs`` in the registry, ``data/channels.toml``).

    Retention's depend on the method; a channel or method the registry lacks raises ``KeyError``.
    """
    return _CHANNELS_BY_NAME[channel].inputs[method]


def plausibility_warnings(params: Parameters, outputs: Outputs, sources: Mapping[str, str]) -> list[ModelWarning]:
    """MODEL.md v3's plausibility warnings, shown first: ``loss_share_high``, ``one_channel_dominates_from_default``.

    The second needs at least one input that is the client's (entered or from a file): a scenario made only
    of defaults and preset values is a benchmark as a whole, and says so in its sources.
    """
    rules = _plausibility()
    found = []
    share = outputs["share_of_revenue"].item()
    if math.isfinite(share) and share > rules["loss_share_high"]:
        found.append(ModelWarning.of("loss_share_high", share=share, limit=rules["loss_share_high"]))
    total = outputs["total"].item()
    tailored = any(sources.get(key) in ("entered", "file") for key in sources)
    if total > 0 and tailored:
        for channel in CHANNELS:
            part = outputs[channel].item() / total
            keys = channel_inputs(channel, params.method)
            if part > rules["channel_dominates"] and all(sources.get(k, "default") in ("default", "preset") for k in keys):
                found.append(
                    ModelWarning.of("one_channel_dominates_from_default", channel=channel, share=part, inputs=", ".join(keys))
                )
    return found


def model_warnings(params: Parameters, outputs: Outputs, sources: Mapping[str, str] | None = None) -> list[ModelWarning]:
    """The warnings for one evaluated scenario (``outputs`` of shape ``()``), the plausibility ones first.

    ``sources`` labels each input (:data:`~estimator.core.provenance.PROVENANCE_LABELS`); guessed from the
    values when not given.
    """
    o = {name: outputs[name].item() for name in Outputs.names()}
    p = params
    found = plausibility_warnings(params, outputs, sources if sources is not None else infer_provenance(params))

    def warn(message_id: str, **values: float) -> None:
        found.append(ModelWarning.of(message_id, **values))

    if o["silent_cap_binds"]:
        warn("silent_cap", requested=p.complaint_rate * p.silent_ratio, used=1 - p.complaint_rate)
    groups = (
        ("bottom_up_resolved", "churn_resolved"),
        ("bottom_up_unresolved", "churn_unresolved"),
        ("bottom_up_silent", "churn_silent"),
    )
    for output, rate in groups:
        if o[output] < 0:
            # fewer: by how much the group lowers the customers lost (minus its contribution).
            warn(f"negative_{output}", fewer=-o[output], rate=p[rate], baseline=p.baseline_churn)
    if o["bottom_up_customers"] < 0:
        # Under bottom_up the negative count is used: retention is negative, word of mouth counts nobody.
        warn("negative_bottom_up_in_use" if p.method == "bottom_up" else "negative_bottom_up", customers=o["bottom_up_customers"])
    churners = p.customers * p.churn_rate
    if churners > 0 and o["bottom_up_customers"] > churners:
        warn("bottom_up_exceeds_churn", bottom_up=o["bottom_up_customers"], churners=churners)
    top_down, bottom_up = o["top_down_customers"], o["bottom_up_customers"]
    if top_down > 0 and bottom_up > 0 and max(top_down, bottom_up) > METHOD_DISAGREEMENT_FACTOR * min(top_down, bottom_up):
        warn("methods_disagree", top_down=top_down, bottom_up=bottom_up)
    lost_prospects = o["customers_lost_missed_contacts"]
    if p.customers > 0 and lost_prospects > MISSED_PROSPECTS_SHARE * p.customers:
        warn(
            "missed_prospects_large",
            prospects=lost_prospects,
            share=lost_prospects / p.customers,
            customers=p.customers,
            contacts=p.prospect_contacts,
        )
    if o["downtime_capped"]:
        warn("downtime_capped", hours=p.incidents_per_year * p.incident_hours)
    if math.isnan(o["share_of_revenue"]):
        warn("share_undefined")
    if math.isnan(o["implied_service_share"]):
        warn("implied_share_undefined")
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
        What the user should know about these figures, the plausibility warnings first.
    input_sources : mapping
        Input → ``file``, ``entered``, ``preset`` or ``default`` (MODEL.md v3).
    scaled : tuple of Scaling
        The volumes scaled with the customer base (``prospect_contacts`` = M0 · N / N0).
    """

    parameters: Parameters
    outputs: Outputs
    warnings: tuple[ModelWarning, ...]
    input_sources: Mapping[str, str] = field(default_factory=dict)
    scaled: tuple[Scaling, ...] = ()

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
                **{channel.name: o[channel.customers] for channel in CHANNEL_SPECS if channel.customers},
                "total": o["customers_lost_total"],
            },
            # The headline figures that are not a channel column's total (data/outputs.toml).
            **{
                item.output: _finite_or_none(o[item.output]) if item.undefined else o[item.output]
                for item in HEADLINE_OUTPUTS
                if not item.channel_total
            },
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
            "warning_codes": [w.code for w in self.warnings],
            "input_sources": dict(self.input_sources),
            "scaled_inputs": {item.key: {**item.to_dict(), "note": item.describe()} for item in self.scaled},
        }

    def to_frame(self) -> pd.DataFrame:
        """The channels as a table: revenue lost, its share of the total, customers lost."""
        import pandas as pd  # imported when a table is made: it takes about a second

        customers = {channel.name: getattr(self, channel.customers) if channel.customers else 0.0 for channel in CHANNEL_SPECS}
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

        figures = {item.output: getattr(self, item.output) for item in HEADLINE_OUTPUTS}
        return pd.Series(figures, name=self.parameters.name or "estimate")

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


def estimate(
    params: Mapping[str, Any] | None = None,
    /,
    *,
    input_sources: Mapping[str, str] | None = None,
    scaled: tuple[Scaling, ...] | list[Scaling] = (),
    **changes: Any,
) -> Estimate:
    """Estimate the yearly revenue lost to poor service for one scenario.

    Parameters
    ----------
    params : Parameters or mapping, optional
        The scenario (for instance ``load_preset("telecom_cable").parameters``); missing
        keys take their defaults.
    input_sources : mapping, optional
        Where each input came from (``file``, ``entered``, ``preset``, ``default``); guessed from
        the values when not given (a value equal to its default is ``default``...).
    scaled : sequence of Scaling, optional
        Volumes the scenario builder scaled with the customer base, reported with the figures.
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
    sources = dict(input_sources) if input_sources is not None else infer_provenance(parameters)
    for key in changes:
        if key in sources:
            sources[key] = "entered"
    warnings = tuple(model_warnings(parameters, outputs, sources))
    return Estimate(parameters, outputs, warnings, sources, tuple(scaled))
