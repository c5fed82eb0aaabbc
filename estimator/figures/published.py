"""Plotly figures of the published estimates reproduced (:mod:`estimator.analysis.published`), for the app and notebooks.

Like :mod:`estimator.figures.charts`, the figures compute nothing: they draw a table from
:func:`estimator.analysis.published.published_table` in the current language.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from estimator.figures.base import COLORS, apply_layout, value_range
from estimator.text.formatting import format_money, format_share
from estimator.text.i18n import t

__all__ = ["published_chart", "published_figure_text", "share_chart"]

_PALE = "#C9D3E3"


def published_figure_text(value: float, unit: str, *, locale: str = "en") -> str:
    """A published (or reproduced) figure in its own unit: a share of sales or a yearly amount."""
    if not math.isfinite(value):
        return "–"
    return format_share(value, locale=locale) if unit == "share" else format_money(value, unit, locale=locale)


def published_chart(table: pd.DataFrame, *, locale: str = "en", title: str | None = None) -> go.Figure:
    """Published, reproduced and whole-model figures side by side, each as a share of the published figure.

    The figures are in different units (dollars, zloty, euro, a share of sales), so each bar is
    drawn relative to its publication's own figure (published = 100 %) and labelled with the
    amount in its own unit.
    """
    rows = table.iloc[::-1]  # plotly draws the first row at the bottom
    names = list(rows["name"])
    figure = go.Figure()
    series = (
        ("whole_model", t("published.whole_model"), _PALE),
        ("reproduced", t("published.reproduced"), COLORS["accent"]),
        ("published", t("published.published"), COLORS["total"]),
    )
    relative_all = []
    for column, label, color in series:
        relative = [float(value) / float(published) for value, published in zip(rows[column], rows["published"], strict=True)]
        relative_all += relative
        figure.add_bar(
            y=names,
            x=relative,
            orientation="h",
            name=label,
            marker_color=color,
            text=[
                published_figure_text(float(value), unit, locale=locale)
                for value, unit in zip(rows[column], rows["unit"], strict=True)
            ],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}, " + label + ": %{text}<extra></extra>",
        )
    figure.update_xaxes(title=t("published.chart_axis"), tickformat=".0%", range=value_range(relative_all, headroom=0.35))
    apply_layout(figure, title=title, height=140 + 75 * len(rows), locale=locale)
    figure.update_layout(barmode="group", showlegend=True, legend={"orientation": "h", "y": -0.18, "traceorder": "reversed"})
    figure.update_layout(margin={"b": 60})
    return figure


def share_chart(comparison: pd.DataFrame, *, locale: str = "en", title: str | None = None) -> go.Figure:
    """The scenario's share of revenue lost (a line) beside each published share of sales and its whole-model share.

    Only publications that state a share of sales are drawn: a market's yearly total divided by
    the revenue of the base it implies ("73% of revenue lost") is not a share of one firm's
    revenue, and beside the scenario's share it would read as one.
    """
    rows = comparison.drop(index="scenario")
    rows = rows[~rows["share_implied"].astype(bool)].iloc[::-1]
    scenario_share = float(comparison.loc["scenario", "published_share"])
    names = list(rows["name"])
    figure = go.Figure()
    for column, label, color in (
        ("whole_model_share", t("published.share_whole_model"), _PALE),
        ("published_share", t("published.share_published"), COLORS["total"]),
    ):
        figure.add_bar(
            y=names,
            x=list(rows[column]),
            orientation="h",
            name=label,
            marker_color=color,
            text=[format_share(float(v), locale=locale) for v in rows[column]],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}, " + label + ": %{text}<extra></extra>",
        )
    figure.add_vline(x=scenario_share, line_color=COLORS["loss"], line_width=3)
    figure.add_annotation(
        x=scenario_share,
        y=1.0,
        xref="x",
        yref="paper",
        yanchor="bottom",
        showarrow=False,
        text=f"{t('published.share_scenario')}: {format_share(scenario_share, locale=locale)}",
        font={"color": COLORS["loss"], "size": 13},
    )
    values = [*rows["published_share"], *rows["whole_model_share"], scenario_share]
    figure.update_xaxes(title=t("published.share_axis"), tickformat=".0%", range=value_range(values, headroom=0.25))
    apply_layout(figure, title=title, height=220 + 60 * len(rows), locale=locale)
    figure.update_layout(
        barmode="group",
        showlegend=True,
        # Below the axis title: with one or two publications the plot is short, so the legend is
        # anchored by its top well under it (a fraction of a short plot is only a few pixels).
        legend={"orientation": "h", "yanchor": "top", "y": -0.45 if len(rows) < 3 else -0.25, "traceorder": "reversed"},
        margin={"t": (50 if title else 20) + 24, "b": 90},
    )
    return figure
