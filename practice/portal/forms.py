"""Portal forms: accepting an invitation, the daily log, and the therapist's portal actions."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, RadioField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from practice.accounts.forms import NEW_PASSWORD_LENGTH
from practice.accounts.passwords import MIN_PASSWORD_LENGTH
from practice.forms import TEXT_FILTERS
from practice.intake import questionnaires
from practice.parse import parse_int
from practice.portal.models import ASSIGNMENT_INTAKE, ASSIGNMENT_KINDS, NOTE_MAX_LENGTH
from practice.portal.warning_signs import WARNING_SIGNS

PAIN_CHOICES = [(str(n), str(n)) for n in range(11)]


class CheckboxList(SelectMultipleField):
    """Checkboxes; values are checked by the view (a step outside the routine is a foreign id, not a typo)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AcceptInvitationForm(FlaskForm):
    """The client chooses their password."""

    password = PasswordField("Choose a password", validators=[DataRequired("Choose a password."), *NEW_PASSWORD_LENGTH],
                             description=f"At least {MIN_PASSWORD_LENGTH} characters. A few unrelated words make a "
                                         "strong password that is easy to remember.")
    confirm_password = PasswordField("Type it again", validators=[
        DataRequired("Type the password again."), EqualTo("password", "The two passwords differ.")])


class HomeLogForm(FlaskForm):
    """One day: steps done, pain, a note, and any new warning signs."""

    #: the plan version whose steps the form shows: a save stores the ticks against it, even if the therapist
    #: published another version while the form was open
    routine = HiddenField()
    #: the keys of the steps done (FrozenStep.key), which stay the same from one version to the next
    done = CheckboxList("What did you do?", validate_choice=False)
    pain = RadioField("Pain today (0–10)", choices=PAIN_CHOICES,
                      validators=[Optional()], validate_choice=True)
    note = TextAreaField("Anything to tell your therapist? (optional)", filters=TEXT_FILTERS,
                         validators=[Length(max=NOTE_MAX_LENGTH, message=f"Keep the note under {NOTE_MAX_LENGTH} characters.")],
                         description='For example: "sore after the foam roller".', render_kw={"rows": 3})
    signs = CheckboxList("Since your last log, have you noticed any of these?",
                         choices=list(WARNING_SIGNS), validate_choice=True,
                         description="Tick only what is new or worse. Leave all empty if none.")

    def pain_value(self) -> int | None:
        """The chosen pain score, or None."""
        # Optional() lets blank input through unchecked, spaces included ("   " must read as no score, not crash).
        return parse_int(self.pain.data, low=0, high=10)


def assignment_choices() -> list[tuple[str, str]]:
    """What a therapist can ask for, with its name."""
    names = {key: definition.name for key, definition in questionnaires.QUESTIONNAIRES.items()}
    return [(ASSIGNMENT_INTAKE, "Pre-visit intake (health history and red-flag questions)"),
            *[(key, names.get(key, key)) for key in ASSIGNMENT_KINDS if key != ASSIGNMENT_INTAKE]]


class AssignForm(FlaskForm):
    """The therapist asks the client to fill something in."""

    kind = SelectField("Ask the client to fill in", choices=assignment_choices(),
                       validators=[DataRequired("Choose something from the list.")])


class ReviewForm(FlaskForm):
    """What the therapist did about warning signs reported in a home log."""

    note = TextAreaField("What you did", filters=TEXT_FILTERS, render_kw={"rows": 2},
                         validators=[DataRequired("Say briefly what you did, e.g. called the client and advised A&E."),
                                     Length(max=NOTE_MAX_LENGTH, message=f"Keep it under {NOTE_MAX_LENGTH} characters.")])
