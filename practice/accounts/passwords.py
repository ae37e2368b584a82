"""Password rules: long enough, not a common password, hashed with scrypt. No composition rules."""
from __future__ import annotations

from functools import lru_cache

from flask import current_app, has_app_context
from werkzeug.security import check_password_hash, generate_password_hash

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


def hash_password(password: str) -> str:
    """Hash with Werkzeug's scrypt (salted, slow); tests may choose cheaper scrypt parameters."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"
    return generate_password_hash(password, method=method)


def verify_password(password_hash: str, password: str) -> bool:
    """Check a password against a stored hash."""
    return check_password_hash(password_hash, password)
