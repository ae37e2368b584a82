"""Progress of one client, and the clients who need their therapist's attention. Reads only."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from markupsafe import Markup
from sqlalchemy import case, func, or_, select

from practice.accounts.models import User
from practice.clients.models import Client
from practice.database import utcnow
from practice.extensions import db
from practice.intake import screening
from practice.intake.models import SOURCE_CLIENT, Intake
from practice.intake.operations import unresolved_red_flags
from practice.plans.models import STATUS_ACTIVE, Plan, PlanVersion, SessionNote
from practice.portal import charts, progress
from practice.portal.models import HomeLog, Invitation
from practice.portal.operations import home_plan, latest_invitation, open_assignments, unreviewed_warnings

#: how far back the progress charts look
PROGRESS_WEEKS = 12
#: a client with a plan and no log for this many days is listed on the dashboard
QUIET_DAYS = 7
#: a pain score is compared with the median of the client's scores of this many days before it
PAIN_WINDOW_DAYS = 14


@dataclass(frozen=True)
class ClientProgress:
    """Everything the progress charts and their tables show."""

    logs: list[HomeLog]
    home_scores: list[tuple[date, int]]
    sessions: list[tuple[date, int | None, int | None]]
    weeks: list[progress.WeekShare]
    baseline: int | None
    pain_chart: Markup
    adherence_chart: Markup

    @property
    def days_logged(self) -> int:
        """Days with a log in the period."""
        return len(self.logs)

    @property
    def latest_pain(self) -> int | None:
        """The most recent home pain score."""
        return self.home_scores[-1][1] if self.home_scores else None


def client_progress(client: Client, *, today: date, steps_per_day: int, plan_started: date | None,
                    include_sessions: bool) -> ClientProgress:
    """Pain and adherence over the last weeks; session pain only for staff (it comes from their notes)."""
    since = today - timedelta(weeks=PROGRESS_WEEKS)
    logs = list(db.session.scalars(select(HomeLog).where(HomeLog.client_id == client.id, HomeLog.logged_on >= since)
                                   .order_by(HomeLog.logged_on)))
    home_scores = [(log.logged_on, log.pain) for log in logs if log.pain is not None]
    sessions = _session_scores(client.id, since) if include_sessions else []
    # Adherence counts from the plan's start, or from the first log if the client logged before it (late entries).
    candidates = [day for day in (plan_started, logs[0].logged_on if logs else None) if day is not None]
    start = max(since, min(candidates)) if candidates else today
    done = {log.logged_on: len(log.done_steps or []) for log in logs}
    weeks = progress.weekly_adherence(done, steps_per_day=steps_per_day, start=start, end=today)
    baseline = home_scores[0][1] if home_scores else None
    # The client reads the charts on a phone: a narrow drawing keeps its text readable once scaled down.
    prefix, width = ("staff", 480) if include_sessions else ("my", 320)
    return ClientProgress(
        logs=logs, home_scores=home_scores, sessions=sessions, weeks=weeks, baseline=baseline,
        pain_chart=charts.pain_chart(home_scores, sessions, baseline=baseline, id_prefix=f"{prefix}-pain",
                                     width=width, height=260),
        adherence_chart=charts.adherence_chart(weeks, id_prefix=f"{prefix}-adherence", width=width, height=260),
    )


def _session_scores(client_id: int, since: date) -> list[tuple[date, int | None, int | None]]:
    rows = db.session.execute(select(SessionNote.seen_on, SessionNote.pain_before, SessionNote.pain_after)
                              .where(SessionNote.client_id == client_id, SessionNote.seen_on >= since)
                              .order_by(SessionNote.seen_on)).all()
    return [(seen_on, before, after) for seen_on, before, after in rows if before is not None or after is not None]


def plan_started_on(plan_id: int) -> date | None:
    """The day the plan's first version was published."""
    first = db.session.scalar(select(func.min(PlanVersion.created_at)).where(PlanVersion.plan_id == plan_id))
    return first.date() if first else None


# --- The dashboard's attention list -----------------------------------------------------------


@dataclass
class Attention:
    """One client and the reasons to look at them, most serious first."""

    client: Client
    rank: int = 0
    reasons: list[str] = field(default_factory=list)

    def add(self, reason: str, rank: int) -> None:
        """Add a reason; the client's rank is that of their most serious reason."""
        self.reasons.append(reason)
        self.rank = max(self.rank, rank)


# Ranks: screening levels first (emergency 4 ... caution 1 via level_rank + 10), then the quieter signals.
_RANK_INTAKE_REVIEW = 8
_RANK_PAIN_RISE = 7
_RANK_NO_LOG = 6


def clients_needing_attention(clients_query, *, today: date, limit: int = 20) -> list[Attention]:
    """Clients with unreviewed red flags or client-reported intakes, no home log for a week, or pain up 2+ points."""
    visible = clients_query.where(Client.is_archived.is_(False)).subquery()
    found: dict[int, Attention] = {}

    def note(client: Client, reason: str, rank: int) -> None:
        found.setdefault(client.id, Attention(client)).add(reason, rank)

    for client, intake in unresolved_red_flags(clients_query, limit=limit):
        note(client, f"Intake screening: {screening.LEVEL_LABELS[intake.screening_level]}. Record what was done.",
             10 + screening.level_rank(intake.screening_level))
    for client, log in _unreviewed_warnings(visible):
        label = "emergency" if log.warning_level == screening.EMERGENCY else log.warning_level
        note(client, f"Reported warning signs ({label}) in the home log of {log.logged_on:%d %b}.",
             10 + screening.level_rank(log.warning_level))
    for client, intake in _intakes_to_review(visible):
        note(client, f"Pre-visit intake filled in by the client on {intake.taken_on:%d %b}: review it.",
             _RANK_INTAKE_REVIEW)
    for client, reason in _quiet_or_worse(visible, today):
        note(client, reason[0], reason[1])
    ordered = sorted(found.values(), key=lambda item: (-item.rank, item.client.last_name, item.client.first_name))
    return ordered[:limit]


def _unreviewed_warnings(visible) -> list[tuple[Client, HomeLog]]:
    rows = db.session.execute(select(Client, HomeLog).join(visible, visible.c.id == Client.id)
                              .join(HomeLog, HomeLog.client_id == Client.id)
                              .where(HomeLog.warning_level != "clear", HomeLog.reviewed_at.is_(None))
                              .order_by(HomeLog.logged_on.desc())).all()
    seen: set[int] = set()
    latest = []
    for client, log in rows:  # one line per client: their latest report
        if client.id not in seen:
            seen.add(client.id)
            latest.append((client, log))
    return latest


def _intakes_to_review(visible) -> list[tuple[Client, Intake]]:
    return db.session.execute(select(Client, Intake).join(visible, visible.c.id == Client.id)
                              .join(Intake, Intake.client_id == Client.id)
                              .where(Intake.source == SOURCE_CLIENT, Intake.reviewed_at.is_(None))
                              .order_by(Intake.created_at.desc())).all()


def _quiet_or_worse(visible, today: date) -> list[tuple[Client, tuple[str, int]]]:
    """Clients who can log (portal access and an active plan) but have not for a week, or whose pain rose."""
    quiet = _quiet_clients(visible, today)
    rises = _pain_rises(visible, today)
    # One query for the clients of both lists, whatever their number, so the count stays the same at any size.
    ids = [client_id for client_id, _reason in quiet + rises]
    clients = {client.id: client for client in db.session.scalars(select(Client).where(Client.id.in_(ids)))}
    return [(clients[client_id], reason) for client_id, reason in quiet + rises]


def _quiet_clients(visible, today: date) -> list[tuple[int, tuple[str, int]]]:
    """Ids of the clients with portal access and an active plan and no home log for QUIET_DAYS, with the reason."""
    # Correlated aggregates, read through the (plan_id, number) and (client_id, logged_on) indexes for the few
    # clients that pass the joins, rather than grouping every practice's versions and logs. The query starts from
    # `visible` itself (no second reference to clients), so PostgreSQL reads the therapist's clients first.
    started = (select(func.min(PlanVersion.created_at)).where(PlanVersion.plan_id == Plan.id)
               .correlate(Plan).scalar_subquery())
    last_day = (select(func.max(HomeLog.logged_on)).where(HomeLog.client_id == visible.c.id)
                .correlate(visible).scalar_subquery())
    candidates = (
        select(visible.c.id, started.label("started"), last_day.label("last_day"))
        .join(User, User.id == visible.c.portal_user_id)
        .join(Plan, (Plan.client_id == visible.c.id) & (Plan.status == STATUS_ACTIVE))
        .where(User.is_active.is_(True))
        .subquery()
    )
    # progress.days_without_log counts from the last log, else from the plan's first version (a UTC day).
    last_quiet_day = today - timedelta(days=QUIET_DAYS)
    started_before = datetime.combine(last_quiet_day + timedelta(days=1), time(), tzinfo=timezone.utc)
    rows = db.session.execute(
        select(candidates.c.id, candidates.c.started, candidates.c.last_day)
        .where(candidates.c.started.is_not(None),
               or_(candidates.c.last_day <= last_quiet_day,
                   candidates.c.last_day.is_(None) & (candidates.c.started < started_before)))
        .order_by(candidates.c.id)
    ).all()
    results = []
    for client_id, started_at, last_log_day in rows:
        quiet = progress.days_without_log(last_log_day, since=started_at.date(), today=today)
        if quiet >= QUIET_DAYS:  # always, by the query; the wording needs the count anyway
            what = (f"No home log for {quiet} days." if last_log_day
                    else f"No home log yet, {quiet} days after the plan started.")
            results.append((client_id, (what, _RANK_NO_LOG)))
    return results


def _pain_rises(visible, today: date) -> list[tuple[int, tuple[str, int]]]:
    """Ids of the clients whose latest pain score of the last week is 2+ points above their usual, with the reason."""
    recent = today - timedelta(days=QUIET_DAYS)
    window = recent - timedelta(days=PAIN_WINDOW_DAYS)
    scored = (HomeLog.logged_on >= window) & HomeLog.pain.is_not(None)
    # Only the logs of clients who could have a rise come back, and pain_rise decides: one with three scores, the
    # latest in the last week (so at most the highest of that week) and the usual level (a median, so at least
    # the lowest score) two points apart. Window aggregates per client, so the logs are read once.
    per_client = {"partition_by": HomeLog.client_id}
    logs = (select(HomeLog.client_id, HomeLog.logged_on, HomeLog.pain,
                   func.count().over(**per_client).label("scores"),
                   func.max(case((HomeLog.logged_on >= recent, HomeLog.pain))).over(**per_client).label("highest"),
                   func.min(HomeLog.pain).over(**per_client).label("lowest"))
            .join(visible, visible.c.id == HomeLog.client_id).where(scored).subquery())
    rows = db.session.execute(select(logs.c.client_id, logs.c.logged_on, logs.c.pain)
                              .where(logs.c.scores >= 3,
                                     logs.c.highest - logs.c.lowest >= progress.PAIN_MEANINGFUL_CHANGE)
                              .order_by(logs.c.client_id, logs.c.logged_on)).all()
    scores: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for client_id, day, pain in rows:
        scores[client_id].append((day, pain))
    results = []
    for client_id, points in scores.items():
        rise = progress.pain_rise(points, window_days=PAIN_WINDOW_DAYS, threshold=progress.PAIN_MEANINGFUL_CHANGE)
        if rise is not None and rise.day >= recent:
            results.append((client_id, (
                f"Pain up to {rise.latest}/10 on {rise.day:%d %b}, from a usual {rise.usual:g}/10.", _RANK_PAIN_RISE)))
    return results


# --- The client page's home-care panel ----------------------------------------------------------


@dataclass(frozen=True)
class HomeCarePanel:
    """What the therapist sees of the portal on the client page."""

    invitation: Invitation | None
    invitation_state: str | None
    assignments: list
    warnings: list[HomeLog]
    recent_logs: list[HomeLog]
    progress: ClientProgress
    steps_per_day: int


def home_care_panel(client: Client, *, today: date) -> HomeCarePanel:
    """Portal access, open requests, unreviewed warnings, recent logs and the progress charts of one client."""
    plan = home_plan(client)
    steps = len(plan.steps) if plan else 0
    report = client_progress(client, today=today, steps_per_day=steps,
                             plan_started=plan_started_on(plan.plan.id) if plan else None, include_sessions=True)
    invitation = latest_invitation(client.id)
    warnings = unreviewed_warnings(client.id)  # of any age: each stays until a therapist reviews it
    return HomeCarePanel(invitation=invitation, invitation_state=invitation.status(utcnow()) if invitation else None,
                         assignments=open_assignments(client.id), warnings=warnings,
                         recent_logs=list(reversed(report.logs))[:14], progress=report, steps_per_day=steps)


# --- A summary of home logs for the next session note ------------------------------------------


def home_log_summary(logs: list[HomeLog], *, since: date, today: date) -> str:
    """One paragraph on the home logs from `since` to `today`: days logged, steps done, pain range, notes."""
    period = [log for log in logs if since <= log.logged_on <= today]
    if not period:
        return ""
    days = (today - since).days + 1
    planned = sum(log.planned_steps for log in period)
    done = sum(min(len(log.done_steps or []), log.planned_steps) for log in period)
    parts = [f"Home logs since {since:%d %b}: {len(period)} of {days} days logged"]
    if planned:
        parts.append(f"{progress.round_half_up(100 * done / planned)}% of the routine's steps done on those days")
    pains = [log.pain for log in sorted(period, key=lambda log: log.logged_on) if log.pain is not None]
    if pains:
        parts.append(f"pain {min(pains)}–{max(pains)}/10, latest {pains[-1]}")
    summary = "; ".join(parts) + "."
    notes = [f"“{log.note}” ({log.logged_on:%d %b})" for log in period if log.note]
    if notes:
        summary += " Client's notes: " + "; ".join(notes) + "."
    signs = [log for log in period if log.warning_signs]
    if signs:
        summary += f" Warning signs reported on {', '.join(f'{log.logged_on:%d %b}' for log in signs)}."
    return summary


def home_summary_for_next_session(client_id: int, *, today: date) -> str:
    """The home-log summary since the client's last session (or the last 14 days), to start a session note."""
    last_seen = db.session.scalar(select(func.max(SessionNote.seen_on)).where(SessionNote.client_id == client_id))
    since = last_seen + timedelta(days=1) if last_seen and last_seen < today else today - timedelta(days=13)
    logs = list(db.session.scalars(select(HomeLog).where(HomeLog.client_id == client_id, HomeLog.logged_on >= since)))
    return home_log_summary(logs, since=since, today=today)
