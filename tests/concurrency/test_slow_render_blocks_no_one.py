"""While one request renders a slow PDF, twenty others (reads and writes, staff and portal) all answer in time.

Issue 15: under gunicorn with several workers on SQLite, an owner's record export held the write lock for the
whole render, so portal clients opening their page waited up to 19 s and some got "database is locked". Here the
app runs as production runs it (the Dockerfile's gunicorn command, several sync workers, a SQLite file), with
its PDF renders made slow on purpose by tests/support/slow_render_app.py.
"""
from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Callable

import pytest
from sqlalchemy.engine import make_url

from tests.concurrency.at_once import at_once
from tests.concurrency.figures import FIGURES
from tests.concurrency.http_user import Form, HttpUser, Timed
from tests.support.gunicorn import gunicorn_serving

pytestmark = [pytest.mark.concurrency, pytest.mark.committed,
              pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]

WORKERS = 4
RENDER_SECONDS = 5
ANSWER_WITHIN_SECONDS = 2
SECRET_KEY = "a-secret-key-for-the-slow-render-load-test-only"


@dataclass
class Site:
    """The app under gunicorn: its address, and the file each render touches when it starts."""

    url: str
    render_started: Path


@pytest.fixture
def site(world, database_url, tmp_path):
    """The app under gunicorn with WORKERS sync workers on the test's SQLite file, renders slowed down."""
    marker = tmp_path / "render-started"
    env = {**os.environ, "PRACTICE_ENV": "development", "FLASK_DEBUG": "", "SECRET_KEY": SECRET_KEY,
           "DATABASE_URL": database_url, "LOGIN_RATE_LIMIT": "1000 per minute",
           "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"), "PRACTICE_TEST_RENDER_STARTED": str(marker),
           "PRACTICE_TEST_RENDER_SECONDS": str(RENDER_SECONDS)}
    assert make_url(database_url).database  # a file every worker opens, not an in-memory database
    with gunicorn_serving(env, tmp_path / "gunicorn.log", workers=WORKERS,
                          app="tests.support.slow_render_app:app") as url:
        yield Site(url, marker)


def _same_login(user: HttpUser) -> HttpUser:
    """Another browser tab of the same login: its own connection, the same session cookie."""
    tab = HttpUser(user.base_url)
    tab.session.cookies.update(user.session.cookies)
    return tab


def _get(user: HttpUser, path: str) -> Callable[[], Timed]:
    def open_page() -> Timed:
        started = time.perf_counter()
        response = _same_login(user).session.get(user.url(path), allow_redirects=False, timeout=30)
        return Timed(response, time.perf_counter() - started)

    return open_page


def _post(user: HttpUser, form: Form) -> Callable[[], Timed]:
    return lambda: _same_login(user).submit(form)


def _others(site: Site, world) -> list[tuple[str, Callable[[], Timed], int]]:
    """Twenty requests of staff and portal, reads and writes: (what, request, the status it must answer)."""
    therapist, owner = HttpUser(site.url).login(world.therapist.email), HttpUser(site.url).login(world.owner.email)
    portal = HttpUser(site.url).login(world.client_user.email)
    record, colleague_record, plan = world.record.id, world.colleague_record.id, world.plan.id
    today, two_days_ago = date.today(), date.today() - timedelta(days=2)
    reads = [
        ("therapist dashboard", _get(therapist, "/"), 3),
        ("client list", _get(therapist, "/clients/"), 3),
        ("client page", _get(therapist, f"/clients/{record}"), 3),
        ("plan page", _get(therapist, f"/clients/{record}/plans/{plan}"), 2),
        ("owner's client list", _get(owner, "/clients/?q=Carter"), 1),
        ("portal home /me", _get(portal, "/me"), 3),
        ("portal history", _get(portal, "/me/history"), 1),
    ]
    log_today = portal.form(f"/me/log/{today}").set("pain", "3").set("note", "Felt looser")
    log_earlier = portal.form(f"/me/log/{two_days_ago}").set("pain", "4")
    edit = therapist.form(f"/clients/{record}/edit").set("phone", "+44 20 7946 0000")
    owner_edit = owner.form(f"/clients/{colleague_record}/edit").set("phone", "+44 20 7946 0001")
    writes = [
        ("home log save (today)", _post(portal, log_today), 1),
        ("home log save (2 days ago)", _post(portal, log_earlier), 1),
        ("client edit (therapist)", _post(therapist, edit), 1),
        ("client edit (owner)", _post(owner, owner_edit), 1),
    ]
    requests = [(what, work, 200) for what, work, times in reads for _ in range(times)]
    requests += [(what, work, 302) for what, work, times in writes for _ in range(times)]
    assert len(requests) == 20
    return requests


def test_twenty_requests_answer_within_two_seconds_while_a_pdf_renders(site, world):
    others = _others(site, world)
    for _ in range(2):  # every worker has served each page once before the clock matters
        at_once([work for _, work, _ in others])
    owner = HttpUser(site.url).login(world.owner.email)
    export = {}

    def export_record() -> None:
        export["response"] = owner.session.get(owner.url(f"/clients/{world.record.id}/export.pdf"), timeout=60)
        export["done_at"] = time.perf_counter()

    exporting = threading.Thread(target=export_record)
    exporting.start()
    try:
        deadline = time.monotonic() + 30
        while not site.render_started.exists() and time.monotonic() < deadline:
            time.sleep(0.02)  # waiting for the export to reach its render, not pacing the test
        assert site.render_started.exists(), "the export never started rendering"
        run = at_once([work for _, work, _ in others])
        answered_at = time.perf_counter()
    finally:
        exporting.join(60)
    answers = [(what, status, timed) for (what, _, status), timed in zip(others, run.results)]
    FIGURES.append(f"{'sqlite':10} during a {RENDER_SECONDS} s PDF render, {WORKERS} gunicorn workers: "
                   f"20 requests answered in {run.seconds:.2f} s, slowest "
                   f"{max(timed.seconds for _, _, timed in answers):.2f} s")
    failures = [f"{what}: {timed.response.status_code} in {timed.seconds:.2f} s" for what, status, timed in answers
                if timed.response.status_code != status or timed.seconds > ANSWER_WITHIN_SECONDS]
    assert not failures, f"requests slowed or failed by the render: {failures}"
    assert export["response"].status_code == 200 and export["response"].content.startswith(b"%PDF")
    assert answered_at < export["done_at"], "the twenty requests were not answered while the PDF rendered"
