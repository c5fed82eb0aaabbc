"""The uncertainty figures draw exactly the analyses' numbers."""

import numpy as np
from numpy.testing import assert_allclose

from estimator import Parameters
from estimator.analysis.sensitivity import heatmap, levers, monte_carlo, sobol_indices, spider, tornado
from estimator.figures.uncertainty import (
    distribution_chart,
    heatmap_chart,
    levers_chart,
    sobol_chart,
    spider_chart,
    tornado_chart,
)

BASE = Parameters()


def test_tornado_bars_run_from_the_base_to_each_end():
    result = tornado(BASE)
    figure = tornado_chart(result, currency="EUR", labels={"churn_rate": "Churn"}, top=5)
    low, high = figure.data
    rows = result.to_frame().head(5).iloc[::-1]
    assert_allclose(np.array(low.x) + low.base, rows["total_at_low"])
    assert_allclose(np.array(high.x) + high.base, rows["total_at_high"])
    assert high.y[-1] == "Churn"  # the largest swing is drawn on top


def test_distribution_chart_shows_shares_and_percentiles():
    result = monte_carlo(BASE, draws=5000, seed=1, threshold=7e6)
    figure = distribution_chart(result, currency="EUR")
    assert_allclose(sum(figure.data[0].y), 1.0)
    marked = [shape.x0 for shape in figure.layout.shapes]
    for name in ("p5", "p50", "p95"):
        assert result.percentiles[name] in marked
    assert result.point_estimate in marked and 7e6 in marked


def test_sobol_levers_spider_and_heatmap_figures_carry_the_results():
    indices = sobol_indices(BASE, n=128, seed=1)
    total, first = sobol_chart(indices, top=4).data
    assert_allclose(total.x, indices["ST"].head(4).iloc[::-1])
    assert_allclose(first.x, indices["S1"].head(4).iloc[::-1])
    table = levers(BASE)
    bars = levers_chart(table, currency="EUR").data[0]
    assert_allclose(sorted(bars.x), sorted(table["recovered"]))
    frame = spider(BASE)
    lines = spider_chart(frame, keys=["churn_rate", "service_share"]).data
    assert [line.name for line in lines] == ["churn_rate", "service_share"]
    assert_allclose(lines[0].y, frame[frame["parameter"] == "churn_rate"]["total"])
    grid = heatmap(BASE, "churn_rate", "service_share", points=4)
    assert_allclose(heatmap_chart(grid).data[0].z, grid.values)
