"""An e-mailed link that lets a new browser in while strangers keep the account's new browsers locked out.

The lock-out (`practice.accounts.lockout`) never stops a browser the account knows, but a person on a new phone, or
one who cleared their cookies, is a new browser: strangers guessing from many addresses can keep all of those
waiting. The link goes to the account's own address, something only its holder has, and makes the browser that
opens it known, so that browser is judged on its own failures from then on. It lets nobody in by itself: the
password is still needed. One link serves every account of the address (one person in several practices).
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from practice.accounts.lockout import LoginAttempt, forget_failures, mark_browser_known, source_row
from practice.accounts.models import LoginSource, User, lower_email
from practice.extensions import db

#: how long a link works after it is sent
LINK_LIFETIME = timedelta(minutes=30)
#: at most one link per account in this time, however often it is asked for (the address's inbox is not ours to fill)
MAIL_INTERVAL = timedelta(minutes=5)
#: the login_sources row of an account that says when it may be mailed a link again
_MAILED = "link mailed"
_SALT = "practice.browser-link"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_SALT)


def new_link_token(email: str) -> str:
    """A signed token for the accounts at `email`, with a random nonce that makes it good for one use."""
    return _serializer().dumps({"email": lower_email(email), "nonce": secrets.token_urlsafe(16)})


def _read(token: str) -> tuple[str, str] | None:
    """The address and nonce of a token signed here and less than LINK_LIFETIME old; None otherwise."""
    try:
        payload = _serializer().loads(token, max_age=int(LINK_LIFETIME.total_seconds()))
    except BadSignature:  # SignatureExpired is a BadSignature too
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("email"), str) \
            or not isinstance(payload.get("nonce"), str):
        return None
    return payload["email"], payload["nonce"]


def _used_marker(nonce: str) -> str:
    return "link:" + hashlib.sha256(nonce.encode()).hexdigest()


def _active_accounts(email: str) -> list[User]:
    return list(db.session.scalars(select(User).where(User.email == lower_email(email), User.is_active.is_(True))
                                   .order_by(User.id)))


def accounts_to_mail(email: str, now: datetime) -> list[User]:
    """The active accounts at `email` that may be sent a link now; each then waits MAIL_INTERVAL for the next."""
    due = []
    for user in _active_accounts(email):
        row = source_row(user, _MAILED)
        if row.locked_until is None or row.locked_until <= now:
            row.locked_until = now + MAIL_INTERVAL
            due.append(user)
    db.session.flush()
    return due


def accounts_of_open_link(token: str) -> list[User]:
    """The active accounts a link still lets a browser into: none when it is forged, expired or used."""
    read = _read(token)
    if read is None:
        return []
    email, nonce = read
    accounts = _active_accounts(email)
    used = db.session.scalar(select(LoginSource.id).where(
        LoginSource.user_id.in_([user.id for user in accounts]), LoginSource.source == _used_marker(nonce),
        LoginSource.known_at.is_not(None)).limit(1))
    return [] if used is not None else accounts


def trust_browser(token: str, attempt: LoginAttempt, now: datetime) -> list[User]:
    """Spend the link: the attempt's browser becomes known to each account of the address, its failures forgotten.
    Returns those accounts, or none when the link no longer works (two tabs spending it at once: one wins)."""
    read = _read(token)
    if read is None:
        return []
    trusted = []
    for user in accounts_of_open_link(token):
        spent = source_row(user, _used_marker(read[1]))  # locked until the commit
        if spent.known_at is not None:
            continue
        spent.known_at = now
        mark_browser_known(user, attempt.browser, now)
        forget_failures(user, LoginAttempt(browser=attempt.browser, address=None))
        trusted.append(user)
    db.session.flush()
    return trusted
