"""Factories for test data, and the shared `World`: two practices with every kind of actor.

The factories are plain functions, usable by fixtures of any scope. The world is built once and shared (per module
in the transactional tests); each test gets a `WorldView` that loads the world's rows into its own session.
"""
from __future__ import annotations

import os
from datetime import date, timedelta
from itertools import count
from typing import NamedTuple

from sqlalchemy import select

from practice.accounts.models import Practice, User
from practice.accounts.operations import create_practice, create_user
from practice.clients.models import Client
from practice.clients.operations import create_client
from practice.extensions import db
from practice.intake.operations import create_intake, record_action
from practice.library.models import LibraryItem
from practice.library.operations import create_item, seed_library
from practice.notes.operations import create_note
from practice.plans.operations import activate, create_plan
from practice.portal.operations import assign, create_invitation, home_plan, save_log

PASSWORD = "tranquil-maple-orbit-42"
_practice_numbers = count(1)


def new_practice(name: str | None = None, owner_email: str | None = None) -> Practice:
    """A practice with its owner (password `PASSWORD`), committed."""
    n = next(_practice_numbers)
    practice = create_practice(practice_name=name or f"Practice {n}", owner_name=f"Owner {n}",
                               owner_email=owner_email or f"owner{n}-{os.urandom(3).hex()}@example.com",
                               owner_password=PASSWORD)
    db.session.commit()
    return practice


def new_user(practice: Practice, role: str = "therapist", email: str | None = None, name: str | None = None,
             is_password_temporary: bool = False) -> User:
    """A user of `practice` (password `PASSWORD`), committed."""
    email = email or f"{role}-{os.urandom(4).hex()}@example.com"
    user = create_user(practice, name=name or f"{role.capitalize()} {email[:6]}", email=email,
                       password=PASSWORD, role=role, is_password_temporary=is_password_temporary)
    db.session.commit()
    return user


def new_client(practice: Practice, therapist: User | None = None, **values) -> Client:
    """A client record of `practice`, created by its owner, committed."""
    values = {"first_name": "Alex", "last_name": "Morgan", "date_of_birth": date(1985, 5, 17),
              "email": None, **values}
    record = create_client(practice.id, values, therapist=therapist, actor=owner_of(practice))
    db.session.commit()
    return record


def owner_of(practice: Practice) -> User:
    """The owner of a practice."""
    return next(user for user in practice.users if user.role == "owner")


class RowReference(NamedTuple):
    """A row of the world, found again by its model and id."""

    model: type
    id: int


class World:
    """Two practices with every kind of actor, and a client record of each (built and committed on creation)."""

    def __init__(self):
        self.practice = new_practice("Willow Street Massage")
        self.owner = owner_of(self.practice)
        self.therapist = new_user(self.practice, "therapist", name="Theo Therapist")
        self.colleague = new_user(self.practice, "therapist", name="Cara Colleague")
        self.client_user = new_user(self.practice, "client", name="Amira Hassan")
        self.other_client_user = new_user(self.practice, "client", name="Ben Carter")
        self.other_practice = new_practice("Elsewhere Clinic")
        self.other_owner = owner_of(self.other_practice)
        self.other_therapist = new_user(self.other_practice, "therapist", name="Otto Other")
        self.record = new_client(self.practice, self.therapist, first_name="Amira", last_name="Hassan",
                                 email="amira@example.com")
        self.colleague_record = new_client(self.practice, self.colleague, first_name="Ben", last_name="Carter")
        self.other_record = new_client(self.other_practice, self.other_therapist, first_name="Olga",
                                       last_name="Other")
        self.intake = create_intake(self.record, {}, actor=self.therapist)
        self.other_intake = create_intake(self.other_record, {}, actor=self.other_therapist)
        seed_library()
        record_action(self.intake, advice="Reviewed in person", referred_to=None, acted_on=date.today(),
                      actor=self.therapist)
        self.plan = create_plan(self.record, self.intake, actor=self.therapist)
        activate(self.plan, self.record, seen_row_version=self.plan.row_version, actor=self.therapist)
        self.step = self.plan.steps[0]
        self.note = create_note(self.record, {"seen_on": date.today(), "subjective": "Better"}, actor=self.therapist)
        self.seeded_item = db.session.scalars(select(LibraryItem).where(LibraryItem.slug == "heat")).one()
        self.other_item = create_item(self.other_practice.id, {"name": "Other clinic stretch", "kind": "home",
                                                               "steps": ["Stretch"]}, actor=self.other_owner)
        self._add_portal()
        db.session.commit()

    def _add_portal(self) -> None:
        """The client actor logs in as the record's portal user; Ben (the colleague's client) is another client."""
        self.record.portal_user_id = self.client_user.id
        self.colleague_record.portal_user_id = self.other_client_user.id
        self.assignment = assign(self.record, "nprs", actor=self.therapist)
        self.other_assignment = assign(self.colleague_record, "nprs", actor=self.colleague)
        yesterday = date.today() - timedelta(days=1)
        routine = home_plan(self.record)
        self.log = save_log(self.record, yesterday, plan=routine, done=routine.keys[:1], pain=4, note="",
                            signs=[], actor=self.client_user, today=date.today(), backfill_days=7)
        self.other_log = save_log(self.colleague_record, yesterday, plan=None, done=[], pain=5, note="Ben's note",
                                  signs=[], actor=self.other_client_user, today=date.today(), backfill_days=7)
        self.invitation, self.invitation_token = create_invitation(self.record, actor=self.therapist, days=7)

    def references(self) -> dict:
        """What a `WorldView` needs to find this world again: (model, id) of each row, and the plain values."""
        return {name: RowReference(type(value), value.id) if isinstance(value, db.Model) else value
                for name, value in vars(self).items()}


class WorldView:
    """The world as one test sees it: its rows loaded into the test's own session.

    The rows are shared by the tests of a module, but the Python objects are not, so what one test changes on
    `world.record` (and rolls back) never shows in the next test.
    """

    def __init__(self, references: dict):
        for name, reference in references.items():
            if isinstance(reference, RowReference):
                reference = db.session.get(reference.model, reference.id)
            setattr(self, name, reference)
        db.session.commit()  # nothing to write: the test starts outside a transaction, as after building a world

    def actor(self, name: str) -> User | None:
        """The user behind an actor name of the access table (None for anonymous)."""
        return {"owner": self.owner, "therapist": self.therapist, "colleague": self.colleague,
                "other_therapist": self.other_therapist, "client": self.client_user, "anonymous": None}[name]
