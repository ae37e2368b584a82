"""Loading portal records: a client's own record, and the requests and home logs of a client."""
from __future__ import annotations

from flask import abort
from flask_login import current_user

from practice.access import deny
from practice.accounts.models import ROLE_CLIENT, User
from practice.clients.access import visible_clients
from practice.clients.models import Client
from practice.extensions import db
from practice.parse import parse_record_id
from practice.plans.models import Plan, PlanVersion
from practice.portal.models import Assignment, HomeLog


def own_record(user: User) -> Client | None:
    """The client record a portal login belongs to (None for staff, or a login without a record)."""
    return db.session.scalar(visible_clients(user)) if user.role == ROLE_CLIENT else None


def own_record_or_404() -> Client:
    """The logged-in client's own record; an unlinked or archived one is a plain 404 (nobody else's was asked for)."""
    client = own_record(current_user)
    if client is None or client.is_archived:
        abort(404)
    return client


def get_assignment_or_404(client: Client, assignment_id: int) -> Assignment:
    """A request sent to this client; any other id is an audited 404."""
    return _of_client(Assignment, assignment_id, client, action="portal.assignment_denied", target_type="assignment")


def get_log_or_404(client: Client, log_id: int) -> HomeLog:
    """A home log of this client; any other id is an audited 404."""
    return _of_client(HomeLog, log_id, client, action="home_log.access_denied", target_type="home_log")


def get_shown_version_or_404(client: Client, posted: str | None) -> PlanVersion | None:
    """The plan version a log form was built from (its hidden `routine` field): None when the form showed no routine,
    a version of one of this client's plans, and anything else an audited 404 (a foreign id, like any other)."""
    if not (posted or "").strip():
        return None
    version_id = parse_record_id(posted)
    version = db.session.get(PlanVersion, version_id) if version_id is not None else None
    if version is None or db.session.get(Plan, version.plan_id).client_id != client.id:
        deny("home_log.foreign_version", target_type="plan_version", target_id=version_id or str(posted)[:40],
             client_id=client.id)
    return version


def _of_client(model, record_id: int, client: Client, *, action: str, target_type: str):
    record = db.session.get(model, record_id)
    if record is None or record.client_id != client.id:
        deny(action, target_type=target_type, target_id=record_id, client_id=client.id)
    return record
