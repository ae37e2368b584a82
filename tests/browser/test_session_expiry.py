"""Session limits tried from outside, in Chromium, with a clock the test moves by hand (issue 16).

The request tests edit the times kept in the session; here a real browser keeps its real cookie while the served
app's clock (its CLOCK setting) is moved on: an hour without a request ends the login, ten hours after the password
end it however busy the day, and the record export asks for the password again once ten minutes have passed.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from practice.clients.models import Client
from practice.extensions import db
from tests.support.browser import fill_in_login, log_in

pytestmark = [pytest.mark.browser, pytest.mark.committed]

THEO = ("theo@demo.example", "willow-theo-demo")
OWNER = ("owner@demo.example", "willow-owner-demo")
ASKS_AGAIN = "For your security, please type your password again to continue."


def _eva(app) -> int:
    with app.app_context():
        client_id = db.session.scalar(select(Client.id).where(Client.last_name == "Fischer"))
        db.session.remove()
        return client_id


def _expect_login_page(page, message: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    expect(page.locator(".flashes")).to_contain_text(message)


def _expect_logged_in_at(page, url: str) -> None:
    expect(page).to_have_url(url)
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Log in")


def test_an_hour_without_a_request_ends_the_login_and_logging_in_returns_to_the_page(live_server, chromium_page,
                                                                                     hand_clock):
    page, base = chromium_page, live_server.url
    log_in(page, base, *THEO)
    client_page = f"{base}/clients/{_eva(live_server.app)}"

    hand_clock.advance(minutes=59)
    page.goto(client_page)
    _expect_logged_in_at(page, client_page)  # within the hour: the visit restarts the idle limit
    hand_clock.advance(minutes=59)
    page.goto(f"{base}/clients/")
    _expect_logged_in_at(page, f"{base}/clients/")

    hand_clock.advance(minutes=61)
    page.goto(client_page)
    _expect_login_page(page, "You were logged out after a period without activity.")
    page.goto(f"{base}/")  # the old cookie no longer opens anything
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")

    page.goto(client_page)
    fill_in_login(page, *THEO)
    _expect_logged_in_at(page, client_page)


def test_a_busy_login_still_ends_ten_hours_after_the_password(live_server, chromium_page, hand_clock):
    page, base = chromium_page, live_server.url
    log_in(page, base, *THEO)
    for _ in range(11):  # a request every 50 minutes: never idle, 9 h 10 min in all
        hand_clock.advance(minutes=50)
        page.goto(f"{base}/clients/")
        _expect_logged_in_at(page, f"{base}/clients/")

    hand_clock.advance(minutes=51)  # 10 h 1 min since the password
    page.goto(f"{base}/clients/")
    _expect_login_page(page, "Your session reached its time limit.")

    fill_in_login(page, *THEO)  # a new password starts a new ten hours
    _expect_logged_in_at(page, f"{base}/clients/")


def test_the_export_asks_for_the_password_again_after_ten_minutes(live_server, chromium_page, hand_clock):
    page, base = chromium_page, live_server.url
    log_in(page, base, *OWNER)
    client_page = f"{base}/clients/{_eva(live_server.app)}"
    export_page = f"{client_page}/export"

    hand_clock.advance(minutes=9)
    page.goto(client_page)
    page.get_by_role("link", name="Export record").click()
    _expect_logged_in_at(page, export_page)  # the password was typed 9 minutes ago: no question

    hand_clock.advance(minutes=2)
    page.goto(client_page)
    page.get_by_role("link", name="Export record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it's you")
    expect(page.locator(".flashes")).to_contain_text(ASKS_AGAIN)
    page.get_by_label("Your password", exact=True).fill("not the password")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("main")).to_contain_text("That password is not correct.")
    page.get_by_label("Your password", exact=True).fill(OWNER[1])
    page.get_by_role("button", name="Continue").click()
    _expect_logged_in_at(page, export_page)

    hand_clock.advance(minutes=9)  # counted from the password typed just now
    page.goto(f"{base}/audit/")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download as CSV").click()
    assert download.value.suggested_filename.startswith("audit-log-")
