"""The Calibration tab in a real headless Chromium against the real server: upload the sample extract
through the file input, apply it, and the headline is what ``estimate()`` gives for the applied inputs.

The server, browser and page fixtures and the waiting helpers are those of ``tests/test_browser.py``.
"""

from __future__ import annotations

import re

import pytest
import test_browser
from test_browser import EXCEPTION, HEADLINE, expect, wait_for_headline, wait_idle

from estimator import Parameters, estimate, load_preset
from estimator.calibration import calibrate
from estimator.text.formatting import format_money
from estimator.text.i18n import param_label, t
from ui.calibration import SAMPLE_FILE

pytestmark = [pytest.mark.browser, pytest.mark.slow]

GENERIC = load_preset("generic_b2c").parameters
#: The fixtures of tests/test_browser.py: a server and a browser for this module, a fresh page per test.
server, browser, open_app = test_browser.server, test_browser.browser, test_browser.open_app


def test_uploading_the_sample_extract_and_applying_it_sets_the_headline(open_app):
    result = calibrate(SAMPLE_FILE)
    # MODEL.md v3: the preset's prospect contacts follow the file's customers; the file's values are
    # "currency not stated" (ISO's XXX) until one is chosen.
    scaled = GENERIC.prospect_contacts * result.rows / 100_000
    expected = Parameters({**GENERIC.to_dict(), **result.parameter_values(), "prospect_contacts": scaled, "currency": "XXX"})
    before = format_money(estimate(GENERIC).total, GENERIC.currency)
    after = format_money(estimate(expected).total, expected.currency)
    assert before != after, "the sample data must move the headline for this test to mean anything"

    page = open_app()
    assert page.locator(HEADLINE).first.inner_text() == before
    page.get_by_role("tab", name=t("tabs.calibration")).click()
    upload = page.locator('[data-testid="stFileUploader"] input[type="file"]')
    expect(upload).to_have_count(1)
    upload.set_input_files(str(SAMPLE_FILE))

    # The estimates appear: the row count, then the apply button.
    expect(page.locator('[data-testid="stMetricValue"]', has_text=f"{result.rows:,}")).to_have_count(1)
    wait_idle(page)
    # By its role: Streamlit draws a button with a help text twice, one of them hidden.
    apply = page.get_by_role("button", name=t("calibration.apply"), exact=True)
    expect(apply).to_have_count(1)
    expect(apply).to_be_visible()
    assert page.locator(EXCEPTION).count() == 0
    apply.click()

    wait_for_headline(page, after)
    applied = t(
        "calibration.applied",
        count=len(result.parameter_values()),
        source=t("calibration.source_file", name=SAMPLE_FILE.name),
    )
    expect(page.locator('[data-testid="stAlertContentSuccess"]', has_text=applied)).to_have_count(1)
    assert page.locator(EXCEPTION).count() == 0

    # The assumptions tab now names the client's data as the source of the applied inputs.
    page.get_by_role("tab", name=t("tabs.assumptions")).click()
    # The assumptions table's row, whose cell is exactly the label (the published-estimates table
    # of the same tab names the input inside longer texts).
    label_cell = page.locator("th, td").filter(has_text=re.compile(rf"^\s*{re.escape(param_label('churn_rate'))}\s*$"))
    row = page.locator('[data-testid="stTable"] tr').filter(has=label_cell)
    expect(row).to_contain_text(t("calibration.source_file", name=SAMPLE_FILE.name))
    expect(row).to_contain_text(f"{result.rows:,} rows")
    assert page.locator(EXCEPTION).count() == 0
