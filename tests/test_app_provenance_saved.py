"""Issue 25 item 7: a value calibrated from the client's data, then moved by hand, is saved and loaded as entered.

Driven headlessly as a user would: the Calibration tab's sample data and "apply to model", one slider
moved, "Save", "Load". The library (SQLite in tmp_path) is read directly to see what was saved.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest
from test_app import APP, assert_no_exception, slider

import estimator.controls
from estimator.analysis.compare import GROUPS
from estimator.calibration import calibrate
from estimator.store import DATABASE_ENV, ScenarioStore
from estimator.text.i18n import param_label, t
from ui import scenarios as tab
from ui import state
from ui.calibration import SAMPLE_FILE
from ui.main import TABS_KEY
from ui.plots import _CHARTS_ENABLED
from ui.sidebar import group_key

pytestmark = pytest.mark.slow  # a calibration of the sample file and a dozen runs of the app: about 6 s


@pytest.fixture
def library(tmp_path, monkeypatch) -> ScenarioStore:
    path = tmp_path / "library.sqlite3"
    monkeypatch.setenv(DATABASE_ENV, str(path))
    return ScenarioStore(path)


def assumption_sources(app: AppTest) -> dict[str, str]:
    """The Assumptions tab's table: input label -> what it says the value's source is."""
    app.session_state[TABS_KEY] = t("tabs.assumptions")
    app.run()
    table = app.table[0].value
    return dict(zip(table[t("assumptions.column_input")], table[t("assumptions.column_source")], strict=True))


def calibrated_app() -> AppTest:
    """A fresh session with every input group open, on the sample data applied by "apply to model"."""
    app = AppTest.from_file(str(APP), default_timeout=120)
    app.session_state[_CHARTS_ENABLED] = False
    app.session_state[tab.AUTHOR] = "Tester"
    for group in GROUPS:
        app.session_state[group_key(group)] = True
    app.session_state[TABS_KEY] = t("tabs.calibration")
    app.run()
    app.button(key="calibration_sample").click().run()
    app.button(key="calibration_apply").click().run()
    assert_no_exception(app)
    return app


def test_a_calibrated_value_moved_by_hand_is_saved_and_loaded_as_entered(library):
    app = calibrated_app()
    calibrated = calibrate(SAMPLE_FILE).parameter_values()
    assert {"churn_rate", "complaint_rate"} <= set(calibrated)
    assert calibrated["churn_rate"] != pytest.approx(0.25)
    # One value moved by hand; the other calibrated values stay the data's.
    slider(app, "churn_rate").set_value(estimator.controls.control_for("churn_rate").to_display(0.25)).run()
    assert app.session_state[state.SCENARIO]["churn_rate"] == 0.25
    app.session_state[TABS_KEY] = t("tabs.scenarios")
    app.run()
    app.text_input(key=tab.SAVE_NAME).set_value("Client, adjusted").run()
    app.button(key=tab.SAVE_BUTTON).click().run()
    assert_no_exception(app)
    saved = library.load("Client, adjusted")
    assert saved.parameters.churn_rate == 0.25
    assert "churn_rate" not in saved.provenance  # the hand-set value is not the client's data
    assert set(saved.provenance) == set(calibrated) - {"churn_rate"}
    # Loaded again (over a fresh start from the preset): the moved value reads as entered, the others as the data's.
    app.button(key="reset_all").click().run()
    assert app.session_state[state.SCENARIO]["churn_rate"] != 0.25
    app.selectbox(key=tab.SELECTED).select("Client, adjusted").run()
    app.button(key=tab.LOAD_BUTTON).click().run()
    assert_no_exception(app)
    assert app.session_state[state.SCENARIO]["churn_rate"] == 0.25
    assert "churn_rate" not in state_provenance(app)
    assert set(state_provenance(app)) == set(calibrated) - {"churn_rate"}
    # The Assumptions tab credits the data with the values it gave, and not with the one moved by hand.
    sources = assumption_sources(app)
    from_data = t("calibration.provenance_data", source="").split("(")[0]  # "Client data ("
    assert not sources[param_label("churn_rate")].startswith(from_data)
    assert sources[param_label("complaint_rate")].startswith(from_data)


def state_provenance(app: AppTest) -> dict:
    return dict(app.session_state[state.PROVENANCE])
