"""The scenario library: a real SQLite file, its schema and transactions, files the CLI reads, comparisons."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import textwrap
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import estimator.store.database as database
from estimator import CHANNELS, PARAMETER_SPECS, InputError, ParameterError, Parameters, estimate, load_preset
from estimator.analysis.compare import attribute_change
from estimator.analysis.sensitivity import UncertaintyRanges
from estimator.cli import run
from estimator.figures.scenarios import channel_comparison_bars, scenario_waterfall
from estimator.store import (
    COMPARED_OUTPUTS,
    DATABASE_ENV,
    MAX_NAME_LENGTH,
    SCHEMA_VERSION,
    Scenario,
    ScenarioError,
    ScenarioStore,
    compare_scenarios,
    default_database_path,
    export_scenario,
    read_scenario_bytes,
    read_scenario_path,
)

TELECOM = load_preset("telecom_cable").parameters.replace(churn_rate=0.23, currency="PLN")
RANGES = {"churn_rate": (0.15, 0.3), "service_share": (0.3, 0.6)}
PROVENANCE = {"churn_rate": "calibrated from client_churn.csv (2024, 12,400 customers)", "complaint_rate": "CRM export"}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request, tmp_path: Path) -> ScenarioStore:
    """The same suite on both engines: a SQLite file in tmp_path, a fresh database on a real PostgreSQL server."""
    if request.param == "postgresql":
        return ScenarioStore(request.getfixturevalue("postgres_url"))
    return ScenarioStore(tmp_path / "library" / "scenarios.sqlite3")


@pytest.fixture
def sqlite_store(tmp_path: Path) -> ScenarioStore:
    """For what only a file has: pragmas, hand edits with sqlite3, locks."""
    return ScenarioStore(tmp_path / "library" / "scenarios.sqlite3")


def _nothing_created(store: ScenarioStore) -> bool:
    """No file (SQLite), or no table at all (PostgreSQL)."""
    if store.path is not None:
        return not store.path.exists()
    import sqlalchemy as sa

    engine = sa.create_engine(store.url.set(drivername="postgresql+psycopg"))
    try:
        return sa.inspect(engine).get_table_names() == []
    finally:
        engine.dispose()


def _raw(store: ScenarioStore) -> sqlite3.Connection:
    return sqlite3.connect(store.path, isolation_level=None)


# --- where the library lives ----------------------------------------------------------------------


def test_database_path_from_the_environment_variable(monkeypatch, tmp_path):
    monkeypatch.setenv(DATABASE_ENV, str(tmp_path / "x.sqlite3"))
    assert default_database_path() == tmp_path / "x.sqlite3"
    assert ScenarioStore().path == tmp_path / "x.sqlite3"


def test_default_path_is_per_user(monkeypatch, tmp_path):
    monkeypatch.delenv(DATABASE_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_database_path() == tmp_path / "xdg" / "churn-estimator" / "scenarios.sqlite3"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_database_path() == tmp_path / "home" / ".local" / "share" / "churn-estimator" / "scenarios.sqlite3"


def test_reading_an_absent_library_creates_nothing(store):
    assert store.list() == [] and store.names() == [] and len(store) == 0 and "x" not in store
    with pytest.raises(ScenarioError) as caught:
        store.load("Base")
    assert caught.value.code == "unknown"
    assert _nothing_created(store)
    if store.path is not None:
        assert not store.path.parent.exists()


def test_first_save_creates_a_wal_database_at_the_current_schema_version(sqlite_store):
    store = sqlite_store
    store.save("Base", Parameters())
    connection = _raw(store)
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
    assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [("0003",)]
    assert store.integrity_check() == "ok"


# --- save and load ------------------------------------------------------------------------------


def test_a_saved_scenario_comes_back_with_everything(store):
    before = datetime.now(UTC)
    saved = store.save("Telecom Q3", TELECOM, ranges=RANGES, notes="Client workshop\nsecond line", provenance=PROVENANCE)
    loaded = store.load("Telecom Q3")
    assert loaded.parameters == TELECOM.replace(name="Telecom Q3")
    assert loaded.parameters.model_inputs() == TELECOM.model_inputs() and loaded.parameters.currency == "PLN"
    assert loaded.ranges == RANGES and loaded.notes == "Client workshop\nsecond line" and loaded.descriptions == PROVENANCE
    assert before <= loaded.created_at == loaded.updated_at <= datetime.now(UTC)
    assert (saved.created_at, saved.updated_at) == (loaded.created_at, loaded.updated_at)
    # The saved ranges replace the defaults; the others are the defaults around the values.
    ranges = loaded.uncertainty_ranges()
    assert (ranges["churn_rate"].low, ranges["churn_rate"].high) == (0.15, 0.3)
    assert ranges["customers"] == UncertaintyRanges.around(TELECOM)["customers"]
    assert estimate(loaded.parameters).total == estimate(TELECOM).total


def test_names_are_trimmed_and_listed_alphabetically(store):
    for name in ("  beta ", "Alpha", "gamma"):
        store.save(name, Parameters())
    assert store.names() == ["Alpha", "beta", "gamma"]
    assert store.load(" beta").name == "beta"
    frame = store.to_frame()
    assert list(frame.index) == ["Alpha", "beta", "gamma"] and set(frame["currency"]) == {"EUR"}


def test_saving_under_a_taken_name_is_refused_and_changes_nothing(store):
    store.save("Base", Parameters(churn_rate=0.2))
    with pytest.raises(ScenarioError, match=r"name: 'Base' is already saved; allowed: a new name") as caught:
        store.save("Base", Parameters(churn_rate=0.3))
    assert (caught.value.code, caught.value.field, caught.value.value) == ("duplicate", "name", "Base")
    assert store.load("Base").parameters.churn_rate == 0.2


def test_overwrite_replaces_the_values_and_keeps_the_creation_time(store):
    first = store.save("Base", Parameters(churn_rate=0.2), notes="v1", ranges={"churn_rate": (0.1, 0.3)})
    second = store.save("Base", Parameters(churn_rate=0.25), notes="v2", overwrite=True)
    loaded = store.load("Base")
    assert loaded.parameters.churn_rate == 0.25 and loaded.notes == "v2" and loaded.ranges == {}
    assert loaded.created_at == first.created_at and loaded.updated_at == second.updated_at > first.updated_at
    assert len(store) == 1


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("", "empty_name"),
        ("   ", "empty_name"),
        ("x" * (MAX_NAME_LENGTH + 1), "long_name"),
        ("a\nb", "control_in_name"),
        (None, "empty_name"),
    ],
)
def test_bad_names_are_refused_naming_the_field(store, name, code):
    with pytest.raises(ScenarioError, match=r"^name: .*allowed: text of 1 to 100 characters") as caught:
        store.save(name, Parameters())
    assert caught.value.code == code and caught.value.field == "name"
    assert _nothing_created(store)


def test_a_name_of_exactly_the_maximum_length_is_fine(store):
    store.save("é" * MAX_NAME_LENGTH, Parameters())
    assert store.names() == ["é" * MAX_NAME_LENGTH]


def test_bad_values_ranges_and_provenance_are_refused(store):
    with pytest.raises(ParameterError, match=r"churn_rate: 1.5 is out of range"):
        store.save("x", {"churn_rate": 1.5})
    with pytest.raises(ParameterError, match=r"churn_rate: \(0.3, 0.5\) is a range that misses the value"):
        store.save("x", Parameters(), ranges={"churn_rate": (0.3, 0.5)})
    with pytest.raises(ScenarioError, match=r"provenance: 'colour' is not a parameter"):
        store.save("x", Parameters(), provenance={"colour": "blue"})
    with pytest.raises(ScenarioError, match=r"provenance.churn_rate: 3 is not text"):
        store.save("x", Parameters(), provenance={"churn_rate": 3})
    assert store.names() == []


def test_rename_duplicate_delete(store):
    store.save("Base", TELECOM, ranges=RANGES, notes="n", provenance=PROVENANCE)
    original = store.load("Base")
    store.rename("Base", "Renamed")
    assert store.names() == ["Renamed"]
    renamed = store.load("Renamed")
    assert renamed.parameters.model_inputs() == TELECOM.model_inputs() and renamed.ranges == RANGES
    assert renamed.created_at == original.created_at and renamed.parameters.name == "Renamed"
    copy = store.duplicate("Renamed", "Copy")
    assert store.names() == ["Copy", "Renamed"]
    assert copy.parameters.model_inputs() == TELECOM.model_inputs() and copy.descriptions == PROVENANCE and copy.notes == "n"
    assert copy.created_at > original.created_at
    store.delete("Renamed")
    assert store.names() == ["Copy"]


def test_rename_duplicate_delete_name_what_is_wrong(store):
    store.save("A", Parameters())
    store.save("B", Parameters())
    for action in (
        lambda: store.rename("Z", "Y"),
        lambda: store.duplicate("Z", "Y"),
        lambda: store.delete("Z"),
        lambda: store.load("Z"),
    ):
        with pytest.raises(ScenarioError, match=r"^name: 'Z' is not a saved scenario") as caught:
            action()
        assert caught.value.code == "unknown"
    for action in (lambda: store.rename("A", "B"), lambda: store.duplicate("A", "B")):
        with pytest.raises(ScenarioError, match=r"^new_name: 'B' is already saved") as caught:
            action()
        assert caught.value.code == "duplicate"
    with pytest.raises(ScenarioError, match=r"^new_name: '' is empty"):
        store.rename("A", "")
    store.rename("A", "A")  # to itself: nothing to do
    assert store.names() == ["A", "B"]


# --- rows edited by hand, damaged files, schema versions ------------------------------------------


@pytest.mark.parametrize(
    ("sql", "field", "message"),
    [
        (
            "UPDATE scenarios SET parameters = json_set(parameters, '$.churn_rate', 1.5)",
            "churn_rate",
            r"saved scenario 'Base': churn_rate: 1.5 is out of range; allowed: a number from 0 to 1",
        ),
        (
            "UPDATE scenarios SET parameters = json_set(parameters, '$.churn_rate', 'high')",
            "churn_rate",
            r"churn_rate: 'high' is wrong type \(str\)",
        ),
        ("UPDATE scenarios SET parameters = json_set(parameters, '$.colour', 1)", "colour", r"colour: 1 is an unknown parameter"),
        ("UPDATE scenarios SET currency = 'XXQ'", "currency", r"currency: 'XXQ' is not a known currency code"),
        ("UPDATE scenarios SET parameters = '{broken'", "parameters", r"parameters: '\{broken' is not a JSON object"),
        ("UPDATE scenarios SET ranges = '{\"churn_rate\": [0.5, 0.9]}'", "churn_rate", r"a range that misses the value"),
        ('UPDATE scenarios SET ranges = \'{"churn_rate": "wide"}\'', "ranges", r"range of 'churn_rate' must have a numeric low"),
        (
            "UPDATE scenarios SET provenance = '{\"churn_rate\": 5}'",
            "provenance.churn_rate",
            r"provenance.churn_rate: 5 is not text",
        ),
        ("UPDATE scenarios SET created_at = 'yesterday'", "created_at", r"created_at: 'yesterday' is not a date"),
    ],
)
def test_a_row_edited_by_hand_gives_a_clear_error(sqlite_store, sql, field, message):
    store = sqlite_store
    store.save("Base", Parameters(), ranges={"churn_rate": (0.1, 0.3)})
    _raw(store).execute(sql)
    with pytest.raises(ScenarioError, match=message) as caught:
        store.load("Base")
    assert caught.value.code == "invalid" and caught.value.field == field
    assert str(caught.value).startswith("saved scenario 'Base': ")


def test_a_damaged_row_does_not_hide_the_others(sqlite_store):
    store = sqlite_store
    store.save("Good", Parameters())
    store.save("Bad", Parameters())
    _raw(store).execute("UPDATE scenarios SET parameters = json_set(parameters, '$.customers', -5) WHERE name = 'Bad'")
    assert store.names() == ["Bad", "Good"]
    assert store.load("Good").parameters == Parameters(name="Good")
    store.delete("Bad")  # and it can still be deleted
    assert store.names() == ["Good"]


def test_a_file_that_is_not_a_database_is_named_in_the_error(tmp_path):
    path = tmp_path / "notes.sqlite3"
    path.write_text("this is a text file, not SQLite " * 100)
    store = ScenarioStore(path)
    for action in (store.list, lambda: store.save("x", Parameters())):
        with pytest.raises(ScenarioError, match=r"database '.*notes.sqlite3': cannot be used") as caught:
            action()
        assert caught.value.code == "database"


def test_a_database_from_a_newer_version_is_refused_untouched(sqlite_store):
    store = sqlite_store
    store.save("Base", Parameters())
    _raw(store).execute("PRAGMA user_version = 99")
    for action in (store.list, lambda: store.save("x", Parameters())):
        with pytest.raises(ScenarioError, match=r"schema version 99 is newer than this program's 3") as caught:
            action()
        assert caught.value.code == "newer_schema"
    assert _raw(store).execute("SELECT name FROM scenarios").fetchall() == [("Base",)]


def _migrations_with(tmp_path: Path, body: str) -> Path:
    """A copy of the library's Alembic scripts plus a revision 0004 doing ``body``."""
    folder = tmp_path / "migrations"
    shutil.copytree(database.MIGRATIONS_DIR, folder, ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "versions" / "0004_tags.py").write_text(
        'import sqlalchemy as sa\nfrom alembic import op\n\nrevision = "0004"\ndown_revision = "0003"\n\n\n'
        f"def upgrade():\n{textwrap.indent(textwrap.dedent(body), '    ')}\n"
    )
    return folder


def _columns(store: ScenarioStore, table: str) -> list[str]:
    engine = (
        sa.create_engine(store.url.set(drivername="postgresql+psycopg"))
        if store.url
        else sa.create_engine(f"sqlite:///{store.path}")
    )
    try:
        return [column["name"] for column in sa.inspect(engine).get_columns(table)]
    finally:
        engine.dispose()


def _revision(store: ScenarioStore) -> str:
    engine = (
        sa.create_engine(store.url.set(drivername="postgresql+psycopg"))
        if store.url
        else sa.create_engine(f"sqlite:///{store.path}")
    )
    try:
        with engine.connect() as connection:
            return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    finally:
        engine.dispose()


def test_migrations_run_once_in_order_up_to_the_newest(store, monkeypatch, tmp_path):
    store.save("Old", Parameters())
    calls = tmp_path / "calls.txt"
    folder = _migrations_with(
        tmp_path,
        f"""
        with open({str(calls)!r}, "a") as calls:
            calls.write("4\\n")
        op.add_column("scenarios", sa.Column("tags", sa.Text, nullable=False, server_default=""))
        """,
    )
    monkeypatch.setattr(database, "MIGRATIONS_DIR", folder)
    store.save("New", Parameters())
    store.save("Newer", Parameters())
    assert calls.read_text().split() == ["4"]
    assert _revision(store) == "0004"
    if store.path is not None:
        assert _raw(store).execute("PRAGMA user_version").fetchone()[0] == 4
    assert "tags" in _columns(store, "scenarios")
    assert store.names() == ["New", "Newer", "Old"]
    assert [v.version for v in store.versions("Old")] == [1]


def test_a_failing_migration_rolls_back_everything(store, monkeypatch, tmp_path):
    store.save("Old", Parameters())
    folder = _migrations_with(
        tmp_path,
        """
        op.add_column("scenarios", sa.Column("tags", sa.Text))
        raise RuntimeError("migration bug")
        """,
    )
    monkeypatch.setattr(database, "MIGRATIONS_DIR", folder)
    with pytest.raises(RuntimeError, match="migration bug"):
        store.save("New", Parameters())
    assert _revision(store) == "0003"
    if store.path is not None:
        assert _raw(store).execute("PRAGMA user_version").fetchone()[0] == 3
    assert "tags" not in _columns(store, "scenarios")
    monkeypatch.undo()
    assert store.names() == ["Old"]


def test_a_library_from_a_newer_alembic_revision_is_refused_untouched(store):
    store.save("Base", Parameters())
    engine = (
        sa.create_engine(store.url.set(drivername="postgresql+psycopg"))
        if store.url
        else sa.create_engine(f"sqlite:///{store.path}")
    )
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0099'")
    engine.dispose()
    for action in (store.list, lambda: store.save("x", Parameters()), lambda: store.load("Base")):
        with pytest.raises(ScenarioError, match=r"schema version 0099 is newer than this program's 3") as caught:
            action()
        assert caught.value.code == "newer_schema"
    assert _revision(store) == "0099"


LEGACY_SCHEMA = """
CREATE TABLE scenarios (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    currency    TEXT NOT NULL,
    parameters  TEXT NOT NULL,
    ranges      TEXT NOT NULL,
    notes       TEXT NOT NULL DEFAULT '',
    provenance  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
)
"""


def _legacy_library(path: Path) -> None:
    """A library exactly as the version before workspaces wrote it (PRAGMA user_version = 1)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute(LEGACY_SCHEMA)
    connection.execute("PRAGMA user_version = 1")
    values = json.dumps(TELECOM.model_inputs())
    connection.execute(
        "INSERT INTO scenarios (name, currency, parameters, ranges, notes, provenance, created_at, updated_at) "
        "VALUES ('Telecom', 'PLN', ?, '{\"churn_rate\": [0.15, 0.3]}', 'old notes', '{}', "
        "'2026-11-01T10:00:00+00:00', '2026-11-02T11:00:00+00:00')",
        (values,),
    )
    connection.close()


@pytest.mark.parametrize("first", ["read", "write"])
def test_a_library_of_the_previous_version_is_upgraded_in_place_after_a_backup(tmp_path, first):
    path = tmp_path / "library" / "scenarios.sqlite3"
    _legacy_library(path)
    store = ScenarioStore(path)
    if first == "read":
        assert store.names() == ["Telecom"]
    else:
        store.save("New", Parameters(), author="Anna")
    (backup,) = path.parent.glob("scenarios.sqlite3.backup-schema1-*")
    old = sqlite3.connect(backup)
    assert old.execute("PRAGMA user_version").fetchone()[0] == 1
    assert old.execute("SELECT name, notes FROM scenarios").fetchall() == [("Telecom", "old notes")]
    loaded = store.load("Telecom")
    assert loaded.parameters.model_inputs() == TELECOM.model_inputs() and loaded.parameters.currency == "PLN"
    assert loaded.ranges == {"churn_rate": (0.15, 0.3)} and loaded.notes == "old notes"
    assert loaded.workspace == "default" and loaded.version == 1
    assert loaded.created_at == datetime(2026, 11, 1, 10, tzinfo=UTC)
    assert [(v.version, v.author) for v in store.versions("Telecom")] == [(1, "")]
    assert _raw(store).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store.integrity_check() == "ok"
    store.save("Telecom", Parameters(), expect_version=1, author="Anna")  # and it works as a new one
    assert [v.version for v in store.versions("Telecom")] == [1, 2]
    assert len(list(path.parent.glob("*.backup-*"))) == 1  # upgraded once


def test_a_write_waits_for_another_writer_then_succeeds(sqlite_store):
    store = sqlite_store
    store.save("First", Parameters())
    blocker = _raw(store)
    blocker.execute("BEGIN IMMEDIATE")
    waiting = ScenarioStore(store.path, busy_timeout=0.2)
    with pytest.raises(ScenarioError, match="database is locked"):
        waiting.save("Second", Parameters())
    blocker.execute("COMMIT")
    waiting.save("Second", Parameters())
    assert store.names() == ["First", "Second"]


# --- files the command line reads ---------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "toml"])
def test_export_reads_back_and_the_cli_reads_it(store, tmp_path, fmt):
    saved = store.save("Telecom Q3", TELECOM, ranges=RANGES, notes='He said "fine"\\n', provenance=PROVENANCE)
    path = tmp_path / f"telecom.{fmt}"
    path.write_text(export_scenario(saved, fmt), encoding="utf-8")
    draft = read_scenario_path(path)
    assert (draft.name, draft.parameters, draft.ranges, draft.notes, draft.descriptions) == (
        saved.name,
        saved.parameters,
        saved.ranges,
        saved.notes,
        PROVENANCE,
    )
    # The command line reads the same file: same figures, and the saved ranges in the analyses.
    cli = json.loads(run(["estimate", "--params", str(path), "--format", "json"]))
    assert cli["inputs"] == TELECOM.replace(name="Telecom Q3").to_dict()
    assert cli["revenue_lost"]["total"] == estimate(TELECOM).total
    rows = {
        row["parameter"]: row
        for row in json.loads(run(["sensitivity", "--kind", "tornado", "--params", str(path), "--format", "json"]))
    }
    assert (rows["churn_rate"]["low"], rows["churn_rate"]["high"]) == RANGES["churn_rate"]
    assert (rows["service_share"]["low"], rows["service_share"]["high"]) == RANGES["service_share"]


def test_a_plain_cli_params_file_imports(tmp_path):
    path = tmp_path / "client.toml"
    path.write_text(
        'currency = "HUF"\nchurn_rate = 0.21\nmethod = "bottom_up"\nnotes = "flat"\n'
        "[ranges]\nchurn_rate = { low = 0.1, high = 0.3 }\n"
    )
    draft = read_scenario_path(path)
    assert draft.name == "client" and draft.parameters == Parameters(
        currency="HUF", churn_rate=0.21, method="bottom_up", name="client"
    )
    assert draft.ranges == {"churn_rate": (0.1, 0.3)} and draft.notes == "flat"
    assert read_scenario_path(path, name="Renamed").name == "Renamed"


def test_an_uploaded_file_is_read_like_the_cli_and_errors_name_the_upload():
    good = json.dumps({"name": "Up", "parameters": {"churn_rate": 0.3, "ranges": {"churn_rate": {"low": 0.2, "high": 0.4}}}})
    draft = read_scenario_bytes(good.encode(), "my file.json")
    assert draft.name == "Up" and draft.parameters.churn_rate == 0.3 and draft.ranges == {"churn_rate": (0.2, 0.4)}
    assert read_scenario_bytes(b'{"churn_rate": 0.3}', "Q3 plan.json").name == "Q3 plan"
    with pytest.raises(InputError, match=r"^params file 'broken.toml': not valid TOML") as caught:
        read_scenario_bytes(b"churn_rate = = 1", "broken.toml")
    assert "/tmp" not in str(caught.value)
    with pytest.raises(InputError, match=r"unknown format '.csv'; use .json or .toml"):
        read_scenario_bytes(b"a,b", "data.csv")
    with pytest.raises(ParameterError, match=r"churn_rate: 2 is out of range"):
        read_scenario_bytes(b'{"churn_rate": 2}', "x.json")


# Any text a user may type: quotes, backslashes, line breaks, DEL, accents, emoji (no lone surrogates).
_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
# Names and notes are kept in NFC, without control or format characters (notes keep line breaks and tabs).
_NAME = (
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Zl", "Zp")), max_size=60)
    .map(lambda s: unicodedata.normalize("NFC", s).strip())
    .filter(lambda s: 0 < len(s) <= 100)
)
_NOTES = st.text(
    alphabet=st.one_of(st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Zl", "Zp")), st.sampled_from("\n\t")), max_size=60
).map(lambda s: unicodedata.normalize("NFC", s))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=_NAME, notes=_NOTES, source=_TEXT, churn=st.floats(0, 1), fmt=st.sampled_from(["json", "toml"]))
def test_any_name_notes_and_values_survive_a_file_round_trip(tmp_path, name, notes, source, churn, fmt):
    draft = Scenario(name, Parameters(churn_rate=churn, name=name), {}, notes, {"churn_rate": source})
    path = tmp_path / f"s.{fmt}"
    path.write_text(export_scenario(draft, fmt), encoding="utf-8")
    back = read_scenario_path(path)
    assert (back.name, back.parameters, back.notes, back.descriptions) == (
        name,
        draft.parameters,
        notes,
        {"churn_rate": source},
    )


def test_unknown_export_format_is_refused():
    with pytest.raises(ScenarioError, match=r"format: 'xml' is not a scenario file format"):
        export_scenario(Scenario("x", Parameters()), "xml")


# --- comparing ----------------------------------------------------------------------------------


def _three():
    return {
        "Base": Parameters(),
        "Higher churn": Parameters(churn_rate=0.24),
        "Bottom-up in PLN": Parameters(method="bottom_up", currency="PLN", annual_value=700),
    }


def test_comparison_lists_inputs_and_outputs_of_each_scenario():
    comparison = compare_scenarios(_three())
    frame = comparison.to_frame()
    assert list(frame.columns) == ["Base", "Higher churn", "Bottom-up in PLN"]
    for name, params in _three().items():
        est = estimate(params)
        assert frame.loc[("input", "churn_rate"), name] == params.churn_rate
        assert frame.loc[("input", "currency"), name] == params.currency
        assert_allclose(comparison.outputs()[name].to_numpy(), [getattr(est, key) for key in COMPARED_OUTPUTS], rtol=0)
    # Hand-computed (MODEL.md's defaults): 100,000 × 0.24 × 0.4 × 600 = 5,760,000 for retention.
    assert frame.loc[("output", "retention"), "Higher churn"] == pytest.approx(5_760_000, rel=1e-12)
    assert comparison.mixed_currencies


def test_differences_are_marked_exactly_where_values_differ_from_the_first():
    comparison = compare_scenarios(_three())
    mask = comparison.differences()
    assert not mask["Base"].any()
    changed_inputs = {key for (section, key), flag in mask["Higher churn"].items() if flag and section == "input"}
    assert changed_inputs == {"churn_rate"}
    changed_inputs = {key for (section, key), flag in mask["Bottom-up in PLN"].items() if flag and section == "input"}
    assert changed_inputs == {"method", "currency", "annual_value"}
    # Churn moves retention and word of mouth, not the spend cut, missed contacts or incidents.
    outputs = mask.loc["output", "Higher churn"]
    assert outputs["retention"] and outputs["word_of_mouth"] and outputs["total"]
    assert not outputs["spend_reduction"] and not outputs["missed_contacts"] and not outputs["incidents"]
    deltas = comparison.deltas()
    assert deltas.loc[("input", "churn_rate"), "Higher churn"] == pytest.approx(0.06)
    assert deltas.loc[("output", "total"), "Higher churn"] == pytest.approx(estimate(churn_rate=0.24).total - estimate().total)


def test_styled_table_highlights_exactly_the_differing_cells():
    comparison = compare_scenarios(_three())
    html = comparison.styled().to_html()
    styled_cells = set()
    for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", html):
        if "background-color: #FDEBD0" in body:
            styled_cells |= {(int(r), int(c)) for r, c in re.findall(r"row(\d+)_col(\d+)", selectors)}
    mask = comparison.differences().to_numpy()
    assert styled_cells == {tuple(int(i) for i in cell) for cell in np.argwhere(mask)}
    shown = comparison.display_frame({"churn_rate": "Churn rate"}, choice_labels={"bottom_up": "Bottom-up"})
    assert shown.loc["method"].tolist() == ["top_down", "top_down", "Bottom-up"]
    assert shown.loc["Churn rate", "Higher churn"] == "24%"
    assert shown.loc["annual_value", "Bottom-up in PLN"].startswith("PLN") and shown.loc["annual_value", "Base"] == "€600"


def test_styled_table_can_escape_user_text_for_html():
    comparison = compare_scenarios({"<script>alert(1)</script>": Parameters(), "B & C": Parameters(churn_rate=0.2)})
    html = comparison.styled(escape=True).to_html()
    assert "<script>" not in html and "&lt;script&gt;" in html and "B &amp; C" in html


def test_comparison_allows_one_to_four_distinct_scenarios():
    with pytest.raises(ScenarioError, match=r"scenarios: 5 chosen; allowed: 1 to 4") as caught:
        compare_scenarios({str(i): Parameters() for i in range(5)})
    assert caught.value.code == "compare_count"
    with pytest.raises(ScenarioError, match=r"scenarios: 0 chosen"):
        compare_scenarios({})
    with pytest.raises(ScenarioError, match=r"'A' is chosen twice"):
        compare_scenarios([("A", Parameters()), ("A", Parameters())])
    assert compare_scenarios({str(i): Parameters() for i in range(4)}).names == ("0", "1", "2", "3")


def test_saved_scenarios_compare_directly(store):
    store.save("A", Parameters())
    store.save("B", TELECOM)
    comparison = compare_scenarios([(name, store.load(name)) for name in ("A", "B")])
    assert comparison.outputs().loc["total", "B"] == estimate(TELECOM).total


def test_grouped_bars_show_every_channel_of_every_scenario():
    comparison = compare_scenarios(_three())
    figure = channel_comparison_bars(comparison, labels={name: name.upper() for name in CHANNELS})
    assert figure.layout.barmode == "group" and [trace.name for trace in figure.data] == list(_three())
    for trace, params in zip(figure.data, _three().values(), strict=True):
        assert_allclose(trace.y, [estimate(params).channels[name] for name in CHANNELS], rtol=1e-12)
        assert trace.x[0] == "RETENTION"
    escaped = channel_comparison_bars(compare_scenarios({"<b>bold</b>": Parameters()}), labels={})
    assert escaped.data[0].name == "&lt;b&gt;bold&lt;/b&gt;"


def test_waterfall_goes_from_one_total_to_the_other_in_exact_steps():
    comparison = compare_scenarios(_three())
    figure = scenario_waterfall(comparison, "Base", "Bottom-up in PLN", labels={key: key for key in PARAMETER_SPECS})
    trace = figure.data[0]
    parts = attribute_change(Parameters(), _three()["Bottom-up in PLN"])
    assert list(parts.index) == ["annual_value", "method"]  # MODEL.md's order
    assert list(trace.x[1:-1]) == list(parts.index)
    assert_allclose(trace.y[1:-1], parts.to_numpy(), rtol=1e-12)
    assert trace.y[0] == estimate().total
    assert_allclose(sum(trace.y[:-1]), estimate(_three()["Bottom-up in PLN"]).total, rtol=1e-12)
    assert_allclose(comparison.change(0, 2).sum(), estimate(_three()["Bottom-up in PLN"]).total - estimate().total, rtol=1e-12)
    with pytest.raises(ScenarioError, match=r"scenario: 'Nope' is not in the comparison"):
        scenario_waterfall(comparison, "Base", "Nope", labels={})
