"""A throwaway PostgreSQL cluster on 127.0.0.1 for the test run, started with initdb and pg_ctl.

One cluster serves the whole run, parallel workers included: the first process that needs it starts it under a
file lock in a folder every worker shares, and the process that started the run stops it (`stop_shared`).
Each worker makes its own databases in it, named after the worker (`database_name`).
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

PG_BIN_CANDIDATES = [Path(p) for p in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)]
#: where a started cluster writes its port and folder, inside the run's shared folder
STATE_FILE = "postgres.json"


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


def worker_name() -> str:
    """This test process's name under pytest-xdist ("gw0", "gw1"...), or "main" without it."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def database_name(purpose: str) -> str:
    """A database name of this worker's own: parallel workers share the cluster, never a database."""
    return f"practice_{worker_name()}_{purpose}"


class ThrowawayCluster:
    """Start a private cluster in a temporary folder; `stop()` removes it."""

    def __init__(self, port: int | None = None, directory: Path | None = None) -> None:
        self.port = port or _free_port()
        self.directory = directory or Path(tempfile.mkdtemp(prefix="practice-pg-"))
        self.data = self.directory / "data"

    def start(self) -> "ThrowawayCluster":
        """Create and start the cluster."""
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        subprocess.run(_as_postgres([_find("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                                     "--no-sync", "-E", "UTF8"]), check=True, capture_output=True)
        options = (f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300")
        subprocess.run(_as_postgres([_find("pg_ctl"), "-D", str(self.data), "-o", options, "-w",
                                     "-l", str(self.directory / "log"), "start"]), check=True, capture_output=True)
        self._wait_until_ready()
        return self

    def _wait_until_ready(self) -> None:
        import psycopg

        deadline = time.monotonic() + 30
        while True:
            try:
                psycopg.connect(self.url("postgres", driver=False)).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def admin(self, statement: str) -> None:
        """Run one statement as the cluster's superuser, outside any transaction (CREATE/DROP DATABASE)."""
        import psycopg

        with psycopg.connect(self.url("postgres", driver=False), autocommit=True) as connection:
            connection.execute(statement)

    def create_database(self, name: str, template: str | None = None) -> str:
        """A new empty database (or a copy of `template`), replacing one of that name; returns its URL."""
        self.drop_database(name)
        self.admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop a database if it exists, closing its connections."""
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def url(self, database: str = "postgres", driver: bool = True) -> str:
        """The connection URL (SQLAlchemy form with `driver`, libpq form without)."""
        prefix = "postgresql+psycopg" if driver else "postgresql"
        return f"{prefix}://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        """Stop the server and delete its files."""
        subprocess.run(_as_postgres([_find("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(self.directory, ignore_errors=True)


@contextmanager
def _locked(folder: Path):
    with open(folder / "postgres.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def shared_cluster(folder: Path) -> ThrowawayCluster:
    """The run's one cluster: started by the first process to ask, found by every later one."""
    state = folder / STATE_FILE
    with _locked(folder):
        if state.exists():
            saved = json.loads(state.read_text())
            return ThrowawayCluster(saved["port"], Path(saved["directory"]))
        cluster = ThrowawayCluster().start()
        state.write_text(json.dumps({"port": cluster.port, "directory": str(cluster.directory)}))
        return cluster


def stop_shared(folder: Path) -> None:
    """Stop the run's cluster if anyone started it (called once, by the process that started the run)."""
    state = folder / STATE_FILE
    if state.exists():
        saved = json.loads(state.read_text())
        ThrowawayCluster(saved["port"], Path(saved["directory"])).stop()
        state.unlink()
