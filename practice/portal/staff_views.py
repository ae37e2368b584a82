"""The therapist's side of the portal: invitations, access, requests to the client, reviews, home logs."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from practice.access import deny, staff_required
from practice.audit.models import OUTCOME_FAILURE
from practice.audit.operations import record_event
from practice.clients.access import get_client_or_404
from practice.clients.models import Client
from practice.database import utcnow
from practice.extensions import db
from practice.handouts.operations import handout_pdf, qr_data_uri
from practice.mail import MailError, send_mail
from practice.pdf.documents import RenderError, download
from practice.portal import warning_signs
from practice.portal.access import get_assignment_or_404, get_log_or_404
from practice.portal.forms import AssignForm, ReviewForm, assignment_choices
from practice.portal.models import INVITATION_PENDING
from practice.portal.operations import (
    PortalError,
    assign,
    cancel_assignment,
    client_logs,
    client_practice,
    create_invitation,
    find_invitation,
    home_plan,
    remove_access,
    review_log,
)
from practice.site import public_url
from practice.unit_of_work import reads_only, respond_after_commit

bp = Blueprint("portal_staff", __name__, url_prefix="/clients/<id:client_id>/portal")


def _actor():
    return current_user._get_current_object()


def _back(client: Client):
    return redirect(url_for("casefile.show", client_id=client.id, _anchor="home-care"))


def invitation_link(token: str) -> str:
    """The full link a client opens to accept an invitation, on the configured public site (SITE_URL)."""
    return public_url("portal.accept", token=token)


@bp.route("/invite", methods=["POST"])
@staff_required
def invite(client_id: int):
    """Create a one-time invitation, e-mail it, and show the link and its QR code to copy or print."""
    client = get_client_or_404(client_id)
    try:
        invitation, token = create_invitation(client, actor=_actor(), days=current_app.config["INVITATION_DAYS"])
    except PortalError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _back(client)
    link, plan = invitation_link(token), home_plan(client)

    def page_after_mailing() -> str:
        # Only a committed invitation is mailed: a link that a rollback would make unknown never goes out.
        return render_template("portal/invitation.html", client=client, invitation=invitation, link=link, token=token,
                               qr=qr_data_uri(link), mailed=_mail_invitation(client, invitation, link), plan=plan)

    return respond_after_commit(page_after_mailing)


def _mail_invitation(client: Client, invitation, link: str) -> bool:
    practice = client_practice(client)
    body = render_template("portal/invitation_email.txt", client=client, practice=practice, link=link,
                           expires=invitation.expires_at)
    try:
        send_mail(to=invitation.email, subject=f"Your home care plan at {practice.name}", body=body)
    except MailError as error:
        record_event("portal.invite_mail", target=invitation, outcome=OUTCOME_FAILURE, detail=str(error))
        return False
    return True


@bp.route("/invitation-handout", methods=["POST"])
@staff_required
@reads_only  # posted only to keep the token out of URLs: it writes nothing but its audit row, after the render
def invitation_handout(client_id: int):
    """The handout with the invitation link in its QR code, for a client who has not joined yet (not cached)."""
    client = get_client_or_404(client_id)
    invitation = find_invitation(request.form.get("token", ""))
    if invitation is None or invitation.client_id != client.id:
        deny("portal.invitation_denied", target_type="invitation", target_id=None, client_id=client.id)
    plan = home_plan(client)
    if invitation.status(utcnow()) != INVITATION_PENDING or plan is None:
        flash("This invitation is no longer open, or the client has no active plan to print.", "error")
        return _back(client)
    try:
        pdf, _ = handout_pdf(plan.version, client_practice(client), "standard",
                             invitation_link(request.form["token"]), cache=False)
    except RenderError as error:
        db.session.rollback()
        flash(f"The handout could not be made: {error}", "error")
        return _back(client)
    record_event("handout.download", target=plan.plan, detail=f"version {plan.version.number}, with invitation")
    return download(pdf, f"home-plan-{client.first_name}-v{plan.version.number}-invitation.pdf")


@bp.route("/remove-access", methods=["POST"])
@staff_required
def remove(client_id: int):
    """End the client's portal access at once (their session ends on the next request)."""
    client = get_client_or_404(client_id)
    remove_access(client, actor=_actor())
    flash(f"{client.first_name} can no longer log in. Send a new invitation to give access again.", "success")
    return _back(client)


@bp.route("/assign", methods=["POST"])
@staff_required
def assign_form(client_id: int):
    """Ask the client to fill in a questionnaire or the pre-visit intake in the portal."""
    client = get_client_or_404(client_id)
    form = AssignForm()
    if not form.validate_on_submit():
        flash(" ".join(form.kind.errors) or "Choose something from the list.", "error")
        return _back(client)
    try:
        assign(client, form.kind.data, actor=_actor())
    except PortalError as error:
        flash(str(error), "error")
        return _back(client)
    flash(f"Sent to {client.first_name}'s portal page.", "success")
    return _back(client)


@bp.route("/assignments/<id:assignment_id>/cancel", methods=["POST"])
@staff_required
def cancel(client_id: int, assignment_id: int):
    """Withdraw a request the client has not answered."""
    client = get_client_or_404(client_id)
    assignment = get_assignment_or_404(client, assignment_id)
    if assignment.is_open:
        cancel_assignment(assignment, actor=_actor())
        flash("Request withdrawn.", "success")
    return _back(client)


@bp.route("/logs/<id:log_id>/review", methods=["POST"])
@staff_required
def review(client_id: int, log_id: int):
    """Record what was done about warning signs the client reported at home."""
    client = get_client_or_404(client_id)
    log = get_log_or_404(client, log_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        flash(" ".join(form.note.errors), "error")
        return _back(client)
    review_log(log, note=form.note.data, actor=_actor())
    flash("Marked as reviewed.", "success")
    return _back(client)


@bp.route("/logs")
@staff_required
def logs(client_id: int):
    """Every home log of the client, newest first."""
    client = get_client_or_404(client_id)
    entries = client_logs(client.id, limit=365)
    record_event("home_log.list_view", target=client)
    return render_template("portal/staff_logs.html", client=client, logs=entries,
                           sign_labels=warning_signs.WARNING_SIGN_LABELS)


@bp.app_template_global()
def warning_sign_label(key: str) -> str:
    """The plain label of a warning sign a client can report."""
    return warning_signs.WARNING_SIGN_LABELS.get(key, key)


@bp.app_template_global()
def assignment_label(kind: str) -> str:
    """What an assignment asks for, in words."""
    return dict(assignment_choices()).get(kind, kind)
