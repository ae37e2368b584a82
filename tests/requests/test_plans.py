"""The plan builder: suggestion, safety overrides, activation, versions, conflicts, and session notes."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from practice.extensions import db
from practice.library.models import LibraryItem
from practice.notes.models import SessionNote
from practice.plans.models import Plan
from tests.support.helpers import ALL_NO, audit_events, login

ON_BLOOD_THINNERS = {**ALL_NO, "reason": "Lower back ache", "goals": "Walk the dog", "pain_areas": ["lower_back_centre"],
                     "medications": ["anticoagulants"], "contributors": ["posture_desk"], "submit_action": "sign"}


def _client_with_intake(client, make_client, world, answers=ON_BLOOD_THINNERS):
    nia = make_client(world.practice, world.therapist, first_name="Nia", last_name="Price")
    assert client.post(f"/clients/{nia.id}/intakes/new", data=answers).status_code == 302
    return nia


def _plan(nia) -> Plan:
    return db.session.scalars(select(Plan).where(Plan.client_id == nia.id)).one()


def _details(plan, **changes):
    values = {"row_version": str(plan.row_version), "title": plan.title, "goals": plan.goals,
              "techniques": plan.techniques, "focus_areas": plan.focus_areas,
              "session_minutes": str(plan.session_minutes), "session_frequency": plan.session_frequency,
              "session_count": str(plan.session_count), "advice": plan.advice}
    return {**values, **changes}


def _item(slug) -> LibraryItem:
    return db.session.scalars(select(LibraryItem).where(LibraryItem.slug == slug, LibraryItem.practice_id.is_(None))).one()


def test_a_plan_is_suggested_from_the_intake_and_is_safe_for_the_client(client, world, make_client):
    login(client, world.therapist)
    nia = _client_with_intake(client, make_client, world)
    response = client.post(f"/clients/{nia.id}/plans/new")
    assert response.status_code == 302
    plan = _plan(nia)
    assert plan.status == "draft" and "Walk the dog" in plan.goals and plan.focus_areas == ["lower_back_centre"]
    assert "deep_tissue" not in plan.techniques and "swedish" in plan.techniques
    slugs = [step.item.slug for step in plan.steps]
    assert "hands-lower-back" in slugs and "posture-desk-setup" in slugs
    assert all(step.item.contraindication_key not in ("knuckles_elbows", "trigger_point_tool") for step in plan.steps)
    hands = next(step for step in plan.steps if step.item.slug == "hands-lower-back")
    assert "Light pressure only" in hands.modification and hands.pressure == "gentle"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "For this client:" in page and "Light pressure only" in page


def test_deep_tissue_on_blood_thinners_is_refused_then_allowed_with_an_override(client, world, make_client):
    login(client, world.therapist)
    nia = _client_with_intake(client, make_client, world)
    client.post(f"/clients/{nia.id}/plans/new")
    plan = _plan(nia)
    refused = client.post(f"/clients/{nia.id}/plans/{plan.id}/details",
                          data=_details(plan, techniques=["swedish", "deep_tissue"]))
    assert refused.status_code == 400
    assert "Marked “avoid” for this client" in refused.get_data(as_text=True)
    assert "bruising" in refused.get_data(as_text=True).lower()
    assert "deep_tissue" not in _plan(nia).techniques
    allowed = client.post(f"/clients/{nia.id}/plans/{plan.id}/details", data=_details(
        plan, techniques=["swedish", "deep_tissue"], technique_override_reason="Cleared by her GP for firm work"))
    assert allowed.status_code == 302
    plan = _plan(nia)
    assert plan.techniques == ["swedish", "deep_tissue"]
    assert plan.technique_overrides["deep_tissue"]["reason"] == "Cleared by her GP for firm work"
    assert "Cleared by her GP for firm work" in client.get(allowed.headers["Location"]).get_data(as_text=True)
    events = audit_events("plan.technique_override")
    assert len(events) == 1 and events[0].client_id == nia.id and "GP" not in events[0].detail


def test_a_home_item_to_avoid_needs_an_override_reason(client, world, make_client):
    login(client, world.therapist)
    nia = _client_with_intake(client, make_client, world)
    client.post(f"/clients/{nia.id}/plans/new")
    plan = _plan(nia)
    knuckles = _item("knuckles-elbows")
    refused = client.post(f"/clients/{nia.id}/plans/{plan.id}/steps",
                          data={"row_version": str(plan.row_version), "item_id": str(knuckles.id)})
    assert refused.status_code == 400 and "is marked “avoid” for this client" in refused.get_data(as_text=True)
    count = len(plan.steps)
    db.session.expire_all()
    assert len(_plan(nia).steps) == count
    client.post(f"/clients/{nia.id}/plans/{plan.id}/steps", data={
        "row_version": str(plan.row_version), "item_id": str(knuckles.id), "override_reason": "Very light, shown in clinic"})
    plan = _plan(nia)
    added = plan.steps[-1]
    assert added.item.slug == "knuckles-elbows" and added.override_reason == "Very light, shown in clinic"
    assert len(audit_events("plan.step_override")) == 1


def test_activation_waits_for_a_recorded_action_and_freezes_version_one(client, world, make_client):
    login(client, world.therapist)
    nia = _client_with_intake(client, make_client, world, {**ON_BLOOD_THINNERS, "rf_past_cancer": "yes"})
    client.post(f"/clients/{nia.id}/plans/new")
    plan = _plan(nia)
    refused = client.post(f"/clients/{nia.id}/plans/{plan.id}/activate", data={"row_version": str(plan.row_version)})
    assert refused.status_code == 400 and "needs action" in refused.get_data(as_text=True)
    assert _plan(nia).status == "draft"
    intake_id = plan.intake_id
    client.post(f"/clients/{nia.id}/intakes/{intake_id}/action",
                data={"advice": "See GP this week", "acted_on": date.today().isoformat()})
    activated = client.post(f"/clients/{nia.id}/plans/{plan.id}/activate", data={"row_version": str(plan.row_version)})
    assert activated.status_code == 302
    plan = _plan(nia)
    assert plan.status == "active" and plan.current_version == 1
    frozen = client.get(f"/clients/{nia.id}/plans/{plan.id}/versions/1").get_data(as_text=True)
    assert plan.steps[0].item.name in frozen and plan.steps[0].item.steps[0] in frozen.replace("&#39;", "'")


def test_editing_an_active_plan_makes_a_new_version_and_old_versions_stay_whole(client, world, make_client):
    login(client, world.therapist)
    nia = _client_with_intake(client, make_client, world)
    client.post(f"/clients/{nia.id}/plans/new")
    plan = _plan(nia)
    client.post(f"/clients/{nia.id}/plans/{plan.id}/activate", data={"row_version": str(plan.row_version)})
    plan = _plan(nia)
    first_step = plan.steps[0]
    version_one = client.get(f"/clients/{nia.id}/plans/{plan.id}/versions/1").get_data(as_text=True).split("<h1>")[1]
    client.post(f"/clients/{nia.id}/plans/{plan.id}/steps/{first_step.id}", data={
        f"step{first_step.id}-row_version": str(plan.row_version), f"step{first_step.id}-minutes": "9",
        f"step{first_step.id}-note": "Before bed"})
    plan = _plan(nia)
    assert plan.has_unpublished_changes and plan.current_version == 1
    missing = client.post(f"/clients/{nia.id}/plans/{plan.id}/publish", data={"row_version": str(plan.row_version)})
    assert missing.status_code == 400
    client.post(f"/clients/{nia.id}/plans/{plan.id}/publish",
                data={"row_version": str(plan.row_version), "summary": "Longer first step, before bed"})
    plan = _plan(nia)
    assert plan.current_version == 2 and not plan.has_unpublished_changes
    assert [v.change_summary for v in plan.versions] == ["First version", "Longer first step, before bed"]
    assert "9 minutes" in client.get(f"/clients/{nia.id}/plans/{plan.id}/versions/2").get_data(as_text=True)
    assert client.get(f"/clients/{nia.id}/plans/{plan.id}/versions/1").get_data(as_text=True).split("<h1>")[1] == version_one


def test_one_active_plan_per_client(client, world):
    login(client, world.therapist)
    client.post(f"/clients/{world.record.id}/plans/new")
    second = db.session.scalars(select(Plan).where(Plan.client_id == world.record.id, Plan.status == "draft")).one()
    response = client.post(f"/clients/{world.record.id}/plans/{second.id}/activate",
                           data={"row_version": str(second.row_version)})
    assert response.status_code == 400 and "already has an active plan" in response.get_data(as_text=True)
    client.post(f"/clients/{world.record.id}/plans/{world.plan.id}/status", data={"status": "completed"})
    assert client.post(f"/clients/{world.record.id}/plans/{second.id}/activate",
                       data={"row_version": str(second.row_version)}).status_code == 302


def test_a_concurrent_edit_is_refused_with_what_changed_and_the_first_save_is_kept(app, client, world):
    login(client, world.therapist)
    plan = world.plan
    opened = _details(plan)
    colleague = app.test_client()
    login(colleague, world.owner)
    assert colleague.post(f"/clients/{world.record.id}/plans/{plan.id}/details",
                          data={**opened, "title": "Owner's title"}).status_code == 302
    second = client.post(f"/clients/{world.record.id}/plans/{plan.id}/details", data={**opened, "title": "My title"})
    assert second.status_code == 409
    html = second.get_data(as_text=True)
    assert "changed by someone else" in html and "Title is now: Owner&#39;s title" in html
    assert db.session.get(Plan, plan.id).title == "Owner's title"
    stale_step = client.post(f"/clients/{world.record.id}/plans/{plan.id}/steps/{world.step.id}/remove",
                             data={"row_version": opened["row_version"]})
    assert stale_step.status_code == 409 and len(db.session.get(Plan, plan.id).steps) == len(plan.versions[0].content["steps"])


def test_steps_can_be_reordered_and_removed(client, world):
    login(client, world.therapist)
    plan = world.plan
    first, second = plan.steps[0].item.slug, plan.steps[1].item.slug
    client.post(f"/clients/{world.record.id}/plans/{plan.id}/steps/{plan.steps[0].id}/move",
                data={"row_version": str(plan.row_version), "direction": "down"})
    plan = db.session.get(Plan, plan.id)
    assert [s.item.slug for s in plan.steps][:2] == [second, first]
    count = len(plan.steps)
    client.post(f"/clients/{world.record.id}/plans/{plan.id}/steps/{plan.steps[0].id}/remove",
                data={"row_version": str(plan.row_version)})
    plan = db.session.get(Plan, plan.id)
    assert len(plan.steps) == count - 1 and [s.position for s in plan.steps] == list(range(1, count))


def test_bad_plan_input_gets_messages_not_500(client, world):
    login(client, world.therapist)
    plan = world.plan
    base = f"/clients/{world.record.id}/plans/{plan.id}"
    bad = client.post(f"{base}/details", data=_details(plan, title="", session_minutes="abc",
                                                        review_on=(date.today() - timedelta(days=3)).isoformat()))
    assert bad.status_code == 400
    html = bad.get_data(as_text=True)
    assert "Give the plan a title." in html and "The review date is in the past." in html
    assert client.post(f"{base}/steps", data={"row_version": str(plan.row_version),
                                               "item_id": "99999999999"}).status_code == 404
    assert client.post(f"{base}/steps", data={"row_version": str(plan.row_version), "item_id": str(world.other_item.id)}
                       ).status_code == 404
    assert client.post(f"{base}/steps/{world.step.id}", data={f"step{world.step.id}-row_version": str(plan.row_version),
                                                               f"step{world.step.id}-minutes": "999"}).status_code == 400


def test_session_notes_lock_when_signed_and_take_dated_amendments(client, world):
    login(client, world.therapist)
    form = client.get(f"/clients/{world.record.id}/sessions/new").get_data(as_text=True)
    assert 'value="swedish" checked' in form or "checked" in form  # techniques picked from the plan
    response = client.post(f"/clients/{world.record.id}/sessions/new", data={
        "seen_on": date.today().isoformat(), "subjective": "Slept better", "pain_before": "6", "pain_after": "3",
        "techniques": ["swedish"], "submit_action": "sign"})
    note = db.session.scalars(select(SessionNote).where(SessionNote.subjective == "Slept better")).one()
    assert note.is_signed and note.plan_id == world.plan.id
    locked = client.post(f"/clients/{world.record.id}/sessions/{note.id}/edit",
                         data={"seen_on": date.today().isoformat(), "subjective": "Changed", "row_version": "1"})
    assert locked.status_code == 302
    client.post(f"/clients/{world.record.id}/sessions/{note.id}/amend", data={"text": "Pain after was 4, not 3"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Slept better" in page and "Pain after was 4, not 3" in page and "Changed" not in page
    actions = [event.action for event in audit_events(client_id=world.record.id)]
    assert {"session.create", "session.sign", "session.amend", "session.view"} <= set(actions)
    client_page = client.get(f"/clients/{world.record.id}").get_data(as_text=True)
    assert "pain 6 → 3" in client_page


def test_library_copies_leave_the_shared_original_unchanged(client, world):
    login(client, world.therapist)
    heat = world.seeded_item
    response = client.post(f"/library/{heat.id}/copy")
    copy = db.session.scalars(select(LibraryItem).where(LibraryItem.copied_from_id == heat.id)).one()
    assert response.headers["Location"].endswith(f"/library/{copy.id}/edit")
    client.post(f"/library/{copy.id}/edit", data={"name": "Warm pack (our way)", "kind": "home",
                                                 "steps": "Warm the pack\nLie down", "dose_minutes": "10"})
    db.session.expire_all()
    assert copy.name == "Warm pack (our way)" and heat.name != "Warm pack (our way)"
    listing = client.get("/library/").get_data(as_text=True)
    assert "Warm pack (our way)</a>" in listing and f">{heat.name}</a>" not in listing


def test_the_dashboard_lists_the_clients_most_recently_seen(client, world, make_client):
    login(client, world.therapist)
    earlier = make_client(world.practice, world.therapist, first_name="Earl", last_name="Ier")
    for record, day in ((earlier, "2026-01-05"), (world.record, "2026-02-10")):
        client.post(f"/clients/{record.id}/sessions/new", data={"seen_on": day, "submit_action": "sign"})
    seen = client.get("/").get_data(as_text=True).split("Recently seen")[1].split("Recently opened")[0]
    assert seen.index("Hassan, Amira") < seen.index("Ier, Earl")
    assert f"Last session {date.today().isoformat()}" in seen  # the later of its two notes
    assert "Carter, Ben" not in seen  # a colleague's client
