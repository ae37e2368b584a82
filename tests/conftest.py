"""Fixtures shared by the request and browser tests: the app on SQLite and PostgreSQL, and factories."""
from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import select, text

from practice import create_app
from practice.accounts.models import Practice, User
from practice.accounts.operations import create_practice, create_user
from practice.clients.models import Client
from practice.clients.operations import create_client
from practice.extensions import db
from practice.intake.operations import create_intake, record_action
from practice.library.models import LibraryItem
from practice.library.operations import create_item, seed_library
from practice.plans.operations import activate, create_plan
from practice.plans.session_operations import create_note
from practice.portal.operations import assign, create_invitation, home_plan, save_log
from tests.support.postgres import ThrowawayCluster

# Both by default: the same request tests run on the embedded SQLite and on a real PostgreSQL.
BACKENDS = [name for name in os.environ.get("PRACTICE_TEST_BACKENDS", "sqlite,postgresql").split(",") if name]
PASSWORD = "tranquil-maple-orbit-42"

TEST_CONFIG = {
    "ENV_NAME": "testing",
    "TESTING": True,
    "SECRET_KEY": "a-test-only-secret-key-that-is-long-enough",
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False,
    # Real scrypt, cheap parameters: the suite creates hundreds of users.
    "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
}

_migrated: set[str] = set()


@pytest.fixture(scope="session")
def postgres_cluster():
    """A PostgreSQL server of our own for the whole run."""
    cluster = ThrowawayCluster().start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory) -> str:
    """A SQLite file (not :memory:, so a live server thread sees the same data)."""
    return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'practice-test.sqlite3'}"


@pytest.fixture(params=BACKENDS)
def database_url(request) -> str:
    """The URL of a migrated, empty test database on each backend."""
    url = request.getfixturevalue("sqlite_url") if request.param == "sqlite" else \
        request.getfixturevalue("postgres_cluster").url()
    if url not in _migrated:
        app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade()  # the schema comes from the migrations, as in production
            db.engine.dispose()
        _migrated.add(url)
    return url


def _empty_tables(url: str) -> None:
    tables = [table.name for table in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as connection:
        if url.startswith("postgresql"):
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                connection.execute(text(f"DELETE FROM {name}"))


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


@pytest.fixture
def outbox(tmp_path) -> Path:
    """The folder where the app writes e-mails during a test."""
    return tmp_path / "outbox"


@pytest.fixture
def make_app(database_url, outbox):
    """Return a callable that builds the app with extra settings; tables are emptied afterwards."""
    apps = []

    def build(**overrides):
        app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, "MAIL_OUTBOX_DIR": str(outbox),
                          **overrides})
        app.test_client_class = FreshContextClient
        apps.append(app)
        return app

    yield build
    if apps:
        with apps[0].app_context():
            db.session.remove()
            _empty_tables(database_url)
            db.engine.dispose()
        for app in apps[1:]:
            with app.app_context():
                db.engine.dispose()


@pytest.fixture
def app(make_app):
    """The app, on each test backend."""
    app = make_app()
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def client(app):
    """A test client for the app."""
    return app.test_client()


class AuthActions:
    """Log in and out through the real forms."""

    def __init__(self, client):
        self._client = client

    def login(self, email: str, password: str = PASSWORD, **kwargs):
        """Post the login form."""
        return self._client.post("/login", data={"email": email, "password": password}, **kwargs)

    def logout(self):
        """Post the logout form."""
        return self._client.post("/logout")


@pytest.fixture
def auth(client) -> AuthActions:
    """Login helper bound to `client`."""
    return AuthActions(client)


@pytest.fixture
def make_practice(app):
    """Return a callable creating a practice with its owner."""
    counter = iter(range(1, 10_000))

    def build(name: str | None = None, owner_email: str | None = None) -> Practice:
        n = next(counter)
        practice = create_practice(practice_name=name or f"Practice {n}", owner_name=f"Owner {n}",
                                   owner_email=owner_email or f"owner{n}-{os.urandom(3).hex()}@example.com",
                                   owner_password=PASSWORD)
        db.session.commit()
        return practice

    return build


@pytest.fixture
def make_user(app):
    """Return a callable creating a user of a practice."""

    def build(practice: Practice, role: str = "therapist", email: str | None = None, name: str | None = None,
              is_password_temporary: bool = False) -> User:
        email = email or f"{role}-{os.urandom(4).hex()}@example.com"
        user = create_user(practice, name=name or f"{role.capitalize()} {email[:6]}", email=email,
                           password=PASSWORD, role=role, is_password_temporary=is_password_temporary)
        db.session.commit()
        return user

    return build


@pytest.fixture
def make_client(app):
    """Return a callable creating a client record."""

    def build(practice: Practice, therapist: User | None = None, **values) -> Client:
        values = {"first_name": "Alex", "last_name": "Morgan", "date_of_birth": date(1985, 5, 17),
                  "email": None, **values}
        owner = next(user for user in practice.users if user.role == "owner")
        record = create_client(practice.id, values, therapist=therapist, actor=owner)
        db.session.commit()
        return record

    return build


class World:
    """Two practices with every kind of actor, and a client record of each."""

    def __init__(self, make_practice, make_user, make_client):
        self.practice = make_practice("Willow Street Massage")
        self.owner = owner_of(self.practice)
        self.therapist = make_user(self.practice, "therapist", name="Theo Therapist")
        self.colleague = make_user(self.practice, "therapist", name="Cara Colleague")
        self.client_user = make_user(self.practice, "client", name="Amira Hassan")
        self.other_client_user = make_user(self.practice, "client", name="Ben Carter")
        self.other_practice = make_practice("Elsewhere Clinic")
        self.other_owner = owner_of(self.other_practice)
        self.other_therapist = make_user(self.other_practice, "therapist", name="Otto Other")
        self.record = make_client(self.practice, self.therapist, first_name="Amira", last_name="Hassan",
                                  email="amira@example.com")
        self.colleague_record = make_client(self.practice, self.colleague, first_name="Ben", last_name="Carter")
        self.other_record = make_client(self.other_practice, self.other_therapist, first_name="Olga",
                                        last_name="Other")
        self.intake = create_intake(self.record, {}, actor=self.therapist)
        self.other_intake = create_intake(self.other_record, {}, actor=self.other_therapist)
        seed_library()
        record_action(self.intake, advice="Reviewed in person", referred_to=None, acted_on=date.today(),
                      actor=self.therapist)
        self.plan = create_plan(self.record, self.intake, actor=self.therapist)
        activate(self.plan, self.record, seen_row_version=self.plan.row_version, actor=self.therapist)
        self.step = self.plan.steps[0]
        self.note = create_note(self.record, {"seen_on": date.today(), "subjective": "Better"}, actor=self.therapist)
        self.seeded_item = db.session.scalars(select(LibraryItem).where(LibraryItem.slug == "heat")).one()
        self.other_item = create_item(self.other_practice.id, {"name": "Other clinic stretch", "kind": "home",
                                                               "steps": ["Stretch"]}, actor=self.other_owner)
        self._add_portal()
        db.session.commit()

    def _add_portal(self) -> None:
        """The client actor logs in as the record's portal user; Ben (the colleague's client) is another client."""
        self.record.portal_user_id = self.client_user.id
        self.colleague_record.portal_user_id = self.other_client_user.id
        self.assignment = assign(self.record, "nprs", actor=self.therapist)
        self.other_assignment = assign(self.colleague_record, "nprs", actor=self.colleague)
        yesterday = date.today() - timedelta(days=1)
        routine = home_plan(self.record)
        self.log = save_log(self.record, yesterday, plan=routine, done=sorted(routine.positions)[:1], pain=4, note="",
                            signs=[], actor=self.client_user, today=date.today(), backfill_days=7)
        self.other_log = save_log(self.colleague_record, yesterday, plan=None, done=[], pain=5, note="Ben's note",
                                  signs=[], actor=self.other_client_user, today=date.today(), backfill_days=7)
        self.invitation, self.invitation_token = create_invitation(self.record, actor=self.therapist, days=7)

    def actor(self, name: str) -> User | None:
        """The user behind an actor name of the access table (None for anonymous)."""
        return {"owner": self.owner, "therapist": self.therapist, "other_therapist": self.other_therapist,
                "client": self.client_user, "anonymous": None}[name]


def owner_of(practice: Practice) -> User:
    """The owner of a practice."""
    return next(user for user in practice.users if user.role == "owner")


@pytest.fixture
def world(make_practice, make_user, make_client) -> World:
    """Two practices and every actor."""
    return World(make_practice, make_user, make_client)


@pytest.fixture
def seeded_client(app):
    """The demo practice of `flask seed-demo`."""
    from practice.cli import seed_demo

    practice = seed_demo()
    db.session.commit()
    return practice
