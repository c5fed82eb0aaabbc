"""Hostile links in a real headless Chromium: nothing from the link becomes a link or an image.

The corpus's Markdown values (``tests/hostile/values.toml``) in the name (the presentation view's
title), in a parameter's value and in an unknown key (the link notice's code span); the page's DOM
then holds no ``<a>`` or ``<img>`` pointing at the attacker's host, and the values are shown as text.
The server, browser and page fixtures are those of ``tests/test_browser.py``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from urllib.parse import urlencode

import pytest
import test_browser

pytestmark = pytest.mark.browser

server, browser, open_app = test_browser.server, test_browser.browser, test_browser.open_app
VALUES = tomllib.loads((Path(__file__).parent / "hostile" / "values.toml").read_text(encoding="utf-8"))["values"]
QUERY = {
    "name": f"{VALUES['markdown_link']} {VALUES['markdown_image']}",  # 78 characters: a name holds up to 100
    "currency": VALUES["bare_url"],
    "churn_rate": VALUES["backtick_break"],
    "service_share": VALUES["newline_heading"],
    "x`![](https://evil.example/key.png)`": "1",
}


@pytest.mark.parametrize("view", ["edit", "present"])
def test_a_hostile_link_puts_no_link_or_image_on_the_page(open_app, view):
    page = open_app("?" + urlencode({**QUERY, "view": view}))
    assert "evil.example" in page.inner_text("body")  # shown, as text
    planted = page.locator('a[href*="evil.example"], img[src*="evil.example"]')
    assert planted.count() == 0, [planted.nth(i).evaluate("e => e.outerHTML") for i in range(planted.count())]
    if view == "present":  # the page title is the name, literally
        title = page.locator("h1").first.inner_text().replace("\u2060", "")  # the word joiner that stops autolinks
        assert title == QUERY["name"]


def test_names_from_the_library_in_selectors_and_tables_are_text(browser, tmp_path):
    """Another user's scenario and workspace names: the workspace picker, the scenario selector and list."""
    from estimator import Parameters
    from estimator.paths import DATABASE_ENV
    from estimator.store import ScenarioStore
    from estimator.text.i18n import t

    name = f"{VALUES['markdown_link']} {VALUES['markdown_image']}"
    path = tmp_path / "library.sqlite3"
    ScenarioStore(path, workspace=name).save(name, Parameters(), notes=VALUES["markdown_image"], author=VALUES["markdown_link"])
    with test_browser.app_server(env={DATABASE_ENV: str(path)}) as url:
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.set_default_timeout(test_browser.WAIT_MS)
        page.goto(url + "?" + urlencode({"workspace": name}))
        page.wait_for_selector(test_browser.HEADLINE)
        page.get_by_role("tab", name=t("tabs.scenarios")).click()
        page.get_by_text(t("scenarios.library_title")).first.wait_for()
        test_browser.wait_idle(page)
        page.locator('[data-testid="stSelectbox"]').last.click()  # the open list of the scenario selector
        page.wait_for_timeout(500)
        assert "evil.example" in page.inner_text("body")
        planted = page.locator('a[href*="evil.example"], img[src*="evil.example"]')
        assert planted.count() == 0, [planted.nth(i).evaluate("e => e.outerHTML") for i in range(planted.count())]
        assert page.locator(test_browser.EXCEPTION).count() == 0
        page.close()
