"""Benchmark: the same calibration on DuckDB, Apache Spark (local[2]) and PostgreSQL, each against a bare
query of the same engine computing the same group counts and the duplicate-id count, in the same run.

Generated customers (``scripts/make_sample_customers.py``), written in chunks of a million rows to a
Parquet file in a temporary directory (``/tmp/calibration_bench``, shared with bench_calibration.py;
never the repo). PostgreSQL: a server of our own (``tests/postgres_server.py``) with the rows loaded
into a typed table by COPY. Every measurement runs in a fresh child process that reports its wall
time and its own peak RSS (``VmHWM``: our Python process; Spark's JVM is a process of its own and not
counted). Spark's fixed cost — starting a session and running a trivial job — is measured apart.

    python bench/bench_engines.py [--rows 10000000] [--runs 3] [--engines duckdb,spark,postgresql]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from bench_calibration import make_files, peak_rss_mib  # noqa: E402

GROUPS = "segment, churned, complained, resolved, had_problem"


def _spark(master: str = "local[2]"):
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master(master)
        .appName("bench-engines")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "3g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def child(kind: str, source: str) -> dict:
    from estimator.calibration import calibrate

    out: dict = {}
    if kind == "duckdb":
        started = time.perf_counter()
        result = calibrate(source)
        out["seconds"] = time.perf_counter() - started
        out["rows"], out["churn_rate"] = result.rows, result.estimates["churn_rate"].value
    elif kind == "duckdb-bare":
        import duckdb

        con = duckdb.connect(config={"threads": 2, "memory_limit": "1GB"})
        started = time.perf_counter()
        groups = con.execute(
            f"SELECT {GROUPS}, count(*), avg(annual_value), var_pop(annual_value) FROM read_parquet('{source}') GROUP BY ALL"
        ).fetchall()
        con.execute(f"SELECT count(*) - count(DISTINCT customer_id) FROM read_parquet('{source}')").fetchall()
        out["seconds"] = time.perf_counter() - started
        out["rows"] = sum(row[5] for row in groups)
    elif kind == "spark-start":
        started = time.perf_counter()
        spark = _spark()
        spark.range(1).count()
        out["seconds"] = time.perf_counter() - started
        out["rows"] = 0
    elif kind == "spark":
        spark = _spark()
        spark.range(1).count()  # the fixed cost is measured apart (spark-start)
        started = time.perf_counter()
        result = calibrate(source, engine="spark", spark=spark)
        out["seconds"] = time.perf_counter() - started
        out["rows"], out["churn_rate"] = result.rows, result.estimates["churn_rate"].value
    elif kind == "spark-bare":
        from pyspark.sql import functions as spark_functions

        spark = _spark()
        spark.range(1).count()
        started = time.perf_counter()
        frame = spark.read.parquet(source)
        groups = (
            frame.groupBy(*GROUPS.split(", "))
            .agg(
                spark_functions.count("*").alias("n"),
                spark_functions.avg("annual_value"),
                spark_functions.var_pop("annual_value"),
            )
            .collect()
        )
        frame.agg(spark_functions.count("*") - spark_functions.countDistinct("customer_id")).collect()
        out["seconds"] = time.perf_counter() - started
        out["rows"] = sum(row["n"] for row in groups)
    elif kind == "postgresql":
        started = time.perf_counter()
        result = calibrate(source, table="customers")
        out["seconds"] = time.perf_counter() - started
        out["rows"], out["churn_rate"] = result.rows, result.estimates["churn_rate"].value
    elif kind == "postgresql-bare":
        import psycopg

        with psycopg.connect(source) as connection, connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(
                f"SELECT {GROUPS}, count(*), avg(annual_value), var_pop(annual_value) FROM customers GROUP BY {GROUPS}"
            )
            groups = cursor.fetchall()
            cursor.execute("SELECT count(*) - count(DISTINCT customer_id) FROM customers")
            cursor.fetchall()
            out["seconds"] = time.perf_counter() - started
        out["rows"] = sum(row[5] for row in groups)
    out["peak_mib"] = peak_rss_mib()
    return out


def measure(kind: str, source: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, source], capture_output=True, text=True, cwd=ROOT, check=False
    )
    if done.returncode:
        raise SystemExit(f"{kind} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def load_postgres(server, parquet: Path) -> str:
    """A database holding the rows in a typed table ``customers`` (COPY of a CSV DuckDB writes)."""
    import duckdb
    import psycopg

    url = server.create_database("bench")
    csv = parquet.with_suffix(".copy.csv")
    if not csv.exists():
        duckdb.sql(f"COPY (SELECT * FROM read_parquet('{parquet}')) TO '{csv}' (HEADER false)")
    with psycopg.connect(url, autocommit=True) as connection, connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE customers (customer_id text, segment text, annual_value double precision, complained bigint, "
            "resolved text, had_problem bigint, churned bigint, churn_reason text)"
        )
        with open(csv, "rb") as handle, cursor.copy("COPY customers FROM STDIN (FORMAT csv)") as copy:
            while chunk := handle.read(1 << 22):
                copy.write(chunk)
        cursor.execute("ANALYZE customers")
    return url


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--engines", default="duckdb,spark,postgresql")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "SOURCE"))
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    _, parquet = make_files(args.rows)
    engines = args.engines.split(",")
    plan: list[tuple[str, str]] = []
    server = None
    if "duckdb" in engines:
        plan += [("duckdb", str(parquet)), ("duckdb-bare", str(parquet))]
    if "spark" in engines:
        plan += [("spark-start", ""), ("spark", str(parquet)), ("spark-bare", str(parquet))]
    if "postgresql" in engines:
        from postgres_server import PostgresServer, postgres_bin

        server = PostgresServer(postgres_bin())
        server.start()
        started = time.perf_counter()
        url = load_postgres(server, parquet)
        print(f"PostgreSQL: {args.rows:,} rows loaded in {time.perf_counter() - started:.0f} s")
        plan += [("postgresql", url), ("postgresql-bare", url)]
    try:
        results = {kind: [measure(kind, source) for _ in range(args.runs)] for kind, source in plan}
    finally:
        if server is not None:
            server.remove()
    median = {kind: statistics.median(r["seconds"] for r in runs) for kind, runs in results.items()}
    print(f"{args.rows:,} rows, Parquet; medians of {args.runs} runs, each in a fresh process")
    print(f"{'what':18s} {'median s':>9s} {'runs':>22s} {'rows/s':>12s} {'peak MiB':>9s} {'vs bare':>8s}")
    for kind, runs in results.items():
        rows = runs[0]["rows"] or args.rows
        bare = median.get(f"{kind}-bare")
        ratio = f"{median[kind] / bare:.2f}×" if bare else ""
        shown = ", ".join(f"{r['seconds']:.2f}" for r in runs)
        peak = statistics.median(r["peak_mib"] for r in runs)
        speed = f"{rows / median[kind]:,.0f}" if kind != "spark-start" else ""
        print(f"{kind:18s} {median[kind]:9.2f} {shown:>22s} {speed:>12s} {peak:9,.0f} {ratio:>8s}")
        if kind in ("duckdb", "spark", "postgresql"):
            assert runs[0]["rows"] == args.rows, (kind, runs[0]["rows"])
    rates = {kind: runs[0]["churn_rate"] for kind, runs in results.items() if "churn_rate" in runs[0]}
    if len(set(rates.values())) > 1:
        spread = max(rates.values()) - min(rates.values())
        print(f"churn rate differs between engines by {spread:.2e}")
        assert spread < 1e-12
    print("churn rate, every engine: " + ", ".join(f"{k} {v:.6f}" for k, v in rates.items()))


if __name__ == "__main__":
    main()
