"""Massage contraindications: health history in, a verdict per technique out.

Pure logic with no Flask or database imports. The rules are data (``CONTRA_RULES``); each one
cites its source from shared/reference/clinical.md section 3. Published lists disagree
(Batavia 2004), so this is guidance for the therapist, not a medical decision.

Levels, strictest first:
  avoid       do not use the technique
  avoid_area  local: keep the technique away from a site (the site is in ``Reason.area``)
  modify      allowed with a stated change (lighter pressure, no heat, positioning)
  ok          nothing in the health history changes this technique

Condition keys (``CONDITIONS``) become the intake's health-history checkboxes; medication keys
(``MEDICATIONS``) its medication checkboxes. Both are stable and stored in the database.
Derived keys (``DERIVED_CONDITIONS``) are computed by ``check`` from ``pregnancy_weeks``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# --- Levels ----------------------------------------------------------------------------------

AVOID = "avoid"
AVOID_AREA = "avoid_area"
MODIFY = "modify"
OK = "ok"

#: Lowest to highest; the strictest level wins.
LEVELS = (OK, MODIFY, AVOID_AREA, AVOID)
_RANK = {level: rank for rank, level in enumerate(LEVELS)}

LEVEL_LABELS = {
    AVOID: "Avoid",
    AVOID_AREA: "Avoid the area",
    MODIFY: "Use with changes",
    OK: "No changes needed",
}


def level_rank(level: str) -> int:
    """Return the rank of a level (0 = ok ... 3 = avoid); ValueError if unknown."""
    try:
        return _RANK[level]
    except (KeyError, TypeError):
        raise ValueError(f"unknown contraindication level: {level!r}") from None


# --- Techniques ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Technique:
    """A professional technique or a home-care method; ``key`` is stable."""

    key: str
    name: str
    kind: str  # "professional" or "home"


TECHNIQUES: tuple[Technique, ...] = (
    Technique("swedish", "Swedish massage", "professional"),
    Technique("deep_tissue", "Deep tissue massage", "professional"),
    Technique("trigger_point", "Trigger point therapy", "professional"),
    Technique("myofascial_release", "Myofascial release", "professional"),
    Technique("shiatsu", "Shiatsu", "professional"),
    Technique("hot_stone", "Hot stone massage", "professional"),
    Technique("self_hands", "Self-massage with the hands", "home"),
    Technique("tennis_ball", "Tennis ball", "home"),
    Technique("foam_roller", "Foam roller", "home"),
    Technique("knuckles_elbows", "Knuckles or elbows", "home"),
    Technique("s_massager", "S-shaped back massager (hooked cane)", "home"),
    Technique("trigger_point_tool", "Handheld trigger-point tool", "home"),
    Technique("heat", "Heat (warm bath, heating pad)", "home"),
    Technique("cold", "Cold (ice pack)", "home"),
    Technique("stretches", "Gentle stretches", "home"),
    Technique("partner_massage", "Massage from a partner", "home"),
)

TECHNIQUES_BY_KEY: dict[str, Technique] = {t.key: t for t in TECHNIQUES}
TECHNIQUE_KEYS: tuple[str, ...] = tuple(TECHNIQUES_BY_KEY)

#: Named groups a rule may use instead of listing keys. "massage" is every technique that puts
#: pressure on tissue (all but heat, cold and stretches); "tools" are the hard home tools.
TECHNIQUE_GROUPS: dict[str, tuple[str, ...]] = {
    "all": TECHNIQUE_KEYS,
    "professional": tuple(t.key for t in TECHNIQUES if t.kind == "professional"),
    "home": tuple(t.key for t in TECHNIQUES if t.kind == "home"),
    "massage": tuple(k for k in TECHNIQUE_KEYS if k not in ("heat", "cold", "stretches")),
    "tools": ("tennis_ball", "foam_roller", "knuckles_elbows", "s_massager", "trigger_point_tool"),
}


def _massage_except(*keys: str) -> tuple[str, ...]:
    """The "massage" group without the given keys (keeps rule data explicit)."""
    return tuple(k for k in TECHNIQUE_GROUPS["massage"] if k not in keys)


#: Always-on notes for tools and partner work, whatever the health history.
STANDING_CAUTIONS: dict[str, str] = {
    "foam_roller": "Never roll directly on the spine or over the lower ribs and kidney area. Start gently.",
    "tennis_ball": "Keep the balls either side of the spine, never on it, and away from the lower ribs "
                   "and kidney area. Control the pressure with how much weight you lean on them.",
    "s_massager": "Press on muscle beside the spine, never on the spine itself or over the lower ribs "
                  "and kidney area.",
    "trigger_point_tool": "Press on muscle only, never on the spine, bones, or the lower ribs and "
                          "kidney area. Start gently.",
    "knuckles_elbows": "Can feel uncomfortable: move in small circles, ease off if it hurts, and keep "
                       "off the spine and bones.",
    "partner_massage": "Never press on the spine or bones, and ask about pressure throughout.",
    "heat": "Warm, not hot; keep a layer between the heat and the skin.",
    "cold": "Wrap the ice pack in a cloth; no more than 20 minutes at a time.",
}
STANDING_CAUTION_SOURCE = "Bartsch 2021 (foam rolling Delphi); NHS sprains and strains"


# --- Conditions and medications --------------------------------------------------------------

#: Health-history checkboxes: (key, plain label). Order is the order shown on the form.
CONDITIONS: tuple[tuple[str, str], ...] = (
    ("dvt", "Blood clot in a vein (deep vein thrombosis) or an inflamed vein (thrombophlebitis)"),
    ("bleeding_disorder", "Bleeding disorder or low platelets (bruises or bleeds easily)"),
    ("acute_fracture", "A broken bone that is still healing"),
    ("osteoporosis", "Osteoporosis (thin or fragile bones)"),
    ("varicose_veins", "Varicose veins (mild)"),
    ("varicose_veins_severe", "Varicose veins that are large, swollen or painful"),
    ("high_blood_pressure", "High blood pressure"),
    ("high_blood_pressure_uncontrolled", "High blood pressure that is not under control"),
    ("diabetes", "Diabetes"),
    ("peripheral_neuropathy", "Numbness or reduced feeling in the hands or feet (neuropathy, "
                              "including from diabetes)"),
    ("cancer", "Cancer now or recently, or cancer treatment"),
    ("open_wound_skin", "Open wound, burn, skin infection or rash"),
    ("fever_infection", "Fever or an infection at the moment"),
    ("acute_sprain_strain", "A sprain or strain in the last 3 days"),
    ("recent_surgery", "Surgery that has not fully healed"),
    ("pregnancy", "Pregnant"),
    ("heart_condition", "Heart condition"),
    ("local_inflammation", "An area that is swollen, hot or inflamed"),
)

#: Medication checkboxes: (key, plain label).
MEDICATIONS: tuple[tuple[str, str], ...] = (
    ("anticoagulants", "Blood thinners (for example warfarin, apixaban, rivaroxaban)"),
    ("corticosteroids", "Steroid tablets taken for a long time (for example prednisolone)"),
    ("insulin", "Insulin"),
    ("blood_pressure", "Blood pressure medicine"),
    ("other", "Other regular medicine"),
)

#: Keys computed by ``check`` (never shown as checkboxes).
DERIVED_CONDITIONS: dict[str, str] = {
    "pregnancy_13_weeks": "Pregnant, about 13 weeks or more (or stage not known)",
    "pregnancy_20_weeks": "Pregnant, about 20 weeks or more (or stage not known)",
}

CONDITION_LABELS: dict[str, str] = dict(CONDITIONS)
MEDICATION_LABELS: dict[str, str] = dict(MEDICATIONS)
_ALL_LABELS: dict[str, str] = {**CONDITION_LABELS, **MEDICATION_LABELS, **DERIVED_CONDITIONS}

#: Conditions that are about one part of the body; ``local_sites`` may name the area.
LOCAL_CONDITIONS: tuple[str, ...] = (
    "acute_fracture", "varicose_veins", "varicose_veins_severe", "open_wound_skin",
    "acute_sprain_strain", "recent_surgery", "local_inflammation", "diabetes", "insulin",
)


# --- Rules -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContraRule:
    """One contraindication rule: if ``condition`` is present, ``techniques`` get ``level``.

    techniques: technique keys and/or group names from TECHNIQUE_GROUPS.
    default_area: for local rules, the area shown when the intake did not name one.
    """

    id: str
    condition: str
    techniques: tuple[str, ...]
    level: str
    text: str
    modification: str | None
    source: str
    default_area: str | None = None


_WB = "Werner & Benjamin (pathology guide)"
_WB_NCCIH = "Werner & Benjamin; NCCIH"
_WB_MAYO = "Werner & Benjamin; Mayo Clinic"
_THE_AREA = "the affected area"

CONTRA_RULES: tuple[ContraRule, ...] = (
    ContraRule("dvt", "dvt", ("all",), AVOID,
               "A clot in a vein could be moved by massage.",
               "No massage or home care until a doctor has cleared it.", _WB_NCCIH),
    # Blood thinners and bleeding disorders: firm work bruises; light pressure is fine.
    ContraRule("anticoagulants_firm", "anticoagulants",
               ("deep_tissue", "trigger_point", "knuckles_elbows", "trigger_point_tool", "s_massager"),
               AVOID, "Blood thinners make bruising and bleeding under the skin more likely.",
               None, _WB_NCCIH),
    ContraRule("anticoagulants_light", "anticoagulants",
               _massage_except("deep_tissue", "trigger_point", "knuckles_elbows",
                               "trigger_point_tool", "s_massager"),
               MODIFY, "Blood thinners make bruising and bleeding under the skin more likely.",
               "Light pressure only.", _WB_NCCIH),
    ContraRule("bleeding_firm", "bleeding_disorder",
               ("deep_tissue", "trigger_point", "knuckles_elbows", "trigger_point_tool", "s_massager"),
               AVOID, "A bleeding disorder or low platelets make bruising and bleeding more likely.",
               None, _WB_NCCIH),
    ContraRule("bleeding_light", "bleeding_disorder",
               _massage_except("deep_tissue", "trigger_point", "knuckles_elbows",
                               "trigger_point_tool", "s_massager"),
               MODIFY, "A bleeding disorder or low platelets make bruising and bleeding more likely.",
               "Light pressure only.", _WB_NCCIH),
    ContraRule("fracture_area", "acute_fracture", ("all",), AVOID_AREA,
               "A healing broken bone must not be pressed or moved.",
               "Keep away from the area; the rest of the body is fine.",
               f"{_WB}; Bartsch 2021", _THE_AREA),
    # Osteoporosis: anything hard or forceful on bone is out. Foam rolling puts body weight on
    # the ribs and spine, so it is avoided rather than modified (our judgement).
    ContraRule("osteoporosis_firm", "osteoporosis",
               ("deep_tissue", "knuckles_elbows", "trigger_point_tool", "s_massager", "foam_roller"),
               AVOID, "Fragile bones can break under firm pressure or hard tools.", None, _WB_MAYO),
    ContraRule("osteoporosis_gentle", "osteoporosis",
               _massage_except("deep_tissue", "knuckles_elbows", "trigger_point_tool",
                               "s_massager", "foam_roller"),
               MODIFY, "Fragile bones can break under firm pressure.",
               "Very gentle pressure only; nothing hard on bone.", _WB_MAYO),
    ContraRule("varicose_mild", "varicose_veins", ("massage",), MODIFY,
               "Firm pressure can damage varicose veins.",
               "No deep work over the veins; light strokes only there.", _WB, "the varicose veins"),
    ContraRule("varicose_severe", "varicose_veins_severe", ("massage",), AVOID_AREA,
               "Large or painful varicose veins can be damaged by massage.",
               "Keep off the veins and the area below them (further from the heart).",
               _WB, "the varicose veins and below them"),
    ContraRule("bp_medication_hot_stone", "blood_pressure", ("hot_stone",), AVOID,
               "Heat widens blood vessels, which adds to the effect of blood pressure medicine.",
               None, _WB_MAYO),
    ContraRule("bp_medication_gentle", "blood_pressure", ("professional", "partner_massage"), MODIFY,
               "Blood pressure medicine can cause light-headedness.",
               "Gentle pace; help the client sit up slowly at the end.", _WB_MAYO),
    ContraRule("bp_uncontrolled_hot_stone", "high_blood_pressure_uncontrolled", ("hot_stone",), AVOID,
               "Heat puts extra load on the circulation when blood pressure is not under control.",
               None, _WB_MAYO),
    ContraRule("bp_uncontrolled_gentle", "high_blood_pressure_uncontrolled", ("massage",), MODIFY,
               "Blood pressure that is not under control needs a doctor's view first.",
               "Get the doctor's approval first; then a gentle pace only.", _WB_MAYO),
    ContraRule("diabetes_sites", "diabetes", ("massage",), AVOID_AREA,
               "Massage can change how insulin is absorbed and can disturb a pump or sensor.",
               "Keep away from injection, pump and sensor sites.", _WB, "injection, pump and sensor sites"),
    ContraRule("insulin_sites", "insulin", ("massage",), AVOID_AREA,
               "Massage can change how insulin is absorbed and can disturb a pump or sensor.",
               "Keep away from injection, pump and sensor sites.", _WB, "injection, pump and sensor sites"),
    ContraRule("diabetes_food", "diabetes", ("professional",), MODIFY,
               "Blood sugar can drop during a long session.",
               "Ask whether the client has eaten recently.", _WB),
    ContraRule("neuropathy_heat", "peripheral_neuropathy", ("hot_stone", "heat"), AVOID,
               "Reduced feeling means a burn may not be noticed.", None, _WB),
    ContraRule("neuropathy_light", "peripheral_neuropathy", ("massage",), MODIFY,
               "Reduced feeling means the client cannot judge pressure reliably.",
               "Light pressure; watch the skin rather than relying on feedback.", _WB),
    # Our addition: ice burns are as easy to miss as heat burns when feeling is reduced.
    ContraRule("neuropathy_cold", "peripheral_neuropathy", ("cold",), MODIFY,
               "Reduced feeling means an ice burn may not be noticed.",
               "Always wrap the ice pack, keep it short and check the skin often.", _WB),
    ContraRule("cancer_care", "cancer", ("massage",), MODIFY,
               "Tumours, bone affected by cancer, surgery sites and radiation areas need protecting.",
               "No deep pressure over a tumour or known bone metastasis; keep away from surgery "
               "sites for at least 6 weeks and from radiation areas; be gentle near removed "
               "lymph nodes.", _WB_NCCIH),
    ContraRule("skin_area", "open_wound_skin", ("all",), AVOID_AREA,
               "Broken or infected skin can be hurt or spread infection; rollers and balls too.",
               "Keep away from the area.", f"{_WB}; Bartsch 2021", _THE_AREA),
    ContraRule("fever_today", "fever_infection", ("all",), AVOID,
               "The body is fighting an infection.",
               "No massage today; rebook when well.", _WB_NCCIH),
    ContraRule("sprain_area", "acute_sprain_strain", ("massage", "heat", "stretches"), AVOID_AREA,
               "In the first 48-72 hours massage, heat or stretching can increase swelling.",
               "No massage, heat or stretching on the area for the first 48-72 hours.",
               "NHS sprains and strains", _THE_AREA),
    # Cold is allowed, with a dose: "modify" carries the dose to the handout.
    ContraRule("sprain_cold", "acute_sprain_strain", ("cold",), MODIFY,
               "Cold helps early swelling after a sprain or strain.",
               "Cold on the area for up to 20 minutes every 2-3 hours, wrapped in a cloth.",
               "NHS sprains and strains", _THE_AREA),
    ContraRule("surgery_site", "recent_surgery", ("all",), AVOID_AREA,
               "A surgery site needs to heal first.",
               "Keep away from the site until healed and cleared by the surgeon.", _WB, "the surgery site"),
    ContraRule("pregnancy_advice", "pregnancy", ("professional", "partner_massage"), MODIFY,
               "Pregnancy changes what is comfortable and safe.",
               "Ask about complications; if there are any, get the doctor's or midwife's advice first.",
               _WB_MAYO),
    ContraRule("pregnancy_hot_stone", "pregnancy", ("hot_stone",), MODIFY,
               "Overheating is best avoided in pregnancy.", "Warm stones only, never very hot.", _WB_MAYO),
    ContraRule("pregnancy_positioning", "pregnancy_13_weeks", ("professional", "partner_massage"), MODIFY,
               "Lying on the front or flat on the back gets uncomfortable and can press on major "
               "blood vessels as pregnancy goes on.",
               "Side-lying from about 13 weeks (left side preferred); not lying on the back late "
               "in pregnancy.", _WB_MAYO),
    ContraRule("pregnancy_floor_work", "pregnancy_20_weeks", ("tennis_ball", "foam_roller", "stretches"),
               MODIFY, "Lying flat on the back for long is best avoided later in pregnancy.",
               "Use the ball against a wall and do stretches sitting or on all fours rather than "
               "lying on the back.", _WB_MAYO),
    ContraRule("heart_hot_stone", "heart_condition", ("hot_stone",), AVOID,
               "Heat puts extra load on the heart.", None, _WB_MAYO),
    ContraRule("heart_gentle", "heart_condition", ("professional", "partner_massage"), MODIFY,
               "A heart condition calls for a calm, gentle session.", "Gentle pressure and pace.", _WB_MAYO),
    ContraRule("inflammation_tools", "local_inflammation", ("foam_roller", "tennis_ball"), MODIFY,
               "Rolling on an inflamed area can make it worse.",
               "Be careful on the inflamed area: keep off it or use very light pressure.",
               "Bartsch 2021", _THE_AREA),
    # Our judgement, from clinical.md §2: long-term steroids thin bone, so handle like mild
    # osteoporosis.
    ContraRule("steroids_gentle", "corticosteroids", ("massage",), MODIFY,
               "Long-term steroid medicine can thin bones and skin.",
               "Gentler pressure; nothing hard on bone.", "NICE CKS red flags (fracture); Werner & Benjamin"),
)


def _expand(techniques: Iterable[str]) -> tuple[str, ...]:
    """Turn technique keys and group names into technique keys, in TECHNIQUES order."""
    if isinstance(techniques, str):  # tolerate techniques="all" as well as ("all",)
        techniques = (techniques,)
    wanted: set[str] = set()
    for item in techniques:
        wanted.update(TECHNIQUE_GROUPS.get(item, (item,)))
    return tuple(k for k in TECHNIQUE_KEYS if k in wanted)


def validate_rules(rules: Iterable[ContraRule] = CONTRA_RULES) -> tuple[str, ...]:
    """Return a tuple of problems with a rule set (empty when every rule is sound)."""
    problems: list[str] = []
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            problems.append(f"{rule.id}: duplicate rule id")
        seen.add(rule.id)
        if rule.condition not in _ALL_LABELS:
            problems.append(f"{rule.id}: unknown condition {rule.condition!r}")
        if isinstance(rule.techniques, str) or not rule.techniques:
            problems.append(f"{rule.id}: techniques must be a non-empty tuple")
        else:
            unknown = [t for t in rule.techniques if t not in TECHNIQUES_BY_KEY and t not in TECHNIQUE_GROUPS]
            problems += [f"{rule.id}: unknown technique or group {t!r}" for t in unknown]
        if rule.level not in (AVOID, AVOID_AREA, MODIFY):
            problems.append(f"{rule.id}: level must be avoid, avoid_area or modify")
        if rule.level == MODIFY and not rule.modification:
            problems.append(f"{rule.id}: a modify rule must say what to change")
        if rule.level == AVOID_AREA and not rule.default_area:
            problems.append(f"{rule.id}: an avoid_area rule needs a default area")
        if not (rule.text and rule.source):
            problems.append(f"{rule.id}: text and source are required")
    return tuple(problems)


# --- Assessment ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """Why a technique is limited: the rule's level, condition, text, change, area and source."""

    level: str
    condition: str
    text: str
    modification: str | None
    area: str | None
    source: str
    rule_id: str = ""

    @property
    def condition_label(self) -> str:
        """Plain label of the condition or medication behind this reason."""
        return _ALL_LABELS.get(self.condition, self.condition)


@dataclass(frozen=True)
class Assessment:
    """Verdict for one technique: the strictest level and every reason behind it."""

    technique: str
    level: str
    reasons: tuple[Reason, ...] = ()

    @property
    def name(self) -> str:
        """Plain name of the technique."""
        return TECHNIQUES_BY_KEY[self.technique].name

    @property
    def modifications(self) -> list[str]:
        """The changes to make, without duplicates, strictest reason first."""
        return list(dict.fromkeys(r.modification for r in self.reasons if r.modification))

    @property
    def areas(self) -> list[str]:
        """The areas to keep away from or take care over, without duplicates."""
        return list(dict.fromkeys(r.area for r in self.reasons if r.area))

    @property
    def standing_caution(self) -> str | None:
        """The always-on note for this technique, if any."""
        return STANDING_CAUTIONS.get(self.technique)


def _keys(values: Any) -> set[str]:
    """Clean an iterable of keys: strings only, trimmed and lower-cased; anything else ignored."""
    if values is None or isinstance(values, (str, bytes)):
        values = [values] if isinstance(values, str) else []
    try:
        return {v.strip().lower() for v in values if isinstance(v, str)}
    except TypeError:  # not iterable
        return set()


def _clean_weeks(value: Any) -> int | None:
    """Return a plausible week of pregnancy (1-45), or None."""
    return value if type(value) is int and 1 <= value <= 45 else None


def _clean_sites(value: Any) -> dict[str, str]:
    """Keep only string -> non-empty string entries of local_sites."""
    if not isinstance(value, Mapping):
        return {}
    return {k.strip().lower(): v.strip() for k, v in value.items()
            if isinstance(k, str) and isinstance(v, str) and v.strip()}


def active_conditions(conditions: Any, medications: Any, pregnancy_weeks: Any = None,
                      local_sites: Any = None) -> set[str]:
    """Every condition, medication and derived key that applies (unknown keys kept but unused)."""
    active = _keys(conditions) | _keys(medications)
    # A named site for a local condition counts as having it: safer than ignoring it.
    active |= {k for k in _clean_sites(local_sites) if k in LOCAL_CONDITIONS}
    weeks = _clean_weeks(pregnancy_weeks)
    if weeks is not None:
        active.add("pregnancy")
    if "pregnancy" in active:
        # Stage unknown: apply the later-stage changes too, to stay on the safe side.
        if weeks is None or weeks >= 13:
            active.add("pregnancy_13_weeks")
        if weeks is None or weeks >= 20:
            active.add("pregnancy_20_weeks")
    return active


def _area_for(rule: ContraRule, sites: Mapping[str, str]) -> str | None:
    """The area a local rule is about: the intake's own words if given, else the default."""
    if rule.default_area is None:
        return None
    return sites.get(rule.condition) or rule.default_area


def check(conditions: Iterable[str] = (), medications: Iterable[str] = (),
          pregnancy_weeks: int | None = None, local_sites: Mapping[str, str] | None = None,
          rules: Iterable[ContraRule] = CONTRA_RULES) -> dict[str, Assessment]:
    """Assess every technique against the health history; never raises for unknown keys."""
    active = active_conditions(conditions, medications, pregnancy_weeks, local_sites)
    sites = _clean_sites(local_sites)
    reasons: dict[str, list[Reason]] = {key: [] for key in TECHNIQUE_KEYS}
    for rule in rules:
        if rule.condition not in active:
            continue
        reason = Reason(rule.level, rule.condition, rule.text, rule.modification,
                        _area_for(rule, sites), rule.source, rule.id)
        for key in _expand(rule.techniques):
            reasons[key].append(reason)
    return {key: _assess(key, found) for key, found in reasons.items()}


def _assess(technique: str, reasons: list[Reason]) -> Assessment:
    """Build one Assessment; reasons sorted strictest first, rule order kept within a level."""
    ordered = tuple(sorted(reasons, key=lambda r: -_RANK[r.level]))
    level = ordered[0].level if ordered else OK
    return Assessment(technique, level, ordered)
