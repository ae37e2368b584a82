"""Operations on the technique library. They flush, never commit."""
from __future__ import annotations

import re

from sqlalchemy import or_, select

from practice.accounts.models import User
from practice.audit.operations import record_event
from practice.extensions import db
from practice.library import content
from practice.library.models import LibraryItem

COPYABLE_FIELDS = ("name", "kind", "summary", "body_areas", "equipment", "steps", "dose_minutes", "dose_repetitions",
                   "dose_pressure", "dose_frequency", "is_dose_per_side", "cautions", "contraindication_key",
                   "illustration")


def seed_library() -> int:
    """Insert or update the seeded originals from `content.LIBRARY`; returns how many were added."""
    existing = {item.slug: item for item in db.session.scalars(
        select(LibraryItem).where(LibraryItem.practice_id.is_(None)))}
    added = 0
    for seed in content.LIBRARY:
        values = {
            "name": seed.name, "kind": seed.kind, "summary": seed.summary, "body_areas": list(seed.body_areas),
            "equipment": list(seed.equipment), "steps": list(seed.steps), "dose_minutes": seed.dose_minutes,
            "dose_repetitions": seed.dose_repetitions, "dose_pressure": seed.dose_pressure,
            "dose_frequency": seed.dose_frequency, "is_dose_per_side": seed.dose_per_side,
            "cautions": list(seed.cautions), "contraindication_key": seed.contraindication_key,
            "illustration": seed.illustration,
        }
        item = existing.get(seed.slug)
        if item is None:
            db.session.add(LibraryItem(practice_id=None, slug=seed.slug, **values))
            added += 1
        else:
            for name, value in values.items():
                if getattr(item, name) != value:
                    setattr(item, name, value)
    db.session.flush()
    return added


def practice_library(practice_id: int, *, kind: str | None = None):
    """The items a practice uses: its own items, plus the seeded originals it has not replaced by a copy."""
    copied = select(LibraryItem.copied_from_id).where(LibraryItem.practice_id == practice_id,
                                                      LibraryItem.copied_from_id.is_not(None))
    query = select(LibraryItem).where(
        LibraryItem.is_archived.is_(False),
        or_(LibraryItem.practice_id == practice_id,
            (LibraryItem.practice_id.is_(None)) & LibraryItem.id.not_in(copied)),
    ).order_by(LibraryItem.kind.desc(), LibraryItem.name)
    if kind:
        query = query.where(LibraryItem.kind == kind)
    return list(db.session.scalars(query))


def copy_item(original: LibraryItem, practice_id: int, *, actor: User) -> LibraryItem:
    """Make the practice's own editable copy of a seeded item; the original stays unchanged."""
    copy = LibraryItem(practice_id=practice_id, copied_from_id=original.id, slug=original.slug,
                       **{name: _copy_value(getattr(original, name)) for name in COPYABLE_FIELDS})
    db.session.add(copy)
    db.session.flush()
    record_event("library.copy", target=copy, actor=actor, detail=f"from {original.slug}")
    return copy


def _copy_value(value):
    return list(value) if isinstance(value, list) else value


def create_item(practice_id: int, values: dict, *, actor: User) -> LibraryItem:
    """Add a practice's own library item."""
    item = LibraryItem(practice_id=practice_id, slug=slugify(values["name"]), **values)
    db.session.add(item)
    db.session.flush()
    record_event("library.create", target=item, actor=actor)
    return item


def update_item(item: LibraryItem, values: dict, *, actor: User) -> None:
    """Change a practice's own item (never a seeded original)."""
    if item.is_seeded:
        raise ValueError("Seeded items are not edited; make a copy for your practice.")
    for name, value in values.items():
        setattr(item, name, value)
    db.session.flush()
    record_event("library.update", target=item, actor=actor)


def slugify(name: str) -> str:
    """A URL-friendly key from a name."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:80] or "item"
