"""An installation full of records migrates down and up through this release's revisions and keeps every row.

SQLite rebuilds a table to change its constraints (Alembic's batch mode: copy, DROP, rename). With foreign keys
on, dropping `users` while clients, notes and audit rows refer to it failed, so an upgrade of a real SQLite
database stopped half-way. migrations/env.py turns the keys off for the migration and checks them after.
"""
from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from practice import create_app
from practice.extensions import db
from tests.support.databases import TEST_CONFIG
from tests.support.world import World

#: the head before issue 16, whose revisions rebuild `users`, `plan_steps` and `home_logs`
REVISION_BEFORE_ISSUE_16 = "a7d3e1c2b9f0"
COUNTED_TABLES = ("practices", "users", "clients", "intakes", "plans", "plan_steps", "plan_versions",
                  "session_notes", "home_logs", "audit_events")


def _row_counts() -> dict[str, int]:
    return {table: db.session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() for table in COUNTED_TABLES}


def test_a_database_full_of_records_goes_down_and_up_through_this_releases_revisions(empty_database):
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        try:
            upgrade()
            World()
            db.session.commit()
            before = _row_counts()
            assert before["users"] > 5 and before["audit_events"] > 0 and before["home_logs"] > 0
            db.session.remove()

            downgrade(revision=REVISION_BEFORE_ISSUE_16)
            assert _row_counts() == before
            db.session.remove()

            upgrade()
            assert _row_counts() == before
            if db.engine.dialect.name == "sqlite":
                assert db.session.execute(text("PRAGMA foreign_key_check")).all() == []
        finally:
            db.session.remove()
            db.engine.dispose()
