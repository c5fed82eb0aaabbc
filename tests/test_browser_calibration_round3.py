"""The Calibration tab in a real headless Chromium on round 3's German export (issue 22): read with no
mapping, its entrants shown, German reasons classed, no command-line word; then a file with negative
charges, refused with its column named until "leave out rows with invalid values" is ticked. Screenshots
go to CALIBRATION_SCREENSHOT_DIR when that variable is set."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import test_browser
from test_browser import EXCEPTION, expect, wait_idle

from estimator.calibration import calibrate
from estimator.text.i18n import t

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from make_untidy_extracts import german_extract, status_extract  # noqa: E402

server, browser, open_app = test_browser.server, test_browser.browser, test_browser.open_app


def _shot(page, name: str) -> None:
    folder = os.environ.get("CALIBRATION_SCREENSHOT_DIR")
    if folder:
        page.set_viewport_size({"width": 1440, "height": 4200})  # the app scrolls inside a container: show it all
        wait_idle(page)
        page.locator('[data-testid="stMain"]').screenshot(path=str(Path(folder) / name))
        page.set_viewport_size({"width": 1440, "height": 1000})


def test_a_german_export_and_invalid_rows_left_out_in_the_browser(open_app, tmp_path):
    path = tmp_path / "kunden_export.csv"
    german_extract(1500).to_csv(path, index=False, sep=";")
    expected = calibrate(path)
    page = open_app()
    page.get_by_role("tab", name=t("tabs.calibration")).click()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    expect(page.get_by_text(t("calibration.app.entrants"), exact=True)).to_have_count(1)
    wait_idle(page)
    assert page.locator(EXCEPTION).count() == 0
    expect(page.locator('[data-testid="stMetricValue"]', has_text=f"{expected.entrants:,}")).to_have_count(1)
    notes = page.locator('[data-testid="stAlert"]').all_inner_texts()
    assert notes and not any("--" in text for text in notes), notes
    _shot(page, "calibration_german.png")

    bad = tmp_path / "telecom_status.csv"
    status_extract(1200).to_csv(bad, index=False)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(bad))
    expect(page.get_by_text("Column 'Monthly Charge'", exact=False)).to_have_count(1)
    wait_idle(page)
    error = page.locator('[data-testid="stAlert"]').first.inner_text()
    assert "--" not in error and t("calibration.app.drop_invalid") in error
    _shot(page, "calibration_refused.png")
    page.get_by_text(t("calibration.app.drop_invalid"), exact=True).last.click()
    expect(page.get_by_text(t("calibration.app.dropped"), exact=True)).to_have_count(1)
    wait_idle(page)
    assert page.locator(EXCEPTION).count() == 0
    _shot(page, "calibration_dropped.png")
