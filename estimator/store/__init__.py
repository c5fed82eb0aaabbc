"""The scenario library: how a scenario is kept.

- :mod:`estimator.store.types`: what is kept (drafts, saved versions, workspaces) and the checks on it;
- :mod:`estimator.store.database`: :class:`ScenarioStore` over a SQLite file or a PostgreSQL server
  (SQLAlchemy Core, Alembic migrations in ``migrations/``), with workspaces, history and
  optimistic concurrency;
- :mod:`estimator.store.files`: one scenario as JSON/TOML, a whole workspace as JSON;
- :mod:`estimator.store.comparison`: up to four scenarios (or versions) side by side.

Everything is re-exported here (and from :mod:`estimator.scenarios`, its name before the package).
"""

from estimator.store.comparison import COMPARED_OUTPUTS, DIFFERENCE_STYLE, ScenarioComparison, changed_inputs, compare_scenarios
from estimator.store.database import (
    BUSY_TIMEOUT_SECONDS,
    DATABASE_ENV,
    MIGRATIONS_DIR,
    RETRY_SECONDS,
    SCHEMA_VERSION,
    ScenarioStore,
    default_author,
    default_database,
    default_database_path,
    hide_password,
)
from estimator.store.files import (
    WORKSPACE_FORMAT,
    ImportedVersion,
    WorkspaceFile,
    export_scenario,
    export_workspace,
    read_scenario_bytes,
    read_scenario_path,
    read_workspace_bytes,
    read_workspace_path,
)
from estimator.store.types import (
    DEFAULT_WORKSPACE,
    FILE_METADATA_KEYS,
    MAX_COMPARED,
    MAX_NAME_LENGTH,
    SavedScenario,
    ScenarioConflictError,
    ScenarioDraft,
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
    "MAX_COMPARED",
    "MAX_NAME_LENGTH",
    "MIGRATIONS_DIR",
    "RETRY_SECONDS",
    "SCHEMA_VERSION",
    "WORKSPACE_FORMAT",
    "ImportedVersion",
    "SavedScenario",
    "ScenarioComparison",
    "ScenarioConflictError",
    "ScenarioDraft",
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
    "read_scenario_bytes",
    "read_scenario_path",
    "read_workspace_bytes",
    "read_workspace_path",
]
