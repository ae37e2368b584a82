"""A therapist's journey in a real browser: log in, add a client, find them again by name and e-mail."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from practice.cli import DEMO_LOGINS
from tests.support.browser import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.committed]

THERAPIST = next(login for login in DEMO_LOGINS if login[1] == "theo@demo.example")
NEW_CLIENT = {"first": "Marguerite", "last": "Ashdown-Whitfield", "born": "1984-03-27",
              "email": "marguerite.ashdown@example.org"}


def _search(page, text: str) -> None:
    page.get_by_label("Search by name or e-mail").fill(text)
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_label("Search by name or e-mail")).to_have_value(text)


def test_therapist_adds_a_client_and_finds_them(live_server, chromium_page, screenshot_dir):
    page = chromium_page
    name, email, password, _role = THERAPIST
    full_name = f"{NEW_CLIENT['first']} {NEW_CLIENT['last']}"
    row_name = f"{NEW_CLIENT['last']}, {NEW_CLIENT['first']}"

    # Log in through the form and land on the dashboard.
    page.goto(f"{live_server.url}/login")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    page.get_by_label("E-mail", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Good to see you, {name.split()[0]}")
    page.screenshot(path=screenshot_dir / "01-dashboard.png", full_page=True)

    # Clients, then "Add a client".
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Clients", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Clients")
    page.get_by_role("link", name="Add a client", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a client")

    page.get_by_label("First name", exact=True).fill(NEW_CLIENT["first"])
    page.get_by_label("Last name", exact=True).fill(NEW_CLIENT["last"])
    page.get_by_label("Date of birth", exact=True).fill(NEW_CLIENT["born"])
    page.get_by_label("E-mail", exact=True).fill(NEW_CLIENT["email"])
    page.get_by_label("Consents to treatment", exact=True).check()
    expect(page.get_by_label("Date of birth", exact=True)).to_have_value(NEW_CLIENT["born"])
    page.screenshot(path=screenshot_dir / "02-client-form-filled.png", full_page=True)
    page.get_by_role("button", name="Add client", exact=True).click()

    # The client's page, with the confirmation.
    expect(page).to_have_url(re.compile(rf"^{re.escape(live_server.url)}/clients/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(full_name)
    expect(page.locator(".flashes")).to_contain_text(f"{full_name} has been added.")
    expect(page.locator(".details").first).to_contain_text(NEW_CLIENT["born"])
    expect(page.locator(".details").first).to_contain_text(NEW_CLIENT["email"])
    expect(page.locator(".details").nth(1)).to_contain_text("Given")
    page.screenshot(path=screenshot_dir / "03-client-page.png", full_page=True)

    # Back to the list: part of the last name finds exactly that client.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Clients", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Clients")
    _search(page, "shdown-whit")
    rows = page.locator(".client-list .client-row")
    expect(rows).to_have_count(1)
    expect(rows.first.locator(".client-name")).to_have_text(row_name)
    expect(page.locator(".count")).to_have_text("1 client matching “shdown-whit”")
    page.screenshot(path=screenshot_dir / "04-search-results.png", full_page=True)

    # And so does the e-mail.
    _search(page, NEW_CLIENT["email"])
    expect(rows).to_have_count(1)
    expect(rows.first.locator(".client-name")).to_have_text(row_name)
    rows.first.locator(".client-name").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(full_name)

    # The client list on a phone.
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/clients/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Clients")
    expect(rows.filter(has_text=row_name)).to_have_count(1)
    page.screenshot(path=screenshot_dir / "05-client-list-phone.png", full_page=True)
    page.set_viewport_size(DESKTOP)

    assert page.console_errors == [], "the browser console logged errors (a CSP violation?): " + "; ".join(
        page.console_errors)
