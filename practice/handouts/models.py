"""Rendered handouts kept for reuse: an unchanged plan version is served again without rendering."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from practice.database import UTCDateTime, utcnow
from practice.extensions import db


class RenderedHandout(db.Model):
    """One PDF, keyed by a hash of everything it shows and of the templates (see handouts.context)."""

    __tablename__ = "rendered_handouts"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: sha256 of the handout context and the template revision
    key: Mapped[str] = mapped_column(String(64), unique=True)
    plan_version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id"), index=True)
    variant: Mapped[str] = mapped_column(String(20))
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
