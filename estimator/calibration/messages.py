"""Every message calibration can show: errors (:class:`CalibrationError`) and notes (:class:`CalibrationWarning`).

Each message id is registered here with its code; its text is ``calibration.error.<id>`` or
``calibration.warning.<id>`` in the i18n catalogues, in every language, rendered by
:func:`calibration_text` with the message pipeline's :func:`~estimator.text.messages.render`. The CLI and the Python API
speak English; the app asks :meth:`CalibrationError.text` for the user's language.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from estimator.core.parameters import InputError
from estimator.deprecations import moved_name
from estimator.text.formatting import format_count, format_share
from estimator.text.i18n import has_key, language_scope
from estimator.text.messages import locale_of, name_parameters, render

__all__ = [
    "DROPPABLE_MESSAGES",
    "ERROR_MESSAGES",
    "REQUIRED_FIELDS",
    "ROW_MESSAGES",
    "WARNING_MESSAGES",
    "CalibrationError",
    "CalibrationWarning",
    "calibration_text",
    "share_digits",
]

#: The one required field of a customer table (:mod:`estimator.calibration.columns` lists every field): an error
#: about a column of it says how to go on differently from one about an optional field.
REQUIRED_FIELDS = ("churned",)
#: Every error message the module can raise: message id -> its code (what went wrong, as in the JSON and
#: ``CalibrationError.code``). A code may have several messages (an empty CSV, an empty workbook...).
#: The text of each is ``calibration.error.<id>`` in ``data/i18n/<language>/calibration.toml``.
ERROR_MESSAGES: dict[str, str] = {
    "unknown_column": "unknown_column",
    "unknown_field": "unknown_field",
    "bad_map": "bad_map",
    "map_twice": "map_twice",
    "map_column_twice": "map_twice",
    "ambiguous_column": "ambiguous_column",
    "bad_value_period": "bad_value_period",
    "bad_reason": "bad_reason",
    "no_file": "no_file",
    "empty_file": "empty_file",
    "empty_file_sheet": "empty_file",
    "empty_file_blank": "empty_file",
    "empty_file_no_header": "empty_file",
    "header_only": "header_only",
    "wrong_delimiter": "wrong_delimiter",
    "wrong_delimiter_tab": "wrong_delimiter",
    "wrong_encoding": "wrong_encoding",
    "wrong_encoding_nul": "wrong_encoding",
    "wrong_encoding_page": "wrong_encoding",
    "wrong_encoding_mixed": "wrong_encoding",
    "wrong_encoding_guess": "wrong_encoding",
    "wrong_encoding_later": "wrong_encoding",
    "unreadable": "unreadable",
    "unreadable_parquet": "unreadable",
    "unreadable_xlsx": "unreadable",
    "duplicate_column": "duplicate_column",
    "too_many_columns": "too_many_columns",
    "line_too_long": "line_too_long",
    "line_too_long_row": "line_too_long",
    "xlsx_too_large": "unreadable",
    "xlsx_entities": "unreadable",
    "xlsx_too_many_cells": "unreadable",
    "missing_column": "missing_column",
    "missing_column_one_column": "missing_column",
    "missing_column_values": "missing_column",
    "missing_column_listed": "missing_column",
    "too_many_segments": "too_many_segments",
    "blank_value": "blank_value",
    "blank_value_id": "blank_value",
    "blank_value_resolved": "blank_value",
    "not_binary": "not_binary",
    "resolved_without_complaint": "resolved_without_complaint",
    "bad_value_blank": "bad_value",
    "bad_value_text": "bad_value",
    "bad_value_nan": "bad_value",
    "bad_value_negative": "bad_value",
    "duplicate_id": "duplicate_id",
    "engine_failed": "engine_failed",
    "unknown_engine": "unknown_engine",
    "database_needs_table": "database_needs_table",
    "table_needs_engine": "table_needs_engine",
    "query_not_select": "query_not_select",
    "unknown_scheme": "unknown_scheme",
    "database_unencoded_url": "database_url",
    "database_typed_url": "database_url",
    "database_not_allowed": "database_not_allowed",
    "database_failed": "database_failed",
    "bad_complaint_threshold": "bad_complaint_threshold",
    "all_rows_invalid": "all_rows_invalid",
    "bad_churn_window": "bad_churn_window",
    "bad_customers": "bad_customers",
    "bad_currency": "bad_currency",
    "unknown_tenure_column": "unknown_column",
}
#: Errors about particular rows: their message is followed by ``calibration.error_rows.one`` / ``.other``
#: (how many rows, and the first one as an example).
ROW_MESSAGES = frozenset(
    {
        "blank_value",
        "blank_value_id",
        "blank_value_resolved",
        "not_binary",
        "resolved_without_complaint",
        "bad_value_blank",
        "bad_value_text",
        "bad_value_nan",
        "bad_value_negative",
        "duplicate_id",
    }
)
#: Row errors that ``drop_invalid`` (``--drop-invalid``) turns into rows left out; their message ends with
#: the column and both ways out (``calibration.error_ways``).
DROPPABLE_MESSAGES = ROW_MESSAGES - {"duplicate_id"}
#: Every warning the module can emit: message id -> its code; the text is ``calibration.warning.<id>``.
WARNING_MESSAGES: dict[str, str] = {
    "baseline_biased": "baseline_biased",
    "no_resolved": "no_resolved",
    "reasons_missing": "reasons_missing",
    "segment_blank": "segment_blank",
    "small_segment": "small_segment",
    "wide_interval": "wide_interval",
    "no_customers": "no_customers",
    "ambiguous_same": "ambiguous_same",
    "absent_customer_id": "absent_field",
    "absent_complained": "absent_field",
    "absent_annual_value": "absent_field",
    "absent_churn_reason": "absent_field",
    "value_monthly": "value_monthly",
    "value_lifetime": "value_lifetime",
    "reasons_unknown": "reasons_unknown",
    "reasons_unclassified": "reasons_unclassified",
    "reason_override_unused": "reason_override_unused",
    "separation_segment_everyone": "separation_segment",
    "separation_segment_nobody": "separation_segment",
    "separation_effect": "separation_effect",
    "separation_effect_fit": "separation_effect",
    "ambiguous_preferred": "ambiguous_column_chosen",
    "ambiguous_chosen": "ambiguous_column_chosen",
    "entrants": "entrants",
    "rows_dropped": "rows_dropped",
    "complaint_count": "complaint_count",
    "reasons_folded": "reasons_folded",
    "small_segment_share": "small_segment",
    "value_assumed_yearly": "value_assumed_yearly",
    "segment_too_many": "too_many_segments",
    "churn_window_assumed": "churn_window_assumed",
    "customers_from_file": "customers_from_file",
    "currency_not_stated": "currency_not_stated",
    "complaint_mirrors_churn": "complaint_mirrors_churn",
    "segments_pooled": "segments_pooled",
    "complainer_churn_conflict": "complainer_churn_conflict",
    "complainer_churn_conflict_capped": "complainer_churn_conflict",
    "tenure_missing": "tenure_missing",
    "kaplan_meier_disagrees": "kaplan_meier_disagrees",
}


def share_digits(*values: float, least: int = 1, most: int = 4) -> int:
    """Decimals of a percentage that show every one of ``values`` with two significant digits.

    0.05 % and 0.1 % must not both print as "0.1%": shares under 1 % get more decimals, and an
    estimate and its interval bounds are written with the same number.

    >>> share_digits(0.25), share_digits(0.0005), share_digits(0.0004, 0.0012), share_digits(0.0)
    (1, 3, 3, 1)
    """
    digits = least
    for value in values:
        percent = abs(float(value)) * 100
        if math.isfinite(percent) and percent > 0:
            digits = max(digits, 1 - math.floor(math.log10(percent)))
    return min(digits, most)


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
        A key of :data:`ERROR_MESSAGES` or :data:`WARNING_MESSAGES`.
    values : mapping
        The message's placeholders, as raw values (numbers are formatted for the language).
    language : str, default "en"
        The CLI and the Python API speak English.
    labels, emphasis
        As in :func:`estimator.text.messages.render`; off by default (the messages' own wording).
    escape : callable, optional
        Applied to every value that is text (a column name, a segment, an example row: the
        client's file), not to the figures: the app passes its Markdown escaping.
    audience : {"cli", "app"}, default "cli"
        ``"app"`` takes the app's wording (``calibration.app.*``) where the text names a command-line option.
    **shown
        Placeholders already written for display (e.g. a parameter's label instead of its key).
    """
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


class CalibrationError(InputError):
    """Bad input: a one-line message naming the problem, with the field, the value and an example row.

    The message (``str(error)``) is English; :meth:`text` gives it in another language.

    Attributes
    ----------
    code : str
        What went wrong (``missing_column``, ``not_binary``, ``empty_file``...).
    message_id : str
        Which message of :data:`ERROR_MESSAGES` describes it.
    values : dict
        The message's placeholders (``field``, ``value``, ``example``, ``count``...).
    """

    def __init__(self, message_id: str, **values: Any):
        self.code = ERROR_MESSAGES[message_id]
        self.message_id = message_id
        self.values = values
        super().__init__(calibration_text("error", message_id, values))

    def text(self, language: str = "en", audience: str = "cli", **shown: str) -> str:
        """The message in ``language`` (``shown``: placeholders already written for display); ``audience``
        ``"app"`` words it for the app (no command-line options)."""
        return calibration_text("error", self.message_id, self.values, language, audience=audience, **shown)


@dataclass(frozen=True)
class CalibrationWarning:
    """Something to know about the estimates, in plain words (English ``message``; :meth:`text` translates)."""

    code: str
    message: str
    values: dict[str, Any] = field(default_factory=dict)
    message_id: str = ""

    @classmethod
    def of(cls, message_id: str, **values: Any) -> CalibrationWarning:
        """The warning ``message_id`` of :data:`WARNING_MESSAGES` with its placeholders."""
        return cls(WARNING_MESSAGES[message_id], calibration_text("warning", message_id, values), dict(values), message_id)

    def text(self, language: str = "en", **shown: str) -> str:
        """The message in ``language`` (``shown``: placeholders already written for display)."""
        return calibration_text("warning", self.message_id or self.code, self.values, language, **shown)

    def to_dict(self) -> dict[str, Any]:
        """The JSON's entry: ``code``, ``message`` and ``values``, an undefined figure (NaN) as ``None``."""
        values = {key: _json_number(value) for key, value in self.values.items()}
        return {"code": self.code, "message": self.message, **({"values": values} if values else {})}


def _json_number(value: Any) -> Any:
    """``value``, but ``None`` for a float JSON cannot hold (NaN, infinity), as the estimates write them."""
    return None if isinstance(value, float) and not math.isfinite(value) else value


def __getattr__(name: str) -> Any:
    """``message_text``, the old name of :func:`calibration_text`, with a warning."""
    return moved_name(__name__, name)
