"""The handout's template context: plain values from a frozen plan version. Pure: no Flask, no database.

Everything printed comes from here, so the cache key (a hash of this context) changes exactly when what the
client would read changes.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from practice.plans.content import FrozenPlan, FrozenStep

TRACKER_DAYS = 14
VARIANTS = ("standard", "large")


def variant_named(name: str | None) -> str:
    """The handout variant asked for ("large" for large print), or the standard one for anything else."""
    return name if name in VARIANTS else "standard"

# The safety net on every handout, in plain words (clinical.md sections 1 and 2).
STOP_AND_GET_HELP = (
    ("Go to an emergency department or call for an ambulance now if you have",
     ("numbness between your legs, around your bottom or genitals",
      "trouble passing urine, or you cannot control your bladder or bowels",
      "new or worsening weakness in your legs, or you find it hard to walk",
      "pain going down both legs")),
    ("See a doctor soon (within a few days) if you have",
     ("a fever, chills or night sweats with back pain",
      "weight loss you cannot explain",
      "pain at night that does not ease when you change position",
      "pain that keeps getting worse, or no better after a few weeks")),
)


@dataclass(frozen=True)
class Practice:
    """The practice details printed in the header."""

    name: str
    phone: str | None
    email: str | None
    paper_size: str  # "A4" or "letter"


def build_context(plan: FrozenPlan, *, version_number: int, saved_on: str, practice: Practice, portal_url: str,
                  qr_data_uri: str, variant: str) -> dict:
    """The handout context for one frozen version."""
    return {
        "title": f"Home care plan for {plan.client_first_name}".strip(),
        "client_first_name": plan.client_first_name,
        "therapist": plan.therapist,
        "plan_title": plan.title,
        "version_number": version_number,
        "saved_on": saved_on,
        "goals": plan.goals,
        "advice_lines": [line for line in plan.advice.splitlines() if line.strip()],
        "professional": plan.professional.to_json(),
        "steps": [_step(step) for step in plan.steps],
        "tracker_days": TRACKER_DAYS,
        "stop_and_get_help": STOP_AND_GET_HELP,
        "practice": {"name": practice.name, "phone": practice.phone, "email": practice.email},
        "paper_size": "letter" if practice.paper_size == "letter" else "A4",
        "portal_url": portal_url,
        "qr_data_uri": qr_data_uri,
        "is_large_print": variant == "large",
    }


def _step(step: FrozenStep) -> dict:
    cautions = list(step.cautions)
    if step.modification:
        cautions.insert(0, f"For you: {step.modification}")
    return {
        "name": step.name,
        "dose": step.dose,
        "instructions": list(step.steps),
        "cautions": cautions,
        "note": step.note or "",
        "illustration": step.illustration or "",
    }


def context_key(context: dict, template_revision: str) -> str:
    """A stable hash of what the handout shows and the templates that show it."""
    payload = json.dumps(context, sort_keys=True, default=str) + template_revision
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
