"""A frozen plan version read through its types: the same JSON back, and older versions still readable."""
from __future__ import annotations

from datetime import date

from practice.plans.content import FrozenPlan

STORED = {
    "title": "Calmer lower back", "goals": "Garden again", "advice": "Walk daily.\nStop if pain spreads.",
    "client_first_name": "Amira", "therapist": "Theo Therapist",
    "professional": {"techniques": ["Swedish massage"], "focus_areas": ["lower_back_centre"],
                     "overrides": {"Deep tissue": "Cleared by her GP"}, "session_minutes": 45,
                     "session_frequency": "once a week", "session_count": 6, "review_on": "2026-12-20"},
    "steps": [
        {"name": "Heat", "key": "5f0c2a9e1b77", "slug": "heat", "kind": "home", "steps": ["Warm the pack", "Lie down"],
         "dose": "15 minutes, once a day", "cautions": ["Not on numb skin"], "modification": None,
         "note": "Before bed", "override_reason": None, "illustration": "heat.svg"},
        {"name": "Swedish massage", "key": "a1d4e6f80c13", "slug": "swedish", "kind": "professional", "steps": [],
         "dose": "", "cautions": [], "modification": "light pressure only", "note": None, "override_reason": None,
         "illustration": None},
    ],
}


def test_a_stored_version_reads_back_as_the_same_json():
    assert FrozenPlan.from_json(STORED).to_json() == STORED


def test_the_home_steps_keep_their_place_in_the_whole_routine():
    plan = FrozenPlan.from_json({**STORED, "steps": list(reversed(STORED["steps"]))})
    assert [(position, step.name) for position, step in plan.home_steps] == [(2, "Heat")]
    assert plan.professional.review_on == date(2026, 12, 20)


def test_an_older_version_without_some_fields_reads_them_as_empty():
    plan = FrozenPlan.from_json({"title": "Old plan", "steps": [{"name": "Heat"}],
                                 "professional": {"review_on": "not a date"}})
    assert plan.goals == "" and plan.therapist == "" and plan.professional.review_on is None
    assert plan.steps[0].is_home and plan.steps[0].cautions == () and plan.steps[0].dose == ""
    assert plan.steps[0].key == "position-1"  # a step stored without a key is named by its place
