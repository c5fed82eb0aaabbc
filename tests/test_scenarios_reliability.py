"""The scenario library under real processes: concurrent writers, and writers killed with SIGKILL mid-save.

Each writer is a separate Python process using :class:`estimator.store.ScenarioStore` on the
same file. A writer prints the number of a save only after ``save()`` returned, so the parent
knows which saves were committed before it killed the writer; every one of them must be there,
with its exact values, and SQLite's own integrity check must pass.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from estimator.store import ScenarioStore
from estimator.text.user_text import MAX_NOTES_LENGTH

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")]

WRITER = """
import sys
from estimator import Parameters
from estimator.store import ScenarioStore

path, prefix, count, notes_size = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
store = ScenarioStore(path)
i = 0
while count < 0 or i < count:
    # Values a test can recompute from the name: churn_rate = (i % 1000) / 1000, customers = i + 1.
    store.save(f"{prefix}{i}", Parameters(churn_rate=(i % 1000) / 1000, customers=i + 1), notes="n" * notes_size)
    store.save(f"{prefix}latest", Parameters(customers=i + 1), overwrite=True)
    print(i, flush=True)
    i += 1
"""


def _writer(path: Path, prefix: str, count: int, notes_size: int = 0) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), prefix, str(count), str(notes_size)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _check_saved(store: ScenarioStore, prefix: str, numbers: list[int]) -> None:
    names = set(store.names())
    for i in numbers:
        name = f"{prefix}{i}"
        assert name in names, f"{name} was committed but is missing"
        params = store.load(name).parameters
        assert (params.churn_rate, params.customers) == ((i % 1000) / 1000, float(i + 1)), name


def test_concurrent_writers_lose_nothing(tmp_path):
    path = tmp_path / "shared.sqlite3"  # not created yet: the writers race to create and migrate it too
    count, writers = 30, [f"w{k}-" for k in range(4)]
    processes = [_writer(path, prefix, count) for prefix in writers]
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        assert out.split() == [str(i) for i in range(count)]
    store = ScenarioStore(path)
    assert store.integrity_check() == "ok"
    assert len(store) == len(writers) * (count + 1)
    for prefix in writers:
        _check_saved(store, prefix, list(range(count)))
        assert store.load(f"{prefix}latest").parameters.customers == count


def _read_lines(stream, into: list[str]) -> None:
    for line in stream:
        into.append(line.strip())


# The longest notes a scenario may hold make each save a larger write, so more kills land inside one.
@pytest.mark.parametrize("notes_size", [0, MAX_NOTES_LENGTH])
def test_writers_killed_mid_save_never_corrupt_the_library_or_lose_a_committed_save(tmp_path, notes_size):
    path = tmp_path / "killed.sqlite3"
    rng = np.random.default_rng(20261125 + notes_size)
    rounds, committed_total = 6, 0
    for round_number in range(rounds):
        prefix = f"r{round_number}-"
        process = _writer(path, prefix, -1, notes_size)
        reported: list[str] = []
        reader = threading.Thread(target=_read_lines, args=(process.stdout, reported), daemon=True)
        reader.start()
        deadline = time.monotonic() + 60
        while not reported and time.monotonic() < deadline:  # let it start saving (imports take a while)
            time.sleep(0.01)
        assert reported, process.stderr.read() if process.poll() is not None else "writer never saved"
        time.sleep(float(rng.uniform(0.0, 0.4)))  # then kill it at a random moment, most likely mid-save
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        reader.join(timeout=30)
        assert process.returncode == -signal.SIGKILL
        numbers = [int(line) for line in reported if line]
        assert numbers == list(range(len(numbers)))
        committed_total += len(numbers)

        store = ScenarioStore(path)
        assert store.integrity_check() == "ok"
        _check_saved(store, prefix, numbers)
        # The overwritten scenario holds the last reported save, or the one the kill interrupted.
        assert store.load(f"{prefix}latest").parameters.customers in (numbers[-1] + 1, numbers[-1] + 2)
        # A killed writer holds no lock: the next write goes through at once.
        store.save(f"after-{round_number}", ScenarioStore(path).load(f"{prefix}0").parameters)
    store = ScenarioStore(path)
    assert committed_total >= rounds
    assert sum(name.startswith("after-") for name in store.names()) == rounds
