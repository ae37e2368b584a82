"""Who may see which client record: the one rule every domain's loaders build on."""
from __future__ import annotations

from flask_login import current_user
from sqlalchemy import Select, select

from practice.access import deny
from practice.accounts.models import User
from practice.clients.models import Client
from practice.database import is_record_id
from practice.extensions import db


def visible_clients(user: User) -> Select:
    """The records `user` may see: the owner every client of the practice, a therapist their own clients, a
    portal client their own record."""
    query = select(Client).where(Client.practice_id == user.practice_id)
    if user.is_owner:
        return query
    if user.is_staff:
        return query.where(Client.therapist_id == user.id)
    return query.where(Client.portal_user_id == user.id)


def get_client_or_404(client_id: int, *, denied_action: str = "client.access_denied") -> Client:
    """A client the current user may see; anything else is an audited 404, exactly like a missing record."""
    client = db.session.scalar(visible_clients(current_user).where(Client.id == client_id)) \
        if is_record_id(client_id) else None
    if client is None:
        deny(denied_action, target_type="client", target_id=client_id)
    return client
