"""The uncertainty tab, driven headlessly: every figure equals what estimator.analysis.sensitivity computes."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from estimator import estimate, load_preset
from estimator.analysis.sensitivity import DEFAULT_SEED, UncertaintyRanges, heatmap, initiative_roi, monte_carlo
from estimator.core.model import CHANNELS
from estimator.session import CALIBRATED_RANGE, SAVED_RANGE, USER_RANGE, Session
from estimator.text.formatting import format_money, format_share
from estimator.text.i18n import current_locale, language_scope, param_label, t
from ui.main import TABS_KEY
from ui.plots import _CHARTS_ENABLED
from ui.uncertainty import HEATMAP_OUTPUTS, RANGES_KEY

APP = Path(__file__).resolve().parent.parent / "app.py"
GENERIC = load_preset("generic_b2c").parameters


def open_tab(query=None, session=None) -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=90)
    app.session_state[_CHARTS_ENABLED] = True
    app.session_state[TABS_KEY] = t("tabs.sensitivity")
    for key, value in (session or {}).items():
        app.session_state[key] = value
    app.query_params.update(query or {})
    return app.run()


def metric(app: AppTest, label: str) -> str:
    return next(m.value for m in app.metric if m.label == label)


def test_percentiles_and_probability_equal_the_api():
    app = open_tab()
    assert not app.exception
    threshold = float(round(estimate(GENERIC).total, -3))
    result = monte_carlo(GENERIC, UncertaintyRanges.around(GENERIC), draws=10_000, seed=DEFAULT_SEED, threshold=threshold)
    money = lambda v: format_money(v, "EUR", locale="en")  # noqa: E731
    assert metric(app, t("uncertainty.p5")) == money(result.percentiles["p5"])
    assert metric(app, t("uncertainty.p50")) == money(result.percentiles["p50"])
    assert metric(app, t("uncertainty.p95")) == money(result.percentiles["p95"])
    assert metric(app, t("uncertainty.probability_above", threshold=money(threshold))) == format_share(
        result.probability_above, locale="en"
    )
    assert len(app.get("plotly_chart")) >= 4  # distribution, tornado, research, levers
    assert app.text_input(key="uncertainty_seed").value == str(DEFAULT_SEED)  # a name, not an amount: no "2,026"


def test_a_changed_scenario_and_a_custom_range_reach_the_analyses():
    params = GENERIC.replace(churn_rate=0.25, currency="PLN")
    custom = {"service_share": (0.2, 0.6)}
    app = open_tab({"churn_rate": "0.25", "currency": "PLN"}, {RANGES_KEY: custom})
    assert not app.exception
    threshold = float(round(estimate(params).total, -3))
    result = monte_carlo(params, UncertaintyRanges.around(params, custom), draws=10_000, seed=DEFAULT_SEED, threshold=threshold)
    assert metric(app, t("uncertainty.p50")) == format_money(result.percentiles["p50"], "PLN", locale="en")


def test_a_range_that_no_longer_fits_is_set_aside_with_a_message():
    app = open_tab(session={RANGES_KEY: {"churn_rate": (0.3, 0.5)}})  # 0.18 lies below it
    assert not app.exception
    warnings = " ".join(w.value for w in app.warning)
    assert param_label("churn_rate") in warnings and "0.3 to 0.5" in warnings
    # The analyses fall back to the default range, so the figures are still the API's.
    threshold = float(round(estimate(GENERIC).total, -3))
    result = monte_carlo(GENERIC, UncertaintyRanges.around(GENERIC), draws=10_000, seed=DEFAULT_SEED, threshold=threshold)
    assert metric(app, t("uncertainty.p50")) == format_money(result.percentiles["p50"], "EUR", locale="en")


def test_initiative_payback_equals_the_api():
    app = open_tab()
    plan = initiative_roi(GENERIC, {"resolved_share": 0.77}, one_off_cost=100_000.0, yearly_cost=20_000.0)
    assert metric(app, t("uncertainty.revenue_recovered")) == format_money(plan.revenue_recovered, "EUR", locale="en")
    expected = (
        t("uncertainty.never") if plan.payback_months is None else t("uncertainty.months", months=f"{plan.payback_months:.1f}")
    )
    assert metric(app, t("uncertainty.payback")) == expected
    # A bigger one-off cost, typed in the tab, changes the return.
    app.text_input(key="initiative_one_off").set_value("500000").run()
    plan = initiative_roi(GENERIC, {"resolved_share": 0.77}, one_off_cost=500_000.0, yearly_cost=20_000.0)
    assert metric(app, t("uncertainty.roi", years=5)) == format_share(plan.roi, locale="en")


def test_costs_typed_the_polish_way_and_bad_text_is_reported_not_used():
    with language_scope("pl"):
        app = open_tab({"lang": "pl"})
        app.text_input(key="initiative_one_off").set_value("250 000,5").run()
        assert not app.exception and not app.error
        plan = initiative_roi(GENERIC, {"resolved_share": 0.77}, one_off_cost=250_000.5, yearly_cost=20_000.0)
        assert metric(app, t("uncertainty.roi", years=5)) == format_share(plan.roi, locale=current_locale())
        # Text that is not a number stays in its box with a message; the last valid cost is used.
        app.text_input(key="initiative_one_off").set_value("dużo").run()
        assert not app.exception
        assert app.text_input(key="initiative_one_off").value == "dużo"
        message = " ".join(error.value for error in app.error)
        assert "dużo" in message and t("reason.unreadable_number") in message
        assert metric(app, t("uncertainty.roi", years=5)) == format_share(plan.roi, locale=current_locale())


def test_the_heatmap_offers_its_outputs_by_their_names_in_the_language():
    with language_scope("pl"):
        app = open_tab({"lang": "pl"})
        assert not app.exception
        picker = app.selectbox(key="heatmap_output")
        expected = [t(f"channel.{name}") if name in CHANNELS else t(f"output.{name}") for name in HEATMAP_OUTPUTS]
        assert picker.options == expected
        assert not set(picker.options) & set(CHANNELS)  # no raw channel name such as missed_contacts


def test_the_range_table_words_where_a_custom_range_came_from_in_the_language():
    # The session keeps the reasons in English (saved libraries hold them); the table shows them translated.
    custom = {"service_share": (0.2, 0.6), "churn_rate": (0.1, 0.3), "annual_value": (300.0, 700.0)}
    reasons = {"churn_rate": CALIBRATED_RANGE, "annual_value": SAVED_RANGE}
    with language_scope("pl"):
        app = open_tab({"lang": "pl"}, {RANGES_KEY: custom})
        # As a calibration applied and a scenario loaded leave them (the session starts the link's ranges as the user's).
        app.session_state[Session.RANGE_REASONS] = reasons
        app.run()
        assert not app.exception
        (table,) = [frame.value for frame in app.dataframe if "reason" in frame.value.columns]
        shown = dict(zip(table.index, table["reason"], strict=True))
        assert shown["service_share"] == t("uncertainty.reason_user") != USER_RANGE
        assert shown["churn_rate"] == t("uncertainty.reason_calibrated") != CALIBRATED_RANGE
        assert shown["annual_value"] == t("uncertainty.reason_saved") != SAVED_RANGE
    assert app.session_state[Session.RANGE_REASONS] == reasons  # stored as they were


def test_heatmap_of_any_two_assumptions_for_any_figure():
    app = open_tab()
    app.selectbox(key="heatmap_x").set_value("churn_rate")
    app.selectbox(key="heatmap_y").set_value("service_share")
    app.selectbox(key="heatmap_output").set_value("retention").run()
    assert not app.exception
    grid = heatmap(GENERIC, "churn_rate", "service_share", output="retention")
    traces = [trace for chart in app.get("plotly_chart") for trace in json.loads(chart.proto.spec)["data"]]
    (shown,) = [trace for trace in traces if trace.get("type") == "heatmap"]
    z = shown["z"]
    if isinstance(z, dict):  # plotly sends numpy arrays as typed binary data
        z = np.frombuffer(base64.b64decode(z["bdata"]), dtype=z["dtype"]).reshape(grid.values.shape)
    np.testing.assert_array_equal(np.asarray(z), grid.values)


def test_the_tab_and_the_deliverables_price_the_same_default_initiative():
    # One place for the default initiative (issue 15): the tab's first figures are the deck's.
    from estimator.reports import build_content

    app = open_tab()
    priced = build_content(GENERIC).initiative
    assert priced.changes == {"resolved_share": GENERIC.resolved_share + 0.10}
    assert (priced.one_off_cost, priced.yearly_cost) == (100_000.0, 20_000.0)
    assert metric(app, t("uncertainty.revenue_recovered")) == format_money(priced.revenue_recovered, "EUR", locale="en")
    assert app.text_input(key="initiative_one_off").value == "100,000"
    assert app.text_input(key="initiative_yearly").value == "20,000"


def test_shares_are_typed_and_read_in_percent_like_the_sidebar():
    """The initiative box, the range table and the heat map's axes use percent for a share (issue 23)."""
    app = open_tab()
    # The default initiative raises complaints resolved by 10 points: the box says 77, not 0.77.
    box = app.text_input(key="initiative_value_resolved_share")
    assert box.value == "77" and GENERIC.resolved_share == pytest.approx(0.67)
    box.set_value("80").run()
    assert not app.exception and not app.error
    plan = initiative_roi(GENERIC, {"resolved_share": 0.80}, one_off_cost=100_000.0, yearly_cost=20_000.0)
    assert metric(app, t("uncertainty.revenue_recovered")) == format_money(plan.revenue_recovered, "EUR", locale="en")
    # The range table: churn's range around 18% in percent, with its unit said.
    (table,) = [frame.value for frame in app.dataframe if "most_likely" in frame.value.columns]
    assert table.loc["churn_rate", "most_likely"] == pytest.approx(18.0) and table.loc["churn_rate", "unit"] == "%"
    low, high = UncertaintyRanges.around(GENERIC).to_frame().loc["churn_rate", ["low", "high"]]
    assert (table.loc["churn_rate", "low"], table.loc["churn_rate", "high"]) == (
        pytest.approx(low * 100),
        pytest.approx(high * 100),
    )
    assert table.loc["customers", "unit"] == "" and table.loc["annual_value", "unit"] == "EUR"
    # The heat map of two shares: both axes in percent.
    app.selectbox(key="heatmap_x").set_value("churn_rate")
    app.selectbox(key="heatmap_y").set_value("service_share").run()
    (layout,) = [json.loads(c.proto.spec)["layout"] for c in app.get("plotly_chart") if '"heatmap"' in c.proto.spec]
    assert layout["xaxis"]["tickformat"] == ".0%" and layout["yaxis"]["tickformat"] == ".0%"
