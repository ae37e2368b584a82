"""Loading a session note: only through its client, whom the current user must be allowed to see."""
from __future__ import annotations

from practice.access import deny
from practice.clients.models import Client
from practice.extensions import db
from practice.notes.models import SessionNote


def get_note_or_404(client: Client, note_id: int) -> SessionNote:
    """A note of this client (loaded with `get_client_or_404` first); any other id is an audited 404."""
    note = db.session.get(SessionNote, note_id)
    if note is None or note.client_id != client.id:
        deny("session.access_denied", target_type="session_note", target_id=note_id, client_id=client.id)
    return note
