"""The client page, which gathers every domain's part of the record, and archiving or restoring a client."""
from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from practice.access import staff_required
from practice.audit.operations import record_event
from practice.casefile.blueprint import bp
from practice.casefile.operations import archive_client, restore_client
from practice.clients.access import get_client_or_404
from practice.intake.operations import client_intake_summary
from practice.intake.questionnaires import QUESTIONNAIRES
from practice.notes.operations import recent_notes
from practice.plans.operations import client_plans
from practice.portal.forms import AssignForm, ReviewForm
from practice.portal.reports import home_care_panel


@bp.route("/<id:client_id>")
@staff_required
def show(client_id: int):
    """A client's page: intake and screening, plans and notes, and the home care seen through the portal."""
    client = get_client_or_404(client_id)
    record_event("client.view", target=client)
    return render_template("casefile/show.html", client=client, intake=client_intake_summary(client),
                           questionnaires=QUESTIONNAIRES, plans=client_plans(client.id),
                           notes=recent_notes(client.id), home_care=home_care_panel(client, today=date.today()),
                           assign_form=AssignForm(), review_form=ReviewForm())


@bp.route("/<id:client_id>/archive", methods=["POST"])
@staff_required
def archive(client_id: int):
    """Archive a client: they leave the list, and nothing is deleted."""
    return _change_archived(client_id, archive_client, "archived")


@bp.route("/<id:client_id>/restore", methods=["POST"])
@staff_required
def restore(client_id: int):
    """Bring an archived client back to the list."""
    return _change_archived(client_id, restore_client, "restored")


def _change_archived(client_id: int, change, done: str):
    client = get_client_or_404(client_id)
    change(client, actor=current_user._get_current_object())
    flash(f"{client.full_name} has been {done}.", "success")
    return redirect(url_for("casefile.show", client_id=client.id))
