"""The Calibration tab, driven headlessly: sample data → apply → the headline and ranges rest on the data;
a bad file → an error message, never an exception."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest
from test_app import assert_headline

from estimator import Parameters, load_preset
from estimator.calibration import calibrate
from ui import state
from ui.calibration import APPLIED, SAMPLE_FILE
from ui.i18n import param_label, t
from ui.main import TABS_KEY
from ui.uncertainty import RANGES_KEY

APP = Path(__file__).resolve().parent.parent / "app.py"
GENERIC = load_preset("generic_b2c").parameters


def open_tab() -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=120)
    app.session_state[TABS_KEY] = t("tabs.calibration")
    return app.run()


def button(app: AppTest, key: str):
    return next(b for b in app.button if b.key == key)


def test_sample_data_then_apply_sets_the_model_to_the_estimates():
    app = open_tab()
    assert not app.exception
    button(app, "calibration_sample").click().run()
    assert not app.exception, [e.value for e in app.exception]
    result = calibrate(SAMPLE_FILE)
    table = app.dataframe[0].value  # the estimates table comes first
    assert list(table[t("calibration.column_parameter")]) == [param_label(k) for k in result.estimates]
    assert f"{result.rows:,}" in [m.value for m in app.metric]
    button(app, "calibration_apply").click().run()
    assert not app.exception, [e.value for e in app.exception]
    expected = Parameters({**GENERIC.to_dict(), **result.parameter_values()})
    assert_headline(app, expected)
    assert app.session_state[state.SCENARIO] == expected.to_dict()
    # Uncertainty ranges are the intervals; provenance records the data as the source.
    assert app.session_state[RANGES_KEY]["churn_unresolved"] == result.uncertainty_ranges()["churn_unresolved"]
    provenance = app.session_state[state.PROVENANCE]
    assert set(provenance) == set(result.parameter_values())
    assert set(app.session_state[APPLIED]) == set(result.parameter_values())
    applied = t("calibration.applied", count=len(result.parameter_values()), source=t("calibration.source_sample"))
    assert any(applied in s.value for s in app.success)
    # The table now says every applied input comes from the client's data.
    table = app.dataframe[0].value
    sources = set(table[t("calibration.column_source")])
    assert sources == {t("calibration.provenance_data", source=t("calibration.source_sample"))}


def test_a_bad_upload_shows_an_error_and_the_app_stays_usable():
    app = open_tab()
    app.file_uploader[0].set_value(("extract.csv", b"customer_id,churned,complained\n1,yes,maybe\n", "text/csv")).run()
    assert not app.exception, [e.value for e in app.exception]
    errors = [e.value for e in app.error]
    assert any("complained" in e and "'maybe'" in e for e in errors), errors
    assert_headline(app, GENERIC)  # nothing changed
    # The sample still works afterwards.
    button(app, "calibration_sample").click().run()
    assert not app.exception and not app.error


def test_an_upload_with_unrecognised_columns_is_mapped_by_hand():
    app = open_tab()
    data = SAMPLE_FILE.read_text(encoding="utf-8").replace("churned", "gone", 1).encode("utf-8")
    app.file_uploader[0].set_value(("odd.csv", data, "text/csv")).run()
    assert not app.exception
    assert any("churned" in w.value for w in app.warning)
    picker = next(s for s in app.selectbox if s.key == "calibration_map_churned")
    picker.set_value("gone").run()
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error
    assert any(b.key == "calibration_apply" for b in app.button)


def test_a_file_over_the_limit_points_to_the_command_line(monkeypatch):
    app = open_tab()
    big = b"customer_id,churned,complained\n" + b"x" * (2 * 1024 * 1024)
    app.file_uploader[0].set_value(("big.csv", big, "text/csv"))
    import ui.calibration

    monkeypatch.setattr(ui.calibration, "upload_limit_mb", lambda: 1)
    app.run()
    assert not app.exception
    assert any("python -m estimator calibrate" in e.value and "1 MB" in e.value for e in app.error)
