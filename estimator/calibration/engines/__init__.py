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
from estimator.deprecations import moved_name
from estimator.urls import redact_url, scheme

__all__ = ["ENGINES", "Engine", "Progress", "add_engine_arguments", "choose_engine", "engine_options", "open_engine"]

#: What a source written ``scheme://`` may be, for the message refusing any other.
_SCHEMES = "postgresql:// (a database, --table or --query), or with --engine spark a lake URI (s3a://, hdfs://, abfss://...)"
#: Engine name → its module (imported when used: Spark and PostgreSQL drivers load only when asked for).
ENGINES: dict[str, str] = {
    "duckdb": "estimator.calibration.engines.duckdb",
    "spark": "estimator.calibration.engines.spark",
    "postgresql": "estimator.calibration.engines.postgresql",
}


def choose_engine(source: str | Path | None, engine: str | None = None, table: str | None = None) -> str:
    """The engine for ``source``: as asked, else PostgreSQL for a ``postgresql://`` URL, else DuckDB."""
    from estimator.calibration.engines.postgresql import is_url

    if engine is not None and engine not in ENGINES:
        raise CalibrationError("unknown_engine", value=engine, allowed=", ".join(ENGINES))
    if engine is None:
        if source is not None and is_url(str(source)):
            return "postgresql"
        engine = "spark" if source is None and table else "duckdb"
    kind = scheme(str(source)) if source is not None else None
    if kind is not None and not (engine == "spark" or (engine == "postgresql" and is_url(str(source)))):
        # mysql://, postgressql://...: an error naming what is read, never a "file" named after the password.
        raise CalibrationError("unknown_scheme", scheme=kind, url=redact_url(source), allowed=_SCHEMES)
    return engine


def open_engine(source: str | Path | None, engine: str | None = None, **options: object) -> Engine:
    """The customer table ``source`` on ``engine`` (see :func:`choose_engine`); close it after use."""
    name = choose_engine(source, engine, options.get("table"))  # type: ignore[arg-type]
    if name == "duckdb" and (options.get("table") or options.get("query")):
        raise CalibrationError("table_needs_engine", value=str(options.get("table") or options.get("query")))
    if options.get("query"):
        # Exactly one SELECT, on every engine, before anything connects (the engine runs it read-only).
        from estimator.calibration.sql import check_select

        check_select(str(options["query"]), {"postgresql": "postgres"}.get(name, name))
    module = import_module(ENGINES[name])
    return module.open_engine(source, **{k: v for k, v in options.items() if v is not None})


def add_engine_arguments(parser) -> None:
    """The command line's options saying where the table is and which engine aggregates it."""
    parser.add_argument(
        "--engine",
        choices=tuple(ENGINES),
        help="where the aggregation runs: duckdb (default for files), spark (files, directories, --table), "
        "postgresql (default for a postgresql:// source)",
    )
    parser.add_argument("--table", metavar="NAME", help="a table of Spark's catalogue or of a postgresql:// database")
    parser.add_argument(
        "--query",
        metavar="SQL",
        help='one SELECT (or WITH ... SELECT) run read-only by the postgresql:// source\'s server or by Spark ("SELECT …")',
    )
    parser.add_argument("--spark-master", metavar="URL", help="Spark's master (default local[*]; spark://host:7077, yarn...)")
    parser.add_argument(
        "--spark-remote", metavar="sc://HOST:PORT", help="a Spark Connect server (default: the SPARK_REMOTE variable, if set)"
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")


def engine_options(args) -> dict[str, object]:
    """The keyword arguments of :func:`~estimator.calibration.calibrate` from :func:`add_engine_arguments`'s options."""
    names = ("engine", "table", "query", "spark_master", "spark_remote")
    return {name: getattr(args, name) for name in names if getattr(args, name, None) is not None}


def __getattr__(name: str) -> object:
    """``add_source_arguments`` and ``source_options``, the old names of the engine options' functions, with a warning."""
    return moved_name(__name__, name)
