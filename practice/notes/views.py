"""Views of session notes: SOAP notes per visit; signed notes are locked and take amendments."""
from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from practice.access import staff_required
from practice.audit.operations import record_event
from practice.clients.access import get_client_or_404
from practice.clients.models import Client
from practice.extensions import db
from practice.forms import form_page_status, posted_row_version
from practice.notes.access import get_note_or_404
from practice.notes.blueprint import bp
from practice.notes.forms import AmendmentForm, SessionNoteForm
from practice.notes.operations import (
    NOTE_FIELDS,
    NoteConflict,
    NoteLocked,
    amend_note,
    create_note,
    update_note,
)
from practice.plans.models import STATUS_ACTIVE, Plan
from practice.portal.reports import home_summary_for_next_session


def _values(form: SessionNoteForm) -> dict:
    return {name: form[name].data for name in NOTE_FIELDS}


def _plan_techniques(client: Client) -> list[str]:
    plan = db.session.scalar(select(Plan).where(Plan.client_id == client.id, Plan.status == STATUS_ACTIVE))
    return list(plan.techniques) if plan else []


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def new(client_id: int):
    """Record a visit."""
    client = get_client_or_404(client_id)
    form = SessionNoteForm(born_on=client.date_of_birth)
    if request.method == "GET":
        form.techniques.data = _plan_techniques(client)  # picked from the plan; the therapist unticks
        form.subjective.data = home_summary_for_next_session(client.id, today=date.today())  # the client's own logs
    if form.validate_on_submit():
        note = create_note(client, _values(form), actor=current_user._get_current_object(),
                           sign=request.form.get("submit_action") == "sign")
        flash("Session note signed." if note.is_signed else "Session note saved.", "success")
        return redirect(url_for("notes.show", client_id=client.id, note_id=note.id))
    return render_template("notes/form.html", client=client, form=form, note=None), form_page_status()


@bp.route("/<id:note_id>")
@staff_required
def show(client_id: int, note_id: int):
    """A session note with its amendments."""
    client = get_client_or_404(client_id)
    note = get_note_or_404(client, note_id)
    record_event("session.view", target=note)
    return render_template("notes/show.html", client=client, note=note, form=AmendmentForm())


@bp.route("/<id:note_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(client_id: int, note_id: int):
    """Edit an unsigned note; a signed one is locked."""
    client = get_client_or_404(client_id)
    note = get_note_or_404(client, note_id)
    if note.is_signed:
        flash("This note is signed and locked. Add an amendment instead.", "info")
        return redirect(url_for("notes.show", client_id=client.id, note_id=note.id))
    form = SessionNoteForm(obj=note, born_on=client.date_of_birth)
    if form.validate_on_submit():
        try:
            update_note(note, _values(form), seen_row_version=posted_row_version(request.form.get("row_version")),
                        actor=current_user._get_current_object(), sign=request.form.get("submit_action") == "sign")
        except (NoteConflict, NoteLocked):
            db.session.rollback()
            flash("Someone else saved this note while you were editing it. Your text is still in the form; "
                  "compare it with the saved note and save again.", "error")
            return render_template("notes/form.html", client=client, form=form, note=note), 409
        flash("Session note saved.", "success")
        return redirect(url_for("notes.show", client_id=client.id, note_id=note.id))
    if request.method == "GET":
        # The form shows the note's text: opening it is a view of health information.
        record_event("session.view", target=note, detail="edit form")
    return render_template("notes/form.html", client=client, form=form, note=note), form_page_status()


@bp.route("/<id:note_id>/amend", methods=["POST"])
@staff_required
def amend(client_id: int, note_id: int):
    """Add a dated amendment to a signed note."""
    client = get_client_or_404(client_id)
    note = get_note_or_404(client, note_id)
    form = AmendmentForm()
    if not note.is_signed:
        flash("Unsigned notes are edited directly.", "info")
        return redirect(url_for("notes.edit", client_id=client.id, note_id=note.id))
    if not form.validate_on_submit():
        return render_template("notes/show.html", client=client, note=note, form=form), 400
    amend_note(note, form.text.data, actor=current_user._get_current_object())
    flash("Amendment added.", "success")
    return redirect(url_for("notes.show", client_id=client.id, note_id=note.id))
