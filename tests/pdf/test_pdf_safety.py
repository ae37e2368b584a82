"""Hostile markup in every text a user can type: nothing outside is read or requested, text comes out escaped."""
from __future__ import annotations

import base64
import os
from pathlib import Path

from practice.extensions import db
from practice.library.models import LibraryItem
from practice.pdf.fetcher import StaticOnlyFetcher
from practice.pdf.rendering import RenderRequest, render_in_process
from practice.plans.operations import activate, add_step, create_plan
from tests.support.helpers import login
from tests.support.pdf import pdf_text, poppler

STATIC = Path(__file__).resolve().parents[2] / "static"


def hostile(port: int) -> str:
    """Markup that would fetch from the canary or embed a local file if it were ever rendered as HTML."""
    return (f'<img src="http://127.0.0.1:{port}/img"><link rel="attachment" href="file:///etc/passwd">'
            f'<style>@import url("http://127.0.0.1:{port}/css");</style>'
            f'<iframe src="file:///etc/hostname"></iframe><a href="http://127.0.0.1:{port}/a">x</a>')


def test_hostile_text_everywhere_is_escaped_and_fetches_nothing(client, world, canary, pdf_dir):
    bad = hostile(canary.port)
    record = world.record
    record.first_name = "Amira" + bad[:60]
    own = LibraryItem(practice_id=world.practice.id, slug="hostile", name="Stretch " + bad[:70], kind="home",
                      steps=[bad, "Breathe"], cautions=[bad], dose_minutes=2, body_areas=[], equipment=[])
    db.session.add(own)
    plan = create_plan(record, world.intake, actor=world.therapist)
    plan.goals, plan.advice, plan.title = bad, bad, "Plan"
    step = add_step(plan, own, record, values={"note": bad}, override_reason=None,
                    seen_row_version=plan.row_version, actor=world.therapist)
    world.plan.status = "completed"
    activate(plan, record, seen_row_version=plan.row_version, actor=world.therapist)
    db.session.commit()
    login(client, world.therapist)
    response = client.get(f"/clients/{record.id}/plans/{plan.id}/versions/1/handout.pdf")
    assert response.status_code == 200
    path = pdf_dir / "handout-hostile.pdf"
    path.write_bytes(response.data)
    assert canary.hits == []
    assert "0 embedded files" in poppler("pdfdetach", "-list", str(path))
    text = pdf_text(path).replace("\n", " ")
    assert '<img src="http://127.0.0.1' in text and 'rel="attachment"' in text  # shown as text, not obeyed
    assert "root:x:0:0" not in text
    assert step.note == bad


def test_the_fetcher_stops_raw_hostile_html_too(canary, tmp_path):
    """Even unescaped markup (a template bug) can read nothing outside static/ and reach no server."""
    outside = tmp_path / "secret.txt"
    outside.write_text("SECRET-FILE-CONTENT")
    html = hostile(canary.port) + f'<link rel="attachment" href="{outside.as_uri()}"><img src="{outside.as_uri()}">'
    pdf = render_in_process(RenderRequest(html=html, base_url=STATIC.as_uri() + "/", static_root=str(STATIC)))
    path = tmp_path / "raw.pdf"
    path.write_bytes(pdf)
    assert canary.hits == []
    assert "0 embedded files" in poppler("pdfdetach", "-list", str(path))
    assert b"SECRET-FILE-CONTENT" not in pdf


def test_the_fetcher_allows_only_data_and_real_static_files(tmp_path):
    fetcher = StaticOnlyFetcher(STATIC)
    inside = (STATIC / "css" / "handout.css").as_uri()
    assert fetcher.is_allowed_file(inside)
    assert not fetcher.is_allowed_file((STATIC / "css" / ".." / ".." / "README.md").as_uri())
    assert not fetcher.is_allowed_file("file:///etc/passwd")
    assert not fetcher.is_allowed_file("file://evil.example/static/css/handout.css")
    link = STATIC / "img" / "test-link-out.svg"
    try:
        os.symlink("/etc/hostname", link)
        assert not fetcher.is_allowed_file(link.as_uri())
    finally:
        link.unlink(missing_ok=True)
    for url in ("http://127.0.0.1/x", "https://example.com/x", "ftp://example.com/x", "javascript:alert(1)"):
        try:
            fetcher.fetch(url)
        except ValueError:
            pass
        else:
            raise AssertionError(f"{url} was fetched")
    assert len(fetcher.refused) == 4
    assert fetcher.fetch("data:text/plain,hello") is not None


def test_a_document_cannot_change_the_fonts_of_the_next(tmp_path):
    """The warm worker keeps one font configuration for speed; fonts a document declares never enter it."""
    font = base64.b64encode(Path("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf").read_bytes()).decode()
    declares = (f'<style>@font-face {{ font-family: "Body Text"; src: url(data:font/ttf;base64,{font}); }}</style>'
                '<p style="font-family: \'Body Text\'">declared</p>')
    uses = '<p style="font-family: \'Body Text\'">next document</p>'
    fonts = []
    for name, html in (("declares", declares), ("uses", uses)):
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(render_in_process(RenderRequest(html=html, base_url=STATIC.as_uri() + "/",
                                                         static_root=str(STATIC))))
        fonts.append(poppler("pdffonts", str(path)))
    assert all("Mono" not in listing and "DejaVu-Sans" in listing for listing in fonts)
