"""Clinical vignettes from clinical.md §1-2, run through the whole screen.

Each vignette is a short story, a full answers form (every question "no" unless the story says
otherwise), the facts from the health history, the expected level, and the rule ids that must
appear among the findings.
"""

from dataclasses import dataclass, field

import pytest

from practice.intake.screening import (
    CAUTION, CLEAR, EMERGENCY, INCOMPLETE, PREFER_NOT, QUESTION_KEYS, URGENT, YES, ScreeningInput,
    all_no, screen,
)


@dataclass(frozen=True)
class Vignette:
    """One test story."""

    id: str
    story: str
    overrides: dict
    age: int | None
    expected: str
    rules: tuple = ()
    sex: str | None = None
    facts: dict = field(default_factory=dict)  # osteoporosis / long_term_steroids / immunosuppressed

    def answers(self):
        """The full answers form."""
        return all_no(**self.overrides)


V = Vignette
VIGNETTES = [
    V("v01", "42-year-old man, new urinary retention since yesterday",
      {"bladder_control_loss": YES}, 42, EMERGENCY, ("ce_bladder",), "male"),
    V("v02", "58-year-old woman, breast cancer 6 years ago, the same old back ache, no new symptoms",
      {"past_cancer": YES}, 58, URGENT, ("cancer_history",), "female"),
    V("v03", "58-year-old woman with past cancer and new numbness in the legs",
      {"past_cancer": YES, "leg_numbness": YES}, 58, EMERGENCY,
      ("cancer_new_neuro", "neuro_leg_numbness", "cancer_history"), "female"),
    V("v04", "40-year-old desk worker with a stiff back, all answers no",
      {}, 40, CLEAR, (), "male"),
    V("v05", "45-year-old who prefers not to answer the drug-use question",
      {"iv_drug_use": PREFER_NOT}, 45, INCOMPLETE),
    V("v06", "35-year-old on chemotherapy with a fever",
      {"fever": YES, "immunosuppressed": YES}, 35, EMERGENCY,
      ("infection_fever_with_risk", "fever", "infection_risk")),
    V("v07", "70-year-old woman on long-term steroids, new pain after a minor fall at home",
      {"minor_trauma": YES, "new_pain": YES, "immunosuppressed": YES}, 70, CAUTION,
      ("minor_trauma_fragile_bones", "new_pain_age"), "female", {"long_term_steroids": True}),
    V("v08", "28-year-old, 45 minutes of morning stiffness easing with exercise, wakes late at night",
      {"morning_stiffness": YES, "waking_late_night": YES}, 28, CAUTION, ("inflammatory_pattern",)),
    V("v09", "19-year-old with new back pain after starting at the gym",
      {"new_pain": YES}, 19, CAUTION, ("new_pain_age",)),
    V("v10", "35-year-old roofer whose pain began after a fall from a ladder",
      {"major_trauma": YES, "new_pain": YES}, 35, URGENT, ("major_trauma",)),
    V("v11", "52-year-old man who has lost weight without trying",
      {"weight_loss": YES}, 52, URGENT, ("weight_loss",), "male"),
    V("v12", "38-year-old with sciatica in both legs",
      {"sciatica_both_legs": YES}, 38, EMERGENCY, ("ce_bilateral_sciatica",)),
    V("v13", "47-year-old woman with numbness around the bottom and between the legs",
      {"saddle_numbness": YES}, 47, EMERGENCY, ("ce_saddle_numbness",), "female"),
    V("v14", "30-year-old who injects drugs and has a fever",
      {"iv_drug_use": YES, "fever": YES}, 30, EMERGENCY, ("infection_fever_with_risk", "fever")),
    V("v15", "44-year-old who has lost bowel control since the pain started",
      {"bowel_control_loss": YES}, 44, EMERGENCY, ("ce_bowel",)),
    V("v16", "50-year-old man with a new loss of sexual function and back pain",
      {"sexual_function_loss": YES}, 50, EMERGENCY, ("ce_sexual_function",), "male"),
    V("v17", "63-year-old whose legs are getting weaker; walking is becoming hard",
      {"leg_weakness": YES}, 63, EMERGENCY, ("ce_leg_weakness",)),
    V("v18", "33-year-old who has found it hard to start passing urine this week",
      {"urination_difficulty": YES}, 33, EMERGENCY, ("ce_bladder",)),
    V("v19", "55-year-old with night pain that no position eases",
      {"night_pain": YES}, 55, URGENT, ("night_pain",)),
    V("v20", "67-year-old man with long-standing back ache, nothing else",
      {}, 67, CAUTION, ("older_age",), "male"),
    V("v21", "72-year-old woman with long-standing back ache, nothing else",
      {}, 72, CLEAR, (), "female"),
    V("v22", "68-year-old, sex not recorded, long-standing back ache",
      {}, 68, CAUTION, ("older_age",)),
    V("v23", "48-year-old, six weeks of pain with no improvement",
      {"no_improvement_month": YES}, 48, CAUTION, ("no_improvement_month",)),
    V("v24", "60-year-old woman with osteoporosis, new pain after tripping on a step",
      {"minor_trauma": YES, "new_pain": YES}, 60, CAUTION,
      ("minor_trauma_fragile_bones", "new_pain_age"), "female", {"osteoporosis": True}),
    V("v25", "45-year-old with osteoporosis, long-standing ache, no fall",
      {}, 45, CLEAR, (), "female", {"osteoporosis": True}),
    V("v26", "39-year-old with a fever and back pain, no other risk factors",
      {"fever": YES}, 39, URGENT, ("fever",)),
    V("v27", "41-year-old with a kidney infection last month, now fever and back pain",
      {"recent_infection": YES, "fever": YES}, 41, EMERGENCY, ("infection_fever_with_risk",)),
    V("v28", "36-year-old on anti-rejection medicine after a transplant, no fever",
      {"immunosuppressed": YES}, 36, CAUTION, ("infection_risk",)),
    V("v29", "57-year-old whose partner noticed a new hump in the upper back",
      {"structural_deformity": YES}, 57, URGENT, ("structural_deformity",)),
    V("v30", "74-year-old woman with severe mid-back pain that eases lying down",
      {"central_pain_lying": YES}, 74, URGENT, ("central_pain_lying",), "female"),
    V("v31", "25-year-old with buttock pain that switches sides",
      {"alternating_buttock_pain": YES}, 25, CAUTION, ("inflammatory_pattern",)),
    V("v32", "51-year-old with a first episode of back pain",
      {"new_pain": YES}, 51, CAUTION, ("new_pain_age",)),
    V("v33", "50-year-old with a first episode of back pain (the rule is over 50)",
      {"new_pain": YES}, 50, CLEAR),
    V("v34", "62-year-old with pain in the back, hips and shoulders at once",
      {"pain_several_sites": YES}, 62, CAUTION, ("pain_several_sites",)),
    V("v35", "form filled in, all no, but the age was not recorded",
      {}, None, INCOMPLETE),
    V("v36", "past cancer and urinary retention; the weight question was left blank",
      {"past_cancer": YES, "bladder_control_loss": YES, "weight_loss": None}, 61, EMERGENCY,
      ("ce_bladder", "cancer_new_neuro", "cancer_history")),
    V("v37", "34-year-old with saddle numbness who declined the bowel question",
      {"saddle_numbness": YES, "bowel_control_loss": PREFER_NOT}, 34, EMERGENCY, ("ce_saddle_numbness",)),
    V("v38", "29-year-old who left three questions blank",
      {"fever": None, "night_pain": None, "past_cancer": None}, 29, INCOMPLETE),
    V("v39", "46-year-old with a weakened immune system on the health history, now a fever",
      {"fever": YES}, 46, EMERGENCY, ("infection_fever_with_risk",), None, {"immunosuppressed": True}),
    V("v40", "22-year-old who stepped on a nail last week, no fever",
      {"recent_infection": YES}, 22, CAUTION, ("infection_risk",)),
    V("v41", "45-year-old with past cancer and unexplained weight loss",
      {"past_cancer": YES, "weight_loss": YES}, 45, URGENT, ("cancer_history", "weight_loss")),
    V("v42", "55-year-old with past cancer who declined the leg-weakness question",
      {"past_cancer": YES, "leg_weakness": PREFER_NOT}, 55, URGENT, ("cancer_history",)),
]


def test_enough_vignettes_with_unique_ids():
    assert len(VIGNETTES) >= 30
    assert len({v.id for v in VIGNETTES}) == len(VIGNETTES)


@pytest.mark.parametrize("vignette", VIGNETTES, ids=lambda v: v.id)
def test_vignette(vignette):
    answers = vignette.answers()
    assert set(answers) == set(QUESTION_KEYS), "each vignette gives a full form"
    result = screen(ScreeningInput(answers, vignette.age, vignette.sex, **vignette.facts))
    found = {f.rule_id for f in result.findings}
    assert result.level == vignette.expected, (vignette.story, found, result.unanswered)
    assert set(vignette.rules) <= found, vignette.story
    if vignette.expected == CLEAR:
        assert not found and not result.unanswered
