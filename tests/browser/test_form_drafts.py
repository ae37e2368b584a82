"""A long intake loses nothing when the login expires, the connection drops or the device goes offline.

The browser keeps a copy of the answers in the tab (static/js/form-draft.js); these tests type into the real
intake form in Chromium, break the save in each way a clinic would meet, and check that the answers come back
and can then be saved. Logging out forgets the copy, and a save made meanwhile elsewhere is not overwritten
without asking.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from practice.clients.models import Client
from practice.extensions import db
from tests.support.browser import fill_in_login, log_in

pytestmark = [pytest.mark.browser, pytest.mark.committed]

THEO = ("theo@demo.example", "willow-theo-demo")
REASON = "Stiff lower back after a weekend of gardening"


def _grace_id(app) -> int:
    with app.app_context():
        client_id = db.session.scalar(select(Client.id).where(Client.last_name == "Huang"))
        db.session.remove()
        return client_id


def _open_intake(page, base: str, client_id: int) -> str:
    page.goto(f"{base}/clients/{client_id}/intakes/new")
    expect(page.get_by_label("Reason for the visit", exact=True)).to_be_visible()
    return page.url


def _type_answers(page) -> None:
    page.get_by_label("Reason for the visit", exact=True).fill(REASON)
    page.locator('[data-region="buttock_right"]').first.click()
    page.get_by_label("Pain now (0 to 10)").fill("4")
    page.wait_for_timeout(500)  # the copy is kept a moment after the last keystroke


def _theo_types_into_graces_intake(page, live_server) -> str:
    """Theo logs in, opens Grace's intake and types answers that are not saved yet; the form's address."""
    log_in(page, live_server.url, *THEO)
    form_url = _open_intake(page, live_server.url, _grace_id(live_server.app))
    _type_answers(page)
    return form_url


def _expect_answers_back(page) -> None:
    expect(page.get_by_label("Reason for the visit", exact=True)).to_have_value(REASON)
    expect(page.get_by_label("Pain now (0 to 10)")).to_have_value("4")
    expect(page.locator('input[name="pain_areas"][value="buttock_right"]')).to_be_checked()
    # The drawing follows the restored checkbox.
    expect(page.locator('[data-region="buttock_right"]').first).to_have_attribute("aria-checked", "true")


def _save_draft(page) -> None:
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".flashes")).to_contain_text("Draft saved.")
    expect(page.locator("main")).to_contain_text(REASON)


def _save_after_the_login_expired(page, clock) -> None:
    """Press "Save draft" after the idle limit has passed: the login page says nothing was saved."""
    clock.advance(minutes=61)  # the therapist left the tablet for an hour
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    expect(page.locator(".flashes")).to_contain_text("What you just sent was not saved.")


def test_answers_typed_while_the_login_expired_come_back_after_logging_in(live_server, chromium_page, screenshot_dir,
                                                                          hand_clock):
    page = chromium_page
    form_url = _theo_types_into_graces_intake(page, live_server)

    _save_after_the_login_expired(page, hand_clock)
    fill_in_login(page, *THEO)

    expect(page).to_have_url(form_url)
    expect(page.locator(".draft-notice")).to_contain_text("Your unsaved answers from")
    _expect_answers_back(page)
    page.screenshot(path=screenshot_dir / "70-intake-answers-back-after-login.png")
    _save_draft(page)

    # Saved: opening the draft again shows it as saved, with no notice.
    page.get_by_role("link", name="Continue the draft").click()
    expect(page.get_by_label("Reason for the visit", exact=True)).to_have_value(REASON)
    expect(page.locator(".draft-notice")).to_have_count(0)


def test_answers_survive_a_connection_that_drops_during_the_save(live_server, chromium_page):
    page = chromium_page
    form_url = _theo_types_into_graces_intake(page, live_server)
    drop_posts = lambda route: route.abort("connectionreset") if route.request.method == "POST" else route.continue_()
    page.route(form_url, drop_posts)
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url(lambda url: url.startswith("chrome-error://"))
    page.unroute(form_url, drop_posts)

    page.goto(form_url)  # the connection is back
    expect(page.locator(".draft-notice")).to_contain_text("are back in the form")
    _expect_answers_back(page)
    _save_draft(page)


def test_saving_while_offline_keeps_the_page_and_says_so(live_server, chromium_page):
    page = chromium_page
    form_url = _theo_types_into_graces_intake(page, live_server)
    page.context.set_offline(True)
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".offline-notice")).to_contain_text("You are offline, so nothing was saved.")
    assert page.url == form_url
    _expect_answers_back(page)
    page.context.set_offline(False)
    _save_draft(page)


def test_logging_out_forgets_the_kept_answers(live_server, chromium_page):
    page, base = chromium_page, live_server.url
    form_url = _theo_types_into_graces_intake(page, live_server)
    assert page.evaluate("() => Object.keys(sessionStorage).filter(key => key.startsWith('draft')).length") == 1
    page.get_by_role("button", name=re.compile(r"^Log out")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    assert page.evaluate("() => Object.keys(sessionStorage).filter(key => key.startsWith('draft')).length") == 0
    log_in(page, base, *THEO)
    page.goto(form_url)
    expect(page.get_by_label("Reason for the visit", exact=True)).not_to_have_value(REASON)
    expect(page.locator(".draft-notice")).to_have_count(0)


def test_a_save_made_in_another_tab_is_not_overwritten_without_asking(live_server, chromium_page):
    page, base = chromium_page, live_server.url
    log_in(page, base, *THEO)
    _open_intake(page, base, _grace_id(live_server.app))
    page.get_by_label("Reason for the visit", exact=True).fill("First words")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".flashes")).to_contain_text("Draft saved.")
    page.get_by_role("link", name="Continue the draft").click()
    edit_url = page.url
    _type_answers(page)  # typed here, never saved

    other_tab = page.context.new_page()  # its own sessionStorage, the same login
    other_tab.goto(edit_url)
    other_tab.get_by_label("Goals", exact=True).fill("Saved from the other tab")
    other_tab.get_by_role("button", name="Save draft").click()
    expect(other_tab.locator(".flashes")).to_contain_text("Draft saved.")
    other_tab.close()

    page.goto(edit_url)
    notice = page.locator(".draft-notice")
    expect(notice).to_contain_text("This form was saved again")
    expect(page.get_by_label("Reason for the visit", exact=True)).to_have_value("First words")
    expect(page.get_by_label("Goals", exact=True)).to_have_value("Saved from the other tab")
    notice.get_by_role("button", name="Put my unsaved answers back").click()
    _expect_answers_back(page)
    expect(notice).to_have_count(0)


def test_someone_else_logging_in_on_the_same_tab_never_sees_the_answers(live_server, chromium_page, hand_clock):
    """A shared tablet: Theo's login expires with answers typed; the owner logs in there and opens the same form."""
    page = chromium_page
    form_url = _theo_types_into_graces_intake(page, live_server)
    _save_after_the_login_expired(page, hand_clock)
    fill_in_login(page, "owner@demo.example", "willow-owner-demo")
    expect(page).to_have_url(form_url)  # the owner may see Grace's record, so the form opens
    expect(page.get_by_label("Reason for the visit", exact=True)).not_to_have_value(REASON)
    expect(page.locator(".draft-notice")).to_have_count(0)
    page.wait_for_load_state()  # form-draft.js has run: it is what drops another login's answers
    assert page.evaluate("() => Object.keys(sessionStorage).filter(key => key.startsWith('draft:')).length") == 0
