"""Sessions end after an idle and an absolute limit, and sensitive actions ask for the password again.

The clock is moved by editing the times kept in the signed session, as the passing hours would.
"""
from __future__ import annotations

import time

from practice.accounts import sessions
from practice.extensions import db
from tests.support.helpers import audit_events, login
from tests.support.world import PASSWORD

HOUR = 3600


def _move_back(client, key: str, seconds: int) -> None:
    with client.session_transaction() as session:
        session[key] = int(time.time()) - seconds


# Idle and absolute limits ------------------------------------------------------------------------------------

def test_a_session_left_idle_past_the_limit_ends_and_comes_back_to_the_page(client, auth, world):
    login(client, world.therapist)
    _move_back(client, sessions.SEEN_AT, 61 * 60)
    response = client.get(f"/clients/{world.record.id}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next=/clients/{world.record.id}"
    login_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "logged out after a period without activity" in login_page
    assert client.get("/clients/").status_code == 302  # no longer logged in
    expired = audit_events("auth.session_expired")
    assert [(event.actor_id, event.detail) for event in expired] == [(world.therapist.id, sessions.REASON_IDLE)]


def test_activity_keeps_a_session_alive(client, world):
    login(client, world.therapist)
    _move_back(client, sessions.SEEN_AT, 59 * 60)
    assert client.get("/clients/").status_code == 200
    _move_back(client, sessions.LOGIN_AT, 5 * HOUR)  # a busy day: still within the absolute limit
    assert client.get("/clients/").status_code == 200
    with client.session_transaction() as session:
        assert time.time() - session[sessions.SEEN_AT] < 60


def test_a_static_file_answered_late_cannot_put_back_an_older_session(client, world):
    """A stylesheet asked for with the cookie of a page ago, answered after the next page: it sends no cookie, so it
    cannot undo that page's activity (a browser test went idle this way when the suite was busy)."""
    login(client, world.therapist)
    page = client.get("/clients/")
    assert any(value.startswith("practice_session=") for value in page.headers.getlist("Set-Cookie"))
    stylesheet = client.get("/static/css/app.css")
    assert stylesheet.status_code == 200
    assert not any(value.startswith("practice_session=") for value in stylesheet.headers.getlist("Set-Cookie"))


def test_a_busy_session_still_ends_at_the_absolute_limit(client, auth, world):
    login(client, world.owner)
    _move_back(client, sessions.LOGIN_AT, 10 * HOUR + 60)
    response = client.get("/", follow_redirects=True)
    assert "Your session reached its time limit" in response.get_data(as_text=True)
    assert b'name="password"' in response.data
    assert audit_events("auth.session_expired")[-1].detail == sessions.REASON_ABSOLUTE


def test_a_form_posted_after_the_limit_changes_nothing(client, world):
    login(client, world.therapist)
    _move_back(client, sessions.SEEN_AT, 2 * HOUR)
    response = client.post(f"/clients/{world.record.id}/edit", data={"first_name": "Changed", "last_name": "Name"})
    # Back to the form's page after logging in, where the browser puts the typed answers back (form-draft.js).
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next=/clients/{world.record.id}/edit"
    assert "What you just sent was not saved." in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.refresh(world.record)
    assert world.record.first_name == "Amira"


def test_a_button_posted_after_the_limit_leads_to_the_plain_login_page(client, world):
    """A post-only action (archive) has no page of its own to come back to."""
    login(client, world.therapist)
    _move_back(client, sessions.SEEN_AT, 2 * HOUR)
    response = client.post(f"/clients/{world.record.id}/archive")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    db.session.refresh(world.record)
    assert world.record.is_archived is False


def test_the_limits_come_from_the_settings(make_app, world):
    from datetime import timedelta

    app = make_app(SESSION_IDLE_LIMIT=timedelta(minutes=5))
    client = app.test_client()
    login(client, world.therapist)
    assert client.get("/clients/").status_code == 200
    _move_back(client, sessions.SEEN_AT, 6 * 60)
    assert client.get("/clients/").status_code == 302


def test_a_session_cookie_without_its_login_time_is_refused(client, world):
    login(client, world.therapist)
    with client.session_transaction() as session:
        del session[sessions.LOGIN_AT]
    assert client.get("/clients/").status_code == 302


def test_client_portal_sessions_have_the_same_limits(client, world):
    login(client, world.client_user)
    assert client.get("/me").status_code == 200
    _move_back(client, sessions.SEEN_AT, 61 * 60)
    response = client.get("/me")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


# Fresh login for sensitive actions -----------------------------------------------------------------------------

def test_a_sensitive_download_asks_for_the_password_again_then_continues(client, auth, world):
    login(client, world.owner)
    assert client.get("/audit/export.csv").status_code == 200  # just logged in: fresh
    _move_back(client, sessions.AUTHENTICATED_AT, 11 * 60)
    response = client.get("/audit/export.csv")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/confirm?next=/audit/export.csv"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Confirm it's you" in page and world.owner.email in page

    wrong = client.post("/account/confirm?next=/audit/export.csv", data={"password": "not my password"})
    assert wrong.status_code == 400 and "That password is not correct." in wrong.get_data(as_text=True)
    right = client.post("/account/confirm?next=/audit/export.csv", data={"password": PASSWORD})
    assert right.status_code == 302 and right.headers["Location"] == "/audit/export.csv"
    assert client.get("/audit/export.csv").headers["Content-Type"].startswith("text/csv")
    assert [event.detail for event in audit_events("auth.login_failed")] == ["wrong password"]
    assert [event.outcome for event in audit_events("auth.reauthenticate")] == ["success"]


def test_a_stale_post_changes_nothing_and_returns_to_its_page(client, world):
    login(client, world.owner)
    _move_back(client, sessions.AUTHENTICATED_AT, 30 * 60)
    response = client.post(f"/team/{world.colleague.id}/deactivate", headers={"Referer": "http://localhost/team"})
    assert response.status_code == 302 and response.headers["Location"] == "/account/confirm?next=/team"
    db.session.refresh(world.colleague)
    assert world.colleague.is_active


def test_the_page_after_confirming_is_always_on_this_site(client, world):
    login(client, world.owner)
    response = client.post("/account/confirm?next=https://evil.example/", data={"password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_guessing_the_password_on_an_open_session_logs_it_out(client, auth, world):
    login(client, world.owner)
    for _ in range(5):
        response = client.post("/account/confirm", data={"password": "a wrong guess"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert client.get("/").status_code == 302
    [locked] = audit_events("auth.lockout", target_id=world.owner.id)
    assert locked.detail.startswith("this browser locked out")  # the one whose session guessed
    assert auth.login(world.owner.email).status_code == 400  # locked for a few minutes, even with the password


def test_changing_the_password_counts_as_typing_it(client, world):
    login(client, world.owner)
    _move_back(client, sessions.AUTHENTICATED_AT, HOUR)
    client.post("/account/password", data={"current_password": PASSWORD,
                                           "new_password": "a brand new passphrase", "confirm_password":
                                           "a brand new passphrase"})
    assert client.get("/audit/export.csv").status_code == 200
