"""Everything saved, read before and after a post, so a test can say exactly which rows a request changed."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import String, select

from practice.extensions import db

# Not saved work: the audit log grows on every request (refusals are audited on purpose), the PDF cache is
# rebuilt at will, and login sources are login bookkeeping (a refused login counts a failure there).
UNWATCHED_TABLES = {"audit_events", "rendered_handouts", "login_sources"}
# Login bookkeeping too: a refused re-authentication may end every session.
UNWATCHED_COLUMNS = {("users", "last_login_at"), ("users", "session_token")}


def _tables():
    return [table for table in db.metadata.sorted_tables if table.name not in UNWATCHED_TABLES]


def take() -> dict[tuple[str, int], dict]:
    """Every watched row, keyed by (table, id), as plain values."""
    db.session.rollback()  # read what the requests committed, not what this session cached
    rows = {}
    for table in _tables():
        for row in db.session.execute(select(table)).mappings():
            rows[(table.name, row["id"])] = {key: value for key, value in row.items()
                                             if (table.name, key) not in UNWATCHED_COLUMNS}
    return rows


@dataclass
class Changes:
    """The rows a request added, changed and removed."""

    before: dict
    after: dict

    @property
    def added(self) -> list[tuple[str, dict]]:
        """(table, row) of every new row."""
        return [(key[0], row) for key, row in self.after.items() if key not in self.before]

    @property
    def changed(self) -> list[tuple[str, dict, dict]]:
        """(table, old row, new row) of every row whose values changed."""
        return [(key[0], self.before[key], row) for key, row in self.after.items()
                if key in self.before and self.before[key] != row]

    @property
    def removed(self) -> list[tuple[str, dict]]:
        """(table, row) of every row that is gone."""
        return [(key[0], row) for key, row in self.before.items() if key not in self.after]

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def new_rows(self, table: str) -> list[dict]:
        """The rows added to `table`."""
        return [row for name, row in self.added if name == table]

    def touched_rows(self) -> list[tuple[str, dict]]:
        """(table, row) of every added or changed row, as it is now."""
        return self.added + [(name, new) for name, _old, new in self.changed]

    def describe(self) -> str:
        """A short account for an assertion message."""
        return (f"added {[(t, r['id']) for t, r in self.added]}, changed {[(t, o['id']) for t, o, _ in self.changed]}, "
                f"removed {[(t, r['id']) for t, r in self.removed]}")


def practice_of_rows(rows: dict) -> dict[tuple[str, int], int | None]:
    """The practice each row belongs to, through its practice, client, plan, intake or note."""
    clients = {rid: row["practice_id"] for (table, rid), row in rows.items() if table == "clients"}
    plans = {rid: row["practice_id"] for (table, rid), row in rows.items() if table == "plans"}
    intakes = {rid: row["practice_id"] for (table, rid), row in rows.items() if table == "intakes"}
    notes = {rid: clients.get(row["client_id"]) for (table, rid), row in rows.items() if table == "session_notes"}
    versions = {rid: plans.get(row["plan_id"]) for (table, rid), row in rows.items() if table == "plan_versions"}
    owners = {}
    for (table, rid), row in rows.items():
        if table == "practices":
            owners[(table, rid)] = rid
        elif row.get("practice_id") is not None:
            owners[(table, rid)] = row["practice_id"]
        elif row.get("client_id") is not None:
            owners[(table, rid)] = clients.get(row["client_id"])
        elif row.get("plan_id") is not None:
            owners[(table, rid)] = plans.get(row["plan_id"])
        elif row.get("intake_id") is not None:
            owners[(table, rid)] = intakes.get(row["intake_id"])
        elif row.get("note_id") is not None:
            owners[(table, rid)] = notes.get(row["note_id"])
        elif row.get("plan_version_id") is not None:
            owners[(table, rid)] = versions.get(row["plan_version_id"])
        else:
            owners[(table, rid)] = None  # shared: the seeded library
    return owners


def limit_breaches(changes: Changes) -> list[str]:
    """Saved text longer than its column allows (SQLite would keep it; PostgreSQL would fail), or holding NUL."""
    lengths = {(table.name, column.name): column.type.length for table in _tables() for column in table.columns
               if isinstance(column.type, String) and column.type.length}
    problems = []
    for table, row in changes.touched_rows():
        for name, value in row.items():
            limit = lengths.get((table, name))
            if isinstance(value, str) and limit is not None and len(value) > limit:
                problems.append(f"{table}.{name} holds {len(value)} characters, more than {limit}")
            if _holds_nul(value):
                problems.append(f"{table}.{name} holds a NUL character")
    return problems


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(_holds_nul(item) for item in value)
    return False
