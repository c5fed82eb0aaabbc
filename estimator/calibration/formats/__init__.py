"""Where a customer table comes from: one module per file format behind one registry.

Each module has a ``NAME``, the ``MAGIC`` bytes its files start with and
``read(connection, path, encoding, scratch) -> FileView``, which creates a DuckDB view ``src`` of the
file with every column as text. A new format is one module and one line in :data:`FORMATS`.
A file whose first bytes no format claims is read as CSV.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

import duckdb

from estimator.calibration.formats import csv, parquet, xlsx
from estimator.calibration.formats.base import FileView, first_line
from estimator.calibration.messages import CalibrationError
from estimator.calibration.sql import sql_string

__all__ = ["FORMATS", "FileView", "detect_format", "first_line", "open_file"]

#: Format name → its module.
FORMATS: dict[str, ModuleType] = {module.NAME: module for module in (csv, xlsx, parquet)}
FALLBACK = csv.NAME


def detect_format(path: Path) -> str:
    """The format whose magic bytes start the file (CSV when none does)."""
    with open(path, "rb") as handle:
        head = handle.read(8)
    for name, module in FORMATS.items():
        if module.MAGIC and head.startswith(module.MAGIC):
            return name
    return FALLBACK


@contextmanager
def open_file(path: Path, encoding: str | None = None) -> Iterator[FileView]:
    """A DuckDB connection with a view ``src`` of the file, every column as text."""
    path = Path(path)
    if not path.is_file():
        raise CalibrationError("no_file", value=str(path))
    if path.stat().st_size == 0:
        raise CalibrationError("empty_file")
    con = duckdb.connect(config={"threads": 2, "memory_limit": "1GB", "preserve_insertion_order": True})
    with tempfile.TemporaryDirectory(prefix="calibration-") as scratch:
        try:
            con.execute(f"SET temp_directory={sql_string(scratch)}")
            yield FORMATS[detect_format(path)].read(con, path, encoding, Path(scratch))
        finally:
            con.close()
