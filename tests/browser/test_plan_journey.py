"""A therapist builds a plan from an intake in the browser: safety refusal, override, activation, new version."""
from __future__ import annotations

import pytest

from tests.support.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.committed]


def test_build_override_activate_and_version_a_plan(live_server, chromium_page, screenshot_dir):
    page = chromium_page
    log_in(page, live_server.url, "theo@demo.example", "willow-theo-demo")
    page.goto(f"{live_server.url}/clients/?q=Hassan")
    page.get_by_role("link", name="Hassan, Amira").click()

    page.get_by_role("link", name="Record the first intake").click()
    page.get_by_label("Goals", exact=True).fill("Garden again")
    page.locator('[data-region="lower_back_centre"]').first.click()
    for question in page.locator("fieldset.flag-question").all():
        question.get_by_text("No", exact=True).click()
    page.get_by_label("Blood thinners (for example warfarin, apixaban, rivaroxaban)").check()
    page.get_by_role("button", name="Save and sign").click()
    page.get_by_role("link", name="Amira Hassan").click()

    page.get_by_role("button", name="Draft a plan from the intake").click()
    page.wait_for_selector("text=A suggested plan has been drafted")
    assert page.locator(".routine-step").count() >= 3
    assert "Light pressure only" in page.inner_text("#routine")

    page.get_by_label("Deep tissue massage").check()
    page.get_by_role("button", name="Save details").click()
    assert "Marked “avoid” for this client" in page.inner_text(".flashes")
    page.screenshot(path=screenshot_dir / "20-plan-refused.png", full_page=True)

    page.get_by_label("Deep tissue massage").check()
    page.get_by_label("Reason to override the safety check", exact=True).last.fill("Cleared by her GP")
    page.get_by_role("button", name="Save details").click()
    assert "Plan details saved." in page.inner_text(".flashes")
    assert "Overridden by Theo Therapist: Cleared by her GP" in page.content()

    page.get_by_role("button", name="Activate plan").click()
    assert "The plan is active" in page.inner_text(".flashes")
    page.locator(".step-edit summary").first.click()
    page.locator(".step-edit").first.get_by_label("Note for the client").fill("Before bed")
    page.locator(".step-edit").first.get_by_role("button", name="Save step").click()
    page.get_by_label("What changed").fill("Evening timing for the first step")
    page.get_by_role("button", name="Save as a new version").click()
    assert "Saved as a new version." in page.inner_text(".flashes")
    page.get_by_role("link", name="Version 2").click()
    assert "Before bed" in page.inner_text("main")
    assert "Cleared by her GP" in page.inner_text("main")
    page.screenshot(path=screenshot_dir / "21-plan-version-2.png", full_page=True)
    # The refused save answers 400 on purpose; Chromium logs that status. Anything else (a CSP violation) fails.
    assert [e for e in page.console_errors if "status of 400" not in e] == []
