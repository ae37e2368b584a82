"""Made-up but realistic data at any size, for benchmarks and for trying the app at scale: `flask generate-data`.

One new practice gets an owner, a few therapists and N clients, each with what real use leaves behind:
intakes (a few with red flags, most signed), questionnaires, a plan built from the seeded library with its
published versions, session notes, portal logins with weeks of home logs, and the audit rows of all of it.
The values come from the app's own pure rules (screening, contraindications, the plan suggestion,
questionnaire scoring, the version snapshot), so pages show exactly what they would after real use.

Speed: rows go in with bulk INSERTs, a batch of clients at a time, and one password hash serves every login.
Every choice comes from one random generator seeded with --seed: the same seed on the same day gives the same
data (only secrets differ: session tokens and invitation hashes are never predictable).
"""
from __future__ import annotations

import hashlib
import random
import re
import secrets
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

import click
from flask import current_app
from sqlalchemy import func, insert, select, update

from practice.accounts.models import ROLE_CLIENT, ROLE_OWNER, ROLE_THERAPIST, Practice, User, new_session_token
from practice.accounts.passwords import hash_password, password_problem
from practice.audit.models import AuditEvent
from practice.clients.models import Client
from practice.extensions import db
from practice.outages import outages_as_messages
from practice.intake import contraindications, screening
from practice.intake.assessment import RED_FLAG_PREFIX, SITE_PREFIX, assess, stage_of
from practice.intake.models import (
    KIND_INITIAL,
    KIND_REASSESSMENT,
    SOURCE_CLIENT,
    SOURCE_THERAPIST,
    STATUS_DRAFT,
    STATUS_SIGNED,
    Intake,
    QuestionnaireResponse,
    RedFlagAction,
)
from practice.intake.operations import ACTION_LEVELS
from practice.intake.questionnaires import QUESTIONNAIRES
from practice.library.operations import practice_library, seed_library
from practice.notes.models import SessionAmendment, SessionNote
from practice.plans import suggest as suggestions
from practice.plans.models import STATUS_ACTIVE, STATUS_ARCHIVED, STATUS_COMPLETED, Plan, PlanStep, PlanVersion
from practice.plans.models import STATUS_DRAFT as PLAN_DRAFT

# The same step modification and version snapshot as create_plan and activate, so versions look real.
from practice.plans.operations import _modification_text, _safety, snapshot
from practice.portal import warning_signs
from practice.portal.models import ASSIGNMENT_INTAKE, Assignment, HomeLog, Invitation

#: the password of every generated login unless --password says otherwise
GENERATED_PASSWORD = "generated-practice-lantern-47"
#: clients built and inserted together; bounds memory at any size
BATCH_CLIENTS = 1000
#: clients per therapist, roughly; a practice has 2 to 10 therapists
CLIENTS_PER_THERAPIST = 1500
MAX_THERAPISTS = 10
#: how far back home logs go for a client on an active plan
LOG_WINDOW_DAYS = 42
#: addresses of the documentation ranges, for audit rows: the clinic's staff, and clients at home
STAFF_NETWORK = "192.0.2."
CLIENT_NETWORK = "198.51.100."

FIRST_NAMES = (
    "Amira", "Ben", "Chloe", "Daniel", "Eva", "Felix", "Grace", "Hugo", "Isla", "Jonas", "Keira", "Liam", "Maya",
    "Noah", "Olivia", "Pablo", "Quinn", "Rosa", "Samir", "Tessa", "Umar", "Valeria", "William", "Ximena", "Yusuf",
    "Zoe", "Aoife", "Bjorn", "Camille", "Dmitri", "Elif", "Farah", "Giulia", "Hiroshi", "Ingrid", "Jamal", "Kasia",
    "Lucia", "Mateo", "Nadia", "Oskar", "Priya", "Rafael", "Sofia", "Tomasz", "Ulla", "Vikram", "Wen", "Yara",
    "Zainab", "Anna", "Marek", "Leila", "Connor", "Mei", "Tariq", "Helena", "Rhys", "Anouk", "Kofi",
)
LAST_NAMES = (
    "Hassan", "Carter", "Dubois", "Evans", "Fischer", "Garcia", "Huang", "Ivanov", "Jones", "Kowalski", "Lopez",
    "Murphy", "Nakamura", "O'Brien", "Patel", "Quintero", "Rossi", "Schmidt", "Tanaka", "Usman", "Van der Berg",
    "Williams", "Xu", "Yilmaz", "Zielinski", "Andersson", "Brennan", "Costa", "Dimitrov", "Eriksen", "Fontaine",
    "Gallagher", "Horvat", "Ibrahim", "Jensen", "Kaur", "Lindqvist", "Moreau", "Novak", "Okafor", "Petrov",
    "Quinn", "Romero", "Silva", "Thompson", "Ueda", "Varga", "Walsh", "Yamamoto", "Zhang", "Ahmed", "Becker",
    "Chen", "Demir", "Edwards", "Ferreira", "Green", "Hughes", "Ito", "Jovanovic", "Khan", "Larsen", "Mendes",
    "Nowak", "Olsen", "Park", "Reyes", "Santos", "Turner", "Vasquez", "Wright", "Young", "Bauer", "Clarke",
)


@dataclass(frozen=True)
class Complaint:
    """A typical reason for coming, with the answers that go with it."""

    reason: str
    pain_areas: tuple[str, ...]
    contributors: tuple[str, ...]
    qualities: tuple[str, ...]
    activities: tuple[str, ...]
    goals: str


COMPLAINTS = (
    Complaint("Lower back ache after long days at the desk", ("lower_back_centre", "lower_back_left"),
              ("posture_desk",), ("dull_ache", "stiffness"), ("Sitting through a work day", "Gardening"),
              "Work a full day without the ache"),
    Complaint("Stiff neck and shoulders, worse with stress", ("neck", "shoulder_left", "shoulder_right"),
              ("tension_stress",), ("dull_ache", "stiffness"), ("Turning my head to drive", "Sleeping through"),
              "Drive and sleep without a stiff neck"),
    Complaint("Tight upper back from computer work", ("upper_back_centre", "upper_back_left", "neck"),
              ("posture_desk", "tension_stress"), ("stiffness",), ("Typing for an hour", "Carrying shopping"),
              "Less tightness at work"),
    Complaint("Back pain since lifting boxes at work", ("lower_back_right", "buttock_right"), ("injury",),
              ("sharp",), ("Lifting my toddler", "Bending to load the dishwasher"), "Lift without fear"),
    Complaint("Long-standing stiffness in the lower and middle back", ("lower_back_centre", "middle_back_centre"),
              ("degenerative",), ("stiffness", "dull_ache"), ("Walking for half an hour", "Getting out of bed"),
              "Walk the dog every morning"),
    Complaint("Ache across the lower back and hips after running", ("lower_back_left", "lower_back_right", "hip_left"),
              (), ("dull_ache",), ("Running 5 km", "Climbing stairs"), "Back to running twice a week"),
)
SEXES = ("female", "male", "female", "male", "other")
PRESSURES = ("gentle", "moderate", "moderate", "firm")
#: health conditions some clients report: (condition, share of clients, medication that goes with it, site)
CONDITIONS = (
    ("high_blood_pressure", 0.10, "blood_pressure", None),
    ("diabetes", 0.05, "insulin", "abdomen"),
    ("varicose_veins", 0.05, None, "left calf"),
    ("osteoporosis", 0.03, None, None),
    ("heart_condition", 0.02, None, None),
)
#: red-flag answers some intakes carry: (share of intakes, {question key: answer})
RED_FLAG_PATTERNS = (
    (0.006, {"saddle_numbness": screening.YES}),
    (0.012, {"past_cancer": screening.YES, "weight_loss": screening.YES}),
    (0.015, {"night_pain": screening.YES}),
    (0.02, {"morning_stiffness": screening.YES, "alternating_buttock_pain": screening.YES}),
    (0.03, {"fever": screening.PREFER_NOT}),
    (0.015, {"leg_numbness": None}),  # left unanswered: the screen says "needs review"
)
ADVICE = (("Advised to see their GP this week with the screening summary.", "GP"),
          ("Advised to go to the emergency department today.", "Emergency department"),
          ("Went through the open questions in person; nothing of concern.", None))
SUBJECTIVE = ("Ache a little better this week", "Stiff after a long drive", "Slept better", "Busy week at work, sore",
              "Did the routine most days", "Pain flared after gardening", "Feeling looser")
OBJECTIVE = ("Tight paraspinals, left more than right", "Reduced rotation to the right", "Tender upper trapezius",
             "Good range of movement", "Guarding through the lower back")
ASSESSMENT = ("Improving as expected", "Slow progress; keep the plan", "Settling well", "Muscular, no new signs")
PLAN_TEXT = ("Continue the home routine", "Add heat before the routine", "Review in two weeks",
             "Keep walking daily")
STAFF_NOTE = "Prefers morning appointments"
LOG_NOTES = ("Stiff in the morning", "Good day", "Long day at the desk", "Forgot the evening part", "Felt great")
EXTRA_STEPS = ("cat-cow", "pelvic-tilt", "knees-to-chest", "heat")


@dataclass(frozen=True)
class Actor:
    """A generated login (staff or portal client) as the audit log names it."""

    id: int
    role: str
    name: str
    #: where their requests come from, for audit rows
    address: str


@dataclass
class Person:
    """One generated client, filled in step by step as their rows are built."""

    index: int
    cohort: str  # "new" (invited, intake from the portal), "current" (in treatment) or "past"
    first_name: str
    last_name: str
    born: date
    email: str | None
    therapist: Actor | None
    start_day: date
    is_archived: bool
    wants_portal: bool
    #: the first client: always on an active plan with a portal login (a login to try at any size)
    is_showcase: bool = False
    id: int = 0
    portal_user: Actor | None = None
    pain: int = 5
    answers: dict = field(default_factory=dict)
    intake_id: int | None = None
    level: str = screening.CLEAR
    table: dict = field(default_factory=dict)
    startback: str | None = None
    plan_id: int | None = None
    plan_status: str | None = None
    plan_row: dict | None = None
    intake_signed: bool = False
    #: a red-flag action is recorded for the first intake's screening
    level_resolved: bool = False
    versions: list[tuple[int, date, list[str]]] = field(default_factory=list)  # (id, published, home step keys)
    last_activity: date | None = None


@dataclass
class GenerationReport:
    """What was generated: the practice, its owner's login, and the rows per table."""

    practice_id: int
    practice_name: str
    owner_email: str
    therapist_emails: list[str]
    #: the first client's portal login (always on an active plan)
    showcase_email: str
    counts: Counter


def generate(clients: int, *, seed: int, practice_name: str | None = None, password: str = GENERATED_PASSWORD,
             today: date | None = None) -> GenerationReport:
    """Create one practice with `clients` generated clients and all their records (flushes; the caller commits)."""
    problem = password_problem(password)
    if problem:
        raise ValueError(f"--password: {problem}")
    return _Generator(seed, today or date.today(), hash_password(password)).run(clients, practice_name)


class _Generator:
    """Builds rows as plain dicts and inserts them in bulk, a batch of clients at a time."""

    def __init__(self, seed: int, today: date, password_hash: str):
        self.rng = random.Random(seed)
        self.seed = seed
        self.today = today
        self.password_hash = password_hash
        self.counts: Counter = Counter()
        self.audit: list[dict] = []

    # --- Practice and staff -----------------------------------------------------------------------------

    def run(self, clients: int, practice_name: str | None) -> GenerationReport:
        seed_library()
        name = practice_name or f"Generated practice (seed {self.seed})"
        self.practice_id = self._insert(Practice, [{
            "name": name, "email": "hello@clinic.example", "phone": "020 7946 0123", "paper_size": "A4",
            "created_at": self._at(self.today - timedelta(days=800), 9 * 60)}])[0]
        self.domain = f"p{self.practice_id}.generated.example"
        self._refuse_taken_domain()
        self.library = {item.slug: item for item in practice_library(self.practice_id)}
        self._staff(max(2, min(MAX_THERAPISTS, clients // CLIENTS_PER_THERAPIST + 2)))
        showcase_email = ""
        for start in range(0, clients, BATCH_CLIENTS):
            people = [self._person(index) for index in range(start, min(start + BATCH_CLIENTS, clients))]
            self._batch(people)
            if start == 0:
                showcase_email = people[0].email
        return GenerationReport(self.practice_id, name, self.owner_email, self.therapist_emails, showcase_email,
                                self.counts)

    def _refuse_taken_domain(self) -> None:
        taken = db.session.scalar(select(func.count()).select_from(User).where(User.email.endswith("@" + self.domain)))
        if taken:
            raise ValueError(f"Logins at {self.domain} already exist; generated e-mails would clash.")

    def _staff(self, therapist_count: int) -> None:
        names = [f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}" for _ in range(therapist_count + 1)]
        self.owner_email = f"owner@{self.domain}"
        self.therapist_emails = [f"therapist{n}@{self.domain}" for n in range(1, therapist_count + 1)]
        joined = self.today - timedelta(days=790)
        rows = [self._user_row(email, name, role, joined, self.today - timedelta(days=1)) for email, name, role in
                zip([self.owner_email, *self.therapist_emails], names,
                    [ROLE_OWNER] + [ROLE_THERAPIST] * therapist_count)]
        ids = self._insert(User, rows)
        self.owner, *self.therapists = [Actor(id, row["role"], row["name"], f"{STAFF_NETWORK}{n}")
                                        for n, (id, row) in enumerate(zip(ids, rows), start=1)]
        self._audit("practice.create", joined, self.owner, "practice", self.practice_id, None)
        for therapist in self.therapists:
            self._audit("user.create", joined, self.owner, "user", therapist.id, None)
        for days_ago in range(1, LOG_WINDOW_DAYS):  # everyone logs in on working days
            if (self.today - timedelta(days=days_ago)).weekday() < 5:
                for member in (self.owner, *self.therapists):
                    self._audit("auth.login", self.today - timedelta(days=days_ago), member, "user", member.id, None)

    def _user_row(self, email: str, name: str, role: str, joined: date, last_login: date | None,
                  is_active: bool = True) -> dict:
        return {"practice_id": self.practice_id, "email": email, "name": name, "role": role,
                "password_hash": self.password_hash, "is_active": is_active, "is_password_temporary": False,
                "session_token": new_session_token(),
                "last_login_at": self._at(last_login, 8 * 60) if last_login else None,
                "created_at": self._at(joined, 8 * 60)}

    # --- One client --------------------------------------------------------------------------------------

    def _person(self, index: int) -> Person:
        rng = self.rng
        # The first client is always in treatment with a portal login and an active plan, whatever the size.
        showcase = index == 0
        draw = rng.random()
        cohort = "current" if showcase else "new" if draw < 0.03 else "current" if draw < 0.35 else "past"
        start_day = self.today - timedelta(days=21 if showcase else {
            "new": rng.randint(1, 6), "current": rng.randint(3, 56), "past": rng.randint(60, 720)}[cohort])
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        has_email = showcase or cohort == "new" or rng.random() < 0.75
        email = f"{_plain(first)}.{_plain(last)}.{index + 1}@{self.domain}" if has_email else None
        age = min(88, max(18, int(rng.gauss(47, 14))))
        born = self.today - timedelta(days=age * 365 + rng.randint(0, 364))
        therapist = self.therapists[0] if showcase else rng.choice(self.therapists) if rng.random() > 0.03 else None
        portal_share = {"new": 1.0, "current": 0.55, "past": 0.25}[cohort]
        return Person(index=index, cohort=cohort, first_name=first, last_name=last, born=born, email=email,
                      therapist=therapist, start_day=start_day,
                      is_archived=cohort == "past" and rng.random() < 0.12,
                      wants_portal=showcase or (has_email and rng.random() < portal_share),
                      pain=rng.randint(3, 8), is_showcase=showcase)

    def _batch(self, people: list[Person]) -> None:
        self._portal_users(people)
        self._clients(people)
        self._intakes(people)
        self._questionnaires(people)
        self._plans(people)
        self._notes(people)
        self._invitations_and_assignments(people)
        self._home_logs(people)
        self._insert(AuditEvent, self.audit, ids=False)
        self.audit = []

    def _portal_users(self, people: list[Person]) -> None:
        invited = [p for p in people if p.wants_portal]
        rows = [self._user_row(p.email, f"{p.first_name} {p.last_name}", ROLE_CLIENT, p.start_day,
                               self.today - timedelta(days=self.rng.randint(1, 10)), is_active=not p.is_archived)
                for p in invited]
        for person, user_id in zip(invited, self._insert(User, rows)):
            person.portal_user = Actor(user_id, ROLE_CLIENT, f"{person.first_name} {person.last_name}",
                                       f"{CLIENT_NETWORK}{person.index % 250 + 1}")

    def _clients(self, people: list[Person]) -> None:
        rows = []
        for p in people:
            consented = p.start_day if self.rng.random() < 0.97 else None
            created = self._at(p.start_day - timedelta(days=1), 10 * 60)
            rows.append({
                "practice_id": self.practice_id, "therapist_id": p.therapist.id if p.therapist else None,
                "first_name": p.first_name, "last_name": p.last_name, "date_of_birth": p.born, "email": p.email,
                "phone": f"07700 {900000 + p.index % 1000}", "emergency_contact_name": None,
                "emergency_contact_phone": None, "consent_treatment_on": consented,
                "consent_health_data_on": consented, "notes": STAFF_NOTE if p.index % 9 == 0 else None,
                "is_archived": p.is_archived, "portal_user_id": p.portal_user.id if p.portal_user else None,
                # updated_at moves to the last visit once the notes are made (see _touch_clients)
                "created_at": created, "updated_at": created})
        for person, client_id in zip(people, self._insert(Client, rows)):
            person.id = client_id
            self._audit("client.create", person.start_day - timedelta(days=1), self._carer(person), "client",
                        client_id, client_id)

    # --- Intakes, red-flag actions and questionnaires -----------------------------------------------------

    def _answers(self, person: Person) -> dict:
        rng = self.rng
        complaint = rng.choice(COMPLAINTS)
        answers = {f"{RED_FLAG_PREFIX}{key}": screening.NO for key in screening.QUESTION_KEYS}
        threshold = 1.0 if person.is_showcase else rng.random()
        for share, flags in RED_FLAG_PATTERNS:
            threshold -= share
            if threshold < 0:
                for key, value in flags.items():
                    answers[f"{RED_FLAG_PREFIX}{key}"] = value
                break
        conditions, medications = [], []
        for condition, share, medication, site in CONDITIONS:
            if rng.random() < share:
                conditions.append(condition)
                if medication:
                    medications.append(medication)
                if site:
                    answers[f"{SITE_PREFIX}{condition}"] = site
        onset = person.start_day - timedelta(weeks=rng.choice((2, 4, 8, 16, 30, 60)))
        answers.update({
            "reason": complaint.reason, "goals": complaint.goals, "pain_areas": list(complaint.pain_areas),
            "pain_now": person.pain, "pain_best": max(0, person.pain - 2), "pain_worst": min(10, person.pain + 2),
            "onset_date": onset.isoformat(), "pain_qualities": list(complaint.qualities),
            "contributors": list(complaint.contributors), "sex": rng.choice(SEXES), "conditions": conditions,
            "medications": medications, "pressure": rng.choice(PRESSURES), "consent_today": True,
        })
        for n, activity in enumerate(complaint.activities, start=1):
            answers[f"activity_{n}"] = activity
            answers[f"activity_{n}_rating"] = rng.randint(2, 6)
        return answers

    def _intakes(self, people: list[Person]) -> None:
        rows, authors = [], []
        for p in people:
            if p.cohort != "new" and self.rng.random() < 0.08 and not p.is_showcase:
                continue  # not assessed yet
            p.answers = self._answers(p)
            age = _age_on(p.born, p.start_day)
            result = assess(p.answers, age)
            p.level, p.table = result.screening.level, result.techniques
            by_client = p.cohort == "new"
            author = p.portal_user if by_client else self._carer(p)
            is_draft = p.cohort == "current" and self.rng.random() < 0.06 and not p.is_showcase
            reviewed = by_client and self.rng.random() < 0.5
            rows.append(self._intake_row(p, 1, p.answers, result.screening, age, author, is_draft, by_client,
                                         reviewed))
            authors.append((p, author))
            if p.cohort == "past" and self.rng.random() < 0.15 and not p.is_archived:
                later = p.start_day + timedelta(weeks=self.rng.randint(8, 30))
                if later < self.today:
                    answers = {**p.answers, "pain_now": max(0, p.pain - 3)}
                    age_then = _age_on(p.born, later)
                    screened = assess(answers, age_then).screening
                    rows.append(self._intake_row(p, 2, answers, screened, age_then, self._carer(p), False, False, False,
                                                 day=later))
                    authors.append((p, self._carer(p)))
        actions = []
        for (person, author), row, intake_id in zip(authors, rows, self._insert(Intake, rows)):
            self._audit("intake.create", row["taken_on"], author, "intake", intake_id, person.id,
                        f"version {row['version']}")
            if row["status"] == STATUS_SIGNED:
                self._audit("intake.sign", row["taken_on"], author, "intake", intake_id, person.id,
                            f"version {row['version']}")
            if row["version"] == 1:
                person.intake_id = intake_id
                person.intake_signed = row["status"] == STATUS_SIGNED
                if row["screening_level"] in ACTION_LEVELS and row["source"] == SOURCE_THERAPIST \
                        and (self.rng.random() < 0.75 or person.is_showcase):
                    actions.append((person, intake_id, row))
            person.last_activity = row["taken_on"]
        self._red_flag_actions(actions)

    def _intake_row(self, p: Person, version: int, answers: dict, result: screening.ScreeningResult, age: int,
                    author: Actor, is_draft: bool, by_client: bool, reviewed: bool, day: date | None = None) -> dict:
        day = day or p.start_day
        signed = None if is_draft else self._at(day, 11 * 60)
        return {"client_id": p.id, "practice_id": self.practice_id, "version": version,
                "kind": KIND_INITIAL if version == 1 else KIND_REASSESSMENT,
                "source": SOURCE_CLIENT if by_client else SOURCE_THERAPIST,
                "status": STATUS_DRAFT if is_draft else STATUS_SIGNED, "answers": answers,
                "screening_level": result.level, "screening_result": result.to_json(),
                "age_at_intake": age, "taken_on": day, "created_by_id": author.id,
                "created_at": self._at(day, 10 * 60), "updated_at": self._at(day, 11 * 60),
                "signed_by_id": None if is_draft else author.id, "signed_at": signed,
                "reviewed_at": self._at(day, 15 * 60) if reviewed else None,
                "reviewed_by_id": self._carer(p).id if reviewed else None, "row_version": 1}

    def _red_flag_actions(self, actions: list[tuple[Person, int, dict]]) -> None:
        rows = []
        for person, intake_id, intake in actions:
            advice, referred_to = ADVICE[0] if intake["screening_level"] == screening.URGENT else \
                ADVICE[1] if intake["screening_level"] == screening.EMERGENCY else ADVICE[2]
            rows.append({"intake_id": intake_id, "client_id": person.id, "advice": advice, "referred_to": referred_to,
                         "acted_on": intake["taken_on"], "recorded_by_id": intake["created_by_id"],
                         "recorded_at": self._at(intake["taken_on"], 12 * 60)})
            person.level_resolved = True
        for (person, intake_id, intake), action_id in zip(actions, self._insert(RedFlagAction, rows)):
            self._audit("screening.action", intake["taken_on"], self._carer(person), "redflagaction", action_id,
                        person.id, f"intake {intake_id}, level {intake['screening_level']}")

    def _questionnaires(self, people: list[Person]) -> None:
        rows, authors = [], []
        for p in people:
            if not p.answers or p.cohort == "new":
                continue
            chosen = [key for key, share in (("nprs", 0.85), ("startback", 0.6), ("psfs", 0.3), ("rmdq", 0.1))
                      if self.rng.random() < share]
            for key in chosen:
                rows.append(self._questionnaire_row(p, key, p.start_day, p.pain))
                authors.append((p, self._carer(p)))
                if key == "startback":
                    p.startback = rows[-1]["band"]
            if "nprs" in chosen and p.start_day + timedelta(weeks=3) < self.today:
                rows.append(self._questionnaire_row(p, "nprs", p.start_day + timedelta(weeks=3), max(0, p.pain - 2)))
                authors.append((p, self._carer(p)))
        for (person, author), row, response_id in zip(authors, rows, self._insert(QuestionnaireResponse, rows)):
            self._audit("questionnaire.create", row["taken_on"], author, "questionnaireresponse", response_id,
                        person.id, row["questionnaire"])

    def _questionnaire_row(self, p: Person, key: str, day: date, pain: int) -> dict:
        rng = self.rng
        definition = QUESTIONNAIRES[key]
        if key == "nprs":
            answers = {"pain": pain}
        elif key == "psfs":
            answers = {f"activity_{n}": p.answers.get(f"activity_{n}_rating", rng.randint(2, 6)) for n in (1, 2)}
        elif key == "startback":
            answers = {item.key: rng.random() < 0.3 for item in definition.items[:8]}
            answers["bothersomeness"] = rng.choice(("slightly", "moderately", "moderately", "very_much"))
        else:
            answers = {item.key: rng.random() < 0.25 for item in definition.items}
        score = definition.score(answers)
        return {"client_id": p.id, "questionnaire": key, "answers": answers, "score": score.value, "band": score.band,
                "is_complete": score.is_complete, "taken_on": day, "source": SOURCE_THERAPIST,
                "recorded_by_id": self._carer(p).id, "created_at": self._at(day, 10 * 60 + 30)}

    # --- Plans, steps and versions ------------------------------------------------------------------------

    def _plans(self, people: list[Person]) -> None:
        planned = [p for p in people if self._may_have_plan(p)]
        rows, routines = [], []
        library_keys = {slug: item.contraindication_key for slug, item in self.library.items()}
        for p in planned:
            proposal = suggestions.suggest(p.answers, stage=stage_of(p.answers, p.start_day),
                                           startback_risk=p.startback, table=p.table, library_keys=library_keys,
                                           today=p.start_day)
            p.plan_status = self._plan_status(p)
            steps = [self._step(suggested.slug, p.table, suggested.pressure) for suggested in proposal.steps]
            published = self._published_versions(p, steps)
            rows.append({"client_id": p.id, "practice_id": self.practice_id, "intake_id": p.intake_id,
                         "status": p.plan_status, "title": proposal.title, "goals": proposal.goals,
                         "techniques": proposal.techniques, "technique_overrides": {},
                         "focus_areas": proposal.focus_areas, "session_minutes": proposal.session_minutes,
                         "session_frequency": proposal.session_frequency, "session_count": proposal.session_count,
                         "review_on": proposal.review_on, "advice": proposal.advice,
                         "current_version": len(published), "has_unpublished_changes": False,
                         "created_by_id": self._carer(p).id, "created_at": self._at(p.start_day, 13 * 60),
                         "updated_at": self._at(p.start_day, 13 * 60), "row_version": 1})
            routines.append((steps, published))
        for p, row, plan_id in zip(planned, rows, self._insert(Plan, rows)):
            p.plan_id, p.plan_row = plan_id, row
            self._audit("plan.create", p.start_day, self._carer(p), "plan", plan_id, p.id, f"from intake {p.intake_id}")
        self._insert_steps(planned, [steps for steps, _ in routines])
        self._versions([(p, *version) for p, (_, published) in zip(planned, routines) for version in published])

    def _published_versions(self, p: Person, steps: list) -> list[tuple[int, date, list, str]]:
        """(number, day, steps, summary) of each version: none for a draft; a third get a step added later."""
        if p.plan_status == PLAN_DRAFT:
            return []
        versions = [(1, p.start_day, list(steps), "First version")]
        extra = self._extra_step(p, steps)
        day = p.start_day + timedelta(days=self.rng.randint(14, 28))
        if extra is not None and day < self.today and self.rng.random() < 0.3:
            steps.append(extra)  # the working copy holds what the latest version shows
            versions.append((2, day, list(steps), f"Added {extra.item.name}"))
        return versions

    def _may_have_plan(self, p: Person) -> bool:
        """As activate() requires: a signed intake whose screening needs no action, or has one recorded."""
        if p.intake_id is None or p.cohort == "new" or not p.intake_signed:
            return False
        if p.level in ACTION_LEVELS and not p.level_resolved:
            return False
        return self.rng.random() < 0.9 or p.is_showcase

    def _plan_status(self, p: Person) -> str:
        draw = self.rng.random()
        if p.cohort == "current":
            return PLAN_DRAFT if draw < 0.08 and not p.is_showcase else STATUS_ACTIVE
        return STATUS_COMPLETED if draw < 0.7 else STATUS_ARCHIVED if draw < 0.8 else STATUS_ACTIVE

    def _step(self, slug: str, table: dict, pressure: str | None) -> SimpleNamespace:
        item = self.library[slug]
        return SimpleNamespace(item=item, key=f"{self.rng.getrandbits(48):012x}", minutes=None, repetitions=None,
                               pressure=pressure, frequency=None, modification=_modification_text(_safety(item, table)),
                               note=None, override_reason=None)

    def _extra_step(self, p: Person, steps: list) -> SimpleNamespace | None:
        present = {step.item.slug for step in steps}
        for slug in EXTRA_STEPS:
            item = self.library.get(slug)
            safety = _safety(item, p.table) if item else None
            if item and slug not in present and (safety is None or safety.level != contraindications.AVOID):
                return self._step(slug, p.table, None)
        return None

    def _insert_steps(self, planned: list[Person], steps_of: list[list]) -> None:
        rows = [{"plan_id": p.plan_id, "key": step.key, "position": position, "library_item_id": step.item.id,
                 "minutes": step.minutes, "repetitions": step.repetitions, "pressure": step.pressure,
                 "frequency": step.frequency, "note": step.note, "modification": step.modification,
                 "override_reason": None, "overridden_by_id": None}
                for p, steps in zip(planned, steps_of) for position, step in enumerate(steps, start=1)]
        self._insert(PlanStep, rows, ids=False)

    def _versions(self, versions: list[tuple]) -> None:
        rows = []
        for p, number, day, steps, summary in versions:
            plan = SimpleNamespace(**{**p.plan_row, "steps": steps})
            therapist = SimpleNamespace(name=p.therapist.name) if p.therapist else None
            client = SimpleNamespace(first_name=p.first_name, therapist=therapist)
            rows.append({"plan_id": p.plan_id, "number": number, "content": snapshot(plan, client).to_json(),
                         "change_summary": summary, "created_by_id": self._carer(p).id,
                         "created_at": self._at(day, 13 * 60 + 30)})
        for (p, number, day, steps, _), version_id in zip(versions, self._insert(PlanVersion, rows)):
            p.versions.append((version_id, day, [step.key for step in steps if step.item.kind == "home"]))
            self._audit("plan.activate" if number == 1 else "plan.version", day, self._carer(p), "plan", p.plan_id,
                        p.id, f"version {number}")

    # --- Session notes -------------------------------------------------------------------------------------

    def _notes(self, people: list[Person]) -> None:
        rows, who = [], []
        for p in people:
            for day in self._visit_days(p):
                before = max(0, p.pain - (day - p.start_day).days // 14 + self.rng.randint(-1, 1))
                signed = day < self.today - timedelta(days=2) or self.rng.random() < 0.5
                rows.append({
                    # Linked to the plan that was active then, as create_note does (a draft never was).
                    "client_id": p.id, "plan_id": p.plan_id if p.plan_status not in (None, PLAN_DRAFT) else None,
                    "seen_on": day, "duration_minutes": (p.plan_row or {}).get("session_minutes") or 60,
                    "subjective": self.rng.choice(SUBJECTIVE), "objective": self.rng.choice(OBJECTIVE),
                    "assessment": self.rng.choice(ASSESSMENT), "plan_text": self.rng.choice(PLAN_TEXT),
                    "techniques": list((p.plan_row or {}).get("techniques") or ["swedish"]),
                    "pain_before": before, "pain_after": max(0, before - self.rng.randint(1, 3)),
                    "is_signed": signed, "signed_at": self._at(day, 17 * 60) if signed else None,
                    "created_by_id": self._carer(p).id, "created_at": self._at(day, 16 * 60), "row_version": 1})
                who.append(p)
                p.last_activity = max(p.last_activity or day, day)
        amendments = []
        for p, row, note_id in zip(who, rows, self._insert(SessionNote, rows)):
            carer = self._carer(p)
            self._audit("client.view", row["seen_on"], carer, "client", p.id, p.id)
            self._audit("session.create", row["seen_on"], carer, "sessionnote", note_id, p.id)
            if row["is_signed"]:
                self._audit("session.sign", row["seen_on"], carer, "sessionnote", note_id, p.id)
                amended = row["seen_on"] + timedelta(days=1)
                if self.rng.random() < 0.03 and amended < self.today:
                    amendments.append((p, note_id, amended))
        self._amendments(amendments)
        self._touch_clients(people)

    def _visit_days(self, p: Person) -> list[date]:
        """Weekly visits from the first one: up to the plan's session count, never today or later."""
        if p.intake_id is None or p.cohort == "new":
            return []
        count = (p.plan_row or {}).get("session_count") or 1
        if p.plan_status is None or p.plan_status == PLAN_DRAFT:
            count = 1
        elif p.cohort == "past":
            count = self.rng.randint(1, count)
        days = [p.start_day + timedelta(weeks=n) for n in range(count)]
        return [day for day in days if day < self.today]

    def _amendments(self, amendments: list[tuple[Person, int, date]]) -> None:
        rows = [{"note_id": note_id, "text": "Corrected the pain score: the client meant the evening before.",
                 "created_by_id": self._carer(p).id, "created_at": self._at(day, 9 * 60)}
                for p, note_id, day in amendments]
        for (p, _, day), amendment_id in zip(amendments, self._insert(SessionAmendment, rows)):
            self._audit("session.amend", day, self._carer(p), "sessionamendment", amendment_id, p.id)

    def _touch_clients(self, people: list[Person]) -> None:
        """Set each client's updated_at to their last activity (the dashboard lists by it)."""
        db.session.execute(update(Client), [
            {"id": p.id, "updated_at": self._at(p.last_activity or p.start_day, 17 * 60 + 30)} for p in people])

    # --- Portal: invitations, assignments and home logs ----------------------------------------------------

    def _invitations_and_assignments(self, people: list[Person]) -> None:
        invitations, whose, assignments, assigned_to = [], [], [], []
        for p in people:
            if p.portal_user:
                sent = p.start_day - timedelta(days=1)
                invitations.append(self._invitation_row(p, sent, used=sent + timedelta(days=1)))
                whose.append((p, "portal.invitation_accept", sent + timedelta(days=1), p.portal_user))
            elif p.email and p.cohort == "current" and not p.is_archived and self.rng.random() < 0.1:
                sent = self.today - timedelta(days=self.rng.randint(1, 5))
                invitations.append(self._invitation_row(p, sent, used=None))
                whose.append((p, None, sent, None))
            if p.cohort == "new" and p.intake_id:
                assignments.append(self._assignment_row(p, ASSIGNMENT_INTAKE, p.start_day - timedelta(days=1),
                                                        done=p.start_day, result_id=p.intake_id))
                assigned_to.append(p)
            elif p.portal_user and p.plan_status == STATUS_ACTIVE and self.rng.random() < 0.2:
                assignments.append(self._assignment_row(p, "nprs", self.today - timedelta(days=self.rng.randint(1, 6)),
                                                        done=None, result_id=None))
                assigned_to.append(p)
        for (p, accepted, sent, user), row, invitation_id in zip(whose, invitations,
                                                                  self._insert(Invitation, invitations)):
            self._audit("portal.invite", sent, self._carer(p), "invitation", invitation_id, p.id,
                        f"expires {row['expires_at']:%Y-%m-%d}")
            if accepted:
                self._audit(accepted, sent + timedelta(days=1), user, "invitation", invitation_id, p.id)
        for person, row, assignment_id in zip(assigned_to, assignments, self._insert(Assignment, assignments)):
            self._audit("portal.assign", row["assigned_at"].date(), self._carer(person), "assignment",
                        assignment_id, person.id, row["kind"])

    def _invitation_row(self, p: Person, sent: date, used: date | None) -> dict:
        # A hash of a token nobody holds: generated invitations can never be used.
        token_hash = hashlib.sha256(secrets.token_bytes(32)).hexdigest()
        return {"practice_id": self.practice_id, "client_id": p.id, "token_hash": token_hash, "email": p.email,
                "created_by_id": self._carer(p).id, "created_at": self._at(sent, 12 * 60),
                "expires_at": self._at(sent + timedelta(days=7), 12 * 60),
                "used_at": self._at(used, 19 * 60) if used else None, "revoked_at": None}

    def _assignment_row(self, p: Person, kind: str, day: date, *, done: date | None, result_id: int | None) -> dict:
        return {"client_id": p.id, "kind": kind, "assigned_by_id": self._carer(p).id,
                "assigned_at": self._at(day, 12 * 60 + 5), "completed_at": self._at(done, 20 * 60) if done else None,
                "cancelled_at": None, "result_id": result_id}

    def _home_logs(self, people: list[Person]) -> None:
        rows, whose = [], []
        for p in people:
            if not (p.portal_user and p.plan_status == STATUS_ACTIVE and p.versions and not p.is_archived):
                continue
            for row in self._logs_of(p):
                rows.append(row)
                whose.append(p)
        for p, row, log_id in zip(whose, rows, self._insert(HomeLog, rows)):
            self._audit("home_log.create", row["logged_on"], p.portal_user, "homelog", log_id, p.id,
                        f"{row['logged_on'].isoformat()}, level {row['warning_level']}")
            if row["reviewed_at"]:
                self._audit("home_log.review", row["reviewed_at"].date(), self._carer(p), "homelog", log_id, p.id,
                            row["logged_on"].isoformat())

    def _logs_of(self, p: Person) -> list[dict]:
        rng = self.rng
        first = max(p.versions[0][1], self.today - timedelta(days=LOG_WINDOW_DAYS))
        # One in ten stops logging a week or two ago: the dashboard lists them as quiet.
        quiet = rng.random() < 0.1 and not p.is_showcase
        last = self.today - timedelta(days=rng.randint(8, 15) if quiet else 1)
        adherence = rng.uniform(0.5, 0.95)
        rows, day = [], first
        while day <= last:
            if rng.random() < adherence:
                rows.append(self._log_row(p, day, adherence))
            day += timedelta(days=1)
        return rows

    def _log_row(self, p: Person, day: date, adherence: float) -> dict:
        rng = self.rng
        version_id, _, keys = next(v for v in reversed(p.versions) if v[1] <= day)
        ticked = set(rng.sample(keys, k=round(len(keys) * min(1.0, adherence + rng.uniform(-0.3, 0.2)))))
        done = [key for key in keys if key in ticked]  # in routine order, as save_log keeps them
        signs = [rng.choice(warning_signs.WARNING_SIGNS)[0]] if rng.random() < 0.004 else []
        level = warning_signs.level_of_signs(signs, age=_age_on(p.born, day))
        reviewed = level != screening.CLEAR and day < self.today - timedelta(days=3) and rng.random() < 0.85
        pain = max(0, min(10, p.pain - (day - p.start_day).days // 10 + rng.randint(-1, 1)))
        logged = self._at(day, 20 * 60 + rng.randint(0, 120))
        return {"client_id": p.id, "plan_version_id": version_id, "logged_on": day, "done_steps": done,
                "planned_steps": len(keys), "pain": pain if rng.random() > 0.08 else None,
                "note": rng.choice(LOG_NOTES) if rng.random() < 0.1 else "", "warning_signs": signs,
                "warning_level": level, "reviewed_at": self._at(day + timedelta(days=1), 9 * 60) if reviewed else None,
                "reviewed_by_id": self._carer(p).id if reviewed else None,
                "review_note": "Called the client; advised to see their GP." if reviewed else "",
                "created_at": logged, "updated_at": logged}

    # --- Helpers -------------------------------------------------------------------------------------------

    def _carer(self, person: Person) -> Actor:
        """The therapist who works with the client; the owner sees unassigned clients."""
        return person.therapist or self.owner

    def _at(self, day: date, minutes: int) -> datetime:
        """A moment on `day`, `minutes` after midnight UTC."""
        return datetime(day.year, day.month, day.day, tzinfo=timezone.utc) + timedelta(minutes=minutes)

    def _audit(self, action: str, day: date, actor: Actor, target_type: str, target_id: int,
               client_id: int | None, detail: str | None = None) -> None:
        # Spread over the working day; rows of one day keep the order they were made in.
        self.audit.append({"at": self._at(day, 8 * 60 + len(self.audit) % 600), "practice_id": self.practice_id,
                           "actor_id": actor.id, "actor_role": actor.role, "action": action,
                           "target_type": target_type, "target_id": target_id, "client_id": client_id,
                           "ip_address": actor.address, "outcome": "success",
                           "detail": detail})

    def _insert(self, model, rows: list[dict], *, ids: bool = True) -> list[int]:
        """Bulk-insert `rows`; return their new ids in order (unless ids=False)."""
        if not rows:
            return []
        self.counts[model.__tablename__] += len(rows)
        # render_nulls: every row sends the same columns (None as NULL), so all go in one executemany; without it
        # rows are grouped by which values are None, and the groups run one by one.
        statement = insert(model).execution_options(render_nulls=True)
        if not ids:
            db.session.execute(statement, rows)
            return []
        return list(db.session.scalars(statement.returning(model.id, sort_by_parameter_order=True), rows))


def _age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _plain(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


# --- The command --------------------------------------------------------------------------------------------


@click.command("generate-data")
@click.option("--clients", type=click.IntRange(1, 1_000_000), default=1000, show_default=True,
              help="How many clients the new practice gets.")
@click.option("--seed", type=int, default=1, show_default=True, help="The same seed gives the same data.")
@click.option("--practice-name", default=None, help="Defaults to 'Generated practice (seed N)'.")
@click.option("--password", default=GENERATED_PASSWORD, show_default=True,
              help="The password of every generated login (owner, therapists, portal clients).")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The day the history leads up to (default: today), for data that is the same another day.")
@outages_as_messages
def generate_data_command(clients, seed, practice_name, password, today):
    """Add a practice with generated clients, intakes, plans, notes and home logs (for benchmarks and demos)."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("generate-data writes made-up clients: it does not run with "
                                   "PRACTICE_ENV=production.")
    started = time.perf_counter()
    try:
        report = generate(clients, seed=seed, practice_name=practice_name, password=password,
                          today=today.date() if today else None)
    except ValueError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    seconds = time.perf_counter() - started
    click.echo(f"Generated practice {report.practice_name!r} (id {report.practice_id}) with {clients:,} clients "
               f"on {db.engine.dialect.name} in {seconds:.1f} s:")
    for table, count in sorted(report.counts.items()):
        click.echo(f"  {table:<24} {count:>10,}")
    therapists = ", ".join(report.therapist_emails[:3]) + (" ..." if len(report.therapist_emails) > 3 else "")
    click.echo(f"Every login's password is {password!r}. Owner: {report.owner_email}; therapists: {therapists}; "
               f"a portal client on an active plan: {report.showcase_email}")
