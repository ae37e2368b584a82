"""A word longer than a line (a pasted link, a key held down) breaks inside the page in every PDF, and none of it
is lost: the record export (paragraphs and table cells), the handout and the referral summary."""
from __future__ import annotations

from datetime import date

from practice.extensions import db
from practice.intake.operations import record_action
from practice.notes.operations import create_note
from practice.plans.operations import publish
from tests.support.helpers import login
from tests.support.pdf import assert_every_word_inside_the_margins, word_boxes

LONG_WORD = "x" * 1000
LONG_LOG_WORD = "y" * 490  # a home log note holds at most 500 characters


def _letters(path, letter: str) -> int:
    """How many of the long word's letters the PDF holds, however it was wrapped."""
    return sum(len(box.text) for box in word_boxes(path) if set(box.text) == {letter})


def _saved(response, path):
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    path.write_bytes(response.data)
    return path


def test_a_long_word_wraps_inside_the_record_export(client, world, tmp_path):
    create_note(world.record, {"seen_on": date.today(), "subjective": f"Before {LONG_WORD} after"},
                actor=world.therapist)
    world.log.note = LONG_LOG_WORD
    world.record.notes = LONG_WORD
    db.session.commit()
    login(client, world.owner)
    path = _saved(client.get(f"/clients/{world.record.id}/export.pdf"), tmp_path / "record.pdf")
    assert_every_word_inside_the_margins(path)
    assert _letters(path, "x") == 2 * len(LONG_WORD) and _letters(path, "y") == len(LONG_LOG_WORD)


def test_a_long_word_wraps_inside_the_handout(client, world, active_plan, tmp_path):
    plan, _ = active_plan
    plan.goals = f"Garden again {LONG_WORD}"
    plan.has_unpublished_changes = True
    publish(plan, world.record, summary="Goals", seen_row_version=plan.row_version, actor=world.therapist)
    db.session.commit()
    login(client, world.therapist)
    for variant in ("standard", "large"):
        path = _saved(client.get(f"/clients/{plan.client_id}/plans/{plan.id}/versions/2/handout.pdf",
                                 query_string={"variant": variant}), tmp_path / f"handout-{variant}.pdf")
        assert_every_word_inside_the_margins(path)
        assert _letters(path, "x") == len(LONG_WORD)


def test_a_long_word_wraps_inside_the_referral_summary(client, world, active_plan, tmp_path):
    _, intake = active_plan
    record_action(intake, advice=f"Advised {LONG_WORD}", referred_to=None, acted_on=date.today(),
                  actor=world.therapist)
    db.session.commit()
    login(client, world.therapist)
    path = _saved(client.get(f"/clients/{intake.client_id}/intakes/{intake.id}/referral.pdf"),
                  tmp_path / "referral.pdf")
    assert_every_word_inside_the_margins(path)
    assert _letters(path, "x") == len(LONG_WORD)
