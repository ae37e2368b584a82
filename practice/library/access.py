"""Which library items a practice may use: the shared (seeded) ones and its own."""
from __future__ import annotations

from practice.access import deny
from practice.database import is_record_id
from practice.extensions import db
from practice.library.models import LibraryItem


def get_item_or_404(item_id, practice_id: int, *, client_id: int | None = None) -> LibraryItem:
    """A seeded item or one of `practice_id`'s own; anything else (another practice's item, a bad id) is an
    audited 404, recorded against the client whose plan it was asked for, if any."""
    item = db.session.get(LibraryItem, item_id) if is_record_id(item_id) else None
    if item is None or item.practice_id not in (None, practice_id):
        deny("library.access_denied", target_type="library_item", target_id=item_id, client_id=client_id)
    return item
