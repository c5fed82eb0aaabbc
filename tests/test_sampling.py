"""The Monte Carlo sampler: quantile-table PERT draws and Latin hypercube columns, against scipy."""

import numpy as np
import pytest
from scipy import stats

from estimator import Parameters
from estimator.analysis.sensitivity import (
    _QUANTILE_CELLS,
    UncertainRange,
    UncertaintyRanges,
    _pert_from_uniforms,
    _uniforms,
    draw_scenarios,
)

# Shapes from the flattest to the most skewed a PERT takes (alpha, beta from 1 to 5).
RANGES = [
    UncertainRange("churn_rate", 0.1, 0.1, 0.5),  # mode at the low end: alpha = 1
    UncertainRange("churn_rate", 0.1, 0.12, 0.5),
    UncertainRange("churn_rate", 0.1, 0.3, 0.5),
    UncertainRange("churn_rate", 0.1, 0.49, 0.5),
    UncertainRange("churn_rate", 0.1, 0.5, 0.5),  # mode at the high end: beta = 1
]


@pytest.mark.parametrize("item", RANGES, ids=lambda item: f"mode={item.most_likely}")
def test_quantile_table_draws_equal_scipy_ppf_everywhere_and_closely_in_the_body(item):
    alpha, beta = item.pert_shape()
    width = item.high - item.low
    # Every cell boundary, cell midpoints, and points deep in both tails.
    u = np.unique(
        np.concatenate(
            [
                np.linspace(0, 1, 4 * _QUANTILE_CELLS + 1),
                np.geomspace(1e-12, 1e-2, 500),
                1 - np.geomspace(1e-12, 1e-2, 500),
            ]
        )
    )
    exact = item.low + width * stats.beta.ppf(u, alpha, beta)
    drawn = _pert_from_uniforms(item, u.copy())
    error = np.abs(drawn - exact) / width
    assert error.max() < 3e-4  # the accuracy of the CDF table used for the tails (and for Sobol)
    body = (u > 0.01) & (u < 0.99)
    assert error[body].max() < 1e-6


def test_quantile_table_keeps_draws_inside_the_range_and_leaves_its_input_alone():
    item = RANGES[2]
    u = np.array([0.0, 1e-300, 0.5, np.nextafter(1.0, 0.0), 1.0])
    before = u.copy()
    drawn = _pert_from_uniforms(item, u)
    assert np.array_equal(u, before)
    assert drawn[0] == item.low and drawn[-1] == pytest.approx(item.high, abs=1e-15)
    assert np.all((drawn >= item.low) & (drawn <= item.high))
    assert np.all(np.diff(drawn) >= 0)


def test_latin_hypercube_column_has_exactly_one_number_in_each_stratum():
    rng = np.random.default_rng(5)
    for draws in (1, 7, 1000):
        u = _uniforms(rng, draws, "lhs")
        assert np.array_equal(np.sort(np.floor(u * draws)), np.arange(draws))
        assert np.all((u >= 0) & (u < 1))


def test_draws_follow_the_pert_distribution():
    # Kolmogorov-Smirnov against scipy's Beta, for independent and Latin hypercube draws.
    item = RANGES[1]
    ranges = UncertaintyRanges({"churn_rate": item})
    alpha, beta = item.pert_shape()
    for sampling in ("random", "lhs"):
        values = draw_scenarios(ranges, 50_000, seed=11, sampling=sampling)["churn_rate"]
        statistic, p_value = stats.kstest((values - item.low) / (item.high - item.low), stats.beta(alpha, beta).cdf)
        assert p_value > 1e-3, (sampling, statistic)
    # A Latin hypercube fits far better than chance: its KS distance is about 1/draws.
    lhs = draw_scenarios(ranges, 50_000, seed=11, sampling="lhs")["churn_rate"]
    assert stats.kstest((lhs - item.low) / (item.high - item.low), stats.beta(alpha, beta).cdf).statistic < 1e-3


def test_only_parameters_with_a_range_are_drawn_and_the_seed_fixes_every_draw():
    params = Parameters()
    ranges = UncertaintyRanges.around(params, {"churn_rate": (0.18, 0.18), "horizon_years": (3, 8)})
    first = draw_scenarios(ranges, 1000, seed=3, sampling="random")
    assert "churn_rate" not in first and set(first) == set(ranges.uncertain)
    again = draw_scenarios(ranges, 1000, seed=3, sampling="random")
    assert all(np.array_equal(first[key], again[key]) for key in first)
    other = draw_scenarios(ranges, 1000, seed=4, sampling="random")
    assert not np.array_equal(first["service_share"], other["service_share"])
    # Whole-number parameters come out whole.
    years = first["horizon_years"]
    assert np.array_equal(years, np.rint(years)) and set(np.unique(years)) <= set(range(3, 9)) and len(np.unique(years)) > 3
