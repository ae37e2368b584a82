"""Fixtures shared by the request, PDF, fuzz and browser tests: one app per database, factories, the world.

How the suite stays fast (see tests/support/databases.py): one app per backend for the whole run, each test inside
a rolled-back transaction, one `world` per module, and pytest-xdist workers that each have their own databases
in one PostgreSQL cluster. Tests that need real commits say so with `@pytest.mark.committed`.
"""
from __future__ import annotations

import functools
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from practice.accounts.models import Practice
from practice.extensions import db, limiter
from tests.support.databases import BACKENDS, Databases, build_app
from tests.support.helpers import AuthActions
from tests.support.postgres import ThrowawayCluster, database_name, shared_cluster, stop_shared
from tests.support.world import World, WorldView, new_client, new_practice, new_user

#: a folder every process of the run shares (the PostgreSQL cluster's address is written there)
RUN_FOLDER_VARIABLE = "PRACTICE_TEST_RUN_FOLDER"


def pytest_configure(config):
    # (The markers, `committed` among them, are declared in pyproject.toml.)
    if not os.environ.get(RUN_FOLDER_VARIABLE):
        # The process that starts the run (pytest-xdist's controller, or the only process): its workers inherit
        # the variable, and it alone stops the cluster at the end.
        config.practice_run_folder = tempfile.mkdtemp(prefix="practice-test-run-")
        os.environ[RUN_FOLDER_VARIABLE] = config.practice_run_folder


#: the figures tests measured (a test adds ("figure", text) to its user_properties), printed at the end
FIGURES_REPORTED: list[str] = []


def pytest_runtest_logreport(report):
    # Runs where the results are gathered: in pytest-xdist's controller, whatever worker measured the figure.
    if report.when == "teardown":
        FIGURES_REPORTED.extend(text for key, text in report.user_properties if key == "figure")


def pytest_terminal_summary(terminalreporter):
    if FIGURES_REPORTED:
        terminalreporter.write_sep("-", "figures measured by the tests")
        for line in sorted(set(FIGURES_REPORTED)):
            terminalreporter.write_line(line)


def pytest_unconfigure(config):
    folder = getattr(config, "practice_run_folder", None)
    if folder:
        stop_shared(Path(folder))
        shutil.rmtree(folder, ignore_errors=True)
        del os.environ[RUN_FOLDER_VARIABLE]


@functools.cache
def run_cluster() -> ThrowawayCluster:
    """The run's PostgreSQL server (one for every worker), started when first needed."""
    return shared_cluster(Path(os.environ[RUN_FOLDER_VARIABLE]))


@pytest.fixture(scope="session")
def postgres_cluster() -> ThrowawayCluster:
    """The run's PostgreSQL server, for tests that make databases of their own."""
    return run_cluster()


@pytest.fixture(scope="session")
def worker_databases(tmp_path_factory):
    """This worker's test databases: made and migrated when first needed, closed at the end of the run."""
    made = Databases(tmp_path_factory.mktemp("databases"), run_cluster)
    yield made
    made.close()


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request) -> str:
    """The database every test of this module runs on, in turn: "sqlite", then "postgresql"."""
    return request.param


@pytest.fixture
def outbox(tmp_path) -> Path:
    """The folder where the app writes e-mails during a test."""
    return tmp_path / "outbox"


def _is_committed(request) -> bool:
    return request.node.get_closest_marker("committed") is not None


@pytest.fixture
def test_database(request, backend, worker_databases):
    """The database of this test: the transactional one, or for a `committed` test the committed one."""
    if _is_committed(request):
        return worker_databases.committed(backend)
    database = worker_databases.transactional(backend)
    if "world" in request.fixturenames:
        database.world(request.module.__name__)  # built before the test's savepoint, so it outlives the test
    else:
        database.drop_world()
    return database


@pytest.fixture
def app(test_database, outbox):
    """The app, on each test backend, with its context pushed for the test."""
    with test_database.test(outbox) as app:
        yield app


@pytest.fixture(params=BACKENDS)
def empty_database(request, tmp_path):
    """The URL of an empty database of the test's own, on each backend: for tests that run the migrations."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    cluster = request.getfixturevalue("postgres_cluster")
    name = database_name("empty")
    yield cluster.create_database(name)
    cluster.drop_database(name)


@pytest.fixture
def database_url(test_database) -> str:
    """The URL of the test's database."""
    return test_database.url


@pytest.fixture
def make_app(app, test_database, outbox):
    """Return a callable that builds another app on the test's database with extra settings."""
    built = []
    limits_were_on = limiter.enabled  # one limiter serves every app of the process: undo what a build turns on

    def build(**overrides):
        new_app = build_app(test_database.url, MAIL_OUTBOX_DIR=str(outbox), **overrides)
        built.append(new_app)
        return new_app

    yield build
    for new_app in built:
        with new_app.app_context():
            db.engine.dispose()
    if built and limiter.enabled != limits_were_on:
        limiter.reset()  # forget the attempts counted while it was on
        limiter.enabled = limits_were_on


@pytest.fixture
def client(app):
    """A test client for the app."""
    return app.test_client()


@pytest.fixture
def auth(client) -> AuthActions:
    """Log in and out as `client`, answering the responses: for tests of the login itself (others call `login`)."""
    return AuthActions(client)


@pytest.fixture
def make_practice(app):
    """Return a callable creating a practice with its owner."""
    return new_practice


@pytest.fixture
def make_user(app):
    """Return a callable creating a user of a practice."""
    return new_user


@pytest.fixture
def make_client(app):
    """Return a callable creating a client record."""
    return new_client


@pytest.fixture
def world(request, app, test_database) -> WorldView:
    """Two practices and every actor: shared by the module's tests (built once), or built for a committed test."""
    if _is_committed(request):
        return WorldView(World().references())
    return WorldView(test_database.world(request.module.__name__))


@pytest.fixture
def seeded_client(app) -> Practice:
    """The demo practice of `flask seed-demo`."""
    from practice.cli import seed_demo

    practice = seed_demo()
    db.session.commit()
    return practice
