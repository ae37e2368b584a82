"""The one place that loads a client record and checks who may see it."""
from __future__ import annotations

from flask_login import current_user

from practice.access import deny
from practice.clients.models import Client
from practice.extensions import db


def get_client_or_404(client_id: int) -> Client:
    """Load a client the current user may see; anything else is an audited 404."""
    client = db.session.get(Client, client_id)
    if client is None or client.practice_id != current_user.practice_id or (
        not current_user.is_owner and client.therapist_id != current_user.id
    ):
        deny("client.access_denied", target_type="client", target_id=client_id)
    return client
