"""The command line's engine options: a PostgreSQL source, a Spark directory, the progress bar on stderr only."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from estimator.calibration import calibrate
from estimator.calibration.progress import TextProgress

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from make_sample_customers import generate  # noqa: E402


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "estimator", "calibrate", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=600
    )


@pytest.mark.postgres
def test_a_postgresql_table_from_the_command_line(postgres_url, tmp_path):
    import sqlalchemy as sa
    from postgres_server import PASSWORD

    frame = generate(2000, seed=5)
    frame["customer_id"] = [f"K{i}" for i in range(len(frame))]
    engine = sa.create_engine(postgres_url)
    try:
        frame.to_sql("customers", engine, index=False)
    finally:
        engine.dispose()
    done = _cli(postgres_url, "--table", "customers", "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)  # nothing but the JSON on stdout
    assert data["engine"] == "postgresql" and data["rows"] == 2000
    assert PASSWORD not in done.stdout + done.stderr and "***" in data["file"]
    path = tmp_path / "customers.parquet"
    frame.to_parquet(path, index=False)
    expected = calibrate(path).to_dict()
    assert data["estimates"]["churn_rate"] == expected["estimates"]["churn_rate"]
    failed = _cli(postgres_url, "--table", "no_such_table")
    assert failed.returncode == 2 and PASSWORD not in failed.stdout + failed.stderr
    assert "postgresql" in failed.stderr and "no_such_table" in failed.stderr and "Traceback" not in failed.stderr


def test_the_progress_bar_draws_on_its_stream_and_clears_its_line():
    stream = io.StringIO()
    bar = TextProgress(stream, width=10, interval=0)
    bar(0.5, "rows scanned")
    assert stream.getvalue() == "\r[#####.....]  50% rows scanned"
    bar(None, "Spark tasks 3/8")
    assert stream.getvalue().endswith("\rSpark tasks 3/8 …" + " " * (len("[#####.....]  50% rows scanned") - 17))
    bar.close()
    assert stream.getvalue().endswith("\r" + " " * 17 + "\r")


@pytest.mark.slow
def test_duckdb_reports_its_progress_while_it_scans(tmp_path, monkeypatch):
    import duckdb

    import estimator.calibration.engines.base as engines_base

    # Five million rows written by DuckDB itself (a second or two), probed every 5 ms: the scan lasts
    # hundreds of probes even on a fast, quiet machine (a million rows and the 0.25 s probe did not).
    path = tmp_path / "big.csv"
    duckdb.sql(
        "COPY (SELECT 'C' || i AS customer_id, CASE WHEN hash(i) % 5 = 0 THEN 'yes' ELSE 'no' END AS churned, "
        "CASE WHEN hash(i + 1) % 7 = 0 THEN 'yes' ELSE 'no' END AS complained FROM range(5000000) t(i)) "
        f"TO '{path}' (HEADER, DELIMITER ',')"
    )
    monkeypatch.setattr(engines_base, "PROBE_SECONDS", 0.005)
    seen: list[tuple] = []
    result = calibrate(path, progress=lambda share, label: seen.append((share, label)))
    assert result.rows == 5_000_000
    assert seen and all(label == "rows scanned" and 0 <= share <= 1 for share, label in seen)
    assert pd.Series([s for s, _ in seen]).is_monotonic_increasing
