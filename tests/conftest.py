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
