"""The seeded technique library: professional techniques and home self-care, as plain data.

Pure data with no Flask imports (the intake modules used by ``validate_library`` are imported
only when it runs). Facts come from shared/reference/clinical.md sections 3, 4 and 6; every
sentence is our own. Each item names the one contraindication key
(practice.intake.contraindications.TECHNIQUE_KEYS) the intake's check uses for it, or None for
advice-only items (posture, breathing).

Conventions:
  steps         in order, without numbers (the page numbers them); second person for home items
  body_areas    region keys from practice.intake.body_regions; empty means "not tied to an area"
  dose_*        the default dose; a plan may override it (see ``dose_text``)
  dose_per_side the minutes or repetitions are for each side ("2 minutes each side")
  illustration  a file name under static/img/library/
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PROFESSIONAL = "professional"
HOME = "home"
KINDS = (PROFESSIONAL, HOME)

PRESSURES = ("gentle", "moderate", "firm")

#: Where the illustrations live (served as /static/img/library/<file>).
ILLUSTRATION_DIR = Path(__file__).resolve().parents[2] / "static" / "img" / "library"

MIN_STEPS = 4
MAX_STEPS = 8


@dataclass(frozen=True)
class LibraryItem:
    """One technique or home self-care item; ``slug`` is stable and stored in plans."""

    slug: str
    name: str
    kind: str  # "professional" or "home"
    summary: str
    body_areas: tuple[str, ...]
    equipment: tuple[str, ...]
    steps: tuple[str, ...]
    dose_minutes: int | None
    dose_repetitions: int | None
    dose_pressure: str | None  # "gentle", "moderate", "firm" or None
    dose_frequency: str
    cautions: tuple[str, ...]
    contraindication_key: str | None
    illustration: str
    dose_per_side: bool = False


# --- Region groups (keys from practice.intake.body_regions) ---------------------------------

_NECK = ("neck",)
_SHOULDERS = ("shoulder_left", "shoulder_right")
_UPPER = ("upper_back_left", "upper_back_centre", "upper_back_right")
_UPPER_SIDES = ("upper_back_left", "upper_back_right")
_MIDDLE = ("middle_back_left", "middle_back_centre", "middle_back_right")
_MIDDLE_SIDES = ("middle_back_left", "middle_back_right")
_LOWER = ("lower_back_left", "lower_back_centre", "lower_back_right")
_LOWER_SIDES = ("lower_back_left", "lower_back_right")
_BUTTOCKS = ("buttock_left", "buttock_right")
_HIPS = ("hip_left", "hip_right")
_THIGHS = ("thigh_left", "thigh_right")
_LEGS = ("leg_left", "leg_right")
_FEET = ("foot_left", "foot_right")
_ARMS = ("arm_left", "arm_right")
_BACK = _UPPER + _MIDDLE + _LOWER

# --- Shared caution sentences -----------------------------------------------------------------

_STOP = "Stop if the pain turns sharp, spreads into an arm or leg, or you feel numbness or tingling."
_NOT_SPINE = "Keep to the muscle beside the spine, never on the spine itself or on bone."
_NO_KIDNEY = "Stay off the lower ribs and the soft area just below them (the kidney area)."
_PRO_CHECK = "Check the intake's contraindication notes before the session."
_PRO_PRESSURE = "Ask about pressure throughout and adjust at once."


LIBRARY: tuple[LibraryItem, ...] = (
    # --- Professional techniques ----------------------------------------------------------
    LibraryItem(
        slug="swedish",
        name="Swedish massage",
        kind=PROFESSIONAL,
        summary="Long gliding strokes and kneading for general relaxation and easing tight muscles.",
        body_areas=_NECK + _SHOULDERS + _BACK + _BUTTOCKS + _HIPS + _THIGHS + _LEGS + _FEET + _ARMS,
        equipment=("massage table", "massage oil"),
        steps=(
            "Confirm the areas to work and the pressure the client prefers.",
            "Settle the client face down with supports, or on their side if lying face down is "
            "uncomfortable.",
            "Warm the back with long, slow strokes from the lower back up to the shoulders.",
            "Knead the muscles either side of the spine and across the shoulders, keeping off the "
            "spine and other bony points.",
            "Close each area with long strokes again, at an even, unhurried pace.",
            "Plan 30 to 60 minutes; at the end, give the client a moment before they sit up slowly.",
        ),
        dose_minutes=60,
        dose_repetitions=None,
        dose_pressure="moderate",
        dose_frequency="every 1 to 2 weeks",
        cautions=(_PRO_CHECK, _PRO_PRESSURE),
        contraindication_key="swedish",
        illustration="swedish.svg",
    ),
    LibraryItem(
        slug="deep-tissue",
        name="Deep tissue massage",
        kind=PROFESSIONAL,
        summary="Slow, firm work on the deeper layers of muscle for long-standing tension.",
        body_areas=_NECK + _SHOULDERS + _BACK + _BUTTOCKS + _HIPS + _THIGHS,
        equipment=("massage table", "massage oil"),
        steps=(
            "Confirm there are no blood thinners, bleeding problems or fragile bones: these rule "
            "out deep work.",
            "Warm the area with lighter strokes for several minutes first.",
            "Sink in slowly with the forearm, knuckles or thumbs and move along the muscle, beside "
            "the spine rather than on it.",
            "Keep the pressure at a level the client calls strong but comfortable; ease off if they "
            "tense up or hold their breath.",
            "Finish each area with lighter strokes.",
            "Plan 45 to 60 minutes, and tell the client that mild soreness for a day or two is "
            "common.",
        ),
        dose_minutes=60,
        dose_repetitions=None,
        dose_pressure="firm",
        dose_frequency="every 1 to 2 weeks",
        cautions=(
            _PRO_CHECK,
            "Bruising is not the aim: ask the client to report any.",
            "Stop if the client feels sharp or spreading pain, numbness or tingling.",
        ),
        contraindication_key="deep_tissue",
        illustration="deep-tissue.svg",
    ),
    LibraryItem(
        slug="trigger-point",
        name="Trigger point therapy",
        kind=PROFESSIONAL,
        summary="Steady pressure held on small, tender knots in a muscle until they ease.",
        body_areas=_NECK + _SHOULDERS + _UPPER_SIDES + _MIDDLE_SIDES + _LOWER_SIDES + _BUTTOCKS
        + _HIPS,
        equipment=("massage table",),
        steps=(
            "Warm the area with general strokes.",
            "Ask the client to show you the tender spots, and feel for tight bands in the muscle.",
            "Press steadily on one spot with a thumb or fingers and hold for up to about a minute "
            "while the tenderness fades.",
            "Keep the discomfort at a level the client rates as moderate, never sharp.",
            "Release slowly, then stroke along the muscle.",
            "Treat a few key spots within a 30 to 60 minute session rather than every spot at once.",
        ),
        dose_minutes=45,
        dose_repetitions=None,
        dose_pressure="firm",
        dose_frequency="every 1 to 2 weeks",
        cautions=(_PRO_CHECK, _PRO_PRESSURE, _NOT_SPINE),
        contraindication_key="trigger_point",
        illustration="trigger-point.svg",
    ),
    LibraryItem(
        slug="myofascial-release",
        name="Myofascial release",
        kind=PROFESSIONAL,
        summary="Slow, sustained stretching of the connective tissue (fascia) around the muscles.",
        body_areas=_NECK + _SHOULDERS + _BACK + _BUTTOCKS + _HIPS + _THIGHS,
        equipment=("massage table",),
        steps=(
            "Work with little or no oil so your hands hold the skin rather than slide.",
            "Rest your hands flat on the area and sink in slowly until you meet resistance.",
            "Hold a gentle, steady stretch in the direction of the restriction for about 1 to 2 "
            "minutes without sliding.",
            "Follow the tissue as it softens, then move to the next area.",
            "Check comfort as you go; the pressure stays moderate.",
            "Plan 30 to 60 minutes.",
        ),
        dose_minutes=45,
        dose_repetitions=None,
        dose_pressure="moderate",
        dose_frequency="every 1 to 2 weeks",
        cautions=(_PRO_CHECK, _PRO_PRESSURE),
        contraindication_key="myofascial_release",
        illustration="myofascial-release.svg",
    ),
    LibraryItem(
        slug="shiatsu",
        name="Shiatsu",
        kind=PROFESSIONAL,
        summary="A Japanese technique of rhythmic palm and thumb pressure on points along the body.",
        body_areas=_NECK + _SHOULDERS + _BACK + _BUTTOCKS + _HIPS + _THIGHS + _LEGS + _FEET + _ARMS,
        equipment=("floor mat",),
        steps=(
            "The client stays in light, loose clothing on a padded mat or table.",
            "Lean your body weight slowly through your palms and thumbs onto points either side of "
            "the spine.",
            "Hold each point for a few seconds, then move on in a steady rhythm.",
            "Add gentle stretches and rotations of the limbs where the client is comfortable.",
            "Check the pressure regularly.",
            "Plan 45 to 60 minutes.",
        ),
        dose_minutes=60,
        dose_repetitions=None,
        dose_pressure="moderate",
        dose_frequency="every 1 to 2 weeks",
        cautions=(_PRO_CHECK, _PRO_PRESSURE, _NOT_SPINE),
        contraindication_key="shiatsu",
        illustration="shiatsu.svg",
    ),
    LibraryItem(
        slug="hot-stone",
        name="Hot stone massage",
        kind=PROFESSIONAL,
        summary="Massage with smooth heated stones, using warmth to help muscles relax.",
        body_areas=_NECK + _SHOULDERS + _BACK + _THIGHS + _LEGS,
        equipment=("massage table", "heated stones", "stone heater", "towels"),
        steps=(
            "Check for blood pressure medicine, a heart condition, reduced feeling or pregnancy: "
            "each rules out or changes heat.",
            "Heat the stones in a purpose-made heater and check the temperature as its instructions "
            "say.",
            "Test each stone on your own forearm, then briefly on the client, before using it.",
            "Glide oiled stones along the muscles beside the spine, keeping them moving.",
            "Set resting stones on a towel, never directly on bare skin, and never under the "
            "client's body weight.",
            "Ask about the heat often and remove any stone that feels too hot.",
            "Plan 60 minutes; help the client sit up slowly and offer water.",
        ),
        dose_minutes=60,
        dose_repetitions=None,
        dose_pressure="moderate",
        dose_frequency="every 2 to 4 weeks",
        cautions=(
            _PRO_CHECK,
            "Warm, never very hot: check every stone before it touches the skin.",
            "No heat over an area that is swollen, hot or recently injured.",
        ),
        contraindication_key="hot_stone",
        illustration="hot-stone.svg",
    ),
    # --- Home: self-massage ---------------------------------------------------------------
    LibraryItem(
        slug="hands-neck-shoulders",
        name="Self-massage: neck and shoulders",
        kind=HOME,
        summary="Slow circles with your fingertips along the top of the shoulders and back of the "
                "neck.",
        body_areas=_NECK + _SHOULDERS,
        equipment=(),
        steps=(
            "Sit upright in a chair with your feet flat and your shoulders relaxed.",
            "Rest your right hand on your left shoulder, where it meets the neck.",
            "Press in with your fingertips and make slow circles along the top of the shoulder and "
            "up the back of the neck.",
            "Spend a little longer on tight spots, with moderate pressure that feels good.",
            "Finish with a few strokes from the neck out towards the shoulder.",
            "Swap hands and do the other side.",
        ),
        dose_minutes=3,
        dose_repetitions=None,
        dose_pressure="moderate",
        dose_frequency="once or twice a day",
        cautions=(
            "Work on the back and sides of the neck only, never the front.",
            "Stop if you feel dizzy, or if tingling or pain runs down your arm.",
        ),
        contraindication_key="self_hands",
        illustration="hands-neck-shoulders.svg",
        dose_per_side=True,
    ),
    LibraryItem(
        slug="hands-lower-back",
        name="Self-massage: lower back",
        kind=HOME,
        summary="Thumb circles on the muscles either side of the spine, low down near the pelvis.",
        body_areas=_LOWER + _BUTTOCKS,
        equipment=(),
        steps=(
            "Sit on the front of a chair or stand with your feet hip-width apart.",
            "Put your hands on your waist with your thumbs towards your back.",
            "Slide your thumbs onto the thick muscles either side of the spine, just above the top "
            "of the pelvis.",
            "Press in and make small, slow circles with moderate pressure.",
            "Work a little higher, up to about waist level, then back down again.",
            "Finish by rubbing the area with flat palms, then lie down and rest for a few minutes.",
        ),
        dose_minutes=5,
        dose_repetitions=None,
        dose_pressure="moderate",
        dose_frequency="once or twice a day",
        cautions=(_NOT_SPINE, _NO_KIDNEY, _STOP),
        contraindication_key="self_hands",
        illustration="hands-lower-back.svg",
    ),
    LibraryItem(
        slug="tennis-ball-wall",
        name="Tennis ball against a wall",
        kind=HOME,
        summary="Lean against a tennis ball on the wall to press into tight spots around the "
                "shoulder blades.",
        body_areas=_SHOULDERS + _UPPER + _MIDDLE_SIDES + _BUTTOCKS,
        equipment=("tennis ball",),
        steps=(
            "Stand with your back to a wall, your feet hip-width apart and about a step away from "
            "it.",
            "Place a tennis ball between the wall and a tight spot beside one shoulder blade, not on "
            "the spine.",
            "Lean back gently so the ball presses into the muscle.",
            "Bend and straighten your knees slowly so the ball rolls a short way up and down.",
            "On a tender spot, stay still and breathe slowly for 20 to 30 seconds.",
            "Lean more of your weight back for more pressure, less for less.",
            "After about 2 minutes, move the ball to the other side.",
        ),
        dose_minutes=2,
        dose_repetitions=None,
        dose_pressure="moderate",
        dose_frequency="once a day",
        cautions=(
            "Keep the ball either side of the spine, never on it.",
            _NO_KIDNEY,
            _STOP,
        ),
        contraindication_key="tennis_ball",
        illustration="tennis-ball-wall.svg",
        dose_per_side=True,
    ),
    LibraryItem(
        slug="two-balls-floor",
        name="Two tennis balls on the floor",
        kind=HOME,
        summary="Lie on two tennis balls, one either side of the spine, and roll slowly along the "
                "upper and middle back.",
        body_areas=_UPPER + _MIDDLE,
        equipment=("two tennis balls", "sock", "exercise mat"),
        steps=(
            "Put two tennis balls in a sock and tie the end so they sit snugly side by side.",
            "Lie on your back on a mat with your knees bent and your feet flat on the floor.",
            "Place the balls under the middle of your back so your spine rests in the gap between "
            "them.",
            "Push gently with your feet to roll slowly up towards your shoulder blades and back.",
            "Take more weight through your feet for less pressure; let more weight rest on the "
            "balls for more.",
            "After about 2 minutes, roll off to one side and get up slowly.",
        ),
        dose_minutes=2,
        dose_repetitions=None,
        dose_pressure="moderate",
        dose_frequency="once a day",
        cautions=(
            "The spine stays in the gap between the balls: never roll on the spine itself.",
            "Roll only between the shoulder blades and the middle of the back, not down to the "
            "lower back, the lower ribs or the kidney area.",
            "Later in pregnancy, use the wall version instead of lying on your back.",
            _STOP,
        ),
        contraindication_key="tennis_ball",
        illustration="two-balls-floor.svg",
    ),
    LibraryItem(
        slug="foam-roller-upper-back",
        name="Foam roller: upper back",
        kind=HOME,
        summary="Roll slowly over a foam roller under the upper and middle back only.",
        body_areas=_UPPER + _MIDDLE,
        equipment=("foam roller", "exercise mat"),
        steps=(
            "Sit on a mat with the roller behind you, lying across from side to side, knees bent "
            "and feet flat.",
            "Lie back so the roller is under your upper back, at the level of your shoulder blades.",
            "Cross your arms over your chest, or support your head with your hands, and keep your "
            "neck relaxed.",
            "Lift your hips a little and push gently with your feet to roll slowly over a hand's "
            "length of your upper back.",
            "Tip slightly to one side so the pressure falls on the muscle beside the spine, then to "
            "the other side.",
            "Stop before the roller reaches the lower ribs.",
            "After about 2 minutes, lower your hips, roll onto your side and get up slowly.",
        ),
        dose_minutes=2,
        dose_repetitions=None,
        dose_pressure="gentle",
        dose_frequency="once a day",
        cautions=(
            "Upper and middle back only: never roll directly on the lower spine (the lower back) or "
            "the neck.",
            "Never roll over the lower ribs or the kidney area.",
            "Start with a soft roller and gentle pressure.",
            _STOP,
        ),
        contraindication_key="foam_roller",
        illustration="foam-roller-upper-back.svg",
    ),
    LibraryItem(
        slug="knuckles-elbows",
        name="Knuckles or elbows",
        kind=HOME,
        summary="Use the flat of your knuckles, or an elbow, for deeper circles on thick muscle.",
        body_areas=_SHOULDERS + _LOWER_SIDES + _THIGHS,
        equipment=(),
        steps=(
            "Sit on a firm chair, away from the backrest.",
            "Make loose fists and reach behind you to the lower back.",
            "Place the flat part of your knuckles on the thick muscle either side of the spine, "
            "just above the pelvis.",
            "Press in and make small, slow circles, moving a finger's width at a time.",
            "For the thigh, rest the point of your elbow on the front or outside of the thigh and "
            "lean in gently while making small circles.",
            "Spend about 2 minutes on each side, and ease off if it hurts.",
        ),
        dose_minutes=2,
        dose_repetitions=None,
        dose_pressure="moderate",
        dose_frequency="once a day",
        cautions=(
            "This can feel uncomfortable: move in small circles and ease off if it hurts.",
            _NOT_SPINE,
            _NO_KIDNEY,
            _STOP,
        ),
        contraindication_key="knuckles_elbows",
        illustration="knuckles-elbows.svg",
        dose_per_side=True,
    ),
    LibraryItem(
        slug="s-shaped-massager",
        name="S-shaped back massager (hooked cane)",
        kind=HOME,
        summary="Hook the cane over your shoulder and pull gently to press its tip into the "
                "muscles of the upper back.",
        body_areas=_SHOULDERS + _UPPER_SIDES + _MIDDLE_SIDES,
        equipment=("S-shaped massager",),
        steps=(
            "Sit or stand upright and hold the massager in front of you with both hands.",
            "Hook it over one shoulder so the tip rests on the muscle between the shoulder blade "
            "and the spine.",
            "Pull the lower handle gently forwards and down to press the tip in: the harder you "
            "pull, the more pressure.",
            "Hold on a tight spot for 20 to 30 seconds while you breathe slowly, then let go.",
            "Move the tip a little and repeat, staying on muscle.",
            "After about 2 minutes, do the other side.",
        ),
        dose_minutes=2,
        dose_repetitions=None,
        dose_pressure="moderate",
        dose_frequency="once a day",
        cautions=(
            "Press on muscle beside the spine, never on the spine itself.",
            _NO_KIDNEY,
            "Keep your shoulders relaxed and let your arms do the pulling.",
            _STOP,
        ),
        contraindication_key="s_massager",
        illustration="s-shaped-massager.svg",
        dose_per_side=True,
    ),
    LibraryItem(
        slug="trigger-point-tool",
        name="Handheld trigger-point tool",
        kind=HOME,
        summary="Press a small hand tool into a tight spot and hold until it eases.",
        body_areas=_SHOULDERS + _UPPER_SIDES + _BUTTOCKS + _THIGHS,
        equipment=("trigger-point tool",),
        steps=(
            "Find the tight spot with your fingers first.",
            "Place the tip of the tool on the muscle, for example on top of the shoulder or the "
            "side of the buttock.",
            "Press slowly until you feel a strong but comfortable ache, no more.",
            "Hold still for 20 to 30 seconds, breathing slowly, while the ache fades.",
            "Release slowly and move to the next spot.",
            "Spend no more than about 2 minutes on each side.",
        ),
        dose_minutes=2,
        dose_repetitions=None,
        dose_pressure="moderate",
        dose_frequency="once a day",
        cautions=(
            "Press on muscle only, never on the spine or bone.",
            _NO_KIDNEY,
            "Start gently.",
            _STOP,
        ),
        contraindication_key="trigger_point_tool",
        illustration="trigger-point-tool.svg",
        dose_per_side=True,
    ),
    LibraryItem(
        slug="partner-massage",
        name="Back massage from a partner",
        kind=HOME,
        summary="Simple steps for someone at home to massage your back with their hands.",
        body_areas=_SHOULDERS + _BACK,
        equipment=("massage oil",),
        steps=(
            "The person lies face down on a firm, comfortable surface such as a mat or firm bed.",
            "If they would like it, warm a few drops of massage oil in your hands.",
            "Place your hands flat either side of the spine at the lower back and glide them slowly "
            "up to the shoulders; repeat a few times.",
            "With the heels of your hands, make circles that move outwards and upwards, either side "
            "of the spine, for about 5 minutes.",
            "Press with your fingers just outside the spine and slide outwards towards the hips; "
            "repeat a little higher each time, up to the shoulders.",
            "Glide your thumbs up the long muscles either side of the spine, about 5 times.",
            "Ask where it feels tight and make small, firm thumb circles there, only as firm as is "
            "comfortable.",
            "Ask about the pressure throughout and ease off straight away if anything hurts.",
        ),
        dose_minutes=15,
        dose_repetitions=None,
        dose_pressure="moderate",
        dose_frequency="2 to 3 times a week",
        cautions=(
            "Never press on the spine or on bones.",
            _NO_KIDNEY,
            "Skip it if the person has a fever or has been told by a doctor not to have massage.",
            "If the person is pregnant, ask the therapist about lying on the side instead.",
        ),
        contraindication_key="partner_massage",
        illustration="partner-massage.svg",
    ),
    # --- Home: heat and cold --------------------------------------------------------------
    LibraryItem(
        slug="heat",
        name="Heat",
        kind=HOME,
        summary="A warm (not hot) pad, hot-water bottle or bath to help tight muscles relax.",
        body_areas=_NECK + _SHOULDERS + _BACK + _BUTTOCKS,
        equipment=("heating pad or hot-water bottle", "towel"),
        steps=(
            "Use a heating pad on a low setting, a hot-water bottle with warm (not boiling) water, "
            "or a warm bath.",
            "Wrap the pad or bottle in a towel or cover so there is always a layer between it and "
            "your skin.",
            "Sit or lie comfortably with it resting on the sore area.",
            "Check your skin every few minutes and take it off if it feels too hot.",
            "Remove it after 15 to 20 minutes.",
            "Afterwards, move gently: a short walk or one of your stretches.",
        ),
        dose_minutes=15,
        dose_repetitions=None,
        dose_pressure=None,
        dose_frequency="2 to 3 times a day",
        cautions=(
            "Warm, not hot; keep a layer between the heat and your skin.",
            "Do not fall asleep with a heating pad switched on.",
            "No heat in the first 2 to 3 days after a sprain or strain, or on an area that is "
            "swollen, hot or inflamed: use cold instead.",
            "Not on skin with reduced feeling, or on broken skin.",
        ),
        contraindication_key="heat",
        illustration="heat.svg",
    ),
    LibraryItem(
        slug="cold",
        name="Cold",
        kind=HOME,
        summary="A wrapped ice pack to calm swelling and pain, especially in the first days after "
                "a strain.",
        body_areas=_NECK + _SHOULDERS + _BACK + _BUTTOCKS,
        equipment=("ice pack or bag of frozen peas", "thin cloth"),
        steps=(
            "Use an ice pack or a bag of frozen peas.",
            "Wrap it in a thin cloth or tea towel; never put ice straight onto the skin.",
            "Rest with it on the sore area.",
            "Check your skin every few minutes and stop if it looks white or blotchy or starts to "
            "burn.",
            "Take it off after no more than 20 minutes.",
            "In the first 2 to 3 days after a strain, repeat every 2 to 3 hours while you are "
            "awake.",
        ),
        dose_minutes=15,
        dose_repetitions=None,
        dose_pressure=None,
        dose_frequency="every 2 to 3 hours in the first 2 to 3 days after a strain",
        cautions=(
            "Always wrap the ice pack in a cloth.",
            "No more than 20 minutes at a time.",
            "Take extra care, or ask first, if your skin has reduced feeling.",
        ),
        contraindication_key="cold",
        illustration="cold.svg",
    ),
    # --- Home: gentle stretches -----------------------------------------------------------
    LibraryItem(
        slug="knees-to-chest",
        name="Knees to chest",
        kind=HOME,
        summary="Lying on your back, draw one knee and then the other towards your chest to loosen "
                "the lower back.",
        body_areas=_LOWER + _BUTTOCKS,
        equipment=("exercise mat",),
        steps=(
            "Lie on your back on a mat or firm bed with your knees bent and feet flat.",
            "Hold behind one thigh, not on the kneecap, and gently draw that knee towards your "
            "chest until you feel a mild stretch in the lower back or buttock.",
            "Keep the other foot on the floor and breathe slowly; hold for about 20 seconds.",
            "Lower the leg slowly and do the same with the other leg.",
            "Do each side 3 times.",
            "If that is comfortable, finish by drawing both knees up together, holding behind both "
            "thighs.",
        ),
        dose_minutes=None,
        dose_repetitions=3,
        dose_pressure=None,
        dose_frequency="once or twice a day",
        cautions=(
            "Move slowly and never bounce.",
            "Stop if pain shoots down a leg, or you feel numbness or tingling.",
            "Later in pregnancy, avoid lying on your back for long: ask your therapist for a "
            "seated stretch instead.",
        ),
        contraindication_key="stretches",
        illustration="knees-to-chest.svg",
        dose_per_side=True,
    ),
    LibraryItem(
        slug="pelvic-tilt",
        name="Pelvic tilt",
        kind=HOME,
        summary="A small rocking of the pelvis while lying on your back, to ease and move the lower "
                "back.",
        body_areas=_LOWER,
        equipment=("exercise mat",),
        steps=(
            "Lie on your back with your knees bent, feet flat and hip-width apart, arms by your "
            "sides.",
            "Breathe in and let your lower back rest in its natural curve.",
            "Breathe out and gently tighten your stomach muscles so your lower back flattens towards "
            "the floor; your hips stay down.",
            "Hold for about 5 seconds while breathing normally.",
            "Relax back to the start.",
            "Repeat slowly 10 times.",
        ),
        dose_minutes=None,
        dose_repetitions=10,
        dose_pressure=None,
        dose_frequency="once or twice a day",
        cautions=(
            "Keep the movement small and comfortable.",
            "Stop if pain shoots down a leg, or you feel numbness or tingling.",
            "Later in pregnancy, do it standing with your back against a wall instead.",
        ),
        contraindication_key="stretches",
        illustration="pelvic-tilt.svg",
    ),
    LibraryItem(
        slug="cat-cow",
        name="Cat and cow",
        kind=HOME,
        summary="On hands and knees, slowly round and then gently hollow your back.",
        body_areas=_BACK,
        equipment=("exercise mat",),
        steps=(
            "Kneel on all fours on a mat, hands under your shoulders and knees under your hips; "
            "pad your knees if needed.",
            "Breathe out and slowly round your back up towards the ceiling, letting your head drop.",
            "Breathe in and slowly let your back sink a little, lifting your head slightly.",
            "Move slowly between the two, only as far as feels comfortable.",
            "Repeat 10 times.",
        ),
        dose_minutes=None,
        dose_repetitions=10,
        dose_pressure=None,
        dose_frequency="once or twice a day",
        cautions=(
            "Keep the movement small at first, especially when hollowing the back.",
            "Stop if pain shoots down a leg, or you feel numbness or tingling.",
        ),
        contraindication_key="stretches",
        illustration="cat-cow.svg",
    ),
    # --- Home: advice ---------------------------------------------------------------------
    LibraryItem(
        slug="relaxation-breathing",
        name="Relaxation breathing",
        kind=HOME,
        summary="Slow breathing into the stomach to calm stress and let tense muscles let go.",
        body_areas=(),
        equipment=(),
        steps=(
            "Sit or lie comfortably with your back supported.",
            "Put one hand on your chest and the other on your stomach.",
            "Breathe in slowly through your nose for a count of about 4, letting your stomach rise "
            "more than your chest.",
            "Breathe out slowly for a count of about 6 and let your shoulders drop.",
            "Carry on for about 5 minutes; if your mind wanders, go back to counting.",
            "Use it before sleep or whenever you notice tension building.",
        ),
        dose_minutes=5,
        dose_repetitions=None,
        dose_pressure=None,
        dose_frequency="once or twice a day",
        cautions=("If you feel light-headed, go back to breathing normally.",),
        contraindication_key=None,
        illustration="relaxation-breathing.svg",
    ),
    LibraryItem(
        slug="posture-desk-setup",
        name="Posture and desk set-up",
        kind=HOME,
        summary="Set up your chair, screen and keyboard so you can sit comfortably, and change "
                "position often.",
        body_areas=_NECK + _SHOULDERS + _UPPER + _LOWER,
        equipment=("chair", "small cushion"),
        steps=(
            "Sit right back in your chair so it supports your lower back; add a small cushion or "
            "rolled towel at waist level if needed.",
            "Set the chair height so your feet rest flat on the floor or a footrest, with your knees "
            "about level with your hips.",
            "Put the top of the screen at about eye level, roughly an arm's length away.",
            "Keep the keyboard and mouse close, so your elbows rest by your sides and your "
            "shoulders stay relaxed.",
            "On a laptop, raise the screen on a stand or books and use a separate keyboard and "
            "mouse.",
            "Get up, walk about and change position at least every 30 minutes.",
        ),
        dose_minutes=None,
        dose_repetitions=None,
        dose_pressure=None,
        dose_frequency="get up and move at least every 30 minutes",
        cautions=(
            "No single posture is perfect: changing position often matters most.",
            "See a doctor if pain keeps going or gets worse, or comes with numbness, weakness or "
            "fever.",
        ),
        contraindication_key=None,
        illustration="posture-desk-setup.svg",
    ),
)

LIBRARY_BY_SLUG: dict[str, LibraryItem] = {item.slug: item for item in LIBRARY}


# --- Dose ------------------------------------------------------------------------------------

_COUNT_WORDS = {1: "once", 2: "twice"}


def _positive_int(value: object, what: str) -> int | None:
    if value is None:
        return None
    if type(value) is not int or value < 1:
        raise ValueError(f"{what} must be a positive whole number, not {value!r}")
    return value


def dose_text(item: LibraryItem, *, minutes: int | None = None, repetitions: int | None = None,
              pressure: str | None = None, frequency: str | None = None) -> str:
    """The dose in plain words, e.g. "2 minutes each side, moderate pressure, once a day".

    Each keyword overrides the item's default when given (None keeps the default). Raises
    ValueError for a non-positive or non-integer count or an unknown pressure.
    """
    minutes = _positive_int(minutes, "minutes") or item.dose_minutes
    repetitions = _positive_int(repetitions, "repetitions") or item.dose_repetitions
    if pressure is not None and pressure not in PRESSURES:
        raise ValueError(f"pressure must be one of {', '.join(PRESSURES)}, not {pressure!r}")
    pressure = pressure or item.dose_pressure
    frequency = (frequency.strip() if isinstance(frequency, str) else "") or item.dose_frequency

    side = " each side" if item.dose_per_side else ""
    parts: list[str] = []
    if minutes:
        parts.append(f"{minutes} minute{'' if minutes == 1 else 's'}{side}")
        side = ""
    if repetitions:
        parts.append(f"{_COUNT_WORDS.get(repetitions, f'{repetitions} times')}{side}")
    if pressure:
        parts.append(f"{pressure} pressure")
    if frequency:
        parts.append(frequency)
    return ", ".join(parts) if parts else "as advised by your therapist"


# --- Checks ----------------------------------------------------------------------------------


def validate_library(items: tuple[LibraryItem, ...] = LIBRARY,
                     illustration_dir: Path = ILLUSTRATION_DIR) -> list[str]:
    """Return a list of problems with the library (empty when every item is sound)."""
    # Imported here so that loading this module never pulls in the intake package's Flask parts.
    from practice.intake.body_regions import REGION_KEYS
    from practice.intake.contraindications import TECHNIQUES_BY_KEY

    problems: list[str] = []
    seen: set[str] = set()
    for item in items:
        where = item.slug or "<no slug>"
        if item.slug in seen:
            problems.append(f"{where}: duplicate slug")
        seen.add(item.slug)
        if not (item.name and item.summary):
            problems.append(f"{where}: name and summary are required")
        if item.kind not in KINDS:
            problems.append(f"{where}: unknown kind {item.kind!r}")
        key = item.contraindication_key
        if key is not None:
            technique = TECHNIQUES_BY_KEY.get(key)
            if technique is None:
                problems.append(f"{where}: unknown contraindication key {key!r}")
            elif technique.kind != item.kind:
                problems.append(f"{where}: contraindication key {key!r} is a {technique.kind} "
                                f"technique, the item is {item.kind}")
        elif item.kind == PROFESSIONAL:
            problems.append(f"{where}: a professional item needs a contraindication key")
        problems += [f"{where}: unknown region key {r!r}" for r in item.body_areas
                     if r not in REGION_KEYS]
        if len(set(item.body_areas)) != len(item.body_areas):
            problems.append(f"{where}: repeated region key")
        if not item.steps or any(not (isinstance(s, str) and s.strip()) for s in item.steps):
            problems.append(f"{where}: empty steps")
        elif not MIN_STEPS <= len(item.steps) <= MAX_STEPS:
            problems.append(f"{where}: {len(item.steps)} steps, expected {MIN_STEPS} to {MAX_STEPS}")
        if item.dose_pressure is not None and item.dose_pressure not in PRESSURES:
            problems.append(f"{where}: unknown pressure {item.dose_pressure!r}")
        for field in ("dose_minutes", "dose_repetitions"):
            value = getattr(item, field)
            if value is not None and (type(value) is not int or value < 1):
                problems.append(f"{where}: {field} must be a positive whole number or None")
        if not item.dose_frequency:
            problems.append(f"{where}: dose_frequency is required")
        if not item.illustration or Path(item.illustration).name != item.illustration \
                or not item.illustration.endswith(".svg"):
            problems.append(f"{where}: illustration must be a plain .svg file name")
        elif not (illustration_dir / item.illustration).is_file():
            problems.append(f"{where}: missing illustration {item.illustration}")
    return problems
