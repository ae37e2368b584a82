"""Forms of the plan builder and session notes."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from practice.forms import (
    DATE_MESSAGE,
    OPTIONAL_TEXT_FILTERS,
    TEXT_FILTERS,
    DateRange,
    days_from_today,
    posted_row_version,
    today,
)
from practice.intake import body_regions, contraindications
from practice.intake.forms import MultiCheckboxField

PRESSURE_CHOICES = [("", "Item default"), ("gentle", "Gentle"), ("moderate", "Moderate"), ("firm", "Firm")]
PROFESSIONAL = [(t.key, t.name) for t in contraindications.TECHNIQUES if t.kind == "professional"]


#: a review further away than this is no review: the plan would run unchecked for years
REVIEW_WITHIN_DAYS = 2 * 366


class VersionedForm(FlaskForm):
    """Carries the plan's row version, so a save based on an old copy is refused."""

    row_version = HiddenField(validators=[DataRequired("This form is out of date; reload the page.")])

    def seen_row_version(self) -> int:
        """The row version the form was opened with (0 when unreadable, which always conflicts)."""
        return posted_row_version(self.row_version.data)


class PlanDetailsForm(VersionedForm):
    """Goals, the professional part and general advice."""

    title = StringField("Plan title", filters=TEXT_FILTERS, validators=[DataRequired("Give the plan a title."),
                                                                        Length(max=120)])
    goals = TextAreaField("Goals", filters=OPTIONAL_TEXT_FILTERS, validators=[Optional(), Length(max=2000)])
    techniques = MultiCheckboxField("Techniques in the clinic", choices=PROFESSIONAL)
    focus_areas = MultiCheckboxField("Focus areas", choices=body_regions.choices())
    session_minutes = IntegerField("Session length (minutes)", validators=[
        Optional(), NumberRange(10, 180, "From 10 to 180 minutes.")])
    session_frequency = StringField("How often", filters=OPTIONAL_TEXT_FILTERS,
                                    validators=[Optional(), Length(max=80)], description="For example: once a week.")
    session_count = IntegerField("Number of sessions", validators=[Optional(), NumberRange(1, 52, "From 1 to 52.")])
    review_on = DateField("Review date", invalid_value_message=DATE_MESSAGE, validators=[
        Optional(), DateRange(today, days_from_today(REVIEW_WITHIN_DAYS), too_early="The review date is in the past.",
                              too_late="Set a review date within two years.")])
    technique_override_reason = StringField(
        "Reason to override the safety check", filters=OPTIONAL_TEXT_FILTERS, validators=[Optional(), Length(max=500)],
        description="Only needed when you tick a technique marked “avoid” for this client.")
    advice = TextAreaField("General advice", filters=OPTIONAL_TEXT_FILTERS, validators=[Optional(), Length(max=4000)],
                           description="Activity, posture, and when to stop and seek help.")

    def values(self) -> dict:
        """The plan's detail values."""
        return {name: (getattr(self, name).data if getattr(self, name).data is not None else default)
                for name, default in (("title", ""), ("goals", ""), ("techniques", []), ("focus_areas", []),
                                      ("session_minutes", None), ("session_frequency", ""), ("session_count", None),
                                      ("review_on", None), ("advice", ""))}


class StepDoseFields:
    """Dose fields shared by adding and editing a step."""

    minutes = IntegerField("Minutes", validators=[Optional(), NumberRange(1, 120, "From 1 to 120 minutes.")])
    repetitions = IntegerField("Repetitions", validators=[Optional(), NumberRange(1, 100, "From 1 to 100.")])
    pressure = SelectField("Pressure", choices=PRESSURE_CHOICES, default="")
    frequency = StringField("How often", filters=OPTIONAL_TEXT_FILTERS, validators=[Optional(), Length(max=120)])
    note = StringField("Note for the client", filters=OPTIONAL_TEXT_FILTERS, validators=[Optional(), Length(max=500)])

    def dose_values(self) -> dict:
        """The step's dose and note."""
        return {"minutes": self.minutes.data, "repetitions": self.repetitions.data,
                "pressure": self.pressure.data or None, "frequency": self.frequency.data, "note": self.note.data}


class AddStepForm(VersionedForm, StepDoseFields):
    """A library item to add, with the override reason when the check says to avoid it."""

    item_id = SelectField("Library item", coerce=int, validate_choice=False)
    override_reason = StringField("Reason to override the safety check", filters=OPTIONAL_TEXT_FILTERS,
                                  validators=[Optional(), Length(max=500)],
                                  description="Only needed for an item marked “avoid” for this client.")


class StepForm(VersionedForm, StepDoseFields):
    """Change a step's dose and note."""


class PublishForm(VersionedForm):
    """The change summary of a new version."""

    summary = StringField("What changed", filters=TEXT_FILTERS, validators=[
        DataRequired("Say briefly what changed, for the record."), Length(max=300)])
