"""Charts as a Polish or Greek reader expects them: amount ticks in the locale's words ("mln zł",
"εκ. €") rather than plotly's "4M", and the spider chart's lines in hues far apart."""

from __future__ import annotations

import itertools

import pytest

from estimator import load_preset
from estimator.analysis.sensitivity import DEFAULT_SEED, UncertaintyRanges, monte_carlo, spider, tornado
from estimator.figures.uncertainty import distribution_chart, spider_chart, tornado_chart
from estimator.text.formatting import format_money

PARAMS = load_preset("generic_b2c").parameters


def _hex_to_rgb(color: str) -> tuple[int, int, int]:
    return tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))


@pytest.mark.parametrize(("locale", "word"), [("pl", "mln"), ("el", "εκ."), ("hu", "millió"), ("en", "M")])
def test_amount_ticks_are_written_as_the_locale_writes_amounts(locale, word):
    ranges = UncertaintyRanges.around(PARAMS)
    result = monte_carlo(PARAMS, ranges, draws=2_000, seed=DEFAULT_SEED)
    for figure in (
        distribution_chart(result, currency="EUR", locale=locale),
        tornado_chart(tornado(PARAMS, ranges), currency="EUR", locale=locale),
    ):
        axis = figure.layout.xaxis
        assert axis.ticktext and all(word in text for text in axis.ticktext), axis.ticktext
        # Each label is the amount at its tick, formatted by the same function as the headline.
        assert list(axis.ticktext) == [format_money(v, "EUR", locale=locale) for v in axis.tickvals]
        steps = {round(b - a, 6) for a, b in itertools.pairwise(axis.tickvals)}
        assert len(steps) == 1  # evenly spaced round amounts


def test_spider_lines_have_distinct_hues():
    keys = ["churn_rate", "service_share", "annual_value", "customers", "gross_margin", "complaint_rate"]
    figure = spider_chart(spider(PARAMS), keys=keys, currency="EUR", locale="pl")
    colors = [trace.line.color for trace in figure.data]
    assert len(set(colors)) == len(keys)
    # Any two lines differ clearly: at least 80 apart in RGB (plotly's defaults drew near-identical blues).
    closest = min(
        sum((a - b) ** 2 for a, b in zip(_hex_to_rgb(x), _hex_to_rgb(y), strict=True)) ** 0.5
        for x, y in itertools.combinations(colors, 2)
    )
    assert closest >= 80, colors
    assert all("mln" in text for text in figure.layout.yaxis.ticktext)
