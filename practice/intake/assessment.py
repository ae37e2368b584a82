"""From an intake's answers to a screening result and a contraindication table. Pure: no Flask.

The intake form stores its answers as a plain dict (see `practice.intake.forms`); this module reads
that dict, so the same logic serves the therapist's form, the client's portal form and the plan builder.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from practice.intake import contraindications, screening

ACUTE = "acute"
SUBACUTE = "subacute"
CHRONIC = "chronic"
STAGE_LABELS = {ACUTE: "Acute (under 6 weeks)", SUBACUTE: "Subacute (6 to 12 weeks)",
                CHRONIC: "Chronic (over 12 weeks)"}

RED_FLAG_PREFIX = "rf_"
SITE_PREFIX = "site_"

PAIN_QUALITIES = (
    ("dull_ache", "Dull ache"),
    ("sharp", "Sharp or stabbing"),
    ("shooting_leg", "Shooting into the leg"),
    ("numbness_tingling", "Numbness or tingling"),
    ("stiffness", "Stiffness"),
)
CONTRIBUTORS = (
    ("posture_desk", "Posture or desk work"),
    ("tension_stress", "Muscle tension or stress"),
    ("injury", "An injury"),
    ("degenerative", "A diagnosed degenerative condition"),
)
PRESSURES = (("gentle", "Gentle"), ("moderate", "Moderate"), ("firm", "Firm"))
SEXES = (("female", "Female"), ("male", "Male"), ("other", "Other or prefer not to say"))


def pain_stage(onset: date | None, on: date) -> str | None:
    """Acute under 6 weeks, subacute 6 to 12 weeks, chronic over 12 weeks; None without a date."""
    if onset is None or onset > on:
        return None
    weeks = (on - onset).days / 7
    if weeks < 6:
        return ACUTE
    return SUBACUTE if weeks <= 12 else CHRONIC


def stage_of(answers: Mapping[str, Any], on: date) -> str | None:
    """The pain stage from the intake's stored onset date (an ISO string), or None when missing or unreadable."""
    onset = answers.get("onset_date")
    try:
        return pain_stage(date.fromisoformat(onset), on) if isinstance(onset, str) else None
    except ValueError:
        return None


def red_flag_answers(answers: Mapping[str, Any]) -> dict[str, str | None]:
    """The red-flag answers keyed by question key (None when unanswered)."""
    return {q.key: answers.get(RED_FLAG_PREFIX + q.key) for q in screening.RED_FLAG_QUESTIONS}


def _as_set(value: Any) -> set[str]:
    return {item for item in value if isinstance(item, str)} if isinstance(value, (list, tuple, set)) else set()


def _weeks(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 45 else None


def screening_input(answers: Mapping[str, Any], age: int | None) -> screening.ScreeningInput:
    """Build the screening's input from the intake answers and the client's age."""
    conditions, medications = _as_set(answers.get("conditions")), _as_set(answers.get("medications"))
    sex = answers.get("sex") if answers.get("sex") in ("female", "male") else None
    return screening.ScreeningInput(
        answers=red_flag_answers(answers),
        age=age,
        sex=sex,
        osteoporosis="osteoporosis" in conditions,
        long_term_steroids="corticosteroids" in medications,
        immunosuppressed=answers.get(RED_FLAG_PREFIX + "immunosuppressed") == screening.YES,
    )


def local_sites(answers: Mapping[str, Any]) -> dict[str, str]:
    """Where each local condition is ("left calf"), from the site fields of the form."""
    sites = {}
    for key in contraindications.LOCAL_CONDITIONS:
        text = answers.get(SITE_PREFIX + key)
        if isinstance(text, str) and text.strip():
            sites[key] = text.strip()
    return sites


def contraindication_table(answers: Mapping[str, Any]) -> dict[str, contraindications.Assessment]:
    """Every technique's level (avoid, avoid area, modify, ok) for this client's health history."""
    conditions = _as_set(answers.get("conditions"))
    weeks = _weeks(answers.get("pregnancy_weeks"))
    if weeks:
        conditions.add("pregnancy")
    return contraindications.check(conditions, _as_set(answers.get("medications")),
                                   pregnancy_weeks=weeks if "pregnancy" in conditions else None,
                                   local_sites=local_sites(answers))


@dataclass(frozen=True)
class Assessment:
    """The screening result and the contraindication table of one intake."""

    screening: screening.ScreeningResult
    techniques: dict[str, contraindications.Assessment]


def assess(answers: Mapping[str, Any], age: int | None) -> Assessment:
    """Screen the answers and check every technique against the health history."""
    return Assessment(screening.screen(screening_input(answers, age)), contraindication_table(answers))
