"""The suggested starting plan from an intake. Pure: answers, scores and library slugs in, a plan out.

It only proposes; the therapist edits. Items the contraindication check says to avoid are never
suggested, and "use with changes" items carry their change.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from practice.intake import contraindications
from practice.intake.assessment import ACUTE, CHRONIC

BACK_LOWER = {"lower_back_left", "lower_back_centre", "lower_back_right", "buttock_left", "buttock_right"}
BACK_UPPER = {"upper_back_left", "upper_back_centre", "upper_back_right",
              "middle_back_left", "middle_back_centre", "middle_back_right"}
NECK_SHOULDERS = {"neck", "shoulder_left", "shoulder_right"}

GENERAL_ADVICE = (
    "Keep moving: gentle walking and your usual activities, within comfort, help back pain settle faster "
    "than rest. Change position often and avoid sitting for more than 30 minutes at a time.\n"
    "Massage works best together with exercise and the home routine: do a little every day.\n"
    "Stop and seek medical help at once if you have new numbness between your legs or around your bottom, "
    "trouble passing urine or controlling your bladder or bowels, new weakness in your legs, or a fever "
    "with back pain. See your doctor if the pain keeps getting worse or is no better after a few weeks."
)


@dataclass(frozen=True)
class SuggestedStep:
    """A home step to add: the library slug, a dose for this client, and the change safety requires."""

    slug: str
    pressure: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Suggestion:
    """A starting plan for the therapist to edit."""

    title: str
    goals: str
    techniques: list[str]
    focus_areas: list[str]
    session_minutes: int
    session_frequency: str
    session_count: int
    review_on: date
    advice: str
    steps: list[SuggestedStep] = field(default_factory=list)


def _allowed(key: str | None, table: dict) -> bool:
    return key is None or table[key].level != contraindications.AVOID


def _professional(table: dict, stage: str | None, answers: dict) -> list[str]:
    chosen = ["swedish"]
    if (stage != ACUTE and "tension_stress" in (answers.get("contributors") or [])) or stage == CHRONIC:
        chosen += ["trigger_point", "myofascial_release"]
    if stage == CHRONIC and answers.get("pressure") == "firm":
        chosen.append("deep_tissue")
    return [key for key in chosen if _allowed(key, table)]


def _home_slugs(areas: set[str], stage: str | None, answers: dict) -> list[str]:
    slugs = []
    if areas & NECK_SHOULDERS:
        slugs.append("hands-neck-shoulders")
    if areas & BACK_UPPER:
        slugs += ["tennis-ball-wall", "foam-roller-upper-back"]
    if areas & BACK_LOWER or not areas:
        slugs += ["hands-lower-back", "two-balls-floor", "knees-to-chest"]
    slugs.append("cold" if stage == ACUTE and "injury" in (answers.get("contributors") or []) else "heat")
    if "posture_desk" in (answers.get("contributors") or []):
        slugs.append("posture-desk-setup")
    slugs.append("relaxation-breathing")
    return list(dict.fromkeys(slugs))


def suggest(answers: dict, *, stage: str | None, startback_risk: str | None, table: dict,
            library_keys: dict[str, str | None], today: date) -> Suggestion:
    """Propose a plan. `library_keys` maps available slugs to their contraindication keys."""
    areas = set(answers.get("pain_areas") or [])
    risk = startback_risk or "medium"
    sessions, weeks = {"low": (3, 4), "medium": (6, 3), "high": (6, 3)}.get(risk, (6, 3))
    steps = []
    for slug in _home_slugs(areas, stage, answers):
        if slug not in library_keys or not _allowed(library_keys[slug], table):
            continue
        key = library_keys[slug]
        gentle = key is not None and table[key].level == contraindications.MODIFY and any(
            "light" in text.lower() or "gentle" in text.lower() for text in table[key].modifications)
        steps.append(SuggestedStep(slug, pressure="gentle" if gentle else None))
    goals = [answers.get("goals") or ""] + [
        f"Easier: {answers[f'activity_{n}']}" for n in range(1, 6) if answers.get(f"activity_{n}")]
    advice = GENERAL_ADVICE
    if risk == "high":
        advice += "\nWorry and stress can keep pain going: we will talk about what helps you cope."
    return Suggestion(
        title="Back care plan",
        goals="\n".join(goal for goal in goals if goal).strip(),
        techniques=_professional(table, stage, answers),
        focus_areas=sorted(areas),
        session_minutes=45 if stage == ACUTE else 60,
        session_frequency="once a week",
        session_count=sessions,
        review_on=today + timedelta(weeks=weeks),
        advice=advice,
        steps=steps[:6],
    )
