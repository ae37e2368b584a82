"""Outcome questionnaires: item keys, our own short labels, and scoring exactly as published.

Pure logic with no Flask or database imports (scoring rules: shared/reference/clinical.md §5).

We never ship the official wording of licensed questionnaires (STarT Back: Keele University;
ODI: Mapi Research Trust; RMDQ). Items carry stable keys and short topic labels in our own
words, so a therapist can enter answers from the official form. A practice that holds a licence
can overlay the official text with ``load_licensed_wording``.

Every scorer takes ``answers: Mapping[item_key, answer]`` and never raises on bad answers:
anything unreadable counts as missing. ``QUESTIONNAIRES`` describes each questionnaire as data,
so forms can be generated from it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

# --- Shared pieces ---------------------------------------------------------------------------

BETTER = "better"
WORSE = "worse"
SAME = "same"

# Means of several ratings are floats; compare thresholds with a little slack so that a change
# of exactly 2.0 computed as 1.9999999 still counts.
_EPS = 1e-9


@dataclass(frozen=True)
class Change:
    """Change between two scores: delta (current - baseline), meaningful or not, and direction."""

    delta: float
    is_meaningful: bool
    direction: str  # "better" / "worse" / "same"


def _direction(delta: float, higher_is_better: bool) -> str:
    """Better/worse/same given which way is good."""
    if abs(delta) < _EPS:
        return SAME
    improved = delta > 0 if higher_is_better else delta < 0
    return BETTER if improved else WORSE


def _change(baseline: Any, current: Any, threshold: float, higher_is_better: bool) -> Change | None:
    """Change with a fixed meaningful-change threshold; None if either score is missing."""
    before, after = _number(baseline), _number(current)
    if before is None or after is None:
        return None
    delta = after - before
    meaningful = abs(delta) + _EPS >= threshold
    return Change(delta, meaningful, _direction(delta, higher_is_better))


def _number(value: Any) -> float | None:
    """A finite number from int/float/numeric string, or None (bools are not numbers here)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return value


def _whole(value: Any, low: int, high: int) -> int | None:
    """A whole number in [low, high] (accepts 7, 7.0 or "7"), else None."""
    number = _number(value)
    if number is None or number != int(number) or not low <= number <= high:
        return None
    return int(number)


def round_half_up(value: float) -> int:
    """Round .5 up (Python's round() rounds .5 to even, which would surprise a therapist)."""
    return int(Decimal(str(value)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Item:
    """One questionnaire item: stable key, our short label, and the allowed answers."""

    key: str
    label: str
    answers: tuple[tuple[Any, str], ...]  # (stored value, plain label)


@dataclass(frozen=True)
class Band:
    """A named result group; ``low``/``high`` give the inclusive score range when it has one."""

    key: str
    label: str
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class Score:
    """Uniform scoring result for storage and display; ``details`` holds extra numbers."""

    questionnaire: str
    value: float | None
    band: str | None
    answered: int
    is_complete: bool
    details: tuple[tuple[str, Any], ...] = ()


_SCALE_0_10 = tuple((n, str(n)) for n in range(11))
_AGREE = ((True, "Agree"), (False, "Disagree"))
_TICK = ((True, "Ticked"), (False, "Not ticked"))

# --- NPRS ------------------------------------------------------------------------------------

NPRS_ITEMS = (Item("pain", "Pain right now, from 0 (no pain) to 10 (worst imaginable)", _SCALE_0_10),)


def score_nprs(value: Any) -> int | None:
    """Pain 0-10, or None if missing or invalid."""
    return _whole(value, 0, 10)


def nprs_change(baseline: Any, current: Any) -> Change | None:
    """Meaningful when pain moves by 2+ points or by 30%+ of a non-zero baseline; lower is better."""
    before, after = score_nprs(baseline), score_nprs(current)
    if before is None or after is None:
        return None
    delta = after - before
    meaningful = abs(delta) >= 2 or (before > 0 and abs(delta) >= 0.3 * before - _EPS)
    return Change(delta, meaningful, _direction(delta, higher_is_better=False))


def _nprs_scorer(answers: Mapping[str, Any]) -> Score:
    """NPRS as a uniform Score."""
    value = score_nprs(answers.get("pain"))
    return Score("nprs", value, None, int(value is not None), value is not None)


# --- PSFS ------------------------------------------------------------------------------------

PSFS_MAX_ACTIVITIES = 5
PSFS_ITEMS = tuple(
    Item(f"activity_{n}", f"Activity {n}: 0 (unable) to 10 (as before the problem)", _SCALE_0_10)
    for n in range(1, PSFS_MAX_ACTIVITIES + 1)
)
PSFS_ITEM_KEYS = tuple(item.key for item in PSFS_ITEMS)


def _psfs_ratings(ratings: Any) -> list[int]:
    """Valid 0-10 ratings from a mapping (activity_1..5) or a sequence (first five)."""
    if isinstance(ratings, Mapping):
        values = [ratings.get(key) for key in PSFS_ITEM_KEYS]
    elif isinstance(ratings, (list, tuple)):
        values = list(ratings[:PSFS_MAX_ACTIVITIES])
    else:
        values = []
    return [r for r in (_whole(v, 0, 10) for v in values) if r is not None]


def score_psfs(ratings: Mapping[str, Any] | Iterable[Any]) -> float | None:
    """Mean of the rated activities (missing ones ignored); None if none rated. Higher is better."""
    rated = _psfs_ratings(ratings)
    return sum(rated) / len(rated) if rated else None


def psfs_change(baseline_mean: float | None, current_mean: float | None) -> Change | None:
    """Change in the PSFS mean; 2 points is meaningful; higher is better."""
    return _change(baseline_mean, current_mean, 2, higher_is_better=True)


def psfs_item_change(baseline: int | None, current: int | None) -> Change | None:
    """Change in one PSFS activity; 3 points is meaningful; higher is better."""
    return _change(baseline, current, 3, higher_is_better=True)


def _psfs_scorer(answers: Mapping[str, Any]) -> Score:
    """PSFS as a uniform Score (complete when at least one activity is rated)."""
    rated = _psfs_ratings(answers)
    value = sum(rated) / len(rated) if rated else None
    return Score("psfs", value, None, len(rated), bool(rated))


# --- STarT Back ------------------------------------------------------------------------------

BOTHERSOME_ANSWERS = ("not_at_all", "slightly", "moderately", "very_much", "extremely")
_BOTHERSOME_LABELS = ("Not at all", "Slightly", "Moderately", "Very much", "Extremely")
_BOTHERSOME_SCORING = ("very_much", "extremely")  # only these score 1

#: Our short topic labels, in the official order; NOT Keele's wording.
STARTBACK_ITEMS: tuple[Item, ...] = (
    Item("leg_pain", "Pain spread down the leg(s)", _AGREE),
    Item("neck_shoulder_pain", "Neck or shoulder pain as well", _AGREE),
    Item("walking_limited", "Walking limited by back pain", _AGREE),
    Item("dressing_slower", "Dressing slower because of back pain", _AGREE),
    Item("activity_feels_unsafe", "Feels unsafe to be physically active", _AGREE),
    Item("worrying_thoughts", "Worrying thoughts much of the time", _AGREE),
    Item("pain_never_better", "Feels the pain is awful and will not improve", _AGREE),
    Item("less_enjoyment", "Less enjoyment of usual things", _AGREE),
    Item("bothersomeness", "How much the back pain has bothered them overall",
         tuple(zip(BOTHERSOME_ANSWERS, _BOTHERSOME_LABELS))),
)
STARTBACK_ITEM_KEYS = tuple(item.key for item in STARTBACK_ITEMS)
STARTBACK_PSYCHOSOCIAL_KEYS = STARTBACK_ITEM_KEYS[4:]  # items 5-9

LOW = "low"
MEDIUM = "medium"
HIGH = "high"

STARTBACK_RISK_LABELS = {LOW: "Low risk", MEDIUM: "Medium risk", HIGH: "High risk"}

#: What NICE NG59 advises for each group, in plain words.
STARTBACK_ADVICE = {
    LOW: "Reassurance, clear advice and support for self-management: keeping active, "
         "simple exercise and knowing what to do if the pain changes.",
    MEDIUM: "More support than advice alone: for example a physiotherapy-led exercise programme, "
            "with manual therapy such as massage only as part of a package that includes exercise.",
    HIGH: "More intensive support, such as exercise and manual therapy as part of a package, and "
          "also help with the worries and low mood that come with the pain (for example a "
          "psychological approach such as CBT, through their doctor).",
}


@dataclass(frozen=True)
class StartBackResult:
    """STarT Back result; totals and risk are None unless all 9 answers are present."""

    total: int | None
    psychosocial: int | None
    risk: str | None
    is_complete: bool
    missing: tuple[str, ...] = ()

    @property
    def advice(self) -> str | None:
        """NICE NG59 advice for the risk group, if scored."""
        return STARTBACK_ADVICE.get(self.risk) if self.risk else None


def _agree_point(value: Any) -> int | None:
    """Items 1-8: agree scores 1, disagree 0; accepts True/False or "agree"/"disagree"."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str) and value.strip().lower() in ("agree", "disagree"):
        return int(value.strip().lower() == "agree")
    return None


def _bothersome_point(value: Any) -> int | None:
    """Item 9: 1 only for "very much" or "extremely"."""
    if not isinstance(value, str) or value.strip().lower() not in BOTHERSOME_ANSWERS:
        return None
    return int(value.strip().lower() in _BOTHERSOME_SCORING)


def startback_risk(total: int, psychosocial: int) -> str:
    """Risk group from the total (0-9) and the psychosocial subscale (0-5)."""
    if total <= 3:
        return LOW
    return HIGH if psychosocial >= 4 else MEDIUM


def score_startback(answers: Mapping[str, Any]) -> StartBackResult:
    """Score STarT Back; every one of the 9 answers is needed, else risk is None."""
    answers = answers if isinstance(answers, Mapping) else {}
    points: dict[str, int | None] = {key: _agree_point(answers.get(key)) for key in STARTBACK_ITEM_KEYS[:8]}
    points["bothersomeness"] = _bothersome_point(answers.get("bothersomeness"))
    missing = tuple(key for key in STARTBACK_ITEM_KEYS if points[key] is None)
    if missing:
        return StartBackResult(None, None, None, False, missing)
    total = sum(points.values())  # type: ignore[arg-type]
    psychosocial = sum(points[key] for key in STARTBACK_PSYCHOSOCIAL_KEYS)  # type: ignore[misc]
    return StartBackResult(total, psychosocial, startback_risk(total, psychosocial), True)


def _startback_scorer(answers: Mapping[str, Any]) -> Score:
    """STarT Back as a uniform Score (value = total, band = risk)."""
    result = score_startback(answers)
    answered = len(STARTBACK_ITEM_KEYS) - len(result.missing)
    details = (("psychosocial", result.psychosocial), ("missing", result.missing))
    return Score("startback", result.total, result.risk, answered, result.is_complete, details)


# --- RMDQ ------------------------------------------------------------------------------------

_RMDQ_LABELS = (
    "Stays at home more", "Changes position often for comfort", "Walks more slowly",
    "Not doing usual jobs around the house", "Uses a handrail on stairs", "Lies down more to rest",
    "Holds on to something to get out of a chair", "Asks others to do things for them",
    "Dresses more slowly", "Stands only for short periods", "Avoids bending or kneeling",
    "Finds it hard to get up from a chair", "Pain almost all the time",
    "Finds it hard to turn over in bed", "Appetite not as good", "Trouble putting on socks or tights",
    "Walks only short distances", "Sleeps less well", "Needs help to get dressed",
    "Sits down for most of the day", "Avoids heavy jobs", "More irritable with people",
    "Goes upstairs more slowly", "Stays in bed most of the time",
)
#: Checklist: ticked (True) means the statement applies today. Our labels, not the official text.
RMDQ_ITEMS = tuple(Item(f"item_{n:02d}", label, _TICK) for n, label in enumerate(_RMDQ_LABELS, 1))
RMDQ_ITEM_KEYS = tuple(item.key for item in RMDQ_ITEMS)


def score_rmdq(answers: Mapping[str, Any]) -> int:
    """Number of statements ticked (0-24); only True counts, so unticked and missing are 0."""
    answers = answers if isinstance(answers, Mapping) else {}
    return sum(1 for key in RMDQ_ITEM_KEYS if answers.get(key) is True)


def rmdq_change(baseline: int | None, current: int | None) -> Change | None:
    """Change in RMDQ; 5 points is meaningful; lower is better."""
    return _change(baseline, current, 5, higher_is_better=False)


def _rmdq_scorer(answers: Mapping[str, Any]) -> Score:
    """RMDQ as a uniform Score; a checklist is always complete."""
    return Score("rmdq", score_rmdq(answers), None, len(RMDQ_ITEM_KEYS), True)


# --- ODI -------------------------------------------------------------------------------------

_ODI_SECTIONS = (
    ("pain_intensity", "Pain intensity"), ("personal_care", "Personal care (washing, dressing)"),
    ("lifting", "Lifting"), ("walking", "Walking"), ("sitting", "Sitting"), ("standing", "Standing"),
    ("sleeping", "Sleeping"), ("sex_life", "Sex life"), ("social_life", "Social life"),
    ("travelling", "Travelling"),
)
#: Each section is scored 0 (no limitation) to 5 (most limited): the statement number ticked minus 1.
ODI_ITEMS = tuple(
    Item(key, label, tuple((n, f"Statement {n + 1} (scores {n})") for n in range(6)))
    for key, label in _ODI_SECTIONS
)
ODI_ITEM_KEYS = tuple(item.key for item in ODI_ITEMS)

ODI_BANDS = (
    Band("minimal", "Minimal disability", 0, 20),
    Band("moderate", "Moderate disability", 21, 40),
    Band("severe", "Severe disability", 41, 60),
    Band("crippling", "Very severe disability (published band: 'crippling')", 61, 80),
    Band("bed_bound", "Bed-bound, or symptoms may be overstated (published band)", 81, 100),
)

#: Our choice (clinical.md is silent): with fewer answered sections the score is still computed,
#: but ``OdiResult.is_reliable`` is False so the UI can say "based on only N of 10 sections".
ODI_MIN_RELIABLE_SECTIONS = 8


@dataclass(frozen=True)
class OdiResult:
    """ODI percentage (whole number, .5 rounded up), its band, and how many sections counted."""

    score: int | None
    band: str | None
    answered: int
    raw_sum: int

    @property
    def is_complete(self) -> bool:
        """All 10 sections answered."""
        return self.answered == len(ODI_ITEM_KEYS)

    @property
    def is_reliable(self) -> bool:
        """At least ODI_MIN_RELIABLE_SECTIONS sections answered (our threshold)."""
        return self.answered >= ODI_MIN_RELIABLE_SECTIONS


def odi_band(score: int) -> str | None:
    """Band key for a whole-number ODI score 0-100."""
    return next((b.key for b in ODI_BANDS if b.low <= score <= b.high), None)  # type: ignore[operator]


def score_odi(answers: Mapping[str, Any]) -> OdiResult:
    """Sum / (5 x sections answered) x 100, rounded half up to a whole number; None if none answered."""
    answers = answers if isinstance(answers, Mapping) else {}
    points = [p for p in (_whole(answers.get(key), 0, 5) for key in ODI_ITEM_KEYS) if p is not None]
    if not points:
        return OdiResult(None, None, 0, 0)
    # Rounded before banding so the score shown and the band always agree (e.g. 20.5 -> 21 -> moderate).
    score = round_half_up(sum(points) / (5 * len(points)) * 100)
    return OdiResult(score, odi_band(score), len(points), sum(points))


def odi_change(baseline: int | None, current: int | None) -> Change | None:
    """Change in ODI; 10 points is meaningful; lower is better."""
    return _change(baseline, current, 10, higher_is_better=False)


def _odi_scorer(answers: Mapping[str, Any]) -> Score:
    """ODI as a uniform Score."""
    result = score_odi(answers)
    details = (("raw_sum", result.raw_sum), ("is_reliable", result.is_reliable))
    return Score("odi", result.score, result.band, result.answered, result.is_complete, details)


# --- Registry --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Questionnaire:
    """Everything a form or chart needs to know about one questionnaire."""

    key: str
    name: str
    description: str
    items: tuple[Item, ...]
    scorer: Callable[[Mapping[str, Any]], Score]
    higher_is_better: bool
    meaningful_change: float | None  # None: not a change measure (STarT Back sorts into groups)
    score_range: tuple[float, float]
    bands: tuple[Band, ...] = ()
    licence: str = ""

    @property
    def item_keys(self) -> tuple[str, ...]:
        """Item keys in form order."""
        return tuple(item.key for item in self.items)

    def score(self, answers: Mapping[str, Any]) -> Score:
        """Score a mapping of answers; bad input counts as missing."""
        return self.scorer(answers if isinstance(answers, Mapping) else {})


QUESTIONNAIRES: dict[str, Questionnaire] = {
    q.key: q for q in (
        Questionnaire("nprs", "Pain rating (0-10)", "How strong the pain is right now.",
                      NPRS_ITEMS, _nprs_scorer, False, 2, (0, 10),
                      licence="Free to use. Also meaningful: a 30% change from the first rating."),
        Questionnaire("psfs", "Activities that are hard (PSFS)",
                      "Up to five activities the client finds hard, each rated 0-10.",
                      PSFS_ITEMS, _psfs_scorer, True, 2, (0, 10),
                      licence="Free to use. One activity alone: 3 points is meaningful."),
        Questionnaire("startback", "STarT Back risk screen",
                      "Nine questions that sort back pain into low, medium or high risk of a slow recovery.",
                      STARTBACK_ITEMS, _startback_scorer, False, None, (0, 9),
                      # Groups depend on the total and the subscale together, so no ranges here.
                      bands=tuple(Band(k, v) for k, v in STARTBACK_RISK_LABELS.items()),
                      licence="Keele University: free for non-commercial use; official wording must "
                              "not be changed. Medium vs high depends on the psychosocial subscale."),
        Questionnaire("rmdq", "Roland-Morris disability checklist",
                      "24 everyday limits; the score is how many apply today.",
                      RMDQ_ITEMS, _rmdq_scorer, False, 5, (0, 24),
                      licence="Official wording not included; load it from a licensed copy."),
        Questionnaire("odi", "Oswestry Disability Index",
                      "Ten areas of daily life, each scored 0-5, as a percentage.",
                      ODI_ITEMS, _odi_scorer, False, 10, (0, 100), bands=ODI_BANDS,
                      licence="Mapi Research Trust: wording licensed, not included."),
    )
}


def load_licensed_wording(path: str | Path) -> dict[str, dict[str, str]]:
    """Read {questionnaire: {item: text}} from JSON; return every item's label with official text overlaid.

    Raises ValueError for bad JSON, unknown questionnaire or item keys, or empty text;
    OSError if the file cannot be read.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not valid JSON ({exc.msg}, line {exc.lineno})") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected an object of questionnaires at the top level")
    return {key: _overlay(key, texts, path) for key, texts in data.items()}


def _overlay(key: str, texts: Any, path: str | Path) -> dict[str, str]:
    """Validate one questionnaire's wording and overlay it on our labels."""
    if key not in QUESTIONNAIRES:
        known = ", ".join(QUESTIONNAIRES)
        raise ValueError(f"{path}: unknown questionnaire {key!r} (known: {known})")
    if not isinstance(texts, dict):
        raise ValueError(f"{path}: {key!r} must map item keys to text")
    labels = {item.key: item.label for item in QUESTIONNAIRES[key].items}
    unknown = sorted(set(texts) - set(labels))
    if unknown:
        raise ValueError(f"{path}: unknown item key(s) for {key!r}: {', '.join(map(str, unknown))}")
    for item_key, text in texts.items():
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"{path}: {key}.{item_key} must be non-empty text")
        labels[item_key] = text.strip()
    return labels
