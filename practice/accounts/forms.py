"""Forms for logging in, changing passwords and managing the practice's team."""
from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length

from practice.accounts.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from practice.forms import EMAIL_MAX, TEXT_FILTERS


NEW_PASSWORD_LENGTH = (
    Length(min=MIN_PASSWORD_LENGTH, message=f"Use at least {MIN_PASSWORD_LENGTH} characters."),
    Length(max=MAX_PASSWORD_LENGTH, message=f"Use at most {MAX_PASSWORD_LENGTH} characters."),
)


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField("E-mail", filters=TEXT_FILTERS,
                       validators=[DataRequired("Enter your e-mail address."), Length(max=EMAIL_MAX)])
    password = PasswordField("Password", validators=[DataRequired("Enter your password."),
                                                     Length(max=MAX_PASSWORD_LENGTH)])


class BrowserLinkForm(FlaskForm):
    """The address to e-mail a link that lets this browser log in."""

    email = EmailField("E-mail", filters=TEXT_FILTERS,
                       validators=[DataRequired("Enter your e-mail address."), Length(max=EMAIL_MAX)])


class ChangePasswordForm(FlaskForm):
    """Current password, then the new one twice."""

    current_password = PasswordField("Current password", validators=[
        DataRequired("Enter your current password."), Length(max=MAX_PASSWORD_LENGTH)])
    new_password = PasswordField("New password", validators=[
        DataRequired("Choose a new password."),
        *NEW_PASSWORD_LENGTH],
        description=f"At least {MIN_PASSWORD_LENGTH} characters. A few unrelated words make a strong, memorable password.")
    confirm_password = PasswordField("New password again", validators=[
        DataRequired("Type the new password again."), EqualTo("new_password", "The two passwords differ.")])


class TherapistForm(FlaskForm):
    """A new therapist and the temporary password the owner gives them."""

    name = StringField("Full name", filters=TEXT_FILTERS,
                       validators=[DataRequired("Enter the therapist's name."), Length(max=120)])
    email = EmailField("E-mail (their login)", filters=TEXT_FILTERS, validators=[
        DataRequired("Enter the therapist's e-mail."), Length(max=EMAIL_MAX),
        Email(message="Enter an e-mail address like name@example.com.")])
    temporary_password = PasswordField("Temporary password", validators=[
        DataRequired("Choose a temporary password."),
        *NEW_PASSWORD_LENGTH],
        description="Give it to the therapist in person; they must choose their own at first login.")


class ConfirmPasswordForm(FlaskForm):
    """The user's own password, typed again before a sensitive action."""

    password = PasswordField("Your password", validators=[DataRequired("Enter your password."),
                                                          Length(max=MAX_PASSWORD_LENGTH)],
                             render_kw={"autocomplete": "current-password"})


class ChoosePracticeForm(FlaskForm):
    """Which of the accounts a password opened (one per practice) to log in to: a button per account."""

    account = IntegerField("Practice", validators=[InputRequired("Choose one of the practices listed.")])
