"""The headline: one sentence and six figures an executive reads in five seconds."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import streamlit as st

from estimator import CHANNELS, Estimate
from estimator.formatting import (
    format_count,
    format_count_delta,
    format_money,
    format_money_delta,
    format_share,
    format_share_points_delta,
)
from ui.context import Context
from ui.i18n import t

__all__ = ["HeadlineFigure", "headline_figures", "render_headline_sentence", "render_hero", "render_metrics"]


@dataclass(frozen=True)
class HeadlineFigure:
    """One headline figure as shown: label, compact value, exact value, change since the baseline."""

    key: str
    label: str
    value: str
    help: str
    delta: str | None


def headline_figures(ctx: Context) -> list[HeadlineFigure]:
    """The six headline figures of the current scenario, with their change since the baseline.

    Returns
    -------
    list of HeadlineFigure
        Yearly revenue lost, share of revenue, customers lost, profit lost, value at risk over
        the horizon and the cost of replacing lost customers, in that order.
    """
    est, base, currency, locale = ctx.estimate, ctx.baseline_estimate, ctx.currency, ctx.locale

    def money(key: str, output: str, **label_values: object) -> HeadlineFigure:
        value = getattr(est, output)
        delta = format_money_delta(value - getattr(base, output), currency, locale=locale) if base else None
        exact = format_money(value, currency, locale=locale, compact=False)
        return HeadlineFigure(
            key,
            t(f"metric.{key}.label", **label_values),
            format_money(value, currency, locale=locale),
            t(f"metric.{key}.help", exact=exact),
            delta,
        )

    share_delta = None
    if base and math.isfinite(est.share_of_revenue) and math.isfinite(base.share_of_revenue):
        points = format_share_points_delta(est.share_of_revenue - base.share_of_revenue, locale=locale)
        share_delta = t("delta.points", value=points)
    customers = est.customers_lost_total
    return [
        money("total", "total"),
        HeadlineFigure(
            "share",
            t("metric.share.label"),
            format_share(est.share_of_revenue, locale=locale),
            t("metric.share.help"),
            share_delta,
        ),
        HeadlineFigure(
            "customers",
            t("metric.customers.label"),
            format_count(customers, locale=locale),
            t("metric.customers.help", exact=format_count(customers, locale=locale, compact=False)),
            format_count_delta(customers - base.customers_lost_total, locale=locale) if base else None,
        ),
        money("profit", "profit_lost"),
        money("value_at_risk", "value_at_risk", years=ctx.parameters.horizon_years),
        money("replacement", "replacement_cost"),
    ]


#: The longest headline value that still fits six figures in one row on a laptop screen.
COMPACT_VALUE_LENGTH = 7


def render_metrics(ctx: Context) -> None:
    """The six headline figures in a row (deltas in red when the loss grows)."""
    figures = headline_figures(ctx)
    # Six figures fit one row while they are short ("€6.11M"); longer ones ("6,11 mln zł",
    # "19,7 millió Ft") would be cut to "6,1…", so they go in two rows of three instead.
    per_row = len(figures) if max(len(figure.value) for figure in figures) <= COMPACT_VALUE_LENGTH else 3
    columns = [column for start in range(0, len(figures), per_row) for column in st.columns(per_row)]
    for column, figure in zip(columns, figures, strict=False):
        column.metric(
            figure.label,
            figure.value,
            delta=figure.delta,
            delta_color="inverse",  # a larger loss is bad news
            help=figure.help,
            border=True,
        )


def _largest_channel(est: Estimate) -> tuple[str, float] | None:
    if est.total <= 0:
        return None
    name = max(CHANNELS, key=lambda channel: est.channels[channel])
    return name, est.channels[name] / est.total


def render_headline_sentence(ctx: Context) -> None:
    """The result in one sentence: how much, what share of revenue, and where most of it goes."""
    est, locale = ctx.estimate, ctx.locale
    total = format_money(est.total, ctx.currency, locale=locale)
    if math.isfinite(est.share_of_revenue):
        sentence = t("headline.sentence", total=total, share=format_share(est.share_of_revenue, locale=locale))
    else:
        sentence = t("headline.sentence_no_share", total=total)
    largest = _largest_channel(est)
    st.markdown(f"## {sentence}")
    if largest:
        name, share = largest
        st.markdown(
            t("headline.largest", channel=t(f"channel.{name}").lower(), share=format_share(share, locale=locale, digits=0))
        )


def render_hero(ctx: Context) -> None:
    """The presentation view's headline: one very large number and its meaning."""
    est, locale = ctx.estimate, ctx.locale
    detail = t(
        "headline.present_detail",
        share=format_share(est.share_of_revenue, locale=locale),
        customers=format_count(est.customers_lost_total, locale=locale),
        profit=format_money(est.profit_lost, ctx.currency, locale=locale),
    )
    total = format_money(est.total, ctx.currency, locale=locale)
    st.html(
        '<div class="hero">'
        f'<div class="hero-number" data-testid="heroNumber">{html.escape(total)}</div>'
        f'<div class="hero-lead">{html.escape(t("headline.present_lead"))}</div>'
        f'<div class="hero-detail">{html.escape(detail)}</div>'
        "</div>"
    )
