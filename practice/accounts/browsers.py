"""The browser's own token: a random value in a long-lived cookie, so that an account knows the browsers it has
logged in from (`practice.accounts.lockout`: strangers' failed logins never lock those out).

The cookie proves nothing by itself (a password is still needed); the server keeps only its SHA-256. It is set
when a password logs in (or an e-mailed link lets the browser in), and sent back unchanged while it lives.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from flask import after_this_request, current_app, g, request

from practice.accounts.lockout import LoginAttempt, mark_browser_known
from practice.database import utcnow

COOKIE_NAME = "practice_browser"
#: how long a browser stays known without logging in again (the cookie is renewed at each login)
COOKIE_LIFETIME = timedelta(days=365)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)


def _token() -> str:
    """This browser's token: the one its cookie brought, or a new one (set in the cookie at the next login)."""
    if "browser_token" not in g:
        sent = request.cookies.get(COOKIE_NAME, "")
        g.browser_token = sent if _TOKEN.fullmatch(sent) else secrets.token_urlsafe(32)
    return g.browser_token


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def current_attempt() -> LoginAttempt:
    """Where this request's password comes from: this browser and this address."""
    return LoginAttempt(browser=_digest(_token()), address=request.remote_addr)


def remember(user) -> None:
    """This browser has just logged in to `user` with a password: the account knows it from now on."""
    mark_browser_known(user, _digest(_token()), utcnow())
    keep_token()


def keep_token() -> None:
    """Send this browser its token in the cookie (renewed for another COOKIE_LIFETIME) with this response."""
    token = _token()

    @after_this_request
    def set_cookie(response):
        response.set_cookie(COOKIE_NAME, token, max_age=int(COOKIE_LIFETIME.total_seconds()), httponly=True,
                            secure=current_app.config["SESSION_COOKIE_SECURE"], samesite="Lax")
        return response
