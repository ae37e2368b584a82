"""Intakes (dated versions), the actions taken on red flags, and questionnaire administrations."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from practice.accounts.models import User
from practice.database import UTCDateTime, utcnow
from practice.extensions import db
from practice.intake.screening import ScreeningResult

KIND_INITIAL = "initial"
KIND_REASSESSMENT = "reassessment"
STATUS_DRAFT = "draft"
STATUS_SIGNED = "signed"
SOURCE_THERAPIST = "therapist"
SOURCE_CLIENT = "client"


class Intake(db.Model):
    """One dated version of a client's intake. A signed version is never edited; a change is a new version."""

    __tablename__ = "intakes"
    __table_args__ = (
        UniqueConstraint("client_id", "version", name="uq_intakes_client_version"),
        Index("ix_intakes_practice_level", "practice_id", "screening_level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id"))
    #: 1 for the first intake of the client, then 2, 3... for reassessments
    version: Mapped[int]
    #: "initial" or "reassessment"
    kind: Mapped[str] = mapped_column(String(20), default=KIND_INITIAL)
    #: who filled it in: "therapist" now, "client" from the portal later
    source: Mapped[str] = mapped_column(String(20), default=SOURCE_THERAPIST)
    #: "draft" (editable) or "signed" (locked)
    status: Mapped[str] = mapped_column(String(20), default=STATUS_DRAFT)
    #: the intake form's answers as plain JSON (keys are the form's field names)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    #: the screening level when last saved: emergency, urgent, incomplete, caution or clear
    screening_level: Mapped[str] = mapped_column(String(20))
    #: the whole screening result when last saved (level, findings, open questions): what every page shows, so
    #: a later change of the rules never makes a page disagree with the dashboard or with what was acted on
    screening_result: Mapped[dict | None] = mapped_column(JSON)
    #: the client's age on the intake date, as screened
    age_at_intake: Mapped[int | None]
    taken_on: Mapped[date] = mapped_column(Date(), default=date.today)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: for intakes the client reported in the portal: when a therapist went through them
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", name="fk_intakes_reviewed_by_id_users"))
    #: bumped on every save; a save based on an older row_version is refused as a conflict
    row_version: Mapped[int] = mapped_column(default=1)

    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    signed_by: Mapped[User | None] = relationship(foreign_keys=[signed_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    actions: Mapped[list["RedFlagAction"]] = relationship(back_populates="intake",
                                                          order_by="RedFlagAction.recorded_at")

    __mapper_args__ = {"version_id_col": row_version}

    @property
    def is_signed(self) -> bool:
        """True once signed: the version is locked."""
        return self.status == STATUS_SIGNED

    @property
    def screening(self) -> ScreeningResult:
        """The screening result as saved with this version."""
        return ScreeningResult.from_json(self.screening_result)

    @property
    def awaits_review(self) -> bool:
        """True for a client-reported intake no therapist has gone through yet."""
        return self.source == SOURCE_CLIENT and self.reviewed_at is None

    @property
    def audit_client_id(self) -> int:
        """The client an audit event about this intake concerns."""
        return self.client_id


class RedFlagAction(db.Model):
    """What the therapist did about a screening that needs action: advice given, referral, when."""

    __tablename__ = "red_flag_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    intake_id: Mapped[int] = mapped_column(ForeignKey("intakes.id"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    #: what the client was told, in the therapist's words
    advice: Mapped[str] = mapped_column(Text())
    #: who the client was referred to (GP, emergency department...), if anyone
    referred_to: Mapped[str | None] = mapped_column(String(200))
    #: the day the advice was given or the referral made
    acted_on: Mapped[date] = mapped_column(Date())
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    intake: Mapped[Intake] = relationship(back_populates="actions")
    recorded_by: Mapped[User] = relationship()

    @property
    def audit_client_id(self) -> int:
        """The client an audit event about this action concerns."""
        return self.client_id


class QuestionnaireResponse(db.Model):
    """One dated administration of an outcome questionnaire, with its score as computed then."""

    __tablename__ = "questionnaire_responses"
    __table_args__ = (Index("ix_questionnaires_client_key", "client_id", "questionnaire", "taken_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    #: nprs, psfs, startback, rmdq or odi
    questionnaire: Mapped[str] = mapped_column(String(20))
    #: item key -> answer, as entered
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    #: the score (None when incomplete, e.g. STarT Back without all nine answers)
    score: Mapped[float | None]
    #: the band or risk group key, if the questionnaire has one
    band: Mapped[str | None] = mapped_column(String(30))
    is_complete: Mapped[bool] = mapped_column(default=True)
    taken_on: Mapped[date] = mapped_column(Date())
    #: "therapist" or "client"
    source: Mapped[str] = mapped_column(String(20), default=SOURCE_THERAPIST)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def audit_client_id(self) -> int:
        """The client an audit event about this response concerns."""
        return self.client_id
