"""End-to-end tests in a real headless Chromium against the real server (``streamlit run app.py``).

One server on a free loopback port serves the whole module; each test opens its own page.
Every wait is bounded, and no page may ever show a Streamlit exception element.
Needs Debian's ``chromium`` (/usr/bin/chromium) and the ``playwright`` package; the tests are
skipped when either is missing.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from estimator import estimate, load_preset
from estimator.text.formatting import format_money
from estimator.text.i18n import LANGUAGES, language_scope, t

pytestmark = pytest.mark.browser

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect
expect.set_options(timeout=20_000)

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WAIT_MS = 20_000
HEADLINE = '[data-testid="stMetricValue"]'
RUNNING = '[data-testid="stStatusWidget"]'
EXCEPTION = '[data-testid="stException"]'
ANY_SLIDER = '[data-testid="stSidebar"] [data-testid="stSlider"] input[type="range"]'
GENERIC = load_preset("generic_b2c").parameters


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def serving(
    process: subprocess.Popen, url: str, timeout: float, failure: Callable[[], str], *, pause: float = 0.05, stop: float = 10
) -> Iterator[None]:
    """Enter once ``url`` answers 200, stop ``process`` on leaving (terminate; kill after ``stop`` seconds).

    Fails the test with ``failure()`` when ``process`` exits or ``timeout`` seconds pass before it answers.
    """
    try:
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(failure())
            time.sleep(pause)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=stop)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@contextlib.contextmanager
def app_server(env: dict[str, str] | None = None, start_timeout: float = 60, port: int | None = None) -> Iterator[str]:
    """``streamlit run app.py`` on ``port`` (a free one of 127.0.0.1 by default; with ``env`` added to the
    environment); yields its base URL once it answers, and stops it afterwards."""
    port = port or _free_port()
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true"]
    command += ["--server.port", str(port), "--server.address", "127.0.0.1"]
    environment = {**os.environ, **env} if env else None
    process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    with serving(process, url + "_stcore/health", start_timeout, lambda: "the Streamlit server did not start"):
        yield url


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The app served by ``streamlit run app.py`` on 127.0.0.1; yields its base URL."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    with app_server(start_timeout=30) as url:
        yield url


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[object]:
    with playwright_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def open_app(browser, server):
    """Open the app at ``query`` in a new page, wait for the headline; check for exceptions at the end."""
    pages = []

    def open_page(query: str = ""):
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.set_default_timeout(WAIT_MS)
        pages.append(page)
        page.goto(server + query)
        page.wait_for_selector(HEADLINE)
        if "view=present" not in query:
            page.wait_for_selector(ANY_SLIDER)
        # Charts follow the first paint in a second run; once they are there the page is settled.
        page.wait_for_selector(".js-plotly-plot")
        wait_idle(page)
        return page

    yield open_page
    for page in pages:
        assert page.locator(EXCEPTION).count() == 0, page.locator(EXCEPTION).first.inner_text()
        page.close()


def wait_idle(page) -> None:
    """Wait until no script run is in progress."""
    page.wait_for_selector(RUNNING, state="detached", timeout=WAIT_MS)


def wait_for_headline(page, expected: str) -> None:
    """Wait until the first headline figure reads ``expected``."""
    page.wait_for_function(
        "([selector, expected]) => document.querySelector(selector)?.textContent === expected",
        arg=[HEADLINE, expected],
        timeout=WAIT_MS,
    )
    wait_idle(page)


def headline(page) -> str:
    return page.locator(HEADLINE).first.inner_text()


def open_group(page, group: str) -> None:
    """Open an input group of the sidebar (closed groups draw no widgets)."""
    page.locator('[data-testid="stExpander"] summary', has_text=t(f"group.{group}")).click()
    slider_of(page, "churn_rate" if group == "resignations" else "customers")
    wait_idle(page)


def _one(locator):
    # A widget drawn anew (its key carries a new version) briefly sits beside the old one.
    expect(locator).to_have_count(1)
    return locator


def slider_of(page, key: str):
    """A parameter's slider; widget keys carry a version (``slider_churn_rate-2``), hence the prefix match."""
    return _one(page.locator(f'[class*="st-key-slider_{key}-"] input[type="range"]'))


def entry_of(page, key: str):
    """A parameter's exact-value box."""
    return _one(page.locator(f'[class*="st-key-entry_{key}-"] input'))


def query_of(page) -> dict[str, str]:
    return {key: values[-1] for key, values in parse_qs(urlparse(page.url).query).items()}


def test_first_page_shows_the_generic_estimate(open_app):
    page = open_app()
    assert headline(page) == format_money(estimate(GENERIC).total, "EUR")
    expect(page.locator(ANY_SLIDER)).to_have_count(4)  # the business group is open, the others closed
    expect(page.locator(".js-plotly-plot")).to_have_count(2)  # channels and cross-check


def test_slider_key_press_changes_the_headline_and_the_link(open_app):
    page = open_app()
    open_group(page, "resignations")
    slider = slider_of(page, "churn_rate")
    slider.focus()
    page.keyboard.press("ArrowRight")  # 18% -> 18.5%
    wait_for_headline(page, format_money(estimate(GENERIC.replace(churn_rate=0.185)).total, "EUR"))
    expect(entry_of(page, "churn_rate")).to_have_value("18.5")
    page.wait_for_function("() => location.search.includes('churn_rate=0.185')", timeout=WAIT_MS)
    assert query_of(page) == {"churn_rate": "0.185"}


def test_typing_an_exact_value_moves_the_slider(open_app):
    page = open_app()
    box = entry_of(page, "customers")
    box.fill("250000")
    box.press("Enter")
    # MODEL.md v3: the prospect contacts follow the customers (20,000 x 250,000 / 100,000).
    wait_for_headline(page, format_money(estimate(GENERIC.replace(customers=250000, prospect_contacts=50000)).total, "EUR"))
    expect(slider_of(page, "customers")).to_have_attribute("aria-valuetext", "250K")


def test_a_copied_link_reopens_the_same_scenario(open_app):
    page = open_app()
    open_group(page, "resignations")
    slider = slider_of(page, "churn_rate")
    for churn in (0.185, 0.19, 0.195):  # one 0.5-point step per key press
        slider.focus()
        page.keyboard.press("ArrowRight")
        wait_for_headline(page, format_money(estimate(GENERIC.replace(churn_rate=churn)).total, "EUR"))
    page.locator('[data-testid="stRadio"] label', has_text=t("method.bottom_up")).click()
    expected = GENERIC.replace(churn_rate=0.195, method="bottom_up")
    wait_for_headline(page, format_money(estimate(expected).total, "EUR"))
    page.wait_for_function("() => location.search.includes('method=bottom_up')", timeout=WAIT_MS)
    figures = page.locator(HEADLINE).all_inner_texts()

    copy = open_app("?" + urlparse(page.url).query)
    expect(copy.locator(HEADLINE)).to_have_text(figures)
    open_group(copy, "resignations")
    expect(entry_of(copy, "churn_rate")).to_have_value("19.5")
    expect(copy.locator('[data-testid="stRadio"] input[type="radio"]').nth(1)).to_be_checked()


def test_a_bad_link_value_gives_a_notice_not_a_traceback(open_app):
    page = open_app("?churn_rate=abc&customers=-5&service_share=0.3")
    notice = page.locator('[data-testid="stAlertContentWarning"]').first.inner_text()
    assert "churn_rate=abc" in notice and "customers=-5" in notice
    assert headline(page) == format_money(estimate(GENERIC.replace(service_share=0.3)).total, "EUR")


def test_presentation_view_hides_the_controls(open_app):
    page = open_app("?view=present&churn_rate=0.22")
    hero = page.locator('[data-testid="heroNumber"]').inner_text()
    assert hero == format_money(estimate(GENERIC.replace(churn_rate=0.22)).total, "EUR")
    assert page.locator('[data-testid="stSlider"]').count() == 0
    # The exact boxes are text inputs (st-key-entry_<key>-<version>); no input box of any kind remains.
    assert page.locator('[class*="st-key-entry_"]').count() == 0
    assert page.locator('[data-testid="stTextInput"], [data-testid="stNumberInput"]').count() == 0
    expect(page.locator(".js-plotly-plot")).to_have_count(2)


POLAND = load_preset("poland_consumer_services").parameters


@pytest.mark.parametrize("language", ["pl", "hu", "nl", "el", "en"])
def test_a_link_with_a_language_opens_the_app_in_it(open_app, language):
    page = open_app(f"?lang={language}&preset=poland_consumer_services")
    with language_scope(language):
        label, tab = t("metric.total.label"), t("tabs.overview")
    expect(page.locator('[data-testid="stMetricLabel"]').first).to_have_text(label)
    expect(page.get_by_role("tab", name=tab)).to_be_visible()
    assert headline(page) == format_money(estimate(POLAND).total, "PLN", locale=LANGUAGES[language].locale)
    assert query_of(page)["lang"] == language


# Elements of a metric value that clip their text (with "…") when it does not fit.
_CLIPPED_VALUES = """
() => [...document.querySelectorAll('[data-testid="stMetricValue"], [data-testid="stMetricValue"] *')]
    .filter(element => element.scrollWidth > element.clientWidth + 1)
    .map(element => element.textContent)
"""


@pytest.mark.parametrize(("language", "query"), [("pl", "preset=poland_consumer_services"), ("hu", "currency=HUF"), ("en", "")])
def test_no_headline_figure_is_cut_short_in_any_language(open_app, language, query):
    """Long money strings ("19,7 mln zł") must not end in "…" on a laptop-sized screen."""
    page = open_app(f"?lang={language}&{query}")
    assert page.locator('[data-testid="stMetricValue"]').count() >= 6
    assert page.evaluate(_CLIPPED_VALUES) == []


def test_the_browsers_locale_picks_the_language_and_a_typed_decimal_comma_works(browser, server):
    """A Polish browser gets Polish (and ``lang=pl`` in the link), and a value typed the Polish way,
    with a decimal comma, is read as such (a number field would have dropped the comma: 375)."""
    context = browser.new_context(locale="pl-PL", viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    try:
        page.goto(server)
        page.wait_for_selector(HEADLINE)
        page.wait_for_selector(".js-plotly-plot")
        wait_idle(page)
        with language_scope("pl"):
            expect(page.locator('[data-testid="stMetricLabel"]').first).to_have_text(t("metric.total.label"))
        assert query_of(page) == {"lang": "pl"}
        box = entry_of(page, "gross_margin")
        box.fill("37,5")
        box.press("Enter")
        expected = format_money(estimate(GENERIC.replace(gross_margin=0.375)).profit_lost, "EUR", locale="pl_PL")
        page.wait_for_function("() => location.search.includes('gross_margin=0.375')", timeout=WAIT_MS)
        wait_idle(page)
        assert expected in page.locator(HEADLINE).all_inner_texts()
        assert page.locator(EXCEPTION).count() == 0
    finally:
        context.close()
