"""Logging in and out, sessions that really end, temporary passwords, throttling and redirects."""
from __future__ import annotations

import pytest

from tests.support.helpers import audit_events, login
from tests.support.world import PASSWORD

FAILED = "do not match an active account"


def test_login_lands_on_the_dashboard(client, auth, world):
    response = auth.login(world.therapist.email, follow_redirects=True)
    assert response.status_code == 200
    assert b"Good to see you, Theo" in response.data
    assert "auth.login" in [event.action for event in audit_events(actor_id=world.therapist.id)]


def test_login_ignores_email_case_and_spaces(client, auth, world):
    assert auth.login(f"  {world.therapist.email.upper()} ").status_code == 302


def test_unknown_email_and_wrong_password_get_the_same_answer(client, auth, world):
    unknown = auth.login("nobody@example.com")
    wrong = auth.login(world.therapist.email, "not-the-password")
    assert unknown.status_code == wrong.status_code == 400
    assert FAILED in unknown.get_data(as_text=True) and FAILED in wrong.get_data(as_text=True)
    assert unknown.data.replace(b"nobody@example.com", b"") == wrong.data.replace(world.therapist.email.encode(), b"")
    failures = audit_events("auth.login_failed")
    assert len(failures) == 2
    assert all(PASSWORD not in (event.detail or "") and "not-the-password" not in (event.detail or "")
               for event in failures)


def test_repeated_failures_lock_the_account_even_for_the_right_password(client, auth, world):
    for _ in range(5):
        auth.login(world.therapist.email, "wrong-password-here")
    response = auth.login(world.therapist.email)
    assert response.status_code == 400 and FAILED in response.get_data(as_text=True)
    assert "auth.lockout" in [event.action for event in audit_events()]


def test_login_is_throttled_per_address(make_app, world):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    statuses = [client.post("/login", data={"email": "x@example.com", "password": "whatever1"}).status_code
                for _ in range(4)]
    assert statuses == [400, 400, 400, 429]
    assert b"Too many attempts" in client.post("/login", data={"email": "a@b.c", "password": "x"}).data


def test_logout_is_a_post_and_ends_the_session(client, auth, world):
    login(client, world.therapist)
    assert client.get("/logout").status_code == 405
    assert client.get("/clients/").status_code == 200
    response = auth.logout()
    assert response.status_code == 302
    assert client.get("/clients/").status_code == 302


def test_a_cookie_saved_before_logout_is_refused_after_it(app, client, auth, world):
    login(client, world.therapist)
    saved = client.get_cookie("practice_session").value
    auth.logout()
    replay = app.test_client()
    replay.set_cookie("practice_session", saved)
    response = replay.get("/clients/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_password_change_ends_other_sessions_but_keeps_this_one(app, client, auth, world):
    other_device = app.test_client()
    login(other_device, world.therapist)
    login(client, world.therapist)
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "a-brand-new-passphrase", "confirm_password": "a-brand-new-passphrase"})
    assert response.status_code == 302
    assert client.get("/clients/").status_code == 200
    assert other_device.get("/clients/").status_code == 302
    assert auth.logout().status_code == 302
    assert auth.login(world.therapist.email, "a-brand-new-passphrase").status_code == 302


@pytest.mark.parametrize("new_password,message", [
    ("short1", "at least 8 characters"),
    ("password1", "too common"),
    ("qwertyuiop", "too common"),
    ("aaaaaaaaaaaa", "too common"),
])
def test_weak_new_passwords_are_refused(client, world, new_password, message):
    login(client, world.therapist)
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": new_password, "confirm_password": new_password})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_a_long_passphrase_is_accepted_whole(client, auth, world):
    long_one = "the quiet heron waits by the grey river at dawn " * 4
    login(client, world.therapist)
    client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": long_one, "confirm_password": long_one})
    auth.logout()
    assert auth.login(world.therapist.email, long_one).status_code == 302
    auth.logout()
    assert auth.login(world.therapist.email, long_one[:-5]).status_code == 400


def test_wrong_current_password_is_refused_and_audited(client, auth, world):
    login(client, world.therapist)
    response = client.post("/account/password", data={
        "current_password": "not-my-password", "new_password": "fresh-secure-words", "confirm_password": "fresh-secure-words"})
    assert "current password is not correct" in response.get_data(as_text=True)
    [event] = audit_events("auth.password_change")
    assert event.outcome == "failure"


def test_temporary_password_must_be_changed_first(client, world, make_user):
    newcomer = make_user(world.practice, "therapist", is_password_temporary=True)
    login(client, newcomer)  # the login itself is accepted (302)
    assert client.get("/clients/").headers["Location"].endswith("/account/password")
    page = client.get("/account/password")
    assert b"temporary password" in page.data
    client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "my-own-calm-words", "confirm_password": "my-own-calm-words"})
    assert client.get("/clients/").status_code == 200


def test_a_deactivated_user_is_refused_on_the_next_request(app, client, auth, world):
    login(client, world.colleague)
    assert client.get("/clients/").status_code == 200
    owner = app.test_client()
    login(owner, world.owner)
    assert owner.post(f"/team/{world.colleague.id}/deactivate").status_code == 302
    assert client.get("/clients/").status_code == 302
    assert auth.login(world.colleague.email).status_code == 400


@pytest.mark.parametrize("target,expected", [
    ("/clients/?q=amira", "/clients/?q=amira"),
    ("https://evil.example/phish", "/"),
    ("//evil.example/phish", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
])
def test_next_redirects_only_to_local_paths(client, world, target, expected):
    response = client.post("/login", query_string={"next": target},
                           data={"email": world.therapist.email, "password": PASSWORD})
    assert response.headers["Location"] == expected


def test_login_starts_a_fresh_session(client, auth, world):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    auth.login(world.therapist.email)
    with client.session_transaction() as session:
        assert "planted" not in session


def test_security_headers_are_sent(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "object-src 'none'" in csp and "base-uri 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src" not in csp or "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"
    cookie = client.get_cookie("practice_session")
    assert cookie is None or cookie.http_only
