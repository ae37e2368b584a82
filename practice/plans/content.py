"""What a frozen plan version holds, as types. Pure: no Flask, no database.

A version is stored as plain JSON (`PlanVersion.content`) so that it shows and prints the same for ever; the plan
page, the handout, the portal and the record export read it through `FrozenPlan`, never as a loose dict.
Versions saved before a field existed read it as empty.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from practice.parse import parse_date

KIND_HOME = "home"


@dataclass(frozen=True)
class FrozenStep:
    """One step of the routine as saved: the library item's texts and this client's dose."""

    name: str
    #: the plan step's identity, the same in every version that holds the step (home logs name steps by it)
    key: str = ""
    slug: str = ""
    #: "home" (the client does it) or "professional"
    kind: str = KIND_HOME
    #: the numbered instructions
    steps: tuple[str, ...] = ()
    #: the dose in plain words ("5 minutes, twice a day")
    dose: str = ""
    cautions: tuple[str, ...] = ()
    #: the change the safety check asked for this client ("light pressure only")
    modification: str | None = None
    note: str | None = None
    #: why the therapist kept an item the check says to avoid
    override_reason: str | None = None
    #: the drawing's file name under static/img/library
    illustration: str | None = None

    @property
    def is_home(self) -> bool:
        """True for a step the client does at home."""
        return self.kind == KIND_HOME

    @classmethod
    def from_json(cls, data: dict, position: int = 0) -> "FrozenStep":
        """Read one stored step (one without a key, written by hand or by older code, is named by its position)."""
        return cls(name=data.get("name") or "", key=str(data.get("key") or f"position-{position}"),
                   slug=data.get("slug") or "", kind=data.get("kind") or KIND_HOME,
                   steps=tuple(data.get("steps") or ()), dose=data.get("dose") or "",
                   cautions=tuple(data.get("cautions") or ()), modification=data.get("modification"),
                   note=data.get("note"), override_reason=data.get("override_reason"),
                   illustration=data.get("illustration"))


@dataclass(frozen=True)
class FrozenProfessional:
    """The clinic part of the plan as saved: techniques by name, session pattern, review date."""

    techniques: tuple[str, ...] = ()
    focus_areas: tuple[str, ...] = ()
    #: technique name -> the therapist's reason for keeping it against the safety check
    overrides: dict[str, str] = field(default_factory=dict)
    session_minutes: int | None = None
    session_frequency: str = ""
    session_count: int | None = None
    review_on: date | None = None

    @classmethod
    def from_json(cls, data: dict) -> "FrozenProfessional":
        """Read the stored clinic part; an unreadable review date reads as none."""
        return cls(techniques=tuple(data.get("techniques") or ()), focus_areas=tuple(data.get("focus_areas") or ()),
                   overrides=dict(data.get("overrides") or {}), session_minutes=data.get("session_minutes"),
                   session_frequency=data.get("session_frequency") or "", session_count=data.get("session_count"),
                   review_on=_date_or_none(data.get("review_on")))

    def to_json(self) -> dict:
        """As stored: lists, and the review date as an ISO string."""
        return {**asdict(self), "techniques": list(self.techniques), "focus_areas": list(self.focus_areas),
                "review_on": self.review_on.isoformat() if self.review_on else None}


@dataclass(frozen=True)
class FrozenPlan:
    """A whole plan version: what the client and the therapist read, exactly as it was saved."""

    title: str
    goals: str = ""
    advice: str = ""
    client_first_name: str = ""
    therapist: str = ""
    professional: FrozenProfessional = field(default_factory=FrozenProfessional)
    steps: tuple[FrozenStep, ...] = ()

    @property
    def home_steps(self) -> list[tuple[int, FrozenStep]]:
        """The steps the client does at home, numbered by their place in the whole routine (from 1)."""
        return [(position, step) for position, step in enumerate(self.steps, start=1) if step.is_home]

    @classmethod
    def from_json(cls, data: dict) -> "FrozenPlan":
        """Read a stored version."""
        return cls(title=data.get("title") or "", goals=data.get("goals") or "", advice=data.get("advice") or "",
                   client_first_name=data.get("client_first_name") or "", therapist=data.get("therapist") or "",
                   professional=FrozenProfessional.from_json(data.get("professional") or {}),
                   steps=tuple(FrozenStep.from_json(step, position)
                               for position, step in enumerate(data.get("steps") or (), start=1)))

    def to_json(self) -> dict:
        """The plain JSON that is stored."""
        return {"title": self.title, "goals": self.goals, "advice": self.advice,
                "client_first_name": self.client_first_name, "therapist": self.therapist,
                "professional": self.professional.to_json(),
                "steps": [{**asdict(step), "steps": list(step.steps), "cautions": list(step.cautions)}
                          for step in self.steps]}


def _date_or_none(value) -> date | None:
    return parse_date(value) if isinstance(value, str) else None
