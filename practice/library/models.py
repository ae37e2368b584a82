"""The technique library: seeded items shared by every practice, and each practice's own items and copies."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from practice.database import UTCDateTime, utcnow
from practice.extensions import db

KIND_PROFESSIONAL = "professional"
KIND_HOME = "home"


class LibraryItem(db.Model):
    """A professional technique or a home-care step. practice_id None marks a seeded original."""

    __tablename__ = "library_items"
    __table_args__ = (Index("ix_library_practice_slug", "practice_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: None for the seeded originals every practice sees; set for a practice's own items and copies
    practice_id: Mapped[int | None] = mapped_column(ForeignKey("practices.id"))
    #: the seeded item this practice copy was made from (its copy replaces it in that practice's list)
    copied_from_id: Mapped[int | None] = mapped_column(ForeignKey("library_items.id"))
    #: stable key of a seeded item ("tennis-ball-wall"); practice items get one from their name
    slug: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(120))
    #: "professional" or "home"
    kind: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(Text(), default="")
    #: body region keys (practice.intake.body_regions)
    body_areas: Mapped[list] = mapped_column(JSON, default=list)
    equipment: Mapped[list] = mapped_column(JSON, default=list)
    #: the numbered steps, in order
    steps: Mapped[list] = mapped_column(JSON, default=list)
    dose_minutes: Mapped[int | None]
    dose_repetitions: Mapped[int | None]
    #: gentle, moderate or firm
    dose_pressure: Mapped[str | None] = mapped_column(String(20))
    dose_frequency: Mapped[str] = mapped_column(String(120), default="")
    #: whether the minutes are per side ("2 minutes each side")
    is_dose_per_side: Mapped[bool] = mapped_column(default=False)
    cautions: Mapped[list] = mapped_column(JSON, default=list)
    #: the technique key the intake's contraindication check rates (None for advice-only items)
    contraindication_key: Mapped[str | None] = mapped_column(String(40))
    #: file name under static/img/library/
    illustration: Mapped[str | None] = mapped_column(String(120))
    is_archived: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    @property
    def is_seeded(self) -> bool:
        """True for the shared originals, which no practice edits."""
        return self.practice_id is None
