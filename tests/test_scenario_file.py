"""One reader of scenario files (estimator.library.read_scenario): one parse, one ScenarioFile, used
by the library, the scenario store and the command line alike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from estimator import load_preset
from estimator.cli import main
from estimator.core.parameters import InputError
from estimator.store import Scenario, export_scenario, read_scenario_path
from estimator.store.codec import ScenarioFile, read_scenario, read_scenario_file

SCENARIO = """\
name = "Telecom, pessimistic"
currency = "PLN"
notes = "From the board meeting."

[parameters]
churn_rate = 0.25
customers = 50000

[parameters.ranges]
churn_rate = { low = 0.2, high = 0.3 }

[provenance]
churn_rate = "client data: extract.csv; 20,000 rows"
"""


def test_one_scenario_object_holds_values_ranges_provenance_and_notes(tmp_path):
    path = tmp_path / "case.toml"
    path.write_text(SCENARIO)
    scenario = read_scenario(path)
    assert isinstance(scenario, ScenarioFile)
    assert scenario.values == {"name": "Telecom, pessimistic", "currency": "PLN", "churn_rate": 0.25, "customers": 50000}
    assert scenario.ranges == {"churn_rate": (0.2, 0.3)}
    assert scenario.provenance == {"churn_rate": "client data: extract.csv; 20,000 rows"}
    assert scenario.notes == "From the board meeting."
    # The public function keeps returning the file's content as a plain dict.
    assert read_scenario_file(path) == {
        **scenario.values,
        "ranges": {"churn_rate": {"low": 0.2, "high": 0.3}},
        "provenance": scenario.provenance,
    }


def test_a_malformed_range_names_the_file_as_its_reader_was_told():
    scenario = ScenarioFile("params file 'x.toml'", {"churn_rate": 0.2, "ranges": {"churn_rate": "wide"}}, {})
    with pytest.raises(InputError, match=r"params file 'x.toml': range of 'churn_rate' must have a numeric low and high"):
        _ = scenario.ranges


@pytest.fixture
def reads(monkeypatch):
    """How many times each scenario file is read from disk."""
    counted: dict[str, int] = {}
    read_bytes = Path.read_bytes

    def counting(self: Path) -> bytes:
        counted[self.name] = counted.get(self.name, 0) + 1
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", counting)
    return counted


def test_the_store_reads_a_file_once_and_keeps_everything(tmp_path, reads):
    path = tmp_path / "case.toml"
    path.write_text(SCENARIO)
    draft = read_scenario_path(path)
    assert reads == {"case.toml": 1}
    assert draft.name == "Telecom, pessimistic" and draft.notes == "From the board meeting."
    assert draft.parameters.churn_rate == 0.25 and draft.parameters.currency == "PLN"
    assert draft.ranges == {"churn_rate": (0.2, 0.3)}
    assert draft.descriptions == {"churn_rate": "client data: extract.csv; 20,000 rows"}


def test_the_cli_reads_what_the_store_exports_once(tmp_path, reads, capsys):
    params = load_preset("b2b_contracts").parameters.replace(churn_rate=0.2)
    draft = Scenario("Export", params, {"churn_rate": (0.15, 0.25)}, "a note", {})
    path = tmp_path / "export.json"
    path.write_text(export_scenario(draft, "json"))
    assert main(["estimate", "--params", str(path), "--format", "json"]) == 0
    assert reads == {"export.json": 1}
    shown = json.loads(capsys.readouterr().out)["inputs"]
    assert shown["churn_rate"] == 0.2 and shown["customers"] == params.customers
