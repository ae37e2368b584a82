"""Loading an intake: only through its client, whom the current user must be allowed to see."""
from __future__ import annotations

from practice.access import deny
from practice.clients.models import Client
from practice.extensions import db
from practice.intake.models import Intake


def get_intake_or_404(client: Client, intake_id: int) -> Intake:
    """An intake of this client (loaded with `get_client_or_404` first); any other id is an audited 404."""
    intake = db.session.get(Intake, intake_id)
    if intake is None or intake.client_id != client.id:
        deny("intake.access_denied", target_type="intake", target_id=intake_id, client_id=client.id)
    return intake
