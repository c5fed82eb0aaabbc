"""A real PostgreSQL server for the tests: initdb and pg_ctl from Debian's ``postgresql`` package.

The server runs as the ``postgres`` user (initdb and pg_ctl refuse root, and CI runs as root) in a
temporary folder that user owns, on a free TCP port of 127.0.0.1, with password authentication
over TCP (so URLs carry a password, as a team's would). :class:`PostgresServer` starts, restarts
and stops it; ``tests/conftest.py`` makes one per test session and a fresh database per test.
"""

from __future__ import annotations

import getpass
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

#: The superuser's password: every test URL carries it, and no output may show it.
PASSWORD = "pw-Sekret-4711"


def postgres_bin() -> Path | None:
    """The newest ``/usr/lib/postgresql/<major>/bin`` holding initdb and pg_ctl, else ``None``."""
    found = [Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/pg_ctl") if Path(p).with_name("initdb").exists()]
    return max(found, key=lambda path: int(path.parent.name)) if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresServer:
    """One PostgreSQL cluster in a temporary folder; ``url(db)`` gives a SQLAlchemy URL to a database on it."""

    def __init__(self, bin_dir: Path):
        self.bin_dir = bin_dir
        self.port = _free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="churn-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self._as_postgres = [] if getpass.getuser() == "postgres" else ["runuser", "-u", "postgres", "--"]
        if self._as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")
        os.chmod(self.folder, 0o700)
        password_file = self.folder / "password"
        password_file.write_text(PASSWORD)
        if self._as_postgres:
            shutil.chown(password_file, "postgres", "postgres")
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256",
            f"--pwfile={password_file}", "-E", "UTF8", "--locale=C.UTF-8",
        )  # fmt: skip

    def _run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run([*self._as_postgres, str(self.bin_dir / tool), *args], capture_output=True, text=True, timeout=120)
        if check and done.returncode != 0:
            raise RuntimeError(f"{tool} {' '.join(args)} failed ({done.returncode}): {done.stdout} {done.stderr}")
        return done

    def _options(self) -> str:
        # Sockets in our folder (not /var/run/postgresql), TCP on localhost only, quick to start and stop.
        return f"-p {self.port} -k {self.folder} -h 127.0.0.1 -c fsync=on -c max_connections=100"

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", self._options(), "-w", "-t", "60", "start")

    def restart(self, mode: str = "immediate") -> None:
        """``pg_ctl restart -m immediate``: every connection is cut at once, as in a crash."""
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", self._options(), "-m", mode, "-w", "restart")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres:{PASSWORD}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A new, empty database; its URL."""
        self._run("psql", "-h", str(self.folder), "-p", str(self.port), "-U", "postgres", "-q", "-c", f'CREATE DATABASE "{name}"')
        return self.url(name)

    def wait_until_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while self._run("pg_isready", "-h", "127.0.0.1", "-p", str(self.port), check=False).returncode != 0:
            if time.monotonic() > deadline:
                raise TimeoutError("PostgreSQL did not come back")
            time.sleep(0.1)


def running_server() -> Iterator[PostgresServer]:
    """Start a server, hand it to the caller, remove it afterwards: the body of every server fixture.

    Skips the test (with how to get the binaries) where PostgreSQL is not installed.
    """
    import pytest

    bin_dir = postgres_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL is not installed (/usr/lib/postgresql/*/bin/pg_ctl); scripts/test.sh installs it")
    server = PostgresServer(bin_dir)
    server.start()
    try:
        yield server
    finally:
        server.remove()
