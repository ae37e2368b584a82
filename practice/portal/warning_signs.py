"""Warning signs a client can report with a daily log, judged by the same rules as the intake screening.

Pure: no Flask, no database. A sign is a red-flag question of the intake answered "yes" today.
"""
from __future__ import annotations

from collections.abc import Iterable

from practice.intake import screening

# In the client's words. Each key is a red-flag question of the intake, so the screening rules decide the level.
WARNING_SIGNS: tuple[tuple[str, str], ...] = (
    ("urination_difficulty", "It has become hard to pass urine, or you leak without warning"),
    ("bowel_control_loss", "You have lost control of your bowels"),
    ("saddle_numbness", "Numbness between your legs, or around your bottom or genitals"),
    ("leg_weakness", "Your legs feel weak or weaker, or walking has become harder"),
    ("sciatica_both_legs", "Pain now runs down both legs"),
    ("leg_numbness", "New or worse numbness or tingling in a leg"),
    ("fever", "Fever, chills or night sweats"),
    ("night_pain", "Pain at night that does not ease when you change position"),
    ("major_trauma", "A serious fall or accident"),
)
WARNING_SIGN_LABELS = dict(WARNING_SIGNS)

#: What the client is told at once, in plain words; no rule names or clinical details.
CLIENT_ADVICE = {
    screening.EMERGENCY: (
        "Please get medical help now: go to an emergency department, or call your local emergency number. "
        "Do not wait for your next massage appointment, and stop your home routine until a doctor has seen you."
    ),
    screening.URGENT: (
        "Please contact your doctor today or tomorrow and tell them what you noticed. "
        "Pause your home routine until you have spoken to them. Your therapist will see your report."
    ),
    screening.CAUTION: (
        "Your therapist will look at this before your next session. If it gets worse, contact your doctor."
    ),
}
CLIENT_HEADINGS = {
    screening.EMERGENCY: "Get medical help now",
    screening.URGENT: "See your doctor soon",
    screening.CAUTION: "Your therapist will check this",
}


def level_of_signs(signs: Iterable[str], *, age: int | None = None, sex: str | None = None) -> str:
    """The highest screening level the reported signs reach alone: emergency, urgent, caution or clear.

    Unknown keys are ignored. Missing intake answers do not matter here: only the signs reported today count.
    """
    keys = [key for key in signs if key in WARNING_SIGN_LABELS]
    if not keys:
        return screening.CLEAR
    answers = screening.all_no(**{key: screening.YES for key in keys})
    result = screening.screen(screening.ScreeningInput(answers=answers, age=age, sex=sex))
    levels = [finding.level for finding in result.findings]
    # A sign the rules do not rate still deserves a look from the therapist.
    return max(levels, key=screening.level_rank, default=screening.CAUTION)
