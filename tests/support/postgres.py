"""A throwaway PostgreSQL cluster on 127.0.0.1 for the test run, started with initdb and pg_ctl."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

PG_BIN_CANDIDATES = [Path(p) for p in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)]


def _find(binary: str) -> str:
    for directory in PG_BIN_CANDIDATES:
        if (directory / binary).exists():
            return str(directory / binary)
    found = shutil.which(binary)
    if not found:
        raise RuntimeError(f"PostgreSQL's {binary} was not found; install Debian's postgresql package.")
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(args: list[str]) -> list[str]:
    # initdb refuses to run as root; the tests run as root on CI machines.
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


class ThrowawayCluster:
    """Start a private cluster in a temporary folder; `stop()` removes it."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="practice-pg-"))
        self.data = self.directory / "data"

    def start(self) -> "ThrowawayCluster":
        """Create and start the cluster, and a database called practice_test."""
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        subprocess.run(_as_postgres([_find("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                                     "--no-sync", "-E", "UTF8"]), check=True, capture_output=True)
        options = (f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        subprocess.run(_as_postgres([_find("pg_ctl"), "-D", str(self.data), "-o", options, "-w",
                                     "-l", str(self.directory / "log"), "start"]), check=True, capture_output=True)
        self._create_database("practice_test")
        return self

    def _create_database(self, name: str) -> None:
        import psycopg

        deadline = time.monotonic() + 30
        while True:
            try:
                with psycopg.connect(self.url("postgres", driver=False), autocommit=True) as connection:
                    connection.execute(f'CREATE DATABASE "{name}"')
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def url(self, database: str = "practice_test", driver: bool = True) -> str:
        """The connection URL (SQLAlchemy form with `driver`, libpq form without)."""
        prefix = "postgresql+psycopg" if driver else "postgresql"
        return f"{prefix}://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        """Stop the server and delete its files."""
        subprocess.run(_as_postgres([_find("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(self.directory, ignore_errors=True)
