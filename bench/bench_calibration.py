"""Benchmark: calibrate from a 10,000,000-row customer file (CSV and Parquet) with DuckDB.

Targets (issue 5): at most 20 s and at most 1.5 GB peak memory on the 2-core machine; issue 14: at
most 2.5× a bare DuckDB query over the same file that computes the same group counts (with the
value's mean and variance) and the duplicate-id count, and faster than pandas + Logit. Baselines in
the same run: (1) that bare query, written as a DuckDB user would (typed columns auto-detected, a
``GROUP BY`` and a ``count(DISTINCT customer_id)``, two threads as ours); (2) pandas reads the same
CSV and statsmodels ``Logit`` fits churn ~ unresolved + segment on the raw rows of complainers (the
rates by pandas ``groupby``). Each measurement runs in a fresh child process that reports its own
wall time and peak RSS (``VmHWM``), so nothing is shared between them. The files are generated once
into ``/tmp/calibration_bench`` (never into the repo).

    python bench/bench_calibration.py [--rows 10000000] [--runs 3] [--baseline-runs 1]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

WORK = Path("/tmp/calibration_bench")
CHUNK = 1_000_000


def make_files(rows: int) -> tuple[Path, Path]:
    """The CSV and Parquet files of ``rows`` synthetic customers (made once, in chunks)."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    from make_sample_customers import generate

    WORK.mkdir(exist_ok=True)
    csv, parquet = WORK / f"customers_{rows}.csv", WORK / f"customers_{rows}.parquet"
    if csv.exists() and parquet.exists():
        return csv, parquet
    writer = None
    with open(csv, "w", encoding="utf-8", newline="") as out:
        for start in range(0, rows, CHUNK):
            size = min(CHUNK, rows - start)
            frame = generate(size, seed=start // CHUNK)
            frame["customer_id"] = [f"C{i:09d}" for i in range(start + 1, start + size + 1)]
            frame.to_csv(out, index=False, header=start == 0)
            table = pa.Table.from_pandas(frame, preserve_index=False)
            writer = writer or pq.ParquetWriter(parquet, table.schema)
            writer.write_table(table)
            print(f"  generated {start + size:,} rows", file=sys.stderr)
    writer.close()
    return csv, parquet


def child_duckdb(path: str) -> dict:
    from estimator.calibration import calibrate

    started = time.perf_counter()
    result = calibrate(path)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "coef": result.model.coefficients["coef"].to_dict(),
        "churn_rate": result.estimates["churn_rate"].value,
        "rows": result.rows,
    }


def child_bare(path: str) -> dict:
    """The floor: the same group counts and the duplicate-id count, one bare DuckDB query each."""
    import duckdb

    con = duckdb.connect(config={"threads": 2, "memory_limit": "1GB"})
    reader = "read_parquet" if path.endswith(".parquet") else "read_csv"
    source = f"{reader}('{path}')"
    started = time.perf_counter()
    groups = con.execute(
        f"SELECT segment, churned, complained, resolved, had_problem, count(*) AS n, avg(annual_value), "
        f"var_pop(annual_value) FROM {source} GROUP BY ALL"
    ).fetchall()
    duplicates = con.execute(f"SELECT count(*) - count(DISTINCT customer_id) FROM {source}").fetchall()[0][0]
    seconds = time.perf_counter() - started
    churners = sum(row[5] for row in groups if row[1] == 1)
    rows = sum(row[5] for row in groups)
    return {"seconds": seconds, "rows": rows, "churn_rate": churners / rows, "duplicates": duplicates, "coef": {}}


def child_pandas(path: str) -> dict:
    import pandas as pd
    import statsmodels.api as sm

    from estimator.calibration import design_frame

    started = time.perf_counter()
    frame = pd.read_csv(path, dtype={"resolved": "float64"})
    rates = {
        "churn_rate": frame["churned"].mean(),
        "by_segment": frame.groupby("segment")["churned"].mean().to_dict(),
        "complaint_rate": frame["complained"].mean(),
    }
    complainers = frame[frame["complained"] == 1].copy()
    complainers["unresolved"] = (complainers["resolved"] == 0).astype(int)
    sizes = complainers["segment"].value_counts()
    segments = sorted(sizes.index, key=lambda s: (-sizes[s], s))
    fit = sm.Logit(complainers["churned"].astype(float), design_frame(complainers, segments)).fit(disp=0)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "coef": fit.params.to_dict(), "churn_rate": float(rates["churn_rate"]), "rows": len(frame)}


def peak_rss_mib() -> float:
    """This process's peak resident memory since it started (``VmHWM``).

    Not ``ru_maxrss``: Linux carries that over from the parent through fork and exec, so every
    child would report at least the parent's peak.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(kind: str, path: Path) -> dict:
    """Run one measurement in a fresh process; its own peak RSS comes back with the result."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(path)], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline-runs", type=int, default=1)
    parser.add_argument("--child", nargs=2, metavar=("KIND", "PATH"))
    args = parser.parse_args()
    if args.child:
        kind, path = args.child
        result = {"duckdb": child_duckdb, "bare": child_bare, "pandas": child_pandas}[kind](path)
        result["peak_mib"] = peak_rss_mib()
        print(json.dumps(result))
        return

    csv, parquet = make_files(args.rows)
    print(f"files: {csv} ({csv.stat().st_size / 2**20:,.0f} MiB), {parquet} ({parquet.stat().st_size / 2**20:,.0f} MiB)")
    runs = {
        "DuckDB, CSV": [measure("duckdb", csv) for _ in range(args.runs)],
        "DuckDB, Parquet": [measure("duckdb", parquet) for _ in range(args.runs)],
        "bare query, CSV": [measure("bare", csv) for _ in range(args.runs)],
        "bare query, Parquet": [measure("bare", parquet) for _ in range(args.runs)],
        "pandas + Logit, CSV": [measure("pandas", csv) for _ in range(args.baseline_runs)],
    }
    summary = {}
    for name, results in runs.items():
        summary[name] = {
            "seconds": statistics.median(r["seconds"] for r in results),
            "peak_mib": statistics.median(r["peak_mib"] for r in results),
            "runs": len(results),
        }
        each = ", ".join(f"{r['seconds']:.2f}" for r in results)
        print(
            f"{name:22s} median {summary[name]['seconds']:6.2f} s (runs: {each}), peak RSS {summary[name]['peak_mib']:,.0f} MiB"
        )
    base = summary["pandas + Logit, CSV"]
    for name in ("DuckDB, CSV", "DuckDB, Parquet"):
        print(
            f"{name}: time {summary[name]['seconds'] / base['seconds']:.2f}× the baseline's, "
            f"peak memory {summary[name]['peak_mib'] / base['peak_mib']:.2f}× the baseline's"
        )
    for name, bare in (("DuckDB, CSV", "bare query, CSV"), ("DuckDB, Parquet", "bare query, Parquet")):
        ratio = summary[name]["seconds"] / summary[bare]["seconds"]
        print(f"{name}: {ratio:.2f}× the bare query's time (target ≤ 2.5×: {'met' if ratio <= 2.5 else 'MISSED'})")
        assert runs[bare][0]["rows"] == args.rows and runs[bare][0]["duplicates"] == 0
    reference = runs["pandas + Logit, CSV"][0]["coef"]
    for name in ("DuckDB, CSV", "DuckDB, Parquet"):
        coef = runs[name][0]["coef"]
        gap = max(abs(coef[k] - reference[k]) for k in reference)
        print(f"{name}: largest coefficient difference from Logit on raw rows {gap:.2e} (terms: {', '.join(reference)})")
        assert set(coef) == set(reference) and gap < 1e-6
        assert runs[name][0]["rows"] == args.rows
        assert np.isclose(runs[name][0]["churn_rate"], runs["pandas + Logit, CSV"][0]["churn_rate"], rtol=0, atol=1e-12)
    worst = max(summary["DuckDB, CSV"]["seconds"], summary["DuckDB, Parquet"]["seconds"])
    peak = max(summary["DuckDB, CSV"]["peak_mib"], summary["DuckDB, Parquet"]["peak_mib"])
    faster = worst < base["seconds"]
    print(
        f"targets: ≤ 20 s ({'met' if worst <= 20 else 'MISSED'}), ≤ 1.5 GB peak ({'met' if peak <= 1536 else 'MISSED'}), "
        f"faster than pandas + Logit ({'met' if faster else 'MISSED'})"
    )


if __name__ == "__main__":
    main()
