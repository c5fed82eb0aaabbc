"""A number box that reads what people type in their own language.

Streamlit's number input is an HTML number field, and Chromium drops a typed decimal comma
there ("12,99" becomes 1299). These boxes are text boxes read with the page language's marks by
:func:`estimator.text.formatting.parse_number`; text that is not a number, or is out of range, stays
in the box with a message naming the field, the value and what is allowed, and the last valid
number is used meanwhile.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from estimator.text.formatting import NumberEntryError, format_entry, parse_number
from estimator.text.i18n import t
from ui.safe_text import plain

__all__ = ["number_entry"]


def number_entry(
    container: Any,
    label: str,
    *,
    key: str,
    default: float,
    locale: str,
    minimum: float | None = None,
    maximum: float | None = None,
    integer: bool = False,
    grouping: bool = True,
    help: str | None = None,
) -> float:
    """Draw a text box for a number in ``container`` and return the number it holds.

    Parameters
    ----------
    container : Streamlit container
        Where the box goes (``st``, a column, ...).
    label : str
        The box's label, also used in messages.
    key : str
        Widget key; the last valid number is kept under ``<key>__valid``.
    default : float
        The number shown when the box is first drawn.
    locale : str
        Babel locale of the page, for reading and writing the number.
    minimum, maximum : float, optional
        The allowed range (inclusive).
    integer : bool
        Whole numbers only.
    grouping : bool
        Thousands marks in the box; off for numbers that are names (a seed).
    help : str, optional
        Tooltip.

    Returns
    -------
    float
        The typed number when it is valid, else the last valid one (at first ``default``).
    """
    valid_key = f"{key}__valid"
    last_valid = float(st.session_state.get(valid_key, default))
    text = container.text_input(label, value=format_entry(default, locale=locale, grouping=grouping), key=key, help=help)
    try:
        number = parse_number(text or "", locale=locale)
        problem = None
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            problem = t("reason.out_of_range")
        elif integer and not float(number).is_integer():
            problem = t("reason.not_whole")
    except NumberEntryError:
        problem = t("input.empty") if not (text or "").strip() else t("reason.unreadable_number")
    if problem is None:
        st.session_state[valid_key] = number
        return int(number) if integer else number
    low = format_entry(minimum, locale=locale) if minimum is not None else "−∞"
    high = format_entry(maximum, locale=locale) if maximum is not None else "∞"
    container.error(
        t(
            "input.problem",
            label=label,
            value=plain(text),  # as typed, shown as text
            reason=problem,
            allowed=t("allowed.whole_range" if integer else "allowed.range", low=low, high=high),
            used=format_entry(last_valid, locale=locale),
        ),
        icon=":material/error:",
    )
    return int(last_valid) if integer else last_valid
