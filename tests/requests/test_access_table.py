"""Every route × every actor → the status that actor must get. A route without a row fails the suite."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from practice.audit.models import OUTCOME_DENIED
from practice.extensions import db
from practice.plans.models import Plan
from tests.support.access_table import ACTORS, LOGIN, ROUTES, url_values
from tests.support.helpers import audit_events, login

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


@pytest.mark.parametrize("endpoint,method,path,actor,expected", list(_cases()))
def test_access(client, world, endpoint, method, path, actor, expected):
    user = world.actor(actor)
    if user is not None:
        login(client, user)
    url = path.format(**url_values(world))
    response = client.open(url, method=method)
    assert response.status_code == expected, f"{actor} {method} {url}"
    if expected == LOGIN and actor == "anonymous" and endpoint != "accounts.login":
        assert "/login" in response.headers["Location"]
    if expected in (403, 404):
        assert len(audit_events(outcome=OUTCOME_DENIED)) == 1, "every refusal is audited once"


@pytest.mark.parametrize("path,method", [
    ("/clients/{other}", "GET"), ("/clients/{other}/edit", "GET"), ("/clients/{other}/edit", "POST"),
    ("/clients/{other}/archive", "POST"), ("/clients/{other}/restore", "POST"),
    ("/clients/{colleague_record}", "GET"), ("/clients/999999", "GET"),
    ("/clients/{other}/intakes/{other_intake}", "GET"), ("/clients/{other}/intakes/new", "POST"),
    ("/clients/{other}/questionnaires/nprs/new", "POST"),
])
def test_records_out_of_reach_look_missing(client, world, path, method):
    """Another practice's record, a colleague's client and a missing id all answer the same 404."""
    login(client, world.therapist)
    url = path.format(other=world.other_record.id, colleague_record=world.colleague_record.id,
                      other_intake=world.other_intake.id)
    response = client.open(url, method=method, data={"first_name": "Hacked", "last_name": "Name"})
    assert response.status_code == 404
    assert b"We could not find that page" in response.data
    db.session.expire_all()
    assert world.other_record.first_name == "Olga" and not world.other_record.is_archived
    [denial] = audit_events(outcome=OUTCOME_DENIED)
    assert denial.actor_id == world.therapist.id and denial.action == "client.access_denied"


@pytest.mark.parametrize("path,method", [
    ("/clients/{record}/intakes/{other_intake}", "GET"),
    ("/clients/{record}/intakes/{other_intake}/edit", "POST"),
    ("/clients/{record}/intakes/{other_intake}/action", "POST"),
    ("/clients/{record}/questionnaires/no-such-questionnaire/new", "GET"),
])
def test_an_intake_of_another_client_in_the_url_is_a_404(client, world, path, method):
    """Pairing one's own client with another practice's intake id is refused and audited."""
    login(client, world.therapist)
    url = path.format(record=world.record.id, other_intake=world.other_intake.id)
    response = client.open(url, method=method, data={"advice": "x", "acted_on": "2026-01-01", "reason": "x"})
    assert response.status_code == 404
    [denial] = audit_events(outcome=OUTCOME_DENIED)
    assert denial.client_id == world.record.id
    assert world.other_intake.answers == {} and not world.other_intake.actions


def test_a_foreign_id_in_a_form_field_is_a_404_and_audited(client, world):
    """The owner cannot assign a client to a therapist of another practice by editing the form."""
    login(client, world.owner)
    response = client.post(f"/clients/{world.record.id}/edit", data={
        "first_name": "Amira", "last_name": "Hassan", "therapist_id": str(world.other_therapist.id)})
    assert response.status_code == 404
    db.session.expire_all()
    assert world.record.therapist_id == world.therapist.id
    [denial] = audit_events(outcome=OUTCOME_DENIED)
    assert denial.target_type == "user" and denial.target_id == world.other_therapist.id


def test_owner_cannot_manage_another_practices_therapist(client, world):
    login(client, world.owner)
    assert client.post(f"/team/{world.other_therapist.id}/deactivate").status_code == 404
    db.session.expire_all()
    assert world.other_therapist.is_active


@pytest.mark.parametrize("value", ["99999999999999999999", "-3", "abc", "0"])
def test_unusable_therapist_ids_in_the_form_never_crash(client, world, value):
    login(client, world.owner)
    response = client.post(f"/clients/{world.record.id}/edit", data={
        "first_name": "Amira", "last_name": "Hassan", "therapist_id": value})
    assert response.status_code in (302, 400, 404)
    db.session.expire_all()
    assert world.record.therapist_id in (world.therapist.id, None)


@pytest.mark.parametrize("path,method", [
    ("/library/{other_item}", "GET"), ("/library/{other_item}/edit", "POST"), ("/library/{other_item}/copy", "POST"),
])
def test_another_practices_own_library_items_are_out_of_reach(client, world, path, method):
    login(client, world.therapist)
    response = client.open(path.format(other_item=world.other_item.id), method=method, data={"name": "Mine now"})
    assert response.status_code == 404
    assert world.other_item.name == "Other clinic stretch"


@pytest.mark.parametrize("path", [
    "/clients/{other}/plans/{plan}", "/clients/{record}/plans/{other_plan}/steps/{step}/remove",
    "/clients/{record}/plans/{plan}/steps/{foreign_step}", "/clients/{other}/sessions/{note}",
])
def test_plan_and_note_ids_of_other_clients_are_404(client, world, make_client, path):
    other_client = make_client(world.practice, world.colleague, first_name="Cleo", last_name="Colleague")
    login(client, world.owner)
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
