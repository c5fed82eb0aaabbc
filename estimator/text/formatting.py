"""Numbers as people read them: compact money, shares, counts and parameter values, per locale.

Every function takes a Babel ``locale`` (default ``"en"``) so that the same figures can be
shown in Polish, Hungarian, Dutch or Greek without touching the callers. Nothing here
depends on Streamlit: notebooks, exports and the app share these functions.

Examples
--------
>>> format_money(6112409.23, "EUR")
'€6.11M'
>>> format_money(6112409.23, "PLN", locale="pl")
'6,11\xa0mln\xa0zł'
>>> format_money(6112409.23, "HUF", locale="hu")
'6,11\xa0millió\xa0Ft'
>>> format_money(6112409.23, "EUR", locale="nl")
'€\xa06,11\xa0mln'
>>> format_money(6112409.23, "EUR", locale="el")
'6,11\xa0εκ.\xa0€'
>>> format_share(0.10187)
'10.2%'
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from babel import Locale
from babel.numbers import (
    NumberFormatError,
    format_compact_decimal,
    format_currency,
    format_decimal,
    format_percent,
    get_currency_symbol,
    get_group_symbol,
    get_minus_sign_symbol,
    get_plus_sign_symbol,
    parse_decimal,
)

from estimator.core.parameters import PARAMETER_SPECS
from estimator.core.provenance import NO_CURRENCY
from estimator.text.i18n import current_language, language_scope, t

__all__ = [
    "COMPACT_STYLES",
    "NOT_AVAILABLE",
    "CompactStyle",
    "NumberEntryError",
    "currency_label",
    "format_count",
    "format_count_delta",
    "format_entry",
    "format_money",
    "format_money_delta",
    "format_parameter",
    "format_share",
    "format_share_points_delta",
    "is_currency_parameter",
    "is_share_parameter",
    "parse_number",
    "round_significant",
    "upper_text",
]

#: What an undefined figure (NaN) shows, e.g. the share of revenue when there is no revenue.
NOT_AVAILABLE = "–"

#: Counts below this are written out in full ("8,998"); above it they are compacted ("1.2M").
COMPACT_COUNT_FROM = 1_000_000


@dataclass(frozen=True)
class CompactStyle:
    """How a language abbreviates large numbers, where Babel's (CLDR's) short form reads oddly.

    Attributes
    ----------
    form : str
        Babel's ``"short"`` ("6,11 mln") or ``"long"`` ("6,11 millió") compact form.
    drop_abbreviation_dot : bool
        Write "mln" for "mln." (Dutch financial usage: "€ 6,1 mln").
    compact_from : float
        Smaller amounts are written in full ("€ 612.000" rather than the English-looking "€ 612K").
    """

    form: str = "short"
    drop_abbreviation_dot: bool = False
    compact_from: float = 1_000


#: Per language (the part of the locale before "_"); checked by hand against each language's press:
#: Hungarian writes "6,1 millió Ft" ("6,1 M Ft" is a spreadsheet abbreviation), Dutch "€ 6,1 mln"
#: and "€ 612.000". Polish ("6,1 mln zł", "612 tys. zł") and Greek ("6,1 εκ. €") read well as CLDR has them.
COMPACT_STYLES: dict[str, CompactStyle] = {
    "hu": CompactStyle(form="long"),
    "nl": CompactStyle(drop_abbreviation_dot=True, compact_from=1_000_000),
}


def _compact_style(locale: str) -> CompactStyle:
    return COMPACT_STYLES.get(str(locale).replace("-", "_").split("_")[0].lower(), CompactStyle())


def _compact_number(value: float, locale: str) -> str:
    """``value`` (already rounded) with the locale's compact unit, e.g. "6,11 mln"; no sign handling."""
    style = _compact_style(locale)
    if abs(value) < style.compact_from:
        return format_decimal(value, format="#,##0.##", locale=locale)
    text = format_compact_decimal(value, locale=locale, format_type=style.form, fraction_digits=2)
    if style.form == "long":
        text = text.replace(" ", "\xa0")  # keep "6,11 millió" on one line
    if style.drop_abbreviation_dot:
        text = re.sub(r"(?<=[^\W\d])\.(?=\s|$)", "", text)
    return text


def _space_alphabetic_symbol(text: str, currency: str, locale: str) -> str:
    """Put a no-break space between a letter symbol and the digits ("PLN\xa06.1M", not "PLN6.1M").

    CLDR's currency-spacing rule, which Babel does not apply: "€6.1M" stays as it is.
    """
    symbol = get_currency_symbol(currency, locale=locale)
    if symbol and symbol[-1].isalpha():
        text = re.sub(re.escape(symbol) + r"(?=[\d\-−])", symbol + "\xa0", text)
    if symbol and symbol[0].isalpha():
        text = re.sub(r"(?<=\d)" + re.escape(symbol), "\xa0" + symbol, text)
    return text


def round_significant(value: float, digits: int = 3) -> float:
    """Round ``value`` to ``digits`` significant digits (so 999,999 becomes 1,000,000, not "1000K").

    >>> round_significant(6112409.23)
    6110000.0
    >>> round_significant(-0.012345, 2)
    -0.012
    """
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))


def _currency_pattern(locale: str, digits: str) -> str:
    """The locale's currency pattern (symbol position, spacing) with ``digits`` in place of "0.00"."""
    return Locale.parse(locale).currency_formats["standard"].pattern.replace("0.00", digits)


def _with_sign(text: str, value: float, locale: str) -> str:
    """Prefix a plus sign to a positive figure; Babel already writes the minus of a negative one.

    The minus is normalised to ASCII "-" because ``st.metric`` reads the direction of a delta
    from its first character.
    """
    minus = get_minus_sign_symbol(locale)
    if minus != "-":
        text = text.replace(minus, "-")
    if value > 0:
        return get_plus_sign_symbol(locale) + text
    return text


def format_money(value: float, currency: str, *, locale: str = "en", compact: bool = True) -> str:
    """A money amount in ``currency``: compact with three significant digits ("€6.11M") or in full.

    Parameters
    ----------
    value : float
        The amount; NaN gives :data:`NOT_AVAILABLE`.
    currency : str
        ISO 4217 code, e.g. ``"EUR"``.
    locale : str, default "en"
        Babel locale for symbols, separators and compact suffixes.
    compact : bool, default True
        ``False`` writes the amount in full, rounded to whole units ("€6,112,409").

    Examples
    --------
    >>> format_money(999_999, "EUR")
    '€1M'
    >>> format_money(-1_500_000, "USD")
    '-$1.5M'
    >>> format_money(6112409.23, "EUR", compact=False)
    '€6,112,409'
    """
    if not math.isfinite(value):
        return NOT_AVAILABLE
    if not compact:
        text = format_currency(
            round(value), currency, locale=locale, format=_currency_pattern(locale, "0"), currency_digits=False
        )
        return _space_alphabetic_symbol(text, currency, locale)
    # Rounding first keeps three significant digits whatever the size of the compact unit.
    rounded = round_significant(value)
    # The locale's currency pattern (symbol before or after, its spacing, the place of the minus)
    # around the compact number: Babel's own compact currency forms miss the per-language styles.
    placeholder = 1.0 if rounded >= 0 else -1.0
    number = format_decimal(placeholder, locale=locale)
    template = format_currency(placeholder, currency, locale=locale, format=_currency_pattern(locale, "0"), currency_digits=False)
    text = template.replace(number.lstrip(get_minus_sign_symbol(locale)).lstrip("-"), _compact_number(abs(rounded), locale), 1)
    return _space_alphabetic_symbol(text, currency, locale)


def format_money_delta(value: float, currency: str, *, locale: str = "en") -> str:
    """A change of a money amount, always signed: "+€1.2M", "-€350K", "€0".

    >>> format_money_delta(1_234_567, "EUR")
    '+€1.23M'
    """
    if not math.isfinite(value):
        return NOT_AVAILABLE
    # The sign goes first in every language (Dutch otherwise writes "€ -1,2 mln"), since
    # ``st.metric`` reads the direction of a delta from the first character.
    text = format_money(abs(value), currency, locale=locale)
    if round_significant(value) < 0:
        return "-" + text
    return _with_sign(text, value, locale)


def format_count(value: float, *, locale: str = "en", compact: bool | None = None) -> str:
    """A number of customers (or contacts): in full below a million, compact above.

    Fractions are kept only for small figures, where they carry information.
    ``compact=True`` compacts from a thousand up (for slider stops), ``False`` never.

    >>> format_count(8998.4)
    '8,998'
    >>> format_count(2_345_678)
    '2.35M'
    >>> format_count(0.4)
    '0.4'
    >>> format_count(120_000, compact=True)
    '120K'
    """
    if not math.isfinite(value):
        return NOT_AVAILABLE
    if compact or (compact is None and abs(value) >= COMPACT_COUNT_FROM):
        rounded = round_significant(value)
        text = _compact_number(abs(rounded), locale)
        return get_minus_sign_symbol(locale) + text if rounded < 0 else text
    if abs(value) < 100:
        return format_decimal(round(value, 1), locale=locale)
    return format_decimal(round(value), locale=locale)


def format_count_delta(value: float, *, locale: str = "en") -> str:
    """A change of a count, always signed.

    >>> format_count_delta(-1575)
    '-1,575'
    """
    return _with_sign(format_count(value, locale=locale), value, locale)


def format_share(value: float, *, locale: str = "en", digits: int = 1, trim: bool = False) -> str:
    """A share as a percentage with ``digits`` decimals; NaN gives :data:`NOT_AVAILABLE`.

    ``trim=True`` drops trailing zeros (for inputs: "18%" rather than "18.00%").

    >>> format_share(0.3125), format_share(0.12)
    ('31.2%', '12.0%')
    >>> format_share(0.4, digits=0), format_share(0.18, digits=2, trim=True)
    ('40%', '18%')
    """
    if not math.isfinite(value):
        return NOT_AVAILABLE
    pattern = "#,##0" + ("." + ("#" if trim else "0") * digits if digits else "") + "%"
    return format_percent(value, format=pattern, locale=locale)


def format_share_points_delta(value: float, *, locale: str = "en", digits: int = 1) -> str:
    """A change of a share in percentage points, signed and without a unit (the caller adds "pp").

    >>> format_share_points_delta(0.0123)
    '+1.2'
    """
    if not math.isfinite(value):
        return NOT_AVAILABLE
    points = round(value * 100, digits)
    return _with_sign(format_decimal(points, locale=locale), points, locale)


def is_share_parameter(key: str) -> bool:
    """Whether a parameter is a share from 0 to 1, shown as a percentage.

    >>> is_share_parameter("churn_rate"), is_share_parameter("silent_ratio")
    (True, False)
    """
    return PARAMETER_SPECS[key].is_share


def is_currency_parameter(key: str) -> bool:
    """Whether a parameter is an amount of money (in the scenario's currency)."""
    return PARAMETER_SPECS[key].is_currency


def format_parameter(key: str, value: object, currency: str, *, locale: str = "en") -> str:
    """A parameter value in its natural unit: shares as percentages, money with its currency.

    Exact rather than compact, since this is what an assumption table quotes.

    >>> format_parameter("churn_rate", 0.18, "EUR")
    '18%'
    >>> format_parameter("annual_value", 600.0, "EUR")
    '€600'
    >>> format_parameter("customers", 100000.0, "EUR")
    '100,000'
    """
    spec = PARAMETER_SPECS[key]
    if spec.kind == "choice" or not isinstance(value, int | float):
        return str(value)
    if is_share_parameter(key):
        return format_share(float(value), locale=locale, digits=2, trim=True)
    if is_currency_parameter(key):
        # Cents are shown only when there are any ("€600", "€12.99").
        text = format_currency(value, currency, locale=locale, format=_currency_pattern(locale, "0.##"), currency_digits=False)
        return _space_alphabetic_symbol(text, currency, locale)
    return format_decimal(value, locale=locale, decimal_quantization=False)


# --- numbers typed by a user --------------------------------------------------------------------

#: Spaces people type or paste between digit groups: plain, no-break and narrow no-break.
_SPACES = re.compile(r"[ \u00a0\u202f]+")
#: A plain number with an optional decimal point, as typed on any keyboard in any language.
_PLAIN_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


class NumberEntryError(ValueError):
    """Typed text that is not a number as written in the user's language."""


def parse_number(text: str, *, locale: str = "en") -> float:
    """The number a user typed, read with the decimal and group marks of ``locale``.

    Written the locale's way first ("37,5" and "1 500" in Polish, "1.500" in Dutch), then, if
    that fails, as a plain number with a decimal point ("37.5"), since many keyboards and
    habits give one. Text that is neither, such as "37,5" in English, is an error rather than a
    guess: silently reading it as 375 would change the client's figures.

    Parameters
    ----------
    text : str
        What was typed; surrounding spaces and a trailing "%" are ignored.
    locale : str
        Babel locale, e.g. ``"pl_PL"``.

    Returns
    -------
    float

    Raises
    ------
    NumberEntryError
        When the text is empty or not a number in either form.

    Examples
    --------
    >>> parse_number("37,5", locale="pl"), parse_number("1 500,25", locale="hu"), parse_number("1.500", locale="nl")
    (37.5, 1500.25, 1500.0)
    >>> parse_number("37.5", locale="el"), parse_number("1,500", locale="en"), parse_number("12 %", locale="en")
    (37.5, 1500.0, 12.0)
    >>> parse_number("37,5", locale="en")
    Traceback (most recent call last):
    ...
    estimator.text.formatting.NumberEntryError: '37,5' is not a number as written in en
    """
    cleaned = text.strip().removesuffix("%").strip().replace("\u2212", "-")
    if not cleaned:
        raise NumberEntryError("empty")
    # Digit groups may be typed with any kind of space; the locale's own group mark is used for
    # parsing when it is a space, otherwise the spaces are simply dropped.
    group = get_group_symbol(locale)
    cleaned = _SPACES.sub(group if _SPACES.fullmatch(group) else "", cleaned)
    try:
        value = float(parse_decimal(cleaned, locale=locale, strict=True))
    except (NumberFormatError, ValueError):
        plain = cleaned.replace(group, "") if _SPACES.fullmatch(group) else cleaned
        if not _PLAIN_DECIMAL.fullmatch(plain):
            raise NumberEntryError(f"{text!r} is not a number as written in {locale}") from None
        value = float(plain)
    if not math.isfinite(value):
        raise NumberEntryError(f"{text!r} is not a finite number")
    return value


def format_entry(value: float, *, locale: str = "en", grouping: bool = True) -> str:
    """A value as an exact-entry box shows it: every significant decimal, the locale's marks.

    ``grouping=False`` leaves out the thousands marks, for numbers that are names rather than
    amounts (a random seed reads "2026", not "2,026").

    Examples
    --------
    >>> format_entry(100000, locale="pl"), format_entry(612.34, locale="nl"), format_entry(18.25, locale="en")
    ('100\xa0000', '612,34', '18.25')
    >>> format_entry(2026, locale="en", grouping=False)
    '2026'
    """
    return format_decimal(value, format="#,##0.##########" if grouping else "0.##########", locale=locale)


#: Accents Greek typography drops in capitals (tonos / oxia, varia, perispomeni); the diaeresis stays.
_GREEK_CAPITAL_DROPS = frozenset({"\u0301", "\u0300", "\u0342", "\u0313", "\u0314", "\u0345"})


def _is_greek(char: str) -> bool:
    return "\u0370" <= char <= "\u03ff" or "\u1f00" <= char <= "\u1fff"


def upper_text(text: str) -> str:
    """``text`` in capitals as a typesetter would write them: Greek capitals without their accents.

    ``str.upper`` (and CSS ``text-transform: uppercase``) keeps the tonos ("ΕΚΤΊΜΗΣΗ"); Greek drops
    it in all-capital text but keeps the diaeresis. Other scripts' accents (Polish, Hungarian) stay.

    >>> upper_text("Εκτίμηση κόστους · Σενάριο"), upper_text("Πρωτεΐνη"), upper_text("Szacowanie kosztów, ő")
    ('ΕΚΤΙΜΗΣΗ ΚΟΣΤΟΥΣ · ΣΕΝΑΡΙΟ', 'ΠΡΩΤΕΪΝΗ', 'SZACOWANIE KOSZTÓW, Ő')
    """
    kept: list[str] = []
    base = ""
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char):
            if char in _GREEK_CAPITAL_DROPS and _is_greek(base):
                continue
        else:
            base = char
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept)).upper()


def currency_label(code: str, language: str | None = None) -> str:
    """``code`` as a label: the code itself, or "currency not stated" (in ``language``) for ``XXX``, ISO 4217's none."""
    if code != NO_CURRENCY:
        return code
    with language_scope(language or current_language()):
        return t("calibration.v3_currency_none")
