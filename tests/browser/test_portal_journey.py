"""The client portal end to end: a therapist readies a client and invites them; the client joins and logs on a phone.

The owner gives Hugo Ivanov (no plan, no login in the demo) an intake and an active plan through the real pages,
then invites him. On a phone-sized, touch browser Hugo opens the link, sets a password, ticks today's steps,
scores his pain, writes a note and looks at his progress. Eva Fischer, who has three weeks of demo logs, shows
what the charts look like with real data. Back at the desk, the therapist sees Hugo's log on his client page.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from practice.cli import DEMO_CLIENT_LOGIN, DEMO_LOGINS
from tests.support.browser import PHONE, log_in, new_watched_page

pytestmark = [pytest.mark.browser, pytest.mark.committed]

OWNER = next(login for login in DEMO_LOGINS if login[3] == "owner")  # Hugo is Tara's client; the owner sees all
HUGO = {"name": "Hugo Ivanov", "row": "Ivanov, Hugo", "email": "hugo@example.com"}
HUGO_PASSWORD = "a quiet river morning"
HUGO_PAIN = "4"
HUGO_NOTE = "sore after the foam roller"


# --- Helpers -----------------------------------------------------------------------------------


def _phone_page(browser):
    """A fresh touch-screen phone context (nobody logged in) whose page records console errors."""
    return new_watched_page(browser, viewport=PHONE, is_mobile=True, has_touch=True)


def _assert_fits_the_phone(page) -> None:
    """Nothing on the page is wider than the screen: no sideways scrolling."""
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (
        f"{page.url} scrolls sideways on a phone (scrollWidth {widths[0]} > innerWidth {widths[1]})")


def _routine_checkboxes(page):
    return page.locator("#today-title ~ form .routine-steps input[type=checkbox]")


def _tick_all_steps(page) -> int:
    boxes = _routine_checkboxes(page)
    count = boxes.count()
    assert count >= 1, "today's routine has no steps to tick"
    for index in range(count):
        boxes.nth(index).check()
    return count


def _choose_pain(page, score: str) -> None:
    """Tap the number on the 0-10 scale, as a finger does: the transparent radio laid over the label takes it."""
    page.locator(".pain-scale .scale-point", has_text=re.compile(rf"^\s*{score}\s*$")).tap()
    expect(page.get_by_role("radio", name=score, exact=True)).to_be_checked()


def _open_client(page, base_url: str, surname: str, row_name: str) -> str:
    page.goto(f"{base_url}/clients/?q={surname}")
    page.get_by_role("link", name=row_name).click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(base_url)}/clients/\d+$"))
    return page.url


def _ready_client_with_active_plan(page, client_url: str, full_name: str) -> None:
    """The first intake (all red flags "no", one region), a drafted plan, activated."""
    page.get_by_role("link", name="Record the first intake").click()
    page.get_by_label("Goals", exact=True).fill("Play football with my kids again")
    page.locator('[data-region="lower_back_centre"]').first.click()
    for question in page.locator("fieldset.flag-question").all():
        question.get_by_text("No", exact=True).click()
    page.get_by_role("button", name="Save and sign").click()
    page.get_by_role("link", name=full_name).click()
    expect(page).to_have_url(client_url)

    page.get_by_role("button", name="Draft a plan from the intake").click()
    expect(page.get_by_text("A suggested plan has been drafted")).to_be_visible()
    assert page.locator(".routine-step").count() >= 1
    page.get_by_role("button", name="Activate plan").click()
    expect(page.locator(".flashes")).to_contain_text("The plan is active")


# --- The journey -------------------------------------------------------------------------------


def test_client_joins_the_portal_logs_a_day_and_sees_progress_on_a_phone(
        live_server, chromium_browser, chromium_page, screenshot_dir, tmp_path):
    base = live_server.url
    desk = chromium_page

    # 1. The owner readies Hugo (plan, then invitation) at the desk.
    log_in(desk, base, OWNER[1], OWNER[2])
    hugo_url = _open_client(desk, base, "Ivanov", HUGO["row"])
    home_care = desk.locator("#home-care")
    expect(home_care).to_contain_text("Hugo has no portal login yet")
    _ready_client_with_active_plan(desk, hugo_url, HUGO["name"])

    desk.goto(hugo_url)
    desk.locator("#home-care").get_by_role("button", name="Invite to the portal").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Invitation for Hugo")
    expect(desk.locator(".invitation .notice")).to_have_text(f"An e-mail with this link went to {HUGO['email']}.")
    link = desk.locator("input#invite-link").input_value()
    assert re.fullmatch(rf"{re.escape(base)}/invite/\S+", link), link
    qr = desk.locator("img.qr")
    expect(qr).to_be_visible()
    assert qr.get_attribute("src").startswith("data:image/")
    assert desk.evaluate("document.querySelector('img.qr').naturalWidth") > 0, "the QR code did not load"
    assert len(list((tmp_path / "outbox").iterdir())) == 1
    desk.screenshot(path=screenshot_dir / "40-portal-invitation.png", full_page=True)

    phone_context, phone = _phone_page(chromium_browser)
    try:
        # 2. Hugo opens the link on his phone and chooses a password.
        phone.goto(link)
        expect(phone.get_by_role("heading", level=1)).to_have_text("Welcome, Hugo")
        expect(phone.locator("main")).to_contain_text(HUGO["email"])
        _assert_fits_the_phone(phone)
        phone.screenshot(path=screenshot_dir / "41-portal-accept-phone.png", full_page=True)
        phone.get_by_label("Choose a password", exact=True).fill(HUGO_PASSWORD)
        phone.get_by_label("Type it again", exact=True).fill(HUGO_PASSWORD)
        phone.get_by_role("button", name="Set my password").click()
        expect(phone).to_have_url(f"{base}/me")
        expect(phone.get_by_role("heading", level=1)).to_have_text("Hello, Hugo")
        expect(phone.locator(".flashes")).to_contain_text("Welcome!")
        expect(phone.get_by_role("heading", name="Today's routine")).to_be_visible()
        _assert_fits_the_phone(phone)
        phone.screenshot(path=screenshot_dir / "42-portal-home-phone.png", full_page=True)

        # 3. Today's log: every step ticked, pain, a note.
        steps = _tick_all_steps(phone)
        _choose_pain(phone, HUGO_PAIN)
        phone.get_by_label("Anything to tell your therapist? (optional)").fill(HUGO_NOTE)
        phone.get_by_role("button", name="Save today's log").click()
        expect(phone.locator(".flashes")).to_contain_text("Saved your log for today. Thank you!")
        expect(phone.get_by_text("You logged today already.")).to_be_visible()

        phone.reload()
        boxes = _routine_checkboxes(phone)
        expect(boxes).to_have_count(steps)
        for index in range(steps):
            expect(boxes.nth(index)).to_be_checked()
        expect(phone.get_by_role("radio", name=HUGO_PAIN, exact=True)).to_be_checked()
        expect(phone.get_by_label("Anything to tell your therapist? (optional)")).to_have_value(HUGO_NOTE)
        _assert_fits_the_phone(phone)
        phone.screenshot(path=screenshot_dir / "43-portal-logged-phone.png", full_page=True)

        # 4. Progress: his one day shows on the pain chart.
        phone.get_by_role("navigation", name="Main").get_by_role("link", name="Progress", exact=True).click()
        expect(phone.get_by_role("heading", level=1)).to_have_text("Your progress")
        expect(phone.locator("main")).to_contain_text(f"1 day logged in the last 12 weeks; latest pain {HUGO_PAIN}")
        pain_chart = phone.locator(".chart-figure svg.chart-pain")
        expect(pain_chart).to_be_visible()
        assert int(pain_chart.get_attribute("data-points")) >= 1
        adherence = phone.locator(".chart-figure svg.chart-adherence")
        expect(adherence).to_be_visible()
        assert int(adherence.get_attribute("data-bars")) >= 1
        _assert_fits_the_phone(phone)
        phone.screenshot(path=screenshot_dir / "44-portal-progress-phone.png", full_page=True)
        assert phone.console_errors == [], "Hugo's pages logged console errors (a CSP violation?): " + "; ".join(
            phone.console_errors)
    finally:
        phone_context.close()

    # 5. Eva, with three weeks of logs, on a phone of her own.
    eva_context, eva = _phone_page(chromium_browser)
    try:
        _name, eva_email, eva_password, _role = DEMO_CLIENT_LOGIN
        log_in(eva, base, eva_email, eva_password)
        expect(eva.get_by_role("heading", level=1)).to_have_text("Hello, Eva")
        _assert_fits_the_phone(eva)
        eva.get_by_role("navigation", name="Main").get_by_role("link", name="Progress", exact=True).click()
        expect(eva.get_by_role("heading", level=1)).to_have_text("Your progress")
        pain_points = int(eva.locator(".chart-figure svg.chart-pain").get_attribute("data-points"))
        bars = int(eva.locator(".chart-figure svg.chart-adherence").get_attribute("data-bars"))
        assert pain_points >= 10, pain_points
        eva_weeks = eva.locator(".chart-figure svg.chart-adherence text", has_text="w/c").all_text_contents()
        _assert_fits_the_phone(eva)
        eva.screenshot(path=screenshot_dir / "45-portal-progress-eva-phone.png", full_page=True)
        assert eva.console_errors == [], "Eva's pages logged console errors (a CSP violation?): " + "; ".join(
            eva.console_errors)
    finally:
        eva_context.close()

    # 6. At the desk again: Hugo's log is on his client page.
    desk.goto(hugo_url)
    panel = desk.locator("#home-care")
    expect(panel).to_contain_text("Active")
    expect(panel).to_contain_text(f"Hugo logs in as {HUGO['email']}")
    latest = panel.locator("table.table tbody tr").first
    expect(latest.locator("td").nth(1)).to_have_text(f"{steps} of {steps}")
    expect(latest.locator("td").nth(2)).to_have_text(HUGO_PAIN)
    expect(latest.locator("td").nth(3)).to_have_text(HUGO_NOTE)
    assert int(panel.locator("svg.chart-pain").get_attribute("data-points")) >= 1
    panel.screenshot(path=screenshot_dir / "46-client-home-care.png")
    # Last, so that the rest of the journey runs and its screenshots are taken even when this fails.
    assert bars >= 3, f"Eva's three weeks of logs show as {bars} adherence bar(s), weeks labelled {eva_weeks}"
    assert desk.console_errors == [], "the therapist's pages logged console errors (a CSP violation?): " + "; ".join(
        desk.console_errors)
