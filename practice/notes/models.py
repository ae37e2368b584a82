"""Session notes: one SOAP note per visit, locked once signed, and the dated amendments that follow."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from practice.accounts.models import User
from practice.database import UTCDateTime, utcnow
from practice.extensions import db

#: a visit may be dated a day past the server's today: a clinic east of UTC is already in its tomorrow for part of
#: the day, while the server's date (UTC) is not
VISIT_DAYS_AHEAD = 1


class SessionNote(db.Model):
    """One visit: SOAP notes, techniques used, pain before and after. Signed notes are locked."""

    __tablename__ = "session_notes"
    __table_args__ = (Index("ix_session_notes_client_date", "client_id", "seen_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"))
    seen_on: Mapped[date] = mapped_column(Date())
    duration_minutes: Mapped[int | None]
    subjective: Mapped[str] = mapped_column(Text(), default="")
    objective: Mapped[str] = mapped_column(Text(), default="")
    assessment: Mapped[str] = mapped_column(Text(), default="")
    plan_text: Mapped[str] = mapped_column(Text(), default="")
    #: technique keys used in this session
    techniques: Mapped[list] = mapped_column(JSON, default=list)
    pain_before: Mapped[int | None]
    pain_after: Mapped[int | None]
    is_signed: Mapped[bool] = mapped_column(default=False)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    row_version: Mapped[int] = mapped_column(default=1)

    created_by: Mapped[User] = relationship()
    amendments: Mapped[list["SessionAmendment"]] = relationship(back_populates="note",
                                                                order_by="SessionAmendment.created_at")

    __mapper_args__ = {"version_id_col": row_version}

    @property
    def audit_client_id(self) -> int:
        """The client an audit event about this note concerns."""
        return self.client_id


class SessionAmendment(db.Model):
    """A dated amendment to a signed note, shown with the original."""

    __tablename__ = "session_amendments"

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("session_notes.id"), index=True)
    text: Mapped[str] = mapped_column(Text())
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    note: Mapped[SessionNote] = relationship(back_populates="amendments")
    created_by: Mapped[User] = relationship()

    @property
    def audit_client_id(self) -> int:
        """The client an audit event about this amendment concerns."""
        return self.note.client_id
