"""Printed pages carry the record and nothing to click: print styles checked in Chromium's print mode.

Each page is also printed to a PDF in test-artifacts/print/, to look at with pdftoppm.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from practice.clients.models import Client
from practice.extensions import db
from practice.intake.models import Intake
from tests.support.browser import SCREENSHOTS, log_in

pytestmark = [pytest.mark.browser, pytest.mark.committed]

PRINTS = SCREENSHOTS.parent / "print"
CHROME = ["header.site-header", "footer.site-footer", "nav"]
CONTROLS = ["main .button", "main form button"]
SCREEN_ONLY = CHROME + CONTROLS


def _eva(app) -> tuple[int, int]:
    with app.app_context():
        client_id = db.session.scalar(select(Client.id).where(Client.last_name == "Fischer"))
        intake_id = db.session.scalar(select(Intake.id).where(Intake.client_id == client_id).order_by(Intake.id.desc()))
        db.session.remove()
        return client_id, intake_id


@pytest.mark.parametrize("page_name", ["client", "intake"])
def test_printed_staff_pages_show_the_record_without_controls(live_server, chromium_page, page_name):
    page, base = chromium_page, live_server.url
    client_id, intake_id = _eva(live_server.app)
    log_in(page, base, "theo@demo.example", "willow-theo-demo")
    url = {"client": f"{base}/clients/{client_id}", "intake": f"{base}/clients/{client_id}/intakes/{intake_id}"}
    page.goto(url[page_name])
    # On screen first, so the check below is not vacuous.
    for selector in CHROME:
        assert page.locator(selector).first.is_visible(), f"{selector} is not on the {page_name} page on screen"
    assert any(page.locator(selector).first.is_visible() for selector in CONTROLS), f"no button on the {page_name} page"

    page.emulate_media(media="print")
    for selector in SCREEN_ONLY:
        visible = [element for element in page.locator(selector).all() if element.is_visible()]
        assert visible == [], f"{selector} would print on the {page_name} page"
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text("Fischer")
    if page_name == "intake":
        expect(page.locator(".screening").first).to_be_visible()

    PRINTS.mkdir(parents=True, exist_ok=True)
    pdf = page.pdf(path=PRINTS / f"{page_name}-page.pdf", format="A4")
    assert pdf.startswith(b"%PDF-")
