"""The scenario library tab: save the current scenario, load, rename, duplicate, delete, import,
download, and compare up to four saved scenarios.

Every change goes through a button callback, which runs before the page is drawn: after
"Load" the same run's headline and sliders already show the loaded scenario. A callback's
outcome is kept as a one-off message (:data:`FLASH`) shown at the top of the tab. The library
is :class:`estimator.scenarios.ScenarioStore` on the file named by ``CHURN_ESTIMATOR_DB``.

Names and notes are user text: they are shown in tables, selectors and charts as plain text,
and escaped wherever they enter Markdown (messages) or plotly labels.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pandas as pd
import streamlit as st

from estimator import PARAMETER_SPECS, InputError, estimate
from estimator.formatting import NOT_AVAILABLE, format_money
from estimator.library import scenario_title
from estimator.scenario_charts import channel_comparison_bars, scenario_waterfall
from estimator.scenarios import (
    COMPARED_OUTPUTS,
    MAX_COMPARED,
    SavedScenario,
    ScenarioError,
    ScenarioStore,
    compare_scenarios,
    export_scenario,
    read_scenario_bytes,
)
from ui import state
from ui.context import Context, channel_labels
from ui.i18n import has_key, param_label, t
from ui.plots import show_chart

__all__ = ["FLASH", "download_file_name", "render_scenarios", "store"]

#: A message left by a callback for the next drawing of the tab: (kind, text).
FLASH = "scenarios_flash"
#: The name waiting for the user to confirm its deletion.
PENDING_DELETE = "scenarios_pending_delete"
SAVE_NAME = "scenarios_save_name"
SAVE_NOTES = "scenarios_save_notes"
SAVE_OVERWRITE = "scenarios_save_overwrite"
SELECTED = "scenarios_selected"
NEW_NAME = "scenarios_new_name"
COPY_NAME = "scenarios_copy_name"
UPLOAD = "scenarios_upload"
IMPORT_NAME = "scenarios_import_name"
IMPORT_OVERWRITE = "scenarios_import_overwrite"
COMPARED = "scenarios_compared"
WATERFALL_FROM = "scenarios_waterfall_from"
WATERFALL_TO = "scenarios_waterfall_to"

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=])")


def store() -> ScenarioStore:
    """The library of this run (the file ``CHURN_ESTIMATOR_DB`` names, else the per-user default)."""
    return ScenarioStore()


def plain(text: str, limit: int = 80) -> str:
    """User text made safe for Markdown: every markup character escaped, long text shortened.

    >>> plain("**bold** <b>x</b>")
    '\\\\*\\\\*bold\\\\*\\\\* \\\\<b\\\\>x\\\\</b\\\\>'
    """
    shown = text if len(text) <= limit else text[: limit - 1] + "…"
    return _MARKDOWN_SPECIAL.sub(r"\\\1", shown)


def download_file_name(name: str, extension: str) -> str:
    """A safe file name for a scenario: letters, digits, ``-`` and ``_`` only, never empty.

    >>> download_file_name("../Q3 plan: high churn?", "toml")
    'Q3_plan_high_churn.toml'
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", ascii_name).strip("_-")[:60] or "scenario"
    return f"{stem}.{extension}"


def _flash(kind: str, text: str) -> None:
    st.session_state[FLASH] = (kind, text)


def _error_text(error: Exception) -> str:
    """A failed action in words: translated by its code where the catalogue has it, else the message itself."""
    if isinstance(error, ScenarioError) and has_key(f"scenarios.error.{error.code}"):
        return t(f"scenarios.error.{error.code}", value=plain(str(error.value)), detail=plain(str(error), 300))
    return t("scenarios.error.other", detail=plain(str(error), 300))


# --- callbacks -----------------------------------------------------------------------------------


def _on_save() -> None:
    name = st.session_state.get(SAVE_NAME, "")
    try:
        saved = store().save(
            name,
            state.current_parameters(),
            ranges=state.usable_ranges(state.current_parameters()),
            notes=st.session_state.get(SAVE_NOTES, "") or "",
            provenance=state.provenance(),
            overwrite=bool(st.session_state.get(SAVE_OVERWRITE)),
        )
    except InputError as error:
        _flash("error", _error_text(error))
        return
    st.session_state[SELECTED] = saved.name
    _flash("success", t("scenarios.saved", name=plain(saved.name)))


def _on_load(name: str) -> None:
    try:
        scenario = store().load(name)
    except InputError as error:
        _flash("error", _error_text(error))
        return
    state.load_scenario(scenario.parameters, scenario.ranges, scenario.provenance)
    st.session_state[SAVE_NAME] = scenario.name
    st.session_state[SAVE_NOTES] = scenario.notes
    _flash("success", t("scenarios.loaded", name=plain(scenario.name)))


def _on_rename(name: str) -> None:
    new_name = st.session_state.get(NEW_NAME, "")
    try:
        store().rename(name, new_name)
    except InputError as error:
        _flash("error", _error_text(error))
        return
    st.session_state[SELECTED] = new_name.strip()
    _forget_in_comparison(name)
    _flash("success", t("scenarios.renamed", name=plain(name), new_name=plain(new_name.strip())))


def _on_duplicate(name: str) -> None:
    try:
        copy = store().duplicate(name, st.session_state.get(COPY_NAME, ""))
    except InputError as error:
        _flash("error", _error_text(error))
        return
    st.session_state[SELECTED] = copy.name
    _flash("success", t("scenarios.duplicated", name=plain(name), new_name=plain(copy.name)))


def _on_delete_request(name: str) -> None:
    st.session_state[PENDING_DELETE] = name


def _on_delete_cancel() -> None:
    st.session_state.pop(PENDING_DELETE, None)


def _on_delete_confirm(name: str) -> None:
    st.session_state.pop(PENDING_DELETE, None)
    try:
        store().delete(name)
    except InputError as error:
        _flash("error", _error_text(error))
        return
    st.session_state.pop(SELECTED, None)
    _forget_in_comparison(name)
    _flash("success", t("scenarios.deleted", name=plain(name)))


def _forget_in_comparison(name: str) -> None:
    chosen = st.session_state.get(COMPARED)
    if chosen and name in chosen:
        st.session_state[COMPARED] = [item for item in chosen if item != name]


def _on_import() -> None:
    upload = st.session_state.get(UPLOAD)
    if upload is None:
        _flash("error", t("scenarios.import_nothing"))
        return
    typed = (st.session_state.get(IMPORT_NAME) or "").strip()
    try:
        draft = read_scenario_bytes(upload.getvalue(), upload.name, name=typed or None)
        saved = store().save_draft(draft, overwrite=bool(st.session_state.get(IMPORT_OVERWRITE)))
    except InputError as error:
        _flash("error", _error_text(error))
        return
    st.session_state[SELECTED] = saved.name
    _flash("success", t("scenarios.imported", name=plain(saved.name)))


# --- the panel -----------------------------------------------------------------------------------


def _render_flash() -> None:
    message = st.session_state.pop(FLASH, None)
    if message is None:
        return
    kind, text = message
    if kind == "success":
        st.success(text, icon=":material/check_circle:")
    else:
        st.error(text, icon=":material/error:")


def _render_save(ctx: Context) -> None:
    st.subheader(t("scenarios.save_title"))
    st.session_state.setdefault(SAVE_NAME, scenario_title(ctx.parameters.name or ""))
    st.text_input(t("scenarios.name"), key=SAVE_NAME, max_chars=200, help=t("scenarios.name_help"))
    st.text_area(t("scenarios.notes"), key=SAVE_NOTES, height=80)
    with st.container(horizontal=True, vertical_alignment="center"):
        st.button(t("scenarios.save"), key="scenarios_save", type="primary", icon=":material/save:", on_click=_on_save)
        st.checkbox(t("scenarios.overwrite"), key=SAVE_OVERWRITE, help=t("scenarios.overwrite_help"))


def _library_table(library: ScenarioStore, ctx: Context) -> pd.DataFrame:
    """One row per saved scenario with its yearly loss (a scenario that no longer validates shows "–")."""
    rows = []
    for info in library.list():
        try:
            total = format_money(estimate(library.load(info.name).parameters).total, info.currency, locale=ctx.locale)
        except InputError:
            total = NOT_AVAILABLE
        rows.append(
            {
                t("scenarios.column_name"): info.name,
                t("scenarios.column_currency"): info.currency,
                t("scenarios.column_total"): total,
                t("scenarios.column_notes"): info.notes,
                t("scenarios.column_updated"): info.updated_at.strftime("%Y-%m-%d %H:%M UTC"),
            }
        )
    return pd.DataFrame(rows)


def _render_library(ctx: Context, library: ScenarioStore, names: list[str]) -> None:
    st.subheader(t("scenarios.library_title"))
    st.caption(t("scenarios.library_where", path=plain(str(library.path), 200)))
    if not names:
        st.info(t("scenarios.empty"), icon=":material/inventory_2:")
        return
    st.dataframe(_library_table(library, ctx), hide_index=True, width="stretch", key="scenarios_table")
    if st.session_state.get(SELECTED) not in names:
        st.session_state[SELECTED] = names[0]
    name = st.selectbox(t("scenarios.selected"), names, key=SELECTED)
    try:
        scenario: SavedScenario | None = library.load(name)
    except InputError as error:
        scenario = None
        st.error(_error_text(error), icon=":material/error:")
    with st.container(horizontal=True, vertical_alignment="center"):
        st.button(
            t("scenarios.load"),
            key="scenarios_load",
            type="primary",
            icon=":material/upload:",
            disabled=scenario is None,
            on_click=_on_load,
            args=(name,),
        )
        if scenario is not None:
            for fmt in ("json", "toml"):
                st.download_button(
                    t(f"scenarios.download_{fmt}"),
                    data=export_scenario(scenario, fmt),
                    file_name=download_file_name(scenario.name, fmt),
                    mime="application/json" if fmt == "json" else "application/toml",
                    key=f"scenarios_download_{fmt}",
                    icon=":material/download:",
                )
        st.button(
            t("scenarios.delete"), key="scenarios_delete", icon=":material/delete:", on_click=_on_delete_request, args=(name,)
        )
    if scenario is not None and (scenario.notes or scenario.provenance):
        with st.expander(t("scenarios.details")):
            if scenario.notes:
                st.text(scenario.notes)
            if scenario.provenance:
                st.dataframe(
                    pd.DataFrame(
                        {
                            t("scenarios.column_parameter"): [
                                param_label(k) if k in PARAMETER_SPECS else k for k in scenario.provenance
                            ],
                            t("scenarios.column_source"): list(scenario.provenance.values()),
                        }
                    ),
                    hide_index=True,
                    key="scenarios_provenance",
                )
    if st.session_state.get(PENDING_DELETE) == name:
        with st.container(key="scenarios_confirm_delete"):
            st.warning(t("scenarios.delete_confirm", name=plain(name)), icon=":material/warning:")
            with st.container(horizontal=True):
                st.button(
                    t("scenarios.delete_yes"),
                    key="scenarios_delete_yes",
                    type="primary",
                    on_click=_on_delete_confirm,
                    args=(name,),
                )
                st.button(t("scenarios.delete_no"), key="scenarios_delete_no", on_click=_on_delete_cancel)
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.text_input(t("scenarios.new_name"), key=NEW_NAME, max_chars=200)
        st.button(t("scenarios.rename"), key="scenarios_rename", icon=":material/edit:", on_click=_on_rename, args=(name,))
        st.text_input(t("scenarios.copy_name"), key=COPY_NAME, max_chars=200)
        st.button(
            t("scenarios.duplicate"),
            key="scenarios_duplicate",
            icon=":material/content_copy:",
            on_click=_on_duplicate,
            args=(name,),
        )


def _render_import() -> None:
    with st.expander(t("scenarios.import_title"), icon=":material/file_open:"):
        st.file_uploader(t("scenarios.import_file"), type=["json", "toml"], key=UPLOAD, help=t("scenarios.import_help"))
        st.text_input(t("scenarios.import_name"), key=IMPORT_NAME, max_chars=200)
        with st.container(horizontal=True, vertical_alignment="center"):
            st.button(t("scenarios.import"), key="scenarios_import", icon=":material/upload_file:", on_click=_on_import)
            st.checkbox(t("scenarios.overwrite"), key=IMPORT_OVERWRITE)


def _output_labels() -> dict[str, str]:
    labels: dict[str, Any] = {key: param_label(key) for key in PARAMETER_SPECS}
    labels["currency"] = t("scenarios.row_currency")
    labels.update(channel_labels())
    for key in COMPARED_OUTPUTS:
        labels.setdefault(key, t(f"scenarios.row_{key}"))
    return labels


def _method_labels() -> dict[str, str]:
    return {choice: t(f"method.{choice}") for choice in PARAMETER_SPECS["method"].choices}


def _render_compare(ctx: Context, library: ScenarioStore, names: list[str]) -> None:
    st.subheader(t("scenarios.compare_title"))
    if len(names) < 1:
        return
    if COMPARED in st.session_state:
        st.session_state[COMPARED] = [name for name in st.session_state[COMPARED] if name in names]
    chosen = st.multiselect(t("scenarios.compare_pick", most=MAX_COMPARED), names, key=COMPARED, max_selections=MAX_COMPARED)
    if not chosen:
        st.info(t("scenarios.compare_hint", most=MAX_COMPARED), icon=":material/compare_arrows:")
        return
    try:
        comparison = compare_scenarios([(name, library.load(name)) for name in chosen])
    except InputError as error:
        st.error(_error_text(error), icon=":material/error:")
        return
    if comparison.mixed_currencies:
        st.warning(t("scenarios.mixed_currencies"), icon=":material/currency_exchange:")
    labels = _output_labels()
    st.caption(t("scenarios.compare_caption"))
    st.dataframe(
        comparison.styled(labels, locale=ctx.locale, choice_labels=_method_labels()),
        width="stretch",
        height=560,
        key="scenarios_compare_table",
    )
    show_chart(
        lambda: channel_comparison_bars(comparison, labels=channel_labels(), locale=ctx.locale, title=t("scenarios.bars_title")),
        key="scenarios_compare_bars",
        height=420,
    )
    if len(chosen) < 2:
        return
    columns = st.columns(2)
    start = columns[0].selectbox(t("scenarios.waterfall_from"), chosen, index=0, key=WATERFALL_FROM)
    end = columns[1].selectbox(t("scenarios.waterfall_to"), chosen, index=1, key=WATERFALL_TO)
    if start == end:
        st.info(t("scenarios.waterfall_same"), icon=":material/info:")
        return
    show_chart(
        lambda: scenario_waterfall(
            comparison,
            start,
            end,
            labels={key: param_label(key) for key in PARAMETER_SPECS},
            locale=ctx.locale,
            title=t("scenarios.waterfall_title"),
        ),
        key="scenarios_compare_waterfall",
        height=420,
    )


def render_scenarios(ctx: Context) -> None:
    """The tab: messages, saving, the library, importing and comparing."""
    _render_flash()
    library = store()
    try:
        names = library.names()
    except InputError as error:
        st.error(_error_text(error), icon=":material/error:")
        return
    _render_save(ctx)
    st.divider()
    _render_library(ctx, library, names)
    _render_import()
    st.divider()
    _render_compare(ctx, library, names)
