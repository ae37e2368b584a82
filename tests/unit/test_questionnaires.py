"""Questionnaire scoring: worked examples, boundaries, meaningful change and licensed wording."""

import json
import math

import pytest

from practice.intake.questionnaires import (
    BETTER, HIGH, LOW, MEDIUM, ODI_ITEM_KEYS, ODI_ITEMS, PSFS_ITEM_KEYS, QUESTIONNAIRES, RMDQ_ITEM_KEYS,
    SAME, STARTBACK_ADVICE, STARTBACK_ITEM_KEYS, STARTBACK_ITEMS, WORSE, Score, load_licensed_wording,
    nprs_change, odi_band, odi_change, psfs_change, psfs_item_change, rmdq_change, round_half_up,
    score_nprs, score_odi, score_psfs, score_rmdq, score_startback, startback_risk,
)

# --- NPRS ------------------------------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [
    (0, 0), (10, 10), (7, 7), ("7", 7), (7.0, 7), (" 3 ", 3),
    (11, None), (-1, None), (None, None), ("abc", None), (True, None), (7.5, None), (math.nan, None),
])
def test_score_nprs(value, expected):
    assert score_nprs(value) == expected


@pytest.mark.parametrize("baseline, current, delta, meaningful, direction", [
    (6, 4, -2, True, BETTER),     # 2 points
    (6, 5, -1, False, BETTER),    # 1 point = 17%: not meaningful
    (10, 8, -2, True, BETTER),
    (10, 9, -1, False, BETTER),
    (3, 2, -1, True, BETTER),     # 33% of baseline
    (4, 3, -1, False, BETTER),    # 25% of baseline
    (4, 6, 2, True, WORSE),
    (0, 1, 1, False, WORSE),      # no percentage of a zero baseline
    (0, 2, 2, True, WORSE),
    (5, 5, 0, False, SAME),
])
def test_nprs_change(baseline, current, delta, meaningful, direction):
    change = nprs_change(baseline, current)
    assert (change.delta, change.is_meaningful, change.direction) == (delta, meaningful, direction)


@pytest.mark.parametrize("baseline, current", [(None, 3), (3, None), (3, 12)])
def test_nprs_change_needs_two_valid_scores(baseline, current):
    assert nprs_change(baseline, current) is None


# --- PSFS ------------------------------------------------------------------------------------


@pytest.mark.parametrize("ratings, expected", [
    ({"activity_1": 7, "activity_2": 5, "activity_3": 6}, 6.0),          # 3 of 5 rated
    ({"activity_1": 2, "activity_4": 3, "activity_5": None}, 2.5),
    ([4, None, 5, "x", 6], 5.0),
    ([10, 10, 10, 10, 10], 10.0),
    ([0, 1, 2, 3, 4, 10], 2.0),  # only the first five count
    ({}, None),
    ([None, 11, -1], None),
    (None, None),
])
def test_score_psfs(ratings, expected):
    assert score_psfs(ratings) == expected


@pytest.mark.parametrize("baseline, current, meaningful, direction", [
    (4.0, 6.0, True, BETTER),
    (4.0, 5.9, False, BETTER),
    (6.0, 4.0, True, WORSE),
    (score_psfs([1, 2, 2]), score_psfs([4, 4, 3]), True, BETTER),  # 1.67 -> 3.67 in floats
    (5.0, 5.0, False, SAME),
])
def test_psfs_change(baseline, current, meaningful, direction):
    change = psfs_change(baseline, current)
    assert (change.is_meaningful, change.direction) == (meaningful, direction)


@pytest.mark.parametrize("baseline, current, meaningful", [(3, 6, True), (3, 5, False), (8, 5, True)])
def test_psfs_item_change(baseline, current, meaningful):
    assert psfs_item_change(baseline, current).is_meaningful is meaningful


def test_psfs_change_needs_two_scores():
    assert psfs_change(None, 4.0) is None


# --- STarT Back ------------------------------------------------------------------------------


def startback(agree=(), bothersome="not_at_all"):
    """Answers with the given item numbers (1-8) agreed."""
    answers = {key: (n in agree) for n, key in enumerate(STARTBACK_ITEM_KEYS[:8], 1)}
    answers["bothersomeness"] = bothersome
    return answers


@pytest.mark.parametrize("agree, bothersome, total, subscale, risk", [
    ((), "not_at_all", 0, 0, LOW),
    ((1, 2, 3), "moderately", 3, 0, LOW),            # total 3: low
    ((1, 2, 3, 4), "moderately", 4, 0, MEDIUM),      # total 4: medium
    ((5, 6, 7), "slightly", 3, 3, LOW),              # total 3 wins even with subscale 3
    ((1, 5, 6, 7), "slightly", 4, 3, MEDIUM),        # subscale 3: medium
    ((5, 6, 7, 8), "slightly", 4, 4, HIGH),          # subscale 4: high
    ((1, 2, 3, 4, 5, 6, 7, 8), "extremely", 9, 5, HIGH),
    ((1, 2, 3), "very_much", 4, 1, MEDIUM),          # very much scores 1
    ((1, 2, 3), "extremely", 4, 1, MEDIUM),          # extremely scores 1
])
def test_startback_scoring(agree, bothersome, total, subscale, risk):
    result = score_startback(startback(agree, bothersome))
    got = (result.total, result.psychosocial, result.risk, result.is_complete)
    assert got == (total, subscale, risk, True)
    assert result.advice == STARTBACK_ADVICE[risk]


def test_startback_accepts_agree_disagree_strings():
    answers = {key: "agree" for key in STARTBACK_ITEM_KEYS[:8]}
    answers["bothersomeness"] = "very_much"
    assert score_startback(answers).total == 9


@pytest.mark.parametrize("change, missing", [
    ({"bothersomeness": None}, ("bothersomeness",)),
    ({"bothersomeness": "maybe"}, ("bothersomeness",)),
    ({"leg_pain": None, "less_enjoyment": "yes please"}, ("leg_pain", "less_enjoyment")),
])
def test_startback_incomplete_has_no_risk(change, missing):
    answers = {**startback((1, 2, 3, 4, 5)), **change}
    result = score_startback(answers)
    assert (result.total, result.risk, result.is_complete, result.missing) == (None, None, False, missing)
    assert result.advice is None


@pytest.mark.parametrize("total, subscale, risk", [(3, 3, LOW), (4, 3, MEDIUM), (4, 4, HIGH), (9, 5, HIGH)])
def test_startback_risk_boundaries(total, subscale, risk):
    assert startback_risk(total, subscale) == risk


def test_startback_advice_and_labels():
    assert set(STARTBACK_ADVICE) == {LOW, MEDIUM, HIGH}
    assert "self" in STARTBACK_ADVICE[LOW] and "psycholog" in STARTBACK_ADVICE[HIGH]
    # Our own short labels, not the official statements.
    assert all(len(item.label) <= 50 and "2 weeks" not in item.label for item in STARTBACK_ITEMS)


# --- RMDQ ------------------------------------------------------------------------------------


@pytest.mark.parametrize("ticked, expected", [(0, 0), (5, 5), (24, 24)])
def test_score_rmdq(ticked, expected):
    answers = {key: n < ticked for n, key in enumerate(RMDQ_ITEM_KEYS)}
    assert score_rmdq(answers) == expected


def test_rmdq_counts_only_true_ticks():
    assert score_rmdq({"item_01": True, "item_02": "yes", "item_03": 1, "item_99": True}) == 1
    assert len(RMDQ_ITEM_KEYS) == 24


@pytest.mark.parametrize("baseline, current, meaningful, direction", [
    (12, 7, True, BETTER), (12, 8, False, BETTER), (7, 12, True, WORSE),
])
def test_rmdq_change(baseline, current, meaningful, direction):
    change = rmdq_change(baseline, current)
    assert (change.is_meaningful, change.direction) == (meaningful, direction)


# --- ODI -------------------------------------------------------------------------------------


def odi(points):
    """Answers for the first len(points) sections."""
    return dict(zip(ODI_ITEM_KEYS, points))


@pytest.mark.parametrize("points, score, band, answered", [
    ([0] * 10, 0, "minimal", 10),
    ([5] * 10, 100, "bed_bound", 10),
    ([2] * 8, 40, "moderate", 8),             # sum 16 over 8 sections = 40
    ([1] * 10, 20, "minimal", 10),            # 10/50 = 20
    ([2, 1, 1, 1, 1, 1, 1, 1, 1, 1], 22, "moderate", 10),
    ([1, 0, 0, 0, 0, 0, 0, 0], 3, "minimal", 8),   # 2.5 rounds half up to 3
    ([3, 3, 3], 60, "severe", 3),
    ([1, 0, 0], 7, "minimal", 3),             # 6.67 -> 7
])
def test_score_odi(points, score, band, answered):
    result = score_odi(odi(points))
    assert (result.score, result.band, result.answered) == (score, band, answered)


def test_odi_two_missing_sections():
    answers = odi([2] * 10)
    answers["sex_life"] = None
    answers["travelling"] = "n/a"
    result = score_odi(answers)
    assert (result.score, result.answered, result.raw_sum, result.is_complete, result.is_reliable) == (
        40, 8, 16, False, True)


def test_odi_few_sections_computed_but_flagged():
    result = score_odi(odi([4] * 7))
    assert result.score == 80 and result.is_reliable is False


@pytest.mark.parametrize("answers", [{}, {"pain_intensity": 6}, {"walking": -1}, None])
def test_odi_nothing_answered(answers):
    result = score_odi(answers)
    assert (result.score, result.band, result.answered) == (None, None, 0)


@pytest.mark.parametrize("score, band", [
    (0, "minimal"), (20, "minimal"), (21, "moderate"), (40, "moderate"), (41, "severe"),
    (60, "severe"), (61, "crippling"), (80, "crippling"), (81, "bed_bound"), (100, "bed_bound"),
])
def test_odi_band_boundaries(score, band):
    assert odi_band(score) == band


@pytest.mark.parametrize("baseline, current, meaningful, direction", [
    (40, 30, True, BETTER), (40, 31, False, BETTER), (30, 40, True, WORSE), (None, 30, None, None),
])
def test_odi_change(baseline, current, meaningful, direction):
    change = odi_change(baseline, current)
    if meaningful is None:
        assert change is None
    else:
        assert (change.is_meaningful, change.direction) == (meaningful, direction)


@pytest.mark.parametrize("value, expected", [(2.5, 3), (3.5, 4), (22.5, 23), (6.4999, 6), (0.5, 1)])
def test_round_half_up(value, expected):
    assert round_half_up(value) == expected


# --- registry --------------------------------------------------------------------------------


def test_registry_keys_and_items():
    assert set(QUESTIONNAIRES) == {"nprs", "psfs", "startback", "rmdq", "odi"}
    assert QUESTIONNAIRES["startback"].item_keys == STARTBACK_ITEM_KEYS
    assert QUESTIONNAIRES["odi"].item_keys == ODI_ITEM_KEYS
    assert QUESTIONNAIRES["psfs"].item_keys == PSFS_ITEM_KEYS
    assert [q.meaningful_change for q in QUESTIONNAIRES.values()] == [2, 2, None, 5, 10]
    for q in QUESTIONNAIRES.values():
        assert len(set(q.item_keys)) == len(q.items)
        assert all(item.label and item.answers for item in q.items)


@pytest.mark.parametrize("key, answers, value, band, complete", [
    ("nprs", {"pain": 6}, 6, None, True),
    ("nprs", {}, None, None, False),
    ("psfs", {"activity_1": 4, "activity_2": 6}, 5.0, None, True),
    ("startback", startback((5, 6, 7, 8)), 4, HIGH, True),
    ("startback", {}, None, None, False),
    ("rmdq", {"item_01": True, "item_24": True}, 2, None, True),
    ("odi", odi([2] * 8), 40, "moderate", False),
    ("odi", "garbage", None, None, False),
])
def test_registry_scorers(key, answers, value, band, complete):
    score = QUESTIONNAIRES[key].score(answers)
    assert isinstance(score, Score)
    assert (score.value, score.band, score.is_complete) == (value, band, complete)


def test_odi_answers_are_zero_to_five():
    assert all([v for v, _ in item.answers] == [0, 1, 2, 3, 4, 5] for item in ODI_ITEMS)


# --- licensed wording ------------------------------------------------------------------------


def write(tmp_path, data):
    """Write a wording file (a dict as JSON, or raw text) and return its path."""
    path = tmp_path / "wording.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def test_load_licensed_wording_overlays_labels(tmp_path):
    path = write(tmp_path, {"odi": {"pain_intensity": "Official section 1 text"}})
    labels = load_licensed_wording(path)
    assert labels["odi"]["pain_intensity"] == "Official section 1 text"
    assert labels["odi"]["walking"] == "Walking"   # our label where none is given
    assert list(labels) == ["odi"]


@pytest.mark.parametrize("data, message", [
    ({"sf36": {"q1": "x"}}, "unknown questionnaire 'sf36'"),
    ({"odi": {"pain_intensity": "x", "question_11": "y"}}, "unknown item key(s) for 'odi': question_11"),
    ({"odi": {"pain_intensity": ""}}, "non-empty text"),
    ({"odi": ["not", "a", "mapping"]}, "must map item keys"),
    (["odi"], "top level"),
    ("{not json", "not valid JSON"),
])
def test_load_licensed_wording_rejects_bad_files(tmp_path, data, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_licensed_wording(write(tmp_path, data))
