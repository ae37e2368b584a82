"""When the database cannot answer or cannot save: which outage an error is.

The error pages (`practice.errors`) turn an outage into the app's own 503 page, drawn without the database.
"""
from __future__ import annotations

import sqlite3

from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

#: the database cannot be reached, or did not answer in time
UNREACHABLE = "unreachable"
#: the database answers but cannot write: its disk is full
STORAGE_FULL = "storage_full"
#: seconds a client is asked to wait before trying again (the Retry-After header)
RETRY_AFTER = {UNREACHABLE: 30, STORAGE_FULL: 300}

#: SQLite result codes (the primary code, the low byte) that say the file cannot be used, not that a query is wrong
_SQLITE_UNAVAILABLE = ("SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_IOERR", "SQLITE_CANTOPEN", "SQLITE_PROTOCOL",
                       "SQLITE_NOMEM", "SQLITE_READONLY")
_SQLITE_FULL = 13
_SQLITE_FULL_MESSAGE = "database or disk is full"
#: PostgreSQL error classes about the server, not the statement: connection (08), insufficient resources (53),
#: operator intervention such as a shutdown or statement_timeout (57), system and I/O errors (58)
_POSTGRES_UNAVAILABLE_CLASSES = {"08", "53", "57", "58"}
_POSTGRES_DISK_FULL = "53100"


def outage_of(error: BaseException | None) -> str | None:
    """UNREACHABLE, STORAGE_FULL, or None when `error` (or what it wraps) is no database outage (a bug is a 500)."""
    while error is not None:
        if isinstance(error, (DisconnectionError, PoolTimeoutError)):
            return UNREACHABLE
        if isinstance(error, DBAPIError):
            if error.connection_invalidated:
                return UNREACHABLE
            error = error.orig
            continue
        if isinstance(error, sqlite3.Error):
            return _sqlite_outage(error)
        if _is_psycopg_error(error):
            return _postgres_outage(error)
        error = getattr(error, "original_exception", None) or error.__cause__
    return None


def database_problem(error: BaseException) -> str:
    """What a database error means, in a few words for a person: the outage, with the database's own words."""
    detail = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
    outage = outage_of(error)
    if outage == STORAGE_FULL:
        return f"the database's disk is full ({detail})"
    if outage == UNREACHABLE:
        return f"the database cannot be reached ({detail})"
    return detail


def _sqlite_outage(error: sqlite3.Error) -> str | None:
    code = getattr(error, "sqlite_errorcode", None)
    if (code is not None and code & 0xFF == _SQLITE_FULL) or _SQLITE_FULL_MESSAGE in str(error):
        return STORAGE_FULL
    name = getattr(error, "sqlite_errorname", None) or ""
    # Extended names (SQLITE_IOERR_WRITE) count as their primary code.
    if any(name == primary or name.startswith(primary + "_") for primary in _SQLITE_UNAVAILABLE):
        return UNREACHABLE
    if isinstance(error, sqlite3.OperationalError) and "unable to open database file" in str(error):
        return UNREACHABLE
    return None


def _is_psycopg_error(error: BaseException) -> bool:
    return type(error).__module__.startswith("psycopg")


def _postgres_outage(error: BaseException) -> str | None:
    import psycopg

    if not isinstance(error, (psycopg.OperationalError, psycopg.InterfaceError)):
        return None
    state = getattr(error, "sqlstate", None)
    if state == _POSTGRES_DISK_FULL:
        return STORAGE_FULL
    # No state at all: the connection itself failed (refused, timed out, closed by the server).
    if state is None or state[:2] in _POSTGRES_UNAVAILABLE_CLASSES:
        return UNREACHABLE
    return None
