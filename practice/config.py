"""Settings read from environment variables, with safe defaults for development.

Development needs no configuration at all; production refuses to start with unsafe settings.
"""
from __future__ import annotations

import os
import secrets
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.engine import URL, make_url

from practice.parse import parse_int
from practice.rate_limits import file_store_uri

#: the app's name, shown in every page title
APP_NAME = "Practice"
# Secrets that appear in tutorials and .env examples; a production key must be none of these.
WEAK_SECRET_KEYS = {"dev", "secret", "changeme", "change-me", "development", "test", "secret-key", "your-secret-key"}
MIN_SECRET_KEY_LENGTH = 32
#: the URI schemes of Redis-protocol stores for rate limits (the `limits` library's names)
REDIS_SCHEMES = {"redis", "rediss", "valkey", "valkeys"}
#: where `bin/start` and `flask run` serve in development, when SITE_URL is not set
DEVELOPMENT_SITE_URL = "http://127.0.0.1:5000"


class UnsafeConfigError(RuntimeError):
    """Raised when production settings would expose health data."""


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


#: the largest number a setting takes: hours, minutes, bytes and counts, all well inside what timedelta holds
MAX_SETTING = 10**9


def _int(name: str, default: int) -> int:
    found = parse_int(os.environ.get(name), low=0, high=MAX_SETTING)
    return default if found is None else found


def _dev_secret_key(instance_path: Path) -> str:
    """Return a random key kept in the instance folder, so sessions survive a restart in development."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def build_config(instance_path: Path, overrides: dict | None = None) -> dict:
    """Build the settings dictionary from the environment, then apply `overrides` (used by tests)."""
    overrides = dict(overrides or {})
    env = overrides.get("ENV_NAME") or os.environ.get("PRACTICE_ENV", "development")
    is_production = env == "production"
    instance_path.mkdir(parents=True, exist_ok=True)

    secret_key = os.environ.get("SECRET_KEY")
    if not secret_key and not is_production and "SECRET_KEY" not in overrides:
        secret_key = _dev_secret_key(instance_path)

    config = {
        "ENV_NAME": env,
        "DEBUG": _bool("FLASK_DEBUG", False),
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": os.environ.get(
            "DATABASE_URL", f"sqlite:///{instance_path / 'practice.sqlite3'}"
        ),
        # PostgreSQL down or frozen: a request gives up after these many seconds with the 503 page, well before
        # gunicorn's 30 s worker timeout, instead of hanging until the worker is killed.
        "DATABASE_CONNECT_TIMEOUT": _int("DATABASE_CONNECT_TIMEOUT", 5),
        # SQLite's durability: FULL keeps every acknowledged save through a power cut (health records); NORMAL is
        # faster and may lose the last saves (bench/bench_sqlite_sync.py measures the difference).
        "SQLITE_SYNCHRONOUS": os.environ.get("SQLITE_SYNCHRONOUS", "FULL").strip().upper(),
        "DATABASE_STATEMENT_TIMEOUT": _int("DATABASE_STATEMENT_TIMEOUT", 20),
        # Uploads do not exist yet; forms are small. Anything larger is refused with 413.
        "MAX_CONTENT_LENGTH": _int("MAX_CONTENT_LENGTH", 512 * 1024),
        "MAX_FORM_MEMORY_SIZE": _int("MAX_CONTENT_LENGTH", 512 * 1024),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": is_production,
        "SESSION_COOKIE_NAME": "practice_session",
        # Absolute limit: a login ends this long after the password was typed, however busy the session.
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=_int("SESSION_HOURS", 10)),
        # The cookie is sent only when the session changed (every page records its activity), never with a static
        # file: a stylesheet or icon answered late would otherwise put back the cookie the browser had when it
        # asked, undoing what a page answered meanwhile (its activity, a password just typed again).
        "SESSION_REFRESH_EACH_REQUEST": False,
        # Idle limit: a login ends after this long without a request (a tablet left in the treatment room).
        "SESSION_IDLE_LIMIT": timedelta(minutes=_int("SESSION_IDLE_MINUTES", 60)),
        # Exports and team changes ask for the password again when it was typed longer ago than this.
        "FRESH_LOGIN_WINDOW": timedelta(minutes=_int("FRESH_LOGIN_MINUTES", 10)),
        # The clock the session limits read (seconds since the epoch); tests set one they move by hand.
        "CLOCK": time.time,
        # We offer no "remember me"; the lifetime is still set explicitly so nothing lives for a year.
        "REMEMBER_COOKIE_DURATION": timedelta(hours=_int("SESSION_HOURS", 10)),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": is_production,
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        # Login limits are counted in a file every worker of this machine shares (several machines: redis://).
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI")
        or file_store_uri(instance_path / "rate-limits.sqlite3"),
        # How long a call to the rate-limit store may take (connect, then each answer) before it counts as down.
        "RATELIMIT_STORAGE_TIMEOUT": float(os.environ.get("RATELIMIT_STORAGE_TIMEOUT", "0.5")),
        "RATELIMIT_HEADERS_ENABLED": False,
        # If the shared Redis store is down or hangs, each instance keeps counting in memory instead of failing
        # logins; a hang counts as down once RATELIMIT_STORAGE_TIMEOUT has passed.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "20 per minute"),
        # Wrong passwords from one browser or address before it is locked out of the account (locks double each time,
        # from LOGIN_LOCK_MINUTES); and from any number of addresses before every browser new to the account is.
        "LOGIN_MAX_FAILURES": _int("LOGIN_MAX_FAILURES", 5),
        "LOGIN_LOCK_MINUTES": _int("LOGIN_LOCK_MINUTES", 15),
        "LOGIN_ACCOUNT_MAX_FAILURES": _int("LOGIN_ACCOUNT_MAX_FAILURES", 20),
        "CLIENTS_PER_PAGE": _int("CLIENTS_PER_PAGE", 25),
        "SEARCH_COUNT_CAP": _int("SEARCH_COUNT_CAP", 1000),
        "TRUSTED_PROXY_HOPS": _int("TRUSTED_PROXY_HOPS", 0),
        # A practice holding a licence may load official questionnaire wording from its own JSON file.
        "QUESTIONNAIRE_WORDING_FILE": os.environ.get("QUESTIONNAIRE_WORDING_FILE"),
        # PDF rendering limits: a render past the time limit is stopped with a clear error.
        "HANDOUT_RENDER_TIMEOUT": float(os.environ.get("HANDOUT_RENDER_TIMEOUT", "20")),
        "HANDOUT_MAX_PAGES": _int("HANDOUT_MAX_PAGES", 30),
        # The record export's readable PDF comes in volumes of at most this much HTML each, so that each renders
        # well within the time limit (about 5 s of one core for 350 KB of notes); see casefile/volumes.py.
        "EXPORT_VOLUME_KB": _int("EXPORT_VOLUME_KB", 350),
        # The public address of the site (scheme and host): invitation links and the handout's portal link are
        # built from it, never from a request's Host header, which a visitor chooses. Required in production.
        "SITE_URL": os.environ.get("SITE_URL") or (None if is_production else DEVELOPMENT_SITE_URL),
        #: where clients log in, printed on handouts (defaults to the client page on SITE_URL)
        "PORTAL_URL": os.environ.get("PORTAL_URL") or None,
        # Rendered handouts kept for reuse, in all: the oldest go first beyond this (see handouts.operations).
        "HANDOUT_CACHE_BYTES": _int("HANDOUT_CACHE_MB", 100) * 1024 * 1024,
        "FORCE_HTTPS": is_production and _bool("FORCE_HTTPS", True),
        # Client portal: how long an invitation link works, and how many days back a client may log late.
        "INVITATION_DAYS": _int("INVITATION_DAYS", 7),
        "LOG_BACKFILL_DAYS": _int("LOG_BACKFILL_DAYS", 7),
        # E-mail: SMTP when MAIL_SERVER is set, else each message is written to MAIL_OUTBOX_DIR as an .eml file.
        "MAIL_SERVER": os.environ.get("MAIL_SERVER"),
        "MAIL_PORT": _int("MAIL_PORT", 587),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD"),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", True),
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "Practice <no-reply@localhost>"),
        # The owner is warned on the dashboard when the disk holding the data has less than this many MB free.
        "DISK_WARNING_MB": _int("DISK_WARNING_MB", 1000),
        # Seconds a whole SMTP conversation may take before the request stops waiting and says it failed.
        "MAIL_TIMEOUT": _int("MAIL_TIMEOUT", 10),
        "MAIL_OUTBOX_DIR": os.environ.get("MAIL_OUTBOX_DIR", str(instance_path / "outbox")),
    }
    config.update(overrides)
    config.setdefault("RATELIMIT_STORAGE_OPTIONS", rate_limit_storage_options(
        config["RATELIMIT_STORAGE_URI"], config["RATELIMIT_STORAGE_TIMEOUT"]))
    config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(config))
    check_public_addresses(config)
    if config["ENV_NAME"] == "production":
        check_production_safety(config)
    return config


def rate_limit_storage_options(uri: str, timeout: float) -> dict:
    """Options for the rate-limit store's client: a Redis that hangs fails within `timeout`, once, not never.

    Without socket time-outs a frozen Redis held each login until gunicorn killed the worker (31 s, then a 500),
    and the in-memory fallback never started, because it starts on an error and a hang is none.
    """
    if urlsplit(uri).scheme.split("+")[0] not in REDIS_SCHEMES:
        return {}
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return {"socket_connect_timeout": timeout, "socket_timeout": timeout, "retry": Retry(NoBackoff(), 0)}


def check_public_addresses(config: dict) -> None:
    """Refuse a SITE_URL that is not a bare http(s) origin, and a PORTAL_URL that is not an http(s) address."""
    site_url = config.get("SITE_URL")
    if site_url:
        parts = urlsplit(site_url)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password \
                or parts.path.strip("/") or parts.query or parts.fragment:
            raise UnsafeConfigError(f"SITE_URL must be the site's public address alone, like https://clinic.example "
                                    f"(no path), not {site_url!r}.")
    portal_url = config.get("PORTAL_URL")
    if portal_url and not (urlsplit(portal_url).scheme in ("http", "https") and urlsplit(portal_url).hostname):
        raise UnsafeConfigError(f"PORTAL_URL must be a full address like https://clinic.example/me, "
                                f"not {portal_url!r}.")


def engine_options(config: dict) -> dict:
    """SQLAlchemy's engine options for the configured database: on PostgreSQL, time limits on every wait."""
    # hide_parameters: a database error (logged on a 500) must not carry the values sent, which hold note text.
    options = {"pool_pre_ping": True, "hide_parameters": True}
    url = make_url(config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "postgresql":
        options["connect_args"] = postgres_time_limits(url, config["DATABASE_CONNECT_TIMEOUT"],
                                                       config["DATABASE_STATEMENT_TIMEOUT"])
    return options


def postgres_time_limits(url: URL, connect_seconds: int, statement_seconds: int) -> dict:
    """libpq settings so that no wait on the server is endless: connecting, each statement, an unanswered socket."""
    statement_timeout = f"-c statement_timeout={statement_seconds * 1000}"
    return {
        # libpq's own limit on connecting (a server that accepts and never answers); it counts at least 2 s.
        "connect_timeout": connect_seconds,
        # The server ends a statement (or a wait for a lock) that runs longer; options already in the URL stay.
        "options": " ".join(filter(None, [url.query.get("options"), statement_timeout])),
        # A server that stops acknowledging (host frozen, network cut) ends an open connection within about 10 s,
        # instead of the kernel's 15 minutes of retransmissions: probes while waiting for an answer, and a limit
        # on data sent and never acknowledged.
        "keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2, "keepalives_count": 3,
        "tcp_user_timeout": 10_000,
    }


def check_production_safety(config: dict) -> None:
    """Refuse to run in production with a weak secret key, debug on, login limits kept per process, or no https address."""
    key = config.get("SECRET_KEY") or ""
    if len(key) < MIN_SECRET_KEY_LENGTH or key.lower() in WEAK_SECRET_KEYS or len(set(key)) < 10:
        raise UnsafeConfigError(
            f"SECRET_KEY is missing or weak: set a random value of at least {MIN_SECRET_KEY_LENGTH} characters "
            "(for example: python -c 'import secrets; print(secrets.token_urlsafe(48))')."
        )
    if config.get("DEBUG"):
        raise UnsafeConfigError("Debug mode must be off in production (unset FLASK_DEBUG).")
    if config.get("RATELIMIT_ENABLED", True) and urlsplit(config["RATELIMIT_STORAGE_URI"]).scheme == "memory":
        raise UnsafeConfigError(
            "RATELIMIT_STORAGE_URI=memory:// counts login attempts in each worker process, so several workers "
            "allow several times the limit: leave it unset (a file shared by the workers of this machine) or "
            "use redis:// when several machines serve the site.")
    if not config.get("SITE_URL"):
        raise UnsafeConfigError("SITE_URL is missing: set the site's public https address, like https://clinic.example "
                                "(links sent and printed for clients are built from it, never from a request).")
    for name in ("SITE_URL", "PORTAL_URL"):
        if config.get(name) and urlsplit(config[name]).scheme != "https":
            raise UnsafeConfigError(f"{name} must be an https:// address in production: the links carry invitations.")
