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

from estimator.core.parameters import Parameters
from estimator.core.ranges import UncertaintyRanges
from estimator.core.scenario import ScenarioError, check_name
from estimator.text.user_text import MAX_NAME_LENGTH

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
