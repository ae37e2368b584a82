"""With CSRF protection on (as in production), a POST without a valid token is refused."""
from __future__ import annotations

import re

import pytest

from tests.support.world import PASSWORD


@pytest.fixture
def csrf_client(make_app, world):
    return make_app(WTF_CSRF_ENABLED=True).test_client()


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_a_post_without_a_token_is_refused(csrf_client, world):
    response = csrf_client.post("/login", data={"email": world.owner.email, "password": PASSWORD})
    assert response.status_code == 400
    assert b"This form has expired" in response.data


def test_a_post_with_a_forged_token_is_refused(csrf_client, world):
    response = csrf_client.post("/login", data={"email": world.owner.email, "password": PASSWORD,
                                                "csrf_token": "forged"})
    assert response.status_code == 400


def test_a_post_with_the_real_token_works_and_logout_needs_one_too(csrf_client, world):
    token = _token(csrf_client.get("/login").get_data(as_text=True))
    response = csrf_client.post("/login", data={"email": world.owner.email, "password": PASSWORD,
                                                "csrf_token": token})
    assert response.status_code == 302
    assert csrf_client.post("/logout").status_code == 400
    assert csrf_client.post(f"/clients/{world.record.id}/archive").status_code == 400
    assert not world.record.is_archived
    page = csrf_client.get("/").get_data(as_text=True)
    logout_token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert csrf_client.post("/logout", data={"csrf_token": logout_token}).status_code == 302
