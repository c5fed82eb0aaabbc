"""The headline: one sentence and six figures an executive reads in five seconds."""

from __future__ import annotations

import html

import streamlit as st

from estimator.text.formatting import format_count, format_money, format_share
from estimator.text.i18n import t
from estimator.text.sentences import HeadlineFigure, largest_channel_text
from estimator.text.sentences import headline_figures as _headline_figures
from estimator.text.sentences import headline_sentence as _headline_sentence
from ui.context import Context
from ui.safe_text import plain

__all__ = [
    "HeadlineFigure",
    "headline_figures",
    "render_headline_sentence",
    "render_hero",
    "render_metrics",
    "render_plausibility",
]


def headline_figures(ctx: Context) -> list[HeadlineFigure]:
    """The six headline figures of the current scenario, with their change since the baseline
    (:func:`estimator.text.sentences.headline_figures`)."""
    return _headline_figures(ctx.estimate, ctx.parameters, locale=ctx.locale, baseline=ctx.baseline_estimate)


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


def render_plausibility(ctx: Context) -> None:
    """MODEL.md v3's plausibility warnings (loss above half of revenue, a channel made of benchmarks), first."""
    from estimator.core.result import PLAUSIBILITY_CODES
    from ui.context import model_warning_markdown

    for warning in ctx.estimate.warnings:
        if warning.code in PLAUSIBILITY_CODES:
            st.warning(model_warning_markdown(warning), icon=":material/priority_high:")


def sources_caption(ctx: Context) -> str:
    """ "2,400 customers (client's file) × €779 a year (client's file)": the header says whose figures these are."""
    from estimator.text.formatting import currency_label, format_parameter

    p, sources = ctx.parameters, ctx.estimate.input_sources
    if p.currency == "XXX":
        value = f"{format_parameter('annual_value', p.annual_value, 'XXX', locale=ctx.locale)} ({currency_label(p.currency)})"
    else:
        value = format_parameter("annual_value", p.annual_value, p.currency, locale=ctx.locale)
    return t(
        "input_source.headline_sources",
        customers=format_count(p.customers, locale=ctx.locale, compact=False),
        customers_source=t(f"input_source.{sources.get('customers', 'default')}"),
        value=plain(value),
        value_source=t(f"input_source.{sources.get('annual_value', 'default')}"),
    )


def render_headline_sentence(ctx: Context) -> None:
    """The result in one sentence: how much, what share of revenue, and where most of it goes."""
    st.markdown(f"## {_headline_sentence(ctx.estimate, ctx.currency, locale=ctx.locale)}")
    largest = largest_channel_text(ctx.estimate, locale=ctx.locale)
    if largest:
        st.markdown(largest)
    st.caption(sources_caption(ctx))


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
