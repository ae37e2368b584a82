"""Red-flag screening: every rule, fail-closed behaviour, garbage input and a property test."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from practice.intake.screening import (
    AGE_KEY, CATEGORIES, CAUTION, CLEAR, EMERGENCY, INCOMPLETE, LEVEL_ACTIONS, LEVEL_LABELS, LEVELS,
    NO, PREFER_NOT, QUESTION_KEYS, RED_FLAG_QUESTIONS, RULES, URGENT, YES, Rule, ScreeningInput,
    ScreeningResult, all_no, level_rank, screen, validate_rules,
)

RULE_LEVELS = {rule.id: rule.level for rule in RULES}


def run(overrides=None, age=40, rules=RULES, **kwargs):
    """Screen an all-"no" form with overrides."""
    return screen(ScreeningInput(answers=all_no(**(overrides or {})), age=age, **kwargs), rules=rules)


def ids(result):
    """Rule ids of a result's findings."""
    return {f.rule_id for f in result.findings}


# (rule id, answer overrides, extra ScreeningInput fields, expected overall level)
TRIGGERS = [
    ("ce_bladder", {"bladder_control_loss": YES}, {}, EMERGENCY),
    ("ce_bladder", {"urination_difficulty": YES}, {}, EMERGENCY),
    ("ce_bowel", {"bowel_control_loss": YES}, {}, EMERGENCY),
    ("ce_saddle_numbness", {"saddle_numbness": YES}, {}, EMERGENCY),
    ("ce_sexual_function", {"sexual_function_loss": YES}, {}, EMERGENCY),
    ("ce_bilateral_sciatica", {"sciatica_both_legs": YES}, {}, EMERGENCY),
    ("ce_leg_weakness", {"leg_weakness": YES}, {}, EMERGENCY),
    ("neuro_leg_numbness", {"leg_numbness": YES}, {}, EMERGENCY),
    ("infection_fever_with_risk", {"fever": YES, "immunosuppressed": YES}, {}, EMERGENCY),
    ("infection_fever_with_risk", {"fever": YES, "iv_drug_use": YES}, {}, EMERGENCY),
    ("infection_fever_with_risk", {"fever": YES, "recent_infection": YES}, {}, EMERGENCY),
    ("infection_fever_with_risk", {"fever": YES}, {"immunosuppressed": True}, EMERGENCY),
    ("infection_fever_with_risk", {"fever": YES}, {"long_term_steroids": True}, EMERGENCY),
    ("cancer_new_neuro", {"past_cancer": YES, "leg_numbness": YES}, {}, EMERGENCY),
    ("cancer_new_neuro", {"past_cancer": YES, "leg_weakness": YES}, {}, EMERGENCY),
    ("cancer_history", {"past_cancer": YES}, {}, URGENT),
    ("weight_loss", {"weight_loss": YES}, {}, URGENT),
    ("night_pain", {"night_pain": YES}, {}, URGENT),
    ("major_trauma", {"major_trauma": YES}, {}, URGENT),
    ("fever", {"fever": YES}, {}, URGENT),
    ("structural_deformity", {"structural_deformity": YES}, {}, URGENT),
    ("central_pain_lying", {"central_pain_lying": YES}, {}, URGENT),
    ("minor_trauma_fragile_bones", {"minor_trauma": YES}, {"osteoporosis": True}, CAUTION),
    ("minor_trauma_fragile_bones", {"minor_trauma": YES}, {"long_term_steroids": True}, CAUTION),
    ("new_pain_age", {"new_pain": YES}, {"age": 51}, CAUTION),
    ("new_pain_age", {"new_pain": YES}, {"age": 19}, CAUTION),
    ("older_age", {}, {"age": 66, "sex": "male"}, CAUTION),
    ("older_age", {}, {"age": 76, "sex": "female"}, CAUTION),
    ("older_age", {}, {"age": 66, "sex": None}, CAUTION),
    ("no_improvement_month", {"no_improvement_month": YES}, {}, CAUTION),
    ("pain_several_sites", {"pain_several_sites": YES}, {}, CAUTION),
    ("inflammatory_pattern", {"morning_stiffness": YES}, {}, CAUTION),
    ("inflammatory_pattern", {"alternating_buttock_pain": YES}, {}, CAUTION),
    ("inflammatory_pattern", {"waking_late_night": YES}, {}, CAUTION),
    ("infection_risk", {"immunosuppressed": YES}, {}, CAUTION),
    ("infection_risk", {"iv_drug_use": YES}, {}, CAUTION),
    ("infection_risk", {"recent_infection": YES}, {}, CAUTION),
    ("infection_risk", {}, {"immunosuppressed": True}, CAUTION),
]

# (rule id, answer overrides, extra fields): answers or facts just short of the rule.
NEAR_MISSES = [
    ("infection_fever_with_risk", {"fever": YES}, {}),
    ("infection_fever_with_risk", {"iv_drug_use": YES}, {}),
    ("cancer_new_neuro", {"past_cancer": YES}, {}),
    ("cancer_new_neuro", {"leg_numbness": YES}, {}),
    ("minor_trauma_fragile_bones", {"minor_trauma": YES}, {}),
    ("minor_trauma_fragile_bones", {}, {"osteoporosis": True, "long_term_steroids": True}),
    ("minor_trauma_fragile_bones", {"minor_trauma": YES}, {"osteoporosis": None}),
    ("new_pain_age", {"new_pain": YES}, {"age": 50}),
    ("new_pain_age", {"new_pain": YES}, {"age": 20}),
    ("new_pain_age", {}, {"age": 60}),
    ("older_age", {}, {"age": 65, "sex": "male"}),
    ("older_age", {}, {"age": 75, "sex": "female"}),
    ("older_age", {}, {"age": 70, "sex": "female"}),
    ("older_age", {}, {"age": 65, "sex": None}),
]


def test_every_rule_has_a_trigger_row():
    assert {row[0] for row in TRIGGERS} == set(RULE_LEVELS)


@pytest.mark.parametrize("rule_id, overrides, extra, expected", TRIGGERS)
def test_rule_triggers_at_its_level(rule_id, overrides, extra, expected):
    extra = {"age": 40, **extra}
    result = screen(ScreeningInput(answers=all_no(**overrides), **extra))
    assert rule_id in ids(result)
    assert result.level == expected
    finding = next(f for f in result.findings if f.rule_id == rule_id)
    assert finding.level == RULE_LEVELS[rule_id]
    assert finding.reason and finding.action and finding.source
    assert finding.answers, "a finding must show the answers behind it"


@pytest.mark.parametrize("rule_id", sorted(RULE_LEVELS))
def test_rule_silent_when_all_answers_are_no(rule_id):
    result = run()
    assert rule_id not in ids(result)
    assert result.level == CLEAR


@pytest.mark.parametrize("rule_id, overrides, extra", NEAR_MISSES)
def test_rule_silent_just_short_of_its_condition(rule_id, overrides, extra):
    extra = {"age": 40, **extra}
    result = screen(ScreeningInput(answers=all_no(**overrides), **extra))
    assert rule_id not in ids(result)


def test_finding_answers_show_the_yes_answers():
    finding = run({"urination_difficulty": YES}).findings[0]
    assert finding.answers == (("urination_difficulty", RED_FLAG_QUESTIONS[1].text, YES),)


def test_finding_answers_include_age_and_flags():
    result = run({"minor_trauma": YES, "new_pain": YES}, age=70, sex="female", osteoporosis=True)
    by_id = {f.rule_id: f for f in result.findings}
    osteo = ("osteoporosis", "Osteoporosis (health history)", YES)
    assert osteo in by_id["minor_trauma_fragile_bones"].answers
    assert (AGE_KEY, "Age", "70") in by_id["new_pain_age"].answers


def test_findings_sorted_highest_first():
    result = run({"past_cancer": YES, "saddle_numbness": YES, "pain_several_sites": YES})
    ranks = [level_rank(f.level) for f in result.findings]
    assert ranks == sorted(ranks, reverse=True)


# --- fails closed ----------------------------------------------------------------------------

@pytest.mark.parametrize("value", [None, "", "maybe", 1, True, ["yes"]])
def test_unreadable_answer_makes_screen_incomplete(value):
    result = run({"night_pain": value})
    assert result.level == INCOMPLETE
    assert "night_pain" in result.unanswered
    assert result.declined == ()


def test_missing_key_makes_screen_incomplete():
    answers = all_no()
    del answers["saddle_numbness"]
    result = screen(ScreeningInput(answers=answers, age=40))
    assert result.level == INCOMPLETE
    assert result.unanswered == ("saddle_numbness",)


def test_prefer_not_is_declined_and_incomplete():
    result = run({"iv_drug_use": PREFER_NOT})
    assert result.level == INCOMPLETE
    assert result.declined == ("iv_drug_use",)
    assert result.unanswered == ("iv_drug_use",)
    assert result.needs_action


def test_unknown_age_makes_screen_incomplete():
    result = run(age=None)
    assert result.level == INCOMPLETE
    assert result.unanswered == (AGE_KEY,)
    assert "age" in result.summary


@pytest.mark.parametrize("overrides, expected", [
    ({"saddle_numbness": YES, "fever": None}, EMERGENCY),
    ({"bladder_control_loss": YES, "night_pain": PREFER_NOT}, EMERGENCY),
    ({"weight_loss": YES, "fever": None}, URGENT),
    ({"pain_several_sites": YES, "fever": None}, INCOMPLETE),  # caution never hides a gap
])
def test_answered_findings_still_rank_against_gaps(overrides, expected):
    result = run(overrides)
    assert result.level == expected
    assert result.unanswered


def _broken(rule_id, when, level=CAUTION):
    """A rule with a given (possibly malformed) condition or level."""
    return Rule(rule_id, "fracture", level, when, "r", "a", "s")


@pytest.mark.parametrize("bad_rule", [
    _broken("bad_operator", {"nope": 1}),
    _broken("bad_key", "no_such_question"),
    _broken("empty_any", {"any": []}),
    _broken("two_ops", {"any": ["fever"], "all": ["fever"]}),
    _broken("bad_age", {"age_over": "fifty"}),
    _broken("bad_flag", {"flag": "no_such_flag"}),
    _broken("bad_sex_map", {"age_over_by_sex": {"other": 3}}),
    _broken("bad_level", "fever", level="whatever"),
    _broken("clear_level", "fever", level=CLEAR),
    _broken("nested_bad", {"all": ["fever", {"any": [None]}]}),
])
def test_malformed_rule_fails_closed(bad_rule):
    result = run(rules=RULES + (bad_rule,))
    assert result.level == INCOMPLETE
    assert result.errors == (bad_rule.id,)


def test_malformed_rule_does_not_hide_an_emergency():
    result = run({"saddle_numbness": YES}, rules=(_broken("bad", {"nope": 1}),) + RULES)
    assert result.level == EMERGENCY
    assert result.errors == ("bad",)


def test_non_rule_objects_in_rules_fail_closed():
    result = run(rules=RULES + ("not a rule", None))
    assert result.level == INCOMPLETE
    assert result.errors == ("rule[23]", "rule[24]")


def test_rules_that_are_not_iterable_fail_closed():
    result = run(rules=42)
    assert result.level == INCOMPLETE
    assert result.errors == ("screen",)


@pytest.mark.parametrize("inp", [
    None, 42, "yes", [], {"fever": YES},
    ScreeningInput(answers=None, age=40),
    ScreeningInput(answers=["fever"], age=40),
    ScreeningInput(answers={1: 2, None: "yes"}, age=40),
    ScreeningInput(answers=all_no(), age="40"),
    ScreeningInput(answers=all_no(), age=-5),
    ScreeningInput(answers=all_no(), age=10**12),
    ScreeningInput(answers=all_no(), age=True),
    ScreeningInput(answers=all_no(), age=40.5),
    ScreeningInput(answers=all_no(fever=True), age=40, sex=7, osteoporosis="yes"),
])
def test_garbage_never_raises_and_never_looks_clear(inp):
    result = screen(inp)
    assert isinstance(result, ScreeningResult)
    assert level_rank(result.level) >= level_rank(INCOMPLETE)
    assert result.summary


def test_answers_are_trimmed_and_case_insensitive():
    answers = {key: " No " for key in QUESTION_KEYS}
    answers["weight_loss"] = "YES"
    assert screen(ScreeningInput(answers=answers, age=40)).level == URGENT


def test_flags_count_only_when_true():
    result = run({"minor_trauma": YES}, osteoporosis="yes", long_term_steroids=1)
    assert "minor_trauma_fragile_bones" not in ids(result)


# --- data and helpers ------------------------------------------------------------------------

def test_validate_rules_passes_on_shipped_rules():
    assert validate_rules(RULES) == ()


@pytest.mark.parametrize("bad_rule, problem", [
    (_broken("x", "no_such_question"), "unknown question key"),
    (_broken("x", {"all": ["fever", {"any": ["nope"]}]}), "unknown question key 'nope'"),
    (_broken("x", {"frob": 1}), "unknown operator"),
    (_broken("x", {"flag": "nope"}), "unknown flag"),
    (_broken("x", {"age_over": "50"}), "whole number"),
    (_broken("x", "fever", level="panic"), "level"),
    (Rule("x", "astrology", CAUTION, "fever", "r", "a", "s"), "category"),
    (Rule("x", "fracture", CAUTION, "fever", "r", "a", ""), "source"),
])
def test_validate_rules_reports_problems(bad_rule, problem):
    problems = validate_rules((bad_rule,))
    assert any(problem in p for p in problems), problems


def test_validate_rules_reports_duplicates():
    assert any("duplicate" in p for p in validate_rules(RULES + (RULES[0],)))


def test_questions_are_unique_snake_case_and_categorised():
    keys = [q.key for q in RED_FLAG_QUESTIONS]
    assert len(keys) == len(set(keys))
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", k) for k in keys)
    assert {q.category for q in RED_FLAG_QUESTIONS} == set(CATEGORIES)
    assert all(q.text.endswith("?") and q.hint for q in RED_FLAG_QUESTIONS)


@pytest.mark.parametrize("key", [
    "bladder_control_loss", "urination_difficulty", "bowel_control_loss", "saddle_numbness",
    "sexual_function_loss", "sciatica_both_legs", "leg_weakness", "leg_numbness", "past_cancer",
    "weight_loss", "night_pain", "no_improvement_month", "pain_several_sites",
    "structural_deformity", "new_pain", "fever", "immunosuppressed", "iv_drug_use",
    "recent_infection", "major_trauma", "minor_trauma", "central_pain_lying", "morning_stiffness",
    "alternating_buttock_pain", "waking_late_night",
])
def test_every_clinical_flag_has_a_question(key):
    assert key in QUESTION_KEYS


def test_every_question_is_used_by_a_rule():
    used = " ".join(repr(rule.when) for rule in RULES)
    assert all(f"'{key}'" in used for key in QUESTION_KEYS)


def test_levels_order():
    assert [level_rank(x) for x in (CLEAR, CAUTION, INCOMPLETE, URGENT, EMERGENCY)] == [0, 1, 2, 3, 4]
    assert set(LEVEL_LABELS) == set(LEVEL_ACTIONS) == set(LEVELS)
    with pytest.raises(ValueError):
        level_rank("panic")


@pytest.mark.parametrize("overrides, age, needs_action", [
    ({"saddle_numbness": YES}, 40, True),
    ({"past_cancer": YES}, 40, True),
    ({"fever": None}, 40, True),
    ({"pain_several_sites": YES}, 40, False),
    ({}, 40, False),
])
def test_needs_action_and_summary(overrides, age, needs_action):
    result = run(overrides, age=age)
    assert result.needs_action is needs_action
    assert result.summary.endswith(".")
    assert result.label == LEVEL_LABELS[result.level]


# --- property --------------------------------------------------------------------------------

_ANSWER = st.one_of(st.sampled_from([YES, NO, PREFER_NOT, None]), st.text(max_size=8))
_FLAG = st.one_of(st.booleans(), st.none())


@settings(max_examples=300, deadline=None)
@given(
    answers=st.dictionaries(st.sampled_from(QUESTION_KEYS), _ANSWER),
    age=st.one_of(st.none(), st.integers(min_value=-10**9, max_value=10**9)),
    sex=st.one_of(st.none(), st.sampled_from(["female", "male"]), st.text(max_size=6)),
    osteoporosis=_FLAG, steroids=_FLAG, immunosuppressed=_FLAG,
)
def test_property_never_clear_with_gaps(answers, age, sex, osteoporosis, steroids, immunosuppressed):
    inp = ScreeningInput(answers, age, sex, osteoporosis, steroids, immunosuppressed)
    result = screen(inp)
    assert result.level in LEVELS
    assert result.errors == ()
    all_answered = all(
        isinstance(answers.get(k), str) and answers[k].strip().lower() in (YES, NO) for k in QUESTION_KEYS
    )
    if result.level == CLEAR:
        assert all_answered and 0 <= age <= 130
    if not all_answered:
        assert level_rank(result.level) >= level_rank(INCOMPLETE)


def test_the_rule_modules_import_no_web_or_database_code():
    """Screening, contraindication and scoring rules are pure: only the standard library and each other."""
    import ast
    from pathlib import Path

    package = Path(__file__).resolve().parents[2] / "practice" / "intake"
    pure = ("screening", "contraindications", "questionnaires", "assessment", "body_regions")
    for name in pure:
        tree = ast.parse((package / f"{name}.py").read_text())
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)} | {
            alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        outside = {module for module in imported if module and module.split(".")[0] in ("flask", "sqlalchemy", "wtforms")
                   or (module.startswith("practice") and module not in ("practice.intake",)
                       and module.rsplit(".", 1)[-1] not in pure)}
        assert outside == set(), f"{name} imports {outside}"


def test_a_kept_result_reads_back_whole():
    """The result saved with an intake is what the pages show: every finding, answer and gap comes back."""
    result = run({"minor_trauma": YES, "new_pain": YES, "fever": PREFER_NOT}, age=70, sex="female", osteoporosis=True)
    assert ScreeningResult.from_json(result.to_json()) == result
    assert ScreeningResult.from_json(run().to_json()) == run()


@pytest.mark.parametrize("kept", [None, {}, {"level": "fine"}, {"level": CLEAR, "findings": [{"rule_id": "x"}]}])
def test_an_unreadable_kept_result_fails_closed(kept):
    result = ScreeningResult.from_json(kept)
    assert result.level == INCOMPLETE and result.needs_action
