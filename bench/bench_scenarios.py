"""Benchmark: the scenario library on a real SQLite file and a real PostgreSQL server.

Run by hand (not part of the tests):  python bench/bench_scenarios.py [--repeats 50] [--sizes 300 10000]

For each engine and each workspace size (scenarios already in the workspace), medians of --repeats runs:
  - save (a new name: validation, one transaction, a version row; SQLite WAL + synchronous=FULL),
    save a new version of an existing scenario (against its version number), load, list the workspace,
    list a scenario's versions, compare four saved scenarios (load, estimate, table, bars, waterfall);
  - team mode (issue 26): save and list through ``TeamStore`` (role checks, the audit row) beside the same
    calls on the bare store, measured right after each other;
  - baseline measured in the same run on the same engine: one bare ``INSERT`` + ``COMMIT`` of a row
    the size of a scenario (the engine's own floor for a durable write).
PostgreSQL runs on a server this script starts with initdb/pg_ctl (as ``postgres`` when run as root)
and stops at the end.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from postgres_server import PostgresServer, postgres_bin  # noqa: E402

from estimator import Parameters  # noqa: E402
from estimator.core.scenario import Scenario  # noqa: E402
from estimator.figures.scenarios import channel_comparison_bars, scenario_waterfall  # noqa: E402
from estimator.store import ScenarioStore, compare_scenarios  # noqa: E402
from estimator.store.rows import content, write_version  # noqa: E402


def median_ms(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def fill(store: ScenarioStore, count: int) -> None:
    """``count`` scenarios in the workspace, written in one transaction (the set-up, not measured)."""
    store.save("scenario 0", Parameters(churn_rate=0.1), notes="n" * 200, author="bench")
    now = "2026-12-01T00:00:00+00:00"
    with store._writing() as connection:
        workspace_id = store._workspace_id(connection)
        for i in range(1, count):
            scenario = Scenario("x", Parameters(churn_rate=0.1 + (i % 500) / 1000), {"churn_rate": (0.05, 0.7)}, "n" * 200)
            write_version(
                connection,
                workspace_id=workspace_id,
                scenario_id=None,
                name=f"scenario {i}",
                columns=content(scenario),
                version=1,
                author="bench",
                note="",
                saved_at=now,
                save_id=None,
            )


def bare_insert_baseline(url: str, repeats: int) -> float:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool if url.startswith("sqlite") else None)
    body = json.dumps(Parameters().model_inputs()) + "n" * 200
    if url.startswith("sqlite"):

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _):
            dbapi_connection.isolation_level = None
            dbapi_connection.execute("PRAGMA journal_mode = WAL")
            dbapi_connection.execute("PRAGMA synchronous = FULL")

    with engine.begin() as connection:
        key = "INTEGER PRIMARY KEY" if url.startswith("sqlite") else "SERIAL PRIMARY KEY"
        connection.exec_driver_sql(f"CREATE TABLE IF NOT EXISTS bare (id {key}, body TEXT)")
    raw = engine.raw_connection()
    cursor = raw.cursor()
    placeholder = "?" if url.startswith("sqlite") else "%s"

    def insert():
        if url.startswith("sqlite"):
            cursor.execute("BEGIN IMMEDIATE")
        cursor.execute(f"INSERT INTO bare (body) VALUES ({placeholder})", (body,))
        if url.startswith("sqlite"):
            cursor.execute("COMMIT")
        else:
            raw.commit()

    floor = median_ms(insert, repeats)
    raw.close()
    engine.dispose()
    return floor


def bench(label: str, store: ScenarioStore, baseline_url: str, size: int, repeats: int) -> None:
    fill(store, size)
    counter = itertools.count()
    version = {"n": store.load("scenario 0").version}

    def new_version():
        version["n"] = store.save("scenario 0", Parameters(churn_rate=0.2), expect_version=version["n"], author="bench").version

    save = median_ms(lambda: store.save(f"new {next(counter)}", Parameters(churn_rate=0.2), notes="n" * 200, author="b"), repeats)
    versioned = median_ms(new_version, repeats)
    load = median_ms(lambda: store.load(f"scenario {size // 2}"), repeats)
    listing = median_ms(store.list, max(5, repeats // 5))
    versions = median_ms(lambda: store.versions("scenario 0"), repeats)
    names = [f"scenario {i}" for i in (0, size // 4, size // 2, size - 1)]

    def compare():
        comparison = compare_scenarios([(name, store.load(name)) for name in names])
        comparison.styled().to_html()
        channel_comparison_bars(comparison, labels={})
        scenario_waterfall(comparison, 0, 3, labels={})

    comparing = median_ms(compare, max(5, repeats // 5))
    # Team mode (issue 26): the same calls through the permission-checking facade, as a signed-in owner.
    from estimator.store.access import Identity, TeamStore, add_member

    add_member(store, "bench@firm.example", "owner")
    team = TeamStore(store, Identity("bench@firm.example", "bench"))
    team_save = median_ms(lambda: team.save(f"team {next(counter)}", Parameters(churn_rate=0.2), notes="n" * 200), repeats)
    team_listing = median_ms(team.list, max(5, repeats // 5))
    plain_save = median_ms(lambda: store.save(f"plain {next(counter)}", Parameters(churn_rate=0.2), notes="n" * 200), repeats)
    plain_listing = median_ms(store.list, max(5, repeats // 5))
    floor = bare_insert_baseline(baseline_url, repeats)
    listed = len(store)
    print(f"\n{label}, {listed:,} scenarios in the workspace ({version['n']} versions of the one re-saved)")
    print(f"  save (new name)                 {save:8.2f} ms   ({save / floor:5.1f}x the bare INSERT+COMMIT)")
    print(f"  save (new version, checked)     {versioned:8.2f} ms   ({versioned / floor:5.1f}x)")
    print(f"  load                            {load:8.2f} ms")
    print(f"  list the workspace              {listing:8.2f} ms")
    print(f"  version list                    {versions:8.2f} ms")
    print(f"  compare 4 + table + charts      {comparing:8.2f} ms")
    print(f"  baseline: bare INSERT+COMMIT    {floor:8.2f} ms")
    print(f"  team mode: save (new name)      {team_save:8.2f} ms   (single-user in the same run: {plain_save:.2f} ms)")
    print(f"  team mode: list the workspace   {team_listing:8.2f} ms   (single-user in the same run: {plain_listing:.2f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 10_000])
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    bin_dir = postgres_bin()
    server = PostgresServer(bin_dir) if bin_dir else None
    if server:
        server.start()
    try:
        for size in args.sizes:
            path = folder / f"bench-{size}.sqlite3"
            bench(
                "SQLite",
                ScenarioStore(path, workspace="bench"),
                f"sqlite:///{folder / f'bare-{size}.sqlite3'}",
                size,
                args.repeats,
            )
            if server:
                url = server.create_database(f"bench_{size}")
                bare = server.create_database(f"bare_{size}").replace("postgresql://", "postgresql+psycopg://")
                bench("PostgreSQL", ScenarioStore(url, workspace="bench"), bare, size, args.repeats)
            else:
                print("PostgreSQL: not installed (/usr/lib/postgresql/*/bin), skipped")
    finally:
        if server:
            server.remove()


if __name__ == "__main__":
    main()
