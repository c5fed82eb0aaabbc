"""The Calibration tab on round 3's extracts (issue 22): a German export with entrants and German
reasons, a file whose negative values stop the run until "leave out invalid rows" is ticked, the list of
inputs to apply following a column mapped by hand, a reason class set without reading the file again,
and no command-line word anywhere."""

from __future__ import annotations

import sys
from pathlib import Path

from numpy.testing import assert_allclose
from streamlit.testing.v1 import AppTest

import ui.calibration as tab
from estimator.calibration import calibrate
from estimator.text.i18n import language_scope, t
from ui.calibration import APPLY_WHICH, DROP_INVALID, REASON_OVERRIDES, VALUE_PERIOD
from ui.main import TABS_KEY

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from make_untidy_extracts import calls_extract, german_extract, status_extract  # noqa: E402

APP = ROOT / "app.py"


def _upload(name: str, data: bytes, language: str = "en") -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=120)
    app.query_params["lang"] = language
    with language_scope(language):
        app.session_state[TABS_KEY] = t("tabs.calibration")
        app.run()
        app.file_uploader[0].set_value((name, data, "text/csv")).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _everything_shown(app: AppTest) -> str:
    parts = [e.value for e in app.error] + [w.value for w in app.warning] + [m.value for m in app.markdown]
    parts += [i.value for i in app.info]  # the notes and errors (the upload's size caption points to the CLI on purpose)
    return "\n".join(str(p) for p in parts)


def test_negative_values_stop_until_invalid_rows_are_left_out_with_no_command_line_word(tmp_path):
    frame = status_extract(1200)
    data = frame.to_csv(index=False).encode()
    app = _upload("status.csv", data)
    error = " ".join(e.value for e in app.error)
    assert "'Monthly Charge'" in error and t("calibration.app.drop_invalid") in error
    assert "--" not in _everything_shown(app)
    app.session_state[DROP_INVALID] = True
    app.run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    path = tmp_path / "status.csv"
    path.write_bytes(data)
    expected = calibrate(path, drop_invalid=True)
    metrics = {m.label: m.value for m in app.metric}
    assert metrics[t("calibration.app.dropped")] == f"{int((frame['Monthly Charge'] < 0).sum()):,}"
    kept = frame[frame["Monthly Charge"] >= 0]  # a joined customer with a negative charge is left out too
    assert metrics[t("calibration.app.entrants")] == f"{int((kept['Customer Status'] == 'Joined').sum()):,}"
    assert expected.entrants == int((kept["Customer Status"] == "Joined").sum())
    assert "--" not in _everything_shown(app)


def test_the_inputs_to_apply_follow_a_column_mapped_by_hand_and_its_period(tmp_path):
    frame = calls_extract(800)
    app = _upload("calls.csv", frame.to_csv(index=False).encode())
    assert "annual_value" not in app.session_state[APPLY_WHICH]
    app.session_state["calibration_map_annual_value"] = "Total day charge"
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert "annual_value" in app.session_state[APPLY_WHICH]  # was: the list of the first upload
    text = _everything_shown(app)
    assert "'Total day charge'" in text and "--value-period" not in text
    app.session_state[VALUE_PERIOD] = "monthly"
    app.run()
    next(b for b in app.button if b.key == "calibration_apply").click().run()
    assert not app.exception, [e.value for e in app.exception]
    from ui import state

    assert_allclose(app.session_state[state.SCENARIO]["annual_value"], frame["Total day charge"].mean() * 12, rtol=1e-9)
    labels = [s.label for s in app.selectbox]
    assert t("calibration.field.annual_value") in labels and "annual_value" not in labels


def test_a_german_export_in_german_reasons_and_a_class_set_without_reading_again(tmp_path, monkeypatch):
    frame = german_extract(1500)
    data = frame.to_csv(index=False, sep=";").encode()
    reads = []
    original = tab.calibrate
    monkeypatch.setattr(tab, "calibrate", lambda *a, **k: reads.append(1) or original(*a, **k))
    app = _upload("kunden.csv", data, "pl")
    assert not app.error, [e.value for e in app.error]
    assert len(reads) == 1
    with language_scope("pl"):
        assert t("calibration.app.entrants") in {m.label for m in app.metric}
    app.session_state[REASON_OVERRIDES] = {"Umzug": "service"}
    with language_scope("pl"):  # AppTest reads the widgets with their format functions: in the page's language
        app.run()
        assert not app.exception, [e.value for e in app.exception]
        shown = _everything_shown(app)
    assert len(reads) == 1  # the class came from the counts kept, not from a second reading
    path = tmp_path / "kunden.csv"
    path.write_bytes(data)
    expected = calibrate(path, reasons={"Umzug": "service"})
    text = shown
    editors = [e for e in app.dataframe if (e.key or "").startswith("calibration_reasons_")]
    shown = editors[0].value
    assert list(shown["count"]) == [row["count"] for row in expected.reasons]
    assert "unclassified" not in set(shown["class"])
    assert "--" not in text
