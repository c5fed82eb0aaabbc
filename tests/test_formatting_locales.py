"""Money, percentages and large numbers in each language, against examples written out by hand.

The expected strings are typed here as a Pole, a Hungarian, a Dutch or a Greek reader writes
them (no-break spaces as \\xa0), not produced by Babel, so a change in Babel's data or in our
adjustments shows up.
"""

from __future__ import annotations

import pytest

from estimator.figures.charts import plotly_separators
from estimator.text.formatting import (
    format_count,
    format_count_delta,
    format_money,
    format_money_delta,
    format_parameter,
    format_share,
)
from estimator.text.i18n import LANGUAGES

NB = "\xa0"


@pytest.mark.parametrize(
    ("locale", "currency", "expected"),
    [
        ("en", "EUR", "€6.11M"),
        ("en", "PLN", f"PLN{NB}6.11M"),
        ("pl_PL", "PLN", f"6,11{NB}mln{NB}zł"),
        ("pl_PL", "EUR", f"6,11{NB}mln{NB}€"),
        ("hu_HU", "HUF", f"6,11{NB}millió{NB}Ft"),
        ("hu_HU", "EUR", f"6,11{NB}millió{NB}EUR"),
        ("nl_NL", "EUR", f"€{NB}6,11{NB}mln"),
        ("el_GR", "EUR", f"6,11{NB}εκ.{NB}€"),
    ],
)
def test_compact_millions(locale, currency, expected):
    assert format_money(6_112_409.23, currency, locale=locale) == expected


@pytest.mark.parametrize(
    ("locale", "currency", "thousands", "billions"),
    [
        ("en", "EUR", "€612K", "€2.5B"),
        ("pl_PL", "PLN", f"612{NB}tys.{NB}zł", f"2,5{NB}mld{NB}zł"),
        ("hu_HU", "HUF", f"612{NB}ezer{NB}Ft", f"2,5{NB}milliárd{NB}Ft"),
        # Dutch writes thousands in full ("€ 612.000", not "€ 612K") and "mld" without a dot.
        ("nl_NL", "EUR", f"€{NB}612.000", f"€{NB}2,5{NB}mld"),
        ("el_GR", "EUR", f"612{NB}χιλ.{NB}€", f"2,5{NB}δισ.{NB}€"),
    ],
)
def test_compact_thousands_and_billions(locale, currency, thousands, billions):
    assert format_money(612_400, currency, locale=locale) == thousands
    assert format_money(2_500_000_000, currency, locale=locale) == billions


@pytest.mark.parametrize(
    ("locale", "currency", "expected"),
    [
        ("en", "EUR", "€6,112,409"),
        ("pl_PL", "PLN", f"6{NB}112{NB}409{NB}zł"),
        ("hu_HU", "HUF", f"6{NB}112{NB}409{NB}Ft"),
        ("nl_NL", "EUR", f"€{NB}6.112.409"),
        ("el_GR", "EUR", f"6.112.409{NB}€"),
    ],
)
def test_full_amounts_for_tables(locale, currency, expected):
    assert format_money(6_112_409.23, currency, locale=locale, compact=False) == expected


@pytest.mark.parametrize(
    ("locale", "minus", "plus"),
    [
        ("en", "-€1.23M", "+€1.23M"),
        ("pl_PL", f"-1,23{NB}mln{NB}€", f"+1,23{NB}mln{NB}€"),
        # The pattern would put the minus after the symbol ("€ -1,23 mln"); a delta starts with its sign.
        ("nl_NL", f"-€{NB}1,23{NB}mln", f"+€{NB}1,23{NB}mln"),
        ("el_GR", f"-1,23{NB}εκ.{NB}€", f"+1,23{NB}εκ.{NB}€"),
    ],
)
def test_money_changes_start_with_their_sign(locale, minus, plus):
    assert format_money_delta(-1_234_567, "EUR", locale=locale) == minus
    assert format_money_delta(1_234_567, "EUR", locale=locale) == plus


def test_negative_amount_follows_the_locale_pattern():
    assert format_money(-1_500_000, "EUR", locale="nl_NL") == f"€{NB}-1,5{NB}mln"
    assert format_money(-1_500_000, "PLN", locale="pl_PL") == f"-1,5{NB}mln{NB}zł"


@pytest.mark.parametrize(
    ("locale", "share", "share_trimmed"),
    [
        ("en", "10.2%", "18.5%"),
        ("pl_PL", "10,2%", "18,5%"),
        ("hu_HU", "10,2%", "18,5%"),
        ("nl_NL", "10,2%", "18,5%"),
        ("el_GR", "10,2%", "18,5%"),
    ],
)
def test_percentages(locale, share, share_trimmed):
    assert format_share(0.10187, locale=locale) == share
    assert format_share(0.185, locale=locale, digits=2, trim=True) == share_trimmed


@pytest.mark.parametrize(
    ("locale", "full", "compact", "slider_stop"),
    [
        ("en", "98,765", "2.35M", "120K"),
        ("pl_PL", f"98{NB}765", f"2,35{NB}mln", f"120{NB}tys."),
        ("hu_HU", f"98{NB}765", f"2,35{NB}millió", f"120{NB}ezer"),
        ("nl_NL", "98.765", f"2,35{NB}mln", "120.000"),
        ("el_GR", "98.765", f"2,35{NB}εκ.", f"120{NB}χιλ."),
    ],
)
def test_large_numbers(locale, full, compact, slider_stop):
    assert format_count(98_765.4, locale=locale) == full
    assert format_count(2_345_678, locale=locale) == compact
    assert format_count(120_000, locale=locale, compact=True) == slider_stop


def test_count_change_and_small_counts():
    assert format_count_delta(-1575, locale="pl_PL") == f"-1{NB}575"
    assert format_count(0.4, locale="el_GR") == "0,4"


@pytest.mark.parametrize(
    ("locale", "money", "share", "count"),
    [
        ("en", "€12.99", "18%", "100,000"),
        ("pl_PL", f"12,99{NB}€", "18%", f"100{NB}000"),
        ("nl_NL", f"€{NB}12,99", "18%", "100.000"),
    ],
)
def test_parameter_values(locale, money, share, count):
    assert format_parameter("annual_value", 12.99, "EUR", locale=locale) == money
    assert format_parameter("churn_rate", 0.18, "EUR", locale=locale) == share
    assert format_parameter("customers", 100_000.0, "EUR", locale=locale) == count


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_any_iso_currency_formats_in_every_language(language):
    locale = LANGUAGES[language].locale
    for code in ("EUR", "PLN", "HUF", "USD", "GBP", "CHF", "JPY", "CZK", "XAU"):
        text = format_money(1_234_567, code, locale=locale)
        assert any(ch.isdigit() for ch in text), (language, code, text)
        assert format_money(1_234_567, code, locale=locale, compact=False)


def test_charts_use_the_locales_separators():
    assert plotly_separators("en") == ".,"
    assert plotly_separators("pl_PL") == f",{NB}"
    assert plotly_separators("nl_NL") == ",."
    assert plotly_separators("el_GR") == ",."
