"""The Calibration tab's MODEL.md v3 parts: what the file covers (churn window, customers, currency),
whether it is the complaint or the customer (crude vs adjusted churn, attributable share, E-value), and
the one sentence a CFO can read. :mod:`ui.calibration` calls these; they import nothing of it."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from estimator.calibration import Calibration
from estimator.calibration.adjustment import reconcile_complainer_churn
from estimator.calibration.sentence import cfo_sentence, evalue_sentence
from estimator.core.provenance import NO_CURRENCY
from estimator.text.formatting import format_share
from estimator.text.i18n import current_language, t
from ui.context import Context
from ui.safe_text import plain

__all__ = ["WINDOW_CHOICES", "complainer_churn_changes", "options", "render_adjustment", "render_options"]

#: The windows offered (months); None: not stated, 12 assumed with a note.
WINDOW_CHOICES = (None, 1, 3, 6, 12, 24)
WINDOW = "calibration_churn_window"
CUSTOMERS = "calibration_customers"
CURRENCY = "calibration_currency"
TENURE = "calibration_tenure"
#: Currencies offered first for a file's values (any ISO code works on the command line).
CURRENCIES = (None, "EUR", "USD", "GBP", "PLN", "HUF", "CHF", "CZK", "SEK", "DKK", "NOK", "RON")


def options() -> dict[str, Any]:
    """``calibrate()``'s MODEL.md v3 options as chosen in the tab (also part of the result's cache key)."""
    customers = st.session_state.get(CUSTOMERS) or None
    return {
        "churn_window": st.session_state.get(WINDOW),
        "customers": float(customers) if customers else None,
        "currency": st.session_state.get(CURRENCY),
        "tenure": st.session_state.get(TENURE),
    }


def render_options(columns: list[str] | None = None) -> None:
    """What the file covers: the months of its churn flag, the customers it stands for, its currency,
    and (once the file's columns are known) a tenure column for a Kaplan–Meier 12-month churn."""
    window, customers, currency, tenure = st.columns(4)
    window.selectbox(
        t("calibration.v3_window"),
        WINDOW_CHOICES,
        key=WINDOW,
        format_func=lambda months: t("calibration.v3_window_unknown") if months is None else str(months),
        help=t("calibration.v3_window_help"),
    )
    customers.number_input(
        t("calibration.v3_customers"), min_value=0, step=1000, value=0, key=CUSTOMERS, help=t("calibration.v3_customers_help")
    )
    currency.selectbox(
        t("calibration.v3_currency"),
        CURRENCIES,
        key=CURRENCY,
        format_func=lambda code: t("calibration.v3_currency_none") if code is None else code,
    )
    choices = [None, *(columns or [])]
    if st.session_state.get(TENURE) not in choices:  # another file: its columns differ
        st.session_state[TENURE] = None
    tenure.selectbox(
        t("calibration.v3_tenure"),
        choices,
        key=TENURE,
        format_func=lambda column: t("calibration.v3_tenure_none") if column is None else column,
        help=t("calibration.v3_tenure_help"),
    )


def _interval(item: Any, ctx: Context) -> str:
    if item is None or not math.isfinite(item.value):
        return "—"
    share = lambda v: format_share(v, locale=ctx.locale)  # noqa: E731
    return f"{share(item.value)} ({share(item.ci_low)} – {share(item.ci_high)})"


def render_adjustment(result: Calibration, ctx: Context) -> None:
    """Crude against adjusted churn, the share attributable to poor service, the E-value and the CFO sentence."""
    adjustment = result.adjustment
    if adjustment is None or (adjustment.baseline_churn_crude is None and adjustment.kaplan_meier_12m is None):
        return
    st.markdown(f"#### {t('calibration.v3_adjusted_title')}")
    if adjustment.baseline_churn_crude is None:  # no complaint column: only the Kaplan–Meier churn to show
        _render_km(adjustment, ctx)
        return
    rows = [
        (t("calibration.v3_row_baseline"), adjustment.baseline_churn_crude, adjustment.baseline_churn_adjusted),
        (t("calibration.v3_row_complainers"), adjustment.complainer_churn_crude, adjustment.complainer_churn_adjusted),
    ]
    frame = pd.DataFrame(
        {
            "": [label for label, _, _ in rows],
            t("calibration.v3_column_crude"): [_interval(crude, ctx) for _, crude, _ in rows],
            t("calibration.v3_column_adjusted"): [_interval(adjusted, ctx) for _, _, adjusted in rows],
        }
    )
    st.dataframe(frame, hide_index=True, key="calibration_adjusted", width="stretch")
    columns = st.columns(2)
    columns[0].metric(
        t("calibration.v3_row_attributable"),
        format_share(adjustment.attributable_share.value, locale=ctx.locale) if adjustment.attributable_share else "—",
    )
    _render_km(adjustment, ctx)
    if math.isfinite(adjustment.evalue):
        shown = f"{adjustment.evalue:.2f} ({adjustment.evalue_bound:.2f})"
        columns[1].metric(t("calibration.v3_row_evalue"), shown.replace(".", "," if ctx.locale[:2] != "en" else "."))
        st.caption(evalue_sentence(adjustment.evalue, current_language()))
    sentence = cfo_sentence(result.to_dict(), current_language())
    if sentence:
        st.markdown(f"**{t('calibration.v3_cfo_title')}**")
        st.info(plain(sentence, limit=None), icon=":material/record_voice_over:")  # names a file's column


def _render_km(adjustment: Any, ctx: Context) -> None:
    if adjustment.kaplan_meier_12m is not None:
        st.metric(
            t("calibration.v3_km", column=plain(adjustment.tenure_column)),
            _interval(adjustment.kaplan_meier_12m, ctx),
            help=t("calibration.v3_km_help"),
        )


def complainer_churn_changes(result: Calibration, scenario: Mapping[str, Any], values: Mapping[str, float]) -> tuple[dict, Any]:
    """MODEL.md v3 §6 on "apply": cr and cu rescaled when the file measured complainers' churn but not them."""
    measured = result.figures.get("churn_complainers")
    if measured is None or "churn_resolved" in result.estimates:
        return {}, None
    return reconcile_complainer_churn({**scenario, **values}, measured)


def applied_currency(result: Calibration) -> str:
    """The currency of the file's values: as stated, else "currency not stated" (ISO's XXX) until chosen."""
    stated = result.adjustment.currency if result.adjustment is not None else None
    return stated or NO_CURRENCY
