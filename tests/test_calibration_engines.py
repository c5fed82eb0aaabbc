"""One group-count query for every engine: DuckDB's SQL compiled by sqlglot runs inside a real PostgreSQL.

A first step of issue 17: the aggregation is built once (``group_counts_sql``), compiled per dialect
(``transpile``), and the group counts PostgreSQL returns for a table equal DuckDB's for the same rows.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from estimator.calibration.aggregation import _code_values, _group_counts, group_counts_sql, transpile


def _customers(n: int = 3000, seed: int = 17) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    complained = rng.random(n) < 0.2
    resolved = np.where(complained, rng.random(n) < 0.6, False)
    churned = rng.random(n) < np.where(complained & ~resolved, 0.4, 0.1)
    return pd.DataFrame(
        {
            "customer_id": [f"C{i:06d}" for i in range(n)],
            "segment": rng.choice(["consumer", "small_business", "premium"], n),
            "annual_value": [
                f"{v:.2f}".replace(".", ",") if i % 7 == 0 else f"{v:.2f}" for i, v in enumerate(rng.gamma(2, 400, n))
            ],
            "complained": np.where(complained, "yes", "no"),
            "resolved": np.where(complained, np.where(resolved, "Tak", "Nie"), ""),
            "had_problem": np.where(rng.random(n) < 0.3, "1", "0"),
            "churned": np.where(churned, "Y", "N"),
        }
    )


def test_postgres_dialect_gives_duckdbs_group_counts(postgres_url):
    frame = _customers()
    mapping = {name: name for name in frame.columns}
    con = duckdb.connect()
    con.register("raw", frame)
    con.execute("CREATE VIEW src AS SELECT * FROM raw")
    reading, total, distinct = _code_values(con, mapping)
    assert (total, distinct) == (len(frame), len(frame))
    expected = _group_counts(reading)

    engine = sa.create_engine(postgres_url)
    try:
        frame.replace("", None).to_sql("src", engine, index=False)
        with engine.connect() as connection:
            found = pd.read_sql_query(sa.text(transpile(group_counts_sql(reading), "postgres")), connection)
    finally:
        engine.dispose()
    keys = ["segment", "churned", "complained", "resolved", "had_problem", "value_state"]
    expected = expected.sort_values(keys).reset_index(drop=True)
    found = found.sort_values(keys).reset_index(drop=True)
    assert len(found) == len(expected) > 10
    np.testing.assert_array_equal(found["segment"].astype(str), expected["segment"].astype(str))
    for key in keys[1:]:
        np.testing.assert_array_equal(found[key].astype("float64"), expected[key].astype("float64"))
    np.testing.assert_array_equal(found["n"], expected["n"])
    assert int(found["n"].sum()) == len(frame)
    for column in ("value_mean", "value_var"):
        np.testing.assert_allclose(found[column].astype("float64"), expected[column], rtol=1e-9)


@pytest.mark.parametrize("dialect", ["postgres", "spark"])
def test_transpiled_query_has_no_duckdb_only_function(dialect):
    con = duckdb.connect()
    con.register("raw", _customers(50))
    con.execute("CREATE VIEW src AS SELECT * FROM raw")
    reading, _, _ = _code_values(con, {name: name for name in _customers(1).columns})
    sql = transpile(group_counts_sql(reading), dialect).upper()
    assert "TRY_CAST" not in sql or dialect == "spark"  # PostgreSQL has none: a guarded CAST
    assert "CONTAINS(" not in sql and "ISNAN" not in sql


@pytest.fixture(scope="module")
def spark():
    pyspark_sql = pytest.importorskip("pyspark.sql")
    session = (
        pyspark_sql.SparkSession.builder.master("local[1]")
        .appName("calibration-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def test_spark_dialect_gives_duckdbs_group_counts(spark):
    frame = _customers()
    con = duckdb.connect()
    con.register("raw", frame)
    con.execute("CREATE VIEW src AS SELECT * FROM raw")
    reading, _, _ = _code_values(con, {name: name for name in frame.columns})
    expected = _group_counts(reading)
    spark.createDataFrame(frame.astype(object).where(frame != "", None)).createOrReplaceTempView("src")
    found = spark.sql(transpile(group_counts_sql(reading), "spark")).toPandas()
    keys = ["segment", "churned", "complained", "resolved", "had_problem", "value_state"]
    expected = expected.sort_values(keys).reset_index(drop=True)
    found = found.sort_values(keys).reset_index(drop=True)
    assert len(found) == len(expected) > 10
    np.testing.assert_array_equal(found["segment"].astype(str), expected["segment"].astype(str))
    for key in keys[1:]:
        np.testing.assert_array_equal(found[key].astype("float64"), expected[key].astype("float64"))
    np.testing.assert_array_equal(found["n"], expected["n"])
    for column in ("value_mean", "value_var"):
        np.testing.assert_allclose(found[column].astype("float64"), expected[column], rtol=1e-9)
