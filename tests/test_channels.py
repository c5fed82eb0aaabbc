"""The model's channel registry (data/channels.toml, estimator.core.model.CHANNEL_SPECS): each channel declared
once has every piece a channel needs (its entry in the registry with its inputs and workbook formulas, its
outputs, its words in every language, its place in the Estimate, the reference model and the app), the
views iterate over it, and a broken registry fails on load naming the channel and the key."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from numpy.testing import assert_allclose
from reference_model import reference_outputs

from estimator import CHANNELS, Parameters, estimate
from estimator.core.model import CHANNEL_SPECS, Channel, ChannelRegistryError, Outputs, read_channels
from estimator.core.parameters import PARAMETER_SPECS
from estimator.core.result import channel_inputs
from estimator.paths import data_dir
from estimator.reports.xlsx_report import MODEL_FORMULAS
from estimator.text.i18n import LANGUAGES, has_key

FORMULAS = dict(MODEL_FORMULAS)
METHODS = PARAMETER_SPECS["method"].choices
REGISTRY = data_dir() / "channels.toml"


def missing_pieces(channel: Channel) -> list[str]:
    """What a channel lacks of what ARCHITECTURE.md's "Where to add: a channel" asks for."""
    from ui.uncertainty import HEATMAP_OUTPUTS

    outputs = [channel.name] + ([channel.customers] if channel.customers else [])
    missing = [f"output {name}" for name in outputs if name not in Outputs.names()]
    missing += ["its entry in data/channels.toml"] * (channel.name not in {entry.name for entry in read_channels(REGISTRY)})
    missing += [f"inputs under {method}" for method in METHODS if not channel.inputs.get(method)]
    own = dict(channel.formulas)
    missing += [f"registry formula of {name}" for name in (*outputs, channel.one_off) if name and name not in own]
    for language in LANGUAGES:
        missing += [f"{channel.label_key} in {language}"] * (not has_key(channel.label_key, language))
        missing += [
            f"workbook label of {name} in {language}" for name in outputs if not has_key(f"report.xlsx.output.{name}", language)
        ]
    missing += [f"workbook formula of {name}" for name in outputs if name not in FORMULAS]
    if channel.name not in FORMULAS["total"].split("+"):
        missing.append("in the workbook's total")
    if channel.customers and channel.customers not in FORMULAS["customers_lost_total"].split("+"):
        missing.append("in the workbook's customers lost")
    est = estimate()
    as_dict = est.to_dict()
    missing += ["Estimate.channels"] * (channel.name not in est.channels)
    missing += ["to_dict revenue_lost"] * (channel.name not in as_dict["revenue_lost"])
    missing += ["to_dict customers_lost"] * (bool(channel.customers) != (channel.name in as_dict["customers_lost"]))
    missing += ["to_frame"] * (channel.name not in est.to_frame().index)
    missing += ["tests/reference_model.py"] * (channel.name not in reference_outputs(Parameters().to_dict()))
    missing += ["the app's heatmap outputs"] * (channel.name not in HEATMAP_OUTPUTS)
    return missing


@pytest.mark.parametrize("channel", CHANNEL_SPECS, ids=lambda channel: channel.name)
def test_every_channel_has_every_piece(channel):
    assert missing_pieces(channel) == []


def test_a_channel_missing_its_pieces_is_caught():
    ghost = missing_pieces(Channel("ghost", "customers_lost_ghost"))
    for piece in (
        "output ghost",
        "its entry in data/channels.toml",
        "inputs under top_down",
        "registry formula of customers_lost_ghost",
        "channel.ghost in pl",
        "workbook formula of ghost",
        "in the workbook's total",
        "to_frame",
    ):
        assert piece in ghost


def test_a_channel_without_its_inputs_or_formulas_in_the_registry_is_caught():
    (registered,) = (channel for channel in CHANNEL_SPECS if channel.name == "incidents")
    incidents = dataclasses.replace(registered, inputs={"top_down": ("incident_hours",)}, formulas=())
    missing = missing_pieces(incidents)
    assert "inputs under bottom_up" in missing
    assert {f"registry formula of {name}" for name in ("incidents", "customers_lost_incidents", "downtime_revenue")} <= set(
        missing
    )


#: The workbook's Model sheet as it was before the registry held the channels' formulas (commit dcfe9e3),
#: written out by hand: assembling it from the registry must give exactly this.
MODEL_FORMULAS_BEFORE_THE_REGISTRY = (
    ("complainers", "customers*complaint_rate"),
    ("resolved_complainers", "complainers*resolved_share"),
    ("unresolved_complainers", "complainers*(1-resolved_share)"),
    ("silent_customers", "customers*MIN(complaint_rate*silent_ratio,1-complaint_rate)"),
    ("bottom_up_resolved", "resolved_complainers*(churn_resolved-baseline_churn)"),
    ("bottom_up_unresolved", "unresolved_complainers*(churn_unresolved-baseline_churn)"),
    ("bottom_up_silent", "silent_customers*(churn_silent-baseline_churn)"),
    ("bottom_up_customers", "bottom_up_resolved+bottom_up_unresolved+bottom_up_silent"),
    ("top_down_customers", "customers*churn_rate*service_share"),
    ("customers_lost_retention", 'IF(method="bottom_up",bottom_up_customers,top_down_customers)'),
    ("retention", "customers_lost_retention*annual_value"),
    (
        "spend_reduction",
        "(unresolved_complainers*(1-churn_unresolved)+silent_customers*(1-churn_silent))"
        "*spend_cut_share*spend_cut_depth*annual_value",
    ),
    ("customers_lost_missed_contacts", "prospect_contacts*abandon_rate*conversion_rate"),
    ("missed_contacts", "customers_lost_missed_contacts*annual_value"),
    ("customers_lost_word_of_mouth", "MAX(customers_lost_retention,0)*wom_reach*wom_influence"),
    ("word_of_mouth", "customers_lost_word_of_mouth*annual_value"),
    (
        "customers_lost_incidents",
        "IF(incidents_per_year>0,customers*(1-(1-incident_reach*incident_churn)^incidents_per_year),0)",
    ),
    ("downtime_revenue", "customers*annual_value*MIN(incidents_per_year*incident_hours/8760,1)*unrecovered_sales"),
    ("incidents", "customers_lost_incidents*annual_value+downtime_revenue"),
    ("total", "retention+spend_reduction+missed_contacts+word_of_mouth+incidents"),
    (
        "customers_lost_total",
        "customers_lost_retention+customers_lost_missed_contacts+customers_lost_word_of_mouth+customers_lost_incidents",
    ),
    ("share_of_revenue", 'IF(customers*annual_value=0,"",total/(customers*annual_value))'),
    ("profit_lost", "total*gross_margin"),
    (
        "horizon_factor",
        "IF(churn_rate+discount_rate>0,"
        "(1-((1-churn_rate)/(1+discount_rate))^horizon_years)/((churn_rate+discount_rate)/(1+discount_rate)),"
        "horizon_years)",
    ),
    (
        "value_at_risk",
        "(customers_lost_retention+customers_lost_missed_contacts+customers_lost_word_of_mouth+customers_lost_incidents)"
        "*annual_value*horizon_factor+spend_reduction*horizon_factor+downtime_revenue",
    ),
    ("replacement_cost", "(MAX(customers_lost_retention,0)+customers_lost_incidents)*acquisition_cost"),
    ("implied_service_share", 'IF(customers*churn_rate=0,"",bottom_up_customers/(customers*churn_rate))'),
    ("silent_cap_binds", "complaint_rate*silent_ratio>1-complaint_rate"),
    ("downtime_capped", "incidents_per_year*incident_hours/8760>1"),
)


def test_the_workbook_formulas_assembled_from_the_registry_are_the_ones_before_it():
    assert MODEL_FORMULAS == MODEL_FORMULAS_BEFORE_THE_REGISTRY


def test_the_inputs_that_size_a_channel_are_the_ones_before_the_registry():
    # As data/plausibility.toml's [channel_inputs] had them (commit dcfe9e3); retention's follow the method.
    spend = (
        "complaint_rate",
        "silent_ratio",
        "resolved_share",
        "churn_unresolved",
        "churn_silent",
        "spend_cut_share",
        "spend_cut_depth",
    )
    before = {
        "spend_reduction": spend,
        "missed_contacts": ("prospect_contacts", "abandon_rate", "conversion_rate"),
        "word_of_mouth": ("wom_reach", "wom_influence"),
        "incidents": ("incidents_per_year", "incident_hours", "incident_reach", "incident_churn", "unrecovered_sales"),
    }
    assert channel_inputs("retention", "top_down") == ("churn_rate", "service_share")
    bottom_up = (
        "complaint_rate",
        "silent_ratio",
        "resolved_share",
        "baseline_churn",
        "churn_resolved",
        "churn_unresolved",
        "churn_silent",
    )
    assert channel_inputs("retention", "bottom_up") == bottom_up
    for channel, keys in before.items():
        for method in METHODS:
            assert channel_inputs(channel, method) == keys, (channel, method)
    with pytest.raises(KeyError):
        channel_inputs("ghost", "top_down")


#: Ways to break data/channels.toml: (text replaced, its replacement, what the error must say).
BROKEN_REGISTRIES = {
    "a formula for an output Outputs lacks": (
        '["missed_contacts", "customers_lost_missed_contacts*annual_value"]',
        '["missed_contact", "customers_lost_missed_contacts*annual_value"]',
        "channel 'missed_contacts', key 'formulas': 'missed_contact' is not an output of the model",
    ),
    "an output without its formula": (
        '    ["downtime_revenue", "customers*annual_value*MIN(incidents_per_year*incident_hours/8760,1)*unrecovered_sales"],\n',
        "",
        "channel 'incidents', key 'formulas': no formula for its one_off output 'downtime_revenue'",
    ),
    "a formula given twice": (
        '["word_of_mouth", "customers_lost_word_of_mouth*annual_value"]',
        '["retention", "customers_lost_word_of_mouth*annual_value"]',
        "channel 'word_of_mouth', key 'formulas': 'retention' already has its formula in channel 'retention'",
    ),
    "a customers output Outputs lacks": (
        'customers = "customers_lost_incidents"',
        'customers = "customers_lost_incident"',
        "channel 'incidents', key 'customers': 'customers_lost_incident' is not an output of the model",
    ),
    "an unknown input": (
        'inputs = ["wom_reach", "wom_influence"]',
        'inputs = ["wom_rech", "wom_influence"]',
        "channel 'word_of_mouth', key 'inputs': 'wom_rech' is not a parameter",
    ),
    "a method without inputs": (
        'inputs.top_down = ["churn_rate", "service_share"]\n',
        "",
        "channel 'retention', key 'inputs': needs one list per method (top_down, bottom_up)",
    ),
    "no inputs": (
        'inputs = ["prospect_contacts", "abandon_rate", "conversion_rate"]\n',
        "",
        "channel 'missed_contacts', key 'inputs': missing",
    ),
    "an unknown key": (
        'name = "spend_reduction"\n',
        'name = "spend_reduction"\ncustomer = "customers_lost_retention"\n',
        "channel 'spend_reduction', key 'customer': unknown key",
    ),
    "a channel given twice": (
        'name = "incidents"',
        'name = "word_of_mouth"',
        "channel 'word_of_mouth', key 'name': given twice",
    ),
}


def _broken_registry(folder: Path, case: str) -> Path:
    old, new, _ = BROKEN_REGISTRIES[case]
    text = REGISTRY.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{case}: the registry no longer has {old!r}"
    path = folder / "channels.toml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    tomllib.loads(path.read_text(encoding="utf-8"))  # still TOML: the registry's check must catch it
    return path


def test_the_registry_reads_as_the_model_has_it():
    assert read_channels(REGISTRY) == CHANNEL_SPECS


@pytest.mark.parametrize("case", BROKEN_REGISTRIES)
def test_a_broken_registry_fails_naming_the_channel_and_the_key(case, tmp_path):
    path = _broken_registry(tmp_path, case)
    with pytest.raises(ChannelRegistryError) as raised:
        read_channels(path)
    assert str(raised.value).startswith("channels.toml: ")
    assert BROKEN_REGISTRIES[case][2] in str(raised.value)


def test_a_broken_registry_stops_the_package_loading(tmp_path):
    # ESTIMATOR_DATA_DIR: every data file as it is but a broken registry, checked when the model is imported.
    for item in data_dir().iterdir():
        if item.name != "channels.toml":
            (tmp_path / item.name).symlink_to(item)
    _broken_registry(tmp_path, "a formula for an output Outputs lacks")
    env = {**os.environ, "ESTIMATOR_DATA_DIR": str(tmp_path)}
    run = subprocess.run([sys.executable, "-c", "import estimator"], capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode != 0
    assert "ChannelRegistryError: channels.toml: channel 'missed_contacts', key 'formulas'" in run.stderr


def test_the_names_are_the_registrys_in_model_md_order():
    assert CHANNELS == ("retention", "spend_reduction", "missed_contacts", "word_of_mouth", "incidents")
    assert tuple(channel.name for channel in CHANNEL_SPECS) == CHANNELS
    assert [channel.customers for channel in CHANNEL_SPECS].count(None) == 1  # spending cuts lose no customers


def test_the_totals_add_up_the_registrys_channels():
    # MODEL.md's defaults: 4.32 M + 0.70 M + 0.24 M + 0.39 M + 0.46 M = 6.11 M a year.
    est = estimate()
    # In MODEL.md's order: retention, spend reduction, missed contacts, word of mouth, incidents.
    assert_allclose([est.channels[name] for name in CHANNELS], [4.32e6, 0.70e6, 0.24e6, 0.39e6, 0.46e6], rtol=0.02)
    assert_allclose(est.total, sum(est.channels.values()), rtol=1e-12)
    frame = est.to_frame()
    # 7,200 top-down + 400 missed prospects (20,000 x 0.10 x 0.20) + 7,200 x 9 x 0.01 + incident customers.
    assert_allclose(frame.loc["missed_contacts", "customers_lost"], 400)
    assert_allclose(frame.loc["word_of_mouth", "customers_lost"], 7_200 * 9 * 0.01)
    assert frame.loc["spend_reduction", "customers_lost"] == 0
    assert_allclose(frame.loc[list(CHANNELS), "customers_lost"].sum(), est.customers_lost_total, rtol=1e-12)
    customers = est.to_dict()["customers_lost"]
    assert list(customers) == ["retention", "missed_contacts", "word_of_mouth", "incidents", "total"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_channels_words_are_in_one_file_per_language(language):
    # A new channel adds its lines to data/i18n/<language>/channels.toml only (ARCHITECTURE.md).
    import tomllib

    from estimator.paths import data_dir

    with open(data_dir() / "i18n" / language / "channels.toml", "rb") as handle:
        table = tomllib.load(handle)
    for channel in CHANNEL_SPECS:
        assert channel.name in table["channel"]
        outputs = [channel.name, *(name for name in (channel.customers, channel.one_off) if name)]
        assert set(outputs) <= set(table["report"]["xlsx"]["output"]), channel.name
