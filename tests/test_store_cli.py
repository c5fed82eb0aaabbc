"""``scenarios`` with workspaces, history and conflicts, on a SQLite file and on a real PostgreSQL server."""

from __future__ import annotations

import pytest
from postgres_server import PASSWORD

from estimator.cli import main, run
from estimator.store import ScenarioStore


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request, tmp_path) -> str:
    return request.getfixturevalue("postgres_url") if request.param == "postgresql" else str(tmp_path / "cli.sqlite3")


def test_workspaces_history_and_a_refused_save(db, capsys):
    base = ["scenarios", "--db", db, "--workspace", "Acme"]
    out = run([*base, "save", "Base", "--set", "churn_rate=0.2", "--author", "anna", "-m", "brief"])
    assert out.startswith("created workspace 'Acme'; saved 'Base' (version 1) in workspace 'Acme' of ")
    assert PASSWORD not in out
    out = run([*base, "save", "Base", "--set", "churn_rate=0.3", "--expect-version", "1", "--author", "ben", "-m", "data"])
    assert out.startswith("saved 'Base' (version 2)")
    assert main([*base, "save", "Base", "--set", "churn_rate=0.25", "--expect-version", "1", "--author", "cleo"]) == 2
    error = capsys.readouterr().err
    assert "'Base' was saved by ben at " in error and "(version 2) after version 1" in error
    assert "version 2 by ben at " in error and "churn_rate: 0.3 -> 0.25" in error and "--force" in error
    assert main([*base, "save", "Base", "--set", "churn_rate=0.25", "--force", "--author", "cleo"]) == 0
    store = ScenarioStore(db, workspace="Acme")
    assert [(v.version, v.author, v.note) for v in store.versions("Base")] == [
        (1, "anna", "brief"),
        (2, "ben", "data"),
        (3, "cleo", ""),
    ]
    assert ScenarioStore(db).names() == []  # the default workspace is apart
    table = run([*base, "versions", "Base"])
    assert "anna" in table and "ben" in table and "cleo" in table
    compared = run([*base, "compare", "Base@1", "Base@3"])
    assert "What moves the yearly loss from Base@1 to Base@3:" in compared and "churn_rate: +" in compared
    assert run([*base, "restore", "Base", "1", "--author", "dan"]) == "restored version 1 of 'Base' as version 4"
    assert store.load("Base").parameters.churn_rate == 0.2


def test_move_export_and_import_a_workspace(db, tmp_path):
    base = ["scenarios", "--db", db]
    run([*base, "--workspace", "Acme", "save", "A", "--author", "anna"])
    run([*base, "--workspace", "Acme", "save", "B", "--author", "anna"])
    assert (
        run([*base, "--workspace", "Acme", "move", "B", "Beta"])
        == "created workspace 'Beta'; moved 'B' with its history to workspace 'Beta'"
    )
    out = tmp_path / "acme.json"
    assert (
        run([*base, "--workspace", "Acme", "export-workspace", "--out", str(out)])
        == f"wrote workspace 'Acme' (1 scenario) to {out}"
    )
    assert "created workspace 'Acme 2'; imported 1 scenario" in run(
        [*base, "--workspace", "Acme 2", "import-workspace", str(out)]
    )
    assert ScenarioStore(db, workspace="Acme 2").names() == ["A"]
    assert run([*base, "workspaces"]).splitlines() == [
        "Acme\t1 scenario",
        "Acme 2\t1 scenario",
        "Beta\t1 scenario",
        "default\t0 scenarios",
    ]
