"""The pure session-limit rules: idle and absolute limits, and how fresh a password is."""
from __future__ import annotations

from datetime import timedelta

from practice.accounts import sessions

IDLE = timedelta(minutes=60)
ABSOLUTE = timedelta(hours=10)
T0 = 1_800_000_000


def _started() -> dict:
    session = {}
    sessions.start(session, T0)
    return session


def _reason(session, now):
    return sessions.expiry_reason(session, now, idle=IDLE, absolute=ABSOLUTE)


def test_a_session_in_use_lives_until_the_absolute_limit():
    session = _started()
    for minute in range(0, 600, 50):  # a request every 50 minutes for ten hours
        assert _reason(session, T0 + minute * 60) is None
        sessions.touch(session, T0 + minute * 60)
    assert _reason(session, T0 + 10 * 3600 + 1) == sessions.REASON_ABSOLUTE


def test_a_session_left_alone_ends_after_the_idle_limit():
    session = _started()
    assert _reason(session, T0 + 60 * 60) is None
    assert _reason(session, T0 + 60 * 60 + 1) == sessions.REASON_IDLE


def test_activity_restarts_the_idle_limit_only():
    session = _started()
    sessions.touch(session, T0 + 50 * 60)
    assert _reason(session, T0 + 100 * 60) is None


def test_a_session_without_its_start_time_fails_closed():
    assert _reason({}, T0) == sessions.REASON_UNKNOWN
    assert _reason({sessions.LOGIN_AT: "yesterday", sessions.SEEN_AT: T0}, T0) == sessions.REASON_UNKNOWN


def test_a_start_time_in_the_future_is_not_trusted():
    session = _started()
    assert _reason(session, T0 - 3600) == sessions.REASON_ABSOLUTE


def test_the_password_is_fresh_for_the_window_then_stale():
    session = _started()
    window = timedelta(minutes=10)
    assert sessions.is_fresh(session, T0 + 600, window=window)
    assert not sessions.is_fresh(session, T0 + 601, window=window)
    sessions.confirm_password(session, T0 + 700)
    assert sessions.is_fresh(session, T0 + 900, window=window)
    assert not sessions.is_fresh({}, T0, window=window)
