"""Views for intakes, red-flag actions and questionnaires. Every view loads the client first."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from practice.access import deny, staff_required
from practice.audit.operations import record_event
from practice.clients.access import get_client_or_404
from practice.clients.models import Client
from practice.extensions import db
from practice.forms import form_page_status, posted_row_version
from practice.intake import body_regions, contraindications, questionnaires, screening
from practice.intake.access import get_intake_or_404
from practice.intake.assessment import CONTRIBUTORS, PAIN_QUALITIES, STAGE_LABELS, assess, stage_of
from practice.intake.blueprint import bp
from practice.intake.forms import IntakeForm, RedFlagActionForm, decode_answers, questionnaire_form
from practice.intake.models import Intake
from practice.intake.operations import (
    IntakeConflict,
    IntakeLocked,
    create_intake,
    latest_intake,
    needs_action,
    open_draft,
    record_action,
    record_questionnaire,
    review_client_intake,
    update_draft,
)
from practice.intake.queries import questionnaire_labels

CONFLICT_MESSAGE = ("Someone else saved this intake while you were editing it. Your answers are still in the "
                    "form below; check them against the saved version and save again.")


def _actor():
    return current_user._get_current_object()


def _wants_to_sign() -> bool:
    return request.form.get("submit_action") == "sign"


@bp.route("/intakes/new", methods=["GET", "POST"])
@staff_required
def new(client_id: int):
    """Record a new intake; a client with a draft continues that draft instead."""
    client = get_client_or_404(client_id)
    draft = open_draft(client.id)
    if draft is not None and request.method == "GET":
        return redirect(url_for("intake.edit", client_id=client.id, intake_id=draft.id))
    form = IntakeForm(born_on=client.date_of_birth)
    if draft is not None:  # a colleague started a draft while this form was being filled in
        return _draft_exists(client, form, draft)
    previous = latest_intake(client.id)
    if request.method == "GET" and previous is not None:
        form.load(previous.answers)  # a reassessment starts from the last signed answers
    if form.validate_on_submit():
        try:
            intake = create_intake(client, form.answers(), actor=_actor(), sign=_wants_to_sign())
        except IntakeLocked:  # a colleague started a draft meanwhile
            db.session.rollback()
            return _draft_exists(client, form, open_draft(client.id))
        flash("Intake signed." if intake.is_signed else "Draft saved.", "success")
        return redirect(url_for("intake.show", client_id=client.id, intake_id=intake.id))
    return (render_template("intake/form.html", client=client, form=form, intake=None, previous=previous),
            form_page_status())


def _draft_exists(client: Client, form: IntakeForm, draft: Intake | None):
    """Nothing saved: show the posted answers again with a link to the colleague's draft (409)."""
    flash("This client already has an intake draft, started by someone else while you were filling this in. "
          "Nothing was saved: your answers are still below. Open the draft to compare, then add yours there.",
          "error")
    return render_template("intake/form.html", client=client, form=form, intake=None,
                           previous=latest_intake(client.id), existing_draft=draft), 409


@bp.route("/intakes/<id:intake_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(client_id: int, intake_id: int):
    """Continue a draft. Signed intakes are locked."""
    client = get_client_or_404(client_id)
    intake = get_intake_or_404(client, intake_id)
    if intake.is_signed:
        flash("This intake is signed and locked. Start a reassessment to record changes.", "info")
        return redirect(url_for("intake.show", client_id=client.id, intake_id=intake.id))
    form = IntakeForm(born_on=client.date_of_birth)
    if request.method == "GET":
        form.load(intake.answers)
    seen = posted_row_version(request.form.get("row_version"))
    if form.validate_on_submit():
        try:
            update_draft(intake, client, form.answers(), seen_row_version=seen, actor=_actor(), sign=_wants_to_sign())
        except IntakeConflict:
            db.session.rollback()
            flash(CONFLICT_MESSAGE, "error")
            return render_template("intake/form.html", client=client, form=form, intake=intake, conflict=True), 409
        flash("Intake signed." if intake.is_signed else "Draft saved.", "success")
        return redirect(url_for("intake.show", client_id=client.id, intake_id=intake.id))
    record_event("intake.view", target=intake, detail="edit form")
    return render_template("intake/form.html", client=client, form=form, intake=intake), form_page_status()


@bp.route("/intakes/<id:intake_id>")
@staff_required
def show(client_id: int, intake_id: int):
    """An intake with its screening result, actions and contraindication table."""
    client = get_client_or_404(client_id)
    intake = get_intake_or_404(client, intake_id)
    record_event("intake.view", target=intake)
    return _render_intake(client, intake, RedFlagActionForm(born_on=client.date_of_birth))


def _render_intake(client: Client, intake: Intake, action_form: RedFlagActionForm, status: int = 200):
    stage = stage_of(intake.answers, intake.taken_on)
    return render_template(
        "intake/show.html", client=client, intake=intake, result=intake.screening,
        techniques=assess(intake.answers, intake.age_at_intake).techniques,
        stage_label=STAGE_LABELS.get(stage), action_form=action_form, needs_action=needs_action(intake),
        is_latest=latest_intake(client.id).id == intake.id,
    ), status


@bp.route("/intakes/<id:intake_id>/action", methods=["POST"])
@staff_required
def action(client_id: int, intake_id: int):
    """Record the advice given or the referral made for a screening that needs action."""
    client = get_client_or_404(client_id)
    intake = get_intake_or_404(client, intake_id)
    form = RedFlagActionForm(born_on=client.date_of_birth)
    if not form.validate_on_submit():
        return _render_intake(client, intake, form, 400)
    record_action(intake, advice=form.advice.data, referred_to=form.referred_to.data, acted_on=form.acted_on.data,
                  actor=_actor())
    flash("The action taken has been recorded.", "success")
    return redirect(url_for("intake.show", client_id=client.id, intake_id=intake.id))


@bp.route("/intakes/<id:intake_id>/review", methods=["POST"])
@staff_required
def review(client_id: int, intake_id: int):
    """Mark an intake the client filled in as gone through."""
    client = get_client_or_404(client_id)
    intake = get_intake_or_404(client, intake_id)
    if intake.awaits_review:
        review_client_intake(intake, actor=_actor())
        flash("Marked as reviewed. Screening results still need their action recorded if any.", "success")
    return redirect(url_for("intake.show", client_id=client.id, intake_id=intake.id))


@bp.route("/questionnaires/<key>/new", methods=["GET", "POST"])
@staff_required
def questionnaire(client_id: int, key: str):
    """Enter a client's answers to an outcome questionnaire; the score is computed and kept."""
    client = get_client_or_404(client_id)
    definition = questionnaires.QUESTIONNAIRES.get(key)
    if definition is None:
        deny("questionnaire.unknown", target_type="questionnaire", target_id=key, client_id=client.id)
    labels = questionnaire_labels(definition, client)
    form = questionnaire_form(definition, labels)(born_on=client.date_of_birth)
    if form.validate_on_submit():
        response = record_questionnaire(client, key, decode_answers(definition, form), taken_on=form.taken_on.data,
                                        actor=_actor())
        if response.is_complete:
            flash(f"{definition.name} saved.", "success")
        else:
            flash(f"{definition.name} saved, but it is incomplete, so it has no score.", "info")
        return redirect(url_for("casefile.show", client_id=client.id))
    return (render_template("intake/questionnaire.html", client=client, definition=definition, form=form),
            form_page_status())


@bp.app_template_global()
def screening_level_label(level: str) -> str:
    """The plain label of a screening level."""
    return screening.LEVEL_LABELS.get(level, level)


@bp.app_template_global()
def format_score(value) -> str:
    """A score without a needless '.0'."""
    if value is None:
        return "—"
    return f"{value:g}" if isinstance(value, float) else str(value)


# Labels the intake templates look up by key; built once, they never change at run time.
TEMPLATE_VALUES = {
    "answer_labels": screening.ANSWER_LABELS,
    "question_texts": {question.key: question.text for question in screening.RED_FLAG_QUESTIONS},
    "categories": screening.CATEGORIES,
    "contra_labels": contraindications.LEVEL_LABELS,
    "startback_advice": questionnaires.STARTBACK_ADVICE,
    "region_label": body_regions.region_label,
    "labels": {
        "qualities": dict(PAIN_QUALITIES),
        "contributors": dict(CONTRIBUTORS),
        "conditions": dict(contraindications.CONDITIONS),
        "medications": dict(contraindications.MEDICATIONS),
    },
}


@bp.app_context_processor
def intake_template_values() -> dict:
    """Labels for screening answers, techniques, regions and conditions."""
    return TEMPLATE_VALUES
