"""Portal test data shared by the portal and dashboard tests: clients with an active plan, their past logs, and
the log form as a browser reads it."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from practice.extensions import db
from practice.intake.operations import create_intake, record_action
from practice.plans.operations import activate, create_plan
from practice.portal.operations import home_plan, save_log
from tests.support.helpers import days_ago


def client_with_plan(world, make_client, make_user, first_name: str, last_name: str):
    """A client of the world's therapist with an active plan and a portal login (nothing logged yet)."""
    record = make_client(world.practice, world.therapist, first_name=first_name, last_name=last_name)
    intake = create_intake(record, {}, actor=world.therapist)
    record_action(intake, advice="Reviewed in person", referred_to=None, acted_on=date.today(), actor=world.therapist)
    plan = create_plan(record, intake, actor=world.therapist)
    activate(plan, record, seen_row_version=plan.row_version, actor=world.therapist)
    login_user = make_user(world.practice, "client", name=f"{first_name} {last_name}")
    record.portal_user_id = login_user.id
    db.session.commit()
    return record


@dataclass(frozen=True)
class LogForm:
    """What a browser holds of a day's log form: the routine it was built from, and its steps' keys and names."""

    routine: str
    keys: list[str]
    names: list[str]
    ticked: list[str]

    @classmethod
    def read(cls, html: str) -> "LogForm":
        """The form as the page shows it (all empty when the page has none)."""
        routine = re.search(r'<input[^>]*name="routine"[^>]*value="([^"]*)"', html)
        boxes = re.findall(r'<input([^>]*)name="done"[^>]*value="([^"]*)">\s*<label[^>]*><strong>([^<]*)</strong>',
                           html)
        return cls(routine.group(1) if routine else "", [key for _, key, _ in boxes],
                   [name for _, _, name in boxes], [name for before, _, name in boxes if "checked" in before])


def backfill(record, actor, scores: dict[int, int]) -> None:
    """Write past logs directly: {days ago: pain}."""
    for ago, pain in scores.items():
        save_log(record, days_ago(ago), plan=home_plan(record), done=[], pain=pain, note="", signs=[], actor=actor,
                 today=date.today(), backfill_days=30)
    db.session.commit()
