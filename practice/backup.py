"""Backups and restores of the practice database, and the fingerprint that proves a copy is whole.

SQLite is copied with its online backup API, PostgreSQL with pg_dump and pg_restore. A fingerprint is, per
table, the row count and a SHA-256 of the rows in primary-key order with their values normalised, so a backup,
the database it came from and a database restored from it can be compared table by table. A SQLite backup
carries its own fingerprint inside the file, so that a copy without its .sha256 still proves itself whole.

The operations print nothing and never touch Flask; the `backup`, `restore` and `verify-backup` commands at the
bottom wrap them, write the audit rows and commit.
"""
from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import sqlite3
# pg_dump and pg_restore are run with argument lists, never through a shell.
import subprocess  # nosec B404
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from decimal import Decimal
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import Connection, Engine, Integer, MetaData, Table, create_engine, false, func, inspect, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from practice.audit.models import OUTCOME_DENIED, OUTCOME_FAILURE, OUTCOME_SUCCESS
from practice.audit.operations import record_event
from practice.database import SQLITE_BUSY_TIMEOUT_MS
from practice.extensions import db
from practice.outages import database_problem, outages_as_messages

#: tables whose rows are only ever added: a live database may hold newer rows than its backup and still match it
APPEND_ONLY_TABLES = ("audit_events",)
#: the table every practice database has (Alembic's), so a backup can be told from any other SQLite file
SCHEMA_VERSION_TABLE = "alembic_version"
#: written into a SQLite backup after the copy: each table's fingerprint, so that a lone file proves itself whole
CARRIED_FINGERPRINTS_TABLE = "backup_fingerprints"
SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
SUFFIXES = {"sqlite": "sqlite3", "postgresql": "pgdump"}
#: a restore waits this long for the app's locks on PostgreSQL, then fails instead of hanging
PG_LOCK_TIMEOUT = "30s"
FETCH_BATCH = 1000
PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


class BackupError(Exception):
    """A backup, restore or verification that could not be done; the message says why and what to do."""


class DatabaseNotEmptyError(BackupError):
    """A restore refused because the target database already holds data."""


@dataclass(frozen=True)
class TableFingerprint:
    """One table's row count and checksum; `last_id` is its largest integer id (None without one or no rows)."""

    rows: int
    checksum: str
    last_id: int | None = None


Fingerprint = dict[str, TableFingerprint]


@dataclass(frozen=True)
class BackupResult:
    """A finished backup: where it is, what it holds, and how it was checked."""

    path: Path
    fingerprint: Fingerprint
    check: str


# --- Fingerprints -------------------------------------------------------------------------------------------

def database_fingerprint(source: str | Engine, *, up_to_ids: dict[str, int | None] | None = None) -> Fingerprint:
    """Return each table's row count and checksum; `up_to_ids` limits named tables to rows with id <= the value."""
    url = source.url.render_as_string(hide_password=False) if isinstance(source, Engine) else source
    # Always a connection of our own, read-only on SQLite, reading every table from one snapshot: a busy
    # database must not be fingerprinted half before and half after someone's save.
    engine = _engine(url, read_only=True)
    try:
        with engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                connection = connection.execution_options(isolation_level="REPEATABLE READ")
            else:
                connection.exec_driver_sql("BEGIN")  # the driver would otherwise read each table on its own
            return _fingerprint(connection, up_to_ids or {})
    except (SQLAlchemyError, sqlite3.Error) as error:
        raise BackupError(f"Could not read the database: {_first_line(error)}") from error
    finally:
        engine.dispose()


def _fingerprint(connection: Connection, up_to_ids: dict[str, int | None]) -> Fingerprint:
    metadata = MetaData()
    # A backup's own fingerprints describe the other tables; they are never part of what they describe.
    metadata.reflect(connection, only=lambda name, _: name != CARRIED_FINGERPRINTS_TABLE)
    return {table.name: _table_fingerprint(connection, table, up_to_ids)
            for table in sorted(metadata.tables.values(), key=lambda table: table.name)}


def _table_fingerprint(connection: Connection, table: Table, up_to_ids: dict[str, int | None]) -> TableFingerprint:
    order = list(table.primary_key.columns) or list(table.columns)
    id_column = _integer_id_column(table)
    query = select(table).order_by(*order)
    if table.name in up_to_ids and id_column is not None:
        limit = up_to_ids[table.name]
        query = query.where(id_column <= limit if limit is not None else false())
    names = [column.name for column in table.columns]
    digest, rows, last_id = hashlib.sha256(), 0, None
    for row in connection.execution_options(yield_per=FETCH_BATCH).execute(query):
        values = {name: _canonical(value) for name, value in zip(names, row)}
        digest.update(json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode())
        digest.update(b"\n")
        rows += 1
        if id_column is not None:
            last_id = values[id_column.name]
    return TableFingerprint(rows=rows, checksum=digest.hexdigest(), last_id=last_id)


def _integer_id_column(table: Table):
    """The table's primary key when it is a single integer column (ids only grow), else None."""
    columns = list(table.primary_key.columns)
    if len(columns) == 1 and isinstance(columns[0].type, Integer):
        return columns[0]
    return None


def _canonical(value):
    """The value as the same JSON on SQLite and PostgreSQL: SQLite forgets time zones and stores no decimals."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, datetime):
        # Our timestamps are stored in UTC; SQLite gives them back naive, PostgreSQL in the session's zone.
        value = value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
        return value.isoformat(timespec="microseconds")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "sha256:" + hashlib.sha256(bytes(value)).hexdigest()
    if isinstance(value, (dict, list)):
        return value  # JSON columns: dumped with sorted keys with the rest of the row
    return str(value)


def compare_fingerprints(backup: Fingerprint, live: Fingerprint) -> list[str]:
    """Return one line per table that differs between the two fingerprints (empty when they match)."""
    differences = []
    for name in sorted(set(backup) | set(live)):
        if name not in live:
            differences.append(f"{name}: in the backup but not in the database")
        elif name not in backup:
            differences.append(f"{name}: in the database but not in the backup")
        elif backup[name].rows != live[name].rows:
            differences.append(f"{name}: {backup[name].rows} rows in the backup, {live[name].rows} in the database")
        elif backup[name].checksum != live[name].checksum:
            differences.append(f"{name}: same number of rows ({live[name].rows}) but different contents")
    return differences


def summary(fingerprint: Fingerprint) -> str:
    """One line: how many tables and rows a fingerprint covers."""
    return f"{len(fingerprint)} tables, {sum(table.rows for table in fingerprint.values())} rows"


# --- What the commands call ---------------------------------------------------------------------------------

def backup_database(url: str, destination: str | Path) -> BackupResult:
    """Copy the database at `url` into `destination` (a file, or a folder for a timestamped name), mode 0600.

    The copy is written beside its final name, checked, then renamed, so a failed backup leaves no file that
    looks finished. A `<name>.sha256` file beside it (in `sha256sum -c` form) lets a restore notice later damage.
    """
    backend = _backend(url)
    if backend == "sqlite" and not _sqlite_path(url).is_file():
        raise BackupError(f"There is no database at {_sqlite_path(url)}.")
    target = _destination_file(Path(destination), backend)
    partial = target.with_name(f".{target.name}.partial")
    _create_private_file(partial)
    try:
        if backend == "sqlite":
            fingerprint = _backup_sqlite(_sqlite_path(url), partial)
            check = "PRAGMA integrity_check: ok"
        else:
            fingerprint = _backup_postgres(url, partial)
            check = "pg_restore --list and a full read: ok"
        if target.exists():
            raise BackupError(f"{target} appeared while the backup ran; nothing was overwritten.")
        digest = _file_sha256(partial)
        os.replace(partial, target)
    except BaseException as error:
        partial.unlink(missing_ok=True)
        if isinstance(error, OSError):  # the backup's own disk is full, say
            raise BackupError(f"Could not write the backup {target}: {error.strerror or error}.") from error
        raise
    try:
        _write_checksum_file(target, digest)
    except OSError as error:
        raise BackupError(f"The backup {target} was written and checked, but its checksum file could not be "
                          f"written: {error.strerror or error}.") from error
    return BackupResult(path=target, fingerprint=fingerprint, check=check)


def restore_database(source: str | Path, url: str, *, force: bool = False) -> Fingerprint:
    """Replace the database at `url` with the backup `source` and return the restored fingerprint.

    The backup is checked whole before anything is touched; a database that holds data is only replaced
    with `force`.
    """
    backend, source = _backend(url), Path(source)
    check_backup_file(source, backend)
    rows = rows_in_use(url)
    if rows and not force:
        raise DatabaseNotEmptyError(f"The database already holds data ({rows} rows); nothing was restored. "
                                    "Run the restore again with --force to replace everything in it.")
    if backend == "sqlite":
        _restore_sqlite(source, _sqlite_path(url))
    else:
        _restore_postgres(source, url)
    return database_fingerprint(url)


def verify_backup(source: str | Path, url: str) -> list[str]:
    """Compare a backup with the live database; return the tables that differ (empty when they match).

    Audit rows written after the backup (by this very command, for one) are left out of the comparison: the
    audit log only grows, so its first rows must still be the backup's.
    """
    backup = backup_file_fingerprint(source, url)
    limits = {name: backup[name].last_id for name in APPEND_ONLY_TABLES if name in backup}
    return compare_fingerprints(backup, database_fingerprint(url, up_to_ids=limits))


def backup_file_fingerprint(source: str | Path, url: str) -> Fingerprint:
    """The fingerprint of what a backup file holds (PostgreSQL: restored into a scratch database, then dropped)."""
    backend, source = _backend(url), Path(source)
    checked = check_backup_file(source, backend)
    if backend == "sqlite":
        return checked or database_fingerprint(f"sqlite:///{source}")
    return _postgres_backup_fingerprint(source, url)


def check_backup_file(source: Path, backend: str) -> Fingerprint | None:
    """Refuse a missing, foreign, truncated or corrupted backup with a message that says which.

    Returns the fingerprint it read to check a SQLite backup's rows (None when it had no cause to read them).
    """
    if not source.is_file():
        raise BackupError(f"{source}: no such backup file.")
    _check_checksum_file(source)
    with source.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    kind = "sqlite" if head.startswith(SQLITE_MAGIC) else "postgresql" if head.startswith(PG_DUMP_MAGIC) else None
    if kind is None:
        raise BackupError(f"{source} is not a backup made by this app (neither SQLite nor pg_dump's custom "
                          "format); it may be truncated or corrupted.")
    if kind != backend:
        raise BackupError(f"{source} is a {_label(kind)} backup but the database is {_label(backend)}.")
    if backend == "sqlite":
        return _check_sqlite_file(source)
    _check_postgres_file(source)
    return None


def checksum_file(backup: Path) -> Path:
    """Where the SHA-256 of a backup file is kept: beside it, as <name>.sha256."""
    return backup.with_name(f"{backup.name}.sha256")


def _write_checksum_file(backup: Path, digest: str) -> None:
    sidecar = checksum_file(backup)
    partial = sidecar.with_name(f".{sidecar.name}.partial")
    _create_private_file(partial)
    try:
        partial.write_text(f"{digest}  {backup.name}\n")
        os.replace(partial, sidecar)
    except OSError:
        partial.unlink(missing_ok=True)
        raise


def _check_checksum_file(source: Path) -> None:
    # SQLite's integrity check sees a broken structure but not a changed byte inside a row; the checksum
    # written with the backup does. A backup copied somewhere without it still gets the structural checks.
    sidecar = checksum_file(source)
    if not sidecar.is_file():
        return
    words = sidecar.read_text().split()
    if not words or words[0].lower() != _file_sha256(source):
        raise BackupError(f"{source} does not match its checksum file {sidecar.name}: it was changed or damaged "
                          "after the backup was made (truncated or corrupted).")


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def rows_in_use(url: str) -> int:
    """How many rows the database holds, Alembic's version row aside (0 for a missing SQLite file)."""
    if _backend(url) == "sqlite" and not _sqlite_path(url).exists():
        return 0
    engine = _engine(url, read_only=True)
    try:
        with engine.connect() as connection:
            names = [name for name in inspect(connection).get_table_names() if name != SCHEMA_VERSION_TABLE]
            metadata = MetaData()
            metadata.reflect(connection, only=names)
            return sum(connection.scalar(select(func.count()).select_from(table))
                       for table in metadata.tables.values())
    except (SQLAlchemyError, sqlite3.Error) as error:
        raise BackupError(f"Could not read the database to restore into: {_first_line(error)}") from error
    finally:
        engine.dispose()


def default_backup_name(backend: str, now: datetime | None = None) -> str:
    """practice-<UTC timestamp>.<sqlite3|pgdump>, so backups sort by time."""
    stamp = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return f"practice-{stamp}.{SUFFIXES[backend]}"


# --- SQLite -------------------------------------------------------------------------------------------------

def _backup_sqlite(database: Path, partial: Path) -> Fingerprint:
    # The backup API copies a consistent snapshot while the app keeps writing: in WAL mode the read
    # transaction it holds never blocks writers, and copying all pages in one step means no restart.
    with closing(_open_sqlite(database, read_only=True)) as live, closing(_open_sqlite(partial)) as copy:
        try:
            live.backup(copy)
            # A backup is one self-contained file: no -wal or -shm beside it.
            copy.execute("PRAGMA journal_mode=DELETE")
        except sqlite3.Error as error:
            raise BackupError(f"Could not copy {database}: {error}") from error
    fingerprint = database_fingerprint(f"sqlite:///{partial}")
    _write_carried_fingerprints(partial, fingerprint)
    _check_sqlite_file(partial)  # reads every row again and compares it with what the file now carries
    return fingerprint


def _write_carried_fingerprints(path: Path, fingerprint: Fingerprint) -> None:
    # SQLite's integrity check sees a broken structure, not a changed byte inside a row; the .sha256 beside the
    # file does, but it may not travel with it. These rows travel inside the file.
    rows = [(name, table.rows, table.checksum, table.last_id) for name, table in fingerprint.items()]
    with closing(_open_sqlite(path)) as copy:
        try:
            copy.execute("BEGIN")
            copy.execute(f"CREATE TABLE {CARRIED_FINGERPRINTS_TABLE} (table_name TEXT PRIMARY KEY, "
                         "row_count INTEGER NOT NULL, checksum TEXT NOT NULL, last_id INTEGER)")
            copy.executemany(f"INSERT INTO {CARRIED_FINGERPRINTS_TABLE} VALUES (?, ?, ?, ?)", rows)
            copy.execute("COMMIT")
        except sqlite3.Error as error:
            raise BackupError(f"Could not write the fingerprints into {path}: {error}") from error


def carried_fingerprint(path: Path) -> Fingerprint | None:
    """The fingerprint a SQLite backup carries inside itself (None for one made before backups carried it)."""
    with closing(_open_sqlite(path, read_only=True)) as backup:
        if not backup.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                              (CARRIED_FINGERPRINTS_TABLE,)).fetchone():
            return None
        rows = backup.execute(f"SELECT table_name, row_count, checksum, last_id FROM {CARRIED_FINGERPRINTS_TABLE}")
        return {name: TableFingerprint(rows=count, checksum=checksum, last_id=last_id)
                for name, count, checksum, last_id in rows}


def _restore_sqlite(source: Path, database: Path) -> None:
    # Through the backup API, not by swapping files: the running app's open connections keep pointing at the
    # same file and see the restored data on their next transaction, while a renamed-over file would leave
    # them on the old (unlinked) one with a -wal and -shm that no longer match it.
    if not database.exists():
        _create_private_file(database)
    with closing(_open_sqlite(source, read_only=True)) as backup, closing(_open_sqlite(database)) as live:
        try:
            backup.backup(live)
            live.execute(f"DROP TABLE IF EXISTS {CARRIED_FINGERPRINTS_TABLE}")  # they describe the file, not the app
            live.execute("PRAGMA journal_mode=WAL")
            result = live.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.Error as error:
            raise BackupError(f"Could not restore into {database}: {error}") from error
    if result != "ok":
        raise BackupError(f"The restored database failed its integrity check: {result}")


def _check_sqlite_file(path: Path) -> Fingerprint | None:
    """Check the file's structure, then its rows against the fingerprints it carries; return the rows' fingerprint."""
    try:
        with closing(_open_sqlite(path, read_only=True)) as connection:
            problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        carried = carried_fingerprint(path) if problems == ["ok"] else None
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a readable SQLite backup ({error}); it may be truncated or "
                          "corrupted.") from error
    if problems != ["ok"]:
        raise BackupError(f"{path} failed SQLite's integrity check ({'; '.join(problems[:3])}); it may be "
                          "truncated or corrupted.")
    if SCHEMA_VERSION_TABLE not in tables:
        raise BackupError(f"{path} is a SQLite file but not a practice database (it has no {SCHEMA_VERSION_TABLE}).")
    if carried is None:
        return None  # made before backups carried their fingerprints: the structure is all that can be checked
    found = database_fingerprint(f"sqlite:///{path}")
    differences = compare_fingerprints(carried, found)
    if differences:
        raise BackupError(f"{path} does not match the fingerprints it carries ({differences[0]}): it was changed "
                          "or damaged after the backup was made (truncated or corrupted).")
    return found


def _open_sqlite(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    target = f"file:{path}?mode=ro" if read_only else f"file:{path}"
    return sqlite3.connect(target, uri=True, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000, isolation_level=None)


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return Path(database)


# --- PostgreSQL ---------------------------------------------------------------------------------------------

def _backup_postgres(url: str, partial: Path) -> Fingerprint:
    pg_dump = _pg_tool("pg_dump")
    engine = _engine(url)
    try:
        with engine.connect() as connection:
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                # pg_dump reads the very snapshot this transaction sees, so the fingerprint taken here
                # describes exactly what went into the file, however busy the app is meanwhile.
                snapshot = connection.scalar(text("SELECT pg_export_snapshot()"))
                with partial.open("wb") as file:
                    _run_pg([pg_dump, "--format=custom", f"--snapshot={snapshot}", "--dbname", _conninfo(url)],
                            url, "pg_dump", stdout=file)
                fingerprint = _fingerprint(connection, {})
    except SQLAlchemyError as error:
        raise BackupError(f"Could not read the database: {_first_line(error)}") from error
    finally:
        engine.dispose()
    _check_postgres_file(partial)
    return fingerprint


def _restore_postgres(source: Path, url: str) -> None:
    # One transaction: a restore that fails halfway leaves the database as it was.
    try:
        _run_pg([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-acl", "--single-transaction",
                 "--exit-on-error", "--dbname", _conninfo(url), str(source)], url, "pg_restore")
    except BackupError as error:
        if "lock timeout" in str(error):
            raise BackupError(f"{error}\nThe app (or another program) kept using the tables for {PG_LOCK_TIMEOUT}; "
                              "nothing was changed. Stop the app and run the restore again.") from error
        raise


def _check_postgres_file(path: Path) -> None:
    pg_restore = _pg_tool("pg_restore")
    what = f"{path} is not a readable PostgreSQL backup; it may be truncated or corrupted. pg_restore"
    _run_pg([pg_restore, "--list", str(path)], None, what)
    # --list reads only the table of contents at the front of the file; reading every table's data is what
    # notices a file cut short or a damaged compressed block.
    _run_pg([pg_restore, f"--file={os.devnull}", str(path)], None, what)


def _postgres_backup_fingerprint(source: Path, url: str) -> Fingerprint:
    live = make_url(url)
    scratch = f"{live.database}_verify_{secrets.token_hex(4)}"[-63:]
    admin = _engine(url).execution_options(isolation_level="AUTOCOMMIT")
    quoted = admin.dialect.identifier_preparer.quote(scratch)
    try:
        with admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {quoted}"))
    except SQLAlchemyError as error:
        admin.dispose()
        raise BackupError("Checking a PostgreSQL backup restores it into a scratch database, and that could not "
                          f"be created: {_first_line(error)}") from error
    scratch_url = live.set(database=scratch).render_as_string(hide_password=False)
    try:
        _run_pg([_pg_tool("pg_restore"), "--no-owner", "--no-acl", "--single-transaction", "--exit-on-error",
                 "--dbname", _conninfo(scratch_url), str(source)], scratch_url, "pg_restore")
        return database_fingerprint(scratch_url)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {quoted}"))
        admin.dispose()


def _pg_tool(name: str) -> str:
    """The path of a PostgreSQL client program: from PG_BIN_DIR when set, else PATH, else Debian's folders."""
    if folder := os.environ.get("PG_BIN_DIR"):
        candidate = Path(folder) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
        raise BackupError(f"{name} was not found in PG_BIN_DIR ({folder}).")
    found = shutil.which(name)
    if found:
        return found
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (folder / name).is_file():
            return str(folder / name)
    raise BackupError(f"{name} was not found. Install PostgreSQL's client programs (Debian: postgresql-client, "
                      f"of the server's version or newer), or set PG_BIN_DIR to the folder that holds {name}.")


def _conninfo(url: str) -> str:
    """A libpq connection URI without the password (which goes through PGPASSWORD, never the command line)."""
    parts = make_url(url)
    # URL.set() cannot clear a field (None means "keep"), so the URL is built again without the password.
    return URL.create("postgresql", username=parts.username, host=parts.host, port=parts.port,
                      database=parts.database, query=parts.query).render_as_string(hide_password=False)


def _run_pg(args: list[str], url: str | None, what: str, **kwargs) -> None:
    env = {**os.environ, "PGOPTIONS": f"-c lock_timeout={PG_LOCK_TIMEOUT}"}
    password = make_url(url).password if url else None
    if password:
        env["PGPASSWORD"] = str(password)
    kwargs.setdefault("stdout", subprocess.DEVNULL)
    try:
        result = subprocess.run(args, env=env, stderr=subprocess.PIPE, check=False, **kwargs)  # nosec B603
    except OSError as error:
        raise BackupError(f"Could not run {args[0]}: {error}") from error
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip() or f"exit status {result.returncode}"
        raise BackupError(f"{what} failed: {message[-1000:]}")


# --- Shared helpers -----------------------------------------------------------------------------------------

def _backend(url: str) -> str:
    backend = make_url(url).get_backend_name()
    if backend not in SUFFIXES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {backend}.")
    return backend


def _engine(url: str, *, read_only: bool = False) -> Engine:
    if read_only and _backend(url) == "sqlite":
        path = _sqlite_path(url)
        # Never creates or changes the file: fingerprints and checks only read.
        return create_engine("sqlite://", creator=lambda: _open_sqlite(path, read_only=True), poolclass=NullPool)
    return create_engine(url, poolclass=NullPool)


def _destination_file(destination: Path, backend: str) -> Path:
    if destination.is_dir():
        name = default_backup_name(backend)
        candidate, number = destination / name, 1
        while candidate.exists() or checksum_file(candidate).exists():  # two backups within one second
            number += 1
            stem, suffix = name.rsplit(".", 1)
            candidate = destination / f"{stem}-{number}.{suffix}"
        destination = candidate
    if destination.exists() or checksum_file(destination).exists():
        raise BackupError(f"{destination} already exists; backups never overwrite a file. Choose another name.")
    if not destination.parent.is_dir():
        raise BackupError(f"The folder {destination.parent} does not exist.")
    return destination


def _create_private_file(path: Path) -> None:
    """Create `path` empty with mode 0600 (backups hold health data), refusing one that exists."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    except FileExistsError as error:
        raise BackupError(f"{path} already exists; remove it if it is left from an interrupted backup.") from error
    except OSError as error:
        raise BackupError(f"Could not create {path}: {error.strerror}.") from error
    os.chmod(path, PRIVATE_FILE)


def _label(backend: str) -> str:
    return "SQLite" if backend == "sqlite" else "PostgreSQL"


def _first_line(error: Exception) -> str:
    return str(getattr(error, "orig", None) or error).strip().splitlines()[0]


# --- Commands -----------------------------------------------------------------------------------------------

def _live_url() -> str:
    return db.engine.url.render_as_string(hide_password=False)


def _audit(action: str, outcome: str, detail: str) -> str | None:
    """Write one audit row and commit; return why it could not be (None once written, or with no audit table)."""
    url = db.engine.url
    try:
        # Looking for the table must not create a SQLite file that a refused restore was meant to leave alone.
        missing_file = url.get_backend_name() == "sqlite" and not _sqlite_path(url.render_as_string()).exists()
        if missing_file or not inspect(db.engine).has_table("audit_events"):
            click.echo("Note: this database has no audit table, so this was not audited.", err=True)
            return None
        record_event(action, outcome=outcome, detail=detail, target_type="database")
        db.session.commit()
    except SQLAlchemyError as error:
        # The database's disk is full, say: that must not hide what the command itself has to report.
        db.session.rollback()
        return f"This could not be written to the audit log: {database_problem(error)}."
    return None


def _fail(message: str, not_audited: str | None) -> click.ClickException:
    """The command's error: what went wrong first, then (if so) that the failure could not be audited either."""
    return click.ClickException("\n".join(filter(None, [message, not_audited])))


def _release_connections() -> None:
    """Let go of the app's own connections so they hold no lock or stale rows across a restore."""
    db.session.remove()
    db.engine.dispose()


def _echo_fingerprint(fingerprint: Fingerprint) -> None:
    click.echo(f"Contents: {summary(fingerprint)}.")
    for name, table in fingerprint.items():
        click.echo(f"  {name:<26} {table.rows:>8} rows  sha256 {table.checksum[:16]}")


@click.command("backup")
@click.option("--output", type=click.Path(path_type=Path),
              help="A file name, or a folder for practice-<UTC time>.<ext> (default: the instance's backups/).")
@with_appcontext
@outages_as_messages
def backup_command(output: Path | None):
    """Back up the database (safe while the app runs); the file is readable by its owner only."""
    if output is None:
        output = Path(current_app.instance_path) / "backups"
        output.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    try:
        result = backup_database(_live_url(), output)
    except BackupError as error:
        raise _fail(str(error), _audit("backup.create", OUTCOME_FAILURE, str(error))) from error
    not_audited = _audit("backup.create", OUTCOME_SUCCESS, f"{result.path.name}: {summary(result.fingerprint)}")
    click.echo(f"Backup written to {result.path} (mode 0600), its SHA-256 to {checksum_file(result.path).name}.")
    click.echo(f"Checked: {result.check}.")
    _echo_fingerprint(result.fingerprint)
    if not_audited:
        raise _fail("The backup is complete, but it is not in the audit log.", not_audited)


@click.command("restore")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
@with_appcontext
@outages_as_messages
def restore_command(source: Path, force: bool):
    """Replace the database with a backup; refuses a database that holds data unless --force."""
    url = _live_url()
    _release_connections()
    try:
        fingerprint = restore_database(source, url, force=force)
    except BackupError as error:
        _release_connections()
        outcome = OUTCOME_DENIED if isinstance(error, DatabaseNotEmptyError) else OUTCOME_FAILURE
        raise _fail(str(error), _audit("backup.restore", outcome, f"{source.name}: {error}")) from error
    _release_connections()
    not_audited = _audit("backup.restore", OUTCOME_SUCCESS, f"{source.name}: {summary(fingerprint)}")
    click.echo(f"Restored {source} ({_how_it_was_checked(source)}).")
    _echo_fingerprint(fingerprint)
    click.echo("If the backup comes from an older version of the app, run `flask db upgrade` now.")
    if not_audited:
        raise _fail("The restore is complete, but it is not in the audit log.", not_audited)


def _how_it_was_checked(source: Path) -> str:
    checks = [f"it matched {checksum_file(source).name}"] if checksum_file(source).is_file() else []
    with source.open("rb") as file:
        is_sqlite = file.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    if is_sqlite and carried_fingerprint(source) is not None:
        checks.append("every table matched the fingerprints it carries")
    elif not checks:
        checks.append(f"there was no {checksum_file(source).name} beside it and it carries no fingerprints (made "
                      "by an older version), so only its structure was checked")
    return "; ".join(checks)


@click.command("verify-backup")
@click.argument("source", type=click.Path(path_type=Path))
@with_appcontext
@outages_as_messages
def verify_backup_command(source: Path):
    """Compare a backup's row counts and checksums with the live database's."""
    try:
        differences = verify_backup(source, _live_url())
    except BackupError as error:
        raise _fail(str(error), _audit("backup.verify", OUTCOME_FAILURE, f"{source.name}: {error}")) from error
    if differences:
        not_audited = _audit("backup.verify", OUTCOME_FAILURE, f"{source.name}: {len(differences)} tables differ")
        raise _fail("The backup differs from the database:\n  " + "\n  ".join(differences), not_audited)
    not_audited = _audit("backup.verify", OUTCOME_SUCCESS, f"{source.name}: matches")
    click.echo(f"{source} matches the database (row counts and checksums of every table; audit rows written "
               "since the backup are not compared).")
    if not_audited:
        raise _fail("The check is complete, but it is not in the audit log.", not_audited)
