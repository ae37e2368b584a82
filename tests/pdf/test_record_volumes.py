"""A long record's readable PDF comes in volumes, each within the render limits, that together hold the whole record.

The tests shrink the volumes (EXPORT_VOLUME_KB) and the render cap rather than write megabytes of notes; the real
sizes and times are in bench/bench_export.py.
"""
from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest

from practice.extensions import db
from practice.notes.operations import amend_note, create_note, sign_note
from practice.pdf import rendering
from tests.support.helpers import audit_events, login, text_of
from tests.support.pdf import pdf_text

NOTES = 12


def _long_record(world) -> list[str]:
    """Twelve notes of about 8 KB each, the last one amended: returns the words that mark each note."""
    markers = []
    for n in range(NOTES):
        marker = f"marker{n:02d}word"
        note = create_note(world.record, {"seen_on": date(2024, 1, 1) + timedelta(weeks=n),
                                          "subjective": f"{marker} " + "steady pressure eased the stiffness " * 55,
                                          "objective": "range of movement better " * 60}, actor=world.therapist)
        markers.append(marker)
    sign_note(note, actor=world.therapist)
    amend_note(note, "amendmentmarker: left side, not right.", actor=world.therapist)
    db.session.commit()
    return markers


def _volume_links(client, world) -> list[str]:
    page = text_of(client.get(f"/clients/{world.record.id}/export"))
    return [html.unescape(link) for link in re.findall(r'href="([^"]*/export\.pdf\?[^"]*)"', page)]


@pytest.fixture
def small_volumes(app, monkeypatch):
    """Volumes of 20 KB, and a render cap of 60 KB of HTML: a 100 KB record cannot be one PDF."""
    app.config["EXPORT_VOLUME_KB"] = 20
    monkeypatch.setattr(rendering, "MAX_HTML_BYTES", 60 * 1024)


def test_a_record_too_large_for_one_pdf_comes_in_volumes_that_hold_all_of_it(client, world, small_volumes, tmp_path):
    markers = _long_record(world)
    login(client, world.owner)
    links = _volume_links(client, world)
    assert len(links) > 2, "the export page lists the volumes"
    texts = []
    for number, link in enumerate(links, start=1):
        response = client.get(link)
        assert response.status_code == 200 and response.mimetype == "application/pdf", text_of(response)[:300]
        assert f"-volume-{number}-of-{len(links)}.pdf" in response.headers["Content-Disposition"]
        path = tmp_path / f"volume-{number}.pdf"
        path.write_bytes(response.data)
        texts.append(pdf_text(path))
        assert f"Volume {number} of {len(links)}:" in texts[-1] and "Client record: Amira Hassan" in texts[-1]
    # Every note is in exactly one volume, in order; details first, the access history last.
    holding = [[index for index, text in enumerate(texts) if marker in text] for marker in markers]
    assert all(len(volumes) == 1 for volumes in holding), holding
    assert [volumes[0] for volumes in holding] == sorted(volumes[0] for volumes in holding)
    assert "Staff notes" in texts[0] and "Access history" in texts[-1]
    assert any("Session notes (continued)" in text for text in texts[1:])
    assert sum("amendmentmarker" in text for text in texts) == 1
    details = [event.detail for event in audit_events("client.export")]
    assert details == [f"pdf, volume {n} of {len(links)}" for n in range(1, len(links) + 1)]


def test_a_volume_link_made_before_the_record_changed_is_refused_with_a_message(client, world, small_volumes):
    _long_record(world)
    login(client, world.owner)
    links = _volume_links(client, world)
    create_note(world.record, {"seen_on": date(2024, 1, 2), "subjective": "a late entry " * 300},
                actor=world.therapist)
    db.session.commit()
    response = client.get(links[-1])
    assert response.status_code == 409
    assert "The record changed since the export page was opened" in text_of(response)
    assert audit_events("client.export") == []
    assert all(client.get(link).status_code == 200 for link in _volume_links(client, world)[:1]), "the new list works"


@pytest.mark.parametrize("arguments", ["volume=1", "volume=x&cut=abc&audit_until=1", "volume=99&cut=&audit_until=-5",
                                       "volume=1&cut=0000000000000000&audit_until=1"])
def test_an_altered_volume_link_gets_a_message_not_an_error(client, world, small_volumes, arguments):
    _long_record(world)
    login(client, world.owner)
    response = client.get(f"/clients/{world.record.id}/export.pdf?{arguments}")
    assert response.status_code == 409 and "Open the export page again" in text_of(response)


def test_the_whole_record_link_of_a_long_record_says_it_comes_in_volumes(client, world, small_volumes):
    _long_record(world)
    login(client, world.owner)
    response = client.get(f"/clients/{world.record.id}/export.pdf")
    assert response.status_code == 409
    count = len(_volume_links(client, world))
    assert f"This record is too long for one PDF: it comes in {count} volumes" in text_of(response)
