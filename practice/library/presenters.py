"""Plain-words presentation of library items, shared by pages, plans and handouts."""
from __future__ import annotations

from practice.library import content


def item_dose_text(item, *, minutes=None, repetitions=None, pressure=None, frequency=None) -> str:
    """The dose in plain words for a stored item (or a plan step's overrides of it)."""
    seed = content.LibraryItem(
        slug=item.slug, name=item.name, kind=item.kind, summary="", body_areas=(), equipment=(), steps=(),
        dose_minutes=item.dose_minutes, dose_repetitions=item.dose_repetitions, dose_pressure=item.dose_pressure,
        dose_frequency=item.dose_frequency or "", cautions=(), contraindication_key=None, illustration="",
        dose_per_side=item.is_dose_per_side,
    )
    try:
        return content.dose_text(seed, minutes=minutes, repetitions=repetitions, pressure=pressure,
                                 frequency=frequency)
    except ValueError:
        return content.dose_text(seed)
