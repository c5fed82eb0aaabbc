"""Every domain message, rendered once: its catalogue text, its values written for the language.

A message is a code and raw values; its words live only in ``data/i18n/<language>/*.toml``
(English included). The families and their catalogue keys:

- model warnings (:class:`estimator.core.result.ModelWarning`): ``warning.<message id>``;
- calibration errors and notes (:mod:`estimator.calibration.messages`):
  ``calibration.error.<id>`` / ``calibration.warning.<id>``;
- a value of a link that is not used (:class:`estimator.links.LinkProblem`): ``link.ignored_item``;
- a typed value that is not used (:class:`estimator.controls.EntryProblem`): ``input.problem``.

The app, the notebook app, the command line and the exports all call these functions; they
differ only in how a parameter is named: the command line and the Python API keep the keys of
MODEL.md (``labels=False``), the app and the documents show labels, the app in Markdown italics
(``emphasis="*"``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
from babel.numbers import format_decimal, format_percent

from estimator.core.parameters import NUMERIC_KEYS, PARAMETER_SPECS
from estimator.text.i18n import LANGUAGES, current_language, language_scope, param_label, t

if TYPE_CHECKING:
    from estimator.controls import EntryProblem
    from estimator.core.result import ModelWarning
    from estimator.links import LinkProblem

__all__ = [
    "KEY_PATTERN",
    "allowed_in_link",
    "allowed_range",
    "calibration_text",
    "entry_problem_text",
    "link_problem_text",
    "locale_of",
    "name_parameters",
    "render",
    "warning_text",
]

#: Parameter keys (those with an underscore never occur in ordinary words), to show them as labels.
KEY_PATTERN = re.compile(r"\b(" + "|".join(key for key in PARAMETER_SPECS if "_" in key) + r")\b")


def locale_of(language: str) -> str:
    """The Babel locale of ``language``'s numbers (English's for an unknown language)."""
    return LANGUAGES[language].locale if language in LANGUAGES else "en"


def name_parameters(text: str, emphasis: str = "") -> str:
    """``text`` with every parameter key replaced by its label (lower case, current language).

    >>> name_parameters("check churn_rate", "*")
    'check *churn rate, all causes*'
    """
    return KEY_PATTERN.sub(lambda match: f"{emphasis}{param_label(match.group(1)).lower()}{emphasis}", text)


def render(key: str, values: Mapping[str, str], language: str | None = None, *, labels: bool = True, emphasis: str = "") -> str:
    """The catalogue text ``key`` in ``language`` (the current one by default), placeholders filled.

    Parameters
    ----------
    key : str
        Catalogue key, e.g. ``"warning.silent_cap"``.
    values : mapping of str
        The placeholders, already written for the language.
    language : str, optional
        A code of :data:`estimator.text.i18n.LANGUAGES`; unknown ones fall back to English.
    labels : bool, default True
        Replace parameter keys by their labels; ``False`` keeps the keys (command line, Python API).
    emphasis : str, default ""
        Put around each label (``"*"``: Markdown italics).
    """
    with language_scope(language or current_language()):
        text = t(key, **values)
        return name_parameters(text, emphasis) if labels else text


# --- model warnings -------------------------------------------------------------------------

#: Values of model warnings that are shares (the others count customers or hours).
_WARNING_SHARES = frozenset({"requested", "used", "rate", "baseline", "share", "limit"})


def _warning_share(value: float, locale: str) -> str:
    # Rounded as Python's "{:.1%}" rounds (the float times 100), which the command line has
    # always printed; Babel would round the decimal value (2.2945 -> 229.4%, not 229.5%).
    # No grouping in percentages ("1500.0%"), as before.
    percent = Decimal(f"{value * 100:.1f}")
    return format_percent(percent.scaleb(-2), format="0.0%", locale=locale)


def _warning_values(values: Mapping[str, float | str], locale: str, labels: bool = False) -> dict[str, str]:
    """Shares with one decimal, counts (customers, hours) as whole numbers in full; a channel by its label."""
    out = {}
    for name, value in values.items():
        if isinstance(value, str):
            out[name] = t(f"channel.{value}", default=value) if labels and name == "channel" else value
        elif name in _WARNING_SHARES:
            out[name] = _warning_share(value, locale)
        else:
            out[name] = format_decimal(value, format="#,##0", locale=locale)
    return out


def warning_text(warning: ModelWarning, language: str | None = None, *, labels: bool = True, emphasis: str = "") -> str:
    """A model warning in plain words: ``warning.<message id>`` with its figures for the language.

    >>> from estimator import estimate
    >>> warning = estimate(incidents_per_year=365, incident_hours=48).warnings[-1]
    >>> warning_text(warning, "en", labels=False)[:50]
    'Incidents add up to 17,520 hours a year, more than'
    """
    language = language or current_language()
    with language_scope(language):
        values = _warning_values(warning.values, locale_of(language), labels)
    return render(f"warning.{warning.message_id or warning.code}", values, language, labels=labels, emphasis=emphasis)


# --- calibration errors and notes -----------------------------------------------------------

#: Placeholders of calibration messages holding shares, shown as percentages (the least decimals).
_CALIBRATION_SHARES = {"low": 1, "high": 1, "width": 0}
#: Shares in MODEL.md v3's notes (churn window, complaint flag, evidence over defaults), one decimal at least.
_CALIBRATION_SHARES.update(
    dict.fromkeys(("measured", "mix_before", "mix_after", "cr_before", "cu_before", "cr_after", "cu_after", "h"), 1)
    | dict.fromkeys(("complainers", "others", "agreement"), 1)
    | dict.fromkeys(("km", "km_low", "km_high", "window", "window_low", "window_high"), 1)
)
_V3_SHARES = frozenset(_CALIBRATION_SHARES) - {"low", "high", "width"}


def _calibration_values(values: Mapping[str, Any], locale: str) -> dict[str, str]:
    """The placeholders as text for ``locale``: whole numbers grouped, shares as percentages."""
    from estimator.calibration.messages import share_digits
    from estimator.text.formatting import format_count, format_share

    shown = {}
    bounds = [float(values[name]) for name in ("low", "high") if isinstance(values.get(name), int | float)]
    for name, value in values.items():
        if isinstance(value, bool) or value is None:
            shown[name] = str(value)
        elif name in _CALIBRATION_SHARES and isinstance(value, int | float):
            least = _CALIBRATION_SHARES[name]
            digits = share_digits(*bounds, least=least) if name in ("low", "high") else least
            if name in _V3_SHARES:  # 0.05 % must not read as 0.1 %
                digits = share_digits(float(value), least=least)
            shown[name] = format_share(float(value), locale=locale, digits=digits)
        elif isinstance(value, int | float | np.integer):
            shown[name] = format_count(value, locale=locale, compact=False)
        else:
            shown[name] = str(value)
    return shown


def calibration_text(
    kind: str,
    message_id: str,
    values: Mapping[str, Any],
    language: str = "en",
    *,
    labels: bool = False,
    emphasis: str = "",
    escape: Callable[[str], str] | None = None,
    audience: str = "cli",
    **shown: str,
) -> str:
    """A calibration error (``kind="error"``) or note (``"warning"``) in ``language``.

    Parameters
    ----------
    kind : {"error", "warning"}
    message_id : str
        A key of :data:`~estimator.calibration.messages.ERROR_MESSAGES` or ``WARNING_MESSAGES``.
    values : mapping
        The message's placeholders, as raw values (numbers are formatted for the language).
    language : str, default "en"
        The CLI and the Python API speak English.
    labels, emphasis
        As in :func:`render`; off by default (the messages' own wording).
    escape : callable, optional
        Applied to every value that is text (a column name, a segment, an example row: the
        client's file), not to the figures: the app passes its Markdown escaping.
    audience : {"cli", "app"}, default "cli"
        ``"app"`` takes the app's wording (``calibration.app.*``) where the text names a command-line option.
    **shown
        Placeholders already written for display (e.g. a parameter's label instead of its key).
    """
    from estimator.calibration.columns import REQUIRED_FIELDS
    from estimator.calibration.messages import DROPPABLE_MESSAGES, ERROR_MESSAGES, ROW_MESSAGES, WARNING_MESSAGES
    from estimator.text.i18n import has_key

    registry = ERROR_MESSAGES if kind == "error" else WARNING_MESSAGES
    if message_id not in registry:
        raise KeyError(f"no {kind} message {message_id!r}; known: {', '.join(registry)}")
    filled = _calibration_values(values, locale_of(language))
    if escape is not None:
        filled = {name: text if _is_figure(values[name]) else escape(text) for name, text in filled.items()}
    filled.update(shown)
    app = audience == "app"
    key = f"calibration.{kind}.{message_id}"
    if app and has_key(f"calibration.app.{kind}.{message_id}"):
        key = f"calibration.app.{kind}.{message_id}"
    text = render(key, filled, language, labels=False)
    if kind == "error" and message_id in ROW_MESSAGES:
        tail = "one" if values.get("count") == 1 else "other"
        text = f"{text} {render(f'calibration.error_rows.{tail}', filled, language, labels=False)}"
    if kind == "error" and message_id in DROPPABLE_MESSAGES and values.get("column"):
        which = "required" if values.get("field") in REQUIRED_FIELDS else "optional"
        section = "calibration.app.error_ways" if app else "calibration.error_ways"
        stop = "" if text.rstrip().endswith((".", "!", "?")) else "."
        text = f"{text.rstrip()}{stop} {render(f'{section}.{which}', filled, language, labels=False)}"
    if labels:
        with language_scope(language):
            text = name_parameters(text, emphasis)
    return text


def _is_figure(value: Any) -> bool:
    return value is None or isinstance(value, bool | int | float | np.integer | np.floating)


# --- values that cannot be used: links and typed entries ------------------------------------


def _reason(code: str) -> str:
    # Codes come from estimator.links.reason_code; anything else is already text from the estimator.
    return t(f"reason.{code}", default=code)


def allowed_range(key: str, low: float, high: float, suffix: str = "", *, locale: str | None = None) -> str:
    """What ``key`` may hold, "from 0 to 100%" (whole numbers said so), in the current language."""
    locale = locale or locale_of(current_language())
    values = {"low": format_decimal(low, locale=locale) + suffix, "high": format_decimal(high, locale=locale) + suffix}
    return t("allowed.whole_range" if PARAMETER_SPECS[key].kind == "integer" else "allowed.range", **values)


def allowed_in_link(key: str) -> str:
    """What a link may hold for ``key``, in model units (shares from 0 to 1, as in the URL)."""
    from estimator.library import preset_names

    if key == "preset":
        return t("allowed.presets", choices=", ".join(preset_names()))
    if key == "view":
        return t("allowed.choice", choices="edit, present")
    if key == "currency":
        return t("allowed.currency")
    if key == "name":
        from estimator.text.user_text import MAX_NAME_LENGTH

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
        from estimator.text.user_text import escaped

        # Link text is anyone's: control characters escaped, a long value cut (400 digits fill no screen).
        values = {
            "key": escaped(problem.key, limit=40),
            "value": escaped(problem.value, limit=40),
            "reason": _reason(problem.reason),
        }
        return render("link.ignored_item", {**values, "allowed": allowed_in_link(problem.key)}, labels=False)


def entry_problem_text(problem: EntryProblem, current: float, *, locale: str) -> str:
    """A typed value that is not used, in the units of the box (percent for shares): the field, the
    text as typed, why, what is allowed and the value used meanwhile (``current``, model units)."""
    from estimator.controls import control_for

    key = problem.key
    control = control_for(key)
    suffix = "%" if control.kind == "percent" else ""
    if problem.shown is None:
        shown = t("input.empty")
    else:  # exactly as typed, with the box's unit
        shown = str(problem.shown).strip()
        shown += "" if shown.endswith(suffix) else suffix
    used = format_decimal(control.to_display(current), locale=locale) + suffix
    allowed = allowed_range(key, control.valid_min, control.valid_max, suffix) if key in NUMERIC_KEYS else ""
    values = {"label": param_label(key), "value": shown, "reason": _reason(problem.reason), "allowed": allowed, "used": used}
    return render("input.problem", values, labels=False)
