"""Apache Spark (PySpark): Parquet or CSV files and directories (partitioned datasets), or a table of
Spark's catalogue, aggregated by Spark; only the group counts come back to this process.

The session is local (``local[*]``) by default, a cluster with ``master="spark://…"`` (or ``yarn``…),
or Spark Connect with ``remote="sc://host:port"`` (or the ``SPARK_REMOTE`` variable). A session that
is already running (a notebook's, the tests') is reused and left running.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import warnings
from pathlib import Path

from estimator.calibration.engines.base import Engine, watch
from estimator.calibration.formats import csv as csv_format
from estimator.calibration.formats import parquet as parquet_format
from estimator.calibration.messages import CalibrationError
from estimator.calibration.sql import check_select
from estimator.urls import redact_url

NAME = "spark"
_NUMERIC = ("tinyint", "smallint", "int", "bigint", "float", "double", "decimal")
#: Python's codec names as Java (and so Spark) knows them.
_JAVA_CHARSETS = {"utf_8": "UTF-8", "utf_16": "UTF-16", "cp1250": "windows-1250", "cp1253": "windows-1253"}
_JAVA_CHARSETS |= {"iso8859_2": "ISO-8859-2", "cp1252": "windows-1252", "iso8859_15": "ISO-8859-15"}
_views = itertools.count()
#: PySpark 4 warns about pandas >= 3 whenever a context starts. This engine hands Spark nothing from pandas and
#: takes nothing back through it (group counts come back as rows), so the warning does not concern it.
_PANDAS_3_WARNING = r"PySpark does not yet fully support pandas >= 3"


def session(master: str | None = None, remote: str | None = None):
    """The running SparkSession, or a new one: Spark Connect, a cluster's master, or ``local[*]``."""
    from pyspark.sql import SparkSession

    remote = remote or os.environ.get("SPARK_REMOTE")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_PANDAS_3_WARNING, category=FutureWarning)
        if remote:
            return SparkSession.builder.remote(remote).getOrCreate()
        active = SparkSession.getActiveSession()
        if active is not None and master is None:
            return active
        builder = SparkSession.builder.master(master or "local[*]").appName("churn-cost calibration")
        built = builder.config("spark.ui.showConsoleProgress", "false").getOrCreate()
    built.sparkContext.setLogLevel("ERROR")
    return built


def _data_files(path: Path) -> list[Path]:
    """A dataset's data files: the file itself, or those under a directory (partitions), hidden ones left out."""
    if path.is_file():
        return [path]
    return sorted(
        p for p in path.rglob("*") if p.is_file() and not any(part.startswith(("_", ".")) for part in p.relative_to(path).parts)
    )


class SparkEngine(Engine):
    name = NAME
    dialect = "spark"

    def __init__(
        self,
        source: str | Path | None = None,
        *,
        table: str | None = None,
        query: str | None = None,
        spark_master: str | None = None,
        spark_remote: str | None = None,
        encoding: str | None = None,
        spark=None,
    ) -> None:
        try:
            self.spark = spark or session(spark_master, spark_remote)
        except Exception as error:  # Java missing, a master that does not answer...
            raise CalibrationError("engine_failed", engine=NAME, detail=str(error).strip().splitlines()[0][:500]) from None
        self.view = f"calibration_source_{next(_views)}"
        delimiter = None
        if table:
            frame, kind, label = self.spark.table(table), "table", table
        elif query:
            # One SELECT (Spark SQL has no transaction to make read-only: anything else is refused here).
            try:
                frame, kind, label = self.spark.sql(check_select(query, "spark")), "query", "query"
            except CalibrationError:
                raise
            except Exception as error:  # an unknown table, a syntax Spark does not take...
                raise self.failure(error) from None
        elif re.match(r"^[a-z][a-z0-9+.-]*://", str(source)):
            # A lake's URI (s3a://, hdfs://, abfss://...): only Spark can read it; the format from its name.
            frame, kind = self._read_remote(str(source), encoding)
            label = redact_url(source)  # a URI may carry a key (s3a://KEY:SECRET@bucket/)
            delimiter = self._remote_delimiter
        else:
            path = Path(str(source))
            if not path.exists():
                raise CalibrationError("no_file", value=str(path))
            files = _data_files(path)
            if not files or all(f.stat().st_size == 0 for f in files):
                raise CalibrationError("empty_file")
            with open(files[0], "rb") as handle:
                parquet = handle.read(4) in parquet_format.MAGIC
            if parquet:
                frame, kind = self.spark.read.parquet(str(path)), "parquet"
            else:
                encoding, delimiter = csv_format.sniff(files[0], encoding)
                frame, kind = self._read_csv(path, files[0], encoding, delimiter), "csv"
            label = path.name
        super().__init__(frame.columns, [n for n, t in frame.dtypes if t.split("(")[0] in _NUMERIC], kind, label)
        self.delimiter = delimiter
        frame.createOrReplaceTempView(self.view)

    def _read_remote(self, uri: str, encoding: str | None):
        self._remote_delimiter = None
        if not uri.rstrip("/").lower().endswith((".csv", ".txt", ".csv.gz")):
            return self.spark.read.parquet(uri), "parquet"
        try:
            header = self.spark.read.text(uri).limit(1).collect()
        except Exception as error:  # no such path, no credentials...
            raise self.failure(error) from None
        if not header:
            raise CalibrationError("empty_file")
        line = header[0][0].lstrip("\ufeff")
        delimiter = csv_format._sniff_csv(line.encode("utf-8"), "utf-8")
        self._remote_delimiter = delimiter
        reader = self.spark.read.option("header", "true").option("sep", delimiter).option("quote", '"')
        frame = reader.option("escape", '"').option("encoding", encoding or "UTF-8").csv(uri)
        return frame.toDF(*(name.lstrip("\ufeff").strip() for name in frame.columns)), "csv"

    def _read_csv(self, path: Path, first: Path, encoding: str, delimiter: str):
        import codecs

        charset = _JAVA_CHARSETS.get(codecs.lookup(encoding).name.replace("-", "_"), encoding)
        # The header as the DuckDB path reads it (trimmed, without a BOM): the same names on every engine.
        names = csv_format._read_header(first, delimiter, "utf-16" if charset == "UTF-16" else encoding)
        if not names or not any(names):
            raise CalibrationError("empty_file_no_header")
        frame = (
            self.spark.read.option("header", "true")
            .option("sep", delimiter)
            .option("encoding", charset)
            .option("quote", '"')
            .option("escape", '"')
            .option("inferSchema", "false")
            .option("mode", "PERMISSIVE")
            .csv(str(path))
        )
        if len(frame.columns) != len(names):
            raise CalibrationError(
                "unreadable", detail=f"{len(frame.columns)} columns, header has {len(names)}", delimiter=delimiter
            )
        return frame.toDF(*names)

    def row_number_sql(self) -> str:
        # Spark numbers rows only in an order: the order the files and their rows were read in.
        return "row_number() OVER (ORDER BY monotonically_increasing_id())"

    def _execute(self, sql: str) -> list[tuple]:
        sql = sql.replace("calibration_source", self.view)
        tracker = None
        if self.progress is not None:
            try:
                tracker = self.spark.sparkContext.statusTracker()
            except Exception:  # Spark Connect has no SparkContext here
                tracker = None

        def poll() -> tuple[float | None, str] | None:
            if tracker is None:
                return None
            stages = [tracker.getStageInfo(s) for s in tracker.getActiveStageIds()]
            stages = [s for s in stages if s is not None]
            tasks = sum(s.numTasks for s in stages)
            done = sum(s.numCompletedTasks for s in stages)
            return (done / tasks if tasks else None, f"Spark tasks {done}/{tasks}")

        try:
            return [tuple(row) for row in watch(poll, self.progress, lambda: self.spark.sql(sql).collect())]
        except CalibrationError:
            raise
        except Exception as error:  # AnalysisException, a failed job...
            raise self.failure(error) from None

    def close(self) -> None:
        with contextlib.suppress(Exception):  # a stopped session has nothing left to drop
            self.spark.catalog.dropTempView(self.view)


def open_engine(source: str | Path | None, **options: object) -> SparkEngine:
    known = ("table", "query", "spark_master", "spark_remote", "encoding", "spark")
    return SparkEngine(source, **{k: v for k, v in options.items() if k in known})  # type: ignore[arg-type]
