"""The scenario library: named scenarios kept in a SQLite database file, and their files.

A saved scenario holds a unique name, every parameter and the currency, the uncertainty
ranges the user set, notes, the provenance of calibrated values (parameter → where the value
came from) and when it was created and last changed.

The database is an ordinary SQLite file (:func:`default_database_path`: the environment
variable ``CHURN_ESTIMATOR_DB``, else ``$XDG_DATA_HOME/churn-estimator/scenarios.sqlite3`` or
``~/.local/share/churn-estimator/scenarios.sqlite3``). It runs in WAL mode with full
synchronisation, every change is one transaction taken with ``BEGIN IMMEDIATE`` (so concurrent
writers queue behind a busy timeout instead of failing), and ``PRAGMA user_version`` holds the
schema version, which :data:`MIGRATIONS` brings up to date. Reading never creates the file:
opening the library somewhere new costs nothing until the first save.

Values are validated by :class:`~estimator.parameters.Parameters` on the way in and again on
the way out, so a row edited by hand to an invalid value gives a :class:`ScenarioError` naming
the scenario, the parameter, the value and what is allowed, never a traceback.

One scenario is exported as JSON or TOML in the format ``python -m estimator estimate --params
FILE`` reads: ``name`` and ``currency`` at the top, the values under ``parameters`` with the
uncertainty ranges in ``parameters.ranges``; ``notes``, ``provenance`` and the timestamps sit
beside them, where the command line ignores them.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import tempfile
import tomllib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pandas.io.formats.style import Styler

from estimator.compare import attribute_change
from estimator.formatting import format_count, format_money, format_parameter, format_share
from estimator.library import read_scenario_file
from estimator.model import CHANNELS
from estimator.parameters import PARAMETER_SPECS, InputError, ParameterError, Parameters
from estimator.result import Estimate, estimate
from estimator.sensitivity import UncertaintyRanges, read_ranges

__all__ = [
    "DATABASE_ENV",
    "MAX_COMPARED",
    "MAX_NAME_LENGTH",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "SavedScenario",
    "ScenarioComparison",
    "ScenarioDraft",
    "ScenarioError",
    "ScenarioInfo",
    "ScenarioStore",
    "check_name",
    "compare_scenarios",
    "default_database_path",
    "export_scenario",
    "read_scenario_bytes",
    "read_scenario_path",
]

#: Environment variable naming the database file.
DATABASE_ENV = "CHURN_ESTIMATOR_DB"
#: Longest scenario name accepted (characters, after trimming spaces).
MAX_NAME_LENGTH = 100
#: Most scenarios shown side by side.
MAX_COMPARED = 4
#: Seconds a writer waits for another one to finish before giving up.
BUSY_TIMEOUT_SECONDS = 30.0
#: Keys of a scenario file that describe the scenario rather than set a parameter.
FILE_METADATA_KEYS = ("notes", "provenance", "created_at", "updated_at")


class ScenarioError(InputError):
    """A scenario that cannot be saved, found or read; the message names the field and the value.

    Attributes
    ----------
    code : str
        What went wrong, for a translated message: ``empty_name``, ``long_name``,
        ``control_in_name``, ``duplicate``, ``unknown``, ``invalid`` (a stored or imported
        value is not allowed), ``bad_provenance``, ``database`` (the file is unusable),
        ``newer_schema``, ``compare_count``.
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


# --- Names -----------------------------------------------------------------------------------


def check_name(name: Any, field: str = "name") -> str:
    """The name with surrounding spaces removed, or a :class:`ScenarioError` saying why it is not allowed.

    Allowed: text of 1 to :data:`MAX_NAME_LENGTH` characters without control characters
    (a line break or tab in a name would break lists and files).

    >>> check_name("  Base case ")
    'Base case'
    """
    allowed = f"text of 1 to {MAX_NAME_LENGTH} characters without line breaks or tabs"
    if not isinstance(name, str):
        raise ScenarioError(f"{field}: {name!r} is not text; allowed: {allowed}", code="empty_name", field=field, value=name)
    cleaned = name.strip()
    if not cleaned:
        raise ScenarioError(f"{field}: {name!r} is empty; allowed: {allowed}", code="empty_name", field=field, value=name)
    if len(cleaned) > MAX_NAME_LENGTH:
        raise ScenarioError(
            f"{field}: {cleaned[:20]!r}… is {len(cleaned)} characters long; allowed: {allowed}",
            code="long_name",
            field=field,
            value=name,
        )
    if any(ord(char) < 32 or ord(char) == 127 for char in cleaned):
        raise ScenarioError(
            f"{field}: {cleaned!r} contains a control character; allowed: {allowed}",
            code="control_in_name",
            field=field,
            value=name,
        )
    return cleaned


def _check_provenance(provenance: Mapping[str, Any] | None) -> dict[str, str]:
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


def _check_ranges(parameters: Parameters, ranges: Mapping[str, Any] | None) -> dict[str, tuple[float, float]]:
    """Custom (low, high) ranges, checked against the scenario (they must contain its values)."""
    clean = {key: (float(bounds[0]), float(bounds[1])) for key, bounds in (ranges or {}).items()}
    UncertaintyRanges.around(parameters, clean)  # raises ParameterError naming each bad range
    return clean


# --- What is stored --------------------------------------------------------------------------


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
    """A scenario in the library, with when it was created and last changed (UTC)."""

    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    updated_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def uncertainty_ranges(self) -> UncertaintyRanges:
        """The ranges of every numeric parameter: the saved ones, and the defaults around the values."""
        return UncertaintyRanges.around(self.parameters, self.ranges)

    def to_dict(self) -> dict[str, Any]:
        """Plain data: the export file's content (``parameters`` holds ``ranges``)."""
        return _file_content(self)


@dataclass(frozen=True)
class ScenarioInfo:
    """One line of the library's list (the values themselves are read by :meth:`ScenarioStore.load`)."""

    name: str
    currency: str
    notes: str
    created_at: datetime
    updated_at: datetime


# --- The database ----------------------------------------------------------------------------


def default_database_path() -> Path:
    """Where the library lives: ``$CHURN_ESTIMATOR_DB``, else a per-user data folder.

    Returns
    -------
    pathlib.Path
        ``$CHURN_ESTIMATOR_DB`` when set and not empty; otherwise
        ``$XDG_DATA_HOME/churn-estimator/scenarios.sqlite3`` (``XDG_DATA_HOME`` defaulting to
        ``~/.local/share``).
    """
    explicit = os.environ.get(DATABASE_ENV, "").strip()
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_DATA_HOME", "").strip() or str(Path.home() / ".local" / "share")
    return Path(base) / "churn-estimator" / "scenarios.sqlite3"


def _migrate_to_1(connection: sqlite3.Connection) -> None:
    connection.execute(
        """
        CREATE TABLE IF NOT EXISTS scenarios (
            id          INTEGER PRIMARY KEY,
            name        TEXT NOT NULL UNIQUE,
            currency    TEXT NOT NULL,
            parameters  TEXT NOT NULL,  -- JSON object: parameter key -> value
            ranges      TEXT NOT NULL,  -- JSON object: parameter key -> [low, high]
            notes       TEXT NOT NULL DEFAULT '',
            provenance  TEXT NOT NULL,  -- JSON object: parameter key -> source description
            created_at  TEXT NOT NULL,  -- ISO 8601, UTC
            updated_at  TEXT NOT NULL
        )
        """
    )


#: Schema migrations: version → function bringing a database at version - 1 to it (in one transaction).
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {1: _migrate_to_1}
#: The schema version this code writes (``PRAGMA user_version``).
SCHEMA_VERSION = max(MIGRATIONS)

_COLUMNS = "name, currency, parameters, ranges, notes, provenance, created_at, updated_at"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


class ScenarioStore:
    """Named scenarios in a SQLite file, safe for several sessions and processes at once.

    Parameters
    ----------
    path : str or Path, optional
        The database file; :func:`default_database_path` when omitted. Its folder is created
        on the first save.
    busy_timeout : float, default 30
        Seconds a writer waits for another writer to finish.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> store = ScenarioStore(pathlib.Path(tempfile.mkdtemp()) / "library.sqlite3")
    >>> store.save("Base", Parameters(churn_rate=0.2)).parameters.churn_rate
    0.2
    >>> store.names()
    ['Base']
    """

    def __init__(self, path: str | Path | None = None, *, busy_timeout: float = BUSY_TIMEOUT_SECONDS):
        self.path = Path(path) if path is not None else default_database_path()
        self.busy_timeout = busy_timeout

    def __repr__(self) -> str:
        return f"ScenarioStore({str(self.path)!r})"

    # --- connections -------------------------------------------------------------------------

    def _database_error(self, error: Exception) -> ScenarioError:
        return ScenarioError(
            f"database {str(self.path)!r}: cannot be used ({error}); allowed: a scenario library file "
            f"(set {DATABASE_ENV} to another path)",
            code="database",
            field="database",
            value=str(self.path),
        )

    def _connect(self) -> sqlite3.Connection:
        # isolation_level=None: we issue BEGIN IMMEDIATE / COMMIT ourselves.
        connection = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
        connection.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
        # FULL: a save that returned survives a power cut too, not only a killed process.
        connection.execute("PRAGMA synchronous = FULL")
        connection.execute("PRAGMA foreign_keys = ON")
        return connection

    def _check_version(self, connection: sqlite3.Connection) -> int:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise ScenarioError(
                f"database {str(self.path)!r}: schema version {version} is newer than this program's "
                f"{SCHEMA_VERSION}; allowed: a library written by this or an older version",
                code="newer_schema",
                field="database",
                value=version,
            )
        return version

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction on an up-to-date schema; rolled back if anything fails."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = self._connect()
        except (OSError, sqlite3.Error) as error:
            raise self._database_error(error) from None
        try:
            try:
                if connection.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                    connection.execute("PRAGMA journal_mode = WAL")
                # IMMEDIATE: take the write lock now, so two writers queue rather than deadlock later.
                connection.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as error:
                raise self._database_error(error) from None
            try:
                version = self._check_version(connection)
                for target in range(version + 1, SCHEMA_VERSION + 1):
                    MIGRATIONS[target](connection)
                if version < SCHEMA_VERSION:
                    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                yield connection
                connection.execute("COMMIT")
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise
        except sqlite3.Error as error:
            raise self._database_error(error) from None
        finally:
            connection.close()

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection | None]:
        """A read transaction, or ``None`` when there is no library yet (reading creates nothing)."""
        if not self.path.exists():
            yield None
            return
        try:
            connection = self._connect()
        except sqlite3.Error as error:
            raise self._database_error(error) from None
        try:
            try:
                connection.execute("BEGIN")
                version = self._check_version(connection)
            except sqlite3.Error as error:
                raise self._database_error(error) from None
            try:
                yield connection if version >= 1 else None
            finally:
                if connection.in_transaction:
                    connection.execute("COMMIT")
        except sqlite3.Error as error:
            raise self._database_error(error) from None
        finally:
            connection.close()

    # --- reading -----------------------------------------------------------------------------

    def _unknown(self, name: str, field: str = "name") -> ScenarioError:
        return ScenarioError(
            f"{field}: {name!r} is not a saved scenario; allowed: one of the {len(self.names())} saved "
            "(see 'python -m estimator scenarios list')",
            code="unknown",
            field=field,
            value=name,
        )

    def names(self) -> list[str]:
        """The names of the saved scenarios, in alphabetical order (ignoring case)."""
        return [info.name for info in self.list()]

    def list(self) -> list[ScenarioInfo]:
        """Every saved scenario's name, currency, notes and timestamps, in alphabetical order."""
        with self._reading() as connection:
            if connection is None:
                return []
            rows = connection.execute("SELECT name, currency, notes, created_at, updated_at FROM scenarios").fetchall()
        infos = [
            ScenarioInfo(
                name, currency, notes, _parse_time(created, name, "created_at"), _parse_time(updated, name, "updated_at")
            )
            for name, currency, notes, created, updated in rows
        ]
        return sorted(infos, key=lambda info: (info.name.casefold(), info.name))

    def to_frame(self) -> pd.DataFrame:
        """The list as a table indexed by name (for a notebook or the app)."""
        frame = pd.DataFrame(
            [vars(info) for info in self.list()], columns=["name", "currency", "notes", "created_at", "updated_at"]
        )
        return frame.set_index("name")

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        with self._reading() as connection:
            if connection is None:
                return False
            return connection.execute("SELECT 1 FROM scenarios WHERE name = ?", (name.strip(),)).fetchone() is not None

    def __len__(self) -> int:
        with self._reading() as connection:
            return 0 if connection is None else connection.execute("SELECT COUNT(*) FROM scenarios").fetchone()[0]

    def load(self, name: str) -> SavedScenario:
        """The saved scenario called ``name``, every value validated again.

        Raises
        ------
        ScenarioError
            ``unknown`` when there is no such scenario; ``invalid`` when a stored value is not
            allowed (e.g. a row edited by hand), naming the scenario, the field and the value.
        """
        key = name.strip() if isinstance(name, str) else name
        with self._reading() as connection:
            row = None
            if connection is not None:
                row = connection.execute(f"SELECT {_COLUMNS} FROM scenarios WHERE name = ?", (key,)).fetchone()
        if row is None:
            raise self._unknown(str(name))
        return _from_row(row)

    # --- writing -----------------------------------------------------------------------------

    def save(
        self,
        name: str,
        parameters: Mapping[str, Any],
        *,
        ranges: Mapping[str, tuple[float, float]] | None = None,
        notes: str = "",
        provenance: Mapping[str, str] | None = None,
        overwrite: bool = False,
    ) -> SavedScenario:
        """Save a scenario under ``name``; an existing one is replaced only with ``overwrite=True``.

        Parameters
        ----------
        name : str
            1 to :data:`MAX_NAME_LENGTH` characters (surrounding spaces are removed).
        parameters : Parameters or mapping
            Every parameter and the currency (missing keys take their defaults); validated.
        ranges : mapping, optional
            Custom uncertainty ranges, parameter → (low, high); each must contain the value.
        notes : str
            Free text.
        provenance : mapping, optional
            Parameter → description of where its value came from.
        overwrite : bool, default False
            Replace a scenario of the same name (its creation time is kept).

        Returns
        -------
        SavedScenario
            As stored.

        Raises
        ------
        ScenarioError
            ``duplicate`` when the name is taken and ``overwrite`` is false; a bad name,
            provenance or database. :class:`~estimator.parameters.ParameterError` for a bad value or range.
        """
        clean_name = check_name(name)
        params = (
            parameters.replace(name=clean_name) if isinstance(parameters, Parameters) else Parameters(parameters, name=clean_name)
        )
        clean_ranges = _check_ranges(params, ranges)
        clean_provenance = _check_provenance(provenance)
        if not isinstance(notes, str):
            raise ScenarioError(f"notes: {notes!r} is not text; allowed: any text", code="invalid", field="notes", value=notes)
        row = _to_row(clean_name, params, clean_ranges, notes, clean_provenance)
        now = _now()
        with self._writing() as connection:
            existing = connection.execute("SELECT created_at FROM scenarios WHERE name = ?", (clean_name,)).fetchone()
            if existing and not overwrite:
                raise ScenarioError(
                    f"name: {clean_name!r} is already saved; allowed: a new name, or overwrite the saved one",
                    code="duplicate",
                    field="name",
                    value=clean_name,
                )
            created = existing[0] if existing else now
            connection.execute(
                f"INSERT INTO scenarios ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET currency = excluded.currency, parameters = excluded.parameters, "
                "ranges = excluded.ranges, notes = excluded.notes, provenance = excluded.provenance, "
                "updated_at = excluded.updated_at",
                (*row, created, now),
            )
        return SavedScenario(
            clean_name,
            params,
            clean_ranges,
            notes,
            clean_provenance,
            _parse_time(created, clean_name, "created_at"),
            _parse_time(now, clean_name, "updated_at"),
        )

    def save_draft(self, draft: ScenarioDraft, *, name: str | None = None, overwrite: bool = False) -> SavedScenario:
        """Save a :class:`ScenarioDraft` (e.g. from an imported file), optionally under another name."""
        return self.save(
            draft.name if name is None else name,
            draft.parameters,
            ranges=draft.ranges,
            notes=draft.notes,
            provenance=draft.provenance,
            overwrite=overwrite,
        )

    def rename(self, name: str, new_name: str) -> None:
        """Give a saved scenario another name (its values and creation time are kept).

        Raises
        ------
        ScenarioError
            ``unknown`` for ``name``; ``duplicate`` when ``new_name`` is taken; a bad ``new_name``.
        """
        old = name.strip() if isinstance(name, str) else name
        new = check_name(new_name, "new_name")
        with self._writing() as connection:
            if connection.execute("SELECT 1 FROM scenarios WHERE name = ?", (old,)).fetchone() is None:
                raise self._unknown(str(name))
            if old == new:
                return
            if connection.execute("SELECT 1 FROM scenarios WHERE name = ?", (new,)).fetchone():
                raise ScenarioError(
                    f"new_name: {new!r} is already saved; allowed: a name not in use",
                    code="duplicate",
                    field="new_name",
                    value=new,
                )
            connection.execute("UPDATE scenarios SET name = ?, updated_at = ? WHERE name = ?", (new, _now(), old))

    def duplicate(self, name: str, new_name: str) -> SavedScenario:
        """Save a copy of a saved scenario under ``new_name`` (new timestamps); returns the copy."""
        original = self.load(name)
        if check_name(new_name, "new_name") in self:
            raise ScenarioError(
                f"new_name: {new_name.strip()!r} is already saved; allowed: a name not in use",
                code="duplicate",
                field="new_name",
                value=new_name.strip(),
            )
        return self.save_draft(original, name=new_name)

    def delete(self, name: str) -> None:
        """Delete a saved scenario.

        Raises
        ------
        ScenarioError
            ``unknown`` when there is no such scenario.
        """
        key = name.strip() if isinstance(name, str) else name
        with self._writing() as connection:
            deleted = connection.execute("DELETE FROM scenarios WHERE name = ?", (key,)).rowcount
        if not deleted:
            raise self._unknown(str(name))

    def integrity_check(self) -> str:
        """SQLite's ``PRAGMA integrity_check``: ``"ok"`` for a sound file."""
        with self._reading() as connection:
            if connection is None:
                return "ok"
            return "; ".join(row[0] for row in connection.execute("PRAGMA integrity_check").fetchall())


# --- Rows ------------------------------------------------------------------------------------


def _to_row(name: str, params: Parameters, ranges: Mapping[str, tuple[float, float]], notes: str, provenance: Mapping[str, str]):
    return (
        name,
        params.currency,
        json.dumps(params.model_inputs(), allow_nan=False),
        json.dumps({key: list(bounds) for key, bounds in ranges.items()}, allow_nan=False),
        notes,
        json.dumps(dict(provenance), ensure_ascii=False),
    )


def _invalid(name: str, message: str, field: str, value: Any) -> ScenarioError:
    return ScenarioError(f"saved scenario {name!r}: {message}", code="invalid", field=field, value=value)


def _parse_time(text: str, name: str, column: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise _invalid(name, f"{column}: {text!r} is not a date and time; allowed: ISO 8601", column, text) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _json_object(name: str, column: str, text: Any) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except (TypeError, json.JSONDecodeError):
        value = None
    if not isinstance(value, dict):
        raise _invalid(name, f'{column}: {str(text)[:60]!r} is not a JSON object; allowed: {{"key": value, ...}}', column, text)
    return value


def _from_row(row: tuple) -> SavedScenario:
    name, currency, parameters, ranges, notes, provenance, created, updated = row
    values = _json_object(name, "parameters", parameters)
    unknown = [key for key in values if key not in PARAMETER_SPECS]
    try:
        if unknown:
            Parameters({key: values[key] for key in unknown})  # raises, naming the unknown keys
        params = Parameters(values, currency=currency, name=name)
        raw_ranges = read_ranges(_json_object(name, "ranges", ranges), f"saved scenario {name!r}: ranges")
        clean_ranges = _check_ranges(params, raw_ranges)
        clean_provenance = _check_provenance(_json_object(name, "provenance", provenance))
    except ParameterError as error:
        first = error.problems[0]
        raise _invalid(name, str(error), first.parameter, first.value) from None
    except ScenarioError as error:
        if error.code == "invalid":
            raise
        raise _invalid(name, str(error), error.field, error.value) from None
    except InputError as error:
        raise _invalid(name, str(error), "ranges", ranges) from None
    return SavedScenario(
        name,
        params,
        clean_ranges,
        notes if isinstance(notes, str) else str(notes),
        clean_provenance,
        _parse_time(created, name, "created_at"),
        _parse_time(updated, name, "updated_at"),
    )


# --- Files -----------------------------------------------------------------------------------


def _file_content(scenario: ScenarioDraft) -> dict[str, Any]:
    content: dict[str, Any] = {"name": scenario.name, "currency": scenario.parameters.currency, "notes": scenario.notes}
    if isinstance(scenario, SavedScenario):
        content["created_at"] = scenario.created_at.isoformat()
        content["updated_at"] = scenario.updated_at.isoformat()
    values: dict[str, Any] = dict(scenario.parameters.model_inputs())
    # Under "parameters", where the command line reads it (it pops "ranges" from the values).
    values["ranges"] = {key: {"low": low, "high": high} for key, (low, high) in scenario.ranges.items()}
    content["parameters"] = values
    content["provenance"] = dict(scenario.provenance)
    return content


def _toml_string(text: str) -> str:
    # JSON's escapes are TOML's, except that TOML also wants DEL escaped.
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _toml_value(value: Any) -> str:
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot write {value!r} to a scenario file")
        return repr(value)
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def _toml_key(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() and key.isascii() else _toml_string(key)


def _to_toml(content: Mapping[str, Any]) -> str:
    lines = [
        f"# Churn-cost scenario {_toml_string(content['name'])}, from the scenario library.",
        "# Read it with: python -m estimator estimate --params FILE",
        "",
    ]
    tables = {key: value for key, value in content.items() if isinstance(value, Mapping)}
    lines += [f"{_toml_key(key)} = {_toml_value(value)}" for key, value in content.items() if key not in tables]
    for table, values in tables.items():
        nested = {key: value for key, value in values.items() if isinstance(value, Mapping) and key == "ranges"}
        lines += ["", f"[{table}]"]
        lines += [f"{_toml_key(key)} = {_toml_value(value)}" for key, value in values.items() if key not in nested]
        for key, value in nested.items():
            lines += ["", f"[{table}.{key}]", *(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items())]
    return "\n".join(lines) + "\n"


def export_scenario(scenario: ScenarioDraft, fmt: str = "json") -> str:
    """One scenario as the text of a JSON or TOML file that ``estimate --params FILE`` reads.

    Parameters
    ----------
    scenario : ScenarioDraft or SavedScenario
    fmt : {"json", "toml"}

    Returns
    -------
    str
        ``name``, ``currency``, ``notes`` (and the timestamps of a saved scenario) at the top;
        ``parameters`` with every value and a ``ranges`` table; ``provenance``.
    """
    content = _file_content(scenario)
    if fmt == "json":
        return json.dumps(content, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    if fmt == "toml":
        return _to_toml(content)
    raise ScenarioError(
        f"format: {fmt!r} is not a scenario file format; allowed: 'json' or 'toml'", code="invalid", field="format", value=fmt
    )


def _raw_metadata(path: Path) -> dict[str, Any]:
    """``notes`` and ``provenance`` from a file's top level (read_scenario_file has already parsed it)."""
    data = path.read_bytes()
    raw = tomllib.loads(data.decode("utf-8")) if path.suffix.lower() == ".toml" else json.loads(data)
    return {key: raw[key] for key in ("notes", "provenance") if key in raw}


def read_scenario_path(path: str | Path, *, name: str | None = None, default_name: str | None = None) -> ScenarioDraft:
    """Read a JSON or TOML scenario file (this module's export, or any file ``--params`` reads).

    Parameters
    ----------
    path : str or Path
        A ``.json`` or ``.toml`` file.
    name : str, optional
        The name to give the scenario; by default the file's ``name``, else ``default_name``,
        else the file's stem.

    Raises
    ------
    InputError
        An unreadable file (naming it); :class:`~estimator.parameters.ParameterError` for bad
        values or ranges; :class:`ScenarioError` for bad notes, provenance or name.
    """
    path = Path(path)
    content = read_scenario_file(path)
    ranges = read_ranges(content.pop("ranges", {}), f"params file {path.name!r}")
    metadata = _raw_metadata(path)
    if "provenance" not in metadata and content.get("provenance") is not None:  # a calibration's JSON
        metadata["provenance"] = content["provenance"]
    for key in FILE_METADATA_KEYS:  # a flat file carries them beside the values: not parameters
        content.pop(key, None)
    file_name = content.pop("name", None)
    if name is None:
        name = file_name if isinstance(file_name, str) and file_name.strip() else (default_name or path.stem)
    chosen = check_name(name)
    params = Parameters(content, name=chosen)
    notes = metadata.get("notes") or ""
    if not isinstance(notes, str):
        raise ScenarioError(f"notes: {notes!r} is not text; allowed: any text", code="invalid", field="notes", value=notes)
    return ScenarioDraft(chosen, params, _check_ranges(params, ranges), notes, _check_provenance(metadata.get("provenance")))


def read_scenario_bytes(data: bytes, filename: str, *, name: str | None = None) -> ScenarioDraft:
    """As :func:`read_scenario_path`, for an uploaded file's bytes; ``filename`` gives the format (.json/.toml)."""
    suffix = Path(filename).suffix.lower()
    if suffix not in (".json", ".toml"):
        raise InputError(f"params file {Path(filename).name!r}: unknown format {suffix!r}; use .json or .toml")
    stem = Path(filename).stem.strip()[:MAX_NAME_LENGTH] or "scenario"
    with tempfile.TemporaryDirectory() as folder:
        # The same reader as the command line, so the app accepts exactly what --params accepts;
        # the uploaded name is never used as a path.
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(data)
        try:
            return read_scenario_path(path, name=name, default_name=stem)
        except (ParameterError, ScenarioError):
            raise
        except InputError as error:  # name the user's file, not our temporary copy
            raise InputError(str(error).replace(str(path), Path(filename).name)) from None


# --- Comparing scenarios ---------------------------------------------------------------------

#: The outputs a comparison lists, in the order of the headline: the total, its channels, the rest.
COMPARED_OUTPUTS: tuple[str, ...] = (
    "total",
    *CHANNELS,
    "share_of_revenue",
    "customers_lost_total",
    "profit_lost",
    "value_at_risk",
    "replacement_cost",
)
#: Style of a cell that differs from the first scenario's.
DIFFERENCE_STYLE = "background-color: #FDEBD0; font-weight: 600"


@dataclass(frozen=True)
class ScenarioComparison:
    """Up to four scenarios side by side: their inputs, their outputs and what differs from the first.

    Build it with :func:`compare_scenarios`. Columns are the scenario names in the order given;
    the first is the reference the others are compared with.
    """

    names: tuple[str, ...]
    estimates: tuple[Estimate, ...]

    @property
    def parameters(self) -> tuple[Parameters, ...]:
        return tuple(est.parameters for est in self.estimates)

    @property
    def currencies(self) -> tuple[str, ...]:
        return tuple(p.currency for p in self.parameters)

    @property
    def mixed_currencies(self) -> bool:
        """Whether the amounts are in different currencies (they are never converted)."""
        return len(set(self.currencies)) > 1

    def inputs(self) -> pd.DataFrame:
        """Every parameter and the currency (rows) of each scenario (columns)."""
        rows = [*PARAMETER_SPECS, "currency"]
        return pd.DataFrame(
            {name: [p[key] for key in rows] for name, p in zip(self.names, self.parameters, strict=True)},
            index=pd.Index(rows, name="parameter"),
            dtype=object,
        )

    def outputs(self) -> pd.DataFrame:
        """The yearly total, the five channels and the other headline figures of each scenario (floats)."""
        return pd.DataFrame(
            {name: [getattr(est, key) for key in COMPARED_OUTPUTS] for name, est in zip(self.names, self.estimates, strict=True)},
            index=pd.Index(COMPARED_OUTPUTS, name="output"),
            dtype=float,
        )

    def channels(self) -> pd.DataFrame:
        """Yearly revenue lost by channel (rows) and scenario (columns)."""
        return self.outputs().loc[list(CHANNELS)]

    def to_frame(self) -> pd.DataFrame:
        """Inputs then outputs, indexed by (``"input"``/``"output"``, key): the whole table."""
        return pd.concat({"input": self.inputs(), "output": self.outputs().astype(object)}, names=["section", "item"])

    def differences(self) -> pd.DataFrame:
        """True where a value differs from the first scenario's (the first column is all False).

        Outputs count as equal within a relative 1e-12 (the same value reached by another
        route); two undefined values (NaN) are equal.
        """
        frame = self.to_frame()
        first = frame.iloc[:, 0]
        mask = pd.DataFrame(False, index=frame.index, columns=frame.columns)
        for column in frame.columns[1:]:
            for row in frame.index:
                a, b = first[row], frame.at[row, column]
                same = bool(np.isclose(a, b, rtol=1e-12, atol=0.0, equal_nan=True)) if row[0] == "output" else a == b
                mask.at[row, column] = not same
        return mask

    def deltas(self) -> pd.DataFrame:
        """Each numeric value minus the first scenario's (NaN for the method and the currency)."""
        frame = self.to_frame()
        numeric = frame.apply(lambda column: pd.to_numeric(column, errors="coerce")).astype(float)
        return numeric.sub(numeric.iloc[:, 0], axis=0)

    def display_frame(
        self, labels: Mapping[str, str] | None = None, *, locale: str = "en", choice_labels: Mapping[str, str] | None = None
    ) -> pd.DataFrame:
        """The table as text: values in their units (money in each scenario's currency), rows labelled.

        Parameters
        ----------
        labels : mapping, optional
            The row label of each parameter and output key (e.g. translated names); keys otherwise.
        locale : str
            Babel locale for numbers.
        choice_labels : mapping, optional
            The words for a choice's value (``{"top_down": "Top-down"}``); the value itself otherwise.
        """
        frame = self.to_frame()
        labels = labels or {}
        text = pd.DataFrame(index=frame.index, columns=frame.columns, dtype=object)
        for column, currency in zip(frame.columns, self.currencies, strict=True):
            for section, key in frame.index:
                value = frame.at[(section, key), column]
                shown = _display_value(section, key, value, currency, locale)
                text.at[(section, key), column] = (choice_labels or {}).get(shown, shown) if key == "method" else shown
        text.index = pd.Index([labels.get(key, key) for _, key in frame.index], name="")
        return text

    def styled(
        self,
        labels: Mapping[str, str] | None = None,
        *,
        locale: str = "en",
        choice_labels: Mapping[str, str] | None = None,
        style: str = DIFFERENCE_STYLE,
        escape: bool = False,
    ) -> Styler:
        """:meth:`display_frame` with the cells that differ from the first scenario highlighted.

        Parameters
        ----------
        labels, locale, choice_labels
            As for :meth:`display_frame`.
        style : str
            CSS of a differing cell.
        escape : bool, default False
            HTML-escape values, labels and names (for :meth:`Styler.to_html`; the app's tables
            show text as it is and need no escaping).
        """
        text = self.display_frame(labels, locale=locale, choice_labels=choice_labels)
        mask = self.differences().to_numpy()
        styler = text.style.apply(lambda _: np.where(mask, style, ""), axis=None)
        if escape:
            styler = styler.format(escape="html").format_index(escape="html", axis=0).format_index(escape="html", axis=1)
        return styler

    def change(self, start: int | str = 0, end: int | str = 1, *, by: str = "parameter") -> pd.Series:
        """The change of the yearly total from scenario ``start`` to ``end``, split exactly by input.

        ``start`` and ``end`` are positions or names; the parts (Shapley values, see
        :func:`~estimator.compare.attribute_change`) sum to the difference of the totals.
        """
        first, second = self._position(start), self._position(end)
        return attribute_change(self.parameters[first], self.parameters[second], by=by)  # type: ignore[arg-type]

    def _position(self, which: int | str) -> int:
        if isinstance(which, str):
            if which not in self.names:
                raise ScenarioError(
                    f"scenario: {which!r} is not in the comparison; allowed: one of {', '.join(map(repr, self.names))}",
                    code="unknown",
                    field="scenario",
                    value=which,
                )
            return self.names.index(which)
        return int(which)


def _display_value(section: str, key: str, value: Any, currency: str, locale: str) -> str:
    if section == "input":
        return str(value) if key == "currency" else format_parameter(key, value, currency, locale=locale)
    if key == "share_of_revenue":
        return format_share(float(value), locale=locale)
    if key == "customers_lost_total":
        return format_count(float(value), locale=locale, compact=False)
    return format_money(float(value), currency, locale=locale, compact=False)


def compare_scenarios(scenarios: Mapping[str, Mapping[str, Any]] | list[tuple[str, Mapping[str, Any]]]) -> ScenarioComparison:
    """Put one to four scenarios side by side, the first being the reference.

    Parameters
    ----------
    scenarios : mapping or list of (name, parameters)
        Named scenarios (``Parameters``, mappings of values or :class:`SavedScenario`).

    Returns
    -------
    ScenarioComparison

    Raises
    ------
    ScenarioError
        ``compare_count`` for none or more than :data:`MAX_COMPARED`, ``duplicate`` for a name given twice.

    Examples
    --------
    >>> cmp = compare_scenarios({"Base": Parameters(), "Higher churn": Parameters(churn_rate=0.24)})
    >>> cmp.differences().loc[("input", "churn_rate")].tolist()
    [False, True]
    """
    items = list(scenarios.items()) if isinstance(scenarios, Mapping) else list(scenarios)
    if not 1 <= len(items) <= MAX_COMPARED:
        raise ScenarioError(
            f"scenarios: {len(items)} chosen; allowed: 1 to {MAX_COMPARED}",
            code="compare_count",
            field="scenarios",
            value=len(items),
        )
    names = [name for name, _ in items]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ScenarioError(
            f"scenarios: {repeated[0]!r} is chosen twice; allowed: each scenario once",
            code="duplicate",
            field="scenarios",
            value=repeated[0],
        )
    estimates = []
    for _, values in items:
        params = values.parameters if isinstance(values, ScenarioDraft) else values
        estimates.append(estimate(params if isinstance(params, Parameters) else Parameters(params)))
    return ScenarioComparison(tuple(names), tuple(estimates))
