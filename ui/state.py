"""The session's scenario: one validated set of values, the widgets kept in step with it, and the URL.

The single source of truth is ``st.session_state[SCENARIO]``, a dict of valid values
(``Parameters.to_dict()``), kept by the session rules the notebook follows too
(:class:`estimator.session.Session` over ``st.session_state``: set, apply, reset, preset, load,
ranges, provenance); this module keeps the widgets in step with it. Each numeric parameter has two widgets, a slider and an
exact-value box; their callbacks validate the new value and store it. A value that is not
valid is kept in its box with a message, never stored, so the figures always come from a
valid scenario and nothing the user typed is lost.

The other widget follows by being drawn anew: every widget key carries a version
(``slider_churn_rate-3``), and a change from elsewhere (the box, a preset, a reset) bumps the
version, so the widget is created again with the scenario's value. Widget values are never
written through ``st.session_state``: such a write can be lost when a run is interrupted by the
next key press, and the browser then reports the stale value back as if the user had set it.
For the same reason a callback from a widget that is no longer the current version (the
browser had not yet received its replacement) is ignored: only the widget on screen speaks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import streamlit as st

from estimator import PARAMETER_SPECS, ParameterError, Parameters, Preset, links
from estimator.controls import EntryProblem, control_for, read_entry
from estimator.core.parameters import NUMERIC_KEYS, Problem
from estimator.session import Session
from estimator.text.formatting import format_entry
from estimator.text.i18n import DEFAULT_LANGUAGE, choose_language, language_from_locale

__all__ = [
    "EntryProblem",
    "baseline",
    "cache_key",
    "checked_ranges",
    "current_parameters",
    "current_preset",
    "entry_key",
    "entry_text",
    "initialise",
    "initialise_language",
    "language",
    "on_language",
    "slider_key",
    "sync_query_params",
    "workspace",
]

SCENARIO = Session.SCENARIO
PRESET = Session.PRESET
VIEW = "view_mode"
BASELINE = "baseline"
BASELINE_TIME = "baseline_time"
LINK_PROBLEMS = "link_problems"
ENTRY_PROBLEMS = "entry_problems"
PRESET_WIDGET = "preset_picker"
CURRENCY_WIDGET = "currency_picker"
METHOD_WIDGET = "method_picker"
LANGUAGE = "language"
LANGUAGE_CHOSEN = "language_chosen"
LANGUAGE_WIDGET = "language_picker"
#: The query parameter that carries the language in a shared link (``?lang=pl``).
LANGUAGE_QUERY = links.LANGUAGE_QUERY
#: The scenario library's workspace of this session, and whether it was chosen (then it goes into the link).
WORKSPACE = "store_workspace"
WORKSPACE_CHOSEN = "store_workspace_chosen"


VERSIONS = "widget_versions"


def session() -> Session:
    """The session rules (:mod:`estimator.session`, shared with the notebook) over ``st.session_state``."""
    return Session(st.session_state)


def _version(name: str) -> int:
    return st.session_state.get(VERSIONS, {}).get(name, 0)


def _bump(*names: str) -> None:
    versions = dict(st.session_state.get(VERSIONS, {}))
    for name in names:
        versions[name] = versions.get(name, 0) + 1
    st.session_state[VERSIONS] = versions


def slider_key(key: str) -> str:
    """Current widget key of a parameter's slider, ``slider_<key>-<version>`` (CSS class ``st-key-...``)."""
    return f"slider_{key}-{_version('slider_' + key)}"


def entry_key(key: str) -> str:
    """Current widget key of a parameter's exact-value box, ``entry_<key>-<version>``."""
    return f"entry_{key}-{_version('entry_' + key)}"


def method_key() -> str:
    """Current widget key of the method switch."""
    return f"{METHOD_WIDGET}-{_version(METHOD_WIDGET)}"


def currency_key() -> str:
    """Current widget key of the currency picker."""
    return f"{CURRENCY_WIDGET}-{_version(CURRENCY_WIDGET)}"


def _browser_locale() -> str | None:
    """The browser's locale ("pl-PL"), or ``None`` where there is none (e.g. in AppTest)."""
    try:
        return st.context.locale
    except Exception:  # an unavailable context only means "no preference"
        return None


def initialise_language() -> str:
    """The session's language: the one picked, else the link's ``lang``, else the browser's, else English.

    Decided on the session's first run; an unknown ``lang`` falls back quietly.
    """
    if LANGUAGE not in st.session_state:
        from_link = language_from_locale(st.query_params.get(LANGUAGE_QUERY))
        st.session_state[LANGUAGE] = choose_language(from_link, _browser_locale())
        st.session_state[LANGUAGE_CHOSEN] = from_link is not None
    return st.session_state[LANGUAGE]


def language() -> str:
    """The language of this session."""
    return st.session_state.get(LANGUAGE, DEFAULT_LANGUAGE)


def on_language() -> None:
    """Callback of the language selector: the choice holds for the session and goes into the link."""
    st.session_state[LANGUAGE] = choose_language(st.session_state[LANGUAGE_WIDGET])
    st.session_state[LANGUAGE_CHOSEN] = True


def initialise() -> None:
    """On a session's first run, build the scenario from the URL (or the generic preset)."""
    if SCENARIO in st.session_state:
        return
    query = {key: value for key, value in st.query_params.to_dict().items() if key != LANGUAGE_QUERY}
    link = links.scenario_from_query(query)
    st.session_state[VIEW] = link.view
    st.session_state[LINK_PROBLEMS] = list(link.problems)
    st.session_state[ENTRY_PROBLEMS] = {}
    st.session_state[BASELINE] = None
    # Ranges already in the session (none in a browser's first run) are kept: tests open the app with some.
    session().start(link.preset, link.parameters, ranges=st.session_state.get(CUSTOM_RANGES))
    if "prospect_contacts" not in query:  # MODEL.md v3: a link's customers carry the preset's volumes with them
        _redraw(session().follow_customers())
    if st.query_params.get(links.WORKSPACE_QUERY):
        workspace()  # read the link's workspace before the URL is rewritten
    # Without one the default workspace is settled when first needed: checking a name takes the
    # scenario library's modules (SQLAlchemy, pandas), which the first screen does without.


def current_parameters() -> Parameters:
    """The current scenario (always valid)."""
    return session().parameters


def current_preset() -> Preset:
    """The preset the scenario started from."""
    return session().preset


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
    """A value entered by hand: stored by the session rules; volumes that followed the customers are drawn anew."""
    changed = session().set({key: value})
    st.session_state[ENTRY_PROBLEMS].pop(key, None)
    followed = [other for other in changed if other != key]
    if followed:
        _redraw(followed)


#: MODEL.md v3: the volumes scaled with the customers (key -> Scaling), while nobody entered them.
SCALED = Session.SCALED


def scaled() -> tuple[Any, ...]:
    """The volumes scaled with the customer base (:class:`estimator.core.provenance.Scaling`), for the estimate."""
    return session().scaled


def entry_text(key: str, locale: str) -> str:
    """What a parameter's exact-value box shows when it is created: the scenario's value written
    the ``locale``'s way, or the invalid text typed before (so closing its group loses nothing)."""
    problem = st.session_state[ENTRY_PROBLEMS].get(key)
    if problem is not None and problem.shown is not None:
        return str(problem.shown)
    return format_entry(control_for(key).to_display(st.session_state[SCENARIO][key]), locale=locale)


def _redraw(keys: Iterable[str]) -> None:
    """Create the widgets of ``keys`` anew with the scenario's values (and forget typed errors)."""
    names = []
    for key in keys:
        if key in NUMERIC_KEYS:
            names += [f"slider_{key}", f"entry_{key}"]
        st.session_state[ENTRY_PROBLEMS].pop(key, None)
    _bump(*names, METHOD_WIDGET, CURRENCY_WIDGET)


def on_slider(key: str, widget: str) -> None:
    """Callback of a parameter's slider: store its value; the exact-value box is drawn anew."""
    if widget != slider_key(key):
        return  # a replaced slider reporting the value it had before
    control = control_for(key)
    position = st.session_state[widget]
    _store(key, float(position) if control.kind == "log" else control.from_display(position))
    _bump(f"entry_{key}")


def on_entry(key: str, widget: str, locale: str = "en") -> None:
    """Callback of a parameter's exact-value box: store a valid value; the slider is drawn anew.

    The text is read with ``locale``'s decimal and group marks (or a plain decimal point). An
    invalid value stays in the box, exactly as typed, and is reported; the scenario keeps its
    last valid value.
    """
    if widget != entry_key(key):
        return  # a replaced box reporting the value it had before
    value, problem = read_entry(key, st.session_state[widget], locale)
    if problem is not None:
        st.session_state[ENTRY_PROBLEMS][key] = problem
        return
    _store(key, value)
    _bump(f"slider_{key}")


def on_method(widget: str) -> None:
    """Callback of the method switch."""
    if widget == method_key():
        _store("method", st.session_state[widget])


def on_currency(widget: str) -> None:
    """Callback of the currency picker (a code from the list, validated again all the same)."""
    if widget != currency_key():
        return
    try:
        _store("currency", Parameters(currency=st.session_state[widget]).currency)
    except ParameterError:
        _bump(CURRENCY_WIDGET)


def on_preset() -> None:
    """Callback of the preset picker: start again from the chosen preset (no custom range or provenance kept)."""
    session().choose_preset(st.session_state[PRESET_WIDGET])
    st.session_state.pop(RANGE_EDITOR, None)
    _redraw(PARAMETER_SPECS)


def reset_to_preset(keys: Iterable[str] | None = None) -> None:
    """Callback: put ``keys`` (every parameter and the currency when ``None``) back to the preset."""
    keys = [*PARAMETER_SPECS, "currency"] if keys is None else list(keys)
    changed = session().reset(keys)
    _redraw({*keys, *changed})


# --- a saved scenario made current (the scenario library) -------------------------------------

#: Where calibrated values' sources are kept for the session (parameter -> (value, description)).
PROVENANCE = Session.PROVENANCE
#: The uncertainty ranges the user typed or applied (parameter -> (low, high)) and their editor's widget key.
CUSTOM_RANGES = Session.RANGES
RANGE_EDITOR = "uncertainty_range_editor"


def load_scenario(
    parameters: Parameters,
    ranges: Mapping[str, tuple[float, float]] | None = None,
    provenance: Mapping[str, Any] | None = None,
) -> None:
    """Make a saved scenario the current one: every value, the currency, its name, ranges and provenance.

    Call it from a widget callback, so the same run's headline and widgets show the scenario;
    every input widget is drawn anew, and the uncertainty tab's range editor starts again.
    """
    from estimator.core.scenario import Scenario

    session().load(Scenario("", Parameters(parameters), ranges=ranges or {}, provenance=provenance or {}))
    _redraw(PARAMETER_SPECS)
    st.session_state.pop(RANGE_EDITOR, None)


def set_scenario_name(name: str) -> None:
    """Callback: the current scenario is now called ``name`` (saved under it): the link's ``name=`` follows."""
    session().rename(name)


#: The notes typed in the Scenarios tab (or of the scenario loaded there); the deliverables carry them.
SCENARIO_NOTES = "scenarios_save_notes"


def cache_key(params: Parameters) -> tuple:
    """The scenario as plain, hashable data: what the tabs' cached analyses and files are keyed on."""
    return tuple(sorted(params.to_dict().items()))


def scenario_notes() -> str:
    """The scenario's notes (empty when none were typed)."""
    return str(st.session_state.get(SCENARIO_NOTES) or "")


def custom_ranges() -> dict[str, tuple[float, float]]:
    """The uncertainty ranges the user set in this session, parameter -> (low, high)."""
    return session().custom_ranges()


def set_custom_ranges(ranges: Mapping[str, tuple[float, float]]) -> None:
    """Keep ``ranges`` as the user's uncertainty ranges (the range editor's table stays as edited)."""
    session().set_ranges(ranges)


def clear_custom_ranges() -> None:
    """Back to the default ranges; the range editor starts again."""
    session().clear_ranges()
    st.session_state.pop(RANGE_EDITOR, None)


def checked_ranges(params: Parameters) -> tuple[dict[str, tuple[float, float]], list[tuple[tuple[float, float], Problem]]]:
    """The custom ranges that fit the scenario, and the bounds and problem of each that does not.

    A range typed earlier may no longer hold the scenario's value after a slider moved: it is set
    aside, not deleted, and the default range is used instead (the uncertainty tab says so).
    ``params`` is the session's scenario (:func:`current_parameters`).
    """
    return session().checked_ranges()


def usable_ranges(params: Parameters) -> dict[str, tuple[float, float]]:
    """The custom ranges that fit the scenario (see :func:`checked_ranges`)."""
    return session().usable_ranges()


def provenance() -> dict[str, str]:
    """Where calibrated values came from, parameter -> description, for the values the data gave that
    the scenario still holds (a value moved by hand since is the user's: not saved as the data's)."""
    return session().descriptions


def provenance_record(key: str) -> tuple[Any, str] | None:
    """The value the data gave ``key`` and where it came from, or ``None`` when it was not calibrated."""
    return session().record(key)


def record_provenance(sources: Mapping[str, str]) -> None:
    """Record where the scenario's current values of ``sources``' keys came from (e.g. a calibration).

    The value is remembered beside its description, so a value moved by hand afterwards is seen
    to be the user's, not the data's; a saved scenario keeps the descriptions.
    """
    session().record_sources(sources)


#: The calibration last applied, as its JSON (for the deck's method slide: the CFO sentence).
APPLIED_CALIBRATION = Session.CALIBRATION


def applied_calibration() -> dict[str, Any] | None:
    """The JSON of the calibration last applied (``Calibration.to_dict()``), or None."""
    return session().applied_calibration


def record_applied_calibration(data: Mapping[str, Any]) -> None:
    """Keep the applied calibration's JSON for the deliverables (its CFO sentence on the method slide)."""
    session().record_calibration(data)


def apply_values(values: Mapping[str, Any], ranges: Mapping[str, tuple[float, float]] | None = None) -> None:
    """Callback: set some parameters from elsewhere (e.g. a calibration), keeping everything else.

    The values are validated together with the rest of the scenario and stored; their widgets are
    drawn anew; and ``ranges`` become their uncertainty ranges (the range editor starts again).
    Record where they came from with :func:`record_provenance`.

    Raises
    ------
    ParameterError
        When a value is not valid; nothing is changed then.
    """
    _redraw(session().apply(values, ranges=ranges))
    if ranges:
        st.session_state.pop(RANGE_EDITOR, None)


# --- the URL ------------------------------------------------------------------------------------


def workspace() -> str:
    """The session's workspace of the scenario library: the one picked, else the link's ``workspace``, else the default."""
    if WORKSPACE not in st.session_state:
        from estimator.store import DEFAULT_WORKSPACE, ScenarioError, check_name

        raw = st.query_params.get(links.WORKSPACE_QUERY)
        try:
            st.session_state[WORKSPACE] = check_name(raw, "workspace") if raw else DEFAULT_WORKSPACE
        except ScenarioError:  # an unusable name in a link: the default workspace, as for any bad link value
            st.session_state[WORKSPACE] = DEFAULT_WORKSPACE
        st.session_state[WORKSPACE_CHOSEN] = bool(raw) and st.session_state[WORKSPACE] != DEFAULT_WORKSPACE
    return st.session_state[WORKSPACE]


def set_workspace(name: str) -> None:
    """Open another workspace for this session (it goes into the link)."""
    st.session_state[WORKSPACE] = name
    st.session_state[WORKSPACE_CHOSEN] = True


def sync_query_params() -> None:
    """Write the scenario into the URL (only when it changed), so a copied link reopens it."""
    wanted = links.scenario_to_query(current_preset(), current_parameters(), view=view())
    if st.session_state.get(WORKSPACE_CHOSEN):
        wanted[links.WORKSPACE_QUERY] = workspace()
    # The language travels with the link once it is not English or was chosen (the picker or
    # the opening link), so a shared link opens in the language it was made in.
    if language() != DEFAULT_LANGUAGE or st.session_state.get(LANGUAGE_CHOSEN):
        wanted[LANGUAGE_QUERY] = language()
    present = st.query_params.to_dict()
    kept = {key: value for key, value in present.items() if key in links.IGNORED_QUERY_KEYS}
    if {key: value for key, value in present.items() if key not in links.IGNORED_QUERY_KEYS} != wanted:
        st.query_params.from_dict({**kept, **wanted})
