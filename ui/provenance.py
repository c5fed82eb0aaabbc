"""Where a value came from, for every tab: still the one calibrated from client data, or moved since.

The records are kept in session state (:func:`ui.state.provenance_record`); the calibration tab
writes them, the assumptions tab and the deliverables read them here, so no tab imports another.
"""

from __future__ import annotations

import math
from typing import Any

from estimator.text.formatting import format_parameter
from estimator.text.i18n import t
from ui import state
from ui.context import Context
from ui.safe_text import plain

__all__ = ["data_source", "input_sources", "is_from_data", "value_text"]


def value_text(key: str, value: float, ctx: Context) -> str:
    """A parameter's value as the calibration shows it ("—" when there is none)."""
    if value is None or not math.isfinite(value):
        return "—"
    if key == "silent_ratio":
        return f"{value:.2f}"
    return format_parameter(key, value, ctx.currency, locale=ctx.locale)


def is_from_data(ctx: Context, key: str) -> bool:
    """Whether ``key`` still holds the value calibrated from client data (not moved by hand since)."""
    return key in state.session().provenance


def data_source(ctx: Context, key: str, *, markdown: bool = False) -> str | None:
    """Where ``key``'s value comes from when it was set from client data (``None`` otherwise).

    The description names the client's file, or is the text of an imported scenario file: with
    ``markdown`` (for a Markdown table) it is escaped, so it shows as text.

    The record (:func:`ui.state.provenance_record`, kept with a saved scenario) remembers the value
    the data gave, so a value moved by hand afterwards is said to be changed, not claimed for the data.
    """
    record = state.provenance_record(key)
    if record is None:
        return None
    value, description = record
    if markdown:
        description = plain(description, limit=None)
    if is_from_data(ctx, key):
        return t("calibration.provenance_data", source=description)
    return t("calibration.provenance_changed", source=description, value=value_text(key, value, ctx))


def input_sources(parameters: Any, preset: Any) -> dict[str, str]:
    """Every input's source (MODEL.md v3), by the session rules (:meth:`estimator.session.Session.input_sources`):
    ``file`` while it holds the calibrated value, ``entered`` when moved from the preset by hand, else ``preset``
    or ``default``. ``parameters`` and ``preset`` are the session's."""
    return state.session().input_sources()
