"""Fixtures for the concurrency tests: the app with CSRF on, served by a threaded HTTP server.

Every test here is marked `committed`: the database is this worker's committed one (a SQLite *file* and a
PostgreSQL database, see tests/support/databases.py), so the server's threads and the test see the same data.
Its tables are emptied after each test.
"""
from __future__ import annotations

import pytest

from tests.concurrency.figures import FIGURES
from tests.concurrency.http_user import HttpUser
from tests.support.live_server import LiveServer


@pytest.fixture(autouse=True)
def report_figures(request):
    """Send the figures a test measured with its report, so the run shows them at the end, workers or not."""
    already = len(FIGURES)
    yield
    request.node.user_properties += [("figure", line) for line in FIGURES[already:]]


@pytest.fixture
def live_server(make_app, app):
    """The app with CSRF on, as in production, answering HTTP from a thread per request."""
    # `app` comes first so the test keeps its own app context for reading the database afterwards.
    served = make_app(WTF_CSRF_ENABLED=True)
    server = LiveServer(served).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def new_user(live_server):
    """Return a callable giving a fresh HTTP user (own cookies), logged in when an e-mail is given."""

    def build(email: str | None = None) -> HttpUser:
        user = HttpUser(live_server.url)
        return user.login(email) if email else user

    return build
