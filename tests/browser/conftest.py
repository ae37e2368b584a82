"""Fixtures for the browser tests: the app served by a real HTTP server on a SQLite file, and Chromium.

Fixture names avoid `page`, `browser` and `context`, which the pytest-playwright plugin defines.
The browser tests run on SQLite only, whatever PRACTICE_TEST_BACKENDS says, with real commits (the server's
threads use their own connections), so every module is marked `committed`.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from practice.cli import seed_demo
from practice.extensions import db
from tests.support.browser import DESKTOP, SCREENSHOTS, new_watched_page
from tests.support.clock import HandClock
from tests.support.databases import build_app
from tests.support.live_server import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser_app(worker_databases):
    """The app the browser tests serve, on this worker's committed SQLite database, built once."""
    # CSRF is on, as in production: the browser submits the real forms with their tokens.
    return build_app(worker_databases.committed("sqlite").url, WTF_CSRF_ENABLED=True)


@pytest.fixture
def live_server(browser_app, worker_databases, tmp_path):
    """The app with the demo practice, served over HTTP; the tables are emptied afterwards."""
    # E-mails go to the test's own outbox, never into the checkout's instance folder.
    browser_app.config["MAIL_OUTBOX_DIR"] = str(tmp_path / "outbox")
    with browser_app.app_context():
        seed_demo()
        db.session.commit()
        db.session.remove()
    server = LiveServer(browser_app)
    browser_app.config["SITE_URL"] = server.url  # the site's public address, as production configures it
    server.start()
    try:
        yield server
    finally:
        server.stop()
        worker_databases.committed("sqlite").empty_tables()


@pytest.fixture
def hand_clock(browser_app):
    """The clock the served app's session limits read, moved by the test (the real one is put back afterwards)."""
    clock = HandClock()
    real = browser_app.config.get("CLOCK")
    browser_app.config["CLOCK"] = clock
    yield clock
    browser_app.config["CLOCK"] = real


@pytest.fixture(scope="session")
def chromium_browser():
    """Debian's Chromium driven by Playwright; missing Chromium is a failure, not a skip."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (see the README's test script) "
                    "to run the browser tests.", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def chromium_page(chromium_browser):
    """A fresh browser context and page at 1280x800 that records console errors in `page.console_errors`."""
    context, page = new_watched_page(chromium_browser, viewport=DESKTOP)
    yield page
    context.close()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """test-artifacts/screenshots under the repository root (git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
