"""Views of the plan builder. Every view loads the client, then the plan of that client."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from practice.access import staff_required
from practice.audit.operations import record_event
from practice.clients.access import get_client_or_404
from practice.clients.models import Client
from practice.extensions import db
from practice.forms import posted_row_version
from practice.intake import contraindications
from practice.intake.operations import latest_intake
from practice.library.access import get_item_or_404
from practice.library.operations import practice_library
from practice.plans import operations
from practice.plans.access import get_plan_or_404, get_step_or_404, get_version_or_404
from practice.plans.blueprint import bp
from practice.plans.forms import AddStepForm, PlanDetailsForm, PublishForm, StepForm
from practice.plans.models import Plan

CONFLICT = "This plan was changed by someone else since you opened it. Nothing was saved; here is what changed:"


def _actor():
    return current_user._get_current_object()


def _back(client: Client, plan: Plan, anchor: str = ""):
    return redirect(url_for("plans.show", client_id=client.id, plan_id=plan.id) + anchor)


def _render(client: Client, plan: Plan, *, details_form=None, add_form=None, status: int = 200, conflict=None):
    intake = latest_intake(client.id)
    table = operations.client_table(client, intake)
    library = practice_library(client.practice_id, kind="home")
    add_form = add_form or AddStepForm(formdata=None, row_version=plan.row_version)
    add_form.item_id.choices = [(item.id, item.name) for item in library]
    details_form = details_form or PlanDetailsForm(formdata=None, obj=plan, row_version=plan.row_version)
    verdicts = {item.id: table.get(item.contraindication_key) for item in library if item.contraindication_key}
    return render_template(
        "plans/show.html", client=client, plan=plan, steps=operations.step_views(plan, table),
        details_form=details_form, add_form=add_form, publish_form=PublishForm(formdata=None, row_version=plan.row_version),
        step_form_for=lambda step: StepForm(formdata=None, obj=step, row_version=plan.row_version,
                                            prefix=f"step{step.id}"),
        activation_problem=operations.activation_problem(plan, client) if plan.status == "draft" else None,
        table=table, verdicts=verdicts, levels=contraindications, conflict=conflict, intake=intake), status


@bp.route("/new", methods=["POST"])
@staff_required
def new(client_id: int):
    """Start a plan from the suggestion for the latest intake."""
    client = get_client_or_404(client_id)
    intake = latest_intake(client.id)
    if intake is None:
        flash("Record an intake first: the plan is built from it.", "error")
        return redirect(url_for("casefile.show", client_id=client.id))
    plan = operations.create_plan(client, intake, actor=_actor())
    flash("A suggested plan has been drafted from the intake. Check and edit it, then activate it.", "success")
    return _back(client, plan)


@bp.route("/<id:plan_id>")
@staff_required
def show(client_id: int, plan_id: int):
    """The plan builder page."""
    client = get_client_or_404(client_id)
    plan = get_plan_or_404(client, plan_id)
    record_event("plan.view", target=plan)
    return _render(client, plan)


def _attempt(client: Client, plan: Plan, change, success: str, anchor: str = "", **render):
    """Run `change`; answer a conflict with 409 and what changed, a refusal with its reason."""
    try:
        change()
    except operations.PlanConflict as conflict:
        db.session.rollback()
        return _render(client, plan, status=409, conflict=conflict.changes, **render)
    except operations.PlanRefused as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
        return _render(client, plan, status=400, **render)
    flash(success, "success")
    return _back(client, plan, anchor)


@bp.route("/<id:plan_id>/details", methods=["POST"])
@staff_required
def details(client_id: int, plan_id: int):
    """Save the goals, the professional part and the advice."""
    client = get_client_or_404(client_id)
    plan = get_plan_or_404(client, plan_id)
    form = PlanDetailsForm()
    if not form.validate_on_submit():
        return _render(client, plan, details_form=form, status=400)
    return _attempt(client, plan, lambda: operations.update_details(
        plan, client, form.values(), override_reason=form.technique_override_reason.data,
        seen_row_version=form.seen_row_version(), actor=_actor()), "Plan details saved.", details_form=form)


@bp.route("/<id:plan_id>/steps", methods=["POST"])
@staff_required
def add_step(client_id: int, plan_id: int):
    """Add a home step; an item to avoid needs an override reason."""
    client = get_client_or_404(client_id)
    plan = get_plan_or_404(client, plan_id)
    form = AddStepForm()
    form.item_id.choices = []
    if not form.validate_on_submit():
        return _render(client, plan, add_form=form, status=400)
    item = get_item_or_404(form.item_id.data, client.practice_id, client_id=client.id)
    return _attempt(client, plan, lambda: operations.add_step(
        plan, item, client, values=form.dose_values(), override_reason=form.override_reason.data,
        seen_row_version=form.seen_row_version(), actor=_actor()), f"{item.name} added.", "#routine", add_form=form)


@bp.route("/<id:plan_id>/steps/<id:step_id>", methods=["POST"])
@staff_required
def update_step(client_id: int, plan_id: int, step_id: int):
    """Change a step's dose or note."""
    client = get_client_or_404(client_id)
    plan = get_plan_or_404(client, plan_id)
    step = get_step_or_404(plan, step_id)
    form = StepForm(prefix=f"step{step.id}")
    if not form.validate_on_submit():
        flash("; ".join(error for errors in form.errors.values() for error in errors), "error")
        return _render(client, plan, status=400)
    return _attempt(client, plan, lambda: operations.update_step(
        plan, step, values=form.dose_values(), seen_row_version=form.seen_row_version(), actor=_actor()),
        "Step saved.", "#routine")


@bp.route("/<id:plan_id>/steps/<id:step_id>/remove", methods=["POST"])
@staff_required
def remove_step(client_id: int, plan_id: int, step_id: int):
    """Remove a step from the routine."""
    client = get_client_or_404(client_id)
    plan = get_plan_or_404(client, plan_id)
    step = get_step_or_404(plan, step_id)
    return _attempt(client, plan, lambda: operations.remove_step(
        plan, step, seen_row_version=_seen(), actor=_actor()), "Step removed.", "#routine")


@bp.route("/<id:plan_id>/steps/<id:step_id>/move", methods=["POST"])
@staff_required
def move_step(client_id: int, plan_id: int, step_id: int):
    """Move a step up or down."""
    client = get_client_or_404(client_id)
    plan = get_plan_or_404(client, plan_id)
    step = get_step_or_404(plan, step_id)
    offset = -1 if request.form.get("direction") == "up" else 1
    return _attempt(client, plan, lambda: operations.move_step(
        plan, step, offset, seen_row_version=_seen(), actor=_actor()), "Step moved.", "#routine")


def _seen() -> int:
    return posted_row_version(request.form.get("row_version"))


@bp.route("/<id:plan_id>/activate", methods=["POST"])
@staff_required
def activate(client_id: int, plan_id: int):
    """Activate a draft plan and freeze version 1."""
    client = get_client_or_404(client_id)
    plan = get_plan_or_404(client, plan_id)
    return _attempt(client, plan, lambda: operations.activate(plan, client, seen_row_version=_seen(), actor=_actor()),
                    "The plan is active. Version 1 is saved and can be printed.")


@bp.route("/<id:plan_id>/publish", methods=["POST"])
@staff_required
def publish(client_id: int, plan_id: int):
    """Save the edits of an active plan as its next version."""
    client = get_client_or_404(client_id)
    plan = get_plan_or_404(client, plan_id)
    form = PublishForm()
    if not form.validate_on_submit():
        flash("; ".join(error for errors in form.errors.values() for error in errors), "error")
        return _render(client, plan, status=400)
    return _attempt(client, plan, lambda: operations.publish(
        plan, client, summary=form.summary.data, seen_row_version=form.seen_row_version(), actor=_actor()),
        "Saved as a new version.")


@bp.route("/<id:plan_id>/status", methods=["POST"])
@staff_required
def status(client_id: int, plan_id: int):
    """Complete or archive a plan."""
    client = get_client_or_404(client_id)
    plan = get_plan_or_404(client, plan_id)
    return _attempt(client, plan, lambda: operations.set_status(plan, request.form.get("status", ""), actor=_actor()),
                    "Plan status changed.")


@bp.route("/<id:plan_id>/versions/<int:number>")
@staff_required
def version(client_id: int, plan_id: int, number: int):
    """A frozen version exactly as it was saved."""
    client = get_client_or_404(client_id)
    plan = get_plan_or_404(client, plan_id)
    frozen = get_version_or_404(plan, number)
    record_event("plan.version_view", target=plan, detail=f"version {number}")
    return render_template("plans/version.html", client=client, plan=plan, version=frozen, content=frozen.frozen)


