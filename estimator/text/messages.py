"""Every domain message, rendered once: its catalogue text, its values written for the language.

A message is a code and raw values; its words live only in ``data/i18n/<language>/*.toml``
(English included). The families and their catalogue keys:

- model warnings (:class:`estimator.core.result.ModelWarning`): ``warning.<message id>``;
- calibration errors and notes (:mod:`estimator.calibration.messages`, which words them with
  :func:`render`): ``calibration.error.<id>`` / ``calibration.warning.<id>``;
- a value of a link that is not used (:class:`estimator.links.LinkProblem`, worded by
  :func:`estimator.links.link_problem_text`): ``link.ignored_item``;
- a typed value that is not used (:class:`estimator.controls.EntryProblem`, worded by
  :func:`estimator.controls.entry_problem_text`): ``input.problem``.

The app, the notebook app, the command line and the exports all call these functions; they
differ only in how a parameter is named: the command line and the Python API keep the keys of
MODEL.md (``labels=False``), the app and the documents show labels, the app in Markdown italics
(``emphasis="*"``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from babel.numbers import format_decimal, format_percent

from estimator.core.parameters import PARAMETER_SPECS
from estimator.deprecations import moved_name
from estimator.text.i18n import LANGUAGES, current_language, language_scope, param_label, t

if TYPE_CHECKING:
    from estimator.core.result import ModelWarning

__all__ = [
    "KEY_PATTERN",
    "allowed_range",
    "locale_of",
    "name_parameters",
    "reason_text",
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


# --- values that cannot be used: links and typed entries ------------------------------------


def reason_text(code: str) -> str:
    """Why a value is not used (a code of :func:`estimator.links.reason_code`), in the current language;
    anything else is already text from the estimator."""
    return t(f"reason.{code}", default=code)


def allowed_range(key: str, low: float, high: float, suffix: str = "", *, locale: str | None = None) -> str:
    """What ``key`` may hold, "from 0 to 100%" (whole numbers said so), in the current language."""
    locale = locale or locale_of(current_language())
    values = {"low": format_decimal(low, locale=locale) + suffix, "high": format_decimal(high, locale=locale) + suffix}
    return t("allowed.whole_range" if PARAMETER_SPECS[key].kind == "integer" else "allowed.range", **values)


def __getattr__(name: str) -> Any:
    """Old names of this module (each family words its own messages: ``calibration_text`` is in
    :mod:`estimator.calibration.messages`, ``link_problem_text`` in :mod:`estimator.links`...), with a warning."""
    return moved_name(__name__, name)
