"""Parquet: read by DuckDB where it lies, every column cast to text."""

from __future__ import annotations

from pathlib import Path

import duckdb

from estimator.calibration.formats.base import FileView, first_line
from estimator.calibration.messages import CalibrationError
from estimator.calibration.sql import sql_ident as _ident
from estimator.calibration.sql import sql_string as _sql_string

NAME = "parquet"
MAGIC: tuple[bytes, ...] = (b"PAR1",)


def read(con: duckdb.DuckDBPyConnection, path: Path, encoding: str | None, scratch: Path) -> FileView:
    """Create the view ``src`` of the Parquet file, every column as VARCHAR."""
    try:
        con.execute(f"CREATE VIEW raw AS SELECT * FROM read_parquet({_sql_string(str(path))})")
    except duckdb.Error as error:
        raise CalibrationError("unreadable_parquet", detail=first_line(error)) from None
    columns = [row[0] for row in con.execute("DESCRIBE raw").fetchall()]
    casts = ", ".join(f"CAST({_ident(c)} AS VARCHAR) AS {_ident(c)}" for c in columns)
    con.execute(f"CREATE VIEW src AS SELECT {casts} FROM raw")
    return FileView(con, columns, NAME)
