"""The Scenario everywhere (issue 25): the store saves and loads it, the codec reads and writes it, links encode it."""

from __future__ import annotations

import json
import sqlite3
import warnings

import pytest

from estimator import load_preset
from estimator.core.parameters import InputError, Parameters
from estimator.core.scenario import Scenario, ScenarioError
from estimator.links import scenario_from_query, scenario_to_query
from estimator.store import FORMATS, SavedScenario, ScenarioStore, read, write
from estimator.store import rows as store_rows

CALIBRATED = Scenario(
    "Client Q3",
    Parameters(churn_rate=0.21, customers=5000),
    {"churn_rate": (0.15, 0.3)},
    "from the workshop",
    {"churn_rate": "client file, 2025", "customers": "CRM export"},
)


def test_the_store_saves_a_scenario_and_loads_a_scenario(tmp_path):
    store = ScenarioStore(tmp_path / "library.sqlite3")
    saved = store.save_draft(CALIBRATED, author="Anna")
    loaded = store.load("Client Q3")
    assert isinstance(saved, Scenario) and isinstance(loaded, SavedScenario) and isinstance(loaded, Scenario)
    assert (loaded.name, loaded.ranges, loaded.notes) == (CALIBRATED.name, CALIBRATED.ranges, CALIBRATED.notes)
    assert loaded.provenance == {"churn_rate": (0.21, "client file, 2025"), "customers": (5000.0, "CRM export")}
    # What the database keeps is the descriptions, as libraries always kept them.
    with sqlite3.connect(tmp_path / "library.sqlite3") as connection:
        stored = {
            json.loads(text) == CALIBRATED.descriptions for (text,) in connection.execute("SELECT provenance FROM scenarios")
        }
    assert stored == {True}
    # A value moved by hand after loading is no longer the client's: saved as entered.
    moved = store.save_draft(loaded.with_values(churn_rate=0.25), expect_version=1)
    assert store.load("Client Q3").descriptions == {"customers": "CRM export"} and moved.version == 2


def test_a_version_is_written_in_one_place(tmp_path, monkeypatch):
    """Saving and importing a workspace both go through rows.write_version (the one version writer)."""
    calls = []
    original = store_rows.write_version
    monkeypatch.setattr("estimator.store.database.write_version", lambda *a, **k: calls.append(k["version"]) or original(*a, **k))
    store = ScenarioStore(tmp_path / "library.sqlite3")
    store.save_draft(CALIBRATED)
    store.save_draft(CALIBRATED.with_values(churn_rate=0.2), expect_version=1)
    other = ScenarioStore(tmp_path / "library.sqlite3", workspace="Other")
    other.import_workspace(read(store.export_workspace().encode(), filename="w.json", kind="workspace"))
    assert calls == [1, 2, 1, 2]
    assert [v.parameters.churn_rate for v in other.history("Client Q3")] == [0.21, 0.2]


def test_notes_saved_before_the_checks_load_as_saved(tmp_path):
    store = ScenarioStore(tmp_path / "library.sqlite3")
    store.save_draft(CALIBRATED)
    with sqlite3.connect(tmp_path / "library.sqlite3") as connection:
        connection.execute("UPDATE scenarios SET notes = ?", ("a\x1b[31mred",))
    assert store.load("Client Q3").notes == "a\x1b[31mred"
    with pytest.raises(ScenarioError, match="notes"):
        Scenario("x", Parameters(), notes="a\x1b[31mred")  # a new scenario's notes are checked


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_the_codec_writes_and_reads_back_every_format(tmp_path, fmt):
    path = tmp_path / f"client.{fmt}"
    path.write_text(write(CALIBRATED, fmt), encoding="utf-8")
    for back in (read(path), read(path.read_bytes(), filename=path.name)):
        assert isinstance(back, Scenario)
        assert (back.name, back.parameters.model_inputs(), back.ranges, back.notes) == (
            CALIBRATED.name,
            CALIBRATED.parameters.model_inputs(),
            CALIBRATED.ranges,
            CALIBRATED.notes,
        )
        assert back.descriptions == CALIBRATED.descriptions


def test_the_codec_refuses_an_unknown_format_naming_it():
    with pytest.raises(ScenarioError, match=r"'xml'.*allowed: 'json' or 'toml'"):
        write(CALIBRATED, "xml")
    with pytest.raises(InputError, match=r"unknown format '\.csv'"):
        read(b"a,b", filename="data.csv")


def test_old_names_warn_with_their_removal_date():
    import estimator.library
    import estimator.store

    with pytest.warns(DeprecationWarning, match="2027-06-30"):
        assert estimator.store.ScenarioDraft is Scenario
    with pytest.warns(DeprecationWarning, match="2027-06-30"):
        from estimator.library import read_scenario  # noqa: F401
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        from estimator import read_scenario_file  # noqa: F401  (public, current: no warning)


def test_a_link_encodes_a_scenarios_values_only():
    preset = load_preset("generic_b2c")
    scenario = Scenario("Client", preset.parameters.replace(churn_rate=0.2), {"churn_rate": (0.1, 0.3)}, "secret")
    query = scenario_to_query(preset, scenario)
    assert query == scenario_to_query(preset, scenario.parameters) == {"churn_rate": "0.2"}  # no range, no notes
    back = scenario_from_query(query).scenario
    assert back.parameters.churn_rate == 0.2 and back.ranges == {} and back.notes == ""
