"""A scenario: one set of parameters with its name, uncertainty ranges, provenance and notes.

:class:`Scenario` is the one thing the scenario library saves, files hold, the command line
builds, links encode, exports take and both apps edit. It is frozen and checked when made, so a
scenario that exists is one that can be saved: names and notes follow the rules of
:mod:`~estimator.text.user_text`, custom ranges hold the scenario's values, and provenance only
ever describes a value the scenario still has.

Provenance is kept as ``{key: (value, description)}``: the value a source gave and where it
came from. A value moved by hand afterwards no longer matches, so the scenario drops that entry
and the value reads as entered, not as the client's data.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from estimator.core.parameters import PARAMETER_SPECS, InputError, Parameters
from estimator.core.ranges import UncertaintyRanges
from estimator.text.user_text import MAX_NAME_LENGTH, MAX_NOTES_LENGTH, NAME_CHARACTERS, NOTES_ALLOWED, escaped, normalise_text

__all__ = [
    "ProvenanceEntry",
    "Scenario",
    "ScenarioError",
    "check_name",
    "check_provenance",
    "check_ranges",
    "check_text",
]

#: One provenance entry: the value a source gave a parameter, and a description of that source.
ProvenanceEntry = tuple[Any, str]


class ScenarioError(InputError):
    """A scenario that cannot be saved, found or read; the message names the field and the value.

    Attributes
    ----------
    code : str
        What went wrong, for a translated message: ``empty_name``, ``long_name``,
        ``control_in_name``, ``duplicate``, ``unknown``, ``unknown_version``, ``invalid`` (a
        stored or imported value is not allowed), ``bad_provenance``, ``database`` (the library
        is unusable), ``unavailable`` (the server cannot be reached), ``newer_schema``,
        ``compare_count``, ``conflict`` (see :class:`ScenarioConflictError`).
    field : str
        The field at fault (``name``, a parameter key, ``ranges``, ``provenance``, ``database``).
    value : Any
        The value at fault, as given.
    """

    def __init__(self, message: str, *, code: str, field: str, value: Any = None):
        super().__init__(message)
        self.code = code
        self.field = field
        self.value = value


def _refused(field: str, problem: str, allowed: str, code: str, value: Any) -> ScenarioError:
    """A :class:`ScenarioError` in the one form of the checks below: ``field: problem; allowed: what is allowed``."""
    return ScenarioError(f"{field}: {problem}; allowed: {allowed}", code=code, field=field, value=value)


def _contains(cleaned: str, unsafe: list[str], allow: str = "") -> str:
    """The problem of text holding characters it may not (``unsafe``), each written out (``allow``: shown as they are)."""
    return f"'{escaped(cleaned, allow=allow)}' contains {', '.join(escaped(char) for char in unsafe)}"


def check_name(name: Any, field: str = "name") -> str:
    """The name in NFC with surrounding spaces removed, or a :class:`ScenarioError` saying why it is not allowed.

    Allowed: text of 1 to :data:`MAX_NAME_LENGTH` characters without control or format
    characters (:data:`~estimator.text.user_text.NAME_CHARACTERS`): a line break would break lists
    and files, a zero-width space or a direction override makes two names look alike.

    >>> check_name("  Base case ")
    'Base case'
    """
    allowed = f"text of 1 to {MAX_NAME_LENGTH} characters, {NAME_CHARACTERS}"
    if not isinstance(name, str):
        raise _refused(field, f"{name!r} is not text", allowed, "empty_name", name)
    cleaned, unsafe = normalise_text(name.strip())
    if not cleaned:
        raise _refused(field, f"{name!r} is empty", allowed, "empty_name", name)
    if len(cleaned) > MAX_NAME_LENGTH:
        problem = f"{escaped(cleaned, limit=20)!r}… is {len(cleaned)} characters long"
        raise _refused(field, problem, allowed, "long_name", escaped(cleaned, limit=40))
    if unsafe:
        raise _refused(field, _contains(cleaned, unsafe), allowed, "control_in_name", escaped(cleaned))
    return cleaned


def check_provenance(provenance: Mapping[str, Any] | None) -> dict[str, str]:
    """Parameter → description of its source, checked (known parameters, text sources)."""
    if provenance is None:
        return {}
    if not isinstance(provenance, Mapping):
        raise ScenarioError(
            f"provenance: {provenance!r} is not a table; allowed: parameter = description of its source",
            code="bad_provenance",
            field="provenance",
            value=provenance,
        )
    clean = {}
    for key, source in provenance.items():
        if key not in PARAMETER_SPECS and key != "currency":
            raise ScenarioError(
                f"provenance: {key!r} is not a parameter; allowed: known parameters such as churn_rate",
                code="bad_provenance",
                field="provenance",
                value=key,
            )
        if not isinstance(source, str):
            raise ScenarioError(
                f"provenance.{key}: {source!r} is not text; allowed: a description of where the value came from",
                code="bad_provenance",
                field=f"provenance.{key}",
                value=source,
            )
        clean[key] = source
    return clean


def check_ranges(parameters: Parameters, ranges: Mapping[str, Any] | None) -> dict[str, tuple[float, float]]:
    """Custom (low, high) ranges, checked against the scenario (they must contain its values)."""
    clean = {key: (float(bounds[0]), float(bounds[1])) for key, bounds in (ranges or {}).items()}
    UncertaintyRanges.around(parameters, clean)  # raises ParameterError naming each bad range
    return clean


def check_text(value: Any, field: str, *, multiline: bool = True) -> str:
    """Free text (notes, a version's note, an author) in NFC, or a :class:`ScenarioError` naming the field.

    Notes (``multiline``) may hold line breaks and tabs, up to
    :data:`~estimator.text.user_text.MAX_NOTES_LENGTH` characters; a one-line field (an author)
    follows the rules of names. No other control or format character (an ANSI escape).
    """
    allowed = NOTES_ALLOWED if multiline else f"text of up to {MAX_NAME_LENGTH} characters, {NAME_CHARACTERS}"
    if not isinstance(value, str):
        raise _refused(field, f"{value!r} is not text", allowed, "invalid", value)
    cleaned, unsafe = normalise_text(value, multiline=multiline)
    longest = MAX_NOTES_LENGTH if multiline else MAX_NAME_LENGTH
    if len(cleaned) > longest:
        raise _refused(field, f"{len(cleaned):,} characters long", allowed, "invalid", escaped(cleaned, limit=40))
    if unsafe:
        raise _refused(field, _contains(cleaned, unsafe, allow=chr(10) + chr(9)), allowed, "invalid", escaped(cleaned))
    return cleaned


def _true_provenance(parameters: Parameters, provenance: Mapping[str, Any] | None) -> dict[str, ProvenanceEntry]:
    """``provenance`` as ``{key: (value, description)}``, checked, keeping only what is still true of ``parameters``.

    An entry may be a description alone (a file or an older library: it described the value
    saved with it) or a ``(value, description)`` pair (a session that recorded what the source gave).
    """
    if provenance is not None and not isinstance(provenance, Mapping):
        check_provenance(provenance)  # raises, naming the field and the value
    pairs = {}
    for key, entry in (provenance or {}).items():
        if isinstance(entry, tuple | list) and len(entry) == 2:
            pairs[key] = (entry[0], entry[1])
        else:
            pairs[key] = (parameters.get(key), entry)
    descriptions = check_provenance({key: description for key, (_, description) in pairs.items()})
    return {
        key: (pairs[key][0], description)
        for key, description in descriptions.items()
        if _same_value(parameters[key], pairs[key][0])
    }


def _same_value(current: Any, recorded: Any) -> bool:
    # A number read back from JSON may be an int where the scenario holds a float: 5 == 5.0 holds.
    if isinstance(current, str) or isinstance(recorded, str):
        return current == recorded
    try:
        return float(current) == float(recorded)
    except (TypeError, ValueError):
        return False


@dataclass(frozen=True)
class Scenario:
    """One scenario: its parameters, name, custom uncertainty ranges, provenance and notes.

    Parameters
    ----------
    name : str
        What it is called ("" until it is named; the library refuses to save it unnamed).
        Up to :data:`~estimator.text.user_text.MAX_NAME_LENGTH` characters, no control or
        format character.
    parameters : Parameters or mapping
        Every parameter and the currency (a mapping is checked into :class:`Parameters`).
    ranges : mapping, optional
        Uncertainty ranges set by the user, parameter → (low, high); they must hold the
        scenario's values. The other parameters take the default ranges around their values.
    provenance : mapping, optional
        Parameter → ``(value, description)``: what a source (the client's data, a calibration)
        gave the parameter and where it came from. A bare description stands for the value the
        scenario has. Entries whose value the scenario no longer has are dropped.
    notes : str, optional
        Free text, up to :data:`~estimator.text.user_text.MAX_NOTES_LENGTH` characters.

    Raises
    ------
    ScenarioError
        Naming the field and the value: a name, notes or provenance that is not allowed.
    ParameterError
        A parameter or a range that is not allowed (each one named).

    Examples
    --------
    >>> calibrated = Scenario("Client", Parameters(churn_rate=0.21), provenance={"churn_rate": "the client's file"})
    >>> calibrated.descriptions
    {'churn_rate': "the client's file"}
    >>> calibrated.with_values(churn_rate=0.25).descriptions  # moved by hand: no longer the client's data
    {}
    """

    name: str
    parameters: Parameters
    ranges: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    notes: str = ""
    provenance: Mapping[str, ProvenanceEntry] = field(default_factory=dict)

    #: Whether the notes are checked: a scenario read back from a library keeps the notes it was saved with
    #: (rows saved before the checks, or by another program, are shown escaped rather than refused).
    _CHECKS_NOTES: ClassVar[bool] = True

    def __post_init__(self) -> None:
        parameters = self.parameters if isinstance(self.parameters, Parameters) else Parameters(self.parameters)
        name = check_name(self.name) if self.name != "" else ""
        set_field = object.__setattr__  # frozen: the checked values replace the given ones once, here
        set_field(self, "parameters", parameters)
        set_field(self, "name", name)
        set_field(self, "ranges", check_ranges(parameters, self.ranges))
        checked = self.notes and self._CHECKS_NOTES
        set_field(self, "notes", check_text(self.notes, "notes") if checked else (self.notes or ""))
        set_field(self, "provenance", _true_provenance(parameters, self.provenance))

    @property
    def descriptions(self) -> dict[str, str]:
        """Parameter → where its value came from, for the values a source gave (what files and the library keep)."""
        return {key: description for key, (_, description) in self.provenance.items()}

    def source_of(self, key: str) -> str | None:
        """Where ``key``'s value came from, or ``None`` when it was entered (or is a preset's or the default)."""
        entry = self.provenance.get(key)
        return entry[1] if entry else None

    def uncertainty_ranges(self, reasons: Mapping[str, str] | None = None) -> UncertaintyRanges:
        """The ranges of every numeric parameter: the custom ones, and the defaults around the values."""
        return UncertaintyRanges.around(self.parameters, self.ranges, reasons)

    def with_values(self, **values: Any) -> Scenario:
        """A copy with some parameter values changed; provenance of a changed value is dropped.

        Custom ranges that no longer hold their parameter's value raise (as on construction).
        """
        return dataclasses.replace(self, parameters=self.parameters.replace(**values))

    def replace(self, **changes: Any) -> Scenario:
        """A copy with some fields changed (``name``, ``parameters``, ``ranges``, ``notes``, ``provenance``), checked."""
        return dataclasses.replace(self, **changes)
