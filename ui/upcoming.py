"""Tabs that later issues fill: calibration.

Each is a function taking the run's :class:`~ui.context.Context`, so a new panel only needs
its own module and an entry in :data:`ui.main.TABS`.
"""

from __future__ import annotations

import streamlit as st

from ui.context import Context
from ui.i18n import t

__all__ = ["render_calibration"]


def render_calibration(ctx: Context) -> None:
    """Fit the inputs to a client's own data: to come."""
    st.info(t("coming.calibration"), icon=":material/construction:")
