"""The Monte Carlo sampler: quantile-table PERT draws and Latin hypercube columns, against scipy."""

import numpy as np
import pytest
from scipy import stats

from estimator import ParameterError, Parameters, evaluate
from estimator.analysis.sensitivity import (
    _QUANTILE_CELLS,
    UncertainRange,
    UncertaintyRanges,
    _pert_from_uniforms,
    _ScenarioSampler,
    draw_scenarios,
    monte_carlo,
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
    ranges = UncertaintyRanges.around(Parameters())
    for draws in (1, 7, 1000):
        sampler = _ScenarioSampler(ranges, draws, 5, "lhs")
        for key in sampler.keys:
            u = sampler.uniforms(key, 0, draws)
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


def _recipe(ranges, key, draws, seed, sampling):
    """The README's seed contract, written out independently of the sampler."""
    name = tuple(key.encode())
    u = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0, *name))).random(draws)
    if sampling == "lhs":
        # Rao-Sandelius: a random byte per stratum, sorted by it, each run of equal bytes shuffled.
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(1, *name)))
        buckets = rng.integers(0, 256, draws, dtype=np.uint8)
        strata = np.concatenate([np.flatnonzero(buckets == b) for b in range(256)])
        start = 0
        for b in range(256):
            size = int(np.sum(buckets == b))
            if size > 1:
                rng.shuffle(strata[start : start + size])
            start += size
        u = (strata + u) / draws
    values = _pert_from_uniforms(ranges[key], u)
    return np.rint(values) if key == "horizon_years" else values


@pytest.mark.parametrize("sampling", ["random", "lhs"])
def test_draws_follow_the_documented_seed_contract(sampling):
    ranges = UncertaintyRanges.around(Parameters(), {"horizon_years": (3, 8)})
    drawn = draw_scenarios(ranges, 70_001, seed=12, sampling=sampling)  # three blocks, the last a short one
    for key in ranges.uncertain:
        assert np.array_equal(drawn[key], _recipe(ranges, key, 70_001, 12, sampling)), key


@pytest.mark.parametrize("sampling", ["random", "lhs"])
def test_draws_and_results_do_not_depend_on_block_size_or_thread_count(sampling, monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    import estimator.analysis.sensitivity as sensitivity
    import estimator.core.model as model

    params = Parameters()
    ranges = UncertaintyRanges.around(params)
    draws = draw_scenarios(ranges, 50_000, seed=8, sampling=sampling)
    result = monte_carlo(params, ranges, draws=50_000, seed=8, sampling=sampling, threshold=7e6).to_dict()
    one_thread = ThreadPoolExecutor(max_workers=1)
    for block_size, pool in ((777, model._pool()), (4096, one_thread), (100_000, one_thread)):
        monkeypatch.setattr(model, "BLOCK_SIZE", block_size)
        monkeypatch.setattr(sensitivity, "BLOCK_SIZE", block_size)
        monkeypatch.setattr(model, "_pool", lambda pool=pool: pool)
        again = draw_scenarios(ranges, 50_000, seed=8, sampling=sampling)
        assert all(np.array_equal(draws[key], again[key]) for key in draws), block_size
        assert monte_carlo(params, ranges, draws=50_000, seed=8, sampling=sampling, threshold=7e6).to_dict() == result
    one_thread.shutdown()


@pytest.mark.parametrize("sampling", ["random", "lhs"])
def test_monte_carlo_evaluates_exactly_the_drawn_scenarios(sampling):
    params = Parameters()
    ranges = UncertaintyRanges.around(params)
    totals = np.asarray(evaluate(params, **draw_scenarios(ranges, 40_000, seed=21, sampling=sampling)).total)
    result = monte_carlo(params, ranges, draws=40_000, seed=21, sampling=sampling)
    assert list(result.percentiles.values()) == list(np.percentile(totals, [5, 10, 50, 90, 95]))
    assert result.mean == totals.mean()
    assert np.array_equal(result.histogram_counts, np.histogram(totals, bins=50)[0])


def test_a_parameters_draws_do_not_change_when_another_loses_its_range():
    params = Parameters()
    every = draw_scenarios(UncertaintyRanges.around(params), 5000, seed=4, sampling="lhs")
    fewer = draw_scenarios(UncertaintyRanges.around(params, {"customers": (params.customers,) * 2}), 5000, seed=4, sampling="lhs")
    assert "customers" in every and "customers" not in fewer
    assert all(np.array_equal(fewer[key], every[key]) for key in fewer)
    # ... while different parameters do get different numbers.
    assert not np.array_equal(every["churn_rate"], every["service_share"])


@pytest.mark.parametrize("seed", [-1, 1.5, True, "7"])
def test_a_seed_that_is_not_a_whole_number_of_at_least_zero_is_refused_by_name(seed):
    with pytest.raises(ParameterError, match="seed"):
        monte_carlo(Parameters(), draws=100, seed=seed)
    with pytest.raises(ParameterError, match="seed"):
        draw_scenarios(UncertaintyRanges.around(Parameters()), 100, seed=seed)


def test_the_latin_hypercube_shuffle_gives_every_order_equally_often():
    # Every permutation of four strata, over 12,000 seeds: a chi-square test of uniformity. Four
    # strata in 256 buckets often share one, so the in-bucket shuffle is exercised too.
    from itertools import permutations

    from estimator.analysis.sensitivity import _strata

    orders = list(permutations(range(4)))
    counts = dict.fromkeys(orders, 0)
    for seed in range(12_000):
        counts[tuple(_strata(seed, "churn_rate", 4).tolist())] += 1
    assert stats.chisquare(list(counts.values())).pvalue > 1e-3
    shared = sum(
        len(
            set(
                np.random.default_rng(np.random.SeedSequence(s, spawn_key=(1, *b"churn_rate")))
                .integers(0, 256, 4, dtype=np.uint8)
                .tolist()
            )
        )
        < 4
        for s in range(12_000)
    )
    assert shared > 100  # the case of a shared bucket did occur
    # Within buckets too: in a uniform order a stratum is followed by a larger one half the time.
    rises = np.mean([np.mean(np.diff(_strata(seed, "service_share", 2000)) > 0) for seed in range(20)])
    assert rises == pytest.approx(0.5, abs=0.01)
