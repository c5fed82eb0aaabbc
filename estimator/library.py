"""The evidence library, the presets built on it, and scenario files.

Everything here is read from ``data/``: ``evidence.csv`` (one row per published figure),
``presets/*.toml`` (named scenarios whose every value names its source) and the defaults'
sources in ``parameters.toml``.
"""

from __future__ import annotations

import csv
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from estimator.core.parameters import PARAMETER_SPECS, TEXT_KEYS, InputError, Parameters
from estimator.core.presets import preset_names, read_preset_file
from estimator.paths import data_dir
from estimator.text.i18n import t

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ASSUMPTION",
    "Preset",
    "ScenarioFile",
    "SourceRef",
    "list_presets",
    "load_evidence",
    "load_preset",
    "preset_description",
    "preset_title",
    "read_scenario",
    "read_scenario_file",
    "scenario_file",
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


@dataclass(frozen=True)
class ScenarioFile:
    """One scenario file, read and parsed once: its values, ranges, provenance and notes (not yet validated).

    Attributes
    ----------
    source : str
        Where the content came from, as errors name it (``"params file 'x.json'"``).
    content : mapping
        The scenario's entries as :func:`read_scenario_file` returns them: the values (with
        ``name`` and ``currency``), ``ranges`` and ``provenance`` when the file has them.
    top : mapping
        The file's top level (``notes``, timestamps and the other entries beside the values).
    """

    source: str
    content: Mapping[str, Any]
    top: Mapping[str, Any]

    @property
    def values(self) -> dict[str, Any]:
        """The scenario's values (parameters, ``name``, ``currency``), without ranges and provenance."""
        return {key: value for key, value in self.content.items() if key not in ("ranges", "provenance")}

    @property
    def ranges(self) -> dict[str, tuple[float, float]]:
        """The uncertainty ranges, ``{parameter: (low, high)}``; :class:`InputError` naming ``source`` if malformed."""
        from estimator.core.ranges import read_ranges

        return read_ranges(self.content.get("ranges", {}), self.source)

    @property
    def provenance(self) -> Any:
        """Where values came from, ``{parameter: description}`` (the top level's, else a calibration's); raw."""
        return self.top["provenance"] if "provenance" in self.top else self.content.get("provenance")

    @property
    def notes(self) -> Any:
        """The scenario's notes as the file holds them (``""`` when it has none); raw."""
        return self.top.get("notes") or ""


def read_scenario(path: str | Path, *, source: str | None = None) -> ScenarioFile:
    """Read a JSON or TOML scenario file once: the one reader of scenario files (CLI, library, store).

    The file holds parameter keys at its top level, or under ``parameters`` or ``inputs``
    (so the command line's own JSON output can be read back). ``currency`` and ``name``
    are accepted too, and uncertainty ranges as a ``ranges`` table at the top level or
    inside the section. The JSON of ``calibrate --format json`` is read too: its estimates
    as values, their 95 % intervals as ``ranges`` and a ``provenance`` table (parameter →
    where its value came from). ``notes`` and ``provenance`` sit at the top level.

    Parameters
    ----------
    path : str or Path
        A ``.json`` or ``.toml`` file.
    source : str, optional
        How errors about its content name it; ``params file '<path>'`` by default.

    Raises
    ------
    InputError
        When the file cannot be read or parsed, or holds no table of values.
    """
    path = Path(path)
    try:
        text = path.read_bytes()
    except OSError as error:
        raise InputError(f"params file {str(path)!r}: cannot be read ({error.strerror or error})") from None
    fmt = path.suffix.lower()
    if fmt not in (".toml", ".json"):
        raise InputError(f"params file {str(path)!r}: unknown format {path.suffix!r}; use .json or .toml")
    try:
        raw = tomllib.loads(text.decode("utf-8")) if fmt == ".toml" else json.loads(text)
    except (ValueError, RecursionError) as error:
        # ValueError: bad UTF-8, JSON or TOML, or a number of over 4,300 digits; RecursionError:
        # arrays nested thousands deep. Either way the file is not a scenario.
        reason = "nested too deeply" if isinstance(error, RecursionError) else str(error)[:200]
        raise InputError(f"params file {str(path)!r}: not valid {fmt[1:].upper()} ({reason})") from None
    return scenario_file(raw, source or f"params file {str(path)!r}")


def read_scenario_file(path: str | Path) -> dict[str, Any]:
    """The values of a JSON or TOML scenario file (not yet validated), with its ``ranges`` and
    ``provenance`` tables when it has them: :attr:`ScenarioFile.content` of :func:`read_scenario`.

    Raises
    ------
    InputError
        When the file cannot be read or parsed, or holds no table of values.
    """
    return dict(read_scenario(path).content)


def scenario_file(raw: Any, source: str) -> ScenarioFile:
    """A parsed scenario file's content (:func:`read_scenario`'s rules) as a :class:`ScenarioFile`.

    ``source`` names where the content came from in the error (``"params file 'x.json'"``); a
    workspace file holds one such content per scenario.
    """
    if not isinstance(raw, dict):
        raise InputError(f"{source}: expected a table of parameter values, found {type(raw).__name__}")
    from estimator.calibration.params import is_calibration, scenario_from_calibration

    if is_calibration(raw):
        # What `calibrate --format json` writes: its estimates, their intervals as ranges, their provenance.
        scenario = scenario_from_calibration(raw, source)
        content = {
            "name": scenario["name"],
            "currency": scenario["currency"],
            **scenario["parameters"],
            "provenance": scenario["provenance"],
        }
        return ScenarioFile(source, content, raw)
    for section in ("parameters", "inputs"):
        if isinstance(raw.get(section), dict):
            # Ranges may sit beside the section ([ranges]) or inside it ([parameters.ranges]).
            outer = {k: v for k, v in raw.items() if k in TEXT_KEYS or k in ("ranges", "provenance")}
            return ScenarioFile(source, {**outer, **raw[section]}, raw)
    return ScenarioFile(source, raw, raw)
