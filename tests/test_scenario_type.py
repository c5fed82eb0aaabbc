"""The Scenario type: checked on construction, provenance only ever true of the values it holds."""

from __future__ import annotations

import dataclasses

import pytest

from estimator.core.parameters import ParameterError, Parameters
from estimator.core.scenario import Scenario, ScenarioError


def test_bare_descriptions_describe_the_values_held():
    scenario = Scenario("Client", Parameters(churn_rate=0.21), provenance={"churn_rate": "client file, 2025"})
    assert scenario.provenance == {"churn_rate": (0.21, "client file, 2025")}
    assert scenario.source_of("churn_rate") == "client file, 2025"
    assert scenario.source_of("service_share") is None


def test_a_value_moved_by_hand_is_no_longer_the_sources():
    calibrated = Scenario(
        "Client", Parameters(churn_rate=0.21, customers=5000), provenance={"churn_rate": "file", "customers": "file"}
    )
    moved = calibrated.with_values(churn_rate=0.25)
    assert moved.descriptions == {"customers": "file"}
    assert moved.parameters.churn_rate == 0.25
    # A recorded pair whose value differs from the scenario's is dropped on construction too.
    stale = Scenario("Client", Parameters(churn_rate=0.25), provenance={"churn_rate": (0.21, "file")})
    assert stale.provenance == {}


def test_recorded_numbers_compare_by_value():
    # JSON gives 5000 for a float 5000.0: the same value.
    scenario = Scenario("A", Parameters(customers=5000.0), provenance={"customers": (5000, "CRM")})
    assert scenario.descriptions == {"customers": "CRM"}


def test_it_is_frozen_and_compares_by_content():
    one = Scenario("A", {"churn_rate": 0.2}, ranges={"churn_rate": (0.1, 0.3)}, notes="n")
    assert one == Scenario("A", Parameters(churn_rate=0.2), ranges={"churn_rate": [0.1, 0.3]}, notes="n")
    assert isinstance(one.parameters, Parameters)
    with pytest.raises(dataclasses.FrozenInstanceError):
        one.name = "B"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "a\u200bb"}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"notes": "\x1b[31mred"}, "notes"),
        ({"notes": "x" * 10_001}, "notes"),
        ({"provenance": {"not_a_parameter": "file"}}, "provenance"),
        ({"provenance": {"churn_rate": 3}}, "provenance.churn_rate"),
        ({"provenance": ["churn_rate"]}, "provenance"),
    ],
)
def test_what_is_not_allowed_is_refused_naming_the_field(changes, field):
    with pytest.raises(ScenarioError) as error:
        Scenario(**{"name": "A", "parameters": Parameters(), **changes})
    assert error.value.field == field


def test_a_range_that_misses_the_value_is_refused():
    with pytest.raises(ParameterError) as error:
        Scenario("A", Parameters(churn_rate=0.2), ranges={"churn_rate": (0.25, 0.3)})
    assert error.value.parameters == ["churn_rate"]
    with pytest.raises(ParameterError):
        Scenario("A", Parameters(churn_rate=0.2), ranges={"churn_rate": (0.1, 0.3)}).with_values(churn_rate=0.5)


def test_an_unnamed_scenario_is_allowed_until_it_is_saved():
    assert Scenario("", Parameters()).name == ""
    assert Scenario("  Base ", Parameters()).name == "Base"


def test_uncertainty_ranges_use_the_custom_ones():
    ranges = Scenario("A", Parameters(churn_rate=0.2), ranges={"churn_rate": (0.1, 0.3)}).uncertainty_ranges()
    assert (ranges["churn_rate"].low, ranges["churn_rate"].high) == (0.1, 0.3)
    assert ranges["churn_rate"].reason == "set by the user"
