"""Figures measured during the concurrency tests, shown at the end of the test session (by the conftest)."""
from __future__ import annotations

FIGURES: list[str] = []
