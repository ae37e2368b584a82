"""Reading PDFs back with poppler's tools, as a reader would."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

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
