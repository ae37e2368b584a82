"""Handout and referral PDFs: content of each variant, pages, pictures, caching, limits and access."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from practice.extensions import db
from practice.handouts.models import RenderedHandout
from tests.support.helpers import ALL_NO, audit_events, login
from tests.support.pdf import page_count, pdf_text, poppler


def _download(client, plan, variant="standard"):
    return client.get(f"/clients/{plan.client_id}/plans/{plan.id}/versions/1/handout.pdf", query_string={"variant": variant})


@pytest.mark.parametrize("variant", ["standard", "large"])
def test_the_handout_has_everything_a_client_needs(client, world, active_plan, pdf_dir, variant):
    plan, _ = active_plan
    login(client, world.therapist)
    response = _download(client, plan, variant)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert response.headers["Cache-Control"] == "no-store"
    path = pdf_dir / f"handout-{variant}.pdf"
    path.write_bytes(response.data)
    text = pdf_text(path)
    for expected in ("Willow Street Massage", "For: Amira", "Therapist: Theo Therapist", "Plan version 1",
                     "Stop and get help if", "numbness between your legs", "Two-week tracker", "Step / day",
                     "Pain (0–10)", "Your plan online", "Garden again", "How much:"):
        assert expected in text, expected
    assert re.search(r"\b6\s+7\b", text) and re.search(r"\b13\s+14\b", text)  # the tracker's days
    for step in plan.steps:
        assert step.item.name in text
    flat = " ".join(text.split())
    for step in plan.steps:  # numbered instructions (the text flattened: long ones wrap)
        for number, instruction in enumerate(step.item.steps[:2], start=1):
            assert f"{number}. {' '.join(instruction.split()[:5])}" in flat, instruction
    assert "• numbness between your legs" in flat  # the warning signs are a bulleted list
    assert "Light pressure only" in text  # this client's modification, from the blood thinners
    pages = page_count(path)
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    info = poppler("pdfinfo", str(path))
    assert "Tagged:          yes" in info and "Title:           Home care plan for Amira" in info
    prefix = pdf_dir / f"handout-{variant}"
    poppler("pdftoppm", "-r", "40", "-png", str(path), str(prefix))
    assert len(list(pdf_dir.glob(f"handout-{variant}-*.png"))) == pages


def test_large_print_uses_more_pages(client, world, active_plan, tmp_path):
    plan, _ = active_plan
    login(client, world.therapist)
    (tmp_path / "standard.pdf").write_bytes(_download(client, plan).data)
    (tmp_path / "large.pdf").write_bytes(_download(client, plan, "large").data)
    assert page_count(tmp_path / "large.pdf") > page_count(tmp_path / "standard.pdf")


def test_us_letter_follows_the_practice_setting(client, world, active_plan, pdf_dir):
    plan, _ = active_plan
    world.practice.paper_size = "letter"
    db.session.commit()
    login(client, world.therapist)
    path = pdf_dir / "handout-letter.pdf"
    path.write_bytes(_download(client, plan).data)
    assert "612 x 792 pts (letter)" in poppler("pdfinfo", str(path))


def test_an_unchanged_version_is_served_from_the_cache_and_reprints_the_same(client, world, active_plan):
    plan, _ = active_plan
    login(client, world.therapist)
    first = _download(client, plan).data
    second = _download(client, plan).data
    assert first == second
    assert db.session.scalar(select(db.func.count()).select_from(RenderedHandout)) == 1
    details = [e.detail for e in audit_events("handout.download")]
    assert details == ["version 1, standard", "version 1, standard, cached"]


def test_the_print_view_is_the_same_handout_as_a_page(client, world, active_plan):
    plan, _ = active_plan
    login(client, world.therapist)
    html = client.get(f"/clients/{plan.client_id}/plans/{plan.id}/versions/1/print").get_data(as_text=True)
    assert "Stop and get help if" in html and "Two-week tracker" in html and "/static/css/handout.css" in html
    assert "file://" not in html


def test_the_referral_summary_names_the_flags_the_answers_and_the_advice(client, world, active_plan, pdf_dir):
    _, intake = active_plan
    login(client, world.therapist)
    response = client.get(f"/clients/{intake.client_id}/intakes/{intake.id}/referral.pdf")
    assert response.status_code == 200
    path = pdf_dir / "referral.pdf"
    path.write_bytes(response.data)
    assert page_count(path) == 1
    text = pdf_text(path)
    for expected in ("Referral summary", "Amira Hassan", "Urgent", "Have you ever had cancer?", "Yes",
                     "Advised to see her GP this week", "Dr Patel", "Theo Therapist"):
        assert expected in text, expected
    poppler("pdftoppm", "-r", "40", "-png", str(path), str(pdf_dir / "referral"))
    [event] = audit_events("referral.download")
    assert event.client_id == intake.client_id


def test_no_referral_without_warning_signs(client, world):
    login(client, world.therapist)
    world.intake.answers = dict(ALL_NO)
    db.session.commit()
    response = client.get(f"/clients/{world.record.id}/intakes/{world.intake.id}/referral.pdf")
    assert response.status_code == 302


def test_downloads_follow_the_plan_access_rules(client, auth, world, active_plan):
    plan, _ = active_plan
    login(client, world.other_therapist)
    assert _download(client, plan).status_code == 404
    auth.logout()
    login(client, world.colleague)
    assert _download(client, plan).status_code == 404
    assert client.get(f"/clients/{plan.client_id}/plans/{plan.id}/versions/9/handout.pdf").status_code == 404


def test_a_render_that_runs_too_long_ends_with_a_clear_error(make_app, world, active_plan):
    plan, _ = active_plan
    app = make_app(HANDOUT_RENDER_TIMEOUT=0.001)
    client = app.test_client()
    login(client, world.therapist)
    response = _download(client, plan)
    assert response.status_code == 503
    assert b"took too long and was stopped" in response.data


def test_the_page_count_is_capped(make_app, world, active_plan):
    plan, _ = active_plan
    app = make_app(HANDOUT_MAX_PAGES=2)
    client = app.test_client()
    login(client, world.therapist)
    response = _download(client, plan)
    assert response.status_code == 503 and b"the limit is 2" in response.data
