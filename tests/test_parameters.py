"""Every parameter rejects invalid values with a message naming it, the value and the range."""

import math

import numpy as np
import pytest

from estimator import PARAMETER_SPECS, ParameterError, Parameters, estimate, evaluate
from estimator.core.parameters import NUMERIC_KEYS, parse_value


def invalid_values(spec):
    """Values outside the valid space of one parameter, with the reason expected."""
    values = [
        (math.nan, "NaN"),
        (math.inf, "infinite"),
        (-math.inf, "infinite"),
        ("0.5", "wrong type"),
        (None, "wrong type"),
        (True, "wrong type"),
        ([1], "wrong type"),
        (spec.min - 1, "out of range"),
        (spec.max * 1.5 + 1, "out of range"),
    ]
    if spec.kind == "integer":
        values.append((spec.min + 0.5, "not a whole number"))
    return values


NUMERIC_CASES = [(key, value, reason) for key in NUMERIC_KEYS for value, reason in invalid_values(PARAMETER_SPECS[key])]


@pytest.mark.parametrize(("key", "value", "reason"), NUMERIC_CASES, ids=[f"{k}-{v!r}" for k, v, _ in NUMERIC_CASES])
def test_each_invalid_value_is_rejected_with_a_clear_message(key, value, reason):
    with pytest.raises(ParameterError) as caught:
        Parameters({key: value})
    (problem,) = caught.value.problems
    assert problem.parameter == key
    message = str(caught.value)
    assert message.startswith(f"{key}: {value!r}")
    assert reason in message
    assert PARAMETER_SPECS[key].allowed in message  # e.g. "a number from 0 to 1"


@pytest.mark.parametrize("key", NUMERIC_KEYS)
def test_bounds_are_valid_and_kept_exactly(key):
    spec = PARAMETER_SPECS[key]
    for bound in (spec.min, spec.max):
        assert Parameters({key: bound})[key] == bound  # nothing is clamped or rounded


def test_ranges_are_those_of_model_md():
    assert PARAMETER_SPECS["customers"].allowed == "a number from 0 to 10,000,000,000"
    assert PARAMETER_SPECS["horizon_years"].allowed == "a whole number from 1 to 50"
    assert PARAMETER_SPECS["incident_hours"].max == 8760
    assert PARAMETER_SPECS["silent_ratio"].max == PARAMETER_SPECS["wom_reach"].max == 1000


def test_method_currency_and_unknown_keys():
    with pytest.raises(
        ParameterError, match=r"method: 'sideways' is not a valid choice; allowed: one of 'top_down', 'bottom_up'"
    ):
        Parameters(method="sideways")
    with pytest.raises(ParameterError, match=r"currency: 'EURO' is not a known currency code"):
        Parameters(currency="EURO")
    assert Parameters(currency=" pln ").currency == "PLN"
    with pytest.raises(ParameterError, match=r"churn: 0.2 is an unknown parameter; allowed: known parameters: customers"):
        Parameters(churn=0.2)
    with pytest.raises(ParameterError, match="name: 3 is wrong type"):
        Parameters(name=3)


def test_every_problem_is_reported_at_once():
    with pytest.raises(ParameterError) as caught:
        Parameters(churn_rate=1.2, customers=-5, colour="red")
    assert caught.value.parameters == ["churn_rate", "customers", "colour"]


def test_parameters_are_immutable_and_replace_validates():
    p = Parameters()
    with pytest.raises(AttributeError):
        p.churn_rate = 0.5
    assert p.replace(churn_rate=0.5).churn_rate == 0.5 and p.churn_rate == 0.18
    with pytest.raises(ParameterError, match="churn_rate"):
        p.replace(churn_rate=5)
    assert estimate(p, churn_rate=0.3).parameters.churn_rate == 0.3
    assert p == Parameters() and hash(p) == hash(Parameters())
    assert repr(p.replace(churn_rate=0.5)) == "Parameters(churn_rate=0.5)"


def test_integral_floats_are_accepted_for_whole_numbers():
    assert Parameters(horizon_years=7.0).horizon_years == 7
    assert isinstance(Parameters(horizon_years=np.int64(7)).horizon_years, int)
    assert Parameters(customers=np.float32(10)).customers == 10.0


def test_vectorised_evaluate_validates_arrays_and_names_the_first_bad_value():
    with pytest.raises(ParameterError, match=r"churn_rate: 1.5 is out of range"):
        evaluate(churn_rate=np.array([0.1, 1.5, 2.0]))
    with pytest.raises(ParameterError, match=r"abandon_rate: nan is not a number \(NaN\)"):
        evaluate(abandon_rate=np.array([0.1, np.nan]))
    with pytest.raises(ParameterError, match=r"horizon_years: 2.5 is not a whole number"):
        evaluate(horizon_years=np.array([2.5]))
    with pytest.raises(ParameterError, match=r"method: 'both' is not a valid choice"):
        evaluate(method=np.array(["top_down", "both"]))
    with pytest.raises(ParameterError, match=r"customers: True is wrong type"):
        evaluate(customers=np.array([True]))
    with pytest.raises(ParameterError, match="is an unknown parameter"):
        evaluate(colour=1)
    # Turning validation off is for inputs already validated; the formulas still run.
    assert np.isfinite(evaluate(churn_rate=np.array([0.5]), validate=False).total).all()


def test_one_bad_value_deep_in_a_large_batch_is_found():
    """Validation settles most arrays by their min and max; a single bad value in a later block
    (NaN, infinity, out of range, fractional years) must still be found and named."""
    from estimator.core.model import BLOCK_SIZE

    size = 2 * BLOCK_SIZE + 17
    cases = [
        ("abandon_rate", 0.1, np.nan, r"abandon_rate: nan is not a number \(NaN\)"),
        ("customers", 1000.0, np.inf, r"customers: inf is infinite"),
        ("churn_rate", 0.2, -0.001, r"churn_rate: -0.001 is out of range"),
        ("horizon_years", 5.0, 5.5, r"horizon_years: 5.5 is not a whole number"),
    ]
    for key, good, bad, message in cases:
        values = np.full(size, good)
        assert np.isfinite(evaluate(**{key: values}).total).all()
        values[size - 3] = bad
        with pytest.raises(ParameterError, match=message):
            evaluate(**{key: values})


def test_parse_value_reads_text_forms():
    assert parse_value("customers", " 100_000 ") == 100000
    assert parse_value("churn_rate", "1e-1") == 0.1
    assert parse_value("method", "bottom_up") == "bottom_up"
    with pytest.raises(ParameterError, match=r"customers: 'lots' is not a number"):
        parse_value("customers", "lots")
    with pytest.raises(ParameterError, match="colour: 'red' is an unknown parameter"):
        parse_value("colour", "red")


def test_parameters_survive_pickling_and_copying():
    import copy
    import pickle

    p = Parameters(churn_rate=0.2, currency="PLN", name="Klient")
    assert pickle.loads(pickle.dumps(p)) == p
    assert copy.deepcopy(p) == p and copy.copy(p) == p
