"""The audit log's filter form (a GET form: filters belong in the URL, so a view can be bookmarked)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from practice.forms import DATE_MESSAGE, TEXT_FILTERS


def _id_choice(value):
    """A record id from the URL (or a choice's own id); '' and anything unreadable mean "any"."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) < 10 else None


class AuditFilterForm(FlaskForm):
    """Who, which client, which action, which days."""

    class Meta:
        csrf = False  # a read-only GET form

    actor = SelectField("Person", coerce=_id_choice, validate_choice=True)
    #: set from the client page's "Audit log" link; the view checks it is a client of the practice
    client = HiddenField(filters=[_id_choice])
    action = StringField("Action", filters=TEXT_FILTERS, validators=[Optional(), Length(max=60)],
                         description="For example client.view, handout.download, auth.login_failed.")
    since = DateField("From", validators=[Optional()], invalid_value_message=DATE_MESSAGE)
    until = DateField("To", validators=[Optional()], invalid_value_message=DATE_MESSAGE)

    def validate_until(self, field):
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError("The end date is before the start date.")
