"""Who may try a password for an account, counted per source, so that no stranger can lock a real user out.

Five wrong passwords from anywhere used to lock the account itself for 15 minutes, again and again: anyone could
keep a practice owner out. As OWASP's "device cookies" advise, failures now count per *source*:

- a browser that has logged in to the account before (it carries a random token, `accounts.browsers`) is judged on
  its own failures only: strangers' failures never lock it out;
- any other browser is judged by its address (`max_failures` from one address lock that address out of the
  account) and by all such browsers together (`account_max_failures` from any number of addresses lock every
  browser the account does not know), so a guess spread over many addresses is still stopped.

A person in a browser new to the account (a new phone) whom strangers keep waiting gets in with a link mailed to the
account's address (`practice.accounts.browser_links`), which makes that browser known.

Each lock lasts twice as long as the one before it (from `lock_minutes`, up to a day); a source's count is forgotten
after a quiet day, and on a success from it. Every failure and lock is audited by the caller's operations.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from practice.accounts.models import LoginSource, User
from practice.extensions import db

#: every browser an account does not know, counted together
NEW_BROWSERS = "new browsers"
#: a source with no failure for this long starts afresh
FORGET_AFTER = timedelta(hours=24)
#: no lock lasts longer
LONGEST_LOCK = timedelta(hours=24)


@dataclass(frozen=True)
class LoginPolicy:
    """How many failures lock a source out of an account, and for how long the first time."""

    max_failures: int = 5
    lock_minutes: int = 15
    #: failures from browsers the account does not know, from any address, before all of them wait
    account_max_failures: int = 20


@dataclass(frozen=True)
class LoginAttempt:
    """Where a password comes from: the browser (the SHA-256 of its token) and the address."""

    browser: str | None
    address: str | None


@dataclass(frozen=True)
class Lock:
    """A lock just put on a source: what it shuts out, and for how long (for the audit log)."""

    scope: str
    minutes: int


def sources(user: User, attempt: LoginAttempt) -> list[str]:
    """The sources whose counts judge this attempt: the browser alone when the account knows it, else the address
    and all new browsers together."""
    browser = f"browser:{attempt.browser}" if attempt.browser else None
    if browser and db.session.scalar(select(LoginSource.id).where(
            LoginSource.user_id == user.id, LoginSource.source == browser, LoginSource.known_at.is_not(None))):
        return [browser]
    return ([f"address:{attempt.address}"] if attempt.address else []) + [NEW_BROWSERS]


def is_locked(user: User, attempt: LoginAttempt, now: datetime) -> bool:
    """True while any source judging this attempt is locked out of the account."""
    return db.session.scalar(select(LoginSource.id).where(
        LoginSource.user_id == user.id, LoginSource.source.in_(sources(user, attempt)),
        LoginSource.locked_until > now).limit(1)) is not None


def count_failure(user: User, attempt: LoginAttempt, policy: LoginPolicy, now: datetime) -> list[Lock]:
    """Count a wrong password against every source judging the attempt; return the locks it set off."""
    locks = []
    for source in sources(user, attempt):
        row = source_row(user, source)
        if row.last_failure_at is not None and now - row.last_failure_at > FORGET_AFTER:
            row.failure_count = row.lock_count = 0
        row.failure_count += 1
        row.last_failure_at = now
        limit = policy.account_max_failures if source == NEW_BROWSERS else policy.max_failures
        if row.failure_count >= limit:
            locks.append(_lock(row, policy, now))
    db.session.flush()
    return locks


def _lock(row: LoginSource, policy: LoginPolicy, now: datetime) -> Lock:
    length = min(timedelta(minutes=policy.lock_minutes) * 2 ** min(row.lock_count, 10), LONGEST_LOCK)
    row.locked_until = now + length
    row.lock_count += 1
    row.failure_count = 0
    scope = "new browsers" if row.source == NEW_BROWSERS else f"this {row.source.split(':')[0]}"
    return Lock(scope, int(length.total_seconds() // 60))


def forget_failures(user: User, attempt: LoginAttempt) -> None:
    """After a right password: the counts of this browser and address start again (not those of all new
    browsers together, which strangers may be running up)."""
    for row in db.session.scalars(select(LoginSource).where(
            LoginSource.user_id == user.id, LoginSource.source.in_(sources(user, attempt)),
            LoginSource.source != NEW_BROWSERS)):
        row.failure_count = row.lock_count = 0
        row.locked_until = None


def mark_browser_known(user: User, browser: str, now: datetime) -> None:
    """Remember that this browser logged in to the account with its password: strangers never lock it out."""
    row = source_row(user, f"browser:{browser}")
    row.known_at = now
    db.session.flush()


def forget_everything(user: User) -> None:
    """Drop every count, lock and known browser of the account (a login given a fresh start)."""
    for row in db.session.scalars(select(LoginSource).where(LoginSource.user_id == user.id)):
        db.session.delete(row)


def source_row(user: User, source: str) -> LoginSource:
    """The source's row, made if missing, locked until the commit so that concurrent attempts count one by one."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    db.session.execute(dialect.insert(LoginSource).values(user_id=user.id, source=source, failure_count=0,
                                                           lock_count=0)
                       .on_conflict_do_nothing(index_elements=["user_id", "source"]))
    return db.session.scalars(select(LoginSource).where(LoginSource.user_id == user.id,
                                                        LoginSource.source == source)
                              .with_for_update().execution_options(populate_existing=True)).one()
