"""Hypothesis strategies of random and hostile form values, and of whole posts built from a form's real fields.

Each field has plausible values and hostile ones. A post keeps most fields plausible and breaks a few (hostile or
missing), so that each hostile value meets a form that would otherwise be accepted, and the success path is
reached often enough for its checks to mean something. Fields holding record ids are drawn like the ids in the
URL: mostly the actor's own records, sometimes one out of their reach.

A value is a str, raw bytes (sent as they are, so invalid UTF-8 reaches the app), or a `Later`: a value read from
the database when the example runs (a row version, an id, a token), because saves in earlier examples change it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from hypothesis import strategies as st
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.core import UnboundField
from wtforms.validators import Length, NumberRange


@dataclass(frozen=True)
class FieldFuzz:
    """Values for one field, each a list (a field may be sent several times): plausible ones, and hostile ones."""

    valid: st.SearchStrategy[list]
    hostile: st.SearchStrategy[list]


@dataclass(frozen=True)
class Reference:
    """A field holding a record id: the actor's own records, and ids out of their reach."""

    own: tuple
    out_of_reach: tuple


@dataclass(frozen=True)
class Later:
    """A value computed from the world when the example runs, e.g. the plan's current row version."""

    read: Callable
    label: str

    def __repr__(self) -> str:
        return f"<{self.label}>"


# Text a person, a script or a confused browser might send. NUL has its own test: the app refuses it before any
# view runs, so letting it into every example would hide everything else behind that one 400.
HOSTILE_TEXT = [
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "'; DROP TABLE clients; --", "1 OR 1=1",
    "{{ 7*7 }}", "${7*7}", "../../../etc/passwd", "\u202eevil\u202c", "\u200f\u200eשלום", "مرحبا",
    "🙂👍🏽🧘‍♀️", "e\u0301", "ﬀ", "\r\n\r\nBcc: victim@example.com", "\t", " ", "   padded   ", "%00", "\x07\x1b[31m",
    "\ufeff", "\u2028\u2029", "NaN", "-0", "null", "None", "[]", "{}", "true", "=HYPERLINK(\"http://x\")",
    "\\", "'", '"', "\U0010fffd", "x\x7fy", "Ｆｕｌｌｗｉｄｔｈ",
]
INVALID_UTF8 = [b"\xff\xfe", b"\xc3\x28", b"\xed\xa0\x80", b"caf\xe9"]
FILL_CHARACTERS = ["a", "é", "🙂", "<", " ", "\u202e", "1"]
ANY_CHARACTER = st.characters(exclude_characters="\x00", exclude_categories=("Cs",))
# "²" and "①" pass str.isdigit() yet int() refuses them: a row version of either was a 500 before issue 16.
NUMBER_JUNK = ["", "five", "1e3", "3.5", "-0", "٣", "²", "①", " 5 ", "0x10", "inf", "NaN", "+7", "1_000", str(2**31),
               str(2**63), "9" * 40, "-" + "9" * 40]
DATE_JUNK = ["", "2024-02-30", "0000-01-01", "0001-01-01", "9999-12-31", "2020-13-01", "31/12/2020", "today",
             "2020-1-1", "+2020-01-01", "２０２０-０１-０１", "2020-01-01T00:00:00", "1899-12-31", "-2020-01-01"]
BOOLEAN_VALUES = ["y", "on", "true", "1", "", "false", "0", "off", "no"]


def long_text(limit: int) -> st.SearchStrategy[str]:
    """Text at a length limit, one character over it, or twice as long (a body over the request cap has its own
    test)."""
    lengths = st.sampled_from([limit, limit + 1, limit * 2 + 7])
    return st.builds(lambda n, fill: fill * n, lengths, st.sampled_from(FILL_CHARACTERS))


def hostile_text(limit: int | None = None) -> st.SearchStrategy:
    """Half the time text past the length limit; else arbitrary unicode with control characters, hostile samples,
    or invalid UTF-8. Without a declared limit, 2000 characters still probe the column behind the field."""
    others = st.one_of(st.text(ANY_CHARACTER, max_size=60), st.sampled_from(HOSTILE_TEXT),
                       st.sampled_from(INVALID_UTF8))
    return st.booleans().flatmap(lambda too_long: long_text(limit or 2000) if too_long else others)


def numbers(low: int | None, high: int | None) -> st.SearchStrategy:
    """Whole numbers in range, just out of it, far out of it, and things that are not numbers at all."""
    low = -1000 if low is None else low
    high = 1000 if high is None else high
    return st.one_of(st.integers(low, high).map(str), st.sampled_from([str(low - 1), str(high + 1)]),
                     st.integers().map(str), st.sampled_from(NUMBER_JUNK), hostile_text(20))


def dates() -> st.SearchStrategy:
    """Dates near today (where 'not in the future/past' rules bite), any date, impossible dates and junk."""
    today = date.today()
    near = st.integers(-3, 3).map(lambda days: (today + timedelta(days=days)).isoformat())
    return st.one_of(near, st.dates().map(date.isoformat), st.sampled_from(DATE_JUNK), hostile_text(20))


def choices(values: list) -> st.SearchStrategy:
    """One of the offered values, or something that was never offered."""
    offered = [str(value) for value in values] or ["x"]
    return st.one_of(st.sampled_from(offered), st.sampled_from(["", "other", "__proto__", "0", "-1"]),
                     hostile_text(30))


def repeated(value: st.SearchStrategy) -> st.SearchStrategy[list]:
    """A field sent once (usually) or several times."""
    return st.one_of(value.map(lambda one: [one]), st.lists(value, min_size=2, max_size=3))


BROKEN_IDS = ["0", "-1", str(2**31), "99999999", "abc", "", "1.5", "1e3", "²", "①"]
# One example in three puts an id out of the actor's reach; the others use their own records.
OUT_OF_REACH = st.sampled_from([False, False, True])


def _validators(unbound: UnboundField) -> list:
    return list(unbound.kwargs.get("validators") or (unbound.args[1] if len(unbound.args) > 1 else []))


def _length_limit(unbound: UnboundField) -> int | None:
    limits = [v.max for v in _validators(unbound) if isinstance(v, Length) and v.max is not None and v.max >= 0]
    return min(limits) if limits else None


def _number_range(unbound: UnboundField) -> tuple[int | None, int | None]:
    ranges = [(v.min, v.max) for v in _validators(unbound) if isinstance(v, NumberRange)]
    return ranges[0] if ranges else (None, None)


def ordinary_text(limit: int | None) -> st.SearchStrategy[str]:
    """Text a person might type: letters of any script, digits, punctuation, spaces, emoji; within the limit."""
    alphabet = st.characters(categories=("L", "N", "P", "Zs", "So"), exclude_characters="\x00")
    return st.text(alphabet, min_size=1, max_size=min(limit or 40, 40)).filter(str.strip)


def ordinary_email() -> st.SearchStrategy[str]:
    """A well-formed address."""
    return st.from_regex(r"[a-z]{1,12}(\.[a-z]{1,8})?@example\.(com|org)", fullmatch=True)


def field_fuzz(unbound: UnboundField) -> FieldFuzz:
    """Plausible and hostile values for one WTForms field, chosen by its type and its declared limits."""
    kind = unbound.field_class
    offered = [choice[0] if isinstance(choice, tuple) else choice for choice in unbound.kwargs.get("choices") or []]
    if issubclass(kind, SelectMultipleField):
        return FieldFuzz(st.lists(st.sampled_from(offered or ["x"]), unique=True, max_size=3),
                         st.lists(choices(offered), min_size=1, max_size=6))
    if issubclass(kind, (SelectField, RadioField)):
        return FieldFuzz(st.sampled_from(offered or [""]).map(lambda one: [str(one)]), repeated(choices(offered)))
    if issubclass(kind, BooleanField):
        return FieldFuzz(st.sampled_from([["y"], []]), repeated(st.one_of(st.sampled_from(BOOLEAN_VALUES),
                                                                           hostile_text(10))))
    if issubclass(kind, IntegerField):
        low, high = _number_range(unbound)
        valid = st.integers(0 if low is None else low, 100 if high is None else high).map(lambda n: [str(n)])
        return FieldFuzz(valid, repeated(numbers(low, high)))
    if issubclass(kind, DateField):
        return FieldFuzz(st.just([date.today().isoformat()]), repeated(dates()))
    if issubclass(kind, EmailField):
        return FieldFuzz(ordinary_email().map(lambda one: [one]), repeated(hostile_text(_length_limit(unbound))))
    if issubclass(kind, (StringField, TextAreaField, PasswordField, HiddenField)):
        limit = _length_limit(unbound)
        return FieldFuzz(ordinary_text(limit).map(lambda one: [one]), repeated(hostile_text(limit)))
    raise TypeError(f"no strategy for {kind.__name__}: add one to tests/fuzz/strategies.py")


def form_fields(form_class, prefix: str = "") -> dict[str, FieldFuzz]:
    """Plausible and hostile values for every field a form class declares, under its real (prefixed) name."""
    fields = {}
    for name in dir(form_class):
        unbound = getattr(form_class, name, None)
        if isinstance(unbound, UnboundField):
            fields[f"{prefix}{name}"] = field_fuzz(unbound)
    return fields


def hostile(values: st.SearchStrategy, plausible: st.SearchStrategy) -> FieldFuzz:
    """A field whose plausible and hostile single values are given (each sent once, or repeated if hostile)."""
    return FieldFuzz(plausible.map(lambda one: [one]), repeated(values))


# Fields nobody may set through a form; they must be ignored wherever they are posted.
FORBIDDEN_FIELDS = ("practice_id", "role", "is_active", "owner_id", "created_by_id", "is_signed", "client_id", "id")


@dataclass(frozen=True)
class Example:
    """One post to make: the values of the path's placeholders, the field pairs, and whether an id is out of reach."""

    places: dict
    pairs: list
    out_of_reach: bool


@st.composite
def examples(draw, places: dict[str, Reference], fields: dict, forbidden: st.SearchStrategy) -> Example:
    """A post. One in three puts one id out of the actor's reach (in the path or in a field) into an otherwise
    plausible post, so the refusal is not down to another field. The others break a few fields (hostile or
    missing) and keep the rest plausible. Fields nobody may set are added to any of them."""
    references = [name for name in places] + [name for name, spec in fields.items() if isinstance(spec, Reference)]
    target = draw(st.sampled_from(references)) if references and draw(OUT_OF_REACH) else None
    names = sorted(fields)
    broken = draw(st.sets(st.sampled_from(names))) if names and target is None else set()
    chosen = {name: draw(st.sampled_from(place.out_of_reach if name == target else place.own))
              for name, place in places.items()}
    pairs = []
    for name in names:
        spec = fields[name]
        if isinstance(spec, Reference):
            values = [draw(st.sampled_from(spec.out_of_reach if name == target else spec.own))]
            if name in broken:
                values = draw(st.one_of(st.just([]), repeated(st.sampled_from(BROKEN_IDS))))
        elif name in broken:
            values = draw(st.one_of(st.just([]), spec.hostile))
        else:
            values = draw(spec.valid)
        pairs += [(name, value) for value in values]
    smuggled = draw(st.lists(st.tuples(st.sampled_from([n for n in FORBIDDEN_FIELDS if n not in fields]),
                                       forbidden), max_size=3))
    return Example(chosen, pairs + smuggled, target is not None)
