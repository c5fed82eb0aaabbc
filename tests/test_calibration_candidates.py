"""A missing churned column: the vocabulary knows the headers real extracts use, and when no header is
like it the error offers the file's columns that could be it, as --map lines to copy (issue 14)."""

from __future__ import annotations

from pathlib import Path

import pytest

from estimator.calibration import CalibrationError, calibrate, flag_code
from estimator.calibration.columns import FIELDS, vocabulary
from estimator.cli import main
from estimator.text.i18n import LANGUAGES


def write(tmp_path: Path, text: str, name: str = "extract.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path) -> CalibrationError:
    with pytest.raises(CalibrationError) as caught:
        calibrate(path)
    return caught.value


@pytest.mark.parametrize(
    "header",
    [
        "Storno", "Kündigung", "gekündigt", "Kuendigung", "Gekuendigt", "Abgang", "Austritt",  # de
        "Rezygnacja", "Odejście", "Wypowiedzenie", "Rozwiązanie umowy",  # pl
        "Lemondás", "Felmondás",  # hu
        "Beëindigd", "Opzegging",  # nl
        "Ακύρωση", "Αποχώρηση",  # el
        "Cancellation", "Lapsed",  # en
    ],
)  # fmt: skip
def test_common_headers_of_a_churn_column_are_recognised(tmp_path, header):
    result = calibrate(write(tmp_path, f"Kundennummer;{header};Umsatz\n1;1;100\n2;0;200\n3;0;300\n4;1;50\n"))
    assert result.mapping["churned"] == header
    assert result.estimates["churn_rate"].value == pytest.approx(0.5)


def test_status_words_of_german_extracts_read_as_churned_or_not():
    assert [flag_code(word, "churned") for word in ("Storniert", "gekündigt", "Gekuendigt", "Ausgetreten", "Aktiv")] == [
        1, 1, 1, 1, 0,
    ]  # fmt: skip


def test_no_header_word_means_two_fields():
    names = vocabulary().synonyms
    for field in FIELDS:
        for other in FIELDS:
            if field < other:
                assert not names[field] & names[other], (field, other, sorted(names[field] & names[other]))


def test_a_flag_column_not_named_like_churned_is_offered_by_its_values_best_first(tmp_path):
    # 'Weg' holds status words; 'Stadt' just two values; 'Premium' is 0/1, a yes/no column as well.
    path = write(
        tmp_path,
        "Kd-Nr;Stadt;Weg;Umsatz;Premium\n1;Köln;Storniert;100;0\n2;Berlin;Aktiv;200;1\n3;Köln;;150;0\n4;Berlin;Aktiv;90;0\n",
    )
    error = error_of(path)
    assert error.code == "missing_column" and error.message_id == "missing_column_values"
    message = str(error)
    assert "these could hold it, by their values" in message
    # Status words and 0/1 first; 'Stadt' (close to 'status' by its name) after them.
    assert (
        """churned: --map "Weg=churned" ('Aktiv' / 'Storniert') or --map "Premium=churned" ('0' / '1')"""
        """ or --map "Stadt=churned" ('Berlin' / 'Köln'); first row: """
    ) in message
    assert "COLUMN=churned, e.g." not in message
    # The line offered is one to copy: it works (here on the file without its blank cell, which the
    # offer ignored and calibration refuses).
    path.write_text(path.read_text(encoding="utf-8").replace(";;", ";Aktiv;"), encoding="utf-8")
    assert main(["calibrate", str(path), "--map", "Weg=churned"]) == 0


def test_two_values_alone_are_offered_only_when_no_column_has_a_flags_words(tmp_path):
    error = error_of(write(tmp_path, "Nr;Ort;Betrag\n1;Köln;100\n2;Berlin;200\n3;Köln;300\n"))
    assert error.message_id == "missing_column_values"
    assert """churned: --map "Ort=churned" ('Berlin' / 'Köln'); first row: """ in str(error)


def test_a_column_of_many_values_is_not_offered_for_a_flag(tmp_path):
    rows = "".join(f"{i};{i * 10};{['a', 'b', 'c'][i % 3]}\n" for i in range(1, 40))
    error = error_of(write(tmp_path, "Kd-Nr;Umsatz;Notiz\n" + rows))
    # No column has a flag's values; the two unused ones are few, so both are offered.
    assert error.message_id == "missing_column_listed"
    assert 'churned: --map "Kd-Nr=churned" or --map "Notiz=churned"; first row: ' in str(error)


def test_with_many_unused_columns_and_none_like_a_flag_the_line_keeps_its_placeholder(tmp_path):
    header = ";".join(f"Feld{i}" for i in range(8))
    rows = "".join(";".join(f"{r}{i}" for i in range(8)) + "\n" for r in range(5))
    error = error_of(write(tmp_path, header + "\n" + rows))
    assert error.message_id == "missing_column"
    assert 'churned: --map "COLUMN=churned"' in str(error)


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_offered_columns_are_shown_in_every_language(tmp_path, language):
    error = error_of(write(tmp_path, "Kd-Nr;Weg;Umsatz\n1;J;100\n2;N;200\n"))
    text = error.text(language)
    assert """--map "Weg=churned" ('J' / 'N')""" in text
    assert "{" not in text
    assert language == "en" or text != str(error)
