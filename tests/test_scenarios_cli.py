"""``python -m estimator scenarios ...``: the library from the command line, on a tmp_path file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from estimator import Parameters, estimate, load_preset
from estimator.cli import main, run
from estimator.store import DATABASE_ENV, ScenarioStore

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def db(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "cli.sqlite3"
    monkeypatch.setenv(DATABASE_ENV, str(path))
    return path


def test_save_list_show_export_import_rename_duplicate_delete(db, tmp_path):
    assert run(["scenarios", "list"]) == f"No saved scenarios in {db}."
    run(["scenarios", "save", "Telecom", "--preset", "telecom_cable", "--set", "churn_rate=0.21", "--notes", "workshop"])
    expected = load_preset("telecom_cable").parameters.replace(churn_rate=0.21, name="Telecom")
    assert ScenarioStore(db).load("Telecom").parameters == expected
    listed = json.loads(run(["scenarios", "list", "--format", "json"]))
    assert [(row["name"], row["yearly_loss"], row["notes"]) for row in listed] == [
        ("Telecom", estimate(expected).total, "workshop")
    ]
    shown = json.loads(run(["scenarios", "show", "Telecom", "--format", "json"]))
    assert shown["estimate"]["revenue_lost"]["total"] == estimate(expected).total and shown["notes"] == "workshop"
    assert "workshop" in run(["scenarios", "show", "Telecom"])
    out = tmp_path / "telecom.toml"
    run(["scenarios", "export", "Telecom", "--out", str(out)])
    assert (
        json.loads(run(["estimate", "--params", str(out), "--format", "json"]))["revenue_lost"]["total"]
        == estimate(expected).total
    )
    assert json.loads(run(["scenarios", "export", "Telecom"]))["parameters"]["churn_rate"] == 0.21
    run(["scenarios", "import", str(out), "--name", "Imported"])
    run(["scenarios", "rename", "Imported", "Renamed"])
    run(["scenarios", "duplicate", "Renamed", "Copy"])
    run(["scenarios", "delete", "Telecom"])
    store = ScenarioStore(db)
    assert store.names() == ["Copy", "Renamed"]
    assert store.load("Copy").parameters.model_inputs() == expected.model_inputs() and store.load("Copy").notes == "workshop"


def test_save_keeps_the_ranges_of_a_params_file(db, tmp_path):
    params = tmp_path / "workshop.toml"
    params.write_text("[parameters]\nchurn_rate = 0.2\n\n[ranges]\nchurn_rate = [0.12, 0.3]\nservice_share = [0.2, 0.6]\n")
    run(["scenarios", "save", "Workshop", "--params", str(params)])
    saved = ScenarioStore(db).load("Workshop")
    assert saved.parameters.churn_rate == 0.2
    assert dict(saved.ranges) == {"churn_rate": (0.12, 0.3), "service_share": (0.2, 0.6)}


def test_the_db_option_overrides_the_environment(db, tmp_path):
    other = tmp_path / "other.sqlite3"
    run(["scenarios", "--db", str(other), "save", "X"])
    assert ScenarioStore(other).names() == ["X"] and not db.exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["scenarios", "show", "Nope"], "error: name: 'Nope' is not a saved scenario"),
        (
            ["scenarios", "save", "A", "--set", "churn_rate=2"],
            "error: churn_rate: 2 is out of range; allowed: a number from 0 to 1",
        ),
        (["scenarios", "save", " "], "error: name: ' ' is empty"),
        (["scenarios", "export", "A", "--out", "a.csv"], "error: --out: 'a.csv' has an unknown format '.csv'"),
        (["scenarios", "import", "missing.toml"], "error: params file 'missing.toml': cannot be read"),
    ],
)
def test_bad_input_exits_2_with_one_line(db, capsys, argv, message):
    ScenarioStore(db).save("A", Parameters())
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1


def test_saving_twice_without_overwrite_exits_2_and_keeps_the_first(db, capsys):
    run(["scenarios", "save", "A", "--set", "churn_rate=0.2"])
    assert main(["scenarios", "save", "A", "--set", "churn_rate=0.3"]) == 2
    assert "error: name: 'A' is already saved" in capsys.readouterr().err
    assert ScenarioStore(db).load("A").parameters.churn_rate == 0.2
    run(["scenarios", "save", "A", "--set", "churn_rate=0.3", "--overwrite"])
    assert ScenarioStore(db).load("A").parameters.churn_rate == 0.3


def test_end_to_end_in_a_real_process(db):
    done = subprocess.run(
        [sys.executable, "-m", "estimator", "scenarios", "save", "Base", "--set", "churn_rate=0.2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert ScenarioStore(db).load("Base").parameters.churn_rate == 0.2
