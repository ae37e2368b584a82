"""Progress arithmetic: weekly adherence, pain rises against the usual level, and days without a log."""
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from practice.portal.progress import (
    PAIN_MEANINGFUL_CHANGE, PainRise, WeekShare, days_without_log, pain_rise, weekly_adherence,
)

MON = date(2024, 11, 4)  # a Monday


def day(offset: int) -> date:
    """The day `offset` days after Monday 4 Nov 2024."""
    return MON + timedelta(days=offset)


# --- weekly_adherence ------------------------------------------------------------------------

def test_whole_weeks_are_monday_to_sunday_oldest_first():
    done = {day(i): 2 for i in range(14)}
    weeks = weekly_adherence(done, steps_per_day=3, start=day(0), end=day(13))
    assert weeks == [WeekShare(day(0), 14, 21), WeekShare(day(7), 14, 21)]
    assert [w.percent for w in weeks] == [67, 67]


def test_partial_first_and_last_weeks_only_count_days_in_range():
    # Thursday 7 Nov to Tuesday 12 Nov: 4 days in the first week, 2 in the second.
    done = {day(3): 3, day(4): 3, day(5): 3, day(6): 3, day(7): 1, day(8): 0}
    weeks = weekly_adherence(done, steps_per_day=3, start=day(3), end=day(8))
    assert weeks == [WeekShare(day(0), 12, 12), WeekShare(day(7), 1, 6)]
    assert weeks[0].share == 1.0 and weeks[0].percent == 100
    assert weeks[1].percent == 17


def test_a_day_above_the_plan_counts_as_the_plan():
    weeks = weekly_adherence({day(0): 10}, steps_per_day=3, start=day(0), end=day(0))
    assert weeks == [WeekShare(day(0), 3, 3)]


def test_negative_and_non_integer_counts_are_zero():
    done = {day(0): -4, day(1): "3", day(2): 2.0, day(3): None, day(4): True, day(5): 1}
    weeks = weekly_adherence(done, steps_per_day=2, start=day(0), end=day(6))
    assert weeks == [WeekShare(day(0), 1, 14)]


def test_days_outside_the_range_are_ignored():
    done = {day(-1): 3, day(0): 1, day(2): 3, day(3): 3}
    weeks = weekly_adherence(done, steps_per_day=3, start=day(0), end=day(2))
    assert weeks == [WeekShare(day(0), 4, 9)]


@pytest.mark.parametrize("steps, end", [(0, day(6)), (-1, day(6)), (3, day(-1))])
def test_no_weeks_without_steps_or_with_end_before_start(steps, end):
    assert weekly_adherence({day(0): 1}, steps_per_day=steps, start=day(0), end=end) == []


def test_a_week_with_nothing_planned_has_no_share():
    week = WeekShare(day(0), 0, 0)
    assert week.share is None and week.percent is None


def test_share_is_capped_at_one_when_built_by_hand():
    assert WeekShare(day(0), 20, 18).share == 1.0
    assert WeekShare(day(0), 20, 18).percent == 100


@pytest.mark.parametrize("done, possible, percent", [
    (29, 40, 73),  # 72.5 rounds up (round() would give 72)
    (1, 8, 13),  # 12.5 rounds up (round() would give 12)
    (13, 18, 72),  # 72.2 rounds down
    (0, 5, 0),
])
def test_percent_rounds_halves_up(done, possible, percent):
    assert WeekShare(day(0), done, possible).percent == percent


counts = st.one_of(st.integers(-5, 20), st.none(), st.floats(allow_nan=True), st.text(max_size=2))


@given(
    offsets=st.dictionaries(st.integers(-10, 60), counts, max_size=40),
    steps=st.integers(1, 12),
    start_offset=st.integers(0, 20),
    length=st.integers(0, 40),
)
def test_property_shares_stay_in_range_and_possible_adds_up(offsets, steps, start_offset, length):
    start, end = day(start_offset), day(start_offset + length)
    weeks = weekly_adherence({day(k): v for k, v in offsets.items()}, steps_per_day=steps,
                             start=start, end=end)
    assert sum(w.possible for w in weeks) == steps * (length + 1)
    assert all(w.week_start.weekday() == 0 for w in weeks)
    assert [w.week_start for w in weeks] == sorted({w.week_start for w in weeks})
    assert all(0 <= w.done <= w.possible and 0.0 <= w.share <= 1.0 for w in weeks)
    assert all(0 <= w.percent <= 100 for w in weeks)


# --- pain_rise -----------------------------------------------------------------------------------

def test_meaningful_change_is_two_points():
    assert PAIN_MEANINGFUL_CHANGE == 2


def test_a_rise_of_exactly_the_threshold_is_reported():
    scores = [(day(0), 3), (day(1), 4), (day(2), 5), (day(3), 6)]
    assert pain_rise(scores) == PainRise(day=day(3), latest=6, usual=4.0, rise=2.0)


def test_a_rise_below_the_threshold_is_not_reported():
    # Whole scores only rise in half points, so check a rise of 1.5 and a raised threshold.
    assert pain_rise([(day(0), 3), (day(1), 4), (day(2), 5), (day(3), 5), (day(4), 6)]) is None
    assert pain_rise([(day(0), 3), (day(1), 4), (day(2), 5), (day(3), 6)], threshold=2.1) is None
    assert pain_rise([(day(0), 3), (day(1), 4), (day(2), 5), (day(3), 6)], threshold=1.9) is not None


def test_usual_level_is_the_median_of_an_even_count():
    rise = pain_rise([(day(0), 2), (day(1), 3), (day(2), 7), (day(3), 1), (day(4), 8)])
    assert rise is not None and rise.usual == 2.5 and rise.rise == 5.5


def test_input_order_does_not_matter():
    scores = [(day(4), 8), (day(0), 2), (day(2), 3), (day(1), 2)]
    assert pain_rise(scores) == PainRise(day=day(4), latest=8, usual=2.0, rise=6.0)


def test_the_last_score_given_for_a_day_wins():
    # The morning's 9 was corrected to 4 the same day: no rise.
    assert pain_rise([(day(0), 3), (day(1), 3), (day(2), 9), (day(2), 4)]) is None
    # An earlier day corrected from 8 to 2 lowers the usual level.
    rise = pain_rise([(day(0), 8), (day(0), 2), (day(1), 2), (day(2), 6)])
    assert rise is not None and rise.usual == 2.0


def test_too_few_earlier_scores_give_no_rise():
    assert pain_rise([]) is None
    assert pain_rise([(day(0), 9)]) is None
    assert pain_rise([(day(0), 0), (day(1), 10)]) is None


def test_scores_before_the_window_do_not_count():
    # 14-day window before day 20 starts on day 6: days 0 and 5 are too old.
    scores = [(day(0), 0), (day(5), 0), (day(6), 5), (day(19), 5), (day(20), 7)]
    assert pain_rise(scores) == PainRise(day=day(20), latest=7, usual=5.0, rise=2.0)
    assert pain_rise(scores, window_days=13) is None  # only day 19 left


def test_invalid_scores_are_skipped():
    scores = [(day(0), 2), (day(1), None), (day(1), 11), (day(2), -1), (day(2), True),
              (day(3), "9"), (day(4), 2.0), (day(5), 2), (day(6), 10), (day(7), None)]
    assert pain_rise(scores) == PainRise(day=day(6), latest=10, usual=2.0, rise=8.0)


def test_a_drop_in_pain_is_not_a_rise():
    assert pain_rise([(day(0), 8), (day(1), 8), (day(2), 2)]) is None


# --- days_without_log --------------------------------------------------------------------------

def test_days_since_the_last_log():
    assert days_without_log(day(3), since=day(0), today=day(10)) == 7
    assert days_without_log(day(10), since=day(0), today=day(10)) == 0


def test_days_since_the_plan_started_when_nothing_is_logged():
    assert days_without_log(None, since=day(2), today=day(10)) == 8


def test_days_without_log_is_never_negative():
    assert days_without_log(day(12), since=day(0), today=day(10)) == 0
    assert days_without_log(None, since=day(15), today=day(10)) == 0


def test_the_arithmetic_reaches_the_ends_of_the_calendar_without_failing():
    """Stored dates at the calendar's ends (typed before dates had a range) leave nothing to add a day to."""
    last_week = weekly_adherence({date.max: 2}, steps_per_day=2, start=date(9999, 12, 27), end=date.max)
    assert [(week.week_start, week.done, week.possible) for week in last_week] == [(date(9999, 12, 27), 2, 10)]
    first_days = [(date(1, 1, 1), 2), (date(1, 1, 2), 2), (date(1, 1, 3), 6)]
    assert pain_rise(first_days) == PainRise(day=date(1, 1, 3), latest=6, usual=2.0, rise=4.0)
