"""SVG charts: well-formed, CSP-safe, accessible, escaped, and drawn to the right scale."""
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from markupsafe import Markup

from practice.portal.charts import adherence_chart, format_day, pain_chart
from practice.portal.progress import WeekShare

SVG = "{http://www.w3.org/2000/svg}"
NOV3 = date(2024, 11, 3)
HOME = [(NOV3, 6), (date(2024, 11, 10), 5), (date(2024, 11, 20), 3)]
SESSIONS = [(date(2024, 11, 5), 7, 5), (date(2024, 11, 12), None, 4), (date(2024, 11, 19), 6, None)]


def parse(svg: Markup) -> ET.Element:
    """The chart as XML; fails the test when it is not well-formed."""
    return ET.fromstring(str(svg))


def texts(root: ET.Element) -> list[str]:
    """The text of every <text> element, tspans joined."""
    return ["".join(el.itertext()) for el in root.iter(f"{SVG}text")]


def marks(root: ET.Element, kind: str) -> list[ET.Element]:
    return [el for el in root.iter() if f"mark-{kind}" in el.get("class", "").split()]


def bars(root: ET.Element) -> list[ET.Element]:
    return [el for el in root.iter(f"{SVG}rect") if el.get("class") == "bar"]


def weeks(shares: list[tuple[int, int]], first: date = date(2024, 11, 4)) -> list[WeekShare]:
    """Consecutive weeks from (done, possible) pairs."""
    return [WeekShare(first + timedelta(weeks=i), done, possible) for i, (done, possible) in enumerate(shares)]


ALL_CHARTS = [
    pytest.param(lambda: pain_chart(HOME, SESSIONS, baseline=6), id="pain"),
    pytest.param(lambda: pain_chart([]), id="pain-empty"),
    pytest.param(lambda: adherence_chart(weeks([(13, 18), (0, 0), (21, 21)])), id="adherence"),
    pytest.param(lambda: adherence_chart([]), id="adherence-empty"),
]


# --- Both charts -----------------------------------------------------------------------------

@pytest.mark.parametrize("make", ALL_CHARTS)
def test_charts_pass_a_strict_content_security_policy(make):
    svg = make()
    root = parse(svg)
    for el in root.iter():
        assert "style" not in el.attrib
        assert not any(name.endswith("href") for name in el.attrib)
        assert el.tag not in {f"{SVG}style", f"{SVG}script", f"{SVG}foreignObject", f"{SVG}image", f"{SVG}use"}
    assert "url(" not in svg and "javascript:" not in svg


@pytest.mark.parametrize("make", ALL_CHARTS)
def test_charts_are_labelled_for_screen_readers_and_sized_by_css(make):
    root = parse(make())
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert "width" not in root.attrib and "height" not in root.attrib
    assert re.fullmatch(r"0 0 \d+ \d+", root.get("viewBox"))
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    desc = root.find(f"{SVG}desc")
    assert desc.get("id") == desc_id and desc.text.strip()


@pytest.mark.parametrize("chart", [pain_chart, adherence_chart])
def test_the_title_is_escaped_text(chart):
    title = 'Mia\'s "pain" <script>alert(1)</script> & more'
    svg = chart([], title=title)
    assert "<script>" not in svg
    root = parse(svg)
    assert root.find(f"{SVG}title").text == title
    assert root.find(f".//{SVG}script") is None


@pytest.mark.parametrize("chart", [pain_chart, adherence_chart])
def test_two_charts_on_one_page_have_unique_ids(chart):
    page = f"<div>{chart([], id_prefix='client-1')}{chart([], id_prefix='client-2')}</div>"
    ids = [el.get("id") for el in ET.fromstring(page).iter() if el.get("id")]
    assert len(ids) == 4 and len(set(ids)) == 4


@pytest.mark.parametrize("chart", [pain_chart, adherence_chart])
@pytest.mark.parametrize("prefix", ["", "Pain", "pain chart", 'x"onload="a', "a_b", "1st"])
def test_an_unsafe_id_prefix_is_refused(chart, prefix):
    with pytest.raises(ValueError):
        chart([], id_prefix=prefix)


@pytest.mark.parametrize("day, label", [
    (date(2024, 11, 3), "3 Nov"), (date(2025, 1, 31), "31 Jan"), (date(2024, 5, 9), "9 May"),
])
def test_days_are_formatted_without_leading_zero(day, label):
    assert format_day(day) == label


# --- Pain chart ------------------------------------------------------------------------------

def test_pain_chart_plots_every_valid_score_with_a_tooltip():
    root = parse(pain_chart(HOME + [(NOV3, None), (NOV3, 11)], SESSIONS))
    assert root.get("data-points") == "7"  # 3 home + 2 before + 2 after; invalid scores skipped
    assert len(marks(root, "home")) == 3
    assert len(marks(root, "before")) == 2
    assert len(marks(root, "after")) == 2
    tooltips = {el.find(f"{SVG}title").text for el in marks(root, "home") + marks(root, "after")}
    assert "20 Nov: pain 3 (home log)" in tooltips
    assert "12 Nov: pain 4 (after session)" in tooltips


def test_pain_chart_joins_home_logs_in_date_order():
    shuffled = [HOME[2], HOME[0], HOME[1]]
    root = parse(pain_chart(shuffled))
    xs = [float(pair.split(",")[0]) for pair in root.find(f".//{SVG}polyline").get("points").split()]
    assert xs == sorted(xs) and len(xs) == 3


def test_higher_pain_is_drawn_higher():
    root = parse(pain_chart([(NOV3, 0), (date(2024, 11, 4), 10), (date(2024, 11, 5), 5)]))
    y = {el.find(f"{SVG}title").text.split("pain ")[1][:2].strip(): float(el.get("cy"))
         for el in marks(root, "home")}
    assert y["10"] < y["5"] < y["0"]


def test_later_days_are_drawn_further_right():
    root = parse(pain_chart([], [(date(2024, 11, 20), 5, None), (NOV3, 5, None)]))
    by_day = {el.find(f"{SVG}title").text.split(":")[0]: float(el.get("cx")) for el in marks(root, "before")}
    assert by_day["3 Nov"] < by_day["20 Nov"]


def test_pain_axis_has_even_labels_and_a_caption():
    labels = texts(parse(pain_chart(HOME)))
    assert {"0", "2", "4", "6", "8", "10"} <= set(labels)
    assert "Pain (0–10)" in labels


def test_pain_chart_labels_days_like_3_nov():
    labels = texts(parse(pain_chart(HOME)))
    assert "3 Nov" in labels and "20 Nov" in labels
    day_labels = [t for t in labels if re.fullmatch(r"\d{1,2} [A-Z][a-z]{2}", t)]
    assert 2 <= len(day_labels) <= 6
    assert not any(t.startswith("0") for t in day_labels)


def test_a_single_day_is_padded_and_still_labelled():
    root = parse(pain_chart([(NOV3, 4)]))
    labels = texts(root)
    assert "31 Oct" in labels and "6 Nov" in labels  # three days either side
    assert root.get("data-points") == "1"


@pytest.mark.parametrize("baseline", [6, 2, 2.5, 10])
def test_meaningful_change_line_is_drawn_below_a_baseline_of_two_or_more(baseline):
    root = parse(pain_chart(HOME, baseline=baseline))
    labels = texts(root)
    assert "2-point improvement" in labels
    assert "Meaningful change" in labels
    lines = root.findall(f"{SVG}line")  # top level only: the legend's sample lines sit in a <g>
    dashed = [el for el in lines if el.get("stroke-dasharray")]
    gridlines = [float(el.get("y1")) for el in lines if el.get("y1") == el.get("y2") and el not in dashed]
    zero_y, ten_y = max(gridlines), min(gridlines)
    expected_y = zero_y - (baseline - 2) / 10 * (zero_y - ten_y)
    assert any(abs(float(el.get("y1")) - expected_y) < 0.2 for el in dashed)
    assert lines.index(dashed[0]) > max(lines.index(el) for el in lines if el not in dashed)  # not hidden by grid


@pytest.mark.parametrize("baseline", [None, 1, 0, 1.9, -3, 12, float("nan"), True])
def test_no_meaningful_change_line_without_room_or_a_usable_baseline(baseline):
    labels = texts(parse(pain_chart(HOME, baseline=baseline)))
    assert "2-point improvement" not in labels
    assert "Meaningful change" not in labels


def test_legend_lists_only_series_with_data():
    home_only = texts(parse(pain_chart(HOME)))
    assert "Home log" in home_only
    assert "Before session" not in home_only and "After session" not in home_only
    sessions_only = texts(parse(pain_chart([], [(NOV3, None, 3)])))
    assert "After session" in sessions_only
    assert "Home log" not in sessions_only and "Before session" not in sessions_only


def test_the_description_tells_the_trend_in_words():
    desc = parse(pain_chart(HOME)).find(f"{SVG}desc").text
    assert desc == "Home logs from 3 Nov to 20 Nov: pain went from 6 to 3 out of 10."


def test_empty_pain_chart_says_so_and_keeps_its_axes():
    root = parse(pain_chart([], [(NOV3, None, None)]))
    labels = texts(root)
    assert "No pain scores yet" in labels
    assert {"0", "10", "Pain (0–10)"} <= set(labels)
    assert root.get("data-points") == "0"
    assert not marks(root, "home") and root.find(f".//{SVG}polyline") is None


# --- Adherence chart ---------------------------------------------------------------------------

def test_adherence_chart_labels_each_week_with_percent_and_monday():
    root = parse(adherence_chart(weeks([(13, 18), (9, 18)])))
    labels = texts(root)
    assert "72%" in labels and "50%" in labels
    assert "w/c 4 Nov" in labels and "w/c 11 Nov" in labels
    assert {"0%", "100%"} <= set(labels)
    assert root.get("data-bars") == "2"
    tooltips = [bar.find(f"{SVG}title").text for bar in bars(root)]
    assert tooltips == ["Week of 4 Nov: 13 of 18 steps (72%)", "Week of 11 Nov: 9 of 18 steps (50%)"]


def test_a_full_week_has_a_taller_bar_than_a_half_week():
    root = parse(adherence_chart(weeks([(18, 18), (9, 18), (0, 18)])))
    full, half, none = (float(bar.get("height")) for bar in bars(root))
    assert full > half > none == 0
    assert full == pytest.approx(2 * half)


def test_a_week_with_nothing_planned_shows_a_dash_and_no_bar():
    root = parse(adherence_chart(weeks([(3, 6), (0, 0)])))
    assert root.get("data-bars") == "1" and len(bars(root)) == 1
    assert "—" in texts(root)


def test_percent_labels_round_halves_up():
    assert "73%" in texts(parse(adherence_chart(weeks([(29, 40)]))))


def test_at_most_the_last_twelve_weeks_are_drawn():
    many = weeks([(i, 20) for i in range(15)])
    root = parse(adherence_chart(many))
    assert root.get("data-bars") == "12" and len(bars(root)) == 12
    labels = texts(root)
    assert f"w/c {format_day(many[-1].week_start)}" in labels  # the newest week is kept
    assert f"w/c {format_day(many[2].week_start)}" not in labels  # the oldest ones are dropped
    assert "last 12 weeks" in root.find(f"{SVG}desc").text


def test_narrow_charts_keep_the_newest_week_labelled():
    many = weeks([(i, 20) for i in range(12)])
    labels = texts(parse(adherence_chart(many, width=320)))
    week_labels = [t for t in labels if t.startswith("w/c ")]
    assert f"w/c {format_day(many[-1].week_start)}" in week_labels
    assert 0 < len(week_labels) < 12  # thinned out so they do not overlap


def test_empty_adherence_chart_says_so():
    root = parse(adherence_chart([]))
    assert "No weeks to show yet" in texts(root)
    assert root.get("data-bars") == "0" and not bars(root)


@pytest.mark.parametrize("day", [date.max, date.min, date(9999, 12, 29)])
def test_a_score_on_the_first_or_last_day_of_the_calendar_still_draws(day):
    """A signed note dated 9999-12-31 (saved before dates had a range) broke the client page for good."""
    for chart, points in ((pain_chart([], [(day, 5, None)]), 1), (pain_chart([(day, 4)]), 1),
                          (pain_chart([(NOV3, 6)], [(day, 5, 3)]), 3)):
        root = parse(chart)
        assert root.get("data-points") == str(points)
        assert len(marks(root, "home") + marks(root, "before") + marks(root, "after")) == points
