"""Where each input of a scenario came from (its provenance), and the volumes that scale with the customer base (MODEL.md v3).

Every input is labelled ``file`` (calibrated from a client's extract), ``entered`` (a slider, a box,
``--set``, a scenario file, a link), ``preset`` (stated by the preset) or ``default`` (MODEL.md's
default). A preset's volumes are sized for its customer base N0: when the scenario's ``customers``
differ and ``prospect_contacts`` was not entered, it is scaled, M = M0 · N / N0, and the product says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from estimator.core.parameters import PARAMETER_SPECS
from estimator.core.presets import preset_names, read_preset_file

__all__ = [
    "NO_CURRENCY",
    "PROVENANCE_LABELS",
    "SCALED_INPUTS",
    "Scaling",
    "base_of",
    "infer_provenance",
    "scale_with_customers",
    "scenario_provenance",
]

#: The labels of where an input came from, most to least the client's own.
PROVENANCE_LABELS = ("file", "entered", "preset", "default")
#: ISO 4217's code for "no currency": amounts from a file whose currency nobody stated (``--currency``).
NO_CURRENCY = "XXX"
#: Volumes that only make sense for a company of a given size: scaled with ``customers`` when not entered.
SCALED_INPUTS = ("prospect_contacts",)


@dataclass(frozen=True)
class Scaling:
    """One input scaled with the customer base: ``value = base_value × customers / base_customers``."""

    key: str
    value: float
    base_value: float
    customers: float
    base_customers: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "value": self.value,
            "base_value": self.base_value,
            "customers": self.customers,
            "base_customers": self.base_customers,
        }

    def describe(self) -> str:
        """The note shown beside the figure, English: "scaled with customers: 480 = 20,000 × 2,400 / 100,000"."""
        return (
            f"scaled with customers: {self.value:,.0f} = {self.base_value:,.0f} × {self.customers:,.0f} "
            f"/ {self.base_customers:,.0f}"
        )


def base_of(preset: Any | None) -> tuple[float, dict[str, float]]:
    """N0 and the preset's volumes (M0) of ``preset`` (a :class:`~estimator.library.Preset`), or the defaults'."""
    if preset is None:
        return float(PARAMETER_SPECS["customers"].default), {k: float(PARAMETER_SPECS[k].default) for k in SCALED_INPUTS}
    return float(preset.customer_base), {k: float(preset.parameters[k]) for k in SCALED_INPUTS}


def scale_with_customers(
    values: Mapping[str, Any], provenance: Mapping[str, str], preset: Any | None = None
) -> tuple[dict[str, Any], list[Scaling]]:
    """``values`` with each volume of :data:`SCALED_INPUTS` scaled to the customers, unless it was entered.

    Parameters
    ----------
    values : mapping
        The scenario's values (``customers`` and the volumes); others pass through.
    provenance : mapping
        Input → one of :data:`PROVENANCE_LABELS`; a volume labelled ``entered`` or ``file`` is never scaled.
    preset : Preset, optional
        The preset the scenario starts from (its N0 and M0); MODEL.md's defaults without one.

    Returns
    -------
    (dict, list of Scaling)
        The values to use and what was scaled (empty when nothing was).

    Examples
    --------
    >>> values, done = scale_with_customers({"customers": 2400, "prospect_contacts": 20000}, {"customers": "file"})
    >>> values["prospect_contacts"], done[0].describe()
    (480.0, 'scaled with customers: 480 = 20,000 × 2,400 / 100,000')
    """
    base_customers, base_values = base_of(preset)
    out = dict(values)
    done: list[Scaling] = []
    try:
        customers = float(out.get("customers", base_customers))
    except (TypeError, ValueError, OverflowError):  # not a number: Parameters names the problem
        return out, done
    if base_customers <= 0 or customers == base_customers or not 0 <= customers < float("inf"):
        return out, done
    for key in SCALED_INPUTS:
        if provenance.get(key) in ("entered", "file"):
            continue
        scaled = base_values[key] * customers / base_customers
        out[key] = scaled
        done.append(Scaling(key, scaled, base_values[key], customers, base_customers))
    return out, done


def scenario_provenance(
    preset: Any | None,
    entered: Any = (),
    from_file: Any = (),
) -> dict[str, str]:
    """Every input's provenance: ``file`` beats ``entered`` beats ``preset`` (stated by it) beats ``default``."""
    stated = set(getattr(preset, "stated", ()) or ())
    out = {}
    for key in PARAMETER_SPECS:
        if key in from_file:
            out[key] = "file"
        elif key in entered:
            out[key] = "entered"
        elif key in stated:
            out[key] = "preset"
        else:
            out[key] = "default"
    return out


def infer_provenance(params: Any) -> dict[str, str]:
    """Provenance guessed from the values alone (the Python API, where nobody said): a value equal to the
    default is ``default``, equal to the preset the scenario is named after ``preset``, else ``entered``."""
    presets = (read_preset_file(name) for name in preset_names())
    preset = next((p for p in presets if p.title == getattr(params, "name", None)), None)
    stated = set(getattr(preset, "stated", ()) or ())
    out = {}
    for key, spec in PARAMETER_SPECS.items():
        value = params[key]
        if preset is not None and key in stated and value == preset.parameters[key]:
            out[key] = "preset"
        elif value == spec.default:
            out[key] = "default"
        else:
            out[key] = "entered"
    return out
