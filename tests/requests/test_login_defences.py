"""What the login form gives away, and to whom it can be denied (issue 16): nothing about other accounts, from
its answers or from its timing."""
from __future__ import annotations

import hashlib
import re

import pytest

from practice.accounts import sessions
from practice.accounts.models import User
from practice.extensions import db
from tests.support.helpers import audit_events, login, text_of
from tests.support.world import PASSWORD

WRONG = "not-the-password-at-all"
INVITATION = re.compile(r"/invite/([A-Za-z0-9_-]{20,})")


@pytest.fixture
def derivations(monkeypatch) -> list:
    """One entry per password-hash computation (scrypt) made from now on."""
    made = []
    real = hashlib.scrypt

    def counted(*args, **kwargs):
        made.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", counted)
    return made


def test_every_answer_of_the_login_form_costs_one_password_hash(app, client, auth, world, make_user, derivations):
    """Issue 16: a locked account answered in ~10 ms (no hash), an unknown address in ~140-290 ms."""
    locked, inactive = make_user(world.practice, "therapist"), make_user(world.practice, "therapist")
    for _ in range(5):
        app.test_client().post("/login", data={"email": locked.email, "password": WRONG})
    db.session.get(User, inactive.id).is_active = False
    db.session.commit()
    attempts = {
        "unknown address": ("nobody@example.com", WRONG),
        "wrong password": (world.therapist.email, WRONG),
        "locked, right password": (locked.email, None),
        "locked, wrong password": (locked.email, WRONG),
        "inactive, right password": (inactive.email, None),
        "inactive, wrong password": (inactive.email, WRONG),
        "right password": (world.colleague.email, None),
    }
    costs = {}
    for name, (email, password) in attempts.items():
        derivations.clear()
        response = auth.login(email, password) if password else auth.login(email)
        assert response.status_code == (302 if name == "right password" else 400), name
        costs[name] = len(derivations)
    assert costs == {name: 1 for name in attempts}


# --- One address, accounts in several practices (item 6) ---------------------------------------------------------


def test_adding_a_team_member_whose_address_is_used_in_another_practice_tells_nothing_about_it(app, client, world):
    """Issue 16: "already exists" told the owner that the address had an account in another practice."""
    login(client, world.owner)
    response = client.post("/team/new", data={"name": "Otto Twice", "email": world.other_therapist.email,
                                              "temporary_password": "welcome-to-willow-st"}, follow_redirects=True)
    assert response.status_code == 200 and "already" not in text_of(response)
    assert "Otto Twice can now log in with the temporary password" in text_of(response)
    otto_here = app.test_client()
    login(otto_here, world.other_therapist.email, "welcome-to-willow-st")
    assert otto_here.get("/").headers["Location"].endswith("/account/password")  # the new account, here
    otto_there = app.test_client()
    login(otto_there, world.other_therapist.email)  # the other practice's account and password are untouched
    assert world.other_practice.name in text_of(otto_there.get("/"))


def test_inviting_a_client_whose_address_is_a_login_elsewhere_works_like_any_other(app, client, world, make_client):
    """Issue 16: "already belongs to another account" told a therapist the client had a login in another clinic."""
    record = make_client(world.practice, world.therapist, first_name="Otto", last_name="Other",
                         email=world.other_therapist.email)
    login(client, world.therapist)
    page = text_of(client.post(f"/clients/{record.id}/portal/invite"))
    assert "already" not in page
    token = INVITATION.search(page).group(1)
    visitor = app.test_client()
    accepted = visitor.post(f"/invite/{token}", data={"password": "otto-at-willow-street",
                                                      "confirm_password": "otto-at-willow-street"})
    assert accepted.status_code == 302 and accepted.headers["Location"].endswith("/me")
    assert "Otto" in text_of(visitor.get("/me"))
    visitor.post("/logout")
    login(visitor, world.other_therapist.email)  # at work, with the other practice's password
    assert world.other_practice.name in text_of(visitor.get("/"))


def test_a_password_that_opens_accounts_in_two_practices_asks_which_then_logs_in_there(app, client, world, make_user):
    here = make_user(world.practice, "client", email=world.other_therapist.email, name="Otto Other")
    response = client.post("/login?next=/me", data={"email": world.other_therapist.email.upper(),
                                                    "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login/practice")
    choice = text_of(client.get(response.headers["Location"]))
    assert world.practice.name in choice and world.other_practice.name in choice
    assert client.get("/me").status_code == 302, "not logged in before choosing"
    forged = client.post(response.headers["Location"], data={"account": world.owner.id})
    assert forged.status_code == 400 and "Choose one of the practices listed" in text_of(forged)
    chosen = client.post(response.headers["Location"], data={"account": here.id})
    assert chosen.status_code == 302 and chosen.headers["Location"] == "/me"
    assert "Otto" in text_of(client.get("/me"))
    [logged] = audit_events("auth.login")
    assert (logged.actor_id, logged.practice_id) == (here.id, world.practice.id)


def test_the_choice_of_practice_stays_open_a_few_minutes_only(client, world, make_user):
    make_user(world.practice, "client", email=world.other_therapist.email)
    client.post("/login", data={"email": world.other_therapist.email, "password": PASSWORD})
    with client.session_transaction() as session:
        offer = session[sessions.ACCOUNTS_OFFERED]
        session[sessions.ACCOUNTS_OFFERED] = {**offer, "at": offer["at"] - sessions.CHOICE_SECONDS - 1}
    late = client.get("/login/practice")
    assert late.status_code == 302 and late.headers["Location"] == "/login"


def test_an_address_in_two_practices_costs_one_password_hash_and_fails_in_each(client, auth, world, make_user,
                                                                               derivations):
    here = make_user(world.practice, "client", email=world.other_therapist.email)
    for password in (WRONG, PASSWORD):
        derivations.clear()
        auth.login(world.other_therapist.email, password)
        assert len(derivations) == 1, "as many as for an address with one account"
    failures = audit_events("auth.login_failed")
    assert {(event.target_id, event.practice_id) for event in failures} == {
        (here.id, world.practice.id), (world.other_therapist.id, world.other_practice.id)}
