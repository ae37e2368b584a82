"""Ending a login that passed its idle or absolute time limit (the rules are in `sessions`)."""
from __future__ import annotations

from flask import flash, redirect, request, session, url_for
from flask_login import current_user, logout_user

from practice.accounts import sessions
from practice.audit.operations import record_event


def end_session_if_expired(config):
    """Log out a session past its limits and send the user to the login page; else record the activity."""
    now = sessions.clock()
    reason = sessions.expiry_reason(session, now, idle=config["SESSION_IDLE_LIMIT"],
                                    absolute=config["PERMANENT_SESSION_LIFETIME"])
    if reason is None:
        sessions.touch(session, now)
        return None
    record_event("auth.session_expired", target=current_user._get_current_object(), detail=reason)
    logout_user()
    session.clear()
    flash(sessions.MESSAGES[reason] + ("" if request.method == "GET" else " " + sessions.NOT_SAVED), "info")
    return redirect(url_for("accounts.login", next=_page_to_return_to()))


def _page_to_return_to() -> str | None:
    """The page to show after logging in again: the one asked for, or the page of the form that was posted."""
    if request.method == "GET":
        return request.full_path.rstrip("?")
    # A post is never replayed (its data would go through the login page), but a form whose page lives at the
    # same address comes back, where the browser's kept copy of the answers (form-draft.js) is put back.
    rule = request.url_rule
    return request.path if rule is not None and "GET" in (rule.methods or ()) else None
