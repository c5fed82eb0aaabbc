"""Every figure builder of :mod:`estimator.figures`, called once on a small scenario, as JSON.

Run as a script (``python tests/figure_gallery.py [--streamlit]``) it prints ``{builder: figure
JSON}``; with ``--streamlit`` it first imports Streamlit's chart element, which makes Streamlit's
plotly template the process's default, as it is inside the app. ``tests/test_figure_templates.py``
runs it both ways in fresh processes and requires the same JSON: a figure must carry its own
template and margins, or the page downloaded from the app lays out differently from the CLI's.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable

import plotly.graph_objects as go


def builders() -> dict[str, Callable[[], go.Figure]]:
    """One call per public figure builder, on the defaults and small analyses (a second or two in all)."""
    from estimator import Parameters, estimate
    from estimator.analysis.compare import attribute_change
    from estimator.analysis.published import published_table, share_comparison
    from estimator.analysis.sensitivity import heatmap, levers, monte_carlo, sobol_indices, spider, tornado
    from estimator.figures import charts, published, scenarios, uncertainty
    from estimator.store.comparison import compare_scenarios

    base = Parameters()
    other = base.replace(churn_rate=0.25, method="bottom_up")
    est = estimate(other)
    labels = {key: key.replace("_", " ") for key in est.channels}
    comparison = compare_scenarios({"Base": base, "Other": other})
    return {
        "channel_waterfall": lambda: charts.channel_waterfall(
            est.channels, labels=labels, total_label="Total", currency="EUR", locale="pl_PL"
        ),
        "channel_bars": lambda: charts.channel_bars(est.channels, labels=labels, currency="EUR"),
        "change_waterfall": lambda: charts.change_waterfall(
            attribute_change(base, other, by="group"),
            baseline_total=estimate(base).total,
            current_total=est.total,
            labels={},
            baseline_label="Before",
            current_label="After",
            currency="EUR",
        ),
        "cross_check_bars": lambda: charts.cross_check_bars(
            est.top_down_customers, est.bottom_up_customers, labels={}, used="bottom_up", title="Cross-check"
        ),
        "tornado_chart": lambda: uncertainty.tornado_chart(tornado(base), currency="EUR"),
        "distribution_chart": lambda: uncertainty.distribution_chart(
            monte_carlo(base, draws=2000, seed=1), currency="EUR", point_label="Point"
        ),
        "sobol_chart": lambda: uncertainty.sobol_chart(sobol_indices(base, n=64, seed=1), top=4),
        "spider_chart": lambda: uncertainty.spider_chart(spider(base), keys=["churn_rate", "service_share"]),
        "heatmap_chart": lambda: uncertainty.heatmap_chart(heatmap(base, "churn_rate", "service_share", points=3)),
        "levers_chart": lambda: uncertainty.levers_chart(levers(base), currency="EUR"),
        "published_chart": lambda: published.published_chart(published_table()),
        "share_chart": lambda: published.share_chart(share_comparison(base)),
        "channel_comparison_bars": lambda: scenarios.channel_comparison_bars(comparison, labels=labels),
        "scenario_waterfall": lambda: scenarios.scenario_waterfall(comparison, "Base", "Other", labels={}),
    }


def gallery() -> dict[str, dict]:
    """``{builder name: the figure as plotly.js receives it}``."""
    import plotly.io as pio

    return {name: json.loads(pio.to_json(build(), validate=False)) for name, build in builders().items()}


if __name__ == "__main__":
    if "--streamlit" in sys.argv:
        import plotly.io as pio
        import streamlit.elements.plotly_chart  # noqa: F401  (sets Streamlit's template as plotly's default)

        assert pio.templates.default == "streamlit", pio.templates.default
    json.dump(gallery(), sys.stdout)
