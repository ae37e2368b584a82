"""Views for login, logout, password change and the owner's team page."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from practice.access import fresh_login_required, is_safe_next, owner_required
from practice.accounts import browser_links, browsers, sessions
from practice.accounts.access import get_team_member_or_404
from practice.accounts.blueprint import bp
from practice.accounts.forms import (
    BrowserLinkForm,
    ChangePasswordForm,
    ChoosePracticeForm,
    ConfirmPasswordForm,
    LoginForm,
    TherapistForm,
)
from practice.accounts.models import User
from practice.accounts.operations import (
    AccountError,
    LoginPolicy,
    add_therapist,
    authenticate,
    change_password,
    complete_login,
    confirm_identity,
    end_all_sessions,
    is_locked_out,
    set_user_active,
)
from practice.accounts.sessions import begin_session
from practice.audit.models import OUTCOME_FAILURE
from practice.audit.operations import record_event
from practice.database import utcnow
from practice.extensions import db, limiter
from practice.forms import form_page_status
from practice.mail import MailError, send_mail
from practice.site import public_url
from practice.unit_of_work import after_response

LOGIN_FAILED_MESSAGE = ("That e-mail and password do not match an active account, or logins from here are paused "
                        "for a few minutes after repeated attempts.")


def _login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
def login():
    """Show the login form and log the user in (asking which practice when the password opens several)."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    if form.validate_on_submit():
        accounts = authenticate(form.email.data, form.password.data, policy=_login_policy(),
                                attempt=browsers.current_attempt())
        if not accounts:
            form.password.errors.append(LOGIN_FAILED_MESSAGE)
            return render_template("accounts/login.html", form=form), 400
        if len(accounts) > 1:
            sessions.offer_accounts(session, [account.id for account in accounts], sessions.clock())
            return redirect(url_for("accounts.choose_practice", next=request.args.get("next")))
        return _logged_in(accounts[0])
    return render_template("accounts/login.html", form=form), form_page_status()


@bp.route("/login/practice", methods=["GET", "POST"])
def choose_practice():
    """After a password that opened accounts in several practices: log in to the one chosen."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    offered = sessions.offered_accounts(session, sessions.clock())
    accounts = db.session.scalars(select(User).where(User.id.in_(offered), User.is_active.is_(True))
                                  .order_by(User.id)).all() if offered else []
    if not accounts:
        flash("Please log in again: the choice of practice is open for a few minutes only.", "error")
        return redirect(url_for("accounts.login"))
    form = ChoosePracticeForm()
    if form.validate_on_submit():
        chosen = next((account for account in accounts if account.id == form.account.data), None)
        if chosen is not None:
            return _logged_in(chosen)
        form.account.errors.append("Choose one of the practices listed.")
    return render_template("accounts/choose_practice.html", form=form, accounts=accounts), form_page_status()


@bp.route("/login/new-browser", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
def request_browser_link():
    """E-mail a link that lets this browser log in while strangers keep the account's new browsers locked out."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = BrowserLinkForm()
    if form.validate_on_submit():
        email = form.email.data
        accounts = browser_links.accounts_to_mail(email, utcnow())
        for user in accounts:
            record_event("auth.browser_link_sent", target=user)
        if accounts:
            link = public_url("accounts.open_browser_link", token=browser_links.new_link_token(email))
            # After the answer has gone: its time must not tell whether the address has an account.
            after_response(lambda: _mail_browser_link(email, link, [user.id for user in accounts]))
        return render_template("accounts/browser_link_sent.html", email=email)
    return render_template("accounts/browser_link.html", form=form), form_page_status()


def _mail_browser_link(email: str, link: str, account_ids: list[int]) -> None:
    body = render_template("accounts/browser_link_email.txt", link=link,
                           minutes=int(browser_links.LINK_LIFETIME.total_seconds() // 60))
    try:
        send_mail(to=email, subject="A link to log in from a new browser", body=body)
    except MailError as error:
        for user in db.session.scalars(select(User).where(User.id.in_(account_ids))):
            record_event("auth.browser_link_sent", target=user, actor=None, outcome=OUTCOME_FAILURE,
                         detail=f"e-mail not sent: {error}")


@bp.route("/login/new-browser/<token>", methods=["GET", "POST"])
def open_browser_link(token: str):
    """The e-mailed link: a button (mail scanners open links, they do not press buttons) that lets this browser in."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    if not browser_links.accounts_of_open_link(token):
        flash("This link has expired or has already been used. Ask for a new one below.", "error")
        return redirect(url_for("accounts.request_browser_link"))
    form = FlaskForm()
    if form.validate_on_submit():
        accounts = browser_links.trust_browser(token, browsers.current_attempt(), utcnow())
        for user in accounts:
            record_event("auth.browser_trusted", target=user, actor=user)
        browsers.keep_token()
        flash("This browser can now log in to your account, whatever others try. Log in with your password.",
              "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/browser_link_open.html", form=form), form_page_status()


def _logged_in(user: User):
    """Record the login, start a fresh session for `user` and go where the login was asked for."""
    complete_login(user, browsers.current_attempt())
    begin_session(user)
    target = request.args.get("next")
    return redirect(target if is_safe_next(target) else url_for("dashboard.index"))


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """End the session here and everywhere the same cookie might be replayed."""
    user = current_user._get_current_object()
    end_all_sessions(user)
    record_event("auth.logout", target=user)
    logout_user()
    session.clear()
    flash("You have logged out.", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    """Change one's own password; required after logging in with a temporary one."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            change_password(user, current_password=form.current_password.data,
                            new_password=form.new_password.data)
        except AccountError as error:
            getattr(form, error.field or "new_password").errors.append(str(error))
            return render_template("accounts/password.html", form=form), 400
        login_user(user)  # the token changed: issue this session a new cookie, others are ended
        sessions.confirm_password(session, sessions.clock())
        flash("Your password has been changed. Other sessions have been logged out.", "success")
        return redirect(url_for("dashboard.index"))
    return render_template("accounts/password.html", form=form), form_page_status()


@bp.route("/team")
@owner_required
def team():
    """The owner's list of the practice's owner and therapists."""
    members = db.session.scalars(
        select(User).where(User.practice_id == current_user.practice_id, User.role.in_(("owner", "therapist")))
        .order_by(User.is_active.desc(), User.name)
    ).all()
    return render_template("accounts/team.html", members=members)


@bp.route("/team/new", methods=["GET", "POST"])
@owner_required
@fresh_login_required
def new_therapist():
    """Add a therapist with a temporary password."""
    form = TherapistForm()
    if form.validate_on_submit():
        try:
            therapist = add_therapist(current_user.practice, name=form.name.data, email=form.email.data,
                                      temporary_password=form.temporary_password.data,
                                      actor=current_user._get_current_object())
        except AccountError as error:
            db.session.rollback()
            field = form.email if error.field == "email" else form.temporary_password
            field.errors.append(str(error))
            return render_template("accounts/therapist_form.html", form=form), 400
        flash(f"{therapist.name} can now log in with the temporary password; they will be asked to change it.",
              "success")
        return redirect(url_for("accounts.team"))
    return render_template("accounts/therapist_form.html", form=form), form_page_status()


@bp.route("/team/<id:user_id>/deactivate", methods=["POST"])
@owner_required
@fresh_login_required
def deactivate(user_id: int):
    """Stop a therapist from logging in; their open sessions end at once."""
    return _set_active(user_id, False)


@bp.route("/team/<id:user_id>/activate", methods=["POST"])
@owner_required
@fresh_login_required
def activate(user_id: int):
    """Let a deactivated therapist log in again."""
    return _set_active(user_id, True)


def _set_active(user_id: int, is_active: bool):
    member = get_team_member_or_404(user_id)
    try:
        set_user_active(member, is_active, actor=current_user._get_current_object())
    except AccountError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("accounts.team"))
    flash(f"{member.name} has been {'reactivated' if is_active else 'deactivated'}.", "success")
    return redirect(url_for("accounts.team"))


def _login_policy() -> LoginPolicy:
    config = current_app.config
    return LoginPolicy(config["LOGIN_MAX_FAILURES"], config["LOGIN_LOCK_MINUTES"], config["LOGIN_ACCOUNT_MAX_FAILURES"])


@bp.route("/account/confirm", methods=["GET", "POST"])
@login_required
def confirm_password():
    """Ask for the password again before a sensitive action, then go back to it."""
    form = ConfirmPasswordForm()
    target = request.args.get("next")
    if not is_safe_next(target):
        target = url_for("dashboard.index")
    if form.validate_on_submit():
        user = current_user._get_current_object()
        attempt = browsers.current_attempt()
        if confirm_identity(user, form.password.data, policy=_login_policy(), attempt=attempt):
            sessions.confirm_password(session, sessions.clock())
            return redirect(target)
        if is_locked_out(user, attempt):
            # Repeated wrong passwords on an open session look like someone else at the keyboard: end it.
            end_all_sessions(user)
            logout_user()
            session.clear()
            flash("Too many wrong passwords: you have been logged out. Try again in a few minutes.", "error")
            return redirect(url_for("accounts.login"))
        form.password.errors.append("That password is not correct.")
        return render_template("accounts/confirm_password.html", form=form), 400
    return render_template("accounts/confirm_password.html", form=form), form_page_status()
