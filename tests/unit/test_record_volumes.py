"""Cutting the record export into volumes (casefile/volumes.py): pure rules."""
from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from practice.casefile.volumes import PARTS, Entry, fingerprint, placeholder, split_into_volumes

PART_KEYS = list(PARTS)


def _entry(part: str, number: int, size: int, day: date | None = None, context: str = "") -> Entry:
    return Entry(part, f"{part}:{number}", Markup("x" * size), day, context)


@st.composite
def records(draw) -> list[Entry]:
    """Entries in reading order: each part's entries together, parts in their order."""
    entries = []
    for part in PART_KEYS:
        sizes = draw(st.lists(st.integers(1, 3000), max_size=8))
        entries += [_entry(part, n, size) for n, size in enumerate(sizes)] or [placeholder(part)]
    return entries


@given(records(), st.integers(500, 6000))
def test_every_entry_is_in_exactly_one_volume_in_order_and_each_volume_keeps_to_its_budget(entries, budget):
    volumes = split_into_volumes(entries, budget)
    printed = [entry for volume in volumes for section in volume.sections for entry in section.entries]
    assert printed == entries
    for volume in volumes:
        volume_entries = [entry for section in volume.sections for entry in section.entries]
        assert sum(entry.size for entry in volume_entries) <= budget or len(volume_entries) == 1
        assert (volume.number, volume.count) == (volumes.index(volume) + 1, len(volumes))


@given(records(), st.integers(500, 6000))
def test_a_part_is_continued_exactly_when_it_began_in_an_earlier_volume(entries, budget):
    seen = set()
    for volume in split_into_volumes(entries, budget):
        for section in volume.sections:
            assert section.continued == (section.part.key in seen)
            seen.add(section.part.key)


def test_a_volume_beginning_inside_a_note_says_what_it_continues():
    entries = [_entry("notes", 1, 900, date(2024, 3, 1)),
               _entry("notes", 2, 900, date(2024, 3, 1), context="Session note of 2024-03-01, continued:"),
               _entry("notes", 3, 900, date(2024, 3, 8))]
    first, second, third = split_into_volumes(entries, 1000)
    assert [section.context for section in first.sections] == [""]
    assert [section.context for section in second.sections] == ["Session note of 2024-03-01, continued:"]
    assert third.summary == "Session notes 2024-03-08" and first.summary == "Session notes 2024-03-01"


def test_the_fingerprint_changes_when_an_entry_moves_to_another_volume_and_only_then():
    entries = [_entry("notes", n, 400) for n in range(6)]
    same_cuts = [_entry("notes", n, 350) for n in range(6)]
    moved = [_entry("notes", n, 700 if n == 0 else 400) for n in range(6)]
    assert fingerprint(split_into_volumes(entries, 1000)) == fingerprint(split_into_volumes(same_cuts, 1000))
    assert fingerprint(split_into_volumes(entries, 1000)) != fingerprint(split_into_volumes(moved, 1000))


def test_a_home_log_costs_more_than_its_bytes():
    # The note column is half the page wide: the same text wraps into more lines than a session note's.
    assert _entry("home_logs", 1, 1000).size > _entry("notes", 1, 1000).size == 1000
