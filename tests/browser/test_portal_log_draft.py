"""A client's day log sent while the server's disk is full is not lost: the form gives it back once there is room.

The disk is made full by refusing every write with SQLite's own "disk full" error (tests/support/faults.py). The
client sees the app's 503 page saying what she sent was not saved; when she opens her page again, what she typed
is back (static/js/form-draft.js) and saves.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from practice.cli import DEMO_CLIENT_LOGIN
from practice.extensions import db
from tests.support.browser import log_in
from tests.support.faults import disk_full

pytestmark = [pytest.mark.browser, pytest.mark.committed]

EVA = DEMO_CLIENT_LOGIN[1:3]
NOTE = "Stiff after the long drive; the heat helped"


def _type_todays_log(page) -> None:
    page.get_by_label("Anything to tell your therapist? (optional)").fill(NOTE)
    page.get_by_role("radio", name="6", exact=True).check()
    page.wait_for_timeout(500)  # the copy is kept a moment after the last keystroke


def _expect_todays_log_back(page) -> None:
    expect(page.locator(".draft-notice")).to_contain_text("are back in the form")
    expect(page.get_by_label("Anything to tell your therapist? (optional)")).to_have_value(NOTE)
    expect(page.get_by_role("radio", name="6", exact=True)).to_be_checked()


def test_a_day_log_sent_on_a_full_disk_comes_back_once_there_is_room(live_server, chromium_page):
    page, app = chromium_page, live_server.app
    log_in(page, live_server.url, *EVA)
    page.goto(f"{live_server.url}/me")
    _type_todays_log(page)

    with app.app_context():
        engine = db.engine
    propagated = app.config["PROPAGATE_EXCEPTIONS"]
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: an error reaches the error pages
    try:
        with disk_full(engine):
            page.get_by_role("button", name="Save today's log").click()
            expect(page.get_by_role("heading", level=1)).to_have_text("The server cannot save anything right now")
            expect(page.locator("main")).to_contain_text("What you just sent was not saved")
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = propagated

    page.goto(f"{live_server.url}/me")  # room again
    _expect_todays_log_back(page)
    page.get_by_role("button", name="Save today's log").click()
    expect(page.locator(".flashes")).to_contain_text("Saved your log for today")
    expect(page.get_by_label("Anything to tell your therapist? (optional)")).to_have_value(NOTE)
    expect(page.locator(".draft-notice")).to_have_count(0)
    # The 503 itself is the only thing the browser reports: no script or style was refused on the way.
    assert [error for error in page.console_errors if "status of 503" not in error] == []
