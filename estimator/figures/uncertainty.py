"""Plotly figures of the sensitivity and uncertainty analyses, for the app and notebooks alike.

Like :mod:`estimator.figures.charts`, the figures compute nothing: they draw the results of
:mod:`estimator.analysis.sensitivity`, with words (parameter labels, titles) passed in so any language
can be shown, and amounts formatted for the given locale.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from estimator.analysis.sensitivity import Heatmap, MonteCarloResult, Tornado
from estimator.figures.base import COLORS, SERIES_COLORS, apply_layout, money_ticks, value_range, wrap
from estimator.text.formatting import format_money, is_share_parameter
from estimator.text.i18n import t

__all__ = [
    "distribution_chart",
    "heatmap_chart",
    "levers_chart",
    "levers_note",
    "sobol_chart",
    "spider_chart",
    "tornado_chart",
]


#: Characters per line of a bar chart's category labels (tornado, Sobol): two short lines, not one long one.
LABEL_WIDTH = 22
#: The levers' labels and the note above them (characters per line).
LEVER_LABEL_WIDTH = 30
NOTE_WIDTH = 60


def _label(labels: Mapping[str, str] | None, key: str) -> str:
    return (labels or {}).get(key, key)


def tornado_chart(
    result: Tornado,
    *,
    currency: str,
    labels: Mapping[str, str] | None = None,
    low_label: str | None = None,
    high_label: str | None = None,
    locale: str = "en",
    title: str | None = None,
    top: int = 10,
) -> go.Figure:
    """Bars from the base value to the output at each parameter's low and high value, largest swing on top."""
    low_label = low_label or t("chart.at_low")
    high_label = high_label or t("chart.at_high")
    rows = result.to_frame().head(top).iloc[::-1]  # plotly draws the first row at the bottom
    # Wrapped: a long label on one line ("A gyenge kiszolgálás miatti lemorzsolódás aránya") crushes the bars.
    names = [wrap(_label(labels, key), LABEL_WIDTH) for key in rows.index]
    figure = go.Figure()
    for column, name, color in (("total_at_low", low_label, COLORS["gain"]), ("total_at_high", high_label, COLORS["loss"])):
        deltas = rows[column] - result.base
        figure.add_bar(
            y=names,
            x=deltas,
            base=result.base,
            orientation="h",
            name=name,
            marker_color=color,
            customdata=np.stack([rows[column.replace("total_at_", "")], rows[column]], axis=1),
            hovertemplate="%{y}: %{customdata[0]:,.4g} → " + "%{customdata[1]:,.0f}<extra></extra>",
        )
    figure.add_vline(
        x=result.base,
        line_color=COLORS["total"],
        line_width=2,
        annotation_text=format_money(result.base, currency, locale=locale),
        annotation_position="top",
    )
    figure.update_layout(barmode="overlay", showlegend=True, legend={"orientation": "h", "y": -0.12})
    ends = [result.base, *rows["total_at_low"], *rows["total_at_high"]]
    figure.update_xaxes(**money_ticks(float(min(ends)), float(max(ends)), currency, locale=locale, count=3))
    apply_layout(figure, title=title, height=90 + 44 * len(rows), locale=locale)
    figure.update_layout(showlegend=True)
    return figure


def distribution_chart(
    result: MonteCarloResult,
    *,
    currency: str,
    locale: str = "en",
    title: str | None = None,
    point_label: str | None = None,
) -> go.Figure:
    """The server-side histogram with P5, P50 and P95 and the point estimate marked."""
    point_label = point_label or t("chart.point_estimate")
    edges, counts = result.histogram_edges, result.histogram_counts
    centres = (edges[:-1] + edges[1:]) / 2
    figure = go.Figure(
        go.Bar(
            x=centres,
            y=counts / counts.sum(),
            width=np.diff(edges),
            marker_color=COLORS["accent"],
            opacity=0.8,
            hovertemplate="%{x:,.0f}: %{y:.1%}<extra></extra>",
        )
    )
    for name in ("p5", "p50", "p95"):
        value = result.percentiles[name]
        figure.add_vline(
            x=value,
            line_dash="dot",
            line_color=COLORS["total"],
            annotation_text=f"{name.upper()} {format_money(value, currency, locale=locale)}",
            annotation_position="top",
        )
    figure.add_vline(
        x=result.point_estimate,
        line_color=COLORS["loss"],
        line_width=2,
        annotation_text=point_label,
        annotation_position="bottom right",
    )
    if result.threshold is not None:
        figure.add_vline(x=result.threshold, line_color=COLORS["muted"], line_dash="dash")
    figure.update_yaxes(tickformat=".0%")
    figure.update_xaxes(**money_ticks(float(edges[0]), float(edges[-1]), currency, locale=locale))
    return apply_layout(figure, title=title, height=340, locale=locale)


def sobol_chart(
    indices: pd.DataFrame,
    *,
    labels: Mapping[str, str] | None = None,
    first_label: str | None = None,
    total_label: str | None = None,
    title: str | None = None,
    top: int = 10,
) -> go.Figure:
    """Share of the output's variance each assumption drives, with 95 % intervals: what to research next."""
    first_label = first_label or t("chart.alone")
    total_label = total_label or t("chart.with_interactions")
    rows = indices.head(top).iloc[::-1]
    names = [wrap(_label(labels, key), LABEL_WIDTH) for key in rows.index]
    figure = go.Figure()
    # Total-order indices (with interactions) first, then first-order ones, each with its 95 % interval.
    for index, name, color in (("ST", total_label, COLORS["accent"]), ("S1", first_label, COLORS["muted"])):
        figure.add_bar(
            y=names,
            x=rows[index],
            orientation="h",
            name=name,
            marker_color=color,
            error_x={"type": "data", "array": rows[f"{index}_conf"]},
            hovertemplate="%{y}: %{x:.0%}<extra></extra>",
        )
    figure.update_xaxes(tickformat=".0%", rangemode="tozero")
    apply_layout(figure, title=title, height=90 + 48 * len(rows))
    figure.update_layout(barmode="group", showlegend=True, legend={"orientation": "h", "y": -0.12})
    return figure


def spider_chart(
    frame: pd.DataFrame,
    *,
    output: str = "total",
    labels: Mapping[str, str] | None = None,
    keys: list[str] | None = None,
    locale: str = "en",
    title: str | None = None,
    currency: str | None = None,
) -> go.Figure:
    """The output against a -50 % ... +50 % change of each parameter; steeper lines matter more.

    With ``currency``, the output's axis is written as the locale writes amounts ("6 mln zł").
    """
    figure = go.Figure()
    chosen = keys or list(dict.fromkeys(frame["parameter"]))
    for index, key in enumerate(chosen):
        rows = frame[frame["parameter"] == key]
        color = SERIES_COLORS[index % len(SERIES_COLORS)]  # plotly's default hues for 5+ lines are too alike
        figure.add_scatter(
            x=rows["change"],
            y=rows[output],
            mode="lines+markers",
            name=_label(labels, key),
            line={"color": color, "width": 2.5},
            marker={"color": color, "size": 7},
        )
    figure.update_xaxes(tickformat="+.0%")
    shown = frame[frame["parameter"].isin(chosen)][output]
    if currency is not None and len(shown):
        figure.update_yaxes(**money_ticks(float(shown.min()), float(shown.max()), currency, locale=locale))
    apply_layout(figure, title=title, height=420, locale=locale)
    figure.update_layout(showlegend=True)
    return figure


def heatmap_chart(
    result: Heatmap, *, labels: Mapping[str, str] | None = None, title: str | None = None, locale: str | None = None
) -> go.Figure:
    """The chosen output over a grid of two parameters; a share's axis reads in percent, as the sidebar does."""
    x_format, y_format = ("%" if is_share_parameter(key) else "" for key in (result.x, result.y))
    hover_x = "%{x:.1%}" if x_format else "%{x:,.4g}"
    hover_y = "%{y:.1%}" if y_format else "%{y:,.4g}"
    figure = go.Figure(
        go.Heatmap(
            z=result.values,
            x=result.x_values,
            y=result.y_values,
            colorscale="Reds",
            hovertemplate=f"{hover_x}, {hover_y}: %{{z:,.0f}}<extra></extra>",
        )
    )
    figure.update_xaxes(title=_label(labels, result.x), tickformat=".0%" if x_format else None)
    figure.update_yaxes(title=_label(labels, result.y), tickformat=".0%" if y_format else None)
    return apply_layout(figure, title=title, height=420, locale=locale)


def levers_note(rule: str) -> str | None:
    """The plain sentence saying how a top-down lever value follows complaint handling (None for bottom-up)."""
    from estimator.analysis.sensitivity import RULE_SCALED, RULE_SHIFTED

    return {RULE_SCALED: t("interventions.note_scaled"), RULE_SHIFTED: t("interventions.note_shifted")}.get(rule)


def levers_chart(
    table: pd.DataFrame,
    *,
    currency: str,
    column: str = "recovered",
    locale: str = "en",
    title: str | None = None,
    both: bool = True,
) -> go.Figure:
    """Revenue recovered a year by each standard improvement, largest first.

    With ``both`` (the default) and a top-down table (its ``rule`` column, see
    :func:`estimator.analysis.sensitivity.levers`), the bottom-up value is drawn beside each bar
    and one sentence above the chart says how the top-down value follows complaint
    handling (MODEL.md v2). The first trace is always ``column``.
    """
    rows = table.sort_values(column).iloc[-10:]
    rule = str(rows["rule"].iloc[0]) if "rule" in rows and len(rows) else ""
    note = levers_note(rule)
    wanted = both and note and column != "recovered_bottom_up" and "recovered_bottom_up" in rows
    second = "recovered_bottom_up" if wanted else None
    series = [(column, t("interventions.series_method") if second else None, None)]
    if second:
        series.append((second, t("interventions.series_bottom_up"), COLORS["muted"]))
    figure = go.Figure()
    levers = [wrap(str(lever), LEVER_LABEL_WIDTH) for lever in rows["lever"]]  # long labels crush the bars
    for name, label, color in series:
        figure.add_bar(
            y=levers,
            x=rows[name],
            orientation="h",
            name=label,
            marker_color=color or [COLORS["gain"] if v >= 0 else COLORS["loss"] for v in rows[name]],
            text=[format_money(v, currency, locale=locale) for v in rows[name]],
            textposition="outside",
            hovertemplate=f"%{{y}}{' (' + label + ')' if label else ''}: %{{x:,.0f}}<extra></extra>",
            cliponaxis=False,
        )
    shown = [v for name, _, _ in series for v in rows[name]]
    # Room for the amounts beside the bars; they carry the figures, so the axis needs no tick labels (which
    # plotly wrote as "2M" in every language and the legend overlapped).
    figure.update_xaxes(range=value_range(shown), showticklabels=False)
    per_bar = 40 * len(series) - (10 if second else 0)
    apply_layout(figure, title=title, height=90 + per_bar * len(rows) + (60 if note else 0), locale=locale)
    if second:
        figure.update_layout(
            barmode="group", showlegend=True, legend={"orientation": "h", "y": -0.02, "yanchor": "top", "traceorder": "reversed"}
        )
    if note:
        # Narrow lines: the note starts where the plot area does, right of the labels, and must end inside the figure.
        note_text = _wrap_sentence(note, NOTE_WIDTH)
        figure.add_annotation(
            text=note_text,
            xref="paper",
            yref="paper",
            x=0,
            y=1.0,
            xanchor="left",
            yanchor="bottom",
            showarrow=False,
            align="left",
            font={"size": 13, "color": COLORS["total"]},
        )
        lines = note_text.count("<br>") + 1
        figure.update_layout(margin={"t": (50 if title else 20) + 20 * lines + 8, "b": 50 if second else 10})
    return figure


def _wrap_sentence(text: str, width: int) -> str:
    """Break a sentence over lines for a plotly annotation (plotly does not wrap text)."""
    import textwrap

    return "<br>".join(textwrap.wrap(text, width)) or text
