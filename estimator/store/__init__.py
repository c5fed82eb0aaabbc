"""The scenario library: how a scenario is kept.

- :mod:`estimator.store.types`: what is kept (drafts, saved versions, workspaces) and the checks on it;
- :mod:`estimator.store.database`: :class:`ScenarioStore` over a SQLite file or a PostgreSQL server
  (SQLAlchemy Core, Alembic migrations in ``migrations/``), with workspaces, history and
  optimistic concurrency;
- :mod:`estimator.store.codec`: every scenario file (JSON/TOML, a calibration's JSON, a workspace), read and written;
- :mod:`estimator.store.comparison`: up to four scenarios (or versions) side by side.

Everything is re-exported here (and from :mod:`estimator.scenarios`, its name before the package). The
database's and the comparison's names are imported on first use, so reading a scenario file loads
neither SQLAlchemy nor pandas.
"""

from typing import Any

from estimator.core.scenario import Scenario
from estimator.store.codec import (
    FORMATS,
    WORKSPACE_FORMAT,
    ImportedVersion,
    WorkspaceFile,
    export_scenario,
    export_workspace,
    read,
    read_scenario_bytes,
    read_scenario_path,
    read_workspace_bytes,
    read_workspace_path,
    write,
)
from estimator.store.types import (
    DEFAULT_WORKSPACE,
    FILE_METADATA_KEYS,
    MAX_COMPARED,
    MAX_NAME_LENGTH,
    SavedScenario,
    ScenarioConflictError,
    ScenarioError,
    ScenarioInfo,
    VersionInfo,
    WorkspaceInfo,
    check_name,
)

__all__ = [
    "BUSY_TIMEOUT_SECONDS",
    "COMPARED_OUTPUTS",
    "DATABASE_ENV",
    "DEFAULT_WORKSPACE",
    "DIFFERENCE_STYLE",
    "FILE_METADATA_KEYS",
    "FORMATS",
    "MAX_COMPARED",
    "MAX_NAME_LENGTH",
    "MIGRATIONS_DIR",
    "RETRY_SECONDS",
    "SCHEMA_VERSION",
    "WORKSPACE_FORMAT",
    "ImportedVersion",
    "SavedScenario",
    "Scenario",
    "ScenarioComparison",
    "ScenarioConflictError",
    "ScenarioError",
    "ScenarioInfo",
    "ScenarioStore",
    "VersionInfo",
    "WorkspaceFile",
    "WorkspaceInfo",
    "changed_inputs",
    "check_name",
    "compare_scenarios",
    "default_author",
    "default_database",
    "default_database_path",
    "export_scenario",
    "export_workspace",
    "hide_password",
    "read",
    "read_scenario_bytes",
    "read_scenario_path",
    "read_workspace_bytes",
    "read_workspace_path",
    "write",
]

#: Names of the modules that import SQLAlchemy or pandas, imported when first asked for.
_COMPARISON_NAMES = ("COMPARED_OUTPUTS", "DIFFERENCE_STYLE", "ScenarioComparison", "changed_inputs", "compare_scenarios")
_DATABASE_SETTINGS = ("BUSY_TIMEOUT_SECONDS", "DATABASE_ENV", "MIGRATIONS_DIR", "RETRY_SECONDS", "SCHEMA_VERSION")
_DATABASE_NAMES = (
    *_DATABASE_SETTINGS,
    "ScenarioStore",
    "default_author",
    "default_database",
    "default_database_path",
    "hide_password",
)


def __getattr__(name: str) -> Any:
    if name in _DATABASE_NAMES:
        from estimator.store import database

        return getattr(database, name)
    if name == "ScenarioDraft":  # the core's Scenario now; warns until it goes
        from estimator.store import types

        return types.ScenarioDraft
    if name in _COMPARISON_NAMES:
        from estimator.store import comparison

        return getattr(comparison, name)
    raise AttributeError(f"module 'estimator.store' has no attribute {name!r}")
