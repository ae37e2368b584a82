"""When the database cannot answer or cannot save: which outage an error is, and how much disk space is left.

The error pages (`practice.errors`) turn an outage into the app's own 503 page, drawn without the database; the
commands turn it into a clear message; the owner's dashboard shows the free space before it runs out.
"""
from __future__ import annotations

import functools
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import click
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError, SQLAlchemyError
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


def outages_as_messages(command):
    """Decorate a command so that a database outage ends it with a clear message and exit status 1, not a traceback."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except SQLAlchemyError as error:
            if outage_of(error) is None:
                raise  # a bug: its traceback helps
            raise click.ClickException(f"Stopped: {database_problem(error)}. What it had not yet saved is not "
                                       "saved; run it again once the database is back.") from error

    return run


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


@dataclass(frozen=True)
class DiskSpace:
    """The free space of the disk that holds the data, and whether it is below the warning threshold."""

    folder: Path
    free_bytes: int
    total_bytes: int
    warning_bytes: int

    @property
    def is_low(self) -> bool:
        """True when less than the warning threshold is left."""
        return self.free_bytes < self.warning_bytes

    @property
    def free_text(self) -> str:
        """The free space in words a person reads at a glance: "12.3 GB"."""
        return human_size(self.free_bytes)

    @property
    def warning_text(self) -> str:
        """The warning threshold in the same words."""
        return human_size(self.warning_bytes)


def data_folder(database_url: str, instance_path: str) -> Path:
    """The folder whose disk fills as the practice writes: SQLite's file's folder, else the instance folder."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).resolve().parent
    return Path(instance_path)


def disk_space(folder: Path, warning_bytes: int) -> DiskSpace:
    """How much room the disk holding `folder` has left (shutil.disk_usage: what an unprivileged user may use)."""
    usage = shutil.disk_usage(folder)
    return DiskSpace(folder=folder, free_bytes=usage.free, total_bytes=usage.total, warning_bytes=warning_bytes)


def human_size(size: int) -> str:
    """`size` bytes as "512 MB" or "12.3 GB"."""
    megabytes = size / 1_000_000
    if megabytes < 1000:
        return f"{megabytes:.0f} MB"
    return f"{megabytes / 1000:.1f} GB"
