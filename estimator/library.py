"""The evidence library and the presets built on it (scenario files: :mod:`estimator.store.codec`).

Everything here is read from ``data/``: ``evidence.csv`` (one row per published figure),
``presets/*.toml`` (named scenarios whose every value names its source) and the defaults'
sources in ``parameters.toml``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from estimator.core.parameters import PARAMETER_SPECS, InputError, Parameters
from estimator.core.presets import preset_names, read_preset_file
from estimator.paths import data_dir
from estimator.text.i18n import t

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ASSUMPTION",
    "Preset",
    "SourceRef",
    "list_presets",
    "load_evidence",
    "load_preset",
    "preset_description",
    "preset_title",
    "scenario_title",
]

ASSUMPTION = "assumption"
#: Kinds of figures that are not a yearly rate of customers: a default built on one is a proxy.
PROXY_MEASURES = ("ever share", "share of firms", "period not stated", "across all services")


@cache
def load_evidence() -> pd.DataFrame:
    """The evidence library: one row per published figure, indexed by its id.

    Returns
    -------
    pandas.DataFrame
        Columns ``value``, ``value_low``, ``value_high``, ``unit``, ``measures`` (yearly rate,
        ever share, share of firms ...), ``population``, ``country``, ``year``, ``source``,
        ``url``, ``parameter`` (the key it informs, if any), ``grade`` (published survey,
        secondary report or assumption), ``note``, and ``proxy`` (True when the figure is not
        a yearly rate of customers and a default built on it is only a proxy).
    """
    import pandas as pd  # imported when the table is asked for: it takes about a second

    frame = pd.read_csv(
        data_dir() / "evidence.csv",
        dtype={"year": "Int64"},
        keep_default_na=False,
        na_values={"value": [""], "value_low": [""], "value_high": [""], "year": [""]},
    )
    frame["proxy"] = frame["measures"].str.contains("|".join(PROXY_MEASURES))
    return frame.set_index("id")


def _is_proxy(measures: str) -> bool:
    """Whether a figure measuring ``measures`` is not a yearly rate of customers (see :data:`PROXY_MEASURES`)."""
    return any(kind in measures for kind in PROXY_MEASURES)


@cache
def _citations() -> dict[str, tuple[str, str]]:
    """Each evidence id's short citation and grade, "Accenture (US, 2013)" and "published survey (proxy)".

    The same file as :func:`load_evidence`, read with the csv module: the sidebar's tooltips
    quote these on the first screen, which then needs no pandas (about a second to import).
    """
    with open(data_dir() / "evidence.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    citations = {}
    for row in rows:
        where = ", ".join(part for part in (row["country"], row["year"]) if part)
        citation = f"{row['source']} ({where})" if where else row["source"]
        grade = f"{row['grade']} (proxy)" if _is_proxy(row["measures"]) else row["grade"]
        citations[row["id"]] = (citation, grade)
    return citations


#: A parameter named in a note, filled with its current value (:meth:`SourceRef.note_for`).
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class SourceRef:
    """Where one parameter value comes from: an evidence id (or ``"assumption"``) and a note."""

    evidence_id: str
    note: str = ""

    @property
    def is_assumption(self) -> bool:
        return self.evidence_id == ASSUMPTION

    @property
    def grade(self) -> str:
        """Evidence grade; a figure that is not a yearly rate of customers is marked as a proxy."""
        if self.is_assumption:
            return ASSUMPTION
        return _citations()[self.evidence_id][1]

    def note_for(self, params: Mapping[str, Any], currency: str = "EUR", *, locale: str = "en") -> str:
        """The note with the scenario's *current* values in its ``{parameter}`` placeholders.

        A note that compares with another input ("Below the all-cause churn of {churn_rate} ...")
        then never states a value the scenario no longer has.

        >>> SourceRef("assumption", "Below the all-cause churn of {churn_rate}.").note_for({"churn_rate": 0.205})
        'Below the all-cause churn of 20.5%.'
        """
        from estimator.text.formatting import format_parameter

        return _PLACEHOLDER.sub(
            lambda match: (
                format_parameter(match[1], params[match[1]], currency, locale=locale) if match[1] in PARAMETER_SPECS else match[0]
            ),
            self.note,
        )

    @property
    def citation(self) -> str:
        """A short citation: source, country and year, e.g. "Accenture (US, 2013)"."""
        if self.is_assumption:
            return "Assumption"
        return _citations()[self.evidence_id][0]


@dataclass(frozen=True)
class Preset:
    """A named scenario whose every parameter value names its source."""

    name: str
    title: str
    description: str
    parameters: Parameters
    sources: Mapping[str, SourceRef]
    #: N0 (MODEL.md v3): the customer base the preset's volumes are sized for.
    customer_base: float = 100000.0
    #: The parameters the preset states (the others are MODEL.md's defaults).
    stated: tuple[str, ...] = ()

    def assumptions(self) -> pd.DataFrame:
        """Every parameter with its value, source, evidence grade and note (for a deck or a notebook)."""
        import pandas as pd

        rows = []
        for key, spec in PARAMETER_SPECS.items():
            ref = self.sources[key]
            rows.append(
                {
                    "parameter": key,
                    "description": spec.description,
                    "value": self.parameters[key],
                    "unit": spec.unit,
                    "source": ref.citation,
                    "evidence_id": ref.evidence_id,
                    "grade": ref.grade,
                    "note": ref.note_for(self.parameters, self.parameters.currency),
                }
            )
        return pd.DataFrame(rows).set_index("parameter")


def _default_sources() -> dict[str, SourceRef]:
    return {key: SourceRef(spec.source, spec.note) for key, spec in PARAMETER_SPECS.items()}


@cache
def _read_preset(name: str) -> Preset:
    file = read_preset_file(name)
    sources = _default_sources()
    for key, entry in file.table.get("parameters", {}).items():
        sources[key] = SourceRef(entry.get("source", ASSUMPTION), entry.get("note", ""))
    description = file.table.get("description", "")
    return Preset(name, file.title, description, file.parameters, sources, file.customer_base, file.stated)


def list_presets() -> list[Preset]:
    """Every preset, the generic one first."""
    return [_read_preset(name) for name in preset_names()]


def load_preset(name: str) -> Preset:
    """The preset called ``name`` (a file stem in ``data/presets``).

    Raises
    ------
    InputError
        When there is no such preset; the message lists the available ones.
    """
    if name not in preset_names():
        raise InputError(f"preset: {name!r} is not a preset; available: {', '.join(preset_names())}")
    return _read_preset(name)


def preset_title(preset: Preset) -> str:
    """The preset's title in the current language (``data/i18n/<lang>/presets.toml``), else its TOML's English.

    Examples
    --------
    >>> from estimator.text.i18n import language_scope
    >>> with language_scope("pl"):
    ...     preset_title(load_preset("poland_consumer_services"))
    'Usługi konsumenckie w Polsce'
    """
    return t(f"preset.{preset.name}.title", default=preset.title)


def preset_description(preset: Preset) -> str:
    """The preset's description in the current language, else its TOML's English."""
    return t(f"preset.{preset.name}.description", default=preset.description)


def scenario_title(name: str) -> str:
    """A scenario's name as shown to the reader.

    An unchanged preset is named after the preset's English title (``Parameters.name``); that
    name is shown as the preset's title in the current language. Any other name (one the user
    typed) is shown as it is.

    Parameters
    ----------
    name : str
        The scenario's name, e.g. ``Parameters.name``; may be empty.

    Returns
    -------
    str
        The name to show; empty when ``name`` is.

    Examples
    --------
    >>> from estimator.text.i18n import language_scope
    >>> with language_scope("nl"):
    ...     scenario_title("Telecom and cable TV"), scenario_title("My telecom case")
    ('Telecom en kabel-tv', 'My telecom case')
    """
    for preset in list_presets():
        if name == preset.title:
            return preset_title(preset)
    return name


#: Scenario-file readers that lived here before the codec (:mod:`estimator.store.codec`); they warn until removed.
_MOVED_TO_CODEC = ("ScenarioFile", "read_scenario", "read_scenario_file", "scenario_file", "scenario_values")
#: When the names above go (the same date as every shim of issue 25).
MOVED_NAMES_REMOVAL = "2027-06-30"


def __getattr__(name: str) -> Any:
    if name in _MOVED_TO_CODEC:
        import warnings

        from estimator.store import codec

        warnings.warn(
            f"estimator.library.{name} is now estimator.store.codec.{name}; the old name goes on {MOVED_NAMES_REMOVAL}",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(codec, name)
    raise AttributeError(f"module 'estimator.library' has no attribute {name!r}")
