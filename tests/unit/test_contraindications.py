"""Contraindications: every rule, strictest-wins, areas, unknown keys and a property test."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from practice.intake.contraindications import (
    AVOID, AVOID_AREA, CONDITIONS, CONTRA_RULES, LEVELS, MEDICATIONS, MODIFY, OK, STANDING_CAUTIONS,
    TECHNIQUE_GROUPS, TECHNIQUE_KEYS, TECHNIQUES, ContraRule, active_conditions, check, level_rank,
    validate_rules,
)

CONDITION_KEYS = [key for key, _ in CONDITIONS]
MEDICATION_KEYS = [key for key, _ in MEDICATIONS]

# (rule id, conditions, medications, pregnancy weeks, technique, expected level for that technique)
RULE_ROWS = [
    ("dvt", ["dvt"], [], None, "swedish", AVOID),
    ("anticoagulants_firm", [], ["anticoagulants"], None, "deep_tissue", AVOID),
    ("anticoagulants_light", [], ["anticoagulants"], None, "swedish", MODIFY),
    ("bleeding_firm", ["bleeding_disorder"], [], None, "trigger_point", AVOID),
    ("bleeding_light", ["bleeding_disorder"], [], None, "tennis_ball", MODIFY),
    ("fracture_area", ["acute_fracture"], [], None, "foam_roller", AVOID_AREA),
    ("osteoporosis_firm", ["osteoporosis"], [], None, "knuckles_elbows", AVOID),
    ("osteoporosis_gentle", ["osteoporosis"], [], None, "swedish", MODIFY),
    ("varicose_mild", ["varicose_veins"], [], None, "deep_tissue", MODIFY),
    ("varicose_severe", ["varicose_veins_severe"], [], None, "swedish", AVOID_AREA),
    ("bp_medication_hot_stone", [], ["blood_pressure"], None, "hot_stone", AVOID),
    ("bp_medication_gentle", [], ["blood_pressure"], None, "swedish", MODIFY),
    ("bp_uncontrolled_hot_stone", ["high_blood_pressure_uncontrolled"], [], None, "hot_stone", AVOID),
    ("bp_uncontrolled_gentle", ["high_blood_pressure_uncontrolled"], [], None, "self_hands", MODIFY),
    ("diabetes_sites", ["diabetes"], [], None, "self_hands", AVOID_AREA),
    ("insulin_sites", [], ["insulin"], None, "foam_roller", AVOID_AREA),
    ("diabetes_food", ["diabetes"], [], None, "swedish", AVOID_AREA),  # sites rule is stricter
    ("neuropathy_heat", ["peripheral_neuropathy"], [], None, "heat", AVOID),
    ("neuropathy_light", ["peripheral_neuropathy"], [], None, "swedish", MODIFY),
    ("neuropathy_cold", ["peripheral_neuropathy"], [], None, "cold", MODIFY),
    ("cancer_care", ["cancer"], [], None, "deep_tissue", MODIFY),
    ("skin_area", ["open_wound_skin"], [], None, "tennis_ball", AVOID_AREA),
    ("fever_today", ["fever_infection"], [], None, "stretches", AVOID),
    ("sprain_area", ["acute_sprain_strain"], [], None, "heat", AVOID_AREA),
    ("sprain_cold", ["acute_sprain_strain"], [], None, "cold", MODIFY),
    ("surgery_site", ["recent_surgery"], [], None, "swedish", AVOID_AREA),
    ("pregnancy_advice", [], [], 8, "swedish", MODIFY),
    ("pregnancy_hot_stone", [], [], 8, "hot_stone", MODIFY),
    ("pregnancy_positioning", [], [], 14, "swedish", MODIFY),
    ("pregnancy_floor_work", [], [], 24, "tennis_ball", MODIFY),
    ("heart_hot_stone", ["heart_condition"], [], None, "hot_stone", AVOID),
    ("heart_gentle", ["heart_condition"], [], None, "swedish", MODIFY),
    ("inflammation_tools", ["local_inflammation"], [], None, "foam_roller", MODIFY),
    ("steroids_gentle", [], ["corticosteroids"], None, "swedish", MODIFY),
]


def test_every_rule_has_a_row():
    assert {row[0] for row in RULE_ROWS} == {rule.id for rule in CONTRA_RULES}


@pytest.mark.parametrize("rule_id, conditions, medications, weeks, technique, expected", RULE_ROWS)
def test_rule_applies(rule_id, conditions, medications, weeks, technique, expected):
    assessment = check(conditions, medications, pregnancy_weeks=weeks)[technique]
    assert assessment.level == expected
    reason = next(r for r in assessment.reasons if r.rule_id == rule_id)
    assert reason.text and reason.source
    if reason.level == MODIFY:
        assert reason.modification in assessment.modifications
    if reason.level == AVOID_AREA:
        assert reason.area in assessment.areas


def test_no_conditions_all_ok():
    result = check([], [])
    assert list(result) == list(TECHNIQUE_KEYS)
    assert all(a.level == OK and a.reasons == () for a in result.values())


@pytest.mark.parametrize("conditions, medications, technique, expected", [
    (["dvt"], ["anticoagulants"], "swedish", AVOID),
    (["dvt"], ["anticoagulants"], "deep_tissue", AVOID),
    (["osteoporosis", "acute_fracture"], [], "swedish", AVOID_AREA),
    (["osteoporosis", "acute_fracture"], [], "deep_tissue", AVOID),
    (["heart_condition", "pregnancy"], [], "hot_stone", AVOID),
    (["cancer", "open_wound_skin"], [], "self_hands", AVOID_AREA),
    (["high_blood_pressure"], [], "hot_stone", OK),  # mild and untreated: fine
])
def test_strictest_level_wins(conditions, medications, technique, expected):
    assessment = check(conditions, medications)[technique]
    assert assessment.level == expected
    if assessment.reasons:
        assert assessment.reasons[0].level == expected


def test_areas_carried_from_local_sites():
    result = check(["acute_fracture", "open_wound_skin"], [],
                   local_sites={"acute_fracture": "left wrist", "open_wound_skin": "right knee"})
    assert result["swedish"].level == AVOID_AREA
    assert result["swedish"].areas == ["left wrist", "right knee"]


def test_default_area_when_site_not_named():
    assert check(["recent_surgery"], [])["swedish"].areas == ["the surgery site"]
    assert check([], ["insulin"])["self_hands"].areas == ["injection, pump and sensor sites"]


def test_named_site_alone_counts_as_the_condition():
    result = check([], [], local_sites={"open_wound_skin": "right shin"})
    assert result["foam_roller"].level == AVOID_AREA
    assert result["foam_roller"].areas == ["right shin"]


@pytest.mark.parametrize("conditions, medications", [
    (["unicorn_syndrome"], ["mystery_pill"]),
    ([None, 3, b"dvt"], [{}]),
    (None, None),
    (42, 3.5),
])
def test_unknown_or_odd_keys_are_ignored(conditions, medications):
    result = check(conditions, medications, pregnancy_weeks="soon", local_sites=["left leg"])
    assert list(result) == list(TECHNIQUE_KEYS)
    assert all(a.level == OK for a in result.values())


def test_keys_are_trimmed_and_a_single_string_is_one_key():
    assert check(" DVT ", [])["cold"].level == AVOID


@pytest.mark.parametrize("conditions, weeks, expected_rules", [
    ([], 8, {"pregnancy_advice", "pregnancy_hot_stone"}),
    ([], 14, {"pregnancy_advice", "pregnancy_hot_stone", "pregnancy_positioning"}),
    ([], 24, {"pregnancy_advice", "pregnancy_hot_stone", "pregnancy_positioning", "pregnancy_floor_work"}),
    (["pregnancy"], None, {"pregnancy_advice", "pregnancy_hot_stone", "pregnancy_positioning",
                          "pregnancy_floor_work"}),  # stage unknown: all stage rules apply
    ([], 0, set()),
    ([], -3, set()),
    ([], 80, set()),
])
def test_pregnancy_stages(conditions, weeks, expected_rules):
    result = check(conditions, [], pregnancy_weeks=weeks)
    found = {r.rule_id for a in result.values() for r in a.reasons}
    assert found == expected_rules


def test_active_conditions_derives_pregnancy_keys():
    assert active_conditions([], [], 20) == {"pregnancy", "pregnancy_13_weeks", "pregnancy_20_weeks"}


def test_modifications_are_deduplicated():
    mods = check(["bleeding_disorder"], ["anticoagulants"])["swedish"].modifications
    assert mods == ["Light pressure only."]


def test_standing_cautions_cover_rollers_and_balls():
    result = check([], [])
    for key in ("foam_roller", "tennis_ball", "s_massager", "trigger_point_tool"):
        assert "spine" in STANDING_CAUTIONS[key]
        assert result[key].standing_caution == STANDING_CAUTIONS[key]
        assert result[key].level == OK


def test_technique_catalogue():
    assert TECHNIQUE_KEYS == (
        "swedish", "deep_tissue", "trigger_point", "myofascial_release", "shiatsu", "hot_stone",
        "self_hands", "tennis_ball", "foam_roller", "knuckles_elbows", "s_massager",
        "trigger_point_tool", "heat", "cold", "stretches", "partner_massage",
    )
    assert {t.kind for t in TECHNIQUES} == {"professional", "home"}
    assert len(TECHNIQUE_GROUPS["professional"]) == 6 and len(TECHNIQUE_GROUPS["home"]) == 10
    assert all(t.name for t in TECHNIQUES)


def test_condition_and_medication_keys():
    assert set(CONDITION_KEYS) >= {
        "dvt", "bleeding_disorder", "acute_fracture", "osteoporosis", "varicose_veins",
        "high_blood_pressure", "diabetes", "peripheral_neuropathy", "cancer", "open_wound_skin",
        "fever_infection", "acute_sprain_strain", "recent_surgery", "pregnancy", "heart_condition",
        "local_inflammation",
    }
    assert MEDICATION_KEYS == ["anticoagulants", "corticosteroids", "insulin", "blood_pressure", "other"]
    assert not set(CONDITION_KEYS) & set(MEDICATION_KEYS)
    assert all(label for _, label in CONDITIONS + MEDICATIONS)


def test_validate_rules_passes():
    assert validate_rules() == ()


@pytest.mark.parametrize("bad_rule, problem", [
    (ContraRule("x", "gout", ("swedish",), AVOID, "t", None, "s"), "unknown condition"),
    (ContraRule("x", "dvt", ("reiki",), AVOID, "t", None, "s"), "unknown technique"),
    (ContraRule("x", "dvt", (), AVOID, "t", None, "s"), "non-empty"),
    (ContraRule("x", "dvt", ("swedish",), "maybe", "t", None, "s"), "level"),
    (ContraRule("x", "dvt", ("swedish",), MODIFY, "t", None, "s"), "what to change"),
    (ContraRule("x", "dvt", ("swedish",), AVOID_AREA, "t", "m", "s"), "default area"),
    (ContraRule("x", "dvt", ("swedish",), AVOID, "t", None, ""), "source"),
])
def test_validate_rules_reports_problems(bad_rule, problem):
    assert any(problem in p for p in validate_rules((bad_rule,)))


def test_level_order():
    assert [level_rank(x) for x in (OK, MODIFY, AVOID_AREA, AVOID)] == [0, 1, 2, 3]
    with pytest.raises(ValueError):
        level_rank("nope")


_KEYS = st.sampled_from(CONDITION_KEYS + MEDICATION_KEYS) | st.text(max_size=10)


@settings(max_examples=300, deadline=None)
@given(
    conditions=st.lists(_KEYS, max_size=8),
    medications=st.lists(_KEYS, max_size=4),
    weeks=st.one_of(st.none(), st.integers(-100, 100)),
    sites=st.one_of(st.none(), st.dictionaries(_KEYS, st.text(max_size=10), max_size=3)),
)
def test_property_never_raises_and_covers_every_technique(conditions, medications, weeks, sites):
    result = check(conditions, medications, pregnancy_weeks=weeks, local_sites=sites)
    assert tuple(result) == TECHNIQUE_KEYS
    for key, assessment in result.items():
        assert assessment.technique == key
        assert assessment.level in LEVELS
        expected = max((r.level for r in assessment.reasons), key=level_rank, default=OK)
        assert assessment.level == expected
