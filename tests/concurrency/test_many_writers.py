"""Twenty people saving at the same moment through real HTTP: every save answers success and is stored once.

Runs on a SQLite file (WAL, busy timeout, write transactions that begin immediately) and on PostgreSQL.
"""
from __future__ import annotations

import os
from datetime import date

import pytest
from sqlalchemy import select

from practice.clients.models import Client
from practice.extensions import db
from practice.notes.models import SessionNote
from practice.portal.models import HomeLog
from tests.concurrency.at_once import Run, at_once
from tests.concurrency.figures import FIGURES
from tests.concurrency.http_user import Timed, text_of
from tests.support.helpers import audit_events

pytestmark = [pytest.mark.concurrency, pytest.mark.committed]

WRITERS = 20


def _fresh_database_view() -> None:
    # The test's own session may hold an older snapshot; read what the server committed.
    db.session.rollback()
    db.session.expire_all()


def _report(backend_url: str, what: str, run: Run, writes: list[Timed]) -> None:
    backend = "postgresql" if backend_url.startswith("postgresql") else "sqlite"
    slowest = max(write.seconds for write in writes)
    FIGURES.append(f"{backend:10} {what}: {len(writes)} writers done in {run.seconds:.2f} s, "
                   f"slowest save {slowest:.2f} s")


def _assert_all_saved(writes: list[Timed]) -> None:
    failures = [f"writer {i}: {write.response.status_code}" for i, write in enumerate(writes)
                if write.response.status_code != 302]
    assert not failures, f"saves that did not succeed: {failures}"


def test_twenty_clients_save_their_home_log_at_once(database_url, world, make_user, make_client, new_user):
    """Twenty portal clients log in together, then save today's log together; each log is stored once."""
    tag = os.urandom(3).hex()
    records = []
    for _ in range(WRITERS):
        person = make_user(world.practice, "client")
        record = make_client(world.practice, world.therapist, first_name="Portal", last_name=f"Client {tag}")
        record.portal_user_id = person.id
        records.append((record.id, person.email))
    db.session.commit()
    today = date.today().isoformat()

    users = at_once([lambda email=email: new_user(email) for _, email in records]).results
    forms = at_once([lambda user=user: user.form(f"/me/log/{today}") for user in users]).results
    for i, form in enumerate(forms):
        form.set("pain", str(i % 11)).set("note", f"Log {i} of {tag}")

    def save(i: int) -> tuple[Timed, str]:
        write = users[i].submit(forms[i])
        page = users[i].follow(write) if write.response.status_code == 302 else write.response
        return write, text_of(page)

    run = at_once([lambda i=i: save(i) for i in range(WRITERS)])
    writes = [write for write, _ in run.results]
    _report(database_url, "home logs (20 clients)", run, writes)

    _assert_all_saved(writes)
    assert all("Saved your log for today" in page for _, page in run.results)
    _fresh_database_view()
    logs = db.session.scalars(select(HomeLog).where(HomeLog.client_id.in_([rid for rid, _ in records]))).all()
    assert sorted((log.client_id, log.pain, log.note, log.logged_on.isoformat()) for log in logs) == \
        sorted((rid, i % 11, f"Log {i} of {tag}", today) for i, (rid, _) in enumerate(records))
    assert _audited("home_log.create", "homelog", logs) == sorted(log.id for log in logs)


def test_twenty_staff_add_clients_and_session_notes_at_once(database_url, world, make_user, new_user):
    """Ten therapists each add a client while the owner, in ten browser tabs, adds notes to one client."""
    tag = os.urandom(3).hex()
    half = WRITERS // 2
    therapists = [make_user(world.practice, "therapist") for _ in range(half)]
    logins = [therapist.email for therapist in therapists] + [world.owner.email] * half
    users = at_once([lambda email=email: new_user(email) for email in logins]).results
    note_path = f"/clients/{world.record.id}/sessions/new"
    forms = at_once([lambda user=user: user.form("/clients/new") for user in users[:half]]
                    + [lambda user=user: user.form(note_path) for user in users[half:]]).results
    for i in range(half):
        forms[i].set("first_name", "Concurrent").set("last_name", f"Writer {i} {tag}")
        forms[half + i].set("subjective", f"Visit {i} of {tag}").set("pain_before", str(i % 11))

    def save(i: int) -> Timed:
        write = users[i].submit(forms[i], button=None if i < half else ("submit_action", "draft"))
        if write.response.status_code == 302:
            users[i].follow(write)  # the page after saving is a read that writes an audit row, amid the saves
        return write

    run = at_once([lambda i=i: save(i) for i in range(WRITERS)])
    _report(database_url, "clients + notes (20 staff)", run, run.results)

    _assert_all_saved(run.results)
    _fresh_database_view()
    clients = db.session.scalars(select(Client).where(Client.last_name.like(f"Writer % {tag}"))).all()
    assert sorted((c.last_name, c.therapist_id) for c in clients) == \
        sorted((f"Writer {i} {tag}", therapists[i].id) for i in range(half))
    notes = db.session.scalars(select(SessionNote).where(SessionNote.subjective.like(f"Visit % of {tag}"))).all()
    assert sorted((n.subjective, n.pain_before, n.client_id) for n in notes) == \
        sorted((f"Visit {i} of {tag}", i % 11, world.record.id) for i in range(half))
    assert _audited("client.create", "client", clients) == sorted(c.id for c in clients)
    assert _audited("session.create", "sessionnote", notes) == sorted(n.id for n in notes)


def _audited(action: str, target_type: str, records) -> list[int]:
    """The ids of `records` that have an audit row of `action`, once per row (a repeat would show twice)."""
    return sorted(event.target_id for event in audit_events(action, target_type=target_type,
                                                            target_id=[record.id for record in records]))
