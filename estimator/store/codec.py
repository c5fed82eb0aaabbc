"""The scenario-file codec: every file a scenario is read from or written to, in one module.

Formats (:data:`FORMATS`, by file suffix): one scenario as JSON or TOML (what ``estimate --params
FILE`` reads), the JSON of ``calibrate --format json`` as one more input (its estimates as
values, their intervals as ranges, its provenance), and a whole workspace as JSON.

- :func:`read` a file (a path, or an upload's bytes with its file name) into a
  :class:`~estimator.core.scenario.Scenario`, or a workspace file into a :class:`WorkspaceFile`;
- :func:`write` a scenario as the text of a JSON or TOML file, or a workspace's histories as JSON.

One scenario is written with ``name`` and ``currency`` at the top, the values under
``parameters`` with the uncertainty ranges in ``parameters.ranges``; ``notes``, ``provenance``
(descriptions), the timestamps and the version sit beside them, where the command line ignores
them. The command line, the library and both apps read through :func:`read_scenario` (one parse,
one :class:`ScenarioFile`), so the library accepts exactly what ``--params`` accepts.
"""

from __future__ import annotations

import json
import math
import tempfile
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from estimator.core.parameters import TEXT_KEYS, InputError, ParameterError, Parameters, shown_value
from estimator.core.ranges import read_ranges
from estimator.core.scenario import Scenario, ScenarioError, check_name, check_provenance, check_ranges, check_text
from estimator.paths import write_file
from estimator.store.types import FILE_METADATA_KEYS, MAX_NAME_LENGTH, SavedScenario
from estimator.text.user_text import unsafe_characters

__all__ = [
    "FORMATS",
    "WORKSPACE_FORMAT",
    "FileFormat",
    "ImportedVersion",
    "ScenarioFile",
    "WorkspaceFile",
    "export_scenario",
    "export_workspace",
    "file_content",
    "read",
    "read_scenario",
    "read_scenario_bytes",
    "read_scenario_file",
    "read_scenario_path",
    "read_workspace_bytes",
    "read_workspace_path",
    "scenario_file",
    "scenario_values",
    "to_toml",
    "write",
    "write_params",
]

#: The ``format`` field of a workspace file.
WORKSPACE_FORMAT = "churn-estimator-workspace"
WORKSPACE_FORMAT_VERSION = 1


# --- Reading one scenario -------------------------------------------------------------------------


@dataclass(frozen=True)
class ScenarioFile:
    """One scenario file, read and parsed once: its values, ranges, provenance and notes (not yet validated).

    Attributes
    ----------
    source : str
        Where the content came from, as errors name it (``"params file 'x.json'"``).
    content : mapping
        The scenario's entries as :func:`read_scenario_file` returns them: the values (with
        ``name`` and ``currency``), ``ranges`` and ``provenance`` when the file has them.
    top : mapping
        The file's top level (``notes``, timestamps and the other entries beside the values).
    """

    source: str
    content: Mapping[str, Any]
    top: Mapping[str, Any]

    @property
    def values(self) -> dict[str, Any]:
        """The scenario's values (parameters, ``name``, ``currency``), without ranges and provenance."""
        return {key: value for key, value in self.content.items() if key not in ("ranges", "provenance")}

    @property
    def ranges(self) -> dict[str, tuple[float, float]]:
        """The uncertainty ranges, ``{parameter: (low, high)}``; :class:`InputError` naming ``source`` if malformed."""
        return read_ranges(self.content.get("ranges", {}), self.source)

    @property
    def provenance(self) -> Any:
        """Where values came from, ``{parameter: description}`` (the top level's, else a calibration's); raw."""
        return self.top["provenance"] if "provenance" in self.top else self.content.get("provenance")

    @property
    def notes(self) -> Any:
        """The scenario's notes as the file holds them (``""`` when it has none); raw."""
        return self.top.get("notes") or ""


def read_scenario(path: str | Path, *, source: str | None = None) -> ScenarioFile:
    """Read a JSON or TOML scenario file once: the one reader of scenario files (CLI, library, store).

    The file holds parameter keys at its top level, or under ``parameters`` or ``inputs``
    (so the command line's own JSON output can be read back). ``currency`` and ``name``
    are accepted too, and uncertainty ranges as a ``ranges`` table at the top level or
    inside the section. The JSON of ``calibrate --format json`` is read too: its estimates
    as values, their 95 % intervals as ``ranges`` and a ``provenance`` table (parameter →
    where its value came from). ``notes`` and ``provenance`` sit at the top level.

    Parameters
    ----------
    path : str or Path
        A ``.json`` or ``.toml`` file.
    source : str, optional
        How errors about its content name it; ``params file '<path>'`` by default.

    Raises
    ------
    InputError
        When the file cannot be read or parsed, or holds no table of values.
    """
    path = Path(path)
    try:
        text = path.read_bytes()
    except OSError as error:
        raise InputError(f"params file {str(path)!r}: cannot be read ({error.strerror or error})") from None
    fmt = path.suffix.lower()
    if fmt[1:] not in FORMATS:
        raise InputError(f"params file {str(path)!r}: unknown format {path.suffix!r}; use .json or .toml")
    try:
        raw = FORMATS[fmt[1:]].parse(text)
    except (ValueError, RecursionError) as error:
        # ValueError: bad UTF-8, JSON or TOML, or a number of over 4,300 digits; RecursionError:
        # arrays nested thousands deep. Either way the file is not a scenario.
        reason = "nested too deeply" if isinstance(error, RecursionError) else str(error)[:200]
        raise InputError(f"params file {str(path)!r}: not valid {fmt[1:].upper()} ({reason})") from None
    return scenario_file(raw, source or f"params file {str(path)!r}")


def read_scenario_file(path: str | Path) -> dict[str, Any]:
    """The values of a JSON or TOML scenario file (not yet validated), with its ``ranges`` and
    ``provenance`` tables when it has them: :attr:`ScenarioFile.content` of :func:`read_scenario`.

    Raises
    ------
    InputError
        When the file cannot be read or parsed, or holds no table of values.
    """
    return dict(read_scenario(path).content)


def scenario_file(raw: Any, source: str) -> ScenarioFile:
    """A parsed scenario file's content (:func:`read_scenario`'s rules) as a :class:`ScenarioFile`.

    ``source`` names where the content came from in the error (``"params file 'x.json'"``); a
    workspace file holds one such content per scenario.
    """
    if not isinstance(raw, dict):
        raise InputError(f"{source}: expected a table of parameter values, found {type(raw).__name__}")
    # Imported here: the calibration package is slow to import, and most files are not calibrations.
    from estimator.calibration.params import is_calibration, scenario_from_calibration

    if is_calibration(raw):
        # What `calibrate --format json` writes: its estimates, their intervals as ranges, their provenance.
        scenario = scenario_from_calibration(raw, source)
        content = {
            "name": scenario["name"],
            "currency": scenario["currency"],
            **scenario["parameters"],
            "provenance": scenario["provenance"],
        }
        return ScenarioFile(source, content, raw)
    for section in ("parameters", "inputs"):
        if isinstance(raw.get(section), dict):
            # Ranges may sit beside the section ([ranges]) or inside it ([parameters.ranges]).
            outer = {k: v for k, v in raw.items() if k in TEXT_KEYS or k in ("ranges", "provenance")}
            return ScenarioFile(source, {**outer, **raw[section]}, raw)
    return ScenarioFile(source, raw, raw)


# --- Writing one scenario -------------------------------------------------------------------------


def file_content(scenario: Scenario) -> dict[str, Any]:
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
    content["provenance"] = scenario.descriptions
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


@dataclass(frozen=True)
class FileFormat:
    """How a scenario file of one format is parsed (bytes → plain data) and written (plain data → text)."""

    parse: Callable[[bytes], Any]
    dump: Callable[[Mapping[str, Any]], str]


def _json_text(content: Mapping[str, Any]) -> str:
    return json.dumps(content, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


#: The scenario file formats by name (a file's suffix without the dot): what :func:`read` and :func:`write` accept.
FORMATS: dict[str, FileFormat] = {
    "json": FileFormat(json.loads, _json_text),
    "toml": FileFormat(lambda data: tomllib.loads(data.decode("utf-8")), to_toml),
}


def export_scenario(scenario: Scenario, fmt: str = "json") -> str:
    """One scenario as the text of a JSON or TOML file that ``estimate --params FILE`` reads.

    Parameters
    ----------
    scenario : Scenario or SavedScenario
    fmt : {"json", "toml"}

    Returns
    -------
    str
        ``name``, ``currency``, ``notes`` (and the timestamps and version of a saved scenario)
        at the top; ``parameters`` with every value and a ``ranges`` table; ``provenance``.
    """
    if fmt not in FORMATS:
        raise ScenarioError(
            f"format: {fmt!r} is not a scenario file format; allowed: 'json' or 'toml'", code="invalid", field="format", value=fmt
        )
    return FORMATS[fmt].dump(file_content(scenario))


def _draft(file: ScenarioFile, name: str | None, default_name: str) -> Scenario:
    """A validated scenario from a scenario file's content (:func:`read_scenario`)."""
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
    return Scenario(chosen, params, check_ranges(params, ranges), notes, check_provenance(file.provenance))


def read_scenario_path(path: str | Path, *, name: str | None = None, default_name: str | None = None) -> Scenario:
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


def read_scenario_bytes(data: bytes, filename: str, *, name: str | None = None) -> Scenario:
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

    draft: Scenario
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


# --- Calibrations written as scenario files ------------------------------------------------------


def write_params(raw: Mapping[str, Any], path: str) -> str:
    """Write a calibration's JSON as a TOML scenario file that ``--params`` reads; returns the path written."""
    from estimator.calibration.params import calibration_sources, scenario_from_calibration

    content = scenario_from_calibration(raw, f"calibration of {raw.get('file', '')!r}")
    # Read back with --params, a scenario file's values count as entered unless it says otherwise.
    content["input_sources"] = calibration_sources(raw, [k for k in content["parameters"] if k != "ranges"])
    out = Path(path)
    if out.suffix.lower() != ".toml":
        raise InputError(f"--write-params: {path!r} must end in .toml (a scenario file that --params reads)")
    text = to_toml(content).replace("from the scenario library", "from a calibration", 1)
    return str(write_file(out, text, option="--write-params"))


# --- The codec's pair ----------------------------------------------------------------------------


def read(
    source: str | Path | bytes,
    *,
    filename: str | None = None,
    kind: Literal["scenario", "workspace"] = "scenario",
    name: str | None = None,
    default_name: str | None = None,
) -> Scenario | WorkspaceFile:
    """Read a scenario file (JSON, TOML, or a calibration's JSON) or a workspace file.

    Parameters
    ----------
    source : str, Path or bytes
        A file on disk, or an uploaded file's bytes (then ``filename`` gives its name and format;
        it is never used as a path).
    filename : str, optional
        The uploaded file's name; required with bytes.
    kind : {"scenario", "workspace"}
        What the file holds.
    name, default_name : str, optional
        For a scenario: the name to give it; by default the file's ``name``, else ``default_name``,
        else the file's stem.

    Raises
    ------
    InputError
        Naming the file and, for bad content, the field and the value (:class:`ScenarioError`,
        :class:`~estimator.core.parameters.ParameterError`).
    """
    if isinstance(source, bytes):
        if filename is None:
            raise TypeError("read: bytes need the file's name (filename=...)")
        if kind == "workspace":
            return read_workspace_bytes(source, filename)
        return read_scenario_bytes(source, filename, name=name)
    if kind == "workspace":
        return read_workspace_path(source)
    return read_scenario_path(source, name=name, default_name=default_name)


def write(item: Scenario | tuple[str, Sequence[Sequence[SavedScenario]]], fmt: str = "json") -> str:
    """The text of a file: a scenario as ``fmt`` (a name in :data:`FORMATS`), or ``(workspace, histories)`` as a
    workspace file (JSON; each history oldest first)."""
    if isinstance(item, Scenario):
        return export_scenario(item, fmt)
    workspace, histories = item
    return export_workspace(workspace, histories)


def scenario_values(raw: Any, source: str) -> dict[str, Any]:
    """The values of a parsed scenario file's content, not yet validated (:attr:`ScenarioFile.content`)."""
    return dict(scenario_file(raw, source).content)
