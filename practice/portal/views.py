"""What a client sees: their home plan, today's checklist, logs, questionnaires, pre-visit intake and progress.

Every view works on the logged-in client's own record; ids in URLs or forms that belong to anyone else are 404.
"""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, logout_user

from practice.access import deny, role_required
from practice.accounts.models import ROLE_CLIENT, Practice
from practice.accounts.sessions import begin_session
from practice.audit.models import OUTCOME_DENIED
from practice.audit.operations import record_event
from practice.clients.models import Client
from practice.database import utcnow
from practice.extensions import db, limiter
from practice.handouts.context import STOP_AND_GET_HELP, variant_named
from practice.handouts.operations import handout_pdf, portal_url
from practice.intake import questionnaires
from practice.intake.forms import IntakeForm, decode_answers, questionnaire_form
from practice.intake.models import SOURCE_CLIENT
from practice.intake.operations import IntakeLocked, create_intake, record_questionnaire
from practice.intake.queries import questionnaire_labels
from practice.parse import parse_date
from practice.pdf.documents import RenderError, download, failure_page
from practice.portal import warning_signs
from practice.portal.access import get_assignment_or_404, get_shown_version_or_404, own_record, own_record_or_404
from practice.portal.forms import AcceptInvitationForm, HomeLogForm
from practice.portal.models import ASSIGNMENT_INTAKE, INVITATION_PENDING
from practice.portal.operations import (
    ForeignStep,
    HomePlan,
    PortalError,
    accept_invitation,
    client_logs,
    client_practice,
    complete_assignment,
    find_invitation,
    home_plan,
    log_for,
    loggable_days,
    open_assignments,
    open_warning,
    save_log,
)
from practice.portal.reports import client_progress, plan_started_on

bp = Blueprint("portal", __name__)

client_required = role_required(ROLE_CLIENT)

INVITATION_MESSAGES = {
    "unknown": ("This invitation link is not valid",
                "Check that you copied the whole link, or ask your therapist for a new invitation."),
    "used": ("This invitation has already been used",
             "If you set your password already, log in with your e-mail address. Forgot it? Ask your therapist "
             "for a new invitation."),
    "expired": ("This invitation has expired",
                "Invitation links work for a few days only. Ask your therapist for a new one."),
    "revoked": ("This invitation is no longer valid",
                "A newer invitation replaced it, or access was withdrawn. Ask your therapist if you need one."),
}


PLAN_CHANGED = ("Your therapist changed your plan while you had the form open. What you ticked is saved with the "
                "steps you saw; today's routine now shows the new plan.")


def _me():
    return current_user._get_current_object()


def _today() -> date:
    return date.today()


def _backfill_days() -> int:
    return current_app.config["LOG_BACKFILL_DAYS"]


@bp.route("/me")
@client_required
def home():
    """The client's home page: today's routine as a checklist, the plan, what to fill in, and help."""
    client = own_record(_me())
    if client is None or client.is_archived:
        return render_template("portal/unlinked.html")
    plan = home_plan(client)
    today = _today()
    log = log_for(client.id, today)
    form = _log_form(plan, log)
    record_event("portal.home_view", target=client)
    return render_template("portal/home.html", client=client, plan=plan, form=form, day=today, log=log,
                           assignments=open_assignments(client.id), warning=open_warning(client.id, today=today),
                           advice=warning_signs.CLIENT_ADVICE, headings=warning_signs.CLIENT_HEADINGS,
                           stop_and_get_help=STOP_AND_GET_HELP,
                           recent=client_logs(client.id, limit=7))


def _log_form(plan: HomePlan | None, log) -> HomeLogForm:
    """A day's log form showing `plan`'s steps, filled in from the day's log if there is one."""
    form = HomeLogForm(formdata=None, routine=str(plan.version.id) if plan else "")
    form.done.choices = [(key, step.name) for key, step in (plan.steps if plan else [])]
    if log is not None:
        # By key: a log saved against an earlier version ticks the same exercises in this one, never their places.
        form.done.data = list(log.done_steps or [])
        form.pain.data = str(log.pain) if log.pain is not None else None
        form.note.data = log.note
        form.signs.data = list(log.warning_signs or [])
    return form


def _posted_log_form(client) -> tuple[HomeLogForm, HomePlan | None]:
    """The posted log form, and the routine it was built from (not necessarily today's version)."""
    form = HomeLogForm()
    version = get_shown_version_or_404(client, form.routine.data)
    shown = HomePlan.of(version) if version is not None else None
    form.done.choices = [(key, step.name) for key, step in (shown.steps if shown else [])]
    return form, shown


def _parse_day(value: str) -> date:
    day = parse_date(value)
    if day is None:
        abort(404)
    return day


@bp.route("/me/log/<day>", methods=["GET", "POST"])
@client_required
def log_day(day: str):
    """Fill in (or correct) the log of one day: today or up to a week back."""
    client = own_record_or_404()
    when = _parse_day(day)
    today = _today()
    if when not in loggable_days(today, _backfill_days()):
        flash(_out_of_range_message(when, today), "error")
        return redirect(url_for("portal.history"))
    current = home_plan(client)
    log = log_for(client.id, when)
    if request.method == "POST":
        return _save_posted_log(client, when, today, current, log)
    return _log_page(client, current, _log_form(current, log), when, log, today)


def _save_posted_log(client, when: date, today: date, current: HomePlan | None, log):
    """Save the posted log against the routine its form showed; say so when the therapist has changed it since."""
    form, shown = _posted_log_form(client)
    if not form.validate_on_submit():
        return _log_page(client, shown, form, when, log, today), 400
    try:
        saved = save_log(client, when, plan=shown, done=form.done.data or [], pain=form.pain_value(),
                         note=form.note.data or "", signs=form.signs.data or [], actor=_me(), today=today,
                         backfill_days=_backfill_days())
    except ForeignStep as error:
        deny("home_log.foreign_step", target_type="plan_step", target_id=str(error)[:40], client_id=client.id)
    if saved.warning_level == "clear":
        flash(f"Saved your log for {_day_label(when, today)}. Thank you!", "success")
    if shown is not None and (current is None or shown.version.id != current.version.id):
        flash(PLAN_CHANGED, "info")
    if saved.warning_level != "clear":
        return redirect(url_for("portal.home", _anchor="warning"))
    return redirect(url_for("portal.home") if when == today else url_for("portal.history"))


def _log_page(client, plan: HomePlan | None, form: HomeLogForm, when: date, log, today: date) -> str:
    return render_template("portal/log.html", client=client, plan=plan, form=form, day=when, log=log,
                           day_label=_day_label(when, today))


def _out_of_range_message(when: date, today: date) -> str:
    if when > today:
        return "That day has not happened yet."
    return f"Days more than {_backfill_days()} days ago can no longer be filled in."


def _day_label(day: date, today: date) -> str:
    if day == today:
        return "today"
    if (today - day).days == 1:
        return "yesterday"
    return f"{day:%A} {day.day} {day:%B}"


@bp.route("/me/history")
@client_required
def history():
    """The client's past logs, and the recent days still open for a late entry."""
    client = own_record_or_404()
    today = _today()
    logs = client_logs(client.id, limit=120)
    logged = {log.logged_on for log in logs}
    open_days = [day for day in loggable_days(today, _backfill_days()) if day not in logged]
    plan = home_plan(client)
    record_event("portal.history_view", target=client)
    return render_template("portal/history.html", client=client, logs=logs, open_days=open_days, today=today,
                           day_label=_day_label, plan=plan, sign_labels=warning_signs.WARNING_SIGN_LABELS)


@bp.route("/me/progress")
@client_required
def progress():
    """Pain over time and days done, as charts with the numbers in a table too."""
    client = own_record_or_404()
    plan = home_plan(client)
    report = client_progress(client, today=_today(), steps_per_day=len(plan.steps) if plan else 0,
                             plan_started=plan_started_on(plan.plan.id) if plan else None, include_sessions=False)
    record_event("portal.progress_view", target=client)
    return render_template("portal/progress.html", client=client, report=report, plan=plan)


@bp.route("/me/handout.pdf")
@client_required
def handout():
    """The client's own take-home handout of the current plan version."""
    client = own_record_or_404()
    plan = home_plan(client)
    if plan is None:
        abort(404)
    variant = variant_named(request.args.get("variant"))
    try:
        pdf, was_cached = handout_pdf(plan.version, client_practice(client), variant, portal_url())
    except RenderError as error:
        return failure_page(error, action="handout.download", target=client,
                            title="Your handout could not be made just now", message="Please try again in a minute.")
    record_event("handout.download", target=plan.plan,
                 detail=f"version {plan.version.number}, {variant}, by the client{', cached' if was_cached else ''}")
    return download(pdf, f"my-home-plan-v{plan.version.number}.pdf")


@bp.route("/me/questionnaires/<id:assignment_id>", methods=["GET", "POST"])
@client_required
def questionnaire(assignment_id: int):
    """Answer a questionnaire the therapist asked for."""
    client = own_record_or_404()
    assignment = get_assignment_or_404(client, assignment_id)
    if assignment.kind == ASSIGNMENT_INTAKE:
        return redirect(url_for("portal.intake"))
    if not assignment.is_open:
        message = ("Your therapist no longer needs this one." if assignment.cancelled_at
                   else "You have already answered this one. Thank you!")
        flash(message, "info")
        return redirect(url_for("portal.home"))
    definition = questionnaires.QUESTIONNAIRES[assignment.kind]
    form = questionnaire_form(definition, questionnaire_labels(definition, client))(born_on=client.date_of_birth)
    answers = decode_answers(definition, form) if request.method == "POST" else {}
    if form.validate_on_submit() and not answers:
        form.form_errors.append("Answer at least one question before sending.")
    elif form.validate_on_submit():
        response = record_questionnaire(client, definition.key, answers, taken_on=_today(),
                                        actor=_me(), source=SOURCE_CLIENT)
        complete_assignment(assignment, response.id, actor=_me())
        flash(f"Thank you: your answers to the {definition.name} went to your therapist.", "success")
        return redirect(url_for("portal.home"))
    status = 400 if request.method == "POST" else 200
    return render_template("portal/questionnaire.html", definition=definition, form=form), status


@bp.route("/me/intake", methods=["GET", "POST"])
@client_required
def intake():
    """The pre-visit intake: health history and red-flag questions, when the therapist asked for it."""
    client = own_record_or_404()
    assignment = next((a for a in open_assignments(client.id) if a.kind == ASSIGNMENT_INTAKE), None)
    if assignment is None:
        flash("There is no form waiting for you. Your therapist will ask when one is needed.", "info")
        return redirect(url_for("portal.home"))
    form = IntakeForm(born_on=client.date_of_birth)
    if form.validate_on_submit():
        try:
            saved = create_intake(client, form.answers(), actor=_me(), sign=True, source=SOURCE_CLIENT)
        except IntakeLocked:
            db.session.rollback()
            flash("Your therapist is updating your details right now. Please try again later today.", "error")
            return redirect(url_for("portal.home"))
        complete_assignment(assignment, saved.id, actor=_me())
        level = saved.screening.level
        return render_template("portal/intake_sent.html", level=level, advice=warning_signs.CLIENT_ADVICE,
                               headings=warning_signs.CLIENT_HEADINGS)
    status = 400 if request.method == "POST" else 200
    return render_template("intake/form.html", client=client, form=form, intake=None, previous=None,
                           portal=True), status


# --- Invitations (anyone holding the link) -----------------------------------------------------


@bp.route("/invite/<token>", methods=["GET", "POST"])
@limiter.limit("30 per minute")
def accept(token: str):
    """Set a password from a one-time invitation link, then land on the home page."""
    invitation = find_invitation(token)
    state = invitation.status(_now()) if invitation else "unknown"
    if state != INVITATION_PENDING:
        if invitation is not None and request.method == "POST":
            record_event("portal.invitation_refused", target=invitation, outcome=OUTCOME_DENIED, detail=state)
        title, message = INVITATION_MESSAGES[state]
        return render_template("portal/invitation_invalid.html", title=title, message=message), (
            404 if state == "unknown" else 410)
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            user = accept_invitation(invitation, form.password.data)
        except PortalError as error:
            db.session.rollback()
            form.password.errors.append(str(error))
        else:
            logout_user()
            begin_session(user)
            flash("Welcome! This is your home page: your routine for today is below.", "success")
            return redirect(url_for("portal.home"))
    status = 400 if request.method == "POST" else 200
    return render_template("portal/accept.html", form=form, invitation=invitation,
                           first_name=_invited_first_name(invitation),
                           practice_name=client_practice_name(invitation)), status


def _now():
    return utcnow()


def client_practice_name(invitation) -> str:
    """The name of the practice that sent the invitation, for the page header."""
    practice = db.session.get(Practice, invitation.practice_id)
    return practice.name if practice else ""


def _invited_first_name(invitation) -> str:
    client = db.session.get(Client, invitation.client_id)
    return client.first_name if client else ""
