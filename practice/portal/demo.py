"""Demo data for the portal: one client with an intake, an active plan, a portal login and three weeks of logs."""
from __future__ import annotations

from datetime import date, timedelta

from practice.accounts.models import ROLE_CLIENT, User
from practice.accounts.operations import create_user
from practice.clients.models import Client
from practice.extensions import db
from practice.intake.assessment import RED_FLAG_PREFIX
from practice.intake.operations import create_intake
from practice.intake.screening import QUESTION_KEYS
from practice.notes.operations import create_note
from practice.plans.operations import activate, create_plan
from practice.portal.operations import home_plan, save_log

DEMO_CLIENT_PASSWORD = "willow-eva-demo"
# Pain falls from 6 to about 3 over three weeks as the routine settles in, with a few days missed;
# (days ago, pain, steps done).
_DEMO_DAYS = [(20, 6, 2), (19, 6, 3), (18, 5, 3), (16, 5, 4), (15, 5, 3), (14, 4, 4), (13, 5, 1), (11, 4, 4),
              (10, 4, 5), (9, 4, 4), (8, 3, 5), (6, 3, 5), (5, 4, 4), (4, 3, 5), (3, 3, 5), (1, 3, 4)]


def demo_answers(onset: date) -> dict:
    """Intake answers with every red-flag question answered "no": a clear screen for a lower-back problem."""
    answers = {f"{RED_FLAG_PREFIX}{key}": "no" for key in QUESTION_KEYS}
    answers.update({"reason": "Lower back ache after long days at the desk", "pain_areas": ["lower_back_centre",
                    "lower_back_left"], "pain_now": 6, "pain_best": 3, "pain_worst": 7,
                    "onset_date": onset.isoformat(), "sex": "female", "pressure": "medium",
                    "activity_1": "Sitting through a work day", "activity_1_rating": 4})
    return answers


def seed_demo_portal(client: Client, therapist: User, *, today: date | None = None,
                     password: str = DEMO_CLIENT_PASSWORD, quiet_days: int = 0) -> User:
    """Give `client` a signed intake, an active plan, a portal login, session notes and home logs.

    quiet_days > 0 leaves out the most recent logs, so the client shows on the dashboard as not logging.
    """
    today = today or date.today()
    intake = create_intake(client, demo_answers(today - timedelta(days=70)), actor=therapist, sign=True)
    plan = create_plan(client, intake, actor=therapist)
    version = activate(plan, client, seen_row_version=plan.row_version, actor=therapist)
    version.created_at = version.created_at - timedelta(days=21)  # the plan began three weeks ago
    user = create_user(therapist.practice, name=client.full_name,
                       email=client.email, password=password, role=ROLE_CLIENT)
    client.portal_user_id = user.id
    routine = home_plan(client)
    keys = routine.keys if routine else []
    for days_ago, pain, done in [day for day in _DEMO_DAYS if day[0] >= quiet_days]:
        save_log(client, today - timedelta(days=days_ago), plan=routine, done=keys[:done], pain=pain,
                 note="Stiff after the long drive" if days_ago == 13 else "", signs=[], actor=user, today=today,
                 backfill_days=30)
    for days_ago, before, after in ((21, 6, 4), (7, 4, 2)):
        create_note(client, {"seen_on": today - timedelta(days=days_ago), "subjective": "Desk-related ache",
                             "pain_before": before, "pain_after": after}, actor=therapist, sign=True)
    db.session.flush()
    return user
