"""Playwright helpers for the browser tests: the screen sizes, a page that records console errors, logging in."""
from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def new_watched_page(browser, **context_options):
    """A fresh context and page whose console errors (CSP violations among them) collect in `page.console_errors`."""
    context = browser.new_context(**context_options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(f"{message.type}: {message.text}")
            if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    page.console_errors = errors
    return context, page


def fill_in_login(page, email: str, password: str) -> None:
    """Fill in and submit the login form of the page already open (keeping its next= address)."""
    page.get_by_label("E-mail", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()


def log_in(page, base_url: str, email: str, password: str) -> None:
    """Log in through the login form and wait for the page after it, stylesheet included."""
    page.goto(f"{base_url}/login")
    fill_in_login(page, email, password)
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Log in")
    page.wait_for_load_state()
