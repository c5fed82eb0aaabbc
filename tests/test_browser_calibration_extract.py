"""The Calibration tab in a real headless Chromium on an untidy telecom extract (issue 11): it is read with
no mapping, the reason table shows every reason with its class, and a class changed in the table moves the
service share. A screenshot of the tab is written to CALIBRATION_SCREENSHOT when that variable is set."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import test_browser
from test_browser import EXCEPTION, expect, wait_idle

from estimator.calibration import calibrate
from estimator.text.i18n import t

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from make_untidy_extracts import telecom_extract  # noqa: E402

server, browser, open_app = test_browser.server, test_browser.browser, test_browser.open_app


def test_an_untidy_extract_is_read_and_a_reason_class_is_changed_in_the_table(open_app, tmp_path):
    frame = telecom_extract(1200)
    churners = frame.index[frame["Churn Value"] == 1]
    frame.loc[churners[:200], "Churn Reason"] = "Lack of self-service on Website"  # the most frequent reason
    path = tmp_path / "telecom_churn.csv"
    frame.to_csv(path, index=False)
    before = calibrate(path)
    after = calibrate(path, reasons={"Lack of self-service on Website": "service"})
    assert before.reasons[0]["reason"] == "Lack of self-service on Website"

    page = open_app()
    page.get_by_role("tab", name=t("tabs.calibration")).click()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    expect(page.locator('[data-testid="stMetricValue"]', has_text=f"{before.rows:,}")).to_have_count(1)
    wait_idle(page)
    assert page.locator(EXCEPTION).count() == 0
    expect(page.get_by_text(t("calibration.reasons_title"), exact=True)).to_have_count(1)
    share = page.locator('[data-testid="stDataFrame"]').first
    expect(share).to_be_visible()

    # The reason table: the first row's class cell, edited as a user does (double-click, pick, Enter).
    # Tables: the estimates, churn by complaint count (the file's complaints are a count), the reasons.
    editor = page.locator('[data-testid="stDataFrame"]').nth(2)
    editor.scroll_into_view_if_needed()
    box = editor.bounding_box()
    header_height, row_height = 35, 35
    # Columns: reason, count, class (the last third of the grid's width holds the class).
    page.mouse.dblclick(box["x"] + box["width"] * 0.85, box["y"] + header_height + row_height / 2)
    option = page.get_by_text(t("calibration.reason_class.service"), exact=True).last
    expect(option).to_be_visible()
    option.click()
    page.keyboard.press("Enter")
    expect(page.get_by_text(t("calibration.reasons_overridden", count=1))).to_have_count(1)
    wait_idle(page)
    assert page.locator(EXCEPTION).count() == 0
    if os.environ.get("CALIBRATION_SCREENSHOT"):
        page.screenshot(path=os.environ["CALIBRATION_SCREENSHOT"], full_page=True)
    assert after.estimates["service_share"].value > before.estimates["service_share"].value
