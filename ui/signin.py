"""Team mode's sign-in gate: nothing but the sign-in page renders until the identity provider vouches.

Off unless ``CHURN_ESTIMATOR_TEAM`` is set (:func:`estimator.store.access.team_mode`); then the app signs
people in with Streamlit's OpenID Connect support (``st.login``, ``st.user``, ``st.logout``; the ``[auth]``
section of ``.streamlit/secrets.toml``, see docs/deployment.md). Streamlit keeps the identity in a signed
cookie (a forged one reads as signed out); an ID token past its ``exp`` is refused here, since Streamlit
does not check it.

``st.login`` comes back to the app's home page (Streamlit's documented behaviour: the callback redirects to
``/``), so a link opened before sign-in (``?workspace=...`` and a scenario) would be lost: the sign-in page
keeps its query string in a short-lived cookie (:func:`_remember_link`) and the session's first run puts it
back before the app reads the URL (:func:`restore_link`), then forgets it.
"""

from __future__ import annotations

import base64
import binascii
import json
import time

import streamlit as st

from estimator.team_mode import team_mode
from estimator.text.i18n import t
from ui.safe_text import plain

__all__ = ["current_identity", "require_sign_in", "restore_link"]

#: Set once the session's sign-in has been written to the audit trail.
SIGN_IN_RECORDED = "team_sign_in_recorded"
#: The cookie carrying a link's query across the sign-in round trip, and how long it lives (one sign-in).
LINK_COOKIE = "churn_estimator_link"
LINK_COOKIE_SECONDS = 600
#: A longer query (a browser keeps about 4 KB a cookie) keeps only its workspace and language.
MAX_LINK_LENGTH = 3000
#: Set on a session's first run, once the link has been put back (or there was none).
LINK_RESTORED = "team_link_restored"
#: Set once the signed-in session has deleted the link cookie.
LINK_FORGOTTEN = "team_link_forgotten"


def _set_link_cookie(value: str, seconds: int) -> None:
    """Write (or, with 0 seconds, delete) the link cookie from the page: Streamlit can read cookies, not set them."""
    cookie = f"{LINK_COOKIE}={value}; path=/; max-age={seconds}; samesite=lax"
    # Hidden: the element only runs its script. The value is base64url, so json.dumps gives a plain JS string.
    with st.container(key="team_link_cookie"):
        st.html(
            f"<style>.st-key-team_link_cookie{{display:none}}</style><script>document.cookie = {json.dumps(cookie)};</script>",
            unsafe_allow_javascript=True,
        )


def _remember_link() -> None:
    """On the sign-in page: keep the link's query (workspace, scenario, language) for after the round trip."""
    query = st.query_params.to_dict()
    if not query:
        if st.context.cookies.get(LINK_COOKIE):
            _set_link_cookie("", 0)  # a stale link from an earlier sign-in page must not come back
        return
    text = json.dumps(query, ensure_ascii=False)
    if len(text) > MAX_LINK_LENGTH:
        from estimator.links import LANGUAGE_QUERY, WORKSPACE_QUERY

        text = json.dumps({k: v for k, v in query.items() if k in (WORKSPACE_QUERY, LANGUAGE_QUERY)}, ensure_ascii=False)
    _set_link_cookie(base64.urlsafe_b64encode(text.encode()).decode().rstrip("="), LINK_COOKIE_SECONDS)


def _remembered_link() -> dict[str, str]:
    """The query kept by the sign-in page, ``{}`` when none or unreadable (anything else is checked as any link is)."""
    raw = st.context.cookies.get(LINK_COOKIE) or ""
    if not raw or len(raw) > 2 * MAX_LINK_LENGTH:
        return {}
    try:
        query = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    except (binascii.Error, ValueError):
        return {}
    if not isinstance(query, dict):
        return {}
    return {key: value for key, value in query.items() if isinstance(key, str) and isinstance(value, str)}


def restore_link() -> None:
    """In team mode, on a session's first run: the link kept across sign-in back into an empty URL (before
    the app reads it). The cookie is forgotten once signed in, so a later visit opens the home page."""
    if not team_mode() or st.session_state.get(LINK_RESTORED):
        return
    st.session_state[LINK_RESTORED] = True
    if st.query_params.to_dict():
        return  # the URL's own query wins
    query = _remembered_link()
    if query:
        st.query_params.from_dict(query)


def _claims() -> dict:
    try:
        return dict(st.user.to_dict()) if hasattr(st.user, "to_dict") else {key: st.user[key] for key in st.user}
    except Exception:  # no auth configured: st.user has no attributes
        return {}


def current_identity():
    """The signed-in :class:`~estimator.store.access.Identity` in team mode (``None`` outside it or before sign-in)."""
    if not team_mode():
        return None
    from estimator.store.access import Identity  # SQLAlchemy: only in team mode

    claims = _claims()
    if not claims.get("is_logged_in"):
        return None
    expires = claims.get("exp")
    if isinstance(expires, int | float) and expires < time.time():
        return None
    return Identity.from_claims(claims)


def _render_page(message: str | None = None) -> None:
    with st.container(key="team_sign_in"):
        st.title(t("team.sign_in_title"))
        st.write(t("team.sign_in_text"))
        if message:
            st.warning(message, icon=":material/lock:")
        st.button(t("team.sign_in"), key="team_sign_in_button", type="primary", icon=":material/login:", on_click=st.login)


def require_sign_in():
    """In team mode, the identity or the sign-in page (then the run stops); outside team mode, ``None``."""
    if not team_mode():
        return None
    claims = _claims()
    if not claims.get("is_logged_in"):
        _remember_link()
        _render_page()
        st.stop()
    if st.context.cookies.get(LINK_COOKIE) and not st.session_state.get(LINK_FORGOTTEN):
        st.session_state[LINK_FORGOTTEN] = True
        _set_link_cookie("", 0)  # signed in: the link is back in the URL (restore_link), used once
    identity = current_identity()
    if identity is None:
        expired = isinstance(claims.get("exp"), int | float) and claims["exp"] < time.time()
        _render_page(t("team.expired") if expired else t("team.no_email"))
        st.button(t("team.sign_out"), key="team_sign_out_refused", on_click=st.logout)
        st.stop()
    if not st.session_state.get(SIGN_IN_RECORDED):
        from estimator.store import ScenarioStore
        from estimator.store.access import TeamStore

        TeamStore(ScenarioStore(), identity).record_sign_in()
        st.session_state[SIGN_IN_RECORDED] = True
    with st.sidebar, st.container(horizontal=True, vertical_alignment="center", key="team_signed_in"):
        st.caption(t("team.signed_in_as", email=plain(identity.email)))
        st.button(t("team.sign_out"), key="team_sign_out", type="tertiary", icon=":material/logout:", on_click=st.logout)
    return identity
