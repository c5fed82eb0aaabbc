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
