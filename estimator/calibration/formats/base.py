"""What every file format gives: a DuckDB connection with a view ``src`` of the file, every column as text."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from estimator.calibration.messages import CalibrationError

__all__ = ["MAX_COLUMNS", "FileView", "check_header", "first_line"]


@dataclass
class FileView:
    """A customer file opened: the DuckDB view ``src`` of it, its columns, its format (``kind``) and how it was read."""

    connection: duckdb.DuckDBPyConnection
    columns: list[str]
    kind: str
    encoding: str | None = None
    delimiter: str | None = None
    #: The text file DuckDB reads (a CSV, or its UTF-8 transcoding).
    path: Path | None = None


def first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


#: More columns than this is no customer extract (and a wide file costs memory per column in every step).
MAX_COLUMNS = 2000


def check_header(columns: list[str]) -> None:
    if len(columns) > MAX_COLUMNS:
        raise CalibrationError("too_many_columns", count=len(columns), limit=MAX_COLUMNS)
    seen: set[str] = set()
    for name in columns:
        if name in seen:
            raise CalibrationError("duplicate_column", column=name)
        seen.add(name)
