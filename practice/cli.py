"""Command-line tools (`flask --app practice ...`), built on the same operations as the views."""
from __future__ import annotations

import secrets
from datetime import date

import click
from flask import Flask

from practice.accounts.models import Practice, User
from practice.accounts.operations import AccountError, add_therapist, create_practice, create_user, users_with_email
from practice.backup import backup_command, restore_command, verify_backup_command
from practice.clients.operations import create_client
from practice.extensions import db
from practice.outages import outages_as_messages
from practice.generate import generate_data_command
from practice.library.operations import seed_library
from practice.portal.demo import DEMO_CLIENT_PASSWORD, seed_demo_portal

DEMO_PRACTICE = "Willow Street Massage"
DEMO_LOGINS = (
    # (name, e-mail, password, role)
    ("Olivia Owner", "owner@demo.example", "willow-owner-demo", "owner"),
    ("Theo Therapist", "theo@demo.example", "willow-theo-demo", "therapist"),
    ("Tara Therapist", "tara@demo.example", "willow-tara-demo", "therapist"),
)
#: the demo client who logs in to the portal (Eva Fischer, a client of Theo)
DEMO_CLIENT_LOGIN = ("Eva Fischer", "eva.f@example.com", DEMO_CLIENT_PASSWORD, "client")
DEMO_PORTAL_CLIENT_INDEX = 4
DEMO_QUIET_CLIENT_INDEX = 6  # Grace Huang, also Theo's
DEMO_CLIENTS = (
    ("Amira", "Hassan", date(1984, 3, 27), "amira.hassan@example.com"),
    ("Ben", "Carter", date(1966, 11, 2), "ben.carter@example.com"),
    ("Chloe", "Dubois", date(1992, 6, 14), None),
    ("Daniel", "Evans", date(1958, 1, 30), "d.evans@example.com"),
    ("Eva", "Fischer", date(1979, 9, 8), "eva.f@example.com"),
    ("Felix", "Garcia", date(2001, 4, 19), None),
    ("Grace", "Huang", date(1970, 12, 5), "grace.huang@example.com"),
    ("Hugo", "Ivanov", date(1988, 7, 22), "hugo@example.com"),
    ("Isla", "Jones", date(1995, 2, 11), "isla.jones@example.com"),
    ("Jonas", "Kowalski", date(1949, 8, 3), None),
    ("Keira", "Lopez", date(1983, 5, 28), "keira.lopez@example.com"),
    ("Liam", "Murphy", date(1975, 10, 16), "liam.m@example.com"),
)


def register(app: Flask) -> None:
    """Add the commands to the app's CLI."""
    app.cli.add_command(create_practice_command)
    app.cli.add_command(add_therapist_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(seed_library_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(verify_backup_command)
    app.cli.add_command(generate_data_command)


def _fail(error: AccountError):
    db.session.rollback()
    raise click.ClickException(str(error))


@click.command("create-practice")
@click.option("--name", required=True, help="The practice's name.")
@click.option("--owner-name", required=True)
@click.option("--owner-email", required=True)
@click.password_option("--owner-password", help="Asked for when not given.")
@outages_as_messages
def create_practice_command(name, owner_name, owner_email, owner_password):
    """Create a practice and its owner."""
    try:
        practice = create_practice(practice_name=name, owner_name=owner_name, owner_email=owner_email,
                                   owner_password=owner_password)
    except AccountError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"Created practice {practice.name!r} (id {practice.id}); the owner logs in as {owner_email}.")


@click.command("add-therapist")
@click.option("--practice-id", type=int, required=True)
@click.option("--name", required=True)
@click.option("--email", required=True)
@click.password_option("--temporary-password", help="They must change it at first login.")
@outages_as_messages
def add_therapist_command(practice_id, name, email, temporary_password):
    """Add a therapist to a practice, with a temporary password."""
    practice = db.session.get(Practice, practice_id)
    if practice is None:
        raise click.ClickException(f"No practice with id {practice_id}.")
    try:
        add_therapist(practice, name=name, email=email, temporary_password=temporary_password)
    except AccountError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"Added {name} <{email}>; they will be asked to choose a password at first login.")


@click.command("seed-library")
@outages_as_messages
def seed_library_command():
    """Add or refresh the shared technique library (safe to run again; practice copies are untouched)."""
    added = seed_library()
    db.session.commit()
    click.echo(f"Technique library ready ({added} new shared items).")


@click.command("seed-demo")
@outages_as_messages
def seed_demo_command():
    """Create the demo practice (an owner, two therapists, a dozen clients) and print the logins."""
    if not users_with_email(DEMO_LOGINS[0][1]):
        seed_demo()
        db.session.commit()
        click.echo(f"Created the demo practice {DEMO_PRACTICE!r}.")
    else:
        click.echo(f"The demo practice {DEMO_PRACTICE!r} already exists.")
    click.echo("Demo logins:")
    for name, email, password, role in (*DEMO_LOGINS, DEMO_CLIENT_LOGIN):
        click.echo(f"  {role:<10} {email:<22} password: {password}")


def seed_demo() -> Practice:
    """Create the demo practice's people and clients, and the shared library (flushes; the caller commits)."""
    seed_library()
    (owner_name, owner_email, owner_password, _), *therapists = DEMO_LOGINS
    practice = create_practice(practice_name=DEMO_PRACTICE, owner_name=owner_name, owner_email=owner_email,
                               owner_password=owner_password, email="hello@willow.example", phone="020 7946 0000")
    owner = next(user for user in practice.users if user.role == "owner")
    staff: list[User] = [create_user(practice, name=name, email=email, password=password, role=role)
                         for name, email, password, role in therapists]
    for index, (first, last, born, email) in enumerate(DEMO_CLIENTS):
        therapist = staff[index % len(staff)] if index < len(DEMO_CLIENTS) - 1 else None
        client = create_client(practice.id, {
            "first_name": first, "last_name": last, "date_of_birth": born, "email": email,
            "phone": f"07700 900{index:03d}", "consent_treatment_on": date(2026, 1, 5 + index),
            "consent_health_data_on": date(2026, 1, 5 + index),
        }, therapist=therapist, actor=owner)
        if index == DEMO_PORTAL_CLIENT_INDEX:
            seed_demo_portal(client, therapist)
        elif index == DEMO_QUIET_CLIENT_INDEX:  # stopped logging 9 days ago: listed under "Needs your attention"
            seed_demo_portal(client, therapist, password=secrets.token_urlsafe(16), quiet_days=9)
    return practice
