"""Baseline comparison: pin a scenario, keep moving inputs, and see which change moved the money."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from estimator import PARAMETER_SPECS
from estimator.analysis.compare import attribute_change, changed_parameters
from estimator.figures.charts import change_waterfall
from estimator.text.formatting import format_money, format_money_delta, format_parameter
from estimator.text.i18n import param_label, t
from ui import state
from ui.context import Context, channel_labels
from ui.plots import show_chart

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

__all__ = ["render_baseline_bar", "render_comparison", "render_comparison_chart"]


def render_baseline_bar(ctx: Context) -> None:
    """The pin / clear buttons under the headline, and when the baseline was pinned."""
    pinned = ctx.baseline_estimate is not None
    with st.container(horizontal=True, vertical_alignment="center", key="baseline_bar"):
        st.button(
            t("baseline.repin") if pinned else t("baseline.pin"),
            key="pin_baseline",
            icon=":material/push_pin:",
            help=t("baseline.pin_help"),
            on_click=state.pin_baseline,
        )
        st.button(
            t("baseline.clear"),
            key="clear_baseline",
            icon=":material/close:",
            disabled=not pinned,
            on_click=state.clear_baseline,
        )
        if pinned and ctx.baseline_time is not None:
            st.caption(
                t(
                    "baseline.pinned",
                    time=ctx.baseline_time.strftime("%H:%M:%S"),
                    total=format_money(ctx.baseline_estimate.total, ctx.baseline.currency, locale=ctx.locale),
                )
            )


def _part_labels(by: str) -> dict[str, str]:
    if by == "channel":
        return channel_labels()
    if by == "group":
        return {group: t(f"group.{group}") for group in {spec.group for spec in PARAMETER_SPECS.values()}}
    return {key: param_label(key) for key in PARAMETER_SPECS}


def render_comparison_chart(ctx: Context, by: str = "parameter", *, height: int = 400) -> pd.Series | None:
    """The baseline-to-current waterfall; returns the parts it shows (``None`` without a baseline)."""
    if ctx.baseline is None or ctx.baseline_estimate is None:
        return None
    st.markdown(f"#### {t('baseline.title')}")
    parts = attribute_change(ctx.baseline, ctx.parameters, by=by)
    parts = parts[parts != 0] if by == "channel" else parts

    def build() -> go.Figure:
        return change_waterfall(
            parts,
            baseline_total=ctx.baseline_estimate.total,
            current_total=ctx.estimate.total,
            labels=_part_labels(str(parts.name)),
            baseline_label=t("baseline.baseline_bar"),
            current_label=t("baseline.current_bar"),
            currency=ctx.currency,
            locale=ctx.locale,
            height=height,
        )

    show_chart(build, key=f"chart_baseline_{by}", height=height)
    return parts


def _changes_table(ctx: Context) -> pd.DataFrame:
    import pandas as pd  # only with a baseline pinned: it takes about a second to import

    assert ctx.baseline is not None
    keys = changed_parameters(ctx.baseline, ctx.parameters)
    effects = attribute_change(ctx.baseline, ctx.parameters, by="parameter")
    by_parameter = effects.name == "parameter"
    rows = {
        t("baseline.column_input"): [param_label(key) for key in keys],
        t("baseline.column_baseline"): [
            format_parameter(key, ctx.baseline[key], ctx.baseline.currency, locale=ctx.locale) for key in keys
        ],
        t("baseline.column_current"): [
            format_parameter(key, ctx.parameters[key], ctx.currency, locale=ctx.locale) for key in keys
        ],
    }
    if by_parameter:
        rows[t("baseline.column_effect")] = [format_money_delta(effects[key], ctx.currency, locale=ctx.locale) for key in keys]
    return pd.DataFrame(rows)


def _explain_value_at_risk(ctx: Context) -> None:
    """Higher churn with a lower value at risk looks wrong; say why (each lost customer's life is shorter)."""
    before, after = ctx.baseline, ctx.parameters
    var_before, var_after = ctx.baseline_estimate.value_at_risk, ctx.estimate.value_at_risk
    if before is None or after.churn_rate <= before.churn_rate or var_after >= var_before:
        return
    st.caption(
        t(
            "baseline.value_at_risk_churn",
            years=after.horizon_years,
            before=format_money(var_before, before.currency, locale=ctx.locale),
            after=format_money(var_after, ctx.currency, locale=ctx.locale),
            churn_before=format_parameter("churn_rate", before.churn_rate, before.currency, locale=ctx.locale),
            churn_after=format_parameter("churn_rate", after.churn_rate, ctx.currency, locale=ctx.locale),
        )
    )


@st.fragment
def render_comparison(ctx: Context) -> None:
    """The baseline tab. A fragment: switching how the change is split reruns this panel alone."""
    if ctx.baseline is None:
        st.info(t("baseline.empty"), icon=":material/push_pin:")
        return
    if ctx.baseline.currency != ctx.currency:
        st.warning(t("baseline.currency_differs", baseline=ctx.baseline.currency, current=ctx.currency))
    if not changed_parameters(ctx.baseline, ctx.parameters):
        st.info(t("baseline.no_change"))
        return
    by = st.segmented_control(
        t("baseline.by"),
        ["parameter", "channel"],
        format_func=lambda choice: t(f"baseline.by_{choice}"),
        default="parameter",
        key="baseline_split",
    )
    parts = render_comparison_chart(ctx, by or "parameter")
    if parts is not None:
        st.caption(t(f"baseline.explain_{parts.name}"))
    _explain_value_at_risk(ctx)
    st.markdown(f"**{t('baseline.changes_title')}**")
    st.table(_changes_table(ctx), hide_index=True, border="horizontal")
