"""Interventions under MODEL.md v2: the top-down count follows complaint handling.

Hand-computed lever values of the default scenario, the rule for a non-positive bottom-up
count, and a property over the whole valid space: no intervention that lowers cu, cs or cr,
or raises h, shows a loss under top-down, except in the two documented cases named below.
"""

import json

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from test_model_properties import value_strategy

from estimator import ParameterError, Parameters, estimate
from estimator.analysis.sensitivity import (
    BOTTOM_UP_KEYS,
    RULE_DIFFERENCE,
    RULE_SCALED,
    RULE_SHIFTED,
    evaluate_intervention,
    initiative_roi,
    intervention_rule,
    levers,
    monte_carlo,
    tornado,
)
from estimator.cli import main
from estimator.core.model import evaluate
from estimator.core.parameters import PARAMETER_SPECS

BASE = Parameters()

# The default scenario by hand (MODEL.md's defaults):
#   complainers C = 100,000 x 0.10 = 10,000; resolved 6,700, unresolved 3,300; silent S = 100,000 x 0.25 = 25,000
#   Lbu = 6,700 x (0.15-0.12) + 3,300 x (0.40-0.12) + 25,000 x (0.30-0.12) = 201 + 924 + 4,500 = 5,625
#   Ltd = 100,000 x 0.18 x 0.40 = 7,200
#   a customer lost costs V = 600 in retention and w x i x V = 9 x 0.01 x 600 = 54 in word of mouth: 654 in all;
#   a dissatisfied customer who stays costs x x y x V = 0.3 x 0.2 x 600 = 36 in spending cuts.
PER_CUSTOMER_LOST = 600 + 54
PER_CUSTOMER_KEPT = 36


def test_default_levers_by_hand_under_top_down():
    table = levers(BASE)
    assert (table["rule"] == RULE_SCALED).all()
    # Win back unresolved complainers, cu 0.40 -> 0.30: Lbu' = 5,625 - 3,300 x 0.10 = 5,295,
    # Ltd' = 7,200 x 5,295 / 5,625 = 6,777.6, so 422.4 fewer customers lost (x 654 = 276,249.6);
    # 330 more unresolved complainers stay and cut spending (x 36 = 11,880): 264,369.6 recovered.
    assert table.loc["churn_unresolved", "recovered"] == pytest.approx(422.4 * PER_CUSTOMER_LOST - 330 * PER_CUSTOMER_KEPT)
    assert table.loc["churn_unresolved", "recovered"] == pytest.approx(264_369.6)
    # Reach silent dissatisfied customers, cs 0.30 -> 0.20: Lbu' = 5,625 - 2,500 = 3,125,
    # Ltd' = 7,200 x 3,125 / 5,625 = 4,000: 3,200 fewer lost (2,092,800) less 2,500 more cutting (90,000).
    assert table.loc["churn_silent", "recovered"] == pytest.approx(3_200 * 654 - 2_500 * 36)
    assert table.loc["churn_silent", "recovered"] == pytest.approx(2_002_800)
    # Resolve more complaints, h 0.67 -> 0.77: resolved 7,700, unresolved 2,300,
    # Lbu' = 7,700 x 0.03 + 2,300 x 0.28 + 4,500 = 231 + 644 + 4,500 = 5,375, Ltd' = 7,200 x 5,375 / 5,625 = 6,880:
    # 320 fewer lost (209,280); 1,000 fewer unresolved, of whom 600 (1 - cu) would have stayed and cut (21,600).
    assert table.loc["resolved_share", "recovered"] == pytest.approx(320 * 654 + 600 * 36)
    assert table.loc["resolved_share", "recovered"] == pytest.approx(230_880)
    # Fewer resignations over service, s 0.40 -> 0.30, changes Ltd directly: 1,800 fewer lost, as in v1.
    assert table.loc["service_share", "recovered"] == pytest.approx(1_800 * 654)
    # The bottom-up view is unchanged: e.g. cu lowers Lbu by 330 (x 654) and adds 330 cutting spending.
    assert table.loc["churn_unresolved", "recovered_bottom_up"] == pytest.approx(330 * 654 - 330 * 36)
    assert table.loc["churn_silent", "recovered_bottom_up"] == pytest.approx(2_500 * 654 - 2_500 * 36)
    # No good action shows as a loss in the default chart any more.
    assert (table["recovered"] > 0).all()
    assert table.loc["resolved_share", "recovered_profit"] == pytest.approx(230_880 * 0.35)


def test_levers_outside_the_bottom_up_count_are_the_plain_difference():
    table = levers(BASE)
    for key, row in table.iterrows():
        if key in BOTTOM_UP_KEYS:
            continue
        assert row["recovered"] == pytest.approx(estimate(BASE).total - estimate(BASE, **{key: row["to"]}).total, rel=1e-12)


def test_under_bottom_up_both_columns_are_the_plain_difference():
    params = BASE.replace(method="bottom_up")
    table = levers(params)
    assert (table["rule"] == RULE_DIFFERENCE).all()
    for key, row in table.iterrows():
        expected = estimate(params).total - estimate(params, **{key: row["to"]}).total
        assert row["recovered"] == pytest.approx(expected) and row["recovered_bottom_up"] == pytest.approx(expected)


def test_a_non_positive_bottom_up_count_shifts_the_top_down_count():
    # Resolved complainers far more loyal than the baseline: Lbu = 6,700 x (0.0 - 0.30) + 3,300 x 0.10 + 0 = -1,680.
    params = BASE.replace(baseline_churn=0.30, churn_resolved=0.0, churn_unresolved=0.40, churn_silent=0.30)
    assert float(evaluate(params).bottom_up_customers) == pytest.approx(-1_680)
    assert intervention_rule(params) == RULE_SHIFTED
    # cu 0.40 -> 0.30: Lbu' - Lbu = -330, so Ltd' = 7,200 - 330 = 6,870: 330 fewer lost less 330 more cutting spending.
    result = evaluate_intervention(params, {"churn_unresolved": 0.30})
    assert float(result.improved.top_down_customers) == pytest.approx(6_870)
    assert float(result.recovered()) == pytest.approx(330 * 654 - 330 * 36)
    assert (levers(params)["rule"] == RULE_SHIFTED).all()


def test_value_at_risk_and_replacement_cost_use_the_moved_count():
    result = evaluate_intervention(BASE, {"churn_silent": 0.20})
    # Ltd' = 4,000 (see above): replacement cost = (4,000 + incident customers) x 150.
    incidents = float(result.base.customers_lost_incidents)
    assert float(result.improved.replacement_cost) == pytest.approx((4_000 + incidents) * 150)
    assert float(result.improved.customers_lost_retention) == pytest.approx(4_000)
    # Value at risk: the 3,200 customers and their word of mouth over the horizon factor, less the extra spending cuts.
    factor = float(result.base.horizon_factor)
    assert float(result.recovered("value_at_risk")) == pytest.approx((3_200 * 654 - 2_500 * 36) * factor)


def test_initiatives_use_the_same_rule_and_show_both_values():
    plan = initiative_roi(BASE, {"resolved_share": 0.77}, one_off_cost=100_000, yearly_cost=20_000)
    assert plan.rule == RULE_SCALED
    assert plan.revenue_recovered == pytest.approx(230_880)
    assert plan.revenue_recovered_bottom_up == pytest.approx(levers(BASE).loc["resolved_share", "recovered_bottom_up"])
    assert plan.profit_recovered == pytest.approx(230_880 * 0.35)
    assert plan.payback_months == pytest.approx(12 * 100_000 / (230_880 * 0.35 - 20_000))
    # Combined changes: c and h at once; c moves Ltd directly, h in proportion to Lbu.
    both = evaluate_intervention(BASE, {"churn_rate": 0.15, "resolved_share": 0.77})
    assert float(both.improved.top_down_customers) == pytest.approx(100_000 * 0.15 * 0.40 * 5_375 / 5_625)
    with pytest.raises(ParameterError, match=r"resolved_share: 1\.5"):
        initiative_roi(BASE, {"resolved_share": 1.5}, one_off_cost=0)
    with pytest.raises(ParameterError, match="method"):
        evaluate_intervention(BASE, {"method": "bottom_up"})


def test_uncertainty_analyses_do_not_use_the_rule():
    # The tornado's swing of cu is the plain evaluation: uncertainty about cu does not move the measured Ltd.
    row = tornado(BASE).to_frame().loc["churn_unresolved"]
    assert row["total_at_low"] == pytest.approx(float(evaluate(BASE, churn_unresolved=row["low"]).total))
    result = monte_carlo(BASE, draws=200, seed=1)
    assert result.point_estimate == float(evaluate(BASE).total)


def test_cli_levers_json_has_the_rule(capsys):
    assert main(["sensitivity", "--kind", "levers", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {row["parameter"] for row in rows} >= {"resolved_share", "churn_unresolved", "churn_silent"}
    assert all(row["rule"] == RULE_SCALED for row in rows)
    by_key = {row["parameter"]: row for row in rows}
    assert by_key["churn_unresolved"]["recovered"] == pytest.approx(264_369.6)
    assert set(by_key["churn_unresolved"]) == {
        "parameter",
        "lever",
        "from",
        "to",
        "recovered",
        "recovered_bottom_up",
        "recovered_profit",
        "rule",
    }


# --- Property over the whole valid space --------------------------------------------------------


scenarios = st.fixed_dictionaries({key: value_strategy(spec) for key, spec in PARAMETER_SPECS.items()}).map(
    lambda values: {**values, "method": "top_down"}
)
fractions = st.floats(1e-6, 1.0, allow_nan=False)


def _tolerance(intervention) -> float:
    return 1e-9 * (abs(float(intervention.base.total)) + abs(float(intervention.improved.total)) + 1.0)


def _lower(values, key, fraction):
    return {key: values[key] * (1 - fraction)}


@settings(max_examples=300, deadline=None)
@given(scenarios, fractions)
def test_lowering_churn_of_resolved_complainers_never_loses(values, fraction):
    params = Parameters(values)
    result = evaluate_intervention(params, _lower(values, "churn_resolved", fraction))
    assert float(result.recovered()) >= -_tolerance(result)


@settings(max_examples=300, deadline=None)
@given(scenarios, st.sampled_from(["churn_unresolved", "churn_silent"]), fractions)
def test_lowering_churn_of_unresolved_or_silent_never_loses(values, key, fraction):
    """Documented exception: Ltd < x·y·Lbu (with Lbu > 0).

    The customers kept then stay and cut their spending; under bottom-up each one kept is a
    customer not lost (x·y <= 1), but under top-down the count falls only by Ltd/Lbu per
    customer kept, which is less than the spending cut x·y when the measured top-down count
    is tiny against the bottom-up one (e.g. a service share near zero).
    """
    params = Parameters(values)
    base = evaluate(params)
    lbu, ltd = float(base.bottom_up_customers), float(base.top_down_customers)
    assume(lbu <= 0 or ltd >= values["spend_cut_share"] * values["spend_cut_depth"] * lbu)
    result = evaluate_intervention(params, _lower(values, key, fraction))
    assert float(result.recovered()) >= -_tolerance(result)


@settings(max_examples=300, deadline=None)
@given(scenarios, fractions)
def test_raising_resolved_share_never_loses(values, fraction):
    """Documented exception: cr > cu, resolved complainers churning more than unresolved ones.

    Then resolving a complaint raises the bottom-up count (a loss under bottom-up too);
    the scenario contradicts what the two parameters mean, and the property excludes it.
    """
    assume(values["churn_resolved"] <= values["churn_unresolved"])
    params = Parameters(values)
    target = values["resolved_share"] + (1 - values["resolved_share"]) * fraction
    result = evaluate_intervention(params, {"resolved_share": target})
    assert float(result.recovered()) >= -_tolerance(result)


def test_the_documented_exceptions_exist():
    # Exception 1: a service share near zero; Ltd = 100,000 x 0.18 x 0.001 = 18 < x·y·Lbu = 0.06 x 5,625 = 337.5.
    tiny = BASE.replace(service_share=0.001)
    assert float(evaluate_intervention(tiny, {"churn_silent": 0.2}).recovered()) < 0
    # Exception 2: resolved complainers churn more than unresolved ones (cr 0.5 > cu 0.2).
    odd = BASE.replace(churn_resolved=0.5, churn_unresolved=0.2)
    assert float(evaluate_intervention(odd, {"resolved_share": 0.77}).recovered()) < 0


def test_broadcast_interventions_match_one_at_a_time():
    values = np.array([0.35, 0.30, 0.25])
    batch = evaluate_intervention(BASE, {"churn_unresolved": values}).recovered()
    single = [float(evaluate_intervention(BASE, {"churn_unresolved": v}).recovered()) for v in values]
    np.testing.assert_allclose(batch, single, rtol=1e-12)


# --- Where the values are shown -----------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "pl", "hu", "nl", "el"])
def test_levers_chart_shows_both_values_and_says_how_they_relate(lang):
    from estimator.figures.uncertainty import levers_chart
    from estimator.text.i18n import language_scope, t

    table = levers(BASE)
    with language_scope(lang):
        figure = levers_chart(table, currency="EUR", locale=lang)
        note = t("interventions.note_scaled")
        method, bottom_up = t("interventions.series_method"), t("interventions.series_bottom_up")
    assert [trace.name for trace in figure.data] == [method, bottom_up]
    np.testing.assert_allclose(sorted(figure.data[0].x), sorted(table["recovered"]))
    np.testing.assert_allclose(sorted(figure.data[1].x), sorted(table["recovered_bottom_up"]))
    text = figure.layout.annotations[0].text.replace("<br>", " ")
    assert text == note and "interventions." not in text
    assert min(figure.data[0].x) > 0  # no good action drawn as a loss
    # Under bottom-up one series and no sentence: there is nothing to reconcile.
    plain = levers_chart(levers(BASE.replace(method="bottom_up")), currency="EUR")
    assert len(plain.data) == 1 and not plain.layout.annotations


def test_deck_levers_slide_has_both_series_and_the_sentence():
    import io

    from pptx import Presentation

    from estimator.reports import build_content, pptx_bytes
    from estimator.text.i18n import t

    content = build_content(BASE, draws=200, seed=1)
    deck = Presentation(io.BytesIO(pptx_bytes(content)))
    title = t("report.levers.title")
    slide = next(s for s in deck.slides if any(sh.has_text_frame and sh.text_frame.text == title for sh in s.shapes))
    chart = next(sh.chart for sh in slide.shapes if sh.has_chart)
    names = [series.name for series in chart.plots[0].series]
    assert names == [t("interventions.series_method"), t("interventions.series_bottom_up")]
    by_lever = dict(zip(chart.plots[0].categories, chart.plots[0].series[0].values, strict=True))
    assert by_lever[t("lever.churn_unresolved")] == pytest.approx(264_369.6)
    texts = [sh.text_frame.text for sh in slide.shapes if sh.has_text_frame]
    assert t("interventions.note_scaled") in texts
