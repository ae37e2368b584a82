"""One client's whole record, for the practice owner: every row that belongs to the client, as JSON or a PDF.

"Whole" is decided from the schema, not from a hand-kept list: every table with a `client_id` column, and every
table hanging off one of those (plan steps, plan versions, amendments), is exported in full, so a table added
later is exported without anyone remembering to. Only what could unlock something (token and password hashes)
and caches rebuilt from exported rows are left out, and the export says so.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Table, select
from sqlalchemy.sql.elements import ColumnElement

from practice.accounts.models import Practice, User
from practice.audit.models import AuditEvent
from practice.clients.models import Client
from practice.database import utcnow
from practice.extensions import db
from practice.intake.models import Intake, QuestionnaireResponse
from practice.notes.models import SessionNote
from practice.plans.models import Plan
from practice.portal.models import Assignment, HomeLog, Invitation

EXPORT_FORMAT = "practice-client-record"
EXPORT_FORMAT_VERSION = 1

#: columns that could unlock a login or a link: never exported
SECRET_COLUMNS = frozenset({"token_hash", "password_hash", "session_token"})
#: tables tied to a client that are left out on purpose, with the reason printed in the export
NOT_EXPORTED = {
    "rendered_handouts": "Cached handout PDFs, made again at any time from the plan versions included here.",
    "login_sources": "Failed-login counts, locks and the browsers a login is known on: login bookkeeping, "
                     "not part of the record.",
}
#: tables shared by the whole practice (or installation); a client's rows only point at them
SHARED_TABLES = frozenset({"practices", "users", "library_items", "clients", "alembic_version"})


def _client_filters(client_id: int, practice_id: int) -> dict[str, ColumnElement]:
    """Each exported table with the condition that picks this client's rows, found from the schema.

    A table that also says which practice a row belongs to (the audit log, whose client_id is no foreign key)
    gives only the rows of the client's own practice.
    """
    tables = db.metadata.tables
    filters: dict[str, ColumnElement] = {"clients": tables["clients"].c.id == client_id}
    direct = {name: table for name, table in tables.items()
              if "client_id" in table.c and name not in NOT_EXPORTED}
    for name, table in direct.items():
        filters[name] = table.c.client_id == client_id
        if "practice_id" in table.c:
            filters[name] &= table.c.practice_id == practice_id
    for name, table in tables.items():
        if name in filters or name in NOT_EXPORTED or name in SHARED_TABLES:
            continue
        for foreign_key in table.foreign_keys:
            parent = foreign_key.column.table
            if parent.name in direct:
                parent_ids = select(parent.c.id).where(parent.c.client_id == client_id)
                filters[name] = foreign_key.parent.in_(parent_ids)
                break
    return filters


def exported_table_names(client_id: int = 0) -> list[str]:
    """The names of the tables a client export includes."""
    return sorted(_client_filters(client_id, practice_id=0))


def _plain(value):
    """A value JSON can hold: dates as ISO 8601 (UTC for times), the rest as stored."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return None
    return value


def _rows(table: Table, condition: ColumnElement) -> list[dict]:
    columns = [column for column in table.columns if column.name not in SECRET_COLUMNS]
    order = list(table.primary_key.columns)
    result = db.session.execute(select(*columns).where(condition).order_by(*order))
    return [{key: _plain(value) for key, value in row._mapping.items()} for row in result]


def _people(tables: dict[str, list[dict]], practice_id: int) -> dict[str, dict]:
    """Everyone of the practice the rows name by user id (therapists, the client's own login), name and role only."""
    user_ids = {value for rows in tables.values() for row in rows for key, value in row.items()
                if isinstance(value, int) and (key.endswith("_by_id") or key in ("therapist_id", "actor_id",
                                                                                  "portal_user_id"))}
    users = db.session.scalars(select(User).where(User.id.in_(user_ids), User.practice_id == practice_id)).all() \
        if user_ids else []
    return {str(user.id): {"name": user.name, "role": user.role} for user in sorted(users, key=lambda u: u.id)}


def client_record(client: Client, *, exported_by: User) -> dict:
    """Everything stored about `client`, table by table, ready for `json.dumps`."""
    tables = {name: _rows(db.metadata.tables[name], condition)
              for name, condition in sorted(_client_filters(client.id, client.practice_id).items())}
    return {
        "format": EXPORT_FORMAT,
        "format_version": EXPORT_FORMAT_VERSION,
        "exported_at": utcnow().isoformat(),
        "exported_by": {"id": exported_by.id, "name": exported_by.name, "role": exported_by.role},
        "practice": {"id": client.practice_id, "name": db.session.get(Practice, client.practice_id).name},
        "client": {"id": client.id, "name": client.full_name},
        "people": _people(tables, client.practice_id),
        "row_counts": {name: len(rows) for name, rows in tables.items()},
        "tables": tables,
        "not_included": {**NOT_EXPORTED,
                         "secret columns": "Password and link hashes (" + ", ".join(sorted(SECRET_COLUMNS)) + ")."},
    }


def export_file_stem(client: Client, on: date) -> str:
    """The start of the export's file names: the client's name and the day, e.g. record-Hassan-Amira-2026-11-21."""
    return f"record-{client.last_name}-{client.first_name}-{on.isoformat()}"


def record_for_print(client: Client, *, audit_until: int | None = None) -> dict:
    """The record as model objects, oldest first, for the readable PDF (the JSON holds the same rows).

    `audit_until`: the access history stops at that audit row (the last one when the list of volumes was made).
    """
    def rows(model, *order):
        return db.session.scalars(select(model).where(model.client_id == client.id).order_by(*order)).all()

    events_query = select(AuditEvent).where(AuditEvent.client_id == client.id,
                                            AuditEvent.practice_id == client.practice_id)
    if audit_until is not None:
        events_query = events_query.where(AuditEvent.id <= audit_until)
    events = db.session.scalars(events_query.order_by(AuditEvent.at, AuditEvent.id)).all()
    actor_ids = {event.actor_id for event in events if event.actor_id}
    actors = {user.id: user.name for user in db.session.scalars(select(User).where(
        User.id.in_(actor_ids), User.practice_id == client.practice_id))}
    return {
        "intakes": rows(Intake, Intake.version),
        "questionnaires": rows(QuestionnaireResponse, QuestionnaireResponse.taken_on, QuestionnaireResponse.id),
        "plans": rows(Plan, Plan.created_at, Plan.id),
        "notes": rows(SessionNote, SessionNote.seen_on, SessionNote.id),
        "home_logs": rows(HomeLog, HomeLog.logged_on),
        "invitations": rows(Invitation, Invitation.created_at),
        "assignments": rows(Assignment, Assignment.assigned_at),
        "access_history": access_summary(events, actors),
    }


@dataclass(frozen=True)
class AccessLine:
    """One line of the printed access history: who did what on one day, and how many times."""

    day: date
    who: str
    action: str
    outcome: str
    times: int


def access_summary(events, actor_names: dict[int, str]) -> list[AccessLine]:
    """Audit events grouped by day, person, action and outcome, in the order they first happened.

    A record opened forty times in a day is one line "x40": the PDF stays readable (and quick to make);
    the JSON export keeps every single event.
    """
    counts: dict[tuple, int] = {}
    for event in events:
        who = actor_names.get(event.actor_id, "—") + (f" ({event.actor_role})" if event.actor_role else "")
        key = (event.at.date(), who, event.action, event.outcome)
        counts[key] = counts.get(key, 0) + 1
    return [AccessLine(day, who, action, outcome, times) for (day, who, action, outcome), times in counts.items()]
