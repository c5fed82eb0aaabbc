"""Every bad input of issue 5 gets its own clear message with an example row, never a traceback."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose

from estimator.calibration import MAX_SEGMENTS, CalibrationError, calibrate, design_frame
from estimator.cli import main

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from make_sample_customers import generate  # noqa: E402

HEADER = "customer_id,churned,complained,resolved,annual_value,segment\n"
GOOD_ROWS = "A1,1,1,0,100,x\nA2,0,1,1,200,x\nA3,0,0,,300,y\nA4,1,0,,50,y\n"


def write(tmp_path: Path, text: str, name: str = "extract.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def error_of(path: Path, **kwargs) -> CalibrationError:
    with pytest.raises(CalibrationError) as caught:
        calibrate(path, **kwargs)
    message = str(caught.value)
    assert "\n" not in message and "Traceback" not in message
    return caught.value


def test_a_good_small_file_reads(tmp_path):
    result = calibrate(write(tmp_path, HEADER + GOOD_ROWS))
    assert result.rows == 4
    assert_allclose(result.estimates["churn_rate"].value, 0.5)


def test_missing_required_column(tmp_path):
    # Since issue 11 only churned is required; complained is optional (its absence is a note).
    error = error_of(write(tmp_path, "customer_id,complained,annual_value\nA1,1,100\n"))
    assert error.code == "missing_column" and error.values["field"] == "churned"
    assert "missing required column 'churned'" in str(error)
    assert "customer_id='A1'" in str(error)  # the example row
    assert "--map COLUMN=churned" in str(error)


@pytest.mark.parametrize("bad", ["maybe", "2", "yes please"])
def test_values_that_are_not_binary(tmp_path, bad):
    error = error_of(write(tmp_path, HEADER + GOOD_ROWS + f"A5,{bad},0,,10,x\n"))
    assert error.code == "not_binary" and error.values["field"] == "churned"
    assert error.values["row"] == 5 and f"churned={bad!r}" in str(error)
    assert "allowed" in str(error)


def test_empty_file_and_header_only(tmp_path):
    assert error_of(write(tmp_path, "")).code == "empty_file"
    assert error_of(write(tmp_path, "\n\n")).code == "empty_file"
    error = error_of(write(tmp_path, HEADER))
    assert error.code == "header_only" and "no customer rows" in str(error)


def test_wrong_delimiter(tmp_path):
    error = error_of(write(tmp_path, HEADER.replace(",", "\t") + GOOD_ROWS.replace(",", "\t")))
    assert error.code == "wrong_delimiter" and "tabs" in str(error) and "comma or semicolon" in str(error)


def test_wrong_encoding_utf16_without_bom(tmp_path):
    path = tmp_path / "utf16.csv"
    path.write_bytes((HEADER + GOOD_ROWS).encode("utf-16-le"))
    assert error_of(path).code == "wrong_encoding"


def test_encoding_that_changes_after_the_head_is_reported(tmp_path):
    rows = "".join(f"B{i},0,0,,10,x\n" for i in range(80_000))  # over a megabyte of plain ASCII first
    path = tmp_path / "mixed.csv"
    path.write_bytes((HEADER + rows).encode() + "Z1,1,0,,10,Łódź\n".encode("cp1250"))
    error = error_of(path)
    assert error.code == "wrong_encoding"


def test_duplicated_customer_ids(tmp_path):
    error = error_of(write(tmp_path, HEADER + GOOD_ROWS + "A2,1,0,,70,y\n"))
    assert error.code == "duplicate_id" and error.values["value"] == "A2"
    assert "appears 2 times" in str(error) and "row 2" in str(error)


@pytest.mark.parametrize(
    ("row", "field"),
    [("A5,,0,,10,x", "churned"), ("A5,NaN,0,,10,x", "churned"), ("A5,0,,,10,x", "complained"), (",0,0,,10,x", "customer_id")],
)
def test_blanks_and_nan_in_required_columns(tmp_path, row, field):
    error = error_of(write(tmp_path, HEADER + GOOD_ROWS + row + "\n"))
    assert error.code == "blank_value" and error.values["field"] == field and error.values["row"] == 5


def test_blank_resolved_for_a_complainer(tmp_path):
    error = error_of(write(tmp_path, HEADER + GOOD_ROWS + "A5,0,1,,10,x\n"))
    assert error.code == "blank_value" and error.values["field"] == "resolved" and "complained" in str(error)


@pytest.mark.parametrize(
    ("value", "problem"), [("NaN", "blank or NaN"), ("abc", "not a number"), ("-5", "negative"), ("inf", "infinite")]
)
def test_bad_annual_values(tmp_path, value, problem):
    error = error_of(write(tmp_path, HEADER + GOOD_ROWS + f"A5,0,0,,{value},x\n"))
    assert error.code == "bad_value" and problem in str(error) and error.values["row"] == 5


def test_resolved_set_for_a_customer_who_did_not_complain(tmp_path):
    error = error_of(write(tmp_path, HEADER + GOOD_ROWS + "A5,0,0,1,10,x\n"))
    assert error.code == "resolved_without_complaint" and "did not complain" in str(error) and "A5" in str(error)


def test_too_few_rows_say_how_wide_the_intervals_are(tmp_path):
    result = calibrate(write(tmp_path, HEADER + GOOD_ROWS))
    wide = {w.values["parameter"]: w for w in result.warnings if w.code == "wide_interval"}
    item = result.estimates["churn_rate"]
    assert "churn_rate" in wide
    assert_allclose(wide["churn_rate"].values["width"], item.ci_high - item.ci_low)
    assert f"{item.ci_low:.1%}" in wide["churn_rate"].message and "4 customers" in wide["churn_rate"].message


def test_an_empty_group_is_named_not_estimated(tmp_path):
    # Every complaint resolved: no unresolved complainer, so churn after one cannot be estimated.
    rows = "A1,1,1,1,100,x\nA2,0,1,1,200,x\nA3,0,0,,300,y\nA4,1,0,,50,y\n"
    result = calibrate(write(tmp_path, HEADER + rows))
    assert result.estimates["churn_unresolved"].n == 0
    empty = [w.values["parameter"] for w in result.warnings if w.code == "no_customers"]
    assert empty == ["churn_unresolved"]
    assert "churn_unresolved" in next(w.message for w in result.warnings if w.code == "no_customers")


def test_a_segment_where_every_complainer_churned_is_left_out_of_the_model(tmp_path):
    frame = generate(3_000, seed=5)
    frame.loc[(frame.segment == "premium") & (frame.complained == 1), "churned"] = 1
    path = tmp_path / "separated.csv"
    frame.to_csv(path, index=False)
    result = calibrate(path)
    warning = next(w for w in result.warnings if w.code == "separation_segment")
    assert warning.values == {"segment": "premium", "who": "everyone"}
    assert result.model.excluded_segments == ["premium"]
    assert_allclose(result.by_segment["premium"]["churn_resolved"].value, 1.0)  # still estimated
    kept = frame[(frame.complained == 1) & (frame.segment != "premium")].copy()
    kept["unresolved"] = (kept.resolved == "0").astype(int)
    segments = [result.model.reference_segment] + [
        s for s in sorted(kept.segment.unique()) if s != result.model.reference_segment
    ]
    logit = sm.Logit(kept.churned.astype(float), design_frame(kept, segments)).fit(disp=0)
    assert_allclose(result.model.coefficients["coef"].to_numpy(), logit.params.to_numpy(), atol=1e-6)


def test_nobody_churning_among_unresolved_makes_the_effect_unestimable(tmp_path):
    frame = generate(2_000, seed=6)
    frame.loc[(frame.complained == 1) & (frame.resolved == "0"), "churned"] = 0
    path = tmp_path / "no_effect.csv"
    frame.to_csv(path, index=False)
    result = calibrate(path)
    assert result.model is None
    assert "separation_effect" in {w.code for w in result.warnings}
    assert result.estimates["churn_unresolved"].value == 0.0 and result.estimates["churn_unresolved"].ci_high > 0


def test_an_id_column_taken_for_a_segment(tmp_path):
    frame = generate(500, seed=7)
    frame["segment"] = frame["customer_id"]
    path = tmp_path / "ids.csv"
    frame.to_csv(path, index=False)
    # Recognised by its name only: an optional field never stops a run; the segment is left out, with a note.
    result = calibrate(path)
    assert "segment" not in result.mapping and not result.by_segment
    note = next(w for w in result.warnings if w.message_id == "segment_too_many")
    assert note.code == "too_many_segments" and note.values["count"] == 500 and str(MAX_SEGMENTS) in note.message
    # Chosen by hand, it is an error: the user asked for it.
    error = error_of(path, mapping={"segment": "segment"})
    assert error.code == "too_many_segments" and str(MAX_SEGMENTS) in str(error)


def test_unknown_column_or_field_in_the_mapping(tmp_path):
    path = write(tmp_path, HEADER + GOOD_ROWS)
    assert error_of(path, mapping={"nope": "churned"}).code == "unknown_column"
    assert error_of(path, mapping={"segment": "region"}).code == "unknown_field"


def test_ragged_rows_are_a_read_error_not_a_traceback(tmp_path):
    error = error_of(write(tmp_path, HEADER + GOOD_ROWS + "A5,0,0\n"))
    assert error.code == "unreadable"


def test_a_damaged_workbook_and_parquet(tmp_path):
    (tmp_path / "bad.xlsx").write_bytes(b"PK\x03\x04not really a zip")
    assert error_of(tmp_path / "bad.xlsx").code == "unreadable"
    (tmp_path / "bad.parquet").write_bytes(b"PAR1garbage")
    assert error_of(tmp_path / "bad.parquet").code == "unreadable"


def test_nothing_in_a_file_is_executed(tmp_path):
    # Column names and cells with SQL and formula syntax are data, nothing more.
    text = 'customer_id,churned,complained,"x"");DROP TABLE src;--"\n' + "'; SELECT 1; --,1,0,=cmd|' /C calc'!A0\nB,0,1,2\n"
    result = calibrate(write(tmp_path, text), mapping={'x");DROP TABLE src;--': "ignore"})
    assert result.rows == 2 and math.isclose(result.estimates["churn_rate"].value, 0.5)


def test_the_cli_prints_one_line_and_exits_2(tmp_path, capsys):
    assert main(["calibrate", str(write(tmp_path, HEADER))]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
    assert main(["calibrate", str(tmp_path / "missing.csv")]) == 2
    assert main(["calibrate", str(write(tmp_path, HEADER + GOOD_ROWS)), "--map", "broken"]) == 2


def test_segment_counts_match_pandas(tmp_path):
    frame = pd.read_csv(ROOT / "data" / "sample_customers.csv")
    result = calibrate(ROOT / "data" / "sample_customers.csv")
    for name, part in frame.groupby("segment"):
        assert result.by_segment[name]["customers"].n == len(part)
