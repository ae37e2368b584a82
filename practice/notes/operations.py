"""Session notes: write, sign (locks), amend (they flush, never commit); and the reads other pages need."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from practice.accounts.models import User
from practice.audit.operations import record_event
from practice.clients.models import Client
from practice.database import lock_latest, utcnow
from practice.extensions import db
from practice.notes.models import SessionAmendment, SessionNote
from practice.plans.models import STATUS_ACTIVE, Plan

NOTE_FIELDS = ("seen_on", "duration_minutes", "subjective", "objective", "assessment", "plan_text", "techniques",
               "pain_before", "pain_after")


class NoteLocked(Exception):
    """A signed note is not edited; add an amendment instead."""


def create_note(client: Client, values: dict, *, actor: User, sign: bool = False) -> SessionNote:
    """Record a visit, linked to the client's active plan if there is one."""
    plan_id = db.session.scalar(select(Plan.id).where(Plan.client_id == client.id, Plan.status == STATUS_ACTIVE))
    note = SessionNote(client_id=client.id, plan_id=plan_id, created_by_id=actor.id,
                       **{name: _clean(name, values.get(name)) for name in NOTE_FIELDS})
    db.session.add(note)
    db.session.flush()
    record_event("session.create", target=note, actor=actor)
    if sign:
        sign_note(note, actor=actor)
    return note


def _clean(name: str, value):
    if name == "techniques":
        return list(value or [])
    if name in ("subjective", "objective", "assessment", "plan_text"):
        return value or ""
    return value


def update_note(note: SessionNote, values: dict, *, seen_row_version: int, actor: User, sign: bool = False) -> None:
    """Change an unsigned note."""
    lock_latest(note)
    if note.is_signed:
        raise NoteLocked()
    if seen_row_version != note.row_version:
        raise NoteConflict()
    for name in NOTE_FIELDS:
        setattr(note, name, _clean(name, values.get(name)))
    db.session.flush()
    record_event("session.update", target=note, actor=actor)
    if sign:
        sign_note(note, actor=actor)


class NoteConflict(Exception):
    """Someone else saved the note since this form was opened."""


def sign_note(note: SessionNote, *, actor: User) -> None:
    """Lock the note."""
    note.is_signed = True
    note.signed_at = utcnow()
    db.session.flush()
    record_event("session.sign", target=note, actor=actor)


def amend_note(note: SessionNote, text: str, *, actor: User) -> SessionAmendment:
    """Add a dated amendment to a signed note; the original stays as it was."""
    amendment = SessionAmendment(note=note, text=text, created_by_id=actor.id)
    db.session.add(amendment)
    db.session.flush()
    record_event("session.amend", target=note, actor=actor)
    return amendment


def recent_notes(client_id: int, limit: int = 50) -> list[SessionNote]:
    """The client's latest session notes, newest first."""
    return list(db.session.scalars(select(SessionNote).where(SessionNote.client_id == client_id)
                                   .order_by(SessionNote.seen_on.desc(), SessionNote.id.desc()).limit(limit)))


def recently_seen(clients_query, limit: int = 5) -> list[tuple[Client, date]]:
    """Clients among `clients_query` with the most recent session notes, and the date each was last seen."""
    # The visible clients' notes only, grouped after the join (not every note of every practice first).
    visible = clients_query.where(Client.is_archived.is_(False)).subquery()
    seen_on = func.max(SessionNote.seen_on)
    rows = db.session.execute(
        select(Client, seen_on).join(visible, visible.c.id == Client.id)
        .join(SessionNote, SessionNote.client_id == Client.id)
        .group_by(Client.id).order_by(seen_on.desc(), Client.id).limit(limit))
    return [(client, seen_on) for client, seen_on in rows]
