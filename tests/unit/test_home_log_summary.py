"""The home-log summary that starts a session note's subjective field."""
from datetime import date

from practice.portal.models import HomeLog
from practice.portal.reports import home_log_summary

TODAY = date(2026, 11, 21)


def log(day: int, *, pain=None, done=(), planned=3, note="", signs=()):
    """An unsaved home log of November `day`."""
    return HomeLog(logged_on=date(2026, 11, day), pain=pain, done_steps=list(done), planned_steps=planned, note=note,
                   warning_signs=list(signs))


def test_no_logs_in_the_period_gives_nothing():
    assert home_log_summary([log(1, pain=5)], since=date(2026, 11, 10), today=TODAY) == ""


def test_counts_days_steps_and_pain_range_with_the_latest_last():
    logs = [log(20, pain=3, done=[1, 2, 3]), log(18, pain=5, done=[1]), log(19, pain=4, done=[1, 2])]
    text = home_log_summary(logs, since=date(2026, 11, 15), today=TODAY)
    assert text.startswith("Home logs since 15 Nov: 3 of 7 days logged")
    assert "67% of the routine's steps done" in text  # 6 of 9
    assert "pain 3–5/10, latest 3" in text


def test_quotes_the_clients_notes_and_names_warning_days():
    logs = [log(19, note="sore after the foam roller"), log(20, signs=["fever"])]
    text = home_log_summary(logs, since=date(2026, 11, 15), today=TODAY)
    assert "“sore after the foam roller” (19 Nov)" in text
    assert "Warning signs reported on 20 Nov." in text


def test_ticks_beyond_the_routine_do_not_exceed_all_done():
    text = home_log_summary([log(20, done=[1, 2, 3, 4], planned=2)], since=date(2026, 11, 20), today=TODAY)
    assert "100% of the routine's steps" in text
