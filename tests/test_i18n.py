"""Catalogues: every English string exists in every language, with the same placeholders and no English left.

Each check walks the files of ``data/i18n/en`` as they are when the test runs, so a new English
file without translations makes it fail: that is intended (a translator has work to do).
"""

from __future__ import annotations

import re
import string
import tomllib
from pathlib import Path

import pytest

from estimator.core.parameters import PARAMETER_SPECS
from estimator.text.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    available_languages,
    catalogue,
    choose_language,
    current_language,
    language_from_locale,
    language_scope,
    param_description,
    t,
)

ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / "data" / "i18n"
OTHER_LANGUAGES = [code for code in LANGUAGES if code != DEFAULT_LANGUAGE]

#: Values that may read the same in English and another language: names, units, codes, symbols.
SAME_AS_ENGLISH = {
    "{value} pp",
    "P5",
    "P50",
    "P95",
    "`{key}={value}`: {reason}; allowed: {allowed}.",
}
#: Words the same in English and one of the languages (Dutch business usage: "Scenario", "Prospects",
#: "Top-down"), and names: allowed when they are the whole value.
SAME_WORDS = {
    "Scenario",
    "Prospects",
    "Link",
    "Top-down",
    "Bottom-up",
    "Model",
    "Status",
    "Shapley",
    "Sobol",
    "Monte Carlo",
    "Excel",
    "PDF",
    "CSV",
    "PowerPoint",
    "HTML",
    "JSON",
    "TOML",
}


def _strings(table: dict, prefix: str = "") -> dict[str, str]:
    """Every string of a nested table, by dotted key."""
    found: dict[str, str] = {}
    for name, value in table.items():
        if isinstance(value, dict):
            found.update(_strings(value, f"{prefix}{name}."))
        elif isinstance(value, str):
            found[f"{prefix}{name}"] = value
    return found


def _file_strings(language: str, name: str) -> dict[str, str]:
    path = I18N / language / name
    if not path.exists():
        return {}
    with open(path, "rb") as handle:
        return _strings(tomllib.load(handle))


def _placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


ENGLISH_FILES = sorted(path.name for path in (I18N / DEFAULT_LANGUAGE).glob("*.toml"))


def test_every_language_of_the_table_has_a_catalogue():
    assert set(LANGUAGES) == set(available_languages())


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
@pytest.mark.parametrize("file_name", ENGLISH_FILES)
def test_every_english_key_is_translated_with_the_same_placeholders(language, file_name):
    english = _file_strings(DEFAULT_LANGUAGE, file_name)
    translated = _file_strings(language, file_name)
    missing = sorted(set(english) - set(translated))
    assert not missing, f"{language}/{file_name} lacks {missing[:10]} ({len(missing)} keys)"
    extra = sorted(set(translated) - set(english))
    assert not extra, f"{language}/{file_name} has keys English does not: {extra[:10]}"
    wrong = {key: (_placeholders(english[key]), _placeholders(text)) for key, text in translated.items()}
    wrong = {key: pair for key, pair in wrong.items() if pair[0] != pair[1]}
    assert not wrong, f"{language}/{file_name}: placeholders differ: {wrong}"


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_no_file_only_in_a_translation(language):
    assert {path.name for path in (I18N / language).glob("*.toml")} <= set(ENGLISH_FILES)


def _allowed_same(text: str) -> bool:
    bare = re.sub(r"\{[^}]*\}", "", text).strip(" .:·()-–")
    return text in SAME_AS_ENGLISH or not re.search(r"[A-Za-z]{3,}", bare) or bare in SAME_WORDS


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
@pytest.mark.parametrize("file_name", ENGLISH_FILES)
def test_no_english_left_except_names(language, file_name):
    english = _file_strings(DEFAULT_LANGUAGE, file_name)
    translated = _file_strings(language, file_name)
    untranslated = sorted(key for key, text in translated.items() if text == english.get(key) and not _allowed_same(text))
    assert not untranslated, f"{language}/{file_name}: still English: {untranslated}"


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_no_common_english_words_in_translations(language):
    """A second net for English sentences pasted into a translation under another key."""
    common = re.compile(r"\b(the|and|with|which|customers|revenue|lost|share|value)\b")  # not "of": Dutch for "or"
    merged = _strings(catalogue(language))
    offenders = {key: text for key, text in merged.items() if common.search(re.sub(r"\{[^}]*\}|`[^`]*`|\w+_\w+", "", text))}
    assert not offenders, offenders


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_parameter_has_a_label_and_a_description(language):
    with language_scope(language):
        for key in PARAMETER_SPECS:
            strings = _strings(catalogue(language))
            assert f"param.{key}.label" in strings, key
            if PARAMETER_SPECS[key].description:
                assert f"param.{key}.description" in strings, key
            assert param_description(key) == strings.get(f"param.{key}.description", PARAMETER_SPECS[key].description)


def test_english_descriptions_match_the_parameter_contract():
    """The catalogue's English descriptions are those of data/parameters.toml (MODEL.md's contract)."""
    english = _file_strings(DEFAULT_LANGUAGE, "parameters.toml")
    for key, spec in PARAMETER_SPECS.items():
        if spec.description:
            assert english[f"param.{key}.description"] == spec.description


def test_translated_strings_are_used_and_english_is_the_fallback():
    with language_scope("pl"):
        assert current_language() == "pl"
        assert t("tabs.assumptions") == "Założenia i źródła"
        assert t("no.such.key", default="fallback") == "fallback"
        assert t("no.such.key") == "no.such.key"
    with language_scope("hu"):
        assert t("sidebar.currency") == "Pénznem"
    with language_scope("xx"):
        assert current_language() == DEFAULT_LANGUAGE
    assert current_language() == DEFAULT_LANGUAGE


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("pl-PL", "pl"),
        ("pl", "pl"),
        ("hu-HU", "hu"),
        ("nl-BE", "nl"),
        ("nl_NL", "nl"),
        ("el-GR", "el"),
        ("EL", "el"),
        ("en-GB", "en"),
        ("de-DE", None),
        ("", None),
        (None, None),
        (42, None),
        ("-", None),
    ],
)
def test_language_from_a_browser_locale(tag, expected):
    assert language_from_locale(tag) == expected


def test_choose_language_takes_the_first_known_and_falls_back_to_english():
    assert choose_language("pl", "el-GR") == "pl"
    assert choose_language("zz", "el-GR") == "el"
    assert choose_language(None, "fr-FR") == "en"
    assert choose_language() == "en"
