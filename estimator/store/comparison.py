"""Scenarios side by side: their inputs, their outputs, what differs from the first, and why the total moved.

:func:`compare_scenarios` takes one to four scenarios (saved ones, versions of one scenario,
or plain parameters) and returns a :class:`ScenarioComparison`; its charts are in
:mod:`estimator.figures.scenarios`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pandas.io.formats.style import Styler

from estimator.analysis.compare import attribute_change
from estimator.core.model import CHANNELS
from estimator.core.outputs import HEADLINE_OUTPUTS
from estimator.core.parameters import PARAMETER_SPECS, Parameters
from estimator.core.result import Estimate, estimate
from estimator.core.scenario import Scenario, ScenarioError
from estimator.store.types import MAX_COMPARED
from estimator.text.formatting import format_count, format_money, format_parameter, format_share

__all__ = ["COMPARED_OUTPUTS", "DIFFERENCE_STYLE", "ScenarioComparison", "changed_inputs", "compare_scenarios"]


# --- Comparing scenarios ---------------------------------------------------------------------

#: The outputs a comparison lists, in the order of the headline: the total, its channels, the rest.
COMPARED_OUTPUTS: tuple[str, ...] = (
    "total",
    *CHANNELS,
    *(item.output for item in HEADLINE_OUTPUTS if item.output != "total"),
)
#: Style of a cell that differs from the first scenario's.
DIFFERENCE_STYLE = "background-color: #FDEBD0; font-weight: 600"


@dataclass(frozen=True)
class ScenarioComparison:
    """Up to four scenarios side by side: their inputs, their outputs and what differs from the first.

    Build it with :func:`compare_scenarios`. Columns are the scenario names in the order given;
    the first is the reference the others are compared with.
    """

    names: tuple[str, ...]
    estimates: tuple[Estimate, ...]

    @property
    def parameters(self) -> tuple[Parameters, ...]:
        return tuple(est.parameters for est in self.estimates)

    @property
    def currencies(self) -> tuple[str, ...]:
        return tuple(p.currency for p in self.parameters)

    @property
    def mixed_currencies(self) -> bool:
        """Whether the amounts are in different currencies (they are never converted)."""
        return len(set(self.currencies)) > 1

    def inputs(self) -> pd.DataFrame:
        """Every parameter and the currency (rows) of each scenario (columns)."""
        rows = [*PARAMETER_SPECS, "currency"]
        return pd.DataFrame(
            {name: [p[key] for key in rows] for name, p in zip(self.names, self.parameters, strict=True)},
            index=pd.Index(rows, name="parameter"),
            dtype=object,
        )

    def outputs(self) -> pd.DataFrame:
        """The yearly total, the five channels and the other headline figures of each scenario (floats)."""
        return pd.DataFrame(
            {name: [getattr(est, key) for key in COMPARED_OUTPUTS] for name, est in zip(self.names, self.estimates, strict=True)},
            index=pd.Index(COMPARED_OUTPUTS, name="output"),
            dtype=float,
        )

    def channels(self) -> pd.DataFrame:
        """Yearly revenue lost by channel (rows) and scenario (columns)."""
        return self.outputs().loc[list(CHANNELS)]

    def to_frame(self) -> pd.DataFrame:
        """Inputs then outputs, indexed by (``"input"``/``"output"``, key): the whole table."""
        return pd.concat({"input": self.inputs(), "output": self.outputs().astype(object)}, names=["section", "item"])

    def differences(self) -> pd.DataFrame:
        """True where a value differs from the first scenario's (the first column is all False).

        Outputs count as equal within a relative 1e-12 (the same value reached by another
        route); two undefined values (NaN) are equal.
        """
        frame = self.to_frame()
        first = frame.iloc[:, 0]
        mask = pd.DataFrame(False, index=frame.index, columns=frame.columns)
        for column in frame.columns[1:]:
            for row in frame.index:
                a, b = first[row], frame.at[row, column]
                same = bool(np.isclose(a, b, rtol=1e-12, atol=0.0, equal_nan=True)) if row[0] == "output" else a == b
                mask.at[row, column] = not same
        return mask

    def deltas(self) -> pd.DataFrame:
        """Each numeric value minus the first scenario's (NaN for the method and the currency)."""
        frame = self.to_frame()
        numeric = frame.apply(lambda column: pd.to_numeric(column, errors="coerce")).astype(float)
        return numeric.sub(numeric.iloc[:, 0], axis=0)

    def display_frame(
        self, labels: Mapping[str, str] | None = None, *, locale: str = "en", choice_labels: Mapping[str, str] | None = None
    ) -> pd.DataFrame:
        """The table as text: values in their units (money in each scenario's currency), rows labelled.

        Parameters
        ----------
        labels : mapping, optional
            The row label of each parameter and output key (e.g. translated names); keys otherwise.
        locale : str
            Babel locale for numbers.
        choice_labels : mapping, optional
            The words for a choice's value (``{"top_down": "Top-down"}``); the value itself otherwise.
        """
        frame = self.to_frame()
        labels = labels or {}
        text = pd.DataFrame(index=frame.index, columns=frame.columns, dtype=object)
        for column, currency in zip(frame.columns, self.currencies, strict=True):
            for section, key in frame.index:
                value = frame.at[(section, key), column]
                shown = _display_value(section, key, value, currency, locale)
                text.at[(section, key), column] = (choice_labels or {}).get(shown, shown) if key == "method" else shown
        text.index = pd.Index([labels.get(key, key) for _, key in frame.index], name="")
        return text

    def styled(
        self,
        labels: Mapping[str, str] | None = None,
        *,
        locale: str = "en",
        choice_labels: Mapping[str, str] | None = None,
        style: str = DIFFERENCE_STYLE,
        escape: bool = False,
    ) -> Styler:
        """:meth:`display_frame` with the cells that differ from the first scenario highlighted.

        Parameters
        ----------
        labels, locale, choice_labels
            As for :meth:`display_frame`.
        style : str
            CSS of a differing cell.
        escape : bool, default False
            HTML-escape values, labels and names (for :meth:`Styler.to_html`; the app's tables
            show text as it is and need no escaping).
        """
        text = self.display_frame(labels, locale=locale, choice_labels=choice_labels)
        mask = self.differences().to_numpy()
        styler = text.style.apply(lambda _: np.where(mask, style, ""), axis=None)
        if escape:
            styler = styler.format(escape="html").format_index(escape="html", axis=0).format_index(escape="html", axis=1)
        return styler

    def change(self, start: int | str = 0, end: int | str = 1, *, by: str = "parameter") -> pd.Series:
        """The change of the yearly total from scenario ``start`` to ``end``, split exactly by input.

        ``start`` and ``end`` are positions or names; the parts (Shapley values, see
        :func:`~estimator.analysis.compare.attribute_change`) sum to the difference of the totals.
        """
        first, second = self._position(start), self._position(end)
        return attribute_change(self.parameters[first], self.parameters[second], by=by)  # type: ignore[arg-type]

    def _position(self, which: int | str) -> int:
        if isinstance(which, str):
            if which not in self.names:
                raise ScenarioError(
                    f"scenario: {which!r} is not in the comparison; allowed: one of {', '.join(map(repr, self.names))}",
                    code="unknown",
                    field="scenario",
                    value=which,
                )
            return self.names.index(which)
        return int(which)


def _display_value(section: str, key: str, value: Any, currency: str, locale: str) -> str:
    if section == "input":
        return str(value) if key == "currency" else format_parameter(key, value, currency, locale=locale)
    if key == "share_of_revenue":
        return format_share(float(value), locale=locale)
    if key == "customers_lost_total":
        return format_count(float(value), locale=locale, compact=False)
    return format_money(float(value), currency, locale=locale, compact=False)


def compare_scenarios(scenarios: Mapping[str, Mapping[str, Any]] | list[tuple[str, Mapping[str, Any]]]) -> ScenarioComparison:
    """Put one to four scenarios side by side, the first being the reference.

    Parameters
    ----------
    scenarios : mapping or list of (name, parameters)
        Named scenarios (``Parameters``, mappings of values or :class:`SavedScenario`).

    Returns
    -------
    ScenarioComparison

    Raises
    ------
    ScenarioError
        ``compare_count`` for none or more than :data:`MAX_COMPARED`, ``duplicate`` for a name given twice.

    Examples
    --------
    >>> cmp = compare_scenarios({"Base": Parameters(), "Higher churn": Parameters(churn_rate=0.24)})
    >>> cmp.differences().loc[("input", "churn_rate")].tolist()
    [False, True]
    """
    items = list(scenarios.items()) if isinstance(scenarios, Mapping) else list(scenarios)
    if not 1 <= len(items) <= MAX_COMPARED:
        raise ScenarioError(
            f"scenarios: {len(items)} chosen; allowed: 1 to {MAX_COMPARED}",
            code="compare_count",
            field="scenarios",
            value=len(items),
        )
    names = [name for name, _ in items]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ScenarioError(
            f"scenarios: {repeated[0]!r} is chosen twice; allowed: each scenario once",
            code="duplicate",
            field="scenarios",
            value=repeated[0],
        )
    estimates = []
    for _, values in items:
        params = values.parameters if isinstance(values, Scenario) else values
        estimates.append(estimate(params if isinstance(params, Parameters) else Parameters(params)))
    return ScenarioComparison(tuple(names), tuple(estimates))


def changed_inputs(comparison: ScenarioComparison, start: int = 0, end: int = 1) -> list[tuple[str, Any, Any]]:
    """The inputs that differ between two scenarios of a comparison: (key, value in ``start``, value in ``end``).

    >>> changed_inputs(compare_scenarios({"a": Parameters(), "b": Parameters(churn_rate=0.3)}))
    [('churn_rate', 0.18, 0.3)]
    """
    inputs = comparison.inputs()
    first, second = inputs.iloc[:, start], inputs.iloc[:, end]
    return [(key, first[key], second[key]) for key in inputs.index if first[key] != second[key]]
