"""Audit rows, and the names shown beside them, never cross practices.

A row belongs to one practice: the one of whoever acted (or, without an actor, of what was acted on). Its owner
reads it in the audit log, and the record export of a client lists the rows about that client; so a row must
name nothing of another practice, and the names shown beside rows are looked up within the reader's practice.
"""
from __future__ import annotations

import csv
import io
import json

from sqlalchemy import select

from practice.audit.models import AuditEvent
from practice.audit.operations import record_event
from practice.clients.models import Client
from practice.extensions import db
from practice.portal.operations import revoke_invitations
from tests.support.helpers import audit_events, last_audit_id, login, text_of
from tests.support.pdf import pdf_text

OUTSIDER = "Oskar Elsewhere"


def _clients_practice(client_id: int) -> int:
    return db.session.scalar(select(Client.practice_id).where(Client.id == client_id))


def _crossing(events) -> list[AuditEvent]:
    """The rows that name a client of a practice other than their own."""
    return [event for event in events
            if event.client_id is not None and _clients_practice(event.client_id) != event.practice_id]


def _what_each_owner_sees(client, auth, world, tmp_path) -> dict[str, str]:
    """The other practice's audit page and CSV, and this practice's record exports (JSON and PDF), as text."""
    login(client, world.other_owner)
    seen = {"other log": text_of(client.get("/audit/")), "other csv": text_of(client.get("/audit/export.csv"))}
    auth.logout()
    login(client, world.owner)
    seen["json export"] = text_of(client.get(f"/clients/{world.record.id}/export.json"))
    (tmp_path / "record.pdf").write_bytes(client.get(f"/clients/{world.record.id}/export.pdf").data)
    seen["pdf export"] = pdf_text(tmp_path / "record.pdf")
    return seen


def test_another_practices_user_posting_a_revoked_invitation_names_nothing_of_it(client, auth, world, tmp_path):
    world.other_owner.name = OUTSIDER
    revoke_invitations(world.record.id)
    db.session.commit()
    before = last_audit_id()
    login(client, world.other_owner)
    response = client.post(f"/invite/{world.invitation_token}", data={"password": "a quiet river morning",
                                                                      "confirm_password": "a quiet river morning"})
    assert response.status_code == 410 and "no longer valid" in text_of(response)
    [refused] = audit_events("portal.invitation_refused", after_id=before)
    assert refused.practice_id == world.other_practice.id and refused.actor_id == world.other_owner.id
    assert refused.client_id is None and refused.target_id is None, "the row names the other practice's record"
    assert refused.detail == "revoked; a record of another practice"
    auth.logout()

    seen = _what_each_owner_sees(client, auth, world, tmp_path)
    assert "Amira" not in seen["other log"] and "Hassan" not in seen["other log"]
    assert "Amira" not in seen["other csv"] and "Hassan" not in seen["other csv"]
    assert OUTSIDER not in seen["json export"] and OUTSIDER not in seen["pdf export"]
    assert _crossing(audit_events()) == []


def test_no_audit_row_of_one_practice_names_a_record_of_another(app, world):
    # Whatever the caller passes (a target of the other practice, or its client's id), the row is the actor's
    # practice's and keeps only the kind of record touched.
    for target in (world.record, world.plan, world.note, world.intake, world.log, world.invitation, world.assignment):
        event = record_event("test.foreign_target", target=target, actor=world.other_therapist, detail="tried")
        assert (event.practice_id, event.target_id, event.client_id) == (world.other_practice.id, None, None), target
        assert event.target_type == type(target).__name__.lower()
        assert event.detail == "tried; a record of another practice"
    event = record_event("test.foreign_client", client_id=world.record.id, actor=world.other_therapist)
    assert (event.practice_id, event.client_id) == (world.other_practice.id, None)
    # Its own practice's records are named as before.
    own = record_event("test.own_target", target=world.other_record, actor=world.other_therapist)
    assert (own.target_id, own.client_id, own.detail) == (world.other_record.id, world.other_record.id, None)
    anonymous = record_event("test.anonymous", target=world.invitation)
    assert (anonymous.practice_id, anonymous.client_id) == (world.practice.id, world.record.id)


def test_rows_written_across_practices_before_are_shown_and_exported_without_names(client, auth, world, tmp_path):
    # Rows the old code wrote: one under the other practice naming this practice's client and therapist, one
    # under this practice's client with the other practice's owner as actor.
    world.other_owner.name = OUTSIDER
    db.session.add_all([
        AuditEvent(practice_id=world.other_practice.id, actor_id=world.therapist.id, actor_role="therapist",
                   action="portal.invitation_refused", target_type="invitation", target_id=world.invitation.id,
                   client_id=world.record.id, outcome="denied", detail="revoked"),
        AuditEvent(practice_id=world.practice.id, actor_id=world.other_owner.id, actor_role="owner",
                   action="portal.invitation_refused", target_type="invitation", target_id=world.invitation.id,
                   client_id=world.record.id, outcome="denied", detail="revoked")])
    db.session.commit()

    seen = _what_each_owner_sees(client, auth, world, tmp_path)
    for where in ("other log", "other csv"):
        for name in ("Amira", "Hassan", "Theo Therapist"):
            assert name not in seen[where], (where, name)
    assert OUTSIDER not in seen["json export"] and OUTSIDER not in seen["pdf export"]
    exported = json.loads(seen["json export"])
    assert {row["practice_id"] for row in exported["tables"]["audit_events"]} == {world.practice.id}
    rows = list(csv.DictReader(io.StringIO(seen["other csv"])))
    assert [row["client_name"] for row in rows if row["action"] == "portal.invitation_refused"] == [""]
