"""Request tests of the client portal, from both sides of it.

The therapist invites a client (link, QR code, e-mail), the client sets a password, logs their home routine and
pain, reports warning signs, answers questionnaires and the pre-visit intake, and downloads their handout. The
therapist sees what needs attention on the dashboard and the client page, reviews it, and can end the access.

Each test asserts what a person would notice: the status and message of the page, what is saved, what is audited.
"""
from __future__ import annotations

import re
import smtplib
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from practice.accounts.models import User
from practice.audit.models import OUTCOME_DENIED, OUTCOME_FAILURE, OUTCOME_SUCCESS
from practice.clients.models import Client
from practice.clients.operations import update_client
from practice.database import utcnow
from practice.extensions import db
from practice.handouts.models import RenderedHandout
from practice.intake import screening
from practice.intake.models import SOURCE_CLIENT, Intake, QuestionnaireResponse
from practice.notes.operations import create_note
from practice.plans.models import Plan, PlanVersion
from practice.portal import warning_signs
from practice.portal.models import ASSIGNMENT_INTAKE, Assignment, HomeLog, Invitation
from practice.plans.operations import publish, remove_step
from practice.portal.operations import HomePlan, home_plan, save_log, token_digest
from tests.support.helpers import audit_events, days_ago, login, outbox_messages, text_of
from tests.support.portal import LogForm, backfill, client_with_plan
from tests.support.world import PASSWORD

NEW_PASSWORD = "a quiet river morning"
OTHER_PASSWORD = "copper lantern harbour"
INVITE_LINK = re.compile(r'value="(http://localhost/invite/([A-Za-z0-9_-]+))"')
PAIN_POINTS = re.compile(r'class="chart chart-pain" data-points="(\d+)"')


# --- Helpers ----------------------------------------------------------------------------------------


def post_log(browser, day: date | str, *, done=(), pain=None, note: str = "", signs=(), **extra):
    """Post the daily log form of `day` (a date or a raw URL part) as the browser would: with the routine the page
    showed, ticking its steps by number (1 is the first step shown; a string is posted as it is)."""
    day_part = day.isoformat() if isinstance(day, date) else day
    shown = LogForm.read(text_of(browser.get(f"/me/log/{day_part}")))
    # A page without the form (a day out of reach) leaves nothing to read: the numbers go as they are.
    ticked = [shown.keys[step - 1] if isinstance(step, int) and step <= len(shown.keys) else str(step) for step in done]
    data = {"routine": shown.routine, "done": ticked, "note": note, "signs": list(signs), **extra}
    if pain is not None:
        data["pain"] = str(pain)
    return browser.post(f"/me/log/{day_part}", data=data)


def keys_of_steps(record, *numbers: int) -> list[str]:
    """The keys of the record's current routine's steps, by their number as shown (1 is the first)."""
    keys = home_plan(record).keys
    return [keys[number - 1] for number in numbers]


def invite(browser, record):
    """The therapist's invite button; returns the response, the link and the token shown on the page."""
    response = browser.post(f"/clients/{record.id}/portal/invite")
    found = INVITE_LINK.search(text_of(response))
    link, token = (found.group(1), found.group(2)) if found else (None, None)
    return response, link, token


def accept(browser, token: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    """Post the set-a-password form of an invitation."""
    return browser.post(f"/invite/{token}", data={"password": password,
                                                  "confirm_password": password if confirm is None else confirm})


def logs_of(record) -> list[HomeLog]:
    """The record's home logs, oldest first."""
    db.session.expire_all()
    return list(db.session.scalars(select(HomeLog).where(HomeLog.client_id == record.id)
                                   .order_by(HomeLog.logged_on)))


def invitations_of(record) -> list[Invitation]:
    """The record's invitations, oldest first."""
    db.session.expire_all()
    return list(db.session.scalars(select(Invitation).where(Invitation.client_id == record.id)
                                   .order_by(Invitation.id)))


def open_assignments_of(record, kind: str | None = None) -> list[Assignment]:
    """The record's open requests (of one kind, if given)."""
    db.session.expire_all()
    query = select(Assignment).where(Assignment.client_id == record.id, Assignment.completed_at.is_(None),
                                     Assignment.cancelled_at.is_(None))
    if kind:
        query = query.where(Assignment.kind == kind)
    return list(db.session.scalars(query))


def attention_row(html: str, full_name: str) -> str:
    """The dashboard's "Needs your attention" entry of one client (name and reasons), or "" when not listed."""
    for row in html.split('<li class="alert-row attention-row">')[1:]:
        row = row.split("</ul>")[0]
        if f">{full_name}</a>" in row:
            return row
    return ""


@pytest.fixture
def newcomer(make_client, world):
    """Nadia: a client of the world's therapist with an e-mail, no intake and no portal login yet."""
    return make_client(world.practice, world.therapist, first_name="Nadia", last_name="Novak",
                       email="nadia@example.com")


def joined(browser, staff, record) -> User:
    """Invite `record` as the logged-in `staff` browser and accept in `browser`; returns the client's login."""
    _, _, token = invite(staff, record)
    assert accept(browser, token).status_code == 302
    db.session.expire_all()
    return db.session.get(User, db.session.get(Client, record.id).portal_user_id)


# --- 1. Invitations ------------------------------------------------------------------------------------


def test_inviting_a_client_shows_the_link_and_qr_code_and_emails_the_same_link(client, world, newcomer, outbox):
    login(client, world.therapist)
    response, link, token = invite(client, newcomer)
    assert response.status_code == 200
    page = text_of(response)
    assert link and "/invite/" in link
    assert 'src="data:image/svg+xml' in page
    assert "An e-mail with this link went to nadia@example.com" in page
    [mail] = outbox_messages(outbox)
    assert mail["To"] == "nadia@example.com"
    assert link in mail.get_content()
    [invitation] = invitations_of(newcomer)
    assert invitation.token_hash == token_digest(token) and invitation.email == "nadia@example.com"
    stored = " ".join(str(value) for value in vars(invitation).values())
    assert token not in stored, "only a hash of the token is kept"
    assert all(token not in (event.detail or "") for event in audit_events())
    [audited] = audit_events("portal.invite", client_id=newcomer.id)
    assert audited.actor_id == world.therapist.id and audited.outcome == OUTCOME_SUCCESS


@pytest.mark.parametrize("proxied", [False, True], ids=["direct", "behind a proxy"])
def test_the_invitation_link_is_on_the_configured_site_whatever_host_the_request_names(
        client, make_app, world, newcomer, outbox, proxied):
    # Host (and X-Forwarded-Host from a trusted proxy) is whatever the visitor sent: the link a client is
    # e-mailed must not follow it.
    browser = make_app(TRUSTED_PROXY_HOPS=1, SITE_URL="https://clinic.example").test_client() if proxied \
        else client
    spoofed = {"X-Forwarded-Host": "attacker.example"} if proxied else {"Host": "attacker.example"}
    login(browser, world.therapist, headers=spoofed)  # the session cookie belongs to the host it came from
    response = browser.post(f"/clients/{newcomer.id}/portal/invite", headers=spoofed)
    assert response.status_code == 200
    site = "https://clinic.example" if proxied else "http://localhost"
    link = re.search(r'id="invite-link"[^>]*value="([^"]+)"', text_of(response)).group(1)
    assert re.fullmatch(rf"{re.escape(site)}/invite/[A-Za-z0-9_-]+", link), link
    [mail] = outbox_messages(outbox)
    assert link in mail.get_content() and "attacker" not in mail.get_content()


def test_a_record_without_an_email_cannot_be_invited(client, world, make_client):
    record = make_client(world.practice, world.therapist, first_name="Noemail", last_name="Person")
    login(client, world.therapist)
    response = client.post(f"/clients/{record.id}/portal/invite")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/clients/{record.id}#home-care")
    page = text_of(client.get(response.headers["Location"]))
    assert "Add the client&#39;s e-mail address to their record first" in page
    assert invitations_of(record) == [] and audit_events("portal.invite", client_id=record.id) == []


def test_an_archived_client_cannot_be_invited(client, world, newcomer):
    login(client, world.therapist)
    assert client.post(f"/clients/{newcomer.id}/archive").status_code == 302
    response = client.post(f"/clients/{newcomer.id}/portal/invite", follow_redirects=True)
    assert "This client is archived. Restore the record before inviting them." in text_of(response)
    assert invitations_of(newcomer) == []


def test_a_new_invitation_makes_the_previous_link_stop_working(client, world):
    login(client, world.therapist)
    _, _, new_token = invite(client, world.record)
    assert new_token and new_token != world.invitation_token
    old = client.get(f"/invite/{world.invitation_token}")
    assert old.status_code == 410 and "This invitation is no longer valid" in text_of(old)
    assert client.get(f"/invite/{new_token}").status_code == 200


def test_an_email_that_is_already_someones_login_cannot_be_invited(client, world, make_client):
    record = make_client(world.practice, world.therapist, first_name="Sam", last_name="Same",
                         email=world.colleague.email.upper())
    login(client, world.therapist)
    response = client.post(f"/clients/{record.id}/portal/invite", follow_redirects=True)
    assert "This e-mail address already belongs to another account" in text_of(response)
    assert invitations_of(record) == []


# --- 2. Accepting an invitation ---------------------------------------------------------------------------


def test_the_invitation_page_greets_the_client_and_names_their_login(client, world, newcomer):
    login(client, world.therapist)
    _, _, token = invite(client, newcomer)
    visitor = client.application.test_client()
    page = text_of(visitor.get(f"/invite/{token}"))
    assert "Welcome, Nadia" in page and "nadia@example.com" in page


def test_accepting_logs_the_client_in_and_uses_the_invitation_up(app, world, newcomer):
    staff, visitor = app.test_client(), app.test_client()
    login(staff, world.therapist)
    _, _, token = invite(staff, newcomer)
    response = accept(visitor, token)
    assert response.status_code == 302 and response.headers["Location"].endswith("/me")
    home = visitor.get("/me")
    assert home.status_code == 200 and "Hello, Nadia" in text_of(home)
    [invitation] = invitations_of(newcomer)
    assert invitation.used_at is not None
    user = db.session.get(User, db.session.get(Client, newcomer.id).portal_user_id)
    assert user.email == "nadia@example.com" and user.role == "client" and user.is_active
    again = visitor.get(f"/invite/{token}")
    assert again.status_code == 410 and "already been used" in text_of(again)


def test_a_post_to_a_used_link_is_refused_and_audited(app, world, newcomer):
    staff, visitor = app.test_client(), app.test_client()
    login(staff, world.therapist)
    _, _, token = invite(staff, newcomer)
    accept(visitor, token)
    stranger = app.test_client()
    response = accept(stranger, token, password=OTHER_PASSWORD)
    assert response.status_code == 410 and "already been used" in text_of(response)
    [refused] = audit_events("portal.invitation_refused", client_id=newcomer.id)
    assert refused.outcome == OUTCOME_DENIED and refused.detail == "used"
    # The password stayed the one chosen first.
    stranger.post("/login", data={"email": "nadia@example.com", "password": OTHER_PASSWORD})
    assert stranger.get("/me").status_code == 302
    login(stranger, "nadia@example.com", NEW_PASSWORD)


def test_an_expired_invitation_is_refused(client, world):
    world.invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    for response in (client.get(f"/invite/{world.invitation_token}"), accept(client, world.invitation_token)):
        assert response.status_code == 410 and "This invitation has expired" in text_of(response)
    db.session.expire_all()
    assert world.invitation.used_at is None
    [refused] = audit_events("portal.invitation_refused")
    assert refused.outcome == OUTCOME_DENIED and refused.detail == "expired" and refused.client_id == world.record.id


@pytest.mark.parametrize("token", ["not-a-real-token", "x" * 500, "A" * 43])
def test_an_unknown_or_overlong_token_is_a_404(client, world, token):
    for response in (client.get(f"/invite/{token}"), accept(client, token)):
        assert response.status_code == 404
        assert "This invitation link is not valid" in text_of(response)


@pytest.mark.parametrize("password,confirm,message", [
    (NEW_PASSWORD, "a quiet river evening", "The two passwords differ."),
    ("password123", "password123", "This password is too common and easy to guess; choose another."),
    ("short", "short", "Use at least 8 characters."),
    ("nadia@example.com", "nadia@example.com", "Do not use your name or e-mail address as your password."),
])
def test_a_refused_password_keeps_the_invitation_pending(client, world, newcomer, password, confirm, message):
    login(client, world.therapist)
    _, _, token = invite(client, newcomer)
    visitor = client.application.test_client()
    response = accept(visitor, token, password=password, confirm=confirm)
    assert response.status_code == 400 and message in text_of(response)
    [invitation] = invitations_of(newcomer)
    assert invitation.used_at is None and invitation.revoked_at is None
    assert db.session.get(Client, newcomer.id).portal_user_id is None
    assert visitor.get("/me").status_code == 302, "not logged in"
    assert accept(visitor, token).status_code == 302, "the link still works afterwards"


def test_accepting_in_a_browser_where_the_therapist_was_logged_in_replaces_that_session(client, world, newcomer):
    login(client, world.therapist)
    _, _, token = invite(client, newcomer)
    assert accept(client, token).status_code == 302
    assert "Hello, Nadia" in text_of(client.get("/me"))
    assert client.get(f"/clients/{newcomer.id}").status_code == 403
    assert client.get("/").headers["Location"].endswith("/me")


# --- 3. Access ends ---------------------------------------------------------------------------------------


def test_removing_portal_access_ends_the_clients_session_at_once(app, world):
    staff, portal = app.test_client(), app.test_client()
    login(portal, world.client_user)
    assert portal.get("/me").status_code == 200
    login(staff, world.therapist)
    response = staff.post(f"/clients/{world.record.id}/portal/remove-access", follow_redirects=True)
    assert "Amira can no longer log in." in text_of(response)
    after = portal.get("/me")
    assert after.status_code == 302 and "/login" in after.headers["Location"]
    assert portal.post("/login", data={"email": world.client_user.email, "password": PASSWORD}).status_code == 400
    db.session.expire_all()
    assert not world.client_user.is_active
    assert world.invitation.revoked_at is not None, "the pending invitation stopped working too"
    [removed] = audit_events("portal.access_remove", client_id=world.record.id)
    assert removed.actor_id == world.therapist.id


def test_archiving_the_record_ends_the_clients_session(app, world):
    staff, portal = app.test_client(), app.test_client()
    login(portal, world.client_user)
    assert portal.get("/me").status_code == 200
    login(staff, world.therapist)
    assert staff.post(f"/clients/{world.record.id}/archive").status_code == 302
    after = portal.get("/me")
    assert after.status_code == 302 and "/login" in after.headers["Location"]
    assert portal.get(f"/invite/{world.invitation_token}").status_code == 410


def test_archiving_a_client_who_has_not_joined_yet_ends_their_invitation(app, world, newcomer):
    staff, visitor = app.test_client(), app.test_client()
    login(staff, world.therapist)
    _, _, token = invite(staff, newcomer)
    staff.post(f"/clients/{newcomer.id}/archive")
    response = accept(visitor, token)
    assert db.session.get(Client, newcomer.id).portal_user_id is None, "no login for an archived record"
    assert response.status_code == 410 and "This invitation is no longer valid" in text_of(response)


def test_a_new_invitation_after_removal_gives_access_back_to_the_same_login(app, world):
    staff, portal = app.test_client(), app.test_client()
    login(staff, world.therapist)
    staff.post(f"/clients/{world.record.id}/portal/remove-access")
    _, _, token = invite(staff, world.record)
    assert accept(portal, token).status_code == 302
    assert "Hello, Amira" in text_of(portal.get("/me"))
    db.session.expire_all()
    assert db.session.get(Client, world.record.id).portal_user_id == world.client_user.id
    assert world.client_user.is_active
    assert db.session.scalar(select(func.count()).select_from(User).where(User.role == "client")) == 2
    # The new password works from another browser; the old one no longer does.
    elsewhere = app.test_client()
    assert elsewhere.post("/login", data={"email": world.client_user.email, "password": PASSWORD}).status_code == 400
    login(elsewhere, world.client_user, NEW_PASSWORD)
    assert elsewhere.get("/me").status_code == 200


def test_a_client_re_invited_after_an_email_change_logs_in_with_the_address_the_invitation_named(
        app, world, newcomer):
    staff, portal = app.test_client(), app.test_client()
    login(staff, world.therapist)
    joined(portal, staff, newcomer)
    staff.post(f"/clients/{newcomer.id}/portal/remove-access")
    update_client(db.session.get(Client, newcomer.id), {"email": "nadia.new@example.com"}, actor=world.therapist)
    db.session.commit()
    _, _, token = invite(staff, newcomer)
    fresh = app.test_client()
    assert "You will log in with <strong>nadia.new@example.com</strong>" in text_of(fresh.get(f"/invite/{token}"))
    assert accept(fresh, token, password=OTHER_PASSWORD).status_code == 302
    later = app.test_client()
    response = later.post("/login", data={"email": "nadia.new@example.com", "password": OTHER_PASSWORD})
    assert response.status_code == 302


# --- 4. The daily log -------------------------------------------------------------------------------------


def test_the_home_page_lists_todays_routine_steps(client, world):
    login(client, world.client_user)
    page = text_of(client.get("/me"))
    names = [step.name for _, step in home_plan(world.record).steps]
    assert names and all(name in page for name in names)
    assert f'action="/me/log/{date.today().isoformat()}"' in page


def test_logging_today_saves_one_row_and_saving_again_updates_it(client, world):
    login(client, world.client_user)
    response = post_log(client, date.today(), done=[1, 3], pain=3, note="Stiff in the morning")
    assert response.status_code == 302 and response.headers["Location"].endswith("/me")
    assert "Saved your log for today. Thank you!" in text_of(client.get("/me"))
    [saved] = [log for log in logs_of(world.record) if log.logged_on == date.today()]
    assert (saved.done_steps, saved.pain, saved.note, saved.planned_steps) == (
        keys_of_steps(world.record, 1, 3), 3, "Stiff in the morning", 5)
    assert post_log(client, date.today(), done=[2], pain=2, note="Easier").status_code == 302
    todays = [log for log in logs_of(world.record) if log.logged_on == date.today()]
    assert [(log.id, log.done_steps, log.pain, log.note) for log in todays] == [
        (saved.id, keys_of_steps(world.record, 2), 2, "Easier")]
    assert len(audit_events("home_log.create", client_id=world.record.id, actor_id=world.client_user.id)) == 2  # + world
    assert len(audit_events("home_log.update", client_id=world.record.id)) == 1


@pytest.mark.parametrize("pain", ["", "   ", "\t"])
def test_a_blank_pain_score_saves_the_log_without_one(client, world, pain):
    """Found by the fuzz test: spaces as the pain score were read as a number and gave a 500."""
    login(client, world.client_user)
    response = post_log(client, date.today(), done=[1], pain=pain)
    assert response.status_code == 302
    [saved] = [log for log in logs_of(world.record) if log.logged_on == date.today()]
    assert (saved.done_steps, saved.pain) == (keys_of_steps(world.record, 1), None)


def test_a_day_up_to_a_week_back_can_be_filled_in_late(client, world):
    login(client, world.client_user)
    assert client.get(f"/me/log/{days_ago(7).isoformat()}").status_code == 200
    response = post_log(client, days_ago(7), done=[2], pain=5)
    assert response.status_code == 302 and response.headers["Location"].endswith("/me/history")
    assert [(log.done_steps, log.pain) for log in logs_of(world.record) if log.logged_on == days_ago(7)] == [
        (keys_of_steps(world.record, 2), 5)]


@pytest.mark.parametrize("ago,message", [
    (8, "Days more than 7 days ago can no longer be filled in."),
    (-1, "That day has not happened yet."),
])
def test_days_outside_the_week_cannot_be_logged(client, world, ago, message):
    login(client, world.client_user)
    before = [(log.id, log.logged_on) for log in logs_of(world.record)]
    response = post_log(client, days_ago(ago), done=[1], pain=2)
    assert response.status_code == 302 and response.headers["Location"].endswith("/me/history")
    assert message in text_of(client.get(response.headers["Location"]))
    assert [(log.id, log.logged_on) for log in logs_of(world.record)] == before


# Steps are named by their keys: a number (the old way) or any other text is a step of no routine of the client's.
@pytest.mark.parametrize("step", ["999", "0", "-1", "9" * 30, "1", "abc", "position-1"])
def test_a_step_outside_the_routine_is_a_404_and_audited(client, world, step):
    login(client, world.client_user)
    response = post_log(client, date.today(), done=[1, step], pain=2)
    assert response.status_code == 404
    assert all(log.logged_on != date.today() for log in logs_of(world.record))
    [denied] = audit_events("home_log.foreign_step")
    assert denied.outcome == OUTCOME_DENIED and denied.actor_id == world.client_user.id
    assert denied.client_id == world.record.id and step in denied.detail


@pytest.mark.parametrize("fields,message", [
    ({"pain": "11"}, "Not a valid choice"),
    ({"pain": "abc"}, "Not a valid choice"),
    ({"pain": "-1"}, "Not a valid choice"),
    ({"note": "x" * 501}, "Keep the note under 500 characters."),
    ({"signs": ["not_a_sign"]}, "not a valid choice"),
])
def test_bad_log_values_are_refused_with_a_message(client, world, fields, message):
    login(client, world.client_user)
    response = post_log(client, date.today(), **{"done": [1], **fields})
    assert response.status_code == 400
    assert message.lower() in text_of(response).lower()
    assert all(log.logged_on != date.today() for log in logs_of(world.record))


@pytest.mark.parametrize("day", ["2026-13-45", "not-a-date", "2026-02-30", "0000-00-00", "9" * 300])
def test_a_malformed_day_in_the_url_is_a_404(client, world, day):
    login(client, world.client_user)
    assert client.get(f"/me/log/{day}").status_code == 404
    assert post_log(client, day, pain=2).status_code == 404


def _publish_without_step(world, index: int) -> None:
    """The therapist takes one step out of the routine (0 the first, -1 the last) and publishes the new version."""
    plan = db.session.get(Plan, world.plan.id)
    remove_step(plan, plan.steps[index], seen_row_version=plan.row_version, actor=world.therapist)
    publish(plan, world.record, summary="Simpler routine", seen_row_version=plan.row_version, actor=world.therapist)
    db.session.commit()


def _steps_named_by(log: HomeLog) -> list[str]:
    """The names of the steps a log says were done, read in the version it was saved against."""
    names = {key: step.name for key, step in HomePlan.of(db.session.get(PlanVersion, log.plan_version_id)).steps}
    return [names[key] for key in log.done_steps]


def test_a_tick_saved_after_the_plan_lost_its_first_step_stays_with_the_exercise_ticked(client, world):
    """Issue 16: positions shifted under an open form, so the tick was stored against the next exercise."""
    login(client, world.client_user)
    seen = LogForm.read(text_of(client.get("/me")))
    first_version = home_plan(world.record).version.id
    _publish_without_step(world, 0)
    response = client.post(f"/me/log/{date.today().isoformat()}",
                           data={"routine": seen.routine, "done": [seen.keys[1]], "pain": "3", "note": ""})
    assert response.status_code == 302
    page = text_of(client.get("/me"))
    assert LogForm.read(page).ticked == [seen.names[1]]  # the same exercise, now the first of the new routine
    assert "Your therapist changed your plan while you had the form open." in page
    [saved] = [log for log in logs_of(world.record) if log.logged_on == date.today()]
    assert (saved.plan_version_id, saved.planned_steps, _steps_named_by(saved)) == (first_version, 5, [seen.names[1]])


def test_a_tick_of_the_last_step_saved_after_the_plan_lost_it_is_kept(client, world):
    """Issue 16: the tick was refused as a foreign step (a 404 and an access-denied row), and the entry lost."""
    login(client, world.client_user)
    seen = LogForm.read(text_of(client.get(f"/me/log/{days_ago(1).isoformat()}")))
    _publish_without_step(world, -1)
    response = client.post(f"/me/log/{days_ago(1).isoformat()}",
                           data={"routine": seen.routine, "done": [seen.keys[0], seen.keys[-1]], "pain": "4"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/me/history")
    assert "Your therapist changed your plan" in text_of(client.get("/me/history"))
    [saved] = [log for log in logs_of(world.record) if log.logged_on == days_ago(1)]
    assert _steps_named_by(saved) == [seen.names[0], seen.names[-1]] and saved.pain == 4
    assert audit_events("home_log.foreign_step") == []
    # The therapist's page counts it against the routine the client was shown.
    therapist = client.application.test_client()
    login(therapist, world.therapist)
    assert "2 of 5" in text_of(therapist.get(f"/clients/{world.record.id}/portal/logs"))


def test_a_log_form_naming_another_clients_routine_is_a_404_and_audited(client, world, make_client, make_user):
    other = client_with_plan(world, make_client, make_user, "Rafa", "Other")
    login(client, world.client_user)
    response = post_log(client, date.today(), pain=2, routine=str(home_plan(other).version.id))
    assert response.status_code == 404
    assert all(log.logged_on != date.today() for log in logs_of(world.record))
    [denied] = audit_events("home_log.foreign_version")
    assert denied.outcome == OUTCOME_DENIED and denied.client_id == world.record.id


# --- 5. Warning signs -------------------------------------------------------------------------------------


def test_an_emergency_warning_sign_tells_the_client_to_get_help_now(client, world):
    login(client, world.client_user)
    response = post_log(client, date.today(), pain=6, signs=["saddle_numbness"])
    assert response.status_code == 302 and response.headers["Location"].endswith("/me#warning")
    page = text_of(client.get("/me"))
    assert "Get medical help now" in page
    assert "go to an emergency department, or call your local emergency number" in page
    [log] = [log for log in logs_of(world.record) if log.logged_on == date.today()]
    assert log.warning_signs == ["saddle_numbness"] and log.warning_level == screening.EMERGENCY


def test_a_fever_alone_tells_the_client_to_see_their_doctor_soon(client, world):
    login(client, world.client_user)
    post_log(client, date.today(), signs=["fever"])
    page = text_of(client.get("/me"))
    assert "See your doctor soon" in page and "Get medical help now" not in page
    assert warning_signs.CLIENT_ADVICE[screening.URGENT] in page


def test_the_therapist_sees_reported_warning_signs_and_reviews_them(app, world):
    portal, staff = app.test_client(), app.test_client()
    login(portal, world.client_user)
    post_log(portal, date.today(), signs=["saddle_numbness"], note="Numb since lunch")
    [log] = [log for log in logs_of(world.record) if log.logged_on == date.today()]
    login(staff, world.therapist)
    row = attention_row(text_of(staff.get("/")), "Amira Hassan")
    assert "Reported warning signs (emergency)" in row
    client_page = text_of(staff.get(f"/clients/{world.record.id}"))
    assert f"Warning signs reported at home on {date.today().isoformat()}" in client_page
    assert warning_signs.WARNING_SIGN_LABELS["saddle_numbness"] in client_page
    assert "Numb since lunch" in client_page
    assert f'action="/clients/{world.record.id}/portal/logs/{log.id}/review"' in client_page
    assert "Mark as reviewed" in client_page

    response = staff.post(f"/clients/{world.record.id}/portal/logs/{log.id}/review",
                          data={"note": "Called her, advised A&E"}, follow_redirects=True)
    assert "Marked as reviewed." in text_of(response)
    assert "Reported warning signs" not in attention_row(text_of(staff.get("/")), "Amira Hassan")
    assert "Mark as reviewed" not in text_of(staff.get(f"/clients/{world.record.id}"))
    assert "Get medical help now" not in text_of(portal.get("/me"))
    db.session.expire_all()
    assert log.review_note == "Called her, advised A&E" and log.reviewed_by_id == world.therapist.id
    [reviewed] = audit_events("home_log.review", client_id=world.record.id)
    assert reviewed.actor_id == world.therapist.id


def test_a_review_without_a_note_changes_nothing(app, world):
    portal, staff = app.test_client(), app.test_client()
    login(portal, world.client_user)
    post_log(portal, date.today(), signs=["saddle_numbness"])
    [log] = [log for log in logs_of(world.record) if log.logged_on == date.today()]
    login(staff, world.therapist)
    response = staff.post(f"/clients/{world.record.id}/portal/logs/{log.id}/review", data={"note": "   "})
    assert response.status_code == 302
    assert "Say briefly what you did" in text_of(staff.get(response.headers["Location"]))
    db.session.expire_all()
    assert log.reviewed_at is None and audit_events("home_log.review") == []
    assert "Reported warning signs" in attention_row(text_of(staff.get("/")), "Amira Hassan")
    assert "Get medical help now" in text_of(portal.get("/me"))


def test_every_warning_the_dashboard_lists_can_be_reviewed_from_the_client_page(client, world):
    old = save_log(world.record, days_ago(100), plan=home_plan(world.record), done=[], pain=7, note="",
                   signs=["saddle_numbness"], actor=world.client_user, today=date.today(), backfill_days=120)
    db.session.commit()
    login(client, world.therapist)
    assert "Reported warning signs (emergency)" in attention_row(text_of(client.get("/")), "Amira Hassan")
    page = text_of(client.get(f"/clients/{world.record.id}"))
    assert f'action="/clients/{world.record.id}/portal/logs/{old.id}/review"' in page


def test_a_therapist_cannot_review_another_clients_log(client, world):
    login(client, world.therapist)
    response = client.post(f"/clients/{world.record.id}/portal/logs/{world.other_log.id}/review",
                           data={"note": "Looked at it"})
    assert response.status_code == 404
    db.session.expire_all()
    assert world.other_log.reviewed_at is None and world.other_log.review_note == ""
    [denied] = audit_events("home_log.access_denied")
    assert denied.outcome == OUTCOME_DENIED and denied.actor_id == world.therapist.id


def test_a_clients_note_is_shown_escaped_to_the_therapist(app, world):
    portal, staff = app.test_client(), app.test_client()
    login(portal, world.client_user)
    post_log(portal, date.today(), pain=3, note="<script>alert(1)</script>", signs=["fever"])
    login(staff, world.therapist)
    for path in (f"/clients/{world.record.id}", f"/clients/{world.record.id}/portal/logs"):
        page = text_of(staff.get(path))
        assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page, path


# --- 6. Questionnaires ------------------------------------------------------------------------------------


def test_answering_a_requested_questionnaire_sends_it_to_the_therapist(client, world):
    login(client, world.client_user)
    url = f"/me/questionnaires/{world.assignment.id}"
    assert f'href="{url}"' in text_of(client.get("/me"))
    form = client.get(url)
    assert form.status_code == 200 and "Pain rating (0-10)" in text_of(form)
    response = client.post(url, data={"pain": "6"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/me")
    home = text_of(client.get("/me"))
    assert "Thank you: your answers to the Pain rating (0-10) went to your therapist." in home
    assert f'href="{url}"' not in home
    [answer] = db.session.scalars(select(QuestionnaireResponse)
                                  .where(QuestionnaireResponse.client_id == world.record.id))
    assert (answer.questionnaire, answer.answers, answer.score) == ("nprs", {"pain": 6}, 6)
    assert answer.source == SOURCE_CLIENT
    assert answer.recorded_by_id == world.client_user.id
    db.session.expire_all()
    assert world.assignment.completed_at is not None and world.assignment.result_id == answer.id
    again = client.get(url)
    assert again.status_code == 302 and "You have already answered this one" in text_of(client.get("/me"))


def test_another_clients_questionnaire_is_a_404_and_takes_no_answers(client, world):
    login(client, world.client_user)
    url = f"/me/questionnaires/{world.other_assignment.id}"
    assert client.get(url).status_code == 404
    assert client.post(url, data={"pain": "9"}).status_code == 404
    assert client.get("/me/questionnaires/999999").status_code == 404
    denials = audit_events("portal.assignment_denied")
    assert len(denials) == 3
    assert all(event.outcome == OUTCOME_DENIED and event.actor_id == world.client_user.id for event in denials)
    assert denials[0].target_id == world.other_assignment.id
    assert db.session.scalar(select(func.count()).select_from(QuestionnaireResponse)) == 0
    db.session.expire_all()
    assert world.other_assignment.is_open


def test_a_questionnaire_the_therapist_asks_for_appears_on_the_clients_home(app, world):
    staff, portal = app.test_client(), app.test_client()
    login(staff, world.therapist)
    response = staff.post(f"/clients/{world.record.id}/portal/assign", data={"kind": "rmdq"}, follow_redirects=True)
    assert "Sent to Amira&#39;s portal page." in text_of(response)
    [asked] = open_assignments_of(world.record, "rmdq")
    assert asked.assigned_by_id == world.therapist.id
    login(portal, world.client_user)
    home = text_of(portal.get("/me"))
    assert "Roland-Morris disability checklist" in home and f'href="/me/questionnaires/{asked.id}"' in home


@pytest.mark.parametrize("kind,message", [("bogus", "Not a valid choice"), ("", "Choose something from the list.")])
def test_an_unknown_kind_of_request_is_refused_with_a_message(client, world, kind, message):
    login(client, world.therapist)
    before = {assignment.id for assignment in open_assignments_of(world.record)}
    response = client.post(f"/clients/{world.record.id}/portal/assign", data={"kind": kind}, follow_redirects=True)
    assert message in text_of(response)
    assert {assignment.id for assignment in open_assignments_of(world.record)} == before
    assert [event.detail for event in audit_events("portal.assign", client_id=world.record.id)] == ["nprs"]  # the world's


def test_a_withdrawn_request_disappears_from_the_clients_home(app, world):
    staff, portal = app.test_client(), app.test_client()
    login(portal, world.client_user)
    assert "Pain rating (0-10)" in text_of(portal.get("/me"))
    login(staff, world.therapist)
    response = staff.post(f"/clients/{world.record.id}/portal/assignments/{world.assignment.id}/cancel",
                          follow_redirects=True)
    assert "Request withdrawn." in text_of(response)
    assert "Pain rating (0-10)" not in text_of(portal.get("/me"))
    assert portal.get(f"/me/questionnaires/{world.assignment.id}").status_code == 302
    db.session.expire_all()
    assert world.assignment.cancelled_at is not None


def test_asking_twice_for_the_same_questionnaire_keeps_one_request(client, world):
    login(client, world.therapist)
    for _ in range(2):
        assert client.post(f"/clients/{world.record.id}/portal/assign", data={"kind": "nprs"}).status_code == 302
    assert [assignment.id for assignment in open_assignments_of(world.record, "nprs")] == [world.assignment.id]


def test_a_withdrawn_request_is_not_called_answered(app, world):
    staff, portal = app.test_client(), app.test_client()
    login(staff, world.therapist)
    staff.post(f"/clients/{world.record.id}/portal/assignments/{world.assignment.id}/cancel")
    login(portal, world.client_user)
    response = portal.get(f"/me/questionnaires/{world.assignment.id}", follow_redirects=True)
    assert response.status_code == 200
    assert "You have already answered this one" not in text_of(response)


def test_a_therapist_cannot_withdraw_another_clients_request(client, world):
    login(client, world.therapist)
    response = client.post(f"/clients/{world.record.id}/portal/assignments/{world.other_assignment.id}/cancel")
    assert response.status_code == 404
    db.session.expire_all()
    assert world.other_assignment.is_open
    [denied] = audit_events("portal.assignment_denied")
    assert denied.outcome == OUTCOME_DENIED and denied.client_id == world.record.id


# --- 7. The pre-visit intake ------------------------------------------------------------------------------


def test_a_new_client_fills_in_the_pre_visit_intake_and_the_therapist_reviews_it(app, world, newcomer):
    staff, portal = app.test_client(), app.test_client()
    login(staff, world.therapist)
    _, _, token = invite(staff, newcomer)
    [waiting] = open_assignments_of(newcomer)
    assert waiting.kind == ASSIGNMENT_INTAKE
    accept(portal, token)
    assert 'href="/me/intake"' in text_of(portal.get("/me"))
    assert portal.get("/me/intake").status_code == 200

    response = portal.post("/me/intake", data={"reason": "Low back pain", "pain_now": "5",
                                               "rf_bladder_control_loss": "yes", "rf_saddle_numbness": "no"})
    assert response.status_code == 200
    page = text_of(response)
    assert "Get medical help now" in page and "Emergency — do not treat" not in page
    [intake] = db.session.scalars(select(Intake).where(Intake.client_id == newcomer.id))
    assert intake.source == SOURCE_CLIENT and intake.is_signed and intake.screening_level == screening.EMERGENCY
    assert intake.answers["rf_bladder_control_loss"] == "yes" and intake.reviewed_at is None
    assert open_assignments_of(newcomer) == []
    assert 'href="/me/intake"' not in text_of(portal.get("/me"))

    row = attention_row(text_of(staff.get("/")), "Nadia Novak")
    assert "Pre-visit intake filled in by the client" in row
    assert "Intake screening: Emergency — do not treat." in row
    intake_page = text_of(staff.get(f"/clients/{newcomer.id}/intakes/{intake.id}"))
    assert f'action="/clients/{newcomer.id}/intakes/{intake.id}/review"' in intake_page
    assert "Mark as reviewed" in intake_page
    response = staff.post(f"/clients/{newcomer.id}/intakes/{intake.id}/review")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/clients/{newcomer.id}/intakes/{intake.id}")
    db.session.expire_all()
    assert intake.reviewed_at is not None and intake.reviewed_by_id == world.therapist.id
    row = attention_row(text_of(staff.get("/")), "Nadia Novak")
    assert "Pre-visit intake" not in row
    assert "Intake screening: Emergency" in row, "reviewing is not recording what was done about the red flag"
    intake_page = text_of(staff.get(f"/clients/{newcomer.id}/intakes/{intake.id}"))
    assert "Mark as reviewed" not in intake_page and "reviewed by Theo Therapist on" in intake_page
    [reviewed] = audit_events("intake.review", client_id=newcomer.id)
    assert reviewed.actor_id == world.therapist.id


def test_the_intake_form_is_only_there_when_the_therapist_asked_for_it(client, world):
    login(client, world.client_user)
    response = client.get("/me/intake")
    assert response.status_code == 302 and response.headers["Location"].endswith("/me")
    assert client.post("/me/intake", data={"rf_bladder_control_loss": "yes"}).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Intake).where(Intake.client_id == world.record.id)) == 1


# --- 8. What a client never sees --------------------------------------------------------------------------

SECRET_NOTE = "Guarded about the divorce; query fibromyalgia"


def test_the_clients_pages_never_show_session_notes_other_clients_or_screening_labels(client, world):
    create_note(world.record, {"seen_on": date.today(), "subjective": SECRET_NOTE, "pain_before": 7,
                               "pain_after": 4}, actor=world.therapist)
    db.session.commit()
    login(client, world.client_user)
    post_log(client, date.today(), pain=5, signs=["saddle_numbness"])  # an emergency-level report of her own
    pages = {path: text_of(client.get(path)) for path in ("/me", "/me/history", "/me/progress")}
    assert "Hello, Amira" in pages["/me"] and "Get medical help now" in pages["/me"]
    for path, page in pages.items():
        assert SECRET_NOTE not in page, path
        assert "Ben Carter" not in page and "Carter" not in page, path
        assert "Ben's note" not in page and "Ben&#39;s note" not in page, path
        assert all(label not in page for label in screening.LEVEL_LABELS.values()), path


def test_a_client_cannot_open_their_own_staff_record(client, world):
    login(client, world.client_user)
    response = client.get(f"/clients/{world.record.id}")
    assert response.status_code == 403
    assert "Better" not in text_of(response)
    [denied] = audit_events("access.role_denied")
    assert denied.actor_id == world.client_user.id and denied.outcome == OUTCOME_DENIED


def test_foreign_ids_posted_with_a_log_change_nothing_else(client, world):
    login(client, world.client_user)
    response = post_log(client, date.today(), pain=2, note="Mine",
                        client_id=str(world.colleague_record.id), user_id=str(world.other_client_user.id),
                        plan_version_id="999999", logged_on=days_ago(3).isoformat())
    assert response.status_code == 302
    [mine] = [log for log in logs_of(world.record) if log.logged_on == date.today()]
    assert (mine.pain, mine.note, mine.plan_version_id) == (2, "Mine", home_plan(world.record).version.id)
    assert [(log.logged_on, log.pain, log.note) for log in logs_of(world.colleague_record)] == [
        (days_ago(1), 5, "Ben's note")]
    assert [event for action in ("home_log.create", "home_log.update")
            for event in audit_events(action, client_id=world.colleague_record.id, actor_id=world.client_user.id)] == []


# --- 9. Progress ------------------------------------------------------------------------------------------


def test_the_therapist_chart_counts_home_and_session_scores_the_clients_only_home_scores(app, world):
    create_note(world.record, {"seen_on": days_ago(2), "pain_before": 6, "pain_after": 3}, actor=world.therapist)
    backfill(world.record, world.client_user, {3: 5})  # with the world's log of yesterday: two home scores
    staff, portal = app.test_client(), app.test_client()
    login(staff, world.therapist)
    staff_page = text_of(staff.get(f"/clients/{world.record.id}"))
    assert 'id="home-care"' in staff_page
    assert PAIN_POINTS.findall(staff_page) == ["4"]
    assert "pain before and after sessions" in staff_page
    login(portal, world.client_user)
    client_page = text_of(portal.get("/me/progress"))
    assert PAIN_POINTS.findall(client_page) == ["2"]
    assert "2 days logged in the last 12 weeks; latest pain 4 out of 10." in client_page


# --- 10. The dashboard's attention list -------------------------------------------------------------------


def test_the_dashboard_lists_clients_who_stopped_logging_or_whose_pain_rose(client, world, make_client, make_user):
    quiet = client_with_plan(world, make_client, make_user, "Quinn", "Quiet")
    backfill(quiet, quiet.portal_user, {9: 3, 12: 3})
    rising = client_with_plan(world, make_client, make_user, "Riley", "Rising")
    backfill(rising, rising.portal_user, {13: 3, 10: 3, 7: 3, 4: 3, 2: 3, 0: 6})
    backfill(world.record, world.client_user, {5: 4, 3: 4})  # steady, and logged yesterday (the world's log)
    login(client, world.therapist)
    page = text_of(client.get("/"))
    assert "No home log for 9 days." in attention_row(page, "Quinn Quiet")
    rising_row = attention_row(page, "Riley Rising")
    assert f"Pain up to 6/10 on {date.today():%d %b}, from a usual 3/10." in rising_row
    assert "No home log" not in rising_row
    steady_row = attention_row(page, "Amira Hassan")
    assert "No home log" not in steady_row and "Pain up to" not in steady_row


def test_a_client_without_portal_access_is_not_chased_for_logs(client, world, make_client, make_user):
    quiet = client_with_plan(world, make_client, make_user, "Quinn", "Quiet")
    backfill(quiet, quiet.portal_user, {9: 3})
    login(client, world.therapist)
    assert "No home log for 9 days." in attention_row(text_of(client.get("/")), "Quinn Quiet")
    client.post(f"/clients/{quiet.id}/portal/remove-access")
    assert "No home log" not in attention_row(text_of(client.get("/")), "Quinn Quiet")


def test_a_client_who_never_logged_is_listed_a_week_after_the_plan_started(client, world, make_client, make_user):
    record = client_with_plan(world, make_client, make_user, "Nell", "Never")
    for version in db.session.scalars(select(PlanVersion).join(Plan).where(Plan.client_id == record.id)):
        version.created_at = utcnow() - timedelta(days=10)
    db.session.commit()
    login(client, world.therapist)
    assert "No home log yet, 10 days after the plan started." in attention_row(text_of(client.get("/")), "Nell Never")


# --- 11. Handouts -----------------------------------------------------------------------------------------


def test_the_client_downloads_their_own_handout(client, world):
    login(client, world.client_user)
    response = client.get("/me/handout.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"] == 'attachment; filename="my-home-plan-v1.pdf"'
    assert response.headers["Cache-Control"] == "no-store"
    [download] = audit_events("handout.download")
    assert download.actor_id == world.client_user.id and download.client_id == world.record.id
    assert download.outcome == OUTCOME_SUCCESS and "by the client" in download.detail


def test_the_invitation_handout_is_made_from_the_token_and_never_cached(client, world):
    login(client, world.therapist)
    page, _, token = invite(client, world.record)
    assert 'action="/clients/%d/portal/invitation-handout"' % world.record.id in text_of(page)
    cached_before = db.session.scalar(select(func.count()).select_from(RenderedHandout))
    response = client.post(f"/clients/{world.record.id}/portal/invitation-handout", data={"token": token})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF") and response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"] == 'attachment; filename="home-plan-Amira-v1-invitation.pdf"'
    assert db.session.scalar(select(func.count()).select_from(RenderedHandout)) == cached_before
    [download] = audit_events("handout.download")
    assert download.actor_id == world.therapist.id and "with invitation" in download.detail


@pytest.mark.parametrize("which", ["wrong", "another_clients", "empty"])
def test_the_invitation_handout_with_a_wrong_token_is_a_404(client, world, make_client, which):
    other = make_client(world.practice, world.therapist, first_name="Tess", last_name="Token", email="tess@example.com")
    login(client, world.therapist)
    _, _, others_token = invite(client, other)
    token = {"wrong": "not-the-token", "another_clients": others_token, "empty": ""}[which]
    response = client.post(f"/clients/{world.record.id}/portal/invitation-handout", data={"token": token})
    assert response.status_code == 404
    [denied] = audit_events("portal.invitation_denied")
    assert denied.outcome == OUTCOME_DENIED and denied.client_id == world.record.id
    assert denied.actor_id == world.therapist.id
    assert audit_events("handout.download") == []


def test_the_invitation_handout_of_a_used_invitation_is_refused_with_a_message(app, world):
    staff, visitor = app.test_client(), app.test_client()
    login(staff, world.therapist)
    _, _, token = invite(staff, world.record)
    accept(visitor, token)
    response = staff.post(f"/clients/{world.record.id}/portal/invitation-handout", data={"token": token},
                          follow_redirects=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "This invitation is no longer open" in text_of(response)


def test_handout_file_names_are_safe_whatever_the_clients_name(client, world):
    update_client(db.session.get(Client, world.record.id), {"first_name": 'Ré"ne/../\\x;y'}, actor=world.therapist)
    db.session.commit()
    login(client, world.therapist)
    _, _, token = invite(client, world.record)
    response = client.post(f"/clients/{world.record.id}/portal/invitation-handout", data={"token": token})
    disposition = response.headers["Content-Disposition"]
    filename = re.fullmatch(r'attachment; filename="([^"]+)"', disposition).group(1)
    assert filename.startswith("home-plan-") and filename.endswith("-v1-invitation.pdf")
    assert not re.search(r'[/\\;"]', filename)


# --- 12. E-mail -------------------------------------------------------------------------------------------


class FakeSMTP:
    """Stands in for smtplib.SMTP: records each call and message; raises `failure` at the stage `fail_at`."""

    sent: list = []
    calls: list = []
    failure: Exception | None = None
    fail_at: str = "connect"

    def __init__(self, host, port=0, timeout=None):
        FakeSMTP.calls.append(("connect", host, port))
        self._maybe_fail("connect")

    def _maybe_fail(self, stage: str) -> None:
        if FakeSMTP.failure is not None and FakeSMTP.fail_at == stage:
            raise FakeSMTP.failure

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        FakeSMTP.calls.append(("close",))
        return False

    def starttls(self):
        FakeSMTP.calls.append(("starttls",))

    def login(self, user, password):
        FakeSMTP.calls.append(("login", user, password))

    def send_message(self, message):
        self._maybe_fail("send")
        FakeSMTP.sent.append(message)


@pytest.fixture
def smtp(monkeypatch):
    """The fake SMTP class, installed where practice.mail looks for it, reset for each test."""
    monkeypatch.setattr(FakeSMTP, "sent", [])
    monkeypatch.setattr(FakeSMTP, "calls", [])
    monkeypatch.setattr(FakeSMTP, "failure", None)
    monkeypatch.setattr(FakeSMTP, "fail_at", "connect")
    monkeypatch.setattr("practice.mail.smtplib.SMTP", FakeSMTP)
    return FakeSMTP


def test_with_a_mail_server_the_invitation_goes_through_smtp(make_app, world, newcomer, smtp, outbox):
    app = make_app(MAIL_SERVER="smtp.example.test", MAIL_USERNAME="mailer", MAIL_PASSWORD="mail-secret")
    browser = app.test_client()
    login(browser, world.therapist)
    response, link, _ = invite(browser, newcomer)
    assert response.status_code == 200
    assert "An e-mail with this link went to nadia@example.com" in text_of(response)
    assert smtp.calls == [("connect", "smtp.example.test", 587), ("starttls",), ("login", "mailer", "mail-secret"),
                          ("close",)]
    [message] = smtp.sent
    assert message["To"] == "nadia@example.com"
    assert message["Subject"] == "Your home care plan at Willow Street Massage"
    assert link in message.get_content() and "Hello Nadia," in message.get_content()
    assert outbox_messages(outbox) == []


@pytest.mark.parametrize("failure,stage", [
    (OSError("connection refused"), "connect"),
    (smtplib.SMTPConnectError(421, "busy"), "connect"),
    (smtplib.SMTPException("refused"), "send"),
    (smtplib.SMTPRecipientsRefused({"nadia@example.com": (550, b"no such user")}), "send"),
])
def test_when_the_mail_server_fails_the_invitation_still_works(make_app, world, newcomer, smtp, failure, stage):
    smtp.failure, smtp.fail_at = failure, stage
    app = make_app(MAIL_SERVER="smtp.example.test")
    browser = app.test_client()
    login(browser, world.therapist)
    response, link, token = invite(browser, newcomer)
    assert response.status_code == 200
    page = text_of(response)
    assert "The e-mail could not be sent. Give Nadia the link or the QR code below instead." in page
    assert link and 'src="data:image/svg+xml' in page
    [invitation] = invitations_of(newcomer)
    assert invitation.token_hash == token_digest(token) and invitation.revoked_at is None
    [failed] = audit_events("portal.invite_mail", client_id=newcomer.id)
    assert failed.outcome == OUTCOME_FAILURE and failed.actor_id == world.therapist.id
    assert type(failure).__name__ in failed.detail and smtp.sent == []
    assert app.test_client().get(f"/invite/{token}").status_code == 200


@pytest.mark.parametrize("first_name", ["Eve\nBcc: attacker@evil.test", "Eve\r\nSubject: Reset your password",
                                        "Eve\u2028Bcc: attacker@evil.test"])
def test_a_line_break_in_the_first_name_cannot_add_mail_headers(client, world, make_client, outbox, first_name):
    record = make_client(world.practice, world.therapist, first_name=first_name, last_name="Injector",
                         email="eve@example.com")
    login(client, world.therapist)
    response, link, _ = invite(client, record)
    assert response.status_code == 200
    [path] = sorted(outbox.glob("*.eml"))
    [mail] = outbox_messages(outbox)
    assert mail.get_all("To") == ["eve@example.com"] and len(mail.get_all("Subject")) == 1
    assert mail.get_all("Bcc") is None and mail.get_all("Cc") is None
    assert mail["Subject"] == "Your home care plan at Willow Street Massage"
    head = path.read_bytes().split(b"\n\n", 1)[0].replace(b"\r", b"")
    assert b"attacker@evil.test" not in head and b"Reset your password" not in head


@pytest.mark.parametrize("practice_name", ["Evil Spa\nBcc: attacker@evil.test", "Evil Spa\r\nTo: victim@evil.test"])
def test_a_line_break_in_the_practice_name_cannot_add_mail_headers(client, make_practice, make_client, outbox,
                                                                    practice_name):
    practice = make_practice(practice_name, owner_email="evil-owner@example.com")
    record = make_client(practice, None, first_name="Eve", last_name="Client", email="eve@example.com")
    login(client, "evil-owner@example.com")
    response, _, _ = invite(client, record)
    assert response.status_code == 200
    [mail] = outbox_messages(outbox)
    assert mail.get_all("To") == ["eve@example.com"] and len(mail.get_all("Subject")) == 1
    assert mail.get_all("Bcc") is None
    assert mail["Subject"].startswith("Your home care plan at Evil Spa ")


@pytest.mark.parametrize("separator", ["\u2028", "\x85"])
def test_a_unicode_line_separator_in_the_practice_name_does_not_break_the_invitation(
        client, make_practice, make_client, outbox, separator):
    practice = make_practice(f"Evil Spa{separator}Bcc: attacker@evil.test", owner_email="evil-owner@example.com")
    record = make_client(practice, None, first_name="Eve", last_name="Client", email="eve@example.com")
    login(client, "evil-owner@example.com")
    response, link, _ = invite(client, record)
    assert response.status_code == 200 and link
    [mail] = outbox_messages(outbox)
    assert mail.get_all("Bcc") is None and len(mail.get_all("Subject")) == 1


def test_a_questionnaire_sent_with_no_answer_at_all_is_refused(client, world):
    login(client, world.client_user)
    response = client.post(f"/me/questionnaires/{world.assignment.id}", data={})
    assert response.status_code == 400
    assert "Answer at least one question before sending." in text_of(response)
    assert open_assignments_of(world.record, "nprs"), "the request is still waiting"


def test_a_warning_can_be_reviewed_from_the_all_logs_page(client, world):
    log = save_log(world.record, days_ago(2), plan=home_plan(world.record), done=[], pain=6, note="",
                   signs=["fever"], actor=world.client_user, today=date.today(), backfill_days=7)
    db.session.commit()
    login(client, world.therapist)
    page = text_of(client.get(f"/clients/{world.record.id}/portal/logs"))
    assert "Not reviewed yet" in page
    assert f'action="/clients/{world.record.id}/portal/logs/{log.id}/review"' in page


def test_a_new_session_note_starts_with_the_home_logs_since_the_last_visit(client, world):
    save_log(world.record, days_ago(0), plan=home_plan(world.record), done=[], pain=6,
             note="sore after the foam roller", signs=[], actor=world.client_user, today=date.today(), backfill_days=7)
    db.session.commit()
    login(client, world.therapist)
    page = text_of(client.get(f"/clients/{world.record.id}/sessions/new"))
    # The world's session note is from today, so the summary covers the last two weeks.
    assert "Home logs since" in page and "2 of 14 days logged" in page
    assert "pain 4–6/10, latest 6" in page
    assert "sore after the foam roller" in page
