"""Plans (one identity, frozen versions), their home steps, and session notes with amendments."""
from __future__ import annotations

import secrets
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from practice.accounts.models import User
from practice.database import UTCDateTime, utcnow
from practice.extensions import db
from practice.library.models import LibraryItem
from practice.plans.content import FrozenPlan

STATUS_DRAFT = "draft"
STATUS_ACTIVE = "active"
STATUS_COMPLETED = "completed"
STATUS_ARCHIVED = "archived"
STATUSES = (STATUS_DRAFT, STATUS_ACTIVE, STATUS_COMPLETED, STATUS_ARCHIVED)


class Plan(db.Model):
    """A client's treatment plan: the working copy that versions are frozen from."""

    __tablename__ = "plans"
    __table_args__ = (Index("ix_plans_client_status", "client_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id"))
    #: the intake the plan was built from
    intake_id: Mapped[int | None] = mapped_column(ForeignKey("intakes.id"))
    #: draft -> active -> completed or archived; one active plan per client
    status: Mapped[str] = mapped_column(String(20), default=STATUS_DRAFT)
    title: Mapped[str] = mapped_column(String(120))
    goals: Mapped[str] = mapped_column(Text(), default="")
    #: professional technique keys used in sessions (practice.intake.contraindications)
    techniques: Mapped[list] = mapped_column(JSON, default=list)
    #: technique key -> {"reason", "by"}: techniques the check says to avoid, kept with the therapist's reason
    technique_overrides: Mapped[dict] = mapped_column(JSON, default=dict)
    #: body region keys the sessions focus on
    focus_areas: Mapped[list] = mapped_column(JSON, default=list)
    session_minutes: Mapped[int | None]
    #: how often, in plain words ("once a week")
    session_frequency: Mapped[str] = mapped_column(String(80), default="")
    session_count: Mapped[int | None]
    review_on: Mapped[date | None] = mapped_column(Date())
    #: general advice: activity, posture, when to stop and seek help
    advice: Mapped[str] = mapped_column(Text(), default="")
    #: the number of the latest frozen version (0 until first activated)
    current_version: Mapped[int] = mapped_column(default=0)
    #: True when the working copy differs from the latest version
    has_unpublished_changes: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    #: bumped on every save; an edit based on an older value is refused as a conflict
    row_version: Mapped[int] = mapped_column(default=1)

    # Loaded with the plan in one extra query each, so a long routine costs no query per step.
    steps: Mapped[list["PlanStep"]] = relationship(back_populates="plan", order_by="PlanStep.position",
                                                   cascade="all, delete-orphan", lazy="selectin")
    versions: Mapped[list["PlanVersion"]] = relationship(back_populates="plan", order_by="PlanVersion.number",
                                                         lazy="selectin")

    __mapper_args__ = {"version_id_col": row_version}

    @property
    def audit_client_id(self) -> int:
        """The client an audit event about this plan concerns."""
        return self.client_id

    @property
    def is_editable(self) -> bool:
        """Drafts and active plans can be edited; completed and archived ones cannot."""
        return self.status in (STATUS_DRAFT, STATUS_ACTIVE)


def new_step_key() -> str:
    """A fresh identity for a step of a routine: random, so it is never handed to another step of the plan."""
    return secrets.token_hex(6)


class PlanStep(db.Model):
    """One step of the home routine: a library item with this client's dose and note."""

    __tablename__ = "plan_steps"
    __table_args__ = (UniqueConstraint("plan_id", "key", name="uq_plan_steps_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    #: the step's identity in every version frozen from it, whatever its position: a home log names the steps
    #: done by it, so a step added, removed or moved later never changes what a log says (not the row id, which
    #: SQLite may give again once a step is deleted)
    key: Mapped[str] = mapped_column(String(24), default=new_step_key)
    position: Mapped[int]
    library_item_id: Mapped[int] = mapped_column(ForeignKey("library_items.id"))
    minutes: Mapped[int | None]
    repetitions: Mapped[int | None]
    pressure: Mapped[str | None] = mapped_column(String(20))
    frequency: Mapped[str | None] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(String(500))
    #: the change the contraindication check requires for this client ("light pressure only")
    modification: Mapped[str | None] = mapped_column(Text())
    #: why the therapist added an item the check says to avoid (None when not overridden)
    override_reason: Mapped[str | None] = mapped_column(String(500))
    overridden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    plan: Mapped[Plan] = relationship(back_populates="steps")
    item: Mapped[LibraryItem] = relationship(lazy="joined")
    overridden_by: Mapped[User | None] = relationship(lazy="joined")


class PlanVersion(db.Model):
    """A frozen, whole copy of a plan at activation or a later published edit; never changed."""

    __tablename__ = "plan_versions"
    __table_args__ = (UniqueConstraint("plan_id", "number", name="uq_plan_versions_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    number: Mapped[int]
    #: everything needed to show or print this version again, item texts included
    content: Mapped[dict] = mapped_column(JSON)
    change_summary: Mapped[str] = mapped_column(String(300), default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    plan: Mapped[Plan] = relationship(back_populates="versions")
    created_by: Mapped[User] = relationship(lazy="joined")

    @property
    def frozen(self) -> FrozenPlan:
        """The saved content, typed."""
        return FrozenPlan.from_json(self.content)
