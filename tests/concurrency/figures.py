"""Figures measured during the concurrency tests: sent with each test's report, shown at the end of the run."""
from __future__ import annotations

FIGURES: list[str] = []
