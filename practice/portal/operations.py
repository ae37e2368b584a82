"""Portal operations: invitations, access, daily logs and assignments. They flush, never commit."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import lazyload

from practice.accounts.models import ROLE_CLIENT, Practice, User, lower_email, new_session_token
from practice.accounts.operations import AccountError, create_user, practice_user_with_email, reset_login
from practice.accounts.passwords import password_problem
from practice.audit.operations import record_event
from practice.clients.models import Client
from practice.database import lock_latest, utcnow
from practice.extensions import db
from practice.intake.models import Intake
from practice.plans.content import FrozenPlan, FrozenStep
from practice.plans.models import STATUS_ACTIVE, Plan, PlanVersion
from practice.portal import warning_signs
from practice.portal.models import (
    ASSIGNMENT_INTAKE,
    ASSIGNMENT_KINDS,
    INVITATION_PENDING,
    NOTE_MAX_LENGTH,
    Assignment,
    HomeLog,
    Invitation,
)

#: tokens are 43 characters; anything much longer in a URL is not ours
MAX_TOKEN_LENGTH = 100


class PortalError(ValueError):
    """A user-facing reason a portal operation was refused, naming the form field it concerns."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class ForeignStep(LookupError):
    """A posted step that is not part of the routine the client was shown (treated like a foreign id)."""


def token_digest(token: str) -> str:
    """The SHA-256 of an invitation token, as stored."""
    return hashlib.sha256(token.encode()).hexdigest()


# --- Invitations and access -----------------------------------------------------------------


def _check_can_invite(client: Client) -> str:
    if client.is_archived:
        raise PortalError("This client is archived. Restore the record before inviting them.")
    if not client.email:
        raise PortalError("Add the client's e-mail address to their record first: it becomes their login.")
    email = lower_email(client.email)
    # Only this practice's accounts count: an address may have a login in another practice, and whether it does
    # is none of this practice's business.
    holder = practice_user_with_email(client.practice_id, email)
    if holder is not None and holder.id != client.portal_user_id:
        raise PortalError("This e-mail address already belongs to another account in this practice, so it cannot "
                          "be the client's login. Use a different address on the record.")
    return email


def revoke_invitations(client_id: int, now: datetime | None = None) -> None:
    """Stop every unused invitation of the client from working."""
    _revoke_pending(client_id, now or utcnow())


def _revoke_pending(client_id: int, now: datetime) -> None:
    for invitation in db.session.scalars(select(Invitation).where(
            Invitation.client_id == client_id, Invitation.used_at.is_(None), Invitation.revoked_at.is_(None))):
        invitation.revoked_at = now


def create_invitation(client: Client, *, actor: User, days: int, now: datetime | None = None) -> tuple[Invitation, str]:
    """A fresh one-time invitation for the client (earlier unused ones stop working); returns it and its token."""
    now = now or utcnow()
    email = _check_can_invite(client)
    _revoke_pending(client.id, now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation(practice_id=client.practice_id, client_id=client.id, token_hash=token_digest(token),
                            email=email, created_by_id=actor.id, created_at=now, expires_at=now + timedelta(days=days))
    db.session.add(invitation)
    db.session.flush()
    record_event("portal.invite", target=invitation, actor=actor, detail=f"expires {invitation.expires_at:%Y-%m-%d}")
    if not _has_intake(client.id):
        assign(client, ASSIGNMENT_INTAKE, actor=actor)  # a new client fills in the pre-visit intake first
    return invitation, token


def find_invitation(token: str) -> Invitation | None:
    """The invitation behind a link's token, or None."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return db.session.scalar(select(Invitation).where(Invitation.token_hash == token_digest(token)))


def accept_invitation(invitation: Invitation, password: str, *, now: datetime | None = None) -> User:
    """Set the client's password, link the login to their record, and use the invitation up."""
    now = now or utcnow()
    if invitation.status(now) != INVITATION_PENDING:
        raise PortalError("This invitation can no longer be used.")
    client = db.session.get(Client, invitation.client_id)
    if client is None or client.is_archived:
        raise PortalError("This invitation can no longer be used.")
    user = client.portal_user
    if user is None:
        user = _new_portal_user(client, invitation.email, password)
        client.portal_user_id = user.id
    else:
        _reset_returning_login(user, invitation.email, password)
    invitation.used_at = now
    user.last_login_at = now
    db.session.flush()
    record_event("portal.invitation_accept", target=invitation, actor=user)
    return user


def _reset_returning_login(user: User, email: str, password: str) -> None:
    """A returning client logs in with the address they were invited at (the record's e-mail may have changed)."""
    try:
        reset_login(user, email=email, password=password)
    except AccountError as error:
        if error.field == "password":
            raise PortalError(str(error), field="password") from error
        raise PortalError(f"{error} Ask your therapist for help.") from error


def _new_portal_user(client: Client, email: str, password: str) -> User:
    if practice_user_with_email(client.practice_id, email) is not None:
        raise PortalError("An account with this e-mail address already exists in this practice. "
                          "Ask your therapist for help.")
    problem = password_problem(password, email=email, name=client.full_name)
    if problem:
        raise PortalError(problem, field="password")
    return create_user(client_practice(client), name=client.full_name, email=email, password=password,
                       role=ROLE_CLIENT)


def client_practice(client: Client) -> Practice:
    """The practice a client record belongs to."""
    return db.session.get(Practice, client.practice_id)


def remove_access(client: Client, *, actor: User) -> None:
    """End the client's portal access: their session ends on the next request, and open invitations stop working."""
    now = utcnow()
    _revoke_pending(client.id, now)
    user = client.portal_user
    if user is not None:
        user.is_active = False
        user.session_token = new_session_token()
    db.session.flush()
    record_event("portal.access_remove", target=client, actor=actor)


def latest_invitation(client_id: int) -> Invitation | None:
    """The client's newest invitation, if any."""
    return db.session.scalar(select(Invitation).where(Invitation.client_id == client_id)
                             .order_by(Invitation.created_at.desc(), Invitation.id.desc()).limit(1))


# --- The home plan ----------------------------------------------------------------------------


@dataclass(frozen=True)
class HomePlan:
    """A published version of the client's plan (the current one, or the one a form was built from) and its home
    steps by key."""

    plan: Plan
    version: PlanVersion
    #: the published version's content
    content: FrozenPlan

    @classmethod
    def of(cls, version: PlanVersion) -> "HomePlan":
        """The home routine of one published version."""
        return cls(version.plan, version, version.frozen)

    @property
    def steps(self) -> list[tuple[str, FrozenStep]]:
        """The home steps in routine order, each with its key (the same in every version that holds the step)."""
        return [(step.key, step) for _, step in self.content.home_steps]

    @property
    def keys(self) -> list[str]:
        """The keys a log of this routine may tick, in routine order."""
        return [key for key, _ in self.steps]

    @property
    def review_on(self) -> date | None:
        """The next review date written in the version."""
        return self.content.professional.review_on


def home_plan(client: Client) -> HomePlan | None:
    """The client's active plan as last published, or None when there is none."""
    # The published version holds everything shown: the editable steps and older versions load only if touched.
    plan = db.session.scalar(select(Plan).where(Plan.client_id == client.id, Plan.status == STATUS_ACTIVE)
                             .options(lazyload(Plan.steps), lazyload(Plan.versions)).order_by(Plan.id.desc()).limit(1))
    if plan is None or plan.current_version < 1:
        return None
    version = db.session.scalar(select(PlanVersion).where(PlanVersion.plan_id == plan.id,
                                                          PlanVersion.number == plan.current_version))
    if version is None:
        return None
    return HomePlan(plan, version, version.frozen)


# --- Daily logs -------------------------------------------------------------------------------


def loggable_days(today: date, backfill_days: int) -> list[date]:
    """The days a client may log: today and up to `backfill_days` before it, newest first."""
    return [today - timedelta(days=n) for n in range(backfill_days + 1)]


def log_for(client_id: int, day: date) -> HomeLog | None:
    """The client's log of one day, if written."""
    return db.session.scalar(select(HomeLog).where(HomeLog.client_id == client_id, HomeLog.logged_on == day))


def save_log(client: Client, day: date, *, plan: HomePlan | None, done: list[str], pain: int | None, note: str,
             signs: list[str], actor: User, today: date, backfill_days: int) -> HomeLog:
    """Write (or rewrite) the client's log of `day` against `plan`, the routine the client was shown (it may be
    older than the current version), ticking the steps whose keys are in `done`. A key outside it raises ForeignStep.
    """
    if day > today:
        raise PortalError("You cannot log a day that has not happened yet.", field="day")
    if day < today - timedelta(days=backfill_days):
        raise PortalError(f"Days more than {backfill_days} days ago can no longer be filled in.", field="day")
    allowed = plan.keys if plan else []
    if any(key not in allowed for key in done):
        raise ForeignStep(sorted(set(done) - set(allowed)))
    # Two tabs saving the same day queue here; otherwise both find no log, and the second insert fails.
    lock_latest(client)
    log = log_for(client.id, day)
    is_new = log is None
    if is_new:
        log = HomeLog(client_id=client.id, logged_on=day)
        db.session.add(log)
    _apply_signs(log, client, sorted(set(signs)), day)
    log.plan_version_id = plan.version.id if plan else None
    log.done_steps = [key for key in allowed if key in done]
    log.planned_steps = len(plan.steps) if plan else 0
    log.pain = pain
    log.note = (note or "").strip()[:NOTE_MAX_LENGTH]
    db.session.flush()
    record_event("home_log.create" if is_new else "home_log.update", target=log, actor=actor,
                 detail=f"{day.isoformat()}, level {log.warning_level}")
    return log


def _apply_signs(log: HomeLog, client: Client, signs: list[str], day: date) -> None:
    """Judge the warning signs; a changed report needs a fresh review."""
    level = warning_signs.level_of_signs(signs, age=client.age_on(day))
    if signs != list(log.warning_signs or []) or level != log.warning_level:
        log.reviewed_at = None
        log.reviewed_by_id = None
        log.review_note = ""
    log.warning_signs = signs
    log.warning_level = level


def client_logs(client_id: int, *, since: date | None = None, limit: int | None = None) -> list[HomeLog]:
    """The client's logs, newest first."""
    query = select(HomeLog).where(HomeLog.client_id == client_id).order_by(HomeLog.logged_on.desc())
    if since is not None:
        query = query.where(HomeLog.logged_on >= since)
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def review_log(log: HomeLog, *, note: str, actor: User) -> None:
    """Mark reported warning signs as seen by a therapist, with what was done."""
    log.reviewed_at = utcnow()
    log.reviewed_by_id = actor.id
    log.review_note = (note or "").strip()[:NOTE_MAX_LENGTH]
    db.session.flush()
    record_event("home_log.review", target=log, actor=actor, detail=log.logged_on.isoformat())


def unreviewed_warnings(client_id: int) -> list[HomeLog]:
    """Every report of warning signs of the client that no therapist has reviewed yet, newest first."""
    return list(db.session.scalars(select(HomeLog).where(
        HomeLog.client_id == client_id, HomeLog.warning_level != "clear", HomeLog.reviewed_at.is_(None))
        .order_by(HomeLog.logged_on.desc())))


def open_warning(client_id: int, *, today: date, days: int = 14) -> HomeLog | None:
    """The client's most recent unreviewed report of warning signs in the last `days` days."""
    return db.session.scalar(select(HomeLog).where(
        HomeLog.client_id == client_id, HomeLog.warning_level != "clear", HomeLog.reviewed_at.is_(None),
        HomeLog.logged_on >= today - timedelta(days=days)).order_by(HomeLog.logged_on.desc()).limit(1))


# --- Assignments ------------------------------------------------------------------------------


def _has_intake(client_id: int) -> bool:
    return db.session.scalar(select(Intake.id).where(Intake.client_id == client_id).limit(1)) is not None


def assign(client: Client, kind: str, *, actor: User) -> Assignment:
    """Ask the client to fill in `kind` in the portal; an open request of the same kind is reused."""
    if kind not in ASSIGNMENT_KINDS:
        raise PortalError("Choose something from the list.", field="kind")
    existing = db.session.scalar(select(Assignment).where(
        Assignment.client_id == client.id, Assignment.kind == kind,
        Assignment.completed_at.is_(None), Assignment.cancelled_at.is_(None)))
    if existing is not None:
        return existing
    assignment = Assignment(client_id=client.id, kind=kind, assigned_by_id=actor.id)
    db.session.add(assignment)
    db.session.flush()
    record_event("portal.assign", target=assignment, actor=actor, detail=kind)
    return assignment


def open_assignments(client_id: int) -> list[Assignment]:
    """What the client still has to fill in, oldest first."""
    return list(db.session.scalars(select(Assignment).where(
        Assignment.client_id == client_id, Assignment.completed_at.is_(None), Assignment.cancelled_at.is_(None))
        .order_by(Assignment.assigned_at, Assignment.id)))


def complete_assignment(assignment: Assignment, result_id: int, *, actor: User) -> None:
    """Record that the client filled it in."""
    assignment.completed_at = utcnow()
    assignment.result_id = result_id
    db.session.flush()
    record_event("portal.assignment_complete", target=assignment, actor=actor, detail=assignment.kind)


def cancel_assignment(assignment: Assignment, *, actor: User) -> None:
    """Withdraw a request the client has not answered yet."""
    assignment.cancelled_at = utcnow()
    db.session.flush()
    record_event("portal.assignment_cancel", target=assignment, actor=actor, detail=assignment.kind)
