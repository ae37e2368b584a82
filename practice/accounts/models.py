"""Practices (clinics) and the people who log in to them."""
from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from practice.database import UTCDateTime, utcnow
from practice.extensions import db

ROLE_OWNER = "owner"
ROLE_THERAPIST = "therapist"
ROLE_CLIENT = "client"
ROLES = (ROLE_OWNER, ROLE_THERAPIST, ROLE_CLIENT)
STAFF_ROLES = (ROLE_OWNER, ROLE_THERAPIST)


def new_session_token() -> str:
    """Return a fresh random token; changing it ends every session of the user."""
    return secrets.token_urlsafe(24)


class Practice(db.Model):
    """A clinic: everything in the app belongs to exactly one practice."""

    __tablename__ = "practices"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the clinic's name, printed on handouts
    name: Mapped[str] = mapped_column(String(120))
    #: contact details shown to clients
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    #: paper size of printed handouts: "A4" or "letter"
    paper_size: Mapped[str] = mapped_column(String(10), default="A4", server_default="A4")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    users: Mapped[list["User"]] = relationship(back_populates="practice", order_by="User.name")


class User(UserMixin, db.Model):
    """Someone who logs in: the practice owner, a therapist, or (with the portal) a client."""

    __tablename__ = "users"
    # One address may log in to several practices (a client of two clinics), as separate accounts with their own
    # passwords; within a practice it is one person's.
    __table_args__ = (UniqueConstraint("practice_id", "email", name="uq_users_practice_email"),
                      Index("ix_users_email", "email"))

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id"), index=True)
    #: lower-cased login e-mail, unique within the practice
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(120))
    #: one of ROLES
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    #: a deactivated user cannot log in and loses any open session on the next request
    is_active: Mapped[bool] = mapped_column(default=True)
    #: set for temporary passwords chosen by the owner
    is_password_temporary: Mapped[bool] = mapped_column(default=False)
    #: part of the session cookie; rotating it logs the user out everywhere
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    practice: Mapped[Practice] = relationship(back_populates="users")

    def get_id(self) -> str:
        """Identify the user in the session by id and the current session token."""
        return f"{self.id}:{self.session_token}"

    @property
    def is_owner(self) -> bool:
        """True for the practice owner."""
        return self.role == ROLE_OWNER

    @property
    def is_staff(self) -> bool:
        """True for owners and therapists, who work with client records."""
        return self.role in STAFF_ROLES

    @property
    def first_name(self) -> str:
        """The first word of the user's name, for greetings."""
        return self.name.split()[0] if self.name.strip() else self.name

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class LoginSource(db.Model):
    """Where attempts to log in to one account come from, and how they went (`practice.accounts.lockout`).

    A source is a browser that has logged in to the account before (known: strangers never lock it out), an address
    trying from a browser the account does not know, or all such browsers together (so a guess spread over many
    addresses is still stopped).
    """

    __tablename__ = "login_sources"
    __table_args__ = (UniqueConstraint("user_id", "source", name="uq_login_sources_user_source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: "browser:" and the SHA-256 of the browser's token, "address:" and an IP address, or "new browsers"
    source: Mapped[str] = mapped_column(String(80))
    #: when this browser last logged in to the account with its password (browsers only)
    known_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: wrong passwords from here since the last lock, the last success, or a quiet day
    failure_count: Mapped[int] = mapped_column(default=0)
    #: locks so far: each lasts twice as long as the one before
    lock_count: Mapped[int] = mapped_column(default=0)
    #: no password is accepted from here until then
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


def lower_email(value: str) -> str:
    """Normalise an e-mail for storage and lookup."""
    return value.strip().lower()

