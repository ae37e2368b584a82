"""Session time limits: when a login ends on its own, and how recently the user proved their password.

The times live in the signed session cookie (seconds since the epoch), so they cannot be edited by the
browser. The rules take the session as a plain mapping and the time as a number: they are pure;
`begin_session` is the one piece of Flask glue, used by every way of logging in.
"""
from __future__ import annotations

from collections.abc import MutableMapping
from datetime import timedelta

from flask import current_app
from flask import session as flask_session
from flask_login import login_user

from practice.accounts import browsers

#: when the user logged in with their password (the absolute limit counts from here)
LOGIN_AT = "login_at"
#: the last request of this session (the idle limit counts from here)
SEEN_AT = "seen_at"
#: the last time the user typed their password (login or "confirm it's you")
AUTHENTICATED_AT = "authenticated_at"

#: the accounts a password opened in several practices, offered to choose from, and when (not yet logged in)
ACCOUNTS_OFFERED = "accounts_offered"
#: how long the choice of practice stays open after the password was typed
CHOICE_SECONDS = 300

REASON_IDLE = "idle"
REASON_ABSOLUTE = "absolute"
REASON_UNKNOWN = "unknown start"

MESSAGES = {
    REASON_IDLE: "You were logged out after a period without activity. Please log in again.",
    REASON_ABSOLUTE: "Your session reached its time limit. Please log in again.",
    REASON_UNKNOWN: "Please log in again.",
}
NOT_SAVED = "What you just sent was not saved."


def clock() -> float:
    """Seconds since the epoch by the app's clock: the system's, or one a test sets as CLOCK to move time by hand."""
    return current_app.config["CLOCK"]()


def start(session: MutableMapping, now: float) -> None:
    """Mark a session as just logged in with a password."""
    session[LOGIN_AT] = session[SEEN_AT] = session[AUTHENTICATED_AT] = int(now)


def touch(session: MutableMapping, now: float) -> None:
    """Record activity, which restarts the idle limit (the absolute limit keeps counting)."""
    session[SEEN_AT] = int(now)


def confirm_password(session: MutableMapping, now: float) -> None:
    """Record that the user has just typed their password again."""
    session[AUTHENTICATED_AT] = int(now)


def offer_accounts(session: MutableMapping, account_ids: list[int], now: float) -> None:
    """Keep the accounts a password just opened, for the person to choose one (`offered_accounts`)."""
    session[ACCOUNTS_OFFERED] = {"ids": list(account_ids), "at": int(now)}


def offered_accounts(session: MutableMapping, now: float) -> list[int]:
    """The ids of the accounts on offer, or none once CHOICE_SECONDS have passed (or in a cookie without them)."""
    offer = session.get(ACCOUNTS_OFFERED)
    if not isinstance(offer, dict) or not isinstance(offer.get("at"), int) or not isinstance(offer.get("ids"), list):
        return []
    if not 0 <= now - offer["at"] <= CHOICE_SECONDS:
        return []
    return [account_id for account_id in offer["ids"] if isinstance(account_id, int)]


def expiry_reason(session: MutableMapping, now: float, *, idle: timedelta, absolute: timedelta) -> str | None:
    """Why this logged-in session must end now, or None while it is within both limits.

    A session without its start time (made before the limits existed, or tampered with) fails closed.
    """
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if not isinstance(login_at, int) or not isinstance(seen_at, int):
        return REASON_UNKNOWN
    if now - login_at > absolute.total_seconds() or login_at > now + 60:
        return REASON_ABSOLUTE
    if now - seen_at > idle.total_seconds():
        return REASON_IDLE
    return None


def is_fresh(session: MutableMapping, now: float, *, window: timedelta) -> bool:
    """True when the user typed their password within `window` (for exports and other sensitive actions)."""
    authenticated_at = session.get(AUTHENTICATED_AT)
    return isinstance(authenticated_at, int) and 0 <= now - authenticated_at <= window.total_seconds()


def begin_session(user) -> None:
    """Log `user` in on a brand-new session, after their password: nothing of whoever used this browser before
    survives, and the account knows this browser from now on (`accounts.browsers`)."""
    browsers.remember(user)
    flask_session.clear()
    login_user(user)
    flask_session.permanent = True
    start(flask_session, clock())
