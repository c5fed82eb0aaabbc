"""Where the scenario library lives: the default file, the environment variable, and a URL read safely.

``--db`` or ``CHURN_ESTIMATOR_DB`` hold either a path (SQLite, the embedded default) or a URL
``postgresql://user:password@host:port/dbname`` (a server a team shares); without either,
``$XDG_DATA_HOME/churn-estimator/scenarios.sqlite3`` or
``~/.local/share/churn-estimator/scenarios.sqlite3``. A password in a URL is never shown
(:mod:`estimator.urls` hides it in every message).
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from estimator.core.scenario import ScenarioError
from estimator.paths import DATABASE_ENV
from estimator.urls import redact_text, redact_url, scheme, unencoded_userinfo

__all__ = ["LIBRARY_SCHEMES", "default_database", "default_database_path", "hide_password", "is_url", "library_location"]

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
