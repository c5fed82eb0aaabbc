"""Properties of the model over the whole valid parameter space (hypothesis)."""

import math

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from reference_model import reference_outputs

from estimator import CHANNELS, PARAMETER_SPECS, estimate, evaluate


def value_strategy(spec):
    if spec.kind == "choice":
        return st.sampled_from(spec.choices)
    if spec.kind == "integer":
        return st.integers(int(spec.min), int(spec.max))
    return st.floats(spec.min, spec.max, allow_nan=False, allow_infinity=False)


scenarios = st.fixed_dictionaries({key: value_strategy(spec) for key, spec in PARAMETER_SPECS.items()})
UNDEFINABLE = {"share_of_revenue", "implied_service_share"}


def scale(p):
    """A size against which rounding in money figures is judged: every channel's largest possible value."""
    customers = p["customers"] * (1 + p["wom_reach"]) + p["prospect_contacts"]
    return customers * (p["annual_value"] + p["acquisition_cost"]) * p["horizon_years"] + 1.0


@settings(max_examples=400, deadline=None)
@given(scenarios)
def test_every_output_is_finite_unless_undefined(p):
    outputs = evaluate(p)
    for name in outputs.names():
        value = float(outputs[name])
        denominator = {
            "share_of_revenue": p["customers"] * p["annual_value"],
            "implied_service_share": p["customers"] * p["churn_rate"],
        }.get(name)
        if denominator is not None and math.isnan(value):
            # Undefined only with no denominator, or one so small that the ratio overflows.
            assert denominator < 1e-290, name
        else:
            assert math.isfinite(value), name


@settings(max_examples=400, deadline=None)
@given(scenarios)
def test_channels_sum_to_total(p):
    outputs = evaluate(p)
    channels = [float(outputs[c]) for c in CHANNELS]
    assert math.isclose(math.fsum(channels), float(outputs.total), rel_tol=1e-12, abs_tol=1e-12 * sum(map(abs, channels)))


@settings(max_examples=400, deadline=None)
@given(scenarios)
def test_agrees_with_the_plain_scalar_transcription(p):
    outputs = evaluate(p)
    expected = reference_outputs(p)
    revenue_tolerance = 1e-9 * scale(p)
    for name, value in expected.items():
        atol = 1e-9 * (p["customers"] * (1 + p["wom_reach"]) + 1) if "customers" in name else revenue_tolerance
        if name in UNDEFINABLE:
            atol = 1e-9
        assert_allclose(outputs[name], value, rtol=1e-9, atol=atol, equal_nan=True, err_msg=name)


@settings(max_examples=300, deadline=None)
@given(scenarios, st.floats(1e-3, 1e3))
def test_revenue_is_proportional_to_annual_value(p, factor):
    assume(p["annual_value"] * factor <= PARAMETER_SPECS["annual_value"].max)
    base, scaled = evaluate(p), evaluate(p, annual_value=p["annual_value"] * factor)
    for name in ("total", *CHANNELS, "profit_lost", "value_at_risk"):
        assert_allclose(scaled[name], factor * base[name], rtol=1e-9, atol=1e-300, err_msg=name)
    # Customer counts do not depend on the value of a customer.
    assert_allclose(scaled.customers_lost_total, base.customers_lost_total, rtol=1e-12)


def _rises(p, key, low, high):
    low, high = sorted((low, high))
    before = float(evaluate(p, **{key: low}).total)
    after = float(evaluate(p, **{key: high}).total)
    # Mathematically never lower; allow for rounding where two terms cancel exactly (x = y = 1).
    assert after >= before - 1e-12 * scale(p), (key, low, high, before, after)


unit = st.floats(0, 1, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(scenarios, unit, unit)
def test_total_never_falls_when_service_share_rises(p, low, high):
    _rises(p, "service_share", low, high)


@settings(max_examples=300, deadline=None)
@given(scenarios, unit, unit)
def test_total_never_falls_when_churn_unresolved_rises_bottom_up(p, low, high):
    _rises({**p, "method": "bottom_up"}, "churn_unresolved", low, high)


@settings(max_examples=300, deadline=None)
@given(scenarios, unit, unit)
def test_churn_unresolved_moves_top_down_total_only_through_spending(p, low, high):
    # MODEL.md's top-down retention (N·c·s) ignores cu, while spending cuts fall as more
    # unresolved complainers leave: the total falls by exactly Cun·Δcu·x·y·V.
    p = {**p, "method": "top_down"}
    before, after = evaluate(p, churn_unresolved=low), evaluate(p, churn_unresolved=high)
    unresolved = p["customers"] * p["complaint_rate"] * (1 - p["resolved_share"])
    change = -unresolved * (high - low) * p["spend_cut_share"] * p["spend_cut_depth"] * p["annual_value"]
    assert_allclose(after.total - before.total, change, atol=1e-9 * scale(p))


@settings(max_examples=300, deadline=None)
@given(scenarios, unit, unit)
def test_total_never_falls_when_abandon_rate_rises(p, low, high):
    _rises(p, "abandon_rate", low, high)


@settings(max_examples=300, deadline=None)
@given(scenarios, st.floats(0, 365), st.floats(0, 365))
def test_total_never_falls_when_incidents_per_year_rise(p, low, high):
    _rises(p, "incidents_per_year", low, high)


@settings(max_examples=50, deadline=None)
@given(st.lists(scenarios, min_size=1, max_size=20))
def test_a_batch_equals_its_scenarios_one_by_one(batch):
    arrays = {key: np.array([p[key] for p in batch]) for key in PARAMETER_SPECS}
    outputs = evaluate(arrays)
    for i, p in enumerate(batch):
        single = estimate(p)
        assert_allclose(outputs.total[i], single.total, rtol=0, atol=0)
        assert_allclose(outputs.value_at_risk[i], single.value_at_risk, rtol=0, atol=0)
