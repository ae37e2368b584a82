"""One commit per request, at the edge (practice/unit_of_work.py).

Probe views, added to an app built for the test, change a client's name the way views do (through an operation
that flushes) and then end in each way a request can end. What is committed is read through a connection of the
test's own, outside the app, so a view can also look at it while the request is still running.
"""
from __future__ import annotations

import pytest
from flask import Blueprint, flash, has_request_context, request
from flask_login import current_user
from sqlalchemy import create_engine, event, func, select
from werkzeug.exceptions import NotFound

from practice.access import deny, staff_required
from practice.accounts.models import User
from practice.audit.models import AuditEvent
from practice.audit.operations import record_event
from practice.clients.models import Client
from practice.clients.operations import update_client
from practice.extensions import db
from tests.support.helpers import login

#: what is committed is read through a connection of the test's own: a test's rolled-back transaction would hide it
pytestmark = pytest.mark.committed

probe = Blueprint("edge_probe", __name__, url_prefix="/_edge")
#: what the probe views saw while their request ran, for the test to check afterwards
seen: dict = {}


def _rename(client_id: int) -> Client:
    client = db.session.get(Client, client_id)
    update_client(client, {"first_name": request.form["name"]}, actor=current_user._get_current_object())
    return client


@probe.post("/rename/<int:client_id>")
@staff_required
def rename(client_id: int):
    _rename(client_id)
    seen["name while the view runs"] = seen["read"](select(Client.first_name).where(Client.id == client_id))
    return "renamed"


@probe.post("/rename-then-deny/<int:client_id>")
@staff_required
def rename_then_deny(client_id: int):
    _rename(client_id)
    try:
        deny("edge_probe.denied", target_type="client", target_id=client_id)
    except NotFound:
        seen["denials committed by deny itself"] = seen["read"](
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "edge_probe.denied"))
        raise


@probe.post("/rename-then-crash/<int:client_id>")
@staff_required
def rename_then_crash(client_id: int):
    _rename(client_id)
    record_event("edge_probe.crashing")
    raise RuntimeError("a bug after the change")


@probe.post("/rename-then-clash/<int:client_id>")
@staff_required
def rename_then_clash(client_id: int):
    """The rename flushes; a second user with the owner's e-mail fails only when the edge flushes it."""
    client = _rename(client_id)
    owner = db.session.scalars(select(User).where(User.practice_id == client.practice_id, User.role == "owner")).one()
    db.session.add(User(practice_id=client.practice_id, email=owner.email, name="Clash", role="therapist",
                        password_hash="x"))
    flash("Saved the new name.", "success")
    return "renamed"


@probe.post("/rename-and-notify/<int:client_id>")
@staff_required
def rename_and_notify(client_id: int):
    from practice.unit_of_work import after_commit

    _rename(client_id)

    def notify():
        seen.setdefault("names seen after the commit", []).append(
            seen["read"](select(Client.first_name).where(Client.id == client_id)))
        record_event("edge_probe.notified")

    after_commit(notify)
    return "renamed"


@probe.post("/notify-then-<ending>/<int:client_id>")
@staff_required
def notify_then_fail(ending: str, client_id: int):
    from practice.unit_of_work import after_commit

    _rename(client_id)
    after_commit(lambda: seen.setdefault("callbacks run", []).append(ending))
    if ending == "deny":
        deny("edge_probe.denied", target_type="client", target_id=client_id)
    raise RuntimeError("a bug after the change")


@probe.post("/rename-then-respond-<ending>/<int:client_id>")
@staff_required
def rename_then_work_after_the_response(ending: str, client_id: int):
    from practice.unit_of_work import after_response

    _rename(client_id)

    def after():
        seen.setdefault("names seen after the response", []).append(
            seen["read"](select(Client.first_name).where(Client.id == client_id)))
        record_event("edge_probe.after_response", target=db.session.get(Client, client_id))

    after_response(after)
    if ending == "crash":
        raise RuntimeError("a bug after the change")
    return "renamed"


@probe.get("/look/<int:client_id>")
@staff_required
def look(client_id: int):
    """A page view: its audit row waits for the edge, so nothing is written while the page renders."""
    record_event("edge_probe.look", target=db.session.get(Client, client_id))
    return str(db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "edge_probe.look")))


@probe.get("/look-twice/<int:client_id>")
@staff_required
def look_twice(client_id: int):
    record_event("edge_probe.discarded")
    db.session.rollback()  # as a failed render does: what was recorded before is dropped
    record_event("edge_probe.kept", target=db.session.get(Client, client_id))
    return "ok"


@pytest.fixture
def committed(database_url):
    """Read what is committed, through a connection of the test's own (none of the app's settings or events)."""
    engine = create_engine(database_url)

    def read(statement):
        with engine.connect() as connection:
            rows = connection.execute(statement).all()
        return rows[0][0] if len(rows) == 1 and len(rows[0]) == 1 else rows

    seen.clear()
    seen["read"] = read
    yield read
    seen.clear()
    engine.dispose()


@pytest.fixture
def probe_app(app, make_app):
    """The app with the probe views; errors become the 500 page, as in production."""
    served = make_app(PROPAGATE_EXCEPTIONS=False)
    served.register_blueprint(probe)
    return served


@pytest.fixture
def therapist(probe_app, world):
    """A test client logged in as the world's therapist."""
    browser = probe_app.test_client()
    login(browser, world.therapist)
    return browser


@pytest.fixture
def commits(probe_app):
    """Database commits made from now on (empty transactions are not commits)."""
    made = []
    with probe_app.app_context():
        engine = db.engine
    event.listen(engine, "commit",
                 lambda connection: made.append(request.endpoint if has_request_context() else None))
    return made


def _name(committed, world) -> str:
    return committed(select(Client.first_name).where(Client.id == world.record.id))


def _events(committed, action: str) -> list[tuple]:
    return committed(select(AuditEvent.action, AuditEvent.outcome, AuditEvent.client_id)
                     .where(AuditEvent.action == action).order_by(AuditEvent.id))


def test_a_view_that_never_commits_has_its_change_committed_once_at_the_edge(therapist, world, committed, commits):
    response = therapist.post(f"/_edge/rename/{world.record.id}", data={"name": "Renamed"})
    assert response.status_code == 200
    assert seen["name while the view runs"] == "Amira"
    assert _name(committed, world) == "Renamed"
    assert _events(committed, "client.update") == [("client.update", "success", world.record.id)]
    assert commits == ["edge_probe.rename"]


def test_a_refused_access_keeps_only_its_audit_row_which_the_edge_commits(therapist, world, committed, commits):
    response = therapist.post(f"/_edge/rename-then-deny/{world.record.id}", data={"name": "Renamed"})
    assert response.status_code == 404 and b"We could not find that page" in response.data
    assert seen["denials committed by deny itself"] == 0  # deny only records and raises
    assert _name(committed, world) == "Amira"
    assert _events(committed, "client.update") == []
    assert _events(committed, "edge_probe.denied") == [("edge_probe.denied", "denied", None)]
    assert commits == ["edge_probe.rename_then_deny"]


def test_an_exception_rolls_back_everything_the_request_did(therapist, world, committed, commits):
    response = therapist.post(f"/_edge/rename-then-crash/{world.record.id}", data={"name": "Renamed"})
    assert response.status_code == 500 and b"Something went wrong on our side" in response.data
    assert _name(committed, world) == "Amira"
    assert _events(committed, "client.update") == [] and _events(committed, "edge_probe.crashing") == []
    assert commits == []


def test_a_commit_that_fails_at_the_edge_is_the_500_page_and_saves_nothing(therapist, world, committed, commits):
    response = therapist.post(f"/_edge/rename-then-clash/{world.record.id}", data={"name": "Renamed"})
    assert response.status_code == 500 and b"Something went wrong on our side" in response.data
    assert _name(committed, world) == "Amira"
    assert _events(committed, "client.update") == []
    assert commits == []
    # The message flashed for the change that was rolled back never reaches the user.
    assert b"Saved the new name." not in response.data
    assert b"Saved the new name." not in therapist.get("/").data


def test_after_commit_callbacks_run_once_the_commit_has_succeeded(therapist, world, committed, commits):
    response = therapist.post(f"/_edge/rename-and-notify/{world.record.id}", data={"name": "Renamed"})
    assert response.status_code == 200
    assert seen["names seen after the commit"] == ["Renamed"]  # the change was committed before the callback ran
    assert [action for action, _, _ in _events(committed, "edge_probe.notified")] == ["edge_probe.notified"]
    assert commits == ["edge_probe.rename_and_notify"] * 2  # the request, then what the callback recorded


@pytest.mark.parametrize("ending,status", [("deny", 404), ("crash", 500)])
def test_after_commit_callbacks_never_run_when_the_request_is_rolled_back(therapist, world, committed, ending,
                                                                          status):
    response = therapist.post(f"/_edge/notify-then-{ending}/{world.record.id}", data={"name": "Renamed"})
    assert response.status_code == status
    assert "callbacks run" not in seen
    assert _name(committed, world) == "Amira"


def test_work_after_the_response_waits_until_the_answer_has_gone_and_commits_what_it_records(therapist, world,
                                                                                               committed):
    response = therapist.post(f"/_edge/rename-then-respond-ok/{world.record.id}", data={"name": "Renamed"})
    assert response.status_code == 200 and "names seen after the response" not in seen, "not while answering"
    response.close()  # what the server does once the answer has gone to the browser
    assert seen["names seen after the response"] == ["Renamed"]
    assert _events(committed, "edge_probe.after_response") == [
        ("edge_probe.after_response", "success", world.record.id)]


def test_work_after_the_response_never_runs_for_a_request_rolled_back(therapist, world, committed):
    response = therapist.post(f"/_edge/rename-then-respond-crash/{world.record.id}", data={"name": "Renamed"})
    assert response.status_code == 500
    response.close()
    assert "names seen after the response" not in seen
    assert _events(committed, "edge_probe.after_response") == []


def test_a_page_view_writes_its_audit_row_at_the_edge_not_before_the_render(therapist, world, committed):
    response = therapist.get(f"/_edge/look/{world.record.id}")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "0"  # not even flushed while the view ran
    assert _events(committed, "edge_probe.look") == [("edge_probe.look", "success", world.record.id)]


def test_a_rollback_drops_the_audit_rows_a_page_view_kept_for_the_edge(therapist, world, committed):
    assert therapist.get(f"/_edge/look-twice/{world.record.id}").status_code == 200
    assert _events(committed, "edge_probe.discarded") == []
    assert _events(committed, "edge_probe.kept") == [("edge_probe.kept", "success", world.record.id)]


class RecordingSMTP:
    """Stands in for smtplib.SMTP: at the moment a message is sent, reads which invitations are committed."""

    invitations_committed_at_send: list = []
    read = None

    def __init__(self, host, port=0, timeout=None):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return False

    def starttls(self):
        pass

    def send_message(self, message):
        from practice.portal.models import Invitation

        RecordingSMTP.invitations_committed_at_send.append(
            RecordingSMTP.read(select(func.count()).select_from(Invitation).where(Invitation.email == message["To"])))


@pytest.fixture
def smtp(monkeypatch, committed):
    """The recording SMTP class, installed where practice.mail looks for it."""
    monkeypatch.setattr(RecordingSMTP, "invitations_committed_at_send", [])
    monkeypatch.setattr(RecordingSMTP, "read", staticmethod(committed))
    monkeypatch.setattr("practice.mail.smtplib.SMTP", RecordingSMTP)
    return RecordingSMTP


@pytest.fixture
def newcomer(make_client, world):
    """A client of the world's therapist with an e-mail address and no portal login yet."""
    return make_client(world.practice, world.therapist, first_name="Nadia", last_name="Novak",
                       email="nadia@example.com")


def test_the_invitation_mail_goes_out_only_after_the_invitation_is_committed(make_app, world, newcomer, smtp):
    browser = make_app(MAIL_SERVER="smtp.example.test").test_client()
    login(browser, world.therapist)
    response = browser.post(f"/clients/{newcomer.id}/portal/invite")
    assert response.status_code == 200
    assert "An e-mail with this link went to nadia@example.com" in response.get_data(as_text=True)
    assert smtp.invitations_committed_at_send == [1]


def test_no_invitation_mail_goes_out_when_the_request_is_rolled_back(make_app, world, newcomer, smtp, monkeypatch,
                                                                     committed):
    from practice.portal import staff_views
    from practice.portal.models import Invitation

    create_invitation, taken_email = staff_views.create_invitation, world.owner.email

    def create_then_clash(client, **kwargs):
        made = create_invitation(client, **kwargs)
        db.session.add(User(practice_id=client.practice_id, email=taken_email, name="Clash", role="therapist",
                            password_hash="x"))  # fails at the next flush
        return made

    monkeypatch.setattr(staff_views, "create_invitation", create_then_clash)
    browser = make_app(MAIL_SERVER="smtp.example.test", PROPAGATE_EXCEPTIONS=False).test_client()
    login(browser, world.therapist)
    assert browser.post(f"/clients/{newcomer.id}/portal/invite").status_code == 500
    assert smtp.invitations_committed_at_send == []
    assert committed(select(func.count()).select_from(Invitation).where(Invitation.client_id == newcomer.id)) == 0
