"""The one parser of numbers and dates from outside: it reads what our pages send, refuses the rest, never raises."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from practice.parse import (
    MAX_RECORD_ID,
    coerce_record_id,
    parse_date,
    parse_int,
    parse_record_id,
    shifted,
)

# Each of these passes str.isdigit() or int(), and is not a number any page of ours sends.
NOT_OUR_NUMBERS = ["²", "①", "٣", "１２", "1_000", "+7", "1e3", "3.5", "0x10", "", " ", "five", "-", "--1",
                   "9" * 19, "9" * 40, "-" + "9" * 40, "\u202e12"]


@pytest.mark.parametrize("text", NOT_OUR_NUMBERS)
def test_text_that_is_not_a_plain_number_reads_as_none(text):
    assert parse_int(text, low=-10**30, high=10**30) is None


@pytest.mark.parametrize("value", [None, True, False, 3.0, b"3", [3], object()])
def test_values_that_are_not_text_or_whole_numbers_read_as_none(value):
    assert parse_int(value, low=0, high=10) is None


def test_plain_numbers_are_read_within_their_range():
    assert parse_int("42", low=0, high=100) == 42
    assert parse_int(" 7 ", low=0, high=10) == 7  # typed with spaces around it
    assert parse_int("-3", low=-5, high=5) == -3
    assert parse_int(10, low=0, high=10) == 10
    assert parse_int("11", low=0, high=10) is None and parse_int("-1", low=0, high=10) is None


def test_record_ids_fit_the_database():
    assert parse_record_id(str(MAX_RECORD_ID)) == MAX_RECORD_ID
    assert parse_record_id(str(MAX_RECORD_ID + 1)) is None
    assert parse_record_id("0") is None and parse_record_id("99999999999999999999") is None
    assert coerce_record_id("12") == 12
    with pytest.raises(ValueError):
        coerce_record_id("²")


@given(st.one_of(st.text(max_size=30), st.integers(), st.none(), st.booleans(), st.floats()))
def test_parse_int_never_raises(value):
    result = parse_int(value, low=1, high=MAX_RECORD_ID)
    assert result is None or 1 <= result <= MAX_RECORD_ID


@pytest.mark.parametrize("text", ["2024-02-30", "2024-13-01", "0000-01-01", "2020-1-1", "20200101", "+2020-01-01",
                                  "２０２０-０１-０１", "2020-01-01T00:00", "2020-W01-1", "31/12/2020", "", "today",
                                  "-2020-01-01"])
def test_text_that_is_not_an_iso_date_reads_as_none(text):
    assert parse_date(text) is None


def test_iso_dates_are_read_within_their_range():
    assert parse_date("2024-02-29") == date(2024, 2, 29)
    assert parse_date("9999-12-31") == date.max
    assert parse_date("9999-12-31", latest=date(2100, 1, 1)) is None
    assert parse_date("1899-12-31", earliest=date(1900, 1, 1)) is None
    assert parse_date(datetime(2024, 5, 1, 13, 30)) == date(2024, 5, 1)
    assert parse_date(None) is None and parse_date(20240501) is None


@given(st.one_of(st.text(max_size=20), st.dates().map(date.isoformat)))
def test_parse_date_never_raises(text):
    assert parse_date(text) is None or isinstance(parse_date(text), date)


def test_shifting_a_day_stops_at_the_ends_of_the_calendar():
    assert shifted(date(2024, 2, 28), 2) == date(2024, 3, 1)
    assert shifted(date(2024, 3, 1), -2) == date(2024, 2, 28)
    assert shifted(date.max, 1) == date.max and shifted(date(9999, 12, 30), 5) == date.max
    assert shifted(date.min, -1) == date.min and shifted(date(1, 1, 3), -5) == date.min
