"""Client records: the people a practice treats."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from practice.accounts.models import User
from practice.database import UTCDateTime, utcnow
from practice.extensions import db


class Client(db.Model):
    """A client of one practice, assigned to one of its therapists."""

    __tablename__ = "clients"
    __table_args__ = (
        Index("ix_clients_practice_therapist", "practice_id", "therapist_id", "is_archived"),
        Index("ix_clients_practice_name", "practice_id", "last_name", "first_name"),
        UniqueConstraint("portal_user_id", name="uq_clients_portal_user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id"))
    #: the therapist responsible for this client; None until the owner assigns one
    therapist_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    date_of_birth: Mapped[date | None] = mapped_column(Date())
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    emergency_contact_name: Mapped[str | None] = mapped_column(String(120))
    emergency_contact_phone: Mapped[str | None] = mapped_column(String(40))
    #: the date the client consented to treatment; None means not given
    consent_treatment_on: Mapped[date | None] = mapped_column(Date())
    #: the date the client consented to us storing their health information; None means not given
    consent_health_data_on: Mapped[date | None] = mapped_column(Date())
    #: free notes, visible to staff only
    notes: Mapped[str | None] = mapped_column(Text())
    #: archived clients leave the default list; nothing is ever deleted from the interface
    is_archived: Mapped[bool] = mapped_column(default=False)
    #: the client's own portal login, once an invitation was accepted
    portal_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", name="fk_clients_portal_user_id_users"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    therapist: Mapped[User | None] = relationship(foreign_keys=[therapist_id])
    portal_user: Mapped[User | None] = relationship(foreign_keys=[portal_user_id])

    @property
    def full_name(self) -> str:
        """First and last name."""
        return f"{self.first_name} {self.last_name}"

    @property
    def audit_client_id(self) -> int:
        """The client an audit event about this record concerns."""
        return self.id

    @property
    def has_portal_access(self) -> bool:
        """True when the client can log in to the portal now."""
        return self.portal_user is not None and self.portal_user.is_active

    def age_on(self, day: date) -> int | None:
        """The client's age in whole years on `day`, or None without a date of birth."""
        if self.date_of_birth is None:
            return None
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def __repr__(self) -> str:
        return f"<Client {self.id}>"
