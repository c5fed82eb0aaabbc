"""Team mode's panel in the Scenarios tab: the workspace's members, its deleted scenarios and its audit trail.

Owners manage members (add, change a role, remove), bring deleted scenarios back or purge them, and read
and download the audit trail; everyone else sees their own role only. Every change goes through
:class:`estimator.store.access.TeamStore`, which checks the role again (the panel hides, the store denies).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from estimator.core.parameters import InputError
from estimator.reports.safety import safe_filename
from estimator.store.access import ROLES, TeamStore
from estimator.store.audit import audit_csv
from estimator.text.i18n import t
from ui.messages import store_error_text
from ui.safe_text import plain, safe_table

__all__ = ["render_team_panel"]

MEMBER_EMAIL = "team_member_email"
MEMBER_ROLE = "team_member_role"
MEMBER_PICKED = "team_member_picked"
DELETED_PICKED = "team_deleted_picked"
#: A panel action's outcome for the next drawing: (kind, text).
TEAM_FLASH = "team_flash"


def _run(action, success: str) -> None:
    try:
        action()
    except InputError as error:
        st.session_state[TEAM_FLASH] = ("error", store_error_text(error))
        return
    st.session_state[TEAM_FLASH] = ("success", success)


def _on_set_member(library: TeamStore) -> None:
    email = (st.session_state.get(MEMBER_EMAIL) or "").strip()
    role = st.session_state.get(MEMBER_ROLE) or "viewer"
    _run(lambda: library.set_member(email, role), t("team.member_set", email=plain(email), role=t(f"team.role_{role}")))
    st.session_state[MEMBER_EMAIL] = ""


def _on_remove_member(library: TeamStore) -> None:
    email = st.session_state.get(MEMBER_PICKED) or ""
    _run(lambda: library.remove_member(email), t("team.member_removed", email=plain(email)))


def _on_restore_deleted(library: TeamStore) -> None:
    name = st.session_state.get(DELETED_PICKED) or ""
    _run(lambda: library.restore_deleted(name), t("team.deleted_restored", name=plain(name)))


def _on_purge(library: TeamStore) -> None:
    name = st.session_state.get(DELETED_PICKED) or ""
    _run(lambda: library.purge(name), t("team.deleted_purged", name=plain(name)))


def render_team_panel(library: TeamStore) -> None:
    """The panel; owners get the members, the deleted scenarios and the audit trail."""
    st.divider()
    role = library.role()
    st.subheader(t("team.title"))
    st.caption(t("team.your_role", role=t(f"team.role_{role}") if role else t("team.role_none")))
    message = st.session_state.pop(TEAM_FLASH, None)
    if message:
        (st.success if message[0] == "success" else st.error)(message[1])
    if role != "owner":
        return
    with st.expander(t("team.members_title"), icon=":material/group:", expanded=True):
        members = library.members()
        st.dataframe(
            safe_table(
                pd.DataFrame(
                    {
                        t("team.column_email"): [m.email for m in members],
                        t("team.column_role"): [t(f"team.role_{m.role}") for m in members],
                        t("team.column_added"): [m.added_at[:16].replace("T", " ") for m in members],
                    }
                )
            ),
            hide_index=True,
            width="stretch",
            key="team_members_table",
        )
        with st.container(horizontal=True, vertical_alignment="bottom"):
            st.text_input(t("team.member_email"), key=MEMBER_EMAIL, max_chars=254, placeholder="name@firm.example")
            st.selectbox(t("team.member_role"), ROLES, key=MEMBER_ROLE, format_func=lambda r: t(f"team.role_{r}"))
            st.button(
                t("team.member_set_button"), key="team_member_set", type="primary", on_click=_on_set_member, args=(library,)
            )
        others = [m.email for m in members if m.email != library.identity.email]
        if others:
            with st.container(horizontal=True, vertical_alignment="bottom"):
                st.selectbox(t("team.member_pick"), others, key=MEMBER_PICKED)
                st.button(t("team.member_remove"), key="team_member_remove", on_click=_on_remove_member, args=(library,))
    deleted = library.deleted()
    if deleted:
        with st.expander(t("team.deleted_title"), icon=":material/delete:"):
            st.dataframe(
                safe_table(
                    pd.DataFrame(
                        {
                            t("scenarios.column_name"): [d.name for d in deleted],
                            t("team.column_deleted_by"): [d.deleted_by for d in deleted],
                            t("team.column_deleted_at"): [d.deleted_at[:16].replace("T", " ") for d in deleted],
                        }
                    )
                ),
                hide_index=True,
                width="stretch",
                key="team_deleted_table",
            )
            with st.container(horizontal=True, vertical_alignment="bottom"):
                st.selectbox(t("team.deleted_pick"), [d.name for d in deleted], key=DELETED_PICKED)
                st.button(t("team.deleted_restore"), key="team_deleted_restore", on_click=_on_restore_deleted, args=(library,))
                st.button(t("team.deleted_purge"), key="team_deleted_purge", on_click=_on_purge, args=(library,))
    with st.expander(t("team.audit_title"), icon=":material/receipt_long:"):
        entries = library.audit()
        frame = pd.DataFrame(
            {
                t("team.column_when"): [e.at.strftime("%Y-%m-%d %H:%M:%S UTC") for e in entries],
                t("team.column_email"): [e.email for e in entries],
                t("team.column_action"): [t(f"team.action.{e.action}") for e in entries],
                t("scenarios.column_name"): [e.scenario for e in entries],
                t("store.column_version"): pd.array([e.version for e in entries], dtype="Int64"),  # blank when none
                t("team.column_detail"): [e.detail for e in entries],
            }
        )
        st.dataframe(safe_table(frame), hide_index=True, width="stretch", key="team_audit_table")
        st.download_button(
            t("team.audit_download"),
            data=audit_csv(entries),
            file_name=safe_filename(f"audit-{library.workspace}", "csv"),
            mime="text/csv",
            key="team_audit_download",
            icon=":material/download:",
        )
