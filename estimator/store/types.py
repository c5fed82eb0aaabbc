"""What the scenario library keeps: scenarios, their versions and workspaces, and the checks on names and values.

A :class:`ScenarioDraft` is a scenario not (yet) in the library (a file, the app's current
inputs); a :class:`SavedScenario` is one version of a saved scenario, with its workspace, its
version number, who saved it, when, and the note they left. Errors are :class:`ScenarioError`
(an :class:`~estimator.core.parameters.InputError` naming the field and the value), and
:class:`ScenarioConflictError` when a save would silently replace a version someone else saved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from estimator.analysis.sensitivity import UncertaintyRanges
from estimator.core.parameters import PARAMETER_SPECS, InputError, Parameters
from estimator.text.user_text import MAX_NAME_LENGTH, MAX_NOTES_LENGTH, NAME_CHARACTERS, NOTES_ALLOWED, escaped, normalise_text

__all__ = [
    "DEFAULT_WORKSPACE",
    "FILE_METADATA_KEYS",
    "MAX_COMPARED",
    "MAX_NAME_LENGTH",
    "SavedScenario",
    "ScenarioConflictError",
    "ScenarioDraft",
    "ScenarioError",
    "ScenarioInfo",
    "VersionInfo",
    "WorkspaceInfo",
    "check_name",
]

#: Longest scenario or workspace name accepted (characters, after trimming spaces).
#: Most scenarios shown side by side.
MAX_COMPARED = 4
#: The workspace of scenarios saved before workspaces existed, and of a store opened without one.
DEFAULT_WORKSPACE = "default"
#: Keys of a scenario file that describe the scenario rather than set a parameter.
FILE_METADATA_KEYS = ("notes", "provenance", "created_at", "updated_at", "workspace", "version", "author", "note", "history")


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
        raise ScenarioError(f"{field}: {name!r} is not text; allowed: {allowed}", code="empty_name", field=field, value=name)
    cleaned, unsafe = normalise_text(name.strip())
    if not cleaned:
        raise ScenarioError(f"{field}: {name!r} is empty; allowed: {allowed}", code="empty_name", field=field, value=name)
    if len(cleaned) > MAX_NAME_LENGTH:
        raise ScenarioError(
            f"{field}: {escaped(cleaned, limit=20)!r}… is {len(cleaned)} characters long; allowed: {allowed}",
            code="long_name",
            field=field,
            value=escaped(cleaned, limit=40),
        )
    if unsafe:
        raise ScenarioError(
            f"{field}: '{escaped(cleaned)}' contains {', '.join(escaped(char) for char in unsafe)}; allowed: {allowed}",
            code="control_in_name",
            field=field,
            value=escaped(cleaned),
        )
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
        raise ScenarioError(f"{field}: {value!r} is not text; allowed: {allowed}", code="invalid", field=field, value=value)
    cleaned, unsafe = normalise_text(value, multiline=multiline)
    longest = MAX_NOTES_LENGTH if multiline else MAX_NAME_LENGTH
    if len(cleaned) > longest:
        raise ScenarioError(
            f"{field}: {len(cleaned):,} characters long; allowed: {allowed}",
            code="invalid",
            field=field,
            value=escaped(cleaned, limit=40),
        )
    if unsafe:
        raise ScenarioError(
            f"{field}: '{escaped(cleaned, allow=chr(10) + chr(9))}' contains "
            f"{', '.join(escaped(char) for char in unsafe)}; allowed: {allowed}",
            code="invalid",
            field=field,
            value=escaped(cleaned),
        )
    return cleaned


@dataclass(frozen=True)
class ScenarioDraft:
    """A scenario not (yet) in the library: what a file or the app provides.

    Attributes
    ----------
    name : str
        Its name (checked by :func:`check_name` when saved).
    parameters : Parameters
        Every parameter and the currency.
    ranges : dict
        Uncertainty ranges set by the user, parameter → (low, high); the others are the defaults.
    notes : str
        Free text.
    provenance : dict
        Parameter → where its value came from (a calibration, a client's data ...).
    """

    name: str
    parameters: Parameters
    ranges: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    notes: str = ""
    provenance: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SavedScenario(ScenarioDraft):
    """One version of a scenario in the library.

    Attributes
    ----------
    created_at, updated_at : datetime
        When the scenario was first saved, and when this version was saved (UTC).
    version : int
        1 for the first save, one more for each save after it (versions are never changed).
    author : str
        Who saved this version ("" when not known, e.g. scenarios saved before versions existed).
    note : str
        What the author said about this version.
    workspace : str
        The workspace (client engagement) the scenario belongs to.
    """

    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    updated_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    version: int = 1
    author: str = ""
    note: str = ""
    workspace: str = DEFAULT_WORKSPACE

    def uncertainty_ranges(self) -> UncertaintyRanges:
        """The ranges of every numeric parameter: the saved ones, and the defaults around the values."""
        return UncertaintyRanges.around(self.parameters, self.ranges)

    def to_dict(self) -> dict[str, Any]:
        """Plain data: the export file's content (``parameters`` holds ``ranges``)."""
        from estimator.store.files import file_content

        return file_content(self)


@dataclass(frozen=True)
class ScenarioInfo:
    """One line of a workspace's list (the values themselves are read by :meth:`ScenarioStore.load`)."""

    name: str
    currency: str
    notes: str
    created_at: datetime
    updated_at: datetime
    version: int = 1
    author: str = ""


@dataclass(frozen=True)
class VersionInfo:
    """One saved version of a scenario: its number, who saved it, when, and their note."""

    version: int
    author: str
    saved_at: datetime
    note: str
    currency: str


@dataclass(frozen=True)
class WorkspaceInfo:
    """A workspace (a client engagement) and how many scenarios it holds."""

    name: str
    scenarios: int
    created_at: datetime


class ScenarioConflictError(ScenarioError):
    """A save refused because someone saved the scenario after the version this one started from.

    Attributes
    ----------
    expected_version : int
        The version the refused save started from.
    current : SavedScenario
        The version now in the library (to show the difference).
    saved_between : tuple of VersionInfo
        Every version saved after ``expected_version``, oldest first: who, when, their note.
    """

    def __init__(self, name: str, expected_version: int, current: SavedScenario, saved_between: Sequence[VersionInfo]):
        latest = saved_between[-1] if saved_between else None
        who = (latest.author or "someone") if latest else "someone"
        when = f" at {latest.saved_at:%Y-%m-%d %H:%M} UTC" if latest else ""
        super().__init__(
            f"name: {name!r} was saved by {who}{when} (version {current.version}) after version {expected_version} "
            "that this save started from; allowed: save it as a new scenario, or overwrite having seen the difference "
            "(--force on the command line)",
            code="conflict",
            field="name",
            value=name,
        )
        self.expected_version = expected_version
        self.current = current
        self.saved_between = tuple(saved_between)
