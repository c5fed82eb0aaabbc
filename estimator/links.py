"""Scenarios in the URL: read a shared link safely and write the current scenario back.

A link holds the preset and every value of a :class:`~estimator.core.scenario.Scenario` that
differs from it, under the public parameter keys of MODEL.md, in model units
(``?preset=telecom_cable&churn_rate=0.2``), plus ``view``. Only the values: a link is read by anyone,
so ranges, provenance and notes (which may name the client) stay in the library and its files.
Reading never fails: a value that cannot be used is left out and reported as a
:class:`LinkProblem`, and the preset's value stands in for it. Pure logic, no Streamlit: the
app reads and writes its address bar with it, and the notebook app's ``.link()`` writes the
same links (:func:`scenario_url`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from estimator.core.parameters import PARAMETER_SPECS, TEXT_KEYS, ParameterError, Parameters, parse_value
from estimator.core.scenario import Scenario
from estimator.library import Preset, load_preset, preset_names
from estimator.text.i18n import current_language, language_scope, t
from estimator.text.messages import allowed_range, reason_text, render
from estimator.text.user_text import MAX_NAME_LENGTH, escaped

__all__ = [
    "DEFAULT_PRESET",
    "IGNORED_QUERY_KEYS",
    "LANGUAGE_QUERY",
    "VIEWS",
    "WORKSPACE_QUERY",
    "LinkProblem",
    "LinkScenario",
    "allowed_in_link",
    "encode_value",
    "link_problem_text",
    "read_scenario_url",
    "reason_code",
    "scenario_from_query",
    "scenario_to_query",
    "scenario_url",
]

DEFAULT_PRESET = "generic_b2c"
#: Views of the page: ``edit`` (the default, with controls) and ``present`` (for a client meeting).
VIEWS = ("edit", "present")
#: Query parameters that belong to Streamlit itself, not to the scenario.
IGNORED_QUERY_KEYS = frozenset({"embed", "embed_options"})
#: The query parameter that carries the language in a shared link (``?lang=pl``).
LANGUAGE_QUERY = "lang"
#: The query parameter naming the scenario library's workspace (read by ``ui.state.workspace``).
WORKSPACE_QUERY = "workspace"


@dataclass(frozen=True)
class LinkProblem:
    """A value in a link that was not used: the key and text as given, and why (a reason code).

    ``reason`` is one of the codes of :func:`reason_code` (``out_of_range``, ``not_a_number``,
    ``unknown_parameter``, ``unknown_preset`` ...), so the app can say it in any language.
    """

    key: str
    value: str
    reason: str


@dataclass(frozen=True)
class LinkScenario:
    """What a link describes: a preset, the full scenario and the view, plus what was ignored."""

    preset: str
    parameters: Parameters
    view: str
    problems: tuple[LinkProblem, ...]

    @property
    def scenario(self) -> Scenario:
        """The scenario the link opens (values only: a link carries no ranges, provenance or notes)."""
        return Scenario("", self.parameters)


def reason_code(reason: str) -> str:
    """A stable code for the estimator's reason text (which is English), for translation.

    >>> reason_code("not a number (NaN)"), reason_code("out of range")
    ('not_a_number', 'out_of_range')
    """
    codes = (
        ("out of range", "out_of_range"),
        ("not a number", "not_a_number"),
        ("infinite", "infinite"),
        ("not a whole number", "not_whole"),
        ("not a valid choice", "not_a_choice"),
        ("not a known currency", "unknown_currency"),
        ("an unknown parameter", "unknown_parameter"),
        ("text with control", "unsafe_characters"),
        ("too long", "too_long"),
    )
    for text, code in codes:
        if reason.startswith(text):
            return code
    return reason


def _single(value: str | list[str]) -> str:
    # Streamlit keeps the last of repeated keys; so does a link read here.
    return value[-1] if isinstance(value, list) else value


def scenario_from_query(query: Mapping[str, str | list[str]]) -> LinkScenario:
    """Read a scenario from URL query parameters, ignoring (and reporting) what cannot be used.

    Parameters
    ----------
    query : mapping
        Query parameters as text, e.g. ``st.query_params.to_dict()``.

    Returns
    -------
    LinkScenario

    Examples
    --------
    >>> link = scenario_from_query({"churn_rate": "0.25", "customers": "-5", "colour": "red"})
    >>> link.parameters.churn_rate, link.parameters.customers
    (0.25, 100000.0)
    >>> [(p.key, p.reason) for p in link.problems]
    [('customers', 'out_of_range'), ('colour', 'unknown_parameter')]
    """
    problems: list[LinkProblem] = []
    preset_name = _single(query.get("preset", DEFAULT_PRESET)).strip()
    if preset_name not in preset_names():
        problems.append(LinkProblem("preset", preset_name, "unknown_preset"))
        preset_name = DEFAULT_PRESET
    view = _single(query.get("view", "edit")).strip()
    if view not in VIEWS:
        problems.append(LinkProblem("view", view, "not_a_choice"))
        view = "edit"

    values: dict[str, Any] = {}
    for key, raw in query.items():
        if key in ("preset", "view", WORKSPACE_QUERY) or key in IGNORED_QUERY_KEYS:
            continue
        text = _single(raw)
        try:
            value = parse_value(key, text)
            Parameters({key: value})  # checks this one value, with the estimator's own rules
        except ParameterError as error:
            problems.append(LinkProblem(key, text, reason_code(error.problems[0].reason)))
            continue
        values[key] = value
    parameters = load_preset(preset_name).parameters.replace(**values)
    return LinkScenario(preset_name, parameters, view, tuple(problems))


#: Significant digits a link keeps: every figure an estimate can tell apart, none of the float noise a
#: calibration or a sum leaves behind (1250.4664200000009 → 1250.46642; 0.07999999999999999 → 0.08).
LINK_DIGITS = 12


def encode_value(value: Any) -> str:
    """A value as link text: whole numbers without ".0", floats to :data:`LINK_DIGITS` significant digits.

    It reads back within a relative 5e-12 of ``value`` (the round trip is tested), short and stable.

    >>> encode_value(100000.0), encode_value(0.1825), encode_value(5), encode_value("bottom_up")
    ('100000', '0.1825', '5', 'bottom_up')
    >>> encode_value(1250.4664200000009), encode_value(0.07999999999999999), encode_value(2 / 3)
    ('1250.46642', '0.08', '0.666666666667')
    """
    if isinstance(value, str | int):  # bool is an int too; neither needs more than str()
        return str(value)
    number = float(value)
    if math.isfinite(number):
        number = float(f"{number:.{LINK_DIGITS}g}")
    if math.isfinite(number) and number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return repr(number)


def scenario_to_query(preset: Preset, scenario: Scenario | Parameters, *, view: str = "edit") -> dict[str, str]:
    """The query parameters of a link to this scenario: the preset and every value that differs from it.

    >>> from estimator import load_preset
    >>> preset = load_preset("generic_b2c")
    >>> scenario_to_query(preset, preset.parameters.replace(churn_rate=0.2, currency="PLN"))
    {'churn_rate': '0.2', 'currency': 'PLN'}
    """
    parameters = scenario.parameters if isinstance(scenario, Scenario) else scenario
    query: dict[str, str] = {}
    if preset.name != DEFAULT_PRESET:
        query["preset"] = preset.name
    for key in (*PARAMETER_SPECS, *TEXT_KEYS):
        if parameters[key] != preset.parameters[key]:
            query[key] = encode_value(parameters[key])
    if view != "edit":
        query["view"] = view
    return query


def scenario_url(
    base_url: str, preset: Preset, scenario: Scenario | Parameters, *, language: str | None = None, view: str = "edit"
) -> str:
    """The address of the app at ``base_url`` opening this scenario (and ``language``, when given).

    >>> from estimator import load_preset
    >>> preset = load_preset("generic_b2c")
    >>> scenario_url("http://localhost:8501", preset, preset.parameters.replace(churn_rate=0.2), language="pl")
    'http://localhost:8501/?churn_rate=0.2&lang=pl'
    """
    query = scenario_to_query(preset, scenario, view=view)
    if language is not None:
        query[LANGUAGE_QUERY] = language
    base = base_url if base_url.endswith("/") or "?" in base_url else base_url + "/"
    return f"{base}?{urlencode(query)}" if query else base


def read_scenario_url(url: str) -> tuple[LinkScenario, str | None]:
    """Read a link as the app does on opening it: the scenario, and the ``lang`` it carries (if any)."""
    query = {key: values[-1] for key, values in parse_qs(urlsplit(url).query, keep_blank_values=True).items()}
    language = query.pop(LANGUAGE_QUERY, None)
    return scenario_from_query(query), language


def allowed_in_link(key: str) -> str:
    """What a link may hold for ``key``, in model units (shares from 0 to 1, as in the URL)."""
    if key == "preset":
        return t("allowed.presets", choices=", ".join(preset_names()))
    if key == "view":
        return t("allowed.choice", choices="edit, present")
    if key == "currency":
        return t("allowed.currency")
    if key == "name":
        return t("allowed.name", most=MAX_NAME_LENGTH)
    spec = PARAMETER_SPECS.get(key)
    if spec is None:
        return t("allowed.parameters")
    if spec.kind == "choice":
        return t("allowed.choice", choices=", ".join(spec.choices))
    return allowed_range(key, spec.min, spec.max)


def link_problem_text(problem: LinkProblem, language: str | None = None) -> str:
    """One ignored link value, e.g. "`churn_rate=abc`: not a number; allowed: from 0 to 1."."""
    with language_scope(language or current_language()):
        # Link text is anyone's: control characters escaped, a long value cut (400 digits fill no screen).
        values = {
            "key": escaped(problem.key, limit=40),
            "value": escaped(problem.value, limit=40),
            "reason": reason_text(problem.reason),
        }
        return render("link.ignored_item", {**values, "allowed": allowed_in_link(problem.key)}, labels=False)
