"""What every engine gives the calibration: a customer table named ``calibration_source`` that runs
DuckDB-dialect SQL (compiled for the engine by sqlglot) and returns plain rows."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from estimator.calibration.aggregation import transpile
from estimator.calibration.formats.base import check_header
from estimator.calibration.messages import CalibrationError
from estimator.urls import redact_text

__all__ = ["Engine", "Progress"]

#: Called with the share of the work done (0–1, or None when the engine cannot tell) and a short label.
Progress = Callable[[float | None, str], None]


class Engine:
    """A customer table on one engine.

    Attributes
    ----------
    name : str
        The engine's name in :data:`~estimator.calibration.engines.ENGINES` (``duckdb``, ``spark``...).
    dialect : str
        sqlglot's name for the engine's SQL.
    columns : list of str
        The table's columns, in order.
    numeric : frozenset of str
        Columns of a numeric type (their values are read as numbers, not parsed from text).
    kind : str
        What the table is: a file format (``csv``, ``parquet``, ``xlsx``), ``table`` or ``query``.
    label : str
        What to cite in the provenance: a file's name, a table, a query (never a password).
    """

    name = "engine"
    dialect = "duckdb"

    def __init__(self, columns: Iterable[str], numeric: Iterable[str], kind: str, label: str) -> None:
        self.columns = list(columns)
        check_header(self.columns)
        self.numeric = frozenset(numeric)
        self.kind = kind
        self.label = label
        self.progress: Progress | None = None
        self.delimiter: str | None = None

    def rows(self, sql: str) -> list[tuple]:
        """Run ``sql`` (DuckDB's dialect, over ``calibration_source``) and return its rows as tuples."""
        return self._execute(transpile(sql, self.dialect))

    def row_number_sql(self) -> str:
        """A row's position in the table (the order it was written in), as a window expression."""
        return "row_number() OVER ()"

    def first_row(self) -> tuple | None:
        rows = self.rows("SELECT * FROM calibration_source LIMIT 1")
        return rows[0] if rows else None

    def close(self) -> None:
        """Release what the engine holds (a connection; a session it started)."""

    def _execute(self, sql: str) -> list[tuple]:
        raise NotImplementedError

    def failure(self, error: BaseException) -> CalibrationError:
        """The engine's own error as a one-line message (never a traceback, never a password)."""
        text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return CalibrationError("engine_failed", engine=self.name, detail=redact_text(text)[:500])


#: Seconds between two progress probes (a probe asks the engine how far it is; it costs next to nothing).
PROBE_SECONDS = 0.25


def watch(poll: Callable[[], tuple[float | None, str] | None], progress: Progress | None, work: Callable[[], Any]) -> Any:
    """Run ``work`` while a thread reports ``poll()`` to ``progress`` every few tenths of a second."""
    if progress is None:
        return work()
    done = threading.Event()

    def report() -> None:
        while not done.wait(PROBE_SECONDS):
            try:
                state = poll()
            except Exception:  # a progress probe never breaks the work it watches
                state = None
            if state is not None:
                progress(*state)

    thread = threading.Thread(target=report, daemon=True)
    thread.start()
    try:
        return work()
    finally:
        done.set()
        thread.join()
