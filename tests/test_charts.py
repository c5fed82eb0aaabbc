"""The estimate's figures, built from plain dicts without plotly's validation (issue 14), are
exactly what plotly's validating constructor makes of the same figure, and draw the estimate."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import plotly.io as pio
import pytest

from estimator import estimate, load_preset
from estimator.analysis.compare import attribute_change
from estimator.figures.charts import change_waterfall, channel_bars, channel_waterfall, cross_check_bars
from estimator.text.formatting import format_money

GENERIC = load_preset("generic_b2c").parameters
LABELS = {key: key.replace("_", " ").title() for key in (*estimate(GENERIC).channels, "total")}


def _figures(locale: str, title: str | None) -> list[go.Figure]:
    # A channel below zero (a saving) and a title, so every branch of the builders is drawn.
    params = GENERIC.replace(churn_rate=0.3, currency="PLN")
    est = estimate(params)
    channels = {**est.channels, "word_of_mouth": -12_345.6}
    base = estimate(GENERIC)
    parts = attribute_change(GENERIC, params, by="group")
    return [
        channel_waterfall(channels, labels=LABELS, total_label="Total", currency="PLN", locale=locale, title=title),
        channel_bars(channels, labels=LABELS, currency="PLN", locale=locale, title=title),
        change_waterfall(
            parts,
            baseline_total=base.total,
            current_total=est.total,
            labels={},
            baseline_label="Before",
            current_label="After",
            currency="PLN",
            locale=locale,
            title=title,
        ),
        cross_check_bars(
            est.top_down_customers,
            est.bottom_up_customers,
            labels={"top_down": "Top", "bottom_up": "Bottom"},
            used="bottom_up",
            locale=locale,
            title=title,
        ),
    ]


def _set(spec):
    """A figure's JSON without empty objects (plotly.js reads ``"title": {}`` as no title at all)."""
    if isinstance(spec, dict):
        return {key: _set(value) for key, value in spec.items() if value != {}}
    if isinstance(spec, list):
        return [_set(value) for value in spec]
    return spec


@pytest.mark.parametrize(("locale", "title"), [("en", None), ("pl_PL", "Gdzie idą pieniądze"), ("de_DE", None)])
def test_figures_are_what_plotly_validates_them_to(locale, title):
    for figure in _figures(locale, title):
        sent = json.loads(pio.to_json(figure, validate=False))
        # The validating constructor raises on any property plotly does not know, and coerces values.
        validated = go.Figure(figure.to_dict())
        assert _set(json.loads(pio.to_json(validated, validate=False))) == _set(sent)


def test_waterfall_draws_the_channels_and_their_total():
    est = estimate(GENERIC)
    figure = channel_waterfall(est.channels, labels=LABELS, total_label="Total", currency="EUR")
    (trace,) = figure.data
    assert list(trace.y[:-1]) == list(est.channels.values())
    assert list(trace.measure) == ["relative"] * len(est.channels) + ["total"]
    assert trace.text[-1] == format_money(est.total, "EUR")
    assert figure.layout.yaxis.range[1] > max(est.channels.values())  # room for the amounts above the bars


def test_figures_are_still_validated_when_changed_afterwards():
    figure = cross_check_bars(1.0, 2.0, labels={}, used="top_down")
    with pytest.raises(ValueError):
        figure.update_layout(not_a_plotly_property=1)
