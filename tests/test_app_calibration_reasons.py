"""The Calibration tab on an untidy extract (issue 11): the reason table with its classes, classes set by
hand changing the service share and travelling into the provenance of the applied inputs, and the churn of
complainers against everyone else."""

from __future__ import annotations

import sys
from pathlib import Path

from numpy.testing import assert_allclose
from streamlit.testing.v1 import AppTest

from estimator.calibration import calibrate
from estimator.text.i18n import t
from ui import state
from ui.calibration import REASON_OVERRIDES
from ui.main import TABS_KEY

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from make_untidy_extracts import telecom_extract  # noqa: E402

APP = ROOT / "app.py"


def test_the_reason_table_is_editable_and_its_classes_travel_with_the_calibration(tmp_path):
    frame = telecom_extract(1500)
    churners = frame.index[frame["Churn Value"] == 1]
    frame.loc[churners[:25], "Churn Reason"] = "Lack of self-service on Website"
    path = tmp_path / "telecom.csv"
    frame.to_csv(path, index=False)
    app = AppTest.from_file(str(APP), default_timeout=120)
    app.session_state[TABS_KEY] = t("tabs.calibration")
    app.run()
    app.file_uploader[0].set_value(("telecom.csv", path.read_bytes(), "text/csv")).run()
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    before = calibrate(path)
    # The churn of complainers against everyone else, with intervals.
    text = " ".join(m.value for m in app.markdown)
    assert t("calibration.figure_complainers") in text and t("calibration.figure_non_complainers") in text
    # The reason table: every reason with its count and class (an editable data editor).
    editors = [e for e in app.dataframe if (e.key or "").startswith("calibration_reasons_")]
    assert len(editors) == 1
    shown = editors[0].value
    assert list(shown["count"]) == [row["count"] for row in before.reasons]
    assert dict(zip(shown["reason"], shown["class"], strict=True))["Lack of self-service on Website"] == "unclassified"
    # A class set by hand (what the table's callback stores) is applied and recorded.
    app.session_state[REASON_OVERRIDES] = {"Lack of self-service on Website": "service"}
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    after = calibrate(path, reasons={"Lack of self-service on Website": "service"})
    assert after.estimates["service_share"].n == before.estimates["service_share"].n + 25
    assert t("calibration.reasons_overridden", count=1) in [c.value for c in app.caption]
    next(b for b in app.button if b.key == "calibration_apply").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert_allclose(app.session_state[state.SCENARIO]["service_share"], after.estimates["service_share"].value, rtol=1e-12)
    description = app.session_state[state.PROVENANCE]["service_share"][1]
    assert description.endswith("; reasons classed by hand: Lack of self-service on Website = poor service")
