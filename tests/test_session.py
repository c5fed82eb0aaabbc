"""The session rules (estimator.session), over a plain dict: what each action does to values, ranges and provenance.

The same rules run the Streamlit app and the notebook app; tests/test_session_parity.py drives both.
Figures are the generic preset's (100,000 customers, 20,000 prospect contacts) worked by hand.
"""

from __future__ import annotations

import pytest

from estimator import ParameterError, Parameters, load_preset
from estimator.core.scenario import Scenario
from estimator.session import CALIBRATED_RANGE, SAVED_RANGE, USER_RANGE, Session

GENERIC = load_preset("generic_b2c").parameters


@pytest.fixture
def session() -> Session:
    started = Session({})
    started.start("generic_b2c")
    return started


def calibrated(session: Session) -> Session:
    session.apply(
        {"churn_rate": 0.21, "complaint_rate": 0.12},
        ranges={"churn_rate": (0.19, 0.23)},
        provenance={"churn_rate": "client file", "complaint_rate": "client file"},
        calibration={"rows": 20_000},
    )
    return session


def test_it_starts_on_the_presets_values_with_nothing_from_data(session):
    assert session.parameters == GENERIC
    assert session.scenario() == Scenario("", GENERIC)
    assert session.input_sources()["churn_rate"] in {"preset", "default"}


def test_a_value_moved_by_hand_is_no_longer_the_datas_until_moved_back(session):
    calibrated(session)
    assert session.descriptions == {"churn_rate": "client file", "complaint_rate": "client file"}
    assert session.input_sources()["churn_rate"] == "file"
    assert session.set({"churn_rate": 0.25}) == {"churn_rate": 0.25}
    assert session.descriptions == {"complaint_rate": "client file"}
    assert session.scenario().descriptions == {"complaint_rate": "client file"}  # what is saved
    assert session.input_sources()["churn_rate"] == "entered"
    assert session.record("churn_rate") == (0.21, "client file")  # kept, to say what the data gave
    session.set({"churn_rate": 0.21})
    assert session.descriptions["churn_rate"] == "client file"


def test_an_invalid_value_changes_nothing(session):
    calibrated(session)
    before = dict(session.store)
    with pytest.raises(ParameterError):
        session.set({"churn_rate": 1.5})
    assert session.store == before


def test_a_reset_forgets_the_provenance_even_if_the_value_comes_back(session):
    calibrated(session)
    session.reset(["churn_rate"])
    assert session.parameters.churn_rate == GENERIC.churn_rate
    assert session.record("churn_rate") is None and "complaint_rate" in session.descriptions
    session.set({"churn_rate": 0.21})  # the calibrated value typed by hand: the user's
    assert "churn_rate" not in session.descriptions


def test_a_new_preset_is_a_new_starting_point(session):
    calibrated(session)
    session.set_ranges({**session.custom_ranges(), "service_share": (0.2, 0.6)})
    session.choose_preset("telecom_cable")
    assert session.parameters == load_preset("telecom_cable").parameters
    assert session.custom_ranges() == {} and session.checked_ranges() == ({}, [])
    assert session.records == {} and session.applied_calibration is None and session.scaled == ()


def test_ranges_that_no_longer_hold_the_value_are_set_aside_not_deleted(session):
    calibrated(session)
    assert session.usable_ranges() == {"churn_rate": (0.19, 0.23)}
    assert session.range_reasons() == {"churn_rate": CALIBRATED_RANGE}
    session.set({"churn_rate": 0.3})
    usable, set_aside = session.checked_ranges()
    assert usable == {} and [(bounds, problem.parameter) for bounds, problem in set_aside] == [((0.19, 0.23), "churn_rate")]
    assert session.scenario().ranges == {}
    session.set({"churn_rate": 0.2})
    assert session.scenario().ranges == {"churn_rate": (0.19, 0.23)}
    session.set_ranges({"churn_rate": (0.1, 0.3)})  # typed: the user's range now
    assert session.range_reasons() == {}
    assert session.scenario().uncertainty_ranges(session.range_reasons())["churn_rate"].reason == USER_RANGE


def test_volumes_nobody_entered_follow_the_customers(session):
    changed = session.set({"customers": 50_000})
    assert changed == {"customers": 50_000.0, "prospect_contacts": 10_000.0}  # 20,000 x 50,000 / 100,000
    assert [item.key for item in session.scaled] == ["prospect_contacts"]
    session.set({"prospect_contacts": 7_000})  # entered: never scaled again
    assert session.scaled == ()
    session.set({"customers": 60_000})
    assert session.parameters.prospect_contacts == 7_000
    session.reset(["prospect_contacts"])  # reset: the preset's volume, scaled to the customers
    assert session.parameters.prospect_contacts == 12_000  # 20,000 x 60,000 / 100,000
    session.reset()
    assert session.parameters == GENERIC and session.scaled == ()


def test_a_loaded_scenario_is_as_saved(session):
    calibrated(session)
    saved = Scenario(
        "Client",
        GENERIC.replace(customers=50_000.0, churn_rate=0.3),
        ranges={"churn_rate": (0.25, 0.35)},
        provenance={"customers": "CRM export"},
    )
    session.load(saved)
    assert session.parameters == saved.parameters  # 20,000 prospect contacts: as saved, not scaled
    assert session.scenario("Client") == saved
    assert session.range_reasons() == {"churn_rate": SAVED_RANGE}
    assert session.applied_calibration is None
    session.set({"churn_rate": 0.31})
    assert session.parameters.prospect_contacts == 20_000 and session.input_sources()["customers"] == "file"


def test_descriptions_or_pairs_are_recorded(session):
    session.start("generic_b2c", Parameters(churn_rate=0.2), provenance={"churn_rate": (0.2, "file"), "customers": "CRM"})
    assert session.descriptions == {"churn_rate": "file", "customers": "CRM"}
    session.start("generic_b2c", Parameters(churn_rate=0.2), provenance={"churn_rate": (0.21, "file")})
    assert session.descriptions == {}
