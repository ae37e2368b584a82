"""The dashboard's attention list: the clients who need their therapist first, from every domain. Reads only.

Unreviewed red flags (intake), warning signs reported at home and client-reported intakes to review (portal),
clients with a plan who stopped logging, and pain that rose against the client's usual level.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import case, func, or_, select

from practice.accounts.models import User
from practice.clients.models import Client
from practice.extensions import db
from practice.intake import screening
from practice.intake.models import SOURCE_CLIENT, Intake
from practice.intake.operations import unresolved_red_flags
from practice.plans.models import STATUS_ACTIVE, Plan, PlanVersion
from practice.portal import progress
from practice.portal.models import HomeLog

#: a client with a plan and no log for this many days is listed on the dashboard
QUIET_DAYS = 7
#: a pain score is compared with the median of the client's scores of this many days before it
PAIN_WINDOW_DAYS = 14


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
