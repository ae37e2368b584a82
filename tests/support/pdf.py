"""Reading PDFs back with poppler's tools, as a reader would."""
from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path
from typing import NamedTuple

import pytest


def poppler(tool: str, *args: str) -> str:
    """Run a poppler tool and return its standard output (the test fails if poppler is missing)."""
    if shutil.which(tool) is None:
        pytest.fail(f"{tool} is missing: bin/install-system-packages installs Debian's poppler-utils")
    return subprocess.run([tool, *args], capture_output=True, text=True, check=True).stdout


def pdf_text(path: Path) -> str:
    """The PDF's text, as a reader would copy it."""
    return poppler("pdftotext", "-layout", str(path), "-")


def page_count(path: Path) -> int:
    """Pages according to pdfinfo."""
    info = poppler("pdfinfo", str(path))
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


class WordBox(NamedTuple):
    """A word as pdftotext found it: its page's width, its left and right edges (points), and its text."""

    page_width: float
    left: float
    right: float
    text: str


def word_boxes(path: Path) -> list[WordBox]:
    """Every word of the PDF with where it lies on its page, read with `pdftotext -bbox`."""
    boxes, page_width = [], 0.0
    for line in poppler("pdftotext", "-bbox", str(path), "-").splitlines():
        page = re.search(r'<page width="([\d.]+)"', line)
        if page:
            page_width = float(page.group(1))
        word = re.search(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">(.*)</word>', line)
        if word:
            boxes.append(WordBox(page_width, float(word.group(1)), float(word.group(2)), html.unescape(word.group(3))))
    return boxes


def assert_every_word_inside_the_margins(path: Path, margin: float = 20.0) -> None:
    """Fail if a word (or a piece of a wrapped one) runs into the right margin, `margin` points from the edge."""
    outside = [box for box in word_boxes(path) if box.right > box.page_width - margin]
    assert outside == [], f"{len(outside)} words run off the page, the first: {outside[0].text[:40]!r}…"
