"""The presentation view (``?view=present``): no controls, the headline large, charts and sources."""

from __future__ import annotations

import streamlit as st

from estimator.library import scenario_title
from estimator.reports.content import report_name
from estimator.text.i18n import t
from ui import state
from ui.assumptions import render_assumptions
from ui.baseline import render_comparison_chart
from ui.context import Context
from ui.headline import render_hero, render_metrics, render_plausibility, sources_caption
from ui.overview import render_channels, render_cross_check, render_warnings
from ui.safe_text import plain

__all__ = ["render_presentation"]


def render_presentation(ctx: Context) -> None:
    """Draw the whole presentation page for the current scenario."""
    # The name may come from the link (?name=): shown as text, never as Markdown (a link, an image).
    # A scenario moved away from its preset is called "(modified)", as in the deck and the page.
    name = report_name(ctx.parameters, ctx.preset.parameters) if scenario_title(ctx.parameters.name) else ""
    st.title(plain(name, limit=None) or t("app.title"), anchor=False)
    st.caption(t("app.title"))
    render_plausibility(ctx)  # MODEL.md v3: before any figure
    render_hero(ctx)
    st.caption(sources_caption(ctx))  # whose the customers and their value are (client's, entered, preset, default)
    render_metrics(ctx)
    render_warnings(ctx)
    chart_column, check_column = st.columns([3, 2], gap="large")
    with chart_column:
        render_channels(ctx, height=420)
    with check_column:
        render_cross_check(ctx, details=False)
    if ctx.baseline is not None:
        render_comparison_chart(ctx)
    st.subheader(t("present.assumptions_title"), anchor=False)
    render_assumptions(ctx, title=False)
    st.caption(t("present.footer"))
    st.button(t("present.edit"), key="to_edit", icon=":material/edit:", type="tertiary", on_click=state.set_view, args=("edit",))
