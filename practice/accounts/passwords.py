"""Password rules: long enough, not a common password, hashed with scrypt. No composition rules."""
from __future__ import annotations

import hashlib
import hmac
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


def hash_password(password: str, *, salt_of: str | None = None) -> str:
    """Hash with Werkzeug's scrypt (salted, slow); tests may choose cheaper scrypt parameters.

    `salt_of` is the hash of another account with the same e-mail address (a login in another practice): the new
    hash takes its salt, so that one computation checks a password against every account of the address
    (`passwords_matching`) and a login costs the same however many practices know the address.
    """
    method, parts = _method(), _parts(salt_of)
    if parts is None or not method.startswith("scrypt"):
        return generate_password_hash(password, method=method)
    salt = parts[1]
    digest, method = _scrypt(method, salt, password)
    return f"{method}${salt}${digest}"


def verify_password(password_hash: str, password: str) -> bool:
    """Check a password against a stored hash."""
    return check_password_hash(password_hash, password)


def _parts(password_hash: str | None) -> tuple[str, str, str] | None:
    """(method, salt, digest) of a Werkzeug hash, or None."""
    parts = (password_hash or "").split("$", 2)
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 else None


def _scrypt(method: str, salt: str, password: str) -> tuple[str, str]:
    """The digest of `password` as Werkzeug's scrypt `method` makes it with `salt`, and the method in full.

    Werkzeug computes the same (`check_password_hash` verifies the result) but keeps the function private.
    """
    _, *cost = method.split(":")
    n, r, p = map(int, cost) if cost else (2**15, 8, 1)
    digest = hashlib.scrypt(password.encode(), salt=salt.encode(), n=n, r=r, p=p, maxmem=132 * n * r * p)
    return digest.hex(), f"scrypt:{n}:{r}:{p}"


def _stand_in_hash(method: str) -> str:
    """A hash in the format of `method` that no password matches, made without computing one."""
    return f"{method}${gen_salt(16)}${secrets.token_hex(64)}"


def passwords_matching(password_hashes: list[str], password: str) -> list[bool]:
    """Which of the stored hashes `password` matches; with none, it is checked against a stand-in all the same.

    A login answers only after this check, whatever else it learnt first (no such e-mail, a locked or inactive
    account), so the time it takes tells nothing about the account: timing once told a locked account (no hash,
    ~10 ms) from an unknown address (~140-290 ms). Hashes that share a salt (the accounts of one address) cost one
    computation together, so neither does the time tell in how many practices an address has an account.
    """
    if not password_hashes:
        verify_password(_stand_in_hash(_method()), password)
        return []
    digests: dict[tuple[str, str], str] = {}  # (method, salt): the digest of `password`, computed once
    matches = []
    for password_hash in password_hashes:
        parts = _parts(password_hash)
        if parts is None or not parts[0].startswith("scrypt:"):
            matches.append(verify_password(password_hash, password))
            continue
        method, salt, digest = parts
        if (method, salt) not in digests:
            digests[method, salt] = _scrypt(method, salt, password)[0]
        matches.append(hmac.compare_digest(digests[method, salt], digest))
    return matches
