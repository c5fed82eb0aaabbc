"""One translation function for every user-facing string: the app, charts, messages and exports.

Strings live in ``data/i18n/<language>/*.toml`` as nested tables; every file of a language is
merged into one catalogue (one file per part of the product, so the parts can grow apart), and a
key defined in two files of a language is an error. ``t("metric.total.label")`` looks a string
up in the current language, falls back to English, then to ``default``, and finally to the key
itself (so a missing string shows up, but never breaks the page). Placeholders use
:meth:`str.format` syntax: ``t("headline.sentence", total="€6.11M")``.

The language is held in a context variable (:func:`use_language`), so app sessions in
different languages never mix; exports take the language explicitly through
:func:`language_scope`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from estimator.core.parameters import PARAMETER_SPECS
from estimator.paths import data_dir

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "Language",
    "available_languages",
    "catalogue",
    "choose_language",
    "current_language",
    "current_locale",
    "grade_label",
    "has_key",
    "language_from_locale",
    "language_scope",
    "param_description",
    "param_label",
    "t",
    "t_plural",
    "use_language",
]

DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True)
class Language:
    """A language the product speaks: its code, its own name and the Babel locale of its numbers."""

    code: str
    name: str
    locale: str


#: The languages of the product, in the order of the language selector; each has a folder in data/i18n.
LANGUAGES: dict[str, Language] = {
    language.code: language
    for language in (
        Language("en", "English", "en"),
        Language("pl", "Polski", "pl_PL"),
        Language("hu", "Magyar", "hu_HU"),
        Language("nl", "Nederlands", "nl_NL"),
        Language("el", "Ελληνικά", "el_GR"),
    )
}

_language: ContextVar[str] = ContextVar("language", default=DEFAULT_LANGUAGE)


def _merge(into: dict[str, Any], table: dict[str, Any], source: str, path: str = "") -> None:
    for name, value in table.items():
        dotted = f"{path}{name}"
        if isinstance(value, dict) and isinstance(into.get(name), dict):
            _merge(into[name], value, source, f"{dotted}.")
        elif name in into:
            raise ValueError(f"i18n: {dotted!r} is defined twice (again in {source})")
        else:
            into[name] = value


@cache
def catalogue(language: str) -> dict[str, Any]:
    """Every string of ``language``, merged from its files; empty for an unknown language."""
    merged: dict[str, Any] = {}
    for path in sorted((data_dir() / "i18n" / language).glob("*.toml")):
        with open(path, "rb") as handle:
            _merge(merged, tomllib.load(handle), path.name)
    return merged


def available_languages() -> list[str]:
    """The languages with a catalogue folder in ``data/i18n``."""
    return list(_languages_in(data_dir() / "i18n"))


@cache
def _languages_in(folder: Path) -> tuple[str, ...]:
    # Asked several times per app run (language choice, the picker): scan the folder once.
    return tuple(sorted(path.name for path in folder.iterdir() if path.is_dir() and any(path.glob("*.toml"))))


def use_language(language: str) -> None:
    """Set the language of this script run (and thread); unknown languages fall back to English."""
    _language.set(language if language in available_languages() else DEFAULT_LANGUAGE)


@contextmanager
def language_scope(language: str) -> Iterator[None]:
    """Use ``language`` inside a ``with`` block (e.g. for one export), then restore the previous one."""
    token = _language.set(language if language in available_languages() else DEFAULT_LANGUAGE)
    try:
        yield
    finally:
        _language.reset(token)


def current_language() -> str:
    """The language in use."""
    return _language.get()


def current_locale() -> str:
    """The Babel locale for numbers in the current language."""
    language = current_language()
    return LANGUAGES[language].locale if language in LANGUAGES else language


def language_from_locale(tag: object) -> str | None:
    """The product's language for a browser locale or language tag, or ``None`` if it has none.

    Accepts BCP 47 tags as browsers send them ("pl-PL", "el", "nl_BE", "HU-hu") and anything
    else without complaint (``None``, "", a malformed tag), since they come from outside.

    >>> language_from_locale("pl-PL"), language_from_locale("nl_BE"), language_from_locale("de-DE")
    ('pl', 'nl', None)
    """
    if not isinstance(tag, str):
        return None
    primary = tag.strip().replace("_", "-").split("-")[0].lower()
    return primary if primary in LANGUAGES and primary in available_languages() else None


def choose_language(*candidates: object) -> str:
    """The first candidate (a language code or a locale tag) the product speaks; else English.

    The app passes, in order, the language the user picked, the ``lang`` parameter of the link
    and the browser's locale.

    >>> choose_language("xx", "el-GR"), choose_language(None, ""), choose_language("pl", "hu-HU")
    ('el', 'en', 'pl')
    """
    for candidate in candidates:
        language = language_from_locale(candidate)
        if language is not None:
            return language
    return DEFAULT_LANGUAGE


def _lookup(table: dict[str, Any], key: str) -> str | None:
    node: Any = table
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node if isinstance(node, str) else None


def has_key(key: str, language: str = DEFAULT_LANGUAGE) -> bool:
    """Whether ``key`` names a string in ``language``'s catalogue (for tests of the catalogue)."""
    return _lookup(catalogue(language), key) is not None


def t(key: str, /, default: str | None = None, **values: Any) -> str:
    """The user-facing string ``key`` in the current language, with ``values`` filled in.

    Parameters
    ----------
    key : str
        Dotted path into the catalogue, e.g. ``"sidebar.preset"``.
    default : str, optional
        Used when no catalogue has the key (e.g. texts that come with the data).
    **values
        Placeholders of the string.

    Returns
    -------
    str
        The text; the key itself when it is found nowhere.

    Examples
    --------
    >>> t("sidebar.preset")
    'Starting point'
    """
    text = _lookup(catalogue(current_language()), key)
    if text is None and current_language() != DEFAULT_LANGUAGE:
        text = _lookup(catalogue(DEFAULT_LANGUAGE), key)
    if text is None:
        text = default if default is not None else key
    if values:
        try:
            return text.format(**values)
        except (KeyError, IndexError, ValueError):
            return text  # a translator's typo in a placeholder must not break the page
    return text


def t_plural(key: str, /, count: int, **values: Any) -> str:
    """``key``'s form for ``count`` in the current language: CLDR plural rules (Babel) pick the form.

    The catalogue holds ``key`` as a table of the forms ``one``, ``few``, ``many`` and ``other``
    (Polish needs all four: 1 wersja, 2 wersje, 5 wersji; English two); ``other`` stands in for
    a form a language does not use. ``count`` is passed to the text as ``{count}``.

    >>> t_plural("store.history_title", 1), t_plural("store.history_title", 3)
    ('History (1 version)', 'History (3 versions)')
    >>> with language_scope("pl"):
    ...     [t_plural("store.history_title", n) for n in (1, 2, 5)]
    ['Historia (1 wersja)', 'Historia (2 wersje)', 'Historia (5 wersji)']
    """
    from babel import Locale

    form = Locale.parse(current_locale().replace("-", "_")).plural_form(count)
    text = _lookup(catalogue(current_language()), f"{key}.{form}")
    return t(f"{key}.{form}" if text is not None else f"{key}.other", count=count, **values)


def param_label(key: str) -> str:
    """The short label of a parameter (MODEL.md key), e.g. "Churn rate, all causes"."""
    return t(f"param.{key}.label", default=key)


def param_description(key: str) -> str:
    """What a parameter means, from the catalogue or else from ``data/parameters.toml``."""
    return t(f"param.{key}.description", default=PARAMETER_SPECS[key].description)


#: How data/evidence.csv marks a grade whose figure is only a proxy (see estimator.library).
_PROXY_SUFFIX = " (proxy)"


def grade_label(grade: str) -> str:
    """An evidence grade ("secondary report (proxy)") in the current language.

    Examples
    --------
    >>> grade_label("published survey (proxy)")
    'published survey (proxy)'
    >>> with language_scope("pl"):
    ...     grade_label("secondary report")
    'opracowanie wtórne'
    """
    base = grade.removesuffix(_PROXY_SUFFIX)
    text = t(f"grade.{base.strip().replace(' ', '_')}", default=base)
    return t("grade.proxy", grade=text) if grade.endswith(_PROXY_SUFFIX) else text
