"""A full disk, made deterministic: every write the database is sent fails with the database's own "disk full" error.

No test can fill a real disk safely (the machine is shared, and a small tmpfs is not available), so an engine event
raises, for each INSERT, UPDATE and DELETE, the error the database itself raises on a full disk: SQLite's real
SQLITE_FULL (made by an in-memory database with no room at all) and PostgreSQL's 53100 `disk_full`. Reads, and
beginning a transaction or a savepoint, still work, as on a real full disk.
"""
from __future__ import annotations

import re
import sqlite3
from contextlib import closing, contextmanager

import psycopg
from sqlalchemy import event
from sqlalchemy.engine import Engine

_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def sqlite_disk_full_error() -> sqlite3.OperationalError:
    """SQLite's own "database or disk is full" (SQLITE_FULL), raised by a database allowed a single page."""
    with closing(sqlite3.connect(":memory:")) as connection:
        connection.execute("PRAGMA max_page_count = 1")
        try:
            connection.execute("CREATE TABLE needs_a_second_page (x)")
        except sqlite3.OperationalError as error:
            return error
    raise AssertionError("SQLite found room where there was none")


def postgres_disk_full_error() -> psycopg.Error:
    """PostgreSQL's disk_full (SQLSTATE 53100), as the server words it."""
    return psycopg.errors.DiskFull('could not extend file "base/16384/16402": No space left on device')


@contextmanager
def disk_full(engine: Engine):
    """While inside, every write sent through `engine` fails as on a full disk."""
    make_error = sqlite_disk_full_error if engine.dialect.name == "sqlite" else postgres_disk_full_error

    def refuse_writes(_connection, _cursor, statement, _parameters, _context, _executemany):
        if _WRITE.match(statement):
            raise make_error()

    event.listen(engine, "before_cursor_execute", refuse_writes)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", refuse_writes)
