"""What the scenario library keeps: scenarios, their versions and workspaces, and the checks on names and values.

What the library saves is a :class:`~estimator.core.scenario.Scenario`; a :class:`SavedScenario` is
one version of a saved scenario: the scenario and its record (workspace, version number, who saved
it, when, and the note they left). ``ScenarioDraft``, the name of a scenario not yet saved before the
core had one, is :class:`Scenario` and warns until it goes. Errors are :class:`ScenarioError`
(an :class:`~estimator.core.parameters.InputError` naming the field and the value), and
:class:`ScenarioConflictError` when a save would silently replace a version someone else saved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

from estimator.core.scenario import Scenario, ScenarioError, check_name
from estimator.text.user_text import MAX_NAME_LENGTH

__all__ = [
    "DEFAULT_WORKSPACE",
    "FILE_METADATA_KEYS",
    "MAX_COMPARED",
    "MAX_NAME_LENGTH",
    "SavedScenario",
    "ScenarioConflictError",
    "ScenarioError",
    "ScenarioInfo",
    "VersionInfo",
    "WorkspaceInfo",
    "check_name",
    "unknown_scenario",
]

#: Longest scenario or workspace name accepted (characters, after trimming spaces).
#: Most scenarios shown side by side.
MAX_COMPARED = 4
#: The workspace of scenarios saved before workspaces existed, and of a store opened without one.
DEFAULT_WORKSPACE = "default"
#: Keys of a scenario file that describe the scenario rather than set a parameter.
FILE_METADATA_KEYS = ("notes", "provenance", "created_at", "updated_at", "workspace", "version", "author", "note", "history")


def unknown_scenario(name: str, workspace: str, saved: int, field: str = "name") -> ScenarioError:
    """The error for ``name``, not a saved scenario in ``workspace`` (which holds ``saved`` scenarios).

    The store and the team's facade word it alike, so that a refusal reveals nothing.
    """
    return ScenarioError(
        f"{field}: {name!r} is not a saved scenario in workspace {workspace!r}; allowed: one of the "
        f"{saved} saved there (see 'python -m estimator scenarios list')",
        code="unknown",
        field=field,
        value=name,
    )


@dataclass(frozen=True)
class SavedScenario(Scenario):
    """One version of a scenario in the library: a :class:`~estimator.core.scenario.Scenario` and its record.

    Its provenance was a description of the value saved with it, so every entry holds.

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

    _CHECKS_NOTES: ClassVar[bool] = False  # as saved; the library checked them when they were saved


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


#: When ``ScenarioDraft`` goes (the same date as every shim of issue 25).
SCENARIO_DRAFT_REMOVAL = "2027-06-30"


def __getattr__(name: str) -> Any:
    # ScenarioDraft became the core's Scenario (issue 25); the old name warns until it goes.
    if name == "ScenarioDraft":
        import warnings

        warnings.warn(
            f"ScenarioDraft is now estimator.core.scenario.Scenario; the old name goes on {SCENARIO_DRAFT_REMOVAL}",
            DeprecationWarning,
            stacklevel=2,
        )
        return Scenario
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
