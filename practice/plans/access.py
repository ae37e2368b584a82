"""Loading plans, their frozen versions and their steps: only through their client."""
from __future__ import annotations

from practice.access import deny
from practice.clients.models import Client
from practice.extensions import db
from practice.plans.models import Plan, PlanStep, PlanVersion


def get_plan_or_404(client: Client, plan_id: int) -> Plan:
    """A plan of this client (loaded with `get_client_or_404` first); any other id is an audited 404."""
    plan = db.session.get(Plan, plan_id)
    if plan is None or plan.client_id != client.id:
        deny("plan.access_denied", target_type="plan", target_id=plan_id, client_id=client.id)
    return plan


def get_version_or_404(plan: Plan, number: int) -> PlanVersion:
    """A frozen version of this plan by its number; any other number is an audited 404."""
    version = next((v for v in plan.versions if v.number == number), None)
    if version is None:
        deny("plan.access_denied", target_type="plan_version", target_id=number, client_id=plan.client_id)
    return version


def get_step_or_404(plan: Plan, step_id: int) -> PlanStep:
    """A step of this plan's routine; any other id is an audited 404."""
    step = db.session.get(PlanStep, step_id)
    if step is None or step.plan_id != plan.id:
        deny("plan.access_denied", target_type="plan_step", target_id=step_id, client_id=plan.client_id)
    return step
