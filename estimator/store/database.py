"""The scenario library's store: one API over a SQLite file or a PostgreSQL server (transactions, retries).

Where the library lives is :mod:`estimator.store.location` (a path or a ``postgresql://`` URL; a
password is never shown: :attr:`ScenarioStore.location` and every message hide it); the tables and
row ⇄ scenario are :mod:`estimator.store.rows`, which writes every version.

Both engines go through SQLAlchemy 2 Core (psycopg 3 for PostgreSQL) and one schema, brought up
to date by Alembic (``estimator/store/migrations``) inside the first write transaction, so
concurrent processes never migrate twice. On SQLite the file runs in WAL mode with full
synchronisation, every change is one ``BEGIN IMMEDIATE`` transaction (concurrent writers queue
behind a busy timeout), ``PRAGMA user_version`` mirrors the schema version (so a program from
before Alembic refuses a newer file), and reading never creates the file. A SQLite library
written by an older version is upgraded in place after a backup copy next to it
(``scenarios.sqlite3.backup-schema1-<time>``); a library written by a newer version is
refused untouched.

Every scenario is in a workspace; every save appends a version (author, time, note) and
nothing is ever overwritten in place. A save names the version it started from
(``expect_version``): if someone saved in between, it is refused with a :class:`ScenarioConflictError`
saying who, unless the caller overwrites deliberately (``overwrite=True``). On PostgreSQL the
row is locked (``SELECT ... FOR UPDATE``) and a save that loses its connection is retried
with the same save id, so it is neither lost nor made twice.
"""

from __future__ import annotations

import functools
import getpass
import os
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

from estimator.core.parameters import Parameters
from estimator.core.scenario import Scenario, ScenarioError, check_name, check_text
from estimator.paths import DATABASE_ENV
from estimator.store.codec import WorkspaceFile, export_workspace
from estimator.store.location import (
    default_database,
    default_database_path,
    hide_password,
    library_engine,
    library_location,
)
from estimator.store.rows import SCENARIOS, VERSIONS, WORKSPACES, content, from_row, from_version, now, parse_time, write_version
from estimator.store.types import (
    DEFAULT_WORKSPACE,
    SavedScenario,
    ScenarioConflictError,
    ScenarioInfo,
    VersionInfo,
    WorkspaceInfo,
    unknown_scenario,
)
from estimator.urls import redact_text

__all__ = [
    "DATABASE_ENV",
    "MIGRATIONS_DIR",
    "SCHEMA_VERSION",
    "ScenarioStore",
    "default_author",
    "default_database",
    "default_database_path",
    "hide_password",
]

#: Seconds a writer waits for another one to finish before giving up (SQLite).
BUSY_TIMEOUT_SECONDS = 30.0
#: Seconds a save keeps retrying while the server cannot be reached (PostgreSQL).
RETRY_SECONDS = 10.0
#: Alembic's migration scripts (one per schema version, ``0001``, ``0002`` ...).
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
#: Key of the PostgreSQL advisory lock taken while the schema is created or upgraded.
_MIGRATION_LOCK = 0x43485552  # "CHUR"


@cache
def _script(folder: str) -> tuple[str, frozenset[str]]:
    """The head revision of the migrations in ``folder`` and every revision they know."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(folder)
    return script.get_current_head() or "0000", frozenset(rev.revision for rev in script.walk_revisions())


def _schema_version() -> int:
    return int(_script(str(MIGRATIONS_DIR))[0])


#: The schema version this code writes (Alembic's head revision, mirrored in SQLite's ``PRAGMA user_version``).
SCHEMA_VERSION = _schema_version()


def default_author() -> str:
    """The login name of the user running this program ("" when the system cannot tell)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""


class _CollisionError(ScenarioError):
    """A unique name taken by a concurrent transaction on PostgreSQL (a save runs again; others report it)."""


#: What PostgreSQL says while it restarts (a read then waits for it, up to ``retry_seconds``).
_RESTART_SIGNS = (
    "shutting down",
    "starting up",
    "not yet accepting connections",
    "in recovery mode",
    "closed the connection unexpectedly",
    "terminating connection",
)


class _UnavailableError(ScenarioError):
    """The server cannot be reached; ``dropped`` when a connection that worked was cut (a restart, a crash)."""

    def __init__(self, dropped: bool, message: str, **kwargs: Any):
        super().__init__(message, **kwargs)
        self.dropped = dropped


#: Set by :meth:`ScenarioStore._on_version_written` for the calls within it (per thread and task: each app
#: session saves in its own); ``None`` outside.
_VERSION_WRITTEN: ContextVar[Callable[[Connection, SavedScenario], None] | None] = ContextVar("version_written", default=None)


def _retrying_reads(method):
    """Run a read again when its connection was cut under it (e.g. the server restarted), for ``retry_seconds``.

    A server that is simply down fails at once, so the app can say so without making anyone wait.
    """

    @functools.wraps(method)
    def wrapper(self: ScenarioStore, *args: Any, **kwargs: Any):
        deadline, pause = None, 0.1
        while True:
            try:
                return method(self, *args, **kwargs)
            except _UnavailableError as error:
                if deadline is None:
                    if not error.dropped:
                        raise
                    deadline = time.monotonic() + self.retry_seconds
                if time.monotonic() + pause > deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, 1.0)

    return wrapper


class ScenarioStore:
    """Named scenarios in workspaces, with their history, in a SQLite file or on a PostgreSQL server.

    Safe for several sessions, processes and servers at once.

    Parameters
    ----------
    database : str or Path, optional
        A SQLite file (its folder is created on the first save) or a ``postgresql://`` URL;
        :func:`default_database` when omitted.
    workspace : str, optional
        The workspace this store reads and writes (:data:`DEFAULT_WORKSPACE` when omitted);
        saving into one that does not exist creates it.
    busy_timeout : float, default 30
        Seconds a SQLite writer waits for another writer to finish.
    retry_seconds : float, default 10
        Seconds a save keeps retrying while a PostgreSQL server cannot be reached.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> store = ScenarioStore(pathlib.Path(tempfile.mkdtemp()) / "library.sqlite3")
    >>> store.save("Base", Parameters(churn_rate=0.2)).parameters.churn_rate
    0.2
    >>> store.save("Base", Parameters(churn_rate=0.25), expect_version=1, author="Anna").version
    2
    >>> [(v.version, v.author) for v in store.versions("Base")][-1]
    (2, 'Anna')
    """

    def __init__(
        self,
        database: str | Path | None = None,
        *,
        workspace: str | None = None,
        busy_timeout: float = BUSY_TIMEOUT_SECONDS,
        retry_seconds: float = RETRY_SECONDS,
    ):
        self.url, self.path = library_location(default_database() if database is None else database)
        self.workspace = check_name(workspace, "workspace") if workspace is not None else DEFAULT_WORKSPACE
        self.busy_timeout = busy_timeout
        self.retry_seconds = retry_seconds

    @property
    def engine_name(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return "sqlite" if self.url is None else "postgresql"

    @property
    def location(self) -> str:
        """Where the library is, fit to show: the file's path, or the server's URL with the password hidden."""
        return str(self.path) if self.url is None else hide_password(self.url)

    def __repr__(self) -> str:
        return f"ScenarioStore({self.location!r}, workspace={self.workspace!r})"

    def in_workspace(self, workspace: str) -> ScenarioStore:
        """The same library, reading and writing another workspace."""
        other = ScenarioStore.__new__(ScenarioStore)
        other.__dict__.update(self.__dict__)
        other.workspace = check_name(workspace, "workspace")
        return other

    # --- connections -------------------------------------------------------------------------

    def _engine(self) -> Engine:
        return library_engine(self.url, self.path, self.busy_timeout)

    def _scrub(self, text: str) -> str:
        return redact_text(text, self.url) if self.url is not None else text

    def _database_error(self, error: Exception) -> ScenarioError:
        original = getattr(error, "orig", None) or error
        detail = self._scrub(" ".join(str(original).split()))[:300]
        if (
            self.url is not None
            and isinstance(error, DBAPIError)
            and (error.connection_invalidated or isinstance(error, sa.exc.OperationalError | sa.exc.InterfaceError))
        ):
            # Cut under us, or a server going down or coming up: worth retrying a read (not a refused connection).
            restarting = error.connection_invalidated or any(sign in detail for sign in _RESTART_SIGNS)
            return _UnavailableError(
                restarting,
                f"database {self.location!r}: the server cannot be reached ({detail}); allowed: a running "
                "PostgreSQL server (try again when it is back)",
                code="unavailable",
                field="database",
                value=self.location,
            )
        return ScenarioError(
            f"database {self.location!r}: cannot be used ({detail}); allowed: a scenario library "
            f"(set {DATABASE_ENV} or --db to another path or URL)",
            code="database",
            field="database",
            value=self.location,
        )

    def _newer(self, version: Any) -> ScenarioError:
        return ScenarioError(
            f"database {self.location!r}: schema version {version} is newer than this program's "
            f"{_schema_version()}; allowed: a library written by this or an older version",
            code="newer_schema",
            field="database",
            value=version,
        )

    @contextmanager
    def _transaction(self, write: bool) -> Iterator[Connection]:
        try:
            if write and self.path is not None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._engine().connect().execution_options(write=write) as connection, connection.begin():
                yield connection
        except OSError as error:
            raise self._database_error(error) from None
        except IntegrityError:
            raise _CollisionError(
                f"database {self.location!r}: another change of the same name was saved at the same moment; allowed: try again",
                code="database",
                field="database",
                value=self.location,
            ) from None
        except (DBAPIError, sqlite3.Error) as error:
            raise self._database_error(error) from None

    def _state(self, connection: Connection) -> tuple[str, str | None]:
        """The schema's state: ``("absent"|"legacy"|"old"|"current", revision)``; raises for a newer one."""
        head, known = _script(str(MIGRATIONS_DIR))
        if self.url is None:
            user_version = connection.exec_driver_sql("PRAGMA user_version").scalar() or 0
            if user_version > int(head):
                raise self._newer(user_version)
            tables = {
                row[0]
                for row in connection.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('alembic_version', 'scenarios')"
                )
            }
        else:
            # A plain query of pg_class, not to_regclass(): that one goes through the backend's catalog
            # cache, which can still say "absent" after another process created the tables and released
            # the migration lock (an advisory lock does not make the backend read catalog changes).
            tables = {
                row[0]
                for row in connection.exec_driver_sql(
                    "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = current_schema() AND c.relname IN ('alembic_version', 'scenarios')"
                )
            }
        if "alembic_version" not in tables:
            return ("legacy", None) if "scenarios" in tables else ("absent", None)
        revision = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        if revision == head:
            return "current", revision
        if revision not in known:
            raise self._newer(revision)
        return "old", revision

    def _upgrade(self, connection: Connection) -> None:
        """Bring the schema to the newest version inside the caller's write transaction."""
        from alembic import command
        from alembic.config import Config

        if self.url is not None:  # one migrating process at a time; the others wait, then find it done
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")
        state, _ = self._state(connection)
        if state == "current":
            return
        if state in ("legacy", "old") and self.path is not None:
            self._backup(connection)
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        config.attributes["connection"] = connection
        config.attributes["initial_owner"] = getattr(self, "initial_owner", None)  # team hook: 0003's owner option
        if state == "legacy":
            command.stamp(config, "0001")  # the PRAGMA user_version = 1 schema is revision 0001
        command.upgrade(config, "head")
        if self.path is not None:
            connection.exec_driver_sql(f"PRAGMA user_version = {_schema_version()}")

    def _backup(self, connection: Connection) -> None:
        """A consistent copy of the SQLite file next to it, before its schema is changed."""
        version = connection.exec_driver_sql("PRAGMA user_version").scalar() or 0
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        target = self.path.with_name(f"{self.path.name}.backup-schema{version}-{stamp}-{os.getpid()}")  # type: ignore[union-attr]
        source = sqlite3.connect(self.path)
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)  # reads beside our write lock: the last committed state
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
        finally:
            copy.close()
            source.close()
        self.last_backup = target

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """One write transaction on an up-to-date schema; rolled back if anything fails."""
        with self._transaction(write=True) as connection:
            if self._state(connection)[0] != "current":
                self._upgrade(connection)
            yield connection

    @contextmanager
    def _reading(self) -> Iterator[Connection | None]:
        """A read transaction, or ``None`` when there is no library yet (reading creates nothing)."""
        if self.path is not None and not self.path.exists():
            yield None
            return
        with self._transaction(write=False) as connection:
            state = self._state(connection)[0]
            if state in ("absent", "current"):
                yield connection if state == "current" else None
                return
        # A library from an older version: upgrade it (after a backup), then read.
        with self._writing():
            pass
        with self._transaction(write=False) as connection:
            self._state(connection)
            yield connection

    # --- workspaces --------------------------------------------------------------------------

    def _workspace_id(self, connection: Connection, name: str | None = None) -> int | None:
        return connection.execute(sa.select(WORKSPACES.c.id).where(WORKSPACES.c.name == (name or self.workspace))).scalar()

    def _ensure_workspace(self, connection: Connection, name: str | None = None) -> int:
        name = name or self.workspace
        insert = (pg_dialect.insert if self.url is not None else sqlite_dialect.insert)(WORKSPACES)
        connection.execute(insert.values(name=name, created_at=now()).on_conflict_do_nothing(index_elements=["name"]))
        return self._workspace_id(connection, name)  # type: ignore[return-value]

    @_retrying_reads
    def workspaces(self) -> list[WorkspaceInfo]:
        """Every workspace with its number of scenarios, alphabetically (the default one exists from the first save)."""
        with self._reading() as connection:
            if connection is None:
                return []
            count = sa.func.count(SCENARIOS.c.id)
            rows = connection.execute(
                sa.select(WORKSPACES.c.name, count, WORKSPACES.c.created_at)
                .select_from(
                    WORKSPACES.outerjoin(  # team hook: a soft-deleted scenario is not counted
                        SCENARIOS, sa.and_(SCENARIOS.c.workspace_id == WORKSPACES.c.id, SCENARIOS.c.deleted_at.is_(None))
                    )
                )
                .group_by(WORKSPACES.c.id, WORKSPACES.c.name, WORKSPACES.c.created_at)
            ).all()
        infos = [WorkspaceInfo(name, int(n), parse_time(created, name, "created_at")) for name, n, created in rows]
        return sorted(infos, key=lambda info: (info.name.casefold(), info.name))

    @_retrying_reads
    def workspace_exists(self, name: str | None = None) -> bool:
        """Whether the workspace (this store's by default) has been created."""
        key = check_name(name, "workspace") if name is not None else self.workspace
        with self._reading() as connection:
            return connection is not None and self._workspace_id(connection, key) is not None

    def create_workspace(self, name: str | None = None) -> bool:
        """Create a workspace (this store's by default); ``True`` if it is new, ``False`` if it existed."""
        key = check_name(name, "workspace") if name is not None else self.workspace
        with self._writing() as connection:
            existed = self._workspace_id(connection, key) is not None
            self._ensure_workspace(connection, key)
        return not existed

    # --- reading -----------------------------------------------------------------------------

    def _unknown(self, name: str, field: str = "name") -> ScenarioError:
        return unknown_scenario(name, self.workspace, len(self.names()), field)

    def _in_workspace(self):
        return SCENARIOS.join(WORKSPACES, WORKSPACES.c.id == SCENARIOS.c.workspace_id)

    def _where(self, name: str | None = None):
        condition = sa.and_(WORKSPACES.c.name == self.workspace, SCENARIOS.c.deleted_at.is_(None))  # team hook: soft delete
        return condition if name is None else sa.and_(condition, SCENARIOS.c.name == name)

    def names(self) -> list[str]:
        """The names of the workspace's scenarios, in alphabetical order (ignoring case)."""
        return [info.name for info in self.list()]

    @_retrying_reads
    def list(self) -> list[ScenarioInfo]:
        """Every scenario of the workspace: name, currency, notes, timestamps, current version and its author."""
        columns = [SCENARIOS.c[c] for c in ("name", "currency", "notes", "created_at", "updated_at", "version", "author")]
        with self._reading() as connection:
            if connection is None:
                return []
            rows = connection.execute(sa.select(*columns).select_from(self._in_workspace()).where(self._where())).all()
        infos = [
            ScenarioInfo(
                name,
                currency,
                notes,
                parse_time(created, name, "created_at"),
                parse_time(updated, name, "updated_at"),
                int(version),
                author or "",
            )
            for name, currency, notes, created, updated, version, author in rows
        ]
        return sorted(infos, key=lambda info: (info.name.casefold(), info.name))

    def to_frame(self) -> pd.DataFrame:
        """The list as a table indexed by name (for a notebook or the app)."""
        frame = pd.DataFrame(
            [vars(info) for info in self.list()],
            columns=["name", "currency", "notes", "created_at", "updated_at", "version", "author"],
        )
        return frame.set_index("name")

    @_retrying_reads
    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        with self._reading() as connection:
            if connection is None:
                return False
            query = sa.select(SCENARIOS.c.id).select_from(self._in_workspace()).where(self._where(name.strip()))
            return connection.execute(query).first() is not None

    @_retrying_reads
    def __len__(self) -> int:
        with self._reading() as connection:
            if connection is None:
                return 0
            query = sa.select(sa.func.count()).select_from(self._in_workspace()).where(self._where())
            return int(connection.execute(query).scalar() or 0)

    def _current(self, connection: Connection, name: str, *, lock: bool = False):
        query = sa.select(*SCENARIOS.c).select_from(self._in_workspace()).where(self._where(name))
        return connection.execute(query.with_for_update(of=SCENARIOS) if lock and self.url is not None else query).first()

    @contextmanager
    def _reading_scenario(self, name: str) -> Iterator[tuple[Connection, Any, str]]:
        """A read transaction, the current row of the scenario ``name`` in it and the name as looked up (stripped).

        Raises
        ------
        ScenarioError
            ``unknown`` when there is no such scenario in the workspace.
        """
        key = name.strip() if isinstance(name, str) else name
        with self._reading() as connection:
            row = None if connection is None else self._current(connection, key)
            if row is None:
                raise self._unknown(str(name))
            yield connection, row, key

    @_retrying_reads
    def load(self, name: str) -> SavedScenario:
        """The current version of the scenario called ``name``, every value validated again.

        Raises
        ------
        ScenarioError
            ``unknown`` when there is no such scenario in the workspace; ``invalid`` when a
            stored value is not allowed (e.g. a row edited by hand), naming the scenario, the
            field and the value.
        """
        key = name.strip() if isinstance(name, str) else name
        with self._reading() as connection:
            row = None if connection is None else self._current(connection, key)
            saved = None if row is None else self._as_saved(connection, row)
        if saved is None:
            raise self._unknown(str(name))
        return saved

    def _as_saved(self, connection: Connection, row) -> SavedScenario:
        """The current row ``row`` as a scenario, with its version's note (the note lives in the history only)."""
        note = connection.execute(
            sa.select(VERSIONS.c.note).where(VERSIONS.c.scenario_id == row.id, VERSIONS.c.version == row.version)
        ).scalar()
        return from_row({**row._mapping, "note": note}, self.workspace)

    @_retrying_reads
    def versions(self, name: str) -> list[VersionInfo]:
        """Every version of a scenario, oldest first: number, author, time, note and currency."""
        with self._reading_scenario(name) as (connection, row, key):
            rows = connection.execute(
                sa.select(VERSIONS.c.version, VERSIONS.c.author, VERSIONS.c.saved_at, VERSIONS.c.note, VERSIONS.c.currency)
                .where(VERSIONS.c.scenario_id == row.id)
                .order_by(VERSIONS.c.version)
            ).all()
        return [VersionInfo(int(v), a or "", parse_time(t, key, "saved_at"), n or "", c) for v, a, t, n, c in rows]

    @_retrying_reads
    def load_version(self, name: str, version: int) -> SavedScenario:
        """One version of a scenario, as it was saved.

        Raises
        ------
        ScenarioError
            ``unknown`` for the name; ``unknown_version`` for a version it does not have.
        """
        with self._reading_scenario(name) as (connection, row, key):
            found = connection.execute(
                sa.select(*VERSIONS.c).where(VERSIONS.c.scenario_id == row.id, VERSIONS.c.version == int(version))
            ).first()
            if found is None:
                count = connection.execute(sa.select(sa.func.max(VERSIONS.c.version)).where(VERSIONS.c.scenario_id == row.id))
                raise ScenarioError(
                    f"version: {version!r} is not a version of {key!r}; allowed: 1 to {count.scalar()}",
                    code="unknown_version",
                    field="version",
                    value=version,
                )
        return from_version(row._mapping, found._mapping, self.workspace)

    @_retrying_reads
    def history(self, name: str) -> list[SavedScenario]:
        """Every version of a scenario in full, oldest first (the last is the current one)."""
        with self._reading_scenario(name) as (connection, row, _):
            rows = connection.execute(
                sa.select(*VERSIONS.c).where(VERSIONS.c.scenario_id == row.id).order_by(VERSIONS.c.version)
            ).all()
        return [from_version(row._mapping, found._mapping, self.workspace) for found in rows]

    # --- writing -----------------------------------------------------------------------------

    def _retrying(self, attempt):
        """Run ``attempt(first)`` again while the server cannot be reached (for at most ``retry_seconds``)."""
        deadline = time.monotonic() + (self.retry_seconds if self.url is not None else 0.0)
        first, pause = True, 0.1
        while True:
            try:
                return attempt(first)
            except _CollisionError:  # before ScenarioError, its base class, or it is never reached
                # Two new scenarios (or workspaces) of the same name at once on PostgreSQL: the other
                # committed first; run again to give the same answer as if we had queued behind it.
                if not first and time.monotonic() > deadline:
                    raise ScenarioError(
                        f"database {self.location!r}: the save kept colliding with others; allowed: try again",
                        code="database",
                        field="database",
                        value=self.location,
                    ) from None
            except ScenarioError as error:
                if error.code != "unavailable" or time.monotonic() + pause > deadline:
                    raise
            first = False
            time.sleep(pause)
            pause = min(pause * 2, 1.0)

    def save(
        self,
        name: str,
        parameters: Mapping[str, Any],
        *,
        ranges: Mapping[str, tuple[float, float]] | None = None,
        notes: str = "",
        provenance: Mapping[str, str] | None = None,
        overwrite: bool = False,
        expect_version: int | None = None,
        author: str | None = None,
        note: str = "",
    ) -> SavedScenario:
        """Save a scenario under ``name`` in the workspace, as a new version; nothing is overwritten in place.

        Parameters
        ----------
        name : str
            1 to :data:`MAX_NAME_LENGTH` characters (surrounding spaces are removed).
        parameters : Parameters or mapping
            Every parameter and the currency (missing keys take their defaults); validated.
        ranges : mapping, optional
            Custom uncertainty ranges, parameter → (low, high); each must contain the value.
        notes : str
            Free text kept with the scenario.
        provenance : mapping, optional
            Parameter → description of where its value came from.
        overwrite : bool, default False
            Save a new version of an existing scenario whatever version it is at (having seen
            the difference); without it, an existing name needs ``expect_version``.
        expect_version : int, optional
            The version this save started from (the one loaded): the save becomes the next
            version if nobody saved in between, else :class:`ScenarioConflictError` is raised.
        author : str, optional
            Who saves; the login name when omitted.
        note : str
            What changed and why (kept with the version).

        Returns
        -------
        SavedScenario
            As stored, with its version number.

        Raises
        ------
        ScenarioConflictError
            Someone saved after ``expect_version`` (it says who and when).
        ScenarioError
            ``duplicate`` when the name is taken and neither ``expect_version`` nor ``overwrite``
            is given; a bad name, provenance or database. :class:`~estimator.core.parameters.ParameterError`
            for a bad value or range.
        """
        clean_name = check_name(name)
        params = (
            parameters.replace(name=clean_name) if isinstance(parameters, Parameters) else Parameters(parameters, name=clean_name)
        )
        columns = content(Scenario(clean_name, params, ranges or {}, notes, provenance))
        who = check_text(default_author() if author is None else author, "author", multiline=False).strip()
        note = check_text(note, "note")
        save_id = uuid.uuid4().hex
        return self._retrying(
            lambda first: self._save_once(clean_name, columns, overwrite, expect_version, who, note, save_id, first)
        )

    def _save_once(
        self,
        name: str,
        columns: dict[str, str],
        overwrite: bool,
        expect_version: int | None,
        author: str,
        note: str,
        save_id: str,
        first: bool,
    ) -> SavedScenario:
        with self._writing() as connection:
            if not first:  # a retry: the lost attempt may have committed before the connection broke
                done = connection.execute(sa.select(VERSIONS.c.scenario_id).where(VERSIONS.c.save_id == save_id)).scalar()
                if done is not None:
                    row = connection.execute(sa.select(*SCENARIOS.c).where(SCENARIOS.c.id == done)).one()
                    found = connection.execute(sa.select(*VERSIONS.c).where(VERSIONS.c.save_id == save_id)).one()
                    return from_version(row._mapping, found._mapping, self.workspace)
            existing = self._current(connection, name, lock=True)
            saved_at = now()
            if existing is None:
                version, created, scenario_id, expected = 1, saved_at, None, None
            else:
                if expect_version is not None and not overwrite and int(existing.version) != int(expect_version):
                    raise self._conflict(connection, existing, int(expect_version))
                if expect_version is None and not overwrite:
                    raise ScenarioError(
                        f"name: {name!r} is already saved; allowed: a new name, or overwrite the saved one",
                        code="duplicate",
                        field="name",
                        value=name,
                    )
                scenario_id, expected, created = existing.id, int(existing.version), existing.created_at
                version = expected + 1
            write_version(
                connection,
                workspace_id=self._ensure_workspace(connection) if existing is None else existing.workspace_id,
                scenario_id=scenario_id,
                name=name,
                columns=columns,
                version=version,
                author=author,
                note=note,
                saved_at=saved_at,
                save_id=save_id,
                expected_version=expected,
            )
            row = {"name": name, **columns, "created_at": created, "updated_at": saved_at, "version": version, "author": author}
            saved = from_row({**row, "note": note}, self.workspace)
            if (written := _VERSION_WRITTEN.get()) is not None:
                written(connection, saved)  # in this transaction: the version and its record commit together
        return saved

    @contextmanager
    def _on_version_written(self, written: Callable[[Connection, SavedScenario], None]) -> Iterator[None]:
        """Within the block, call ``written(connection, saved)`` in the transaction of each version saved.

        Team mode's audit row of a save (``store/access.TeamStore``): a crash can never leave a version
        without its row. A retried save whose first attempt had committed (its row with it) records nothing again.
        """
        token = _VERSION_WRITTEN.set(written)
        try:
            yield
        finally:
            _VERSION_WRITTEN.reset(token)

    def _conflict(self, connection: Connection, existing, expected: int) -> ScenarioConflictError:
        rows = connection.execute(
            sa.select(VERSIONS.c.version, VERSIONS.c.author, VERSIONS.c.saved_at, VERSIONS.c.note, VERSIONS.c.currency)
            .where(VERSIONS.c.scenario_id == existing.id, VERSIONS.c.version > expected)
            .order_by(VERSIONS.c.version)
        ).all()
        between = [VersionInfo(int(v), a or "", parse_time(t, existing.name, "saved_at"), n or "", c) for v, a, t, n, c in rows]
        return ScenarioConflictError(existing.name, expected, self._as_saved(connection, existing), between)

    def save_draft(
        self,
        draft: Scenario,
        *,
        name: str | None = None,
        overwrite: bool = False,
        expect_version: int | None = None,
        author: str | None = None,
        note: str = "",
    ) -> SavedScenario:
        """Save a :class:`~estimator.core.scenario.Scenario` (e.g. from an imported file), optionally under another name."""
        return self.save(
            draft.name if name is None else name,
            draft.parameters,
            ranges=draft.ranges,
            notes=draft.notes,
            provenance=draft.descriptions,
            overwrite=overwrite,
            expect_version=expect_version,
            author=author,
            note=note,
        )

    def restore(
        self, name: str, version: int, *, author: str | None = None, note: str | None = None, expect_version: int | None = None
    ) -> SavedScenario:
        """Make an earlier version the current one again, as a new version (the history keeps everything).

        ``expect_version`` guards against a save made meanwhile, as for :meth:`save`.
        """
        old = self.load_version(name, version)
        return self.save_draft(
            old,
            overwrite=expect_version is None,
            expect_version=expect_version,
            author=author,
            note=f"restored version {old.version}" if note is None else note,
        )

    def rename(self, name: str, new_name: str) -> None:
        """Give a scenario another name in its workspace (its values, history and creation time are kept).

        Raises
        ------
        ScenarioError
            ``unknown`` for ``name``; ``duplicate`` when ``new_name`` is taken; a bad ``new_name``.
        """
        old = name.strip() if isinstance(name, str) else name
        new = check_name(new_name, "new_name")
        with self._writing() as connection:
            row = self._current(connection, old, lock=True)
            if row is None:
                raise self._unknown(str(name))
            if old == new:
                return
            if self._current(connection, new) is not None:
                raise ScenarioError(
                    f"new_name: {new!r} is already saved; allowed: a name not in use",
                    code="duplicate",
                    field="new_name",
                    value=new,
                )
            connection.execute(SCENARIOS.update().where(SCENARIOS.c.id == row.id).values(name=new))

    def duplicate(self, name: str, new_name: str, *, author: str | None = None) -> SavedScenario:
        """Save a copy of a scenario's current version under ``new_name`` (a new history); returns the copy."""
        original = self.load(name)
        if check_name(new_name, "new_name") in self:
            raise ScenarioError(
                f"new_name: {new_name.strip()!r} is already saved; allowed: a name not in use",
                code="duplicate",
                field="new_name",
                value=new_name.strip(),
            )
        return self.save_draft(original, name=new_name, author=author, note=f"copy of {original.name!r} v{original.version}")

    def move(self, name: str, workspace: str, *, new_name: str | None = None) -> bool:
        """Move a scenario, with its history, to another workspace (created if need be); ``True`` if it was created.

        Raises
        ------
        ScenarioError
            ``unknown`` for ``name``; ``duplicate`` when the target workspace has that name already.
        """
        key = name.strip() if isinstance(name, str) else name
        target = check_name(workspace, "workspace")
        final = check_name(new_name if new_name is not None else key, "new_name")
        with self._writing() as connection:
            row = self._current(connection, key, lock=True)
            if row is None:
                raise self._unknown(str(name))
            created = self._workspace_id(connection, target) is None
            target_id = self._ensure_workspace(connection, target)
            if target_id == row.workspace_id and final == key:
                return False
            clash = connection.execute(
                sa.select(SCENARIOS.c.id).where(SCENARIOS.c.workspace_id == target_id, SCENARIOS.c.name == final)
            ).first()
            if clash is not None:
                raise ScenarioError(
                    f"new_name: {final!r} is already saved in workspace {target!r}; allowed: another name (--new-name)",
                    code="duplicate",
                    field="new_name",
                    value=final,
                )
            connection.execute(SCENARIOS.update().where(SCENARIOS.c.id == row.id).values(workspace_id=target_id, name=final))
        return created

    def delete(self, name: str) -> None:
        """Delete a scenario and its history.

        Raises
        ------
        ScenarioError
            ``unknown`` when there is no such scenario.
        """
        key = name.strip() if isinstance(name, str) else name
        with self._writing() as connection:
            row = self._current(connection, key, lock=True)
            if row is None:
                raise self._unknown(str(name))
            connection.execute(VERSIONS.delete().where(VERSIONS.c.scenario_id == row.id))
            connection.execute(SCENARIOS.delete().where(SCENARIOS.c.id == row.id))

    # --- whole workspaces --------------------------------------------------------------------

    def export_workspace(self) -> str:
        """The workspace as one JSON file: every scenario with its whole history (see :func:`read_workspace_bytes`)."""
        return export_workspace(self.workspace, [self.history(name) for name in self.names()])

    def import_workspace(
        self, workspace_file: WorkspaceFile, *, overwrite: bool = False, recorded_by: str | None = None
    ) -> list[str]:
        """Save every scenario of a workspace file, with its history, into this store's workspace (all or nothing).

        A scenario whose name is taken is refused (``duplicate``) unless ``overwrite``, which adds
        the file's versions after the ones saved here. Returns the names imported. With ``recorded_by``
        (team mode), each version's author and time are the importer and now, and the file's own
        author and date are kept as *claimed* ones.
        """
        names = [name for name, _ in workspace_file.scenarios]
        import_time = now()
        with self._writing() as connection:
            workspace_id = self._ensure_workspace(connection)
            for name, versions in workspace_file.scenarios:
                existing = self._current(connection, name, lock=True)
                if existing is not None and not overwrite:
                    raise ScenarioError(
                        f"name: {name!r} is already saved in workspace {self.workspace!r}; allowed: a file without it, "
                        "or overwrite (its versions are added after the saved ones)",
                        code="duplicate",
                        field="name",
                        value=name,
                    )
                number = int(existing.version) if existing is not None else 0
                scenario_id = existing.id if existing is not None else None
                for imported in versions:
                    number += 1
                    saved_at = imported.saved_at.astimezone(UTC).isoformat(timespec="microseconds")
                    claimed = None
                    author = imported.author
                    if recorded_by is not None:  # team hook: the file's author and date are claims, not records
                        claimed = {"claimed_author": imported.author, "claimed_at": saved_at}
                        author, saved_at = recorded_by, import_time
                    scenario_id = write_version(
                        connection,
                        workspace_id=workspace_id,
                        scenario_id=scenario_id,
                        name=name,
                        columns=content(imported.draft),
                        version=number,
                        author=author,
                        note=imported.note,
                        saved_at=saved_at,
                        save_id=uuid.uuid4().hex,
                        claimed=claimed,
                    )
        return names

    def integrity_check(self) -> str:
        """SQLite's ``PRAGMA integrity_check`` (``"ok"`` for a sound file); on PostgreSQL, that every current
        version is in the history exactly once."""
        with self._reading() as connection:
            if connection is None:
                return "ok"
            if self.url is None:
                return "; ".join(row[0] for row in connection.exec_driver_sql("PRAGMA integrity_check").fetchall())
            missing = connection.exec_driver_sql(
                "SELECT count(*) FROM scenarios s WHERE (SELECT count(*) FROM scenario_versions v "
                "WHERE v.scenario_id = s.id AND v.version = s.version) <> 1"
            ).scalar()
            return "ok" if not missing else f"{missing} scenarios without their current version in the history"
