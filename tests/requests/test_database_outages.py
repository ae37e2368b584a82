"""The database down or frozen: every request gets the app's own 503 page, quickly, drawn without the database.

PostgreSQL stopped under a logged-in therapist (a cluster of the test's own), PostgreSQL frozen (a local server
that accepts connections and never answers), and a SQLite file that cannot be opened. The page says what is going
on, carries `Retry-After`, and never reads the logged-in user (which would need the database again); static files
and the anonymous login page need no database and are still served.
"""
from __future__ import annotations

import html
import os
import signal
import subprocess
import threading
import time
from contextlib import contextmanager

import pytest
from flask_migrate import upgrade

from practice.extensions import db
from tests.support.databases import BACKENDS, build_app
from tests.support.fake_servers import SilentServer, unused_port
from tests.support.helpers import login, text_of
from tests.support.postgres import ThrowawayCluster
from tests.support.world import new_practice, new_user, owner_of

RIGHT_BACK = "We'll be right back"
#: libpq's shortest connect timeout: a frozen server is given up after this many seconds
CONNECT_TIMEOUT = 2
#: far longer than a request may take: one still waiting then has hung
HUNG = 60
#: pages a logged-in therapist opens: the dashboard, the client list, a form, and a posted save
STAFF_PAGES = ["/", "/clients/", "/clients/new"]


def _outage_app(url: str):
    # Errors reach the error pages, as in production (the tests' default would raise them into the test).
    return build_app(url, PROPAGATE_EXCEPTIONS=False, DATABASE_CONNECT_TIMEOUT=CONNECT_TIMEOUT)


def _logged_in_without_the_database(app, user_id: int = 1):
    """A browser whose session cookie says a user is logged in: the app must load them from the database."""
    browser = app.test_client()
    with browser.session_transaction() as session:
        session["_user_id"] = f"{user_id}:a-session-token"
        session["_fresh"] = True
    return browser


def _assert_right_back(response, *, was_a_save: bool = False) -> None:
    page = html.unescape(text_of(response))
    assert response.status_code == 503, page[:300]
    assert response.headers["Retry-After"] == "30"
    assert response.headers["Cache-Control"] == "no-store"
    assert RIGHT_BACK in page and "not answering" in page
    assert "Internal Server Error" not in page and "Traceback" not in page
    assert ("What you just sent was not saved" in page) == was_a_save


def _assert_still_served_without_the_database(app) -> None:
    anonymous = app.test_client()
    assert anonymous.get("/static/css/app.css").status_code == 200
    assert anonymous.get("/login").status_code == 200


def _get_unless_it_hangs(browser, path: str):
    """GET `path` from a thread, waiting at most HUNG seconds: the response and how long it took."""
    answers: list = []
    request = threading.Thread(target=lambda: answers.append(browser.get(path)), daemon=True)
    started = time.monotonic()
    request.start()
    request.join(HUNG)
    assert not request.is_alive(), "the request still waits on the frozen server"
    return answers[0], time.monotonic() - started


@pytest.fixture
def own_postgresql():
    """A PostgreSQL cluster of this test's own, migrated, with a practice and a therapist: it may be stopped."""
    if "postgresql" not in BACKENDS:
        pytest.skip("PostgreSQL is not among PRACTICE_TEST_BACKENDS")
    cluster = ThrowawayCluster().start()
    try:
        cluster.admin('CREATE DATABASE "practice_outage"')
        app = _outage_app(cluster.url("practice_outage"))
        with app.app_context():
            upgrade()
            practice = new_practice("Harbour Clinic")
            therapist = new_user(practice, "therapist")
            therapist_email, owner_email = therapist.email, owner_of(practice).email
            db.session.remove()
        yield cluster, app, therapist_email, owner_email
        with app.app_context():
            db.engine.dispose()
    finally:
        cluster.stop()


def test_postgresql_stopped_under_a_logged_in_user_gives_the_503_page(own_postgresql):
    cluster, app, therapist_email, _ = own_postgresql
    browser = app.test_client()
    login(browser, therapist_email)
    assert browser.get("/").status_code == 200  # the app holds open connections to the server now

    cluster.stop()
    for path in STAFF_PAGES:
        _assert_right_back(browser.get(path))
    _assert_right_back(browser.post("/clients/new", data={"first_name": "Ada", "last_name": "Lovelace"}),
                       was_a_save=True)
    _assert_right_back(app.test_client().post("/login", data={"email": therapist_email, "password": "anything"}),
                       was_a_save=True)
    _assert_still_served_without_the_database(app)
    assert browser.get("/static/js/app.js").status_code == 200  # logged in, and no user is loaded for it


def test_a_frozen_postgresql_is_given_up_within_the_connect_timeout():
    with SilentServer() as frozen:
        app = _outage_app(f"postgresql+psycopg://practice@127.0.0.1:{frozen.port}/practice")
        # Without a connect timeout the request waits for ever (gunicorn kills the worker after 30 s).
        response, elapsed = _get_unless_it_hangs(_logged_in_without_the_database(app), "/")
        _assert_right_back(response)
        assert elapsed < 3 * CONNECT_TIMEOUT, f"the page took {elapsed:.1f} s"
        _assert_still_served_without_the_database(app)
        with app.app_context():
            db.engine.dispose()


@contextmanager
def _frozen(cluster):
    """Stop every process of the cluster (SIGSTOP), as a paused container or VM is: the kernel still answers TCP."""
    postmaster = (cluster.data / "postmaster.pid").read_text().split()[0]
    children = subprocess.run(["pgrep", "-P", postmaster], capture_output=True, text=True).stdout.split()
    processes = [int(pid) for pid in [postmaster, *children]]
    for pid in processes:
        os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        for pid in processes:
            os.kill(pid, signal.SIGCONT)


def test_a_postgresql_frozen_under_open_connections_is_given_up_within_seconds(own_postgresql):
    """The pool's connections to a frozen server wait for an answer that never comes: the watchdog ends them."""
    cluster, app, therapist_email, _ = own_postgresql
    browser = app.test_client()
    login(browser, therapist_email)
    assert browser.get("/").status_code == 200  # the pool now holds an open connection

    with _frozen(cluster):
        response, elapsed = _get_unless_it_hangs(browser, "/clients/")
    _assert_right_back(response)
    # The pool's ping gets the connect timeout, then a new connection gets it again.
    assert elapsed < 4 * CONNECT_TIMEOUT, f"the page took {elapsed:.1f} s"


def test_a_statement_past_the_statement_timeout_is_ended_by_the_server_and_answered_503(own_postgresql):
    """A statement (or a wait for a lock) that runs on is cancelled by PostgreSQL itself, and the page says so."""
    cluster, _, therapist_email, _ = own_postgresql
    app = build_app(cluster.url("practice_outage"), PROPAGATE_EXCEPTIONS=False, DATABASE_STATEMENT_TIMEOUT=1)

    @app.get("/slow-report")
    def slow_report():
        db.session.execute(db.text("SELECT pg_sleep(30)"))
        return "finished"

    browser = app.test_client()
    login(browser, therapist_email)
    started = time.monotonic()
    response = browser.get("/slow-report")
    elapsed = time.monotonic() - started
    _assert_right_back(response)
    assert elapsed < 10, f"the statement ran {elapsed:.1f} s past a 1 s statement_timeout"
    with app.app_context():
        db.engine.dispose()


def test_a_postgresql_nobody_listens_on_gives_the_503_page_to_anonymous_logins_too():
    app = _outage_app(f"postgresql+psycopg://practice@127.0.0.1:{unused_port()}/practice")
    _assert_right_back(_logged_in_without_the_database(app).get("/"))
    _assert_right_back(app.test_client().post("/login", data={"email": "a@example.com", "password": "x" * 12}),
                       was_a_save=True)
    _assert_still_served_without_the_database(app)


def test_a_sqlite_file_that_cannot_be_opened_gives_the_503_page(tmp_path):
    app = _outage_app(f"sqlite:///{tmp_path / 'folder-that-is-gone' / 'practice.sqlite3'}")
    browser = _logged_in_without_the_database(app)
    for path in STAFF_PAGES:
        _assert_right_back(browser.get(path))
    _assert_still_served_without_the_database(app)


def test_a_database_error_that_is_a_bug_is_still_the_500_page(make_app, world):
    """Only outages are 503: a statement the database refuses (a bug) stays a logged 500."""
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/broken-query")
    def broken_query():
        db.session.execute(db.text("SELECT * FROM no_such_table"))
        return "unreachable"

    browser = app.test_client()
    login(browser, world.therapist)
    response = browser.get("/broken-query")
    assert response.status_code == 500 and "Something went wrong on our side" in text_of(response)
    assert "Retry-After" not in response.headers
