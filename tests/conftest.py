import itertools
import os
import sys
from pathlib import Path

import pytest

# The scalar reference model and the PostgreSQL helper live beside the tests; make them importable from every test module.
sys.path.insert(0, str(Path(__file__).parent))

from postgres_server import PostgresServer, postgres_bin  # noqa: E402


@pytest.fixture(scope="session")
def postgres_server():
    """A real PostgreSQL server for the whole session (skipped only where the binaries are missing)."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL is not installed (/usr/lib/postgresql/*/bin/pg_ctl); scripts/test.sh installs it")
    server = PostgresServer(bin_dir)
    server.start()
    try:
        yield server
    finally:
        server.remove()


_DATABASE_NUMBERS = itertools.count()


@pytest.fixture
def postgres_url(postgres_server) -> str:
    """The URL (with its password) of a fresh, empty database on the session's server."""
    return postgres_server.create_database(f"test_{os.getpid()}_{next(_DATABASE_NUMBERS)}")
