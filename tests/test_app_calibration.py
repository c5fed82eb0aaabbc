"""The Calibration tab, driven headlessly: sample data → apply → the headline and ranges rest on the data;
a bad file → an error message, never an exception."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from numpy.testing import assert_allclose
from pptx import Presentation
from streamlit.testing.v1 import AppTest
from test_app import assert_headline, run_app, slider

from estimator import Parameters, load_preset
from estimator.calibration import CalibrationError, calibrate
from estimator.text.formatting import format_parameter
from estimator.text.i18n import language_scope, param_label, t
from ui import state
from ui.calibration import SAMPLE_FILE
from ui.exports import BUILT_KEY
from ui.main import TABS_KEY
from ui.safe_text import seen
from ui.uncertainty import RANGES_KEY

APP = Path(__file__).resolve().parent.parent / "app.py"
GENERIC = load_preset("generic_b2c").parameters


def open_tab() -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=120)
    app.session_state[TABS_KEY] = t("tabs.calibration")
    return app.run()


def button(app: AppTest, key: str):
    return next(b for b in app.button if b.key == key)


def expected_description(result, key: str, source: str) -> str:
    """The provenance of a calibrated input, written out by hand from the English catalogue's pattern."""
    item = result.estimates[key]
    low, high = (format_parameter(key, bound, "EUR") for bound in (item.ci_low, item.ci_high))
    return f"{source}; {result.rows:,} rows; 95 % interval {low} – {high}"


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
    # MODEL.md v3: the preset's 20,000 prospect contacts follow the file's 20,000 customers (20,000 x 20,000 /
    # 100,000 = 4,000), and the file's values are "currency not stated" (ISO's XXX) until one is chosen.
    scaled = GENERIC.prospect_contacts * result.rows / 100_000
    expected = Parameters({**GENERIC.to_dict(), **result.parameter_values(), "prospect_contacts": scaled, "currency": "XXX"})
    assert_headline(app, expected)
    # DuckDB sums in parallel, so two readings of a file may differ in the last bit of a mean.
    stored = app.session_state[state.SCENARIO]
    assert stored.keys() == expected.to_dict().keys()
    for key, value in expected.to_dict().items():
        if isinstance(value, float):
            assert_allclose(stored[key], value, rtol=1e-12, err_msg=key)
        else:
            assert stored[key] == value, key
    # Uncertainty ranges are the intervals; provenance records the data as the source.
    assert app.session_state[RANGES_KEY]["churn_unresolved"] == result.uncertainty_ranges()["churn_unresolved"]
    record = app.session_state[state.PROVENANCE]
    assert set(record) == set(result.parameter_values())
    # Each record remembers the value as stored, to tell a later hand-made change.
    assert all(record[key][0] == stored[key] for key in record)
    provenance = {key: description for key, (_, description) in record.items()}
    source = t("calibration.source_sample", name=SAMPLE_FILE.name)
    applied = t("calibration.applied", count=len(result.parameter_values()), source=source)
    assert any(applied in s.value for s in app.success)
    # The record names the file, its rows and each estimate's interval.
    assert provenance["churn_rate"] == expected_description(result, "churn_rate", source)
    assert provenance["customers"] == f"{source}; {result.rows:,} rows"
    # The table now says every applied input comes from the client's data.
    table = app.dataframe[0].value
    sources = dict(zip(table[t("calibration.column_parameter")], table[t("calibration.column_source")], strict=True))
    assert sources == {param_label(key): t("calibration.provenance_data", source=provenance[key]) for key in result.estimates}


def test_a_bad_upload_shows_an_error_and_the_app_stays_usable():
    app = open_tab()
    app.file_uploader[0].set_value(("extract.csv", b"customer_id,churned,complained\n1,yes,maybe\n", "text/csv")).run()
    assert not app.exception, [e.value for e in app.exception]
    errors = [seen(e.value) for e in app.error]
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


def assumption_sources(app: AppTest) -> dict[str, tuple[str, str]]:
    """The assumptions table's (source, note) by input label."""
    table = app.table[0].value
    return {
        label: (seen(source), seen(note))  # as the reader sees them: the file's text is escaped Markdown
        for label, source, note in zip(
            table[t("assumptions.column_input")],
            table[t("assumptions.column_source")],
            table[t("assumptions.column_note")],
            strict=True,
        )
    }


def test_the_assumptions_tab_names_the_data_for_calibrated_inputs_and_the_benchmark_for_the_rest():
    app = run_app(tab="tabs.calibration")
    button(app, "calibration_sample").click().run()
    button(app, "calibration_apply").click().run()
    assert not app.exception, [e.value for e in app.exception]
    result = calibrate(SAMPLE_FILE)
    source = t("calibration.source_sample", name=SAMPLE_FILE.name)
    generic = load_preset("generic_b2c")

    app.session_state[TABS_KEY] = t("tabs.assumptions")
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    sources = assumption_sources(app)
    data_source = t("calibration.provenance_data", source=expected_description(result, "churn_rate", source))
    assert sources[param_label("churn_rate")] == (
        data_source,
        t("calibration.note_data", benchmark=generic.sources["churn_rate"].citation),
    )
    assert "sample_customers.csv" in data_source and f"{result.rows:,} rows" in data_source
    # Not calibrated: still the preset's benchmark.
    assert "wom_reach" not in result.estimates
    assert sources[param_label("wom_reach")][0] == generic.sources["wom_reach"].citation

    # The presentation view's key assumptions say the same.
    app.session_state[state.VIEW] = "present"
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert assumption_sources(app)[param_label("churn_rate")][0] == data_source
    assert assumption_sources(app)[param_label("wom_reach")][0] == generic.sources["wom_reach"].citation

    # Moved by hand afterwards: no longer claimed for the data.
    app.session_state[state.VIEW] = "edit"
    app.session_state[TABS_KEY] = t("tabs.assumptions")  # the tabs were not drawn in the presentation view
    app.run()
    slider(app, "churn_rate").set_value(25.0).run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.session_state[state.SCENARIO]["churn_rate"] == 0.25
    shown_value = format_parameter("churn_rate", result.parameter_values()["churn_rate"], "EUR")
    changed = t(
        "calibration.provenance_changed",
        value=shown_value,
        source=expected_description(result, "churn_rate", source),
    )
    sources = assumption_sources(app)
    assert sources[param_label("churn_rate")][0] == changed
    assert "changed after calibration" in changed
    # The other calibrated inputs still name the data.
    assert sources[param_label("churn_unresolved")][0] == t(
        "calibration.provenance_data", source=expected_description(result, "churn_unresolved", source)
    )


BAD_UPLOAD = b"customer_id,churned,complained\n1,yes,maybe\n2,no,no\n"


@pytest.mark.parametrize("language", ["pl", "el"])
def test_a_bad_upload_in_another_language_shows_the_message_in_that_language(tmp_path, language):
    app = AppTest.from_file(str(APP), default_timeout=120)
    app.query_params["lang"] = language
    # AppTest reads the widgets' states in this thread, with their format functions: in the page's language.
    with language_scope(language):
        app.session_state[TABS_KEY] = t("tabs.calibration")
        heading = t("calibration.error_heading")
        app.run()
        app.file_uploader[0].set_value(("extract.csv", BAD_UPLOAD, "text/csv")).run()
    assert not app.exception, [e.value for e in app.exception]
    path = tmp_path / "extract.csv"
    path.write_bytes(BAD_UPLOAD)
    with pytest.raises(CalibrationError) as caught:
        calibrate(path)
    error = caught.value
    with language_scope(language):  # the app's wording: the field by its label, no command-line option
        translated = error.text(language, audience="app", field=t(f"calibration.field.{error.values['field']}"))
    errors = [seen(e.value) for e in app.error]  # the file's values are escaped Markdown
    assert "--" not in translated
    assert any(heading in e and translated in e for e in errors), errors
    # Really translated: the English sentence is not there, the example row (data) is.
    assert str(error) not in " ".join(errors) and "complained='maybe'" in translated
    assert "not a yes/no value" in str(error)


def test_the_deck_cites_the_clients_data_for_calibrated_inputs():
    app = run_app(tab="tabs.calibration")
    button(app, "calibration_sample").click().run()
    button(app, "calibration_apply").click().run()
    result = calibrate(SAMPLE_FILE)
    source = t("calibration.source_sample", name=SAMPLE_FILE.name)
    cited = t("calibration.provenance_data", source=expected_description(result, "churn_rate", source))

    app.session_state[TABS_KEY] = t("tabs.exports")
    app.run()
    next(b for b in app.button if b.label == t("exports.build", kind=t("exports.pptx"))).click()
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    deck = Presentation(io.BytesIO(app.session_state[BUILT_KEY]["pptx"][1]))
    cells = [c.text for s in deck.slides for shape in s.shapes if shape.has_table for r in shape.table.rows for c in r.cells]
    assert cited in cells
    assert t("grade.client_data") in cells
    # An input not calibrated keeps its benchmark.
    assert load_preset("generic_b2c").sources["wom_reach"].citation in cells
    # MODEL.md v3: the method slide says in one sentence how the client's data was used.
    from estimator.calibration.sentence import cfo_sentence

    texts = [shape.text_frame.text for s in deck.slides for shape in s.shapes if shape.has_text_frame]
    assert t("report.method.title") in texts and cfo_sentence(result.to_dict(), "en") in texts
