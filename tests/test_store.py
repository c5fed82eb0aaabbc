"""The shared library's features on both engines: workspaces, history, no lost edits, passwords never shown."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

import pytest

from estimator import Parameters, estimate, load_preset
from estimator.store import (
    DEFAULT_WORKSPACE,
    ScenarioConflictError,
    ScenarioError,
    ScenarioStore,
    compare_scenarios,
    hide_password,
    read_workspace_bytes,
)

TELECOM = load_preset("telecom_cable").parameters.replace(churn_rate=0.23, currency="PLN")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request, tmp_path) -> ScenarioStore:
    if request.param == "postgresql":
        return ScenarioStore(request.getfixturevalue("postgres_url"))
    return ScenarioStore(tmp_path / "library.sqlite3")


# --- workspaces ----------------------------------------------------------------------------------


def test_scenarios_live_in_workspaces_with_the_same_names_apart(store):
    store.save("Base", Parameters(churn_rate=0.1))
    acme = store.in_workspace("Acme")
    assert not acme.workspace_exists()
    acme.save("Base", Parameters(churn_rate=0.3))
    assert acme.workspace_exists()
    assert store.load("Base").parameters.churn_rate == 0.1 and acme.load("Base").parameters.churn_rate == 0.3
    assert acme.load("Base").workspace == "Acme" and store.load("Base").workspace == DEFAULT_WORKSPACE
    assert [(w.name, w.scenarios) for w in store.workspaces()] == [("Acme", 1), ("default", 1)]
    assert len(acme) == 1 and "Base" in acme and "Other" not in acme
    assert acme.create_workspace("Beta") is True and acme.create_workspace("Beta") is False
    assert [w.name for w in store.workspaces()] == ["Acme", "Beta", "default"]
    assert store.in_workspace("Beta").names() == []


def test_moving_a_scenario_takes_its_history_and_refuses_a_clash(store):
    store.save("Plan", Parameters(churn_rate=0.1), author="Anna")
    store.save("Plan", Parameters(churn_rate=0.2), expect_version=1, author="Ben")
    assert store.move("Plan", "Client X") is True
    assert store.names() == []
    moved = store.in_workspace("Client X")
    assert [(v.version, v.author) for v in moved.versions("Plan")] == [(1, "Anna"), (2, "Ben")]
    moved.save("Base", Parameters())
    store.save("Base", Parameters())
    with pytest.raises(ScenarioError, match=r"new_name: 'Base' is already saved in workspace 'Client X'") as caught:
        store.move("Base", "Client X")
    assert caught.value.code == "duplicate"
    assert store.move("Base", "Client X", new_name="Base (from default)") is False
    assert moved.names() == ["Base", "Base (from default)", "Plan"]
    with pytest.raises(ScenarioError, match="is not a saved scenario in workspace 'default'"):
        store.move("Nope", "Client X")


def test_a_workspace_exports_and_imports_as_one_file_with_its_history(store, tmp_path):
    acme = store.in_workspace("Acme")
    acme.save("Base", TELECOM, ranges={"churn_rate": (0.15, 0.3)}, notes="n", author="Anna", note="first")
    acme.save("Base", TELECOM.replace(churn_rate=0.25), expect_version=1, author="Ben", note="workshop")
    acme.save("Low", Parameters(churn_rate=0.05), author="Anna")
    text = acme.export_workspace()
    document = json.loads(text)
    assert document["workspace"] == "Acme" and [s["name"] for s in document["scenarios"]] == ["Base", "Low"]
    parsed = read_workspace_bytes(text.encode(), "acme.json")
    target = ScenarioStore(tmp_path / "other.sqlite3", workspace="Acme copy")
    assert target.import_workspace(parsed) == ["Base", "Low"]
    assert [(v.version, v.author, v.note) for v in target.versions("Base")] == [(1, "Anna", "first"), (2, "Ben", "workshop")]
    assert target.load("Base").parameters.model_inputs() == TELECOM.replace(churn_rate=0.25).model_inputs()
    assert target.load("Base").ranges == {} and target.load_version("Base", 1).ranges == {"churn_rate": (0.15, 0.3)}
    # All or nothing: a second import is refused as a whole and changes nothing.
    with pytest.raises(ScenarioError, match=r"name: 'Base' is already saved in workspace 'Acme copy'"):
        target.import_workspace(parsed)
    assert [v.version for v in target.versions("Base")] == [1, 2]
    assert target.import_workspace(parsed, overwrite=True) == ["Base", "Low"]
    assert [v.version for v in target.versions("Base")] == [1, 2, 3, 4]


def test_a_broken_workspace_file_is_named():
    for data, message in (
        (b"{", r"workspace file 'w.json': not valid JSON"),
        (b'{"format": "x"}', r"'format' is not 'churn-estimator-workspace'"),
        (
            b'{"format": "churn-estimator-workspace", "format_version": 1, "workspace": "A", "scenarios": '
            b'[{"name": "B", "history": [{"parameters": {"churn_rate": 7}}]}]}',
            r"churn_rate: 7 is out of range",
        ),
    ):
        with pytest.raises(Exception, match=message):
            read_workspace_bytes(data, "w.json")


# --- history --------------------------------------------------------------------------------------


def test_every_save_is_a_version_and_nothing_is_overwritten(store):
    first = store.save("Base", Parameters(churn_rate=0.1), author="Anna", note="from the brief")
    assert (first.version, first.author, first.note) == (1, "Anna", "from the brief")
    second = store.save("Base", Parameters(churn_rate=0.2), expect_version=1, author="Ben", note="client data")
    third = store.save("Base", Parameters(churn_rate=0.3), overwrite=True, author="Cleo")
    assert (second.version, third.version) == (2, 3)
    versions = store.versions("Base")
    assert [(v.version, v.author, v.note) for v in versions] == [
        (1, "Anna", "from the brief"),
        (2, "Ben", "client data"),
        (3, "Cleo", ""),
    ]
    assert versions[0].saved_at <= versions[1].saved_at <= versions[2].saved_at <= datetime.now(UTC)
    assert [store.load_version("Base", n).parameters.churn_rate for n in (1, 2, 3)] == [0.1, 0.2, 0.3]
    current = store.load("Base")
    assert (current.version, current.author, current.parameters.churn_rate) == (3, "Cleo", 0.3)
    assert current.created_at == first.created_at
    info = store.list()[0]
    assert (info.version, info.author) == (3, "Cleo")
    with pytest.raises(ScenarioError, match=r"version: 9 is not a version of 'Base'; allowed: 1 to 3") as caught:
        store.load_version("Base", 9)
    assert caught.value.code == "unknown_version"


def test_the_current_version_loads_with_the_note_it_was_saved_with(store):
    store.save("Base", Parameters(churn_rate=0.1), author="Anna", note="from the brief")
    assert store.load("Base").note == "from the brief"
    store.save("Base", Parameters(churn_rate=0.2), expect_version=1, author="Ben", note="client data")
    loaded = store.load("Base")
    assert (loaded.version, loaded.note) == (2, "client data")
    assert loaded == store.history("Base")[-1] == store.load_version("Base", 2)


def test_restoring_a_version_makes_a_new_one(store):
    store.save("Base", Parameters(churn_rate=0.1), author="Anna")
    store.save("Base", Parameters(churn_rate=0.2), expect_version=1, author="Ben")
    restored = store.restore("Base", 1, author="Cleo")
    assert (restored.version, restored.parameters.churn_rate, restored.note) == (3, 0.1, "restored version 1")
    assert [v.version for v in store.versions("Base")] == [1, 2, 3]
    assert store.load_version("Base", 2).parameters.churn_rate == 0.2  # still there
    with pytest.raises(ScenarioConflictError):
        store.restore("Base", 2, author="Dan", expect_version=2)  # someone (Cleo) saved after 2


def test_two_versions_compare_with_the_scenario_comparison(store):
    store.save("Base", Parameters(churn_rate=0.2), author="Anna")
    store.save("Base", Parameters(churn_rate=0.24), expect_version=1, author="Ben")
    comparison = compare_scenarios([(f"v{n}", store.load_version("Base", n)) for n in (1, 2)])
    assert comparison.differences().loc[("input", "churn_rate")].tolist() == [False, True]
    change = comparison.change(0, 1)
    total = estimate(Parameters(churn_rate=0.24)).total - estimate(Parameters(churn_rate=0.2)).total
    assert change.sum() == pytest.approx(total, rel=1e-12)
    assert list(change.index) == ["churn_rate"]  # only churn changed


def test_deleting_removes_the_history_too(store):
    store.save("Base", Parameters(), author="Anna")
    store.save("Base", Parameters(churn_rate=0.3), expect_version=1)
    store.delete("Base")
    store.save("Base", Parameters(churn_rate=0.4), author="Ben")
    assert [(v.version, v.author) for v in store.versions("Base")] == [(1, "Ben")]


def test_the_author_defaults_to_the_login_name(store, monkeypatch):
    monkeypatch.setattr("estimator.store.database.getpass.getuser", lambda: "consultant7")
    assert store.save("Base", Parameters()).author == "consultant7"


# --- no lost edits -----------------------------------------------------------------------------


def test_the_second_of_two_saves_from_the_same_version_is_refused_saying_who_saved(store):
    store.save("Base", Parameters(churn_rate=0.2), author="Anna")
    opened_by_ben = store.load("Base").version
    opened_by_cleo = store.load("Base").version
    store.save("Base", Parameters(churn_rate=0.25), expect_version=opened_by_ben, author="Ben", note="new data")
    with pytest.raises(
        ScenarioConflictError, match=r"name: 'Base' was saved by Ben at .* \(version 2\) after version 1"
    ) as caught:
        store.save("Base", Parameters(churn_rate=0.3), expect_version=opened_by_cleo, author="Cleo")
    conflict = caught.value
    assert conflict.code == "conflict" and conflict.expected_version == 1
    assert conflict.current.parameters.churn_rate == 0.25 and conflict.current.author == "Ben"
    assert [(v.version, v.author, v.note) for v in conflict.saved_between] == [(2, "Ben", "new data")]
    assert store.load("Base").parameters.churn_rate == 0.25  # Cleo's save changed nothing
    # Her two ways out: save as a new scenario, or overwrite having seen the difference.
    store.save("Base (Cleo)", Parameters(churn_rate=0.3), author="Cleo")
    store.save("Base", Parameters(churn_rate=0.3), overwrite=True, author="Cleo")
    assert [(v.version, v.author) for v in store.versions("Base")] == [(1, "Anna"), (2, "Ben"), (3, "Cleo")]


def test_saving_an_existing_name_without_a_version_is_a_duplicate(store):
    store.save("Base", Parameters())
    with pytest.raises(ScenarioError, match="already saved") as caught:
        store.save("Base", Parameters(churn_rate=0.3))
    assert caught.value.code == "duplicate"


# --- the location and its password ---------------------------------------------------------------


@pytest.mark.postgres
def test_a_password_in_the_url_is_never_shown(postgres_url, postgres_server, caplog):
    from postgres_server import PASSWORD

    caplog.set_level(logging.DEBUG)
    store = ScenarioStore(postgres_url)
    store.save("Base", Parameters())
    assert PASSWORD not in store.location and PASSWORD not in repr(store) and "***" in store.location
    wrong = ScenarioStore(postgres_url.replace(PASSWORD, PASSWORD + "-wrong"), retry_seconds=0)
    with pytest.raises(ScenarioError) as caught:
        wrong.list()
    assert PASSWORD not in str(caught.value) and "password authentication failed" in str(caught.value)
    down = ScenarioStore(postgres_url.replace(str(postgres_server.port), "1"), retry_seconds=0.5)
    with pytest.raises(ScenarioError, match="the server cannot be reached") as caught:
        down.save("x", Parameters())
    assert caught.value.code == "unavailable" and PASSWORD not in str(caught.value)
    assert PASSWORD not in caplog.text
    assert hide_password("postgresql://a:b@h/d") == "postgresql://a:***@h/d"


@pytest.mark.postgres
def test_the_environment_variable_takes_a_url(postgres_url, monkeypatch):
    monkeypatch.setenv("CHURN_ESTIMATOR_DB", postgres_url)
    store = ScenarioStore()
    assert store.engine_name == "postgresql" and store.path is None
    store.save("Base", Parameters())
    assert ScenarioStore(postgres_url).names() == ["Base"]


@pytest.mark.postgres
def test_a_process_that_looked_before_another_created_the_schema_sees_it_and_does_not_create_it_again(postgres_url):
    # The race CI hit with eight writers on a new database: one looked (no tables) while another created
    # them; after the migration lock it must see them (a cached catalog lookup said "absent" and the second
    # CREATE TABLE failed with 'relation "workspaces" already exists').
    late, first = ScenarioStore(postgres_url), ScenarioStore(postgres_url)
    with late._transaction(write=True) as connection:
        assert late._state(connection)[0] == "absent"
        first.save("Base", Parameters(churn_rate=0.1))
        assert late._state(connection)[0] == "current"
        late._upgrade(connection)
    late.save("Other", Parameters(churn_rate=0.2))
    assert sorted(late.names()) == ["Base", "Other"]


@pytest.mark.postgres
def test_a_save_that_collided_with_a_concurrent_one_runs_again(postgres_url):
    # Two first saves of one name at once: the loser's INSERT hits the unique index. It must run again
    # (and then find the other's scenario), not fail; the eight-writer test saw it fail now and then.
    from estimator.store.database import _CollisionError

    store = ScenarioStore(postgres_url)
    calls = []

    def attempt(first: bool) -> str:
        calls.append(first)
        if len(calls) == 1:
            raise _CollisionError("collided", code="database", field="database", value="x")
        return "saved"

    assert store._retrying(attempt) == "saved"
    assert calls == [True, False]
