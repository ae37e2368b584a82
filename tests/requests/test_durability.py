"""SQLite keeps every acknowledged save through a power cut: synchronous=FULL, unless the operator chooses otherwise.

In WAL mode, synchronous=NORMAL syncs the log only at checkpoints, so the last saves a user was told about can roll
back on a power cut; FULL syncs it at every commit (bench/bench_sqlite_sync.py measures what that costs).
"""
from __future__ import annotations

import pytest
from sqlalchemy import text

from practice.extensions import db
from tests.support.databases import build_app

#: what `PRAGMA synchronous` answers for each setting
PRAGMA_VALUES = {"NORMAL": 1, "FULL": 2, "EXTRA": 3}


def _synchronous_of(app) -> int:
    with app.app_context():
        try:
            with db.engine.connect() as connection:
                return connection.execute(text("PRAGMA synchronous")).scalar_one()
        finally:
            db.engine.dispose()


def test_every_sqlite_connection_syncs_each_commit_by_default(tmp_path):
    assert _synchronous_of(build_app(f"sqlite:///{tmp_path / 'practice.sqlite3'}")) == PRAGMA_VALUES["FULL"]


def test_the_operator_may_choose_another_setting_and_a_wrong_one_is_refused_at_start(tmp_path, monkeypatch):
    monkeypatch.setenv("SQLITE_SYNCHRONOUS", "normal")
    assert _synchronous_of(build_app(f"sqlite:///{tmp_path / 'practice.sqlite3'}")) == PRAGMA_VALUES["NORMAL"]
    monkeypatch.setenv("SQLITE_SYNCHRONOUS", "OFF; DROP TABLE users")
    with pytest.raises(ValueError, match="SQLITE_SYNCHRONOUS must be one of FULL, NORMAL, EXTRA"):
        build_app(f"sqlite:///{tmp_path / 'other.sqlite3'}")
