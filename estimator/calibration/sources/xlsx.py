"""XLSX: the first sheet, every cell as text (openpyxl through pandas)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from estimator.calibration.messages import CalibrationError
from estimator.calibration.sources.base import Source, first_line

NAME = "xlsx"
MAGIC: tuple[bytes, ...] = (b"PK\x03\x04",)


def _read_xlsx(path: Path) -> pd.DataFrame:
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
