"""The test databases of one test process: one migrated database per backend and purpose, one app for each.

Most tests are *transactional*: the app's sessions all go through one connection whose outer transaction is never
committed. A module's shared `World` lives in a SAVEPOINT inside it, each test in a SAVEPOINT inside that, and each
session (the test's own, and one per request) in a SAVEPOINT of its own, so `commit()` in the app and in factories
works as usual and everything is undone when the test ends, without emptying a table.

Tests marked `committed` need data that another connection, thread or process sees (a live HTTP server, gunicorn,
concurrent writers, backups): they run on a second database with real commits, emptied after each test.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, has_app_context
from flask.globals import app_ctx
from flask.testing import FlaskClient
from flask_migrate import upgrade
from flask_sqlalchemy.session import Session
from sqlalchemy import text
from sqlalchemy.orm import scoped_session, sessionmaker

from practice import create_app
from practice.extensions import db
from tests.support.postgres import ThrowawayCluster, database_name
from tests.support.world import World

# Both by default: the same request tests run on the embedded SQLite and on a real PostgreSQL.
BACKENDS = [name for name in os.environ.get("PRACTICE_TEST_BACKENDS", "sqlite,postgresql").split(",") if name]
TEST_CONFIG = {
    "ENV_NAME": "testing",
    "TESTING": True,
    "SECRET_KEY": "a-test-only-secret-key-that-is-long-enough",
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False,
    # A test that turns limits on counts in its own process: the file every worker shares is tested on its own
    # (tests/unit/test_rate_limit_store.py, tests/test_login_limit_stores.py), and must not mix two tests' counts.
    "RATELIMIT_STORAGE_URI": "memory://",
    # Real scrypt, cheap parameters: the suite creates hundreds of users.
    "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
    # The test client's own host: links the app sends or prints (invitations, the handout's portal link) use it.
    "SITE_URL": "http://localhost",
}
#: the session factory the app was built with; transactional tests swap in one bound to their connection
APP_SESSIONS = db.session


class FreshContextClient(FlaskClient):
    """A test client whose every request runs in its own app context, as in production.

    The tests hold an app context open to use the database; without this, requests would share its `g`
    and its session, and a logged-in user cached in `g` would hide a session that should have ended.
    """

    def open(self, *args, **kwargs):
        # End the test's own transaction first, so that afterwards it reads what the request wrote.
        if has_app_context():
            db.session.rollback()
            db.session.expire_all()
        with self.application.app_context():
            return super().open(*args, **kwargs)


def build_app(url: str, **overrides) -> Flask:
    """The app on `url` with the test settings and `overrides`."""
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url, **overrides})
    app.test_client_class = FreshContextClient
    return app


class BoundSession(Session):
    """A session that sends every statement through the connection it was given: the test's transaction."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        return bind if bind is not None else self.bind


def _app_context_id() -> int:
    return id(app_ctx._get_current_object())


class TestDatabase:
    """A migrated database and the one app on it; `test()` prepares the app for one test and cleans up after."""

    def __init__(self, url: str):
        self.url = url
        self.app = build_app(url)
        with self.app.app_context():
            upgrade()  # the schema comes from the migrations, as in production
            self.engine = db.engine

    @contextmanager
    def _app_for_one_test(self, outbox: Path):
        """The app with the test's outbox, its context pushed, and whatever the test set in its config undone."""
        saved = dict(self.app.config)
        self.app.config["MAIL_OUTBOX_DIR"] = str(outbox)
        try:
            with self.app.app_context():
                yield self.app
        finally:
            self.app.config.clear()
            self.app.config.update(saved)

    def close(self) -> None:
        """Close every connection to the database."""
        self.engine.dispose()


class TransactionalDatabase(TestDatabase):
    """Every session goes through one connection in a transaction that is rolled back, never committed."""

    def __init__(self, url: str):
        super().__init__(url)
        self.connection = self.engine.connect()
        self._outer = self.connection.begin()
        self.sessions = scoped_session(
            sessionmaker(class_=BoundSession, db=db, bind=self.connection, join_transaction_mode="create_savepoint",
                         expire_on_commit=False, query_cls=db.Query),
            scopefunc=_app_context_id)
        self._world: tuple[str, object, dict] | None = None  # (module, its savepoint, its references)

    @contextmanager
    def test(self, outbox: Path):
        """Run one test in a savepoint that is rolled back afterwards."""
        savepoint = self.connection.begin_nested()
        db.session = self.sessions
        try:
            with self._app_for_one_test(outbox) as app:
                yield app
        finally:
            db.session = APP_SESSIONS
            if savepoint.is_active:
                savepoint.rollback()

    def world(self, module: str) -> dict:
        """The references of `module`'s world, built in a savepoint of its own the first time a test asks."""
        if self._world is not None and self._world[0] == module:
            return self._world[2]
        self.drop_world()
        savepoint = self.connection.begin_nested()
        db.session = self.sessions
        try:
            with self.app.app_context():
                references = World().references()
        finally:
            db.session = APP_SESSIONS
        self._world = (module, savepoint, references)
        return references

    def drop_world(self) -> None:
        """Roll back the world, so that a test without one starts from empty tables."""
        if self._world is not None:
            savepoint = self._world[1]
            self._world = None
            if savepoint.is_active:
                savepoint.rollback()

    def close(self) -> None:
        self._world = None
        self._outer.rollback()
        self.connection.close()
        super().close()


class CommittedDatabase(TestDatabase):
    """Real commits, seen by other connections, threads and processes; every table is emptied after each test."""

    @contextmanager
    def test(self, outbox: Path):
        """Run one test, then empty every table."""
        try:
            with self._app_for_one_test(outbox) as app:
                yield app
                db.session.remove()
        finally:
            self.empty_tables()

    def empty_tables(self) -> None:
        """Remove every row (and on PostgreSQL restart the ids), whatever the test left."""
        tables = [table.name for table in reversed(db.metadata.sorted_tables)]
        with self.engine.begin() as connection:
            if self.engine.dialect.name == "postgresql":
                connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            else:
                for name in tables:
                    connection.execute(text(f"DELETE FROM {name}"))


class Databases:
    """This test process's databases, made and migrated when first needed, one of each kind per backend."""

    def __init__(self, folder: Path, cluster):
        self._folder = folder
        self._cluster = cluster  # a callable giving the run's PostgreSQL cluster, started on first use
        self._made: dict[tuple[str, str], TestDatabase] = {}

    def url(self, backend: str, purpose: str) -> str:
        """A new empty database of this process on `backend`, named after `purpose`."""
        if backend == "sqlite":
            return f"sqlite:///{self._folder / f'{purpose}.sqlite3'}"
        cluster: ThrowawayCluster = self._cluster()
        return cluster.create_database(database_name(purpose))

    def transactional(self, backend: str) -> TransactionalDatabase:
        """The database of the transactional tests on `backend`."""
        return self._get(backend, "transactional", TransactionalDatabase)

    def committed(self, backend: str) -> CommittedDatabase:
        """The database of the tests marked `committed` on `backend`."""
        return self._get(backend, "committed", CommittedDatabase)

    def _get(self, backend: str, purpose: str, kind: type) -> TestDatabase:
        if (backend, purpose) not in self._made:
            self._made[backend, purpose] = kind(self.url(backend, purpose))
        return self._made[backend, purpose]

    def close(self) -> None:
        """Close every database's connections."""
        for database in self._made.values():
            database.close()
