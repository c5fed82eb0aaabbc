"""Compare two scenarios: which change moved the money, in parts that add up exactly.

A baseline and a current scenario differ in some inputs; their totals differ by some
amount. :func:`attribute_change` splits that difference among the changed inputs (or their
groups, or the five channels) so that the parts sum to the difference. Inputs interact
(churn and customer value multiply), so attributing by substituting one input after another
would depend on the order chosen; the split here uses Shapley values instead: each input
gets its average effect over every order, which is order-free and still sums exactly. All
the scenarios needed are computed in one vectorised :func:`~estimator.core.model.evaluate` call.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from estimator.core.model import CHANNELS, evaluate
from estimator.core.parameters import PARAMETER_SPECS, Parameters

__all__ = ["GROUPS", "MAX_SHAPLEY_PLAYERS", "attribute_change", "changed_parameters"]

#: Parameter groups in the order of MODEL.md's table (business first, incidents last).
GROUPS: tuple[str, ...] = tuple(dict.fromkeys(spec.group for spec in PARAMETER_SPECS.values()))
#: Above this many changed inputs, attribution by parameter falls back to groups (2**n scenarios).
MAX_SHAPLEY_PLAYERS = 12


def changed_parameters(baseline: Mapping[str, Any], current: Mapping[str, Any]) -> list[str]:
    """The model parameters whose values differ, in MODEL.md's order (``currency`` and ``name`` ignored).

    >>> changed_parameters(Parameters(), Parameters(churn_rate=0.2, currency="PLN"))
    ['churn_rate']
    """
    base, now = Parameters(baseline), Parameters(current)
    return [key for key in PARAMETER_SPECS if base[key] != now[key]]


def _shapley(values: np.ndarray, players: int) -> np.ndarray:
    """Shapley value of each player from ``values[mask]``, the output with the players in ``mask`` switched on.

    ``mask`` bit ``j`` set means player ``j`` takes its current value.
    """
    n = players
    masks = np.arange(2**n)
    sizes = np.array([bin(mask).count("1") for mask in masks])
    weights = np.array([math.factorial(s) * math.factorial(n - s - 1) / math.factorial(n) for s in range(n)])
    shares = np.zeros(n)
    for j in range(n):
        bit = 1 << j
        without = masks[(masks & bit) == 0]
        shares[j] = np.sum(weights[sizes[without]] * (values[without | bit] - values[without]))
    return shares


def attribute_change(
    baseline: Mapping[str, Any],
    current: Mapping[str, Any],
    *,
    by: Literal["parameter", "group", "channel"] = "parameter",
    output: str = "total",
) -> pd.Series:
    """Split the change of an output between two scenarios into parts that sum to it exactly.

    Parameters
    ----------
    baseline, current : Parameters or mapping
        The two scenarios (validated here); ``currency`` and ``name`` do not enter.
    by : {"parameter", "group", "channel"}, default "parameter"
        ``"parameter"``: one part per changed input (Shapley values; when more than
        :data:`MAX_SHAPLEY_PLAYERS` inputs changed, the parts are per group instead).
        ``"group"``: one part per changed parameter group (business, resignations ...).
        ``"channel"``: the change of each of the five channels (``output`` must be ``"total"``).
    output : str, default "total"
        Any output of :func:`~estimator.core.model.evaluate`, e.g. ``"value_at_risk"``.

    Returns
    -------
    pandas.Series
        The parts, indexed by parameter key, group name or channel name, named after ``by``
        (``"group"`` when the parameter split fell back to groups). Empty when nothing changed
        (except by channel, which always lists the five channels).

    Raises
    ------
    ParameterError
        When a scenario holds an invalid value.
    ValueError
        For an unknown ``by``, or ``by="channel"`` with an output other than ``"total"``.

    Examples
    --------
    >>> parts = attribute_change(Parameters(), Parameters(churn_rate=0.2, annual_value=700))
    >>> list(parts.index)
    ['annual_value', 'churn_rate']
    >>> from estimator import estimate
    >>> bool(np.isclose(parts.sum(), estimate(churn_rate=0.2, annual_value=700).total - estimate().total))
    True
    """
    base, now = Parameters(baseline), Parameters(current)
    if by == "channel":
        if output != "total":
            raise ValueError(f"by='channel' splits the total only, not {output!r}")
        before, after = evaluate(base, validate=False), evaluate(now, validate=False)
        return pd.Series({name: after[name].item() - before[name].item() for name in CHANNELS}, name="channel", dtype=float)
    if by not in ("parameter", "group"):
        raise ValueError(f"by must be 'parameter', 'group' or 'channel', not {by!r}")

    changed = changed_parameters(base, now)
    players: list[Sequence[str]]
    if by == "parameter" and len(changed) <= MAX_SHAPLEY_PLAYERS:
        names, players = changed, [[key] for key in changed]
    else:
        by = "group"
        names = [group for group in GROUPS if any(PARAMETER_SPECS[key].group == group for key in changed)]
        players = [[key for key in changed if PARAMETER_SPECS[key].group == group] for group in names]
    if not names:
        return pd.Series([], index=pd.Index([], dtype=object), name=by, dtype=float)

    # One scenario per subset of players switched to their current values: 2**n rows at once.
    # Row ``mask``, column ``j``: whether player ``j`` takes its current value in that scenario.
    switched = ((np.arange(2 ** len(players))[:, None] >> np.arange(len(players))) & 1).astype(bool)
    arrays: dict[str, Any] = {}
    for j, keys in enumerate(players):
        for key in keys:
            if PARAMETER_SPECS[key].kind == "choice":
                arrays[key] = np.where(switched[:, j], now[key], base[key])
            else:
                arrays[key] = np.where(switched[:, j], float(now[key]), float(base[key]))
    values = np.asarray(evaluate(base, validate=False, **arrays)[output], dtype=float)
    return pd.Series(_shapley(values, len(players)), index=pd.Index(names, dtype=object), name=by)
