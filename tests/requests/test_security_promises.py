"""The security promises of docs/SECURITY.md that no other test module proved, each through real requests.

Sections follow ../shared/reference/security.md: access, sessions, input and output, audit, data integrity,
and the deployment around the app (proxies, access logs). Every test says what a person would notice.
"""
from __future__ import annotations

import logging
import os
import re
import subprocess
import urllib.error
import urllib.request
from datetime import date, datetime, timedelta, timezone
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError

from practice.accounts.models import User
from practice.audit.models import OUTCOME_SUCCESS, AuditEvent
from practice.clients.models import Client
from practice.database import utcnow
from practice.extensions import db
from practice.library.models import LibraryItem
from practice.notes.models import SessionNote
from practice.portal.models import HomeLog
from practice.portal.operations import home_plan
from tests.support.access_table import ROUTES, url_values
from tests.support.gunicorn import dockerfile_gunicorn_args, free_port, wait_until_listening
from tests.support.helpers import audit_events, last_audit_id, login
from tests.support.world import PASSWORD

PROJECT_ROOT = Path(__file__).resolve().parents[2]
HTTPS = {"base_url": "https://localhost"}
#: the address the test browsers connect from, so audit rows can be checked for "from where"
BROWSER_ADDRESS = "198.51.100.23"


def browser(app, address: str = BROWSER_ADDRESS):
    """A fresh test client connecting from `address`."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def set_cookie_header(response, name: str) -> str:
    """The Set-Cookie header that sets cookie `name` ("" when none does)."""
    return next((value for value in response.headers.getlist("Set-Cookie") if value.startswith(f"{name}=")), "")


# --- Access ---------------------------------------------------------------------------------------------


def test_posted_role_practice_and_activity_are_ignored_when_the_owner_adds_a_therapist(client, world):
    login(client, world.owner)
    response = client.post("/team/new", data={
        "name": "Nadia New", "email": "nadia.new@example.com", "temporary_password": "first-day-at-willow",
        "role": "owner", "practice_id": str(world.other_practice.id), "is_active": "", "is_password_temporary": ""})
    assert response.status_code == 302
    added = db.session.scalars(select(User).where(User.email == "nadia.new@example.com")).one()
    assert (added.role, added.practice_id) == ("therapist", world.practice.id)
    assert added.is_active and added.is_password_temporary


def test_posted_role_practice_and_email_are_ignored_when_changing_a_password(client, world):
    login(client, world.therapist)
    new_password = "harbour-lights-at-dusk"
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": new_password, "confirm_password": new_password,
        "role": "owner", "practice_id": str(world.other_practice.id), "email": world.other_owner.email})
    assert response.status_code == 302, "the change itself went through"
    db.session.expire_all()
    therapist = db.session.get(User, world.therapist.id)
    assert (therapist.role, therapist.practice_id, therapist.email) == ("therapist", world.practice.id,
                                                                         world.therapist.email)


def test_a_posted_practice_is_ignored_when_creating_a_library_item(client, world):
    login(client, world.therapist)
    response = client.post("/library/new", data={"name": "Wall calf stretch", "kind": "home", "steps": "Lean on a wall",
                                                 "practice_id": str(world.other_practice.id)})
    assert response.status_code == 302
    item = db.session.scalars(select(LibraryItem).where(LibraryItem.name == "Wall calf stretch")).one()
    assert item.practice_id == world.practice.id


def test_posted_role_practice_and_email_are_ignored_when_accepting_an_invitation(app, world, make_client):
    newcomer = make_client(world.practice, world.therapist, first_name="Nadia", last_name="Novak",
                           email="nadia@example.com")
    staff, visitor = browser(app), browser(app)
    login(staff, world.therapist)
    token = re.search(r"/invite/([A-Za-z0-9_-]+)", staff.post(f"/clients/{newcomer.id}/portal/invite")
                      .get_data(as_text=True)).group(1)
    response = visitor.post(f"/invite/{token}", data={
        "password": "a quiet river morning", "confirm_password": "a quiet river morning",
        "role": "owner", "practice_id": str(world.other_practice.id), "email": "attacker@example.com"})
    assert response.status_code == 302
    db.session.expire_all()
    login_user = db.session.get(User, db.session.get(Client, newcomer.id).portal_user_id)
    assert (login_user.role, login_user.practice_id, login_user.email) == ("client", world.practice.id,
                                                                          "nadia@example.com")
    assert db.session.scalar(select(func.count()).select_from(User).where(User.email == "attacker@example.com")) == 0


def test_a_client_sees_only_an_active_plan(app, world):
    steps = [step.name for _, step in home_plan(world.record).steps]
    portal, staff = browser(app), browser(app)
    login(portal, world.client_user)
    assert all(name in portal.get("/me").get_data(as_text=True) for name in steps), "the active plan is shown"
    login(staff, world.therapist)
    assert staff.post(f"/clients/{world.record.id}/plans/{world.plan.id}/status",
                      data={"status": "completed"}).status_code == 302
    page = portal.get("/me").get_data(as_text=True)
    assert not any(name in page for name in steps)
    assert portal.get("/me/handout.pdf").status_code == 404


# --- Authentication and sessions ----------------------------------------------------------------------


def test_a_session_cookie_planted_before_login_is_replaced_and_never_logged_in(app, client, world):
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    planted = client.get_cookie("practice_session").value
    login(client, world.therapist)
    assert client.get_cookie("practice_session").value != planted
    attacker = app.test_client()
    attacker.set_cookie("practice_session", planted)
    assert attacker.get("/clients/").status_code == 302, "the attacker's copy is still logged out"


@pytest.fixture
def production_app(make_app, world):
    """The app with production settings (a strong key, debug off), reached over HTTPS as behind a proxy."""
    return make_app(ENV_NAME="production", SITE_URL="https://clinic.example")


def test_production_cookies_are_secure_httponly_and_same_site_lax(production_app, world):
    response = production_app.test_client().post("/login", data={"email": world.therapist.email,
                                                                 "password": PASSWORD}, **HTTPS)
    cookie = set_cookie_header(response, "practice_session")
    assert response.status_code == 302 and cookie
    attributes = {part.strip().split("=")[0].lower(): part.strip() for part in cookie.split(";")[1:]}
    assert "secure" in attributes and "httponly" in attributes
    assert attributes.get("samesite") == "SameSite=Lax"


def test_development_cookies_are_httponly_and_lax_but_work_over_plain_http(client, world):
    response = client.post("/login", data={"email": world.therapist.email, "password": PASSWORD})
    cookie = set_cookie_header(response, "practice_session").lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie


def test_there_is_no_lasting_remember_me_login(app, client, world):
    """A posted "remember me" sets no long-lived cookie; the session cookie ends with the session limit."""
    before = datetime.now(timezone.utc)
    response = client.post("/login", data={"email": world.therapist.email, "password": PASSWORD, "remember": "y"})
    assert response.status_code == 302
    assert set_cookie_header(response, "remember_token") == ""
    lifetime = app.config["PERMANENT_SESSION_LIFETIME"]
    assert "REMEMBER_COOKIE_DURATION" in app.config, "set explicitly, not Flask-Login's default of a year"
    assert app.config["REMEMBER_COOKIE_DURATION"] <= lifetime
    expires = client.get_cookie("practice_session").expires
    assert expires is None or expires <= before + lifetime + timedelta(minutes=1), "ends with the browser or the limit"


# --- Input and output ------------------------------------------------------------------------------------

STRICT_REFERRER_POLICIES = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}
UNSAFE_SCRIPT_SOURCES = {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:", "blob:"}


def csp_directives(header: str) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]}."""
    return {name.lower(): sources for name, *sources in (part.split() for part in header.split(";") if part.strip())}


# name -> (who is logged in, how to ask, expected status): every kind of answer, pages, files and errors.
RESPONSES = {
    "login page": (None, lambda c, w: c.get("/login"), 200),
    "redirect to login": (None, lambda c, w: c.get("/clients/"), 302),
    "staff page": ("therapist", lambda c, w: c.get(f"/clients/{w.record.id}"), 200),
    "portal page": ("client", lambda c, w: c.get("/me"), 200),
    "handout PDF": ("therapist", lambda c, w: c.get(f"/clients/{w.record.id}/plans/{w.plan.id}/versions/1/handout.pdf"),
                    200),
    "audit CSV": ("owner", lambda c, w: c.get("/audit/export.csv"), 200),
    "bad request": ("therapist", lambda c, w: c.get("/clients/", query_string={"q": "a\x00b"}), 400),
    "access denied": ("client", lambda c, w: c.get("/clients/"), 403),
    "not found": (None, lambda c, w: c.get("/no-such-page"), 404),
    "method not allowed": (None, lambda c, w: c.get("/logout"), 405),
    "too large": (None, lambda c, w: c.post("/login", data={"email": "x" * 600_000}), 413),
    "server error": (None, lambda c, w: c.get("/boom"), 500),
    "static file": (None, lambda c, w: c.get("/static/css/app.css"), 200),
}


@pytest.mark.parametrize("name", RESPONSES)
def test_every_kind_of_response_carries_the_security_headers(make_app, world, name):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom():
        raise RuntimeError("an unexpected failure")

    who, ask, status = RESPONSES[name]
    client = app.test_client()
    if who:
        login(client, world.actor(who))
    response = ask(client, world)
    assert response.status_code == status
    csp = csp_directives(response.headers.get("Content-Security-Policy", ""))
    assert (csp.get("object-src"), csp.get("base-uri"), csp.get("frame-ancestors")) == (["'none'"],) * 3
    for directive in ("script-src", "script-src-elem", "script-src-attr"):
        # Without a script-src of its own, scripts fall back to default-src, which must then be strict.
        sources = csp.get(directive, csp.get("default-src") if directive == "script-src" else [])
        assert sources is not None and not UNSAFE_SCRIPT_SOURCES & set(sources), (directive, sources)
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") in STRICT_REFERRER_POLICIES
    if name != "static file":  # our own CSS and scripts may be cached; nothing else may
        assert response.headers.get("Cache-Control") == "no-store"


def test_hsts_is_sent_in_production(production_app):
    hsts = production_app.test_client().get("/login", **HTTPS).headers.get("Strict-Transport-Security", "")
    max_age = re.search(r"max-age=(\d+)", hsts)
    assert max_age and int(max_age.group(1)) >= 365 * 24 * 3600


def test_hsts_is_not_sent_in_development(app):
    """Development usually has no certificate: a browser remembering HSTS would lock the developer out."""
    assert "Strict-Transport-Security" not in app.test_client().get("/login", **HTTPS).headers


def test_each_app_keeps_its_own_header_settings(app, production_app):
    # Built after the development app, the production one must not switch HSTS or https redirects on for it.
    assert "Strict-Transport-Security" in production_app.test_client().get("/login", **HTTPS).headers
    development = app.test_client().get("/login")
    assert development.status_code == 200 and "Strict-Transport-Security" not in development.headers


def test_production_sends_plain_http_to_https(production_app):
    response = production_app.test_client().get("/login?x=1")
    assert response.status_code in (301, 302, 308)
    assert response.headers["Location"].startswith("https://localhost/login")


def test_the_invitation_email_is_plain_text_so_a_name_cannot_become_markup(client, world, make_client, outbox):
    record = make_client(world.practice, world.therapist, first_name="<b>Nadia</b>", last_name="<i>Novak</i>",
                         email="nadia@example.com")
    login(client, world.therapist)
    assert client.post(f"/clients/{record.id}/portal/invite").status_code == 200
    [path] = outbox.glob("*.eml")
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert [part.get_content_type() for part in message.walk()] == ["text/plain"]
    assert "<b>Nadia</b>" in message.get_content(), "shown as typed, never interpreted"


# --- Every state-changing request is a POST -------------------------------------------------------------

# Tables whose rows a GET may write: the audit log (a view is audited) and the cache of rendered PDFs.
WRITTEN_BY_READS = {"audit_events", "rendered_handouts"}


def _database_snapshot() -> dict[str, list[tuple]]:
    """Every row of every table except WRITTEN_BY_READS."""
    db.session.expire_all()
    return {table.name: [tuple(row) for row in db.session.execute(
                table.select().order_by(*table.primary_key.columns)).all()]
            for table in db.metadata.sorted_tables if table.name not in WRITTEN_BY_READS}


def test_no_get_request_changes_any_data(app, world):
    """Every route that answers GET, visited by the staff and the client it is for, leaves the data as it was."""
    staff, portal, anonymous = browser(app), browser(app), browser(app)
    login(staff, world.owner)
    login(portal, world.client_user)
    before = _database_snapshot()
    visited = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        assert rule.endpoint in ROUTES, f"{rule.endpoint} has no row in the access table"
        url = ROUTES[rule.endpoint][1].format(**url_values(world))
        who = portal if rule.endpoint.startswith("portal.") else anonymous if rule.endpoint == "accounts.login" \
            else staff
        response = who.get(url)
        assert response.status_code < 500, url
        visited.append(url)
        assert _database_snapshot() == before, f"GET {url} changed data"
    assert len(visited) >= 30


# --- Audit -----------------------------------------------------------------------------------------------


def assert_complete_audit_row(row: AuditEvent, *, action: str, actor: User, client_id: int) -> None:
    """Who, their role, what, which record and client, when (UTC), from where, and the outcome."""
    assert row.action == action
    assert (row.actor_id, row.actor_role) == (actor.id, actor.role)
    assert row.client_id == client_id
    assert row.target_type and row.target_id
    assert row.ip_address == BROWSER_ADDRESS
    assert row.outcome == OUTCOME_SUCCESS
    assert row.at.utcoffset() == timedelta(0) and abs(utcnow() - row.at) < timedelta(minutes=2)


# Pages that show a client's health information: (who opens it, URL, the audit action it writes).
HEALTH_PAGES = [
    ("therapist", "/clients/{record}", "client.view"),
    ("therapist", "/clients/{record}/edit", "client.view"),
    ("therapist", "/clients/{record}/intakes/{intake}", "intake.view"),
    ("therapist", "/clients/{record}/intakes/{intake}/edit", "intake.view"),
    ("therapist", "/clients/{record}/plans/{plan}", "plan.view"),
    ("therapist", "/clients/{record}/plans/{plan}/versions/1", "plan.version_view"),
    ("therapist", "/clients/{record}/plans/{plan}/versions/1/print", "handout.print_view"),
    ("therapist", "/clients/{record}/plans/{plan}/versions/1/handout.pdf", "handout.download"),
    ("therapist", "/clients/{record}/sessions/{note}", "session.view"),
    ("therapist", "/clients/{record}/sessions/{note}/edit", "session.view"),
    ("therapist", "/clients/{record}/portal/logs", "home_log.list_view"),
    ("client", "/me", "portal.home_view"),
    ("client", "/me/history", "portal.history_view"),
    ("client", "/me/progress", "portal.progress_view"),
    ("client", "/me/handout.pdf", "handout.download"),
]


@pytest.mark.parametrize("who,path,action", HEALTH_PAGES)
def test_every_view_of_health_information_writes_one_complete_audit_row(app, world, who, path, action):
    actor = world.actor(who)
    visitor = browser(app)
    login(visitor, actor)
    since = last_audit_id()
    response = visitor.get(path.format(**url_values(world)))
    assert response.status_code == 200
    rows = audit_events(after_id=since)
    assert [row.action for row in rows] == [action]
    assert_complete_audit_row(rows[0], action=action, actor=actor, client_id=world.record.id)


def _today_log(_world):
    return {"pain": "3", "note": "", "done": [], "signs": []}


# Changes to a client's health information: (who, URL, form data, the audit action it writes).
HEALTH_CHANGES = [
    ("therapist", "/clients/{record}/edit", lambda w: {"first_name": "Amira", "last_name": "Hassan-Lee"},
     "client.update"),
    ("therapist", "/clients/{record}/archive", lambda w: {}, "client.archive"),
    ("therapist", "/clients/{record}/intakes/{intake}/edit",
     lambda w: {"reason": "Neck ache", "row_version": str(w.intake.row_version)}, "intake.update"),
    ("therapist", "/clients/{record}/questionnaires/nprs/new",
     lambda w: {"taken_on": date.today().isoformat(), "pain": "4"}, "questionnaire.create"),
    ("therapist", "/clients/{record}/plans/{plan}/details",
     lambda w: {"row_version": str(w.plan.row_version), "title": "Calmer shoulders", "goals": w.plan.goals,
                "advice": w.plan.advice}, "plan.update"),
    ("therapist", "/clients/{record}/plans/{plan}/steps/{step}/remove",
     lambda w: {"row_version": str(w.plan.row_version)}, "plan.step_remove"),
    ("therapist", "/clients/{record}/plans/{plan}/status", lambda w: {"status": "completed"}, "plan.completed"),
    ("therapist", "/clients/{record}/sessions/{note}/edit",
     lambda w: {"seen_on": date.today().isoformat(), "subjective": "Much better", "row_version":
                str(w.note.row_version)}, "session.update"),
    ("therapist", "/clients/{record}/portal/assign", lambda w: {"kind": "intake"}, "portal.assign"),
    ("client", "/me/log/{today}", _today_log, "home_log.create"),
]


@pytest.mark.parametrize("who,path,data,action", HEALTH_CHANGES)
def test_every_change_to_health_information_writes_a_complete_audit_row(app, world, who, path, data, action):
    actor = world.actor(who)
    visitor = browser(app)
    login(visitor, actor)
    since = last_audit_id()
    response = visitor.post(path.format(**url_values(world)), data=data(world))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    [row] = [row for row in audit_events(after_id=since) if row.action == action]
    assert_complete_audit_row(row, action=action, actor=actor, client_id=world.record.id)


def test_logins_logouts_and_password_changes_are_audited_with_their_address(app, world):
    visitor = browser(app)
    since = last_audit_id()
    login(visitor, world.therapist)
    visitor.post("/account/password", data={"current_password": PASSWORD, "new_password": "harbour-lights-at-dusk",
                                            "confirm_password": "harbour-lights-at-dusk"})
    visitor.post("/logout")
    rows = [(row.action, row.outcome, row.actor_id, row.ip_address) for row in audit_events(after_id=since)]
    assert rows == [(action, OUTCOME_SUCCESS, world.therapist.id, BROWSER_ADDRESS)
                    for action in ("auth.login", "auth.password_change", "auth.logout")]


SECRET_NOTE = "Confided: panic attacks since the accident"
SECRET_AMENDMENT = "Amended: also reports nightmares"
SECRET_HOME_NOTE = "Cried after the stretches today"
WRONG_PASSWORD = "cobalt-wrong-guess-77"
NEW_PASSWORD = "violet-harbour-lantern-9"
CLIENT_PASSWORD = "a quiet river morning"


def _walk_through_the_app(app, world, make_client) -> list[str]:
    """Log in (wrongly, then rightly), write and amend a note, invite and accept, log a day, change a password.

    Returns every secret that passed through: passwords, tokens, hashes and note text.
    """
    staff, portal, visitor = browser(app), browser(app), browser(app)
    staff.post("/login", data={"email": world.therapist.email, "password": WRONG_PASSWORD})
    login(staff, world.therapist)
    staff.post(f"/clients/{world.record.id}/sessions/new", data={
        "seen_on": date.today().isoformat(), "subjective": SECRET_NOTE, "submit_action": "sign"})
    note = db.session.scalars(select(SessionNote).where(SessionNote.subjective == SECRET_NOTE)).one()
    staff.post(f"/clients/{world.record.id}/sessions/{note.id}/amend", data={"text": SECRET_AMENDMENT})
    newcomer = make_client(world.practice, world.therapist, first_name="Nadia", last_name="Novak",
                           email="nadia@example.com")
    page = staff.post(f"/clients/{newcomer.id}/portal/invite").get_data(as_text=True)
    token = re.search(r"/invite/([A-Za-z0-9_-]+)", page).group(1)
    assert visitor.post(f"/invite/{token}", data={"password": CLIENT_PASSWORD,
                                                  "confirm_password": CLIENT_PASSWORD}).status_code == 302
    login(portal, world.client_user)
    portal.post(f"/me/log/{date.today().isoformat()}", data={"pain": "6", "note": SECRET_HOME_NOTE})
    staff.post("/account/password", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                          "confirm_password": NEW_PASSWORD})
    db.session.expire_all()
    therapist = db.session.get(User, world.therapist.id)
    return [PASSWORD, WRONG_PASSWORD, NEW_PASSWORD, CLIENT_PASSWORD, token, SECRET_NOTE, SECRET_AMENDMENT,
            SECRET_HOME_NOTE, therapist.password_hash, therapist.session_token, world.invitation_token,
            staff.get_cookie("practice_session").value]


def test_audit_rows_and_logs_never_hold_passwords_tokens_or_note_text(app, world, make_client, caplog):
    caplog.set_level(logging.DEBUG)
    secrets = _walk_through_the_app(app, world, make_client)
    rows = audit_events()
    assert {"auth.login_failed", "session.create", "session.amend", "portal.invitation_accept",
            "home_log.create", "auth.password_change"} <= {row.action for row in rows}, "the walk really happened"
    stored = "\n".join(" ".join(str(value) for value in (row.action, row.target_type, row.detail, row.ip_address,
                                                         row.actor_role, row.outcome)) for row in rows)
    for secret in secrets:
        assert secret not in stored
        assert secret not in caplog.text


def test_a_database_error_logs_no_note_text(make_app, world, caplog):
    """A clash the database refuses (two logs of one day, as in a race) is logged without the values sent."""
    app = make_app(PROPAGATE_EXCEPTIONS=False)
    client_id, day = world.record.id, world.log.logged_on  # read here: the request has a session of its own

    @app.post("/clash")
    def clash():
        db.session.add(HomeLog(client_id=client_id, logged_on=day, note=SECRET_HOME_NOTE))
        db.session.flush()
        return "unreachable"

    caplog.set_level(logging.ERROR)
    response = app.test_client().post("/clash")
    assert response.status_code == 500 and b"Something went wrong on our side" in response.data
    assert "IntegrityError" in caplog.text, "the error itself is logged"
    assert SECRET_HOME_NOTE not in caplog.text


def test_the_app_never_updates_or_deletes_audit_rows(app, world, make_client):
    """On SQLite no trigger guards the audit log: the app itself must only ever insert into it."""
    statements = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        _walk_through_the_app(app, world, make_client)
        visitor = browser(app)
        login(visitor, world.owner)
        assert visitor.get("/audit/").status_code == 200 and visitor.get("/audit/export.csv").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    touching = [s for s in statements if re.search(r"^\s*(UPDATE|DELETE FROM)\s+\"?audit_events", s, re.I)]
    assert any(re.search(r"INSERT INTO \"?audit_events", s, re.I) for s in statements)
    assert touching == []


# --- Data integrity --------------------------------------------------------------------------------------


def test_two_people_saving_the_same_draft_note_the_second_is_refused_and_the_first_kept(app, world):
    therapist, owner = browser(app), browser(app)
    login(therapist, world.therapist)
    login(owner, world.owner)
    url = f"/clients/{world.record.id}/sessions/{world.note.id}/edit"
    opened = str(world.note.row_version)
    assert owner.post(url, data={"seen_on": date.today().isoformat(), "subjective": "Owner's words",
                                 "row_version": opened}).status_code == 302
    second = therapist.post(url, data={"seen_on": date.today().isoformat(), "subjective": "Therapist's words",
                                       "row_version": opened})
    assert second.status_code == 409
    page = second.get_data(as_text=True)
    assert "Someone else saved this note" in page and "Therapist&#39;s words" in page, "the refused text is kept"
    db.session.expire_all()
    assert db.session.get(SessionNote, world.note.id).subjective == "Owner's words"


def test_the_database_refuses_a_row_that_points_at_nothing(app, world):
    """Foreign keys are enforced on SQLite too (they are off unless each connection turns them on)."""
    db.session.add(HomeLog(client_id=2_000_000_000, logged_on=date.today(), note=""))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


# --- Behind a proxy ---------------------------------------------------------------------------------------

PROXY = "10.0.0.5"


@pytest.mark.parametrize("hops,forwarded_for,seen_as", [
    (0, "6.6.6.6", PROXY),  # no trusted proxy: the header is anyone's to write, and ignored
    (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # the browser prepended a lie; our proxy appended the truth
    (2, "6.6.6.6, 203.0.113.7, 10.0.0.4", "203.0.113.7"),
    (1, None, PROXY),
])
def test_the_client_address_is_the_one_the_trusted_proxies_saw(make_app, world, hops, forwarded_for, seen_as):
    app = make_app(TRUSTED_PROXY_HOPS=hops)
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    since = last_audit_id()
    browser(app, PROXY).post("/login", data={"email": "nobody@example.com", "password": "whatever-1"},
                             headers=headers)
    [failed] = audit_events(after_id=since)
    assert failed.action == "auth.login_failed" and failed.ip_address == seen_as


def test_a_spoofed_forwarded_address_does_not_escape_the_login_throttle(make_app, world):
    app = make_app(TRUSTED_PROXY_HOPS=1, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = browser(app, PROXY)

    def attempt(forwarded_for: str) -> int:
        return client.post("/login", data={"email": "x@example.com", "password": "whatever-1"},
                           headers={"X-Forwarded-For": forwarded_for}).status_code

    statuses = [attempt(f"6.6.6.{n}, 203.0.113.77") for n in range(4)]
    assert statuses[-1] == 429 and 429 not in statuses[:3]
    assert attempt("6.6.6.6, 203.0.113.78") != 429, "another real address is not held back"


# --- The production access log ------------------------------------------------------------------------------


def _get(url: str, headers: dict | None = None) -> int:
    """The status of a GET (error statuses included)."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


class TokenInLog(AssertionError):
    """A secret was found in a log line."""


@pytest.mark.committed  # gunicorn reads the world from the database in another process
def test_the_production_access_log_never_holds_an_invitation_token(database_url, world, tmp_path):
    if not database_url.startswith("sqlite"):
        pytest.skip("one backend is enough for a log line")
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "k" * 20 + "ey-for-the-gunicorn-test",
           "PRACTICE_ENV": "development", "FLASK_DEBUG": "", "MAIL_OUTBOX_DIR": str(tmp_path)}
    server = subprocess.Popen(dockerfile_gunicorn_args(port), cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        wait_until_listening(port, server)
        invitation_page = f"http://127.0.0.1:{port}/invite/{world.invitation_token}"
        # The page, then what a browser fetches next: its stylesheet, with the page as Referer.
        statuses = [_get(invitation_page), _get(f"http://127.0.0.1:{port}/static/css/app.css",
                                                headers={"Referer": invitation_page})]
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0]
    assert statuses == [200, 200], output[-2000:]
    if world.invitation_token in output:
        raise TokenInLog("the invitation token is in gunicorn's output")
    assert "GET /invite/[token] HTTP/1.1" in output  # the request was logged, without its token


def test_access_log_lines_lose_tokens_and_searches_but_keep_the_route():
    from practice.gunicorn_logging import redact

    assert redact("GET /invite/abc-DEF_123 HTTP/1.1") == "GET /invite/[token] HTTP/1.1"
    assert redact("http://clinic.example/invite/abc?x=1") == "http://clinic.example/invite/[token]?[query]"
    assert redact("GET /clients/?q=Hassan HTTP/1.1") == "GET /clients/?[query] HTTP/1.1"
    assert redact("GET /clients/12 HTTP/1.1") == "GET /clients/12 HTTP/1.1"
    assert redact("GET /login/new-browser/eyJl.Zz-1_a HTTP/1.1") == "GET /login/new-browser/[token] HTTP/1.1"
    assert redact("GET /login/new-browser HTTP/1.1") == "GET /login/new-browser HTTP/1.1"
