"""Two app servers on one PostgreSQL, in real Chromium: a scenario saved in one is listed in the other
on its next rerun (``streamlit run app.py`` twice, ``CHURN_ESTIMATOR_DB`` naming the same server)."""

from __future__ import annotations

import os

import pytest
from postgres_server import PASSWORD
from test_browser import CHROMIUM, CHROMIUM_ARGS, EXCEPTION, HEADLINE, ROOT, WAIT_MS, wait_idle
from test_browser import app_server as serve_app

from estimator.store import ScenarioStore
from estimator.text.i18n import t

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

playwright_api = pytest.importorskip("playwright.sync_api")


def app_server(database: str):
    """The app on a free port with its scenario library on ``database``."""
    return serve_app({"CHURN_ESTIMATOR_DB": database, "PYTHONPATH": str(ROOT)})


def open_scenarios(browser, url: str):
    page = browser.new_page(viewport={"width": 1440, "height": 1100})
    page.set_default_timeout(WAIT_MS)
    page.goto(url + "?workspace=Team")
    page.wait_for_selector(HEADLINE)
    wait_idle(page)
    page.get_by_role("tab", name=t("tabs.scenarios")).click()
    wait_idle(page)
    return page


def test_a_save_in_one_server_is_listed_in_the_other(postgres_url, tmp_path):
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM}")
    with app_server(postgres_url) as one, app_server(postgres_url) as two, playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        first, second = open_scenarios(browser, one), open_scenarios(browser, two)
        playwright_api.expect(second.get_by_text(t("scenarios.empty"))).to_be_visible()
        first.get_by_role("textbox", name=t("store.author"), exact=True).fill("Anna Kowalska")
        first.get_by_role("textbox", name=t("store.author"), exact=True).press("Enter")
        playwright_api.expect(first.get_by_text(t("store.saving_as", author="Anna Kowalska"))).to_be_visible()
        first.get_by_role("textbox", name=t("scenarios.name"), exact=True).fill("Shared across servers")
        first.get_by_role("textbox", name=t("scenarios.name"), exact=True).press("Enter")
        wait_idle(first)
        first.get_by_role("button", name=t("scenarios.save"), exact=True).click()
        playwright_api.expect(first.get_by_text(t("scenarios.saved", name="Shared across servers"))).to_be_visible()
        assert ScenarioStore(postgres_url, workspace="Team").versions("Shared across servers")[0].author == "Anna Kowalska"
        # The other server's page: its next rerun (here: back to the tab) lists the new scenario.
        second.get_by_role("tab", name=t("tabs.overview")).click()
        wait_idle(second)
        second.get_by_role("tab", name=t("tabs.scenarios")).click()
        wait_idle(second)
        # The whole line (no library path is shown any more): "Workspace “Team”" also begins the export's caption.
        where = t("store.library_where", workspace="Team")
        playwright_api.expect(second.get_by_text(where, exact=True)).to_be_visible()
        playwright_api.expect(second.locator('[data-testid="stDataFrame"]').first).to_be_visible()
        second.screenshot(path=str(tmp_path / "second.png"), full_page=True)
        body = second.locator("body").inner_text()
        assert PASSWORD not in body and PASSWORD not in first.locator("body").inner_text()
        # Listed (the table is drawn on a canvas): no "empty" notice any more, and the comparison (shown
        # only for a non-empty list) offers it.
        assert second.get_by_text(t("scenarios.empty")).count() == 0
        playwright_api.expect(second.get_by_text(t("scenarios.compare_hint", most=4))).to_be_visible()
        for page in (first, second):
            assert page.locator(EXCEPTION).count() == 0
        browser.close()
