"""The client record form."""
from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, SelectField, StringField, TelField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from practice.forms import (
    DATE_MESSAGE,
    NAME_MAX,
    NOTES_MAX,
    OPTIONAL_TEXT_FILTERS,
    PHONE_MAX,
    TEXT_FILTERS,
    DateRange,
    dates_of_the_past,
    optional_email,
)
from practice.parse import coerce_record_id


def _therapist_choice(value) -> int:
    """The chosen therapist's id, or 0 for "not assigned"; anything unreadable is refused with the field's message."""
    return 0 if value in (0, "0") else coerce_record_id(value)


class ClientForm(FlaskForm):
    """Name, contact, emergency contact, assigned therapist, consents and notes."""

    first_name = StringField("First name", filters=TEXT_FILTERS,
                             validators=[DataRequired("Enter the first name."), Length(max=NAME_MAX)])
    last_name = StringField("Last name", filters=TEXT_FILTERS,
                            validators=[DataRequired("Enter the last name."), Length(max=NAME_MAX)])
    date_of_birth = DateField("Date of birth",
                              validators=[Optional(), DateRange(too_early="Enter a date of birth after 1900.")],
                              description="Used to work out age for the safety screening.",
                              invalid_value_message=DATE_MESSAGE)
    email = EmailField("E-mail", filters=OPTIONAL_TEXT_FILTERS, validators=optional_email())
    phone = TelField("Phone", filters=OPTIONAL_TEXT_FILTERS, validators=[Optional(), Length(max=PHONE_MAX)])
    emergency_contact_name = StringField("Emergency contact name", filters=OPTIONAL_TEXT_FILTERS,
                                         validators=[Optional(), Length(max=120)])
    emergency_contact_phone = TelField("Emergency contact phone", filters=OPTIONAL_TEXT_FILTERS,
                                       validators=[Optional(), Length(max=PHONE_MAX)])
    therapist_id = SelectField("Assigned therapist", coerce=_therapist_choice, validate_choice=False)
    consents_to_treatment = BooleanField("Consents to treatment")
    consent_treatment_on = DateField("Date consent to treatment was given", validators=dates_of_the_past(Optional()),
                                     description="Leave blank to record today.", invalid_value_message=DATE_MESSAGE)
    consents_to_health_data = BooleanField("Consents to us storing their health information")
    consent_health_data_on = DateField("Date consent to storing health information was given",
                                       validators=dates_of_the_past(Optional()),
                                       description="Leave blank to record today.", invalid_value_message=DATE_MESSAGE)
    notes = TextAreaField("Notes", filters=OPTIONAL_TEXT_FILTERS, validators=[Optional(), Length(max=NOTES_MAX)],
                          description="Visible to the practice's staff only.")

    def __init__(self, *args, therapist_choices: list[tuple[int, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.therapist_id.choices = [(0, "— Not assigned —")] + list(therapist_choices or [])

    @property
    def born_on(self) -> date | None:
        """The date of birth typed in this form, when it was accepted: consents cannot come before it."""
        return None if self.date_of_birth.errors else self.date_of_birth.data

    def consent_dates(self) -> tuple[date | None, date | None]:
        """The consent dates to store: the date given, today when ticked without one, None when not ticked."""
        today = date.today()
        treatment = (self.consent_treatment_on.data or today) if self.consents_to_treatment.data else None
        health = (self.consent_health_data_on.data or today) if self.consents_to_health_data.data else None
        return treatment, health
