"""Client records: the people a practice treats."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, FunctionElement, Index, String, Text, UniqueConstraint
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, mapped_column, relationship

from practice.accounts.models import User
from practice.database import UTCDateTime, utcnow
from practice.extensions import db


class Client(db.Model):
    """A client of one practice, assigned to one of its therapists."""

    __tablename__ = "clients"
    __table_args__ = (
        Index("ix_clients_practice_therapist", "practice_id", "therapist_id", "is_archived"),
        UniqueConstraint("portal_user_id", name="uq_clients_portal_user_id"),
        # The client search on PostgreSQL (migration 2bab8c0cd2ee): pg_trgm answers ILIKE '%word%' on the plain
        # columns, which is what `icontains` sends there. SQLite has no such index.
        *(Index(f"ix_clients_{column}_trgm", column, postgresql_using="gin",
                postgresql_ops={column: "gin_trgm_ops"}).ddl_if(dialect="postgresql")
          for column in ("first_name", "last_name", "email")),
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


class caseless(FunctionElement):
    """A name as the client list sorts it, without regard to case: lower(name), or on SQLite name COLLATE NOCASE."""

    type = String()
    inherit_cache = True


@compiles(caseless)
def _lower(element, compiler, **kw):
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(caseless, "sqlite")
def _nocase(element, compiler, **kw):
    # The same order as SQLite's lower() (both fold ASCII letters only), but an index on it is reflected as plain
    # columns: SQLAlchemy cannot reflect an expression index on SQLite, which backups reflect.
    return f"{compiler.process(element.clauses, **kw)} COLLATE NOCASE"


class caseless_after_filter(caseless):
    """The same order, written so that PostgreSQL cannot read it from the name index and sorts the matches instead."""

    inherit_cache = True


@compiles(caseless_after_filter, "postgresql")
def _lower_unindexed(element, compiler, **kw):
    # `|| ''` changes no value; it only keeps the planner from walking ix_clients_practice_lower_name in order.
    return f"(lower({compiler.process(element.clauses, **kw)}) || '')"


# The client list's order (search_clients), so its pages are read in order rather than sorted; the archived flag
# comes first because the list shows one or the other.
Index("ix_clients_practice_lower_name", Client.practice_id, Client.is_archived, caseless(Client.last_name),
      caseless(Client.first_name), Client.id)
