"""A therapist records an intake with the keyboard alone, body chart included, and sees the emergency banner."""
from __future__ import annotations

import pytest

from practice.intake import screening

pytestmark = [pytest.mark.browser, pytest.mark.committed]

FOCUSED = "() => { const e = document.activeElement; return [e.name || '', e.getAttribute('aria-label') || '', " \
          "e.textContent.trim(), e.type || ''] }"


def _tab_to(page, matches, limit=400):
    """Press Tab until `matches(name, aria_label, text, type)` holds for the focused element."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if matches(*page.evaluate(FOCUSED)):
            return
    raise AssertionError("never reached the element by Tab")


def test_a_cauda_equina_intake_by_keyboard_shows_the_emergency_banner(live_server, chromium_page, screenshot_dir):
    page = chromium_page
    page.goto(f"{live_server.url}/login")
    page.keyboard.press("Tab")  # skip link
    _tab_to(page, lambda name, *_: name == "email")
    page.keyboard.type("theo@demo.example")
    page.keyboard.press("Tab")
    page.keyboard.type("willow-theo-demo")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/clients/?q=Hassan")
    _tab_to(page, lambda name, label, text, kind: text == "Hassan, Amira")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:text('Amira Hassan')")
    _tab_to(page, lambda name, label, text, kind: text == "Record the first intake")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:text('First intake')")

    _tab_to(page, lambda name, *_: name == "reason")
    page.keyboard.type("Low back pain since lifting a heavy box; new trouble passing urine")
    _tab_to(page, lambda name, label, *_: label == "Lower back, centre")
    page.keyboard.press("Space")
    assert page.is_checked("#pain_areas-lower_back_centre")
    assert page.get_attribute('[data-region="lower_back_centre"]', "aria-checked") == "true"
    _tab_to(page, lambda name, *_: name == "pain_now")
    page.keyboard.type("7")

    for question in screening.RED_FLAG_QUESTIONS:
        _tab_to(page, lambda name, *_: name == f"rf_{question.key}")
        # Focus lands on "Yes": Space chooses it; the right arrow moves to and chooses "No".
        page.keyboard.press("Space" if question.key == "urination_difficulty" else "ArrowRight")
    assert page.is_checked("#rf_urination_difficulty-0") and page.is_checked("#rf_fever-1")
    page.screenshot(path=screenshot_dir / "10-intake-keyboard-filled.png", full_page=True)

    _tab_to(page, lambda name, label, text, kind: text == "Save and sign")
    page.keyboard.press("Enter")
    page.wait_for_selector(".screening-emergency")
    banner = page.inner_text(".screening-emergency")
    assert "Emergency — do not treat" in banner
    assert "emergency care today" in banner
    assert "hard to start passing urine" in banner
    page.screenshot(path=screenshot_dir / "11-intake-emergency-banner.png", full_page=True)
    assert page.console_errors == []
