"""Database helpers shared by every domain: UTC timestamps and SQLite connection settings."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import has_request_context, request
from sqlalchemy import DateTime, event
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator

SQLITE_BUSY_TIMEOUT_MS = 10_000
#: the largest id an INTEGER primary key holds on every backend (PostgreSQL's int4)
MAX_RECORD_ID = 2**31 - 1


def is_record_id(value) -> bool:
    """True when `value` could be the id of a row; larger numbers would crash the database driver."""
    return isinstance(value, int) and 1 <= value <= MAX_RECORD_ID


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


def configure_sqlite(engine: Engine) -> None:
    """Turn on WAL, a busy timeout and foreign keys, and make write transactions begin immediately."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event below decide how each transaction starts.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A request that may write takes the write lock up front, so two writers queue on the busy
        # timeout instead of one failing with "database is locked" when it upgrades a read lock.
        # Reads, commands and scripts begin normally and never hold the lock while idle.
        if has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS"):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")
