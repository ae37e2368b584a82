"""Password rules: long enough, not a common password, hashed with scrypt. No composition rules."""
from __future__ import annotations

import secrets
from functools import lru_cache

from flask import current_app, has_app_context
from werkzeug.security import check_password_hash, gen_salt, generate_password_hash

MIN_PASSWORD_LENGTH = 8
# Long passphrases are accepted whole; the cap only stops megabyte-sized inputs from costing CPU.
MAX_PASSWORD_LENGTH = 256
# How many of the most common leaked passwords (zxcvbn's frequency list) are refused.
COMMON_PASSWORDS_REFUSED = 10_000


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"][:COMMON_PASSWORDS_REFUSED])


def password_problem(password: str, *, email: str | None = None, name: str | None = None) -> str | None:
    """Return why `password` is not acceptable, or None when it is."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Use at most {MAX_PASSWORD_LENGTH} characters."
    lowered = password.lower()
    if lowered in _common_passwords() or len(set(lowered)) < 3:
        return "This password is too common and easy to guess; choose another."
    personal = {part for part in (email or "").lower().split("@")[:1] + (name or "").lower().split() if len(part) >= 4}
    if lowered in personal or (email and lowered == email.lower()):
        return "Do not use your name or e-mail address as your password."
    return None


def _method() -> str:
    return current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"


def hash_password(password: str) -> str:
    """Hash with Werkzeug's scrypt (salted, slow); tests may choose cheaper scrypt parameters."""
    return generate_password_hash(password, method=_method())


def verify_password(password_hash: str, password: str) -> bool:
    """Check a password against a stored hash."""
    return check_password_hash(password_hash, password)


def _stand_in_hash(method: str) -> str:
    """A hash in the format of `method` that no password matches, made without computing one."""
    return f"{method}${gen_salt(16)}${secrets.token_hex(64)}"


def passwords_matching(password_hashes: list[str], password: str) -> list[bool]:
    """Which of the stored hashes `password` matches; with none, it is checked against a stand-in all the same.

    A login answers only after this check, whatever else it learnt first (no such e-mail, a locked or inactive
    account), so the time it takes tells nothing about the account: timing once told a locked account (no hash,
    ~10 ms) from an unknown address (~140-290 ms).
    """
    if not password_hashes:
        verify_password(_stand_in_hash(_method()), password)
        return []
    return [verify_password(password_hash, password) for password_hash in password_hashes]
