"""Sensitivity and uncertainty analyses, checked against direct model evaluations and known results."""

import json
import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from estimator import ParameterError, Parameters, estimate
from estimator.analysis.sensitivity import (
    BOTTOM_UP_KEYS,
    UncertainRange,
    UncertaintyRanges,
    _pert_inverse_cdf,
    heatmap,
    initiative_roi,
    levers,
    monte_carlo,
    sobol_indices,
    spider,
    tornado,
    variance_contributions,
)
from estimator.cli import main
from estimator.core.parameters import NUMERIC_KEYS

BASE = Parameters()


def collapsed(params):
    return UncertaintyRanges.around(params, {key: (params[key], params[key]) for key in NUMERIC_KEYS})


def test_default_ranges_centre_on_the_scenario_and_stay_valid():
    ranges = UncertaintyRanges.around(BASE)
    assert ranges["churn_rate"].low == pytest.approx(0.14) and ranges["churn_rate"].high == pytest.approx(0.28)
    assert all(item.most_likely == BASE[key] for key, item in ranges.items())
    assert all(item.reason for item in ranges.values())
    # Clipped to the valid range: the online retailer's incident reach of 1.0 cannot go higher.
    assert UncertaintyRanges.around(BASE.replace(incident_reach=1.0))["incident_reach"].high == 1.0
    assert "horizon_years" not in ranges.uncertain


@pytest.mark.parametrize(
    ("custom", "message"),
    [
        ({"churn_rate": (0.3, 0.1)}, "low is above its high"),
        ({"churn_rate": (-0.1, 0.3)}, "outside the valid range"),
        ({"churn_rate": (0.2, 0.3)}, "misses the value"),
        ({"churn_rate": (math.nan, 0.3)}, "not a finite range"),
        ({"method": (0, 1)}, "not a parameter with an uncertainty range"),
    ],
)
def test_invalid_ranges_are_rejected_with_a_clear_message(custom, message):
    with pytest.raises(ParameterError, match=message) as caught:
        UncertaintyRanges.around(BASE, custom)
    assert next(iter(custom)) in str(caught.value)


def test_tornado_values_are_the_model_at_low_and_high():
    result = tornado(BASE)
    ranges = UncertaintyRanges.around(BASE)
    assert result.base == estimate(BASE).total
    for key, row in result.to_frame().iterrows():
        assert row["total_at_low"] == estimate(BASE, **{key: ranges[key].low}).total
        assert row["total_at_high"] == estimate(BASE, **{key: ranges[key].high}).total
    swings = result.to_frame()["swing"].to_numpy()
    assert (np.diff(swings) <= 0).all()
    assert len(tornado(BASE, top=5).to_frame()) == 5
    assert tornado(BASE, output="value_at_risk").base == estimate(BASE).value_at_risk


def test_spider_moves_each_parameter_by_a_share_of_its_value_clipped_to_its_range():
    frame = spider(BASE.replace(churn_rate=0.9))
    churn = frame[frame["parameter"] == "churn_rate"].set_index("change")
    assert churn.loc[0.5, "value"] == 1.0  # 0.9 x 1.5 clipped to 1
    assert churn.loc[-0.5, "value"] == pytest.approx(0.45)
    for _, row in frame.sample(20, random_state=1).iterrows():
        assert row["total"] == estimate(BASE.replace(churn_rate=0.9), **{row["parameter"]: row["value"]}).total


def test_heatmap_is_the_model_on_the_grid():
    result = heatmap(BASE, "churn_rate", "service_share", output="retention", points=5)
    assert result.values.shape == (5, 5)
    for i, y in enumerate(result.y_values):
        for j, x in enumerate(result.x_values):
            assert result.values[i, j] == estimate(BASE, churn_rate=x, service_share=y).retention
    with pytest.raises(ParameterError, match="the same parameter twice"):
        heatmap(BASE, "churn_rate", "churn_rate")


def test_monte_carlo_with_every_range_collapsed_gives_exactly_the_point_estimate():
    result = monte_carlo(BASE, collapsed(BASE), draws=1000, seed=1)
    point = estimate(BASE).total
    assert result.point_estimate == point
    assert all(value == point for value in result.percentiles.values())
    assert result.mean == point and result.std_error == 0


@pytest.mark.parametrize("sampling", ["random", "lhs"])
def test_monte_carlo_is_reproducible_ordered_and_binned(sampling):
    first = monte_carlo(BASE, draws=20_000, seed=42, sampling=sampling, threshold=7e6)
    again = monte_carlo(BASE, draws=20_000, seed=42, sampling=sampling, threshold=7e6)
    other = monte_carlo(BASE, draws=20_000, seed=43, sampling=sampling)
    assert first.to_dict() == again.to_dict()
    assert first.mean != other.mean
    values = list(first.percentiles.values())
    assert values == sorted(values)
    assert first.histogram_counts.sum() == 20_000
    assert len(first.histogram_edges) == len(first.histogram_counts) + 1
    assert 0 < first.probability_above < 1


@pytest.mark.parametrize("sampling", ["random", "lhs"])
def test_monte_carlo_mean_matches_the_pert_expectation(sampling):
    # Only churn uncertain: retention = N x c x s x V is linear in c, so its mean is
    # N x s x V x E[c], with the Beta-PERT mean E[c] = (low + 4 x mode + high) / 6.
    ranges = UncertaintyRanges.around(BASE, {**{k: (BASE[k], BASE[k]) for k in NUMERIC_KEYS}, "churn_rate": (0.10, 0.40)})
    result = monte_carlo(BASE, ranges, draws=200_000, seed=7, output="retention", sampling=sampling)
    expected = 100_000 * 0.40 * 600 * (0.10 + 4 * 0.18 + 0.40) / 6
    assert abs(result.mean - expected) < 4 * result.std_error
    # The median of PERT(0.1, 0.18, 0.4) is scipy's Beta median, rescaled.
    alpha, beta = 1 + 4 * 0.08 / 0.3, 1 + 4 * 0.22 / 0.3
    median = 100_000 * 0.40 * 600 * (0.10 + 0.30 * stats.beta.median(alpha, beta))
    assert result.percentiles["p50"] == pytest.approx(median, rel=0.01)


def test_tabulated_pert_inverse_is_close_to_scipy():
    item = UncertainRange("churn_rate", 0.1, 0.12, 0.5)
    u = np.linspace(0, 1, 10_001)
    alpha, beta = item.pert_shape()
    exact = 0.1 + 0.4 * stats.beta.ppf(u, alpha, beta)
    assert np.max(np.abs(_pert_inverse_cdf(item, u) - exact)) < 3e-4 * 0.4


def test_monte_carlo_rejects_bad_settings():
    with pytest.raises(ParameterError, match="draws: 2000000 is not allowed"):
        monte_carlo(BASE, draws=2_000_000)
    with pytest.raises(ParameterError, match="sampling: 'sobol' is not a sampling method"):
        monte_carlo(BASE, sampling="sobol")
    with pytest.raises(ParameterError, match="output: 'revenue' is not a model output"):
        monte_carlo(BASE, output="revenue")


def ishigami(x, a=7.0, b=0.1):
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_sobol_machinery_reproduces_the_published_ishigami_indices():
    # Published values (a = 7, b = 0.1): S1 = 0.3139, 0.4424, 0; ST = 0.5576, 0.4424, 0.2437.
    result = variance_contributions(["x1", "x2", "x3"], lambda u: ishigami(-np.pi + 2 * np.pi * u), n=2**14, seed=1)
    assert_allclose(result.loc[["x1", "x2", "x3"], "S1"], [0.3139, 0.4424, 0.0], atol=0.02)
    assert_allclose(result.loc[["x1", "x2", "x3"], "ST"], [0.5576, 0.4424, 0.2437], atol=0.02)
    assert (result["S1_conf"] > 0).all()


def test_sobol_on_the_model_ranks_a_dominant_assumption_first():
    # Widen churn's range far beyond the others: it must carry most of the variance.
    narrow = {k: (BASE[k] * 0.999, BASE[k] * 1.001) for k in ("annual_value", "service_share", "incident_reach")}
    ranges = UncertaintyRanges.around(BASE, {**{k: (BASE[k], BASE[k]) for k in NUMERIC_KEYS}, **narrow, "churn_rate": (0.0, 1.0)})
    result = sobol_indices(BASE, ranges, n=256, seed=3)
    assert result.index[0] == "churn_rate" and result.loc["churn_rate", "ST"] > 0.95
    only_one = UncertaintyRanges.around(BASE, {**{k: (BASE[k], BASE[k]) for k in NUMERIC_KEYS}, "churn_rate": (0.1, 0.3)})
    with pytest.raises(ParameterError, match="at least two uncertain parameters"):
        sobol_indices(BASE, only_one)
    with pytest.raises(ParameterError, match="a power of two"):
        sobol_indices(BASE, n=1000)


@pytest.mark.parametrize("seed", [0, 5])
def test_sobol_intervals_are_reproducible_with_any_seed_zero_included(seed):
    # SALib's bootstrap of the intervals takes its own seed and ignores a falsy one: seed 0 gave new
    # intervals at every run.
    runs = [sobol_indices(BASE, n=64, seed=seed, num_resamples=20) for _ in range(2)]
    pd.testing.assert_frame_equal(runs[0], runs[1])


def test_levers_recover_the_difference_of_two_model_evaluations():
    # Under top-down, levers on the bottom-up count follow MODEL.md v2's rule (tests/test_interventions.py);
    # every other lever is still the plain difference of two evaluations.
    table = levers(BASE)
    for key, row in table.iterrows():
        assert row["from"] == BASE[key]
        if key not in BOTTOM_UP_KEYS:
            assert row["recovered"] == estimate(BASE).total - estimate(BASE, **{key: row["to"]}).total
        bottom_up = BASE.replace(method="bottom_up")
        assert row["recovered_bottom_up"] == pytest.approx(
            estimate(bottom_up).total - estimate(bottom_up, **{key: row["to"]}).total
        )
    assert table.loc["resolved_share", "to"] == pytest.approx(0.77)  # ten points up
    assert table.loc["abandon_rate", "to"] == pytest.approx(0.09)  # ten per cent down
    assert (np.diff(table["recovered"].to_numpy()) <= 0).all()


def test_initiative_payback_and_roi_by_hand():
    # Service share 40 % -> 30 %: retention falls by 100,000 x 0.18 x 0.10 x 600 = 1,080,000 and word of
    # mouth by 1,800 x 9 x 0.01 x 600 = 97,200; profit recovered = 1,177,200 x 0.35 = 412,020 a year.
    result = initiative_roi(BASE, {"service_share": 0.30}, one_off_cost=500_000, yearly_cost=100_000)
    assert result.revenue_recovered == pytest.approx(1_177_200)
    assert result.profit_recovered == pytest.approx(412_020)
    assert result.payback_months == pytest.approx(12 * 500_000 / 312_020)  # 19.2 months
    annuity = 1 / 1.08 + 1 / 1.08**2 + 1 / 1.08**3 + 1 / 1.08**4 + 1 / 1.08**5  # 3.9927
    assert result.net_present_value == pytest.approx(-500_000 + 312_020 * annuity)
    assert result.roi == pytest.approx((-500_000 + 312_020 * annuity) / (500_000 + 100_000 * annuity))
    never = initiative_roi(BASE, {"service_share": 0.39}, one_off_cost=1_000, yearly_cost=1e6)
    assert never.payback_months is None and never.net_present_value < 0
    assert initiative_roi(BASE, {"service_share": 0.3}, one_off_cost=0).roi is None
    with pytest.raises(ParameterError, match="one_off_cost: -5 is not allowed"):
        initiative_roi(BASE, {"service_share": 0.3}, one_off_cost=-5)
    with pytest.raises(ParameterError, match="service_share: 3"):
        initiative_roi(BASE, {"service_share": 3}, one_off_cost=0)


def test_cli_tornado_and_montecarlo_json(capsys, tmp_path):
    assert main(["sensitivity", "--kind", "tornado", "--format", "json", "--top", "3"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 3 and {"parameter", "low", "high", "total_at_low", "total_at_high"} <= set(rows[0])
    assert rows[0]["total_at_high"] == estimate(BASE, **{rows[0]["parameter"]: rows[0]["high"]}).total

    scenario = tmp_path / "client.toml"
    scenario.write_text("churn_rate = 0.2\n[ranges]\nchurn_rate = { low = 0.15, high = 0.35 }\nservice_share = [0.3, 0.5]\n")
    assert (
        main(
            [
                "sensitivity",
                "--kind",
                "montecarlo",
                "--params",
                str(scenario),
                "--draws",
                "5000",
                "--seed",
                "9",
                "--format",
                "json",
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert (data["draws"], data["seed"]) == (5000, 9)
    assert set(data["percentiles"]) == {"p5", "p10", "p50", "p90", "p95"}
    assert sum(data["histogram"]["counts"]) == 5000 and len(data["histogram"]["edges"]) == 51
    ranges = UncertaintyRanges.around(BASE.replace(churn_rate=0.2), {"churn_rate": (0.15, 0.35), "service_share": (0.3, 0.5)})
    assert data["mean"] == monte_carlo(BASE.replace(churn_rate=0.2), ranges, draws=5000, seed=9).mean

    bad = tmp_path / "bad.toml"
    bad.write_text("[ranges]\nchurn_rate = { low = 'x' }\n")
    assert main(["sensitivity", "--kind", "tornado", "--params", str(bad)]) == 2
    assert "range of 'churn_rate' must have a numeric low and high" in capsys.readouterr().err
