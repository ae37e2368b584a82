"""Reading whole numbers and dates that come from outside (a URL, a form, a setting, a stored JSON value).

One parser, which never raises: what it cannot read, or what falls outside the range the caller gives, comes back
as None, and the caller answers with a message or a default. Python's own readers are too lenient or too strict
for text from a request: "²" and "①" pass `str.isdigit()` yet `int()` refuses them, `int()` takes " 1_0 " and
"٣", "99999999999999999999" fits no database column, and a date like 9999-12-31 leaves no room to add a day.

Pure: no Flask and no database, so the pure rules (plans/content.py, intake/assessment.py) use it too.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

#: the largest id an INTEGER primary key holds on every backend (PostgreSQL's int4)
MAX_RECORD_ID = 2**31 - 1
#: what our pages send for a number: ASCII digits, maybe a minus; 18 digits stay inside a 64-bit integer
_INTEGER = re.compile(r"-?[0-9]{1,18}")
#: the only date format our pages send (the value of an <input type="date">, an ISO date in a URL)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_int(value, *, low: int, high: int) -> int | None:
    """`value` (text, or already an int) as a whole number from `low` to `high`; None otherwise."""
    if isinstance(value, str):
        text = value.strip()
        value = int(text) if _INTEGER.fullmatch(text) else None
    if not isinstance(value, int) or isinstance(value, bool):
        return None
    return value if low <= value <= high else None


def parse_record_id(value) -> int | None:
    """`value` as the id of a row (1 to MAX_RECORD_ID); None otherwise."""
    return parse_int(value, low=1, high=MAX_RECORD_ID)


def coerce_record_id(value) -> int:
    """A record id for a WTForms choice field's `coerce`: the id, or ValueError, which the field shows as a message."""
    number = parse_record_id(value)
    if number is None:
        raise ValueError("not a record id")
    return number


def parse_date(value, *, earliest: date = date.min, latest: date = date.max) -> date | None:
    """`value` (an ISO date, YYYY-MM-DD, or already a date) from `earliest` to `latest`; None otherwise."""
    if isinstance(value, str):
        text = value.strip()
        try:
            value = date.fromisoformat(text) if _ISO_DATE.fullmatch(text) else None
        except ValueError:  # 2024-02-30, 2024-13-01
            value = None
    if not isinstance(value, date):
        return None
    day = value.date() if hasattr(value, "date") else value  # a datetime counts as its day
    return day if earliest <= day <= latest else None


def shifted(day: date, days: int) -> date:
    """`day` moved by `days`, stopping at the first or last date Python can hold instead of raising OverflowError."""
    limit = (date.max - day).days if days > 0 else (date.min - day).days
    return day + timedelta(days=min(days, limit) if days > 0 else max(days, limit))
