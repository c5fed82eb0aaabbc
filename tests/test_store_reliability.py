"""The shared library under real processes: concurrent writers versioning one scenario, writers killed
with SIGKILL mid-save, and the PostgreSQL server restarted with ``pg_ctl restart -m immediate`` mid-run.

Each writer is a separate Python process. It prints a line only after ``save()`` returned, so the
parent knows exactly which saves were committed; each must be there with its values, each version
exactly once, and every refused save must have been reported as a conflict (never lost silently).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from postgres_server import PASSWORD, running_server

from estimator import Parameters
from estimator.store import ScenarioStore

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")]

WRITER = """
import sys
from estimator import Parameters
from estimator.store import ScenarioConflictError, ScenarioError, ScenarioStore

where, prefix, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
store = ScenarioStore(where, workspace="team")
i = 0
while count < 0 or i < count:
    try:
        # A scenario of its own (values the parent recomputes from the name) ...
        store.save(f"{prefix}{i}", Parameters(churn_rate=(i % 1000) / 1000, customers=i + 1), author=prefix)
        print("own", i, flush=True)
        # ... and a new version of the one everybody edits: read, change, save against what was read.
        while True:
            seen = store.load("shared") if "shared" in store else None
            try:
                saved = store.save(
                    "shared",
                    Parameters(customers=1000 + i),
                    expect_version=seen.version if seen else None,
                    author=prefix,
                    note=f"{prefix}{i}",
                )
            except ScenarioConflictError as conflict:
                print("conflict", conflict.current.version, flush=True)  # reported, then read again and retry
                continue
            except ScenarioError as error:
                if error.code != "duplicate":  # two first saves at once: the other one won; read it and retry
                    raise
                print("conflict", 1, flush=True)
                continue
            print("shared", saved.version, f"{prefix}{i}", flush=True)
            break
    except ScenarioError as error:
        if error.code != "unavailable":
            raise
        print("failed", " ".join(str(error).split()), flush=True)
    i += 1
print("done", flush=True)
"""


def _writer(where: str, prefix: str, count: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, where, prefix, str(count)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _check(store: ScenarioStore, outputs: dict[str, list[str]], *, killed: bool = False) -> dict[str, int]:
    """Every returned save present with its values; the shared scenario's versions each reported exactly once.

    ``killed``: a writer may have been killed after a commit and before printing it, so the history
    may hold versions nobody was told about (at most one per killed writer), never fewer.
    """
    names = set(store.names())
    shared_reported: list[tuple[int, str]] = []
    counts: Counter = Counter()
    for prefix, lines in outputs.items():
        for line in lines:
            kind, *rest = line.split(" ", 2)
            counts[kind] += 1
            if kind == "own":
                i = int(rest[0])
                assert f"{prefix}{i}" in names, f"{prefix}{i} was returned but is missing"
                params = store.load(f"{prefix}{i}").parameters
                assert (params.churn_rate, params.customers) == ((i % 1000) / 1000, float(i + 1))
            elif kind == "shared":
                shared_reported.append((int(rest[0]), rest[1]))
    if shared_reported:
        history = store.history("shared")
        numbers = [version.version for version in history]
        assert numbers == list(range(1, len(numbers) + 1))  # no gap, no repeat
        reported = sorted(number for number, _ in shared_reported)
        assert len(set(reported)) == len(reported), "two saves were told they made the same version"
        by_number = {version.version: version for version in history}
        for number, tag in shared_reported:  # each returned version holds exactly what that save wrote
            assert by_number[number].note == tag and by_number[number].author == tag.rstrip("0123456789")
            assert by_number[number].parameters.customers == 1000 + int(tag.rsplit("-", 1)[1])
        assert set(reported) <= set(numbers)
        if killed:
            assert len(numbers) - len(reported) <= len(outputs)
        else:  # every version in the history was returned to exactly one writer
            assert reported == numbers, f"{len(numbers)} versions, {len(reported)} reported"
    assert store.integrity_check() == "ok"
    return dict(counts)


def _run_concurrently(where: str, writers: int, count: int) -> dict[str, int]:
    prefixes = [f"w{k}-" for k in range(writers)]
    processes = {prefix: _writer(where, prefix, count) for prefix in prefixes}
    outputs = {}
    for prefix, process in processes.items():
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err
        outputs[prefix] = out.splitlines()
        assert [line for line in outputs[prefix] if line.startswith("own")] == [f"own {i}" for i in range(count)]
        assert outputs[prefix][-1] == "done"
    counts = _check(ScenarioStore(where, workspace="team"), outputs)
    assert counts["shared"] == writers * count
    return counts


@pytest.mark.postgres
def test_eight_processes_on_postgresql_lose_nothing(postgres_url):
    counts = _run_concurrently(postgres_url, writers=8, count=15)
    assert len(ScenarioStore(postgres_url, workspace="team")) == 8 * 15 + 1
    print("postgresql, 8 writers:", counts)


def test_four_processes_on_sqlite_lose_nothing(tmp_path):
    where = str(tmp_path / "team.sqlite3")
    counts = _run_concurrently(where, writers=4, count=15)
    assert len(ScenarioStore(where, workspace="team")) == 4 * 15 + 1
    print("sqlite, 4 writers:", counts)


def _read_lines(stream, into: list[str]) -> None:
    for line in stream:
        if line.endswith("\n"):  # a writer killed while printing leaves a last line cut short: not a report
            into.append(line.strip())


@pytest.mark.parametrize("engine", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_writers_killed_mid_save_leave_no_half_written_scenario(engine, request, tmp_path):
    where = request.getfixturevalue("postgres_url") if engine == "postgresql" else str(tmp_path / "killed.sqlite3")
    rng = __import__("numpy").random.default_rng(20261201)
    outputs: dict[str, list[str]] = {}
    for round_number in range(5):
        prefix = f"r{round_number}-"
        process = _writer(where, prefix, -1)
        reported: list[str] = []
        reader = threading.Thread(target=_read_lines, args=(process.stdout, reported), daemon=True)
        reader.start()
        deadline = time.monotonic() + 60
        while not reported and time.monotonic() < deadline:
            time.sleep(0.01)
        assert reported, process.stderr.read() if process.poll() is not None else "writer never saved"
        time.sleep(float(rng.uniform(0.0, 0.4)))
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        reader.join(timeout=30)
        assert process.returncode == -signal.SIGKILL
        outputs[prefix] = [line for line in reported if line]
        store = ScenarioStore(where, workspace="team")
        _check(store, outputs, killed=True)
        # A killed writer holds no lock: the next write goes through at once.
        store.save(f"after-{round_number}", Parameters(), author="parent")
    assert sum(name.startswith("after-") for name in ScenarioStore(where, workspace="team").names()) == 5


@pytest.fixture
def own_postgres():
    yield from running_server()


@pytest.mark.postgres
def test_a_server_restarted_mid_run_loses_no_returned_save(own_postgres):
    where = own_postgres.create_database("restart")
    ScenarioStore(where, workspace="team").create_workspace()
    prefixes = [f"w{k}-" for k in range(4)]
    processes = {prefix: _writer(where, prefix, 80) for prefix in prefixes}
    outputs = {prefix: [] for prefix in prefixes}
    readers = [threading.Thread(target=_read_lines, args=(p.stdout, outputs[k]), daemon=True) for k, p in processes.items()]
    for reader in readers:
        reader.start()
    deadline = time.monotonic() + 120
    while sum(len(lines) for lines in outputs.values()) < 20 and time.monotonic() < deadline:
        time.sleep(0.05)
    running_at_restart = []
    for _ in range(2):  # twice, mid-run: every connection is cut at once
        running_at_restart.append(sum(process.poll() is None for process in processes.values()))
        own_postgres.restart("immediate")
        time.sleep(0.5)
    for process in processes.values():
        process.wait(timeout=600)
        error = process.stderr.read()
        assert process.returncode == 0 and "Traceback" not in error, error
    for reader in readers:
        reader.join(timeout=30)
    assert running_at_restart[0] == len(processes), "the restart came after the writers had finished"
    assert all(lines[-1] == "done" for lines in outputs.values())  # every save returned or was reported
    counts = _check(ScenarioStore(where, workspace="team"), outputs)
    failures = [line for lines in outputs.values() for line in lines if line.startswith("failed")]
    for line in failures:  # a save that could not be retried in time says so plainly, password hidden
        assert "the server cannot be reached" in line and PASSWORD not in line
    print(f"restart test: writers running at each restart {running_at_restart}, counts {counts}; reported failed: {failures}")
