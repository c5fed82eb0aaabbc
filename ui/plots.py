"""Charts on the page, drawn just after the headline on a session's first load.

Loading and starting the browser's charting library takes about a second, and while it does
the browser draws nothing else. So on a session's first run the charts' places are reserved
and everything else is sent first; after a short pause, in which the browser draws the
headline and the inputs, the same run fills the reserved places with the charts. Every later
run, such as after a slider move, draws the charts in place directly.

The pause is part of the first run (not a second run), so no widget state is at stake: a
slider moved during it simply interrupts the run, and the rerun draws everything.

Parts of the page that need slow imports or a database (the sidebar's workspace picker, which
lists the scenario library's workspaces through SQLAlchemy) are deferred the same way with
:func:`show_deferred`; they are drawn first, during the pause, so the pause costs nothing extra.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import streamlit as st

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = [
    "CHART_CONFIG",
    "FIRST_PAINT_PAUSE",
    "charts_enabled",
    "draw_deferred_charts",
    "forget_deferred_charts",
    "show_chart",
    "show_deferred",
]

#: Plotly's mode bar distracts an executive; hovering still shows exact amounts.
CHART_CONFIG = {"displayModeBar": False}
#: Seconds the first run waits, with the headline and inputs sent, before sending the charts.
FIRST_PAINT_PAUSE = 0.6
_CHARTS_ENABLED = "charts_enabled"
_PENDING = "charts_pending"
_PENDING_PARTS = "parts_pending"


def charts_enabled() -> bool:
    """Whether this run draws the charts where they stand (every run after a session's first)."""
    return bool(st.session_state.get(_CHARTS_ENABLED))


def show_chart(build: Callable[[], go.Figure], *, key: str, height: int) -> None:
    """Draw the figure ``build()`` returns, or reserve its place until the end of the first run.

    Parameters
    ----------
    build : callable
        Makes the figure; called only when the chart is drawn.
    key : str
        Element key (also the CSS class ``st-key-<key>``).
    height : int
        The figure's height in pixels, reserved while it is not drawn.
    """
    if charts_enabled():
        st.plotly_chart(build(), config=CHART_CONFIG, key=key)
        return
    slot = st.empty()
    slot.container(height=height, border=False)
    st.session_state.setdefault(_PENDING, []).append((slot, build, key))


def show_deferred(draw: Callable[[], None]) -> None:
    """Draw a part of the page with ``draw()`` here, or on a session's first run at the end of it.

    Parameters
    ----------
    draw : callable
        Draws the part (widgets included) into the current container.
    """
    if charts_enabled():
        draw()
        return
    st.session_state.setdefault(_PENDING_PARTS, []).append((st.empty(), draw))


def forget_deferred_charts() -> None:
    """At the start of a run: drop charts a previous, interrupted first run left waiting
    (their places are gone, and drawing them again would repeat their keys)."""
    st.session_state.pop(_PENDING, None)
    st.session_state.pop(_PENDING_PARTS, None)


def draw_deferred_charts() -> None:
    """At the end of a session's first run: pause for the first paint, then draw the reserved charts."""
    if charts_enabled():
        return
    st.session_state[_CHARTS_ENABLED] = True
    pending = st.session_state.pop(_PENDING, [])
    parts = st.session_state.pop(_PENDING_PARTS, [])
    resume = time.monotonic() + FIRST_PAINT_PAUSE
    for slot, draw in parts:  # during the pause: their imports overlap the browser's first paint
        with slot.container():
            draw()
    if not pending:
        return
    time.sleep(max(0.0, resume - time.monotonic()))
    for slot, build, key in pending:
        slot.plotly_chart(build(), config=CHART_CONFIG, key=key)
