"""Every POST route of the app, with how to fuzz it: who posts, where, which fields, and what a success must save.

`places` gives, for each placeholder of the path, the actor's own records and records out of their reach
(another practice's, another client's, missing or malformed ids). `fields` gives hostile values for the real
fields of the route's form (derived from the WTForms class, so a new field is fuzzed without editing this file).
`prepare` puts the records back in a state where the form can succeed, since earlier examples change them.
`accepted` says what a post the app accepted must have saved.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from hypothesis import strategies as st
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from practice.accounts import browser_links
from practice.accounts.forms import (
    BrowserLinkForm,
    ChangePasswordForm,
    ChoosePracticeForm,
    ConfirmPasswordForm,
    LoginForm,
    TherapistForm,
)
from practice.accounts.models import LoginSource, User
from practice.accounts.passwords import MAX_PASSWORD_LENGTH, verify_password
from practice.clients.forms import ClientForm
from practice.database import utcnow
from practice.extensions import db
from practice.intake import questionnaires
from practice.intake.forms import IntakeForm, RedFlagActionForm, questionnaire_form
from practice.intake.models import Intake
from practice.intake.operations import create_intake, open_draft, sign_intake
from practice.library.forms import LibraryItemForm
from practice.library.models import LibraryItem
from practice.notes.forms import AmendmentForm, SessionNoteForm
from practice.notes.models import SessionNote
from practice.notes.operations import create_note
from practice.plans import operations as plan_operations
from practice.plans.forms import AddStepForm, PlanDetailsForm, PublishForm, StepForm
from practice.plans.models import Plan, PlanVersion
from practice.portal.forms import AcceptInvitationForm, AssignForm, HomeLogForm, ReviewForm
from practice.portal.models import ASSIGNMENT_INTAKE, INVITATION_PENDING, Assignment, HomeLog, Invitation
from practice.portal.operations import HomePlan, assign, create_invitation, find_invitation, home_plan
from practice.portal.warning_signs import WARNING_SIGNS
from tests.fuzz import strategies as fuzz
from tests.fuzz.snapshot import Changes
from tests.fuzz.strategies import FieldFuzz, Later, Reference
from tests.support.world import PASSWORD

GOOD_PASSWORDS = ["a quiet river morning", "copper lantern harbour", "seven violet kites drift"]
MISSING = str(2**31 - 1)  # a valid id that no record has


@dataclass(frozen=True)
class Same:
    """The value posted under another field of the same post (a password typed twice)."""

    name: str


@dataclass
class Outcome:
    """One post and what came of it."""

    world: object
    browser: object
    places: dict
    posted: MultiDict
    response: object
    changes: Changes

    def first(self, name: str) -> str | None:
        """The first value posted under `name`, as the app decoded it."""
        return self.posted.get(name)


def _nothing(*_args) -> None:
    return None


def _no_fields(_world) -> dict:
    return {}


@dataclass(frozen=True)
class FormFuzz:
    """How to fuzz one POST route."""

    actor: str
    path: str
    places: Callable = lambda world: {}
    fields: Callable = _no_fields
    prepare: Callable = _nothing
    accepted: Callable = _nothing
    max_examples: int = 25
    #: the post may end the session, or is made logged out: each example starts from a fresh browser
    ends_session: bool = False


# --- Reading the world when an example runs ---------------------------------------------------------------


def row_version_of(read: Callable, label: str) -> FieldFuzz:
    """The row version the form was opened with: the current one (a fresh form), or a stale or broken one."""
    return fuzz.hostile(fuzz.numbers(0, 5), st.just(Later(lambda world: str(read(world).row_version), label)))


def submit_actions() -> FieldFuzz:
    """The button pressed: save as draft or sign, or something no button sends."""
    return fuzz.hostile(st.sampled_from(["", "SIGN", "delete", "sign "]), st.sampled_from(["draft", "sign"]))


def _unsigned_note(world) -> SessionNote:
    return db.session.scalars(select(SessionNote).where(SessionNote.client_id == world.record.id,
                                                        SessionNote.is_signed.is_(False))
                              .order_by(SessionNote.id.desc())).first()


def _draft_plan(world) -> Plan | None:
    return db.session.scalars(select(Plan).where(Plan.client_id == world.record.id, Plan.status == "draft")
                              .order_by(Plan.id.desc())).first()


def _open_assignment(world, kind: str) -> Assignment | None:
    return db.session.scalars(select(Assignment).where(
        Assignment.client_id == world.record.id, Assignment.kind == kind, Assignment.completed_at.is_(None),
        Assignment.cancelled_at.is_(None))).first()


def _pending_token(world) -> str:
    return world.invitation_token


# --- Putting records back in a state where the form can succeed -------------------------------------------


def ensure_pending_invitation(world) -> None:
    """The record has an invitation that can still be accepted."""
    invitation = find_invitation(world.invitation_token)
    if invitation is None or invitation.status(utcnow()) != INVITATION_PENDING:
        world.invitation, world.invitation_token = create_invitation(world.record, actor=world.therapist, days=7)


def ensure_draft_intake(world) -> None:
    """The record has a draft intake to edit."""
    if open_draft(world.record.id) is None:
        create_intake(world.record, {}, actor=world.therapist)


def ensure_no_intake_for_colleague_record(world) -> None:
    """Ben's record has no intake, so a new one is created rather than the draft continued."""
    for intake in db.session.scalars(select(Intake).where(Intake.client_id == world.colleague_record.id)):
        db.session.delete(intake)


def ensure_steps(world, count: int = 2) -> None:
    """The plan has at least `count` home steps."""
    plan = world.plan
    while len(plan.steps) < count:
        plan_operations.add_step(plan, world.seeded_item, world.record, values={}, override_reason="Fuzz set-up",
                                 seen_row_version=plan.row_version, actor=world.therapist)
        db.session.flush()
        db.session.refresh(plan)


def ensure_unpublished_changes(world) -> None:
    """The active plan has an edit waiting to be saved as a new version."""
    ensure_steps(world, 1)
    plan = world.plan
    if plan.status == "active" and not plan.has_unpublished_changes:
        plan_operations.update_step(plan, plan.steps[0], values={"note": "Edited before publishing"},
                                    seen_row_version=plan.row_version, actor=world.therapist)


def ensure_draft_plan(world) -> None:
    """The record has a draft plan that may be activated (its active plan is completed first)."""
    if _draft_plan(world) is not None:
        return
    for plan in db.session.scalars(select(Plan).where(Plan.client_id == world.record.id, Plan.status == "active")):
        plan_operations.set_status(plan, "completed", actor=world.therapist)
    plan_operations.create_plan(world.record, world.intake, actor=world.therapist)


def ensure_unsigned_note(world) -> None:
    """The record has an unsigned session note to edit."""
    if _unsigned_note(world) is None:
        create_note(world.record, {"seen_on": date.today(), "subjective": "Sore"}, actor=world.therapist)


def ensure_open_assignment(kind: str) -> Callable:
    """The record has an open request of this kind."""
    return lambda world: assign(world.record, kind, actor=world.therapist)


def ready_for_portal_intake(world) -> None:
    """An intake request is open and no draft blocks the client's own intake."""
    draft = open_draft(world.record.id)
    if draft is not None:
        sign_intake(draft, actor=world.therapist)
    assign(world.record, ASSIGNMENT_INTAKE, actor=world.therapist)


# --- What an accepted post must have saved ----------------------------------------------------------------


def _stripped(value: str | None) -> str | None:
    return value.strip() if value is not None else None


def _one_new(outcome: Outcome, table: str) -> dict:
    rows = outcome.changes.new_rows(table)
    assert len(rows) == 1, f"expected one new {table} row, got {len(rows)}"
    return rows[0]


def _in_range(value, low: int, high: int) -> bool:
    return value is None or low <= value <= high


def _row(model, record_id: int):
    db.session.expire_all()
    return db.session.get(model, record_id)


#: every date a person types falls in 1900 or later (and, for a client, on or after their birth)
EARLIEST_DATE = date(1900, 1, 1)


def _in_the_past(value: date, born_on: date | None = None) -> bool:
    return max(EARLIEST_DATE, born_on or EARLIEST_DATE) <= value <= date.today()


def intake_answers_are_valid(answers: dict, born_on: date | None = None) -> None:
    """Saved intake answers respect the form's limits: scores 0-10, weeks 1-42, dates from the client's birth to
    today, trimmed text."""
    for key, value in answers.items():
        if isinstance(value, str):
            assert len(value) <= 2000 and value == value.strip(), key
        if key in ("pain_now", "pain_best", "pain_worst") or key.endswith("_rating"):
            assert _in_range(value, 0, 10), (key, value)
        if key == "pregnancy_weeks":
            assert _in_range(value, 1, 42), value
        if key.endswith("_date") and value:
            assert _in_the_past(date.fromisoformat(value), born_on), (key, value)


def login_accepted(outcome: Outcome) -> None:
    """Only the right password of an existing account logs in, and the session then works."""
    user = db.session.scalar(select(User).where(User.email == (outcome.first("email") or "").strip().lower()))
    assert user is not None and outcome.first("password") == PASSWORD
    assert outcome.browser.get("/account/password").status_code == 200


def browser_link_answered(outcome: Outcome) -> None:
    """The same answer whoever the address is, and no record changed (only login bookkeeping, unwatched)."""
    assert "Check your e-mail" in outcome.response.get_data(as_text=True)
    assert not outcome.changes


def browser_let_in(outcome: Outcome) -> None:
    """The link made this browser known to the client's login, and gave it the cookie that says so."""
    cookie = outcome.browser.get_cookie("practice_browser")
    assert cookie is not None
    source = "browser:" + hashlib.sha256(cookie.value.encode()).hexdigest()
    assert db.session.scalar(select(LoginSource.known_at).where(
        LoginSource.user_id == outcome.world.client_user.id, LoginSource.source == source)) is not None


def logout_accepted(outcome: Outcome) -> None:
    """After logging out, the same browser is sent to the login page."""
    response = outcome.browser.get("/clients/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def password_accepted(outcome: Outcome) -> None:
    """The new password (typed twice the same) is the one stored."""
    [(table, _old, new)] = [change for change in outcome.changes.changed if change[0] == "users"]
    assert outcome.first("new_password") == outcome.first("confirm_password")
    assert verify_password(new["password_hash"], outcome.first("new_password"))


def therapist_accepted(outcome: Outcome) -> None:
    """A new therapist of the owner's practice, with the e-mail posted, who must change the password."""
    user = _one_new(outcome, "users")
    assert user["practice_id"] == outcome.world.practice.id and user["role"] == "therapist"
    assert user["email"] == outcome.first("email").strip().lower() and user["is_password_temporary"]


def active_flag(expected: bool) -> Callable:
    """The team member is now (de)activated."""
    return lambda outcome: _check_active(outcome, expected)


def _check_active(outcome: Outcome, expected: bool) -> None:
    assert _row(User, int(outcome.places["user"])).is_active is expected


def _therapist_is_of_the_practice(outcome: Outcome, therapist_id) -> None:
    staff = {outcome.world.owner.id, outcome.world.therapist.id, outcome.world.colleague.id}
    assert therapist_id is None or therapist_id in staff, therapist_id


def client_created(outcome: Outcome) -> None:
    """One client of the owner's practice, with the names posted (trimmed) and a plausible birth date."""
    client = _one_new(outcome, "clients")
    assert client["practice_id"] == outcome.world.practice.id
    assert client["first_name"] == _stripped(outcome.first("first_name")) != ""
    assert client["last_name"] == _stripped(outcome.first("last_name")) != ""
    born = client["date_of_birth"]
    assert born is None or _in_the_past(born)
    for consent in (client["consent_treatment_on"], client["consent_health_data_on"]):
        assert consent is None or _in_the_past(consent, born), consent
    _therapist_is_of_the_practice(outcome, client["therapist_id"])


def client_edited(outcome: Outcome) -> None:
    """The record holds the name posted (a field not posted keeps its saved value), and a therapist of its own
    practice."""
    key = ("clients", outcome.world.record.id)
    client = outcome.changes.after[key]
    expected = _stripped(outcome.first("first_name")) if "first_name" in outcome.posted else \
        outcome.changes.before[key]["first_name"]
    assert client["first_name"] == expected != ""
    _therapist_is_of_the_practice(outcome, client["therapist_id"])


def archived(expected: bool) -> Callable:
    """The record is now (un)archived."""
    return lambda outcome: _check_archived(outcome, expected)


def _check_archived(outcome: Outcome, expected: bool) -> None:
    assert outcome.changes.after[("clients", outcome.world.record.id)]["is_archived"] is expected


def intake_created(outcome: Outcome) -> None:
    """A new intake for the client in the URL, signed only when signing was asked, with valid answers."""
    intake = _one_new(outcome, "intakes")
    assert intake["client_id"] == int(outcome.places["client"])
    assert (intake["status"] == "signed") == (outcome.first("submit_action") == "sign")
    intake_answers_are_valid(intake["answers"], outcome.world.colleague_record.date_of_birth)


def intake_saved(outcome: Outcome) -> None:
    """The draft holds valid answers."""
    intake = outcome.changes.after[("intakes", int(outcome.places["intake"]))]
    intake_answers_are_valid(intake["answers"], outcome.world.record.date_of_birth)


def action_recorded(outcome: Outcome) -> None:
    """The advice posted (trimmed) is kept, dated no later than today."""
    action = _one_new(outcome, "red_flag_actions")
    assert action["advice"] == _stripped(outcome.first("advice")) != ""
    assert _in_the_past(action["acted_on"], outcome.world.record.date_of_birth)


def questionnaire_recorded(outcome: Outcome) -> None:
    """The answers of the questionnaire in the URL, each one of its allowed answers, dated no later than today."""
    response = _one_new(outcome, "questionnaire_responses")
    definition = questionnaires.QUESTIONNAIRES[response["questionnaire"]]
    allowed = {item.key: [value for value, _label in item.answers] for item in definition.items}
    assert all(key in allowed and value in allowed[key] for key, value in response["answers"].items())
    assert _in_the_past(response["taken_on"], outcome.world.record.date_of_birth)


def library_item_values_are_valid(item: dict) -> None:
    """A name, 1 to 12 steps of at most 400 characters, doses in range."""
    assert item["name"] and item["name"] == item["name"].strip()
    assert 1 <= len(item["steps"]) <= 12 and all(len(step) <= 400 for step in item["steps"])
    assert _in_range(item["dose_minutes"], 1, 120) and _in_range(item["dose_repetitions"], 1, 100)


def library_created(outcome: Outcome) -> None:
    """An item of the therapist's practice with the name posted."""
    item = _one_new(outcome, "library_items")
    assert item["practice_id"] == outcome.world.practice.id
    assert item["name"] == _stripped(outcome.first("name"))
    library_item_values_are_valid(item)


def library_edited(outcome: Outcome) -> None:
    """The practice's own item holds the name posted."""
    item = outcome.changes.after[("library_items", int(outcome.places["item"]))]
    assert item["practice_id"] == outcome.world.practice.id and item["name"] == _stripped(outcome.first("name"))
    library_item_values_are_valid(item)


def library_copied(outcome: Outcome) -> None:
    """At most one copy, belonging to the therapist's practice."""
    copies = outcome.changes.new_rows("library_items")
    assert len(copies) <= 1 and all(copy["practice_id"] == outcome.world.practice.id for copy in copies)


def plan_created(outcome: Outcome) -> None:
    """A draft plan of the record."""
    plan = _one_new(outcome, "plans")
    assert plan["client_id"] == outcome.world.record.id and plan["status"] == "draft"


def plan_details_saved(outcome: Outcome) -> None:
    """The title posted, session length and count in range, a review date from today to two years ahead."""
    plan = outcome.changes.after[("plans", int(outcome.places["plan"]))]
    assert plan["title"] == _stripped(outcome.first("title")) != ""
    assert _in_range(plan["session_minutes"], 10, 180) and _in_range(plan["session_count"], 1, 52)
    assert plan["review_on"] is None or date.today() <= plan["review_on"] <= date.today() + timedelta(days=732)


def _step_dose_is_valid(step: dict) -> None:
    assert _in_range(step["minutes"], 1, 120) and _in_range(step["repetitions"], 1, 100)
    assert step["pressure"] in (None, "gentle", "moderate", "firm")


def step_added(outcome: Outcome) -> None:
    """A step of a shared item or one of the practice's own, with a dose in range."""
    step = _one_new(outcome, "plan_steps")
    item = _row(LibraryItem, step["library_item_id"])
    assert item.practice_id in (None, outcome.world.practice.id)
    _step_dose_is_valid(step)


def step_updated(outcome: Outcome) -> None:
    """The step's dose is in range."""
    _step_dose_is_valid(outcome.changes.after[("plan_steps", int(outcome.places["step"]))])


def step_removed(outcome: Outcome) -> None:
    """The step is gone, and the others are numbered 1, 2, 3... again."""
    assert [row["id"] for table, row in outcome.changes.removed if table == "plan_steps"] == [
        int(outcome.places["step"])]
    _positions_are_consecutive(outcome)


def _positions_are_consecutive(outcome: Outcome) -> None:
    positions = sorted(row["position"] for (table, _), row in outcome.changes.after.items()
                       if table == "plan_steps" and row["plan_id"] == int(outcome.places["plan"]))
    assert positions == list(range(1, len(positions) + 1)), positions


def plan_activated(outcome: Outcome) -> None:
    """The plan is active and its version 1 is frozen."""
    plan = outcome.changes.after[("plans", int(outcome.places["plan"]))]
    assert plan["status"] == "active" and plan["current_version"] == 1
    assert len(outcome.changes.new_rows("plan_versions")) == 1


def plan_published(outcome: Outcome) -> None:
    """A new version with the summary posted (trimmed)."""
    version = _one_new(outcome, "plan_versions")
    assert version["change_summary"] == _stripped(outcome.first("summary")) != ""


def plan_status_changed(outcome: Outcome) -> None:
    """The plan now has the status posted, which is completed or archived."""
    plan = outcome.changes.after[("plans", int(outcome.places["plan"]))]
    assert plan["status"] == outcome.first("status") and plan["status"] in ("completed", "archived")


def _note_values_are_valid(note: dict, born_on: date | None) -> None:
    """A visit from the client's birth (or 1900) to tomorrow (where clinics east of UTC already are)."""
    assert max(EARLIEST_DATE, born_on or EARLIEST_DATE) <= note["seen_on"] <= date.today() + timedelta(days=1)
    assert _in_range(note["duration_minutes"], 5, 240)
    assert _in_range(note["pain_before"], 0, 10) and _in_range(note["pain_after"], 0, 10)


def note_created(outcome: Outcome) -> None:
    """A note of the record, signed only when signing was asked, with values in range."""
    note = _one_new(outcome, "session_notes")
    assert note["client_id"] == outcome.world.record.id
    assert note["is_signed"] == (outcome.first("submit_action") == "sign")
    _note_values_are_valid(note, outcome.world.record.date_of_birth)


def note_saved(outcome: Outcome) -> None:
    """The note's values are in range."""
    _note_values_are_valid(outcome.changes.after[("session_notes", int(outcome.places["note"]))],
                           outcome.world.record.date_of_birth)


def amendment_added(outcome: Outcome) -> None:
    """The amendment posted (trimmed), on the signed note; the note itself is unchanged."""
    amendment = _one_new(outcome, "session_amendments")
    assert amendment["text"] == _stripped(outcome.first("text")) != ""
    assert amendment["note_id"] == int(outcome.places["note"])
    assert not [row for table, _old, row in outcome.changes.changed if table == "session_notes"]


def log_saved(outcome: Outcome) -> None:
    """The day's log: against the routine the form showed, ticking its steps only; pain 0-10, known warning signs,
    a note under 500."""
    day = date.fromisoformat(outcome.places["day"])
    [log] = [row for (table, _), row in outcome.changes.after.items()
             if table == "home_logs" and row["client_id"] == outcome.world.record.id and row["logged_on"] == day]
    shown = _row(PlanVersion, log["plan_version_id"]) if log["plan_version_id"] else None
    assert shown is None or _row(Plan, shown.plan_id).client_id == outcome.world.record.id
    assert (str(shown.id) if shown else "") == (outcome.first("routine") or "").strip()
    assert log["done_steps"] == [key for key in (HomePlan.of(shown).keys if shown else []) if key in log["done_steps"]]
    assert len(set(log["done_steps"])) == len(log["done_steps"])
    assert _in_range(log["pain"], 0, 10) and len(log["note"] or "") <= 500
    assert set(log["warning_signs"] or []) <= {key for key, _label in WARNING_SIGNS}


def portal_questionnaire_answered(outcome: Outcome) -> None:
    """The client's answers are kept as theirs, and the request is marked done."""
    questionnaire_recorded(outcome)
    assert _row(Assignment, int(outcome.places["assignment"])).completed_at is not None


def portal_intake_sent(outcome: Outcome) -> None:
    """A signed intake of the client's own record, reported by the client, with valid answers."""
    intake = _one_new(outcome, "intakes")
    assert intake["client_id"] == outcome.world.record.id and intake["source"] == "client"
    assert intake["status"] == "signed"
    intake_answers_are_valid(intake["answers"], outcome.world.record.date_of_birth)


def invitation_accepted(outcome: Outcome) -> None:
    """The invitation is used up and the password typed twice is the client's password now."""
    invitation = outcome.world.invitation
    assert _row(Invitation, invitation.id).used_at is not None
    assert outcome.first("password") == outcome.first("confirm_password")
    login = _row(User, _row(type(outcome.world.record), outcome.world.record.id).portal_user_id)
    assert verify_password(login.password_hash, outcome.first("password"))


def invitation_created(outcome: Outcome) -> None:
    """A new invitation of the record, shown with its link."""
    invitation = _one_new(outcome, "portal_invitations")
    assert invitation["client_id"] == outcome.world.record.id
    assert "/invite/" in outcome.response.get_data(as_text=True)


def handout_sent(outcome: Outcome) -> None:
    """A PDF, or a message that the invitation is no longer open."""
    assert outcome.response.mimetype == "application/pdf" or outcome.response.status_code == 302


def access_removed(outcome: Outcome) -> None:
    """The record's portal login can no longer log in."""
    assert not _row(User, outcome.world.client_user.id).is_active


def assignment_made(outcome: Outcome) -> None:
    """An open request of the kind posted exists."""
    assert _open_assignment(outcome.world, outcome.first("kind")) is not None


def assignment_cancelled(outcome: Outcome) -> None:
    """The request is withdrawn."""
    assert _row(Assignment, int(outcome.places["assignment"])).cancelled_at is not None


def log_reviewed(outcome: Outcome) -> None:
    """The log is marked reviewed with the note posted (trimmed)."""
    log = _row(HomeLog, int(outcome.places["log"]))
    assert log.reviewed_at is not None and log.review_note == _stripped(outcome.first("note")) != ""


def confirmed(outcome: Outcome) -> None:
    """Only the right password confirms."""
    assert outcome.first("password") == PASSWORD


# --- Field strategies that need the world ----------------------------------------------------------------


def _fresh_browser_link(world) -> str:
    return browser_links.new_link_token(world.client_user.email)


def _forged_browser_link(world) -> str:
    """A link for the client's address signed with another key."""
    return URLSafeTimedSerializer("another key", salt="practice.browser-link").dumps(
        {"email": world.client_user.email, "nonce": "x"})


def browser_link_fields(world) -> dict:
    """Real addresses (any case, padded), an unknown one, or hostile values."""
    emails = [world.therapist.email, world.client_user.email, "nobody@example.com"]
    real = st.sampled_from(emails).flatmap(lambda email: st.sampled_from([email, email.upper(), f"  {email} "]))
    fields = fuzz.form_fields(BrowserLinkForm)
    fields["email"] = fuzz.hostile(fuzz.hostile_text(254), real)
    return fields


def login_fields(world) -> dict:
    """Real e-mails (any case, padded) and the real password, or hostile values."""
    emails = [world.therapist.email, world.owner.email, world.client_user.email, world.other_therapist.email,
              "nobody@example.com"]
    real = st.sampled_from(emails).flatmap(lambda email: st.sampled_from([email, email.upper(), f"  {email} "]))
    fields = fuzz.form_fields(LoginForm)
    fields["email"] = fuzz.hostile(fuzz.hostile_text(254), real)
    fields["password"] = password_or_hostile()
    return fields


def password_or_hostile() -> FieldFuzz:
    """The world's password, a wrong one, or hostile values."""
    return fuzz.hostile(fuzz.hostile_text(MAX_PASSWORD_LENGTH), st.sampled_from([PASSWORD, "not-the-password"]))


def confirm_fields(world) -> dict:
    """The password typed again."""
    return {**fuzz.form_fields(ConfirmPasswordForm), "password": password_or_hostile()}


def new_password_fields(form_class, name: str, confirm: str | None = None, current: str | None = None) -> Callable:
    """Good passphrases typed twice the same, the current password, or hostile values."""

    def build(world) -> dict:
        fields = fuzz.form_fields(form_class)
        fields[name] = fuzz.hostile(fuzz.hostile_text(1024), st.sampled_from(GOOD_PASSWORDS))
        if confirm:
            fields[confirm] = fuzz.hostile(fuzz.hostile_text(100), st.just(Same(name)))
        if current:
            fields[current] = fuzz.hostile(fuzz.hostile_text(100), st.just(PASSWORD))
        return fields

    return build


def therapist_fields(world) -> dict:
    """New addresses, or addresses already taken (in this practice or another), or hostile values."""
    fields = new_password_fields(TherapistForm, "temporary_password")(world)
    fresh = st.integers(1, 10**6).map(lambda n: f"new.therapist.{n}@example.com")
    taken = st.sampled_from([world.colleague.email, world.other_therapist.email.upper()])
    fields["email"] = fuzz.hostile(st.one_of(taken, fuzz.hostile_text(254)), fresh)
    return fields


def client_fields(world) -> dict:
    """The client form; the therapist one of the practice's, or another practice's, or a client's login."""
    fields = fuzz.form_fields(ClientForm)
    fields["therapist_id"] = Reference(
        (str(world.therapist.id), str(world.colleague.id), str(world.owner.id), "0"),
        (str(world.other_therapist.id), str(world.client_user.id), MISSING))
    return fields


def intake_fields(world) -> dict:
    """Every intake field, and the button pressed."""
    return {**fuzz.form_fields(IntakeForm), "submit_action": submit_actions()}


def draft_intake_fields(world) -> dict:
    """The intake fields with the draft's row version."""
    return {**intake_fields(world), "row_version": row_version_of(lambda w: open_draft(w.record.id), "intake")}


def questionnaire_fields(world) -> dict:
    """The fields of every questionnaire (those of another one are ignored)."""
    fields = {}
    for definition in questionnaires.QUESTIONNAIRES.values():
        fields.update(fuzz.form_fields(questionnaire_form(definition)))
    return fields


def _plan_row_version() -> FieldFuzz:
    return row_version_of(lambda world: db.session.get(Plan, world.plan.id), "plan")


def plan_details_fields(world) -> dict:
    """The details form and the plan's row version."""
    return {**fuzz.form_fields(PlanDetailsForm), "row_version": _plan_row_version()}


def add_step_fields(world) -> dict:
    """A shared item or the practice's own; another practice's, or a missing one."""
    fields = {**fuzz.form_fields(AddStepForm), "row_version": _plan_row_version()}
    fields["item_id"] = Reference((str(world.seeded_item.id), str(world.own_item.id)),
                                  (str(world.other_item.id), MISSING))
    return fields


def step_fields(world) -> dict:
    """The step form, under the prefix the plan page gives it."""
    prefix = f"step{world.step.id}-"
    return {**fuzz.form_fields(StepForm, prefix=prefix), f"{prefix}row_version": _plan_row_version()}


def move_fields(world) -> dict:
    """Up or down, or anything else; and the plan's row version."""
    return {"direction": fuzz.hostile(fuzz.choices([]), st.sampled_from(["up", "down"])),
            "row_version": _plan_row_version()}


def draft_plan_row_version(world) -> dict:
    """The draft plan's row version."""
    return {"row_version": row_version_of(_draft_plan, "draft plan")}


def publish_fields(world) -> dict:
    """The change summary and the plan's row version."""
    return {**fuzz.form_fields(PublishForm), "row_version": _plan_row_version()}


def status_fields(world) -> dict:
    """Completed or archived, or a status no button sends."""
    return {"status": fuzz.hostile(fuzz.choices(["active", "draft"]), st.sampled_from(["completed", "archived"]))}


def note_fields(world) -> dict:
    """The SOAP note form and the button pressed."""
    return {**fuzz.form_fields(SessionNoteForm), "submit_action": submit_actions()}


def unsigned_note_fields(world) -> dict:
    """The note form with the note's row version."""
    return {**note_fields(world), "row_version": row_version_of(_unsigned_note, "note")}


def home_log_fields(world) -> dict:
    """The routine the form showed (the record's current version, or another practice's, or none) and steps of it,
    or one outside it; pain, a note and warning signs."""
    fields = fuzz.form_fields(HomeLogForm)
    plan = home_plan(world.record)
    fields["routine"] = Reference((Later(lambda w: str(home_plan(w.record).version.id), "current routine"),),
                                  (str(world.other_version.id), MISSING))
    fields["done"] = Reference(tuple(plan.keys) if plan else (), ("99", "1", "position-1"))
    return fields


def nprs_fields(world) -> dict:
    """The NPRS the world's request asks for."""
    return fuzz.form_fields(questionnaire_form(questionnaires.QUESTIONNAIRES["nprs"]))


def handout_token_fields(world) -> dict:
    """The record's own pending token; another practice's, or one that never existed."""
    return {"token": Reference((Later(_pending_token, "pending token"),),
                               (world.other_invitation_token, "not-a-token"))}


def form_of(form_class) -> Callable:
    """Hostile values for every field of a form class."""
    return lambda world: fuzz.form_fields(form_class)


# --- Where: the actor's own records and records out of reach ----------------------------------------------


def record_places(world) -> dict:
    """The record of the actor's client; another practice's client, a colleague's, and a missing one."""
    return {"client": Reference((str(world.record.id),), (str(world.other_record.id), MISSING))}


def therapist_record_places(world) -> dict:
    """For a therapist, a colleague's client is out of reach too."""
    return {"client": Reference((str(world.record.id),),
                            (str(world.other_record.id), str(world.colleague_record.id), MISSING))}


def with_places(**extra: Callable) -> Callable:
    """The record's places plus others under the client."""
    return lambda world: {**therapist_record_places(world), **{name: read(world) for name, read in extra.items()}}


FORMS: dict[str, FormFuzz] = {
    "accounts.login": FormFuzz("anonymous", "/login", fields=login_fields, accepted=login_accepted,
                               ends_session=True),
    # Without a choice of practice on offer (a password typed first), every post is sent back to log in.
    "accounts.choose_practice": FormFuzz("anonymous", "/login/practice",
                                         fields=lambda world: fuzz.form_fields(ChoosePracticeForm), ends_session=True),
    "accounts.request_browser_link": FormFuzz("anonymous", "/login/new-browser", fields=browser_link_fields,
                                              accepted=browser_link_answered, ends_session=True),
    "accounts.open_browser_link": FormFuzz(
        "anonymous", "/login/new-browser/{token}", accepted=browser_let_in, ends_session=True,
        places=lambda world: {"token": Reference((Later(_fresh_browser_link, "fresh link"),),
                                             ("not-a-link", "x" * 300, "%00", Later(_forged_browser_link, "forged")))}),
    "accounts.logout": FormFuzz("therapist", "/logout", accepted=logout_accepted, ends_session=True),
    "accounts.password": FormFuzz(
        "therapist", "/account/password",
        fields=new_password_fields(ChangePasswordForm, "new_password", "confirm_password", "current_password"),
        accepted=password_accepted, ends_session=True),
    "accounts.confirm_password": FormFuzz(
        "therapist", "/account/confirm",
        fields=confirm_fields,
        accepted=confirmed, ends_session=True),
    "accounts.new_therapist": FormFuzz("owner", "/team/new", fields=therapist_fields, accepted=therapist_accepted),
    "accounts.deactivate": FormFuzz(
        "owner", "/team/{user}/deactivate", accepted=active_flag(False),
        places=lambda world: {"user": Reference((str(world.colleague.id),), (
            str(world.other_therapist.id), str(world.owner.id), str(world.client_user.id), MISSING))}),
    "accounts.activate": FormFuzz(
        "owner", "/team/{user}/activate", accepted=active_flag(True),
        places=lambda world: {"user": Reference((str(world.colleague.id),), (
            str(world.other_therapist.id), str(world.owner.id), str(world.client_user.id), MISSING))}),
    "clients.new": FormFuzz("owner", "/clients/new", fields=client_fields, accepted=client_created),
    "clients.edit": FormFuzz("owner", "/clients/{client}/edit", places=record_places, fields=client_fields,
                             accepted=client_edited),
    "casefile.archive": FormFuzz("therapist", "/clients/{client}/archive", places=therapist_record_places,
                                accepted=archived(True)),
    "casefile.restore": FormFuzz("therapist", "/clients/{client}/restore", places=therapist_record_places,
                                accepted=archived(False)),
    "intake.new": FormFuzz(
        "owner", "/clients/{client}/intakes/new", fields=intake_fields, prepare=ensure_no_intake_for_colleague_record,
        places=lambda world: {"client": Reference((str(world.colleague_record.id),), (str(world.other_record.id),))},
        accepted=intake_created),
    "intake.edit": FormFuzz(
        "therapist", "/clients/{client}/intakes/{intake}/edit", fields=draft_intake_fields, prepare=ensure_draft_intake,
        places=with_places(intake=lambda world: Reference(
            (Later(lambda w: str(open_draft(w.record.id).id), "draft intake"),),
            (str(world.other_intake.id), MISSING))),
        accepted=intake_saved),
    "intake.action": FormFuzz(
        "therapist", "/clients/{client}/intakes/{intake}/action", fields=form_of(RedFlagActionForm),
        places=with_places(intake=lambda world: Reference((str(world.intake.id),), (str(world.other_intake.id),))),
        accepted=action_recorded),
    "intake.questionnaire": FormFuzz(
        "therapist", "/clients/{client}/questionnaires/{key}/new", fields=questionnaire_fields,
        places=with_places(key=lambda world: Reference(tuple(questionnaires.QUESTIONNAIRES),
                                                   ("bogus", "NPRS", "nprs.json", "%3Cscript%3E"))),
        accepted=questionnaire_recorded),
    "library.new": FormFuzz("therapist", "/library/new", fields=form_of(LibraryItemForm), accepted=library_created),
    "library.edit": FormFuzz(
        "therapist", "/library/{item}/edit", fields=form_of(LibraryItemForm), accepted=library_edited,
        places=lambda world: {"item": Reference((str(world.own_item.id),), (
            str(world.other_item.id), str(world.seeded_item.id), MISSING))}),
    "library.copy": FormFuzz(
        "therapist", "/library/{item}/copy", accepted=library_copied,
        places=lambda world: {"item": Reference((str(world.seeded_item.id), str(world.own_item.id)),
                                            (str(world.other_item.id), MISSING))}),
    "plans.new": FormFuzz("therapist", "/clients/{client}/plans/new", places=therapist_record_places,
                          accepted=plan_created),
    "plans.details": FormFuzz(
        "therapist", "/clients/{client}/plans/{plan}/details", fields=plan_details_fields,
        places=with_places(plan=lambda world: Reference((str(world.plan.id),), (str(world.other_plan.id), MISSING))),
        accepted=plan_details_saved),
    "plans.add_step": FormFuzz(
        "therapist", "/clients/{client}/plans/{plan}/steps", fields=add_step_fields,
        places=with_places(plan=lambda world: Reference((str(world.plan.id),), (str(world.other_plan.id),))),
        accepted=step_added),
    "plans.update_step": FormFuzz(
        "therapist", "/clients/{client}/plans/{plan}/steps/{step}", fields=step_fields,
        places=with_places(plan=lambda world: Reference((str(world.plan.id),), (str(world.other_plan.id),)),
                           step=lambda world: Reference((str(world.step.id),), (str(world.other_step.id), MISSING))),
        accepted=step_updated),
    "plans.remove_step": FormFuzz(
        "therapist", "/clients/{client}/plans/{plan}/steps/{step}/remove", prepare=ensure_steps,
        fields=lambda world: {"row_version": _plan_row_version()},
        places=with_places(plan=lambda world: Reference((str(world.plan.id),), (str(world.other_plan.id),)),
                           step=lambda world: Reference(
                               (Later(lambda w: str(_row(Plan, w.plan.id).steps[-1].id), "last step"),),
                               (str(world.other_step.id), MISSING))),
        accepted=step_removed),
    "plans.move_step": FormFuzz(
        "therapist", "/clients/{client}/plans/{plan}/steps/{step}/move", prepare=ensure_steps, fields=move_fields,
        places=with_places(plan=lambda world: Reference((str(world.plan.id),), (str(world.other_plan.id),)),
                           step=lambda world: Reference((str(world.step.id),), (str(world.other_step.id), MISSING))),
        accepted=_positions_are_consecutive),
    "plans.activate": FormFuzz(
        "therapist", "/clients/{client}/plans/{plan}/activate", prepare=ensure_draft_plan,
        fields=draft_plan_row_version,
        places=with_places(plan=lambda world: Reference((Later(lambda w: str(_draft_plan(w).id), "draft plan"),),
                                                    (str(world.other_plan.id), MISSING))),
        accepted=plan_activated),
    "plans.publish": FormFuzz(
        "therapist", "/clients/{client}/plans/{plan}/publish", prepare=ensure_unpublished_changes,
        fields=publish_fields,
        places=with_places(plan=lambda world: Reference((str(world.plan.id),), (str(world.other_plan.id),))),
        accepted=plan_published),
    "plans.status": FormFuzz(
        "therapist", "/clients/{client}/plans/{plan}/status", fields=status_fields,
        places=with_places(plan=lambda world: Reference((str(world.plan.id),), (str(world.other_plan.id),))),
        accepted=plan_status_changed),
    "notes.new": FormFuzz("therapist", "/clients/{client}/sessions/new", places=therapist_record_places,
                             fields=note_fields, accepted=note_created),
    "notes.edit": FormFuzz(
        "therapist", "/clients/{client}/sessions/{note}/edit", prepare=ensure_unsigned_note,
        fields=unsigned_note_fields,
        places=with_places(note=lambda world: Reference((Later(lambda w: str(_unsigned_note(w).id), "unsigned note"),),
                                                    (str(world.other_note.id), str(world.signed_note.id), MISSING))),
        accepted=note_saved),
    "notes.amend": FormFuzz(
        "therapist", "/clients/{client}/sessions/{note}/amend", fields=form_of(AmendmentForm),
        places=with_places(note=lambda world: Reference((str(world.signed_note.id),),
                                                    (str(world.other_note.id), str(world.note.id), MISSING))),
        accepted=amendment_added),
    "portal.log_day": FormFuzz(
        "client", "/me/log/{day}", fields=home_log_fields, accepted=log_saved,
        places=lambda world: {"day": Reference(tuple(day.isoformat() for day in _days_back(0, 1, 7)), (
            *(day.isoformat() for day in _days_back(-1, 8, 400)), "2024-02-30", "today", "2024-1-1", "x" * 10))}),
    "portal.questionnaire": FormFuzz(
        "client", "/me/questionnaires/{assignment}", fields=nprs_fields, prepare=ensure_open_assignment("nprs"),
        places=lambda world: {"assignment": Reference(
            (Later(lambda w: str(_open_assignment(w, "nprs").id), "open request"),),
            (str(world.other_assignment.id), MISSING))},
        accepted=portal_questionnaire_answered),
    "portal.intake": FormFuzz("client", "/me/intake", fields=form_of(IntakeForm), prepare=ready_for_portal_intake,
                              accepted=portal_intake_sent),
    "portal.accept": FormFuzz(
        "anonymous", "/invite/{token}", prepare=ensure_pending_invitation, accepted=invitation_accepted,
        ends_session=True,
        fields=new_password_fields(AcceptInvitationForm, "password", "confirm_password"),
        places=lambda world: {"token": Reference((Later(_pending_token, "pending token"),),
                                             ("not-a-token", "x" * 300, "%00", world.invitation_token[:-1]))}),
    "portal_staff.invite": FormFuzz("therapist", "/clients/{client}/portal/invite", places=therapist_record_places,
                                    accepted=invitation_created),
    # Each accepted post renders a PDF: fewer examples keep the module quick.
    "portal_staff.invitation_handout": FormFuzz(
        "therapist", "/clients/{client}/portal/invitation-handout", places=therapist_record_places,
        prepare=ensure_pending_invitation, fields=handout_token_fields, accepted=handout_sent, max_examples=8),
    "portal_staff.remove": FormFuzz("therapist", "/clients/{client}/portal/remove-access",
                                    places=therapist_record_places, accepted=access_removed),
    "portal_staff.assign_form": FormFuzz("therapist", "/clients/{client}/portal/assign", places=therapist_record_places,
                                         fields=form_of(AssignForm), accepted=assignment_made),
    "portal_staff.cancel": FormFuzz(
        "therapist", "/clients/{client}/portal/assignments/{assignment}/cancel", prepare=ensure_open_assignment("nprs"),
        places=with_places(assignment=lambda world: Reference(
            (Later(lambda w: str(_open_assignment(w, "nprs").id), "open request"),),
            (str(world.other_assignment.id), MISSING))),
        accepted=assignment_cancelled),
    "portal_staff.review": FormFuzz(
        "therapist", "/clients/{client}/portal/logs/{log}/review", fields=form_of(ReviewForm), accepted=log_reviewed,
        places=with_places(log=lambda world: Reference((str(world.log.id),), (str(world.other_log.id), MISSING)))),
    "intake.review": FormFuzz(
        "therapist", "/clients/{client}/intakes/{intake}/review",
        places=with_places(intake=lambda world: Reference((str(world.intake.id),), (str(world.other_intake.id),)))),
}


def _days_back(*offsets: int) -> list[date]:
    return [date.fromordinal(date.today().toordinal() - offset) for offset in offsets]

