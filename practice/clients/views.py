"""Views for client records. Every view loads records through `get_client_or_404`."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from practice.access import deny, staff_required
from practice.accounts.models import User
from practice.audit.operations import record_event
from practice.clients.access import get_client_or_404
from practice.clients.blueprint import bp
from practice.clients.forms import ClientForm
from practice.clients.models import Client
from practice.clients.operations import (
    EDITABLE_FIELDS,
    assign_therapist,
    assignable_therapists,
    client_list_page,
    create_client,
    update_client,
)
from practice.database import is_record_id
from practice.extensions import db
from practice.forms import form_page_status, page_number

SEARCH_MAX = 100


def _therapist_from_form(form: ClientForm, client: Client | None) -> User | None:
    """The therapist chosen in the form; therapists cannot reassign, and foreign ids are a 404."""
    if not current_user.is_owner:
        return client.therapist if client else current_user._get_current_object()
    chosen = form.therapist_id.data or 0
    if chosen == 0:
        return None
    therapist = db.session.get(User, chosen) if is_record_id(chosen) else None
    if therapist is None or therapist.practice_id != current_user.practice_id or not therapist.is_staff:
        deny("user.access_denied", target_type="user", target_id=chosen)
    return therapist


def _form_values(form: ClientForm) -> dict:
    values = {name: getattr(form, name).data for name in EDITABLE_FIELDS if hasattr(form, name)}
    values["consent_treatment_on"], values["consent_health_data_on"] = form.consent_dates()
    return values


def _client_form(client: Client | None = None) -> ClientForm:
    choices = [(user.id, user.name) for user in assignable_therapists(current_user.practice_id)]
    form = ClientForm(obj=client, therapist_choices=choices)
    if client is not None and request.method == "GET":
        form.therapist_id.data = client.therapist_id or 0
        form.consents_to_treatment.data = client.consent_treatment_on is not None
        form.consents_to_health_data.data = client.consent_health_data_on is not None
    if not current_user.is_owner:
        del form.therapist_id
    return form


@bp.route("/")
@staff_required
def index():
    """The client list with search by name or e-mail, and pagination."""
    text = request.args.get("q", "", type=str)[:SEARCH_MAX]
    show_archived = request.args.get("show") == "archived"
    page = page_number()
    cap = current_app.config["SEARCH_COUNT_CAP"]
    pagination, is_capped = client_list_page(current_user, text, archived=show_archived, page=page,
                                             per_page=current_app.config["CLIENTS_PER_PAGE"], count_cap=cap)
    return render_template("clients/index.html", pagination=pagination, q=text, show_archived=show_archived,
                           is_capped=is_capped, count_cap=cap)


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def new():
    """Create a client record."""
    form = _client_form()
    if form.validate_on_submit():
        therapist = _therapist_from_form(form, None)
        client = create_client(current_user.practice_id, _form_values(form), therapist=therapist,
                               actor=current_user._get_current_object())
        flash(f"{client.full_name} has been added.", "success")
        return redirect(url_for("casefile.show", client_id=client.id))
    return render_template("clients/form.html", form=form, client=None), form_page_status()


@bp.route("/<id:client_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(client_id: int):
    """Edit a client record; the owner can also reassign the therapist."""
    client = get_client_or_404(client_id)
    form = _client_form(client)
    if form.validate_on_submit():
        actor = current_user._get_current_object()
        therapist = _therapist_from_form(form, client)
        changed = update_client(client, _form_values(form), actor=actor)
        reassigned = assign_therapist(client, therapist, actor=actor) if current_user.is_owner else False
        flash("Changes saved." if changed or reassigned else "Nothing had changed.", "success")
        return redirect(url_for("casefile.show", client_id=client.id))
    record_event("client.view", target=client, detail="edit form")
    return render_template("clients/form.html", form=form, client=client), form_page_status()
