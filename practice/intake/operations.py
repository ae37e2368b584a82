"""Operations on intakes, red-flag actions and questionnaires. They flush, never commit."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import aliased, selectinload

from practice.accounts.models import User
from practice.audit.operations import record_event
from practice.clients.models import Client
from practice.database import lock_latest, utcnow
from practice.extensions import db
from practice.intake import questionnaires, screening
from practice.intake.assessment import assess
from practice.intake.models import (
    KIND_INITIAL,
    KIND_REASSESSMENT,
    SOURCE_THERAPIST,
    STATUS_SIGNED,
    Intake,
    QuestionnaireResponse,
    RedFlagAction,
)

# Screening levels a plan may not go ahead with until the therapist records what was done.
ACTION_LEVELS = (screening.EMERGENCY, screening.URGENT, screening.INCOMPLETE)


class IntakeConflict(Exception):
    """The draft was saved by someone else since this form was opened."""


class IntakeLocked(Exception):
    """A signed intake cannot be changed; a change makes a new version."""


def _screen(intake: Intake, client: Client) -> None:
    intake.age_at_intake = client.age_on(intake.taken_on)
    result = assess(intake.answers, intake.age_at_intake).screening
    intake.screening_level, intake.screening_result = result.level, result.to_json()


def latest_intake(client_id: int) -> Intake | None:
    """The client's newest intake version, draft or signed."""
    return db.session.scalars(
        select(Intake).where(Intake.client_id == client_id).order_by(Intake.version.desc()).limit(1)
    ).first()


def open_draft(client_id: int) -> Intake | None:
    """The client's intake draft in progress, if any (there is at most one)."""
    latest = latest_intake(client_id)
    return latest if latest is not None and not latest.is_signed else None


def create_intake(client: Client, answers: dict, *, actor: User, sign: bool = False,
                  source: str = SOURCE_THERAPIST) -> Intake:
    """Start a new intake version for the client (initial, or a reassessment after a signed one)."""
    lock_latest(client)  # two people starting an intake at once queue here; the second finds the first's draft
    if open_draft(client.id) is not None:
        raise IntakeLocked("This client already has an intake draft; continue that one.")
    last_version = db.session.scalar(select(func.max(Intake.version)).where(Intake.client_id == client.id)) or 0
    intake = Intake(client_id=client.id, practice_id=client.practice_id, version=last_version + 1,
                    kind=KIND_REASSESSMENT if last_version else KIND_INITIAL, source=source,
                    answers=answers, created_by_id=actor.id, taken_on=date.today())
    _screen(intake, client)
    db.session.add(intake)
    db.session.flush()
    record_event("intake.create", target=intake, actor=actor, detail=f"version {intake.version}")
    if sign:
        sign_intake(intake, actor=actor)
    return intake


def update_draft(intake: Intake, client: Client, answers: dict, *, seen_row_version: int, actor: User,
                 sign: bool = False) -> None:
    """Save a draft's answers, refusing if it is signed or was saved by someone else meanwhile."""
    lock_latest(intake)
    if intake.is_signed:
        raise IntakeLocked("This intake is signed and locked. Start a reassessment to record changes.")
    if seen_row_version != intake.row_version:
        raise IntakeConflict()
    intake.answers = answers
    intake.taken_on = date.today()
    _screen(intake, client)
    db.session.flush()
    record_event("intake.update", target=intake, actor=actor, detail=f"version {intake.version}")
    if sign:
        sign_intake(intake, actor=actor)


def sign_intake(intake: Intake, *, actor: User) -> None:
    """Lock the version: from now on a change makes a new version."""
    intake.status = STATUS_SIGNED
    intake.signed_by_id = actor.id
    intake.signed_at = utcnow()
    db.session.flush()
    record_event("intake.sign", target=intake, actor=actor, detail=f"version {intake.version}")


def review_client_intake(intake: Intake, *, actor: User) -> None:
    """Mark a client-reported intake as gone through by a therapist."""
    intake.reviewed_at = utcnow()
    intake.reviewed_by_id = actor.id
    db.session.flush()
    record_event("intake.review", target=intake, actor=actor, detail=f"version {intake.version}")


def record_action(intake: Intake, *, advice: str, referred_to: str | None, acted_on: date,
                  actor: User) -> RedFlagAction:
    """Record what was done about a screening result that needs action."""
    action = RedFlagAction(intake=intake, client_id=intake.client_id, advice=advice, referred_to=referred_to,
                           acted_on=acted_on, recorded_by_id=actor.id)
    db.session.add(action)
    db.session.flush()
    record_event("screening.action", target=action, actor=actor,
                 detail=f"intake {intake.id}, level {intake.screening_level}")
    return action


def needs_action(intake: Intake | None) -> bool:
    """True when the intake's screening is emergency, urgent or incomplete and nothing is recorded yet."""
    return intake is not None and intake.screening_level in ACTION_LEVELS and not intake.actions


def record_questionnaire(client: Client, key: str, answers: dict, *, taken_on: date, actor: User,
                         source: str = SOURCE_THERAPIST) -> QuestionnaireResponse:
    """Score and keep one administration of a questionnaire."""
    result = questionnaires.QUESTIONNAIRES[key].score(answers)
    response = QuestionnaireResponse(client_id=client.id, questionnaire=key, answers=answers, score=result.value,
                                     band=result.band, is_complete=result.is_complete, taken_on=taken_on,
                                     source=source, recorded_by_id=actor.id)
    db.session.add(response)
    db.session.flush()
    record_event("questionnaire.create", target=response, actor=actor, detail=key)
    return response


@dataclass(frozen=True)
class ScoreSummary:
    """The first and latest complete score of one questionnaire, and the change between them."""

    definition: questionnaires.Questionnaire
    first: QuestionnaireResponse
    latest: QuestionnaireResponse
    change: questionnaires.Change | None
    count: int

    @property
    def band_label(self) -> str | None:
        """The latest band's plain label."""
        return next((band.label for band in self.definition.bands if band.key == self.latest.band), None)


CHANGE_FUNCTIONS = {
    "nprs": questionnaires.nprs_change,
    "psfs": questionnaires.psfs_change,
    "rmdq": questionnaires.rmdq_change,
    "odi": questionnaires.odi_change,
}


def score_summaries(client_id: int) -> list[ScoreSummary]:
    """Latest scores with their bands and the change since the first, per questionnaire."""
    responses = db.session.scalars(
        select(QuestionnaireResponse).where(QuestionnaireResponse.client_id == client_id)
        .order_by(QuestionnaireResponse.taken_on, QuestionnaireResponse.id)
    ).all()
    summaries = []
    for key, definition in questionnaires.QUESTIONNAIRES.items():
        complete = [r for r in responses if r.questionnaire == key and r.score is not None]
        if not complete:
            continue
        first, latest = complete[0], complete[-1]
        change_of = CHANGE_FUNCTIONS.get(key)
        change = change_of(first.score, latest.score) if change_of and len(complete) > 1 else None
        summaries.append(ScoreSummary(definition, first, latest, change, len(complete)))
    return summaries


@dataclass(frozen=True)
class ClientIntakeSummary:
    """What the client page shows of intakes: the versions, the latest screening, and the scores."""

    intakes: list[Intake]
    latest: Intake | None
    latest_result: screening.ScreeningResult | None
    needs_action: bool
    scores: list[ScoreSummary]


def client_intake_summary(client: Client) -> ClientIntakeSummary:
    """Gather the client page's intake panel in a fixed number of queries."""
    intakes = list(db.session.scalars(
        select(Intake).where(Intake.client_id == client.id).order_by(Intake.version.desc())
        .options(selectinload(Intake.actions))
    ))
    latest = intakes[0] if intakes else None
    result = latest.screening if latest else None
    return ClientIntakeSummary(intakes, latest, result, needs_action(latest), score_summaries(client.id))


def unresolved_red_flags(clients_query, limit: int = 20) -> list[tuple[Client, Intake]]:
    """Clients among `clients_query` whose latest intake needs action and has none recorded, most urgent first."""
    # Only flagged intakes of visible clients are read; "latest" is a probe of the (client, version) index for a
    # newer version, not a grouping of every intake in the database.
    newer = aliased(Intake)
    has_newer = select(newer.id).where(newer.client_id == Intake.client_id, newer.version > Intake.version).exists()
    has_action = select(RedFlagAction.id).where(RedFlagAction.intake_id == Intake.id).exists()
    visible = clients_query.where(Client.is_archived.is_(False)).subquery()
    rows = db.session.execute(
        select(Client, Intake)
        .join(visible, visible.c.id == Client.id)
        .join(Intake, (Intake.client_id == Client.id) & (Intake.practice_id == Client.practice_id))
        .where(Intake.screening_level.in_(ACTION_LEVELS), ~has_action, ~has_newer)
        .order_by(Intake.updated_at.desc())
    ).all()
    rows.sort(key=lambda row: -screening.level_rank(row[1].screening_level))
    return [(client, intake) for client, intake in rows[:limit]]
