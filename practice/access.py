"""Who may do what: role checks, and refusals that look like a missing record and are audited."""
from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, login_required

from practice.accounts import sessions

from practice.audit.models import OUTCOME_DENIED
from practice.audit.operations import record_event
from practice.database import is_record_id
from practice.extensions import db


def deny(action: str, *, target_type: str, target_id, client_id: int | None = None, status: int = 404):
    """Audit a refused access and answer `status` (404 by default, exactly like a missing record).

    Whatever the request had changed is rolled back first, so only the audit row is written: the error page
    goes through the edge like any response, and the edge commits it (`practice.unit_of_work`).
    """
    db.session.rollback()
    record_event(action, outcome=OUTCOME_DENIED, client_id=client_id, detail=f"{target_type} {target_id}"[:255],
                 target_type=target_type, target_id=target_id if is_record_id(target_id) else None)
    abort(status)


def role_required(*roles: str):
    """Allow only logged-in users with one of `roles`; others get an audited 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                deny("access.role_denied", target_type="endpoint", target_id=view.__name__, status=403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def staff_required(view):
    """Owners and therapists only."""
    return role_required("owner", "therapist")(view)


def owner_required(view):
    """The practice owner only."""
    return role_required("owner")(view)


def fresh_login_required(view):
    """Ask for the password again before a sensitive action when it was typed too long ago.

    A GET comes back to the same page after the password; a POST cannot be replayed, so it comes back to the
    page the form was on and the user presses the button again.
    """

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if sessions.is_fresh(session, sessions.clock(), window=current_app.config["FRESH_LOGIN_WINDOW"]):
            return view(*args, **kwargs)
        flash("For your security, please type your password again to continue.", "info")
        return redirect(url_for("accounts.confirm_password", next=_return_path()))

    return wrapped


def _return_path() -> str:
    if request.method == "GET":
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and is_safe_next(referrer.path):
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return url_for("dashboard.index")


def is_safe_next(target: str | None) -> bool:
    """True when `target` is a path on this site (no scheme, no host, no backslash tricks)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc
