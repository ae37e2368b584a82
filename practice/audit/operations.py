"""Writing audit events. The only way rows get into the audit log."""
from __future__ import annotations

from flask import has_request_context, request
from flask_login import current_user

from practice.audit.models import OUTCOME_SUCCESS, AuditEvent
from practice.clients.models import Client
from practice.database import utcnow
from practice.extensions import db
from practice.unit_of_work import READ, add_at_edge, transaction_mode

MAX_DETAIL_LENGTH = 255
#: what a row says instead of naming a record of a practice other than its own
OTHER_PRACTICE = "a record of another practice"


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
        practice_id = getattr(actor, "practice_id", None) or getattr(target, "practice_id", None) \
            or _practice_of_client(client_id)
    if target is not None:
        target_type, target_id = type(target).__name__.lower(), getattr(target, "id", None)
    if _names_another_practice(practice_id, target, client_id):
        # The row is read by its own practice's owner, and listed in the record export of the client it names:
        # someone acting on another practice's record (a revoked invitation link of theirs, say) leaves only
        # the kind of record in their own practice's log, nothing the other practice's owner would then see.
        target_id, client_id = None, None
        detail = f"{detail}; {OTHER_PRACTICE}" if detail else OTHER_PRACTICE
    event = AuditEvent(
        at=utcnow(),  # when it happened, even when the row is written at the end of the request
        action=action,
        actor_id=getattr(actor, "id", None),
        actor_role=getattr(actor, "role", None),
        practice_id=practice_id,
        # Set once here: audit rows are never updated (PostgreSQL refuses it), so nothing may fill them in later.
        target_type=target_type,
        target_id=target_id,
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


def _practice_of_client(client_id: int | None) -> int | None:
    client = db.session.get(Client, client_id) if client_id is not None else None
    return client.practice_id if client is not None else None


def _names_another_practice(practice_id: int | None, target, client_id: int | None) -> bool:
    """True when the target or the client belongs to a practice other than the row's (or cannot be found)."""
    target_practice = getattr(target, "practice_id", None)  # None for shared library items and for practices
    if target_practice is not None and target_practice != practice_id:
        return True
    return client_id is not None and _practice_of_client(client_id) != practice_id
