"""Benchmark: the scenario library on a real SQLite file.

Run by hand (not part of the tests):  python bench/bench_scenarios.py [--repeats 200]

Medians of --repeats runs, on a fresh library in a temporary folder holding 100 scenarios:
  - save (a new name; validation, one IMMEDIATE transaction, WAL, synchronous=FULL), overwrite,
    load (read and validate again), list the 100;
  - compare four saved scenarios (load, estimate, differences, styled table) and build the
    grouped bars and the waterfall;
  - baselines measured in the same run: one bare ``INSERT`` + ``COMMIT`` of the same row size
    with the same pragmas (SQLite's own floor for a durable write on this disk), and one
    ``estimate()`` (the model's cost of a scenario).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from estimator import Parameters, estimate
from estimator.scenario_charts import channel_comparison_bars, scenario_waterfall
from estimator.scenarios import ScenarioStore, compare_scenarios


def median_ms(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=200)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    store = ScenarioStore(folder / "bench.sqlite3")
    for i in range(100):
        store.save(f"scenario {i}", Parameters(churn_rate=0.1 + i / 1000), ranges={"churn_rate": (0.05, 0.3)}, notes="n" * 200)
    counter = iter(range(10**9))
    save = median_ms(lambda: store.save(f"new {next(counter)}", Parameters(churn_rate=0.2), notes="n" * 200), args.repeats)
    overwrite = median_ms(lambda: store.save("scenario 1", Parameters(churn_rate=0.2), overwrite=True), args.repeats)
    load = median_ms(lambda: store.load("scenario 50"), args.repeats)
    listing = median_ms(store.list, args.repeats)
    listed = len(store)
    names = ["scenario 0", "scenario 10", "scenario 20", "scenario 30"]

    def compare():
        comparison = compare_scenarios([(name, store.load(name)) for name in names])
        comparison.styled().to_html()
        channel_comparison_bars(comparison, labels={})
        scenario_waterfall(comparison, 0, 3, labels={})

    comparing = median_ms(compare, max(10, args.repeats // 10))

    raw = sqlite3.connect(folder / "raw.sqlite3", isolation_level=None)
    raw.execute("PRAGMA journal_mode = WAL")
    raw.execute("PRAGMA synchronous = FULL")
    raw.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)")
    body = json.dumps(Parameters().model_inputs()) + "n" * 200

    def bare_insert():
        raw.execute("BEGIN IMMEDIATE")
        raw.execute("INSERT INTO t (body) VALUES (?)", (body,))
        raw.execute("COMMIT")

    floor = median_ms(bare_insert, args.repeats)
    model = median_ms(lambda: estimate(Parameters(churn_rate=0.2)), args.repeats)
    print(f"save (new name)              {save:7.2f} ms")
    print(f"save (overwrite)             {overwrite:7.2f} ms")
    print(f"load                         {load:7.2f} ms")
    print(f"list ({listed} scenarios)        {listing:7.2f} ms")
    print(f"compare 4 + table + charts   {comparing:7.2f} ms")
    print(f"baseline: bare INSERT+COMMIT {floor:7.2f} ms  (save / floor = {save / floor:.1f}x)")
    print(f"baseline: one estimate()     {model:7.2f} ms")


if __name__ == "__main__":
    main()
