"""The evidence library and the presets: complete, consistent, and every value sourced."""

import pandas as pd
import pytest

from estimator import PARAMETER_SPECS, InputError, Parameters, list_presets, load_evidence, load_preset
from estimator.library import ASSUMPTION
from estimator.store.codec import read_scenario_file

GRADES = {"published survey", "secondary report", "assumption"}
REQUIRED_PRESETS = {"generic_b2c", "b2b_contracts", "poland_consumer_services", "telecom_cable", "online_retailer"}


def test_evidence_rows_are_complete_and_graded():
    evidence = load_evidence()
    assert evidence.index.is_unique
    assert len(evidence) >= 40
    for column in ("unit", "measures", "population", "source", "grade", "note"):
        assert (evidence[column].str.len() > 0).all(), column
    assert set(evidence["grade"]) <= GRADES
    assert evidence["value"].notna().all()
    informed = evidence["parameter"][evidence["parameter"] != ""]
    assert set(informed) <= set(PARAMETER_SPECS)
    ranged = evidence.dropna(subset=["value_low", "value_high"])
    assert (ranged["value_low"] <= ranged["value"]).all() and (ranged["value"] <= ranged["value_high"]).all()


def test_every_figure_of_model_md_is_in_the_library():
    evidence = load_evidence()
    expected = {
        "foz-resigned-yearly": 0.20,
        "foz-reason-impolite": 0.24,
        "foz-annual-value": 600,
        "foz-total-loss": 5.2e9,
        "cr-2011-walked-out": 0.64,
        "cr-2011-hung-up": 0.67,
        "ipsos-2016-critical-incident": 0.78,
        "clickfox-repeat-information": 0.42,
        "clickfox-stopped-business": 0.35,
        "tarp-word-of-mouth": 9,
        "rage-2023-problem": 0.74,
        "qualtrics-sales-at-risk": 0.095,
        "accenture-2013-switch-retail": 0.28,
        "nvm-2018-loss": 75e9,
        "genesys-pl-loss": 8.8e9,
        "genesys-pl-per-customer": 145,
        "bci-london-attacks": 72000,
        "goodman-acquisition-ratio": 5,
    }
    for evidence_id, value in expected.items():
        assert evidence.loc[evidence_id, "value"] == pytest.approx(value), evidence_id


def test_ever_shares_and_shares_of_firms_are_marked_as_proxies():
    evidence = load_evidence()
    assert evidence.loc["cr-2011-hung-up", "measures"] == "ever share"
    assert evidence.loc["cr-2011-hung-up", "proxy"]
    assert evidence.loc["ipsos-2016-complaints-managed", "proxy"]
    assert not evidence.loc["accenture-2013-switch-internet", "proxy"]
    resolved = load_preset("generic_b2c").sources["resolved_share"]
    assert resolved.grade == "published survey (proxy)"
    assert resolved.citation == "Ipsos (US, 2016)"


def test_presets_cover_the_required_businesses_and_name_a_source_for_every_value():
    presets = {p.name: p for p in list_presets()}
    assert set(presets) >= REQUIRED_PRESETS
    assert next(iter(presets)) == "generic_b2c"
    evidence_ids = set(load_evidence().index)
    for preset in presets.values():
        assert set(preset.sources) == set(PARAMETER_SPECS), preset.name
        for key, ref in preset.sources.items():
            assert ref.evidence_id == ASSUMPTION or ref.evidence_id in evidence_ids, (preset.name, key, ref.evidence_id)
        assumptions = preset.assumptions()
        assert list(assumptions.index) == list(PARAMETER_SPECS)
        assert assumptions["source"].str.len().gt(0).all()


def test_default_sources_exist():
    evidence_ids = set(load_evidence().index)
    for key, spec in PARAMETER_SPECS.items():
        assert spec.source == ASSUMPTION or spec.source in evidence_ids, key


def test_generic_preset_is_model_md_defaults_and_poland_is_in_zloty():
    generic = load_preset("generic_b2c").parameters
    assert generic.model_inputs() == Parameters().model_inputs()
    poland = load_preset("poland_consumer_services")
    assert poland.parameters.currency == "PLN"
    assert poland.parameters.annual_value == load_evidence().loc["foz-annual-value", "value"]
    assert poland.sources["annual_value"].evidence_id == "foz-annual-value"


def test_unknown_preset_lists_the_available_ones():
    with pytest.raises(InputError, match="'nope' is not a preset; available: generic_b2c, "):
        load_preset("nope")


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("bad.json", "{not json", "not valid JSON"),
        ("bad.toml", "churn_rate = = 1", "not valid TOML"),
        ("list.json", "[1, 2]", "expected a table of parameter values, found list"),
        ("scenario.yaml", "churn_rate: 1", "unknown format '.yaml'"),
        ("latin1.toml", b"name = '\xe9'", "not valid TOML"),
    ],
)
def test_unreadable_scenario_files_are_named(tmp_path, filename, content, message):
    path = tmp_path / filename
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(InputError, match=message) as caught:
        read_scenario_file(path)
    assert filename in str(caught.value)


def test_scenario_files_accept_top_level_or_nested_values(tmp_path):
    (tmp_path / "flat.toml").write_text('currency = "HUF"\nchurn_rate = 0.25\n')
    (tmp_path / "nested.json").write_text('{"name": "x", "inputs": {"churn_rate": 0.3}}')
    assert read_scenario_file(tmp_path / "flat.toml") == {"currency": "HUF", "churn_rate": 0.25}
    assert read_scenario_file(tmp_path / "nested.json") == {"name": "x", "churn_rate": 0.3}
    with pytest.raises(InputError, match="cannot be read"):
        read_scenario_file(tmp_path / "missing.json")


def test_ranges_beside_or_inside_the_parameters_section_are_both_read(tmp_path):
    beside = "[parameters]\nchurn_rate = 0.25\n\n[ranges]\nchurn_rate = [0.1, 0.3]\n"
    inside = "[parameters]\nchurn_rate = 0.25\n\n[parameters.ranges]\nchurn_rate = [0.1, 0.3]\n"
    (tmp_path / "beside.toml").write_text(beside)
    (tmp_path / "inside.toml").write_text(inside)
    expected = {"churn_rate": 0.25, "ranges": {"churn_rate": [0.1, 0.3]}}
    assert read_scenario_file(tmp_path / "beside.toml") == expected
    assert read_scenario_file(tmp_path / "inside.toml") == expected


def test_evidence_table_reads_as_a_dataframe():
    evidence = load_evidence()
    assert isinstance(evidence, pd.DataFrame)
    assert evidence.loc["accenture-2013-switch-internet", "year"] == 2013
    assert evidence.loc["accenture-2013-switch-internet", "parameter"] == "churn_rate"
