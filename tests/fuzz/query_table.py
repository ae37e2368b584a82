"""The query-string parameters the app reads: which pages read which, their edge values, and random values.

tests/fuzz/test_query_strings.py tries every edge value of every parameter on each page that reads it, and random
mixes of all of them on every GET route. `test_every_query_parameter_the_app_reads_is_fuzzed` finds the names the
app reads in its source and fails when one is missing here.
"""
from __future__ import annotations

from hypothesis import strategies as st

from tests.fuzz import strategies as fuzz

#: numbers no page of ours sends: "²" and "①" pass str.isdigit() yet int() refuses them; the long ones fit no column
NUMBER_EDGES = ["²", "①", "٣", "0", "-1", "1.5", "1e3", " ", "", str(2**31), str(2**63), "9" * 20, "-" + "9" * 40]
#: dates at the calendar's ends (nothing can be added to 9999-12-31), impossible dates, and other formats
DATE_EDGES = ["9999-12-31", "0001-01-01", "0000-01-01", "1899-12-31", "2024-02-30", "2020-13-01", "+2020-01-01",
              "２０２０-０１-０１", "2020-W01-1", "20200101", "", "today"]
TEXT_EDGES = ["<script>alert(1)</script>", "%", "_", "\u202e", "🙂" * 50, "x" * 3000, b"\xff\xfe", "\t", ""]
#: paths a `next=` may hold: on this site, and every way out of it
NEXT_EDGES = ["/", "/clients/", "//evil.example", "https://evil.example/", "/\\evil.example", "javascript:alert(1)",
              "/clients/%0d%0aSet-Cookie:x=1", "\\\\evil", "/" + "a" * 3000]

#: name -> (edge values tried one by one, random values)
QUERY_PARAMETERS: dict[str, tuple[list, st.SearchStrategy]] = {
    "page": (NUMBER_EDGES, fuzz.numbers(1, None)),
    "per_page": (NUMBER_EDGES, fuzz.numbers(1, None)),  # Flask-SQLAlchemy reads it unless the view passes its own
    "q": (TEXT_EDGES, st.one_of(fuzz.ordinary_text(100), fuzz.hostile_text(100))),
    "show": (["archived", "ARCHIVED", *TEXT_EDGES], fuzz.choices(["archived"])),
    "variant": (["large", "colour", *TEXT_EDGES], fuzz.choices(["large", "colour"])),
    "next": (NEXT_EDGES, st.one_of(st.sampled_from(NEXT_EDGES), fuzz.hostile_text(200))),
    # The audit log's filter form (a GET form)
    "actor": (NUMBER_EDGES, fuzz.numbers(1, None)),
    "client": (NUMBER_EDGES, fuzz.numbers(1, None)),
    "action": (TEXT_EDGES, st.one_of(st.sampled_from(["client.view", "auth.login"]), fuzz.hostile_text(60))),
    "since": (DATE_EDGES, fuzz.dates()),
    "until": (DATE_EDGES, fuzz.dates()),
    # A volume of a long record's export: which one, the audit row it prints up to, the record's fingerprint
    "volume": (NUMBER_EDGES, fuzz.numbers(1, None)),
    "audit_until": (NUMBER_EDGES, fuzz.numbers(1, None)),
    "cut": (TEXT_EDGES, fuzz.hostile_text(80)),
}

_AUDIT_FILTERS = ("actor", "client", "action", "since", "until", "page", "per_page")
#: the pages that read their query string, and what they read
ROUTE_PARAMETERS: dict[str, tuple[str, ...]] = {
    "clients.index": ("q", "show", "page", "per_page"),
    "audit.index": _AUDIT_FILTERS,
    "audit.export": _AUDIT_FILTERS,
    "casefile.export_pdf": ("volume", "audit_until", "cut"),
    "handouts.handout": ("variant",),
    "handouts.print_view": ("variant",),
    "portal.handout": ("variant",),
    "accounts.login": ("next",),
    "accounts.confirm_password": ("next",),
}
#: pages that render a PDF on every request: fewer random examples keep the module quick
RENDERS_A_PDF = {"casefile.export_pdf", "handouts.handout", "portal.handout", "handouts.referral"}


def edge_cases(endpoint: str) -> list[tuple[str, str | bytes]]:
    """(name, value) for every edge value of every parameter the page reads."""
    return [(name, value) for name in ROUTE_PARAMETERS.get(endpoint, ()) for value in QUERY_PARAMETERS[name][0]]


def examples_for(endpoint: str) -> int:
    """How many random query strings to try on one page."""
    return 2 if endpoint in RENDERS_A_PDF else 8 if endpoint in ROUTE_PARAMETERS else 4


@st.composite
def query_strings(draw) -> list[tuple[str, str | bytes]]:
    """A random query string as pairs: a few of the app's parameters (maybe repeated), maybe a name it never reads."""
    names = draw(st.lists(st.sampled_from(sorted(QUERY_PARAMETERS)), min_size=1, max_size=5))
    pairs = [(name, draw(st.one_of(st.sampled_from(QUERY_PARAMETERS[name][0]), QUERY_PARAMETERS[name][1])))
             for name in names]
    if draw(st.booleans()):
        pairs.append((draw(st.sampled_from(["id", "__proto__", "page[]", "", "sort"])), draw(fuzz.hostile_text(30))))
    return pairs
