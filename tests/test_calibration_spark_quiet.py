"""Calibrating on Spark shows the user no warning from PySpark about pandas 3 (issue 20).

PySpark 4 warns "does not yet fully support pandas >= 3.0.0" whenever a context starts with pandas 3
installed. The Spark engine never hands data to pandas through Spark (only group counts come back, as
rows), so the warning does not concern it; shown on every calibration it would only alarm a user.
The check runs the command line in a new process, as a user would, so the Spark context is its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from estimator.calibration.engines import spark as spark_engine

pytestmark = [pytest.mark.spark, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample_customers.csv"


def test_the_spark_engine_never_converts_through_pandas():
    """What makes the warning safe to leave out: no pandas conversion in the engine's code."""
    source = Path(spark_engine.__file__).read_text(encoding="utf-8")
    for conversion in ("toPandas", "pandas_udf", "mapInPandas", "applyInPandas", "pandas_api", "createDataFrame"):
        assert conversion not in source, conversion


def test_a_spark_calibration_from_the_command_line_prints_no_pandas_warning(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "default"}
    done = subprocess.run(
        [sys.executable, "-m", "estimator", "calibrate", str(SAMPLE), "--engine", "spark", "--format", "json"],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert '"estimates"' in done.stdout
    assert "pandas" not in done.stderr, done.stderr[-2000:]
