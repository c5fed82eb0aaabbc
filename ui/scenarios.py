"""The scenario library tab: save the current scenario, load, rename, duplicate, delete, import,
download, and compare up to four saved scenarios.

Every change goes through a button callback, which runs before the page is drawn: after
"Load" the same run's headline and sliders already show the loaded scenario. A callback's
outcome is kept as a one-off message (:data:`FLASH`) shown at the top of the tab. The library
is :class:`estimator.store.ScenarioStore` on the file named by ``CHURN_ESTIMATOR_DB``.

Names and notes are user text: they are shown in tables, selectors and charts as plain text,
and escaped wherever they enter Markdown (messages) or plotly labels.
"""

from __future__ import annotations

import time
from typing import Any

import pandas as pd
import streamlit as st

from estimator import PARAMETER_SPECS, InputError, estimate
from estimator.figures.scenarios import channel_comparison_bars, scenario_waterfall
from estimator.library import scenario_title
from estimator.reports.safety import safe_filename
from estimator.store import (
    COMPARED_OUTPUTS,
    DEFAULT_WORKSPACE,
    MAX_COMPARED,
    SavedScenario,
    ScenarioComparison,
    ScenarioConflictError,
    ScenarioError,
    ScenarioStore,
    check_name,
    compare_scenarios,
    export_scenario,
    read_scenario_bytes,
    read_workspace_bytes,
)
from estimator.text.formatting import NOT_AVAILABLE, format_money
from estimator.text.i18n import param_label, t, t_plural
from estimator.text.user_text import MAX_NOTES_LENGTH
from ui import state
from ui.context import Context, channel_labels
from ui.messages import store_error_text
from ui.plots import show_chart
from ui.safe_text import plain, safe_cell, safe_table
from ui.signin import current_identity

__all__ = [
    "AUTHOR",
    "FLASH",
    "render_scenarios",
    "render_workspace_picker",
    "store",
    "workspace_label",
]

#: The one prefix of every session and widget key this tab owns (``tests/test_scenarios_keys.py`` checks it).
#: Streamlit gives a widget the CSS class ``st-key-<key>`` with every character but letters, digits, "_"
#: and "-" replaced: under this prefix a key is its own class name, as the browser tests find it.
PREFIX = "scenarios_"

# --- session keys: what the callbacks keep between runs -------------------------------------------
#: A message left by a callback for the next drawing of the tab: (kind, text).
FLASH = f"{PREFIX}flash"
#: The name waiting for the user to confirm its deletion.
PENDING_DELETE = f"{PREFIX}pending_delete"
SAVE_NAME = f"{PREFIX}save_name"
#: The notes typed here: the session rules' key (the deliverables carry them), under this tab's prefix.
SAVE_NOTES = state.SCENARIO_NOTES
SAVE_OVERWRITE = f"{PREFIX}save_overwrite"
SELECTED = f"{PREFIX}selected"
NEW_NAME = f"{PREFIX}new_name"
COPY_NAME = f"{PREFIX}copy_name"
UPLOAD = f"{PREFIX}upload"
IMPORT_NAME = f"{PREFIX}import_name"
IMPORT_OVERWRITE = f"{PREFIX}import_overwrite"
COMPARED = f"{PREFIX}compared"
WATERFALL_FROM = f"{PREFIX}waterfall_from"
WATERFALL_TO = f"{PREFIX}waterfall_to"
#: Who saves, asked once and kept for the session (the widget's value is copied here).
AUTHOR = f"{PREFIX}author"
AUTHOR_WIDGET = f"{PREFIX}author_widget"
SAVE_NOTE = f"{PREFIX}version_note"
#: The saved version the current inputs started from: (workspace, name, version); a save of that
#: name is refused if someone saved after it (no lost edits).
BASE = f"{PREFIX}base_version"
#: A refused save waiting for the user's choice: what they tried to save and the version in the way.
CONFLICT = f"{PREFIX}conflict"
CONFLICT_NEW_NAME = f"{PREFIX}conflict_new_name"
HISTORY_FROM = f"{PREFIX}history_from"
HISTORY_TO = f"{PREFIX}history_to"
MOVE_TO = f"{PREFIX}move_to"
WORKSPACE_PICKER = f"{PREFIX}workspace_picker"
NEW_WORKSPACE = f"{PREFIX}new_workspace"
WORKSPACE_UPLOAD = f"{PREFIX}workspace_upload"
WORKSPACE_FILE_READY = f"{PREFIX}workspace_file_ready"
#: The workspaces last listed for the picker: (monotonic time, names), refreshed after the TTL or a change.
WORKSPACES_SEEN = f"{PREFIX}workspaces_seen"

# --- widget keys: buttons, panels, tables and charts (nothing reads their state) ------------------
SAVE_BUTTON = f"{PREFIX}save"
CHANGE_AUTHOR_BUTTON = f"{PREFIX}change_author"
OPEN_WORKSPACE_BUTTON = f"{PREFIX}open_workspace"
CONFLICT_PANEL = f"{PREFIX}conflict_panel"
CONFLICT_DIFFERENCE = f"{PREFIX}conflict_difference"
SAVE_AS_NEW_BUTTON = f"{PREFIX}save_as_new"
OVERWRITE_SEEN_BUTTON = f"{PREFIX}overwrite_seen"
CONFLICT_CANCEL_BUTTON = f"{PREFIX}conflict_cancel"
LIBRARY_TABLE = f"{PREFIX}table"
LOAD_BUTTON = f"{PREFIX}load"
#: Followed by ``_json`` or ``_toml``.
DOWNLOAD_BUTTON = f"{PREFIX}download"
DELETE_BUTTON = f"{PREFIX}delete"
PROVENANCE_TABLE = f"{PREFIX}provenance"
CONFIRM_DELETE_PANEL = f"{PREFIX}confirm_delete"
DELETE_YES_BUTTON = f"{PREFIX}delete_yes"
DELETE_NO_BUTTON = f"{PREFIX}delete_no"
RENAME_BUTTON = f"{PREFIX}rename"
DUPLICATE_BUTTON = f"{PREFIX}duplicate"
MOVE_BUTTON = f"{PREFIX}move"
VERSIONS_TABLE = f"{PREFIX}versions_table"
RESTORE_BUTTON = f"{PREFIX}restore"
IMPORT_BUTTON = f"{PREFIX}import"
DOWNLOAD_WORKSPACE_BUTTON = f"{PREFIX}download_workspace"
PREPARE_WORKSPACE_BUTTON = f"{PREFIX}prepare_workspace"
IMPORT_WORKSPACE_BUTTON = f"{PREFIX}import_workspace"
#: The stems of a comparison's table, bars and waterfall (``<stem>_table``, ``<stem>_bars``, ``<stem>_waterfall``).
COMPARE_STEM = f"{PREFIX}compare"
HISTORY_STEM = f"{PREFIX}history"

WORKSPACES_TTL_SECONDS = 15.0
#: Seconds an app save keeps retrying while the PostgreSQL server is unreachable (then says so).
APP_RETRY_SECONDS = 3.0


def store() -> ScenarioStore:
    """The library of this run, in the session's workspace (``CHURN_ESTIMATOR_DB``: a file or a PostgreSQL URL)."""
    library = ScenarioStore(workspace=state.workspace(), retry_seconds=APP_RETRY_SECONDS)
    identity = current_identity()  # team hook (issue 26): in team mode every call is checked and audited
    if identity is None:
        return library
    from estimator.store.access import TeamStore

    return TeamStore(library, identity)  # type: ignore[return-value]


def workspace_label(name: str) -> str:
    """A workspace's name as shown: the default one (stored as "default", the contract's name) in the page's language."""
    return t("store.default_workspace") if name == DEFAULT_WORKSPACE else name


def _flash(kind: str, text: str, where: str = "top") -> None:
    """Keep a callback's outcome for the next drawing, shown at ``where``: the top of the tab, or by the
    button that caused it (``"history"``: the restore button sits in a collapsed part far down the tab)."""
    st.session_state[FLASH] = (kind, text, where)
    st.session_state.pop(WORKSPACES_SEEN, None)  # an action may have created a workspace


# --- callbacks -----------------------------------------------------------------------------------


def _author() -> str:
    identity = current_identity()  # team hook: the signed-in identity, never a typed name
    if identity is not None:
        return identity.email
    return (st.session_state.get(AUTHOR) or "").strip()


def _on_author() -> None:
    st.session_state[AUTHOR] = (st.session_state.get(AUTHOR_WIDGET) or "").strip()


def _on_change_author() -> None:
    st.session_state[AUTHOR_WIDGET] = st.session_state.pop(AUTHOR, "")


def _remember_base(saved: SavedScenario) -> None:
    st.session_state[BASE] = (saved.workspace, saved.name, saved.version)


def _expected_version(name: str) -> int | None:
    """The version the current inputs were loaded from, when saving under that scenario's name."""
    base = st.session_state.get(BASE)
    try:
        clean = check_name(name)
    except ScenarioError:
        return None
    if base and base[0] == state.workspace() and base[1] == clean:
        return int(base[2])
    return None


def _after_save(saved: SavedScenario) -> None:
    """What every successful save (or restore) leaves behind: the saved name is the scenario's name (so the
    link's ``name=`` follows a save under a new name), it is the base of the next save, and the version
    note, which described that version only, is emptied for the next one."""
    state.set_scenario_name(saved.name)
    _remember_base(saved)
    st.session_state[SAVE_NOTE] = ""


def _flash_saved(saved: SavedScenario) -> None:
    if saved.version == 1:
        _flash("success", t("scenarios.saved", name=plain(saved.name)))
    else:
        _flash("success", t("store.saved_version", name=plain(saved.name), version=saved.version))


def _save_current(name: str, *, overwrite: bool, expect_version: int | None) -> SavedScenario:
    params = state.current_parameters()
    return store().save(
        name,
        params,
        ranges=state.usable_ranges(params),
        notes=st.session_state.get(SAVE_NOTES, "") or "",
        provenance=state.provenance(),
        overwrite=overwrite,
        expect_version=expect_version,
        author=_author(),
        note=st.session_state.get(SAVE_NOTE, "") or "",
    )


def _on_save() -> None:
    name = st.session_state.get(SAVE_NAME, "")
    if not _author():
        _flash("error", t("store.author_needed"))
        return
    try:
        saved = _save_current(name, overwrite=bool(st.session_state.get(SAVE_OVERWRITE)), expect_version=_expected_version(name))
    except ScenarioConflictError as conflict:
        st.session_state[CONFLICT] = {
            "name": conflict.value,
            "workspace": state.workspace(),
            "expected": conflict.expected_version,
            "version": conflict.current.version,
        }
        st.session_state[CONFLICT_NEW_NAME] = t("store.conflict_copy_name", name=conflict.value, author=_author())[:100]
        _flash("error", _conflict_text(conflict))
        return
    except InputError as error:
        _flash("error", store_error_text(error))
        return
    st.session_state.pop(CONFLICT, None)
    st.session_state[SELECTED] = saved.name
    _after_save(saved)
    _flash_saved(saved)


def _conflict_text(conflict: ScenarioConflictError) -> str:
    latest = conflict.saved_between[-1] if conflict.saved_between else None
    return t(
        "store.conflict",
        name=plain(str(conflict.value)),
        author=plain(latest.author if latest and latest.author else t("store.someone")),
        time=latest.saved_at.strftime("%Y-%m-%d %H:%M UTC") if latest else "",
        version=conflict.current.version,
        expected=conflict.expected_version,
    )


def _on_conflict_save_as_new() -> None:
    try:
        saved = _save_current(st.session_state.get(CONFLICT_NEW_NAME, ""), overwrite=False, expect_version=None)
    except InputError as error:
        _flash("error", store_error_text(error))
        return
    st.session_state.pop(CONFLICT, None)
    st.session_state[SAVE_NAME] = saved.name
    st.session_state[SELECTED] = saved.name
    _after_save(saved)
    _flash_saved(saved)


def _on_conflict_overwrite() -> None:
    conflict = st.session_state.get(CONFLICT)
    if not conflict:
        return
    try:
        # Over the version the user was shown, and no other: a third save meanwhile is refused again.
        saved = _save_current(conflict["name"], overwrite=False, expect_version=conflict["version"])
    except ScenarioConflictError as again:
        st.session_state[CONFLICT] = {**conflict, "version": again.current.version}
        _flash("error", _conflict_text(again))
        return
    except InputError as error:
        _flash("error", store_error_text(error))
        return
    st.session_state.pop(CONFLICT, None)
    _after_save(saved)
    _flash_saved(saved)


def _on_conflict_cancel() -> None:
    st.session_state.pop(CONFLICT, None)


def _on_load(name: str) -> None:
    try:
        library = store()
        scenario = library.open(name) if hasattr(library, "open") else library.load(name)  # team hook: audited
    except InputError as error:
        _flash("error", store_error_text(error))
        return
    state.load_scenario(scenario.parameters, scenario.ranges, scenario.descriptions)
    st.session_state[SAVE_NAME] = scenario.name
    st.session_state[SAVE_NOTES] = scenario.notes
    st.session_state.pop(CONFLICT, None)
    _remember_base(scenario)
    _flash("success", t("scenarios.loaded", name=plain(scenario.name)))


def _on_rename(name: str) -> None:
    new_name = st.session_state.get(NEW_NAME, "")
    try:
        store().rename(name, new_name)
    except InputError as error:
        _flash("error", store_error_text(error))
        return
    st.session_state[SELECTED] = new_name.strip()
    base = st.session_state.get(BASE)
    if base and base[:2] == (state.workspace(), name):
        st.session_state[BASE] = (base[0], new_name.strip(), base[2])
        state.set_scenario_name(new_name.strip())  # the scenario on screen is the renamed one: its link follows
    _forget_in_comparison(name)
    _flash("success", t("scenarios.renamed", name=plain(name), new_name=plain(new_name.strip())))


def _on_duplicate(name: str) -> None:
    try:
        copy = store().duplicate(name, st.session_state.get(COPY_NAME, ""), author=_author())
    except InputError as error:
        _flash("error", store_error_text(error))
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
        _flash("error", store_error_text(error))
        return
    st.session_state.pop(SELECTED, None)
    _forget_in_comparison(name)
    _flash("success", t("scenarios.deleted", name=plain(name)))


def _on_exported(name: str, version: int | None, fmt: str) -> None:
    library = store()
    if hasattr(library, "record_export"):  # team mode only
        library.record_export(name, version, fmt)


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
        saved = store().save_draft(draft, overwrite=bool(st.session_state.get(IMPORT_OVERWRITE)), author=_author())
    except InputError as error:
        _flash("error", store_error_text(error))
        return
    st.session_state[SELECTED] = saved.name
    _flash("success", t("scenarios.imported", name=plain(saved.name)))


def _on_restore(name: str, version: int, current: int) -> None:
    """Make an earlier version current in the library *and* on screen: the headline, the sliders and the
    next save start from the restored version (a later save is not a conflict with this restore)."""
    if not _author():
        _flash("error", t("store.author_needed"), "history")
        return
    try:
        restored = store().restore(
            name, version, author=_author(), expect_version=current, note=t("store.restored_note", version=version)
        )
    except ScenarioConflictError as conflict:
        _flash("error", _conflict_text(conflict), "history")
        return
    except InputError as error:
        _flash("error", store_error_text(error), "history")
        return
    state.load_scenario(restored.parameters, restored.ranges, restored.descriptions)
    st.session_state[SAVE_NAME] = restored.name
    st.session_state[SAVE_NOTES] = restored.notes
    st.session_state.pop(CONFLICT, None)
    _after_save(restored)
    _flash("success", t("store.restored", name=plain(name), version=version, new_version=restored.version), "history")


def _on_move(name: str) -> None:
    target = st.session_state.get(MOVE_TO) or ""
    try:
        created = store().move(name, target)
    except InputError as error:
        _flash("error", store_error_text(error))
        return
    st.session_state.pop(SELECTED, None)
    _forget_in_comparison(name)
    key = "store.moved_new" if created else "store.moved"
    _flash("success", t(key, name=plain(name), workspace=plain(target.strip())))


def _on_open_workspace() -> None:
    """Callback of the sidebar picker, and of "Open" for a typed new workspace name."""
    typed = (st.session_state.get(NEW_WORKSPACE) or "").strip()
    chosen = typed or st.session_state.get(WORKSPACE_PICKER) or state.workspace()
    try:
        name = check_name(chosen, "workspace")
    except ScenarioError as error:
        _flash("error", store_error_text(error))
        return
    if name != state.workspace():
        state.set_workspace(name)
        for key in (SELECTED, COMPARED, PENDING_DELETE, WORKSPACE_FILE_READY, CONFLICT, WORKSPACE_PICKER):
            st.session_state.pop(key, None)
    st.session_state[NEW_WORKSPACE] = ""
    st.session_state.pop(WORKSPACES_SEEN, None)


def _on_import_workspace() -> None:
    upload = st.session_state.get(WORKSPACE_UPLOAD)
    if upload is None:
        _flash("error", t("store.import_workspace_nothing"))
        return
    try:
        names = store().import_workspace(read_workspace_bytes(upload.getvalue(), upload.name))
    except InputError as error:
        _flash("error", store_error_text(error))
        return
    _flash("success", t("store.imported_workspace", count=len(names), workspace=plain(state.workspace())))


def render_workspace_picker() -> None:
    """The sidebar's workspace picker: the workspaces of the library, and a box to open a new one."""
    current = state.workspace()
    cached = st.session_state.get(WORKSPACES_SEEN)
    if cached is not None and time.monotonic() - cached[0] < WORKSPACES_TTL_SECONDS:
        names = list(cached[1])
    else:
        # Asked again after a while, not on every slider move: the sidebar runs on every rerun.
        try:
            names = [info.name for info in store().workspaces()]
        except InputError as error:
            st.caption(store_error_text(error))
            names = []
        else:
            st.session_state[WORKSPACES_SEEN] = (time.monotonic(), tuple(names))
    if current not in names:
        names = sorted([*names, current], key=str.casefold)
    st.session_state[WORKSPACE_PICKER] = current
    st.selectbox(
        t("store.workspace"),
        names,
        key=WORKSPACE_PICKER,
        help=t("store.workspace_help"),
        on_change=_on_open_workspace,
        format_func=workspace_label,
    )
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.text_input(t("store.new_workspace"), key=NEW_WORKSPACE, max_chars=100, placeholder=t("store.new_workspace_hint"))
        st.button(t("store.open_workspace"), key=OPEN_WORKSPACE_BUTTON, on_click=_on_open_workspace)


# --- the panel -----------------------------------------------------------------------------------


def _render_flash(where: str = "top") -> None:
    message = st.session_state.get(FLASH)
    if message is None or message[2] != where:
        return
    del st.session_state[FLASH]
    kind, text, _ = message
    if kind == "success":
        st.success(text, icon=":material/check_circle:")
    else:
        st.error(text, icon=":material/error:")


def _render_author() -> None:
    """Who saves: asked once, then kept for the session (shown with a way to change it)."""
    if current_identity() is not None:  # team hook: who saves is who signed in
        st.caption(t("store.saving_as", author=plain(_author())))
        return
    if _author():
        with st.container(horizontal=True, vertical_alignment="center"):
            st.caption(t("store.saving_as", author=plain(_author())))
            st.button(t("store.change_author"), key=CHANGE_AUTHOR_BUTTON, type="tertiary", on_click=_on_change_author)
        return
    st.session_state.setdefault(AUTHOR_WIDGET, "")
    st.text_input(t("store.author"), key=AUTHOR_WIDGET, max_chars=100, help=t("store.author_help"), on_change=_on_author)


def _render_save(ctx: Context) -> None:
    st.subheader(t("scenarios.save_title"))
    _render_author()
    st.session_state.setdefault(SAVE_NAME, scenario_title(ctx.parameters.name or ""))
    st.text_input(t("scenarios.name"), key=SAVE_NAME, max_chars=200, help=t("scenarios.name_help"))
    st.text_area(t("scenarios.notes"), key=SAVE_NOTES, height=80, max_chars=MAX_NOTES_LENGTH)  # the library's bound
    st.text_input(t("store.version_note"), key=SAVE_NOTE, max_chars=500, help=t("store.version_note_help"))
    base = st.session_state.get(BASE)
    if base and base[0] == state.workspace():
        st.caption(t("store.based_on", name=plain(base[1]), version=base[2]))
    with st.container(horizontal=True, vertical_alignment="center"):
        st.button(t("scenarios.save"), key=SAVE_BUTTON, type="primary", icon=":material/save:", on_click=_on_save)
        st.checkbox(t("scenarios.overwrite"), key=SAVE_OVERWRITE, help=t("scenarios.overwrite_help"))
    _render_conflict(ctx)


def _differing_rows(comparison: ScenarioComparison, ctx: Context) -> pd.DataFrame:
    """The comparison's rows where the two columns differ: what an overwrite would change."""
    text = comparison.display_frame(_output_labels(), locale=ctx.locale, choice_labels=_method_labels())
    mask = comparison.differences().iloc[:, 1].to_numpy()
    return text[mask]


def _render_conflict(ctx: Context) -> None:
    """A refused save: who saved in between, what differs, and the two ways on."""
    conflict = st.session_state.get(CONFLICT)
    if not conflict or conflict.get("workspace") != state.workspace():
        return
    try:
        theirs = store().load(conflict["name"])
    except InputError as error:
        st.error(store_error_text(error), icon=":material/error:")
        return
    with st.container(key=CONFLICT_PANEL, border=True):
        st.warning(
            t(
                "store.conflict_title",
                name=plain(theirs.name),
                author=plain(theirs.author or t("store.someone")),
                version=theirs.version,
            ),
            icon=":material/sync_problem:",
        )
        comparison = compare_scenarios(
            [
                (t("store.theirs", version=theirs.version, author=theirs.author or t("store.someone")), theirs.parameters),
                (t("store.yours"), state.current_parameters()),
            ]
        )
        differing = _differing_rows(comparison, ctx)
        if len(differing):
            st.dataframe(safe_table(differing), width="stretch", key=CONFLICT_DIFFERENCE)
        else:
            st.caption(t("store.conflict_same"))
        with st.container(horizontal=True, vertical_alignment="bottom"):
            st.text_input(t("store.conflict_new_name"), key=CONFLICT_NEW_NAME, max_chars=200)
            st.button(t("store.save_as_new"), key=SAVE_AS_NEW_BUTTON, type="primary", on_click=_on_conflict_save_as_new)
            st.button(t("store.overwrite_seen"), key=OVERWRITE_SEEN_BUTTON, on_click=_on_conflict_overwrite)
            st.button(t("store.conflict_cancel"), key=CONFLICT_CANCEL_BUTTON, type="tertiary", on_click=_on_conflict_cancel)


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
    # The workspace only: where the library lives on the server (a file path, a database address) is not for a client's screen.
    st.caption(t("store.library_where", workspace=plain(workspace_label(library.workspace))))
    if not names:
        st.info(t("scenarios.empty"), icon=":material/inventory_2:")
        return
    st.dataframe(safe_table(_library_table(library, ctx)), hide_index=True, width="stretch", key=LIBRARY_TABLE)
    if st.session_state.get(SELECTED) not in names:
        st.session_state[SELECTED] = names[0]
    name = st.selectbox(t("scenarios.selected"), names, key=SELECTED)
    try:
        scenario: SavedScenario | None = library.load(name)
    except InputError as error:
        scenario = None
        st.error(store_error_text(error), icon=":material/error:")
    with st.container(horizontal=True, vertical_alignment="center"):
        st.button(
            t("scenarios.load"),
            key=LOAD_BUTTON,
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
                    file_name=safe_filename(scenario.name, fmt),
                    mime="application/json" if fmt == "json" else "application/toml",
                    key=f"{DOWNLOAD_BUTTON}_{fmt}",
                    icon=":material/download:",
                    on_click=_on_exported,  # team hook: an export is audited
                    args=(scenario.name, scenario.version, fmt),
                )
        st.button(t("scenarios.delete"), key=DELETE_BUTTON, icon=":material/delete:", on_click=_on_delete_request, args=(name,))
    if scenario is not None and (scenario.notes or scenario.provenance):
        with st.expander(t("scenarios.details")):
            if scenario.notes:
                st.text(scenario.notes)
            if scenario.provenance:
                st.dataframe(
                    safe_table(
                        pd.DataFrame(
                            {
                                t("scenarios.column_parameter"): [
                                    param_label(k) if k in PARAMETER_SPECS else k for k in scenario.descriptions
                                ],
                                t("scenarios.column_source"): list(scenario.descriptions.values()),
                            }
                        )
                    ),
                    hide_index=True,
                    key=PROVENANCE_TABLE,
                )
    if st.session_state.get(PENDING_DELETE) == name:
        with st.container(key=CONFIRM_DELETE_PANEL):
            st.warning(t("scenarios.delete_confirm", name=plain(name)), icon=":material/warning:")
            with st.container(horizontal=True):
                st.button(
                    t("scenarios.delete_yes"),
                    key=DELETE_YES_BUTTON,
                    type="primary",
                    on_click=_on_delete_confirm,
                    args=(name,),
                )
                st.button(t("scenarios.delete_no"), key=DELETE_NO_BUTTON, on_click=_on_delete_cancel)
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.text_input(t("scenarios.new_name"), key=NEW_NAME, max_chars=200)
        st.button(t("scenarios.rename"), key=RENAME_BUTTON, icon=":material/edit:", on_click=_on_rename, args=(name,))
        st.text_input(t("scenarios.copy_name"), key=COPY_NAME, max_chars=200)
        st.button(
            t("scenarios.duplicate"),
            key=DUPLICATE_BUTTON,
            icon=":material/content_copy:",
            on_click=_on_duplicate,
            args=(name,),
        )
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.text_input(t("store.move_to"), key=MOVE_TO, max_chars=100, help=t("store.move_help"))
        st.button(t("store.move"), key=MOVE_BUTTON, icon=":material/drive_file_move:", on_click=_on_move, args=(name,))
    if scenario is not None:
        _render_history(ctx, library, scenario)


def _render_history(ctx: Context, library: ScenarioStore, scenario: SavedScenario) -> None:
    """Every version of the selected scenario; any two compared; one restored as the current version."""
    with st.expander(t_plural("store.history_title", scenario.version), icon=":material/history:"):
        try:
            versions = library.versions(scenario.name)
        except InputError as error:
            st.error(store_error_text(error), icon=":material/error:")
            return
        st.dataframe(
            safe_table(
                pd.DataFrame(
                    {
                        t("store.column_version"): [v.version for v in versions],
                        t("store.column_author"): [v.author or t("store.someone") for v in versions],
                        t("store.column_saved"): [v.saved_at.strftime("%Y-%m-%d %H:%M UTC") for v in versions],
                        t("store.column_note"): [v.note for v in versions],
                    }
                )
            ),
            hide_index=True,
            width="stretch",
            key=VERSIONS_TABLE,
        )
        numbers = [v.version for v in versions]
        if len(numbers) < 2:
            st.caption(t("store.history_one"))
            return
        for key, default in ((HISTORY_FROM, numbers[-2]), (HISTORY_TO, numbers[-1])):
            if st.session_state.get(key) not in numbers:
                st.session_state[key] = default
        columns = st.columns(2)
        first = columns[0].selectbox(t("store.history_from"), numbers, key=HISTORY_FROM)
        second = columns[1].selectbox(t("store.history_to"), numbers, key=HISTORY_TO)
        st.button(
            t("store.restore", version=first),
            key=RESTORE_BUTTON,
            icon=":material/restore:",
            disabled=first == scenario.version,
            on_click=_on_restore,
            args=(scenario.name, first, scenario.version),
        )
        _render_flash("history")  # by the button: the top of the tab is out of sight from here
        if first == second:
            st.info(t("scenarios.waterfall_same"), icon=":material/info:")
            return
        try:
            comparison = compare_scenarios(
                [(t("store.version_label", version=n), library.load_version(scenario.name, n)) for n in (first, second)]
            )
        except InputError as error:
            st.error(store_error_text(error), icon=":material/error:")
            return
        _render_comparison(ctx, comparison, 0, 1, key=HISTORY_STEM)


def _render_import() -> None:
    with st.expander(t("scenarios.import_title"), icon=":material/file_open:"):
        st.file_uploader(t("scenarios.import_file"), type=["json", "toml"], key=UPLOAD, help=t("scenarios.import_help"))
        st.text_input(t("scenarios.import_name"), key=IMPORT_NAME, max_chars=200)
        with st.container(horizontal=True, vertical_alignment="center"):
            st.button(t("scenarios.import"), key=IMPORT_BUTTON, icon=":material/upload_file:", on_click=_on_import)
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
        # Names label the table's columns: a name a spreadsheet would run (=HYPERLINK...) gets its apostrophe.
        comparison = compare_scenarios([(safe_cell(name), library.load(name)) for name in chosen])
    except InputError as error:
        st.error(store_error_text(error), icon=":material/error:")
        return
    _render_table_and_bars(ctx, comparison, key=COMPARE_STEM)
    if len(chosen) < 2:
        return
    columns = st.columns(2)
    start = columns[0].selectbox(t("scenarios.waterfall_from"), chosen, index=0, key=WATERFALL_FROM)
    end = columns[1].selectbox(t("scenarios.waterfall_to"), chosen, index=1, key=WATERFALL_TO)
    if start == end:
        st.info(t("scenarios.waterfall_same"), icon=":material/info:")
        return
    _render_waterfall(ctx, comparison, start, end, key=COMPARE_STEM)


def _render_table_and_bars(ctx: Context, comparison: ScenarioComparison, *, key: str) -> None:
    if comparison.mixed_currencies:
        st.warning(t("scenarios.mixed_currencies"), icon=":material/currency_exchange:")
    labels = _output_labels()
    st.caption(t("scenarios.compare_caption"))
    st.dataframe(
        comparison.styled(labels, locale=ctx.locale, choice_labels=_method_labels()),
        width="stretch",
        height=560,
        key=f"{key}_table",
    )
    show_chart(
        lambda: channel_comparison_bars(comparison, labels=channel_labels(), locale=ctx.locale, title=t("scenarios.bars_title")),
        key=f"{key}_bars",
        height=420,
    )


def _render_waterfall(ctx: Context, comparison: ScenarioComparison, start: int | str, end: int | str, *, key: str) -> None:
    show_chart(
        lambda: scenario_waterfall(
            comparison,
            start,
            end,
            labels={key: param_label(key) for key in PARAMETER_SPECS},
            locale=ctx.locale,
            title=t("scenarios.waterfall_title"),
        ),
        key=f"{key}_waterfall",
        height=420,
    )


def _render_comparison(ctx: Context, comparison: ScenarioComparison, start: int, end: int, *, key: str) -> None:
    """Two scenarios (or versions): the table, the channel bars and the waterfall from one to the other."""
    _render_table_and_bars(ctx, comparison, key=key)
    _render_waterfall(ctx, comparison, start, end, key=key)


def _render_workspace_files(library: ScenarioStore) -> None:
    """The whole workspace as one file, and a workspace file read into this one."""
    with st.expander(
        t("store.workspace_files", workspace=plain(workspace_label(library.workspace))), icon=":material/folder_zip:"
    ):
        if st.session_state.get(WORKSPACE_FILE_READY) == library.workspace:
            try:
                data = library.export_workspace()
            except InputError as error:
                st.error(store_error_text(error), icon=":material/error:")
            else:
                st.download_button(
                    t("store.download_workspace"),
                    data=data,
                    file_name=safe_filename(library.workspace, "json"),
                    mime="application/json",
                    key=DOWNLOAD_WORKSPACE_BUTTON,
                    icon=":material/download:",
                    on_click=_on_exported,  # team hook: an export is audited
                    args=("", None, "workspace file"),
                )
        else:
            st.button(
                t("store.prepare_workspace"),
                key=PREPARE_WORKSPACE_BUTTON,
                icon=":material/folder_zip:",
                on_click=lambda: st.session_state.__setitem__(WORKSPACE_FILE_READY, library.workspace),
            )
        st.file_uploader(t("store.workspace_file"), type=["json"], key=WORKSPACE_UPLOAD, help=t("store.workspace_file_help"))
        st.button(
            t("store.import_workspace"),
            key=IMPORT_WORKSPACE_BUTTON,
            icon=":material/upload_file:",
            on_click=_on_import_workspace,
        )


def render_scenarios(ctx: Context) -> None:
    """The tab: messages, saving, the library, importing and comparing."""
    _render_flash()
    library = store()
    try:
        names = library.names()
    except InputError as error:
        st.error(store_error_text(error), icon=":material/error:")
        return
    _render_save(ctx)
    st.divider()
    _render_library(ctx, library, names)
    _render_import()
    _render_workspace_files(library)
    st.divider()
    _render_compare(ctx, library, names)
    if current_identity() is not None:  # team hook (issue 26): members, deleted scenarios, the audit
        from ui.team import render_team_panel

        render_team_panel(library)
