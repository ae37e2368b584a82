"""Portal records: invitations, daily home logs, and what the therapist asked the client to fill in."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from practice.accounts.models import User
from practice.database import UTCDateTime, utcnow
from practice.extensions import db

INVITATION_PENDING = "pending"
INVITATION_USED = "used"
INVITATION_EXPIRED = "expired"
INVITATION_REVOKED = "revoked"

#: what a therapist can ask a client to fill in: the pre-visit intake or an outcome questionnaire
ASSIGNMENT_INTAKE = "intake"
ASSIGNABLE_QUESTIONNAIRES = ("nprs", "psfs", "startback", "rmdq")
ASSIGNMENT_KINDS = (ASSIGNMENT_INTAKE, *ASSIGNABLE_QUESTIONNAIRES)
#: the longest note a client or therapist may write on a home log
NOTE_MAX_LENGTH = 500


class Invitation(db.Model):
    """A one-time link that lets a client set a password; only a hash of the token is kept."""

    __tablename__ = "portal_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id"))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    #: SHA-256 of the token in the link: a leaked database does not leak working links
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: the address the client will log in with (the record's e-mail when invited)
    email: Mapped[str] = mapped_column(String(254))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: set when a newer invitation replaces this one, or access is removed
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    created_by: Mapped[User] = relationship()

    def status(self, now: datetime) -> str:
        """pending, used, revoked or expired at `now`."""
        if self.used_at is not None:
            return INVITATION_USED
        if self.revoked_at is not None:
            return INVITATION_REVOKED
        if self.expires_at <= now:
            return INVITATION_EXPIRED
        return INVITATION_PENDING

    @property
    def audit_client_id(self) -> int:
        """The client an audit event about this invitation concerns."""
        return self.client_id


class HomeLog(db.Model):
    """One day of the client's home care: steps done, pain, a note, and any new warning signs."""

    __tablename__ = "home_logs"
    __table_args__ = (
        UniqueConstraint("client_id", "logged_on", name="uq_home_logs_client_day"),
        Index("ix_home_logs_warning", "warning_level", "reviewed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    #: the plan version whose routine the client was shown when logging (not always the newest)
    plan_version_id: Mapped[int | None] = mapped_column(ForeignKey("plan_versions.id"))
    logged_on: Mapped[date] = mapped_column(Date())
    #: the keys (FrozenStep.key) of the version's home steps ticked as done, in routine order
    done_steps: Mapped[list] = mapped_column(JSON, default=list)
    #: how many home steps the routine had that day (for adherence)
    planned_steps: Mapped[int] = mapped_column(default=0)
    #: pain today, 0-10; None when not given
    pain: Mapped[int | None]
    note: Mapped[str] = mapped_column(String(500), default="")
    #: warning-sign keys the client ticked (screening question keys)
    warning_signs: Mapped[list] = mapped_column(JSON, default=list)
    #: the screening level of those signs: emergency, urgent, caution or clear
    warning_level: Mapped[str] = mapped_column(String(20), default="clear")
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    review_note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    reviewed_by: Mapped[User | None] = relationship()

    @property
    def needs_review(self) -> bool:
        """True when the client reported warning signs no therapist has looked at yet."""
        return self.warning_level != "clear" and self.reviewed_at is None

    @property
    def audit_client_id(self) -> int:
        """The client an audit event about this log concerns."""
        return self.client_id


class Assignment(db.Model):
    """Something the therapist asked the client to fill in through the portal."""

    __tablename__ = "portal_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    #: one of ASSIGNMENT_KINDS
    kind: Mapped[str] = mapped_column(String(20))
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: the questionnaire response or intake the client's answers became
    result_id: Mapped[int | None]

    assigned_by: Mapped[User] = relationship()

    @property
    def is_open(self) -> bool:
        """Still waiting for the client."""
        return self.completed_at is None and self.cancelled_at is None

    @property
    def audit_client_id(self) -> int:
        """The client an audit event about this assignment concerns."""
        return self.client_id
