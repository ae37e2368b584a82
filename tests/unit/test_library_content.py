"""Technique library: the seeded items, their doses, and their illustrations."""

import dataclasses
import xml.etree.ElementTree as ET

import pytest

from practice.intake.body_regions import REGION_KEYS
from practice.intake.contraindications import STANDING_CAUTIONS, TECHNIQUE_KEYS, TECHNIQUES
from practice.library.content import (
    ILLUSTRATION_DIR, LIBRARY, LIBRARY_BY_SLUG, PRESSURES, LibraryItem, dose_text, validate_library,
)

SVG_NS = "{http://www.w3.org/2000/svg}"

EXPECTED_SLUGS = {
    "swedish", "deep-tissue", "trigger-point", "myofascial-release", "shiatsu", "hot-stone",
    "hands-neck-shoulders", "hands-lower-back", "tennis-ball-wall", "two-balls-floor",
    "foam-roller-upper-back", "knuckles-elbows", "s-shaped-massager", "trigger-point-tool",
    "partner-massage", "heat", "cold", "knees-to-chest", "relaxation-breathing", "posture-desk-setup",
}


def test_library_is_valid():
    assert validate_library() == []


def test_slugs_are_unique_and_indexed():
    assert len(LIBRARY_BY_SLUG) == len(LIBRARY)
    assert EXPECTED_SLUGS <= set(LIBRARY_BY_SLUG)
    assert all(LIBRARY_BY_SLUG[item.slug] is item for item in LIBRARY)


def test_items_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        LIBRARY[0].name = "changed"


@pytest.mark.parametrize("kind", ["professional", "home"])
def test_every_technique_key_has_an_item_of_its_kind(kind):
    keys = {t.key for t in TECHNIQUES if t.kind == kind}
    covered = {item.contraindication_key for item in LIBRARY if item.kind == kind}
    assert keys <= covered


def test_contraindication_keys_are_known_or_advice_only():
    for item in LIBRARY:
        assert item.contraindication_key is None or item.contraindication_key in TECHNIQUE_KEYS
    advice = {item.slug for item in LIBRARY if item.contraindication_key is None}
    assert advice == {"relaxation-breathing", "posture-desk-setup"}


@pytest.mark.parametrize("item", LIBRARY, ids=lambda item: item.slug)
def test_item_content(item):
    assert 4 <= len(item.steps) <= 8
    assert all(step.strip() for step in item.steps)
    assert item.summary and item.name
    assert set(item.body_areas) <= set(REGION_KEYS)
    assert item.dose_pressure in PRESSURES + (None,)
    assert dose_text(item)
    assert isinstance(item.cautions, tuple)


@pytest.mark.parametrize("item", LIBRARY, ids=lambda item: item.slug)
def test_illustration_is_a_safe_svg_with_a_title(item):
    path = ILLUSTRATION_DIR / item.illustration
    assert path.is_file()
    text = path.read_text(encoding="utf-8")
    assert len(text.encode()) < 4096
    lowered = text.lower()
    for banned in ("<script", 'href="http', "foreignobject", "<image", "@import", "url("):
        assert banned not in lowered, banned
    root = ET.fromstring(text)
    assert root.tag == f"{SVG_NS}svg"
    title = root.find(f"{SVG_NS}title")
    assert title is not None and title.text and title.text.strip()
    assert root.get("viewBox") == "0 0 240 160"


def test_each_item_has_its_own_illustration():
    names = [item.illustration for item in LIBRARY]
    assert len(set(names)) == len(names)


def test_foam_roller_keeps_off_the_lower_spine():
    item = LIBRARY_BY_SLUG["foam-roller-upper-back"]
    cautions = " ".join(item.cautions).lower()
    assert "lower spine" in cautions
    assert "kidney" in cautions
    assert set(item.body_areas).isdisjoint({"lower_back_left", "lower_back_centre", "lower_back_right"})


def test_home_tools_repeat_the_standing_cautions():
    # The items say the same as the intake's always-on notes: off the spine, off the kidney area.
    assert set(STANDING_CAUTIONS) <= set(TECHNIQUE_KEYS)
    for item in LIBRARY:
        if item.contraindication_key in ("tennis_ball", "foam_roller", "s_massager", "trigger_point_tool"):
            text = " ".join(item.cautions).lower()
            assert "spine" in text and "kidney" in text, item.slug


def test_home_steps_speak_to_the_reader():
    for item in LIBRARY:
        if item.kind == "home" and item.slug != "partner-massage":
            assert any(" you" in f" {step.lower()}" or "your" in step.lower() for step in item.steps), item.slug


# --- dose_text -------------------------------------------------------------------------------


def test_dose_text_defaults():
    assert dose_text(LIBRARY_BY_SLUG["tennis-ball-wall"]) == "2 minutes each side, moderate pressure, once a day"
    assert dose_text(LIBRARY_BY_SLUG["heat"]) == "15 minutes, 2 to 3 times a day"
    assert dose_text(LIBRARY_BY_SLUG["pelvic-tilt"]) == "10 times, once or twice a day"
    assert dose_text(LIBRARY_BY_SLUG["knees-to-chest"]) == "3 times each side, once or twice a day"
    assert dose_text(LIBRARY_BY_SLUG["posture-desk-setup"]) == "get up and move at least every 30 minutes"
    assert dose_text(LIBRARY_BY_SLUG["cold"]).startswith("15 minutes, every 2 to 3 hours")


def test_dose_text_overrides():
    ball = LIBRARY_BY_SLUG["tennis-ball-wall"]
    assert dose_text(ball, minutes=1, pressure="gentle", frequency="twice a day") == \
        "1 minute each side, gentle pressure, twice a day"
    assert dose_text(ball, minutes=3) == "3 minutes each side, moderate pressure, once a day"
    assert dose_text(LIBRARY_BY_SLUG["pelvic-tilt"], repetitions=1) == "once, once or twice a day"
    assert dose_text(LIBRARY_BY_SLUG["pelvic-tilt"], repetitions=2, frequency="  ") == \
        "twice, once or twice a day"
    assert dose_text(LIBRARY_BY_SLUG["swedish"], minutes=30, pressure="firm") == \
        "30 minutes, firm pressure, every 1 to 2 weeks"


@pytest.mark.parametrize("kwargs", [
    {"minutes": 0}, {"minutes": -2}, {"minutes": 2.5}, {"minutes": True}, {"repetitions": "3"},
    {"pressure": "hard"},
])
def test_dose_text_rejects_bad_overrides(kwargs):
    with pytest.raises(ValueError):
        dose_text(LIBRARY_BY_SLUG["tennis-ball-wall"], **kwargs)


def test_dose_text_without_any_dose():
    bare = dataclasses.replace(LIBRARY_BY_SLUG["heat"], dose_minutes=None, dose_frequency="")
    assert dose_text(bare) == "as advised by your therapist"


# --- validate_library finds problems ---------------------------------------------------------


def test_validate_library_reports_problems(tmp_path):
    good = LIBRARY_BY_SLUG["heat"]
    (tmp_path / good.illustration).write_text("<svg/>")
    broken = (
        dataclasses.replace(good, slug="a", contraindication_key="no_such_key"),
        dataclasses.replace(good, slug="b", body_areas=("elbow",)),
        dataclasses.replace(good, slug="c", illustration="missing.svg"),
        dataclasses.replace(good, slug="d", steps=()),
        dataclasses.replace(good, slug="e", kind="professional"),
        dataclasses.replace(good, slug="e", dose_pressure="hard"),
    )
    problems = validate_library(broken, illustration_dir=tmp_path)
    joined = "\n".join(problems)
    assert "a: unknown contraindication key 'no_such_key'" in joined
    assert "b: unknown region key 'elbow'" in joined
    assert "c: missing illustration missing.svg" in joined
    assert "d: empty steps" in joined
    assert "e: contraindication key 'heat' is a home technique" in joined
    assert "e: duplicate slug" in joined
    assert "e: unknown pressure 'hard'" in joined
    assert validate_library((good,), illustration_dir=tmp_path) == []


def test_library_item_fields():
    names = [f.name for f in dataclasses.fields(LibraryItem)]
    assert names[:14] == [
        "slug", "name", "kind", "summary", "body_areas", "equipment", "steps", "dose_minutes",
        "dose_repetitions", "dose_pressure", "dose_frequency", "cautions", "contraindication_key",
        "illustration",
    ]
