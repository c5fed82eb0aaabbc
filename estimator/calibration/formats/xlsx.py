"""XLSX: the first sheet, every cell as text (streamed by openpyxl, bounded, parsed as pandas does)."""

from __future__ import annotations

import math
import zipfile
from pathlib import Path

import duckdb
import pandas as pd

from estimator.calibration.formats.base import MAX_COLUMNS, FileView, first_line
from estimator.calibration.messages import CalibrationError

NAME = "xlsx"
MAGIC: tuple[bytes, ...] = (b"PK\x03\x04",)


#: A workbook that unpacks to more than this is refused before any XML is parsed (a zip bomb, or a
#: sheet far too big to read as a spreadsheet: such extracts belong in CSV or Parquet).
MAX_UNPACKED = 256 * 2**20
#: Bytes of each XML part searched for a DTD: a workbook never declares entities (XXE, billion laughs).
_DTD_SCAN = 1 << 16
#: Cells of the first sheet (rows up to the last holding a value × the widest row) read at most: about
#: 400 MB as Python values. A million-row extract of 9 columns fits; one stray cell far below and right
#: of the table (``XFD1048576``) does not, and is refused before anything is allocated.
MAX_CELLS = 10_000_000


def _check_archive(path: Path) -> None:
    """Refuse a zip bomb and XML with a DTD before openpyxl (which parses through defusedxml) sees the file."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            unpacked = sum(member.file_size for member in members)
            if unpacked > MAX_UNPACKED:
                raise CalibrationError(
                    "xlsx_too_large", size=unpacked // 2**20, limit=MAX_UNPACKED // 2**20, members=len(members)
                )
            for member in members:
                if member.filename.endswith((".xml", ".rels", ".vml")):
                    with archive.open(member) as part:
                        start = part.read(_DTD_SCAN)
                    if b"<!DOCTYPE" in start or b"<!ENTITY" in start:
                        raise CalibrationError("xlsx_entities", part=member.filename)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as error:
        raise CalibrationError("unreadable_xlsx", detail=first_line(error)) from None


def _dimension(rows: int, columns: int) -> str:
    """A sheet's extent as Excel writes it (``A1:XFD1048576``)."""
    from openpyxl.utils import get_column_letter

    return f"A1:{get_column_letter(max(columns, 1))}{max(rows, 1)}"


def _cell_value(cell) -> object:
    """A cell as pandas' openpyxl reader gives it (the same text for every workbook it read before)."""
    from openpyxl.cell.cell import TYPE_ERROR, TYPE_NUMERIC

    value = cell.value
    if value is None:
        return ""
    if cell.data_type == TYPE_ERROR:
        return math.nan
    if cell.data_type == TYPE_NUMERIC:
        whole = int(value)
        return whole if whole == value else float(value)
    return value


def _sheet_rows(path: Path) -> list[list[object]]:
    """The first sheet's rows, trailing empty cells and rows left out, each padded to the widest.

    The sheet is streamed row by row and its extent (rows up to the last one holding a value, times the
    widest row) is bounded *before* any row is kept: one far cell (``XFD1048576``) would otherwise make
    pandas pad every row to 16,384 columns and a million rows (tens of gigabytes).
    """
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # the declared <dimension> may be absent or false: measure what is there
        kept: list[list[object]] = []
        blank_since_kept = 0
        width = 0
        for number, row in enumerate(sheet.rows, start=1):
            values = [_cell_value(cell) for cell in row]
            while values and values[-1] == "":
                values.pop()
            if not values:
                blank_since_kept += 1  # kept only if a later row holds a value (pandas drops trailing blanks)
                continue
            width = max(width, len(values))
            if width > MAX_COLUMNS or number * width > MAX_CELLS:
                raise CalibrationError(
                    "xlsx_too_many_cells",
                    dimension=_dimension(number, width),
                    cells=number * width,
                    limit=MAX_CELLS,
                    columns=MAX_COLUMNS,
                )
            kept.extend([] for _ in range(blank_since_kept))
            blank_since_kept = 0
            kept.append(values)
    finally:
        book.close()
    for values in kept:  # in place: the bound above holds for the padded rows too
        values.extend([""] * (width - len(values)))
    return kept


def _read_xlsx(path: Path) -> pd.DataFrame:
    from pandas.io.parsers import TextParser

    _check_archive(path)
    try:
        rows = _sheet_rows(path)
        if not rows:
            raise CalibrationError("empty_file_sheet")
        # As pd.read_excel(dtype=str, keep_default_na=False) parses the rows it read (header, "Unnamed: n").
        frame = TextParser(rows, header=0, dtype=str, keep_default_na=False, skip_blank_lines=False).read()
    except CalibrationError:
        raise
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise CalibrationError("unreadable_xlsx", detail=first_line(error)) from None
    if frame.columns.empty:
        raise CalibrationError("empty_file_sheet")
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def read(con: duckdb.DuckDBPyConnection, path: Path, encoding: str | None, scratch: Path) -> FileView:
    """Create the view ``src`` of the workbook's first sheet."""
    frame = _read_xlsx(path)
    con.register("xlsx_frame", frame)
    con.execute("CREATE VIEW src AS SELECT * FROM xlsx_frame")
    return FileView(con, [str(c) for c in frame.columns], NAME)
