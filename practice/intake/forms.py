"""The intake form (one form for the therapist now and the client's portal later), action and questionnaires."""
from __future__ import annotations

from datetime import date

from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from practice.forms import DATE_MESSAGE, OPTIONAL_TEXT_FILTERS, TEXT_FILTERS, ClientDatedForm, dates_of_the_past
from practice.parse import parse_date
from practice.intake import body_regions, contraindications, questionnaires, screening
from practice.intake.assessment import (
    CONTRIBUTORS,
    PAIN_QUALITIES,
    PRESSURES,
    RED_FLAG_PREFIX,
    SEXES,
    SITE_PREFIX,
)

SHORT_TEXT = 200
LONG_TEXT = 2000
PSFS_SLOTS = questionnaires.PSFS_MAX_ACTIVITIES
RED_FLAG_CHOICES = [(screening.YES, "Yes"), (screening.NO, "No"), (screening.PREFER_NOT, "Prefer not to say")]


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes; unknown values posted are refused with a message."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _score_0_10(label: str) -> IntegerField:
    return IntegerField(label, validators=[Optional(), NumberRange(0, 10, "Enter a number from 0 to 10.")],
                        render_kw={"inputmode": "numeric", "min": 0, "max": 10})


def _past_date(label: str, description: str | None = None) -> DateField:
    return DateField(label, validators=dates_of_the_past(Optional()), description=description,
                     invalid_value_message=DATE_MESSAGE)


def _text(label: str, max_length: int = SHORT_TEXT, description: str | None = None, area: bool = False):
    field_class = TextAreaField if area else StringField
    return field_class(label, filters=OPTIONAL_TEXT_FILTERS, description=description,
                       validators=[Optional(), Length(max=max_length)])


class IntakeFormBase(ClientDatedForm):
    """Fields of the intake; red-flag and site fields are added from data by `IntakeForm` below."""

    # Reason and goals
    reason = _text("Reason for the visit", LONG_TEXT, area=True)
    goals = _text("Goals", LONG_TEXT, "What the client would like to be able to do again.", area=True)
    # Pain
    pain_areas = MultiCheckboxField("Where is the pain?", choices=body_regions.choices())
    pain_now = _score_0_10("Pain now (0 to 10)")
    pain_best = _score_0_10("Least pain this week (0 to 10)")
    pain_worst = _score_0_10("Worst pain this week (0 to 10)")
    onset_date = _past_date("When did this pain start?", "An approximate date is fine.")
    pain_qualities = MultiCheckboxField("What does it feel like?", choices=list(PAIN_QUALITIES))
    worse = _text("What makes it worse?", 500)
    better = _text("What makes it better?", 500)
    contributors = MultiCheckboxField("Likely contributors", choices=list(CONTRIBUTORS))
    # Health history
    sex = SelectField("Sex", choices=[("", "—")] + list(SEXES), default="",
                      description="Used only for the age thresholds of the fracture screen.")
    conditions = MultiCheckboxField("Health conditions", choices=list(contraindications.CONDITIONS))
    medications = MultiCheckboxField("Medicines", choices=list(contraindications.MEDICATIONS))
    medication_other = _text("Other medicines", 500)
    surgery_date = _past_date("Date of recent surgery")
    injury_what = _text("Recent injury: what happened?", 500)
    injury_date = _past_date("Date of the injury")
    pregnancy_weeks = IntegerField("Weeks of pregnancy", validators=[
        Optional(), NumberRange(1, 42, "Enter the number of weeks, from 1 to 42.")],
        description="Leave blank if not pregnant.", render_kw={"inputmode": "numeric"})
    health_notes = _text("Other health notes", LONG_TEXT, area=True)
    # Preferences and consent
    pressure = SelectField("Preferred pressure", choices=[("", "—")] + list(PRESSURES), default="")
    avoid_areas = _text("Areas to avoid", 500)
    consent_today = BooleanField("The client consents to this assessment and treatment")

    def validate_pain_best(self, field):
        """Least pain cannot be more than the worst pain."""
        if field.data is not None and self.pain_worst.data is not None and field.data > self.pain_worst.data:
            raise ValidationError("The least pain cannot be more than the worst pain.")

    def psfs_activities(self) -> list[tuple]:
        """(name field, rating field) pairs of the PSFS activities."""
        return [(self[f"activity_{n}"], self[f"activity_{n}_rating"]) for n in range(1, PSFS_SLOTS + 1)]

    def red_flag_fields(self) -> list[tuple]:
        """(question, field) pairs, grouped in question order."""
        return [(question, self[RED_FLAG_PREFIX + question.key]) for question in screening.RED_FLAG_QUESTIONS]

    def site_field(self, condition_key: str):
        """The 'where?' field of a local condition, or None."""
        return self._fields.get(SITE_PREFIX + condition_key)

    def answers(self) -> dict:
        """The answers as a JSON-safe dict (dates as ISO strings)."""
        values = {}
        for name, field in self._fields.items():
            if name == "csrf_token":
                continue
            value = field.data
            values[name] = value.isoformat() if isinstance(value, date) else value
        return values

    def load(self, answers: dict) -> None:
        """Fill the form from a stored answers dict (for a draft or a new version)."""
        for name, field in self._fields.items():
            if name in answers and name != "csrf_token":
                value = answers[name]
                if isinstance(field, DateField):
                    value = parse_date(value)
                field.data = value


def _add_data_driven_fields(cls):
    for n in range(1, PSFS_SLOTS + 1):
        setattr(cls, f"activity_{n}", _text(f"Activity {n}", 120))
        setattr(cls, f"activity_{n}_rating", _score_0_10(f"Activity {n}: how well now (0 unable, 10 as before)"))
    for question in screening.RED_FLAG_QUESTIONS:
        # A blank answer (spaces included) is stored as no answer, never as the spaces themselves.
        setattr(cls, RED_FLAG_PREFIX + question.key, RadioField(
            question.text, choices=RED_FLAG_CHOICES, validators=[Optional()], filters=OPTIONAL_TEXT_FILTERS,
            description=question.hint or None))
    for key in contraindications.LOCAL_CONDITIONS:
        setattr(cls, SITE_PREFIX + key, _text("Where?", 120))
    return cls


@_add_data_driven_fields
class IntakeForm(IntakeFormBase):
    """The whole intake."""


class RedFlagActionForm(ClientDatedForm):
    """What was done about a screening that needs action."""

    advice = TextAreaField("Advice given to the client", filters=TEXT_FILTERS, validators=[
        DataRequired("Describe the advice you gave."), Length(max=LONG_TEXT)])
    referred_to = StringField("Referred to", filters=OPTIONAL_TEXT_FILTERS, validators=[Optional(), Length(max=200)],
                              description="For example: emergency department, their GP, Dr Patel.")
    acted_on = DateField("Date", validators=dates_of_the_past(DataRequired("Enter the date.")),
                         default=date.today, invalid_value_message=DATE_MESSAGE)


def questionnaire_form(definition: questionnaires.Questionnaire, labels: dict[str, str] | None = None):
    """Build a form class for one questionnaire from its data (items, allowed answers, labels)."""

    class QuestionnaireForm(ClientDatedForm):
        taken_on = DateField("Date", validators=dates_of_the_past(DataRequired("Enter the date.")),
                             default=date.today, invalid_value_message=DATE_MESSAGE)

    for item in definition.items:
        choices = [(_encode(value), label) for value, label in item.answers]
        setattr(QuestionnaireForm, item.key, RadioField((labels or {}).get(item.key, item.label),
                                                        choices=choices, validators=[Optional()]))
    return QuestionnaireForm


def _encode(value) -> str:
    """Radio values are strings; booleans become 'true'/'false'."""
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def decode_answers(definition: questionnaires.Questionnaire, form) -> dict:
    """Turn the posted radio strings back into the values the scorer expects."""
    answers = {}
    for item in definition.items:
        posted = form[item.key].data
        for value, _label in item.answers:
            if posted is not None and _encode(value) == posted:
                answers[item.key] = value
    return answers
