"""Operations on plans, their steps and versions, and session notes. They flush, never commit."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from practice.accounts.models import User
from practice.audit.operations import record_event
from practice.clients.models import Client
from practice.database import lock_latest, utcnow
from practice.extensions import db
from practice.intake import contraindications
from practice.intake.assessment import contraindication_table, stage_of
from practice.intake.models import Intake, QuestionnaireResponse
from practice.intake.operations import latest_intake, needs_action
from practice.library.models import LibraryItem
from practice.library.operations import practice_library
from practice.library.presenters import item_dose_text
from practice.plans import suggest as suggestions
from practice.plans.content import FrozenPlan, FrozenProfessional, FrozenStep
from practice.plans.models import (
    STATUS_ACTIVE,
    STATUS_ARCHIVED,
    STATUS_COMPLETED,
    STATUS_DRAFT,
    Plan,
    PlanStep,
    PlanVersion,
    new_step_key,
)

DETAIL_FIELDS = ("title", "goals", "techniques", "focus_areas", "session_minutes", "session_frequency",
                 "session_count", "review_on", "advice")


class PlanRefused(Exception):
    """A user-facing reason a plan change was refused."""


class PlanConflict(Exception):
    """The plan was changed by someone else since the form was opened; `changes` says what differs."""

    def __init__(self, changes: list[str]):
        super().__init__("changed by someone else")
        self.changes = changes


def client_table(client: Client, intake: Intake | None = None) -> dict[str, contraindications.Assessment]:
    """The contraindication table from the client's latest intake (everything ok without one)."""
    intake = intake or latest_intake(client.id)
    return contraindication_table(intake.answers if intake else {})


def _latest_startback(client_id: int) -> str | None:
    return db.session.scalar(
        select(QuestionnaireResponse.band).where(QuestionnaireResponse.client_id == client_id,
                                                 QuestionnaireResponse.questionnaire == "startback",
                                                 QuestionnaireResponse.band.is_not(None))
        .order_by(QuestionnaireResponse.taken_on.desc(), QuestionnaireResponse.id.desc()).limit(1))


def _check(plan: Plan, seen_row_version: int | None, posted: dict | None = None) -> None:
    lock_latest(plan)
    if not plan.is_editable:
        raise PlanRefused("This plan is completed or archived and can no longer be changed.")
    if seen_row_version is not None and seen_row_version != plan.row_version:
        raise PlanConflict(_differences(plan, posted or {}))


def _differences(plan: Plan, posted: dict) -> list[str]:
    """Plain descriptions of what the saved plan holds where it differs from what was posted."""
    labels = {"title": "Title", "goals": "Goals", "techniques": "Techniques", "focus_areas": "Focus areas",
              "session_minutes": "Session length", "session_frequency": "How often", "session_count": "Sessions",
              "review_on": "Review date", "advice": "Advice"}
    changes = [f"{labels[name]} is now: {getattr(plan, name)!s:.200}" for name in DETAIL_FIELDS
               if name in posted and posted[name] != getattr(plan, name)]
    return changes or [f"The home routine now has {len(plan.steps)} steps."]


def _touch(plan: Plan) -> None:
    plan.updated_at = utcnow()
    if plan.status == STATUS_ACTIVE:
        plan.has_unpublished_changes = True


def create_plan(client: Client, intake: Intake, *, actor: User, today: date | None = None) -> Plan:
    """Start a draft plan from the suggestion for this client's latest intake."""
    today = today or date.today()
    table = contraindication_table(intake.answers)
    library = {item.slug: item for item in practice_library(client.practice_id)}
    stage = stage_of(intake.answers, intake.taken_on)
    proposal = suggestions.suggest(
        intake.answers, stage=stage, startback_risk=_latest_startback(client.id), table=table,
        library_keys={slug: item.contraindication_key for slug, item in library.items()}, today=today)
    plan = Plan(client_id=client.id, practice_id=client.practice_id, intake_id=intake.id, created_by_id=actor.id,
                **{name: getattr(proposal, name) for name in DETAIL_FIELDS})
    db.session.add(plan)
    db.session.flush()
    for suggested in proposal.steps:
        _append_step(plan, library[suggested.slug], table, pressure=suggested.pressure)
    db.session.flush()
    record_event("plan.create", target=plan, actor=actor, detail=f"from intake {intake.id}")
    return plan


def update_details(plan: Plan, client: Client, values: dict, *, override_reason: str | None, seen_row_version: int,
                   actor: User) -> None:
    """Save the plan's goals and professional part; techniques to avoid need an override reason."""
    _check(plan, seen_row_version, values)
    overrides = _technique_overrides(plan, client, values.get("techniques", plan.techniques), override_reason, actor)
    for name in DETAIL_FIELDS:
        if name in values:
            setattr(plan, name, values[name])
    plan.technique_overrides = overrides
    _touch(plan)
    db.session.flush()
    record_event("plan.update", target=plan, actor=actor, detail="details")


def _technique_overrides(plan: Plan, client: Client, techniques: list[str], reason: str | None, actor: User) -> dict:
    """Keep the overrides of techniques still chosen; refuse a newly chosen "avoid" technique without a reason."""
    table = client_table(client)
    kept = {key: value for key, value in (plan.technique_overrides or {}).items() if key in techniques}
    new = [key for key in techniques if key in table and table[key].level == contraindications.AVOID
           and key not in kept]
    if new and not reason:
        why = " ".join(f"{table[key].name}: {' '.join(r.text for r in table[key].reasons)}" for key in new)
        raise PlanRefused(f"Marked “avoid” for this client. {why} To use it anyway, give your reason for the override.")
    for key in new:
        kept[key] = {"reason": reason, "by": actor.name}
        record_event("plan.technique_override", target=plan, actor=actor, detail=f"{key}: contraindication overridden")
    return kept


def _safety(item: LibraryItem, table: dict) -> contraindications.Assessment | None:
    return table.get(item.contraindication_key) if item.contraindication_key else None


def _modification_text(assessment: contraindications.Assessment | None) -> str | None:
    if assessment is None or assessment.level == contraindications.OK:
        return None
    parts = list(dict.fromkeys(assessment.modifications))
    parts += [f"Keep away from: {area}" for area in dict.fromkeys(assessment.areas)]
    return "; ".join(parts) or None


def _append_step(plan: Plan, item: LibraryItem, table: dict, **values) -> PlanStep:
    # The key is set here, not left to the column default at the flush: a version may be frozen before it.
    step = PlanStep(plan=plan, item=item, key=new_step_key(), position=len(plan.steps) + 1,
                    modification=_modification_text(_safety(item, table)), **values)
    db.session.add(step)
    return step


def add_step(plan: Plan, item: LibraryItem, client: Client, *, values: dict, override_reason: str | None,
             seen_row_version: int, actor: User) -> PlanStep:
    """Add a library item to the home routine, refusing items to avoid unless overridden with a reason."""
    _check(plan, seen_row_version)
    table = client_table(client)
    assessment = _safety(item, table)
    if assessment is not None and assessment.level == contraindications.AVOID:
        reasons = " ".join(reason.text for reason in assessment.reasons)
        if not override_reason:
            raise PlanRefused(f"{item.name} is marked “avoid” for this client: {reasons} "
                              "To add it anyway, give your reason for the override.")
        values = {**values, "override_reason": override_reason, "overridden_by_id": actor.id}
    step = _append_step(plan, item, table, **values)
    _touch(plan)
    db.session.flush()
    record_event("plan.step_add", target=plan, actor=actor, detail=item.slug)
    if step.override_reason:
        record_event("plan.step_override", target=plan, actor=actor, detail=f"{item.slug}: contraindication overridden")
    return step


def update_step(plan: Plan, step: PlanStep, *, values: dict, seen_row_version: int, actor: User) -> None:
    """Change a step's dose or note."""
    _check(plan, seen_row_version)
    for name, value in values.items():
        setattr(step, name, value)
    _touch(plan)
    db.session.flush()
    record_event("plan.step_update", target=plan, actor=actor, detail=step.item.slug)


def remove_step(plan: Plan, step: PlanStep, *, seen_row_version: int, actor: User) -> None:
    """Take a step out of the routine and renumber the rest."""
    _check(plan, seen_row_version)
    plan.steps.remove(step)
    for position, remaining in enumerate(plan.steps, start=1):
        remaining.position = position
    _touch(plan)
    db.session.flush()
    record_event("plan.step_remove", target=plan, actor=actor, detail=step.item.slug)


def move_step(plan: Plan, step: PlanStep, offset: int, *, seen_row_version: int, actor: User) -> None:
    """Move a step up (-1) or down (+1) in the routine."""
    _check(plan, seen_row_version)
    steps = list(plan.steps)
    index = steps.index(step)
    target = min(max(index + offset, 0), len(steps) - 1)
    steps.insert(target, steps.pop(index))
    for position, each in enumerate(steps, start=1):
        each.position = position
    _touch(plan)
    db.session.flush()
    record_event("plan.step_move", target=plan, actor=actor, detail=step.item.slug)


def activation_problem(plan: Plan, client: Client) -> str | None:
    """Why the plan cannot be activated now, or None."""
    if plan.status != STATUS_DRAFT:
        return "Only a draft plan can be activated."
    if needs_action(latest_intake(client.id)):
        return ("The client's latest screening needs action (emergency, urgent or needs review) and none is "
                "recorded. Record what you advised on the intake page first.")
    other = db.session.scalar(select(Plan.id).where(Plan.client_id == client.id, Plan.status == STATUS_ACTIVE,
                                                    Plan.id != plan.id))
    if other is not None:
        return "This client already has an active plan. Complete or archive it first."
    if not plan.steps and not plan.techniques:
        return "Add at least one technique or home step before activating."
    return None


def activate(plan: Plan, client: Client, *, seen_row_version: int, actor: User) -> PlanVersion:
    """Activate a draft: it becomes the client's plan and version 1 is frozen."""
    _check(plan, seen_row_version)
    problem = activation_problem(plan, client)
    if problem:
        raise PlanRefused(problem)
    plan.status = STATUS_ACTIVE
    version = _freeze(plan, client, actor, "First version")
    record_event("plan.activate", target=plan, actor=actor, detail=f"version {version.number}")
    return version


def publish(plan: Plan, client: Client, *, summary: str, seen_row_version: int, actor: User) -> PlanVersion:
    """Freeze the edited working copy of an active plan as its next version."""
    _check(plan, seen_row_version)
    if plan.status != STATUS_ACTIVE or not plan.has_unpublished_changes:
        raise PlanRefused("There are no changes to save as a new version.")
    version = _freeze(plan, client, actor, summary)
    record_event("plan.version", target=plan, actor=actor, detail=f"version {version.number}")
    return version


def _freeze(plan: Plan, client: Client, actor: User, summary: str) -> PlanVersion:
    plan.current_version += 1
    plan.has_unpublished_changes = False
    version = PlanVersion(plan=plan, number=plan.current_version, change_summary=summary, created_by_id=actor.id,
                          content=snapshot(plan, client).to_json())
    db.session.add(version)
    db.session.flush()
    return version


def set_status(plan: Plan, status: str, *, actor: User) -> None:
    """Complete or archive a plan."""
    lock_latest(plan)
    if status not in (STATUS_COMPLETED, STATUS_ARCHIVED) or plan.status == status:
        raise PlanRefused("That change of status is not possible.")
    plan.status = status
    db.session.flush()
    record_event(f"plan.{status}", target=plan, actor=actor)


def snapshot(plan: Plan, client: Client) -> FrozenPlan:
    """The whole plan as plain values, item texts included, so a version always shows and prints the same."""
    names = dict((t.key, t.name) for t in contraindications.TECHNIQUES)
    therapist = client.therapist
    return FrozenPlan(
        title=plan.title, goals=plan.goals, advice=plan.advice,
        client_first_name=client.first_name, therapist=therapist.name if therapist else "",
        professional=FrozenProfessional(
            techniques=tuple(names.get(key, key) for key in plan.techniques), focus_areas=tuple(plan.focus_areas),
            overrides={names.get(key, key): value["reason"] for key, value in (plan.technique_overrides or {}).items()},
            session_minutes=plan.session_minutes, session_frequency=plan.session_frequency,
            session_count=plan.session_count, review_on=plan.review_on,
        ),
        steps=tuple(FrozenStep(
            name=step.item.name, key=step.key, slug=step.item.slug, kind=step.item.kind, steps=tuple(step.item.steps),
            dose=item_dose_text(step.item, minutes=step.minutes, repetitions=step.repetitions,
                                pressure=step.pressure, frequency=step.frequency),
            cautions=tuple(step.item.cautions), modification=step.modification, note=step.note,
            override_reason=step.override_reason, illustration=step.item.illustration,
        ) for step in plan.steps),
    )


@dataclass(frozen=True)
class StepView:
    """A step with its dose text and the current safety verdict for the client."""

    step: PlanStep
    dose: str
    verdict: contraindications.Assessment | None


def step_views(plan: Plan, table: dict) -> list[StepView]:
    """The routine ready to show."""
    return [StepView(step, item_dose_text(step.item, minutes=step.minutes, repetitions=step.repetitions,
                                          pressure=step.pressure, frequency=step.frequency),
                     _safety(step.item, table)) for step in plan.steps]


def client_plans(client_id: int) -> list[Plan]:
    """The client's plans, active first."""
    order = {STATUS_ACTIVE: 0, STATUS_DRAFT: 1, STATUS_COMPLETED: 2, STATUS_ARCHIVED: 3}
    plans = list(db.session.scalars(select(Plan).where(Plan.client_id == client_id).order_by(Plan.created_at.desc())))
    return sorted(plans, key=lambda plan: order.get(plan.status, 9))
