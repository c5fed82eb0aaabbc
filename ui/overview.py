"""Where the money goes (channels), the cross-check of the two methods, and the model's warnings."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import streamlit as st

from estimator.figures.charts import channel_waterfall, cross_check_bars
from estimator.text.formatting import format_count, format_money, format_share
from estimator.text.i18n import t
from ui.context import Context, channel_labels, model_warning_markdown
from ui.plots import show_chart

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["render_channels", "render_cross_check", "render_overview", "render_warnings"]

#: Height of the cross-check chart in pixels (two bars).
CROSS_CHECK_HEIGHT = 220


def render_channels(ctx: Context, *, height: int = 380) -> None:
    """The channel waterfall: five channels stacking up to the yearly total."""
    labels = channel_labels()
    st.markdown(f"#### {t('overview.channels_title')}")
    show_chart(
        lambda: channel_waterfall(
            ctx.estimate.channels,
            labels=labels,
            total_label=labels["total"],
            currency=ctx.currency,
            locale=ctx.locale,
            height=height,
        ),
        key="chart_channels",
        height=height,
    )


def _channel_table(ctx: Context) -> pd.DataFrame:
    import pandas as pd  # only while the table is open: it takes about a second to import

    frame = ctx.estimate.to_frame()
    labels = channel_labels()
    return pd.DataFrame(
        {
            t("overview.column_channel"): [labels[name] for name in frame.index],
            t("overview.column_revenue"): [
                format_money(v, ctx.currency, locale=ctx.locale, compact=False) for v in frame.revenue_lost
            ],
            t("overview.column_share"): [format_share(v, locale=ctx.locale) for v in frame.share_of_total],
            t("overview.column_customers"): [format_count(v, locale=ctx.locale, compact=False) for v in frame.customers_lost],
        }
    )


def render_cross_check(ctx: Context, *, details: bool = True) -> None:
    """Top-down and bottom-up customers lost side by side, and the service share each implies."""
    est, params, locale = ctx.estimate, ctx.parameters, ctx.locale
    st.markdown(f"#### {t('cross_check.title')}")
    st.caption(t("cross_check.intro"))
    labels = {
        "top_down": t("cross_check.top_down"),
        "bottom_up": t("cross_check.bottom_up"),
    }
    show_chart(
        lambda: cross_check_bars(
            est.top_down_customers, est.bottom_up_customers, labels=labels, used=params.method, locale=locale
        ),
        key="chart_cross_check",
        height=CROSS_CHECK_HEIGHT,
    )
    implied_column, entered_column = st.columns(2)
    implied_column.metric(
        t("cross_check.implied_share"),
        format_share(est.implied_service_share, locale=locale),
        help=t("cross_check.implied_share_help"),
    )
    # MODEL.md v3: whose figure this is (a preset's or default share is not "entered").
    source = t(f"input_source.{est.input_sources.get('service_share', 'default')}")
    entered_column.metric(t("cross_check.entered_share", source=source), format_share(params.service_share, locale=locale))
    if math.isfinite(est.implied_service_share):
        st.markdown(
            t(
                "cross_check.reconcile",
                implied=format_share(est.implied_service_share, locale=locale),
                entered=format_share(params.service_share, locale=locale),
            )
        )
    else:
        st.markdown(t("cross_check.reconcile_undefined"))
    st.caption(t("cross_check.used", method=t(f"method.{params.method}")))
    if details:
        with st.expander(t("cross_check.groups_title")):
            rows = {
                t("cross_check.group_resolved"): est.bottom_up_resolved,
                t("cross_check.group_unresolved"): est.bottom_up_unresolved,
                t("cross_check.group_silent"): est.bottom_up_silent,
            }
            for name, value in rows.items():
                st.markdown(f"- {name}: **{format_count(value, locale=locale)}**")
            st.caption(f"{t('cross_check.top_down_detail')} · {t('cross_check.bottom_up_detail')}")


def render_warnings(ctx: Context) -> None:
    """Every model warning, in plain words (nothing when there is none)."""
    from estimator.core.result import PLAUSIBILITY_CODES

    # The plausibility warnings are shown first, above the headline (ui.headline.render_plausibility).
    warnings = [w for w in ctx.estimate.warnings if w.code not in PLAUSIBILITY_CODES]
    if not warnings:
        return
    st.markdown(f"**{t('warnings.title')}**")
    for warning in warnings:
        st.warning(model_warning_markdown(warning), icon=":material/info:")


def render_overview(ctx: Context) -> None:
    """The first tab: the channels on the left, the cross-check on the right."""
    chart_column, check_column = st.columns([3, 2], gap="large")
    with chart_column:
        render_channels(ctx)
        # Lazy: the table (a DataFrame sent as Arrow) is built only while its expander is open,
        # so a slider move does not pay for a table nobody sees.
        details = st.expander(t("overview.details"), key="overview_details", on_change="rerun")
        with details:
            if details.open:
                st.table(_channel_table(ctx), hide_index=True, border="horizontal")
    with check_column:
        render_cross_check(ctx)
