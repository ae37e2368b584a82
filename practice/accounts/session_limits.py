"""Ending a login that passed its idle or absolute time limit (the rules are in `sessions`)."""
from __future__ import annotations

import time

from flask import flash, redirect, request, session, url_for
from flask_login import current_user, logout_user

from practice.accounts import sessions
from practice.audit.operations import record_event
from practice.extensions import db


def end_session_if_expired(config):
    """Log out a session past its limits and send the user to the login page; else record the activity."""
    now = time.time()
    reason = sessions.expiry_reason(session, now, idle=config["SESSION_IDLE_LIMIT"],
                                    absolute=config["PERMANENT_SESSION_LIFETIME"])
    if reason is None:
        sessions.touch(session, now)
        return None
    record_event("auth.session_expired", target=current_user._get_current_object(), detail=reason)
    db.session.commit()
    logout_user()
    session.clear()
    flash(sessions.MESSAGES[reason], "info")
    # After logging in again the user comes back to the page they asked for (a GET only: a form post
    # cannot be replayed, and its data would go through the login page).
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("accounts.login", next=target))
