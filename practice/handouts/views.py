"""Handout PDFs, their print view, and the referral summary: downloads follow the plan's access rules."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user

from practice.access import staff_required
from practice.accounts.models import Practice
from practice.audit.operations import record_event
from practice.clients.access import get_client_or_404
from practice.extensions import db
from practice.handouts.context import variant_named
from practice.handouts.operations import (
    handout_context,
    handout_html,
    handout_pdf,
    portal_url,
    referral_context,
    referral_pdf,
)
from practice.intake.access import get_intake_or_404
from practice.pdf.documents import RenderError, download, failure_page
from practice.plans.access import get_plan_or_404, get_version_or_404

bp = Blueprint("handouts", __name__, url_prefix="/clients/<id:client_id>")


@bp.route("/plans/<id:plan_id>/versions/<int:number>/handout.pdf")
@staff_required
def handout(client_id: int, plan_id: int, number: int):
    """Download the take-home handout of a plan version (variant=large for large print)."""
    client = get_client_or_404(client_id)
    plan = get_plan_or_404(client, plan_id)
    version = get_version_or_404(plan, number)
    practice = db.session.get(Practice, client.practice_id)
    variant = variant_named(request.args.get("variant"))
    try:
        pdf, was_cached = handout_pdf(version, practice, variant, portal_url())
    except RenderError as error:
        return failure_page(error, action="handout.download", target=client)
    record_event("handout.download", target=plan, detail=f"version {number}, {variant}{', cached' if was_cached else ''}")
    large = "-large-print" if variant == "large" else ""
    return download(pdf, f"home-plan-{client.first_name}-v{number}{large}.pdf")


@bp.route("/plans/<id:plan_id>/versions/<int:number>/print")
@staff_required
def print_view(client_id: int, plan_id: int, number: int):
    """The same handout as a page, for the browser's own printing."""
    client = get_client_or_404(client_id)
    plan = get_plan_or_404(client, plan_id)
    version = get_version_or_404(plan, number)
    practice = db.session.get(Practice, client.practice_id)
    context = handout_context(version, practice, variant_named(request.args.get("variant")), portal_url())
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
    context = referral_context(client, intake, practice, therapist_name=client.therapist.name if client.therapist
                               else current_user.name)
    try:
        pdf = referral_pdf(context, practice)
    except RenderError as error:
        return failure_page(error, action="referral.download", target=client)
    record_event("referral.download", target=intake)
    return download(pdf, f"referral-{client.last_name}-{intake.taken_on.isoformat()}.pdf")
