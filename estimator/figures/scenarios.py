"""Plotly figures comparing saved scenarios: channels side by side, and the way from one to another.

Like :mod:`estimator.figures.charts`, the figures take their words as arguments; the numbers come from
a :class:`~estimator.store.ScenarioComparison` (that is, from :func:`~estimator.estimate`
and :func:`~estimator.analysis.compare.attribute_change`). Nothing is computed here.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

import plotly.graph_objects as go

from estimator.core.model import CHANNELS
from estimator.figures.base import COLORS, apply_layout, money_ticks, wrap
from estimator.figures.charts import change_waterfall
from estimator.store.comparison import ScenarioComparison
from estimator.text.formatting import format_money

__all__ = ["SCENARIO_COLORS", "channel_comparison_bars", "scenario_waterfall"]

#: One colour per compared scenario: the reference in ink, the others distinct and readable in print.
SCENARIO_COLORS = (COLORS["total"], COLORS["loss"], COLORS["accent"], "#D68910")


def _plain_text(name: str) -> str:
    """A scenario name typed by a user, with plotly's HTML-like tags (``<b>``, ``<a href>``) shown as typed.

    >>> _plain_text("<b>Q3</b> & co")
    '&lt;b&gt;Q3&lt;/b&gt; &amp; co'
    """
    return html.escape(name, quote=False)


def channel_comparison_bars(
    comparison: ScenarioComparison,
    *,
    labels: Mapping[str, str],
    locale: str = "en",
    title: str | None = None,
    height: int = 420,
) -> go.Figure:
    """Grouped bars: for each channel, one bar per scenario (in the comparison's order).

    Parameters
    ----------
    comparison : ScenarioComparison
        One to four scenarios.
    labels : mapping
        The name shown for each channel.
    locale : str
        For the amounts on the bars; each scenario's amounts are written in its own currency.
    title : str, optional
    height : int

    Returns
    -------
    plotly.graph_objects.Figure
        One ``Bar`` trace per scenario, named after it, with ``y`` the revenue lost by channel.
    """
    channels = comparison.channels()
    figure = go.Figure()
    for index, (name, currency) in enumerate(zip(comparison.names, comparison.currencies, strict=True)):
        values = [float(channels.at[channel, name]) for channel in CHANNELS]
        figure.add_trace(
            go.Bar(
                name=_plain_text(name),
                x=[wrap(labels.get(channel, channel), 14) for channel in CHANNELS],
                y=values,
                marker={"color": SCENARIO_COLORS[index % len(SCENARIO_COLORS)]},
                text=[format_money(v, currency, locale=locale) for v in values],
                textposition="outside",
                # Smaller amounts when three or four bars share a channel, so neighbours do not overlap.
                textfont={"size": 13 if len(comparison.names) <= 2 else 10},
                hovertext=[format_money(v, currency, locale=locale, compact=False) for v in values],
                hovertemplate="%{fullData.name}<br>%{x}: %{hovertext}<extra></extra>",
                cliponaxis=False,
            )
        )
    figure = apply_layout(figure, title=title, height=height)
    figure.update_layout(barmode="group", showlegend=True, legend={"orientation": "h", "y": -0.2})
    figure.update_yaxes(showgrid=True, gridcolor="#EEF1F5", zeroline=True, zerolinecolor=COLORS["muted"], tickformat="~s")
    amounts = [float(value) for trace in figure.data for value in trace.y]
    if amounts and len(set(comparison.currencies)) == 1:  # the locale's amounts ("4 mln zł"), not plotly's "4M"
        ticks = money_ticks(min(0.0, *amounts), max(amounts), comparison.currencies[0], locale=locale)
        figure.update_yaxes(**ticks)
    figure.update_xaxes(tickangle=0)
    return figure


def scenario_waterfall(
    comparison: ScenarioComparison,
    start: int | str,
    end: int | str,
    *,
    labels: Mapping[str, str],
    locale: str = "en",
    by: str = "parameter",
    title: str | None = None,
    height: int = 420,
) -> go.Figure:
    """From one compared scenario's yearly total to another's, one bar per input that moved it.

    The steps are the exact (Shapley) attribution of :meth:`ScenarioComparison.change`, drawn
    with :func:`estimator.figures.charts.change_waterfall`; amounts are written in the end scenario's currency.

    Parameters
    ----------
    comparison : ScenarioComparison
    start, end : int or str
        Positions or names of the two scenarios.
    labels : mapping
        The name shown for each changed input (or group).
    """
    first, second = comparison._position(start), comparison._position(end)
    parts = comparison.change(first, second, by=by)
    return change_waterfall(
        parts,
        baseline_total=comparison.estimates[first].total,
        current_total=comparison.estimates[second].total,
        labels=labels,
        baseline_label=_plain_text(comparison.names[first]),
        current_label=_plain_text(comparison.names[second]),
        currency=comparison.currencies[second],
        locale=locale,
        title=title,
        height=height,
    )
