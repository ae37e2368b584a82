"""Database helpers shared by every domain: UTC timestamps, row locks and SQLite connection settings."""
from __future__ import annotations

import os
import re
import socket
import threading
import time
from datetime import datetime, timezone

from flask import has_request_context
from sqlalchemy import DateTime, event, inspect, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import object_session
from sqlalchemy.types import TypeDecorator

from practice.parse import parse_record_id
from practice.unit_of_work import READ, WRITE, transaction_mode

SQLITE_BUSY_TIMEOUT_MS = 10_000
#: the values SQLITE_SYNCHRONOUS may take (SQLite's own names, the only text put into that PRAGMA)
SQLITE_SYNCHRONOUS_MODES = ("FULL", "NORMAL", "EXTRA")
#: statements that write (a savepoint too: the handout cache opens one to insert); a read snapshot locks first
_WRITE_STATEMENT = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|SAVEPOINT)\b", re.IGNORECASE)
#: in a connection's info: its transaction is a reading request's snapshot that has not written yet
_READ_SNAPSHOT = "practice.read_snapshot"


def is_record_id(value) -> bool:
    """True when `value` is an int that could be the id of a row; larger numbers would crash the database driver."""
    return isinstance(value, int) and parse_record_id(value) is not None


def utcnow() -> datetime:
    """Return the current time, timezone-aware, in UTC."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use practice.database.utcnow()")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


def lock_latest(record) -> None:
    """Lock `record`'s row until the commit, and reload it if someone saved it since it was loaded.

    Without the lock, two saves of the same record on PostgreSQL both pass the version check and the second
    one's UPDATE then matches no row (StaleDataError, a 500), or two inserts collide. Locked, the second save
    waits, sees the first one's version and gets the clear conflict message. (SQLite ignores FOR UPDATE:
    its write lock, taken by a saving request's first statement, already queues whole saves.)
    """
    state = inspect(record)
    if not state.has_identity:
        return  # not in the database yet: no one else can be saving it
    session, mapper = object_session(record), state.mapper
    version = mapper.version_id_col
    identity = [column == value for column, value in zip(mapper.primary_key, state.identity)]
    with session.no_autoflush:  # changes not yet sent stay pending, as the caller left them
        latest = session.execute(select(version if version is not None else mapper.primary_key[0])
                                 .where(*identity).with_for_update()).scalar_one()
    if version is not None and latest != getattr(record, mapper.get_property_by_column(version).key):
        session.refresh(record)  # our copy is out of date: show what is saved now


def configure_sqlite(engine: Engine, synchronous: str = "FULL") -> None:
    """Turn on WAL, a busy timeout and foreign keys; a request holds the write lock only while it writes.

    `synchronous` is SQLite's durability setting: FULL syncs the WAL at every commit, so a saved record survives
    a power cut; NORMAL syncs only at checkpoints, so the last commits may roll back (bench/bench_sqlite_sync.py).
    """
    if synchronous not in SQLITE_SYNCHRONOUS_MODES:
        allowed = ", ".join(SQLITE_SYNCHRONOUS_MODES)
        raise ValueError(f"SQLITE_SYNCHRONOUS must be one of {allowed}, not {synchronous!r}")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event below decide how each transaction starts.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A request that writes (a POST) takes the write lock up front, so two saves queue on the busy timeout:
        # a transaction that read first and writes later fails at once with "database is locked" if anyone
        # committed in between (WAL's SQLITE_BUSY_SNAPSHOT: waiting cannot help it, so the busy timeout is
        # skipped). A request that only reads (a GET, or a view marked `reads_only`) begins a plain read snapshot,
        # which blocks no one while its page or PDF renders; `_lock_before_first_write` takes the lock when it
        # writes its audit rows at the edge (or the handout cache after its render).
        # Commands, scripts and tests' own transactions, outside requests, begin normally and are left alone.
        mode = transaction_mode()
        connection.exec_driver_sql("BEGIN IMMEDIATE" if mode == WRITE else "BEGIN")
        connection.info[_READ_SNAPSHOT] = mode == READ

    @event.listens_for(engine, "before_cursor_execute")
    def _lock_before_first_write(connection, _cursor, statement, _parameters, _context, _executemany):
        # A reading request's first write: end its snapshot (it only read, so there is nothing to keep) and
        # begin again with the write lock, waiting on the busy timeout like any writer. Its reads may then see
        # newer rows; it only inserts (audit rows, the handout cache), so it cannot overwrite anyone's change.
        if connection.info.get(_READ_SNAPSHOT) and _WRITE_STATEMENT.match(statement):
            connection.info[_READ_SNAPSHOT] = False
            raw = connection.connection.dbapi_connection
            raw.execute("COMMIT")
            raw.execute("BEGIN IMMEDIATE")

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _on_end(connection):
        connection.info.pop(_READ_SNAPSHOT, None)


class FrozenServerWatchdog:
    """Ends a PostgreSQL connection that has waited too long for the server's answer: the server is frozen.

    A stopped or paused server's kernel still acknowledges what is sent, so neither TCP keepalives nor
    statement_timeout (which the frozen server cannot enforce) end the wait, and psycopg waits for ever. Each
    call into the driver (a statement, a commit or rollback, the pool's ping) is watched; past its limit a
    background thread shuts the connection's socket, the driver sees the connection closed, and SQLAlchemy drops
    it: the request gets the 503 page. Only requests are watched: they hold the web server's workers.
    """

    #: how often the watching thread looks at the calls in flight
    CHECK_EVERY_SECONDS = 0.25
    _STATEMENT_CALLS = ("do_execute", "do_executemany", "do_execute_no_params", "do_commit", "do_rollback")

    def __init__(self, statement_seconds: float, ping_seconds: float):
        self._limits = {"statement": statement_seconds, "ping": ping_seconds}
        self._lock = threading.Lock()
        self._waiting: dict[int, tuple[float, object]] = {}  # id(driver connection) -> (deadline, connection)
        self._thread: threading.Thread | None = None

    def install(self, engine: Engine) -> None:
        """Watch every call `engine`'s dialect makes into the driver."""
        dialect = engine.dialect
        for name in self._STATEMENT_CALLS:
            setattr(dialect, name, self._watched(getattr(dialect, name), self._limits["statement"]))
        dialect.do_ping = self._watched(dialect.do_ping, self._limits["ping"])

    def _watched(self, call, limit: float):
        def watched_call(cursor_or_connection, *args, **kwargs):
            if not has_request_context():
                # Commands and migrations may rightly wait longer (building an index); a person is there to stop them.
                return call(cursor_or_connection, *args, **kwargs)
            connection = _driver_connection(cursor_or_connection)
            self._start(connection, limit)
            try:
                return call(cursor_or_connection, *args, **kwargs)
            finally:
                with self._lock:
                    self._waiting.pop(id(connection), None)
        return watched_call

    def _start(self, connection, limit: float) -> None:
        with self._lock:
            self._waiting[id(connection)] = (time.monotonic() + limit, connection)
            if self._thread is None or not self._thread.is_alive():  # first use, or a process forked since
                self._thread = threading.Thread(target=self._watch, name="frozen-server-watchdog", daemon=True)
                self._thread.start()

    def _watch(self) -> None:
        while True:
            time.sleep(self.CHECK_EVERY_SECONDS)
            now = time.monotonic()
            with self._lock:  # a call that ends meanwhile waits here, so its socket is never shut after it ended
                for key, (deadline, connection) in list(self._waiting.items()):
                    if now > deadline:
                        del self._waiting[key]
                        _shut_socket(connection)


def _driver_connection(handle):
    """The driver's connection behind a cursor, behind the pool's proxy of a connection, or `handle` itself."""
    if hasattr(handle, "driver_connection"):
        return handle.driver_connection
    if hasattr(handle, "fetchone"):  # a cursor
        return handle.connection
    return handle


def _shut_socket(connection) -> None:
    """Shut a psycopg connection's socket in both directions: a wait on it ends at once."""
    try:
        with socket.socket(fileno=os.dup(connection.pgconn.socket)) as twin:
            twin.shutdown(socket.SHUT_RDWR)  # acts on the connection itself, not only on this copy of its number
    except (OSError, AttributeError):
        pass  # already closed, or not a psycopg connection: nothing is waiting on it
