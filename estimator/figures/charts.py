"""Plotly figures of an estimate, for the app and for notebooks alike.

The figures take their words (channel names, axis titles) as arguments, so any language can
be shown; amounts are formatted with :mod:`estimator.text.formatting` for the given locale. No
formula is computed here: the numbers come from :func:`~estimator.estimate` and
:func:`~estimator.analysis.compare.attribute_change`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import plotly.graph_objects as go

from estimator.figures.base import (
    COLORS,
    WATERFALL_COLORS,
    base_layout,
    figure_from_dicts,
    value_axis,
    value_range,
    wrap,
)
from estimator.text.formatting import format_count, format_money, format_money_delta

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["COLORS", "change_waterfall", "channel_bars", "channel_waterfall", "cross_check_bars"]


def channel_waterfall(
    channels: Mapping[str, float],
    *,
    labels: Mapping[str, str],
    total_label: str,
    currency: str,
    locale: str = "en",
    title: str | None = None,
    height: int = 380,
) -> go.Figure:
    """The yearly revenue lost, channel by channel, stacking up to the total.

    Parameters
    ----------
    channels : mapping
        Revenue lost by channel, e.g. ``Estimate.channels`` (a channel may be negative).
    labels : mapping
        The name shown for each channel key.
    total_label : str
        The name of the closing bar.
    currency, locale : str
        For the amounts written on the bars.
    title : str, optional
    height : int, default 380
        In pixels.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    names = [wrap(labels.get(key, key)) for key in channels]
    values = list(channels.values())
    total = sum(values)
    trace = {
        "type": "waterfall",
        "x": [*names, wrap(total_label)],
        "y": [*values, 0.0],
        "measure": ["relative"] * len(values) + ["total"],
        "text": [format_money(v, currency, locale=locale) for v in [*values, total]],
        "textposition": "outside",
        "hovertext": [format_money(v, currency, locale=locale, compact=False) for v in [*values, total]],
        "hoverinfo": "x+text",
        "hovertemplate": "%{x}: %{hovertext}<extra></extra>",
        **WATERFALL_COLORS,
        "cliponaxis": False,
    }
    running = [sum(values[: i + 1]) for i in range(len(values))]
    layout = base_layout(title=title, height=height, locale=locale)
    layout["yaxis"] = value_axis(value_range(running, 0.12))
    layout["xaxis"] = {"tickfont": {"size": 12}, "tickangle": 0}
    return figure_from_dicts(trace, layout)


def channel_bars(
    channels: Mapping[str, float],
    *,
    labels: Mapping[str, str],
    currency: str,
    locale: str = "en",
    title: str | None = None,
    height: int = 320,
) -> go.Figure:
    """The channels as horizontal bars, largest on top: where the money goes, at a glance.

    Parameters are as for :func:`channel_waterfall`, without the total bar.
    """
    ordered = sorted(channels.items(), key=lambda item: item[1])
    values = [value for _, value in ordered]
    trace = {
        "type": "bar",
        "x": values,
        "y": [labels.get(key, key) for key, _ in ordered],
        "orientation": "h",
        "marker": {"color": [COLORS["loss"] if v >= 0 else COLORS["gain"] for v in values]},
        "text": [format_money(v, currency, locale=locale) for v in values],
        "textposition": "outside",
        "hovertext": [format_money(v, currency, locale=locale, compact=False) for v in values],
        "hovertemplate": "%{y}: %{hovertext}<extra></extra>",
        "cliponaxis": False,
    }
    layout = base_layout(title=title, height=height, locale=locale)
    layout["xaxis"] = value_axis(value_range(values))
    return figure_from_dicts(trace, layout)


def change_waterfall(
    parts: pd.Series,
    *,
    baseline_total: float,
    current_total: float,
    labels: Mapping[str, str],
    baseline_label: str,
    current_label: str,
    currency: str,
    locale: str = "en",
    title: str | None = None,
    height: int = 400,
) -> go.Figure:
    """From the baseline's total to the current one, one bar per change that moved the money.

    Parameters
    ----------
    parts : pandas.Series
        The change attributed to each input, group or channel, as returned by
        :func:`~estimator.analysis.compare.attribute_change`; it sums to ``current_total - baseline_total``.
    baseline_total, current_total : float
        The totals of the two scenarios (the first and last bars).
    labels : mapping
        The name shown for each index entry of ``parts``.
    baseline_label, current_label : str
        The names of the first and last bars.
    currency, locale : str
        For the amounts written on the bars.

    Returns
    -------
    plotly.graph_objects.Figure
        Increases of the loss in red, decreases in green.
    """
    names = [wrap(labels.get(key, key)) for key in parts.index]
    steps = [float(v) for v in parts.to_numpy()]
    trace = {
        "type": "waterfall",
        "x": [wrap(baseline_label), *names, wrap(current_label)],
        # The last bar is a "total": plotly draws baseline + every step, which equals current_total.
        "y": [baseline_total, *steps, 0.0],
        "measure": ["absolute"] + ["relative"] * len(steps) + ["total"],
        "text": [
            format_money(baseline_total, currency, locale=locale),
            *[format_money_delta(v, currency, locale=locale) for v in steps],
            format_money(current_total, currency, locale=locale),
        ],
        "textposition": "outside",
        "hovertext": [format_money(v, currency, locale=locale, compact=False) for v in [baseline_total, *steps, current_total]],
        "hovertemplate": "%{x}: %{hovertext}<extra></extra>",
        **WATERFALL_COLORS,
        "cliponaxis": False,
    }
    running = [baseline_total + sum(steps[: i + 1]) for i in range(len(steps))]
    layout = base_layout(title=title, height=height, locale=locale)
    layout["yaxis"] = value_axis(value_range([baseline_total, *running, current_total], 0.12))
    layout["xaxis"] = {"tickfont": {"size": 12}, "tickangle": 0}
    return figure_from_dicts(trace, layout)


def cross_check_bars(
    top_down: float,
    bottom_up: float,
    *,
    labels: Mapping[str, str],
    used: str,
    locale: str = "en",
    title: str | None = None,
    height: int = 220,
) -> go.Figure:
    """Customers lost a year by the two methods, side by side; the one driving the estimate is highlighted.

    Parameters
    ----------
    top_down, bottom_up : float
        Customers lost to poor service by each method.
    labels : mapping
        Names for ``"top_down"`` and ``"bottom_up"``.
    used : {"top_down", "bottom_up"}
        The method that drives the retention channel.
    """
    keys = ["bottom_up", "top_down"]  # top-down on top, as it is the default method
    values = [bottom_up, top_down]
    trace = {
        "type": "bar",
        "x": values,
        "y": [labels.get(key, key) for key in keys],
        "orientation": "h",
        "marker": {"color": [COLORS["accent"] if key == used else COLORS["muted"] for key in keys]},
        "text": [format_count(v, locale=locale) for v in values],
        "textposition": "outside",
        "hovertemplate": "%{y}: %{text}<extra></extra>",
        "cliponaxis": False,
    }
    layout = base_layout(title=title, height=height, locale=locale)
    layout["xaxis"] = value_axis(value_range(values))
    return figure_from_dicts(trace, layout)
