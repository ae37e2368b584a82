"""Body regions for the intake's pain chart: where the client feels pain.

Pure data with no Flask imports. The keys are stable and stored in the database; the labels and
groups are what people read. The chart (templates/intake/_body_chart.html) draws one shape per
region on the view named by ``Region.view``, and some regions (neck, shoulders, arms, legs, feet)
appear on both views; the group is the heading the region sits under in the checkbox list.

Left and right always mean the CLIENT's own left and right, never the viewer's. On the back view
(looking at the client's back) the client's left is on the viewer's left; on the front view
(facing the client) the client's left is on the viewer's right. The chart's caption says so too.
"""

from __future__ import annotations

from dataclasses import dataclass

FRONT = "front"
BACK = "back"
VIEWS = (FRONT, BACK)

NECK_AND_SHOULDERS = "Neck and shoulders"
BACK_GROUP = "Back"
HIPS_AND_BUTTOCKS = "Hips and buttocks"
LEGS_AND_FEET = "Legs and feet"
ARMS = "Arms"

#: Headings of the checkbox list, in the order they are shown.
GROUPS = (NECK_AND_SHOULDERS, BACK_GROUP, HIPS_AND_BUTTOCKS, LEGS_AND_FEET, ARMS)


@dataclass(frozen=True)
class Region:
    """One area of the body the client can mark as painful."""

    key: str    # stable, stored: e.g. "lower_back_left"
    label: str  # plain English: "Lower back, left side"
    view: str   # "front" or "back": the view it belongs to (it may be drawn on both)
    group: str  # heading in the checkbox list


BODY_REGIONS: tuple[Region, ...] = (
    Region("neck", "Neck", BACK, NECK_AND_SHOULDERS),
    Region("shoulder_left", "Left shoulder", BACK, NECK_AND_SHOULDERS),
    Region("shoulder_right", "Right shoulder", BACK, NECK_AND_SHOULDERS),
    Region("upper_back_left", "Upper back, left side", BACK, BACK_GROUP),
    Region("upper_back_centre", "Upper back, centre", BACK, BACK_GROUP),
    Region("upper_back_right", "Upper back, right side", BACK, BACK_GROUP),
    Region("middle_back_left", "Middle back, left side", BACK, BACK_GROUP),
    Region("middle_back_centre", "Middle back, centre", BACK, BACK_GROUP),
    Region("middle_back_right", "Middle back, right side", BACK, BACK_GROUP),
    Region("lower_back_left", "Lower back, left side", BACK, BACK_GROUP),
    Region("lower_back_centre", "Lower back, centre", BACK, BACK_GROUP),
    Region("lower_back_right", "Lower back, right side", BACK, BACK_GROUP),
    Region("buttock_left", "Left buttock", BACK, HIPS_AND_BUTTOCKS),
    Region("buttock_right", "Right buttock", BACK, HIPS_AND_BUTTOCKS),
    Region("hip_left", "Left hip", FRONT, HIPS_AND_BUTTOCKS),
    Region("hip_right", "Right hip", FRONT, HIPS_AND_BUTTOCKS),
    Region("thigh_left", "Left thigh", FRONT, LEGS_AND_FEET),
    Region("thigh_right", "Right thigh", FRONT, LEGS_AND_FEET),
    Region("leg_left", "Left lower leg", FRONT, LEGS_AND_FEET),
    Region("leg_right", "Right lower leg", FRONT, LEGS_AND_FEET),
    Region("foot_left", "Left foot", FRONT, LEGS_AND_FEET),
    Region("foot_right", "Right foot", FRONT, LEGS_AND_FEET),
    Region("arm_left", "Left arm", FRONT, ARMS),
    Region("arm_right", "Right arm", FRONT, ARMS),
)

REGION_KEYS: tuple[str, ...] = tuple(region.key for region in BODY_REGIONS)
REGIONS_BY_KEY: dict[str, Region] = {region.key: region for region in BODY_REGIONS}


def region_label(key: str) -> str:
    """Return the plain-English label of a region key; KeyError if the key is unknown."""
    return REGIONS_BY_KEY[key].label


def choices() -> list[tuple[str, str]]:
    """(key, label) pairs in chart order, for a WTForms ``SelectMultipleField``."""
    return [(region.key, region.label) for region in BODY_REGIONS]


def regions_in_group(group: str) -> tuple[Region, ...]:
    """The regions listed under one heading, in chart order."""
    return tuple(region for region in BODY_REGIONS if region.group == group)
