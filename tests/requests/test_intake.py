"""Intake: recording, screening banners, actions, versions, contraindications and conflicts."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from practice.extensions import db
from practice.intake import questionnaires, screening
from practice.intake.models import Intake, RedFlagAction
from tests.support.helpers import ALL_NO, audit_events, login

DESK_WORKER = {**ALL_NO, "reason": "Stiff lower back after long days at the desk", "goals": "Sit through meetings",
               "activity_1": "Sitting for an hour", "activity_1_rating": "4", "pain_areas": ["lower_back_centre"],
               "pain_now": "4", "pain_best": "2", "pain_worst": "6", "onset_date": "2026-09-01",
               "pain_qualities": ["dull_ache", "stiffness"], "contributors": ["posture_desk"], "sex": "female",
               "pressure": "moderate", "consent_today": "y"}


def _new_client(make_client, world, **values):
    return make_client(world.practice, world.therapist, first_name="Nia", last_name="Price", **values)


def _intakes(client_id):
    return list(db.session.scalars(select(Intake).where(Intake.client_id == client_id).order_by(Intake.version)))


def test_a_desk_worker_without_flags_is_clear(client, world, make_client):
    nia = _new_client(make_client, world, date_of_birth=date(1986, 2, 1))
    login(client, world.therapist)
    response = client.post(f"/clients/{nia.id}/intakes/new", data={**DESK_WORKER, "submit_action": "sign"})
    assert response.status_code == 302
    intake = _intakes(nia.id)[0]
    assert intake.is_signed and intake.screening_level == "clear" and intake.age_at_intake == date.today().year - 1986 - (
        (date.today().month, date.today().day) < (2, 1))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Clear — no red flags in the answers given" in page
    assert "Lower back, centre" in page or "lower back" in page.lower()
    assert "Subacute" in page or "Acute" in page or "Chronic" in page
    assert [e.action for e in audit_events("intake.sign")] and audit_events("intake.view")


def test_new_urinary_retention_shows_the_emergency_banner_everywhere(client, world, make_client):
    nia = _new_client(make_client, world, date_of_birth=date(1984, 3, 27))
    login(client, world.therapist)
    response = client.post(f"/clients/{nia.id}/intakes/new",
                           data={**DESK_WORKER, "rf_urination_difficulty": "yes", "submit_action": "sign"})
    intake_page = client.get(response.headers["Location"]).get_data(as_text=True)
    for html in (intake_page, client.get(f"/clients/{nia.id}").get_data(as_text=True)):
        assert "Emergency — do not treat" in html
        assert "emergency care today" in html.lower()
        assert "hard to start passing urine" in html  # the answer behind the flag
        assert 'role="alert"' in html
    assert "Record the action taken" in intake_page
    dashboard = client.get("/").get_data(as_text=True)
    assert "Price" in dashboard.split("Needs your attention")[1].split("Your clients")[0]


def test_recording_the_action_is_kept_audited_and_clears_the_alert(client, world, make_client):
    nia = _new_client(make_client, world)
    login(client, world.therapist)
    client.post(f"/clients/{nia.id}/intakes/new", data={**DESK_WORKER, "rf_saddle_numbness": "yes",
                                                        "submit_action": "sign"})
    intake = _intakes(nia.id)[0]
    missing = client.post(f"/clients/{nia.id}/intakes/{intake.id}/action", data={"advice": "", "acted_on": ""})
    assert missing.status_code == 400 and b"Describe the advice you gave." in missing.data
    response = client.post(f"/clients/{nia.id}/intakes/{intake.id}/action", data={
        "advice": "Advised to go to the emergency department now", "referred_to": "A&E, St Mary's",
        "acted_on": date.today().isoformat()})
    assert response.status_code == 302
    action = db.session.scalars(select(RedFlagAction).where(RedFlagAction.client_id == nia.id)).one()
    assert action.recorded_by_id == world.therapist.id and action.referred_to == "A&E, St Mary's"
    page = client.get(f"/clients/{nia.id}/intakes/{intake.id}").get_data(as_text=True)
    assert "Advised to go to the emergency department now" in page and "Record the action taken" not in page
    event = audit_events("screening.action", client_id=nia.id)[0]
    assert event.client_id == nia.id and "emergency department" not in (event.detail or "")
    dashboard = client.get("/").get_data(as_text=True)
    assert "Price" not in dashboard.split("Needs your attention")[1].split("Your clients")[0]


def test_only_the_latest_intake_version_puts_a_client_on_the_attention_list(client, world, make_client):
    """A flag answered by a clear reassessment leaves the list; a new flag in a later version brings it back."""
    nia = _new_client(make_client, world)
    login(client, world.therapist)

    def listed() -> bool:
        return "Price" in client.get("/").get_data(as_text=True).split("Needs your attention")[1].split("Your clients")[0]

    client.post(f"/clients/{nia.id}/intakes/new", data={**DESK_WORKER, "rf_night_pain": "yes", "submit_action": "sign"})
    assert listed()
    client.post(f"/clients/{nia.id}/intakes/new", data={**DESK_WORKER, "submit_action": "sign"})  # night pain gone
    assert [intake.screening_level for intake in _intakes(nia.id)][-1] == "clear" and not listed()
    client.post(f"/clients/{nia.id}/intakes/new", data={**DESK_WORKER, "rf_fever": "yes", "submit_action": "sign"})
    assert listed()


def test_every_page_shows_the_screening_saved_with_the_intake_even_after_the_rules_change(
        client, world, make_client, monkeypatch):
    """The dashboard lists the level saved with the intake; the pages show that same result, never a recomputed one."""
    nia = _new_client(make_client, world)
    login(client, world.therapist)
    client.post(f"/clients/{nia.id}/intakes/new", data={**DESK_WORKER, "rf_night_pain": "yes", "submit_action": "sign"})
    [intake] = _intakes(nia.id)
    # A later release whose rules would call the same answers clear.
    monkeypatch.setattr(screening, "screen", lambda *args, **kwargs: screening.ScreeningResult(screening.CLEAR))
    urgent = screening.LEVEL_LABELS[screening.URGENT]
    dashboard = client.get("/").get_data(as_text=True).split("Needs your attention")[1].split("Your clients")[0]
    assert "Price" in dashboard and "Urgent" in dashboard
    assert urgent in client.get(f"/clients/{nia.id}/intakes/{intake.id}").get_data(as_text=True)
    assert urgent in client.get(f"/clients/{nia.id}").get_data(as_text=True)
    referral = client.get(f"/clients/{nia.id}/intakes/{intake.id}/referral.pdf")
    assert referral.status_code == 200 and referral.mimetype == "application/pdf"


def test_an_unanswered_question_makes_it_incomplete_never_clear(client, world, make_client):
    nia = _new_client(make_client, world)
    login(client, world.therapist)
    answers = {key: value for key, value in DESK_WORKER.items() if key != "rf_night_pain"}
    client.post(f"/clients/{nia.id}/intakes/new", data={**answers, "submit_action": "sign"})
    assert _intakes(nia.id)[0].screening_level == "incomplete"
    declined = {**DESK_WORKER, "rf_night_pain": "prefer_not"}
    nia2 = _new_client(make_client, world)
    client.post(f"/clients/{nia2.id}/intakes/new", data={**declined, "submit_action": "sign"})
    html = client.get(f"/clients/{nia2.id}").get_data(as_text=True)
    assert "Incomplete — needs review in person" in html and "does not ease when you change position" in html


def test_contraindications_table_for_a_client_on_blood_thinners(client, world, make_client):
    nia = _new_client(make_client, world)
    login(client, world.therapist)
    response = client.post(f"/clients/{nia.id}/intakes/new", data={
        **DESK_WORKER, "medications": ["anticoagulants"], "conditions": ["open_wound_skin"],
        "site_open_wound_skin": "left shin graze", "submit_action": "sign"})
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    table = html.split("Techniques for this client")[1]
    deep_row = table.split("Deep tissue massage")[1].split("</tr>")[0]
    assert "verdict-avoid" in deep_row and "Avoid" in deep_row
    assert "left shin graze" in table


def test_drafts_are_editable_signed_versions_are_locked_and_reassessment_makes_a_new_version(
        client, world, make_client):
    nia = _new_client(make_client, world)
    login(client, world.therapist)
    client.post(f"/clients/{nia.id}/intakes/new", data={**DESK_WORKER, "pain_now": "5", "submit_action": "draft"})
    draft = _intakes(nia.id)[0]
    assert not draft.is_signed
    assert client.get(f"/clients/{nia.id}/intakes/new").headers["Location"].endswith(f"/intakes/{draft.id}/edit")
    client.post(f"/clients/{nia.id}/intakes/{draft.id}/edit",
                data={**DESK_WORKER, "pain_now": "6", "row_version": str(draft.row_version), "submit_action": "sign"})
    signed = _intakes(nia.id)[0]
    assert signed.is_signed and signed.answers["pain_now"] == 6
    locked = client.post(f"/clients/{nia.id}/intakes/{signed.id}/edit",
                         data={**DESK_WORKER, "pain_now": "1", "row_version": str(signed.row_version)})
    assert locked.status_code == 302
    assert _intakes(nia.id)[0].answers["pain_now"] == 6
    form = client.get(f"/clients/{nia.id}/intakes/new").get_data(as_text=True)
    assert "Reassessment" in form and 'value="Sitting for an hour"' in form
    client.post(f"/clients/{nia.id}/intakes/new", data={**DESK_WORKER, "pain_now": "2", "submit_action": "sign"})
    first, second = _intakes(nia.id)
    assert (first.version, first.answers["pain_now"]) == (1, 6)
    assert (second.version, second.kind, second.answers["pain_now"]) == (2, "reassessment", 2)


def test_a_concurrent_draft_edit_gets_the_clear_conflict_message_and_loses_nothing(
        app, client, world, make_client):
    nia = _new_client(make_client, world)
    login(client, world.therapist)
    client.post(f"/clients/{nia.id}/intakes/new", data={**DESK_WORKER, "submit_action": "draft"})
    draft = _intakes(nia.id)[0]
    seen = draft.row_version
    colleague = app.test_client()
    login(colleague, world.owner)
    first = colleague.post(f"/clients/{nia.id}/intakes/{draft.id}/edit",
                           data={**DESK_WORKER, "reason": "Owner's update", "row_version": str(seen)})
    assert first.status_code == 302
    second = client.post(f"/clients/{nia.id}/intakes/{draft.id}/edit",
                         data={**DESK_WORKER, "reason": "Therapist's update", "row_version": str(seen)})
    assert second.status_code == 409
    html = second.get_data(as_text=True)
    assert "Someone else saved this intake" in html and "Therapist&#39;s update" in html
    assert _intakes(nia.id)[0].answers["reason"] == "Owner's update"


@pytest.mark.parametrize("field,value,message", [
    ("pain_now", "11", "Enter a number from 0 to 10."),
    ("pain_now", "lots", "Not a valid integer value."),
    ("onset_date", "2026-02-30", "Enter a complete date"),
    ("onset_date", "2999-01-01", "This date is in the future."),
    ("pain_areas", "kidney", "not a valid choice"),
    ("rf_fever", "maybe", "Not a valid choice"),
    ("pregnancy_weeks", "60", "from 1 to 42"),
    ("reason", "x" * 2001, "cannot be longer than 2000"),
    ("site_open_wound_skin", "x" * 121, "cannot be longer than 120"),
])
def test_bad_intake_input_gets_a_message_and_saves_nothing(client, world, make_client, field, value, message):
    nia = _new_client(make_client, world)
    login(client, world.therapist)
    response = client.post(f"/clients/{nia.id}/intakes/new", data={**DESK_WORKER, field: value})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _intakes(nia.id) == []


def test_startback_is_scored_with_nice_advice_and_nprs_change_is_marked(client, world):
    login(client, world.therapist)
    record = world.record
    # Items 1-6 agree, 7-8 disagree, "very much" bothered: total 7, psychosocial 3 -> medium risk.
    keys = questionnaires.STARTBACK_ITEM_KEYS
    startback = {**{key: "true" for key in keys[:6]}, keys[6]: "false", keys[7]: "false", keys[8]: "very_much",
                 "taken_on": "2026-11-01"}
    assert client.post(f"/clients/{record.id}/questionnaires/startback/new", data=startback).status_code == 302
    client.post(f"/clients/{record.id}/questionnaires/nprs/new", data={"pain": "7", "taken_on": "2026-10-01"})
    client.post(f"/clients/{record.id}/questionnaires/nprs/new", data={"pain": "4", "taken_on": "2026-11-15"})
    html = client.get(f"/clients/{record.id}").get_data(as_text=True)
    scores = html.split("Outcome questionnaires")[1]
    assert "Medium risk" in scores
    assert questionnaires.STARTBACK_ADVICE["medium"][:40] in scores
    assert "-3 · better" in scores and "Meaningful change" in scores
    incomplete = client.post(f"/clients/{record.id}/questionnaires/startback/new",
                             data={"leg_pain": "true", "taken_on": "2026-11-02"}, follow_redirects=True)
    assert b"incomplete, so it has no score" in incomplete.data


def test_psfs_items_carry_the_activities_from_the_intake(client, world, make_client):
    nia = _new_client(make_client, world)
    login(client, world.therapist)
    client.post(f"/clients/{nia.id}/intakes/new", data={**DESK_WORKER, "submit_action": "sign"})
    form = client.get(f"/clients/{nia.id}/questionnaires/psfs/new").get_data(as_text=True)
    assert "Sitting for an hour: 0 (unable) to 10" in form


def test_intake_text_is_escaped(client, world, make_client):
    nia = _new_client(make_client, world)
    login(client, world.therapist)
    response = client.post(f"/clients/{nia.id}/intakes/new", data={
        **DESK_WORKER, "reason": "<script>alert(1)</script>", "submit_action": "sign"})
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_practice_with_a_licence_sees_its_official_wording(make_app, world, tmp_path):
    wording = tmp_path / "wording.json"
    wording.write_text('{"odi": {"pain_intensity": "Official section one text"}}', encoding="utf-8")
    app = make_app(QUESTIONNAIRE_WORDING_FILE=str(wording))
    client = app.test_client()
    login(client, world.therapist)
    html = client.get(f"/clients/{world.record.id}/questionnaires/odi/new").get_data(as_text=True)
    assert "Official section one text" in html
    default = client.get(f"/clients/{world.record.id}/questionnaires/rmdq/new").get_data(as_text=True)
    assert "Stays at home more" in default
