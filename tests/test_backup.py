"""Backups restore to an identical database: same row count and checksum in every table, on SQLite and PostgreSQL.

Each test gets its own databases (a copy of a demo-filled template, or a brand-new empty one), so a restore can
replace them freely without touching the shared test database.
"""
from __future__ import annotations

import hashlib
import re
import sqlite3
import stat
import threading
from contextlib import closing, contextmanager
from datetime import date, datetime, timezone
from itertools import count
from pathlib import Path

import psycopg
import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.pool import NullPool

from practice import backup, create_app
from practice.accounts.models import User
from practice.backup import (BackupError, DatabaseNotEmptyError, backup_database, checksum_file, compare_fingerprints,
                             database_fingerprint, restore_database, rows_in_use)
from practice.cli import DEMO_LOGINS, DEMO_PORTAL_CLIENT_INDEX, seed_demo
from practice.clients.models import Client
from practice.clients.operations import create_client
from practice.extensions import db
from practice.handouts.models import RenderedHandout
from practice.intake.models import Intake
from practice.intake.operations import record_action
from practice.plans.models import PlanVersion
from practice.portal.operations import assign, create_invitation
from tests.support.databases import BACKENDS, TEST_CONFIG
from tests.support.faults import disk_full
from tests.support.helpers import audit_events
from tests.support.postgres import database_name

# Backups are made and restored by other connections and processes: every test commits for real.
pytestmark = pytest.mark.committed
POSTGRES_TEMPLATE = database_name("backup_demo_template")
_numbers = count(1)


def _app(url: str):
    return create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})


@contextmanager
def app_on(url: str):
    """The app on `url`, with its context pushed; its connections are closed afterwards."""
    app = _app(url)
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def _fill_with_demo_data(url: str) -> None:
    """Migrate, then add the demo practice and the few kinds of record the demo leaves out."""
    with app_on(url):
        upgrade()
        practice = seed_demo()
        owner = next(user for user in practice.users if user.role == "owner")
        intake = db.session.scalars(select(Intake).order_by(Intake.id)).first()
        record_action(intake, advice="Seen by the GP, cleared", referred_to="GP", acted_on=date(2026, 2, 1),
                      actor=owner)
        clients = db.session.scalars(select(Client).order_by(Client.id)).all()
        assign(clients[DEMO_PORTAL_CLIENT_INDEX], "nprs", actor=owner)
        create_invitation(clients[0], actor=owner, days=7)
        version = db.session.scalars(select(PlanVersion).order_by(PlanVersion.id)).first()
        # Raw bytes with a NUL and high bytes: binary columns must survive and fingerprint alike.
        db.session.add(RenderedHandout(key="0" * 64, plan_version_id=version.id, variant="colour",
                                       pdf=b"%PDF-1.7\x00\xff\xfe test"))
        db.session.commit()


@pytest.fixture(scope="module")
def sqlite_template(tmp_path_factory) -> Path:
    """A SQLite file with the demo data, copied for each test that needs one."""
    path = tmp_path_factory.mktemp("backup-template") / "demo.sqlite3"
    _fill_with_demo_data(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="module")
def postgres_template(postgres_cluster) -> str:
    """A PostgreSQL database with the demo data, used as CREATE DATABASE's template."""
    _admin(postgres_cluster, f'CREATE DATABASE "{POSTGRES_TEMPLATE}"')
    _fill_with_demo_data(postgres_cluster.url(POSTGRES_TEMPLATE))
    yield POSTGRES_TEMPLATE
    _admin(postgres_cluster, f'DROP DATABASE IF EXISTS "{POSTGRES_TEMPLATE}" WITH (FORCE)')


def _admin(cluster, statement: str) -> None:
    with psycopg.connect(cluster.url("postgres", driver=False), autocommit=True) as connection:
        connection.execute(statement)


class Databases:
    """Makes throwaway databases on one backend: demo-filled copies and brand-new empty ones."""

    def __init__(self, backend: str, request, folder: Path):
        self.backend, self._request, self._folder = backend, request, folder
        self._created: list[str] = []

    def demo(self) -> str:
        """A new database holding the demo data."""
        if self.backend == "sqlite":
            path = self._folder / f"demo-{next(_numbers)}.sqlite3"
            template = self._request.getfixturevalue("sqlite_template")
            with closing(sqlite3.connect(template)) as source, closing(sqlite3.connect(path)) as copy:
                source.backup(copy)
            return f"sqlite:///{path}"
        return self._new_postgres(f'TEMPLATE "{self._request.getfixturevalue("postgres_template")}"')

    def empty(self) -> str:
        """A new database with no tables at all (SQLite: a file that does not exist yet)."""
        if self.backend == "sqlite":
            return f"sqlite:///{self._folder / f'empty-{next(_numbers)}.sqlite3'}"
        return self._new_postgres("")

    def _new_postgres(self, options: str) -> str:
        cluster = self._request.getfixturevalue("postgres_cluster")
        name = database_name(f"backup_test_{next(_numbers)}")
        _admin(cluster, f'CREATE DATABASE "{name}" {options}')
        self._created.append(name)
        return cluster.url(name)

    def drop_all(self) -> None:
        """Drop the PostgreSQL databases this test made (SQLite files go with tmp_path)."""
        for name in self._created:
            _admin(self._request.getfixturevalue("postgres_cluster"), f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def databases(request, tmp_path):
    """Database maker for each test backend."""
    backend = "sqlite" if request.param == "sqlite" else "postgresql"
    maker = Databases(backend, request, tmp_path)
    yield maker
    maker.drop_all()


@pytest.fixture
def postgres_databases(request, tmp_path):
    """Database maker for the PostgreSQL-only tests."""
    if all(name == "sqlite" for name in BACKENDS):
        pytest.skip("PostgreSQL is not among PRACTICE_TEST_BACKENDS")
    maker = Databases("postgresql", request, tmp_path)
    yield maker
    maker.drop_all()


def _populated(fingerprint) -> list[str]:
    return [name for name, table in fingerprint.items() if table.rows]


def _execute(url: str, statement: str, **values) -> None:
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as connection:
        connection.execute(text(statement), values)
    engine.dispose()


# --- Round trips ---------------------------------------------------------------------------------------------

def test_a_backup_restored_into_an_empty_database_is_identical(databases, tmp_path):
    live = databases.demo()
    original = database_fingerprint(live)
    result = backup_database(live, tmp_path)
    assert result.fingerprint == original
    # Non-trivial: most tables hold rows, so equal checksums say something.
    assert len(_populated(original)) >= 15 and sum(table.rows for table in original.values()) > 150

    target = databases.empty()
    assert rows_in_use(target) == 0
    restored = restore_database(result.path, target)
    assert restored == original
    assert database_fingerprint(target) == original


def test_the_restored_database_works_in_the_app(databases, tmp_path):
    result = backup_database(databases.demo(), tmp_path)
    target = databases.empty()
    restore_database(result.path, target)
    with app_on(target) as app:
        name, email, password, _ = DEMO_LOGINS[0]
        response = app.test_client().post("/login", data={"email": email, "password": password})
        assert response.status_code == 302 and response.headers["Location"] == "/", name
        # New rows get fresh ids (PostgreSQL's sequences came back with the data).
        highest = db.session.scalar(select(func.max(Client.id)))
        owner = db.session.scalars(select(User).where(User.email == email)).one()
        added = create_client(owner.practice_id, {"first_name": "New", "last_name": "After Restore",
                                                  "date_of_birth": date(1990, 1, 1)}, therapist=None, actor=owner)
        db.session.commit()
        assert added.id > highest


def test_the_checksum_notices_one_changed_value(databases):
    live = databases.demo()
    before = database_fingerprint(live)
    _execute(live, "UPDATE clients SET phone = '07700 900999' WHERE id = (SELECT MIN(id) FROM clients)")
    after = database_fingerprint(live)
    assert compare_fingerprints(before, after) == [
        f"clients: same number of rows ({before['clients'].rows}) but different contents"]
    assert {name for name in before if before[name] != after[name]} == {"clients"}


def test_fingerprints_of_the_same_rows_agree_on_sqlite_and_postgresql(sqlite_template, postgres_databases):
    """Copy the demo rows from SQLite into PostgreSQL row by row: both fingerprints must be equal."""
    target = postgres_databases.empty()
    with app_on(target):
        upgrade()
    source = create_engine(f"sqlite:///{sqlite_template}", poolclass=NullPool)
    destination = create_engine(target, poolclass=NullPool)
    with source.connect() as reading, destination.begin() as writing:
        for table in db.metadata.sorted_tables:
            rows = [dict(row) for row in reading.execute(select(table)).mappings()]
            if rows:
                writing.execute(insert(table), rows)
    source.dispose()
    destination.dispose()
    from_sqlite = database_fingerprint(f"sqlite:///{sqlite_template}")
    assert compare_fingerprints(from_sqlite, database_fingerprint(target)) == []
    assert len(_populated(from_sqlite)) >= 15


# --- Files ---------------------------------------------------------------------------------------------------

def test_the_backup_file_is_private_and_named_by_utc_time(databases, tmp_path):
    live = databases.demo()
    folder = tmp_path / "backups"
    folder.mkdir()
    started = datetime.now(timezone.utc).replace(microsecond=0)
    previous_umask = backup.os.umask(0)  # a permissive umask must not make the file readable by others
    try:
        result = backup_database(live, folder)
    finally:
        backup.os.umask(previous_umask)
    assert stat.S_IMODE(result.path.stat().st_mode) == 0o600
    match = re.fullmatch(r"practice-(\d{8}T\d{6}Z)\.(sqlite3|pgdump)", result.path.name)
    assert match, result.path.name
    stamp = datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    assert started <= stamp <= datetime.now(timezone.utc)
    sidecar = checksum_file(result.path)
    # Nothing else is left behind (no partial file), and the checksum file is private too.
    assert sorted(path.name for path in folder.iterdir()) == [result.path.name, sidecar.name]
    assert stat.S_IMODE(sidecar.stat().st_mode) == 0o600
    assert sidecar.read_text() == f"{hashlib.sha256(result.path.read_bytes()).hexdigest()}  {result.path.name}\n"


def test_a_backup_never_overwrites_an_existing_file(databases, tmp_path):
    live = databases.demo()
    existing = tmp_path / "keep.bak"
    existing.write_bytes(b"an older backup")
    with pytest.raises(BackupError, match="already exists"):
        backup_database(live, existing)
    assert existing.read_bytes() == b"an older backup"
    # Two backups into one folder within the same second get two names.
    folder = tmp_path / "many"
    folder.mkdir()
    first, second = backup_database(live, folder), backup_database(live, folder)
    assert first.path != second.path and first.path.exists() and second.path.exists()


# --- Refusals ------------------------------------------------------------------------------------------------

def test_restoring_over_data_is_refused_without_force(databases, tmp_path):
    result = backup_database(databases.demo(), tmp_path)
    live = databases.demo()
    _execute(live, "UPDATE clients SET first_name = 'Changed' WHERE id = (SELECT MIN(id) FROM clients)")
    before = database_fingerprint(live)

    with pytest.raises(DatabaseNotEmptyError, match=r"already holds data .*--force"):
        restore_database(result.path, live)
    assert database_fingerprint(live) == before

    assert restore_database(result.path, live, force=True) == result.fingerprint


@pytest.mark.parametrize("damage", ["truncated", "empty", "not a backup"])
def test_a_damaged_backup_is_refused_and_changes_nothing(databases, tmp_path, damage):
    result = backup_database(databases.demo(), tmp_path)
    content = result.path.read_bytes()
    damaged = tmp_path / "damaged.bak"
    damaged.write_bytes({"truncated": content[: len(content) // 2], "empty": b"",
                         "not a backup": b"name,phone\nAmira,07700\n"}[damage])
    live = databases.demo()
    _execute(live, "UPDATE clients SET first_name = 'Changed' WHERE id = (SELECT MIN(id) FROM clients)")
    before = database_fingerprint(live)

    with pytest.raises(BackupError, match="truncated or corrupted"):
        restore_database(damaged, live, force=True)
    assert database_fingerprint(live) == before


def test_a_backup_changed_after_it_was_made_is_refused(databases, tmp_path):
    """One byte changed inside a row, length kept: the checksum file written with the backup notices."""
    result = backup_database(databases.demo(), tmp_path)
    content = bytearray(result.path.read_bytes())
    needle = content.find(b"Hassan")  # a client's name in the SQLite pages or in pg_dump's compressed data
    position = needle if needle >= 0 else len(content) // 2
    content[position] ^= 0x01
    result.path.write_bytes(bytes(content))
    target = databases.empty()
    with pytest.raises(BackupError, match="does not match its checksum file"):
        restore_database(result.path, target)
    assert rows_in_use(target) == 0


def _flip_one_bit_of_a_phone_number(path: Path) -> None:
    """Change one bit inside a row of the clients table (a phone number's last digit), leaving the file's structure
    whole: the kind of damage a disk or a copy makes and SQLite's integrity check cannot see (no index holds it)."""
    content = bytearray(path.read_bytes())
    content[content.index(b"07700 900000") + 11] ^= 0x01  # Amira's phone now ends in 1
    path.write_bytes(bytes(content))
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as damaged:
        assert damaged.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_lone_sqlite_backup_with_one_flipped_bit_is_refused(sqlite_template, tmp_path):
    """Without its .sha256 beside it, the fingerprints the file carries inside itself still notice the change."""
    result = backup_database(f"sqlite:///{sqlite_template}", tmp_path / "practice.sqlite3")
    checksum_file(result.path).unlink()  # the backup travelled alone
    _flip_one_bit_of_a_phone_number(result.path)
    target = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    with pytest.raises(BackupError, match=r"does not match the fingerprints it carries \(clients: same number of "
                                          r"rows \(12\) but different contents\)"):
        restore_database(result.path, target)
    assert rows_in_use(target) == 0
    live = tmp_path / "live.sqlite3"  # a copy: the command writes its audit row, the template must stay as it is
    with closing(sqlite3.connect(sqlite_template)) as source, closing(sqlite3.connect(live)) as copy:
        source.backup(copy)
    with app_on(f"sqlite:///{live}") as app:
        checked = app.test_cli_runner().invoke(args=["verify-backup", str(result.path)])
    assert checked.exit_code == 1 and "does not match the fingerprints it carries" in checked.output


def test_a_lone_sqlite_backup_restores_whole_and_leaves_its_fingerprints_behind(sqlite_template, tmp_path):
    live = f"sqlite:///{sqlite_template}"
    result = backup_database(live, tmp_path / "practice.sqlite3")
    checksum_file(result.path).unlink()
    target_path = tmp_path / "restored.sqlite3"
    with app_on(f"sqlite:///{target_path}") as app:
        restored = app.test_cli_runner().invoke(args=["restore", str(result.path)])
    assert restored.exit_code == 0, restored.output
    assert "every table matched the fingerprints it carries" in restored.output
    # Identical to the backup (the restore's own audit row aside).
    audit_rows_backed_up = {"audit_events": result.fingerprint["audit_events"].last_id}
    assert database_fingerprint(f"sqlite:///{target_path}", up_to_ids=audit_rows_backed_up) == result.fingerprint
    # The restored database has exactly the app's tables: the fingerprints described the file, not the app.
    with closing(sqlite3.connect(target_path)) as restored_db, closing(sqlite3.connect(sqlite_template)) as source:
        tables = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        assert restored_db.execute(tables).fetchall() == source.execute(tables).fetchall()


def test_a_lone_sqlite_backup_from_before_backups_carried_fingerprints_still_restores_and_says_so(sqlite_template,
                                                                                                  tmp_path):
    result = backup_database(f"sqlite:///{sqlite_template}", tmp_path / "practice.sqlite3")
    checksum_file(result.path).unlink()
    with closing(sqlite3.connect(result.path)) as older:
        older.execute(f"DROP TABLE {backup.CARRIED_FINGERPRINTS_TABLE}")  # as a backup made before this version
        older.commit()
    with app_on(f"sqlite:///{tmp_path / 'restored.sqlite3'}") as app:
        restored = app.test_cli_runner().invoke(args=["restore", str(result.path)])
    assert restored.exit_code == 0, restored.output
    assert "it carries no fingerprints (made by an older version), so only its structure was checked" in \
        restored.output


def test_a_backup_of_the_other_backend_is_refused(databases, tmp_path):
    wrong = tmp_path / "wrong.bak"
    other_kind = b"PGDMP" if databases.backend == "sqlite" else b"SQLite format 3\x00"
    wrong.write_bytes(other_kind + b"\x00" * 100)
    with pytest.raises(BackupError, match="backup but the database is"):
        restore_database(wrong, databases.empty())


# --- The commands --------------------------------------------------------------------------------------------

def test_commands_round_trip_undoes_changes_made_after_the_backup(databases, tmp_path):
    live = databases.demo()
    path = tmp_path / "before-changes.bak"
    with app_on(live) as app:
        runner = app.test_cli_runner()
        made = runner.invoke(args=["backup", "--output", str(path)])
        assert made.exit_code == 0, made.output
        assert "mode 0600" in made.output and re.search(r"Contents: \d+ tables, \d+ rows", made.output)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        # The backup command's own audit row came after the backup, and still the two match.
        fresh = runner.invoke(args=["verify-backup", str(path)])
        assert fresh.exit_code == 0 and "matches the database" in fresh.output, fresh.output

        amira = db.session.scalars(select(Client).order_by(Client.id)).first()
        amira.last_name = "Changed-After-Backup"
        create_client(amira.practice_id, {"first_name": "Late", "last_name": "Addition",
                                          "date_of_birth": date(1990, 1, 1)}, therapist=None, actor=None)
        db.session.commit()
        stale = runner.invoke(args=["verify-backup", str(path)])
        assert stale.exit_code == 1 and "clients: 12 rows in the backup, 13 in the database" in stale.output

        refused = runner.invoke(args=["restore", str(path)])
        assert refused.exit_code == 1 and "--force" in refused.output
        assert db.session.scalar(select(func.count()).select_from(Client)) == 13

        restored = runner.invoke(args=["restore", str(path), "--force"])
        assert restored.exit_code == 0, restored.output
        names = db.session.scalars(select(Client.last_name)).all()
        assert "Changed-After-Backup" not in names and "Addition" not in names and "Hassan" in names
        assert runner.invoke(args=["verify-backup", str(path)]).exit_code == 0

        audit = audit_events("backup.%")
        # The backup's own rows were replaced with everything else; the restore and the check after it remain.
        assert [(row.action, row.outcome, row.actor_id) for row in audit] == [
            ("backup.restore", "success", None), ("backup.verify", "success", None)]
        assert path.name in audit[0].detail


def test_the_refused_restore_is_audited(databases, tmp_path):
    live = databases.demo()
    path = backup_database(databases.demo(), tmp_path).path
    before = database_fingerprint(live)
    with app_on(live) as app:
        refused = app.test_cli_runner().invoke(args=["restore", str(path)])
        assert refused.exit_code == 1 and "already holds data" in refused.output
    # Nothing changed but one new audit row saying the restore was refused.
    assert database_fingerprint(live, up_to_ids={"audit_events": before["audit_events"].last_id}) == before
    assert database_fingerprint(live)["audit_events"].rows == before["audit_events"].rows + 1
    with app_on(live):
        newest = audit_events()[-1]
        assert (newest.action, newest.outcome, newest.actor_id) == ("backup.restore", "denied", None)


def test_a_damaged_backup_is_refused_by_the_restore_command(databases, tmp_path):
    damaged = tmp_path / "damaged.bak"
    damaged.write_bytes(backup_database(databases.demo(), tmp_path).path.read_bytes()[:5000])
    live = databases.demo()
    before = database_fingerprint(live)
    with app_on(live) as app:
        result = app.test_cli_runner().invoke(args=["restore", str(damaged), "--force"])
    assert result.exit_code == 1 and "truncated or corrupted" in result.output
    assert database_fingerprint(live)["clients"] == before["clients"]


def test_a_backup_on_a_full_disk_says_why_first_and_then_that_it_could_not_be_audited(sqlite_template, tmp_path,
                                                                                     monkeypatch):
    """The copy fills the disk, and the database's own disk is full too: both said, the real cause first."""
    live = tmp_path / "live.sqlite3"
    with closing(sqlite3.connect(sqlite_template)) as source, closing(sqlite3.connect(live)) as copy:
        source.backup(copy)
    open_sqlite = backup._open_sqlite

    def open_on_a_full_disk(path, *, read_only=False):
        connection = open_sqlite(path, read_only=read_only)
        if not read_only:
            connection.execute("PRAGMA max_page_count = 1")  # the copy gets SQLite's real "disk is full"
        return connection

    monkeypatch.setattr(backup, "_open_sqlite", open_on_a_full_disk)
    folder = tmp_path / "backups"
    folder.mkdir()
    with app_on(f"sqlite:///{live}") as app, disk_full(db.engine):
        result = app.test_cli_runner().invoke(args=["backup", "--output", str(folder)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    first, second = result.output.strip().splitlines()[-2:]
    assert first.startswith("Error: Could not copy") and first.endswith("database or disk is full")
    assert second == ("This could not be written to the audit log: the database's disk is full (database or disk "
                      "is full).")
    assert "Traceback" not in result.output
    assert list(folder.iterdir()) == []  # no partial file left behind


# --- SQLite: a consistent copy while the app writes ----------------------------------------------------------

def test_a_sqlite_backup_taken_during_writes_is_consistent(sqlite_template, tmp_path):
    """Another connection commits pairs of audit rows throughout; every copy holds whole pairs only."""
    live = tmp_path / "busy.sqlite3"
    with closing(sqlite3.connect(sqlite_template)) as source, closing(sqlite3.connect(live)) as copy:
        source.backup(copy)
    stop, committed, errors = threading.Event(), [0], []

    def write_pairs():
        with closing(sqlite3.connect(live, timeout=10, isolation_level=None)) as connection:
            connection.execute("PRAGMA journal_mode=WAL")
            while not stop.is_set():
                try:
                    connection.execute("BEGIN IMMEDIATE")
                    for half in ("a", "b"):
                        connection.execute("INSERT INTO audit_events (at, action, outcome, detail) VALUES "
                                           "('2026-03-01 10:00:00.000000', 'test.write', 'success', ?)",
                                           (f"pair-{committed[0]}-{half}",))
                    connection.execute("COMMIT")
                    committed[0] += 1
                except sqlite3.Error as error:  # pragma: no cover - reported by the assertion below
                    errors.append(error)
                    return

    writer = threading.Thread(target=write_pairs)
    writer.start()
    try:
        copies, commits_seen = [], []
        for number in range(5):
            commits_seen.append(committed[0])
            copies.append(backup_database(f"sqlite:///{live}", tmp_path / f"copy-{number}.sqlite3"))
    finally:
        stop.set()
        writer.join()
    assert not errors
    assert committed[0] > commits_seen[0]  # the writer really was writing while the copies were made
    pairs_per_copy = []
    for result in copies:
        with closing(sqlite3.connect(result.path)) as copy:
            halves = copy.execute("SELECT COUNT(*), COUNT(DISTINCT substr(detail, 1, length(detail) - 2)) "
                                  "FROM audit_events WHERE action = 'test.write'").fetchone()
        assert halves[0] == 2 * halves[1], "a copy holds half a transaction"
        assert database_fingerprint(f"sqlite:///{result.path}") == result.fingerprint
        pairs_per_copy.append(halves[1])
    assert pairs_per_copy == sorted(pairs_per_copy) and pairs_per_copy[-1] > 0


# --- PostgreSQL tools ----------------------------------------------------------------------------------------

def test_the_postgresql_password_goes_through_the_environment(postgres_databases, tmp_path, monkeypatch):
    url = postgres_databases.demo().replace("postgres@", "postgres:s3cret-Pass@")
    calls = []
    real_run = backup.subprocess.run

    def spy(args, **kwargs):
        calls.append((args, kwargs.get("env", {})))
        return real_run(args, **kwargs)

    monkeypatch.setattr(backup.subprocess, "run", spy)
    result = backup_database(url, tmp_path)
    assert result.path.exists()
    dump = [(args, env) for args, env in calls if Path(args[0]).name == "pg_dump"]
    assert dump and all("s3cret-Pass" not in " ".join(args) for args, _ in calls)
    assert dump[0][1]["PGPASSWORD"] == "s3cret-Pass"


def test_a_missing_pg_dump_is_reported_clearly(tmp_path, monkeypatch):
    empty = tmp_path / "no-tools"
    empty.mkdir()
    monkeypatch.setenv("PG_BIN_DIR", str(empty))
    with pytest.raises(BackupError, match="pg_dump was not found"):
        backup_database("postgresql+psycopg://practice@127.0.0.1:9/practice", tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["no-tools"]


def test_a_failing_pg_dump_is_reported_with_its_message(postgres_databases, tmp_path, monkeypatch):
    tools = tmp_path / "tools"
    tools.mkdir()
    fake = tools / "pg_dump"
    fake.write_text("#!/bin/sh\necho 'pg_dump: error: aborting because of server version mismatch' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PG_BIN_DIR", str(tools))
    with pytest.raises(BackupError, match="pg_dump failed: pg_dump: error: aborting because of server version"):
        backup_database(postgres_databases.demo(), tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["tools"]
