"""Progress of one client: charts, the client page's home-care panel, the summary for the next note. Reads only."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from markupsafe import Markup
from sqlalchemy import func, select

from practice.clients.models import Client
from practice.database import utcnow
from practice.extensions import db
from practice.notes.models import VISIT_DAYS_AHEAD, SessionNote
from practice.parse import shifted
from practice.plans.models import PlanVersion
from practice.portal import charts, progress
from practice.portal.models import HomeLog, Invitation
from practice.portal.operations import home_plan, latest_invitation, open_assignments, unreviewed_warnings

#: how far back the progress charts look
PROGRESS_WEEKS = 12


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
    sessions = _session_scores(client.id, since, today) if include_sessions else []
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


def _session_scores(client_id: int, since: date, today: date) -> list[tuple[date, int | None, int | None]]:
    # The charts show the weeks up to today (and the day after, where a clinic east of UTC already is): a note
    # dated years ahead by a typing slip, saved before dates had a range, would squeeze every real score together.
    until = shifted(today, VISIT_DAYS_AHEAD)
    rows = db.session.execute(select(SessionNote.seen_on, SessionNote.pain_before, SessionNote.pain_after)
                              .where(SessionNote.client_id == client_id, SessionNote.seen_on >= since,
                                     SessionNote.seen_on <= until)
                              .order_by(SessionNote.seen_on)).all()
    return [(seen_on, before, after) for seen_on, before, after in rows if before is not None or after is not None]


def plan_started_on(plan_id: int) -> date | None:
    """The day the plan's first version was published."""
    first = db.session.scalar(select(func.min(PlanVersion.created_at)).where(PlanVersion.plan_id == plan_id))
    return first.date() if first else None


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
