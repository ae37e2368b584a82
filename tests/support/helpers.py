"""Helpers the tests share: logging in through the real form, reading pages and audit rows, dates, answers."""
from __future__ import annotations

from datetime import date, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import func, select

from practice.audit.models import AuditEvent
from practice.extensions import db
from practice.intake import screening
from tests.support.world import PASSWORD

#: intake answers saying "no" to every red-flag question
ALL_NO = {f"rf_{question.key}": "no" for question in screening.RED_FLAG_QUESTIONS}


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


def days_ago(n: int) -> date:
    """The day `n` days before today (negative: after today)."""
    return date.today() - timedelta(days=n)


def audit_events(action: str | None = None, *, after_id: int = 0, **where) -> list[AuditEvent]:
    """Audit rows, oldest first, of `action` if given (a trailing '%' matches a prefix) and with these column values.

    `after_id` keeps the rows newer than that id; a list, tuple or set matches any of its values. Reads what the
    requests committed, not what the test's session remembers.
    """
    db.session.expire_all()
    query = select(AuditEvent).where(AuditEvent.id > after_id)
    if action is not None:
        query = query.where(AuditEvent.action.like(action) if action.endswith("%") else AuditEvent.action == action)
    for name, value in where.items():
        column = getattr(AuditEvent, name)
        query = query.where(column.in_(value) if isinstance(value, (list, tuple, set)) else column == value)
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


def last_audit_id() -> int:
    """The id of the newest audit row (0 when there is none): pass it as `after_id` to see what came next."""
    return db.session.scalar(select(func.max(AuditEvent.id))) or 0


def outbox_messages(outbox: Path) -> list[EmailMessage]:
    """The e-mails written to the outbox folder, parsed, oldest first."""
    if not outbox.exists():
        return []
    return [message_from_bytes(path.read_bytes(), policy=policy.default) for path in sorted(outbox.glob("*.eml"))]
