"""Red-flag screening for back pain: answers in, a levelled result out.

Pure logic with no Flask or database imports. The rules are data (``RULES``) and every rule
cites the source it comes from (see shared/reference/clinical.md, sections 1 and 2), so a
clinician can check each one. The screen supports the therapist's judgement; it never
diagnoses.

How to use it::

    result = screen(ScreeningInput(answers={"saddle_numbness": YES, ...}, age=52, sex="female"))
    result.level         # "emergency" | "urgent" | "incomplete" | "caution" | "clear"
    result.findings      # what was found, why it matters, what to do, and the answers behind it
    result.unanswered    # question keys still to go through in person ("age" if age is unknown)

Fail-closed design: a missing, declined ("prefer not to say") or unreadable answer, an unknown
age, or a rule that cannot be evaluated makes the result at least ``incomplete`` ("needs review
in person"), never ``clear``. ``screen`` never raises.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# --- Answers ---------------------------------------------------------------------------------

YES = "yes"
NO = "no"
PREFER_NOT = "prefer_not"
ANSWERS = (YES, NO, PREFER_NOT)
ANSWER_LABELS = {YES: "Yes", NO: "No", PREFER_NOT: "Prefer not to say"}

# --- Levels ----------------------------------------------------------------------------------

EMERGENCY = "emergency"
URGENT = "urgent"
INCOMPLETE = "incomplete"
CAUTION = "caution"
CLEAR = "clear"

#: Lowest to highest. Incomplete ranks above caution so that a screen with a gap never looks
#: better than "needs review"; emergency and urgent findings still outrank a gap.
LEVELS = (CLEAR, CAUTION, INCOMPLETE, URGENT, EMERGENCY)
_RANK = {level: rank for rank, level in enumerate(LEVELS)}

LEVEL_LABELS = {
    EMERGENCY: "Emergency — do not treat",
    URGENT: "Urgent — see a doctor before treatment",
    INCOMPLETE: "Incomplete — needs review in person",
    CAUTION: "Caution — treat with changes",
    CLEAR: "Clear — no red flags in the answers given",
}

LEVEL_ACTIONS = {
    EMERGENCY: (
        "Do not treat. Advise the client to get emergency care today (A&E / emergency "
        "department). Write down what you advised."
    ),
    URGENT: (
        "Do not start treatment. Advise the client to see their doctor promptly, within the "
        "next few days, and to take this screen with them."
    ),
    INCOMPLETE: (
        "Some answers are missing. Go through the open questions with the client in person "
        "before any treatment."
    ),
    CAUTION: (
        "Treat only with the changes shown, and suggest the client asks their GP for a review."
    ),
    CLEAR: (
        "No red flags in the answers given. Ask again about any changes at each visit."
    ),
}


def level_rank(level: str) -> int:
    """Return the rank of a level (0 = clear ... 4 = emergency); ValueError if unknown."""
    try:
        return _RANK[level]
    except (KeyError, TypeError):
        raise ValueError(f"unknown screening level: {level!r}") from None


# --- Questions -------------------------------------------------------------------------------

CATEGORIES = {
    "cauda_equina": "Pressure on the nerves at the base of the spine",
    "neurological": "Nerve symptoms in the legs",
    "malignancy": "Signs that need a cancer check",
    "infection": "Signs of a possible infection",
    "fracture": "Signs of a possible broken bone",
    "inflammatory": "Signs of an inflammatory back condition",
}


@dataclass(frozen=True)
class Question:
    """One yes/no red-flag question; ``key`` is stable (stored in the database and JSON)."""

    key: str
    text: str
    category: str
    hint: str


_CHECK_TODAY = "We ask because this needs checking by a doctor straight away."
_CHECK_SOON = "We ask because this is worth checking with a doctor."

RED_FLAG_QUESTIONS: tuple[Question, ...] = (
    # Cauda equina (NICE CKS; BASS 2018)
    Question("bladder_control_loss",
             "Since the back pain began, have you lost control of your bladder "
             "(unable to pass urine, or leaking without warning)?",
             "cauda_equina", _CHECK_TODAY),
    Question("urination_difficulty",
             "In the last two weeks, has it become hard to start passing urine?",
             "cauda_equina", _CHECK_TODAY),
    Question("bowel_control_loss",
             "Have you lost control of your bowels, or had an accident you could not feel coming?",
             "cauda_equina", _CHECK_TODAY),
    Question("saddle_numbness",
             "Is there numbness between your legs, around your bottom or genitals "
             "(the area that would touch a saddle)?",
             "cauda_equina", _CHECK_TODAY),
    Question("sexual_function_loss",
             "Have you noticed a new loss of sexual function or feeling?",
             "cauda_equina", _CHECK_TODAY),
    Question("sciatica_both_legs",
             "Does pain run down both legs, or has leg pain on one side spread to both sides?",
             "cauda_equina", _CHECK_TODAY),
    Question("leg_weakness",
             "Are your legs severely weak or getting weaker, or is walking becoming difficult?",
             "cauda_equina", _CHECK_TODAY),
    # Neurological
    Question("leg_numbness",
             "Do you have new or worsening numbness or tingling in your legs?",
             "neurological", _CHECK_TODAY),
    # Malignancy (NICE CKS; Henschke 2013; Chou 2007)
    Question("past_cancer",
             "Have you ever had cancer?",
             "malignancy", _CHECK_SOON),
    Question("weight_loss",
             "Have you lost weight recently without trying?",
             "malignancy", _CHECK_SOON),
    Question("night_pain",
             "Do you have pain at night that does not ease when you change position?",
             "malignancy", _CHECK_SOON),
    Question("no_improvement_month",
             "Has the pain gone on for more than a month without getting any better?",
             "malignancy", _CHECK_SOON),
    Question("pain_several_sites",
             "Do you have pain in several different parts of your body at once?",
             "malignancy", _CHECK_SOON),
    Question("structural_deformity",
             "Have you noticed a new change in the shape of your back, such as a hump or a curve?",
             "malignancy", _CHECK_SOON),
    Question("new_pain",
             "Is this a new back problem for you, rather than one you have had on and off for years?",
             "malignancy",
             "Back pain that starts for the first time under 20 or over 50 is worth checking."),
    # Infection
    Question("fever",
             "Have you had a fever, chills or night sweats with this pain?",
             "infection", _CHECK_SOON),
    Question("immunosuppressed",
             "Does your immune system work less well because of an illness or medicine "
             "(for example long-term steroid tablets, chemotherapy, HIV, or after a transplant)?",
             "infection", _CHECK_SOON),
    Question("iv_drug_use",
             "Do you inject drugs, or have you done so recently?",
             "infection",
             "We ask because it changes how safe massage is; your answer stays private."),
    Question("recent_infection",
             "Have you recently had a bacterial infection (such as a urine infection) "
             "or a wound that went through the skin?",
             "infection", _CHECK_SOON),
    # Fracture
    Question("major_trauma",
             "Did the pain start after a serious accident, such as a fall from a height "
             "or a road accident?",
             "fracture", _CHECK_SOON),
    Question("minor_trauma",
             "Did the pain start after a minor fall, knock or strain?",
             "fracture",
             "Small knocks matter more when bones are fragile."),
    Question("central_pain_lying",
             "Is there severe pain in the middle of your back that eases when you lie down?",
             "fracture", _CHECK_SOON),
    # Inflammatory back pain
    Question("morning_stiffness",
             "Is your back stiff for more than 30 minutes in the morning, and does it "
             "loosen up with exercise?",
             "inflammatory", _CHECK_SOON),
    Question("alternating_buttock_pain",
             "Do you have pain in the buttocks that switches from one side to the other?",
             "inflammatory", _CHECK_SOON),
    Question("waking_late_night",
             "Does back pain wake you in the second half of the night?",
             "inflammatory", _CHECK_SOON),
)

QUESTIONS_BY_KEY: dict[str, Question] = {q.key: q for q in RED_FLAG_QUESTIONS}
QUESTION_KEYS: tuple[str, ...] = tuple(QUESTIONS_BY_KEY)

#: Health-history facts a rule may use through ``{"flag": name}``, with their display label.
FLAGS = {
    "osteoporosis": "Osteoporosis (health history)",
    "long_term_steroids": "Long-term steroid medicine (health history)",
    "immunosuppressed": "Weakened immune system (health history)",
}

#: Pseudo-key reported in ``unanswered`` when the age is missing or unreadable.
AGE_KEY = "age"


# --- Inputs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScreeningInput:
    """Everything the screen reads.

    answers: question key -> YES / NO / PREFER_NOT; a missing key, None or any other value
        counts as unanswered.
    age: whole years (int, 0-130); anything else counts as unknown and makes the screen
        incomplete, because age-based rules cannot run.
    sex: "female" or "male"; only used for the older-age fracture rule (men over 65, women
        over 75). Unknown uses the lower threshold, to stay on the safe side.
    osteoporosis, long_term_steroids, immunosuppressed: from the health history; only True
        counts (None means "not recorded").
    """

    answers: Mapping[str, Any] = field(default_factory=dict)
    age: int | None = None
    sex: str | None = None
    osteoporosis: bool | None = False
    long_term_steroids: bool | None = False
    immunosuppressed: bool | None = False


@dataclass(frozen=True)
class _Context:
    """Cleaned-up inputs that rules are evaluated against."""

    answers: Mapping[str, str]  # only valid answers survive cleaning
    age: int | None
    sex: str | None
    flags: Mapping[str, bool]


def _clean_answer(value: Any) -> str | None:
    """Return YES/NO/PREFER_NOT, or None for anything unreadable."""
    if not isinstance(value, str):
        return None
    value = value.strip().lower()
    return value if value in ANSWERS else None


def _clean_age(value: Any) -> int | None:
    """Return a plausible whole-number age, or None."""
    # bool is a subclass of int; True is not an age.
    if type(value) is not int or not 0 <= value <= 130:
        return None
    return value


def _clean_sex(value: Any) -> str | None:
    """Return "female"/"male" or None."""
    if isinstance(value, str) and value.strip().lower() in ("female", "male"):
        return value.strip().lower()
    return None


def _context(inp: Any) -> _Context:
    """Build a clean context from any input, treating anything odd as unknown."""
    if isinstance(inp, ScreeningInput):
        raw_answers, age, sex = inp.answers, inp.age, inp.sex
        flags = {name: getattr(inp, name, False) is True for name in FLAGS}
    elif isinstance(inp, Mapping):  # tolerate a bare answers mapping
        raw_answers, age, sex, flags = inp, None, None, {name: False for name in FLAGS}
    else:
        raw_answers, age, sex, flags = {}, None, None, {name: False for name in FLAGS}
    answers: dict[str, str] = {}
    if isinstance(raw_answers, Mapping):
        for key in QUESTION_KEYS:
            cleaned = _clean_answer(raw_answers.get(key))
            if cleaned is not None:
                answers[key] = cleaned
    return _Context(answers, _clean_age(age), _clean_sex(sex), flags)


# --- Rules -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One red-flag rule. ``when`` is data, evaluated by ``_evaluate_when``.

    ``when`` grammar:
      "question_key"                       true when that question was answered yes
      {"any": [cond, ...]}                 at least one is true
      {"all": [cond, ...]}                 every one is true
      {"age_over": 50} / {"age_under": 20} strictly over / under (false if age unknown)
      {"age_over_by_sex": {"male": 65, "female": 75}}   unknown sex uses the lowest number
      {"flag": "osteoporosis"}             a health-history fact from FLAGS is True
    """

    id: str
    category: str
    level: str
    when: Any
    reason: str
    action: str
    source: str


_A_AND_E = LEVEL_ACTIONS[EMERGENCY]
_SEE_DOCTOR = LEVEL_ACTIONS[URGENT]
_CAUTION_GP = "Use gentle pressure only, and suggest the client asks their GP for a review."

_CES_SOURCE = "NICE CKS red flags; BASS 2018 cauda equina; Finucane 2020"
_NEURO_SIGNS = [
    "leg_weakness", "leg_numbness", "saddle_numbness", "bladder_control_loss",
    "urination_difficulty", "bowel_control_loss", "sexual_function_loss", "sciatica_both_legs",
]

RULES: tuple[Rule, ...] = (
    # Emergency: any sign of cauda equina syndrome, new or progressing leg symptoms,
    # possible spinal infection, or cancer history with new nerve symptoms (clinical.md §1).
    Rule("ce_bladder", "cauda_equina", EMERGENCY,
         {"any": ["bladder_control_loss", "urination_difficulty"]},
         "Changes in bladder control with back pain can be a sign of pressure on the nerves "
         "at the base of the spine.", _A_AND_E, _CES_SOURCE),
    Rule("ce_bowel", "cauda_equina", EMERGENCY, "bowel_control_loss",
         "Loss of bowel control with back pain can be a sign of pressure on the nerves at "
         "the base of the spine.", _A_AND_E, _CES_SOURCE),
    Rule("ce_saddle_numbness", "cauda_equina", EMERGENCY, "saddle_numbness",
         "Numbness in the saddle area can be a sign of pressure on the nerves at the base "
         "of the spine.", _A_AND_E, _CES_SOURCE),
    Rule("ce_sexual_function", "cauda_equina", EMERGENCY, "sexual_function_loss",
         "A new loss of sexual function with back pain can be a sign of pressure on the "
         "nerves at the base of the spine.", _A_AND_E, _CES_SOURCE),
    Rule("ce_bilateral_sciatica", "cauda_equina", EMERGENCY, "sciatica_both_legs",
         "Pain down both legs, or leg pain that has spread to both sides, can be a sign of "
         "pressure on the nerves at the base of the spine.", _A_AND_E, _CES_SOURCE),
    Rule("ce_leg_weakness", "cauda_equina", EMERGENCY, "leg_weakness",
         "Severe or worsening leg weakness, or trouble walking, needs checking by a doctor "
         "today.", _A_AND_E, _CES_SOURCE),
    Rule("neuro_leg_numbness", "neurological", EMERGENCY, "leg_numbness",
         "New or worsening numbness or tingling in the legs needs checking by a doctor "
         "today.", _A_AND_E, "NICE CKS red flags; Finucane 2020"),
    # Fever plus a risk factor: the framework's "suspected spinal infection" example.
    # Recent bacterial infection or a penetrating wound is included as a risk factor because
    # clinical.md §2 lists it alongside immunosuppression and IV drug use.
    Rule("infection_fever_with_risk", "infection", EMERGENCY,
         {"all": ["fever", {"any": ["immunosuppressed", {"flag": "immunosuppressed"},
                                    {"flag": "long_term_steroids"}, "iv_drug_use",
                                    "recent_infection"]}]},
         "Fever with back pain in someone at higher risk of infection can be a sign of an "
         "infection in the spine.", _A_AND_E, "NICE CKS red flags; Finucane 2020"),
    Rule("cancer_new_neuro", "malignancy", EMERGENCY,
         {"all": ["past_cancer", {"any": _NEURO_SIGNS}]},
         "A history of cancer with new nerve symptoms needs checking by a doctor today.",
         _A_AND_E, "NICE CKS red flags; Finucane 2020"),
    # Urgent: do not start treatment; doctor within days.
    Rule("cancer_history", "malignancy", URGENT, "past_cancer",
         "A past history of cancer is the most important warning sign for back pain that "
         "needs a doctor's check.", _SEE_DOCTOR, "NICE CKS red flags; Henschke 2013"),
    Rule("weight_loss", "malignancy", URGENT, "weight_loss",
         "Weight loss without trying, together with back pain, needs a doctor's check.",
         _SEE_DOCTOR, "NICE CKS red flags; Chou 2007"),
    Rule("night_pain", "malignancy", URGENT, "night_pain",
         "Night pain that does not ease with a change of position needs a doctor's check.",
         _SEE_DOCTOR, "NICE CKS red flags; Finucane 2020"),
    Rule("major_trauma", "fracture", URGENT, "major_trauma",
         "Pain that started after a serious accident may come from a broken bone.",
         _SEE_DOCTOR, "NICE CKS red flags; Finucane 2020"),
    # Judgement call: fever alone is urgent, not caution. Massage is unsuitable with a fever
    # anyway, and a fever with back pain can be the first sign of a spinal infection, so a
    # doctor should see the client within days even without other risk factors.
    Rule("fever", "infection", URGENT, "fever",
         "Fever, chills or night sweats with back pain need a doctor's check.",
         _SEE_DOCTOR, "NICE CKS red flags; Finucane 2020"),
    # Judgement call: a new change in the shape of the back is listed for both cancer and
    # fracture; either would make hands-on work unsafe until a doctor has looked, so urgent.
    Rule("structural_deformity", "malignancy", URGENT, "structural_deformity",
         "A new change in the shape of the back needs a doctor's check before massage.",
         _SEE_DOCTOR, "NICE CKS red flags; Chou 2007"),
    # Judgement call: severe central pain eased by lying down points to a possible vertebral
    # fracture; pressing on a broken bone is unsafe, so urgent rather than caution.
    Rule("central_pain_lying", "fracture", URGENT, "central_pain_lying",
         "Severe pain in the middle of the back that eases lying down may come from a broken "
         "bone in the spine.", _SEE_DOCTOR, "NICE CKS red flags; Finucane 2020"),
    # Caution: treat with changes and suggest a GP review.
    Rule("minor_trauma_fragile_bones", "fracture", CAUTION,
         {"all": ["minor_trauma", {"any": [{"flag": "osteoporosis"},
                                           {"flag": "long_term_steroids"}]}]},
         "A minor fall or knock can break fragile bones (osteoporosis or long-term steroids).",
         _CAUTION_GP, "NICE CKS red flags; Finucane 2020"),
    Rule("new_pain_age", "malignancy", CAUTION,
         {"all": ["new_pain", {"any": [{"age_over": 50}, {"age_under": 20}]}]},
         "Back pain that starts for the first time over 50 or under 20 is worth a GP check.",
         _CAUTION_GP, "NICE CKS red flags; Chou 2007"),
    Rule("older_age", "fracture", CAUTION, {"age_over_by_sex": {"male": 65, "female": 75}},
         "Bones break more easily with age (men over 65, women over 75).",
         _CAUTION_GP, "NICE CKS red flags (fracture)"),
    Rule("no_improvement_month", "malignancy", CAUTION, "no_improvement_month",
         "Pain that has not improved after a month is worth a GP check.",
         _CAUTION_GP, "NICE CKS red flags; Chou 2007"),
    Rule("pain_several_sites", "malignancy", CAUTION, "pain_several_sites",
         "Pain in several parts of the body at once is worth a GP check.",
         _CAUTION_GP, "NICE CKS red flags"),
    # One sign of the inflammatory pattern is enough for caution: the level asks only for
    # gentle work and a GP review, so over-calling costs little.
    Rule("inflammatory_pattern", "inflammatory", CAUTION,
         {"any": ["morning_stiffness", "alternating_buttock_pain", "waking_late_night"]},
         "Long morning stiffness that eases with movement, buttock pain that switches sides, "
         "or waking late in the night can be signs of an inflammatory back condition, "
         "especially between 20 and 40.", _CAUTION_GP, "NICE CKS red flags; Finucane 2020"),
    Rule("infection_risk", "infection", CAUTION,
         {"any": ["immunosuppressed", {"flag": "immunosuppressed"}, "iv_drug_use",
                  "recent_infection"]},
         "A weakened immune system, injecting drugs or a recent infection raise the risk of "
         "infection; watch for fever.", _CAUTION_GP, "NICE CKS red flags"),
)


# --- Evaluating `when` -----------------------------------------------------------------------

#: One piece of evidence behind a finding: (key, label, answer as text).
Evidence = tuple[str, str, str]


def _whole_number(value: Any, op: str) -> int:
    """Return value if it is a plain int, else raise ValueError naming the operator."""
    if type(value) is not int:
        raise ValueError(f"{op} needs a whole number, got {value!r}")
    return value


def _eval_list(op: str, arg: Any, ctx: _Context) -> tuple[bool, tuple[Evidence, ...]]:
    """Evaluate an "any"/"all" list; every child is evaluated so malformed ones always fail."""
    if not isinstance(arg, (list, tuple)) or not arg:
        raise ValueError(f"{op} needs a non-empty list")
    results = [_evaluate_when(child, ctx) for child in arg]
    hits = [ok for ok, _ in results]
    if op == "any":
        evidence = tuple(e for ok, ev in results if ok for e in ev)
        return any(hits), evidence
    if all(hits):
        return True, tuple(e for _, ev in results for e in ev)
    return False, ()


def _age_evidence(ctx: _Context) -> tuple[Evidence, ...]:
    """Evidence rows for an age-based condition."""
    rows: list[Evidence] = [(AGE_KEY, "Age", str(ctx.age))]
    if ctx.sex is not None:
        rows.append(("sex", "Sex", ctx.sex))
    return tuple(rows)


def _eval_age_by_sex(arg: Any, ctx: _Context) -> tuple[bool, tuple[Evidence, ...]]:
    """Age over a threshold that depends on sex; unknown sex takes the lowest threshold."""
    if not isinstance(arg, Mapping) or not arg or set(arg) - {"male", "female"}:
        raise ValueError("age_over_by_sex needs {'male': n, 'female': n}")
    limits = {sex: _whole_number(n, "age_over_by_sex") for sex, n in arg.items()}
    limit = limits.get(ctx.sex) if ctx.sex in limits else min(limits.values())
    hit = ctx.age is not None and ctx.age > limit
    return hit, (_age_evidence(ctx) if hit else ())


def _evaluate_when(when: Any, ctx: _Context) -> tuple[bool, tuple[Evidence, ...]]:
    """Evaluate a rule condition; return (matched, evidence). Raises ValueError if malformed."""
    if isinstance(when, str):
        if when not in QUESTIONS_BY_KEY:
            raise ValueError(f"unknown question key {when!r}")
        hit = ctx.answers.get(when) == YES
        return hit, (((when, QUESTIONS_BY_KEY[when].text, YES),) if hit else ())
    if not isinstance(when, Mapping) or len(when) != 1:
        raise ValueError(f"malformed condition {when!r}")
    (op, arg), = when.items()
    if op in ("any", "all"):
        return _eval_list(op, arg, ctx)
    if op in ("age_over", "age_under"):
        limit = _whole_number(arg, op)
        if ctx.age is None:
            return False, ()
        hit = ctx.age > limit if op == "age_over" else ctx.age < limit
        return hit, (_age_evidence(ctx) if hit else ())
    if op == "age_over_by_sex":
        return _eval_age_by_sex(arg, ctx)
    if op == "flag":
        if arg not in FLAGS:
            raise ValueError(f"unknown flag {arg!r}")
        hit = ctx.flags.get(arg, False)
        return hit, (((arg, FLAGS[arg], YES),) if hit else ())
    raise ValueError(f"unknown operator {op!r}")


def _referenced_keys(when: Any) -> tuple[set[str], list[str]]:
    """Collect question keys used by a condition and any structural problems."""
    keys: set[str] = set()
    problems: list[str] = []
    if isinstance(when, str):
        keys.add(when)
    elif isinstance(when, Mapping) and len(when) == 1:
        (op, arg), = when.items()
        if op in ("any", "all") and isinstance(arg, (list, tuple)) and arg:
            for child in arg:
                child_keys, child_problems = _referenced_keys(child)
                keys |= child_keys
                problems += child_problems
        elif op in ("any", "all"):
            problems.append(f"{op} needs a non-empty list")
        elif op == "flag" and arg not in FLAGS:
            problems.append(f"unknown flag {arg!r}")
        elif op in ("age_over", "age_under") and type(arg) is not int:
            problems.append(f"{op} needs a whole number")
        elif op not in ("age_over", "age_under", "age_over_by_sex", "flag"):
            problems.append(f"unknown operator {op!r}")
    else:
        problems.append(f"malformed condition {when!r}")
    return keys, problems


def validate_rules(rules: Iterable[Rule] = RULES) -> tuple[str, ...]:
    """Return a tuple of problems with a rule set (empty when every rule is sound)."""
    problems: list[str] = []
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            problems.append(f"{rule.id}: duplicate rule id")
        seen.add(rule.id)
        if rule.level not in (EMERGENCY, URGENT, CAUTION):
            problems.append(f"{rule.id}: level must be emergency, urgent or caution")
        if rule.category not in CATEGORIES:
            problems.append(f"{rule.id}: unknown category {rule.category!r}")
        if not (rule.source and rule.reason and rule.action):
            problems.append(f"{rule.id}: reason, action and source are required")
        keys, structure = _referenced_keys(rule.when)
        problems += [f"{rule.id}: {p}" for p in structure]
        problems += [f"{rule.id}: unknown question key {k!r}" for k in sorted(keys - set(QUESTIONS_BY_KEY))]
    return tuple(problems)


# --- Result ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One rule that matched: what was found, why it matters, what to do, and the answers."""

    rule_id: str
    category: str
    level: str
    reason: str
    action: str
    source: str
    answers: tuple[Evidence, ...]


_SUMMARIES = {
    EMERGENCY: "Signs that need emergency care today were found: do not treat, and advise A&E today.",
    URGENT: "Signs that need a doctor's check within days were found: do not start treatment yet.",
    CAUTION: "Signs that need care were found: treat only with the changes shown and suggest a GP review.",
    CLEAR: "No red flags in the answers given.",
}


@dataclass(frozen=True)
class ScreeningResult:
    """Outcome of a screen; ``level`` is the highest of the findings and any gaps."""

    level: str
    findings: tuple[Finding, ...] = ()
    unanswered: tuple[str, ...] = ()
    declined: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()

    @property
    def needs_action(self) -> bool:
        """True when the therapist must act before treating (emergency, urgent, incomplete)."""
        return self.level in (EMERGENCY, URGENT, INCOMPLETE)

    @property
    def label(self) -> str:
        """Short label for the level."""
        return LEVEL_LABELS[self.level]

    @property
    def action(self) -> str:
        """General what-to-do text for the level."""
        return LEVEL_ACTIONS[self.level]

    @property
    def summary(self) -> str:
        """One plain sentence describing the result."""
        if self.level != INCOMPLETE:
            return _SUMMARIES[self.level]
        if self.errors:
            return "Part of the screen could not be checked, so it needs review in person before treatment."
        count = len([k for k in self.unanswered if k != AGE_KEY])
        gaps = [f"{count} screening question{'' if count == 1 else 's'}"] if count else []
        if AGE_KEY in self.unanswered:
            gaps.append("the client's age")
        return f"Still open: {' and '.join(gaps)}, so the screen needs review in person before treatment."

    def to_json(self) -> dict:
        """The result as plain JSON, kept with the intake it screened."""
        return {"level": self.level, "findings": [_finding_json(finding) for finding in self.findings],
                "unanswered": list(self.unanswered), "declined": list(self.declined), "errors": list(self.errors)}

    @classmethod
    def from_json(cls, data: dict | None) -> "ScreeningResult":
        """A kept result; a missing or unreadable one fails closed to "incomplete", like the screen itself."""
        try:
            level = data["level"]
            if level not in LEVELS:
                raise ValueError(level)
            findings = tuple(Finding(**{**finding, "answers": tuple(tuple(answer) for answer in finding["answers"])})
                             for finding in data["findings"])
            return cls(level, findings, tuple(data["unanswered"]), tuple(data["declined"]), tuple(data["errors"]))
        except (KeyError, TypeError, ValueError):
            return cls(INCOMPLETE, errors=("kept result",))


def _finding_json(finding: Finding) -> dict:
    return {"rule_id": finding.rule_id, "category": finding.category, "level": finding.level,
            "reason": finding.reason, "action": finding.action, "source": finding.source,
            "answers": [list(answer) for answer in finding.answers]}


def _gaps(ctx: _Context) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return (unanswered, declined) keys, in question order; unknown age adds AGE_KEY."""
    unanswered = [k for k in QUESTION_KEYS if ctx.answers.get(k) in (None, PREFER_NOT)]
    declined = tuple(k for k in QUESTION_KEYS if ctx.answers.get(k) == PREFER_NOT)
    if ctx.age is None:
        unanswered.append(AGE_KEY)
    return tuple(unanswered), declined


def _rule_id(rule: Any, index: int) -> str:
    """Best-effort id for a rule, even a malformed one."""
    rid = getattr(rule, "id", None)
    return rid if isinstance(rid, str) and rid else f"rule[{index}]"


def _apply(rule: Any, ctx: _Context) -> Finding | None:
    """Evaluate one rule; raise ValueError if the rule is not usable."""
    if not isinstance(rule, Rule) or rule.level not in (EMERGENCY, URGENT, CAUTION):
        raise ValueError("not a usable rule")
    matched, evidence = _evaluate_when(rule.when, ctx)
    if not matched:
        return None
    return Finding(rule.id, rule.category, rule.level, rule.reason, rule.action, rule.source, evidence)


def _screen(inp: Any, rules: Iterable[Rule]) -> ScreeningResult:
    """The screen itself; ``screen`` wraps it so nothing escapes."""
    ctx = _context(inp)
    unanswered, declined = _gaps(ctx)
    findings: list[Finding] = []
    errors: list[str] = []
    for index, rule in enumerate(rules):
        try:
            finding = _apply(rule, ctx)
        except Exception:  # a broken rule must fail closed, not crash the intake
            errors.append(_rule_id(rule, index))
            continue
        if finding is not None:
            findings.append(finding)
    findings.sort(key=lambda f: -_RANK[f.level])  # stable: rule order within a level
    level = max((f.level for f in findings), key=_RANK.__getitem__, default=CLEAR)
    if (unanswered or errors) and _RANK[level] < _RANK[INCOMPLETE]:
        level = INCOMPLETE
    return ScreeningResult(level, tuple(findings), unanswered, declined, tuple(errors))


def screen(inp: ScreeningInput, rules: Iterable[Rule] = RULES) -> ScreeningResult:
    """Screen answers against the rules; never raises, and fails closed to "incomplete"."""
    try:
        return _screen(inp, rules)
    except Exception:  # last line of defence: an odd input must never look clear
        return ScreeningResult(INCOMPLETE, unanswered=QUESTION_KEYS + (AGE_KEY,), errors=("screen",))


def all_no(**overrides: str | None) -> dict[str, str | None]:
    """Answers dict with every question "no", then the given overrides (handy for tests and demos)."""
    answers: dict[str, str | None] = {key: NO for key in QUESTION_KEYS}
    answers.update(overrides)
    return answers
