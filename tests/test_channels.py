"""The model's channel registry (estimator.core.model.CHANNEL_SPECS): each channel declared once has every
piece a channel needs (its outputs, its words in every language, its workbook formula, its place in
the Estimate, the reference model and the app), and the views iterate over it."""

from __future__ import annotations

import pytest
from numpy.testing import assert_allclose
from reference_model import reference_outputs

from estimator import CHANNELS, Parameters, estimate
from estimator.core.model import CHANNEL_SPECS, Channel, Outputs
from estimator.reports.xlsx_report import MODEL_FORMULAS
from estimator.text.i18n import LANGUAGES, has_key

FORMULAS = dict(MODEL_FORMULAS)


def missing_pieces(channel: Channel) -> list[str]:
    """What a channel lacks of what ARCHITECTURE.md's "Where to add: a channel" asks for."""
    from ui.uncertainty import HEATMAP_OUTPUTS

    outputs = [channel.name] + ([channel.customers] if channel.customers else [])
    missing = [f"output {name}" for name in outputs if name not in Outputs.names()]
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
    for piece in ("output ghost", "channel.ghost in pl", "workbook formula of ghost", "in the workbook's total", "to_frame"):
        assert piece in ghost


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
