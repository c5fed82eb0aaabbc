"""Hostile and huge files (issue 11, item 8): each is refused or read with a clear message, within bounded
memory. Every file is made in tmp_path; calibration runs in a child process whose peak resident memory
(ru_maxrss) is measured and must stay under 1.5 GB."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
PEAK_LIMIT_MB = 1536

CHILD = """
import json, resource, sys
from estimator.calibration import CalibrationError, calibrate
try:
    result = calibrate(sys.argv[1])
    outcome = {"rows": result.rows}
except CalibrationError as error:
    outcome = {"code": error.code, "message_id": error.message_id, "message": str(error)}
outcome["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(outcome))
"""


def calibrate_in_child(path: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, cwd=ROOT, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"{path.name}: peak {outcome['peak_mb']:.0f} MB")  # shown with pytest -s
    assert outcome["peak_mb"] <= PEAK_LIMIT_MB, outcome
    return outcome


def minimal_workbook(path: Path) -> None:
    pd.DataFrame({"customer_id": ["A", "B"], "churned": [1, 0]}).to_excel(path, index=False)


def test_a_zip_bomb_workbook_is_refused_before_it_is_unpacked(tmp_path):
    path = tmp_path / "bomb.xlsx"
    minimal_workbook(tmp_path / "real.xlsx")
    with zipfile.ZipFile(tmp_path / "real.xlsx") as real, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in real.infolist():
            bomb.writestr(item, real.read(item))
        with bomb.open("xl/worksheets/padding.xml", "w") as part:  # 300 MB of zeros, about 300 KB packed
            block = b"0" * (1 << 20)
            for _ in range(300):
                part.write(block)
    assert path.stat().st_size < 5 * 2**20
    outcome = calibrate_in_child(path)
    assert outcome["message_id"] == "xlsx_too_large"
    assert outcome["message"].startswith("the workbook unpacks to 300 MB in ")
    assert (
        "more than the 256 MB allowed (a zip bomb, or a sheet too big for XLSX): export it as CSV or Parquet"
        in outcome["message"]
    )


def test_a_workbook_with_external_entities_is_refused(tmp_path):
    minimal_workbook(tmp_path / "real.xlsx")
    path = tmp_path / "xxe.xlsx"
    with zipfile.ZipFile(tmp_path / "real.xlsx") as real, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as evil:
        for item in real.infolist():
            data = real.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                declaration, _, rest = data.partition(b"?>")
                data = declaration + b'?><!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>' + rest
                data = data.replace(b"<v>1</v>", b"<v>&secret;</v>", 1)
            evil.writestr(item, data)
    outcome = calibrate_in_child(path)
    assert outcome["message_id"] == "xlsx_entities"
    assert outcome["message"] == (
        "the workbook's part 'xl/worksheets/sheet1.xml' declares XML entities (a DTD), which no spreadsheet needs and "
        "which can read files or exhaust memory; refused: re-save the workbook in Excel or export it as CSV"
    )
    # openpyxl itself parses through defusedxml, a second line of defence.
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML


def write_huge_line(path: Path, header: bytes, megabytes: int) -> None:
    with open(path, "wb") as handle:
        handle.write(header)
        block = b"x" * (1 << 20)
        for _ in range(megabytes):
            handle.write(block)
        handle.write(b",1,0\n")


@pytest.mark.slow
def test_a_csv_with_one_500_mb_line_is_refused_within_bounded_memory(tmp_path):
    path = tmp_path / "one_line.csv"
    write_huge_line(path, b"customer_id,churned,complained\nA1,1,0\nA", 500)  # the last line: DuckDB would drop it
    outcome = calibrate_in_child(path)
    assert outcome["message"] == (
        "a row of the file is longer than DuckDB reads (2 MB): the file has lost its line breaks or holds a huge "
        "text field (the last line)"
    )
    with open(path, "ab") as handle:  # now in the middle
        handle.write(b"A3,0,0\n")
    outcome = calibrate_in_child(path)
    assert outcome["message"] == (
        "a row of the file is longer than DuckDB reads (2 MB): the file has lost its line breaks or holds a huge "
        "text field (line 3)"
    )
    headerless = tmp_path / "no_line_breaks.csv"
    write_huge_line(headerless, b"customer_id,churned,complained,", 500)
    outcome = calibrate_in_child(headerless)
    assert outcome["message"] == (
        "the file's first line is longer than 1 MB: this is not a header row of a customer table "
        "(is it one record without line breaks?)"
    )


def test_ten_thousand_columns_are_refused(tmp_path):
    path = tmp_path / "wide.csv"
    names = ["customer_id", "churned", *(f"c{i}" for i in range(9_998))]
    path.write_text(",".join(names) + "\n" + ",".join(["A", "1", *["0"] * 9_998]) + "\n", encoding="utf-8")
    outcome = calibrate_in_child(path)
    assert outcome["message"] == (
        "the file has 10,000 columns, more than the 2,000 a customer extract may have; keep the columns calibration "
        "uses (see --map) and save it again"
    )


def test_a_truncated_parquet_file_is_refused(tmp_path):
    whole = tmp_path / "whole.parquet"
    frame = pd.DataFrame({"customer_id": [f"C{i}" for i in range(50_000)], "churned": [i % 5 == 0 for i in range(50_000)]})
    frame.to_parquet(whole)
    data = whole.read_bytes()
    path = tmp_path / "truncated.parquet"
    path.write_bytes(data[: len(data) // 2])
    outcome = calibrate_in_child(path)
    assert outcome["code"] == "unreadable" and outcome["message"].startswith("not a readable Parquet file: ")
    assert calibrate_in_child(whole)["rows"] == 50_000


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_ordinary_file_reads_in_the_child_too(tmp_path, kind):
    frame = pd.DataFrame({"customer_id": ["A", "B", "C"], "churned": [1, 0, 0]})
    path = tmp_path / f"ok.{kind}"
    frame.to_csv(path, index=False) if kind == "csv" else frame.to_excel(path, index=False)
    assert calibrate_in_child(path)["rows"] == 3
