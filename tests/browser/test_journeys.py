"""The main staff journeys from start to finish in Chromium, as a new team member would live them.

The owner adds a therapist, who logs in with the temporary password and must choose their own. That therapist
then adds a client, records an intake with a red flag, cannot activate a plan until the action is recorded, records
it, drafts and activates the plan and downloads the handout, watching the PDF being prepared.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from practice.cli import DEMO_LOGINS
from tests.support.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.committed]

OWNER = next(login for login in DEMO_LOGINS if login[3] == "owner")
NEW_THERAPIST = {"name": "Nadia Okafor", "email": "nadia@demo.example", "temporary": "first-day-lantern-91",
                 "own": "nadia chooses a long one"}


def _heading(page):
    return page.get_by_role("heading", level=1)


def _log_out(page) -> None:
    page.get_by_role("button", name=re.compile(r"^Log out")).click()
    expect(_heading(page)).to_have_text("Log in")


def _add_therapist_as_owner(page, base: str, screenshot_dir) -> None:
    log_in(page, base, OWNER[1], OWNER[2])
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Team", exact=True).click()
    page.get_by_role("link", name="Add a therapist").click()
    expect(_heading(page)).to_have_text("Add a therapist")
    page.get_by_label("Full name", exact=True).fill(NEW_THERAPIST["name"])
    page.get_by_label("E-mail (their login)", exact=True).fill(NEW_THERAPIST["email"])
    page.get_by_label("Temporary password", exact=True).fill(NEW_THERAPIST["temporary"])
    page.get_by_role("button", name="Add therapist").click()
    expect(page.locator(".flashes")).to_contain_text(NEW_THERAPIST["name"])
    expect(page.locator("main")).to_contain_text(NEW_THERAPIST["email"])
    page.screenshot(path=screenshot_dir / "60-team-with-new-therapist.png", full_page=True)
    _log_out(page)


def _first_login_with_a_temporary_password(page, base: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("E-mail", exact=True).fill(NEW_THERAPIST["email"])
    page.get_by_label("Password", exact=True).fill(NEW_THERAPIST["temporary"])
    page.get_by_role("button", name="Log in", exact=True).click()
    # A temporary password leads straight to choosing one's own, whatever page is asked for.
    expect(page).to_have_url(re.compile(r"/account/password$"))
    page.goto(f"{base}/clients/")
    expect(page).to_have_url(re.compile(r"/account/password$"))
    page.get_by_label("Current password", exact=True).fill(NEW_THERAPIST["temporary"])
    page.get_by_label("New password", exact=True).fill(NEW_THERAPIST["own"])
    page.get_by_label("New password again", exact=True).fill(NEW_THERAPIST["own"])
    page.get_by_role("button", name="Change password").click()
    page.goto(f"{base}/")
    expect(_heading(page)).to_have_text("Good to see you, Nadia")
    # A therapist sees only their own clients: none yet, and the next step is offered.
    expect(page.locator("#mine-title + p")).to_have_text("No clients yet.")
    expect(page.get_by_role("link", name="Add your first client")).to_be_visible()


def test_the_owner_adds_a_therapist_who_sets_their_own_password(live_server, chromium_page, screenshot_dir):
    page, base = chromium_page, live_server.url
    _add_therapist_as_owner(page, base, screenshot_dir)
    _first_login_with_a_temporary_password(page, base)
    page.screenshot(path=screenshot_dir / "61-new-therapist-dashboard.png", full_page=True)
    assert page.console_errors == []


def _add_client(page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Clients", exact=True).click()
    page.get_by_role("link", name="Add a client", exact=True).click()
    page.get_by_label("First name", exact=True).fill("Rosa")
    page.get_by_label("Last name", exact=True).fill("Lindqvist")
    page.get_by_label("Date of birth", exact=True).fill("1961-08-14")
    page.get_by_label("Consents to treatment", exact=True).check()
    page.get_by_role("button", name="Add client", exact=True).click()
    expect(_heading(page)).to_have_text("Rosa Lindqvist")


def _intake_with_night_pain(page) -> None:
    page.get_by_role("link", name="Record the first intake").click()
    page.get_by_label("Reason for the visit", exact=True).fill("Low back ache for two months, worse at night")
    page.locator('[data-region="lower_back_centre"]').first.click()
    page.get_by_label("Pain now (0 to 10)").fill("6")
    for question in page.locator("fieldset.flag-question").all():
        question.get_by_text("No", exact=True).click()
    page.locator("#rf_night_pain").get_by_text("Yes", exact=True).click()
    page.get_by_role("button", name="Save and sign").click()
    expect(page.locator(".flashes")).to_contain_text("Intake signed.")
    expect(page.locator(".screening-urgent")).to_be_visible()


def test_a_new_therapist_goes_from_new_client_to_a_handout(live_server, chromium_page, screenshot_dir):
    page, base = chromium_page, live_server.url
    _add_therapist_as_owner(page, base, screenshot_dir)
    _first_login_with_a_temporary_password(page, base)
    _add_client(page)
    _intake_with_night_pain(page)
    intake_url = page.url
    page.screenshot(path=screenshot_dir / "62-intake-urgent.png", full_page=True)

    # No plan goes live while the red flag has no recorded action.
    page.get_by_role("link", name="Rosa Lindqvist").first.click()
    page.get_by_role("button", name="Draft a plan from the intake").click()
    expect(page.locator(".flashes")).to_contain_text("A suggested plan has been drafted")
    plan_url = page.url
    page.get_by_role("button", name="Activate plan").click()
    expect(page.locator(".flashes")).to_contain_text("screening needs action")

    page.goto(intake_url)
    page.get_by_label("Advice given to the client", exact=True).fill("Asked her to see her GP this week about the night pain.")
    page.get_by_label("Referred to", exact=True).fill("Her GP")
    page.get_by_role("button", name="Record action").click()
    expect(page.locator("main")).to_contain_text("Asked her to see her GP this week")

    page.goto(plan_url)
    page.get_by_role("button", name="Activate plan").click()
    expect(page.locator(".flashes")).to_contain_text("The plan is active")

    # The handout: "Preparing…" shows while the server makes it (the response is held back here to see it).
    held = []
    page.route(re.compile(r"/versions/1/handout"), lambda route: held.append(route))
    link = page.get_by_role("link", name="PDF", exact=True)
    page.wait_for_load_state()  # pdf-download.js takes over the links once loaded
    link.click()
    status = page.locator(".pdf-status")
    expect(status).to_have_text(re.compile(r"^Preparing the PDF"))
    expect(link).to_have_attribute("aria-busy", "true")
    page.screenshot(path=screenshot_dir / "63-handout-preparing.png")
    assert len(held) == 1
    with page.expect_download() as download_info:
        held[0].continue_()
    download = download_info.value
    assert re.fullmatch(r"home-plan-Rosa-v1\.pdf", download.suggested_filename)
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    expect(status).to_have_text("Your PDF is ready: home-plan-Rosa-v1.pdf has been downloaded.")
    expect(link).not_to_have_attribute("aria-busy", "true")
    page.unroute(re.compile(r"/versions/1/handout"))
    page.screenshot(path=screenshot_dir / "64-handout-ready.png")
    # The refused activation answers 400 on purpose and Chromium logs that status; anything else (CSP) fails.
    assert [error for error in page.console_errors if "status of 400" not in error] == []


def test_a_pdf_that_cannot_be_made_says_why_in_place(live_server, chromium_page):
    """The server's message (here a render that ran too long) appears beside the link; the page stays."""
    page, base = chromium_page, live_server.url
    log_in(page, base, "theo@demo.example", "willow-theo-demo")
    page.goto(f"{base}/clients/?q=Fischer")
    page.get_by_role("link", name="Fischer, Eva").click()
    page.locator("#plans-title").locator("xpath=../..").get_by_role("link").first.click()
    page.wait_for_load_state()  # pdf-download.js takes over the links once loaded; a click before is a plain one
    error_page = ('<main><section class="error-page"><p class="error-code">Error 503</p><h1>The PDF could not be made'
                  '</h1><p>Making the PDF took too long and was stopped. Please try again in a moment.</p>'
                  '<p><a href="/">Go to the start page</a></p>'
                  '</section></main>')
    page.route(re.compile(r"/handout"), lambda route: route.fulfill(status=503, content_type="text/html",
                                                                      body=error_page))
    plan_url = page.url
    page.get_by_role("link", name="PDF", exact=True).first.click()
    expect(page.locator(".pdf-status")).to_have_text(
        "The PDF could not be made: Making the PDF took too long and was stopped. Please try again in a moment.")
    assert page.url == plan_url


def test_archiving_a_client_asks_first(live_server, chromium_page):
    """The archive button asks for confirmation; saying no changes nothing, saying yes archives."""
    page, base = chromium_page, live_server.url
    log_in(page, base, OWNER[1], OWNER[2])
    page.goto(f"{base}/clients/?q=Huang")
    page.get_by_role("link", name="Huang, Grace").click()
    questions = []

    def answer(dialog, accept: bool) -> None:
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, accept=False))
    page.get_by_role("button", name="Archive", exact=True).click()
    expect(page.get_by_role("button", name="Archive", exact=True)).to_be_visible()
    assert questions == ["Archive Grace Huang? They will leave the client list. Nothing is deleted, and you can "
                         "restore them at any time."]
    expect(page.locator("main")).not_to_contain_text("This client is not in the active list.")

    page.once("dialog", lambda dialog: answer(dialog, accept=True))
    page.get_by_role("button", name="Archive", exact=True).click()
    expect(page.locator("main")).to_contain_text("This client is not in the active list.")
    expect(page.get_by_role("button", name="Restore", exact=True)).to_be_visible()
    assert len(questions) == 2
