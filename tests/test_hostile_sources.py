"""Hostile sources (issue 21, part A): workbooks with a far cell, queries that are more than one SELECT,
credentials in URLs and their every output, library URLs of unknown schemes. Files are made in tmp_path.

Calibration of a hostile file runs in a child process capped at 2 GB of address space, whose peak resident
memory (VmHWM) is measured: before the fix the ``BXZ100000`` workbook took 5.1 GB and ``XFD1048576`` was
OOM-killed at 23.9 GB.
"""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from estimator.calibration import CalibrationError, calibrate

ROOT = Path(__file__).resolve().parent.parent
#: The child's address space (a runaway allocation fails there instead of taking the machine).
ADDRESS_SPACE_LIMIT = 2 * 2**30
PEAK_LIMIT_MB = 400

CHILD = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[2]), int(sys.argv[2])))
from estimator.calibration import CalibrationError, calibrate
try:
    outcome = {"rows": calibrate(sys.argv[1]).rows}
except CalibrationError as error:
    outcome = {"message_id": error.message_id, "message": str(error)}
except MemoryError:
    outcome = {"message_id": "MemoryError"}
with open("/proc/self/status") as status:
    peak = next(line for line in status if line.startswith("VmHWM:"))
outcome["peak_mb"] = int(peak.split()[1]) / 1024
print(json.dumps(outcome))
"""


def calibrate_in_child(path: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(ADDRESS_SPACE_LIMIT)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"{path.name}: peak {outcome['peak_mb']:.0f} MB")  # shown with pytest -s
    return outcome


def workbook_with_a_far_cell(path: Path, cell: str) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["customer_id", "churned"], ["A", 1], ["B", 0], ["C", 0]):
        sheet.append(row)
    sheet[cell] = "x"
    book.save(path)
    return path


@pytest.mark.parametrize(
    ("cell", "dimension", "cells"),
    [
        ("XFD1048576", "A1:XFD1048576", "17,179,869,184"),  # 16,384 columns: refused at the far row itself
        ("BXZ100000", "A1:BXZ100000", "200,200,000"),  # 2,002 columns
        ("BXX1048576", "A1:BXX1048576", "2,097,152,000"),  # 2,000 columns (allowed) but a million rows
    ],
)
def test_a_workbook_with_one_far_cell_is_refused_naming_its_dimension_in_bounded_memory(tmp_path, cell, dimension, cells):
    path = workbook_with_a_far_cell(tmp_path / f"far_{cell}.xlsx", cell)
    assert path.stat().st_size < 10_000
    outcome = calibrate_in_child(path)
    assert outcome["message_id"] == "xlsx_too_many_cells", outcome
    assert outcome["message"].startswith(f"the workbook's first sheet spans {dimension} ({cells} cells), more than ")
    assert outcome["peak_mb"] < PEAK_LIMIT_MB, outcome


def test_a_far_cell_within_the_bound_reads_the_table_padded_as_pandas_does(tmp_path):
    from estimator.calibration.sources.xlsx import _read_xlsx

    path = workbook_with_a_far_cell(tmp_path / "near.xlsx", "D10")  # 10 × 4 cells: blank rows and columns kept
    read = _read_xlsx(path)
    expected = pd.read_excel(path, sheet_name=0, dtype=str, engine="openpyxl", keep_default_na=False)
    pd.testing.assert_frame_equal(read, expected)
    assert read.shape == (9, 4) and read.iloc[8, 3] == "x"


def test_the_streamed_sheet_is_the_frame_pandas_read_before(tmp_path):
    # An independent reading: pandas' own read_excel of the same small workbook (types, blanks, errors, header).
    from estimator.calibration.sources.xlsx import _read_xlsx

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["customer_id", "churned", None, 2024, "value", "when"])
    sheet.append(["A", 1, None, 1.5, 3.0, datetime.datetime(2024, 1, 5)])
    sheet.append([])
    sheet.append(["B", True, "x", None, 0.1, datetime.date(2024, 2, 3)])
    sheet.append(["C", "#DIV/0!", None, None, 1e20])
    sheet["B5"].data_type = "e"
    sheet.append(["D", " yes "])
    sheet.append([])
    path = tmp_path / "typed.xlsx"
    book.save(path)
    expected = pd.read_excel(path, sheet_name=0, dtype=str, engine="openpyxl", keep_default_na=False)
    expected.columns = [str(c).strip() for c in expected.columns]
    read = _read_xlsx(path)
    pd.testing.assert_frame_equal(read, expected)
    assert list(read.columns) == ["customer_id", "churned", "Unnamed: 2", "2024", "value", "when"]
    assert len(read) == 5  # the blank row in the middle kept, the trailing one dropped


def test_a_workbook_without_cells_is_an_empty_sheet(tmp_path):
    path = tmp_path / "blank.xlsx"
    openpyxl.Workbook().save(path)
    with pytest.raises(CalibrationError) as raised:
        calibrate(path)
    assert raised.value.message_id == "empty_file_sheet"
