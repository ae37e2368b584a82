"""Every number and date a request carries is read by one parser and kept within a sensible range (issue 16).

Before: a row version of "²" or "①" (str.isdigit() is true, int() refuses it) gave a 500 on the intake, plan,
step and note forms; `?page=99999999999999999999` gave a 500 on the client list and the audit log, and so did
`/audit/?until=9999-12-31` and its CSV; a signed session note dated 9999-12-31 broke the client's page for good.
Now a bad value gets a message (or the page's default), never a 500; a date a person types has a range; and the
pages that draw dates draw whatever is already stored.
"""
from __future__ import annotations

from datetime import date, timedelta
from html import unescape

import pytest
from sqlalchemy import select

from practice.clients.models import Client
from practice.extensions import db
from practice.intake.models import QuestionnaireResponse, RedFlagAction
from practice.notes.models import SessionNote
from practice.plans.models import PlanVersion
from practice.portal.models import HomeLog
from tests.support.helpers import ALL_NO, days_ago, login, text_of

# "²" and "①" pass str.isdigit() and make int() raise; the others are numbers no saved row has.
UNREADABLE_ROW_VERSIONS = ["²", "①", "9" * 30, "-1", "1.0"]


def _form_error(response, field: str, message: str) -> None:
    html = unescape(text_of(response))
    assert response.status_code == 400, response.status_code
    assert message in html and f'id="{field}-error"' in html


# --- Row versions ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("row_version", UNREADABLE_ROW_VERSIONS)
def test_an_unreadable_row_version_is_the_out_of_date_message_on_every_versioned_form(client, world, row_version):
    login(client, world.therapist)
    record, plan = world.record, world.plan
    posts = [
        (f"/clients/{record.id}/intakes/{world.intake.id}/edit", {"row_version": row_version, **ALL_NO},
         "Someone else saved this intake while you were editing it."),
        (f"/clients/{record.id}/plans/{plan.id}/details", {"row_version": row_version, "title": "Renamed"},
         "This plan was changed by someone else since you opened it."),
        (f"/clients/{record.id}/plans/{plan.id}/steps/{world.step.id}",
         {f"step{world.step.id}-row_version": row_version, f"step{world.step.id}-minutes": "9"},
         "This plan was changed by someone else since you opened it."),
        (f"/clients/{record.id}/plans/{plan.id}/steps/{world.step.id}/remove", {"row_version": row_version},
         "This plan was changed by someone else since you opened it."),
        (f"/clients/{record.id}/sessions/{world.note.id}/edit",
         {"row_version": row_version, "seen_on": date.today().isoformat(), "subjective": "Changed"},
         "Someone else saved this note while you were editing it."),
    ]
    for path, data, message in posts:
        response = client.post(path, data=data)
        assert response.status_code == 409 and message in text_of(response), path
    db.session.expire_all()
    assert world.plan.title != "Renamed" and world.step.minutes != 9 and world.note.subjective == "Better"
    assert world.step in world.plan.steps


# --- Page numbers ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["99999999999999999999", "²", "-5", "0", "1e3", ""])
def test_an_unusable_page_number_shows_the_first_page(client, world, page):
    login(client, world.owner)
    clients = client.get("/clients/", query_string={"page": page})
    assert clients.status_code == 200 and "Hassan" in text_of(clients)
    log = client.get("/audit/", query_string={"page": page})
    assert log.status_code == 200 and "auth.login" in text_of(log)


# --- Dates a person types --------------------------------------------------------------------------------


AUDIT_RANGE = "Enter a date from 1 January 2000 to today."


@pytest.mark.parametrize("field,value", [
    ("until", "9999-12-31"), ("since", "9999-12-31"), ("since", "0001-01-01"), ("until", "1999-12-31"),
    ("since", (date.today() + timedelta(days=2)).isoformat()),
])
def test_audit_dates_outside_the_logs_life_are_refused_with_a_message(client, world, field, value):
    login(client, world.owner)
    for path in ("/audit/", "/audit/export.csv"):
        response = client.get(path, query_string={field: value})
        _form_error(response, field, AUDIT_RANGE)


def test_an_audit_filter_of_tomorrow_is_allowed_for_clinics_ahead_of_utc(client, world):
    login(client, world.owner)
    response = client.get("/audit/", query_string={"until": (date.today() + timedelta(days=1)).isoformat()})
    assert response.status_code == 200 and "auth.login" in text_of(response)


def _note(seen_on: str) -> dict:
    return {"seen_on": seen_on, "subjective": "Typed", "pain_before": "5", "submit_action": "sign"}


@pytest.mark.parametrize("seen_on,message", [
    ("9999-12-31", "A visit cannot be dated after tomorrow."),
    ((date.today() + timedelta(days=2)).isoformat(), "A visit cannot be dated after tomorrow."),
    ("1985-05-16", "This date is before the client's date of birth."),  # Amira was born on 17 May 1985
    ("0001-01-01", "This date is before the client's date of birth."),
])
def test_a_visit_is_dated_between_the_clients_birth_and_tomorrow(client, world, seen_on, message):
    login(client, world.therapist)
    before = db.session.scalar(select(SessionNote.id).order_by(SessionNote.id.desc()).limit(1))
    _form_error(client.post(f"/clients/{world.record.id}/sessions/new", data=_note(seen_on)), "seen_on", message)
    _form_error(client.post(f"/clients/{world.record.id}/sessions/{world.note.id}/edit",
                            data={**_note(seen_on), "row_version": str(world.note.row_version)}), "seen_on", message)
    assert db.session.scalar(select(SessionNote.id).order_by(SessionNote.id.desc()).limit(1)) == before


def test_a_visit_without_a_known_birth_date_is_not_dated_before_1900(client, world, make_client):
    record = make_client(world.practice, world.therapist, date_of_birth=None)
    login(client, world.therapist)
    _form_error(client.post(f"/clients/{record.id}/sessions/new", data=_note("1899-12-31")), "seen_on",
                "Enter a date in 1900 or later.")


@pytest.mark.parametrize("seen_on", [date.today(), date.today() + timedelta(days=1), date(1985, 5, 17)])
def test_a_visit_today_tomorrow_or_on_the_birthday_is_saved(client, world, seen_on):
    """Tomorrow: a clinic east of UTC is already there while the server's date is not."""
    login(client, world.therapist)
    response = client.post(f"/clients/{world.record.id}/sessions/new", data=_note(seen_on.isoformat()))
    assert response.status_code == 302
    assert db.session.scalar(select(SessionNote).order_by(SessionNote.id.desc()).limit(1)).seen_on == seen_on


@pytest.mark.parametrize("field,value,message", [
    ("onset_date", "1985-05-16", "This date is before the client's date of birth."),
    ("onset_date", "1850-01-01", "Enter a date in 1900 or later."),
    ("surgery_date", "0001-01-01", "Enter a date in 1900 or later."),
    ("injury_date", "9999-12-31", "This date is in the future."),
])
def test_intake_dates_fall_between_the_clients_birth_and_today(client, world, field, value, message):
    login(client, world.therapist)
    response = client.post(f"/clients/{world.record.id}/intakes/{world.intake.id}/edit",
                           data={**ALL_NO, field: value, "row_version": str(world.intake.row_version)})
    _form_error(response, field, message)
    db.session.expire_all()
    assert field not in (world.intake.answers or {}) or world.intake.answers[field] != value


@pytest.mark.parametrize("value,message", [
    ("9999-12-31", "This date is in the future."), ("1985-05-01", "This date is before the client's date of birth."),
])
def test_questionnaire_and_red_flag_action_dates_have_the_same_range(client, world, value, message):
    login(client, world.therapist)
    before = (db.session.scalar(select(QuestionnaireResponse.id).order_by(QuestionnaireResponse.id.desc()).limit(1)),
              db.session.scalar(select(RedFlagAction.id).order_by(RedFlagAction.id.desc()).limit(1)))
    _form_error(client.post(f"/clients/{world.record.id}/questionnaires/nprs/new",
                            data={"taken_on": value, "pain": "4"}), "taken_on", message)
    _form_error(client.post(f"/clients/{world.record.id}/intakes/{world.intake.id}/action",
                            data={"advice": "Rest", "acted_on": value}), "acted_on", message)
    assert (db.session.scalar(select(QuestionnaireResponse.id).order_by(QuestionnaireResponse.id.desc()).limit(1)),
            db.session.scalar(select(RedFlagAction.id).order_by(RedFlagAction.id.desc()).limit(1))) == before


@pytest.mark.parametrize("value,message", [
    ("9999-12-31", "Set a review date within two years."),
    ((date.today() + timedelta(days=3 * 365)).isoformat(), "Set a review date within two years."),
    ("0001-01-01", "The review date is in the past."),
])
def test_a_plan_review_is_dated_within_two_years(client, world, value, message):
    login(client, world.therapist)
    response = client.post(f"/clients/{world.record.id}/plans/{world.plan.id}/details",
                           data={"title": "Plan", "review_on": value, "row_version": str(world.plan.row_version)})
    _form_error(response, "review_on", message)


@pytest.mark.parametrize("field,value,message", [
    ("consent_treatment_on", "1980-01-01", "This date is before the client's date of birth."),
    ("consent_health_data_on", "1899-12-31", "Enter a date in 1900 or later."),
    ("consent_health_data_on", "9999-12-31", "This date is in the future."),
    ("date_of_birth", "9999-12-31", "This date is in the future."),
    ("date_of_birth", "0001-01-01", "after 1900"),
])
def test_client_record_dates_fall_between_1900_the_birth_date_and_today(client, world, field, value, message):
    login(client, world.therapist)
    data = {"first_name": "Nia", "last_name": "Quinn", "date_of_birth": "1990-04-01", "consents_to_treatment": "y",
            "consents_to_health_data": "y", field: value}
    _form_error(client.post("/clients/new", data=data), field, message)
    assert db.session.scalars(select(Client).where(Client.last_name == "Quinn")).first() is None


# --- Pages draw the dates already stored ---------------------------------------------------------------


@pytest.mark.parametrize("day", [date.max, date.min, date(9999, 12, 29)])
def test_dates_stored_at_the_ends_of_the_calendar_never_break_a_page(app, world, make_client, day):
    """A note signed with 9999-12-31 (typed before dates had a range) cannot be corrected: its pages must work."""
    record = make_client(world.practice, world.therapist, first_name="Dora", last_name="Date")
    note = SessionNote(client_id=record.id, seen_on=day, pain_before=6, pain_after=4, is_signed=True,
                       created_by_id=world.therapist.id, subjective="Signed long ago")
    db.session.add(note)
    db.session.add(HomeLog(client_id=world.record.id, logged_on=day, pain=5, done_steps=[], planned_steps=0))
    version = db.session.scalars(select(PlanVersion).where(PlanVersion.plan_id == world.plan.id)).first()
    version.content = {**version.content, "professional": {**version.content["professional"],
                                                           "review_on": day.isoformat()}}
    db.session.commit()
    therapist, owner, portal = app.test_client(), app.test_client(), app.test_client()
    login(therapist, world.therapist)
    for path in (f"/clients/{record.id}", f"/clients/{record.id}/sessions/new",
                 f"/clients/{record.id}/sessions/{note.id}", f"/clients/{world.record.id}",
                 f"/clients/{world.record.id}/portal/logs",
                 f"/clients/{world.record.id}/plans/{world.plan.id}/versions/1", "/"):
        assert therapist.get(path).status_code == 200, path
    login(owner, world.owner)
    for path in (f"/clients/{record.id}/export.json", f"/clients/{record.id}/export.pdf"):
        assert owner.get(path).status_code == 200, path
    login(portal, world.client_user)
    for path in ("/me", "/me/history", "/me/progress", f"/me/log/{days_ago(0).isoformat()}"):
        assert portal.get(path).status_code == 200, path
