"""The model against figures computed by hand from MODEL.md's formulas."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from estimator import Parameters, estimate, evaluate, load_preset


def test_defaults_reproduce_model_md_figures():
    est = estimate()
    # Pools: C = 100,000 x 0.10; Cres = 6,700; Cun = 3,300; S = 100,000 x min(0.25, 0.90) = 25,000.
    assert_allclose(est.retention, 100_000 * 0.18 * 0.40 * 600)  # 4,320,000
    assert_allclose(est.spend_reduction, (3_300 * 0.60 + 25_000 * 0.70) * 0.30 * 0.20 * 600)  # 701,280
    assert_allclose(est.missed_contacts, 20_000 * 0.10 * 0.20 * 600)  # 240,000
    assert_allclose(est.word_of_mouth, 7_200 * 9 * 0.01 * 600)  # 388,800
    downtime = 100_000 * 600 * (6 / 8760) * 0.30
    assert_allclose(est.incidents, 750 * 600 + downtime)  # 462,328.77
    assert_allclose(est.total, 4_320_000 + 701_280 + 240_000 + 388_800 + 450_000 + downtime)
    # MODEL.md rounds to: total 6.11 M (10.2 %), channels 4.32 / 0.70 / 0.24 / 0.39 / 0.46 M.
    assert round(est.total / 1e6, 2) == 6.11
    assert round(est.share_of_revenue, 3) == 0.102
    assert [round(v / 1e6, 2) for v in est.channels.values()] == [4.32, 0.70, 0.24, 0.39, 0.46]


def test_defaults_cross_check_and_derived_outputs():
    est = estimate()
    assert_allclose(est.bottom_up_customers, 6_700 * 0.03 + 3_300 * 0.28 + 25_000 * 0.18)  # 5,625
    assert_allclose(est.top_down_customers, 7_200)
    assert_allclose(est.implied_service_share, 5_625 / 18_000)  # 31 %
    assert_allclose(est.profit_lost, est.total * 0.35)
    assert_allclose(est.replacement_cost, (7_200 + 750) * 150)
    q = 0.82 / 1.08
    horizon = 1 + q + q**2 + q**3 + q**4
    lost_customers = 7_200 + 400 + 648 + 750
    downtime = 100_000 * 600 * (6 / 8760) * 0.30
    assert_allclose(est.value_at_risk, lost_customers * 600 * horizon + 701_280 * horizon + downtime)


def test_bottom_up_method_drives_retention_and_word_of_mouth():
    est = estimate(method="bottom_up")
    assert_allclose(est.retention, 5_625 * 600)  # 3,375,000
    assert_allclose(est.word_of_mouth, 5_625 * 9 * 0.01 * 600)  # 303,750
    assert_allclose(est.replacement_cost, (5_625 + 750) * 150)
    # Spending cuts, missed contacts and incidents do not depend on the method.
    top_down = estimate()
    for channel in ("spend_reduction", "missed_contacts", "incidents"):
        assert getattr(est, channel) == getattr(top_down, channel)
    assert_allclose(est.total, 3_375_000 + 701_280 + 240_000 + 303_750 + top_down.incidents)


def test_silent_cap_binds_and_is_reported():
    # r x k = 0.3 x 5 = 1.5 of customers, but only 70 % did not complain.
    est = estimate(complaint_rate=0.3, silent_ratio=5)
    assert_allclose(est.silent_customers, 70_000)
    assert [w.code for w in est.warnings].count("silent_cap") == 1
    assert "70.0%" in next(w.message for w in est.warnings if w.code == "silent_cap")
    assert "silent_cap" not in [w.code for w in estimate().warnings]


def test_negative_group_is_shown_not_hidden():
    # Resolved complainers churn 5 % against a 12 % baseline: 6,700 x -0.07 = -469 customers.
    est = estimate(churn_resolved=0.05)
    assert_allclose(est.bottom_up_resolved, -469)
    assert_allclose(est.bottom_up_customers, -469 + 924 + 4_500)
    assert "negative_bottom_up_resolved" in [w.code for w in est.warnings]


def test_negative_bottom_up_loses_no_word_of_mouth_customers():
    est = estimate(method="bottom_up", churn_resolved=0.0, churn_unresolved=0.0, churn_silent=0.0)
    assert est.bottom_up_customers < 0
    assert_allclose(est.retention, est.bottom_up_customers * 600)
    assert est.word_of_mouth == 0
    assert_allclose(est.replacement_cost, 750 * 150)  # only incident customers are replaced
    assert "negative_bottom_up" in [w.code for w in est.warnings]


def test_undefined_outputs_are_none_and_warned():
    est = estimate(annual_value=0)
    assert math.isnan(est.share_of_revenue)
    assert est.to_dict()["share_of_revenue"] is None
    assert "share_undefined" in [w.code for w in est.warnings]
    no_churn = estimate(churn_rate=0)
    assert no_churn.to_dict()["cross_check"]["implied_service_share"] is None
    assert "implied_share_undefined" in [w.code for w in no_churn.warnings]


def test_incident_edge_cases():
    # No incidents: no customers lost, even when every affected customer would leave (0 x log 0).
    assert estimate(incidents_per_year=0, incident_reach=1, incident_churn=1).incidents == 0
    # Everyone affected and everyone leaves: all customers lost after one incident.
    assert_allclose(estimate(incidents_per_year=3, incident_reach=1, incident_churn=1).customers_lost_incidents, 100_000)
    # Tiny risk: 1 - (1 - 1e-12)^2 ~ 2e-12, kept accurate rather than rounded to zero.
    assert_allclose(
        estimate(incident_reach=1e-6, incident_churn=1e-6, incidents_per_year=2).customers_lost_incidents,
        100_000 * (1 - (1 - 1e-12) ** 2),
        rtol=1e-4,
    )
    # Downtime of 365 incidents of 48 hours is capped at the whole year.
    capped = estimate(incidents_per_year=365, incident_hours=48)
    assert_allclose(capped.downtime_revenue, 100_000 * 600 * 0.30)
    assert "downtime_capped" in [w.code for w in capped.warnings]


@pytest.mark.parametrize(
    ("churn", "discount", "years", "expected"),
    [
        (0.0, 0.0, 7, 7.0),  # q = 1: every year counts in full
        (1.0, 0.08, 5, 1.0),  # everyone leaves after the first year
        (0.18, 0.08, 1, 1.0),
        (0.18, 0.08, 3, 1 + 0.82 / 1.08 + (0.82 / 1.08) ** 2),
        (1e-12, 0.0, 50, sum((1 - 1e-12) ** j for j in range(50))),  # q a hair below 1
    ],
)
def test_horizon_factor(churn, discount, years, expected):
    outputs = evaluate(churn_rate=churn, discount_rate=discount, horizon_years=years)
    assert_allclose(outputs.horizon_factor, expected, rtol=1e-12)


def test_evaluate_broadcasts_and_matches_single_scenarios():
    churn = np.array([0.05, 0.18, 0.5])
    method = np.array(["top_down", "bottom_up"])[:, None]
    outputs = evaluate(Parameters(), churn_rate=churn, method=method)
    assert outputs.shape == (2, 3)
    for i, m in enumerate(("top_down", "bottom_up")):
        for j, c in enumerate(churn):
            single = estimate(churn_rate=float(c), method=m)
            assert outputs.total[i, j] == single.total
            assert outputs.missed_contacts[i, j] == single.missed_contacts  # broadcast though it is scalar
    frame = outputs.to_frame()
    assert len(frame) == 6 and "implied_service_share" in frame.columns


def test_estimate_views_read_well_in_a_notebook():
    est = estimate(Parameters(name="Demo"))
    frame = est.to_frame()
    assert list(frame.index) == ["retention", "spend_reduction", "missed_contacts", "word_of_mouth", "incidents", "total"]
    assert_allclose(frame.loc["total", "revenue_lost"], frame["revenue_lost"].iloc[:-1].sum())
    assert_allclose(frame["share_of_total"].iloc[:-1].sum(), 1.0)
    assert est.summary().name == "Demo"
    assert "6,112,409 EUR" in est._repr_html_()


def test_large_batches_evaluated_in_blocks_equal_one_pass():
    """Batches above BLOCK_SIZE run block by block in threads; the figures must not change."""
    from estimator.core.model import BLOCK_SIZE, _compute

    rng = np.random.default_rng(7)
    count = 3 * BLOCK_SIZE + 123  # a partial last block too
    arrays = {
        "churn_rate": rng.uniform(0, 1, count),
        "complaint_rate": rng.uniform(0, 1, count),
        "silent_ratio": rng.uniform(0, 10, count),
        "incidents_per_year": rng.uniform(0, 400, count).clip(0, 365),
        "method": rng.choice(["top_down", "bottom_up"], count),
    }
    blocked = evaluate(Parameters(customers=5_000), **arrays)
    values = {
        k: np.asarray(v, dtype=float)
        for k, v in {**Parameters(customers=5_000).model_inputs(), **arrays}.items()
        if k != "method"
    }
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        single_pass = _compute(values, arrays["method"] == "bottom_up")
    for name in blocked.names():
        np.testing.assert_array_equal(blocked[name], single_pass[name], err_msg=name)
    # A two-dimensional grid larger than a block keeps its shape.
    grid = evaluate(churn_rate=np.linspace(0, 1, 300)[:, None], service_share=np.linspace(0, 1, 200)[None, :])
    assert grid.shape == (300, 200)
    assert (
        grid.total[123, 45]
        == estimate(churn_rate=float(np.linspace(0, 1, 300)[123]), service_share=float(np.linspace(0, 1, 200)[45])).total
    )


def test_prospects_lost_beyond_five_percent_of_the_customers_are_flagged():
    # Telecom preset: 100,000 prospect contacts x 0.15 unanswered x 0.25 converting = 3,750 lost a year,
    # 0.75 % of its 500,000 customers; with the 20,000 customers of a small extract they are 18.75 %.
    telecom = load_preset("telecom_cable").parameters
    assert "missed_prospects_large" not in [w.code for w in estimate(telecom).warnings]
    small = estimate(telecom.replace(customers=20_000))
    (warning,) = [w for w in small.warnings if w.code == "missed_prospects_large"]
    assert warning.values["prospects"] == pytest.approx(3750)
    assert warning.values["share"] == pytest.approx(0.1875)
    assert "3,750 would-be customers a year, 18.8% of the customer base (20,000)" in warning.message
    assert "prospect_contacts (100,000)" in warning.message
    # The limit is 5 % of the customers: 3,750 / 75,000 is exactly 5 % (no warning), one customer fewer is over.
    assert "missed_prospects_large" not in [w.code for w in estimate(telecom.replace(customers=75_000)).warnings]
    assert "missed_prospects_large" in [w.code for w in estimate(telecom.replace(customers=74_999)).warnings]
    assert "missed_prospects_large" not in [w.code for w in estimate(telecom.replace(customers=0)).warnings]
