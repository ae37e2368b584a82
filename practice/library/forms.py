"""The form for a practice's own library item."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from practice.forms import OPTIONAL_TEXT_FILTERS, TEXT_FILTERS
from practice.intake import body_regions, contraindications
from practice.intake.forms import MultiCheckboxField
from practice.library.models import KIND_HOME, KIND_PROFESSIONAL

MAX_LINES = 12
PRESSURE_CHOICES = [("", "—"), ("gentle", "Gentle"), ("moderate", "Moderate"), ("firm", "Firm")]


def lines(text: str | None) -> list[str]:
    """Non-empty lines of a text area."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _at_most_lines(form, field):
    if len(lines(field.data)) > MAX_LINES:
        raise ValidationError(f"Use at most {MAX_LINES} lines.")
    if any(len(line) > 400 for line in lines(field.data)):
        raise ValidationError("Keep each line under 400 characters.")


class LibraryItemForm(FlaskForm):
    """Name, kind, areas, equipment, steps, default dose, cautions and the contraindication key."""

    name = StringField("Name", filters=TEXT_FILTERS, validators=[DataRequired("Enter a name."), Length(max=120)])
    kind = SelectField("Kind", choices=[(KIND_HOME, "Home care"), (KIND_PROFESSIONAL, "Professional technique")])
    summary = TextAreaField("Summary", filters=OPTIONAL_TEXT_FILTERS, validators=[Optional(), Length(max=1000)])
    body_areas = MultiCheckboxField("Body areas", choices=body_regions.choices())
    equipment = StringField("Equipment", filters=OPTIONAL_TEXT_FILTERS, validators=[Optional(), Length(max=200)],
                            description="Separate with commas, e.g. tennis ball, towel.")
    steps = TextAreaField("Steps", filters=TEXT_FILTERS, validators=[
        DataRequired("Write at least one step."), Length(max=4000), _at_most_lines],
        description="One step per line, in order.")
    dose_minutes = IntegerField("Minutes", validators=[Optional(), NumberRange(1, 120, "From 1 to 120 minutes.")])
    dose_repetitions = IntegerField("Repetitions", validators=[Optional(), NumberRange(1, 100, "From 1 to 100.")])
    dose_pressure = SelectField("Pressure", choices=PRESSURE_CHOICES, default="")
    dose_frequency = StringField("How often", filters=OPTIONAL_TEXT_FILTERS, validators=[Optional(), Length(max=120)],
                                 description="For example: once a day.")
    is_dose_per_side = BooleanField("The minutes are for each side")
    cautions = TextAreaField("Cautions", filters=OPTIONAL_TEXT_FILTERS, validators=[
        Optional(), Length(max=3000), _at_most_lines], description="One per line.")
    contraindication_key = SelectField(
        "Safety check as", default="",
        choices=[("", "No check (advice only)")] + [(t.key, t.name) for t in contraindications.TECHNIQUES],
        description="Which technique of the intake's contraindication check this item counts as.")

    def values(self) -> dict:
        """The model values of the form."""
        return {
            "name": self.name.data, "kind": self.kind.data, "summary": self.summary.data or "",
            "body_areas": list(self.body_areas.data or []),
            "equipment": [part.strip() for part in (self.equipment.data or "").split(",") if part.strip()],
            "steps": lines(self.steps.data), "dose_minutes": self.dose_minutes.data,
            "dose_repetitions": self.dose_repetitions.data, "dose_pressure": self.dose_pressure.data or None,
            "dose_frequency": self.dose_frequency.data or "", "is_dose_per_side": self.is_dose_per_side.data,
            "cautions": lines(self.cautions.data), "contraindication_key": self.contraindication_key.data or None,
        }

    def load(self, item) -> None:
        """Fill the form from an item."""
        for name in ("name", "kind", "summary", "body_areas", "dose_minutes", "dose_repetitions",
                     "dose_frequency", "is_dose_per_side"):
            self[name].data = getattr(item, name)
        self.dose_pressure.data = item.dose_pressure or ""
        self.contraindication_key.data = item.contraindication_key or ""
        self.equipment.data = ", ".join(item.equipment or [])
        self.steps.data = "\n".join(item.steps or [])
        self.cautions.data = "\n".join(item.cautions or [])
