"""Pure rules of the foundation: production settings, passwords and redirect targets."""
from __future__ import annotations

from datetime import date

import pytest

from practice.access import is_safe_next
from practice.accounts.passwords import hash_password, password_problem, verify_password
from practice.clients.models import Client
from practice.config import UnsafeConfigError, build_config


@pytest.fixture
def production_env(monkeypatch):
    monkeypatch.setenv("PRACTICE_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.setenv("SITE_URL", "https://clinic.example")


@pytest.mark.parametrize("key", [None, "", "dev", "changeme", "short-key", "a" * 40, "0123456789" * 2])
def test_production_refuses_a_missing_or_weak_secret_key(production_env, monkeypatch, tmp_path, key):
    if key is not None:
        monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(UnsafeConfigError, match="SECRET_KEY"):
        build_config(tmp_path)


def test_production_refuses_debug(production_env, monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "kX9v2LqR7tY4pW8nZ3mB6cF1hJ5sD0gA")
    monkeypatch.setenv("FLASK_DEBUG", "1")
    with pytest.raises(UnsafeConfigError, match="Debug"):
        build_config(tmp_path)


def test_production_with_a_strong_key_sets_secure_cookies(production_env, monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "kX9v2LqR7tY4pW8nZ3mB6cF1hJ5sD0gA")
    config = build_config(tmp_path)
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]
    assert config["SESSION_COOKIE_HTTPONLY"] and config["SESSION_COOKIE_SAMESITE"] == "Lax"


@pytest.mark.parametrize("site_url", [None, "", "http://clinic.example"])
def test_production_refuses_a_missing_or_plain_http_site_address(production_env, monkeypatch, tmp_path, site_url):
    monkeypatch.setenv("SECRET_KEY", "kX9v2LqR7tY4pW8nZ3mB6cF1hJ5sD0gA")
    if site_url is None:
        monkeypatch.delenv("SITE_URL")
    else:
        monkeypatch.setenv("SITE_URL", site_url)
    with pytest.raises(UnsafeConfigError, match="SITE_URL"):
        build_config(tmp_path)


def test_production_refuses_a_plain_http_portal_address(production_env, monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "kX9v2LqR7tY4pW8nZ3mB6cF1hJ5sD0gA")
    monkeypatch.setenv("PORTAL_URL", "http://clinic.example/me")
    with pytest.raises(UnsafeConfigError, match="PORTAL_URL"):
        build_config(tmp_path)


@pytest.mark.parametrize("site_url", ["clinic.example", "ftp://clinic.example", "https://clinic.example/practice",
                                      "https://user:pw@clinic.example", "https://clinic.example/?next=x", "https://"])
def test_a_site_address_that_is_not_a_bare_http_origin_is_refused_everywhere(monkeypatch, tmp_path, site_url):
    monkeypatch.delenv("PRACTICE_ENV", raising=False)
    monkeypatch.setenv("SITE_URL", site_url)
    with pytest.raises(UnsafeConfigError, match="SITE_URL"):
        build_config(tmp_path)


def test_development_prints_links_to_the_local_site_unless_told_otherwise(monkeypatch, tmp_path):
    for name in ("PRACTICE_ENV", "SITE_URL", "PORTAL_URL"):
        monkeypatch.delenv(name, raising=False)
    assert build_config(tmp_path)["SITE_URL"] == "http://127.0.0.1:5000"
    monkeypatch.setenv("SITE_URL", "http://tablet.local:8080/")
    assert build_config(tmp_path)["SITE_URL"] == "http://tablet.local:8080/"


def test_development_needs_no_configuration_and_keeps_its_key(monkeypatch, tmp_path):
    for name in ("PRACTICE_ENV", "SECRET_KEY", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    first = build_config(tmp_path)
    assert len(first["SECRET_KEY"]) >= 32
    assert first["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'practice.sqlite3'}"
    assert build_config(tmp_path)["SECRET_KEY"] == first["SECRET_KEY"]


def test_database_url_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://practice@db/practice")
    assert build_config(tmp_path)["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://practice@db/practice"


@pytest.mark.parametrize("password,problem", [
    ("short", "at least 8"),
    ("password", "too common"),
    ("iloveyou", "too common"),
    ("Password1", "too common"),
    ("zzzzzzzzzz", "too common"),
    ("x" * 257, "at most 256"),
    ("river-otter-lantern", None),
    ("correct horse battery staple and more words", None),
])
def test_password_rules(password, problem):
    result = password_problem(password)
    assert (result is None) if problem is None else (problem in result)


def test_a_password_may_not_be_the_users_own_email_or_name():
    assert "name or e-mail" in password_problem("margaret", email="margaret@example.com")
    assert password_problem("margaret@example.com", email="margaret@example.com") is not None


def test_hashes_are_salted_scrypt_and_verify():
    first, second = hash_password("river-otter-lantern"), hash_password("river-otter-lantern")
    assert first.startswith("scrypt:") and first != second
    assert verify_password(first, "river-otter-lantern") and not verify_password(first, "river-otter-lanterN")


@pytest.mark.parametrize("target,safe", [
    ("/clients/", True), ("/clients/?q=a", True), (None, False), ("", False), ("clients", False),
    ("//evil.example", False), ("/\\evil.example", False), ("https://evil.example/", False),
    ("http:/evil", False), ("javascript:alert(1)", False),
])
def test_is_safe_next(target, safe):
    assert is_safe_next(target) is safe


@pytest.mark.parametrize("born,day,age", [
    (date(1980, 6, 15), date(2026, 6, 14), 45), (date(1980, 6, 15), date(2026, 6, 15), 46),
    (date(2000, 2, 29), date(2026, 2, 28), 25), (None, date(2026, 1, 1), None),
])
def test_client_age(born, day, age):
    assert Client(first_name="A", last_name="B", date_of_birth=born).age_on(day) == age
