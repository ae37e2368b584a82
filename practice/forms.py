"""Form pieces shared by every domain: trimmed text and the length limits every field carries."""
from __future__ import annotations

from flask import request
from wtforms.validators import Email, Length, Optional

NAME_MAX = 80
EMAIL_MAX = 254
PHONE_MAX = 40
NOTES_MAX = 5000
# Browsers show date fields in the user's own format, so the message names no format.
DATE_MESSAGE = "Enter a complete date: day, month and year."


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
    value = value if isinstance(value, str) else ""
    return int(value) if value.isdigit() and len(value) < 10 else 0


def form_page_status() -> int:
    """The status of a form page: 200 when first shown, 400 when a POST was refused and it is shown again."""
    # One rule for every form: a refused POST is a client error, shown with its messages next to the fields.
    return 400 if request.method == "POST" else 200
