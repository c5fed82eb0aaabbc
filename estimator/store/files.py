"""Scenario files: one scenario as JSON or TOML (the format ``estimate --params FILE`` reads), a whole workspace as JSON.

One scenario is exported with ``name`` and ``currency`` at the top, the values under
``parameters`` with the uncertainty ranges in ``parameters.ranges``; ``notes``, ``provenance``,
the timestamps and the version sit beside them, where the command line ignores them. Files are
read by :func:`estimator.library.read_scenario` (the one reader of scenario files, read once), so
the library accepts exactly what ``--params`` accepts.

A workspace file (:func:`export_workspace`) is one JSON document holding every scenario of a
workspace with its whole history, each version in the single-scenario format.
"""

from __future__ import annotations

import json
import math
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from estimator.core.parameters import InputError, ParameterError, Parameters, shown_value
from estimator.core.scenario import ScenarioError, check_name, check_provenance, check_ranges, check_text
from estimator.library import ScenarioFile, read_scenario, scenario_file
from estimator.store.types import (
    FILE_METADATA_KEYS,
    MAX_NAME_LENGTH,
    SavedScenario,
    ScenarioDraft,
)
from estimator.text.user_text import unsafe_characters

__all__ = [
    "WORKSPACE_FORMAT",
    "ImportedVersion",
    "WorkspaceFile",
    "export_scenario",
    "export_workspace",
    "file_content",
    "read_scenario_bytes",
    "read_scenario_path",
    "read_workspace_bytes",
    "read_workspace_path",
    "to_toml",
]

#: The ``format`` field of a workspace file.
WORKSPACE_FORMAT = "churn-estimator-workspace"
WORKSPACE_FORMAT_VERSION = 1


def file_content(scenario: ScenarioDraft) -> dict[str, Any]:
    """A scenario as the plain data of its file."""
    content: dict[str, Any] = {"name": scenario.name, "currency": scenario.parameters.currency, "notes": scenario.notes}
    if isinstance(scenario, SavedScenario):
        content["created_at"] = scenario.created_at.isoformat()
        content["updated_at"] = scenario.updated_at.isoformat()
        content["workspace"] = scenario.workspace
        content["version"] = scenario.version
        content["author"] = scenario.author
        content["note"] = scenario.note
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


def to_toml(content: Mapping[str, Any]) -> str:
    """A scenario file's content (name, currency, notes, parameters with ranges, provenance) as TOML."""
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
        ``name``, ``currency``, ``notes`` (and the timestamps and version of a saved scenario)
        at the top; ``parameters`` with every value and a ``ranges`` table; ``provenance``.
    """
    content = file_content(scenario)
    if fmt == "json":
        return json.dumps(content, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    if fmt == "toml":
        return to_toml(content)
    raise ScenarioError(
        f"format: {fmt!r} is not a scenario file format; allowed: 'json' or 'toml'", code="invalid", field="format", value=fmt
    )


def _draft(file: ScenarioFile, name: str | None, default_name: str) -> ScenarioDraft:
    """A validated draft from a scenario file's content (:func:`~estimator.library.read_scenario`)."""
    ranges = file.ranges
    values = file.values
    for key in FILE_METADATA_KEYS:  # a flat file carries them beside the values: not parameters
        values.pop(key, None)
    file_name = values.pop("name", None)
    if name is None:
        name = file_name if isinstance(file_name, str) and file_name.strip() else default_name
    chosen = check_name(name)
    params = Parameters(values, name=chosen)
    notes = check_text(file.notes, "notes")
    return ScenarioDraft(chosen, params, check_ranges(params, ranges), notes, check_provenance(file.provenance))


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
        An unreadable file (naming it); :class:`~estimator.core.parameters.ParameterError` for bad
        values or ranges; :class:`ScenarioError` for bad notes, provenance or name.
    """
    path = Path(path)
    return _draft(read_scenario(path, source=f"params file {path.name!r}"), name, default_name or path.stem)


def read_scenario_bytes(data: bytes, filename: str, *, name: str | None = None) -> ScenarioDraft:
    """As :func:`read_scenario_path`, for an uploaded file's bytes; ``filename`` gives the format (.json/.toml)."""
    suffix = Path(filename).suffix.lower()
    if suffix not in (".json", ".toml"):
        raise InputError(f"params file {Path(filename).name!r}: unknown format {suffix!r}; use .json or .toml")
    stem = Path(filename).stem
    unsafe = set(unsafe_characters(stem))
    stem = "".join(char for char in stem if char not in unsafe).strip()[:MAX_NAME_LENGTH] or "scenario"
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


# --- Workspaces ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportedVersion:
    """One version read from a workspace file: the scenario as it was, who saved it, when, and why."""

    draft: ScenarioDraft
    author: str
    saved_at: datetime
    note: str


@dataclass(frozen=True)
class WorkspaceFile:
    """A workspace file's content: its workspace name and each scenario's versions, oldest first."""

    workspace: str
    scenarios: tuple[tuple[str, tuple[ImportedVersion, ...]], ...]


def export_workspace(workspace: str, histories: Sequence[Sequence[SavedScenario]]) -> str:
    """A workspace as one JSON file: every scenario with every version (oldest first; the last is current)."""
    document = {
        "format": WORKSPACE_FORMAT,
        "format_version": WORKSPACE_FORMAT_VERSION,
        "workspace": workspace,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "scenarios": [{"name": versions[-1].name, "history": [file_content(v) for v in versions]} for versions in histories],
    }
    return json.dumps(document, indent=1, ensure_ascii=False, allow_nan=False) + "\n"


def _bad_workspace(source: str, what: str, value: Any = None) -> ScenarioError:
    return ScenarioError(
        f"workspace file {source}: {what}; allowed: a file written by 'scenarios export-workspace'",
        code="invalid",
        field="workspace_file",
        value=value,
    )


#: Dates a workspace file's versions may carry: year 1 would overflow when turned into UTC.
_EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
_LATEST = datetime(9999, 1, 1, tzinfo=UTC)


def _moment(text: Any, source: str) -> datetime:
    try:
        moment = datetime.fromisoformat(str(text))
        moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    except (ValueError, OverflowError):
        raise _bad_workspace(source, f"saved_at {shown_value(text)} is not a date and time from 1970 to 9998", text) from None
    if not _EARLIEST <= moment < _LATEST:
        raise _bad_workspace(source, f"saved_at {shown_value(text)} is not a date and time from 1970 to 9998", text)
    return moment


def read_workspace_bytes(data: bytes, filename: str) -> WorkspaceFile:
    """Read a workspace file, validating every version of every scenario (naming the one at fault)."""
    source = repr(Path(filename).name)
    try:
        document = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError) as error:  # bad UTF-8 or JSON, huge numbers, arrays nested thousands deep
        reason = "nested too deeply" if isinstance(error, RecursionError) else str(error)[:200]
        raise _bad_workspace(source, f"not valid JSON ({reason})") from None
    if not isinstance(document, dict) or document.get("format") != WORKSPACE_FORMAT:
        raise _bad_workspace(source, f"'format' is not {WORKSPACE_FORMAT!r}")
    if document.get("format_version") != WORKSPACE_FORMAT_VERSION:
        raise _bad_workspace(source, f"format_version {document.get('format_version')!r} is not {WORKSPACE_FORMAT_VERSION}")
    workspace = check_name(document.get("workspace"), "workspace")
    entries = document.get("scenarios")
    if not isinstance(entries, list):
        raise _bad_workspace(source, "'scenarios' is not a list")
    scenarios = []
    for number, entry in enumerate(entries, start=1):
        history = entry.get("history") if isinstance(entry, dict) else None
        if not isinstance(history, list) or not history:
            raise _bad_workspace(source, f"scenario {number} has no 'history' list of versions")
        name = check_name(entry.get("name"), f"scenarios[{number}].name")
        versions = []
        for raw in history:
            label = f"workspace file {source}, scenario {name!r}"
            draft = _draft(scenario_file(dict(raw) if isinstance(raw, dict) else raw, label), name, name)
            author = check_text(raw.get("author") or "", "author", multiline=False)
            note = check_text(raw.get("note") or "", "note")
            versions.append(ImportedVersion(draft, author, _moment(raw.get("updated_at") or datetime.now(UTC), source), note))
        scenarios.append((name, tuple(versions)))
    return WorkspaceFile(workspace, tuple(scenarios))


def read_workspace_path(path: str | Path) -> WorkspaceFile:
    """As :func:`read_workspace_bytes`, for a file on disk."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"workspace file {str(path)!r}: cannot be read ({error.strerror or error})") from None
    return read_workspace_bytes(data, path.name)
