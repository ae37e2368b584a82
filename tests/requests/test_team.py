"""The owner's team page: adding therapists with temporary passwords, deactivating and reactivating."""
from __future__ import annotations

from sqlalchemy import select

from practice.accounts.models import User
from practice.extensions import db
from tests.support.helpers import audit_events, login


def test_the_owner_adds_a_therapist_who_must_change_the_password(app, client, world):
    login(client, world.owner)
    response = client.post("/team/new", data={"name": "Nadia New", "email": "Nadia@Example.com",
                                              "temporary_password": "welcome-to-willow-st"})
    assert response.status_code == 302
    assert b"Nadia New" in client.get("/team").data
    nadia = db.session.scalars(select(User).where(User.email == "nadia@example.com")).one()
    assert nadia.role == "therapist" and nadia.is_password_temporary and nadia.practice_id == world.practice.id
    [created] = audit_events("user.create")
    assert created.target_id == nadia.id
    newcomer = app.test_client()
    login(newcomer, "nadia@example.com", "welcome-to-willow-st")
    assert newcomer.get("/").headers["Location"].endswith("/account/password")


def test_a_taken_email_or_weak_password_is_refused_with_a_message(client, world):
    login(client, world.owner)
    # Taken in this practice; an address used in another practice is no one's business here (test_login_defences).
    taken = client.post("/team/new", data={"name": "Twin", "email": world.colleague.email.upper(),
                                           "temporary_password": "welcome-to-willow-st"})
    assert b"already exists" in taken.data
    weak = client.post("/team/new", data={"name": "Weak", "email": "weak@example.com",
                                          "temporary_password": "password123"})
    assert b"too common" in weak.data
    bad = client.post("/team/new", data={"name": "x" * 121, "email": "nope", "temporary_password": "short"})
    assert b"cannot be longer than 120" in bad.data and b"Enter an e-mail address" in bad.data
    assert b"at least 8 characters" in bad.data


def test_the_owner_cannot_deactivate_themselves(client, world):
    login(client, world.owner)
    response = client.post(f"/team/{world.owner.id}/deactivate", follow_redirects=True)
    assert b"cannot deactivate your own account" in response.data
    assert world.owner.is_active


def test_deactivate_and_reactivate_are_audited(client, world):
    login(client, world.owner)
    client.post(f"/team/{world.colleague.id}/deactivate")
    assert not world.colleague.is_active
    assert b"Deactivated" in client.get("/team").data
    client.post(f"/team/{world.colleague.id}/activate")
    assert world.colleague.is_active
    actions = [event.action for event in audit_events("user.%", target_id=world.colleague.id)]
    assert actions == ["user.deactivate", "user.activate"]
