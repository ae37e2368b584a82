"""Server-side SVG charts of pain and home-routine adherence, for inline HTML and WeasyPrint.

The pages run under a strict Content-Security-Policy, so the charts use SVG presentation
attributes only: no style attributes or elements, no script, no external references.
Every text node and attribute value goes through markupsafe's escaping.
"""
from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import date

from markupsafe import Markup, escape

from practice.parse import shifted
from practice.portal.progress import PAIN_MEANINGFUL_CHANGE, WeekShare, is_pain_score

__all__ = ["adherence_chart", "format_day", "pain_chart"]

INK = "#1f2a2e"
SOFT_INK = "#4a5a60"
GRID = "#d5dcd8"
BRAND = "#2f6b62"
SESSION_BEFORE = "#8a5a00"
SESSION_AFTER = "#214d47"
MEANINGFUL_BAND = "#e4f2e7"

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MAX_WEEKS = 12
_ID_PREFIX = re.compile(r"[a-z][a-z0-9-]*")  # a letter first: XML ids cannot start with a digit
_MIN_WIDTH, _MIN_HEIGHT = 320, 160  # below this the legend and labels collide


def format_day(day: date) -> str:
    """A day as "3 Nov", the same in every locale (strftime's %b is not)."""
    return f"{day.day} {MONTHS[day.month - 1]}"


# --- SVG building ----------------------------------------------------------------------------

def _num(value: float) -> str:
    """A coordinate with at most one decimal and no trailing ".0"."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _tag(name: str, children: Sequence[str] = (), **attrs: object) -> Markup:
    """One SVG element; attribute names use _ for - (class_ -> class), values and text are escaped."""
    parts = []
    for key, value in attrs.items():
        if value is None:
            continue
        shown = _num(value) if isinstance(value, float) else value
        parts.append(f' {key.rstrip("_").replace("_", "-")}="{escape(shown)}"')
    opening = f"<{name}{''.join(parts)}"
    if not children:
        return Markup(opening + "/>")
    return Markup(opening + ">") + Markup("").join(children) + Markup(f"</{name}>")


def _text(x: float, y: float, content: str, *, size: int = 11, fill: str = SOFT_INK,
          anchor: str = "start", children: Sequence[str] = ()) -> Markup:
    """A text label in the charts' font."""
    return _tag("text", [content, *children], x=float(x), y=float(y), fill=fill, font_size=size,
                font_family="sans-serif", text_anchor=anchor)


def _line(x1: float, y1: float, x2: float, y2: float, *, stroke: str = GRID, width: float = 1,
          dash: str | None = None) -> Markup:
    return _tag("line", x1=float(x1), y1=float(y1), x2=float(x2), y2=float(y2), stroke=stroke,
                stroke_width=width, stroke_dasharray=dash)


def _svg(kind: str, id_prefix: str, title: str, desc: str, width: int, height: int,
         body: Sequence[str], **data: object) -> Markup:
    """The root element with its accessible name and description; sized by the page's CSS."""
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    head = [_tag("title", [title], id=title_id), _tag("desc", [desc], id=desc_id)]
    return _tag("svg", [*head, *body], xmlns="http://www.w3.org/2000/svg",
                viewBox=f"0 0 {width} {height}", role="img",
                aria_labelledby=f"{title_id} {desc_id}", class_=f"chart chart-{kind}", **data)


def _check(id_prefix: str, width: int, height: int) -> None:
    """Refuse an id prefix that could clash or break out of the attribute, and unusable sizes."""
    if not isinstance(id_prefix, str) or not _ID_PREFIX.fullmatch(id_prefix):
        raise ValueError(f"id_prefix must be lowercase letters, digits and '-', got {id_prefix!r}")
    if width < _MIN_WIDTH or height < _MIN_HEIGHT:
        raise ValueError(f"a chart needs at least {_MIN_WIDTH}×{_MIN_HEIGHT}, got {width}×{height}")


def _text_width(text: str, size: int) -> float:
    """A rough width of sans-serif text, enough to lay out legends and labels."""
    return len(text) * size * 0.58


# --- Pain chart --------------------------------------------------------------------------------

class _Plot:
    """The pain chart's plotting area and scales: days across (when there are any), pain 0-10 up."""

    def __init__(self, width: int, height: int, first: date | None = None, last: date | None = None):
        # Room on the left for the 0-10 labels, below for day labels and the legend.
        self.left, self.right, self.top, self.bottom = 40.0, width - 26.0, 28.0, height - 58.0
        if first is not None and first == last:  # one day would divide by zero; centre it instead
            # (shifted: a day stored at the end of the calendar, 9999-12-31, has no day after it to show)
            first, last = shifted(first, -3), shifted(last, 3)
        self.first = first
        self.span = (last - first).days if first is not None else 0

    def x(self, day: date) -> float:
        return self.left + (day - self.first).days / self.span * (self.right - self.left)

    def y(self, pain: float) -> float:
        return self.bottom - pain / 10 * (self.bottom - self.top)

    def label_days(self) -> list[date]:
        """Up to about six evenly spaced days, fewer when the chart is narrow; none without days."""
        if self.first is None:
            return []
        count = min(6, max(2, int((self.right - self.left) // 70)), self.span + 1)
        offsets = sorted({math.floor(i * self.span / (count - 1) + 0.5) for i in range(count)})
        return [shifted(self.first, offset) for offset in offsets]


def _valid_baseline(baseline: object) -> float | None:
    """The baseline as a number on the 0-10 scale, or None when absent or unusable."""
    if isinstance(baseline, bool) or not isinstance(baseline, (int, float)):
        return None
    return float(baseline) if math.isfinite(baseline) and 0 <= baseline <= 10 else None


def _pain_axes(plot: _Plot) -> list[Markup]:
    """Gridlines and labels at 0, 2, ... 10, the axis caption, and the day labels."""
    parts = [_text(8, 16, "Pain (0–10)", fill=INK)]
    for pain in range(0, 11, 2):
        y = plot.y(pain)
        parts.append(_line(plot.left, y, plot.right, y, stroke=SOFT_INK if pain == 0 else GRID))
        parts.append(_text(plot.left - 6, y + 4, str(pain), anchor="end"))
    for day in plot.label_days():
        x = plot.x(day)
        parts.append(_line(x, plot.bottom, x, plot.bottom + 4, stroke=SOFT_INK))
        parts.append(_text(x, plot.bottom + 17, format_day(day), anchor="middle"))
    return parts


def _meaningful_band(plot: _Plot, level: float) -> Markup:
    """The light band from 0 up to the 2-point improvement level (drawn under the grid)."""
    y = plot.y(level)
    return _tag("rect", x=plot.left, y=y, width=plot.right - plot.left, height=plot.bottom - y,
                fill=MEANINGFUL_BAND)


def _meaningful_line(plot: _Plot, level: float) -> list[Markup]:
    """The dashed, labelled 2-point improvement line (drawn over the grid so no gridline hides it)."""
    y = plot.y(level)
    # Soft ink, not the data's green: the line must not blend into a series running along it.
    return [_line(plot.left, y, plot.right, y, stroke=SOFT_INK, width=1.5, dash="6 4"),
            _text(plot.right - 4, y - 5, "2-point improvement", size=10, fill=SOFT_INK, anchor="end")]


def _tooltip(day: date, pain: int, series: str) -> Markup:
    return _tag("title", [f"{format_day(day)}: pain {pain} ({series})"])


def _home_marks(plot: _Plot, home: list[tuple[date, int]]) -> list[Markup]:
    """A line joining the home logs in date order, and a dot per log."""
    parts = []
    if len(home) > 1:
        points = " ".join(f"{_num(plot.x(day))},{_num(plot.y(pain))}" for day, pain in home)
        parts.append(_tag("polyline", points=points, fill="none", stroke=BRAND, stroke_width=2))
    for day, pain in home:
        parts.append(_tag("circle", [_tooltip(day, pain, "home log")], class_="mark mark-home",
                          cx=plot.x(day), cy=plot.y(pain), r=3.5, fill=BRAND))
    return parts


def _diamond(x: float, y: float, size: float = 5.0) -> str:
    return " ".join(f"{_num(px)},{_num(py)}" for px, py in
                    ((x, y - size), (x + size, y), (x, y + size), (x - size, y)))


def _session_marks(plot: _Plot, before: list[tuple[date, int]],
                   after: list[tuple[date, int]]) -> list[Markup]:
    """Open circles for pain before a session, filled diamonds for pain after it."""
    parts = [_tag("circle", [_tooltip(day, pain, "before session")], class_="mark mark-before",
                  cx=plot.x(day), cy=plot.y(pain), r=5.0, fill="#ffffff", stroke=SESSION_BEFORE,
                  stroke_width=2) for day, pain in before]
    parts += [_tag("polygon", [_tooltip(day, pain, "after session")], class_="mark mark-after",
                   points=_diamond(plot.x(day), plot.y(pain)), fill=SESSION_AFTER)
              for day, pain in after]
    return parts


def _legend(items: list[tuple[str, Markup]], left: float, right: float, last_y: float) -> list[Markup]:
    """Markers (drawn around 0,0) with their names, in rows that wrap at right and end at last_y."""
    rows: list[list[tuple[float, str, Markup]]] = [[]]
    x = left
    for name, marker in items:
        item_width = 20 + _text_width(name, 11)
        if rows[-1] and x + item_width > right:
            rows.append([])
            x = left
        rows[-1].append((x, name, marker))
        x += item_width + 18
    parts = []
    for row_index, row in enumerate(rows):
        y = last_y - 15 * (len(rows) - 1 - row_index)
        for x, name, marker in row:
            parts.append(_tag("g", [marker], transform=f"translate({_num(x + 8)},{_num(y - 4)})"))
            parts.append(_text(x + 20, y, name, fill=INK))
    return parts


def _pain_legend(home, before, after, band: bool, width: int, height: int) -> list[Markup]:
    """Name only the series that are on the chart."""
    items = []
    if home:
        items.append(("Home log", _line(-8, 0, 8, 0, stroke=BRAND, width=2)
                      + _tag("circle", cx=0.0, cy=0.0, r=3.5, fill=BRAND)))
    if before:
        items.append(("Before session", _tag("circle", cx=0.0, cy=0.0, r=5.0, fill="#ffffff",
                                             stroke=SESSION_BEFORE, stroke_width=2)))
    if after:
        items.append(("After session", _tag("polygon", points=_diamond(0, 0), fill=SESSION_AFTER)))
    if band:
        items.append(("Meaningful change", _line(-8, 0, 8, 0, stroke=SOFT_INK, width=1.5,
                                                 dash="4 3")))
    return _legend(items, 40.0, width - 8.0, height - 12.0)


def _trend(label: str, points: list[tuple[date, int]]) -> str:
    """One sentence on a series: where it started and ended."""
    (first_day, first), (last_day, last) = points[0], points[-1]
    if len(points) == 1:
        return f"{label} on {format_day(first_day)}: pain {first} out of 10."
    return (f"{label} from {format_day(first_day)} to {format_day(last_day)}: "
            f"pain went from {first} to {last} out of 10.")


def _pain_desc(home, before, after, level: float | None, baseline: float | None) -> str:
    sentences = []
    if home:
        sentences.append(_trend("Home logs", home))
    if before:
        sentences.append(_trend("Before treatment sessions", before))
    if after:
        sentences.append(_trend("After treatment sessions", after))
    if not sentences:
        return "No pain scores yet."
    if level is not None:
        sentences.append(f"The dashed line at {_num(level)} marks a 2-point improvement "
                         f"from the starting score of {_num(baseline)}.")
    return " ".join(sentences)


def pain_chart(home: Sequence[tuple[date, int]], sessions: Sequence[tuple[date, int | None, int | None]] = (), *,
               baseline: float | None = None, title: str = "Pain over time", id_prefix: str = "pain",
               width: int = 640, height: int = 260) -> Markup:
    """A 0-10 pain chart: home logs as a line with dots, session pain before (open circle) and after (filled diamond), and the 2-point meaningful-change line below the baseline."""
    _check(id_prefix, width, height)
    # sorted() is stable, so scores given for one day keep their order.
    home_points = sorted(((d, p) for d, p in home if isinstance(d, date) and is_pain_score(p)),
                         key=lambda point: point[0])
    dated_sessions = sorted((s for s in sessions if isinstance(s[0], date)), key=lambda s: s[0])
    before = [(d, p) for d, p, _ in dated_sessions if is_pain_score(p)]
    after = [(d, p) for d, _, p in dated_sessions if is_pain_score(p)]
    days = [day for day, _ in home_points + before + after]
    baseline = _valid_baseline(baseline)
    if not days:
        plot = _Plot(width, height)
        middle = ((plot.left + plot.right) / 2, (plot.top + plot.bottom) / 2)
        body = [*_pain_axes(plot), _text(*middle, "No pain scores yet", size=13, fill=INK, anchor="middle")]
        return _svg("pain", id_prefix, title, _pain_desc([], [], [], None, None), width, height, body,
                    data_points=0)
    plot = _Plot(width, height, min(days), max(days))
    level = baseline - PAIN_MEANINGFUL_CHANGE if baseline is not None else None
    band = level is not None and level >= 0
    body = [*([_meaningful_band(plot, level)] if band else []), *_pain_axes(plot),
            *(_meaningful_line(plot, level) if band else []), *_home_marks(plot, home_points), *_session_marks(plot, before, after),
            *_pain_legend(home_points, before, after, band, width, height)]
    desc = _pain_desc(home_points, before, after, level if band else None, baseline)
    return _svg("pain", id_prefix, title, desc, width, height, body,
                data_points=len(home_points) + len(before) + len(after))


# --- Adherence chart ---------------------------------------------------------------------------

def _percent_text(week: WeekShare) -> str:
    return "—" if week.percent is None else f"{week.percent}%"


def _adherence_axes(width: int, top: float, bottom: float) -> list[Markup]:
    """Gridlines at 0, 50 and 100 %, with their labels."""
    parts = []
    for percent in (0, 50, 100):
        y = bottom - percent / 100 * (bottom - top)
        parts.append(_line(44, y, width - 12, y, stroke=SOFT_INK if percent == 0 else GRID))
        parts.append(_text(38, y + 4, f"{percent}%", anchor="end"))
    return parts


def _week_label(x: float, y: float, monday: date, slot: float) -> Markup:
    """The week's label ("w/c 3 Nov") under its bar, on two lines when the bar is too narrow for one."""
    label = f"w/c {format_day(monday)}"
    if slot >= _text_width(label, 10) + 6:
        return _text(x, y, label, size=10, anchor="middle")
    # The trailing space keeps the label's text content "w/c 3 Nov" for screen readers and tests.
    lines = [_tag("tspan", ["w/c "], x=float(x)), _tag("tspan", [format_day(monday)], x=float(x), dy=12)]
    return _text(x, y, "", size=10, anchor="middle", children=lines)


def _label_every(slot: float) -> int:
    """Label every n-th week so that two-line labels ("w/c" over "30 Dec") never overlap."""
    return max(1, math.ceil((_text_width("30 Dec", 10) + 6) / slot))


def _week_marks(week: WeekShare, centre: float, slot: float, top: float, bottom: float) -> list[Markup]:
    """One week's bar (when anything was planned), its percentage above and its Monday below."""
    parts = []
    bar_width = min(slot * 0.6, 48)
    label_y = bottom - 6
    if week.share is not None:
        bar_height = week.share * (bottom - top)
        tooltip = (f"Week of {format_day(week.week_start)}: {week.done} of {week.possible} "
                   f"steps ({week.percent}%)")
        parts.append(_tag("rect", [_tag("title", [tooltip])], class_="bar", x=centre - bar_width / 2,
                          y=bottom - bar_height, width=bar_width, height=bar_height, fill=BRAND))
        label_y = bottom - bar_height - 6
    size = 11 if slot >= _text_width("100%", 11) + 4 else 9  # "100%" must fit over a narrow bar
    parts.append(_text(centre, label_y, _percent_text(week), size=size, fill=INK, anchor="middle"))
    return parts


def _adherence_desc(weeks: list[WeekShare], total: int) -> str:
    if not weeks:
        return "No weeks to show yet."
    shares = ", ".join("nothing planned" if w.percent is None else f"{w.percent}%" for w in weeks)
    if len(weeks) == 1:
        return f"Home routine done in the week of {format_day(weeks[0].week_start)}: {shares}."
    which = f"the last {len(weeks)} weeks (of {total})" if total > len(weeks) else f"{len(weeks)} weeks"
    return (f"Home routine done per week for {which}, from the week of "
            f"{format_day(weeks[0].week_start)} to the week of {format_day(weeks[-1].week_start)}: {shares}.")


def adherence_chart(weeks: Sequence[WeekShare], *, title: str = "Home routine done per week", id_prefix: str = "adherence",
                    width: int = 640, height: int = 220) -> Markup:
    """Bars of the share of planned steps done each week, labelled with the percentage and the week's Monday."""
    _check(id_prefix, width, height)
    shown = list(weeks)[-MAX_WEEKS:]  # older weeks would make the bars too thin to read
    top, bottom = 30.0, height - 40.0  # room for "100%" above a full bar and two label lines below
    body = _adherence_axes(width, top, bottom)
    if not shown:
        body.append(_text(width / 2, (top + bottom) / 2, "No weeks to show yet", size=13, fill=INK,
                          anchor="middle"))
    slot = (width - 12 - 44) / max(len(shown), 1)
    every = _label_every(slot)
    for index, week in enumerate(shown):
        centre = 44 + slot * (index + 0.5)
        body += _week_marks(week, centre, slot, top, bottom)
        if (len(shown) - 1 - index) % every == 0:  # counted from the end: the latest week always has one
            body.append(_week_label(centre, bottom + 15, week.week_start, slot * every))
    desc = _adherence_desc(shown, len(weeks))
    return _svg("adherence", id_prefix, title, desc, width, height, body,
                data_bars=sum(1 for week in shown if week.share is not None))
