"""Charts on the page, drawn just after the headline on a session's first load.

Loading and starting the browser's charting library takes about a second, and while it does
the browser draws nothing else. So on a session's first run the charts are left out (their
space is reserved) and the headline and the inputs appear at once; a moment later a timer in
the page asks for a full rerun that draws the charts. JavaScript timers fire only once the
browser is free, so the charts follow the first paint rather than compete with it. Every later
run, such as after a slider move, draws the charts directly.
"""

from __future__ import annotations

from collections.abc import Callable

import plotly.graph_objects as go
import streamlit as st

__all__ = ["CHART_CONFIG", "charts_enabled", "schedule_charts", "show_chart"]

#: Plotly's mode bar distracts an executive; hovering still shows exact amounts.
CHART_CONFIG = {"displayModeBar": False}
#: Seconds between the first run and the rerun that draws the charts.
FIRST_PAINT_DELAY = 0.5
_CHARTS_ENABLED = "charts_enabled"
_TRIGGER_ARMED = "charts_trigger_armed"


def charts_enabled() -> bool:
    """Whether this run draws the charts (every run after a session's first paint)."""
    return bool(st.session_state.get(_CHARTS_ENABLED))


def show_chart(build: Callable[[], go.Figure], *, key: str, height: int) -> None:
    """Draw the figure ``build()`` returns, or reserve its space before the first paint.

    Parameters
    ----------
    build : callable
        Makes the figure; not called when the chart is not drawn.
    key : str
        Element key (also the CSS class ``st-key-<key>``).
    height : int
        The figure's height in pixels, reserved while it is not drawn.
    """
    if not charts_enabled():
        st.container(height=height, border=False, key=f"{key}_pending")
        return
    st.plotly_chart(build(), config=CHART_CONFIG, key=key)


def schedule_charts() -> None:
    """Until the charts are enabled, arm a timer in the page that reruns the app to draw them."""
    if charts_enabled():
        return
    st.session_state[_TRIGGER_ARMED] = False

    @st.fragment(run_every=FIRST_PAINT_DELAY)
    def draw_charts_soon() -> None:
        # The call during the full run only arms the timer; its first tick enables the charts.
        if st.session_state.get(_TRIGGER_ARMED):
            st.session_state[_CHARTS_ENABLED] = True
            st.rerun(scope="app")
        st.session_state[_TRIGGER_ARMED] = True

    draw_charts_soon()
