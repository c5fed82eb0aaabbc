"""The model's outputs as the views show them, declared once in ``data/outputs.toml``.

Every view of a result reads this instead of its own list: the cards of the app and the notebook
(:func:`estimator.text.sentences.headline_figures`), the deck's and the page's cards, the command
line's JSON (:meth:`estimator.core.result.Estimate.to_dict`) and text, the workbook's number formats
and the scenario comparison. The channels' outputs come from the channel registry
(:data:`estimator.core.model.CHANNEL_SPECS`), so a new channel needs no line here.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from estimator.core.model import CHANNEL_SPECS
from estimator.paths import data_dir

__all__ = ["HEADLINE_OUTPUTS", "OUTPUT_KINDS", "HeadlineOutput", "output_kind"]

#: How an output may be written.
KINDS = ("money", "count", "share", "factor", "flag")


@dataclass(frozen=True)
class HeadlineOutput:
    """One headline figure: which output it is, how it is written and what it is called.

    Attributes
    ----------
    metric : str
        Its words in the catalogues: ``metric.<metric>.label`` and ``metric.<metric>.help``.
    output : str
        The model output (a field of :class:`~estimator.core.model.Outputs`).
    kind : str
        ``money``, ``count`` or ``share`` (:data:`OUTPUT_KINDS`).
    label_values : mapping
        Placeholders of its label, each filled with the named parameter's value.
    channel_total : str
        ``revenue_lost`` or ``customers_lost`` when it is the total row of that column of the
        channel table; empty when it is a figure of its own (a JSON key, a line on the command line).
    cli : str
        Its English label on the command line.
    undefined : bool
        It may be undefined (NaN): JSON ``null``.
    """

    metric: str
    output: str
    kind: str
    label_values: Mapping[str, str] = field(default_factory=dict)
    channel_total: str = ""
    cli: str = ""
    undefined: bool = False

    def label_arguments(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """The label's placeholders filled from ``params`` (``{"years": 5}`` for value at risk)."""
        return {name: params[key] for name, key in self.label_values.items()}


def _read() -> tuple[dict[str, str], tuple[HeadlineOutput, ...]]:
    with open(data_dir() / "outputs.toml", "rb") as handle:
        table = tomllib.load(handle)
    kinds = {channel.name: "money" for channel in CHANNEL_SPECS}
    kinds.update({channel.customers: "count" for channel in CHANNEL_SPECS if channel.customers})
    kinds.update(table["kind"])
    headline = tuple(HeadlineOutput(kind=kinds[row["output"]], **row) for row in table["headline"])
    return kinds, headline


#: Output name → how it is written (``money``, ``count``, ``share``, ``factor`` or ``flag``), for every
#: output of :class:`~estimator.core.model.Outputs`.
OUTPUT_KINDS: dict[str, str]
#: The headline figures, in the order every view shows them.
HEADLINE_OUTPUTS: tuple[HeadlineOutput, ...]
OUTPUT_KINDS, HEADLINE_OUTPUTS = _read()


def output_kind(name: str, default: str = "count") -> str:
    """How output ``name`` is written; ``default`` for a name that is not a model output (a workbook step)."""
    return OUTPUT_KINDS.get(name, default)
