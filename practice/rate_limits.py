"""A rate-limit store that every worker process of one machine shares, in a small SQLite file: no server needed.

Flask-Limiter's `memory://` store counts in each process, so under gunicorn with several workers an address got
about as many attempts as the limit times the workers (issue 16: 41-59 answers against a limit of 20). The `limits`
library has no store shared between processes without a server (memory, Redis, Memcached, MongoDB), so this one,
registered as `sqlite-file:///path/to/file.sqlite3`, keeps fixed-window counters in a file of its own: apart from
the app's database, so a counter is written (and kept) even when the request it counts is rolled back, and never
waits for the database's write lock. Several machines share a Redis instead (`redis://`).
"""
from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from limits.storage import Storage

SCHEME = "sqlite-file"
#: how long a worker waits for another one's counter update before the store counts as down (the in-memory
#: fallback then takes over); updates take well under a millisecond
BUSY_TIMEOUT_SECONDS = 0.5

_SCHEMA = """
CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, count INTEGER NOT NULL, expires_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS counters_by_expiry ON counters (expires_at);
"""


def file_store_uri(path: Path) -> str:
    """The RATELIMIT_STORAGE_URI of a counter file at `path`."""
    return f"{SCHEME}://{path.resolve()}"


class SQLiteFileStorage(Storage):
    """Fixed-window counters in a SQLite file (WAL mode), each update one short immediate transaction."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options):
        # Options meant for other stores (Redis socket time-outs) may arrive here too: Flask-Limiter keeps one
        # dictionary for every app of the process. None of them applies to a file.
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        self.path = Path(unquote(urlsplit(uri).path))
        self._local = threading.local()

    @property
    def base_exceptions(self) -> tuple[type[Exception], ...]:
        return sqlite3.Error, OSError

    def _connection(self) -> sqlite3.Connection:
        # One connection per thread of each process, kept open: opening and closing one per update made SQLite
        # checkpoint and flush the file every time (about 15 ms an update, against 0.03 ms).
        local = self._local
        if getattr(local, "pid", None) != os.getpid():  # new, or inherited through gunicorn's fork: never reused
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")  # readers never wait for a writer
            connection.execute("PRAGMA synchronous=NORMAL")  # a power cut may forget the last counts, nothing more
            connection.executescript(_SCHEMA)
            local.connection, local.pid = connection, os.getpid()
        return local.connection

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add `amount` to the key's counter (a new window of `expiry` seconds if it has none) and return it."""
        now = time.time()
        with self._transaction() as connection:
            connection.execute("DELETE FROM counters WHERE expires_at <= ?", (now,))
            (count,) = connection.execute(
                "INSERT INTO counters (key, count, expires_at) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET count = count + excluded.count RETURNING count",
                (key, amount, now + expiry)).fetchone()
        return count

    def _current(self, key: str) -> tuple[int, float] | None:
        return self._connection().execute("SELECT count, expires_at FROM counters WHERE key = ? AND expires_at > ?",
                                          (key, time.time())).fetchone()

    def get(self, key: str) -> int:
        """The key's count in its current window (0 when it has none)."""
        current = self._current(key)
        return current[0] if current else 0

    def get_expiry(self, key: str) -> float:
        """When the key's current window ends (now when it has none)."""
        current = self._current(key)
        return current[1] if current else time.time()

    def check(self) -> bool:
        """True when the file can be written."""
        try:
            with self._transaction() as connection:
                connection.execute("SELECT count(*) FROM counters")
        except self.base_exceptions:
            return False
        return True

    def reset(self) -> int:
        """Forget every counter; return how many there were."""
        with self._transaction() as connection:
            return connection.execute("DELETE FROM counters").rowcount

    def clear(self, key: str) -> None:
        """Forget one key's counter."""
        with self._transaction() as connection:
            connection.execute("DELETE FROM counters WHERE key = ?", (key,))
