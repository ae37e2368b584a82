"""The readable record export in volumes: the record as a list of entries, cut where a volume is full. Pure.

A PDF's render time grows with its lines of text (about 14 s per megabyte of notes here), so a long record
would run past the render time limit in one piece. Each entry (an intake, a session note, an amendment, a home
log row...) is one bounded record; a volume takes entries in reading order until the next would take it past
its budget of HTML bytes, so every volume renders in a few seconds however long the record grows.

The owner downloads the volumes one by one from a list: the list and each download work the volumes out again
from the same rows, and a fingerprint of where the cuts fall tells a download whether the record changed in
between (then it asks for the list again rather than print a volume that skips or repeats an entry).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup


@dataclass(frozen=True)
class Part:
    """A part of the record, printed under its own heading: as paragraphs, table rows or list items."""

    key: str
    title: str
    empty: str = ""
    #: a table's column headings (its entries are rows)
    columns: tuple[str, ...] = ()
    #: its entries are list items
    is_list: bool = False
    #: a paragraph printed under the heading where the part begins
    intro: str = ""
    #: what a byte of it costs to render against full-width text: a narrow column wraps into more lines
    weight: float = 1.0


PARTS = {part.key: part for part in (
    Part("details", "Details"),
    Part("intakes", "Intakes", empty="No intake recorded."),
    Part("questionnaires", "Questionnaires", empty="No questionnaire recorded.",
         columns=("Date", "Questionnaire", "Score", "Band", "Filled in by")),
    Part("plans", "Treatment plans", empty="No plan."),
    Part("notes", "Session notes", empty="No session note."),
    # The note column is about half the page wide (static/css/record.css), and each row a box of its own: a byte
    # costs 2.6 times one of a session note (bench/bench_export.py).
    Part("home_logs", "Home logs", empty="No home log.", columns=("Day", "Steps done", "Pain", "Warning signs", "Note"),
         weight=2.6),
    Part("portal", "Client portal", is_list=True),
    Part("access_history", "Access history", empty="No access recorded.",
         columns=("Day (UTC)", "Who", "Action", "Outcome", "Times"),
         intro="Who opened, changed, printed or exported this record, by day, from the audit log. The JSON export "
               "lists every single event with its exact time."),
)}


@dataclass(frozen=True)
class Entry:
    """One record of the export, as HTML: a volume begins and ends only between entries."""

    part: str
    #: names the record shown (e.g. "note:12"): where the volumes are cut is told by these
    key: str
    html: Markup
    day: date | None = None
    #: what it continues (e.g. the session note of an amendment), printed when a volume begins with it
    context: str = ""
    #: the part has nothing to show: the entry is its "nothing recorded" line
    is_placeholder: bool = False

    @property
    def size(self) -> float:
        """Its HTML bytes, weighed by its part's column width: what its render time grows with."""
        return len(self.html.encode("utf-8")) * PARTS[self.part].weight


def placeholder(part_key: str) -> Entry:
    """The line a part shows when nothing is recorded in it."""
    return Entry(part_key, f"{part_key}:none", Markup("<p>{}</p>").format(PARTS[part_key].empty),
                 is_placeholder=True)


@dataclass(frozen=True)
class Section:
    """A part's entries within one volume, under one heading."""

    part: Part
    entries: tuple[Entry, ...]
    #: the part began in an earlier volume
    continued: bool

    @property
    def html(self) -> Markup:
        """The entries' HTML, one after the other."""
        return Markup("\n").join(entry.html for entry in self.entries)

    @property
    def is_empty(self) -> bool:
        """True when the part has nothing recorded (its one entry says so)."""
        return self.entries[0].is_placeholder

    @property
    def context(self) -> str:
        """What the section's first entry continues from the volume before, if anything."""
        return self.entries[0].context if self.continued else ""


@dataclass(frozen=True)
class Volume:
    """One PDF of the record: its number, how many there are, and its sections in reading order."""

    number: int
    count: int
    sections: tuple[Section, ...]
    #: the parts that run over more than one volume
    split_parts: frozenset[str] = frozenset()

    @property
    def summary(self) -> str:
        """What the volume holds, e.g. "Details, Intakes, Session notes 2020-01-03 to 2020-04-11"."""
        return ", ".join(_section_summary(section, section.part.key in self.split_parts) for section in self.sections)


def _section_summary(section: Section, part_is_split: bool) -> str:
    days = [entry.day for entry in section.entries if entry.day is not None]
    if not (part_is_split and days):
        return section.part.title
    first, last = min(days), max(days)
    return f"{section.part.title} {first}" + (f" to {last}" if last != first else "")


def split_into_volumes(entries: list[Entry], budget_bytes: int) -> list[Volume]:
    """The entries cut into volumes of at most `budget_bytes` of HTML (a larger entry gets a volume of its own)."""
    groups: list[list[Entry]] = [[]]
    size = 0
    for entry in entries:
        if groups[-1] and size + entry.size > budget_bytes:
            groups.append([])
            size = 0
        groups[-1].append(entry)
        size += entry.size
    first_of_part = {}
    for entry in entries:
        first_of_part.setdefault(entry.part, entry.key)
    parts_by_volume = [{entry.part for entry in group} for group in groups]
    split = frozenset(part for part in first_of_part if sum(part in parts for parts in parts_by_volume) > 1)
    return [Volume(number, len(groups), _sections(group, first_of_part), split)
            for number, group in enumerate(groups, start=1)]


def _sections(entries: list[Entry], first_of_part: dict[str, str]) -> tuple[Section, ...]:
    runs: list[list[Entry]] = []
    for entry in entries:
        if runs and runs[-1][0].part == entry.part:
            runs[-1].append(entry)
        else:
            runs.append([entry])
    return tuple(Section(PARTS[run[0].part], tuple(run), continued=run[0].key != first_of_part[run[0].part])
                 for run in runs)


def fingerprint(volumes: list[Volume]) -> str:
    """A short hash of where the volumes are cut: it changes when an entry would move to another volume."""
    cuts = "\n".join(" ".join(entry.key for section in volume.sections for entry in section.entries)
                     for volume in volumes)
    return hashlib.sha256(cuts.encode("utf-8")).hexdigest()[:16]
