"""Every route × every actor → the status that actor must get. A route without a row fails the suite."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from practice.audit.models import OUTCOME_DENIED, AuditEvent
from practice.extensions import db
from practice.plans.models import Plan

ACTORS = ("owner", "therapist", "other_therapist", "client", "anonymous")

# The URL of each endpoint, with ids of records of the first practice (assigned to "therapist").
# `{record}` is that client record; `{colleague}` is a therapist of the same practice.
LOGIN = 302  # anonymous users are sent to the login page
ROUTES: dict[str, tuple[str, str, dict[str, int]]] = {
    "accounts.login": ("GET", "/login", dict(owner=302, therapist=302, other_therapist=302, client=302, anonymous=200)),
    "accounts.logout": ("POST", "/logout", dict(owner=302, therapist=302, other_therapist=302, client=302, anonymous=LOGIN)),
    "accounts.password": ("GET", "/account/password",
                          dict(owner=200, therapist=200, other_therapist=200, client=200, anonymous=LOGIN)),
    "accounts.confirm_password": ("GET", "/account/confirm",
                                  dict(owner=200, therapist=200, other_therapist=200, client=200, anonymous=LOGIN)),
    "accounts.team": ("GET", "/team", dict(owner=200, therapist=403, other_therapist=403, client=403, anonymous=LOGIN)),
    "accounts.new_therapist": ("GET", "/team/new",
                               dict(owner=200, therapist=403, other_therapist=403, client=403, anonymous=LOGIN)),
    "accounts.deactivate": ("POST", "/team/{colleague}/deactivate",
                            dict(owner=302, therapist=403, other_therapist=403, client=403, anonymous=LOGIN)),
    "accounts.activate": ("POST", "/team/{colleague}/activate",
                          dict(owner=302, therapist=403, other_therapist=403, client=403, anonymous=LOGIN)),
    "dashboard.index": ("GET", "/", dict(owner=200, therapist=200, other_therapist=200, client=302, anonymous=LOGIN)),
    "clients.index": ("GET", "/clients/", dict(owner=200, therapist=200, other_therapist=200, client=403, anonymous=LOGIN)),
    "clients.new": ("GET", "/clients/new", dict(owner=200, therapist=200, other_therapist=200, client=403, anonymous=LOGIN)),
    "clients.show": ("GET", "/clients/{record}",
                     dict(owner=200, therapist=200, other_therapist=404, client=403, anonymous=LOGIN)),
    "clients.edit": ("GET", "/clients/{record}/edit",
                     dict(owner=200, therapist=200, other_therapist=404, client=403, anonymous=LOGIN)),
    "clients.export": ("GET", "/clients/{record}/export",
                       dict(owner=200, therapist=403, other_therapist=403, client=403, anonymous=LOGIN)),
    "clients.export_json": ("GET", "/clients/{record}/export.json",
                            dict(owner=200, therapist=403, other_therapist=403, client=403, anonymous=LOGIN)),
    "clients.export_pdf": ("GET", "/clients/{record}/export.pdf",
                           dict(owner=200, therapist=403, other_therapist=403, client=403, anonymous=LOGIN)),
    "clients.archive": ("POST", "/clients/{record}/archive",
                        dict(owner=302, therapist=302, other_therapist=404, client=403, anonymous=LOGIN)),
    "clients.restore": ("POST", "/clients/{record}/restore",
                        dict(owner=302, therapist=302, other_therapist=404, client=403, anonymous=LOGIN)),
    "intake.new": ("GET", "/clients/{record}/intakes/new",
                   dict(owner=302, therapist=302, other_therapist=404, client=403, anonymous=LOGIN)),
    "intake.edit": ("GET", "/clients/{record}/intakes/{intake}/edit",
                    dict(owner=200, therapist=200, other_therapist=404, client=403, anonymous=LOGIN)),
    "intake.show": ("GET", "/clients/{record}/intakes/{intake}",
                    dict(owner=200, therapist=200, other_therapist=404, client=403, anonymous=LOGIN)),
    "intake.action": ("POST", "/clients/{record}/intakes/{intake}/action",
                      dict(owner=400, therapist=400, other_therapist=404, client=403, anonymous=LOGIN)),
    "intake.questionnaire": ("GET", "/clients/{record}/questionnaires/startback/new",
                             dict(owner=200, therapist=200, other_therapist=404, client=403, anonymous=LOGIN)),
    "library.index": ("GET", "/library/", dict(owner=200, therapist=200, other_therapist=200, client=403, anonymous=LOGIN)),
    # Seeded items are shared by every practice, so another practice's therapist sees and copies them too.
    "library.show": ("GET", "/library/{seeded_item}",
                     dict(owner=200, therapist=200, other_therapist=200, client=403, anonymous=LOGIN)),
    "library.copy": ("POST", "/library/{seeded_item}/copy",
                     dict(owner=302, therapist=302, other_therapist=302, client=403, anonymous=LOGIN)),
    "library.new": ("GET", "/library/new", dict(owner=200, therapist=200, other_therapist=200, client=403, anonymous=LOGIN)),
    "library.edit": ("GET", "/library/{seeded_item}/edit",
                     dict(owner=302, therapist=302, other_therapist=302, client=403, anonymous=LOGIN)),
    "plans.new": ("POST", "/clients/{record}/plans/new",
                  dict(owner=302, therapist=302, other_therapist=404, client=403, anonymous=LOGIN)),
    "plans.show": ("GET", "/clients/{record}/plans/{plan}",
                   dict(owner=200, therapist=200, other_therapist=404, client=403, anonymous=LOGIN)),
    # Empty posts: a form error (400), or a stale row version (409) where the form has no other field.
    "plans.details": ("POST", "/clients/{record}/plans/{plan}/details",
                      dict(owner=400, therapist=400, other_therapist=404, client=403, anonymous=LOGIN)),
    "plans.add_step": ("POST", "/clients/{record}/plans/{plan}/steps",
                       dict(owner=400, therapist=400, other_therapist=404, client=403, anonymous=LOGIN)),
    "plans.update_step": ("POST", "/clients/{record}/plans/{plan}/steps/{step}",
                          dict(owner=400, therapist=400, other_therapist=404, client=403, anonymous=LOGIN)),
    "plans.remove_step": ("POST", "/clients/{record}/plans/{plan}/steps/{step}/remove",
                          dict(owner=409, therapist=409, other_therapist=404, client=403, anonymous=LOGIN)),
    "plans.move_step": ("POST", "/clients/{record}/plans/{plan}/steps/{step}/move",
                        dict(owner=409, therapist=409, other_therapist=404, client=403, anonymous=LOGIN)),
    "plans.activate": ("POST", "/clients/{record}/plans/{plan}/activate",
                       dict(owner=409, therapist=409, other_therapist=404, client=403, anonymous=LOGIN)),
    "plans.publish": ("POST", "/clients/{record}/plans/{plan}/publish",
                      dict(owner=400, therapist=400, other_therapist=404, client=403, anonymous=LOGIN)),
    "plans.status": ("POST", "/clients/{record}/plans/{plan}/status",
                     dict(owner=400, therapist=400, other_therapist=404, client=403, anonymous=LOGIN)),
    "plans.version": ("GET", "/clients/{record}/plans/{plan}/versions/1",
                      dict(owner=200, therapist=200, other_therapist=404, client=403, anonymous=LOGIN)),
    "sessions.new": ("GET", "/clients/{record}/sessions/new",
                     dict(owner=200, therapist=200, other_therapist=404, client=403, anonymous=LOGIN)),
    "sessions.show": ("GET", "/clients/{record}/sessions/{note}",
                      dict(owner=200, therapist=200, other_therapist=404, client=403, anonymous=LOGIN)),
    "sessions.edit": ("GET", "/clients/{record}/sessions/{note}/edit",
                      dict(owner=200, therapist=200, other_therapist=404, client=403, anonymous=LOGIN)),
    "sessions.amend": ("POST", "/clients/{record}/sessions/{note}/amend",
                       dict(owner=302, therapist=302, other_therapist=404, client=403, anonymous=LOGIN)),
    "handouts.handout": ("GET", "/clients/{record}/plans/{plan}/versions/1/handout.pdf",
                         dict(owner=200, therapist=200, other_therapist=404, client=403, anonymous=LOGIN)),
    "handouts.print_view": ("GET", "/clients/{record}/plans/{plan}/versions/1/print",
                            dict(owner=200, therapist=200, other_therapist=404, client=403, anonymous=LOGIN)),
    # The world's intake is unanswered (needs review, no flag found): no summary to print, back to the intake.
    "handouts.referral": ("GET", "/clients/{record}/intakes/{intake}/referral.pdf",
                          dict(owner=302, therapist=302, other_therapist=404, client=403, anonymous=LOGIN)),
    # The client portal: the client actor is the portal login of {record}; staff are refused with a 403.
    "portal.home": ("GET", "/me", dict(owner=403, therapist=403, other_therapist=403, client=200, anonymous=LOGIN)),
    "portal.log_day": ("GET", "/me/log/{today}",
                       dict(owner=403, therapist=403, other_therapist=403, client=200, anonymous=LOGIN)),
    "portal.history": ("GET", "/me/history",
                       dict(owner=403, therapist=403, other_therapist=403, client=200, anonymous=LOGIN)),
    "portal.progress": ("GET", "/me/progress",
                        dict(owner=403, therapist=403, other_therapist=403, client=200, anonymous=LOGIN)),
    "portal.handout": ("GET", "/me/handout.pdf",
                       dict(owner=403, therapist=403, other_therapist=403, client=200, anonymous=LOGIN)),
    "portal.questionnaire": ("GET", "/me/questionnaires/{assignment}",
                             dict(owner=403, therapist=403, other_therapist=403, client=200, anonymous=LOGIN)),
    # The record has an intake already, so no pre-visit intake is waiting: back to the home page.
    "portal.intake": ("GET", "/me/intake",
                      dict(owner=403, therapist=403, other_therapist=403, client=302, anonymous=LOGIN)),
    # Whoever holds the link may open it: the token is the key.
    "portal.accept": ("GET", "/invite/{token}",
                      dict(owner=200, therapist=200, other_therapist=200, client=200, anonymous=200)),
    "portal_staff.invite": ("POST", "/clients/{record}/portal/invite",
                            dict(owner=200, therapist=200, other_therapist=404, client=403, anonymous=LOGIN)),
    # Without the invitation's token there is nothing to print: an audited 404 for everyone allowed in.
    "portal_staff.invitation_handout": ("POST", "/clients/{record}/portal/invitation-handout",
                                        dict(owner=404, therapist=404, other_therapist=404, client=403, anonymous=LOGIN)),
    "portal_staff.remove": ("POST", "/clients/{record}/portal/remove-access",
                            dict(owner=302, therapist=302, other_therapist=404, client=403, anonymous=LOGIN)),
    "portal_staff.assign_form": ("POST", "/clients/{record}/portal/assign",
                                 dict(owner=302, therapist=302, other_therapist=404, client=403, anonymous=LOGIN)),
    "portal_staff.cancel": ("POST", "/clients/{record}/portal/assignments/{assignment}/cancel",
                            dict(owner=302, therapist=302, other_therapist=404, client=403, anonymous=LOGIN)),
    "portal_staff.review": ("POST", "/clients/{record}/portal/logs/{log}/review",
                            dict(owner=302, therapist=302, other_therapist=404, client=403, anonymous=LOGIN)),
    "portal_staff.review_intake": ("POST", "/clients/{record}/portal/intakes/{intake}/review",
                                   dict(owner=302, therapist=302, other_therapist=404, client=403, anonymous=LOGIN)),
    "portal_staff.logs": ("GET", "/clients/{record}/portal/logs",
                          dict(owner=200, therapist=200, other_therapist=404, client=403, anonymous=LOGIN)),
    "audit.index": ("GET", "/audit/", dict(owner=200, therapist=403, other_therapist=403, client=403, anonymous=LOGIN)),
    "audit.export": ("GET", "/audit/export.csv",
                     dict(owner=200, therapist=403, other_therapist=403, client=403, anonymous=LOGIN)),
}
UNTESTED = {"static"}


def test_every_route_has_a_row(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - UNTESTED
    assert endpoints - ROUTES.keys() == set(), "add these routes to the access table"
    assert ROUTES.keys() - endpoints == set(), "these rows name routes that no longer exist"


def _cases():
    for endpoint, (method, path, expected) in ROUTES.items():
        assert set(expected) == set(ACTORS), endpoint
        for actor in ACTORS:
            yield pytest.param(endpoint, method, path, actor, expected[actor], id=f"{endpoint}-{actor}")


def _denials() -> int:
    return len(db.session.scalars(select(AuditEvent).where(AuditEvent.outcome == OUTCOME_DENIED)).all())


@pytest.mark.parametrize("endpoint,method,path,actor,expected", list(_cases()))
def test_access(client, auth, world, endpoint, method, path, actor, expected):
    user = world.actor(actor)
    if user is not None:
        assert auth.login(user.email).status_code == 302
    url = path.format(record=world.record.id, colleague=world.colleague.id, intake=world.intake.id,
                      plan=world.plan.id, step=world.step.id, note=world.note.id, seeded_item=world.seeded_item.id,
                      today=date.today().isoformat(), assignment=world.assignment.id, log=world.log.id,
                      token=world.invitation_token)
    response = client.open(url, method=method)
    assert response.status_code == expected, f"{actor} {method} {url}"
    if expected == LOGIN and actor == "anonymous" and endpoint != "accounts.login":
        assert "/login" in response.headers["Location"]
    if expected in (403, 404):
        db.session.expire_all()
        assert _denials() == 1, "every refusal is audited once"


@pytest.mark.parametrize("path,method", [
    ("/clients/{other}", "GET"), ("/clients/{other}/edit", "GET"), ("/clients/{other}/edit", "POST"),
    ("/clients/{other}/archive", "POST"), ("/clients/{other}/restore", "POST"),
    ("/clients/{colleague_record}", "GET"), ("/clients/999999", "GET"),
    ("/clients/{other}/intakes/{other_intake}", "GET"), ("/clients/{other}/intakes/new", "POST"),
    ("/clients/{other}/questionnaires/nprs/new", "POST"),
])
def test_records_out_of_reach_look_missing(client, auth, world, path, method):
    """Another practice's record, a colleague's client and a missing id all answer the same 404."""
    auth.login(world.therapist.email)
    url = path.format(other=world.other_record.id, colleague_record=world.colleague_record.id,
                      other_intake=world.other_intake.id)
    response = client.open(url, method=method, data={"first_name": "Hacked", "last_name": "Name"})
    assert response.status_code == 404
    assert b"We could not find that page" in response.data
    db.session.expire_all()
    assert world.other_record.first_name == "Olga" and not world.other_record.is_archived
    denial = db.session.scalars(select(AuditEvent).where(AuditEvent.outcome == OUTCOME_DENIED)).one()
    assert denial.actor_id == world.therapist.id and denial.action == "client.access_denied"


@pytest.mark.parametrize("path,method", [
    ("/clients/{record}/intakes/{other_intake}", "GET"),
    ("/clients/{record}/intakes/{other_intake}/edit", "POST"),
    ("/clients/{record}/intakes/{other_intake}/action", "POST"),
    ("/clients/{record}/questionnaires/no-such-questionnaire/new", "GET"),
])
def test_an_intake_of_another_client_in_the_url_is_a_404(client, auth, world, path, method):
    """Pairing one's own client with another practice's intake id is refused and audited."""
    auth.login(world.therapist.email)
    url = path.format(record=world.record.id, other_intake=world.other_intake.id)
    response = client.open(url, method=method, data={"advice": "x", "acted_on": "2026-01-01", "reason": "x"})
    assert response.status_code == 404
    denial = db.session.scalars(select(AuditEvent).where(AuditEvent.outcome == OUTCOME_DENIED)).one()
    assert denial.client_id == world.record.id
    assert world.other_intake.answers == {} and not world.other_intake.actions


def test_a_foreign_id_in_a_form_field_is_a_404_and_audited(client, auth, world):
    """The owner cannot assign a client to a therapist of another practice by editing the form."""
    auth.login(world.owner.email)
    response = client.post(f"/clients/{world.record.id}/edit", data={
        "first_name": "Amira", "last_name": "Hassan", "therapist_id": str(world.other_therapist.id)})
    assert response.status_code == 404
    db.session.expire_all()
    assert world.record.therapist_id == world.therapist.id
    denial = db.session.scalars(select(AuditEvent).where(AuditEvent.outcome == OUTCOME_DENIED)).one()
    assert denial.target_type == "user" and denial.target_id == world.other_therapist.id


def test_owner_cannot_manage_another_practices_therapist(client, auth, world):
    auth.login(world.owner.email)
    assert client.post(f"/team/{world.other_therapist.id}/deactivate").status_code == 404
    db.session.expire_all()
    assert world.other_therapist.is_active


@pytest.mark.parametrize("value", ["99999999999999999999", "-3", "abc", "0"])
def test_unusable_therapist_ids_in_the_form_never_crash(client, auth, world, value):
    auth.login(world.owner.email)
    response = client.post(f"/clients/{world.record.id}/edit", data={
        "first_name": "Amira", "last_name": "Hassan", "therapist_id": value})
    assert response.status_code in (302, 400, 404)
    db.session.expire_all()
    assert world.record.therapist_id in (world.therapist.id, None)


@pytest.mark.parametrize("path,method", [
    ("/library/{other_item}", "GET"), ("/library/{other_item}/edit", "POST"), ("/library/{other_item}/copy", "POST"),
])
def test_another_practices_own_library_items_are_out_of_reach(client, auth, world, path, method):
    auth.login(world.therapist.email)
    response = client.open(path.format(other_item=world.other_item.id), method=method, data={"name": "Mine now"})
    assert response.status_code == 404
    assert world.other_item.name == "Other clinic stretch"


@pytest.mark.parametrize("path", [
    "/clients/{other}/plans/{plan}", "/clients/{record}/plans/{other_plan}/steps/{step}/remove",
    "/clients/{record}/plans/{plan}/steps/{foreign_step}", "/clients/{other}/sessions/{note}",
])
def test_plan_and_note_ids_of_other_clients_are_404(client, auth, world, make_client, path):
    other_client = make_client(world.practice, world.colleague, first_name="Cleo", last_name="Colleague")
    auth.login(world.owner.email)
    other_plan_response = client.post(f"/clients/{other_client.id}/intakes/new", data={"submit_action": "sign"})
    assert other_plan_response.status_code == 302
    client.post(f"/clients/{other_client.id}/plans/new")
    other_plan = db.session.scalars(select(Plan).where(Plan.client_id == other_client.id)).one()
    url = path.format(other=other_client.id, record=world.record.id, plan=world.plan.id, other_plan=other_plan.id,
                      step=world.step.id, foreign_step=other_plan.steps[0].id, note=world.note.id)
    method = "GET" if url.count("/") <= 5 else "POST"
    response = client.open(url, method=method, data={"row_version": str(world.plan.row_version)})
    assert response.status_code == 404
    db.session.expire_all()
    assert len(world.plan.steps) == len(world.plan.versions[0].content["steps"])
