"""The migration that names a home log's steps by key keeps what every existing log means (issue 16, item 10).

Logs used to hold the positions of the steps ticked. Upgrading turns them into the keys of the steps at those
places in the version each log was saved against, so each log names the same exercises and counts as many; the
downgrade turns keys back into positions. The data is made by the app, downgraded to the positions the code before
the revision wrote, and upgraded again, on SQLite and on PostgreSQL.
"""
from __future__ import annotations

import json
from datetime import date, timedelta

from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from practice import create_app
from practice.extensions import db
from practice.plans.models import Plan, PlanVersion
from practice.plans.operations import publish, remove_step
from practice.portal.models import HomeLog
from practice.portal.operations import HomePlan, home_plan, save_log
from tests.support.databases import TEST_CONFIG
from tests.support.world import World

REVISION_BEFORE_KEYS = "e2b7c9d4f1a8"


def _logs_by_name(record_id: int) -> dict[date, tuple[int, list[str], int]]:
    """Each log of the record: its version, the names of the steps done (read in that version), steps planned."""
    result = {}
    for log in db.session.scalars(select(HomeLog).where(HomeLog.client_id == record_id)):
        names = dict(HomePlan.of(db.session.get(PlanVersion, log.plan_version_id)).steps) if log.plan_version_id else {}
        result[log.logged_on] = (log.plan_version_id, [names[key].name for key in log.done_steps], log.planned_steps)
    return result


def _two_versions_with_logs(world: World) -> None:
    """Logs against version 1, then version 2 without version 1's first step, and a log against version 2."""
    today = date.today()
    first = home_plan(world.record)
    save_log(world.record, today - timedelta(days=3), plan=first, done=[first.keys[1], first.keys[4]], pain=5,
             note="", signs=[], actor=world.client_user, today=today, backfill_days=7)
    plan = db.session.get(Plan, world.plan.id)
    remove_step(plan, plan.steps[0], seen_row_version=plan.row_version, actor=world.therapist)
    publish(plan, world.record, summary="Shorter", seen_row_version=plan.row_version, actor=world.therapist)
    second = home_plan(world.record)
    save_log(world.record, today, plan=second, done=[second.keys[0]], pain=3, note="", signs=[],
             actor=world.client_user, today=today, backfill_days=7)
    db.session.commit()


def test_logs_name_the_same_steps_through_a_downgrade_and_an_upgrade(empty_database):
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        try:
            upgrade()
            world = World()
            _two_versions_with_logs(world)
            record_id, plan_id = world.record.id, world.plan.id
            before = _logs_by_name(record_id)
            db.session.remove()

            downgrade(revision=REVISION_BEFORE_KEYS)
            positions = {str(day): json.loads(done) if isinstance(done, str) else done
                         for day, done in db.session.execute(text(
                             "SELECT logged_on, done_steps FROM home_logs WHERE client_id = :id"), {"id": record_id})}
            # What the code before the revision wrote: 1-based places in the whole routine of the log's version.
            today = date.today()
            assert (positions[str(today - timedelta(days=3))], positions[str(today)]) == ([2, 5], [1])
            db.session.remove()

            upgrade()
            assert _logs_by_name(record_id) == before
            assert {name for _, names, _ in before.values() for name in names}, "the logs tick something"
            plan = db.session.get(Plan, plan_id)
            latest = HomePlan.of(next(v for v in plan.versions if v.number == plan.current_version))
            # The working copy carries its newest version's keys, so the next version keeps them too ...
            assert [step.key for step in plan.steps] == latest.keys
            # ... and a step kept from version 1 to version 2 kept its key.
            first = HomePlan.of(next(v for v in plan.versions if v.number == 1))
            assert first.keys[1:] == latest.keys
        finally:
            db.session.remove()
            db.engine.dispose()
