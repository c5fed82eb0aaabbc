"""Plotly figures of an estimate, for the app and for notebooks alike.

The figures take their words (channel names, axis titles) as arguments, so any language can
be shown; amounts are formatted with :mod:`estimator.text.formatting` for the given locale. No
formula is computed here: the numbers come from :func:`~estimator.estimate` and
:func:`~estimator.analysis.compare.attribute_change`.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go
from babel import Locale

from estimator.text.formatting import format_count, format_money, format_money_delta

__all__ = ["COLORS", "change_waterfall", "channel_bars", "channel_waterfall", "cross_check_bars"]

#: One palette for every chart: losses in warm reds, totals in ink, savings in green.
COLORS = {
    "loss": "#C0392B",
    "gain": "#1E8449",
    "total": "#1F2A44",
    "muted": "#8E9AAF",
    "accent": "#2E5EAA",
}
_FONT = {"family": "Source Sans Pro, Arial, sans-serif", "size": 14, "color": "#1F2A44"}


def _wrap(label: str, width: int = 10) -> str:
    """Break a long axis label over lines (plotly does not wrap), so labels need no rotation.

    >>> _wrap("Customers who spend less")
    'Customers<br>who spend<br>less'
    """
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def _value_range(values: list[float], headroom: float = 0.3) -> list[float]:
    """An axis range with room beyond the bars for the amounts written outside them."""
    low, high = min(0.0, *values), max(0.0, *values)
    span = (high - low) or 1.0
    return [low - headroom * span if low < 0 else 0.0, high + headroom * span if high > 0 else 0.0]


def plotly_separators(locale: str) -> str:
    """Plotly's ``separators`` for a locale: its decimal mark, then its group mark (",\xa0" for Polish).

    >>> plotly_separators("en"), plotly_separators("nl")
    ('.,', ',.')
    """
    symbols = Locale.parse(locale).number_symbols["latn"]
    return symbols["decimal"] + symbols["group"]


def _layout(figure: go.Figure, *, title: str | None, height: int, locale: str | None = None) -> go.Figure:
    if locale is not None:
        # Numbers plotly writes itself (hover texts, axis ticks) in the locale's marks.
        figure.update_layout(separators=plotly_separators(locale))
    figure.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"} if title else None,
        # No template: building one costs more than the rest of the figure, and Streamlit
        # applies its own theme; plain white keeps notebooks consistent with the app.
        plot_bgcolor="white",
        paper_bgcolor="white",
        font=_FONT,
        height=height,
        margin={"l": 10, "r": 10, "t": 50 if title else 20, "b": 10},
        showlegend=False,
    )
    return figure


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
    names = [_wrap(labels.get(key, key)) for key in channels]
    values = list(channels.values())
    total = sum(values)
    figure = go.Figure(
        go.Waterfall(
            x=[*names, _wrap(total_label)],
            y=[*values, 0.0],
            measure=["relative"] * len(values) + ["total"],
            text=[format_money(v, currency, locale=locale) for v in [*values, total]],
            textposition="outside",
            hovertext=[format_money(v, currency, locale=locale, compact=False) for v in [*values, total]],
            hoverinfo="x+text",
            hovertemplate="%{x}: %{hovertext}<extra></extra>",
            increasing={"marker": {"color": COLORS["loss"]}},
            decreasing={"marker": {"color": COLORS["gain"]}},
            totals={"marker": {"color": COLORS["total"]}},
            connector={"line": {"color": COLORS["muted"], "width": 1, "dash": "dot"}},
            cliponaxis=False,
        )
    )
    running = [sum(values[: i + 1]) for i in range(len(values))]
    figure.update_yaxes(
        showticklabels=False, showgrid=False, zeroline=True, zerolinecolor=COLORS["muted"], range=_value_range(running, 0.12)
    )
    figure.update_xaxes(tickfont={"size": 12}, tickangle=0)
    return _layout(figure, title=title, height=height, locale=locale)


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
    figure = go.Figure(
        go.Bar(
            x=values,
            y=[labels.get(key, key) for key, _ in ordered],
            orientation="h",
            marker={"color": [COLORS["loss"] if v >= 0 else COLORS["gain"] for v in values]},
            text=[format_money(v, currency, locale=locale) for v in values],
            textposition="outside",
            hovertext=[format_money(v, currency, locale=locale, compact=False) for v in values],
            hovertemplate="%{y}: %{hovertext}<extra></extra>",
            cliponaxis=False,
        )
    )
    figure.update_xaxes(
        showticklabels=False, showgrid=False, zeroline=True, zerolinecolor=COLORS["muted"], range=_value_range(values)
    )
    return _layout(figure, title=title, height=height, locale=locale)


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
    names = [_wrap(labels.get(key, key)) for key in parts.index]
    steps = [float(v) for v in parts.to_numpy()]
    figure = go.Figure(
        go.Waterfall(
            x=[_wrap(baseline_label), *names, _wrap(current_label)],
            # The last bar is a "total": plotly draws baseline + every step, which equals current_total.
            y=[baseline_total, *steps, 0.0],
            measure=["absolute"] + ["relative"] * len(steps) + ["total"],
            text=[
                format_money(baseline_total, currency, locale=locale),
                *[format_money_delta(v, currency, locale=locale) for v in steps],
                format_money(current_total, currency, locale=locale),
            ],
            textposition="outside",
            hovertext=[format_money(v, currency, locale=locale, compact=False) for v in [baseline_total, *steps, current_total]],
            hovertemplate="%{x}: %{hovertext}<extra></extra>",
            increasing={"marker": {"color": COLORS["loss"]}},
            decreasing={"marker": {"color": COLORS["gain"]}},
            totals={"marker": {"color": COLORS["total"]}},
            connector={"line": {"color": COLORS["muted"], "width": 1, "dash": "dot"}},
            cliponaxis=False,
        )
    )
    running = [baseline_total + sum(steps[: i + 1]) for i in range(len(steps))]
    figure.update_yaxes(
        showticklabels=False,
        showgrid=False,
        zeroline=True,
        zerolinecolor=COLORS["muted"],
        range=_value_range([baseline_total, *running, current_total], 0.12),
    )
    figure.update_xaxes(tickfont={"size": 12}, tickangle=0)
    return _layout(figure, title=title, height=height, locale=locale)


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
    figure = go.Figure(
        go.Bar(
            x=values,
            y=[labels.get(key, key) for key in keys],
            orientation="h",
            marker={"color": [COLORS["accent"] if key == used else COLORS["muted"] for key in keys]},
            text=[format_count(v, locale=locale) for v in values],
            textposition="outside",
            hovertemplate="%{y}: %{text}<extra></extra>",
            cliponaxis=False,
        )
    )
    figure.update_xaxes(
        showticklabels=False, showgrid=False, zeroline=True, zerolinecolor=COLORS["muted"], range=_value_range(values)
    )
    return _layout(figure, title=title, height=height, locale=locale)
