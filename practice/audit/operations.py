"""Writing audit events. The only way rows get into the audit log."""
from __future__ import annotations

from flask import has_request_context, request
from flask_login import current_user

from practice.audit.models import OUTCOME_SUCCESS, AuditEvent
from practice.database import utcnow
from practice.extensions import db
from practice.unit_of_work import READ, add_at_edge, transaction_mode

MAX_DETAIL_LENGTH = 255


def record_event(
    action: str,
    *,
    target=None,
    client_id: int | None = None,
    outcome: str = OUTCOME_SUCCESS,
    detail: str | None = None,
    actor=None,
    practice_id: int | None = None,
    target_type: str | None = None,
    target_id: int | None = None,
) -> AuditEvent:
    """Add one audit row for `action` on `target` (a model instance or None); never commits.

    The actor defaults to the logged-in user and the address to the current request's. A request that only
    reads writes the row at its edge, just before the commit (`practice.unit_of_work`); others flush it now.
    """
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()
    if client_id is None:
        # Records of a client's health information say whose they are (Client, and later intakes, plans...).
        client_id = getattr(target, "audit_client_id", None)
    if practice_id is None:
        practice_id = getattr(actor, "practice_id", None) or getattr(target, "practice_id", None)
    event = AuditEvent(
        at=utcnow(),  # when it happened, even when the row is written at the end of the request
        action=action,
        actor_id=getattr(actor, "id", None),
        actor_role=getattr(actor, "role", None),
        practice_id=practice_id,
        # Set once here: audit rows are never updated (PostgreSQL refuses it), so nothing may fill them in later.
        target_type=type(target).__name__.lower() if target is not None else target_type,
        target_id=getattr(target, "id", None) if target is not None else target_id,
        client_id=client_id,
        ip_address=request.remote_addr if has_request_context() else None,
        outcome=outcome,
        detail=detail[:MAX_DETAIL_LENGTH] if detail else None,
    )
    if transaction_mode() == READ:
        add_at_edge(event)  # no write, and so on SQLite no write lock, before the page or PDF is made
    else:
        db.session.add(event)
        db.session.flush()
    return event
