"""Pure progress arithmetic for home logs: weekly adherence, pain rises, days without a log."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction
from math import floor
from statistics import median

from practice.parse import shifted

__all__ = [
    "PAIN_MEANINGFUL_CHANGE", "PainRise", "WeekShare", "days_without_log", "is_pain_score",
    "pain_rise", "round_half_up", "weekly_adherence",
]

#: A change of 2 points on the 0-10 pain scale is clinically meaningful (Childs 2005, Ostelo 2008).
PAIN_MEANINGFUL_CHANGE = 2


def round_half_up(value: Fraction | float | int) -> int:
    """Round to the nearest whole number, halves going up (2.5 -> 3), unlike round()."""
    return floor(Fraction(value) + Fraction(1, 2))


def is_pain_score(value: object) -> bool:
    """Whether value is a whole pain score from 0 to 10 (True/False are not scores)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10


def _as_day(value: object) -> date | None:
    """The calendar day of value, or None when it is not a date."""
    if isinstance(value, datetime):  # a datetime cannot be compared with a date
        return value.date()
    return value if isinstance(value, date) else None


# --- Weekly adherence ---------------------------------------------------------------------------

@dataclass(frozen=True)
class WeekShare:
    """The steps ticked in one Monday-to-Sunday week against the steps planned in it."""

    week_start: date  # a Monday
    done: int  # ticks in that week
    possible: int  # steps_per_day × number of days of that week inside [start, end]

    @property
    def share(self) -> float | None:
        """done / possible, kept within 0..1; None when nothing was planned that week."""
        if self.possible <= 0:
            return None
        return float(self._fraction())

    @property
    def percent(self) -> int | None:
        """The share as a whole percentage (halves round up); None when share is None."""
        if self.possible <= 0:
            return None
        # From the exact fraction: 0.725 * 100 as a float is 72.4999..., which would round down.
        return round_half_up(self._fraction() * 100)

    def _fraction(self) -> Fraction:
        return min(max(Fraction(self.done, self.possible), Fraction(0)), Fraction(1))


def _ticks(count: object, steps_per_day: int) -> int:
    """One day's tick count, read defensively: garbage and negatives are 0, extras are capped."""
    if not isinstance(count, int) or isinstance(count, bool):
        return 0
    return min(max(count, 0), steps_per_day)


def weekly_adherence(done_by_day: Mapping[date, int], *, steps_per_day: int, start: date,
                     end: date) -> list[WeekShare]:
    """Share of the routine's steps ticked, per week (Monday to Sunday), for the days from start to end inclusive."""
    if end < start or steps_per_day <= 0:
        return []
    totals: dict[date, list[int]] = {}  # Monday -> [done, possible]; dicts keep insertion order
    for offset in range((end - start).days + 1):  # counted, not stepped: no day after 9999-12-31 is needed
        day = start + timedelta(days=offset)
        monday = day - timedelta(days=day.weekday())  # 0001-01-01, the first date there is, was a Monday
        week = totals.setdefault(monday, [0, 0])
        week[0] += _ticks(done_by_day.get(day), steps_per_day)
        week[1] += steps_per_day
    return [WeekShare(monday, done, possible) for monday, (done, possible) in totals.items()]


# --- Pain rise -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PainRise:
    """A latest pain score that stands out above the client's usual level."""

    day: date  # the day of the latest pain score
    latest: int
    usual: float  # median of the earlier scores in the window
    rise: float  # latest - usual


def _score_by_day(scores: Sequence[tuple[date, int]]) -> dict[date, int]:
    """Valid scores keyed by day; when a day has several, the last valid one given wins."""
    by_day: dict[date, int] = {}
    for day, score in scores:
        day = _as_day(day)
        if day is not None and is_pain_score(score):
            by_day[day] = score
    return by_day


def pain_rise(scores: Sequence[tuple[date, int]], *, window_days: int = 14,
              threshold: float = 2.0) -> PainRise | None:
    """The latest pain score if it is at least `threshold` points above the median of the scores in the `window_days` days before it."""
    by_day = _score_by_day(scores)
    if not by_day:
        return None
    latest_day = max(by_day)
    window_start = shifted(latest_day, -window_days)
    earlier = [score for day, score in by_day.items() if window_start <= day < latest_day]
    if len(earlier) < 2:  # one earlier score is not a "usual" level
        return None
    usual = float(median(earlier))
    rise = by_day[latest_day] - usual
    if rise < threshold:
        return None
    return PainRise(day=latest_day, latest=by_day[latest_day], usual=usual, rise=rise)


# --- Days without a log --------------------------------------------------------------------------

def days_without_log(last_log_day: date | None, *, since: date, today: date) -> int:
    """Whole days since the last log, or since `since` (e.g. the plan started) when there is none yet; never negative."""
    reference = last_log_day if last_log_day is not None else since
    return max((_as_day(today) - _as_day(reference)).days, 0)
