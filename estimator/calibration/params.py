"""From a calibration to the rest of the command line: the JSON that ``calibrate --format json`` writes
as a scenario file's content (read with ``--params``, written by ``--write-params``: both in
:mod:`estimator.store.codec`), and
the inputs a model warning involves, split into those from the data and those from the preset.

The estimates set their parameters (clipped to valid ranges), their 95 % intervals become uncertainty
ranges, and each parameter's provenance names the file, its rows, the interval and the reasons classed
by hand. Parameters the file cannot inform are left out, so they keep the preset's values.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from functools import cache
from typing import Any

from estimator.core.parameters import PARAMETER_SPECS, InputError
from estimator.paths import data_dir
from estimator.text.user_text import MAX_NAME_LENGTH, escaped

__all__ = ["clashing_inputs", "is_calibration", "scenario_from_calibration"]

#: Keys that make a JSON file a calibration result rather than a scenario.
CALIBRATION_KEYS = ("rows", "mapping", "estimates")


def is_calibration(raw: Any) -> bool:
    """Whether ``raw`` (a parsed JSON file) is what ``calibrate --format json`` writes."""
    return isinstance(raw, Mapping) and all(key in raw for key in CALIBRATION_KEYS) and isinstance(raw["estimates"], Mapping)


def _interval_text(key: str, low: float, high: float) -> str:
    from estimator.text.formatting import format_parameter

    return f"95 % interval {format_parameter(key, low, '')} – {format_parameter(key, high, '')}".replace("  ", " ")


def scenario_from_calibration(raw: Mapping[str, Any], where: str) -> dict[str, Any]:
    """A scenario file's content (``parameters`` with ``ranges``, ``provenance``) from a calibration's JSON.

    Raises
    ------
    InputError
        Naming ``where`` and the entry when an estimate is not a value with its interval.
    """
    source = str(raw.get("file") or "client data")
    engine = raw.get("engine")
    if isinstance(engine, str) and engine not in ("", "duckdb"):  # a file read here needs no engine named
        source += f" (aggregated by {engine})"
    rows = raw.get("rows")
    overrides = raw.get("reason_overrides") or {}
    values: dict[str, float] = {}
    ranges: dict[str, dict[str, float]] = {}
    provenance: dict[str, str] = {}
    for key, item in raw["estimates"].items():
        if key not in PARAMETER_SPECS:
            raise InputError(f"{where}: estimates.{key} is not a parameter; allowed: known parameters such as churn_rate")
        if isinstance(item, Mapping) and "value" in item and item["value"] is None:
            continue  # undefined by the file (no rows to count: the JSON writes NaN as null), like NaN below
        if not isinstance(item, Mapping) or not isinstance(item.get("value"), int | float) or isinstance(item.get("value"), bool):
            raise InputError(f"{where}: estimates.{key} must have a numeric 'value', got {item!r}")
        spec = PARAMETER_SPECS[key]
        value = float(min(max(float(item["value"]), spec.min), spec.max))
        if not math.isfinite(value):
            continue
        values[key] = value
        described = f"calibrated from {source}; {rows:,} rows" if isinstance(rows, int) else f"calibrated from {source}"
        if key == "customers" and is_stated_base(raw):
            # The whole base was given by hand (--customers): not a count of the file's rows.
            at_risk = raw.get("customers_at_risk")
            described = "entered: the whole base the extract stands for"
            if isinstance(at_risk, int | float):
                described += f"; {source} has {int(at_risk):,} customers at risk"
            provenance[key] = described
            continue
        low, high = item.get("ci_low"), item.get("ci_high")
        if key != "customers" and all(isinstance(v, int | float) and math.isfinite(v) for v in (low, high)):
            low, high = float(min(max(low, spec.min), value)), float(max(min(high, spec.max), value))
            ranges[key] = {"low": low, "high": high}
            described += "; " + _interval_text(key, low, high)
        described += _v3_description(raw, key)
        if dropped := raw.get("dropped"):
            described += "; rows left out for invalid values: " + ", ".join(
                f"{item.get('rows', 0):,} in '{item.get('column', '')}'" for item in dropped if isinstance(item, Mapping)
            )
        if key == "service_share" and overrides:
            described += "; reasons classed by hand: " + "; ".join(f"{text} = {name}" for text, name in overrides.items())
        provenance[key] = described
    from estimator.core.provenance import NO_CURRENCY

    # The name is the scenario's, held to a name's length: a database URL or a long path would make one refused on reading.
    name = escaped(f"Calibrated from {source}", limit=MAX_NAME_LENGTH)
    # MODEL.md v3 §7: the file's currency when stated (--currency), else "currency not stated" until one is chosen.
    currency = raw.get("currency") if isinstance(raw.get("currency"), str) and raw.get("currency") else NO_CURRENCY
    return {"name": name, "currency": currency, "parameters": {**values, "ranges": ranges}, "provenance": provenance}


def is_stated_base(raw: Mapping[str, Any]) -> bool:
    """Whether the calibration's ``customers`` is the whole base given by hand (``--customers``)."""
    return isinstance(raw.get("customers_stated"), int | float) and not isinstance(raw.get("customers_stated"), bool)


def calibration_sources(raw: Mapping[str, Any], keys: Any) -> dict[str, str]:
    """The input source of each of ``keys`` read from a calibration: ``file``, but ``entered`` for a base
    given with ``--customers`` (MODEL.md v3 §7)."""
    return {key: "entered" if key == "customers" and is_stated_base(raw) else "file" for key in keys}


def _v3_description(raw: Mapping[str, Any], key: str) -> str:
    """What MODEL.md v3 did to a calibrated value: annualised from its window, adjusted for segment mix."""
    from estimator.calibration.window import CHURN_KEYS

    months = raw.get("churn_window_months")
    text = ""
    if key in CHURN_KEYS and isinstance(months, int | float) and months != 12:
        text += f"; yearly, annualised from a {months:g}-month churn window"
    if key == "baseline_churn" and raw.get("adjusted_by") and isinstance(raw.get("baseline_churn_adjusted"), Mapping):
        text += f"; adjusted for {raw['adjusted_by']} mix (direct standardisation)"
    if key == "customers" and raw.get("customers_stated") is None and "customers_at_risk" in raw:
        text += "; the customers at risk in the file (no --customers given)"
    return text


@cache
def _warning_inputs() -> dict[str, tuple[str, ...]]:
    with open(data_dir() / "calibration_clashes.toml", "rb") as handle:
        return {code: tuple(keys) for code, keys in tomllib.load(handle)["inputs"].items()}


def clashing_inputs(code: str, from_data: Mapping[str, str]) -> tuple[list[str], list[str]] | None:
    """For a model warning ``code``: (inputs from the data, other inputs) it involves, when it mixes both."""
    keys = _warning_inputs().get(code)
    if not keys:
        return None
    data = [key for key in keys if key in from_data]
    others = [key for key in keys if key not in from_data]
    return (data, others) if data and others else None
