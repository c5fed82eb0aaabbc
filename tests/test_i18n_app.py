"""The app in every language (AppTest): opened with ``?lang=``, it renders with no exception, in that
language, with amounts in its format, and with no catalogue key left on screen."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

from estimator import estimate, load_preset
from estimator.analysis.compare import GROUPS
from estimator.text.formatting import format_money, format_share
from estimator.text.i18n import LANGUAGES, catalogue, language_scope, t
from ui import state
from ui.main import TABS, TABS_KEY
from ui.plots import _CHARTS_ENABLED
from ui.sidebar import group_key

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"

#: What a catalogue key looks like on screen: a known top-level section, then dotted names.
RAW_KEY = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, catalogue("en")))) + r")(?:\.[a-z0-9_]+)+\b")


def run_app(query: dict[str, str], *, tab: str | None = None, language: str = "en", open_groups: bool = False) -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=120)
    app.session_state[_CHARTS_ENABLED] = True
    if open_groups:
        for group in GROUPS:
            app.session_state[group_key(group)] = True
    if tab:
        with language_scope(language):
            app.session_state[TABS_KEY] = t(tab)
    app.query_params.update(query)
    return app.run()


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def screen_text(app: AppTest) -> list[str]:
    """Every string of every element on the page: labels, values, help texts, options, chart specs."""
    found: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            found.extend(_strings(MessageToDict(proto)))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(app._tree)
    return found


def raw_keys(app: AppTest) -> set[str]:
    return {match for text in screen_text(app) for match in RAW_KEY.findall(text)}


def test_the_raw_key_scan_finds_a_key_left_on_screen():
    """The scan itself can fail: a key with no string anywhere shows as the key and is caught."""
    app = run_app({"lang": "pl"})
    assert not raw_keys(app)
    assert RAW_KEY.findall("Revenue metric.total.label here") == ["metric.total.label"]
    assert not RAW_KEY.findall("6,6 mln zł, np. EUR, e.g. USD")


@pytest.mark.parametrize("language", list(LANGUAGES))
@pytest.mark.parametrize("tab", [key for key, _ in TABS])
def test_every_tab_renders_in_every_language_without_raw_keys(language, tab):
    app = run_app({"lang": language}, tab=tab, language=language, open_groups=tab == "tabs.overview")
    assert not app.exception, app.exception
    keys = raw_keys(app)
    assert not keys, f"{language} {tab}: catalogue keys on screen: {sorted(keys)}"
    with language_scope(language):
        assert [tab_.label for tab_ in app.tabs] == [t(key) for key, _ in TABS]
        assert app.sidebar.selectbox[0].label == t("language.label")


# Hand-checked headlines of the Polish preset (PLN) in each language.
POLAND = load_preset("poland_consumer_services").parameters


@pytest.mark.parametrize(
    ("language", "money_pattern", "sentence_start"),
    [
        ("en", r"^PLN\xa0\d\.\d{1,2}M$", "**PLN"),
        ("pl", r"^\d,\d{1,2}\xa0mln\xa0zł$", "**"),
        ("hu", r"^\d,\d{1,2}\xa0millió\xa0PLN$", "Évente"),
        ("nl", r"^PLN\xa0\d,\d{1,2}\xa0mln$", "Elk jaar"),
        ("el", r"^\d,\d{1,2}\xa0εκ\.\xa0PLN$", "**"),
    ],
)
def test_headline_amounts_are_written_as_the_language_writes_them(language, money_pattern, sentence_start):
    app = run_app({"lang": language, "preset": "poland_consumer_services"})
    assert not app.exception
    est = estimate(POLAND)
    locale = LANGUAGES[language].locale
    total = format_money(est.total, "PLN", locale=locale)
    assert re.match(money_pattern, total), total
    with language_scope(language):
        label = t("metric.total.label")
        expected_sentence = t("headline.sentence", total=total, share=format_share(est.share_of_revenue, locale=locale))
    shown = {metric.label: metric.value for metric in app.metric}
    assert shown[label] == total
    assert shown[t("metric.share.label") if language == "en" else label] is not None
    sentences = [m.value for m in app.markdown if total in m.value]
    assert any(expected_sentence in sentence for sentence in sentences), sentences
    assert any(sentence.lstrip("# ").startswith(sentence_start) for sentence in sentences)


def test_polish_app_shows_zloty_with_decimal_commas():
    app = run_app({"lang": "pl", "preset": "poland_consumer_services"})
    values = [metric.value for metric in app.metric]
    assert any(value.endswith("zł") and "," in value for value in values), values
    assert any(re.fullmatch(r"\d+,\d%", value) for value in values), values


def test_unknown_language_in_the_link_falls_back_to_english_without_a_notice():
    app = run_app({"lang": "xx"})
    assert not app.exception
    assert app.sidebar.selectbox[0].label == "Language"
    assert not app.get("warning")  # "lang" is not reported as a bad parameter
    assert "lang" not in app.query_params  # English by default is not written into the link


def test_language_of_the_link_is_kept_in_the_link_with_the_scenario():
    app = run_app({"lang": "hu", "churn_rate": "0.2"})
    assert dict(app.query_params) == {"lang": "hu", "churn_rate": "0.2"}
    assert not app.get("warning")


def test_choosing_a_language_in_the_sidebar_switches_the_app_and_the_link():
    app = run_app({})
    assert app.metric[0].label == "Revenue lost a year"
    app.selectbox(key=state.LANGUAGE_WIDGET).set_value("el").run()
    assert not app.exception
    assert app.metric[0].label == "Απώλεια εσόδων ανά έτος"
    assert app.query_params["lang"] == "el"
    # An explicit English choice is also kept, so the link overrides a Polish browser. (AppTest
    # calls the widgets' format functions in the test's thread: they must see the page's language.)
    with language_scope("el"):
        app.selectbox(key=state.LANGUAGE_WIDGET).set_value("en").run()
    assert app.metric[0].label == "Revenue lost a year"
    assert app.query_params["lang"] == "en"


def test_presentation_view_in_dutch():
    app = run_app({"lang": "nl", "view": "present"})
    assert not app.exception
    hero = " ".join(h.proto.body for h in app.get("html"))
    assert "gaat elk jaar verloren door slechte klantenservice" in hero
    assert not raw_keys(app)
