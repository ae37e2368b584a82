"""Reading the audit log for the practice owner: filters, and CSV that a spreadsheet cannot execute. Pure helpers
plus one query builder; nothing here writes."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from sqlalchemy import Select, select

from practice.audit.models import AuditEvent
from practice.parse import shifted

#: a cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets (OWASP CSV injection)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = ("at_utc", "actor_id", "actor_name", "actor_role", "action", "outcome", "target_type", "target_id",
               "client_id", "client_name", "ip_address", "detail")


def neutralise(value) -> str:
    """`value` as CSV text that a spreadsheet shows as text: a leading formula character gets a quote before it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(rows: Iterable[dict]) -> str:
    """The rows (dicts keyed by CSV_COLUMNS) as CSV text with a header, every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([neutralise(row.get(column)) for column in CSV_COLUMNS])
    return buffer.getvalue()


@dataclass(frozen=True)
class AuditFilter:
    """What the owner asked to see; None means "any"."""

    actor_id: int | None = None
    client_id: int | None = None
    action: str | None = None
    since: date | None = None
    until: date | None = None


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def audit_query(practice_id: int, wanted: AuditFilter) -> Select:
    """The practice's audit events matching `wanted`, newest first (dates are whole UTC days, inclusive)."""
    query = select(AuditEvent).where(AuditEvent.practice_id == practice_id)
    if wanted.actor_id is not None:
        query = query.where(AuditEvent.actor_id == wanted.actor_id)
    if wanted.client_id is not None:
        query = query.where(AuditEvent.client_id == wanted.client_id)
    if wanted.action:
        query = query.where(AuditEvent.action == wanted.action)
    if wanted.since is not None:
        query = query.where(AuditEvent.at >= _start_of(wanted.since))
    if wanted.until is not None:
        query = query.where(AuditEvent.at < _start_of(shifted(wanted.until, 1)))
    return query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
