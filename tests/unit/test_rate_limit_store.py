"""The login rate limit's default store: one SQLite file that every worker process of the machine shares."""
from __future__ import annotations

from multiprocessing import get_context
from pathlib import Path

import pytest
from limits import RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from practice import rate_limits
from practice.config import UnsafeConfigError, build_config
from practice.rate_limits import SQLiteFileStorage, file_store_uri

STRONG_KEY = "kX9v2LqR7tY4pW8nZ3mB6cF1hJ5sD0gA"


class Clock:
    """The store's time, moved by the test."""

    def __init__(self, monkeypatch, start: float = 1_800_000_000.0):
        self.now = start
        monkeypatch.setattr(rate_limits.time, "time", lambda: self.now)


def _hits(path: str, count: int) -> list[bool]:
    """In another process: `count` attempts against a limit of 20 a minute; which were allowed."""
    limiter = FixedWindowRateLimiter(storage_from_string(file_store_uri(Path(path))))
    return [limiter.hit(RateLimitItemPerMinute(20), "203.0.113.7", "login") for _ in range(count)]


def test_processes_sharing_the_file_share_one_limit(tmp_path):
    path = str(tmp_path / "counters.sqlite3")
    with get_context("spawn").Pool(4) as pool:
        allowed = [hit for hits in pool.starmap(_hits, [(path, 15)] * 4) for hit in hits]
    assert allowed.count(True) == 20, "60 attempts from 4 processes against one limit of 20"


def test_a_window_ends_after_its_time_and_keys_count_apart(tmp_path, monkeypatch):
    clock = Clock(monkeypatch)
    store = SQLiteFileStorage(file_store_uri(tmp_path / "counters.sqlite3"))
    assert [store.incr("a", 60) for _ in range(3)] == [1, 2, 3]
    assert store.incr("b", 60) == 1 and store.get("a") == 3
    assert store.get_expiry("a") == clock.now + 60
    clock.now += 59
    assert store.incr("a", 60) == 4, "the window is fixed: a hit does not extend it"
    clock.now += 1
    assert store.get("a") == 0 and store.get_expiry("a") == clock.now
    assert store.incr("a", 60) == 1
    store.clear("b")
    assert store.get("b") == 0
    assert store.reset() == 1 and store.get("a") == 0
    assert store.check()


def test_a_store_that_cannot_write_counts_as_down(tmp_path):
    (tmp_path / "not-a-folder").write_text("")
    store = SQLiteFileStorage(file_store_uri(tmp_path / "not-a-folder" / "counters.sqlite3"))
    assert not store.check()


def test_limits_are_counted_in_a_file_of_the_instance_folder_by_default(monkeypatch, tmp_path):
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    uri = build_config(tmp_path)["RATELIMIT_STORAGE_URI"]
    assert isinstance(storage_from_string(uri), SQLiteFileStorage)
    assert uri == file_store_uri(tmp_path / "rate-limits.sqlite3")


def test_production_refuses_limits_counted_in_each_process(monkeypatch, tmp_path):
    monkeypatch.setenv("PRACTICE_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", STRONG_KEY)
    monkeypatch.setenv("SITE_URL", "https://clinic.example")
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "memory://")
    with pytest.raises(UnsafeConfigError, match="each worker process"):
        build_config(tmp_path)
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://redis:6379/0")
    assert build_config(tmp_path)["RATELIMIT_STORAGE_URI"] == "redis://redis:6379/0"
