"""Where the aggregation runs: one module per engine behind one name map.

- ``duckdb`` — a file on this machine (CSV, XLSX, Parquet); the default for files;
- ``spark`` — Apache Spark: Parquet or CSV files and directories, or a table of Spark's catalogue;
  local mode, a cluster (``spark_master``) or Spark Connect (``spark_remote`` / ``SPARK_REMOTE``);
- ``postgresql`` — a table or a query inside a PostgreSQL server (a ``postgresql://`` source).

Each runs the same statement (:func:`~estimator.calibration.aggregation.scan_sql`, compiled for it
by sqlglot) and returns only the group counts. A new engine is one module with ``NAME`` and
``open_engine(source, **options)`` and one line in :data:`ENGINES`.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

from estimator.calibration.engines.base import Engine, Progress
from estimator.calibration.messages import CalibrationError

__all__ = ["ENGINES", "Engine", "Progress", "choose_engine", "open_engine"]

#: Engine name → its module (imported when used: Spark and PostgreSQL drivers load only when asked for).
ENGINES: dict[str, str] = {
    "duckdb": "estimator.calibration.engines.duckdb",
    "spark": "estimator.calibration.engines.spark",
    "postgresql": "estimator.calibration.engines.postgresql",
}


def choose_engine(source: str | Path | None, engine: str | None = None, table: str | None = None) -> str:
    """The engine for ``source``: as asked, else PostgreSQL for a ``postgresql://`` URL, else DuckDB."""
    from estimator.calibration.engines.postgresql import is_url

    if engine is None:
        if source is not None and is_url(str(source)):
            return "postgresql"
        return "spark" if source is None and table else "duckdb"
    if engine not in ENGINES:
        raise CalibrationError("unknown_engine", value=engine, allowed=", ".join(ENGINES))
    return engine


def open_engine(source: str | Path | None, engine: str | None = None, **options: object) -> Engine:
    """The customer table ``source`` on ``engine`` (see :func:`choose_engine`); close it after use."""
    name = choose_engine(source, engine, options.get("table"))  # type: ignore[arg-type]
    if name == "duckdb" and (options.get("table") or options.get("query")):
        raise CalibrationError("table_needs_engine", value=str(options.get("table") or options.get("query")))
    module = import_module(ENGINES[name])
    return module.open_engine(source, **{k: v for k, v in options.items() if v is not None})
