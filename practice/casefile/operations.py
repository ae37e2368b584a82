"""Changes to a client's whole case file, across domains. They flush, never commit."""
from __future__ import annotations

from practice.accounts.models import User
from practice.clients.models import Client
from practice.clients.operations import set_archived
from practice.portal.operations import remove_access, revoke_invitations


def archive_client(client: Client, *, actor: User) -> None:
    """Archive a client: they leave the list and nothing is deleted; their portal access ends at once."""
    revoke_invitations(client.id)  # a link sent before archiving must not work, now or after a restore
    if client.portal_user is not None and client.portal_user.is_active:
        remove_access(client, actor=actor)
    set_archived(client, True, actor=actor)


def restore_client(client: Client, *, actor: User) -> None:
    """Bring an archived client back to the list (their portal access needs a new invitation)."""
    set_archived(client, False, actor=actor)
