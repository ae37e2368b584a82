"""The client record form."""
from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, SelectField, StringField, TelField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from practice.forms import DATE_MESSAGE, NAME_MAX, NOTES_MAX, OPTIONAL_TEXT_FILTERS, PHONE_MAX, TEXT_FILTERS, optional_email

EARLIEST_BIRTH_DATE = date(1900, 1, 1)


def _not_in_future(form, field):
    if field.data and field.data > date.today():
        raise ValidationError("This date is in the future.")


def _plausible_birth_date(form, field):
    if field.data and field.data < EARLIEST_BIRTH_DATE:
        raise ValidationError("Enter a date of birth after 1900.")


class ClientForm(FlaskForm):
    """Name, contact, emergency contact, assigned therapist, consents and notes."""

    first_name = StringField("First name", filters=TEXT_FILTERS,
                             validators=[DataRequired("Enter the first name."), Length(max=NAME_MAX)])
    last_name = StringField("Last name", filters=TEXT_FILTERS,
                            validators=[DataRequired("Enter the last name."), Length(max=NAME_MAX)])
    date_of_birth = DateField("Date of birth", validators=[Optional(), _not_in_future, _plausible_birth_date],
                              description="Used to work out age for the safety screening.",
                              invalid_value_message=DATE_MESSAGE)
    email = EmailField("E-mail", filters=OPTIONAL_TEXT_FILTERS, validators=optional_email())
    phone = TelField("Phone", filters=OPTIONAL_TEXT_FILTERS, validators=[Optional(), Length(max=PHONE_MAX)])
    emergency_contact_name = StringField("Emergency contact name", filters=OPTIONAL_TEXT_FILTERS,
                                         validators=[Optional(), Length(max=120)])
    emergency_contact_phone = TelField("Emergency contact phone", filters=OPTIONAL_TEXT_FILTERS,
                                       validators=[Optional(), Length(max=PHONE_MAX)])
    therapist_id = SelectField("Assigned therapist", coerce=int, validate_choice=False)
    consents_to_treatment = BooleanField("Consents to treatment")
    consent_treatment_on = DateField("Date consent to treatment was given", validators=[Optional(), _not_in_future],
                                     description="Leave blank to record today.", invalid_value_message=DATE_MESSAGE)
    consents_to_health_data = BooleanField("Consents to us storing their health information")
    consent_health_data_on = DateField("Date consent to storing health information was given",
                                       validators=[Optional(), _not_in_future],
                                       description="Leave blank to record today.", invalid_value_message=DATE_MESSAGE)
    notes = TextAreaField("Notes", filters=OPTIONAL_TEXT_FILTERS, validators=[Optional(), Length(max=NOTES_MAX)],
                          description="Visible to the practice's staff only.")

    def __init__(self, *args, therapist_choices: list[tuple[int, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.therapist_id.choices = [(0, "— Not assigned —")] + list(therapist_choices or [])

    def consent_dates(self) -> tuple[date | None, date | None]:
        """The consent dates to store: the date given, today when ticked without one, None when not ticked."""
        today = date.today()
        treatment = (self.consent_treatment_on.data or today) if self.consents_to_treatment.data else None
        health = (self.consent_health_data_on.data or today) if self.consents_to_health_data.data else None
        return treatment, health
