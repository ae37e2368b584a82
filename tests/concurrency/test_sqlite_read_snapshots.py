"""SQLite: a request that reads holds no write lock until it writes (practice/database.py, configure_sqlite).

Two connections to one SQLite file: the app's, in a request, and one of the test's own that writes meanwhile.
"""
from __future__ import annotations

import sqlite3
import threading

import pytest
from flask import Blueprint
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from practice.audit.models import AuditEvent
from practice.audit.operations import record_event
from practice.clients.models import Client
from practice.database import utcnow
from practice.extensions import db
from practice.pdf.rendering import render_pdf
from tests.support.helpers import login

pytestmark = [pytest.mark.concurrency, pytest.mark.committed,
              pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]

#: far below the app's busy timeout: a write that had to wait for the request's lock fails fast
OTHER_WRITER_TIMEOUT_S = 1
WAIT_S = 30

probe = Blueprint("lock_probe", __name__, url_prefix="/_lock")
#: set by the tests: events the probe view waits on or sets, and the connection a fixture began
shared: dict = {}


@probe.get("/read-render-record/<int:client_id>")
def read_render_record(client_id: int):
    """Read, 'render' until the test has written, then write the audit row, as a page view does."""
    client = db.session.get(Client, client_id)  # the read: the transaction's snapshot starts here
    shared["read done"].set()
    assert shared["rendered"].wait(WAIT_S)
    record_event("lock_probe.view", target=client)
    return client.first_name


@probe.get("/on-the-fixtures-connection")
def on_the_fixtures_connection():
    """Write through a session joined to a transaction begun outside any request, as test fixtures do."""
    with Session(bind=shared["connection"], join_transaction_mode="create_savepoint") as session:
        session.add(AuditEvent(action="lock_probe.in_request"))
        session.commit()  # releases the savepoint only
    return "ok"


@pytest.fixture
def probe_app(app, make_app):
    """The app with the probe views; errors become the 500 page, as in production."""
    served = make_app(PROPAGATE_EXCEPTIONS=False)
    served.register_blueprint(probe)
    shared.clear()
    yield served
    shared.clear()


@pytest.fixture
def other_writer(database_url):
    """A plain sqlite3 connection of the test's own to the same file, which waits at most a second for a lock."""
    connection = sqlite3.connect(make_url(database_url).database, timeout=OTHER_WRITER_TIMEOUT_S,
                                 isolation_level=None)
    yield connection
    connection.close()


@pytest.fixture
def saves_during_renders(monkeypatch, other_writer) -> list[str]:
    """Every PDF render first lets someone else save; returns how each attempt went ("saved" or the error)."""
    outcomes = []

    def render_while_someone_saves(job, **limits):
        try:
            other_writer.execute("BEGIN IMMEDIATE")  # a real change: an UPDATE that changes nothing writes nothing
            other_writer.execute("INSERT INTO audit_events (at, action, outcome) VALUES (?, 'lock_probe.meanwhile', "
                                 "'success')", (utcnow().isoformat(),))
            other_writer.execute("COMMIT")
            outcomes.append("saved")
        except sqlite3.OperationalError as error:
            outcomes.append(str(error))
        return render_pdf(job, **limits)

    monkeypatch.setattr("practice.pdf.documents.render_pdf", render_while_someone_saves)  # every PDF goes there
    return outcomes


def _audit_rows(action: str) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


def test_a_page_view_that_read_first_blocks_no_writer_and_still_writes_its_audit_row(probe_app, world,
                                                                                      other_writer):
    shared["read done"], shared["rendered"] = threading.Event(), threading.Event()
    answer = {}
    viewer = threading.Thread(target=lambda: answer.update(
        response=probe_app.test_client().get(f"/_lock/read-render-record/{world.record.id}")))
    viewer.start()
    try:
        assert shared["read done"].wait(WAIT_S)
        # While the page 'renders', someone else saves: no lock is in the way (it waited 10 s before).
        other_writer.execute("BEGIN IMMEDIATE")
        other_writer.execute("UPDATE clients SET first_name = 'Renamed' WHERE id = ?", (world.record.id,))
        other_writer.execute("COMMIT")
    finally:
        shared["rendered"].set()
        viewer.join(WAIT_S)
    # The view's snapshot is older than that commit, yet its audit row is written (not "database is locked").
    assert answer["response"].status_code == 200
    assert answer["response"].get_data(as_text=True) == "Amira"  # what its snapshot read
    assert _audit_rows("lock_probe.view") == 1
    assert db.session.scalar(select(Client.first_name).where(Client.id == world.record.id)) == "Renamed"


def test_a_transaction_begun_outside_a_request_is_never_committed_by_one(probe_app, world):
    with probe_app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()  # as a fixture's transaction: outside any request
        connection.execute(AuditEvent.__table__.insert().values(action="lock_probe.fixture"))
        shared["connection"] = connection
        try:
            response = probe_app.test_client().get("/_lock/on-the-fixtures-connection")
        finally:
            outer.rollback()
            connection.close()
    assert response.status_code == 200
    assert _audit_rows("lock_probe.fixture") == 0 and _audit_rows("lock_probe.in_request") == 0


@pytest.mark.parametrize("actor,method,path", [
    ("therapist", "GET", "/clients/{record}/plans/{plan}/versions/1/handout.pdf"),
    ("client_user", "GET", "/me/handout.pdf"),
    ("owner", "GET", "/clients/{record}/export.pdf"),
    ("therapist", "POST", "/clients/{record}/portal/invitation-handout"),  # posted to keep its token out of URLs
])
def test_no_pdf_render_holds_the_write_lock(probe_app, world, saves_during_renders, actor, method, path):
    browser = probe_app.test_client()
    login(browser, getattr(world, actor))
    response = browser.open(path.format(record=world.record.id, plan=world.plan.id), method=method,
                            data={"token": world.invitation_token} if method == "POST" else None)
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert saves_during_renders == ["saved"]
    assert _audit_rows("lock_probe.meanwhile") == 1
