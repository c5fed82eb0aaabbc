"""Rows of the scenario library and the scenarios they hold: the tables, row ⇄ scenario, and the one version writer.

A scenario's content is five text columns (:data:`CONTENT_COLUMNS`: currency, parameters, ranges,
notes, provenance as JSON) kept twice: in ``scenarios`` (the current version, one row per name) and
in ``scenario_versions`` (every version, never changed). :func:`write_version` writes both, so a
version is written in one place; :func:`from_row` reads either back, validated again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from estimator.core.parameters import PARAMETER_SPECS, InputError, ParameterError, Parameters
from estimator.core.ranges import read_ranges
from estimator.core.scenario import Scenario, ScenarioError
from estimator.store.types import SavedScenario

__all__ = [
    "CONTENT_COLUMNS",
    "SCENARIOS",
    "VERSIONS",
    "WORKSPACES",
    "content",
    "from_row",
    "from_version",
    "now",
    "table",
    "text_columns",
    "write_version",
]

# --- tables (created by the migrations; described here for queries) -------------------------------

METADATA = sa.MetaData()
CONTENT_COLUMNS = ("currency", "parameters", "ranges", "notes", "provenance")


def table(name: str, *columns: sa.Column, key: bool = True) -> sa.Table:
    """The library's table ``name`` as the migrations made it: ``id``, its integer key (unless not ``key``), then ``columns``."""
    return sa.Table(name, METADATA, *([sa.Column("id", sa.Integer, primary_key=True)] if key else []), *columns)


def text_columns(*names: str) -> list[sa.Column]:
    """A text column per name, in order: the library keeps names, dates (ISO 8601) and JSON as text."""
    return [sa.Column(name, sa.Text) for name in names]


WORKSPACES = table("workspaces", *text_columns("name", "created_at"))
SCENARIOS = table(
    "scenarios",
    sa.Column("workspace_id", sa.Integer),
    *text_columns("name", *CONTENT_COLUMNS, "created_at", "updated_at"),
    sa.Column("version", sa.Integer),
    # Team hook (issue 26, migration 0003): a soft-deleted scenario is invisible (database._where); access.py deletes.
    *text_columns("author", "deleted_at", "deleted_by"),
)
VERSIONS = table(
    "scenario_versions",
    sa.Column("scenario_id", sa.Integer),
    sa.Column("version", sa.Integer),
    # Team hook (issue 26): claimed_*, an imported version's author and date as its file claimed them.
    *text_columns(*CONTENT_COLUMNS, "author", "note", "saved_at", "save_id", "claimed_author", "claimed_at"),
)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _content_columns(
    params: Parameters, ranges: Mapping[str, tuple[float, float]], notes: str, provenance: Mapping[str, str]
) -> dict[str, str]:
    return {
        "currency": params.currency,
        "parameters": json.dumps(params.model_inputs(), allow_nan=False),
        "ranges": json.dumps({key: list(bounds) for key, bounds in ranges.items()}, allow_nan=False),
        "notes": notes,
        "provenance": json.dumps(dict(provenance), ensure_ascii=False),
    }


def _invalid(name: str, message: str, field: str, value: Any) -> ScenarioError:
    return ScenarioError(f"saved scenario {name!r}: {message}", code="invalid", field=field, value=value)


def parse_time(text: str, name: str, column: str) -> datetime:
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


def from_row(row: Mapping[str, Any], workspace: str) -> SavedScenario:
    """A scenario from its stored columns (the current row, or a version merged over it), validated again."""
    name = row["name"]
    values = _json_object(name, "parameters", row["parameters"])
    unknown = [key for key in values if key not in PARAMETER_SPECS]
    try:
        if unknown:
            Parameters({key: values[key] for key in unknown})  # raises, naming the unknown keys
        params = Parameters(values, currency=row["currency"], name=name)
        raw_ranges = read_ranges(_json_object(name, "ranges", row["ranges"]), f"saved scenario {name!r}: ranges")
        provenance = _json_object(name, "provenance", row["provenance"])
        notes = row["notes"]
        # The scenario checks its ranges and provenance once, here (a SavedScenario keeps its notes as saved).
        return SavedScenario(
            name,
            params,
            raw_ranges,
            notes if isinstance(notes, str) else str(notes),
            provenance,
            parse_time(row["created_at"], name, "created_at"),
            parse_time(row["updated_at"], name, "updated_at"),
            int(row.get("version") or 1),
            row.get("author") or "",
            row.get("note") or "",
            workspace,
        )
    except ParameterError as error:
        first = error.problems[0]
        raise _invalid(name, str(error), first.parameter, first.value) from None
    except ScenarioError as error:
        if error.code == "invalid":
            raise
        raise _invalid(name, str(error), error.field, error.value) from None
    except InputError as error:
        raise _invalid(name, str(error), "ranges", row["ranges"]) from None


def from_version(scenario: Mapping[str, Any], version: Mapping[str, Any], workspace: str) -> SavedScenario:
    merged = {
        "name": scenario["name"],
        "created_at": scenario["created_at"],
        **{column: version[column] for column in CONTENT_COLUMNS},
        "updated_at": version["saved_at"],
        "version": version["version"],
        "author": version["author"],
        "note": version["note"],
    }
    return from_row(merged, workspace)


def content(scenario: Scenario) -> dict[str, str]:
    """A scenario's content columns (provenance as the descriptions, as libraries always kept it)."""
    return _content_columns(scenario.parameters, scenario.ranges, scenario.notes, scenario.descriptions)


def write_version(
    connection: Connection,
    *,
    workspace_id: int,
    scenario_id: int | None,
    name: str,
    columns: Mapping[str, str],
    version: int,
    author: str,
    note: str,
    saved_at: str,
    save_id: str,
    expected_version: int | None = None,
    claimed: Mapping[str, str] | None = None,
) -> int:
    """Write one version of a scenario: its current row (inserted, or updated) and its line in the history.

    ``expected_version``, when given, is the version the current row must still be at (else nothing is
    updated and a :class:`ScenarioError` is raised: it cannot happen under the row or write lock, and
    never passes silently). Returns the scenario's id.
    """
    if scenario_id is None:
        scenario_id = connection.execute(
            SCENARIOS.insert()
            .values(workspace_id=workspace_id, name=name, **columns, created_at=saved_at, updated_at=saved_at)
            .values(version=version, author=author)
            .returning(SCENARIOS.c.id)
        ).scalar_one()
    else:
        where = [SCENARIOS.c.id == scenario_id]
        if expected_version is not None:
            where.append(SCENARIOS.c.version == expected_version)
        updated = connection.execute(
            SCENARIOS.update().where(*where).values(**columns, updated_at=saved_at, version=version, author=author)
        ).rowcount
        if expected_version is not None and updated != 1:
            raise ScenarioError(
                f"name: {name!r} changed while saving; allowed: try again", code="database", field="name", value=name
            )
    connection.execute(
        VERSIONS.insert().values(
            scenario_id=scenario_id,
            version=version,
            **columns,
            author=author,
            note=note,
            saved_at=saved_at,
            save_id=save_id,
            **(claimed or {}),
        )
    )
    return scenario_id
