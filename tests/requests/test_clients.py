"""Client records: create, list, search, paginate, edit, reassign, archive and restore, with audit."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from practice.clients.models import Client
from practice.extensions import db
from practice.forms import DATE_MESSAGE
from tests.support.helpers import audit_events, login

VALID = {"first_name": "Nora", "last_name": "Quinn", "date_of_birth": "1979-04-02", "email": "nora@example.com",
         "phone": "07700 900123", "emergency_contact_name": "Sam Quinn", "emergency_contact_phone": "07700 900124",
         "consents_to_treatment": "y", "consent_treatment_on": "2026-11-01", "consents_to_health_data": "y",
         "notes": "Prefers morning appointments."}


def test_a_therapist_creates_a_client_assigned_to_themselves(client, world):
    login(client, world.therapist)
    response = client.post("/clients/new", data=VALID)
    assert response.status_code == 302
    created = db.session.scalars(select(Client).where(Client.last_name == "Quinn")).one()
    assert created.therapist_id == world.therapist.id and created.practice_id == world.practice.id
    assert created.date_of_birth == date(1979, 4, 2)
    assert created.consent_treatment_on == date(2026, 11, 1)
    assert created.consent_health_data_on == date.today()  # ticked without a date: today
    page = client.get(response.headers["Location"])
    assert b"Nora Quinn" in page.data and b"Prefers morning appointments." in page.data
    assert audit_events("client.create")[-1].client_id == created.id
    assert audit_events("client.view")[-1].client_id == created.id


def test_posted_practice_and_role_fields_are_ignored(client, world):
    login(client, world.therapist)
    client.post("/clients/new", data={**VALID, "practice_id": str(world.other_practice.id),
                                      "therapist_id": str(world.colleague.id), "is_archived": "y"})
    created = db.session.scalars(select(Client).where(Client.last_name == "Quinn")).one()
    assert created.practice_id == world.practice.id
    assert created.therapist_id == world.therapist.id
    assert not created.is_archived


@pytest.mark.parametrize("field,value,message", [
    ("first_name", "", "Enter the first name."),
    ("first_name", "x" * 81, "Field cannot be longer than 80 characters."),
    ("last_name", "   ", "Enter the last name."),
    ("date_of_birth", "31/02/1980", DATE_MESSAGE),
    ("date_of_birth", "1980-02-31", DATE_MESSAGE),
    ("date_of_birth", "2999-01-01", "This date is in the future."),
    ("date_of_birth", "1850-01-01", "after 1900"),
    ("email", "not-an-email", "Enter an e-mail address like name@example.com."),
    ("email", "a" * 250 + "@example.com", "cannot be longer than 254"),
    ("phone", "1" * 41, "cannot be longer than 40"),
    ("notes", "n" * 5001, "cannot be longer than 5000"),
    ("consent_treatment_on", "yesterday", DATE_MESSAGE),
])
def test_bad_input_gets_a_message_next_to_the_field(client, world, field, value, message):
    login(client, world.therapist)
    response = client.post("/clients/new", data={**VALID, field: value})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert f'id="{field}-error"' in html and 'aria-invalid="true"' in html
    assert db.session.scalars(select(Client).where(Client.last_name == "Quinn")).first() is None


def test_a_failed_edit_loses_nothing_already_saved(client, world):
    login(client, world.therapist)
    response = client.post(f"/clients/{world.record.id}/edit", data={**VALID, "email": "broken"})
    assert response.status_code == 400
    assert world.record.first_name == "Amira" and world.record.email == "amira@example.com"


def test_editing_saves_and_audits_which_fields_changed_not_their_content(client, world):
    login(client, world.therapist)
    client.post(f"/clients/{world.record.id}/edit",
                data={"first_name": "Amira", "last_name": "Hassan-Lee", "email": "amira@example.com",
                      "notes": "Private detail"})
    assert world.record.last_name == "Hassan-Lee" and world.record.notes == "Private detail"
    event = audit_events("client.update")[0]
    assert "last_name" in event.detail and "notes" in event.detail and "Private detail" not in event.detail


def test_the_edit_form_shows_saved_values(client, world):
    login(client, world.therapist)
    html = client.get(f"/clients/{world.record.id}/edit").get_data(as_text=True)
    assert 'value="Amira"' in html and 'value="1985-05-17"' in html
    assert 'name="therapist_id"' not in html  # only the owner reassigns


def test_the_owner_reassigns_a_client(client, world):
    login(client, world.owner)
    html = client.get(f"/clients/{world.record.id}/edit").get_data(as_text=True)
    assert "Cara Colleague" in html and "Otto Other" not in html
    client.post(f"/clients/{world.record.id}/edit", data={
        "first_name": "Amira", "last_name": "Hassan", "email": "amira@example.com",
        "therapist_id": str(world.colleague.id)})
    assert world.record.therapist_id == world.colleague.id
    assert audit_events("client.reassign")[0].client_id == world.record.id


def test_a_therapist_only_lists_their_own_clients_and_the_owner_lists_all(client, auth, world):
    login(client, world.therapist)
    html = client.get("/clients/").get_data(as_text=True)
    assert "Hassan, Amira" in html and "Carter, Ben" not in html and "Other, Olga" not in html
    auth.logout()
    login(client, world.owner)
    html = client.get("/clients/").get_data(as_text=True)
    assert "Hassan, Amira" in html and "Carter, Ben" in html and "Other, Olga" not in html


@pytest.mark.parametrize("query,found", [
    ("amira", True), ("HASS", True), ("amira hassan", True), ("amira@example", True),
    ("carter", False), ("olga", False), ("%", False), ("_", False), ("zzz", False),
])
def test_search_by_name_or_email(client, world, query, found):
    login(client, world.therapist)
    html = client.get("/clients/", query_string={"q": query}).get_data(as_text=True)
    assert ("Hassan, Amira" in html) is found
    if not found:
        assert "No client matches" in html


def test_the_list_is_paginated(app, client, world, make_client):
    app.config["CLIENTS_PER_PAGE"] = 5
    for n in range(11):
        make_client(world.practice, world.therapist, first_name=f"Person{n:02d}", last_name=f"Zed{n:02d}")
    login(client, world.therapist)
    first = client.get("/clients/").get_data(as_text=True)
    assert "12 clients" in first and "Page 1 of 3" in first and "Hassan, Amira" in first
    third = client.get("/clients/?page=3").get_data(as_text=True)
    assert "Zed10, Person10" in third and "Hassan, Amira" not in third
    assert client.get("/clients/?page=99").status_code == 200
    assert client.get("/clients/?page=abc").status_code == 200
    assert client.get("/clients/?page=-4").status_code == 200


def test_a_search_with_too_many_matches_asks_for_more_letters(app, client, world, make_client):
    """Past the count cap the list says "more than" and still pages; at the cap it counts exactly."""
    app.config.update(CLIENTS_PER_PAGE=5, SEARCH_COUNT_CAP=10)
    for n in range(11):
        make_client(world.practice, world.therapist, first_name=f"Person{n:02d}", last_name=f"Zed{n:02d}")
    login(client, world.therapist)
    wide = client.get("/clients/", query_string={"q": "zed"}).get_data(as_text=True)  # 11 matches
    assert "More than 10 clients match “zed”. Type more of the name or e-mail to narrow the list." in wide
    assert "Zed00, Person00" in wide and "<span>Page 1</span>" in wide and 'rel="next"' in wide
    assert "Zed05, Person05" in client.get("/clients/", query_string={"q": "zed", "page": 2}).get_data(as_text=True)
    at_cap = client.get("/clients/", query_string={"q": "zed0"}).get_data(as_text=True)  # Zed00 to Zed09
    assert "10 clients matching “zed0”" in at_cap and "Page 1 of 2" in at_cap and "More than" not in at_cap
    # Without a search the whole list is counted exactly, whatever the cap.
    whole = client.get("/clients/").get_data(as_text=True)
    assert "12 clients" in whole and "More than" not in whole and "Page 1 of 3" in whole


def test_archive_and_restore(client, world):
    login(client, world.therapist)
    assert client.post(f"/clients/{world.record.id}/archive").status_code == 302
    assert world.record.is_archived
    assert "Hassan, Amira" not in client.get("/clients/").get_data(as_text=True)
    assert "Hassan, Amira" in client.get("/clients/?show=archived").get_data(as_text=True)
    assert b"Archived" in client.get(f"/clients/{world.record.id}").data
    client.post(f"/clients/{world.record.id}/restore")
    assert not world.record.is_archived
    assert [e.action for e in audit_events("client.%")][-3:] == ["client.archive", "client.view", "client.restore"]


def test_there_is_no_delete(client, world):
    login(client, world.owner)
    assert client.delete(f"/clients/{world.record.id}").status_code == 405
    assert db.session.get(Client, world.record.id) is not None


@pytest.mark.parametrize("path", ["/clients/abc", "/clients/0", "/clients/99999999999999999999", "/clients/-1/edit"])
def test_unknown_ids_are_404(client, world, path):
    login(client, world.owner)
    assert client.get(path).status_code == 404


def test_overlong_search_is_cut_not_an_error(client, world):
    login(client, world.owner)
    assert client.get("/clients/", query_string={"q": "a" * 5000}).status_code == 200


def test_the_dashboard_shows_my_clients_and_recently_opened(client, world):
    login(client, world.therapist)
    html = client.get("/").get_data(as_text=True)
    assert "Hassan, Amira" in html and "Clients you open will appear here" in html
    client.get(f"/clients/{world.record.id}")
    html = client.get("/").get_data(as_text=True)
    recent = html.split("Recently opened")[1]
    assert "Hassan, Amira" in recent


def test_the_owner_dashboard_lists_unassigned_clients(client, world, make_client):
    make_client(world.practice, None, first_name="Una", last_name="Signed")
    login(client, world.owner)
    html = client.get("/").get_data(as_text=True)
    assert "Clients without a therapist" in html and "Signed, Una" in html


def test_user_text_is_escaped(client, world):
    login(client, world.therapist)
    client.post("/clients/new", data={**VALID, "first_name": "<script>alert(1)</script>", "notes": "<b>x</b>"})
    created = db.session.scalars(select(Client).where(Client.last_name == "Quinn")).one()
    html = client.get(f"/clients/{created.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html and "<b>x</b>" not in html
