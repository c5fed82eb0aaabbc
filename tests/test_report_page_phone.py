"""The HTML page on a phone (390×844) in real Chromium: nothing makes the page scroll sideways."""

from __future__ import annotations

import pytest
from test_browser import CHROMIUM, CHROMIUM_ARGS

from estimator import load_preset
from estimator.reports import build_content, html_bytes

pytestmark = [pytest.mark.browser, pytest.mark.slow]

playwright_api = pytest.importorskip("playwright.sync_api")

#: Elements wider than the phone's screen, measured in the page (tag, class, right edge).
OVERFLOWING = """
() => [...document.querySelectorAll('body *')]
  .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !el.closest('table'))
  .map(el => [el.tagName, String(el.className && el.className.baseVal !== undefined ? el.className.baseVal : el.className),
              Math.round(el.getBoundingClientRect().right)])
  .slice(0, 10)
"""


@pytest.mark.parametrize("language", ["pl", "el", "hu"])
def test_the_page_fits_a_phone(tmp_path, language):
    """The headline cards once kept "51,3 tys. €" on one line at 28 px and pushed the page to 411 px."""
    preset = load_preset("generic_b2c")
    params = preset.parameters.replace(customers=2400)
    content = build_content(params, sources=preset.sources, base=preset.parameters, language=language, draws=1_000, seed=1)
    page_file = tmp_path / "page.html"
    page_file.write_bytes(html_bytes(content))
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})
            page.goto(page_file.as_uri())
            page.wait_for_timeout(1_500)
            widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            assert widths[0] <= widths[1] + 1, (language, widths, page.evaluate(OVERFLOWING))
        finally:
            browser.close()
