"""Operations on practices and users. They flush, never commit: the request commits once."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from practice.accounts import lockout
from practice.accounts.lockout import LoginAttempt, LoginPolicy
from practice.accounts.models import (
    ROLE_CLIENT,
    ROLE_OWNER,
    ROLE_THERAPIST,
    Practice,
    User,
    lower_email,
    new_session_token,
)
from practice.accounts.passwords import hash_password, password_problem, passwords_matching, verify_password
from practice.audit.models import OUTCOME_FAILURE
from practice.audit.operations import record_event
from practice.database import utcnow
from practice.extensions import db


class AccountError(ValueError):
    """A user-facing reason an account operation was refused, naming the form field it concerns."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


#: the answer when an address is taken: only ever about the practice asking, never about another one
EMAIL_TAKEN = "An account with this e-mail address already exists in this practice."


def users_with_email(email: str) -> list[User]:
    """Every account with this login e-mail (case-insensitive), in any practice: for logging in only."""
    return list(db.session.scalars(select(User).where(User.email == lower_email(email)).order_by(User.id)))


def practice_user_with_email(practice_id: int | None, email: str) -> User | None:
    """The account of `practice_id` with this login e-mail, or None; other practices' accounts are never seen."""
    return db.session.scalar(select(User).where(User.practice_id == practice_id, User.email == lower_email(email)))


def hash_for_address(password: str, email: str, *, account_id: int | None = None) -> str:
    """Hash a password of the account (`account_id`, or a new one) at `email`, sharing the salt of the address's
    accounts in other practices, so a login checks all of them with one computation (`passwords_matching`)."""
    others = [user for user in users_with_email(email) if user.id != account_id]
    return hash_password(password, salt_of=others[0].password_hash if others else None)


def _check_new_user(practice: Practice, email: str, password: str, name: str) -> None:
    if practice_user_with_email(practice.id, email) is not None:
        raise AccountError(EMAIL_TAKEN, field="email")
    problem = password_problem(password, email=email, name=name)
    if problem:
        raise AccountError(problem, field="password")


def create_user(practice: Practice, *, name: str, email: str, password: str, role: str,
                is_password_temporary: bool = False) -> User:
    """Create a user of `practice` after checking the e-mail is free there and the password acceptable."""
    if role not in (ROLE_OWNER, ROLE_THERAPIST, ROLE_CLIENT):
        raise AccountError(f"Unknown role {role!r}.")
    _check_new_user(practice, email, password, name)
    user = User(
        practice=practice,
        name=name.strip(),
        email=lower_email(email),
        role=role,
        password_hash=hash_for_address(password, email),
        is_password_temporary=is_password_temporary,
    )
    db.session.add(user)
    db.session.flush()
    return user


def reset_login(user: User, *, email: str, password: str) -> None:
    """Give an existing login a new password, the address it was invited at, and a fresh start: active, unlocked,
    every earlier session ended. Raises AccountError when the password is refused or the address is taken by someone
    else in the same practice."""
    problem = password_problem(password, email=email, name=user.name)
    if problem:
        raise AccountError(problem, field="password")
    email = lower_email(email)
    holder = practice_user_with_email(user.practice_id, email)
    if holder is not None and holder.id != user.id:
        raise AccountError(EMAIL_TAKEN, field="email")
    user.email = email
    user.password_hash = hash_for_address(password, email, account_id=user.id)
    user.is_active = True
    user.is_password_temporary = False
    user.session_token = new_session_token()
    lockout.forget_everything(user)


def create_practice(*, practice_name: str, owner_name: str, owner_email: str, owner_password: str,
                    email: str | None = None, phone: str | None = None) -> Practice:
    """Create a practice together with its owner."""
    practice = Practice(name=practice_name.strip(), email=email, phone=phone)
    db.session.add(practice)
    db.session.flush()  # an id, so the owner's address is checked against this practice alone
    owner = create_user(practice, name=owner_name, email=owner_email, password=owner_password, role=ROLE_OWNER)
    record_event("practice.create", target=practice, actor=owner)
    return practice


def add_therapist(practice: Practice, *, name: str, email: str, temporary_password: str,
                  actor: User | None = None) -> User:
    """Add a therapist whose temporary password must be changed at first login."""
    therapist = create_user(practice, name=name, email=email, password=temporary_password,
                            role=ROLE_THERAPIST, is_password_temporary=True)
    record_event("user.create", target=therapist, actor=actor, practice_id=practice.id)
    return therapist


def set_user_active(user: User, is_active: bool, *, actor: User) -> None:
    """Deactivate or reactivate a user; deactivating ends their sessions at once."""
    if user.id == actor.id:
        raise AccountError("You cannot deactivate your own account.")
    if user.role == ROLE_OWNER:
        raise AccountError("The practice owner cannot be deactivated.")
    user.is_active = is_active
    user.session_token = new_session_token()
    record_event("user.activate" if is_active else "user.deactivate", target=user, actor=actor)
    db.session.flush()


def change_password(user: User, *, current_password: str, new_password: str) -> None:
    """Set a new password after checking the current one; every other session of the user ends."""
    if not verify_password(user.password_hash, current_password):
        record_event("auth.password_change", target=user, actor=user, outcome=OUTCOME_FAILURE,
                     detail="wrong current password")
        raise AccountError("Your current password is not correct.", field="current_password")
    if new_password == current_password:
        raise AccountError("Choose a password different from the current one.", field="new_password")
    problem = password_problem(new_password, email=user.email, name=user.name)
    if problem:
        raise AccountError(problem, field="new_password")
    user.password_hash = hash_for_address(new_password, user.email, account_id=user.id)
    user.is_password_temporary = False
    user.session_token = new_session_token()
    record_event("auth.password_change", target=user, actor=user)
    db.session.flush()


def authenticate(email: str, password: str, *, policy: LoginPolicy, attempt: LoginAttempt,
                 now: datetime | None = None) -> list[User]:
    """The accounts at `email` that `password` opens and that may log in from `attempt`'s browser and address now
    (several when one person uses the same password in several practices); every refusal and failure is audited.
    Nothing is recorded as a login yet: the caller calls `complete_login` for the account the person logs in to.

    Every refusal looks the same to the caller and costs the same work (one password check, `passwords_matching`),
    so a login form cannot tell which e-mails exist, in how many practices, or which accounts are locked or inactive.
    """
    now = now or utcnow()
    accounts = users_with_email(email)
    matches = passwords_matching([user.password_hash for user in accounts], password)
    if not accounts:
        record_event("auth.login_failed", outcome=OUTCOME_FAILURE, detail="unknown e-mail")
        return []
    if not any(matches):  # a wrong password for every account of the address
        for user in accounts:
            _password_accepted(user, False, policy, attempt, now, refusal_action="auth.login_failed")
        return []
    # The password is right for these: it is no failure of the address's other accounts, which it was not meant for.
    opened = [user for user, match in zip(accounts, matches) if match]
    return [user for user in opened
            if _password_accepted(user, True, policy, attempt, now, refusal_action="auth.login_failed")
            and _is_active(user)]


def _is_active(user: User) -> bool:
    if not user.is_active:
        record_event("auth.login_failed", target=user, actor=user, outcome=OUTCOME_FAILURE, detail="inactive")
    return user.is_active


def complete_login(user: User, attempt: LoginAttempt, now: datetime | None = None) -> None:
    """Record that `user` logged in with their password (`authenticate` accepted it): this browser's and address's
    failures are forgotten."""
    lockout.forget_failures(user, attempt)
    user.last_login_at = now or utcnow()
    record_event("auth.login", target=user, actor=user)


def _password_accepted(user: User, matches: bool, policy: LoginPolicy, attempt: LoginAttempt, now: datetime, *,
                       refusal_action: str) -> bool:
    """False (and audited) while this attempt's browser or address is locked out of the account, or when the
    password is wrong, which counts a failure."""
    if lockout.is_locked(user, attempt, now):
        record_event(refusal_action, target=user, actor=user, outcome=OUTCOME_FAILURE, detail="locked")
        return False
    if not matches:
        locks = lockout.count_failure(user, attempt, policy, now)
        for lock in locks:
            record_event("auth.lockout", target=user, actor=user, outcome=OUTCOME_FAILURE,
                         detail=f"{lock.scope} locked out for {lock.minutes} minutes")
        record_event("auth.login_failed", target=user, actor=user, outcome=OUTCOME_FAILURE,
                     detail="wrong password; locked out" if locks else "wrong password")
        return False
    return True


def confirm_identity(user: User, password: str, *, policy: LoginPolicy, attempt: LoginAttempt,
                     now: datetime | None = None) -> bool:
    """Check the logged-in user's password again before a sensitive action; failures count toward this browser's
    lock (`is_locked_out` then tells the caller to end the session)."""
    now = now or utcnow()
    matches = verify_password(user.password_hash, password)  # checked even when locked: the same time either way
    if not _password_accepted(user, matches, policy, attempt, now, refusal_action="auth.reauthenticate"):
        return False
    lockout.forget_failures(user, attempt)
    record_event("auth.reauthenticate", target=user, actor=user)
    return True


def is_locked_out(user: User, attempt: LoginAttempt, now: datetime | None = None) -> bool:
    """True while `attempt`'s browser or address may not try a password for `user`."""
    return lockout.is_locked(user, attempt, now or utcnow())


def end_all_sessions(user: User) -> None:
    """Rotate the session token so every cookie issued to the user stops working."""
    user.session_token = new_session_token()
    db.session.flush()
