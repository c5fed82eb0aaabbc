"""Team mode's sign-in gate: nothing but the sign-in page renders until the identity provider vouches.

Off unless ``CHURN_ESTIMATOR_TEAM`` is set (:func:`estimator.store.access.team_mode`); then the app signs
people in with Streamlit's OpenID Connect support (``st.login``, ``st.user``, ``st.logout``; the ``[auth]``
section of ``.streamlit/secrets.toml``, see docs/deployment.md). Streamlit keeps the identity in a signed
cookie (a forged one reads as signed out); an ID token past its ``exp`` is refused here, since Streamlit
does not check it.
"""

from __future__ import annotations

import time

import streamlit as st

from estimator.team_mode import team_mode
from estimator.text.i18n import t
from ui.safe_text import plain

__all__ = ["current_identity", "require_sign_in"]

#: Set once the session's sign-in has been written to the audit trail.
SIGN_IN_RECORDED = "team_sign_in_recorded"


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
        _render_page()
        st.stop()
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
