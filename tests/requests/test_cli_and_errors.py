"""The command-line tools, the friendly error pages and the request size cap."""
from __future__ import annotations

from sqlalchemy import func, select

from practice.accounts.models import User
from practice.cli import DEMO_CLIENTS, DEMO_LOGINS
from practice.clients.models import Client
from practice.extensions import db
from tests.support.helpers import login


def test_seed_demo_creates_the_practice_and_prints_the_logins(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    for _, email, password, _ in DEMO_LOGINS:
        assert email in result.output and password in result.output
    assert db.session.scalar(select(func.count()).select_from(Client)) == len(DEMO_CLIENTS)
    again = runner.invoke(args=["seed-demo"])
    assert "already exists" in again.output
    assert db.session.scalar(select(func.count()).select_from(Client)) == len(DEMO_CLIENTS)


def test_demo_logins_work(app, seeded_client):
    for _, email, password, role in DEMO_LOGINS:
        client = app.test_client()
        response = client.post("/login", data={"email": email, "password": password})
        assert response.status_code == 302 and response.headers["Location"] == "/", role
        assert client.get("/").status_code == 200


def test_create_practice_and_add_therapist_commands(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-practice", "--name", "Harbour Clinic", "--owner-name", "Hana Owner",
                                 "--owner-email", "hana@harbour.example", "--owner-password", "tidal-pools-at-noon"])
    assert result.exit_code == 0, result.output
    owner = db.session.scalars(select(User).where(User.email == "hana@harbour.example")).one()
    result = runner.invoke(args=["add-therapist", "--practice-id", str(owner.practice_id), "--name", "Ivo Therapist",
                                 "--email", "ivo@harbour.example", "--temporary-password", "first-day-at-harbour"])
    assert result.exit_code == 0, result.output
    ivo = db.session.scalars(select(User).where(User.email == "ivo@harbour.example")).one()
    assert ivo.role == "therapist" and ivo.is_password_temporary and ivo.practice_id == owner.practice_id


def test_commands_refuse_bad_input_with_a_message(app):
    runner = app.test_cli_runner()
    weak = runner.invoke(args=["create-practice", "--name", "X", "--owner-name", "Y", "--owner-email", "y@x.example",
                               "--owner-password", "password"])
    assert weak.exit_code != 0 and "too common" in weak.output
    missing = runner.invoke(args=["add-therapist", "--practice-id", "424242", "--name", "Z", "--email", "z@x.example",
                                  "--temporary-password", "some-long-words"])
    assert missing.exit_code != 0 and "No practice with id 424242" in missing.output


def test_an_unexpected_error_shows_a_friendly_page_without_a_trace(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Something went wrong on our side" in html
    assert "secret internal detail" not in html and "Traceback" not in html


def test_unknown_pages_are_a_friendly_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and b"We could not find that page" in response.data


def test_oversized_requests_are_refused_with_413(client, world):
    login(client, world.therapist)
    response = client.post("/clients/new", data={"first_name": "A", "last_name": "B", "notes": "x" * 600_000})
    assert response.status_code == 413
    assert b"too much to send at once" in response.data


def test_nul_characters_are_refused_with_a_400_not_stored(client, world):
    login(client, world.therapist)
    response = client.post(f"/clients/{world.record.id}/edit", data={"first_name": "A\x00", "last_name": "B"})
    assert response.status_code == 400
    assert client.get("/clients/", query_string={"q": "a\x00b"}).status_code == 400
    assert world.record.first_name == "Amira"
