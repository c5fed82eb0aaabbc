import itertools
import os
import sys
from pathlib import Path

import pytest

# The scalar reference model and the PostgreSQL helper live beside the tests; make them importable from every test module.
sys.path.insert(0, str(Path(__file__).parent))

from postgres_server import running_server


@pytest.fixture(scope="session")
def postgres_server():
    """A real PostgreSQL server for the whole session (skipped only where the binaries are missing)."""
    yield from running_server()


_DATABASE_NUMBERS = itertools.count()


@pytest.fixture
def postgres_url(postgres_server) -> str:
    """The URL (with its password) of a fresh, empty database on the session's server."""
    return postgres_server.create_database(f"test_{os.getpid()}_{next(_DATABASE_NUMBERS)}")


@pytest.fixture(scope="session")
def spark_session():
    """One real Spark session (local mode, one core) for the whole run: starting Spark costs seconds."""
    pyspark_sql = pytest.importorskip("pyspark.sql")
    session = (
        pyspark_sql.SparkSession.builder.master("local[1]")
        .appName("churn-cost tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
