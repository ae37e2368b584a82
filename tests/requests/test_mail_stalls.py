"""A mail server that never answers, or drips its answer, stalls nobody: no lock is held, and the wait has an end.

The invitation is committed before the e-mail goes out (`practice.unit_of_work.after_commit`); while the app talks
to the mail server it holds no database lock, so colleagues keep saving. A whole-conversation deadline
(`MAIL_TIMEOUT`) ends a conversation that goes on forever, and the page still shows the link.
"""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.pool import NullPool

from practice.audit.models import OUTCOME_FAILURE
from practice.clients.models import Client
from practice.extensions import db
from practice.portal.models import Invitation
from tests.support.fake_servers import DrippingServer, SilentServer
from tests.support.helpers import audit_events, login, text_of

NOT_SENT = "The e-mail could not be sent. Give Nadia the link or the QR code below instead."
#: far longer than any of these tests may take: a request still waiting then has hung
HUNG = 60


@pytest.fixture
def newcomer(make_client, world):
    """A client of the world's therapist with an e-mail address and no portal login yet."""
    return make_client(world.practice, world.therapist, first_name="Nadia", last_name="Novak",
                       email="nadia@example.com")


def _invite_in_the_background(browser, record) -> tuple[threading.Thread, list]:
    answers: list = []
    path = f"/clients/{record.id}/portal/invite"  # read here: the thread has no app context to load it in
    request = threading.Thread(target=lambda: answers.append(browser.post(path)))
    request.start()
    return request, answers


def _save_a_phone_number_elsewhere(database_url: str, client_id: int) -> None:
    """A colleague's save, through a connection of its own that waits for no lock at all."""
    if database_url.startswith("sqlite"):
        engine = create_engine(database_url, poolclass=NullPool, connect_args={"timeout": 0})
    else:
        engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SET LOCAL lock_timeout = '1ms'"))
            connection.execute(text("UPDATE clients SET phone = '07700 900123' WHERE id = :id"), {"id": client_id})
    finally:
        engine.dispose()


@pytest.mark.committed
def test_while_a_silent_mail_server_is_waited_on_colleagues_still_save(make_app, world, newcomer, database_url):
    with SilentServer() as mail_server:
        app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=mail_server.port, MAIL_USE_TLS=False, MAIL_TIMEOUT=HUNG)
        browser = app.test_client()
        login(browser, world.therapist)
        request, answers = _invite_in_the_background(browser, newcomer)
        assert mail_server.connected.wait(HUNG), "the invitation never reached the mail server"

        # The invitation request is now waiting on the mail server: a colleague's save goes through at once.
        _save_a_phone_number_elsewhere(database_url, world.record.id)
        mail_server.stop()  # the mail server hangs up; the request finishes
        request.join(HUNG)

    assert not request.is_alive()
    [response] = answers
    assert response.status_code == 200 and NOT_SENT in text_of(response)
    db.session.rollback()  # read what is committed now
    assert db.session.scalar(select(Client.phone).where(Client.id == world.record.id)) == "07700 900123"
    [invitation] = db.session.scalars(select(Invitation).where(Invitation.client_id == newcomer.id)).all()
    assert invitation.revoked_at is None


def test_a_mail_server_that_drips_its_answer_is_given_up_at_the_deadline(make_app, world, newcomer):
    with DrippingServer() as mail_server:
        app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=mail_server.port, MAIL_USE_TLS=False, MAIL_TIMEOUT=0.5)
        browser = app.test_client()
        login(browser, world.therapist)
        started = time.monotonic()
        request, answers = _invite_in_the_background(browser, newcomer)
        request.join(HUNG)  # without a deadline the drip never ends, and neither would the request
        elapsed = time.monotonic() - started
        assert not request.is_alive(), "the invitation waited on the dripping mail server with no end"
        conversations = [thread for thread in threading.enumerate() if thread.name == "smtp-conversation"]
        for thread in conversations:
            thread.join(HUNG)
        assert not any(thread.is_alive() for thread in conversations), "the abandoned conversation kept talking"

    [response] = answers
    page = text_of(response)
    assert response.status_code == 200 and NOT_SENT in page and "/invite/" in page  # the link is shown
    assert elapsed < 10, f"the request took {elapsed:.1f} s for a 0.5 s mail deadline"
    [failed] = audit_events("portal.invite_mail", client_id=newcomer.id)
    assert failed.outcome == OUTCOME_FAILURE and "did not finish within 0.5 seconds" in failed.detail
