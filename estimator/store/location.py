"""Where the scenario library lives: the default file, the environment variable, a URL read safely, and its engine.

``--db`` or ``CHURN_ESTIMATOR_DB`` hold either a path (SQLite, the embedded default) or a URL
``postgresql://user:password@host:port/dbname`` (a server a team shares); without either,
``$XDG_DATA_HOME/churn-estimator/scenarios.sqlite3`` or
``~/.local/share/churn-estimator/scenarios.sqlite3``. A password in a URL is never shown
(:mod:`estimator.urls` hides it in every message).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import NullPool

from estimator.core.scenario import ScenarioError
from estimator.paths import DATABASE_ENV
from estimator.urls import redact_text, redact_url, scheme, unencoded_userinfo

__all__ = [
    "LIBRARY_SCHEMES",
    "default_database",
    "default_database_path",
    "hide_password",
    "is_url",
    "library_engine",
    "library_location",
]

#: The URL schemes a library may have (``postgresql+psycopg`` and the like included); anything else written
#: ``scheme://`` is refused rather than taken for a file named after it (and its password).
LIBRARY_SCHEMES = ("postgresql", "postgres", "sqlite")


def is_url(text: str) -> bool:
    """Whether ``text`` is written ``scheme://...``, whatever the scheme (an unknown one is refused later)."""
    return scheme(text) is not None


def bad_database(target: str, problem: str) -> ScenarioError:
    shown = redact_url(target)
    return ScenarioError(
        f"database: {shown!r} {problem}; allowed: postgresql://user:password@host:port/dbname (a password's "
        "@ : / ? # written %40 %3A %2F %3F %23), sqlite:///path, or a file path",
        code="database",
        field="database",
        value=shown,
    )


def default_database() -> str | Path:
    """Where the library lives: ``$CHURN_ESTIMATOR_DB`` (a path or a URL), else a per-user SQLite file."""
    explicit = os.environ.get(DATABASE_ENV, "").strip()
    if explicit:
        return explicit if is_url(explicit) else Path(explicit).expanduser()
    return default_database_path()


def default_database_path() -> Path:
    """The SQLite file of the library: ``$CHURN_ESTIMATOR_DB`` when it is a path, else a per-user data folder.

    Returns
    -------
    pathlib.Path
        ``$CHURN_ESTIMATOR_DB`` when set, not empty and not a URL; otherwise
        ``$XDG_DATA_HOME/churn-estimator/scenarios.sqlite3`` (``XDG_DATA_HOME`` defaulting to
        ``~/.local/share``).
    """
    explicit = os.environ.get(DATABASE_ENV, "").strip()
    if explicit and not is_url(explicit):
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_DATA_HOME", "").strip() or str(Path.home() / ".local" / "share")
    return Path(base) / "churn-estimator" / "scenarios.sqlite3"


def hide_password(url: str | URL) -> str:
    """A database URL as text with its password hidden (``***``), for every message and screen.

    >>> hide_password("postgresql://anna:s3cret@db.example:5432/library")
    'postgresql://anna:***@db.example:5432/library'
    """
    return redact_url(url)


def library_location(target: str | Path) -> tuple[URL | None, Path | None]:
    """``(url, None)`` for a server, ``(None, path)`` for a SQLite file, from a path or a URL (checked).

    Raises
    ------
    ScenarioError
        ``database``: a scheme that is not a library's, an unencoded character before the host, or
        a URL that cannot be read (the password hidden in the message).
    """
    if isinstance(target, str) and is_url(target.strip()):
        target = target.strip()
        kind = scheme(target) or ""
        if kind.split("+")[0] not in LIBRARY_SCHEMES:
            raise bad_database(target, f"has the scheme {kind.split('+')[0]!r}, which is not a library's")
        if (char := unencoded_userinfo(target)) is not None:
            raise bad_database(target, f"has an unencoded {char!r} before the host (in the user name or password)")
        try:
            url = make_url(target)  # a port that is not a number raises ValueError here
        except (ArgumentError, ValueError) as error:
            problem = redact_text(str(error).splitlines()[0], target)
            raise bad_database(target, f"is not a database URL ({problem})") from None
        if url.get_backend_name() == "sqlite":
            return None, Path(url.database or "").expanduser()
        return url, None
    return None, Path(target)


# --- engines --------------------------------------------------------------------------------------

_ENGINES: dict[tuple[int, str, float], Engine] = {}
_ENGINES_LOCK = threading.Lock()


def _sqlite_engine(path: Path, busy_timeout: float) -> Engine:
    # NullPool: one connection per transaction, as before, so no file stays open between calls.
    engine = sa.create_engine(
        URL.create("sqlite", database=str(path)),
        poolclass=NullPool,
        connect_args={"timeout": busy_timeout, "isolation_level": None, "check_same_thread": False},
    )

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (below)
        dbapi_connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        # FULL: a save that returned survives a power cut too, not only a killed process.
        dbapi_connection.execute("PRAGMA synchronous = FULL")
        dbapi_connection.execute("PRAGMA foreign_keys = ON")
        if dbapi_connection.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            dbapi_connection.execute("PRAGMA journal_mode = WAL")

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # IMMEDIATE: a writer takes the write lock now, so two writers queue rather than deadlock later.
        connection.exec_driver_sql("BEGIN IMMEDIATE" if connection.get_execution_options().get("write") else "BEGIN")

    return engine


def _postgres_engine(url: URL) -> Engine:
    return sa.create_engine(
        url.set(drivername="postgresql+psycopg"),
        pool_pre_ping=True,  # a connection the server dropped (a restart) is replaced, not used
        pool_size=4,
        max_overflow=8,
        connect_args={"connect_timeout": 5, "application_name": "churn-estimator"},
    )


def library_engine(url: URL | None, path: Path | None, busy_timeout: float) -> Engine:
    """The engine of a library (one per process, place and timeout): a SQLite file's, or a server's."""
    where = str(path) if url is None else url.render_as_string(hide_password=False)
    key = (os.getpid(), where, busy_timeout)
    with _ENGINES_LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            engine = _sqlite_engine(path, busy_timeout) if url is None else _postgres_engine(url)  # type: ignore[arg-type]
            _ENGINES[key] = engine
    return engine
