"""DuckDB: a file on this machine (CSV, XLSX, Parquet), read where it lies; the default engine for files."""

from __future__ import annotations

import re
from contextlib import ExitStack
from pathlib import Path

import duckdb

from estimator.calibration.engines.base import Engine, watch
from estimator.calibration.formats import first_line, open_file
from estimator.calibration.messages import CalibrationError

NAME = "duckdb"
#: DuckDB column types read as numbers.
_NUMERIC = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT")
_NUMERIC += ("UHUGEINT", "FLOAT", "DOUBLE", "DECIMAL")


class DuckDBEngine(Engine):
    name = NAME
    dialect = "duckdb"

    def __init__(self, path: str | Path, encoding: str | None = None) -> None:
        self._stack = ExitStack()
        try:
            file = self._stack.enter_context(open_file(Path(path), encoding))
            self.file = file
            self.con = file.connection
            # Parquet keeps its types (a number is not printed and parsed again); text files are text.
            typed = "raw" if file.kind == "parquet" else "src"
            self.con.execute(f"CREATE VIEW calibration_source AS SELECT * FROM {typed}")
            types = self.con.execute("DESCRIBE calibration_source").fetchall()
            numeric = [name for name, kind, *_ in types if kind.split("(")[0] in _NUMERIC]
            # DuckDB measures its own progress; it is only asked for, never printed by DuckDB itself.
            self.con.execute("SET enable_progress_bar = true")
            self.con.execute("SET enable_progress_bar_print = false")
            super().__init__(file.columns, numeric, file.kind, Path(path).name)
            self.delimiter = file.delimiter
        except BaseException:
            self._stack.close()
            raise

    def _execute(self, sql: str) -> list[tuple]:
        def poll() -> tuple[float | None, str] | None:
            done = self.con.query_progress()
            return (done / 100, "rows scanned") if done >= 0 else None

        try:
            return watch(poll, self.progress, lambda: self.con.execute(sql).fetchall())
        except duckdb.Error as error:  # a malformed file; never a traceback
            raise self.failure(error) from None

    def failure(self, error: BaseException) -> CalibrationError:
        """A malformed file's error, named as precisely as the file allows (a long line, a wrong encoding...)."""
        if not isinstance(error, duckdb.Error):
            return super().failure(error)
        file = self.file
        text = first_line(error)
        full = str(error)
        if "maximum line size" in full.lower():
            line = re.search(r"CSV Error on Line: (\d+)", full)
            return CalibrationError("line_too_long_row", detail=f"line {line.group(1)}" if line else text)
        if file.kind == "csv" and file.path is not None:
            from estimator.calibration.formats.csv import later_encoding_error, long_line

            if (number := long_line(file.path)) is not None:
                return CalibrationError("line_too_long_row", detail=f"line {number}")
            found = later_encoding_error(file.path)
            if found is not None:
                return found
        if "unicode" in text.lower() or "utf" in text.lower():
            return CalibrationError("wrong_encoding_mixed", detail=text)
        return CalibrationError("unreadable", detail=text, delimiter=file.delimiter)

    def close(self) -> None:
        self._stack.close()


def open_engine(source: str | Path, *, encoding: str | None = None, **_: object) -> DuckDBEngine:
    return DuckDBEngine(source, encoding)
