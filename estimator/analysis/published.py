"""Published headline figures of the revenue lost to poor service, reproduced by the model (MODEL.md v2).

Each figure in ``data/published_estimates.toml`` is one multiplication of a few of the model's
inputs. :func:`reproduce` evaluates it through :func:`estimator.core.model.evaluate` with only the
channels the publication counts, then runs the same evidence through the whole model, with the
evidence library's defaults for what the publication leaves out, so a user sees what each
published number counts, leaves out or overstates.

>>> table = published_table()
>>> bool((table["relative_error"].abs() < 0.005).all())
True
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import pandas as pd

from estimator.core.model import CHANNELS, evaluate
from estimator.core.parameters import NUMERIC_KEYS, PARAMETER_SPECS, InputError, Parameters
from estimator.core.provenance import SCALED_INPUTS
from estimator.paths import data_dir
from estimator.text.i18n import t

__all__ = [
    "PublishedEstimate",
    "PublishedInput",
    "load_published",
    "published_records",
    "published_table",
    "reproduce",
    "share_comparison",
]

STATUSES = ("stated", "implied")
#: Unit of a published share of sales (the others are yearly amounts in an ISO currency).
SHARE = "share"


@dataclass(frozen=True)
class PublishedInput:
    """One input a published figure rests on, and whether the publication states it."""

    key: str
    value: float
    status: str  # "stated" or "implied"
    evidence: str = ""  # the evidence library's row, if any
    note: str = ""


@dataclass(frozen=True)
class PublishedEstimate:
    """A published headline figure and the inputs it is built from."""

    id: str
    name: str  # short, for charts
    source: str
    year: int | None
    url: str
    published: float
    unit: str  # "share" or an ISO currency code
    evidence: str
    related: tuple[str, ...]
    citation: str
    channels: tuple[str, ...]
    method: str
    inputs: Mapping[str, PublishedInput]
    whole_model_defaults: tuple[str, ...]

    @property
    def is_share(self) -> bool:
        return self.unit == SHARE

    @property
    def evidence_ids(self) -> tuple[str, ...]:
        """Every evidence row of this publication: the headline, the inputs' and the related ones."""
        ids = [self.evidence, *(item.evidence for item in self.inputs.values() if item.evidence), *self.related]
        return tuple(dict.fromkeys(ids))

    def parameters(self) -> Parameters:
        """The reproduction's scenario: the publication's inputs, the defaults elsewhere."""
        values = {key: item.value for key, item in self.inputs.items()}
        return Parameters(values, method=self.method, currency="EUR" if self.is_share else self.unit, name=self.source)

    def whole_model_parameters(self) -> Parameters:
        """The same evidence in the whole model: simplifications and gaps filled from the library's defaults."""
        defaults = Parameters.defaults()
        values = {key: item.value for key, item in self.inputs.items() if key not in self.whole_model_defaults}
        scale = values.get("customers", defaults.customers) / defaults.customers
        for key in SCALED_INPUTS:  # a company's volumes scale with its customers (MODEL.md v3)
            values.setdefault(key, min(float(defaults[key]) * scale, PARAMETER_SPECS[key].max))
        return Parameters(values, method=self.method, currency="EUR" if self.is_share else self.unit, name=self.source)


def _problem(estimate_id: str, message: str) -> InputError:
    return InputError(f"data/published_estimates.toml: [{estimate_id}] {message}")


def _read_estimate(estimate_id: str, entry: Mapping[str, Any]) -> PublishedEstimate:
    channels = tuple(entry.get("channels", ()))
    bad = [c for c in channels if c not in CHANNELS]
    if not channels or bad:
        raise _problem(estimate_id, f"channels {list(channels)!r}: each must be one of {', '.join(CHANNELS)}")
    inputs = {}
    for key, item in entry.get("inputs", {}).items():
        if key not in NUMERIC_KEYS:
            raise _problem(estimate_id, f"input {key!r} is not a numeric parameter")
        if item.get("status") not in STATUSES:
            raise _problem(estimate_id, f"input {key!r}: status {item.get('status')!r} must be 'stated' or 'implied'")
        inputs[key] = PublishedInput(key, float(item["value"]), item["status"], item.get("evidence", ""), item.get("note", ""))
    defaults = tuple(entry.get("whole_model_defaults", ()))
    if any(key not in inputs or inputs[key].status != "implied" for key in defaults):
        raise _problem(estimate_id, f"whole_model_defaults {list(defaults)!r} must name implied inputs")
    estimate = PublishedEstimate(
        id=estimate_id,
        name=entry.get("name", estimate_id),
        source=entry["source"],
        year=entry.get("year"),
        url=entry.get("url", ""),
        published=float(entry["published"]),
        unit=entry["unit"],
        evidence=entry["evidence"],
        related=tuple(entry.get("related", ())),
        citation=entry["citation"],
        channels=channels,
        method=entry.get("method", "top_down"),
        inputs=inputs,
        whole_model_defaults=defaults,
    )
    estimate.parameters()  # validates every value, naming a bad one
    return estimate


@cache
def load_published() -> tuple[PublishedEstimate, ...]:
    """Every published estimate of ``data/published_estimates.toml``, validated, in file order.

    Raises
    ------
    InputError
        Naming the estimate and the field when an entry is malformed.
    ParameterError
        When an input is outside its valid range.
    """
    with open(data_dir() / "published_estimates.toml", "rb") as handle:
        entries = tomllib.load(handle)
    return tuple(_read_estimate(estimate_id, entry) for estimate_id, entry in entries.items())


def _measure(estimate: PublishedEstimate, params: Parameters, channels: Sequence[str]) -> dict[str, float]:
    """The estimate's measure (a yearly amount or a share of sales) over ``channels``, and its share of revenue."""
    outputs = evaluate(params)
    amount = sum(float(outputs[channel]) for channel in channels)
    revenue = float(params.customers) * float(params.annual_value)
    share = amount / revenue if revenue > 0 else math.nan
    return {"value": share if estimate.is_share else amount, "amount": amount, "share": share}


def reproduce(estimate: PublishedEstimate) -> dict[str, Any]:
    """One published figure reproduced through the model, and the whole model on the same evidence.

    Returns
    -------
    dict
        ``id, source, year, url, published, unit, reproduced, relative_error`` (reproduced /
        published − 1), ``inputs`` ({key: {value, status, evidence, note}}), ``channels``,
        ``whole_model`` (the same measure with every channel), ``published_share`` (the
        published figure as a share of the revenue of the base it implies), ``whole_model_share``,
        ``share_implied`` (True unless the publication states a share) and ``note`` (what it
        counts, leaves out or overstates, in the current language).
    """
    reproduced = _measure(estimate, estimate.parameters(), estimate.channels)
    whole = _measure(estimate, estimate.whole_model_parameters(), CHANNELS)
    params = estimate.parameters()
    revenue = float(params.customers) * float(params.annual_value)
    return {
        "id": estimate.id,
        "name": estimate.name,
        "source": estimate.source,
        "year": estimate.year,
        "url": estimate.url,
        "published": estimate.published,
        "unit": estimate.unit,
        "reproduced": reproduced["value"],
        "relative_error": reproduced["value"] / estimate.published - 1.0,
        "inputs": {
            key: {"value": item.value, "status": item.status, "evidence": item.evidence, "note": item.note}
            for key, item in estimate.inputs.items()
        },
        "channels": list(estimate.channels),
        "whole_model": whole["value"],
        "published_share": estimate.published if estimate.is_share else estimate.published / revenue,
        "whole_model_share": whole["share"],
        "share_implied": not estimate.is_share,
        "note": t(f"published.note.{estimate.id}"),
    }


def published_records() -> list[dict[str, Any]]:
    """Every published estimate reproduced (see :func:`reproduce`), in file order: what the CLI prints as JSON."""
    return [reproduce(estimate) for estimate in load_published()]


def published_table() -> pd.DataFrame:
    """:func:`published_records` as a DataFrame indexed by ``id``."""
    return pd.DataFrame(published_records()).set_index("id")


def share_comparison(params: Parameters, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """The scenario's share of revenue lost next to the published shares.

    Only Qualtrics states a share of sales; for a yearly amount the share is the published
    figure over the revenue (customers × value) of the base it implies, flagged ``share_implied``.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``id``: ``name``, ``published_share``, ``whole_model_share``,
        ``share_implied`` and, each in the publication's own unit, ``published``, ``unit``,
        ``reproduced`` and ``whole_model`` for each published estimate; then a row ``scenario``
        holding the scenario's own share in every figure column (unit ``share``). Only the rows
        whose ``share_implied`` is False are shares of sales; an implied share is a market's
        total over a base it implies and must not be set beside one firm's share.
    """
    table = published_table() if table is None else table
    rows = table[
        ["name", "published_share", "whole_model_share", "share_implied", "published", "unit", "reproduced", "whole_model"]
    ]
    share = float(evaluate(params).share_of_revenue)
    scenario = pd.DataFrame(
        {
            "name": [params.name or "scenario"],
            "published_share": [share],
            "whole_model_share": [share],
            "share_implied": [False],
            "published": [share],
            "unit": ["share"],
            "reproduced": [share],
            "whole_model": [share],
        },
        index=pd.Index(["scenario"], name="id"),
    )
    return pd.concat([rows, scenario])
