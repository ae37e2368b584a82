"""The audit log's filter form (a GET form: filters belong in the URL, so a view can be bookmarked)."""
from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from practice.forms import DATE_MESSAGE, TEXT_FILTERS, DateRange, days_from_today
from practice.parse import parse_record_id

#: the audit log holds nothing older than the app; earlier dates are typing slips
EARLIEST_AUDIT_DATE = date(2000, 1, 1)
AUDIT_DATE_MESSAGE = "Enter a date from 1 January 2000 to today."


def _id_choice(value):
    """A record id from the URL (or a choice's own id); '' and anything unreadable mean "any"."""
    return parse_record_id(value)


def _audit_dates():
    # Rows are dated in UTC: where it is already tomorrow, "today" is the server's tomorrow.
    return [Optional(), DateRange(EARLIEST_AUDIT_DATE, days_from_today(1), too_early=AUDIT_DATE_MESSAGE,
                                  too_late=AUDIT_DATE_MESSAGE)]


class AuditFilterForm(FlaskForm):
    """Who, which client, which action, which days."""

    class Meta:
        csrf = False  # a read-only GET form

    actor = SelectField("Person", coerce=_id_choice, validate_choice=True)
    #: set from the client page's "Audit log" link; the view checks it is a client of the practice
    client = HiddenField(filters=[_id_choice])
    action = StringField("Action", filters=TEXT_FILTERS, validators=[Optional(), Length(max=60)],
                         description="For example client.view, handout.download, auth.login_failed.")
    since = DateField("From", validators=_audit_dates(), invalid_value_message=DATE_MESSAGE)
    until = DateField("To", validators=_audit_dates(), invalid_value_message=DATE_MESSAGE)

    def validate_until(self, field):
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError("The end date is before the start date.")
