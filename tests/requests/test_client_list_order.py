"""The client list and its search sort by last name, then first name, without regard to case (issue 8)."""
from __future__ import annotations

from practice.clients.operations import search_clients
from practice.extensions import db
from tests.support.helpers import login, text_of

NAMES = [("Ben", "Carter"), ("Anna", "de Vries"), ("Hugo", "Dubois"), ("ada", "Dubois"), ("Eva", "evans")]


def test_names_sort_without_regard_to_case(client, world, make_client):
    for first, last in reversed(NAMES):
        make_client(world.practice, world.therapist, first_name=first, last_name=last, email=f"{first}@example.com")
    db.session.commit()

    found = db.session.scalars(search_clients(world.therapist, "")).all()
    names = [(record.first_name, record.last_name) for record in found if (record.first_name, record.last_name) in NAMES]
    assert names == [("Ben", "Carter"), ("Anna", "de Vries"), ("ada", "Dubois"), ("Hugo", "Dubois"), ("Eva", "evans")]

    login(client, world.owner.email)
    page = text_of(client.get("/clients/?q=e"))  # the search sorts alike
    assert page.index("de Vries") < page.index("Dubois") < page.index("evans")
