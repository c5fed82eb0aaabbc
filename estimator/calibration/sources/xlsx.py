"""XLSX: the first sheet, every cell as text (openpyxl through pandas)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import duckdb
import pandas as pd

from estimator.calibration.messages import CalibrationError
from estimator.calibration.sources.base import Source, first_line

NAME = "xlsx"
MAGIC: tuple[bytes, ...] = (b"PK\x03\x04",)


#: A workbook that unpacks to more than this is refused before any XML is parsed (a zip bomb, or a
#: sheet far too big to read as a spreadsheet: such extracts belong in CSV or Parquet).
MAX_UNPACKED = 256 * 2**20
#: Bytes of each XML part searched for a DTD: a workbook never declares entities (XXE, billion laughs).
_DTD_SCAN = 1 << 16


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


def _read_xlsx(path: Path) -> pd.DataFrame:
    _check_archive(path)
    try:
        frame = pd.read_excel(path, sheet_name=0, dtype=str, engine="openpyxl", keep_default_na=False)
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise CalibrationError("unreadable_xlsx", detail=first_line(error)) from None
    if frame.columns.empty:
        raise CalibrationError("empty_file_sheet")
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def read(con: duckdb.DuckDBPyConnection, path: Path, encoding: str | None, scratch: Path) -> Source:
    """Create the view ``src`` of the workbook's first sheet."""
    frame = _read_xlsx(path)
    con.register("xlsx_frame", frame)
    con.execute("CREATE VIEW src AS SELECT * FROM xlsx_frame")
    return Source(con, [str(c) for c in frame.columns], NAME)
