"""The spec of model outputs (data/outputs.toml, estimator.core.outputs): every output has a kind, the
headline figures have their words in every language, and every view of a result follows the one
declaration: the cards, the JSON, the command line's text, the workbook and the comparison. Value at
risk sums the channel registry."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from numpy.testing import assert_allclose

from estimator import Parameters, estimate
from estimator.core import model
from estimator.core.model import CHANNEL_SPECS, Outputs, evaluate
from estimator.core.outputs import HEADLINE_OUTPUTS, KINDS, OUTPUT_KINDS, output_kind
from estimator.text.i18n import LANGUAGES, has_key


def test_every_model_output_has_one_kind_and_nothing_else_has_one():
    assert set(OUTPUT_KINDS) == set(Outputs.names())
    assert set(OUTPUT_KINDS.values()) <= set(KINDS)
    assert output_kind("resolved_complainers") == "count"  # a workbook step, not an output


def test_the_headline_figures_are_outputs_with_their_words_in_every_language():
    assert [item.output for item in HEADLINE_OUTPUTS] == [
        "total",
        "share_of_revenue",
        "customers_lost_total",
        "profit_lost",
        "value_at_risk",
        "replacement_cost",
    ]
    for item in HEADLINE_OUTPUTS:
        assert item.output in Outputs.names()
        assert item.kind in ("money", "count", "share")
        assert item.channel_total or item.cli, item
        for language in LANGUAGES:
            assert has_key(f"metric.{item.metric}.label", language), (item.metric, language)
            assert has_key(f"metric.{item.metric}.help", language), (item.metric, language)


def test_the_cards_follow_the_spec():
    from estimator.text.sentences import headline_figures

    params = Parameters(horizon_years=7)
    figures = headline_figures(estimate(params), params, locale="en", baseline=estimate())
    assert [figure.key for figure in figures] == [item.metric for item in HEADLINE_OUTPUTS]
    by_key = {figure.key: figure for figure in figures}
    assert "7" in by_key["value_at_risk"].label  # the label's placeholder filled from horizon_years
    assert by_key["share"].value == "10.2%" and by_key["customers"].value == "8,998"
    assert by_key["total"].delta == "€0"


def test_the_json_and_the_summary_follow_the_spec():
    est = estimate(customers=0)  # no revenue: the share is undefined
    data = est.to_dict()
    for item in HEADLINE_OUTPUTS:
        shown = data[item.channel_total]["total"] if item.channel_total else data[item.output]
        expected = est.outputs[item.output].item()
        assert shown is None if np.isnan(expected) else shown == expected, item.output
    assert data["share_of_revenue"] is None
    assert list(est.summary().index) == [item.output for item in HEADLINE_OUTPUTS]


def test_the_command_lines_text_lists_the_figures_that_are_not_channel_totals(capsys):
    from estimator.cli import main

    assert main(["estimate", "--set", "horizon_years=12"]) == 0
    text = capsys.readouterr().out
    est = estimate(horizon_years=12)
    assert f"Value at risk (12 y)     {est.value_at_risk:,.0f}" in text  # column kept for a two-digit horizon
    assert f"Share of revenue        {est.share_of_revenue:.1%}" in text
    assert f"Replacement cost        {est.replacement_cost:,.0f}" in text


def test_the_workbook_and_the_comparison_follow_the_spec():
    from estimator.store.comparison import COMPARED_OUTPUTS

    assert set(COMPARED_OUTPUTS) >= {item.output for item in HEADLINE_OUTPUTS}
    assert COMPARED_OUTPUTS[0] == "total"


def test_value_at_risk_is_model_mds_sum():
    # MODEL.md: (Lret + Lmiss + Lwom + Linc)·V·F + spend_reduction·F + Rdown, written out by hand here.
    rng = np.random.default_rng(3)
    churn, discount = rng.uniform(0.01, 0.5, 50), rng.uniform(0, 0.2, 50)
    out = evaluate(Parameters(incidents_per_year=6, incident_hours=3), churn_rate=churn, discount_rate=discount)
    q = (1 - churn) / (1 + discount)
    horizon = sum(q**j for j in range(5))
    lost = (
        out.customers_lost_retention
        + out.customers_lost_missed_contacts
        + out.customers_lost_word_of_mouth
        + out.customers_lost_incidents
    )
    expected = lost * Parameters().annual_value * horizon + out.spend_reduction * horizon + out.downtime_revenue
    assert_allclose(out.value_at_risk, expected, rtol=1e-12)


@pytest.mark.parametrize("channel", CHANNEL_SPECS, ids=lambda channel: channel.name)
def test_a_channels_revenue_is_its_customers_value_plus_its_one_off_part(channel):
    # What value at risk assumes of every channel that loses customers (estimator.core.model.Channel).
    out = evaluate(Parameters(incidents_per_year=4, incident_hours=5))
    if channel.customers is None:
        return
    one_off = out[channel.one_off] if channel.one_off else 0.0
    assert_allclose(out[channel.name], out[channel.customers] * Parameters().annual_value + one_off, rtol=1e-12)


def test_value_at_risk_reads_the_channel_registry(monkeypatch):
    params = Parameters(incidents_per_year=6, incident_hours=3)
    before = evaluate(params)
    # Without its one-off part declared, the incidents channel's downtime would no longer count.
    specs = tuple(
        dataclasses.replace(channel, one_off=None) if channel.name == "incidents" else channel for channel in CHANNEL_SPECS
    )
    monkeypatch.setattr(model, "CHANNEL_SPECS", specs)
    after = evaluate(params)
    assert before.downtime_revenue > 0
    assert_allclose(before.value_at_risk - after.value_at_risk, before.downtime_revenue, rtol=1e-9)
