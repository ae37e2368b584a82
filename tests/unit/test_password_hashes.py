"""Password hashes of one address in several practices share a salt, so one computation checks them all."""
from __future__ import annotations

import hashlib

from werkzeug.security import check_password_hash, generate_password_hash

from practice.accounts.passwords import hash_password, passwords_matching

CHEAP = "scrypt:1024:8:1"


def test_a_hash_that_shares_a_salt_is_an_ordinary_werkzeug_hash(app):
    app.config["PASSWORD_HASH_METHOD"] = CHEAP
    first = hash_password("first practice words")
    second = hash_password("second practice words", salt_of=first)
    assert first.split("$")[1] == second.split("$")[1] and first != second
    assert check_password_hash(second, "second practice words")
    assert not check_password_hash(second, "first practice words")


def test_one_computation_checks_every_hash_of_a_salt(app, monkeypatch):
    app.config["PASSWORD_HASH_METHOD"] = CHEAP
    first = hash_password("first practice words")
    shared = [first, hash_password("second practice words", salt_of=first),
              hash_password("first practice words", salt_of=first)]
    own_salt = generate_password_hash("first practice words", method=CHEAP)
    pbkdf2 = generate_password_hash("first practice words", method="pbkdf2:sha256:1000")
    made = []
    real = hashlib.scrypt
    monkeypatch.setattr(hashlib, "scrypt", lambda *args, **kwargs: made.append(1) or real(*args, **kwargs))
    assert passwords_matching(shared, "first practice words") == [True, False, True]
    assert len(made) == 1
    assert passwords_matching([*shared, own_salt, pbkdf2, "not a hash"], "second practice words") == [
        False, True, False, False, False, False]
    assert passwords_matching([], "anything at all") == []
