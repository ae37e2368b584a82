"""Form pieces shared by every domain: trimmed text, the length limits every field carries, the range every typed
date must fall in, and the numbers read from a query string."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from flask import request
from flask_wtf import FlaskForm
from wtforms.validators import Email, Length, Optional, ValidationError

from practice.parse import parse_int

NAME_MAX = 80
EMAIL_MAX = 254
PHONE_MAX = 40
NOTES_MAX = 5000
# Browsers show date fields in the user's own format, so the message names no format.
DATE_MESSAGE = "Enter a complete date: day, month and year."
#: the earliest date a person may type: no client alive was born before it, and nothing we record happened before
EARLIEST_DATE = date(1900, 1, 1)
#: a row version is bumped once per save; a posted one above this is not ours
MAX_ROW_VERSION = 2**31 - 1
#: the last page of a list anyone asks for; past it the offset would leave the range every database handles
MAX_PAGE = 100_000
NOT_IN_FUTURE = "This date is in the future."
NOT_BEFORE_1900 = "Enter a date in 1900 or later."


def strip(value):
    """Trim surrounding whitespace from text input (WTForms filter)."""
    return value.strip() if isinstance(value, str) else value


def none_if_blank(value):
    """Store blank optional text as NULL rather than an empty string."""
    value = strip(value)
    return value or None


def optional_email():
    """Validators for an optional e-mail address."""
    return [Optional(), Length(max=EMAIL_MAX), Email(message="Enter an e-mail address like name@example.com.")]


TEXT_FILTERS = [strip]
OPTIONAL_TEXT_FILTERS = [none_if_blank]


def posted_row_version(value) -> int:
    """The row version a form was opened with; 0 (which never matches a saved row) when unreadable."""
    return parse_int(value, low=1, high=MAX_ROW_VERSION) or 0


def page_number() -> int:
    """The page of a list the query string asks for (`?page=N`): 1 when missing, unreadable or past MAX_PAGE."""
    return parse_int(request.args.get("page"), low=1, high=MAX_PAGE) or 1


def today(_form=None) -> date:
    """Today, as a bound of a DateRange (read when the form is checked, not when the app starts)."""
    return date.today()


class DateRange:
    """Refuse a typed date outside a sensible range, with its own message for each side.

    `earliest` and `latest` are dates, or callables taking the form and giving one (read at validation, so
    `today` is today). Without a range, a date such as 9999-12-31 is stored, and every page that adds a day to it
    fails for good.
    """

    def __init__(self, earliest: date | Callable = EARLIEST_DATE, latest: date | Callable = today, *,
                 too_early: str = NOT_BEFORE_1900, too_late: str = NOT_IN_FUTURE):
        self.earliest, self.latest = earliest, latest
        self.too_early, self.too_late = too_early, too_late

    def __call__(self, form, field):
        if not isinstance(field.data, date):
            return
        if field.data < _bound(self.earliest, form):
            raise ValidationError(self.too_early)
        if field.data > _bound(self.latest, form):
            raise ValidationError(self.too_late)


def _bound(value: date | Callable, form) -> date:
    return value(form) if callable(value) else value


def days_from_today(days: int) -> Callable[[object], date]:
    """A DateRange bound `days` after today (before it when negative)."""
    return lambda _form: date.today() + timedelta(days=days)


class NotBeforeBirth:
    """Refuse a date before the client's date of birth, when the form knows it (`form.born_on`)."""

    message = "This date is before the client's date of birth."

    def __call__(self, form, field):
        born_on = getattr(form, "born_on", None)
        if isinstance(field.data, date) and isinstance(born_on, date) and field.data < born_on:
            raise ValidationError(self.message)


def dates_of_the_past(*validators) -> list:
    """Validators of a date that has happened: from 1900, never before the client's birth, never in the future."""
    return [*validators, DateRange(), NotBeforeBirth()]


class ClientDatedForm(FlaskForm):
    """A form about one client, whose dates may not fall before the client's birth (`born_on`, given by the view)."""

    def __init__(self, *args, born_on: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.born_on = born_on


def form_page_status() -> int:
    """The status of a form page: 200 when first shown, 400 when a POST was refused and it is shown again."""
    # One rule for every form: a refused POST is a client error, shown with its messages next to the fields.
    return 400 if request.method == "POST" else 200
