"""Every engine gives the same calibration: DuckDB, Apache Spark (local mode) and PostgreSQL, real ones.

The rows are generated with known truth (``scripts/make_sample_customers.py``); each engine runs the
one statement of :func:`~estimator.calibration.aggregation.scan_sql` compiled for it by sqlglot, and
its estimates, intervals, GLM coefficients, figures, reasons and notes must equal DuckDB's on the
same rows (to 1e-9 relative), its messages for bad input word for word. Spark runs in one session
for the whole test run (``spark_session`` in conftest) on a few thousand rows: few queries, fast.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from estimator.calibration import CalibrationError, calibrate
from estimator.calibration.aggregation import scan_sql, transpile
from estimator.calibration.engines import ENGINES, choose_engine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from make_sample_customers import generate, true_parameters  # noqa: E402

ROWS = 4000


@pytest.fixture(scope="module")
def customers() -> pd.DataFrame:
    frame = generate(ROWS, seed=17)
    frame["customer_id"] = [f"C{i:06d}" for i in range(len(frame))]
    return frame


@pytest.fixture(scope="module")
def files(customers, tmp_path_factory) -> dict[str, Path]:
    """The same customers as a CSV, a CSV with ';' and decimal commas, Parquet, a partitioned Parquet directory."""
    folder = tmp_path_factory.mktemp("engines")
    out = {"csv": folder / "customers.csv", "semicolon": folder / "semicolon.csv", "parquet": folder / "customers.parquet"}
    customers.to_csv(out["csv"], index=False)
    european = customers.assign(annual_value=customers["annual_value"].map(lambda v: f"{v:.2f}".replace(".", ",")))
    european.to_csv(out["semicolon"], index=False, sep=";")
    customers.to_parquet(out["parquet"], index=False)
    out["partitioned"] = folder / "partitioned"
    customers.to_parquet(out["partitioned"], index=False, partition_cols=["segment"])
    return out


def assert_same(found, expected) -> None:
    """Two calibrations agree: every estimate, interval, count, coefficient, figure, reason and note."""
    assert found.rows == expected.rows
    assert found.mapping == expected.mapping

    def same_intervals(a, b):
        assert a.keys() == b.keys()
        for key in a:
            for part in ("value", "ci_low", "ci_high"):
                x, y = getattr(a[key], part), getattr(b[key], part)
                assert (math.isnan(x) and math.isnan(y)) or x == pytest.approx(y, rel=1e-9, abs=1e-12), (key, part)
            assert a[key].n == b[key].n, key

    same_intervals(found.estimates, expected.estimates)
    same_intervals(found.figures, expected.figures)
    assert found.by_segment.keys() == expected.by_segment.keys()
    for segment in found.by_segment:
        same_intervals(found.by_segment[segment], expected.by_segment[segment])
    assert (found.model is None) == (expected.model is None)
    if found.model is not None:
        a, b = found.model.coefficients, expected.model.coefficients
        assert list(a.index) == list(b.index)
        np.testing.assert_allclose(a.to_numpy(float), b.to_numpy(float), rtol=1e-9)
        assert found.model.n == expected.model.n
    assert found.reasons == expected.reasons
    assert [w.message for w in found.warnings] == [w.message for w in expected.warnings]


def test_duckdb_recovers_the_known_truth(files):
    """The reference every engine is compared with is itself right: the truth lies in its intervals."""
    result = calibrate(files["parquet"])
    truth = true_parameters()["all"]
    for key in ("churn_rate", "complaint_rate", "resolved_share", "churn_unresolved", "baseline_churn"):
        item = result.estimates[key]
        assert item.ci_low <= truth[key] <= item.ci_high, key
    assert result.engine == "duckdb"


def test_the_file_formats_agree_on_duckdb(files):
    """Typed Parquet (numbers read as numbers) and text CSV (numbers parsed) give the same calibration."""
    reference = calibrate(files["parquet"])
    assert_same(calibrate(files["csv"]), reference)
    assert_same(calibrate(files["semicolon"]), reference)


# --- Spark -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "semicolon", "parquet", "partitioned"])
@pytest.mark.spark
def test_spark_gives_duckdbs_calibration(spark_session, files, kind):
    expected = calibrate(files["csv" if kind == "semicolon" else "parquet" if kind == "partitioned" else kind])
    found = calibrate(files[kind], engine="spark", spark=spark_session)
    assert found.engine == "spark" and found.file == files[kind].name
    assert_same(found, expected)


@pytest.mark.spark
def test_spark_reads_a_lake_uri_as_it_reads_a_path(spark_session, files):
    """A URI (s3a://, hdfs://... here file://) is read by Spark alone: the header sniffed through Spark."""
    uri = files["semicolon"].as_uri()
    found = calibrate(uri, engine="spark", spark=spark_session)
    assert found.file == uri
    assert_same(found, calibrate(files["csv"]))


@pytest.mark.spark
def test_spark_reads_a_table_of_its_catalogue(spark_session, files):
    spark_session.read.parquet(str(files["parquet"])).createOrReplaceTempView("calibration_customers")
    found = calibrate(None, engine="spark", table="calibration_customers", spark=spark_session)
    assert found.file == "calibration_customers"
    assert_same(found, calibrate(files["parquet"]))


# --- PostgreSQL --------------------------------------------------------------------------------------


def _load(url: str, frame: pd.DataFrame, table: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        frame.to_sql(table, engine, index=False)
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_postgresql_gives_duckdbs_calibration_for_a_table_and_a_query(postgres_url, customers, files):
    # Typed columns (integers, doubles, text), as a warehouse table has them.
    _load(postgres_url, customers, "customers")
    expected = calibrate(files["parquet"])
    found = calibrate(postgres_url, table="customers")
    assert found.engine == "postgresql" and found.file.startswith("customers @ ")
    assert_same(found, expected)
    query = calibrate(postgres_url, query="SELECT * FROM customers WHERE segment = 'premium';")
    premium = customers[customers["segment"] == "premium"]
    premium.to_parquet(files["parquet"].with_name("premium.parquet"), index=False)
    assert_same(query, calibrate(files["parquet"].with_name("premium.parquet")))
    assert query.rows == len(premium)
    assert query.estimates["churn_rate"].value == pytest.approx(premium["churned"].mean(), rel=1e-12)


@pytest.mark.postgres
def test_postgresql_text_columns_read_as_the_csv_is(postgres_url, files):
    """A table of text columns (a raw landing table) is parsed as DuckDB parses the CSV: ';' file, decimal commas."""
    raw = pd.read_csv(files["semicolon"], sep=";", dtype=str, keep_default_na=False).replace("", None)
    _load(postgres_url, raw, "landing")
    assert_same(calibrate(postgres_url, table="landing"), calibrate(files["semicolon"]))


@pytest.mark.postgres
def test_the_password_is_never_shown(postgres_url):
    import sqlalchemy as sa

    url = sa.make_url(postgres_url).set(password="not-the-s3cret")
    shown = url.render_as_string(hide_password=False)
    with pytest.raises(CalibrationError) as caught:
        calibrate(shown, table="customers")
    assert caught.value.code == "engine_failed"
    assert "not-the-s3cret" not in str(caught.value)
    with pytest.raises(CalibrationError) as caught:
        calibrate(shown)  # neither a table nor a query
    assert caught.value.code == "database_needs_table" and "not-the-s3cret" not in str(caught.value)


# --- the same messages on every engine ---------------------------------------------------------------


def _bad_tables(customers: pd.DataFrame) -> dict[str, pd.DataFrame]:
    small = customers.head(300).astype(str).reset_index(drop=True)
    word = small.copy()
    word.loc[123, "complained"] = "maybe"
    twice = small.copy()
    twice.loc[200, "customer_id"] = twice.loc[17, "customer_id"]
    return {
        "missing": small.drop(columns=["churned"]),
        "not_binary": word,
        "duplicate": twice,
        "empty": small.head(0),
        "negative": small.assign(annual_value=lambda f: f["annual_value"].where(f.index != 42, "-5")),
    }


def _message(source, **options) -> str:
    with pytest.raises(CalibrationError) as caught:
        calibrate(source, **options)
    return f"{caught.value.code}: {caught.value}"


@pytest.mark.postgres
@pytest.mark.spark
def test_the_same_bad_input_gets_the_same_message_on_every_engine(customers, tmp_path, postgres_url, spark_session):
    for name, frame in _bad_tables(customers).items():
        path = tmp_path / f"{name}.csv"
        frame.to_csv(path, index=False)
        expected = _message(path)
        assert (
            expected.split(":")[0]
            == {
                "missing": "missing_column",
                "not_binary": "not_binary",
                "duplicate": "duplicate_id",
                "empty": "header_only",
                "negative": "bad_value",
            }[name]
        )
        if name == "not_binary":
            assert "row 124" in expected and "complained='maybe'" in expected
        _load(postgres_url, frame.replace("", None), f"bad_{name}")  # an empty CSV field is NULL
        assert _message(postgres_url, table=f"bad_{name}") == expected, name
        assert _message(path, engine="spark", spark=spark_session) == expected, name


# --- the one statement ---------------------------------------------------------------------------------


def test_one_statement_one_scan_on_duckdb(files):
    """The plan of the aggregation reads the file once (both aggregates are fed by one scan)."""
    from estimator.calibration.engines.duckdb import DuckDBEngine

    engine = DuckDBEngine(files["csv"])
    try:
        mapping = {name: name for name in engine.columns}
        plan = engine.con.execute("EXPLAIN " + scan_sql(mapping, engine.numeric)).fetchall()[0][1]
    finally:
        engine.close()
    assert plan.count("READ_CSV") == 1


@pytest.mark.parametrize("dialect", ["postgres", "spark"])
def test_the_statement_has_no_duckdb_only_function(dialect):
    mapping = {name: name for name in ("customer_id", "churned", "complained", "annual_value", "segment")}
    sql = transpile(scan_sql(mapping), dialect).upper()
    assert "HASH(" not in sql  # DuckDB's 64-bit hash: other engines count the ids themselves
    assert "TRY_CAST" not in sql or dialect == "spark"  # PostgreSQL has none: a guarded CAST
    assert "ISNAN" not in sql and "LIST(" not in sql


def test_engines_are_chosen_by_the_source():
    assert set(ENGINES) == {"duckdb", "spark", "postgresql"}
    assert choose_engine("customers.csv") == "duckdb"
    assert choose_engine("postgresql://anna@db/crm") == "postgresql"
    assert choose_engine("postgresql+psycopg://anna@db/crm") == "postgresql"
    assert choose_engine("lake/customers", "spark") == "spark"
    with pytest.raises(CalibrationError) as caught:
        choose_engine("customers.csv", "oracle")
    assert caught.value.code == "unknown_engine"
    with pytest.raises(CalibrationError) as caught:
        calibrate("customers.csv", table="customers")
    assert caught.value.code == "table_needs_engine"


def test_duckdb_counts_equal_a_plain_group_by(files, customers):
    """The statement's counts against an independent pandas count of the same rows."""
    from estimator.calibration.engines.duckdb import DuckDBEngine

    engine = DuckDBEngine(files["parquet"])
    try:
        mapping = {name: name for name in engine.columns}
        rows = engine.rows(scan_sql(mapping, engine.numeric))
    finally:
        engine.close()
    totals = next(row for row in rows if row[0] == 1)
    assert totals[-5] == len(customers) and totals[-1] == customers["customer_id"].nunique()
    groups = [row for row in rows if row[0] == 0]
    assert sum(row[-5] for row in groups) == len(customers)
    by_churn = pd.Series({row[1]: 0 for row in groups})
    for row in groups:
        by_churn[row[1]] += row[-5]
    assert by_churn.to_dict() == customers["churned"].value_counts().to_dict()
