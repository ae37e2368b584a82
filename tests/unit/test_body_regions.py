"""Body chart regions: the data, and that the chart partial draws and lists every region."""

import dataclasses
import re
from html.parser import HTMLParser
from pathlib import Path
from statistics import mean

import pytest
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from practice.intake.body_regions import (
    BACK, BODY_REGIONS, FRONT, GROUPS, REGION_KEYS, REGIONS_BY_KEY, VIEWS, Region, choices,
    region_label, regions_in_group,
)

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
PARTIAL = TEMPLATES / "intake" / "_body_chart.html"

EXPECTED_KEYS = (
    "neck", "shoulder_left", "shoulder_right",
    "upper_back_left", "upper_back_centre", "upper_back_right",
    "middle_back_left", "middle_back_centre", "middle_back_right",
    "lower_back_left", "lower_back_centre", "lower_back_right",
    "buttock_left", "buttock_right", "hip_left", "hip_right",
    "thigh_left", "thigh_right", "leg_left", "leg_right", "foot_left", "foot_right",
    "arm_left", "arm_right",
)

# --- The data --------------------------------------------------------------------------------


def test_exactly_the_24_keys_in_chart_order():
    assert REGION_KEYS == EXPECTED_KEYS
    assert len(set(REGION_KEYS)) == 24


def test_every_region_has_a_label_a_view_and_a_group():
    labels = [region.label for region in BODY_REGIONS]
    assert len(set(labels)) == len(labels)
    for region in BODY_REGIONS:
        assert region.label.strip() and region.label[0].isupper() and "_" not in region.label
        assert region.view in VIEWS
        assert region.group in GROUPS
    assert set(GROUPS) == {region.group for region in BODY_REGIONS}


def test_labels_name_the_side_and_the_back_regions_are_drawn_on_the_back():
    for region in BODY_REGIONS:
        if region.key.endswith("_left"):
            assert "left" in region.label.lower()
        elif region.key.endswith("_right"):
            assert "right" in region.label.lower()
        if "_back_" in region.key:
            assert region.view == BACK
    assert REGIONS_BY_KEY["hip_left"].view == FRONT
    assert region_label("lower_back_centre") == "Lower back, centre"
    assert region_label("thigh_left") == "Left thigh"


def test_lookups_and_choices():
    assert list(REGIONS_BY_KEY) == list(REGION_KEYS)
    assert all(REGIONS_BY_KEY[key].key == key for key in REGION_KEYS)
    assert choices() == [(region.key, region.label) for region in BODY_REGIONS]
    with pytest.raises(KeyError):
        region_label("elbow")
    assert [region.key for region in regions_in_group("Arms")] == ["arm_left", "arm_right"]


def test_regions_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        BODY_REGIONS[0].label = "Something else"  # type: ignore[misc]
    assert isinstance(BODY_REGIONS[0], Region)


# --- The drawing -----------------------------------------------------------------------------


def test_every_key_is_drawn_at_least_once_and_nothing_else_is():
    text = PARTIAL.read_text(encoding="utf-8")
    drawn = re.findall(r'data-region="([^"]+)"', text)
    for key in REGION_KEYS:
        assert f'data-region="{key}"' in text, f"{key} is not drawn on the body chart"
    assert set(drawn) <= set(REGION_KEYS)


def _views(text: str) -> dict[str, str]:
    """The markup of each view's <g>, by view name."""
    pattern = r'<g class="bc-view" role="group" aria-label="(Front|Back) view">(.*?)\n\s*</g>'
    found = dict(re.findall(pattern, text, re.S))
    assert set(found) == {"Front", "Back"}
    return found


def _shape_x(view_markup: str) -> dict[str, list[float]]:
    """Mean x of each region's path, per key (a key may be drawn once per view)."""
    out: dict[str, list[float]] = {}
    for key, d in re.findall(r'data-region="([^"]+)"[^>]*?\sd="([^"]+)"', view_markup):
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", d)]
        out.setdefault(key, []).append(mean(numbers[0::2]))
    return out


def test_each_region_is_drawn_on_its_own_view():
    views = _views(PARTIAL.read_text(encoding="utf-8"))
    for region in BODY_REGIONS:
        assert f'data-region="{region.key}"' in views[region.view.capitalize()], region.key


def test_left_and_right_are_the_clients_own():
    """Front view: the client's left is on the viewer's right. Back view: on the viewer's left."""
    views = _views(PARTIAL.read_text(encoding="utf-8"))
    for view, left_is_on_viewers_right in (("Front", True), ("Back", False)):
        xs = _shape_x(views[view])
        centre = xs["neck"][0]
        for key, positions in xs.items():
            if key.endswith("_left"):
                assert all((x > centre) == left_is_on_viewers_right for x in positions), (view, key)
            elif key.endswith("_right"):
                assert all((x < centre) == left_is_on_viewers_right for x in positions), (view, key)


# --- The rendered partial --------------------------------------------------------------------


class _Field:
    """Just enough of a WTForms SelectMultipleField for the partial."""

    def __init__(self, data, errors=()):
        self.id = self.name = "pain_areas"
        self.choices = choices()
        self.data = data
        self.errors = list(errors)


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.headings: list[str] = []
        self.boxes: list[tuple[str, str, bool]] = []   # (heading, value, checked)
        self.shapes: dict[str, list[dict]] = {}
        self.labels_for: dict[str, str] = {}
        self._in_heading = False
        self._in_label: str | None = None
        self.summary: list[str] = []
        self._in_summary = False
        self.classes: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "class" in a:
            self.classes.append(a["class"])
        if tag == "h3":
            self._in_heading = True
            self.headings.append("")
        elif tag == "input" and a.get("type") == "checkbox":
            self.boxes.append((self.headings[-1], a["value"], "checked" in a))
            assert a["name"] == "pain_areas" and a["id"] == f"pain_areas-{a['value']}"
        elif tag == "label":
            self._in_label = a.get("for")
            self.labels_for[self._in_label] = ""
        elif "data-region" in a:
            self.shapes.setdefault(a["data-region"], []).append(a)
        elif a.get("class") == "bc-summary":
            self._in_summary = True

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "h3":
            self._in_heading = False
        elif tag == "label":
            self._in_label = None
        elif tag == "p":
            self._in_summary = False

    def handle_data(self, data):
        if self._in_heading:
            self.headings[-1] += data.strip()
        if self._in_label:
            self.labels_for[self._in_label] += data.strip()
        if self._in_summary:
            self.summary.append(data)


def _render(data, errors=()) -> _Collector:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined)
    html = env.get_template("intake/_body_chart.html").render(field=_Field(data, errors))
    collector = _Collector()
    collector.feed(html)
    collector.html = html
    return collector


def test_checkbox_list_follows_the_groups_in_body_regions():
    page = _render(None)
    assert page.headings == list(GROUPS)
    assert [(heading, value) for heading, value, _ in page.boxes] == [(r.group, r.key) for r in BODY_REGIONS]
    assert not any(checked for _, _, checked in page.boxes)
    assert page.labels_for == {f"pain_areas-{r.key}": r.label for r in BODY_REGIONS}
    assert "body-chart is-static" in page.html   # the JavaScript reveals the drawing
    assert "Selected: none" in " ".join("".join(page.summary).split())


def test_selected_regions_are_ticked_and_their_shapes_checked():
    page = _render(["lower_back_centre", "thigh_left"])
    ticked = [value for _, value, checked in page.boxes if checked]
    assert ticked == ["lower_back_centre", "thigh_left"]
    for key, shapes in page.shapes.items():
        # Each region is one keyboard stop: its first drawing; a copy on the other view is click-only.
        assert [shape["tabindex"] for shape in shapes] == ["0"] + ["-1"] * (len(shapes) - 1)
        for shape in shapes:
            assert shape["role"] == "checkbox"
            assert shape["aria-label"] == region_label(key)
            assert shape["aria-checked"] == ("true" if key in ticked else "false")
    assert len(page.shapes["thigh_left"]) == 2   # drawn on both views, both checked
    assert " ".join("".join(page.summary).split()) == "Selected: Lower back, centre; Left thigh"


def test_errors_are_shown_and_tied_to_the_fieldset():
    page = _render([], errors=["Choose at least one area."])
    assert 'id="pain_areas-error"' in page.html and "Choose at least one area." in page.html
    assert 'aria-describedby="pain_areas-hint pain_areas-error"' in page.html
