"""What the login form gives away, and to whom it can be denied (issue 16): nothing about other accounts, from
its answers or from its timing."""
from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta, timezone

import pytest
from itsdangerous import URLSafeTimedSerializer

from practice.accounts import browser_links, lockout, sessions
from practice.accounts.lockout import Lock, LoginAttempt, LoginPolicy
from practice.accounts.models import User
from practice.extensions import db
from tests.support.helpers import audit_events, login, outbox_messages, text_of
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


# --- No stranger can lock a real user out; a real guess is still stopped (item 1) --------------------------------


def _stranger(app, address: str):
    """A browser that never logged in here, at `address`."""
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = address
    return browser


def _guess(browser, user: User, password: str = WRONG) -> int:
    return browser.post("/login", data={"email": user.email, "password": password}).status_code


def test_fifty_failures_by_strangers_never_stop_the_owner_in_a_browser_they_logged_in_with(app, world):
    """Issue 16: five wrong passwords for the owner's address, from anywhere, locked the account for 15 minutes."""
    owners_browser = app.test_client()
    login(owners_browser, world.owner)
    owners_browser.post("/logout")
    guesses = [_guess(_stranger(app, f"198.51.100.{n // 5}"), world.owner) for n in range(50)]
    assert set(guesses) == {400}
    login(owners_browser, world.owner)  # refused here would fail the test
    assert _guess(_stranger(app, "198.51.100.200"), world.owner, PASSWORD) == 400, "new browsers must wait"
    assert len(audit_events("auth.login_failed", target_id=world.owner.id)) == 51, "every failure audited"
    locks = [event.detail for event in audit_events("auth.lockout", target_id=world.owner.id)]
    assert locks == ["this address locked out for 15 minutes"] * 4 + ["new browsers locked out for 15 minutes"]
    cookie = owners_browser.get_cookie("practice_browser")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"


def test_a_guess_from_one_address_is_stopped_there_and_only_there(app, world):
    guesser = _stranger(app, "203.0.113.5")
    assert [_guess(guesser, world.therapist) for _ in range(5)] == [400] * 5
    assert _guess(guesser, world.therapist, PASSWORD) == 400, "the right password no longer works from there"
    assert _guess(_stranger(app, "203.0.113.6"), world.therapist, PASSWORD) == 302, "nor is anyone else held back"
    [locked] = audit_events("auth.lockout", target_id=world.therapist.id)
    assert (locked.detail, locked.ip_address) == ("this address locked out for 15 minutes", "203.0.113.5")


def test_a_guess_spread_over_many_addresses_is_stopped_for_every_new_browser(app, world, make_user):
    client_login = make_user(world.practice, "client")
    phone = app.test_client()
    login(phone, client_login)
    phone.post("/logout")
    assert {_guess(_stranger(app, f"192.0.2.{n}"), client_login) for n in range(20)} == {400}
    assert _guess(_stranger(app, "192.0.2.99"), client_login, PASSWORD) == 400
    assert _guess(phone, client_login, PASSWORD) == 302, "the client's own phone still logs in"
    assert [event.detail for event in audit_events("auth.lockout", target_id=client_login.id)] == [
        "new browsers locked out for 15 minutes"]


def test_a_known_browser_that_guesses_wrong_is_locked_out_too(app, world):
    laptop = app.test_client()
    login(laptop, world.colleague)
    laptop.post("/logout")
    assert [_guess(laptop, world.colleague) for _ in range(5)] == [400] * 5
    assert _guess(laptop, world.colleague, PASSWORD) == 400
    [locked] = audit_events("auth.lockout", target_id=world.colleague.id)
    assert locked.detail == "this browser locked out for 15 minutes"


def test_each_lock_lasts_twice_as_long_and_a_quiet_day_is_a_fresh_start(app, world):
    user, policy = db.session.get(User, world.therapist.id), LoginPolicy(max_failures=5, lock_minutes=15)
    attempt, start = LoginAttempt(browser=None, address="203.0.113.8"), datetime(2026, 1, 5, 9, tzinfo=timezone.utc)

    def locks_after_five(at: datetime) -> list:
        return [lock for _ in range(5) for lock in lockout.count_failure(user, attempt, policy, at)]

    assert locks_after_five(start) == [Lock("this address", 15)]
    assert lockout.is_locked(user, attempt, start + timedelta(minutes=14))
    assert not lockout.is_locked(user, attempt, start + timedelta(minutes=15))
    assert locks_after_five(start + timedelta(minutes=15)) == [Lock("this address", 30)]
    assert locks_after_five(start + timedelta(minutes=45)) == [Lock("this address", 60)]
    assert locks_after_five(start + timedelta(days=2)) == [Lock("this address", 15)]


def test_the_browser_cookie_is_secure_in_production_and_opens_nothing_by_itself(make_app, world):
    production = make_app(ENV_NAME="production", SITE_URL="https://localhost").test_client()
    response = production.post("/login", data={"email": world.therapist.email, "password": PASSWORD},
                               base_url="https://localhost")
    header = next(value for value in response.headers.getlist("Set-Cookie") if value.startswith("practice_browser="))
    attributes = {part.strip().split("=")[0].lower() for part in header.split(";")[1:]}
    assert {"secure", "httponly", "samesite", "max-age"} <= attributes
    token = production.get_cookie("practice_browser", domain="localhost").value
    stranger = make_app(ENV_NAME="production", SITE_URL="https://localhost").test_client()
    stranger.set_cookie("practice_browser", token, domain="localhost")
    assert stranger.get("/", base_url="https://localhost").status_code == 302, "the token is no login"


# --- A new browser gets in with a link mailed to the account's address (item 1) ----------------------------------

BROWSER_LINK = re.compile(r"https?://[^/\s]+(/login/new-browser/[A-Za-z0-9_.-]+)")


def _ask_for_link(browser, email: str) -> str:
    """What the page says after asking for a link (its card, without the layout's per-response nonces)."""
    response = browser.post("/login/new-browser", data={"email": email})
    assert response.status_code == 200
    page = text_of(response)
    response.close()  # as a server does once the page has gone: the e-mail goes out then
    return page[page.index('<section class="card narrow">'):page.index("</section>")]


def _mailed_link(outbox) -> str:
    [message] = outbox_messages(outbox)
    return BROWSER_LINK.search(message.get_content()).group(1)


def test_a_new_phone_gets_in_with_the_link_mailed_to_the_address_while_strangers_keep_new_browsers_out(
        app, world, make_user, outbox):
    client_login = make_user(world.practice, "client")
    assert {_guess(_stranger(app, f"192.0.2.{n}"), client_login) for n in range(20)} == {400}
    new_phone = _stranger(app, "198.51.100.77")
    assert _guess(new_phone, client_login, PASSWORD) == 400, "strangers keep every new browser waiting"
    assert "Right password refused on a new" in text_of(new_phone.get("/login"))

    assert f"If <strong>{client_login.email}</strong> has an account here" in _ask_for_link(new_phone,
                                                                                            client_login.email)
    path = _mailed_link(outbox)
    assert "Let this browser in" in text_of(new_phone.get(path)), "opening the link changes nothing by itself"
    assert _guess(new_phone, client_login, PASSWORD) == 400
    let_in = new_phone.post(path)
    assert let_in.status_code == 302 and let_in.headers["Location"].endswith("/login")
    assert _guess(new_phone, client_login, PASSWORD) == 302, "the new phone logs in with the password"
    assert _guess(_stranger(app, "198.51.100.78"), client_login, PASSWORD) == 400, "other new browsers still wait"
    assert [event.outcome for event in audit_events("auth.browser_link_sent", target_id=client_login.id)] == [
        "success"]
    assert len(audit_events("auth.browser_trusted", target_id=client_login.id)) == 1


def test_a_link_works_once_in_one_browser_and_lets_no_one_in_without_the_password(app, world, outbox):
    _ask_for_link(app.test_client(), world.therapist.email)
    path = _mailed_link(outbox)
    first = _stranger(app, "198.51.100.80")
    first.get(path)
    assert first.post(path).status_code == 302
    assert first.get("/clients/").status_code == 302, "the link is no login"
    second = _stranger(app, "198.51.100.81")
    spent = second.get(path, follow_redirects=True)
    assert "expired or has already been used" in text_of(spent)
    assert second.get_cookie("practice_browser") is None


def test_asking_for_a_link_answers_the_same_for_any_address_and_mails_an_account_once_in_five_minutes(
        app, world, outbox, make_user):
    browser = app.test_client()
    former = db.session.get(User, make_user(world.practice, "therapist").id)
    former.is_active = False
    db.session.commit()
    _ask_for_link(browser, former.email)
    assert outbox_messages(outbox) == [], "a deactivated login is mailed nothing"
    unknown = _ask_for_link(browser, "nobody@example.com")
    assert outbox_messages(outbox) == []
    known = _ask_for_link(browser, world.owner.email)
    assert unknown.replace("nobody@example.com", world.owner.email) == known
    assert _ask_for_link(browser, world.owner.email.upper()) == known.replace(world.owner.email,
                                                                               world.owner.email.upper())
    assert len(outbox_messages(outbox)) == 1, "the second request within five minutes mails nothing"


def test_a_forged_or_expired_link_lets_no_browser_in(app, world, outbox, monkeypatch):
    browser = _stranger(app, "198.51.100.90")
    forged = URLSafeTimedSerializer("another key", salt="practice.browser-link").dumps(
        {"email": world.therapist.email, "nonce": "n"})
    assert "expired or has already been used" in text_of(
        browser.post(f"/login/new-browser/{forged}", follow_redirects=True))
    _ask_for_link(browser, world.therapist.email)
    path = _mailed_link(outbox)
    monkeypatch.setattr(browser_links, "LINK_LIFETIME", timedelta(seconds=-1))  # the link's 30 minutes are over
    assert "expired or has already been used" in text_of(browser.post(path, follow_redirects=True))
    assert browser.get_cookie("practice_browser") is None
    assert audit_events("auth.browser_trusted") == []
