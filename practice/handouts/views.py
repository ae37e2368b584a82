"""Handout PDFs, their print view, and the referral summary: downloads follow the plan's access rules."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.utils import secure_filename

from practice.access import staff_required
from practice.accounts.models import Practice
from practice.audit.models import OUTCOME_FAILURE
from practice.audit.operations import record_event
from practice.clients.access import get_client_or_404
from practice.extensions import db
from practice.handouts import context as pure_context
from practice.handouts.operations import handout_context, handout_html, handout_pdf, referral_pdf
from practice.handouts.rendering import RenderError
from practice.intake import screening
from practice.intake.views import get_intake_or_404
from practice.plans.views import get_plan_or_404, get_version_or_404

bp = Blueprint("handouts", __name__, url_prefix="/clients/<id:client_id>")


def _variant() -> str:
    variant = request.args.get("variant", "standard")
    return variant if variant in pure_context.VARIANTS else "standard"


def portal_url() -> str:
    """Where clients log in, printed on handouts: PORTAL_URL, or this site's client home page."""
    return current_app.config.get("PORTAL_URL") or url_for("portal.home", _external=True)


def pdf_response(pdf: bytes, filename: str) -> Response:
    """A PDF sent as an attachment with a safe file name, never cached."""
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{secure_filename(filename) or "document.pdf"}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _render_failed(error: RenderError, client, action: str):
    db.session.rollback()
    record_event(action, target=client, outcome=OUTCOME_FAILURE, detail=str(error)[:120])
    return render_template("errors/error.html", status=503, title="The PDF could not be made",
                           message=str(error)), 503


@bp.route("/plans/<id:plan_id>/versions/<int:number>/handout.pdf")
@staff_required
def handout(client_id: int, plan_id: int, number: int):
    """Download the take-home handout of a plan version (variant=large for large print)."""
    client = get_client_or_404(client_id)
    plan = get_plan_or_404(client, plan_id)
    version = get_version_or_404(plan, number)
    practice = db.session.get(Practice, client.practice_id)
    variant = _variant()
    try:
        pdf, was_cached = handout_pdf(version, practice, variant, portal_url())
    except RenderError as error:
        return _render_failed(error, client, "handout.download")
    record_event("handout.download", target=plan, detail=f"version {number}, {variant}{', cached' if was_cached else ''}")
    large = "-large-print" if variant == "large" else ""
    return pdf_response(pdf, f"home-plan-{client.first_name}-v{number}{large}.pdf")


@bp.route("/plans/<id:plan_id>/versions/<int:number>/print")
@staff_required
def print_view(client_id: int, plan_id: int, number: int):
    """The same handout as a page, for the browser's own printing."""
    client = get_client_or_404(client_id)
    plan = get_plan_or_404(client, plan_id)
    version = get_version_or_404(plan, number)
    practice = db.session.get(Practice, client.practice_id)
    context = handout_context(version, practice, _variant(), portal_url())
    record_event("handout.print_view", target=plan, detail=f"version {number}")
    return handout_html(context, for_screen=True)


@bp.route("/intakes/<id:intake_id>/referral.pdf")
@staff_required
def referral(client_id: int, intake_id: int):
    """The one-page referral summary for the client's doctor, when the screening found warning signs."""
    client = get_client_or_404(client_id)
    intake = get_intake_or_404(client, intake_id)
    result = intake.screening
    if not result.findings:
        flash("This screening found no warning signs, so there is no referral summary to print.", "info")
        return redirect(url_for("intake.show", client_id=client.id, intake_id=intake.id))
    practice = db.session.get(Practice, client.practice_id)
    context = {
        "client_name": client.full_name, "date_of_birth": client.date_of_birth.isoformat() if client.date_of_birth else None,
        "age": intake.age_at_intake, "intake_date": intake.taken_on.isoformat(), "today": date.today().isoformat(),
        "level_label": screening.LEVEL_LABELS[result.level], "level_action": result.action,
        "findings": [{"reason": f.reason, "source": f.source,
                      "answers": [(k, t, screening.ANSWER_LABELS.get(a, a)) for k, t, a in f.answers]}
                     for f in result.findings],
        "actions": [{"acted_on": a.acted_on.isoformat(), "advice": a.advice, "referred_to": a.referred_to}
                    for a in intake.actions],
        "therapist_name": client.therapist.name if client.therapist else current_user.name,
        "practice": {"name": practice.name, "phone": practice.phone, "email": practice.email},
    }
    try:
        pdf = referral_pdf(context, practice)
    except RenderError as error:
        return _render_failed(error, client, "referral.download")
    record_event("referral.download", target=intake)
    return pdf_response(pdf, f"referral-{client.last_name}-{intake.taken_on.isoformat()}.pdf")
