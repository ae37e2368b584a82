"""Helpers every kind of request test uses: logging in through the real form, reading pages and audit rows."""
from __future__ import annotations

from sqlalchemy import select

from practice.audit.models import AuditEvent
from practice.extensions import db
from tests.support.world import PASSWORD


def login(client, user_or_email, password: str = PASSWORD, **kwargs) -> None:
    """Log in through the real form; a refused login fails the test here."""
    email = getattr(user_or_email, "email", user_or_email)
    response = client.post("/login", data={"email": email, "password": password}, **kwargs)
    assert response.status_code == 302, f"login of {email} was refused"


class AuthActions:
    """Log in and out through the real forms, answering the response (for tests of the login itself)."""

    def __init__(self, client):
        self._client = client

    def login(self, email: str, password: str = PASSWORD, **kwargs):
        """Post the login form."""
        return self._client.post("/login", data={"email": email, "password": password}, **kwargs)

    def logout(self):
        """Post the logout form."""
        return self._client.post("/logout")


def text_of(response) -> str:
    """The page as text."""
    return response.get_data(as_text=True)


def audit_events(action: str | None = None, **where) -> list[AuditEvent]:
    """Audit rows, oldest first: of `action` if given (a trailing '%' matches a prefix), filtered by columns.

    Reads what the requests committed, not what the test's session remembers.
    """
    db.session.expire_all()
    query = select(AuditEvent)
    if action is not None:
        query = query.where(AuditEvent.action.like(action) if action.endswith("%") else AuditEvent.action == action)
    for column, value in where.items():
        query = query.where(getattr(AuditEvent, column) == value)
    return list(db.session.scalars(query.order_by(AuditEvent.id)))
