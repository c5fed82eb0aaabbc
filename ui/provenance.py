"""Where a value came from, for every tab: still the one calibrated from client data, or moved since.

The records are kept in session state (:func:`ui.state.provenance_record`); the calibration tab
writes them, the assumptions tab and the deliverables read them here, so no tab imports another.
"""

from __future__ import annotations

import math
from typing import Any

from estimator.core.parameters import PARAMETER_SPECS
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
    record = state.provenance_record(key)
    if record is None:
        return False
    value, current = record[0], ctx.parameters[key]
    return current == value or (
        isinstance(current, int | float) and isinstance(value, int | float) and math.isclose(current, value, rel_tol=1e-9)
    )


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
    """Every input's source (MODEL.md v3): ``file`` while it holds the calibrated value, ``entered`` when
    moved from the preset by hand, else ``preset`` (stated by it) or ``default``. A volume scaled with the
    customers keeps its preset/default label (the note says it was scaled)."""
    from estimator.calibration.params import is_stated_base

    scaled = {item.key for item in state.scaled()}
    stated = set(getattr(preset, "stated", ()))
    applied = state.applied_calibration()
    out = {}
    for key in PARAMETER_SPECS:
        record = state.provenance_record(key)
        value = parameters[key]
        if record is not None and _same(record[0], value):
            # The whole base typed beside the file ("customers the extract stands for") was entered.
            base_given = key == "customers" and applied is not None and is_stated_base(applied)
            out[key] = "entered" if base_given else "file"
        elif key not in scaled and value != preset.parameters[key]:
            out[key] = "entered"
        else:
            out[key] = "preset" if key in stated else "default"
    return out


def _same(recorded: Any, current: Any) -> bool:
    return current == recorded or (
        isinstance(current, int | float) and isinstance(recorded, int | float) and math.isclose(current, recorded, rel_tol=1e-9)
    )
