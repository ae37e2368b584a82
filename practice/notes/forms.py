"""Forms of session notes."""
from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from practice.forms import (
    DATE_MESSAGE,
    OPTIONAL_TEXT_FILTERS,
    TEXT_FILTERS,
    ClientDatedForm,
    DateRange,
    NotBeforeBirth,
    days_from_today,
)
from practice.intake.forms import MultiCheckboxField
from practice.notes.models import VISIT_DAYS_AHEAD
from practice.plans.forms import PROFESSIONAL


class SessionNoteForm(ClientDatedForm):
    """One visit's SOAP note."""

    seen_on = DateField("Date", default=date.today, invalid_value_message=DATE_MESSAGE, validators=[
        DataRequired("Enter the date."), NotBeforeBirth(),
        DateRange(latest=days_from_today(VISIT_DAYS_AHEAD), too_late="A visit cannot be dated after tomorrow.")])
    duration_minutes = IntegerField("Duration (minutes)", validators=[Optional(), NumberRange(5, 240, "From 5 to 240.")])
    subjective = TextAreaField("Subjective", filters=OPTIONAL_TEXT_FILTERS, validators=[Optional(), Length(max=5000)],
                               description="What the client reports.")
    objective = TextAreaField("Objective", filters=OPTIONAL_TEXT_FILTERS, validators=[Optional(), Length(max=5000)],
                              description="What you observed and found.")
    assessment = TextAreaField("Assessment", filters=OPTIONAL_TEXT_FILTERS, validators=[Optional(), Length(max=5000)])
    plan_text = TextAreaField("Plan", filters=OPTIONAL_TEXT_FILTERS, validators=[Optional(), Length(max=5000)],
                              description="What comes next.")
    techniques = MultiCheckboxField("Techniques used", choices=PROFESSIONAL)
    pain_before = IntegerField("Pain before (0 to 10)", validators=[Optional(), NumberRange(0, 10, "From 0 to 10.")])
    pain_after = IntegerField("Pain after (0 to 10)", validators=[Optional(), NumberRange(0, 10, "From 0 to 10.")])


class AmendmentForm(FlaskForm):
    """A dated amendment to a signed note."""

    text = TextAreaField("Amendment", filters=TEXT_FILTERS, validators=[
        DataRequired("Write the amendment."), Length(max=5000)])
