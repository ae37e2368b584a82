"""The audit log: an append-only record of who did what to which record, when and from where."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from practice.database import UTCDateTime, utcnow
from practice.extensions import db

OUTCOME_SUCCESS = "success"
OUTCOME_FAILURE = "failure"
OUTCOME_DENIED = "denied"


class AuditEvent(db.Model):
    """One audited action. Rows are only ever inserted."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_practice_at", "practice_id", "at"),
        Index("ix_audit_actor_action_at", "actor_id", "action", "at"),
        Index("ix_audit_client", "client_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: the practice the event belongs to (None for failed logins of unknown e-mails)
    practice_id: Mapped[int | None] = mapped_column(ForeignKey("practices.id"))
    #: who acted; None for anonymous requests
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: the actor's role at the time, kept even if the role changes later
    actor_role: Mapped[str | None] = mapped_column(String(20))
    #: what happened, as "<domain>.<verb>", e.g. "client.view", "auth.login_failed"
    action: Mapped[str] = mapped_column(String(60))
    #: the kind and id of the record acted on
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[int | None]
    #: the client whose information was touched, for "who saw this client's record"
    client_id: Mapped[int | None]
    #: the request's address (behind a proxy, the address the trusted proxy reported)
    ip_address: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(20), default=OUTCOME_SUCCESS)
    #: a short machine-readable detail; never passwords, tokens or note text
    detail: Mapped[str | None] = mapped_column(String(255))
