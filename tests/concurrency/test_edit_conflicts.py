"""Two people editing the same plan, draft session note or draft intake through real HTTP.

The second save is refused with a clear message (409) and the first one's changes stay whole, whether the two
saves come one after the other or at the very same moment.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from typing import Callable

import pytest
from sqlalchemy import select

from practice.extensions import db
from practice.intake.models import Intake
from practice.notes.models import SessionNote
from practice.plans.models import Plan
from practice.portal.models import HomeLog
from tests.concurrency.at_once import at_once
from tests.concurrency.http_user import Form, HttpUser, Timed, text_of
from tests.concurrency.rendezvous import WritesHeldUntilBothRead
from tests.support.helpers import audit_events

pytestmark = [pytest.mark.concurrency, pytest.mark.committed]


@dataclass(frozen=True)
class Editable:
    """A record two people can have open at once, and how a user edits it."""

    name: str
    table: str
    model: type
    field: str  # the form control, and the column, that each person changes
    message: str  # what the refused person reads
    button: tuple[str, str] | None
    record_of: Callable  # world -> the record
    page_of: Callable  # world -> the path of the page holding the edit form
    action_of: Callable  # world -> the path the form posts to (None: the page itself)


EDITABLES = [
    Editable("plan", "plans", Plan, "goals", "This plan was changed by someone else since you opened it", None,
             lambda w: w.plan, lambda w: f"/clients/{w.record.id}/plans/{w.plan.id}",
             lambda w: f"/clients/{w.record.id}/plans/{w.plan.id}/details"),
    Editable("session note", "session_notes", SessionNote, "subjective",
             "Someone else saved this note while you were editing it", ("submit_action", "draft"),
             lambda w: w.note, lambda w: f"/clients/{w.record.id}/sessions/{w.note.id}/edit", lambda w: None),
    Editable("intake", "intakes", Intake, "reason",
             "Someone else saved this intake while you were editing it", ("submit_action", "draft"),
             lambda w: w.intake, lambda w: f"/clients/{w.record.id}/intakes/{w.intake.id}/edit", lambda w: None),
]


def _saved(editable: Editable, world) -> tuple[str | None, int]:
    """The record's field and row version as stored now, as the server committed them."""
    db.session.rollback()
    db.session.expire_all()
    record = db.session.get(editable.model, editable.record_of(world).id)
    value = record.answers.get(editable.field) if editable.model is Intake else getattr(record, editable.field)
    return value, record.row_version


class Editor:
    """One person with the edit form open."""

    def __init__(self, user: HttpUser, editable: Editable, world, text: str):
        self.user, self.editable, self.text = user, editable, text
        self.page = editable.page_of(world)
        self.form: Form = user.form(self.page, editable.action_of(world))
        self.form.set(editable.field, text)

    def save(self) -> Timed:
        """Submit the form opened earlier, with this person's text."""
        return self.user.submit(self.form, button=self.editable.button)


def _two_editors(editable: Editable, world, new_user) -> tuple[Editor, Editor]:
    tag = os.urandom(3).hex()
    therapist, owner = new_user(world.therapist.email), new_user(world.owner.email)
    return (Editor(therapist, editable, world, f"Therapist's {editable.name} text {tag}"),
            Editor(owner, editable, world, f"Owner's {editable.name} text {tag}"))


def _assert_refused_clearly(editable: Editable, refused: Timed, editor: Editor) -> None:
    page = text_of(refused.response)
    assert refused.response.status_code == 409
    assert editable.message in page
    assert editor.text in page  # what they typed is still in the form, not lost


@pytest.mark.parametrize("editable", EDITABLES, ids=lambda e: e.name)
def test_both_open_then_both_save_the_second_is_refused_and_the_first_kept(editable, world, new_user):
    first, second = _two_editors(editable, world, new_user)
    _, version_before = _saved(editable, world)

    saved = first.save()
    first.user.follow(saved)
    refused = second.save()

    _assert_refused_clearly(editable, refused, second)
    assert _saved(editable, world) == (first.text, version_before + 1)
    if editable.name == "plan":
        assert f"Goals is now: {first.text}" in text_of(refused.response)

    retry = Editor(second.user, editable, world, second.text)  # reload the page and save again
    second.user.follow(retry.save())
    assert _saved(editable, world) == (second.text, version_before + 2)


@pytest.mark.parametrize("editable", EDITABLES, ids=lambda e: e.name)
def test_both_save_at_the_same_moment_exactly_one_wins(editable, world, new_user, live_server):
    first, second = _two_editors(editable, world, new_user)
    _, version_before = _saved(editable, world)

    with WritesHeldUntilBothRead(live_server.app, f"UPDATE {editable.table} ") as held:
        outcomes = at_once([first.save, second.save]).results

    assert not held.timed_out, "the second save never reached the database: the test proved nothing"
    statuses = sorted(outcome.response.status_code for outcome in outcomes)
    assert statuses == [302, 409], f"expected one save and one refusal, got {statuses}"
    winner, loser = (first, second) if outcomes[0].response.status_code == 302 else (second, first)
    _assert_refused_clearly(editable, outcomes[[first, second].index(loser)], loser)
    assert _saved(editable, world) == (winner.text, version_before + 1)


def test_a_client_saving_the_same_day_from_two_tabs_at_once_gets_one_log(world, new_user, live_server):
    """No version to compare here: both saves succeed and the day keeps one log, holding one of the two."""
    today = date.today().isoformat()
    tabs = [new_user(world.client_user.email), new_user(world.client_user.email)]
    forms = [tab.form(f"/me/log/{today}") for tab in tabs]
    notes = [f"Tab {i} note {os.urandom(3).hex()}" for i in range(2)]
    for form, note, pain in zip(forms, notes, ("3", "6")):
        form.set("pain", pain).set("note", note)

    with WritesHeldUntilBothRead(live_server.app, "INSERT INTO home_logs") as held:
        outcomes = at_once([lambda i=i: tabs[i].submit(forms[i]) for i in range(2)]).results

    assert not held.timed_out, "the second save never reached the database: the test proved nothing"
    assert [outcome.response.status_code for outcome in outcomes] == [302, 302]
    db.session.rollback()
    logs = db.session.scalars(select(HomeLog).where(HomeLog.client_id == world.record.id,
                                                    HomeLog.logged_on == date.today())).all()
    assert len(logs) == 1 and (logs[0].pain, logs[0].note) in {(3, notes[0]), (6, notes[1])}
    actions = sorted(event.action for event in audit_events(target_type="homelog", target_id=logs[0].id))
    assert actions == ["home_log.create", "home_log.update"]


def _new_intake_forms(world, new_user) -> tuple[list[HttpUser], list[Form]]:
    """The colleague and the owner both open the first intake of the colleague's client (who has none)."""
    path = f"/clients/{world.colleague_record.id}/intakes/new"
    users = [new_user(world.colleague.email), new_user(world.owner.email)]
    return users, [user.form(path).set("reason", f"Reason {i}") for i, user in enumerate(users)]


def _intakes_of(record) -> list[Intake]:
    db.session.rollback()
    return db.session.scalars(select(Intake).where(Intake.client_id == record.id)).all()


def test_two_people_starting_a_client_s_first_intake_at_once_make_one_draft(world, new_user, live_server):
    users, forms = _new_intake_forms(world, new_user)

    with WritesHeldUntilBothRead(live_server.app, "INSERT INTO intakes") as held:
        outcomes = at_once([lambda i=i: users[i].submit(forms[i], button=("submit_action", "draft"))
                            for i in range(2)]).results

    assert not held.timed_out, "the second save never reached the database: the test proved nothing"
    statuses = [outcome.response.status_code for outcome in outcomes]
    assert sorted(statuses) == [302, 409]
    drafts = _intakes_of(world.colleague_record)
    winner = statuses.index(302)
    assert len(drafts) == 1 and drafts[0].answers.get("reason") == f"Reason {winner}"
    refused = text_of(outcomes[1 - winner].response)
    assert "already has an intake draft" in refused and f"Reason {1 - winner}" in refused  # typed text kept


def test_saving_a_new_intake_after_a_colleague_started_one_says_why_nothing_was_saved(world, new_user):
    users, forms = _new_intake_forms(world, new_user)
    users[0].follow(users[0].submit(forms[0], button=("submit_action", "draft")))

    refused = users[1].submit(forms[1], button=("submit_action", "draft"))

    assert refused.response.status_code == 409
    assert len(_intakes_of(world.colleague_record)) == 1
    page = text_of(refused.response)
    assert "already has an intake draft" in page and "Reason 1" in page  # the second person's answers are kept
