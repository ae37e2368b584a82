"""The owner's export of one client's whole record: complete, nobody else's data, no secrets, audited."""
from __future__ import annotations

import json
import time
from datetime import date

from sqlalchemy import func, select

from practice.accounts import sessions
from practice.casefile import export
from practice.extensions import db
from practice.intake.models import Intake, QuestionnaireResponse, RedFlagAction
from practice.intake.operations import record_questionnaire
from practice.notes.models import SessionAmendment, SessionNote
from practice.notes.operations import amend_note, sign_note
from practice.plans.models import Plan, PlanStep, PlanVersion
from practice.portal.models import Assignment, HomeLog, Invitation
from tests.support.helpers import audit_events, login
from tests.support.pdf import pdf_text


def _fill_record(world) -> None:
    """Give the record a row in every table an export covers (the world has most of them already)."""
    sign_note(world.note, actor=world.therapist)
    amend_note(world.note, "Amended: left side, not right.", actor=world.therapist)
    record_questionnaire(world.record, "nprs", {"pain": "6"}, taken_on=date.today(), actor=world.therapist)
    world.log.note = "Stiff after gardening"
    db.session.commit()


def _export_json(client, world) -> dict:
    response = client.get(f"/clients/{world.record.id}/export.json")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and f"record-Hassan-Amira-{date.today()}.json" in disposition
    return json.loads(response.data)


def test_the_json_export_holds_every_row_of_the_client_and_nothing_of_anyone_else(client, world):
    _fill_record(world)
    login(client, world.owner)
    record = _export_json(client, world)
    tables = record["tables"]
    client_id = world.record.id
    plan_ids = select(Plan.id).where(Plan.client_id == client_id)
    note_ids = select(SessionNote.id).where(SessionNote.client_id == client_id)
    expected = {
        "clients": 1,
        "intakes": db.session.scalar(select(func.count()).where(Intake.client_id == client_id)),
        "red_flag_actions": db.session.scalar(select(func.count()).where(RedFlagAction.client_id == client_id)),
        "questionnaire_responses": db.session.scalar(
            select(func.count()).where(QuestionnaireResponse.client_id == client_id)),
        "plans": db.session.scalar(select(func.count()).where(Plan.client_id == client_id)),
        "plan_steps": db.session.scalar(select(func.count()).where(PlanStep.plan_id.in_(plan_ids))),
        "plan_versions": db.session.scalar(select(func.count()).where(PlanVersion.plan_id.in_(plan_ids))),
        "session_notes": db.session.scalar(select(func.count()).where(SessionNote.client_id == client_id)),
        "session_amendments": db.session.scalar(
            select(func.count()).where(SessionAmendment.note_id.in_(note_ids))),
        "home_logs": db.session.scalar(select(func.count()).where(HomeLog.client_id == client_id)),
        "portal_assignments": db.session.scalar(select(func.count()).where(Assignment.client_id == client_id)),
        "portal_invitations": db.session.scalar(select(func.count()).where(Invitation.client_id == client_id)),
    }
    assert all(count >= 1 for count in expected.values()), expected  # the test covers every kind of row
    assert {name: len(tables[name]) for name in expected} == expected
    assert record["row_counts"]["audit_events"] == len(tables["audit_events"]) >= 5
    assert {row["client_id"] for row in tables["audit_events"]} == {client_id}

    assert tables["clients"][0]["first_name"] == "Amira"
    assert tables["session_amendments"][0]["text"] == "Amended: left side, not right."
    assert tables["home_logs"][0]["note"] == "Stiff after gardening"
    assert {row["id"] for row in tables["plan_steps"]} == {step.id for step in world.plan.steps}
    text = json.dumps(record)
    assert "Ben's note" not in text and "Olga" not in text  # another client's log, another practice's client
    assert record["people"][str(world.therapist.id)] == {"name": "Theo Therapist", "role": "therapist"}


def test_every_table_is_exported_or_deliberately_left_out():
    # A table added later must be either part of a client's export or named here with a reason.
    decided = set(export.exported_table_names()) | set(export.NOT_EXPORTED) | export.SHARED_TABLES
    assert set(db.metadata.tables) - decided == set()


def test_the_export_never_holds_secrets(client, world):
    login(client, world.owner)
    record = _export_json(client, world)
    text = json.dumps(record)
    assert world.invitation_token not in text
    assert world.invitation.token_hash not in text
    for column in ("token_hash", "password_hash", "session_token"):
        assert column in record["not_included"]["secret columns"]  # the export says what it left out
        assert all(column not in row for rows in record["tables"].values() for row in rows)
    assert world.client_user.password_hash not in text


def test_exports_are_audited_with_what_was_exported(client, world):
    login(client, world.owner)
    client.get(f"/clients/{world.record.id}/export")
    _export_json(client, world)
    events = audit_events("client.export%")
    assert [(event.action, event.actor_id, event.client_id) for event in events] == [
        ("client.export_page", world.owner.id, world.record.id), ("client.export", world.owner.id, world.record.id)]
    assert events[-1].detail.startswith("json, ") and events[-1].detail.endswith(" rows")


def test_the_export_page_lists_the_parts_and_the_two_downloads(client, world):
    login(client, world.owner)
    page = client.get(f"/clients/{world.record.id}/export").get_data(as_text=True)
    assert "Export Amira Hassan&#39;s record" in page or "Export Amira Hassan's record" in page
    assert f"/clients/{world.record.id}/export.pdf" in page and f"/clients/{world.record.id}/export.json" in page
    assert "Session notes" in page and "Home logs" in page
    assert f"/clients/{world.record.id}/export" in client.get(f"/clients/{world.record.id}").get_data(as_text=True)


def test_the_export_asks_for_the_password_when_it_was_typed_long_ago(client, world):
    login(client, world.owner)
    with client.session_transaction() as session:
        session[sessions.AUTHENTICATED_AT] = int(time.time()) - 3600
    for suffix in ("", ".json", ".pdf"):
        response = client.get(f"/clients/{world.record.id}/export{suffix}")
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/account/confirm?next=")
    assert not audit_events("client.export")


def test_another_practices_owner_gets_a_404_and_the_attempt_is_audited(client, world):
    login(client, world.other_owner)
    assert client.get(f"/clients/{world.record.id}/export.json").status_code == 404
    denied = audit_events("client.access_denied")
    assert [event.actor_id for event in denied] == [world.other_owner.id]


def test_the_pdf_export_is_readable_and_escapes_what_people_typed(client, world, tmp_path):
    _fill_record(world)
    world.record.notes = "<b>bold?</b> & <script>alert(1)</script>"
    db.session.commit()
    login(client, world.owner)
    response = client.get(f"/clients/{world.record.id}/export.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert f"record-Hassan-Amira-{date.today()}.pdf" in response.headers["Content-Disposition"]
    path = tmp_path / "record.pdf"
    path.write_bytes(response.data)
    text = pdf_text(path)
    for expected in ("Client record: Amira Hassan", "Willow Street Massage", "Intake version 1",
                     "Amended: left side, not right.", "Stiff after gardening", "Reviewed in person",
                     "<b>bold?</b> & <script>alert(1)</script>", "Access history", "Page 1 of"):
        assert expected in text, expected
    assert "Ben's note" not in text
    [event] = audit_events("client.export")
    assert event.detail == "pdf"
