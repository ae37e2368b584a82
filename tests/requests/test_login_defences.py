"""What the login form gives away, and to whom it can be denied (issue 16): nothing about other accounts, from
its answers or from its timing."""
from __future__ import annotations

import hashlib

import pytest

from practice.accounts.models import User
from practice.extensions import db
from tests.support.helpers import login

WRONG = "not-the-password-at-all"


@pytest.fixture
def derivations(monkeypatch) -> list:
    """One entry per password-hash computation (scrypt) made from now on."""
    made = []
    real = hashlib.scrypt

    def counted(*args, **kwargs):
        made.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", counted)
    return made


def test_every_answer_of_the_login_form_costs_one_password_hash(app, client, auth, world, make_user, derivations):
    """Issue 16: a locked account answered in ~10 ms (no hash), an unknown address in ~140-290 ms."""
    locked, inactive = make_user(world.practice, "therapist"), make_user(world.practice, "therapist")
    for _ in range(5):
        app.test_client().post("/login", data={"email": locked.email, "password": WRONG})
    db.session.get(User, inactive.id).is_active = False
    db.session.commit()
    attempts = {
        "unknown address": ("nobody@example.com", WRONG),
        "wrong password": (world.therapist.email, WRONG),
        "locked, right password": (locked.email, None),
        "locked, wrong password": (locked.email, WRONG),
        "inactive, right password": (inactive.email, None),
        "inactive, wrong password": (inactive.email, WRONG),
        "right password": (world.colleague.email, None),
    }
    costs = {}
    for name, (email, password) in attempts.items():
        derivations.clear()
        response = auth.login(email, password) if password else auth.login(email)
        assert response.status_code == (302 if name == "right password" else 400), name
        costs[name] = len(derivations)
    assert costs == {name: 1 for name in attempts}
