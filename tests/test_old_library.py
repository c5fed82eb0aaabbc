"""A library and scenario files made by the code of 2026-12-06 still read the same (issue 25's "old library loads").

``tests/data/library_20261206/`` holds a SQLite library (two workspaces, scenarios with several
versions, non-ASCII authors and notes, custom ranges, provenance, a renamed and a moved
scenario), scenario files in TOML and JSON, a workspace export and a calibration's JSON and
``--write-params`` file, all written by that day's code (``make.py`` there re-creates them), and
``expected.json``: what that code read from each. These tests read them again through the stable
public entry points only (:mod:`estimator.store`, :mod:`estimator.library` and the command line),
never through the modules being refactored, and compare.

The library is always opened as a copy: opening it may migrate it, and the fixture must stay as
it was written.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from estimator.cli import main as cli_main
from estimator.library import read_scenario
from estimator.store import ScenarioStore, read_scenario_path, read_workspace_path

FIXTURE = Path(__file__).parent / "data" / "library_20261206"
DATABASE = "library.sqlite"
#: The scenario files of the fixture, in the order ``make.py`` writes them.
SCENARIO_FILES = ("base_case.json", "base_case.toml", "b2b_version_1.toml", "calibration.json", "calibrated.toml")
WORKSPACE_FILE = "workspace_klient.json"
WORKSPACES = ("Klient Łódź", "Ügyfél Zrt.")


def _moment(value: datetime) -> str:
    return value.isoformat()


def _scenario(scenario: Any) -> dict[str, Any]:
    """A scenario (a draft or a saved version) as plain data: values, ranges, provenance, notes, and its history data."""
    data: dict[str, Any] = {
        "name": scenario.name,
        "parameters": dict(scenario.parameters.to_dict()),
        "ranges": {key: [low, high] for key, (low, high) in sorted(scenario.ranges.items())},
        # Provenance is (value, description) in memory since issue 25; what was saved is the descriptions.
        "provenance": dict(sorted(getattr(scenario, "descriptions", scenario.provenance).items())),
        "notes": scenario.notes,
    }
    for attribute in ("workspace", "version", "author", "note"):
        if hasattr(scenario, attribute):
            data[attribute] = getattr(scenario, attribute)
    for attribute in ("created_at", "updated_at"):
        if hasattr(scenario, attribute):
            data[attribute] = _moment(getattr(scenario, attribute))
    return data


def read_library(path: Path) -> dict[str, Any]:
    """Everything the store reads from the library at ``path``: workspaces, lists, versions, every version's content."""
    store = ScenarioStore(path)
    library: dict[str, Any] = {
        "workspaces": [
            {"name": info.name, "scenarios": info.scenarios, "created_at": _moment(info.created_at)}
            for info in store.workspaces()
        ],
        "contents": {},
    }
    for info in store.workspaces():
        workspace = store.in_workspace(info.name)
        listed = [
            {
                "name": item.name,
                "currency": item.currency,
                "notes": item.notes,
                "created_at": _moment(item.created_at),
                "updated_at": _moment(item.updated_at),
                "version": item.version,
                "author": item.author,
            }
            for item in workspace.list()
        ]
        scenarios = {}
        for name in workspace.names():
            versions = [
                {
                    "version": v.version,
                    "author": v.author,
                    "saved_at": _moment(v.saved_at),
                    "note": v.note,
                    "currency": v.currency,
                }
                for v in workspace.versions(name)
            ]
            scenarios[name] = {
                "current": _scenario(workspace.load(name)),
                "versions": versions,
                "history": [_scenario(version) for version in workspace.history(name)],
                "each_version": [_scenario(workspace.load_version(name, v["version"])) for v in versions],
            }
        library["contents"][info.name] = {"list": listed, "scenarios": scenarios}
    return library


def read_files(folder: Path) -> dict[str, Any]:
    """What the public readers make of each file of the fixture: the scenario as the store imports it, the raw file."""
    files: dict[str, Any] = {}
    for file_name in SCENARIO_FILES:
        raw = read_scenario(folder / file_name)
        files[file_name] = {
            "draft": _scenario(read_scenario_path(folder / file_name)),
            "values": raw.values,
            "ranges": {key: [low, high] for key, (low, high) in sorted(raw.ranges.items())},
            "provenance": raw.provenance,
            "notes": raw.notes,
        }
    workspace = read_workspace_path(folder / WORKSPACE_FILE)
    files[WORKSPACE_FILE] = {
        "workspace": workspace.workspace,
        "scenarios": [
            {
                "name": name,
                "versions": [
                    {"draft": _scenario(v.draft), "author": v.author, "saved_at": _moment(v.saved_at), "note": v.note}
                    for v in versions
                ],
            }
            for name, versions in workspace.scenarios
        ],
    }
    return files


def _cli_json(*argv: str) -> Any:
    """What ``python -m estimator ARGV`` prints, parsed (run in this process: the same code, no start-up)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli_main(list(argv))
    assert status == 0, f"{argv}: exit {status}, {err.getvalue()}"
    return json.loads(out.getvalue())


def read_with_cli(folder: Path, database: Path) -> dict[str, Any]:
    """What the command line reads: each file's inputs (``estimate --params``), each saved scenario (``scenarios show``)."""
    found: dict[str, Any] = {"estimate_params": {}, "scenarios_show": {}, "scenarios_versions": {}}
    for file_name in SCENARIO_FILES:
        output = _cli_json("estimate", "--params", str(folder / file_name), "--format", "json")
        found["estimate_params"][file_name] = output["inputs"]
    for workspace in WORKSPACES:
        db = ("scenarios", "--db", str(database), "--workspace", workspace)
        names = [item["name"] for item in _cli_json(*db, "list", "--format", "json")]
        for name in names:
            shown = _cli_json(*db, "show", name, "--format", "json")
            shown.pop("estimate")  # the model's figures: pinned by the golden tests, not by the library's
            found["scenarios_show"][f"{workspace}/{name}"] = shown
            found["scenarios_versions"][f"{workspace}/{name}"] = _cli_json(*db, "versions", name, "--format", "json")
    return found


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def library_copy(tmp_path: Path) -> Path:
    """A copy of the fixture's library, the fixture itself checked unchanged afterwards."""
    before = _digest(FIXTURE / DATABASE)
    copy = tmp_path / DATABASE
    shutil.copyfile(FIXTURE / DATABASE, copy)
    yield copy
    assert _digest(FIXTURE / DATABASE) == before, "the fixture's library was changed"


@pytest.fixture(scope="module")
def expected() -> dict[str, Any]:
    return json.loads((FIXTURE / "expected.json").read_text(encoding="utf-8"))


def test_old_library_reads_as_it_was_written(library_copy: Path, expected: dict[str, Any]) -> None:
    assert read_library(library_copy) == expected["library"]


def test_old_scenario_files_read_as_they_were_written(expected: dict[str, Any]) -> None:
    assert read_files(FIXTURE) == expected["files"]


def test_old_library_and_files_through_the_command_line(library_copy: Path, expected: dict[str, Any]) -> None:
    assert read_with_cli(FIXTURE, library_copy) == expected["cli"]


def test_old_library_holds_what_make_py_saved(library_copy: Path) -> None:
    """Independent of expected.json: the facts make.py saved, spelt out by hand."""
    store = ScenarioStore(library_copy)
    # "default" is created with the library, empty.
    assert {info.name: info.scenarios for info in store.workspaces()} == {"default": 0, "Klient Łódź": 3, "Ügyfél Zrt.": 2}
    klient = store.in_workspace("Klient Łódź")
    assert klient.names() == ["Base case", "Calibrated from CRM", "Telecom — renamed"]  # "Old telecom" renamed, one moved out
    base = klient.load("Base case")
    assert (base.version, base.author, base.parameters.churn_rate) == (3, "Łukasz Żółć", 0.2)
    assert dict(base.ranges) == {"churn_rate": (0.15, 0.3)}
    assert getattr(base, "descriptions", base.provenance)["annual_value"] == "Finance — rapport annuel 2025"
    assert "Σημειώσεις" in base.notes
    assert [v.author for v in klient.versions("Base case")] == ["Zoë Ångström", "Łukasz Żółć", "Łukasz Żółć"]
    ugyfel = store.in_workspace("Ügyfél Zrt.")
    assert ugyfel.names() == ["B2B contracts", "Moved — Ελλάδα"]
    moved = ugyfel.load("Moved — Ελλάδα")
    assert (moved.version, moved.workspace, moved.parameters.currency) == (2, "Ügyfél Zrt.", "HUF")
    b2b = ugyfel.load("B2B contracts")
    assert (b2b.version, ugyfel.versions("B2B contracts")[-1].note) == (3, "restored version 1")
    assert b2b.parameters == ugyfel.load_version("B2B contracts", 1).parameters
    calibrated = klient.load("Calibrated from CRM")
    assert calibrated.parameters.complaint_rate == 0.2  # moved by hand in version 2
    assert "complaint_rate" not in calibrated.provenance
    descriptions = getattr(calibrated, "descriptions", calibrated.provenance)
    assert descriptions["churn_rate"].startswith("calibrated from sample_customers.csv")
