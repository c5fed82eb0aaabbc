"""The published estimates, reproduced by the model, next to the current scenario (Assumptions and sources tab)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from estimator.analysis.published import published_table, share_comparison
from estimator.figures.published import published_chart, published_figure_text, share_chart
from estimator.text.formatting import format_parameter, format_share
from estimator.text.i18n import param_label, t
from ui.context import Context
from ui.plots import show_chart

__all__ = ["published_rows", "render_published"]


def published_rows(table: pd.DataFrame, locale: str) -> pd.DataFrame:
    """One row per published estimate: figures in their own units, the inputs marked stated or implied, and the note."""
    rows = []
    for _, record in table.iterrows():
        currency = "EUR" if record["unit"] == "share" else record["unit"]
        inputs = "; ".join(
            t(
                "published.input",
                parameter=param_label(key),
                value=format_parameter(key, item["value"], currency, locale=locale),
                status=t(f"published.{item['status']}"),
            )
            for key, item in record["inputs"].items()
        )
        shown = lambda value, unit=record["unit"]: published_figure_text(float(value), unit, locale=locale)  # noqa: E731
        rows.append(
            {
                t("published.column_source"): record["source"],
                t("published.column_year"): "" if pd.isna(record["year"]) else str(int(record["year"])),
                t("published.column_published"): shown(record["published"]),
                t("published.column_reproduced"): shown(record["reproduced"]),
                t("published.column_error"): format_share(float(record["relative_error"]), locale=locale, digits=2),
                t("published.column_whole_model"): shown(record["whole_model"]),
                t("published.column_inputs"): inputs,
                t("published.column_note"): record["note"],
            }
        )
    return pd.DataFrame(rows)


def render_published(ctx: Context) -> None:
    """Each published figure reproduced and through the whole model, and the scenario's share beside them."""
    st.subheader(t("published.title"), anchor=False)
    st.caption(t("published.intro"))
    table = published_table()  # eight small evaluations: cheaper than a cache lookup keyed by language
    show_chart(
        lambda: published_chart(table, locale=ctx.locale, title=t("published.chart_title")),
        key="chart_published",
        height=140 + 75 * len(table),
    )
    for _, record in table.iterrows():
        st.markdown(f"**{record['name']}**: {record['note']}")
    st.table(published_rows(table, ctx.locale), hide_index=True, border="horizontal")
    comparison = share_comparison(ctx.parameters, table)
    show_chart(
        lambda: share_chart(comparison, locale=ctx.locale, title=t("published.share_title")),
        key="chart_published_shares",
        height=160 + 60 * len(table),
    )
    st.caption(t("published.share_caption"))
