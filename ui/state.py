"""The session's scenario: one validated set of values, the widgets kept in step with it, and the URL.

The single source of truth is ``st.session_state[SCENARIO]``, a dict of valid values
(``Parameters.to_dict()``). Each numeric parameter has two widgets, a slider and an
exact-value box; their callbacks validate the new value, store it, and move the other widget
to match. A value that is not valid is kept in its box with a message, never stored, so the
figures always come from a valid scenario and nothing the user typed is lost.

Callbacks run before the script body, which is the only moment Streamlit lets them set
other widgets' values.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import streamlit as st

from estimator import PARAMETER_SPECS, ParameterError, Parameters, Preset, load_preset
from estimator.parameters import NUMERIC_KEYS
from ui import links
from ui.controls import control_for

__all__ = [
    "EntryProblem",
    "baseline",
    "current_parameters",
    "current_preset",
    "entry_key",
    "initialise",
    "slider_key",
    "sync_query_params",
]

SCENARIO = "scenario"
PRESET = "preset_name"
VIEW = "view_mode"
BASELINE = "baseline"
BASELINE_TIME = "baseline_time"
LINK_PROBLEMS = "link_problems"
ENTRY_PROBLEMS = "entry_problems"
PRESET_WIDGET = "preset_picker"
CURRENCY_WIDGET = "currency_picker"
METHOD_WIDGET = "method_picker"


def slider_key(key: str) -> str:
    """Session-state key (and CSS class ``st-key-slider_<key>``) of a parameter's slider."""
    return f"slider_{key}"


def entry_key(key: str) -> str:
    """Session-state key (and CSS class ``st-key-entry_<key>``) of a parameter's exact-value box."""
    return f"entry_{key}"


@dataclass(frozen=True)
class EntryProblem:
    """A typed value that was not used: what was typed (display units) and the reason code."""

    key: str
    shown: Any
    reason: str


def initialise() -> None:
    """On a session's first run, build the scenario from the URL (or the generic preset)."""
    if SCENARIO in st.session_state:
        return
    link = links.scenario_from_query(st.query_params.to_dict())
    st.session_state[PRESET] = link.preset
    st.session_state[SCENARIO] = link.parameters.to_dict()
    st.session_state[VIEW] = link.view
    st.session_state[LINK_PROBLEMS] = list(link.problems)
    st.session_state[ENTRY_PROBLEMS] = {}
    st.session_state[BASELINE] = None


def current_parameters() -> Parameters:
    """The current scenario (always valid)."""
    return Parameters(st.session_state[SCENARIO])


def current_preset() -> Preset:
    """The preset the scenario started from."""
    return load_preset(st.session_state[PRESET])


def view() -> str:
    """``"edit"`` or ``"present"``."""
    return st.session_state[VIEW]


def set_view(mode: str) -> None:
    """Callback: switch between the editing and the presentation view."""
    st.session_state[VIEW] = mode


def link_problems() -> list[links.LinkProblem]:
    """Values of the opening link that were ignored."""
    return st.session_state[LINK_PROBLEMS]


def dismiss_link_problems() -> None:
    """Callback: hide the notice about ignored link values."""
    st.session_state[LINK_PROBLEMS] = []


def entry_problems() -> dict[str, EntryProblem]:
    """Typed values that are not used, by parameter key."""
    return st.session_state[ENTRY_PROBLEMS]


def baseline() -> tuple[Parameters, datetime] | None:
    """The pinned baseline scenario and when it was pinned, if any."""
    pinned = st.session_state.get(BASELINE)
    return (Parameters(pinned), st.session_state[BASELINE_TIME]) if pinned else None


def pin_baseline() -> None:
    """Callback: keep the current scenario as the baseline."""
    st.session_state[BASELINE] = dict(st.session_state[SCENARIO])
    st.session_state[BASELINE_TIME] = datetime.now()


def clear_baseline() -> None:
    """Callback: forget the baseline."""
    st.session_state[BASELINE] = None


# --- keeping the widgets in step with the scenario -------------------------------------------


def _store(key: str, value: Any) -> None:
    # A new dict rather than an update in place, so nothing else holding the old one changes.
    st.session_state[SCENARIO] = {**st.session_state[SCENARIO], key: value}
    st.session_state[ENTRY_PROBLEMS].pop(key, None)


def ensure_widget_state(key: str) -> None:
    """Give a parameter's widgets their values from the scenario if they have none yet.

    Widgets lose their state when they are not drawn (e.g. in the presentation view); they
    are filled again from the scenario rather than from their defaults.
    """
    value = st.session_state[SCENARIO][key]
    control = control_for(key)
    if slider_key(key) not in st.session_state:
        st.session_state[slider_key(key)] = control.slider_position(value)
    if entry_key(key) not in st.session_state:
        # A value typed but not valid is shown again, so closing its group loses nothing.
        problem = st.session_state[ENTRY_PROBLEMS].get(key)
        st.session_state[entry_key(key)] = problem.shown if problem and problem.shown is not None else control.to_display(value)


def _push_to_widgets(keys: Iterable[str]) -> None:
    values = st.session_state[SCENARIO]
    for key in keys:
        if key in NUMERIC_KEYS:
            control = control_for(key)
            st.session_state[slider_key(key)] = control.slider_position(values[key])
            st.session_state[entry_key(key)] = control.to_display(values[key])
        st.session_state[ENTRY_PROBLEMS].pop(key, None)
    st.session_state[METHOD_WIDGET] = values["method"]
    st.session_state[CURRENCY_WIDGET] = values["currency"]


def on_slider(key: str) -> None:
    """Callback of a parameter's slider: store its value and move the exact-value box."""
    control = control_for(key)
    position = st.session_state[slider_key(key)]
    value = float(position) if control.kind == "log" else control.from_display(position)
    _store(key, value)
    st.session_state[entry_key(key)] = control.to_display(value)


def on_entry(key: str) -> None:
    """Callback of a parameter's exact-value box: store a valid value and move the slider.

    An invalid value stays in the box and is reported; the scenario keeps its last valid value.
    """
    control = control_for(key)
    shown = st.session_state[entry_key(key)]
    if shown is None:
        st.session_state[ENTRY_PROBLEMS][key] = EntryProblem(key, None, "empty")
        return
    value, reason = PARAMETER_SPECS[key].check(control.from_display(shown))
    if reason:
        st.session_state[ENTRY_PROBLEMS][key] = EntryProblem(key, shown, links.reason_code(reason))
        return
    _store(key, value)
    st.session_state[slider_key(key)] = control.slider_position(value)


def on_method() -> None:
    """Callback of the method switch."""
    _store("method", st.session_state[METHOD_WIDGET])


def on_currency() -> None:
    """Callback of the currency picker (a code from the list, validated again all the same)."""
    code = st.session_state[CURRENCY_WIDGET]
    try:
        _store("currency", Parameters(currency=code).currency)
    except ParameterError:
        st.session_state[CURRENCY_WIDGET] = st.session_state[SCENARIO]["currency"]


def on_preset() -> None:
    """Callback of the preset picker: start again from the chosen preset."""
    name = st.session_state[PRESET_WIDGET]
    st.session_state[PRESET] = name
    st.session_state[SCENARIO] = load_preset(name).parameters.to_dict()
    _push_to_widgets(PARAMETER_SPECS)


def reset_to_preset(keys: Iterable[str] | None = None) -> None:
    """Callback: put ``keys`` (every parameter and the currency when ``None``) back to the preset."""
    preset_values = current_preset().parameters.to_dict()
    keys = [*PARAMETER_SPECS, "currency"] if keys is None else list(keys)
    st.session_state[SCENARIO] = {**st.session_state[SCENARIO], **{key: preset_values[key] for key in keys}}
    _push_to_widgets(keys)


# --- the URL ------------------------------------------------------------------------------------


def sync_query_params() -> None:
    """Write the scenario into the URL (only when it changed), so a copied link reopens it."""
    wanted = links.scenario_to_query(current_preset(), current_parameters(), view=view())
    present = st.query_params.to_dict()
    kept = {key: value for key, value in present.items() if key in links.IGNORED_QUERY_KEYS}
    if {key: value for key, value in present.items() if key not in links.IGNORED_QUERY_KEYS} != wanted:
        st.query_params.from_dict({**kept, **wanted})
